"""PostgreSQL: a weighted tsvector stored in papers_searchdocument.vector (a generated column,
SearchDocument.vector) with a GIN index.

The user's terms only ever reach SQL as parameters of phraseto_tsquery(), and then as the
tsquery text PostgreSQL made of them (see _readings), combined with the tsquery operators ||
(OR), && (AND) and !! (NOT) for ranking. Matching writes the same query as one index condition
per phrase (see _condition); snippets mark every word searched, as one OR.
"""

import re
from typing import NamedTuple

from django.conf import settings
from django.db import connection

from papers.search.query import ParsedQuery
from papers.search.scope import DOCUMENTS, Scope, after_notices

# title A, MeSH/keywords/chemicals B, abstract C, confirmed tags' names D: computed once, when a
# row is written.
VECTOR = "vector"
# The weights ts_rank_cd gives D, C, B and A: a tag's name as much as an indexing term, as when
# both were one column (PostgreSQL's default gives D a quarter of that).
_WEIGHTS = "'{0.4, 0.2, 0.4, 1.0}'"
# Each rank divided by the document's number of distinct words (normalization 8), as bm25() weighs
# a match by its column's length on SQLite: a long abstract that repeats a name no longer outranks
# a short one about it (chosen on the relevance set's dev questions, docs/search.md).
_LENGTH = 8
# Exact mode: each lexeme of a term only where the paper itself says it (A-C, not D).
_OWN_TEXT = ":ABC"

_HEADLINE_OPTIONS = 'StartSel="<mark>", StopSel="</mark>", MaxWords=35, MinWords=15'
# The snippet's source text, HTML-escaped before ts_headline adds its <mark>s.
_ESCAPED_SOURCE = "replace(replace(replace(abstract, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


_PHRASE = "phraseto_tsquery('english', %s)"
_READING = "%s::tsquery"  # a Reading's text
_READINGS: dict[str, "Reading"] = {}  # the parser is fixed, so kept per process
_READINGS_KEPT = 10_000
_LEXEME = r"'(?:[^']|'')*'"
_CHAIN = re.compile(rf"{_LEXEME}(?: <(?:-|\d+)> {_LEXEME})*")
_CHAIN_PART = re.compile(r"'((?:[^']|'')*)'|<(-|\d+)>")
_MAX_DISTANCE = 16384  # PostgreSQL's limit for <N>


class Reading(NamedTuple):
    """How PostgreSQL reads a term."""

    text: str  # as tsquery text: '' (only stop words), one lexeme, or a phrase (see _without_parts)
    lexemes: tuple[str, ...]  # every lexeme of it, quoted, hyphenated words' parts too

    @property
    def size(self) -> int:
        return self.text.count(" <") + 1 if self.text else 0


def _readings(parsed: ParsedQuery) -> dict[str, Reading]:
    """How PostgreSQL reads each term of the query; in exact mode, each lexeme in the paper's own
    text only. GIN knows no weights: it finds the documents with the lexemes, then the rows'
    vectors (which ranking reads anyway) are tested."""
    texts = list(dict.fromkeys(t.text for terms in (*parsed.groups, parsed.excluded) for t in terms))
    missing = [t for t in texts if t not in _READINGS]
    if missing:
        if len(_READINGS) + len(missing) > _READINGS_KEPT:
            _READINGS.clear()
            missing = texts
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t, {_PHRASE.replace('%s', 't')}::text, ARRAY(SELECT ARRAY[lexemes[1], token]"
                " FROM ts_debug('english', t) WHERE alias IN ('asciihword', 'hword', 'numhword') AND lexemes <> '{}')"
                " FROM unnest(%s::text[]) AS t",
                [missing],
            )
            _READINGS.update(
                (
                    term,
                    Reading(_without_parts(chain, dict(compounds)), tuple(dict.fromkeys(re.findall(_LEXEME, chain)))),
                )
                for term, chain, compounds in cursor.fetchall()
            )
    if parsed.exact:
        return {t: _READINGS[t]._replace(text=_own_text(_READINGS[t].text)) for t in texts}
    return {t: _READINGS[t] for t in texts}


def _own_text(tsquery: str) -> str:
    """The tsquery text with each lexeme restricted to the weights of the paper's own text."""
    return re.sub(_LEXEME, lambda lexeme: lexeme.group() + _OWN_TEXT, tsquery)


