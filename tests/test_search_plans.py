"""How PostgreSQL runs a search's one statement: with the settings that let a costly scan, such
as matching and ranking a word in half of 100,000 papers, be split among parallel workers."""

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from papers.search import FACETS, match, postgres

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no parallel plans")

STATEMENT_SETTINGS = ("max_parallel_workers_per_gather", "parallel_setup_cost", "parallel_tuple_cost", "work_mem")


@pytest.fixture
def costly_scan(corpus):
    """The demo papers, approved, seen by the planner as 100,000 papers would be (for the rest of
    the test's transaction only): a scan of the documents may take two workers, as one of more
    than min_parallel_table_scan_size would, and each row's @@ and ts_rank_cd cost as much as
    reading a page."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE papers_paper SET status = 'approved'")
        cursor.execute("ANALYZE papers_searchdocument")  # as autovacuum would, after an import
        # The import's deferred checks run first: ALTER TABLE refuses a table with any pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; ALTER TABLE papers_searchdocument SET (parallel_workers = 2);"
                       " SET cpu_operator_cost = 1")


def _statement(query: str) -> str:
    """The page statement of `query` as sent, without the settings sent before it."""
    with CaptureQueriesContext(connection) as captured:
        match(query).page("relevance", limit=20, offset=0, facets=FACETS)
    sent = captured.captured_queries[-1]["sql"]  # after the synonyms and how PostgreSQL parses the words
    assert sent.startswith(postgres.statement_settings())
    return sent.removeprefix(postgres.statement_settings())


def _plan(statement: str, settings: str) -> str:
    """The statement's plan under the session's settings, then `settings`, in a savepoint rolled
    back after (a SET LOCAL lasts as long as the test's transaction)."""
    reset = "".join(f"RESET {name}; " for name in STATEMENT_SETTINGS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(reset + settings + "EXPLAIN (FORMAT JSON) " + statement.replace("%", "%%"))
        transaction.set_rollback(True)
        return json.dumps(cursor.fetchone()[0])


def test_a_costly_scan_is_split_among_the_workers_the_settings_allow(costly_scan, settings):
    statement = _statement("myeloma")
    parallel = _plan(statement, postgres.statement_settings())
    assert '"Node Type": "Gather"' in parallel and '"Workers Planned": 2' in parallel
    assert '"Node Type": "Gather"' not in _plan(statement, "")  # the connection's own settings: never
    settings.PG_SEARCH_WORKERS = 0
    assert '"Node Type": "Gather"' not in _plan(statement, postgres.statement_settings())


def test_parallel_and_serial_searches_find_the_same_page_and_counts(costly_scan, settings):
    found = match("myeloma OR bone")
    assert '"Node Type": "Gather"' in _plan(_statement("myeloma OR bone"), postgres.statement_settings())
    parallel = found.page("relevance", limit=50, offset=0, facets=FACETS)
    settings.PG_SEARCH_WORKERS = 0
    serial = found.page("relevance", limit=50, offset=0, facets=FACETS)
    total, facets, page = parallel
    assert parallel == serial and total > 150 and len(page) == 50 and facets.journals and facets.publication_types
