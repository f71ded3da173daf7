"""How the databases run a search's one statement: over the search documents, which carry their
paper's facts, filters included. PostgreSQL: with the settings that let a costly scan, such as
matching and ranking a word in half of 100,000 papers, be split among parallel workers. SQLite:
its full-text matches' facts read from a covering index of the documents."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from papers.catalogue.models import Paper, Tag, Topic
from papers.claims.models import Claim
from papers.search import FACETS, SearchFilters, match, postgres
from papers.search.scope import Scope
from papers.tagging.models import PaperTag
from tests.support.papers import set_approval_time, set_status

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")


def _statement_settings() -> list[str]:
    """The names of the settings a search statement sets."""
    return re.findall(r"SET LOCAL (\w+)", postgres.statement_settings())


@pytest.fixture
def costly_scan(corpus):
    """The demo papers, approved, seen by the planner as 100,000 papers would be (for the rest of
    the test's transaction only): a scan of the documents may take two workers, as one of more
    than min_parallel_table_scan_size would, and each row's @@ and ts_rank_cd cost as much as
    reading a page."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_searchdocument")  # as autovacuum would, after an import
        # The import's deferred checks run first: ALTER TABLE refuses a table with any pending.
        cursor.execute(
            "SET CONSTRAINTS ALL IMMEDIATE; ALTER TABLE papers_searchdocument SET (parallel_workers = 2);"
            " SET cpu_operator_cost = 1"
        )


def _statement(query: str, filters: SearchFilters | None = None) -> str:
    """The page statement of `query` as sent, without the settings sent before it."""
    with CaptureQueriesContext(connection) as captured:
        match(query, filters).page("relevance", limit=20, offset=0, facets=FACETS)
    sent = captured.captured_queries[-1]["sql"]  # after the synonyms and how PostgreSQL parses the words
    assert sent.startswith(postgres.statement_settings())
    return sent.removeprefix(postgres.statement_settings())


def _plan(statement: str, settings: str, analyze: bool = False) -> str:
    """The statement's plan (run, with `analyze`) under the session's settings, then `settings`,
    in a savepoint rolled back after (a SET LOCAL lasts as long as the test's transaction)."""
    reset = "".join(f"RESET {name}; " for name in _statement_settings())
    explain = "EXPLAIN (ANALYZE, FORMAT JSON) " if analyze else "EXPLAIN (FORMAT JSON) "
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(reset + settings + explain + statement)  # no parameters: % is sent as it is
        transaction.set_rollback(True)
        return json.dumps(cursor.fetchone()[0])


@postgres_only
def test_a_costly_scan_is_split_among_the_workers_the_settings_allow(costly_scan, settings):
    statement = _statement("myeloma")
    parallel = _plan(statement, postgres.statement_settings())
    assert '"Node Type": "Gather"' in parallel and '"Workers Planned": 2' in parallel
    assert '"Node Type": "Gather"' not in _plan(statement, "")  # the connection's own settings: never
    settings.PG_SEARCH_WORKERS = 0
    assert '"Node Type": "Gather"' not in _plan(statement, postgres.statement_settings())


@postgres_only
def test_parallel_and_serial_searches_find_the_same_page_and_counts(costly_scan, settings):
    found = match("myeloma OR bone")
    ran = _plan(_statement("myeloma OR bone"), postgres.statement_settings(), analyze=True)
    assert re.search(r'"Workers Launched": [12]\b', ran)
    parallel = found.page("relevance", limit=50, offset=0, facets=FACETS)
    settings.PG_SEARCH_WORKERS = 0
    serial = found.page("relevance", limit=50, offset=0, facets=FACETS)
    total, facets, page = parallel
    assert parallel == serial and total > 150 and len(page) == 50 and facets.journals and facets.publication_types