def _without_parts(chain: str, compounds: dict[str, str]) -> str:
    """The phrase with each hyphenated word's parts left out: 'nf-κb' <-> 'nf' <-> 'κb' becomes
    'nf-κb'. The parser always follows a hyphenated word with its parts, in the document as in
    the query, so the same papers match; but the index then reads one posting list, not three,
    and ts_rank_cd no longer walks every position of "nf" and "κb" (docs/search.md has the
    figures). Anything but a plain chain of lexemes is left as it is. `compounds` maps each
    hyphenated word's lexeme to its text."""
    if not _CHAIN.fullmatch(chain):
        return chain
    kept: list[tuple[str, int]] = []
    position, parts_end = 0, -1
    for match in _CHAIN_PART.finditer(chain):
        lexeme, distance = match.groups()
        if distance:
            position += 1 if distance == "-" else int(distance)
        elif position > parts_end:
            kept.append((match.group(), position))
            if (word := compounds.get(lexeme.replace("''", "'"))) is not None:
                parts_end = position + word.count("-") + 1
    text = kept[0][0]
    for (_, before), (item, at) in zip(kept, kept[1:]):
        distance = min(at - before, _MAX_DISTANCE)
        text += f" <{'-' if distance == 1 else distance}> {item}"
    return text


def _condition(parsed: ParsedQuery, readings: dict[str, Reading]) -> tuple[str, list[str]]:
    """The matching condition: per group, one GIN scan for its single words together and one per
    phrase. As a single tsquery, an OR over phrases (a synonym list: "receptor activator of NF-κB
    ligand", "RANK ligand"…) makes GIN decode the posting list of every word in every phrase
    ("factor", "b", "cell"…) and recheck every candidate; scanned apart, each phrase starts from
    its rarest word. Terms of only stop words drop out, as they do from a tsquery's &&."""
    conjuncts, params = [], []
    for group in parsed.groups:
        words = [readings[t.text].text for t in group if readings[t.text].size == 1]
        phrases = [readings[t.text].text for t in group if readings[t.text].size > 1]
        arms = [_any_of(terms) for terms in ([words] if words else []) + [[phrase] for phrase in phrases]]
        if arms:
            conjuncts.append("(" + " OR ".join(f"{VECTOR} @@ {sql}" for sql, _ in arms) + ")")
            params += [text for _, texts in arms for text in texts]
    if not conjuncts and not parsed.excluded:
        return "FALSE", []  # an empty tsquery matches nothing
    if parsed.excluded:
        excluded, excluded_params = _any_of([readings[t.text].text for t in parsed.excluded])
        conjuncts.append(f"NOT {VECTOR} @@ {excluded}")
        params += excluded_params
    return " AND ".join(conjuncts), params  # only exclusions left: every paper without them, as `'' && !!q` is


def _any_of(texts: list[str]) -> tuple[str, list[str]]:
    """A tsquery matching any of these readings."""
    return "(" + " || ".join([_READING] * len(texts)) + ")", texts


def _tsquery(parsed: ParsedQuery, readings: dict[str, Reading]) -> tuple[str, list[str]]:
    """The whole query as one tsquery, for ranking."""
    parts = [_any_of([readings[t.text].text for t in group]) for group in parsed.groups]
    sql = " && ".join(part for part, _ in parts)
    params = [text for _, texts in parts for text in texts]
    if parsed.excluded:
        excluded, excluded_params = _any_of([readings[t.text].text for t in parsed.excluded])
        sql, params = f"{sql} && !!{excluded}", params + excluded_params
    return sql, params


def _rank(parsed: ParsedQuery, readings: dict[str, Reading]) -> tuple[str, list[str]]:
    """How well a matching paper matches. Several groups (`a b`): ts_rank_cd of the whole query,
    which rewards their words standing close. One group (a term with its synonyms, or terms
    joined by OR): the sum of each phrase's own ts_rank_cd and of the words' (one call for all,
    exactly the sum of theirs: each cover is one occurrence); a name found inside another ("myeloma" in "multiple
    myeloma") counts for each, where the OR counts it once. It costs half as much: ts_rank_cd of
    an OR gathers every position of every word of every alternative ("factor", "cell"…) and
    re-tests the whole query at each, while an alternative the paper lacks is skipped after one
    @@. Rounded to 6 decimals, so that papers matching alike tie exactly, not by float4 noise."""
    if len(parsed.groups) > 1:
        tsquery, params = _tsquery(parsed, readings)
        return _ts_rank(tsquery), params
    alternatives = list(
        {readings[t.text].text: readings[t.text] for t in parsed.groups[0] if readings[t.text].size}.values()
    )
    words = [reading.text for reading in alternatives if reading.size == 1]
    phrases = [reading.text for reading in alternatives if reading.size > 1]
    # The words in one call (their OR's rank is the sum of theirs): a name's words and its tag's
    # key cost one reading of the vector, not one each.
    ranks, params = ([f"{_ts_rank(_any_of(words)[0])}::float8"], words) if words else ([], [])
    for phrase in phrases:
        rank = f"{_ts_rank(_READING)}::float8"
        if len(alternatives) == 1:  # the only phrase: no test needed
            ranks.append(rank)
            params.append(phrase)
        else:
            ranks.append(f"CASE WHEN {VECTOR} @@ {_READING} THEN {rank} ELSE 0 END")
            params += [phrase, phrase]
    return f"(round(({' + '.join(ranks) or '0'}) * 1e6) / 1e6)::real", params


