"""Background tasks: imports too large to run inside a web request.

A request may only run an import that surely ends within gunicorn's 30 s time-out: a few PMIDs
(one small efetch, stored in well under a second) with the E-utilities deadline cut to
REQUEST_EUTILS_SECONDS. Everything else is queued for the task worker (`manage.py db_worker`,
which ./start runs beside the site; TASKS_BACKEND=database).
"""

import logging

from django.db import transaction
from django_tasks import task

from papers.catalogue.bulk import cut
from papers.pubmed.models import ImportRun
from papers.pubmed.runs import perform

log = logging.getLogger(__name__)

REQUEST_PMIDS = 20
REQUEST_EUTILS_SECONDS = 15.0  # + storing and the page: well inside gunicorn's 30 s


@task()
def run_import(run_id: int) -> None:
    """Carry out a queued ImportRun (perform marks it failed if it crashes)."""
    perform(ImportRun.objects.get(pk=run_id))


def start_import(run: ImportRun) -> str:
    """Run a saved ImportRun now if it fits in a request (REQUEST_PMIDS PMIDs at most), otherwise
    queue it for the task worker; returns what to tell the curator ("… done", "… queued")."""
    if run.source == ImportRun.Source.PMIDS and len(run.requested_pmids) <= REQUEST_PMIDS:
        try:
            perform(run, deadline=REQUEST_EUTILS_SECONDS)
        except Exception:  # the run says it failed and why; the request still answers
            log.exception("Import #%s crashed", run.pk)
            run.refresh_from_db()
            return f"Import #{run.pk} failed: {'; '.join(run.messages)}"
        return (
            f"Import #{run.pk} done: {run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
            f"{run.not_found} not found, {run.failed} failed."
        )
    # Queue only once the ImportRun is committed, so the worker can read it.
    transaction.on_commit(lambda: _enqueue(run))
    return f"Import #{run.pk} queued: the task worker runs it; this page shows its progress."


def _enqueue(run: ImportRun) -> None:
    result = run_import.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=cut(ImportRun, "task_id", str(result.id)))
