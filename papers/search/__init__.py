"""Search over the public collection: one interface, a backend per database vendor.

`search()` parses the query once (papers.search.query); one statement then finds the matching
set with the vendor's full-text dialect, ranks it once, cuts the page and counts the facets
over it. Only Paper.objects.public() papers are ever searched or counted: each search document
carries its paper's public flag (written by papers.search.indexing), and the hits shown are read
through public() again.
"""

import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Literal, NamedTuple

from django.db import connection
from django.db.models import F
from django.utils.safestring import mark_safe

from papers.catalogue.models import Paper, PublicationType, Tag, Topic
from papers.search.backends import SearchBackend, backend
from papers.search.query import Named, ParsedQuery, TagNames, parse
from papers.search.scope import DOCUMENTS, Scope, SearchFilters
from papers.tagging.matcher import Tagger, TagTerms
from papers.tagging.models import PaperTag
from papers.tagging.suggestions import terms_of

FACETS = ("tags", "years", "journals", "publication_types")
FACET_LIMIT = 20  # journals and tags shown; years and publication types are few
MAX_PAGE_SIZE = 100
# What a result list shows of a paper, on the site and in the API: not its abstract, MeSH terms,
# grants… (a Paper has 47 fields; building 20 whole ones was a fifth of a result page's time).
LISTED = (
    "pmid",
    "title",
    "vernacular_title",
    "journal_title",
    "journal_iso",
    "pub_year",
    "pub_date_text",
    "doi",
    "is_retracted",
)
NEWEST_FIRST = (
    F("pub_year").desc(nulls_last=True),
    F("pub_month").desc(nulls_last=True),
    F("pub_day").desc(nulls_last=True),
    F("pk").desc(),
)
_ORDER = {
    "relevance": "rank DESC, pub_year DESC NULLS LAST, id DESC",
    "newest": "pub_year DESC NULLS LAST, pub_month DESC NULLS LAST, pub_day DESC NULLS LAST, id DESC",
}


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
    recent: int = 0  # matches approved since the time asked
    named: list[tuple[Named, int]] = field(default_factory=list)  # search(count_named=…): public papers each


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


def search(
    query: str,
    *,
    filters: SearchFilters | None = None,
    page: int = 1,
    page_size: int = 20,
    sort: Literal["relevance", "newest"] = "relevance",
    expand_synonyms: bool = True,
    facets: Collection[str] = FACETS,
    recent_since: datetime | None = None,
    count_named: Collection[str] = (),
) -> Results:
    """One page of public papers matching the query, best first (or newest first), with the
    `facets` asked for (years always: they give the total) over all matches; with
    `recent_since`, how many of them were approved since then; and with `count_named`, the tags
    and topics those terms name, each with the public papers it lists (what a page offers
    beside its results), counted in the same statement. Never raises on user input: an unusable
    query gives no hits and a message."""
    names = tag_names() if count_named else None
    found = match(query, filters, expand_synonyms, names)
    if found.is_empty:
        return Results([], 0, Facets(), found.parsed.expanded, found.parsed.message)
    named = names.named_by(count_named) if names else []
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    offset = (max(page, 1) - 1) * page_size
    total, counts, page_ids = found.page(
        sort, limit=page_size, offset=offset, facets=facets, recent_since=recent_since, named=named
    )
    if not total:
        return Results([], 0, Facets(named=counts.named), found.parsed.expanded, "No papers match this search.")
    return Results(found.hits(page_ids), total, counts, found.parsed.expanded)


def named_counts(terms: Collection[str]) -> list[tuple[Named, int]]:
    """The tags and topics the terms name, each with the public papers it lists, on their own:
    two statements (the tags' names, then the counts)."""
    named = tag_names().named_by(terms)
    if not named:
        return []
    sql, params = _named_branches(named)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        return _read_page(cursor.fetchall(), named)[1].named


