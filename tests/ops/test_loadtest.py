"""ops/loadtest.py end to end: a real gunicorn on the demo collection, driven for two seconds."""

import json
import subprocess
import sys

from tests.support.paths import ROOT
from tests.support.scratch import manage_env


def test_load_test_reports_each_kind_with_its_cache_hits(scratch_database):
    url = scratch_database(start="demo")
    result = subprocess.run(
        [
            sys.executable,
            "ops/loadtest.py",
            "--clients",
            "2",
            "--seconds",
            "2",
            "--workers",
            "2",
            "--only",
            "search",
            "--only",
            "search-new",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=manage_env(url),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert set(figures) >= {"search", "search-new", "all"}
    for kind in ("search", "search-new"):
        assert figures[kind]["requests"] > 0 and figures[kind]["errors"] == 0
        assert 0 < figures[kind]["p50_ms"] <= figures[kind]["p95_ms"] <= figures[kind]["p99_ms"]
    assert figures["search"]["cache_hits"] > 0.5  # ten searches, asked again and again
    assert figures["search-new"]["cache_hits"] == 0  # each asked once