@postgres_only
def test_filters_are_conditions_on_the_documents(corpus):
    """Year, journal and type read the documents' copies of their paper's facts: no paper nor
    link is read, and the papers found are those whose own columns pass the filters."""
    paper = Paper.objects.filter(pub_year__isnull=False).exclude(journal_title="").order_by("pk").first()
    kind = paper.publication_types.order_by("name").last().name
    filters = SearchFilters(
        year_from=paper.pub_year, year_to=paper.pub_year, journal=paper.journal_title, publication_type=kind
    )
    words = "cells OR patients OR bone OR myeloma"
    assert not re.search(r"\bpapers_paper(_publication_types)?\b", _statement(words, filters))
    total, _, page = match(words, filters, expand_synonyms=False).page("newest", limit=100, offset=0)
    passing = list(
        Paper.objects.filter(
            pub_year=paper.pub_year, journal_title=paper.journal_title, publication_types__name=kind
        ).values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT paper_id FROM papers_searchdocument WHERE paper_id = ANY(%s)"
            " AND vector @@ websearch_to_tsquery('english', %s)",
            [passing, words],
        )
        expected = {pk for (pk,) in cursor.fetchall()}
    assert expected and {pk for pk, _ in page} == expected and total == len(expected)
    assert match(words, SearchFilters(publication_type="No such type")).page("newest", limit=10, offset=0)[0] == 0


