"""A claim added by hand in a real browser (Debian's Chromium through Playwright): a curator
picks a sentence, the agent, the relation and the target on a pending paper's admin page; the
public sees the claim on the paper's page and in the finder once the paper is approved, and
not before; axe finds nothing of the app's own in the form."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper
from papers.claims.models import Claim
from papers.curation import services as curation
from tests.support.admin_browser import apps_own, log_in
from tests.support.axe import violations

pytestmark = pytest.mark.browser

TNF_PAPER = 34088671


@pytest.fixture
def pending(staff, taxonomy, eutils):
    call_command("import_pubmed", TNF_PAPER, stdout=io.StringIO())
    return Paper.objects.get(pmid=TNF_PAPER)


def test_a_curator_adds_a_claim_by_hand_and_the_public_sees_it_once_the_paper_is_approved(
    page, live_server, staff, pending
):
    log_in(page, live_server, "curator", "curator-pass")
    change = reverse("admin:papers_paper_change", args=[pending.pk])
    page.goto(live_server.url + change)
    form = page.locator("form.add-claim")
    assert apps_own(violations(page)) == []
    form.get_by_label("Abstract: Within MM bone marrow (BM) stromal cell supernatants").check()
    form.get_by_label("Agent").select_option(label="Bone-marrow stromal cells")
    form.get_by_label("Relation").select_option("produces")
    form.get_by_label("Target").select_option(label="TNF-α")
    form.locator("input[type=submit]").click()
    page.wait_for_url(f"**{change}")
    assert "Added the claim “Bone-marrow stromal cells produces TNF-α”, confirmed." in page.inner_text(".messagelist")
    shown = page.locator("#claims-group strong").all_inner_texts()
    assert "Bone-marrow stromal cells produces TNF-α" in shown, shown
    assert Claim.objects.get(agent__slug="bmsc").status == "confirmed"

    public = f"{live_server.url}/papers/{TNF_PAPER}/"
    assert page.goto(public).status == 404  # pending: the public sees nothing of it
    curation.approve(pending, staff.moderator)
    page.goto(public)
    claims = page.locator("section[aria-labelledby=claims-heading] li")
    assert claims.count() == 1  # the reader's own suggestion stays unseen until confirmed
    # The tag's name, then the sentence's own words for it.
    stated = "Bone-marrow stromal cells (bone marrow (BM) stromal cell) produces TNF-α"
    assert claims.locator("strong").inner_text() == stated
    assert claims.locator("mark.claim-target").inner_text() == "TNF-α"
    claims.get_by_role("link", name="Every paper stating it").click()
    page.wait_for_url("**/mechanisms/?agent=bmsc&relation=produces&target=tnf-a")
    found = page.locator("ol.claims > li")
    # The finder gives the name the sentence uses beside the tag's.
    assert found.count() == 1 and found.locator("strong").inner_text() == (
        "Bone-marrow stromal cells (bone marrow (BM) stromal cell) produces TNF-α"
    )
