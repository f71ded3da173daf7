"""What's new: the home, topic and tag pages say what was approved in the last 30 days, and the
search page and the API list the papers approved since a day."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from papers.catalogue.models import Paper
from papers.curation import services as curation
from papers.tagging.models import PaperTag
from tests.support.papers import set_approval_time, set_status


@pytest.fixture
def some_recent(corpus, people):
    """The corpus approved long ago, but for 12 papers approved in the last days (by a curator,
    or set up as approved days ago) and one approved 31 days ago; IL-6 suggestions confirmed."""
    for paper_tag in PaperTag.objects.filter(tag__slug="il-6"):
        curation.confirm_tag(paper_tag, people.superuser)
    now = timezone.now()
    set_approval_time(Paper.objects.all(), now - timedelta(days=400))
    il6 = list(Paper.objects.filter(paper_tags__tag__slug="il-6", paper_tags__status="confirmed").order_by("pk")[:2])
    others = list(Paper.objects.exclude(pk__in=[p.pk for p in il6]).order_by("pk")[:11])
    for days, paper in enumerate([*il6, *others[:10]]):
        set_approval_time(Paper.objects.filter(pk=paper.pk), now - timedelta(days=days, hours=1))
    set_approval_time(Paper.objects.filter(pk=others[10].pk), now - timedelta(days=31))
    set_status(Paper.objects.filter(pk=il6[0].pk), Paper.Status.PENDING)
    curation.approve(il6[0], people.superuser)  # approved now, through curation
    return {
        "recent": {p.pmid for p in [*il6, *others[:10]]},
        "il6": {p.pmid for p in il6},
        "old": others[10].pmid,
        "since": timezone.localdate() - timedelta(days=30),
    }


def test_home_lists_what_was_approved_in_the_last_30_days(client, some_recent):
    html = client.get(reverse("home")).content.decode()
    section = html.split("<h2>New in the last 30 days</h2>")[1].split("</ul>")[0]
    assert "12 papers approved in the last 30 days" in section
    shown = [int(pmid) for pmid in re.findall(r'href="/papers/(\d+)/"', section)]
    assert len(shown) == 10 and set(shown) <= some_recent["recent"]
    assert shown[0] == min(some_recent["il6"], key=lambda pmid: Paper.objects.get(pmid=pmid).pk)  # approved last
    all_recent = re.search(r'<a href="([^"]+)">see all 12</a>', section).group(1).replace("&amp;", "&")
    assert all_recent == f"/search/?approved_since={some_recent['since']}"
    response = client.get(all_recent)
    assert {hit.paper.pmid for hit in response.context["results"].hits} == some_recent["recent"]


def test_topic_and_tag_pages_count_their_recent_papers(client, some_recent):
    for url in (reverse("tag", args=["il-6"]), reverse("topic", args=["cytokines-growth-factors"])):
        response = client.get(url)
        assert response.context["recent"]["count"] == 2
        link = (
            re.search(
                r'<p class="whats-new"><a href="([^"]+)">2 papers approved in the last 30 days</a>',
                response.content.decode(),
            )
            .group(1)
            .replace("&amp;", "&")
        )
        recent = client.get(url + link)
        assert {hit.paper.pmid for hit in recent.context["results"].hits} == some_recent["il6"]
        assert "recent" not in recent.context  # already narrowed to them
    set_status(Paper.objects.filter(pmid__in=some_recent["il6"]), Paper.Status.REJECTED, "off_topic")
    html = client.get(reverse("tag", args=["il-6"])).content.decode()
    assert "No paper approved in the last 30 days" in html


def test_the_api_lists_papers_approved_since_a_day(client, some_recent):
    answer = client.get("/api/papers/", {"approved_since": str(some_recent["since"]), "page_size": 100}).json()
    assert {hit["paper"]["pmid"] for hit in answer["results"]} == some_recent["recent"]
    day_before = some_recent["since"] - timedelta(days=1)
    answer = client.get("/api/papers/", {"approved_since": str(day_before), "page_size": 100}).json()
    assert {hit["paper"]["pmid"] for hit in answer["results"]} == some_recent["recent"] | {some_recent["old"]}
    bad = client.get("/api/papers/", {"approved_since": "last week"})
    assert bad.status_code == 400 and "approved_since" in bad.json()
