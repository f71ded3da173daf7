"""SQLite: an FTS5 table over papers_searchdocument's text (external content, kept by triggers,
which papers.triggers restores when Django re-creates the table); the documents' own columns
carry the facts a search filters and counts by.

Every term reaches MATCH as one parameter in which each term is a double-quoted FTS5 string
(inner quotes doubled), so no user text is ever read as FTS5 syntax.
"""

from html import escape

from django.db import connection

from papers.catalogue.models import Paper
from papers.search.query import ParsedQuery, Term
from papers.search.scope import DOCUMENTS, Scope, after_notices

TABLE = "papers_search_fts"
COLUMNS = "title, terms, abstract, tag_names"
# Exact mode: the paper's own text, not its tags.
_OWN_TEXT = "{title terms abstract}"

_NEW = "new.paper_id, new.title, new.terms, new.abstract, new.tag_names"
_OLD = "old.paper_id, old.title, old.terms, old.abstract, old.tag_names"
TRIGGERS = [
    f"CREATE TRIGGER papers_search_ai AFTER INSERT ON papers_searchdocument BEGIN"
    f" INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER papers_search_ad AFTER DELETE ON papers_searchdocument BEGIN"
    f" INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS})"
    f" VALUES ('delete', {_OLD}); END",
    # Only a change of the text: a paper's facts (its status…) change without re-indexing it.
    f"CREATE TRIGGER papers_search_au AFTER UPDATE OF {COLUMNS} ON papers_searchdocument BEGIN"
    f" INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS})"
    f" VALUES ('delete', {_OLD});"
    f" INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES ({_NEW}); END",
]
CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({COLUMNS}, content='papers_searchdocument',"
    " content_rowid='paper_id', tokenize='porter unicode61 remove_diacritics 2')",
    *TRIGGERS,
]
DROP = [f"DROP TRIGGER IF EXISTS papers_search_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {TABLE}"]

# Title counts most, then tags' names, then indexing terms, then the abstract. A short column
# scores high in bm25(), so terms weigh 2, not 5: a name among five keywords no longer outranks a
# title naming it (docs/search.md, "How ranking works and why"). bm25() is lower for better
# matches; it is negated so that rank, as on PostgreSQL, is higher for better.
_RANK = f"-bm25({TABLE}, 20.0, 2.0, 1.0, 5.0)"
_LINKS = Paper.publication_types.through._meta.db_table
# A filter by publication type: a semi-join of its links (json_each over every match's list of
# ids would parse each of them).
HAS_TYPE = f"paper_id IN (SELECT paper_id FROM {_LINKS} WHERE publicationtype_id = %s)"
# A paper's publication type ids as its document stores them (papers.search.indexing): JSON text,
# in id order (the inner ORDER BY, which SQLite's aggregate follows).
TYPE_IDS = (
    "(SELECT json_group_array(publicationtype_id) FROM (SELECT publicationtype_id FROM {links}"
    " WHERE paper_id = {paper} ORDER BY publicationtype_id))"
)
DISTINCT = "IS NOT"
# (type_id, n) over the matches m: grouped by their whole list of ids first (a few hundred
# lists among 100,000 papers), then each list's ids counted with its matches.
TYPE_COUNTS = (
    "SELECT ids.value AS type_id, SUM(n) AS n FROM (SELECT publication_type_ids, COUNT(*) AS n FROM m"
    " GROUP BY publication_type_ids) AS lists CROSS JOIN json_each(lists.publication_type_ids) AS ids"
    " GROUP BY ids.value"
)
# Markers no indexed text contains (indexing strips control characters), replaced by <mark>
# after the snippet is escaped.
_OPEN, _CLOSE = "\x02", "\x03"


def statement_settings() -> str:
    """Nothing to set: SQLite plans without costs to tune."""
    return ""


def compact() -> None:
    """Merge the full-text index into one segment (FTS5's 'optimize'). Each transaction that
    writes documents, and each megabyte within one, adds a segment that every query then reads
    term by term; FTS5 merges them only four at a time, so after a large import synonym lists of
    phrases read many segments. The work grows with the index: on SQLite's scale, cheap
    (docs/search.md)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")


def check_full_text_index() -> None:
    """Raise DatabaseError unless the FTS5 index holds exactly the documents' text (FTS5's own
    integrity-check, against its content table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 1)")


def rebuild_full_text_index() -> None:
    """Index the documents' text afresh (FTS5's 'rebuild', from its content table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def _quoted(term: Term) -> str:
    return '"' + term.text.replace('"', '""') + '"'


def _expression(parsed: ParsedQuery) -> str:
    def any_of(terms) -> str:
        return "(" + " OR ".join(map(_quoted, terms)) + ")"

    expression = " AND ".join(any_of(group) for group in parsed.groups)
    if parsed.excluded:
        expression += " NOT " + any_of(parsed.excluded)
    return f"{_OWN_TEXT} : ({expression})" if parsed.exact else expression


def ranked_matches(parsed: ParsedQuery, scope: Scope) -> tuple[str, list]:
    """SQL (and parameters) giving scope.columns and a rank for every public paper that matches
    among those the filters leave: FTS5 finds the matches, their documents' facts (read from
    the searchdocument_facts index, without the rows' text) pass the filters and say which
    are notices."""
    filters, params = scope.conditions(HAS_TYPE)
    # CROSS JOIN keeps FTS5 as the outer loop: one MATCH scan, each match's document looked up
    # by its key. The other way round, FTS5 would be asked once per document.
    return (
        f"SELECT {scope.columns}, {after_notices(_RANK)} AS rank FROM {TABLE}"
        f" CROSS JOIN {DOCUMENTS} ON paper_id = {TABLE}.rowid WHERE {TABLE} MATCH %s AND {filters}",
        [_expression(parsed), *params],
    )


def snippets(parsed: ParsedQuery, ids: list[int]) -> dict[int, str]:
    """Safe HTML snippets of the abstracts of these papers only (a paper without an abstract has
    none: its title is already shown): snippet() marks matches with control characters, the
    text is escaped, then marked up."""
    if not ids:
        return {}
    sql = (
        f"SELECT rowid, CASE WHEN abstract <> '' THEN snippet({TABLE}, 2, %s, %s, '…', 35) END FROM {TABLE}"
        f" WHERE {TABLE} MATCH %s AND +rowid IN ({', '.join(['%s'] * len(ids))})"
    )
    # `+rowid`: one MATCH scan, then the list filters, whatever the query. Looked up by rowid,
    # FTS5 evaluates the expression once per paper: cheap for one word, costly for a synonym
    # list of twenty phrases. The abstract is tested in the select list, on the listed papers
    # only: as a condition, FTS5 read every match's document row before the list (a common
    # word's snippets took longer than its search).
    with connection.cursor() as cursor:
        cursor.execute(sql, [_OPEN, _CLOSE, _expression(parsed), *ids])
        return {
            pk: escape(text, quote=False).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
            for pk, text in cursor.fetchall()
            if text is not None
        }
