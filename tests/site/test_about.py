"""The About page: linked from every public page, saying what the collection holds, how papers get
in, how good the tags, claims, search and screening are, who curates, how to cite and report; a
demo says it is one."""

import pytest
from django.urls import reverse

from papers.catalogue.models import Paper
from tests.support.papers import set_status
from tests.support.paths import ROOT

ABOUT = "/about/"


@pytest.fixture
def collection(corpus):
    set_status(Paper.objects.filter(pmid__in=[32901100, 33596528]), Paper.Status.PENDING)
    return Paper.objects.public().count()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search/?q=bone",
        "/search/?q=zzzxqy",
        "/topics/bone-marrow-microenvironment/",
        "/tags/il-6/",
        "/tags/rankl/mechanisms/",
        "/mechanisms/",
        "/mechanisms/coverage/",
        "/papers/34087126/",
        "/api/docs/",
        "/no/such/page/",
        ABOUT,
    ],
)
def test_every_public_page_links_the_about_page(client, collection, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert f'href="{ABOUT}"' in response.text


def test_the_static_error_pages_link_the_about_page():
    templates = ROOT / "papers" / "templates"
    for name in ("400.html", "403.html", "404.html", "500.html", "503.html"):
        assert f'href="{ABOUT}"' in (templates / name).read_text(), name


def test_the_about_page_says_what_the_collection_holds_and_how_it_is_made(client, collection):
    assert reverse("about") == ABOUT
    page = client.get(ABOUT).text
    assert f"{collection} approved papers" in page and collection < Paper.objects.count()  # the public count
    for words in (
        "reviews and primary papers on multiple myeloma, on its bone disease and on its bone-marrow microenvironment",
        "only where a curator judges that they bear on myeloma",
        "How papers get in",
        "Every record arrives pending review",
        "It only orders the queue",
        "precision and recall are 0.998 each (figures of 2026-12-06)",
        "precision of 0.93 and a recall of 0.72",
        "WSS@95: 0.596",
        "Who curates",
        "How to cite the collection",
        "How to report an error",
        "this site has not given a contact address",
    ):
        assert words in page, words
    assert "This is a demo" not in page


def test_a_demo_says_it_is_one_on_every_page_and_the_contact_is_given(client, collection, settings):
    settings.DEMO_SITE, settings.SITE_CONTACT = True, "curators@example.org"
    about = client.get(ABOUT).text
    assert "<strong>This is a demo.</strong> Its papers are real MEDLINE/PubMed records" in about
    assert '<a href="mailto:curators@example.org">curators@example.org</a>' in about
    assert "<strong>A demo</strong>, built from real MEDLINE records." in client.get("/").text
