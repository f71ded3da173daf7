"""The moderation queue that learns: the task worker trains the screening model on the approved and
rejected papers and scores the pending ones; the queue is sorted by score, by uncertainty or in
import order; a request never trains; the import run's page counts the likely in-scope papers."""

import io
import statistics

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper
from papers.curation.models import ScreeningScore
from papers.curation.screening_queue import LIKELY
from papers.pubmed.models import ImportRun
from tests.support.papers import set_status
from tests.support.paths import DEMO_DIR
from tests.support.screening_queue import (
    MECHANISMS,
    decided_collection,
    queued_rescores,
    run_queued_rescore,
    scores_by_pmid,
)

QUEUE = reverse("admin:papers_pendingpaper_changelist")
PENDING_EACH = 10


@pytest.fixture
def decided(taxonomy):
    return decided_collection(PENDING_EACH)


def queue_pmids(client, **params) -> list[int]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [paper.pmid for paper in response.context["cl"].result_list]


def test_a_batch_of_decisions_queues_one_rescore_and_the_request_trains_nothing(
    client, staff, decided, task_worker_backend, django_capture_on_commit_callbacks
):
    myeloma, other = decided
    client.force_login(staff.moderator)
    approve = Paper.objects.filter(pmid__in=myeloma[:2]).values_list("pk", flat=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(QUEUE, {"action": "approve_papers", "_selected_action": list(approve)})
    assert response.status_code == 302
    # Two decisions, one task waiting for the worker; no score was written inside the request.
    assert queued_rescores().count() == 1
    assert not ScreeningScore.objects.exists()
    assert "No scores yet" in client.get(QUEUE).text

    run_queued_rescore()
    pending = set(Paper.objects.filter(status=Paper.Status.PENDING).values_list("pmid", flat=True))
    scores = scores_by_pmid()
    assert set(scores) == pending == set(myeloma[2:]) | set(other)
    assert all(0.0 <= score <= 1.0 for score in scores.values())
    # Learnt from the decisions: the pending myeloma papers rank above the pending papers on other diseases.
    assert statistics.mean(scores[p] for p in myeloma[2:]) > statistics.mean(scores[p] for p in other)
    assert sorted(scores, key=scores.get, reverse=True)[0] in myeloma

    # A rejection is learnt from too: the rejected paper loses its score at the next rescore.
    rejected = Paper.objects.get(pmid=myeloma[2])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            QUEUE,
            {"action": "reject_papers", "apply": "1", "reason": "off_topic", "_selected_action": [rejected.pk]},
        )
    assert Paper.objects.get(pk=rejected.pk).status == Paper.Status.REJECTED
    assert myeloma[2] in scores_by_pmid()  # still the old scores until the worker runs
    run_queued_rescore()
    assert myeloma[2] not in scores_by_pmid() and len(scores_by_pmid()) == len(pending) - 1


def test_the_queue_is_sorted_by_score_by_default_by_uncertainty_or_in_import_order(client, staff, decided):
    call_command("rescore_queue", stdout=io.StringIO())
    scores = scores_by_pmid()
    client.force_login(staff.moderator)
    by_score = queue_pmids(client)
    assert by_score == queue_pmids(client, order="score")
    assert [scores[p] for p in by_score] == sorted(scores.values(), reverse=True)
    by_uncertainty = queue_pmids(client, order="uncertainty")
    assert [abs(scores[p] - LIKELY) for p in by_uncertainty] == sorted(abs(s - LIKELY) for s in scores.values())
    imported = list(Paper.objects.filter(status="pending").order_by("created_at", "pk").values_list("pmid", flat=True))
    assert queue_pmids(client, order="import") == imported
    assert by_score != imported  # the model's order is not the import order

    response = client.get(QUEUE)
    page = response.text
    # The header marks the score column as the one sorted (descending), not the model's default order.
    score_column = list(response.context["cl"].list_display).index("screening_score")
    assert response.context["cl"].get_ordering_field_columns() == {score_column: "desc"}
    assert f"{scores[by_score[0]]:.2f}" in page and "learnt from the approved and rejected papers" in page
    assert 'href="?order=uncertainty"' in page and "least certain first" in page
    # An order the queue does not know is refused, not guessed.
    assert client.get(QUEUE, {"order": "random"}).url.endswith("?e=1")


def test_unscored_papers_wait_at_the_end_of_the_queue(client, staff, decided):
    call_command("rescore_queue", stdout=io.StringIO())
    newest = Paper.objects.create(pmid=99_999_901, title="Bortezomib in relapsed multiple myeloma")
    client.force_login(staff.moderator)
    assert queue_pmids(client)[-1] == newest.pmid
    assert queue_pmids(client, order="uncertainty")[-1] == newest.pmid
    assert "not scored" in client.get(QUEUE).text


def test_the_cold_start_ranks_by_likeness_to_the_approved_papers(decided):
    Paper.objects.filter(status=Paper.Status.REJECTED).delete()
    call_command("rescore_queue", stdout=io.StringIO())
    myeloma, other = decided
    scores = scores_by_pmid()
    assert statistics.mean(scores[p] for p in myeloma) > statistics.mean(scores[p] for p in other)


def test_the_import_run_page_counts_the_papers_likely_in_scope(client, staff, taxonomy):
    """The myeloma demo approved but for every tenth record; then one run imports those records
    again with the 1977–79 records on mechanisms in other diseases: its page counts the papers it
    created that are likely in scope."""
    myeloma_files = [str(path) for path in sorted(DEMO_DIR.glob("*.xml"))]
    call_command("import_pubmed", "--from-xml", *myeloma_files, stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)
    held_back = list(Paper.objects.order_by("pk").values_list("pmid", flat=True))[::10]
    Paper.objects.filter(pmid__in=held_back).delete()
    call_command("import_pubmed", "--from-xml", *myeloma_files, str(MECHANISMS), stdout=io.StringIO())
    first, run = ImportRun.objects.order_by("pk")
    assert run.created == len(held_back) + 28
    page = reverse("admin:papers_importrun_change", args=[run.pk])
    client.force_login(staff.superuser)
    assert (
        f"0 of the 0 scored pending papers it created are likely in scope (score ≥ {LIKELY}); "
        f"{run.created} not scored yet" in client.get(page).text
    )

    call_command("rescore_queue", stdout=io.StringIO())
    likely = set(ScreeningScore.objects.filter(score__gte=LIKELY).values_list("paper__pmid", flat=True))
    assert ScreeningScore.objects.count() == run.created
    # Most held-back myeloma records are likely in scope, and they are most of those likely.
    assert len(likely & set(held_back)) > len(held_back) / 2 and len(likely - set(held_back)) < len(likely) / 2
    assert f"{len(likely)} of the {run.created} scored pending papers it created are likely in scope" in (
        client.get(page).text
    )
    # Counted per run: the first run's papers are approved, none of them pending.
    first_page = client.get(reverse("admin:papers_importrun_change", args=[first.pk])).text
    assert "0 of the 0 scored pending papers it created" in first_page
