"""Background tasks: imports too large to run inside a request."""

from django.db import transaction
from django_tasks import task

from .import_runs import perform
from .ingest.client import BATCH_SIZE
from .models import ImportRun


@task()
def run_import(run_id: int) -> None:
    """Carry out a queued ImportRun; a crash marks it failed instead of leaving it 'running'."""
    run = ImportRun.objects.get(pk=run_id)
    try:
        perform(run)
    except Exception as error:
        ImportRun.objects.filter(pk=run_id).update(state=ImportRun.State.FAILED, messages=[f"crashed: {error!r}"])
        raise


def start_import(run: ImportRun) -> None:
    """Run a saved ImportRun now if it is one batch of PMIDs, otherwise queue it for the worker."""
    if run.source == ImportRun.Source.PMIDS and len(run.requested_pmids) <= BATCH_SIZE:
        perform(run)
        return
    # Queue only once the ImportRun is committed, so the worker can read it.
    transaction.on_commit(lambda: _enqueue(run))


def _enqueue(run: ImportRun) -> None:
    result = run_import.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
