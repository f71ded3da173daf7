"""Search over the public collection: one interface, a backend per database vendor.

`search()` parses the query once (papers.search.query), lets the vendor's module match, rank
and cut one page in the database, and counts the facets over the same matching set, found once
for all of them. Only Paper.objects.public() papers are ever searched or counted; status is read at query
time, so moderation never needs to touch the index.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

from ..models import Paper, PaperTag, PublicationType, Tag
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
    found = match(query, filters, expand_synonyms)
    if found.is_empty:
        return Results([], 0, Facets(), found.parsed.expanded, found.parsed.message)
    total, counts = found.facets(facets)
    if not total:
        return Results([], 0, Facets(), found.parsed.expanded, "No papers match this search.")
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    page_ids = found.ranked(sort, limit=page_size, offset=(max(page, 1) - 1) * page_size)
    return Results(found.hits(page_ids), total, counts, found.parsed.expanded)


def search_ids(query: str, *, filters: SearchFilters | None = None, limit: int,
               sort: Literal["relevance", "newest"] = "relevance", expand_synonyms: bool = True) -> tuple[list[int], int]:
    """The ids of the first `limit` matching public papers in result order, and how many match
    in all: what an export of every page needs, without snippets or facets."""
    found = match(query, filters, expand_synonyms)
    if found.is_empty:
        return [], 0
    total = found.papers.count()
    return ([pk for pk, _ in found.ranked(sort, limit=limit, offset=0)] if total else []), total


def match(query: str, filters: SearchFilters | None = None, expand_synonyms: bool = True) -> "Matching":
    """The query parsed (tag synonyms looked up once) and the public papers it selects. Without
    words but with filters, every filtered paper matches: browsing a tag, a topic or a journal."""
    filters = filters or SearchFilters()
    parsed = parse(query, _synonyms() if expand_synonyms and query and not query.isspace() else None)
    scope = _filtered(Paper.objects.public(), filters)
    engine = backend()
    papers = scope if parsed.is_empty else scope.filter(pk__in=RawSQL(*engine.matching(parsed)))
    return Matching(parsed, engine, scope, papers, is_empty=parsed.is_empty and not filters)


@dataclass
class Matching:
    """One search's matching set, from which a page asks for counts, a ranked slice and hits."""

    parsed: ParsedQuery
    engine: object  # the backend module
    scope: object  # QuerySet of the public papers the filters leave
    papers: object  # ... and of those the words match
    is_empty: bool  # nothing to search for and nothing to browse

    def ranked(self, sort: str, *, limit: int, offset: int) -> list[tuple[int, float]]:
        """(paper id, rank) of one slice, ranked and cut in the database."""
        if self.parsed.is_empty:  # browsing: nothing to rank by, so newest first
            ids = self.papers.order_by(*NEWEST_FIRST).values_list("pk", flat=True)[offset:offset + limit]
            return [(pk, 0.0) for pk in ids]
        # Ranking matches the words itself, so it narrows by the filters alone, not by `papers`
        # (which would match the words a second time).
        return self.engine.ranked(self.parsed, self.scope.order_by().values("pk").query.sql_with_params(),
                                  _ORDER.get(sort, _ORDER["relevance"]), limit=limit, offset=offset)

    def facets(self, names: Collection[str]) -> tuple[int, Facets]:
        """How many papers match, and the counts per year and per each facet named, in one
        statement: the matching set is found once (a materialized CTE) and grouped per facet."""
        with connection.cursor() as cursor:
            cursor.execute(*_facet_statement(self.papers, names))
            return _read_facets(cursor.fetchall())

    def hits(self, page_ids: list[tuple[int, float]]) -> list[Hit]:
        ids = [pk for pk, _ in page_ids]
        papers = Paper.objects.in_bulk(ids)
        snippets = {} if self.parsed.is_empty else self.engine.snippets(self.parsed, ids)
        return [Hit(papers[pk], mark_safe(snippets.get(pk, "")), rank) for pk, rank in page_ids]


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
    if filters.publication_type:  # a semi-join, like the tags: a join would repeat papers to the planner
        papers = papers.filter(pk__in=Paper.publication_types.through.objects.filter(
            publicationtype__name=filters.publication_type).values("paper_id"))
    return papers


def _facet_statement(papers, names: Collection[str]) -> tuple[str, list]:
    """One statement over the matching set, materialized once: a GROUP BY per facet, unioned."""
    paper_tag, tag = PaperTag._meta.db_table, Tag._meta.db_table
    types, type_table = Paper.publication_types.through._meta.db_table, PublicationType._meta.db_table
    sql, params = papers.order_by().values_list("pk", "pub_year", "journal_title").query.sql_with_params()
    # Every branch yields (facet, value, label, n); years as text, since a UNION has one type a column.
    branches = ["SELECT 'years', CAST(pub_year AS TEXT), '', COUNT(*) FROM m GROUP BY pub_year"]
    params = list(params)
    if "journals" in names:
        branches.append(
            "SELECT * FROM (SELECT 'journals', journal_title, '', COUNT(*) AS n FROM m WHERE journal_title <> ''"
            f" GROUP BY journal_title ORDER BY n DESC, journal_title LIMIT {FACET_LIMIT}) AS journals")
    if "tags" in names:
        branches.append(
            f"SELECT * FROM (SELECT 'tags', t.slug, t.name, COUNT(*) AS n FROM m JOIN {paper_tag} pt ON pt.paper_id = m.id"
            f" JOIN {tag} t ON t.id = pt.tag_id WHERE pt.status = %s GROUP BY t.slug, t.name"
            f" ORDER BY n DESC, t.name LIMIT {FACET_LIMIT}) AS tags")
        params.append(PaperTag.Status.CONFIRMED)
    if "publication_types" in names:
        branches.append(
            f"SELECT 'publication_types', pt.name, '', COUNT(*) FROM m JOIN {types} ppt ON ppt.paper_id = m.id"
            f" JOIN {type_table} pt ON pt.id = ppt.publicationtype_id GROUP BY pt.name")
    return f"WITH m (id, pub_year, journal_title) AS MATERIALIZED ({sql}) " + " UNION ALL ".join(branches), params


def _read_facets(rows) -> tuple[int, Facets]:
    """The total (the years' counts add up to it) and the facets, each in its display order."""
    found, total = Facets(), 0
    for facet, value, label, n in rows:
        if facet == "years":
            total += n
            if value is not None:
                found.years.append(FacetValue(int(value), str(int(value)), n))
        elif facet == "tags":
            found.tags.append(FacetValue(value, label, n))
        else:
            getattr(found, facet).append(FacetValue(value, value, n))
    found.years.sort(key=lambda f: f.value, reverse=True)
    found.journals.sort(key=lambda f: (-f.count, f.value))
    found.tags.sort(key=lambda f: (-f.count, f.label))
    found.publication_types.sort(key=lambda f: (-f.count, f.value))
    return total, found
