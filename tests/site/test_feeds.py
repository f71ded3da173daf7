"""Feeds of every search, topic and tag, read with a real feed parser (feedparser): the page's
filters, approved papers only, newest approval first, bounded; linked from each page."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from papers.catalogue.models import Paper
from papers.curation import services as curation
from papers.search.indexing import refresh_facts
from papers.site.feeds import FEED_SIZE
from papers.tagging.models import PaperTag
from tests.support.papers import set_status

SEARCH = {"q": "bone", "year_from": "2015"}


@pytest.fixture
def approved_in_turn(corpus, people):
    """The demo corpus approved one minute apart, in an order unlike publication order, with the
    tagger's IL-6 and bortezomib suggestions confirmed."""
    for paper_tag in PaperTag.objects.filter(tag__slug__in=["il-6", "proteasome-inhibitors"]):
        curation.confirm_tag(paper_tag, people.superuser)
    start = timezone.now() - timedelta(days=10)
    papers = list(Paper.objects.order_by("title"))
    for minutes, paper in enumerate(papers):
        paper.reviewed_at = start + timedelta(minutes=minutes)
    Paper.objects.bulk_update(papers, ["reviewed_at"])
    refresh_facts([paper.pk for paper in papers])  # the documents carry the approval times
    return people


def read_feed(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception  # well-formed, and a feed
    return response, feed


def entry_pmids(feed) -> list[int]:
    return [int(re.search(r"/papers/(\d+)/$", entry.link).group(1)) for entry in feed.entries]


def newest_approved(pmids) -> list[int]:
    return list(Paper.objects.public().filter(pmid__in=pmids).order_by("-reviewed_at").values_list("pmid", flat=True))


def page_pmids(client, url, params) -> set[int]:
    """Every paper the page lists, over all its pages."""
    response = client.get(url, {**params, "page_size": 100})
    results = response.context["results"]
    found = {hit.paper.pmid for hit in results.hits}
    for page in range(2, -(-results.total // 100) + 1):
        found |= {
            hit.paper.pmid
            for hit in client.get(url, {**params, "page_size": 100, "page": page}).context["results"].hits
        }
    assert len(found) == results.total
    return found


@pytest.mark.parametrize(
    "route, args, params",
    [
        ("search", [], SEARCH),
        ("search", [], {"q": "myeloma"}),
        ("topic", ["bone-marrow-microenvironment"], {}),
        ("tag", ["il-6"], {}),
        ("tag", ["proteasome-inhibitors"], {"year_to": "2022"}),
    ],
)
def test_a_feed_lists_the_pages_papers_approved_last_first(client, approved_in_turn, route, args, params):
    listed = page_pmids(client, reverse(route, args=args), params)
    assert listed
    for fmt in ("atom", "rss"):
        response, feed = read_feed(client, reverse(f"{route}_feed", args=[*args, fmt]), params)
        assert feed.version == {"atom": "atom10", "rss": "rss20"}[fmt]
        assert response["Content-Type"].startswith({"atom": "application/atom+xml", "rss": "application/rss+xml"}[fmt])
        found = entry_pmids(feed)
        assert found == newest_approved(listed)[:FEED_SIZE]
        assert feed.feed.link == "http://testserver" + reverse(route, args=args) + (
            f"?{urlencode(params)}" if params else ""
        )
        first = Paper.objects.get(pmid=found[0])
        assert feed.entries[0].title == re.sub(r"<[^>]+>", "", first.title)
        assert first.journal_iso in feed.entries[0].summary
        assert feed.entries[0].published_parsed[:5] == first.reviewed_at.utctimetuple()[:5]


def test_a_feed_shows_approved_papers_only(client, approved_in_turn):
    url = reverse("tag_feed", args=["il-6", "atom"])
    _, before = read_feed(client, url)
    hidden = entry_pmids(before)[0]
    set_status(Paper.objects.filter(pmid=hidden), Paper.Status.PENDING)
    _, after = read_feed(client, url)
    assert entry_pmids(after) == entry_pmids(before)[1:]


def test_a_paper_approved_now_heads_the_feed(client, approved_in_turn):
    url = reverse("search_feed", args=["atom"])
    paper = Paper.objects.order_by("reviewed_at").first()
    set_status(Paper.objects.filter(pk=paper.pk), Paper.Status.PENDING)
    curation.approve(paper, approved_in_turn.superuser)
    _, feed = read_feed(client, url, {"q": "myeloma"})
    assert entry_pmids(feed)[0] == paper.pmid
    assert len(feed.entries) == FEED_SIZE  # bounded: the query matches more


def test_bad_feed_parameters_are_a_400_and_unknown_formats_a_404(client, approved_in_turn):
    response = client.get(reverse("search_feed", args=["atom"]), {"year_from": "20x"})
    assert response.status_code == 400 and b"From year" in response.content
    assert client.get(reverse("search_feed", args=["json"])).status_code == 404
    assert client.get(reverse("tag_feed", args=["no-such-tag", "atom"])).status_code == 404
    _, feed = read_feed(client, reverse("search_feed", args=["atom"]), {"q": '"'})
    assert feed.entries == []  # an unusable query follows nothing


@pytest.mark.parametrize(
    "route, args", [("search", []), ("topic", ["bone-marrow-microenvironment"]), ("tag", ["il-6"])]
)
def test_each_page_links_its_feed(client, approved_in_turn, route, args):
    params = (
        {"q": "bone", "year_from": "2015", "page": "2", "sort": "newest"}
        if route == "search"
        else {"year_from": "2015"}
    )
    html = client.get(reverse(route, args=args), params).content.decode()
    alternate = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
    follow = re.search(r'<a href="([^"]+)" type="application/atom\+xml" class="follow">Follow', html)
    assert alternate and follow and alternate.group(1) == follow.group(1)
    href = alternate.group(1).replace("&amp;", "&")
    assert "page=" not in href and "sort=" not in href and "year_from=2015" in href
    _, feed = read_feed(client, href)
    assert feed.entries
