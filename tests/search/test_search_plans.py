"""How the databases run a search's one statement: over the search documents, which carry their
paper's facts, filters included. PostgreSQL: with the settings that let a costly scan, such as
matching and ranking a word in half of 100,000 papers, be split among parallel workers. SQLite:
its full-text matches' facts read from a covering index of the documents."""

import json
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from papers.catalogue.models import Paper, Topic
from papers.search import FACETS, SearchFilters, match, postgres
from papers.search.scope import Scope

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
    ordered one it must compute and sort whole first); browsing keeps the connection's settings."""
    topic = Topic.objects.filter(parent__isnull=True).order_by("slug").first().slug
    conditions, _ = Scope(SearchFilters(tags=("il-6", "tnfsf11"), topic=topic)).conditions(postgres.HAS_TYPE)
    assert conditions.count("paper_id IN (SELECT") == 3 and "ORDER BY" not in conditions
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
