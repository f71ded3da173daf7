"""The rough edges a walk through the public pages found, each checked on the page: PubMed's
dates, a book chapter's citation and Bookshelf link, the language, no empty headings, no title
repeated as a snippet, NUL bytes in a query dropped."""

import io
import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper
from papers.curation import services as curation
from papers.tagging.models import PaperTag
from tests.support.papers import set_status
from tests.support.paths import SAMPLES


@pytest.fixture
def with_samples(corpus):
    for name in ("efetch_pubmed_20301577_book_article.xml", "efetch_pubmed_two_records_review_no_abstract.xml"):
        call_command("import_pubmed", "--from-xml", str(SAMPLES / name), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)


def source_line(client, pmid) -> str:
    html = client.get(f"/papers/{pmid}/").content.decode()
    return re.search(r'<p class="meta source">(.*?)</p>', html, re.S).group(1)


def test_dates_name_their_month_as_pubmed_does(client, with_samples):
    assert "<cite>Lancet Haematol</cite>" not in source_line(client, 32862879)  # the full title is shown
    assert ". 2020 Sep;" in source_line(client, 32862879)  # given as "2020 09"
    assert ". 2020 Sep 24" in source_line(client, 32971582)  # given as "2020 09 24"


def test_a_book_chapter_is_cited_once_with_its_bookshelf_link(client, with_samples):
    html = client.get("/papers/20301577/").content.decode()
    source = source_line(client, 20301577)
    assert source.startswith("In: <cite>GeneReviews<sup>®</sup></cite>. University of Washington, Seattle; 1993.")
    assert " . " not in source and source.count("GeneReviews") == 1
    assert '<a href="https://www.ncbi.nlm.nih.gov/books/NBK1403/">' in html
    coins = dict(parse_qsl(unescape(re.search(r'<span class="Z3988" title="([^"]*)"', html).group(1))))
    assert (coins["rft.genre"], coins["rft.atitle"], coins["rft.btitle"]) == (
        "bookitem",
        "CACNA1C-Related Disorders",
        "GeneReviews®",
    )


def test_a_paper_not_in_english_says_its_language(client, with_samples):
    assert source_line(client, 400223).endswith(". In French")
    assert "In English" not in source_line(client, 32862879)


def test_a_tag_without_related_tags_has_no_related_tags_heading(client, with_samples, people):
    for paper_tag in PaperTag.objects.filter(tag__slug="il-6"):
        curation.confirm_tag(paper_tag, people.superuser)
    html = client.get("/tags/il-6/").content.decode()
    assert 'ol class="results"' in html and "Related tags" not in html


def test_a_result_without_an_abstract_repeats_no_title(client, with_samples):
    response = client.get("/search/", {"q": "correctional facilities"})
    [hit] = [h for h in response.context["results"].hits if h.paper.pmid == 12091962]
    assert hit.snippet == ""
    assert '<p class="snippet">' not in response.content.decode().split("12091962")[0].rsplit("<li>", 1)[-1]


def test_a_nul_byte_in_a_query_is_dropped_not_refused(client, with_samples):
    page = client.get("/search/", {"q": "bortezo\x00mib"})
    assert (
        page.status_code == 200
        and page.context["results"].total == client.get("/search/", {"q": "bortezomib"}).context["results"].total > 0
    )
    api = client.get("/api/papers/", {"q": "bortezo\x00mib"})
    assert api.status_code == 200 and api.json()["total"] > 0
