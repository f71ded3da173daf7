"""Search over the public collection: one interface, a backend per database vendor.

`search()` parses the query once (papers.search.query), lets the vendor's module match, rank
and cut one page in the database, and computes the facets with the ORM over the same matching
set. Only Paper.objects.public() papers are ever searched or counted; status is read at query
time, so moderation never needs to touch the index.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

from ..models import Paper, PaperTag, Tag
from . import postgres, sqlite
from .query import ParsedQuery, parse

FACETS = ("tags", "years", "journals", "publication_types")
FACET_LIMIT = 20  # journals and tags shown; years and publication types are few
MAX_PAGE_SIZE = 100
NEWEST_FIRST = (F("pub_year").desc(nulls_last=True), F("pub_month").desc(nulls_last=True),
                F("pub_day").desc(nulls_last=True), F("pk").desc())
_ORDER = {
    "relevance": "hit.rank DESC, p.pub_year DESC NULLS LAST, p.id DESC",
    "newest": "p.pub_year DESC NULLS LAST, p.pub_month DESC NULLS LAST, p.pub_day DESC NULLS LAST, p.id DESC",
}


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing of the results: every tag (by slug), a topic with its subtopics (by slug), a year
    range, a journal, a publication type."""

    tags: tuple[str, ...] = ()
    topic: str = ""
    year_from: int | None = None
    year_to: int | None = None
    journal: str = ""
    publication_type: str = ""


    def __bool__(self) -> bool:
        return self != SearchFilters()


class FacetValue(NamedTuple):
    value: str | int  # what a filter takes (tag slug, year, journal title, type name)
    label: str
    count: int


@dataclass
class Facets:
    tags: list[FacetValue] = field(default_factory=list)
    years: list[FacetValue] = field(default_factory=list)
    journals: list[FacetValue] = field(default_factory=list)
    publication_types: list[FacetValue] = field(default_factory=list)


@dataclass
class Hit:
    paper: Paper
    snippet: str  # safe HTML: escaped text with <mark> around matches
    rank: float  # higher is better; comparable only within one backend


@dataclass
class Results:
    hits: list[Hit]
    total: int
    facets: Facets
    expanded: list[tuple[str, list[str]]]  # (the user's term, the synonyms also searched)
    message: str = ""  # a polite word for an empty or unusable query


def backend():
    """The module that speaks this database's full-text dialect."""
    return postgres if connection.vendor == "postgresql" else sqlite


def search(query: str, *, filters: SearchFilters | None = None, page: int = 1, page_size: int = 20,
           sort: Literal["relevance", "newest"] = "relevance", expand_synonyms: bool = True,
           facets: Collection[str] = FACETS) -> Results:
    """One page of public papers matching the query, best first (or newest first), with the
    `facets` asked for (years always: they give the total) over all matches. Never raises on
    user input: an unusable query gives no hits and a message."""
    parsed, engine, matches = _matching(query, filters, expand_synonyms)
    if parsed.is_empty and not filters:
        return Results([], 0, Facets(), parsed.expanded, parsed.message)
    by_year = list(matches.values("pub_year").annotate(n=Count("pk")).order_by("-pub_year"))
    total = sum(row["n"] for row in by_year)
    if not total:
        return Results([], 0, Facets(), parsed.expanded, "No papers match this search.")
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    page_ids = _ranked(parsed, engine, matches, sort, limit=page_size, offset=(max(page, 1) - 1) * page_size)
    found = _facets(matches, facets)
    found.years = [FacetValue(row["pub_year"], str(row["pub_year"]), row["n"]) for row in by_year if row["pub_year"]]
    return Results(_hits(parsed, page_ids, engine), total, found, parsed.expanded)


def search_ids(query: str, *, filters: SearchFilters | None = None, limit: int,
               sort: Literal["relevance", "newest"] = "relevance", expand_synonyms: bool = True) -> tuple[list[int], int]:
    """The ids of the first `limit` matching public papers in result order, and how many match
    in all: what an export of every page needs, without snippets or facets."""
    parsed, engine, matches = _matching(query, filters, expand_synonyms)
    if parsed.is_empty and not filters:
        return [], 0
    total = matches.count()
    ids = [pk for pk, _ in _ranked(parsed, engine, matches, sort, limit=limit, offset=0)] if total else []
    return ids, total