@postgres_only
def test_tags_and_topics_are_plain_semi_joins(corpus):
    """Unordered subqueries of confirmed tags, which PostgreSQL can flatten into the scan (an
    ordered one it must compute and sort whole first), one for every tag together (one per tag
    grew without bound); browsing keeps the connection's settings."""
    topic = Topic.objects.filter(parent__isnull=True).order_by("slug").first().slug
    conditions, _ = Scope(SearchFilters(tags=("il-6", "tnfsf11"), topic=topic)).conditions(postgres.HAS_TYPE)
    assert conditions.count("paper_id IN (SELECT") == 2 and "ORDER BY" not in conditions
    assert "HAVING COUNT(DISTINCT" in conditions
    with CaptureQueriesContext(connection) as captured:
        match("", SearchFilters(topic=topic)).page("newest", limit=20, offset=0, facets=FACETS)
    assert "SET LOCAL" not in captured.captured_queries[-1]["sql"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_settings_hold_for_their_statement_only():
    """Outside a transaction (as the site runs), the settings and the statement sent with them
    form one implicit transaction: the statement sees them, the next one does not."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        (before,) = cursor.fetchone()
        cursor.execute(
            postgres.statement_settings() + "SELECT current_setting('work_mem'),"
            " current_setting('max_parallel_workers_per_gather')"
        )
        assert cursor.fetchone() == ("16MB", str(settings.PG_SEARCH_WORKERS)) and before != "16MB"
        cursor.execute("SELECT current_setting('work_mem'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == (before, "0")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans")
def test_sqlite_reads_its_matches_facts_from_a_covering_index(corpus):
    """Each full-text match is looked up in an index of the document's id and facts
    (searchdocument_facts), not in the document's wide row, nor in the paper's."""
    with CaptureQueriesContext(connection) as captured:
        match("humans OR cells", SearchFilters(year_from=2000)).page("relevance", limit=20, offset=0, facets=FACETS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as PRAGMA optimize would, after an import
        cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[-1]["sql"])
        plan = [row[-1] for row in cursor.fetchall()]
    assert any("USING COVERING INDEX searchdocument_facts" in step for step in plan), plan
    assert not any("papers_paper " in f"{step} " for step in plan), plan
    # Which matches are notices, ranked after papers, is read from the same index: no link table.
    assert not any("papers_paper_publication_types" in step for step in plan), plan


def test_ranking_reads_the_documents_alone(corpus):
    """Whether a match is a notice is its document's own fact (SearchDocument.notice): ranking
    reads no publication type, link or paper (once, each match was tested against the notice
    types' ids, or probed in a list of their links)."""
    found = match("humans OR cells")
    sql, _ = found.engine.ranked_matches(found.parsed, found.scope)
    assert "notice" in sql and not re.search(r"\bpapers_(paper|publicationtype)", sql), sql


# Every public page kind at a few thousand papers: how many statements each sends, and, for the
# pages that list papers, that none of them reads the papers or search-documents table whole.
# Timings are the benchmark's (docs/benchmarks.md); statements and plans are cheap to hold here.
# The plans caught the regression of issue 28: a topic's or tag's count of what is new asked for
# every paper approved in 30 days, and SQLite read the whole papers table for that list.
FEW_THOUSAND = 2000
SCANNED = ("papers_paper", "papers_searchdocument")
# PostgreSQL reads a search's new words with its own parser first (papers.search.postgres).
WORDS_READ = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def few_thousand(curated, demo_files):
    """The demo records, then copies of them under new PMIDs (as the benchmark makes its corpus),
    up to FEW_THOUSAND papers, approved (the originals in the last days, the copies before), every
    suggestion confirmed, the planner's statistics gathered."""
    from benchmarks.corpus import COPY_STRIDE, import_copies
    from papers.search.indexing import rebuild

    import_copies(demo_files, Paper.objects.count(), FEW_THOUSAND)
    set_status(Paper.objects.filter(pmid__gt=COPY_STRIDE), Paper.Status.APPROVED)
    PaperTag.objects.update(status=PaperTag.Status.CONFIRMED)
    Claim.objects.update(status=Claim.Status.CONFIRMED)
    rebuild()
    set_approval_time(Paper.objects.all(), timezone.now() - timedelta(days=40))
    set_approval_time(Paper.objects.filter(pmid__lt=COPY_STRIDE), timezone.now())  # the originals: what is new
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _pages() -> dict[str, tuple[str, int, bool]]:
    """Page kind: (URL, the SQL statements it sends, whether it lists papers)."""
    confirmed = Count("paper_tags", filter=Q(paper_tags__status=PaperTag.Status.CONFIRMED))
    tag = Tag.objects.annotate(n=confirmed).order_by("-n", "slug").first().slug
    topic = Topic.objects.get(tags__slug=tag).slug
    agent = Claim.objects.public().values_list("agent__slug", flat=True).order_by("agent__slug").first()
    pmid = Paper.objects.public().order_by("pk").values_list("pmid", flat=True)[5]
    claimed = Claim.objects.public().order_by("paper_id").values_list("paper__pmid", flat=True).first()
    return {
        "search, selective": ("/search/?q=osteoclast", 6 + WORDS_READ, True),
        "search, common": ("/search/?q=patients", 6 + WORDS_READ, True),
        "search, a filter and page 5": ("/search/?q=cells&year_from=2000&page=5", 6 + WORDS_READ, True),
        # The tags and topics a quoted phrase names are counted in the search's own statement.
        "search, a phrase naming a tag": ("/search/?q=%22bone+marrow+stromal+cells%22", 6 + WORDS_READ, True),
        # What is new is counted in the listing's own statement (it was a second search).
        "topic": (reverse("topic", args=[topic]), 6, True),
        "tag": (reverse("tag", args=[tag]), 5, True),
        # Whether it has claims is asked in the paper's own statement; only then are they read. A
        # paper with claims has tags too, so its related papers are read as well.
        "paper": (reverse("paper", args=[pmid]), 4, False),
        "paper with claims": (reverse("paper", args=[claimed]), 6, False),
        # The menus' tags with counts, the totals, the statements (one row per agent, relation and
        # target) and their newest sentences.
        "claims: finder": (reverse("claim_finder"), 4, False),
        # The papers in scope are conditions of the same statements.
        "claims: finder, in myeloma papers on humans": (
            reverse("claim_finder") + "?myeloma=only&organism=humans",
            4,
            False,
        ),
        "claims: a tag's mechanisms": (reverse("neighbourhood", args=[agent]), 2, False),
        "claims: coverage map": (reverse("coverage"), 3, False),
        "feed, search": (reverse("search_feed", args=["atom"]) + "?q=patients", 5 + WORDS_READ, True),
        "feed, topic": (reverse("topic_feed", args=[topic, "atom"]), 6, True),
        "feed, tag": (reverse("tag_feed", args=[tag, "atom"]), 5, True),
        "export, search": (reverse("search_export", args=["ris"]) + "?q=osteoclast", 6 + WORDS_READ, True),
        "export, topic": (reverse("topic_export", args=[topic, "csv"]), 7, True),
        "export, tag": (reverse("tag_export", args=[tag, "ris"]), 6, True),
    }


def full_scans(statement: str) -> list[str]:
    """The steps of a statement's plan that read the papers or search-documents table whole:
    PostgreSQL's sequential scans of them, SQLite's SCANs of them not through an index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement.removeprefix(postgres.statement_settings()))
            return [
                f"Seq Scan on {node['Relation Name']}"
                for node in _nodes(cursor.fetchone()[0][0]["Plan"])
                if node["Node Type"] == "Seq Scan" and node["Relation Name"] in SCANNED
            ]
        cursor.execute("EXPLAIN QUERY PLAN " + statement)
        names = set(SCANNED) | {
            alias for table in SCANNED for alias in re.findall(rf'\b"?{table}"?(?: AS)? "?([a-z]\w*)"?', statement)
        }
        return [
            detail
            for *_, detail in cursor.fetchall()
            if (found := re.match(r"SCAN (\w+)", detail)) and found[1] in names and " USING " not in detail
        ]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _statements(client, url: str) -> list[str]:
    """The statements of a first visit, of words never searched in this process before."""
    caches["pages"].clear()
    postgres._READINGS.clear()  # PostgreSQL's readings of words already searched are kept
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in captured.captured_queries]


def _scans(client, url: str) -> list[str]:
    return [
        f"{scan} in: {sql[:300]}"
        for sql in _statements(client, url)
        if re.match(r"\s*(SET LOCAL|WITH|SELECT)", sql)
        for scan in full_scans(sql)
    ]


def test_each_page_kind_sends_its_statements_and_lists_papers_through_indexes(few_thousand, client):
    counts, scans = {}, {}
    for kind, (url, _, listing) in _pages().items():
        counts[kind] = len(_statements(client, url))
        if listing:
            scans[kind] = _scans(client, url)
    assert (counts, scans) == (
        {kind: expected for kind, (_, expected, _) in _pages().items()},
        {kind: [] for kind in scans},
    )


def test_the_plan_check_finds_a_planted_full_scan(few_thousand, client, monkeypatch):
    """What the check above sees when a filter asks the papers table for a list no index gives (as
    the count of what is new did on SQLite before issue 28): a full scan, on both databases."""
    conditions = Scope.conditions

    def planted(self, has_type):
        sql, params = conditions(self, has_type)
        return sql + " AND paper_id NOT IN (SELECT id FROM papers_paper WHERE abstract = %s)", [*params, ""]

    monkeypatch.setattr(Scope, "conditions", planted)
    url, _, _ = _pages()["topic"]
    assert any("papers_paper" in scan for scan in _scans(client, url))


def _vm_steps(statement) -> int:
    """Tens of SQLite virtual-machine steps that `statement()` takes, FTS5's own reads of
    the documents included: a count, unlike a time, that a busy machine does not change."""
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, 10)
    try:
        statement()
    finally:
        connection.connection.set_progress_handler(None, 100)
    return steps[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's virtual machine")
def test_sqlite_snippets_read_the_listed_papers_documents_only(corpus):
    """Two papers' snippets cost a few scans of the word's matches (about two at the demo's size),
    not a read of every matching document's row too (eight, as testing for an abstract in the
    condition did before issue 28)."""
    from papers.search import sqlite

    found = match("patients", expand_synonyms=False)
    listed = [pk for pk, _ in found.page("relevance", limit=20, offset=0)[2]]
    ids = list(Paper.objects.filter(pk__in=listed).exclude(abstract="").values_list("pk", flat=True)[:2])
    with connection.cursor() as cursor:
        scan = _vm_steps(
            lambda: cursor.execute(
                f"SELECT count(*) FROM {sqlite.TABLE} WHERE {sqlite.TABLE} MATCH %s", ['"patients"']
            ).fetchall()
        )
    assert found.page("relevance", limit=0, offset=0)[0] > 50
    assert len(sqlite.snippets(found.parsed, ids)) == 2
    assert _vm_steps(lambda: sqlite.snippets(found.parsed, ids)) < 4 * scan
