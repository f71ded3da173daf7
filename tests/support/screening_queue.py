"""A moderation queue with decisions to learn from, and the task worker's part, for the queue's
tests and its browser test."""

import io

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from papers.catalogue.models import Paper
from papers.curation.models import ScreeningScore
from papers.curation.tasks import rescore_queue
from tests.support.papers import set_status
from tests.support.paths import DEMO_DIR, ROOT

# 28 records of 1977–79 on bone and immune mechanisms in other diseases (fixtures/DEMO.md).
MECHANISMS = ROOT / "fixtures" / "demo_mechanisms" / "pubmed20n0014_mechanisms.xml"


def decided_collection(pending_each: int, reject_others: bool = True) -> tuple[list[int], list[int]]:
    """The myeloma demo records approved and the MECHANISMS records rejected (or left pending),
    but for the last `pending_each` of each, left in the queue; returns the PMIDs left pending
    (myeloma, other)."""
    call_command("import_pubmed", "--from-xml", *map(str, sorted(DEMO_DIR.glob("*.xml"))), stdout=io.StringIO())
    myeloma = list(Paper.objects.order_by("pk").values_list("pmid", flat=True))
    call_command("import_pubmed", "--from-xml", str(MECHANISMS), stdout=io.StringIO())
    other = list(Paper.objects.exclude(pmid__in=myeloma).order_by("pk").values_list("pmid", flat=True))
    set_status(Paper.objects.filter(pmid__in=myeloma[:-pending_each]), Paper.Status.APPROVED)
    if reject_others:
        set_status(Paper.objects.filter(pmid__in=other[:-pending_each]), Paper.Status.REJECTED, Paper.Reason.OFF_TOPIC)
        other = other[-pending_each:]
    return myeloma[-pending_each:], other


def queued_rescores():
    return DBTaskResult.objects.filter(task_path=rescore_queue.module_path, status="READY")


def run_queued_rescore() -> None:
    """What the task worker does with the one queued rescore (its command closes the test's connection)."""
    queued = queued_rescores().get()
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    queued.delete()


def scores_by_pmid() -> dict[int, float]:
    return dict(ScreeningScore.objects.values_list("paper__pmid", "score"))
