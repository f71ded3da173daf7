"""`manage.py benchmark` (the benchmarks app) at tiny scale: the demo XML (222 records) copied
up to 300 papers.

The command makes, fills and drops its own throw-away database beside the configured one, so
it runs in a child process, as a user runs it, rather than inside the test database.
"""

import json
import os
import re
import subprocess
import sys

import pytest
from django.db import connection

from tests.support.paths import DEMO_DIR, ROOT


def run_benchmark(*args: str, timeout: int = 120) -> dict:
    database = (
        []
        if connection.vendor == "sqlite"
        else ["--database", f"{connection.settings_dict['NAME']}_benchmark_{os.getpid()}"]
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--json", *database, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def assert_timed(row: dict) -> None:
    page, floor = row["page"], row["floor"]
    assert 0 < page["p50"] <= page["p95"] < 5000
    assert 0 < floor["p50"] <= floor["p95"]
    assert floor["p50"] < page["p50"]  # the bare SQL is part of the page's work


def test_benchmark_reports_every_figure_on_a_tiny_corpus():
    figures = run_benchmark(
        "--papers", "300", "--xml", *map(str, sorted(DEMO_DIR.glob("*.xml"))), "--repeat", "1", "--samples", "2"
    )

    assert figures["database"] == connection.vendor
    assert (figures["papers"], figures["public"], figures["samples"]) == (300, 240, 2)
    imported = figures["import"]
    assert imported["records"] == 222
    assert imported["last_import"] == "created 222, updated 0, unchanged 0, not found 0, failed 0"
    assert imported["import_records_per_s"] > 0 and imported["copies_records_per_s"] > 0
    assert imported["peak_rss_mb_main"] > 0
    assert figures["corpus"]["approved"] == 240 and figures["corpus"]["tags_confirmed"] > 0

    assert imported["import_without_claims_seconds_median"] > 0
    assert imported["claim_suggestion_overhead_pct"] == figures["targets"]["claim_suggestion_overhead_pct"]["value"]
    claims = figures["claims"]
    assert set(claims) == {"neighbourhood", "finder", "coverage", "sentences_to_read"}
    assert figures["corpus"]["claims_confirmed"] >= 1
    # The list of sentences to read is filled with copies of the stored ones to the length its target names.
    assert claims["sentences_to_read"]["sentences"] == figures["corpus"]["sentences_to_read"] == 10_000
    assert claims["sentences_to_read"]["max_sql_queries"] <= 10
    assert figures["targets"]["sentences_to_read_p95_ms"]["value"] == claims["sentences_to_read"]["page"]["p95"]
    # The demo's one claim may fall outside the approved share: then only the unfiltered finder is timed.
    assert claims["finder"]["pages"] in (1, 3) and claims["coverage"]["max_sql_queries"] <= 10
    assert figures["targets"]["claim_pages_p95_ms"]["value"] is not None
    pages = [
        row
        for row in [*figures["search"].values(), *figures["browse"].values(), figures["export"], *claims.values()]
        if row
    ]
    if figures["deep_pagination"]:
        pages += [figures["deep_pagination"]["page_1"]]
    assert pages, "no page was measured"
    for row in pages:
        assert "error" not in row, row["error"]
        assert_timed(row)
    for row in [*figures["search"].values(), *figures["browse"].values()]:
        assert row["repeat"]["p50"] < row["page"]["p50"]  # a repeat visit is served from the page cache
    for kind, asked in figures["search"].items():
        if asked:
            assert len(asked["queries"]) >= 15, kind
            # A search that finds nothing (on this tiny corpus, some do) also counts each term alone
            # and looks up the tags and topics they name: the way on, bounded in test_way_on.py.
            unbounded = [
                q
                for q in asked["queries"]
                if not (0 <= q["share"] <= 1 and 1 <= q["queries"] <= (10 if q["share"] else 16))
            ]
            assert not unbounded, unbounded

    index = figures["index"]
    # Sizes only: at 300 papers both tables round to the same tenth of a MB on PostgreSQL, so
    # which is larger is a question for the benchmark at scale, not this test.
    assert 0 < index["index_mb"] and 0 < index["documents_mb"] and 0 < index["papers_mb"]
    assert set(figures["targets"]) >= {"import_records_per_s", "search_selective_p95_ms", "sql_queries_per_page"}
    assert all(check["met"] in (True, False, None) for check in figures["targets"].values())


def test_benchmark_refuses_a_database_name_that_is_not_throw_away():
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--database", "myeloma_lit", "--papers", "10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "throw-away database" in result.stderr


def test_a_comparison_marks_what_is_worse_and_what_one_side_lacks():
    """Ratios are new ÷ REF of the medians of each version's rounds; a rate is worse lower, a time
    higher; a measure only one version has is shown as such, never as worse."""
    from benchmarks.compare import ratios, table

    ref = [{"import": {"import_records_per_s": 1000}, "browse": {"topic": {"page": {"p50": 20.0, "n": 5}}}}]
    new = [
        {
            "import": {"import_records_per_s": 950},
            "browse": {"topic": {"page": {"p50": 30.0, "n": 5}}},
            "claims": {"finder": {"page": {"p95": 40.0}}},
        },
        {
            "import": {"import_records_per_s": 850},
            "browse": {"topic": {"page": {"p50": 21.0, "n": 5}}},
            "claims": {"finder": {"page": {"p95": 50.0}}},
            "targets": {},
        },
    ]
    rows = ratios(new, ref)
    assert rows == {
        "import.import_records_per_s": {"new": 900, "ref": 1000, "ratio": 0.9, "worse": False},
        "browse.topic.page.p50": {"new": 25.5, "ref": 20.0, "ratio": 1.27, "worse": True},
        "claims.finder.page.p95": {"new": 45.0, "ref": None, "ratio": None, "worse": False},
    }
    printed = "\n".join(table({"ref": "e14ca9e", "rounds": 2, "figures": {"new": new, "ref": ref}, "ratios": rows}))
    assert "1 figure(s) worse by more than 10%: browse.topic.page.p50" in printed
    assert re.search(r"claims\.finder\.page\.p95 +45 +- only new", printed)
    # A range names its two commits: TIP ÷ BASE.
    ranged = "\n".join(
        table({"ref": "e6c2521..216fd08", "rounds": 2, "figures": {"new": new, "ref": ref}, "ratios": rows})
    )
    assert ranged.startswith("216fd08 ÷ e6c2521, median of 2 round(s)")
    assert re.search(r"claims\.finder\.page\.p95 +45 +- only 216fd08", ranged)


def compare_head(*options: str) -> dict:
    """`--compare HEAD` at tiny scale (with --compare, --database is not used: each side keeps its own)."""
    demo = map(str, sorted(DEMO_DIR.glob("*.xml")))
    return run_benchmark(
        "--compare", "HEAD", "--rounds", "2", "--samples", "2", "--papers", "300", "--xml", *demo, *options, timeout=600
    )


def assert_compared(compared: dict) -> None:
    """Two rounds of each version measured, and the same code sent the same statements."""
    assert [len(compared["figures"][side]) for side in ("new", "ref")] == [2, 2]
    for side in ("new", "ref"):
        for figures in compared["figures"][side]:
            assert figures["corpus"]["approved"] == 240 and figures["import"]["records"] == 222
            assert figures["browse"]["topic"]["page"]["n"] > 0 and "error" not in figures["search"]["common"]
    rows = compared["ratios"]
    counts = {name: row for name, row in rows.items() if name.endswith("queries")}
    assert counts and all(row["ratio"] == 1.0 for row in counts.values()), counts
    assert rows["browse.tag.page.p50"]["ratio"] > 0
    assert compared["figures"]["new"][-1]["targets"]["claim_pages_p95_ms"]["met"] in (True, False)


@pytest.mark.django_db  # to read PostgreSQL's list of databases afterwards
def test_a_comparison_measures_both_versions_round_after_round_on_corpora_it_then_drops():
    """`--compare HEAD` end to end at tiny scale: HEAD checked out with its own environment, each
    version's corpus built once, two rounds of fresh processes timing an import and the pages, and
    nothing left behind (worktree, kept databases)."""
    compared = compare_head()

    assert_compared(compared)
    assert compared["same_corpus"] is False
    worktrees = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True).stdout
    assert "benchmark-compare-" not in worktrees
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%\\_benchmark\\_%"])
            assert cursor.fetchall() == []


def test_a_comparison_on_the_same_corpus_reads_a_copy_of_refs():
    """`--same-corpus`: the new version reads a copy of REF's corpus brought to its schema, so both
    read the same papers, tags and index."""
    compared = compare_head("--same-corpus")

    assert_compared(compared)
    assert compared["same_corpus"] is True
    new, ref = compared["figures"]["new"][0], compared["figures"]["ref"][0]
    assert new["corpus"] == ref["corpus"] and (new["papers"], new["public"]) == (ref["papers"], ref["public"])