def _matching(query, filters, expand_synonyms):
    """The parsed query, the backend, and the public papers it selects. Without words but with
    filters, every filtered paper matches: browsing a tag, a topic or a journal."""
    parsed = parse(query, _synonyms() if expand_synonyms and query and not query.isspace() else None)
    engine = backend()
    matches = _filtered(Paper.objects.public(), filters or SearchFilters())
    if not parsed.is_empty:
        matches = matches.filter(pk__in=RawSQL(*engine.matching(parsed)))
    elif not filters:
        matches = matches.none()
    return parsed, engine, matches


def _ranked(parsed, engine, matches, sort, *, limit, offset) -> list[tuple[int, float]]:
    if parsed.is_empty:  # browsing: nothing to rank by, so newest first
        ids = matches.order_by(*NEWEST_FIRST).values_list("pk", flat=True)[offset:offset + limit]
        return [(pk, 0.0) for pk in ids]
    return engine.ranked(parsed, matches.order_by().values("pk").query.sql_with_params(),
                         _ORDER.get(sort, _ORDER["relevance"]), limit=limit, offset=offset)


def _synonyms() -> dict[str, list[str]]:
    """Every tag term, casefolded, mapped to all the terms of its tag."""
    lookup: dict[str, list[str]] = {}
    for name, synonyms in Tag.objects.values_list("name", "synonyms"):
        terms = [name, *synonyms]
        for term in terms:
            lookup.setdefault(term.casefold(), terms)
    return lookup


def _filtered(papers, filters: SearchFilters):
    if filters.topic:
        papers = papers.filter(pk__in=PaperTag.objects.filter(
            Q(tag__topic__slug=filters.topic) | Q(tag__topic__parent__slug=filters.topic),
            status=PaperTag.Status.CONFIRMED).values("paper_id"))
    for slug in filters.tags:
        papers = papers.filter(pk__in=PaperTag.objects.filter(tag__slug=slug, status=PaperTag.Status.CONFIRMED)
                               .values("paper_id"))
    if filters.year_from is not None:
        papers = papers.filter(pub_year__gte=filters.year_from)
    if filters.year_to is not None:
        papers = papers.filter(pub_year__lte=filters.year_to)
    if filters.journal:
        papers = papers.filter(journal_title=filters.journal)
    if filters.publication_type:
        papers = papers.filter(publication_types__name=filters.publication_type)
    return papers


def _hits(parsed: ParsedQuery, page_ids: list[tuple[int, float]], engine) -> list[Hit]:
    ids = [pk for pk, _ in page_ids]
    papers = Paper.objects.in_bulk(ids)
    snippets = {} if parsed.is_empty else engine.snippets(parsed, ids)
    return [Hit(papers[pk], mark_safe(snippets.get(pk, "")), rank) for pk, rank in page_ids]


def _facets(matches, names: Collection[str]) -> Facets:
    """Counts per tag, journal and publication type over all matches, one GROUP BY each."""
    found = Facets()
    if "tags" in names:
        tags = (PaperTag.objects.filter(paper__in=matches.values("pk"), status=PaperTag.Status.CONFIRMED)
                .values("tag__slug", "tag__name").annotate(n=Count("paper_id")).order_by("-n", "tag__name"))
        found.tags = [FacetValue(r["tag__slug"], r["tag__name"], r["n"]) for r in tags[:FACET_LIMIT]]
    if "journals" in names:
        journals = (matches.exclude(journal_title="").values("journal_title").annotate(n=Count("pk"))
                    .order_by("-n", "journal_title"))
        found.journals = [FacetValue(r["journal_title"], r["journal_title"], r["n"]) for r in journals[:FACET_LIMIT]]
    if "publication_types" in names:
        types = (Paper.publication_types.through.objects.filter(paper__in=matches.values("pk"))
                 .values("publicationtype__name").annotate(n=Count("paper_id")).order_by("-n", "publicationtype__name"))
        found.publication_types = [FacetValue(r["publicationtype__name"], r["publicationtype__name"], r["n"]) for r in types]
    return found
