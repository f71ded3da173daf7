"""Corrections linked both ways, on the page and in the API: real pairs of records from NLM's
2021 baseline (an article and its erratum, an article and its retraction notice)."""

import io
import re
from html import unescape

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper
from tests.support.papers import set_status
from tests.support.paths import SAMPLES

ARTICLE, ERRATUM = 21388667, 34092359
RETRACTED, RETRACTION = 27602157, 34093767


@pytest.fixture
def pairs(taxonomy):
    """Both papers of the erratum pair approved; of the retraction pair, only the retracted paper."""
    call_command("import_pubmed", "--from-xml", str(SAMPLES / "baseline_correction_pairs.xml"), stdout=io.StringIO())
    set_status(Paper.objects.filter(pmid__in=[ARTICLE, ERRATUM, RETRACTED]), Paper.Status.APPROVED)


def corrections_shown(client, pmid) -> list[tuple[str, str, str]]:
    """(class, text, link) of each correction line at the top of a paper's page."""
    html = client.get(f"/papers/{pmid}/").content.decode()
    return [
        (kind, unescape(re.sub(r"<[^>]+>", "", text)).strip(), href)
        for kind, text, href in re.findall(
            r'<p class="(banner|relation)"[^>]*><strong>(.*?)</strong>\s*<a href="([^"]+)">', html, re.S
        )
    ]


def test_an_erratum_and_its_paper_link_each_other(client, pairs):
    assert corrections_shown(client, ARTICLE) == [
        ("banner", "An erratum has been published for this paper.", f"/papers/{ERRATUM}/")
    ]
    assert corrections_shown(client, ERRATUM) == [("relation", "This is an erratum for:", f"/papers/{ARTICLE}/")]


def test_a_paper_outside_the_collection_is_linked_on_pubmed(client, pairs):
    assert corrections_shown(client, RETRACTED) == [
        ("banner", "This paper has been retracted.", f"https://pubmed.ncbi.nlm.nih.gov/{RETRACTION}/")
    ]
    set_status(Paper.objects.filter(pmid=ARTICLE), Paper.Status.PENDING)  # no longer shown here
    assert corrections_shown(client, ERRATUM) == [
        ("relation", "This is an erratum for:", f"https://pubmed.ncbi.nlm.nih.gov/{ARTICLE}/")
    ]


def test_the_api_links_corrections_both_ways(client, pairs):
    article = client.get(f"/api/papers/{ARTICLE}/").json()["corrections"]
    assert article == [
        {
            "type": "ErratumIn",
            "source": article[0]["source"],
            "pmid": ERRATUM,
            "notice": True,
            "text": "An erratum has been published for this paper",
            "in_collection": True,
            "url": f"http://testserver/papers/{ERRATUM}/",
        }
    ]
    [erratum] = client.get(f"/api/papers/{ERRATUM}/").json()["corrections"]
    assert (erratum["type"], erratum["pmid"], erratum["notice"], erratum["url"]) == (
        "ErratumFor",
        ARTICLE,
        False,
        f"http://testserver/papers/{ARTICLE}/",
    )
    [retraction] = client.get(f"/api/papers/{RETRACTED}/").json()["corrections"]
    assert (retraction["in_collection"], retraction["url"]) == (False, f"https://pubmed.ncbi.nlm.nih.gov/{RETRACTION}/")
