"""A crawler over every public URL (pages, search, facets, exports, the API) proving that no
pending or rejected paper, and no count that includes one, ever reaches the public."""

import json
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse

from papers import curation, exports
from papers.markup import to_text
from papers.models import Paper, PaperTag, Tag

from .conftest import set_status

MAX_URLS = 3000
MAX_PARAMETERS = 2
HIDDEN = {32901100: Paper.Status.PENDING, 33596528: Paper.Status.REJECTED, 34088671: Paper.Status.PENDING}
_LINK = re.compile(r'(?:href|src|action)="([^"#]*)', re.I)
_JSON_URL = re.compile(r'"(?:next|previous|url|html_url|papers_url)": ?"([^"]+)"')


@pytest.fixture
def collection(corpus, people):
    """The demo corpus with IL-6, NF-κB and bortezomib's class confirmed, three papers hidden:
    papers that match the common words, carry those tags and are related to visible ones."""
    for paper_tag in PaperTag.objects.filter(tag__slug__in=["il-6", "nf-kb", "proteasome-inhibitors"]):
        curation.confirm_tag(paper_tag, people.superuser)
    for pmid, status in HIDDEN.items():
        set_status(Paper.objects.filter(pmid=pmid), status, Paper.Reason.OTHER if status == "rejected" else "")
    return {pmid: to_text(Paper.objects.get(pmid=pmid).title) for pmid in HIDDEN}


def seeds() -> list[str]:
    tags = Tag.objects.values_list("slug", flat=True)
    searches = ["myeloma", "bortezomib", "IL-6", "cells OR bone", "interleukin-6", "NF-κB", "proteasome inhibitor"]
    urls = ["/", *(f"/search/?q={q}" for q in searches), "/api/papers/", "/api/topics/", "/api/tags/",
            "/api/facets/?q=myeloma", "/api/papers/?q=bortezomib", "/api/papers/?tag=il-6", "/api/schema/"]
    urls += [reverse("tag", args=[slug]) for slug in tags] + [reverse("api:tag-detail", args=[slug]) for slug in tags]
    for pmid in Paper.objects.public().values_list("pmid", flat=True):
        urls += [reverse("paper", args=[pmid]), reverse("paper_export", args=[pmid, "json"]),
                 reverse("api:paper-detail", args=[pmid])]
    for key in exports.FORMATS:
        urls += [reverse("search_export", args=[key]) + "?q=bortezomib", reverse("tag_export", args=["il-6", key])]
    return urls


def crawl(client, start: list[str]):
    """Every same-site URL reachable from `start` (admin and static files aside), breadth first."""
    queue, seen = deque(start), set(start)
    for _ in range(MAX_URLS):
        if not queue:
            return
        url = queue.popleft()
        cache.clear()  # the API's rate limit would refuse a crawler: its limits are tested elsewhere
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        body = response.content.decode()
        yield url, response, body
        links = _JSON_URL.findall(body) if response["Content-Type"].startswith("application/json") else _LINK.findall(body)
        for link in links:
            target = urljoin(url, unescape(link))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or parts.path.startswith(("/admin", "/static")):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            # Facet links combine without end: one filter on each search reaches every count.
            if target not in seen and parts.query.count("&") < MAX_PARAMETERS:
                seen.add(target)
                queue.append(target)


def test_no_hidden_paper_or_count_leaks_anywhere(client, collection):
    pmid_pattern = re.compile(r"(?<!\d)(" + "|".join(map(str, HIDDEN)) + r")(?!\d)")
    visited = 0
    kinds = set()
    for url, response, body in crawl(client, seeds()):
        visited += 1
        kinds.add(urlsplit(url).path.split("/")[1] or "home")
        assert not pmid_pattern.search(body), f"a hidden PMID on {url}"
        for title in collection.values():
            assert title[:60] not in unescape(body), f"a hidden title on {url}"
    assert 900 < visited < MAX_URLS  # everything reachable was visited
    assert {"home", "search", "tags", "topics", "papers", "api"} <= kinds
    for pmid in HIDDEN:
        assert client.get(reverse("paper", args=[pmid])).status_code == 404
        assert client.get(reverse("api:paper-detail", args=[pmid])).status_code == 404


def test_every_public_count_counts_approved_papers_only(client, collection):
    public = Paper.objects.public()
    assert client.get("/").context["total"] == public.count() == 222 - len(HIDDEN)
    assert json.loads(client.get("/api/papers/?q=bortezomib").content)["total"] == 2
    assert client.get("/search/?q=bortezomib").context["results"].total == 2
    tags = Tag.objects.annotate(
        public=Count("paper_tags__paper", filter=Q(paper_tags__status="confirmed", paper_tags__paper__status="approved"))
    ).filter(public__gt=0)
    for tag in tags:
        page = client.get(reverse("tag", args=[tag.slug]))
        assert page.context["results"].total == tag.public, tag.slug
        api = json.loads(client.get(reverse("api:tag-detail", args=[tag.slug])).content)
        assert api["paper_count"] == tag.public, tag.slug
    facet = {link.label: link.count for link in client.get("/search/?q=cells").context["facet_links"]["Tags"]}
    assert facet.get("IL-6") == client.get("/search/?q=cells&tag=il-6").context["results"].total == 1
