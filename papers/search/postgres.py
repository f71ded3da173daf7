"""PostgreSQL: a weighted tsvector stored in papers_searchdocument.vector (a generated column,
migration 0005) with a GIN index.

The user's terms only ever reach SQL as parameters of phraseto_tsquery(), combined with the
tsquery operators || (OR), && (AND) and !! (NOT).
"""

from django.db import connection

from .query import ParsedQuery

# title A, tags/MeSH/keywords/chemicals B, abstract C: computed once, when a row is written.
VECTOR = "vector"

_HEADLINE_OPTIONS = 'StartSel="<mark>", StopSel="</mark>", MaxWords=35, MinWords=15'
# The snippet's source text, HTML-escaped before ts_headline adds its <mark>s.
_ESCAPED_SOURCE = (
    "replace(replace(replace(CASE WHEN abstract <> '' THEN abstract ELSE title END,"
    " '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
)


def _tsquery(parsed: ParsedQuery) -> tuple[str, list[str]]:
    params: list[str] = []

    def any_of(terms) -> str:
        params.extend(t.text for t in terms)
        return "(" + " || ".join(["phraseto_tsquery('english', %s)"] * len(terms)) + ")"

    sql = " && ".join(any_of(group) for group in parsed.groups)
    if parsed.excluded:
        sql += " && !!" + any_of(parsed.excluded)
    return sql, params


def matching(parsed: ParsedQuery) -> tuple[str, list]:
    """SQL (and parameters) selecting the ids of the papers that match."""
    tsquery, params = _tsquery(parsed)
    return f"SELECT paper_id FROM papers_searchdocument WHERE {VECTOR} @@ ({tsquery})", params


def ranked(parsed: ParsedQuery, within: tuple[str, list], order_by: str, limit: int, offset: int) -> list[tuple[int, float]]:
    """(paper id, rank) of one page, ranked and cut in the database, among the ids `within` selects."""
    tsquery, params = _tsquery(parsed)
    sql = (
        f"SELECT hit.id, hit.rank FROM (SELECT paper_id AS id, ts_rank_cd({VECTOR}, query.q) AS rank"
        f" FROM papers_searchdocument, (SELECT {tsquery} AS q) AS query"
        f" WHERE {VECTOR} @@ query.q AND paper_id IN ({within[0]})) AS hit"
        f" JOIN papers_paper p ON p.id = hit.id ORDER BY {order_by} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *within[1], limit, offset])
        return [(pk, float(rank)) for pk, rank in cursor.fetchall()]


def snippets(parsed: ParsedQuery, ids: list[int]) -> dict[int, str]:
    """Safe HTML snippets for these papers only (ts_headline is costly): the source is escaped
    in SQL before <mark>s are added, so a hostile abstract stays text."""
    if not ids:
        return {}
    tsquery, params = _tsquery(parsed)
    sql = (
        f"SELECT paper_id, ts_headline('english', {_ESCAPED_SOURCE}, query.q, %s)"
        f" FROM papers_searchdocument, (SELECT {tsquery} AS q) AS query WHERE paper_id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_HEADLINE_OPTIONS, *params, list(ids)])
        return dict(cursor.fetchall())
