"""Sentences to read in a real browser (Debian's Chromium through Playwright): a curator reaches
the list from the Claims page, adds a claim in one step and reads another sentence as stating
no claim; both leave the list, the claim shows on the approved paper's public page and in the finder; axe finds
nothing of the app's own on the list."""

import pytest
from django.urls import reverse

from papers.catalogue.models import Paper
from papers.claims.models import SentenceDecision
from papers.curation import services as curation
from papers.tagging.retagging import retag
from tests.support.admin_browser import apps_own, log_in
from tests.support.axe import violations

pytestmark = pytest.mark.browser


def test_a_curator_reads_sentences_in_one_step_each(page, live_server, staff, taxonomy):
    paper = Paper.objects.create(
        pmid=7, title="DKK-1 and IL-6 levels were high.", abstract="Serum TNF-α and DKK-1 were measured together."
    )
    retag(Paper.objects.filter(pk=paper.pk))
    log_in(page, live_server, "curator", "curator-pass")
    page.goto(live_server.url + reverse("admin:papers_claim_changelist"))
    page.get_by_role("link", name="Sentences to read").click()
    listing = reverse("admin:papers_claim_sentences")
    page.wait_for_url(f"**{listing}")
    assert apps_own(violations(page)) == []
    rows = page.locator("form.sentence-to-read")
    assert rows.count() == 2
    title = rows.filter(has_text="DKK-1 and IL-6 levels were high.")
    title.get_by_label("Claim the sentence states").select_option(label="IL-6 decreases DKK-1")
    title.get_by_label("negated").check()
    title.get_by_role("button", name="Add the claim").click()
    page.wait_for_url(f"**{listing}?page=1")
    assert "added the claim “IL-6 decreases DKK-1”, confirmed." in page.inner_text(".messagelist")
    assert rows.count() == 1
    rows.get_by_role("button", name="States no claim").click()
    page.wait_for_url(f"**{listing}?page=1")
    assert "states no claim, noted" in page.inner_text(".messagelist")
    assert rows.count() == 0 and "No sentence to read" in page.inner_text("#content")
    assert SentenceDecision.objects.get(paper=paper).field == "abstract"

    curation.approve(paper, staff.moderator)
    page.goto(f"{live_server.url}/papers/7/")
    claims = page.locator("section[aria-labelledby=claims-heading] li")
    assert claims.count() == 1 and claims.locator("strong").inner_text() == "IL-6 decreases DKK-1"
    claims.get_by_role("link", name="Every paper stating it").click()
    page.wait_for_url("**/mechanisms/?agent=il-6&relation=decreases&target=dkk1")
    found = page.locator("ol.claims > li")
    assert found.count() == 1 and found.locator("strong").inner_text() == "IL-6 decreases DKK-1"
