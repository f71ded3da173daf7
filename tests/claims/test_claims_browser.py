"""The claim maps in a real browser (Debian's Chromium through Playwright, headless, against
the live test server): a researcher asks the finder "? — increases → Osteoclastogenesis", opens
a tag's neighbourhood and its diagram on a phone, follows a coverage cell to its papers."""

import io

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper
from papers.claims.demo import confirm_demo_claims, record_files
from papers.tagging.models import PaperTag
from tests.support.papers import set_status
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"claims-{name}.png", full_page=True)


@pytest.fixture
def mapped(taxonomy):
    """The demo's claim records, approved, their tags and the curated list of claims confirmed."""
    call_command("import_pubmed", "--from-xml", *map(str, record_files()), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)
    PaperTag.objects.update(status=PaperTag.Status.CONFIRMED)
    assert confirm_demo_claims().confirmed >= 20


def test_researcher_finds_mechanisms_and_follows_the_maps(page, live_server, mapped, page_cache):
    page.goto(live_server.url)
    page.click("header.site a:text-is('Mechanisms')")
    page.wait_for_url("**/mechanisms/")
    page.select_option("#id_relation", "increases")
    page.select_option("#id_target", "osteoclastogenesis")
    page.click("form.finder button")
    page.wait_for_url("**/mechanisms/?agent=&relation=increases&target=osteoclastogenesis")
    heading = page.inner_text("main h2")
    assert heading.startswith("4 claims in 4 papers"), heading
    first = page.locator("ol.claims > li").first
    assert first.locator("strong").inner_text() == "RANKL increases Osteoclastogenesis"
    assert first.locator("mark.claim-agent").count() == 1 and first.locator("mark.claim-target").count() == 1
    shot(page, "1-finder")

    first.locator("strong a:text-is('RANKL')").click()
    page.wait_for_url("**/tags/rankl/mechanisms/")
    svg = page.locator("svg.neighbourhood")
    assert svg.locator("a").count() == 4  # osteoclastogenesis, osteoclasts, NF-κB, RANK (binds)
    assert page.locator("section[aria-labelledby=acts-heading] li").count() == 4
    svg.locator("a text", has_text="Osteoclasts").click()
    page.wait_for_url("**/mechanisms/?agent=rankl&relation=increases&target=osteoclasts")
    assert page.locator("ol.claims > li").count() == 1

    page.goto(f"{live_server.url}/mechanisms/coverage/")
    assert page.locator("table.coverage td.empty").count() > 0
    cell = page.locator("table.coverage tr", has=page.locator("th a:text-is('Hypercalcaemia')")).locator("td a").first
    papers = int(cell.inner_text())
    cell.click()
    page.wait_for_url("**/search/?tag=hypercalcaemia&tag=bisphosphonates")
    assert page.locator("ol.results > li").count() == papers >= 1
    shot(page, "2-coverage-cell")


def test_the_maps_read_on_a_phone(browser, live_server, mapped):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        for path in ("/tags/rankl/mechanisms/", "/mechanisms/?target=nf-kb", "/mechanisms/coverage/"):
            page.goto(live_server.url + path)
            assert page.locator("h1").count() == 1, path
            # The page itself never scrolls sideways; the coverage table scrolls in its own box.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        page.goto(live_server.url + "/tags/rankl/mechanisms/")
        box = page.locator("svg.neighbourhood").bounding_box()
        assert box["width"] <= 375 and box["height"] > 60
        # Text in the diagram stays legible: at least 10 CSS pixels high at this width.
        assert (
            page.evaluate(
                "Math.min(...[...document.querySelectorAll('svg.neighbourhood text')]"
                ".map(t => t.getBoundingClientRect().height))"
            )
            >= 10
        )
        shot(page, "3-phone-neighbourhood")
    finally:
        context.close()