def search_ids(
    query: str,
    *,
    filters: SearchFilters | None = None,
    limit: int,
    sort: Literal["relevance", "newest"] = "relevance",
    expand_synonyms: bool = True,
) -> tuple[list[int], int]:
    """The ids of the first `limit` matching public papers in result order, and how many match
    in all: what an export of every page needs, without snippets or facets."""
    found = match(query, filters, expand_synonyms)
    if found.is_empty:
        return [], 0
    total, _, ranked = found.page(sort, limit=limit, offset=0)
    return [pk for pk, _ in ranked], total


def approved_last_ids(
    query: str, *, filters: SearchFilters | None = None, limit: int, expand_synonyms: bool = True
) -> list[int]:
    """The ids of the `limit` matching public papers approved last, newest approval first (a
    feed's entries). Without words every filtered paper matches, as on a topic page; an
    unusable query matches nothing."""
    found = match(query, filters, expand_synonyms)
    if found.parsed.is_empty and query and not query.isspace():
        return []
    return found.approved_last(limit)


def match(
    query: str, filters: SearchFilters | None = None, expand_synonyms: bool = True, names: TagNames | None = None
) -> "Matching":
    """The query parsed (tag synonyms looked up once, unless the tags' `names` are given) and the
    public papers the filters leave. Without words but with filters, every filtered paper
    matches: browsing a tag, a topic or a journal."""
    if names is None and expand_synonyms and query and not query.isspace():
        names = tag_names()
    return Matching(parse(query, names if expand_synonyms else None), backend(), Scope(filters or SearchFilters()))


