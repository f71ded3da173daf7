"""Every kind of public page in Debian's Chromium at 1,280 and 320 px: a screenshot of each,
axe-core (4.12, shipped by axe-playwright-python) with no violation, nothing wider than the
screen; and the visual rough edges: the focus ring's contrast, the pagination's target size,
the year chart's last label, the facet column with no results, the search form on a phone."""

import io

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper
from papers.curation import services as curation
from papers.tagging.models import PaperTag
from tests.support.axe import violations
from tests.support.papers import set_status
from tests.support.paths import ARTIFACTS, SAMPLES

pytestmark = pytest.mark.browser

WIDTHS = (1280, 320)
PAGES = {
    "home": "/",
    "about": "/about/",
    "search": "/search/?q=bone",
    "search-empty": "/search/?q=zzzxqy",
    "search-filtered": "/search/?q=myeloma&year_from=2020&page=2",
    "topic": "/topics/bone-marrow-microenvironment/",
    "tag": "/tags/il-6/",
    "paper": "/papers/34087126/",
    "paper-erratum": "/papers/21388667/",
    "paper-book": "/papers/20301577/",
    "api-docs": "/api/docs/",
    "not-found": "/no/such/page/",
}


@pytest.fixture
def site(corpus, people):
    """The demo corpus with IL-6 confirmed, a book chapter and an erratum pair approved."""
    for paper_tag in PaperTag.objects.filter(tag__slug="il-6"):
        curation.confirm_tag(paper_tag, people.superuser)
    for sample in (SAMPLES / "efetch_pubmed_20301577_book_article.xml", SAMPLES / "baseline_correction_pairs.xml"):
        call_command("import_pubmed", "--from-xml", str(sample), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)


def contrast(rgb_a: str, rgb_b: str) -> float:
    def luminance(css):
        r, g, b = (int(v) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_kind_passes_axe_and_fits_the_screen(browser, live_server, site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = {}
    try:
        for name, url in PAGES.items():
            page.goto(live_server.url + url)
            if name == "api-docs":
                page.wait_for_selector("#swagger-ui main")  # Swagger UI draws the page after loading the schema
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"public-{name}-{width}.png", full_page=True)
            found = [(v["id"], n["target"]) for v in violations(page) for n in v["nodes"]]
            if name == "api-docs":  # Swagger UI's own widget is a third party's: only what we add is ours
                third_party = "(s => document.querySelector(s).closest('#swagger-ui') !== null)"
                found = [(rule, target) for rule, target in found if not page.evaluate(third_party, target[0])]
            if found:
                problems[name] = found[:5]
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0 and name != "api-docs":  # Swagger UI's own layout is not ours
                problems.setdefault(name, []).append(("overflow", overflow))
    finally:
        context.close()
    assert problems == {}


def test_focus_ring_and_pagination_targets_meet_wcag(page, live_server, site):
    page.goto(live_server.url + PAGES["search-filtered"])
    link = page.locator("nav.pages a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
    colour = link.evaluate("a => getComputedStyle(a).outlineColor")
    assert contrast(colour, "rgb(255, 255, 255)") >= 3
    for box in [
        page.locator("nav.pages li > *").nth(i).bounding_box() for i in range(page.locator("nav.pages li").count())
    ]:
        assert box["width"] >= 24 and box["height"] >= 24


def test_a_skip_link_reaches_the_first_result(page, live_server, site):
    page.goto(live_server.url + PAGES["search"])
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('ol.results') !== null")


def test_the_year_chart_shows_its_last_label_whole(page, live_server, site):
    page.goto(live_server.url + PAGES["search"])
    labels = page.locator("svg.chart text")
    svg = page.locator("svg.chart").bounding_box()
    last = max((labels.nth(i) for i in range(labels.count())), key=lambda t: t.bounding_box()["x"])
    box = last.bounding_box()
    assert box["x"] + box["width"] <= svg["x"] + svg["width"] + 0.5, last.text_content()


def test_no_results_leave_no_empty_facet_column(page, live_server, site):
    page.goto(live_server.url + PAGES["search-empty"])
    assert page.locator(".layout > aside").count() == 0
    message = page.locator(".layout section").bounding_box()
    assert message["x"] < 100


def test_the_search_form_fits_a_phone(page, live_server, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + PAGES["search"])
    sort_label, sort_menu = page.locator("label[for=sort]").bounding_box(), page.locator("#sort").bounding_box()
    assert abs(sort_label["y"] - sort_menu["y"]) < sort_menu["height"]  # on one line
    assert sort_menu["x"] - (sort_label["x"] + sort_label["width"]) < 20  # beside each other
    page.goto(live_server.url + "/")
    field = page.locator("#home-q")
    assert field.evaluate("f => f.scrollWidth <= f.clientWidth")
