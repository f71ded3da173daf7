"""PostgreSQL: a weighted tsvector stored in papers_searchdocument.vector (a generated column,
migration 0005) with a GIN index.

The user's terms only ever reach SQL as parameters of phraseto_tsquery(), combined with the
tsquery operators || (OR), && (AND) and !! (NOT) for ranking and snippets. Matching writes the
same query as one index condition per phrase (see _condition).
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


_PHRASE = "phraseto_tsquery('english', %s)"
_SHAPES: dict[str, int] = {}  # term → numnode() of its tsquery; the parser is fixed, so kept per process
_SHAPES_KEPT = 10_000


def _shapes(texts: list[str]) -> dict[str, int]:
    """How PostgreSQL's parser reads each term: 0 lexemes (only stop words), 1, or more (a phrase,
    which the index can only narrow down: every candidate is rechecked against its positions)."""
    missing = [t for t in dict.fromkeys(texts) if t not in _SHAPES]
    if missing:
        if len(_SHAPES) > _SHAPES_KEPT:
            _SHAPES.clear()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT t, numnode({_PHRASE.replace('%s', 't')}) FROM unnest(%s::text[]) AS t", [missing])
            _SHAPES.update(cursor.fetchall())
    return _SHAPES


def _condition(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """The matching condition: per group, one GIN scan for its single words together and one per
    phrase. As a single tsquery, an OR over phrases (a synonym list: "receptor activator of NF-κB
    ligand", "RANK ligand"…) makes GIN decode the posting list of every word in every phrase
    ("factor", "b", "cell"…) and recheck every candidate; scanned apart, each phrase starts from
    its rarest word. Terms of only stop words drop out, as they do from a tsquery's &&."""
    shapes = _shapes([t.text for group in parsed.groups for t in group])
    conjuncts, params = [], []
    for group in parsed.groups:
        words = [t.text for t in group if shapes[t.text] == 1]
        phrases = [t.text for t in group if shapes[t.text] > 1]
        arms = [_any_of(terms) for terms in ([words] if words else []) + [[phrase] for phrase in phrases]]
        if arms:
            conjuncts.append("(" + " OR ".join(f"{VECTOR} @@ {sql}" for sql, _ in arms) + ")")
            params += [text for _, texts in arms for text in texts]
    if not conjuncts and not parsed.excluded:
        return "FALSE", []  # an empty tsquery matches nothing
    if parsed.excluded:
        excluded, excluded_params = _any_of([t.text for t in parsed.excluded])
        conjuncts.append(f"NOT {VECTOR} @@ {excluded}")
        params += excluded_params
    return " AND ".join(conjuncts), params  # only exclusions left: every paper without them, as `'' && !!q` is


def _any_of(texts: list[str]) -> tuple[str, list[str]]:
    """A tsquery matching any of these terms, each as consecutive words."""
    return "(" + " || ".join([_PHRASE] * len(texts)) + ")", texts


def _tsquery(parsed: ParsedQuery) -> tuple[str, list[str]]:
    parts = [_any_of([t.text for t in group]) for group in parsed.groups]
    sql = " && ".join(part for part, _ in parts)
    params = [text for _, texts in parts for text in texts]
    if parsed.excluded:
        excluded, excluded_params = _any_of([t.text for t in parsed.excluded])
        sql, params = f"{sql} && !!{excluded}", params + excluded_params
    return sql, params


def ranked_matches(parsed: ParsedQuery, scope: tuple[str, list]) -> tuple[str, list]:
    """SQL (and parameters) giving the columns of `scope` (a derived table named scope, of
    papers with an id) and a rank for every paper in it that matches. The rank is computed above
    the join, so only for papers in scope."""
    tsquery, params = _tsquery(parsed)
    condition, condition_params = _condition(parsed)
    return (f"SELECT scope.*, ts_rank_cd({VECTOR}, query.q) FROM papers_searchdocument"
            f" JOIN {scope[0]} ON scope.id = paper_id, (SELECT {tsquery} AS q) AS query WHERE {condition}",
            [*scope[1], *params, *condition_params])


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
