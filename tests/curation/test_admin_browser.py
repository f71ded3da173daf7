"""The curators' admin pages in a real browser at 1,280 px: moderation from a paper's page, a
failed import's explanation, no horizontal scrolling, and axe-core finding nothing of the app's
own. The pictures of docs/first-hour.md are taken here (docs/images/, written anew each run)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper
from papers.pubmed.client import MISSING_EMAIL
from papers.pubmed.models import ImportRun
from tests.support.admin_browser import apps_own, log_in
from tests.support.axe import violations
from tests.support.paths import ROOT

pytestmark = pytest.mark.browser

IMAGES = ROOT / "docs" / "images"
MYELOMA, STRUCTURED = 38856741, 27797938  # the second has inline markup in its title


def picture(page, name: str, part: str = "") -> None:
    """A picture for docs/first-hour.md: the window, or the element `part` selects."""
    IMAGES.mkdir(exist_ok=True)
    (page.locator(part) if part else page).screenshot(path=IMAGES / f"{name}.png")


def scrolls_sideways(page) -> list[str]:
    """The page, or any scrolling box on it, wider than it is shown."""
    return page.evaluate("""() => {
        const wide = [];
        if (document.documentElement.scrollWidth > innerWidth) wide.push('the page');
        for (const element of document.querySelectorAll('*')) {
            const overflow = getComputedStyle(element).overflowX;
            if (['auto', 'scroll'].includes(overflow) && element.scrollWidth > element.clientWidth + 1)
                wide.push(element.tagName + '.' + element.className);
        }
        return wide;
    }""")


@pytest.fixture
def imported(people, taxonomy, eutils):
    call_command("import_pubmed", MYELOMA, STRUCTURED, "--as", "curator", stdout=io.StringIO())
    return Paper.objects.get(pmid=MYELOMA)


def test_a_moderator_approves_revokes_and_rejects_with_the_papers_own_buttons(page, live_server, people, imported):
    log_in(page, live_server, "boss", "boss-pass")
    page.goto(live_server.url + reverse("admin:papers_paper_change", args=[imported.pk]))
    assert page.inner_text(".moderation-bar strong") == "Pending review"
    picture(page, "paper-page")
    page.click(".moderation-bar button:text-is('Approve')")
    assert "1 paper approved." in page.inner_text(".messagelist")
    assert page.inner_text(".moderation-bar strong") == "Approved"

    page.click(".moderation-bar button:text-is('Revoke approval…')")
    assert page.get_attribute("textarea[name=note]", "required") is not None  # the note is asked for
    page.fill("textarea[name=note]", "Not about myeloma after all.")
    picture(page, "revoke-approval")
    page.click("input[type=submit][value='Revoke approval']")
    assert "1 paper sent back to the queue." in page.inner_text(".messagelist")
    imported.refresh_from_db()
    assert (imported.status, imported.status_note) == ("pending", "Not about myeloma after all.")

    page.click(".moderation-bar button:text-is('Reject…')")
    page.select_option("select[name=reason]", "other")
    page.click("input[type=submit][value='Reject paper']")
    assert "The reason “Other” needs a note saying why." in page.inner_text(".errorlist, .errornote")
    page.fill("textarea[name=note]", "A conference abstract.")
    page.click("input[type=submit][value='Reject paper']")
    imported.refresh_from_db()
    assert (imported.status, imported.status_reason) == ("rejected", "other")


def test_a_failed_import_explains_why_and_what_to_do(page, live_server, people, taxonomy, eutils, settings):
    log_in(page, live_server, "boss", "boss-pass")
    settings.NCBI_EMAIL = ""
    page.goto(live_server.url + reverse("admin:papers_import"))
    page.fill("textarea[name=pmids]", str(MYELOMA))
    page.click("input[value=Import]")
    assert page.inner_text(".errornote").strip() == MISSING_EMAIL
    assert ImportRun.objects.count() == 0
    picture(page, "import-refused")

    settings.NCBI_EMAIL = "curator@example.org"
    eutils.fail_next("efetch", status=500, times=settings.EUTILS_MAX_TRIES)
    page.fill("textarea[name=pmids]", f"{MYELOMA}\n{STRUCTURED}")
    page.click("input[value=Import]")
    assert "The reasons are below." in page.inner_text(".messagelist .error")
    failures = page.inner_text(".field-failures")
    assert f"2 failed ({STRUCTURED}, {MYELOMA}): PubMed answered HTTP 500" in failures
    assert "ask for the same import again to finish" in page.inner_text(".field-shown_messages")
    picture(page, "failed-import", "fieldset:has(.field-failures)")


def test_the_curators_pages_fit_1280_pixels_and_axe_finds_nothing_of_the_apps_own(
    page, live_server, people, imported, eutils
):
    call_command("import_pubmed", "--query", "myeloma " * 40 + "bone", stdout=io.StringIO())  # a long query
    run = ImportRun.objects.first()
    log_in(page, live_server, "boss", "boss-pass")
    pages = {
        "paper-change": reverse("admin:papers_paper_change", args=[imported.pk]),
        "paper-list": reverse("admin:papers_paper_changelist"),
        "moderation-queue": reverse("admin:papers_pendingpaper_changelist"),
        "import-page": reverse("admin:papers_import"),
        "import-run": reverse("admin:papers_importrun_change", args=[run.pk]),
        "import-runs": reverse("admin:papers_importrun_changelist"),
    }
    found = {}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        assert scrolls_sideways(page) == [], name
        found[name] = apps_own(violations(page))
        if name in {"moderation-queue", "import-runs", "import-page"}:
            picture(page, name)
    assert found == {name: [] for name in pages}
    assert page.evaluate("document.querySelector('th.column-results') !== null")  # one column for the counts
