"""The benchmark's corpus: a throw-away database filled through the project's own importer.

The real MEDLINE records come first (at most all of them); more papers are the same records
again under new PMIDs (copy k of PMID p is p + k × COPY_STRIDE), also through the importer.
Then a share of papers is approved and every tagger suggestion confirmed in bulk (a
throw-away corpus needs no audit trail), "Sentences to read" is filled up to UNREAD_SENTENCES
with copies of the stored sentences, and the search index is rebuilt for the confirmed tags.
Every step is timed: the figures go in the report.
"""

import dataclasses
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from itertools import cycle, islice
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.models.functions import Mod
from django.utils import timezone

from papers.catalogue.bulk import insert_rows, row_adapter
from papers.catalogue.models import Paper
from papers.claims.comentions import COLUMNS
from papers.claims.models import Claim, CoMention
from papers.claims.reading import sentences_to_read
from papers.pubmed.importer import Importer
from papers.pubmed.medline import iter_records, open_xml
from papers.search.indexing import rebuild
from papers.tagging.models import PaperTag

COPY_STRIDE = 100_000_000  # real PMIDs are below 40 million; MAX_PMID allows nine copies
APPROVED_TENTHS = 8  # papers whose id ends in 0-7 are approved: 80 % public
UNREAD_SENTENCES = 10_000  # the length of "Sentences to read" its target is held to


class BenchmarkError(Exception):
    """The corpus could not be built (a failed import, a bad database name)."""


class ThrowawayDatabase:
    """A new, migrated database beside the configured one (a temporary file for SQLite unless
    named), made the default connection's on entry and destroyed on exit; it can be entered
    again. The configured database is never touched: a name must differ from it and contain
    "benchmark"."""

    def __init__(self, name: str = ""):
        self.configured = str(connection.settings_dict["NAME"])
        if name and (name == self.configured or "benchmark" not in Path(name).name):
            raise BenchmarkError(f"--database {name!r}: name a throw-away database, with 'benchmark' in its name.")
        self.name = name

    def __enter__(self):
        self.tmp = None
        name = self.name
        if connection.vendor == "sqlite" and not name:
            self.tmp = tempfile.TemporaryDirectory()
            name = str(Path(self.tmp.name) / "benchmark.sqlite3")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = name or f"{self.configured}_benchmark"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        call_command("loaddata", "taxonomy", verbosity=0)
        return self

    def __exit__(self, *exc):
        connection.creation.destroy_test_db(self.configured, verbosity=0)
        if self.tmp:
            self.tmp.cleanup()


def parse_only(files: list[Path], papers: int, repeat: int) -> dict:
    """Parsing alone in this process, the reference an import is compared with: median seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        records = sum(1 for _ in islice(_all_records(files), papers))
        times.append(time.perf_counter() - start)
    return {"records": records, "seconds": statistics.median(times)}


def import_originals(files: list[Path], papers: int, suggest_claims: bool = True) -> dict:
    """Import up to `papers` of the real records into the current (empty) database."""
    importer = Importer(suggest_claims=suggest_claims)
    batches = (batch for path in files for batch in importer.read_xml(path))
    return _timed_import(importer, _first_batches(batches, papers))


def import_copies(files: list[Path], originals: int, papers: int) -> dict:
    """Import copies of the real records under new PMIDs until there are `papers` papers."""
    importer = Importer()

    def batches():
        for copy in range(1, 10):
            stride = copy * COPY_STRIDE
            for path in files:
                for batch in importer.read_xml(path):
                    yield [(dataclasses.replace(record, pmid=record.pmid + stride), found) for record, found in batch]

    return _timed_import(importer, _first_batches(batches(), papers - originals))


def curate() -> dict:
    """Approve a share of papers, confirm every tag and claim suggestion, fill "Sentences to
    read" to UNREAD_SENTENCES and rebuild the index (it holds confirmed tags): what makes tag
    pages, topic pages, facets and the claim pages worth measuring."""
    now = timezone.now()
    start = time.perf_counter()
    approved = (
        Paper.objects.alias(tenth=Mod("id", 10))
        .filter(tenth__lt=APPROVED_TENTHS)
        .update(status=Paper.Status.APPROVED, reviewed_at=now)
    )
    confirmed = PaperTag.objects.filter(status=PaperTag.Status.SUGGESTED).update(
        status=PaperTag.Status.CONFIRMED, reviewed_at=now
    )
    claims = Claim.objects.filter(status=Claim.Status.SUGGESTED).update(status=Claim.Status.CONFIRMED, reviewed_at=now)
    unread = _unread_sentences(UNREAD_SENTENCES)
    curated = time.perf_counter() - start
    start = time.perf_counter()
    indexed = rebuild()
    rebuilt = time.perf_counter() - start
    _analyze()
    return {
        "approved": approved,
        "tags_confirmed": confirmed,
        "claims_confirmed": claims,
        "sentences_to_read": unread,
        "curation_s": round(curated, 1),
        "index_rebuild_s": round(rebuilt, 1),
        "index_rebuild_per_s": round(indexed / rebuilt),
    }


def peak_rss_mb() -> dict:
    """Peak resident memory of this process and of the largest parsing child, in MB."""
    return {
        "main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "parser": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    }


def _timed_import(importer: Importer, batches) -> dict:
    start = time.perf_counter()
    importer.store_batches(batches)
    seconds = time.perf_counter() - start
    report = importer.finish()
    if report.failed:
        raise BenchmarkError(f"The benchmark import failed: {dict(list(report.failed.items())[:3])}")
    return {"records": len(report.created), "seconds": seconds, "summary": report.summary()}


def _unread_sentences(wanted: int) -> int:
    """Fill "Sentences to read" up to `wanted` sentences with copies of the stored ones, on papers
    that have none (the records seldom name two tags in a sentence, and every claim suggested is
    confirmed above, deciding its sentence); returns the list's length."""
    have = sentences_to_read().count()
    sources = list(CoMention.objects.order_by("pk").values_list("field", "sentence_start", "sentence", "tags"))
    free = list(Paper.objects.filter(co_mentions__isnull=True).order_by("pk").values_list("pk", flat=True))
    if have >= wanted or not sources or not free:
        return have
    adapt = row_adapter([CoMention._meta.get_field(name) for name in COLUMNS])
    rows = [
        adapt((free[i % len(free)], field, i // len(free), start, sentence, tags, False))
        for i, (field, start, sentence, tags) in zip(range(wanted - have), cycle(sources))
    ]
    insert_rows(CoMention, COLUMNS, rows)
    return have + len(rows)


def _analyze() -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would gather them.
    On PostgreSQL the search documents are also written compactly: curation has just replaced
    each one twice (its paper's approval, then the rebuild), dead rows that a settled database
    would long since have reused."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM FULL papers_searchdocument")
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def _all_records(files: list[Path]):
    for path in files:
        with open_xml(path) as handle:
            yield from iter_records(handle)


def _first_batches(batches, count: int) -> Iterator[list]:
    """The batches holding the first `count` items (the last one cut short)."""
    for batch in batches:
        if count <= 0:
            return
        yield batch[:count]
        count -= len(batch)
