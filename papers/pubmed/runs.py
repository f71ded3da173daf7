"""Carrying out an ImportRun: which import its source calls for, and the run's progress.

A running import saves its counts and a heartbeat after every batch, so the admin and the API
show its progress, and a run whose heartbeat stops is known to have died (see
ImportRun.mark_interrupted). A dry run's ImportRun is never saved.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from papers.curation.tasks import request_rescore
from papers.pubmed.client import EutilsError, pubmed_client
from papers.pubmed.importer import Importer, ImportReport, Progress
from papers.pubmed.models import ImportRun

_RUN_COUNTS = ("created", "updated", "unchanged", "not_found", "failed")
AGAIN = "ask for the same import again"  # a run's report advises it only for what a re-run can fix


def perform(
    run: ImportRun,
    progress: Callable[[int], None] | None = None,
    retrying: Callable[[str], None] | None = None,
    deadline: float | None = None,
) -> ImportReport:
    """Carry out the import an ImportRun describes; `progress` hears how many records each step
    finished (a progress bar), `retrying` each E-utilities retry as it happens, and `deadline`
    shortens each E-utilities request's (a web request's time-out).

    An unexpected error marks the run failed, saying so, before it is raised: a run is never
    left "running" by a crash."""
    try:
        report = _perform(run, progress, retrying, deadline)
    except Exception as error:
        if run.pk and not run.dry_run:
            ImportRun.objects.filter(pk=run.pk).update(
                state=ImportRun.State.FAILED,
                finished_at=timezone.now(),
                messages=[*run.messages, f"The import stopped on an unexpected error: {error!r}"],
            )
        raise
    if report.created and not run.dry_run:
        request_rescore()  # the new papers join the queue with a score
    return report


def _perform(run: ImportRun, progress, retrying, deadline) -> ImportReport:
    importer = Importer(user=run.requested_by, dry_run=run.dry_run, progress=RunProgress(run, progress))
    if run.source == ImportRun.Source.XML:
        return importer.import_xml(run.query.splitlines())
    try:
        client = pubmed_client(retrying=retrying, deadline=deadline)
    except EutilsError as error:
        importer.report.failed["configuration"] = str(error)
        return importer.finish()
    if run.source == ImportRun.Source.QUERY:
        return importer.import_query(run.query, client, limit=run.limit)
    return importer.import_pmids(run.requested_pmids, client)


class RunProgress(Progress):
    """Keeps an ImportRun up to date as the importer goes: state, counts, errors, heartbeat."""

    def __init__(self, run: ImportRun, tick: Callable[[int], None] | None = None):
        self.run = run
        self.tick = tick or (lambda count: None)
        self.processed = 0

    def started(self, total: int) -> None:
        if self.run.dry_run:
            return
        ImportRun.mark_interrupted()
        self.run.state = ImportRun.State.RUNNING
        self.run.started_at = self.run.started_at or timezone.now()
        self.run.heartbeat_at = timezone.now()
        self.run.total = total
        self.run.save(update_fields=["state", "started_at", "heartbeat_at", "total"])

    def advanced(self, count: int, report: ImportReport) -> None:
        self.processed += count
        self.tick(count)
        if self.run.dry_run:
            return
        self._copy(report)
        self.run.heartbeat_at = timezone.now()
        # State, end and messages as this process knows them: a run wrongly judged interrupted
        # (a batch slower than IMPORT_STALL_SECONDS) is running again, without the note.
        self.run.save(
            update_fields=[*_RUN_COUNTS, "processed", "errors", "heartbeat_at", "state", "finished_at", "messages"]
        )

    def finished(self, report: ImportReport) -> None:
        if self.run.dry_run:
            return
        self._copy(report)
        self.run.messages = (
            report.messages
            + [
                f"PMID {pmid}: PubMed now differs in hand-edited {', '.join(fields)}"
                for pmid, fields in report.conflicts.items()
            ]
            + ([report.advice(again=AGAIN)] if report.failed else [])
        )
        self.run.finished_at = timezone.now()
        self.run.state = (
            ImportRun.State.SUCCEEDED
            if not report.failed
            else ImportRun.State.FAILED
            if not (report.created or report.updated or report.unchanged)
            else ImportRun.State.PARTIAL
        )
        self.run.save()

    def _copy(self, report: ImportReport) -> None:
        for name in _RUN_COUNTS:
            setattr(self.run, name, len(getattr(report, name)))
        self.run.processed = self.processed
        self.run.errors = dict(report.failed)
