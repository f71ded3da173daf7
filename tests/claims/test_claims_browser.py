"""The claim maps in a real browser (Debian's Chromium through Playwright, headless, against
the live test server): a researcher asks the finder "? — increases → Osteoclastogenesis", opens
a tag's neighbourhood and its diagram on a phone, follows a coverage cell to its papers."""

import io
import re

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper, Tag
from papers.claims.demo import confirm_demo_claims, record_files
from papers.claims.maps import neighbourhood
from papers.claims.models import Claim
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
    asked = Claim.objects.public().filter(relation="increases", target__slug="osteoclastogenesis")
    page.goto(live_server.url)
    page.click("header.site a:text-is('Mechanisms')")
    page.wait_for_url("**/mechanisms/")
    # The menus offer only tags public claims name, each with its number of claims.
    targets = page.locator("#id_target option").all_inner_texts()
    assert targets[0] == "? (any)" and all(re.fullmatch(r".+ \(\d+\)", name) for name in targets[1:]), targets
    assert len(targets) - 1 == len(set(Claim.objects.public().values_list("target", flat=True)))
    page.select_option("#id_relation", "increases")
    page.select_option("#id_target", "osteoclastogenesis")
    page.click("form.finder button")
    page.wait_for_url("**/mechanisms/?agent=&relation=increases&target=osteoclastogenesis&myeloma=&organism=")
    heading = page.inner_text("main h2")
    papers = asked.values("paper").distinct().count()
    assert heading.startswith(f"{asked.count()} claims in {papers} papers"), heading
    # One row per agent, relation and target, with its papers and newest sentences.
    rows = page.locator("ol.claims > li")
    assert rows.count() == asked.values("agent").distinct().count()
    first = rows.first
    # Each name as the tag's, then as its sentences write it ("osteoclast formation").
    assert first.locator("strong").inner_text().startswith("RANKL increases Osteoclastogenesis (")
    rankl = asked.filter(agent__slug="rankl").count()
    assert first.locator("blockquote").count() == min(rankl, 3) and first.locator("mark.claim-agent").count() >= 1
    shot(page, "1-finder")
    # Each sentence gives its paper's context; "in mice only" keeps the papers studying mice.
    contexts = page.locator("ol.claims .context").all_inner_texts()
    assert len(contexts) == page.locator("ol.claims blockquote").count() and "Mice · not about myeloma" in contexts
    page.select_option("#id_organism", "mice")
    page.click("form.finder button")
    page.wait_for_url("**/mechanisms/?agent=&relation=increases&target=osteoclastogenesis&myeloma=&organism=mice")
    in_mice = asked.filter(paper__organisms__contains="Mice").count()
    assert page.inner_text("main h2").startswith(f"{in_mice} claim"), page.inner_text("main h2")
    assert 0 < in_mice < asked.count()
    assert all("Mice" in context for context in page.locator("ol.claims .context").all_inner_texts())
    page.go_back()

    first.locator("strong a:text-is('RANKL')").click()
    page.wait_for_url("**/tags/rankl/mechanisms/")
    found = neighbourhood(Tag.objects.get(slug="rankl"))
    svg = page.locator("svg.neighbourhood-wide")
    links = len(found.acting_on_it) + len(found.it_acts_on)
    assert svg.locator("a").count() == links == page.locator(".claim-columns li").count()
    # At 1,280 pixels the diagram fills the page's width, each name whole inside it, each edge
    # pointed, the key below it.
    box, main = svg.bounding_box(), page.locator("main").bounding_box()
    assert box["width"] >= 0.95 * main["width"], (box, main)
    assert _texts_inside(page, "svg.neighbourhood-wide")
    assert svg.locator("polygon").count() == links + 4
    assert svg.locator("text", has_text="Osteoblast differentiation").count() == 1
    assert {svg.locator("text", has_text=relation).count() for relation in Claim.Relation.values} == {1}
    shot(page, "1b-neighbourhood")
    svg.locator("a text", has_text="Osteoclasts").click()
    page.wait_for_url("**/mechanisms/?agent=rankl&relation=increases&target=osteoclasts")
    assert page.locator("ol.claims > li").count() == 1

    page.goto(f"{live_server.url}/mechanisms/?agent=il-6&relation=decreases")
    assert page.locator("ol.claims").count() == 0
    assert page.inner_text("p.empty").startswith("No confirmed claim of an approved paper says IL-6 decreases")

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
        assert not page.locator("svg.neighbourhood-wide").is_visible()
        box = page.locator("svg.neighbourhood-narrow").bounding_box()
        assert box["width"] <= 375 and box["height"] > 60
        assert _texts_inside(page, "svg.neighbourhood-narrow")
        # Text in the diagram stays legible: at least 10 CSS pixels high at this width.
        assert (
            page.evaluate(
                "Math.min(...[...document.querySelectorAll('svg.neighbourhood-narrow text')]"
                ".map(t => t.getBoundingClientRect().height))"
            )
            >= 10
        )
        shot(page, "3-phone-neighbourhood")
    finally:
        context.close()


def _texts_inside(page, selector: str) -> bool:
    """Whether every name and heading of the diagram is drawn whole, inside the diagram's box."""
    return page.evaluate(
        """selector => {
            const svg = document.querySelector(selector), box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].every(text => {
                const r = text.getBoundingClientRect();
                return r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.width > 0;
            });
        }""",
        selector,
    )
