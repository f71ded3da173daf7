"""A researcher's journey in a real browser (Debian's Chromium through Playwright, headless,
against the live test server): search by a synonym, filter by a facet, open a paper, follow a
tag and its topic, download an export; keyboard use, a phone-sized screen, hostile records."""

import pytest
import rispy

from papers.catalogue.models import Paper, Tag
from papers.curation import services as curation
from papers.tagging.models import PaperTag
from tests.support.paths import ARTIFACTS

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"site-{name}.png", full_page=True)


@pytest.fixture
def collection(corpus, people):
    """The demo corpus with IL-6 and NF-κB confirmed, and RANKL added by hand to one paper."""
    for paper_tag in PaperTag.objects.filter(tag__slug__in=["il-6", "nf-kb"]):
        curation.confirm_tag(paper_tag, people.superuser)
    curation.add_tag(Paper.objects.get(pmid=34090465), Tag.objects.get(slug="rankl"), people.superuser)


def test_researcher_finds_reads_and_exports_papers(page, live_server, collection, page_cache):
    page.goto(live_server.url)
    page.fill("#home-q", "TNFSF11")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/search/?q=TNFSF11")
    assert "TNFSF11 also searched:" in page.inner_text("main") and "RANKL" in page.inner_text("main")
    assert page.locator("ol.results > li").count() == 1
    shot(page, "1-synonym-search")

    page.fill("#q", "interleukin-6")
    page.click("form.search button")
    page.wait_for_url("**/search/?q=interleukin-6**")  # count the new page's results, not the old one's
    assert page.locator("ol.results > li").count() == 3
    page.click("nav[aria-label='Filter by journals'] a:text('Leukemia')")
    page.wait_for_url("**journal=Leukemia**")
    assert page.locator("ol.results > li").count() == 1
    assert "Journal: Leukemia" in page.inner_text("ul.chips[aria-label='Filters in force']")
    shot(page, "2-facet-filter")

    page.click("ol.results a.result-title")
    page.wait_for_url("**/papers/32879426/")
    paper = Paper.objects.get(pmid=32879426)
    assert page.get_attribute("meta[name=citation_pmid]", "content") == "32879426"
    assert page.get_attribute("meta[name=citation_doi]", "content") == paper.doi
    assert page.get_attribute(f"a[href='https://doi.org/{paper.doi}']", "href")
    assert "IL6" in page.inner_text("dl.facts mark")
    shot(page, "3-paper")

    with page.expect_download() as download:
        page.click("section[aria-labelledby=cite-heading] a:text('RIS')")
    [entry] = rispy.loads(download.value.path().read_text())
    assert entry["accession_number"] == "32879426"

    page.click("dl.facts a:text-is('IL-6')")
    page.wait_for_url("**/tags/il-6/")
    assert page.locator("ol.results > li").count() == 3
    topic = Tag.objects.get(slug="il-6").topic
    page.click(f"nav[aria-label=Breadcrumb] a:text-is('{topic.name}')")
    page.wait_for_url(f"**/topics/{topic.slug}/")
    assert page.locator("svg.chart rect").count() >= 1
    assert page.inner_text("h1") == topic.name
    shot(page, "4-topic")

    with page.expect_download() as download:
        page.click("a:text('BibTeX')")
    bibtex = download.value.path().read_text()
    shown = (
        Paper.objects.public()
        .filter(paper_tags__tag__topic=topic, paper_tags__status=PaperTag.Status.CONFIRMED)
        .distinct()
    )
    assert bibtex.count("@article") == shown.count() > 0


def test_pages_work_from_the_keyboard_and_on_a_phone(browser, live_server, collection):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/search/?q=myeloma")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        for path in ("/", "/search/?q=myeloma", "/tags/il-6/", "/papers/34088671/"):
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
            assert page.locator("h1").count() == 1, path
            unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select')]
                .filter(e => !e.labels.length && !e.getAttribute('aria-label')).length""")
            assert unlabelled == 0, path
        shot(page, "5-phone")
    finally:
        context.close()


HOSTILE_TITLE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">A <i>real</i> title'
HOSTILE_ABSTRACT = (
    '<a href="javascript:window.__xss = 3">click</a> <b onmouseover="window.__xss = 4">bold</b> '
    '<svg><script>window.__xss = 5</script></svg> <p style="x" broken'
)


def test_hostile_records_stay_inert_in_the_browser(page, live_server, taxonomy):
    paper = Paper.objects.create(
        pmid=777,
        status=Paper.Status.APPROVED,
        title=HOSTILE_TITLE,
        abstract=HOSTILE_ABSTRACT,
        journal_title='"><script>window.__xss=6</script>',
    )
    from papers.search.indexing import index_papers

    index_papers([paper.pk])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("/", "/search/?q=real+title", paper.get_absolute_url()):
        page.goto(live_server.url + path)
        for link in page.locator("a").all():
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:"), path
        for bold in page.locator("b, i").all():
            bold.hover()
        assert page.evaluate("window.__xss") is None, path
        if path.startswith("/search/"):
            assert page.inner_text("a.result-title") == "A real title"
    assert page.inner_text("h1") == "A real title"
    assert dialogs == []
    shot(page, "6-hostile")
