"""The moderation queue's background task: retrain the screening model and rescore the queue.

Moderation and imports ask for a rescore (request_rescore), which waits RESCORE_DELAY so that a
batch of decisions costs one training, and runs in the task worker (`manage.py db_worker`,
TASKS_BACKEND=database), never in a request.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from papers.curation.screening_queue import rescore

log = logging.getLogger(__name__)

# Decisions made within this many seconds of each other are learnt from in one training.
RESCORE_DELAY = timedelta(seconds=20)


@task()
def rescore_queue() -> None:
    approved, rejected, scored = rescore()
    log.info("Screening: trained on %s approved and %s rejected papers, scored %s pending", approved, rejected, scored)


def request_rescore() -> None:
    """Ask the task worker for a rescore RESCORE_DELAY from now, unless one is already waiting.
    A backend that cannot wait (the immediate one, which would train inside the request) is not
    asked: the worker's next rescore, or `manage.py rescore_queue`, scores the queue."""
    if not rescore_queue.get_backend().supports_defer:
        return
    waiting = DBTaskResult.objects.filter(task_path=rescore_queue.module_path, status=TaskResultStatus.READY)
    if not waiting.exists():
        rescore_queue.using(run_after=timezone.now() + RESCORE_DELAY).enqueue()
