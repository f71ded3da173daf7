"""A search on a phone (375 × 667 px, the smallest common screen) in Debian's Chromium: the
results start on the first screen, the synonyms are folded, the year chart comes after the
results, and a link at the top jumps to the filters, which follow the results."""

import pytest

from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


@pytest.mark.parametrize("query", ["IL-6", "osteoclasts", "bortezomib"])
def test_a_phone_shows_the_results_on_the_first_screen(browser, live_server, curated, query):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/search/?q={query}")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"phone-search-{query.replace(' ', '-')}.png")
        first = page.locator("ol.results > li").first.bounding_box()
        assert first["y"] + 40 < PHONE["height"], first  # its title at least, without scrolling
        synonyms = page.locator(".expanded details").first
        assert synonyms.evaluate("d => !d.open") and not synonyms.locator(".names").is_visible()
        assert page.locator("svg.chart").bounding_box()["y"] > page.locator("ol.results").bounding_box()["y"]
        filters = page.locator("aside#filters").bounding_box()
        assert filters["y"] > page.locator("ol.results").bounding_box()["y"]
        jump = page.get_by_role("link", name="Filters ↓")
        assert jump.bounding_box()["y"] < first["y"]
        jump.click()
        page.wait_for_url("**#filters")
        on_screen = page.locator("aside#filters").bounding_box()["y"]
        assert page.evaluate("window.scrollY") > 0 and 0 <= on_screen < PHONE["height"] - 40  # in view
    finally:
        context.close()


def test_the_synonyms_unfold_and_a_wide_screen_keeps_its_layout(page, live_server, curated):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/search/?q=IL-6")
    assert not page.get_by_role("link", name="Filters ↓").is_visible()  # the filters are beside the results
    aside, results = page.locator("aside#filters").bounding_box(), page.locator("ol.results").bounding_box()
    assert aside["x"] + aside["width"] <= results["x"]
    assert page.locator("svg.chart").bounding_box()["y"] < results["y"]
    summary, names = page.locator(".expanded summary").first, page.locator(".expanded .names").first
    assert "IL-6 also searched: " in summary.inner_text() and not names.is_visible()
    summary.click()
    assert names.is_visible() and "BSF-2" in names.inner_text()