@dataclass
class Matching:
    """One search, from which a page asks for its slice, its counts and its hits."""

    parsed: ParsedQuery
    engine: SearchBackend
    scope: Scope  # the public papers the filters leave

    @property
    def is_empty(self) -> bool:
        """Nothing to search for and nothing to browse."""
        return self.parsed.is_empty and not self.scope.narrowed

    def page(
        self,
        sort: str,
        *,
        limit: int,
        offset: int,
        facets: Collection[str] = (),
        recent_since: datetime | None = None,
        named: Collection[Named] = (),
    ) -> tuple[int, Facets, list[tuple[int, float]]]:
        """How many papers match, the counts per year and per each facet named (and of those
        approved since `recent_since`, and the public papers each of `named` lists), and (paper
        id, rank) of one slice in `sort` order: one statement, in which the matching set is found
        and ranked once (a materialized CTE), then cut and grouped per facet."""
        # Browsing has nothing to rank by: newest first, whatever the sort asked.
        order = _ORDER["newest"] if self.parsed.is_empty else _ORDER.get(sort, _ORDER["relevance"])
        sql, params = _page_statement(
            self._matches(approval=recent_since is not None),
            self.engine.TYPE_COUNTS,
            facets,
            order,
            limit,
            offset,
            recent_since,
            named,
        )
        # The backend's settings are for matching words; browsing reads papers by their indexes.
        settings = "" if self.parsed.is_empty else self.engine.statement_settings()
        with connection.cursor() as cursor:
            cursor.execute(settings + sql, params)
            return _read_page(cursor.fetchall(), named)

    def approved_last(self, limit: int) -> list[int]:
        """Ids of the `limit` matching papers approved last (their documents' approval time)."""
        sql, params = self._matches(approval=True)
        settings = "" if self.parsed.is_empty else self.engine.statement_settings()
        with connection.cursor() as cursor:
            cursor.execute(
                f"{settings}{sql} SELECT id FROM m ORDER BY approved_at DESC NULLS LAST, id DESC LIMIT %s",
                [*params, limit],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def hits(self, page_ids: list[tuple[int, float]]) -> list[Hit]:
        ids = [pk for pk, _ in page_ids]
        # public() again: whatever the index says, only an approved paper is ever shown.
        papers = Paper.objects.public().only(*LISTED).in_bulk(ids)
        snippets = {} if self.parsed.is_empty else self.engine.snippets(self.parsed, ids)
        return [Hit(papers[pk], mark_safe(snippets.get(pk, "")), rank) for pk, rank in page_ids if pk in papers]

    def _matches(self, approval: bool = False) -> tuple[str, list]:
        """A CTE, m: every matching public paper, materialized, with Scope.columns (the approval
        time if `approval`) and a rank.
        The backend matches the words and ranks the matches among the documents the filters
        leave; browsing ranks nothing, and reads the documents' facts alone."""
        scope = replace(self.scope, approval=True) if approval else self.scope
        if self.parsed.is_empty:
            filters, params = scope.conditions(self.engine.HAS_TYPE)
            return (
                f"WITH m AS MATERIALIZED (SELECT {scope.columns}, 0.0 AS rank FROM {DOCUMENTS} WHERE {filters})",
                params,
            )
        ranked, ranked_params = self.engine.ranked_matches(self.parsed, scope)
        return f"WITH m AS MATERIALIZED ({ranked})", ranked_params


# Each tag: its key, slug, name, synonyms and exclusions (JSON, as text), and the slug and name
# of its topic and of the topic's parent (the tree has two levels).
_NAMES_SQL = (
    "SELECT t.id, t.slug, t.name, CAST(t.synonyms AS TEXT), CAST(t.exclusions AS TEXT),"
    " p.slug, p.name, pp.slug, pp.name"
    f" FROM {Tag._meta.db_table} t INNER JOIN {Topic._meta.db_table} p ON p.id = t.topic_id"
    f" LEFT OUTER JOIN {Topic._meta.db_table} pp ON pp.id = p.parent_id ORDER BY t.name"
)


def tag_names() -> TagNames:
    """The tags' names as the query parser reads them, with their topics': read on each search as
    plain rows (a few dozen), compiled into a matcher only when they have changed. Raw rows, their
    JSON left as text: read as values and decoded, they cost a search page a millisecond of its
    fifteen, to learn each time that nothing had changed."""
    with connection.cursor() as cursor:
        cursor.execute(_NAMES_SQL)
        return _compiled_names(tuple(cursor.fetchall()))


@lru_cache(maxsize=2)
def _compiled_names(rows: tuple[tuple, ...]) -> TagNames:
    terms: list[TagTerms] = []
    slug_of: dict[str, str] = {}
    named: dict[str, list[Named]] = {}
    in_topic: dict[tuple[str, str], list[int]] = {}
    for pk, slug, name, synonyms, exclusions, *topics in rows:
        terms.append(terms_of(slug, name, json.loads(synonyms), json.loads(exclusions)))
        tag = Named("Tag", slug, name, (pk,))
        for each in dict.fromkeys(each.casefold() for each in (slug, *terms[-1].names)):
            named.setdefault(each, []).append(tag)
        for each in terms[-1].names:
            slug_of.setdefault(each.casefold(), slug)
        for topic in (tuple(topics[:2]), tuple(topics[2:])):
            if topic[0] is not None:  # a top-level topic has no parent
                in_topic.setdefault(topic, []).append(pk)
    for (slug, name), tag_ids in in_topic.items():
        named.setdefault(name.casefold(), []).append(Named("Topic", slug, name, tuple(tag_ids)))
    return TagNames(
        Tagger(tuple(terms)),
        {tag.slug: tag.names for tag in terms},
        slug_of,
        {name: tuple(each) for name, each in named.items()},
    )


def _named_branches(named: Collection[Named]) -> tuple[list[str], list]:
    """A SELECT of each Named, for a UNION ALL: ('named', its kind, its slug, the public papers it
    lists), as its page counts them (a confirmed tag, a public document), read through the tags'
    index of confirmed papers, then each paper's document by its key."""
    paper_tag = PaperTag._meta.db_table
    branches, params = [], []
    for each in named:
        branches.append(
            f"SELECT 'named', %s, %s, COUNT(DISTINCT pt.paper_id) FROM {paper_tag} pt CROSS JOIN {DOCUMENTS} d"
            f" WHERE pt.tag_id IN ({', '.join(['%s'] * len(each.tag_ids))}) AND pt.status = %s"
            " AND d.paper_id = pt.paper_id AND d.public"
        )
        params += [each.kind, each.slug, *each.tag_ids, PaperTag.Status.CONFIRMED]
    return branches, params


def _page_statement(
    matches: tuple[str, list],
    type_counts: str,
    names: Collection[str],
    order: str,
    limit: int,
    offset: int,
    recent_since: datetime | None,
    named: Collection[Named] = (),
) -> tuple[str, list]:
    """The page and the facets over the materialized matching set m, as one UNION ALL."""
    paper_tag, tag = PaperTag._meta.db_table, Tag._meta.db_table
    sql, params = matches
    # Every branch yields (kind, value, label, n); text where kinds differ, since a UNION has
    # one type a column. The page's rows carry their rank as the label, their place as n.
    # CROSS JOIN keeps SQLite's join order (m first, then look-ups by paper); SQLite knows no
    # size for m and would otherwise scan a whole link table. PostgreSQL reorders them freely.
    branches = [
        f"SELECT 'page', CAST(id AS TEXT), CAST(rank AS TEXT), ROW_NUMBER() OVER (ORDER BY {order})"
        f" FROM (SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s) AS page",
        "SELECT 'years', CAST(pub_year AS TEXT), '', COUNT(*) FROM m GROUP BY pub_year",
    ]
    params = [*params, limit, offset]
    if recent_since is not None:
        branches.append("SELECT 'recent', '', '', COUNT(*) FROM m WHERE approved_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(recent_since))
    if "journals" in names:
        branches.append(
            "SELECT * FROM (SELECT 'journals', journal_title, '', COUNT(*) AS n FROM m WHERE journal_title <> ''"
            f" GROUP BY journal_title ORDER BY n DESC, journal_title LIMIT {FACET_LIMIT}) AS journals"
        )
    if "tags" in names:
        branches.append(
            f"SELECT * FROM (SELECT 'tags', t.slug, t.name, COUNT(*) AS n FROM m CROSS JOIN {paper_tag} pt CROSS JOIN {tag} t"  # noqa: E501
            f" WHERE pt.paper_id = m.id AND t.id = pt.tag_id AND pt.status = %s GROUP BY t.slug, t.name"
            f" ORDER BY n DESC, t.name LIMIT {FACET_LIMIT}) AS tags"
        )
        params.append(PaperTag.Status.CONFIRMED)
    if "publication_types" in names:
        # Counted per type id, then named: the types are grouped by an integer (75,000 of them
        # for a word in half the papers), not by a name each.
        branches.append(
            f"SELECT 'publication_types', pt.name, '', n FROM ({type_counts}) AS counted"
            f" CROSS JOIN {PublicationType._meta.db_table} pt WHERE pt.id = counted.type_id"
        )
    named_branches, named_params = _named_branches(named)
    return f"{sql} " + " UNION ALL ".join([*branches, *named_branches]), [*params, *named_params]


def _read_page(rows, named: Collection[Named] = ()) -> tuple[int, Facets, list[tuple[int, float]]]:
    """The total (the years' counts add up to it), the facets, each in its display order (with
    the public papers of each of `named`), and the page's (id, rank) in order."""
    found, total, page, counted = Facets(), 0, [], {}
    for kind, value, label, n in rows:
        if kind == "page":
            page.append((n, int(value), float(label)))
        elif kind == "years":
            total += n
            if value is not None:
                found.years.append(FacetValue(int(value), str(int(value)), n))
        elif kind == "tags":
            found.tags.append(FacetValue(value, label, n))
        elif kind == "recent":
            found.recent = n
        elif kind == "named":
            counted[(value, label)] = n
        else:
            getattr(found, kind).append(FacetValue(value, value, n))
    found.years.sort(key=lambda f: f.value, reverse=True)
    found.journals.sort(key=lambda f: (-f.count, f.value))
    found.tags.sort(key=lambda f: (-f.count, f.label))
    found.publication_types.sort(key=lambda f: (-f.count, f.value))
    found.named = [(each, counted.get((each.kind, each.slug), 0)) for each in named]
    return total, found, [(pk, rank) for _, pk, rank in sorted(page)]
