"""The queue that learns, in a real browser: a moderator sorts the queue by score, approves and
rejects, the task worker retrains, and the queue's order follows the new scores."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper
from tests.support.admin_browser import log_in
from tests.support.screening_queue import decided_collection, queued_rescores, run_queued_rescore, scores_by_pmid

pytestmark = pytest.mark.browser


def shown_order(page) -> list[int]:
    return [int(pmid) for pmid in page.locator("#result_list .field-pmid").all_inner_texts()]


def shown_scores(page) -> dict[int, str]:
    rows = page.locator("#result_list tbody tr")
    return {
        int(row.locator(".field-pmid").inner_text()): row.locator(".field-screening_score").inner_text()
        for row in rows.all()
    }


def by_score() -> list[int]:
    scores = scores_by_pmid()
    pending = Paper.objects.filter(status=Paper.Status.PENDING).order_by("created_at", "pk")
    # A stable sort: ties stay in import order, as the queue keeps them.
    return sorted(pending.values_list("pmid", flat=True), key=lambda pmid: -scores[pmid])


def act(page, pmids: list[int], action: str) -> None:
    for pmid in pmids:
        page.check(f"#result_list tr:has(.field-pmid:text-is('{pmid}')) input.action-select")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_a_moderator_sorts_by_score_decides_and_the_order_follows_the_retrained_model(
    page, live_server, staff, taxonomy, task_worker_backend
):
    # The queue's first day: approved myeloma papers, nothing rejected yet (the cold start).
    decided_collection(pending_each=10, reject_others=False)
    call_command("rescore_queue", stdout=io.StringIO())
    queue = live_server.url + reverse("admin:papers_pendingpaper_changelist")

    log_in(page, live_server, "moderator", "moderator-pass")
    page.goto(queue + "?order=import")
    page.click(".queue-order a:text-is('likeliest approved first')")
    page.wait_for_url("**/?order=score")
    before = shown_order(page)
    assert before == by_score()
    assert shown_scores(page)[before[0]] == f"{scores_by_pmid()[before[0]]:.2f}"

    # Approve the likeliest; reject the three least likely, as off topic.
    act(page, before[:1], "approve_papers")
    page.wait_for_selector(".messagelist")
    assert "1 paper approved." in page.inner_text(".messagelist")
    act(page, before[-3:], "reject_papers")
    page.select_option("select[name=reason]", "off_topic")
    page.click("input[type=submit][value='Reject papers']")
    page.wait_for_url("**/?order=score")
    assert "3 papers rejected." in page.inner_text(".messagelist")
    # The decisions queued one retraining; until the worker runs it the queue keeps its scores.
    assert queued_rescores().count() == 1
    assert shown_order(page) == before[1:-3]

    run_queued_rescore()
    page.reload()
    after = shown_order(page)
    assert after == by_score() and set(after) == set(before[1:-3])
    assert after != before[1:-3]  # learnt from the rejections: the order changed
    assert shown_scores(page)[after[0]] == f"{scores_by_pmid()[after[0]]:.2f}"
