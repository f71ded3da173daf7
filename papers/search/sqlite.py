"""SQLite: an FTS5 table over papers_searchdocument (external content, kept by triggers).

Every term reaches MATCH as one parameter in which each term is a double-quoted FTS5 string
(inner quotes doubled), so no user text is ever read as FTS5 syntax.
"""

from html import escape

from django.db import connection

from .query import ParsedQuery, Term
from .scope import Scope

TABLE = "papers_search_fts"
COLUMNS = "title, terms, abstract"

CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({COLUMNS}, content='papers_searchdocument',"
    " content_rowid='paper_id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER papers_search_ai AFTER INSERT ON papers_searchdocument BEGIN"
    f" INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES (new.paper_id, new.title, new.terms, new.abstract); END",
    f"CREATE TRIGGER papers_search_ad AFTER DELETE ON papers_searchdocument BEGIN"
    f" INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS})"
    f" VALUES ('delete', old.paper_id, old.title, old.terms, old.abstract); END",
    f"CREATE TRIGGER papers_search_au AFTER UPDATE ON papers_searchdocument BEGIN"
    f" INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS})"
    f" VALUES ('delete', old.paper_id, old.title, old.terms, old.abstract);"
    f" INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES (new.paper_id, new.title, new.terms, new.abstract); END",
]
DROP = [f"DROP TRIGGER IF EXISTS papers_search_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {TABLE}"]

# Title counts most, then tags and indexing terms, then the abstract. bm25() is lower for
# better matches; it is negated so that rank, as on PostgreSQL, is higher for better.
_RANK = f"-bm25({TABLE}, 10.0, 5.0, 1.0)"
TYPE_COUNTS = None  # matches carry no type ids: search counts them from the links
# Markers no indexed text contains (indexing strips control characters), replaced by <mark>
# after the snippet is escaped.
_OPEN, _CLOSE = "\x02", "\x03"


def statement_settings() -> str:
    """Nothing to set: SQLite plans without costs to tune."""
    return ""


def compact() -> None:
    """Merge the full-text index into one segment (FTS5's 'optimize'). Each transaction that
    writes documents, and each megabyte within one, adds a segment that every query then reads
    term by term; FTS5 merges them only four at a time. After importing 100,000 papers, the
    statement of a synonym list of phrases took 54 ms and its snippets 28; after compacting
    (1.1 s), 8 and 4. The work grows with the index: on SQLite's scale, cheap."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")


def _quoted(term: Term) -> str:
    return '"' + term.text.replace('"', '""') + '"'


def _expression(parsed: ParsedQuery) -> str:
    def any_of(terms) -> str:
        return "(" + " OR ".join(map(_quoted, terms)) + ")"

    expression = " AND ".join(any_of(group) for group in parsed.groups)
    if parsed.excluded:
        expression += " NOT " + any_of(parsed.excluded)
    return expression


def ranked_matches(parsed: ParsedQuery, scope: Scope) -> tuple[str, list]:
    """SQL (and parameters) giving the columns of scope.papers() (the public papers the filters
    leave, with their facts) and a rank for every one of them that matches. FTS5 knows only
    text, so those papers are joined whether filters narrowed them or not."""
    papers, params = scope.papers()
    # CROSS JOIN keeps FTS5 as the outer loop: one MATCH scan, each match looked up in scope by
    # its key. The other way round, FTS5 would be asked once per paper in scope (seconds for a
    # common word).
    return (f"SELECT scope.*, {_RANK} AS rank FROM {TABLE} CROSS JOIN {papers} ON scope.id = {TABLE}.rowid"
            f" WHERE {TABLE} MATCH %s", [*params, _expression(parsed)])


def snippets(parsed: ParsedQuery, ids: list[int]) -> dict[int, str]:
    """Safe HTML snippets (abstract, or the title when there is none) for these papers only:
    snippet() marks matches with control characters, the text is escaped, then marked up."""
    if not ids:
        return {}
    sql = (
        f"SELECT rowid, CASE WHEN abstract <> '' THEN snippet({TABLE}, 2, %s, %s, '…', 35)"
        f" ELSE snippet({TABLE}, 0, %s, %s, '…', 35) END FROM {TABLE}"
        f" WHERE {TABLE} MATCH %s AND +rowid IN ({', '.join(['%s'] * len(ids))})"
    )
    # `+rowid`: one MATCH scan, then the list filters (3-8 ms at 100,000 papers, whatever the
    # query). Looked up by rowid, FTS5 evaluates the expression once per paper: cheap for one
    # word, 56 ms for a synonym list of twenty phrases.
    with connection.cursor() as cursor:
        cursor.execute(sql, [_OPEN, _CLOSE, _OPEN, _CLOSE, _expression(parsed), *ids])
        return {pk: escape(text, quote=False).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>") for pk, text in cursor.fetchall()}