def _ts_rank(tsquery: str) -> str:
    return f"ts_rank_cd({_WEIGHTS}, {VECTOR}, {tsquery}, {_LENGTH})"


def ranked_matches(parsed: ParsedQuery, scope: Scope) -> tuple[str, list]:
    """SQL (and parameters) giving scope.columns and a rank for every public paper that matches
    among those the filters leave: the documents alone (only tags and topics read another
    table, each a semi-join of confirmed tags)."""
    readings = _readings(parsed)
    rank, rank_params = _rank(parsed, readings)
    condition, condition_params = _condition(parsed, readings)
    filters, filter_params = scope.conditions(HAS_TYPE)
    # The CASE evaluates one branch a row: each rank once.
    rank, rank_params = f"({after_notices(rank)})::real", [*rank_params, *rank_params]
    return (
        f"SELECT {scope.columns}, {rank} AS rank FROM {DOCUMENTS} WHERE {filters} AND {condition}",
        [*rank_params, *filter_params, *condition_params],
    )


# A filter by publication type: its id in the document's array.
HAS_TYPE = "publication_type_ids @> ARRAY[%s]::bigint[]"
# A paper's publication type ids as its document stores them (papers.search.indexing).
TYPE_IDS = "ARRAY(SELECT publicationtype_id FROM {links} WHERE paper_id = {paper} ORDER BY publicationtype_id)"
DISTINCT = "IS DISTINCT FROM"


def statement_settings() -> str:
    """Planner settings sent before a search's one statement (SET LOCAL: they end with its
    implicit transaction, or with the transaction around it). PostgreSQL costs @@ and
    ts_rank_cd as one operator each, so with its default parallel costs it never splits even
    the scan of a word in half the papers, though ranking is much of that statement. With these
    it gives PG_SEARCH_WORKERS workers to a scan of tens of thousands of documents. Only a scan
    expected to read 32 MB of documents or of an index may be split (by default 8 MB and
    512 kB): the planner overestimates rare phrases (synonym lists), and workers started for a
    few rows cost a selective search more than they save. work_mem keeps the matching set of a
    common word in memory, where each facet reads it again. Figures: docs/search.md."""
    return (
        f"SET LOCAL max_parallel_workers_per_gather = {settings.PG_SEARCH_WORKERS};"
        " SET LOCAL parallel_setup_cost = 100; SET LOCAL parallel_tuple_cost = 0.01;"
        " SET LOCAL min_parallel_table_scan_size = '32MB'; SET LOCAL min_parallel_index_scan_size = '32MB';"
        " SET LOCAL work_mem = '16MB'; "
    )


def compact() -> None:
    """Nothing to do: GIN merges its list of pending entries into the index itself (on vacuum, or
    when the list outgrows gin_pending_list_limit)."""


def check_full_text_index() -> None:
    """Nothing to check: the GIN index is part of the documents' table, kept by PostgreSQL."""


def rebuild_full_text_index() -> None:
    """Nothing to rebuild (see check_full_text_index)."""


# (type_id, n) over the matches m, from the type ids each match carries: the matches grouped by
# their whole list of ids first (a few hundred lists among 100,000 papers), then each list's ids
# counted with its matches, which halves the cost of unnesting every match's ids; unnest() in
# the select list, as a lateral unnest() is a function scan per row.
TYPE_COUNTS = (
    "SELECT type_id, SUM(n)::bigint AS n FROM (SELECT unnest(ids) AS type_id, n FROM"
    " (SELECT publication_type_ids AS ids, COUNT(*) AS n FROM m GROUP BY publication_type_ids) AS lists)"
    " AS types GROUP BY type_id"
)


def snippets(parsed: ParsedQuery, ids: list[int]) -> dict[int, str]:
    """Safe HTML snippets of the abstracts of these papers only (ts_headline is costly; a paper
    without an abstract has none: its title is already shown): the source is escaped in SQL
    before <mark>s are added, so a hostile abstract stays text."""
    if not ids:
        return {}
    # Every word searched for (not those excluded), as one OR: ts_headline marks each of them
    # wherever it stands anyway, and an OR of phrases (a synonym list) costs it four times more.
    readings = _readings(parsed)
    words = " | ".join(
        dict.fromkeys(lexeme for group in parsed.groups for t in group for lexeme in readings[t.text].lexemes)
    )
    sql = (
        f"SELECT paper_id, ts_headline('english', {_ESCAPED_SOURCE}, {_READING}, %s)"
        f" FROM {DOCUMENTS} WHERE paper_id = ANY(%s) AND abstract <> ''"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [words, _HEADLINE_OPTIONS, list(ids)])
        return dict(cursor.fetchall())
