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

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper, Tag
from papers.claims.demo import record_files
from papers.claims.models import Claim
from papers.curation import services as curation
from papers.site import exports
from papers.tagging.models import PaperTag
from tests.support.papers import set_status

MAX_URLS = 3000
MAX_PARAMETERS = 2
HIDDEN = {32901100: Paper.Status.PENDING, 33596528: Paper.Status.REJECTED, 34088671: Paper.Status.PENDING}
_LINK = re.compile(r'(?:href|src|action)="([^"#]*)', re.I)
_JSON_URL = re.compile(r'"(?:next|previous|url|html_url|papers_url)": ?"([^"]+)"')


@pytest.fixture
def collection(corpus, people):
    """The demo corpus with IL-6, NF-κB and bortezomib's class confirmed, three papers hidden:
    papers that match the common words, carry those tags and are related to visible ones; every
    claim confirmed (the demo's one is of the hidden 34088671)."""
    for paper_tag in PaperTag.objects.filter(tag__slug__in=["il-6", "nf-kb", "proteasome-inhibitors"]):
        curation.confirm_tag(paper_tag, people.superuser)
    assert Claim.objects.update(status=Claim.Status.CONFIRMED) >= 1
    for pmid, status in HIDDEN.items():
        set_status(Paper.objects.filter(pmid=pmid), status, Paper.Reason.OTHER if status == "rejected" else "")
    return {pmid: to_text(Paper.objects.get(pmid=pmid).title) for pmid in HIDDEN}


def seeds() -> list[str]:
    tags = Tag.objects.values_list("slug", flat=True)
    searches = ["myeloma", "bortezomib", "IL-6", "cells OR bone", "interleukin-6", "NF-κB", "proteasome inhibitor"]
    urls = [
        "/",
        *(f"/search/?q={q}" for q in searches),
        "/api/papers/",
        "/api/topics/",
        "/api/tags/",
        "/api/facets/?q=myeloma",
        "/api/papers/?q=bortezomib",
        "/api/papers/?tag=il-6",
        "/api/schema/",
    ]
    urls += [reverse("tag", args=[slug]) for slug in tags] + [reverse("api:tag-detail", args=[slug]) for slug in tags]
    urls += [
        "/mechanisms/",
        "/mechanisms/coverage/",
        "/api/claims/",
        *(reverse("neighbourhood", args=[slug]) for slug in tags),
    ]
    urls += [reverse("claims_export", args=[key]) for key in ("csv", "sif", "graphml")]
    for pmid in Paper.objects.public().values_list("pmid", flat=True):
        urls += [
            reverse("paper", args=[pmid]),
            reverse("paper_export", args=[pmid, "json"]),
            reverse("api:paper-detail", args=[pmid]),
        ]
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
        links = (
            _JSON_URL.findall(body) if response["Content-Type"].startswith("application/json") else _LINK.findall(body)
        )
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
    assert {"home", "search", "tags", "topics", "papers", "api", "mechanisms"} <= kinds
    for pmid in HIDDEN:
        assert client.get(reverse("paper", args=[pmid])).status_code == 404
        assert client.get(reverse("api:paper-detail", args=[pmid])).status_code == 404


def test_every_public_count_counts_approved_papers_only(client, collection):
    public = Paper.objects.public()
    assert client.get("/").context["total"] == public.count() == 222 - len(HIDDEN)
    assert json.loads(client.get("/api/papers/?q=bortezomib").content)["total"] == 2
    assert client.get("/search/?q=bortezomib").context["results"].total == 2
    tags = Tag.objects.annotate(
        public=Count(
            "paper_tags__paper", filter=Q(paper_tags__status="confirmed", paper_tags__paper__status="approved")
        )
    ).filter(public__gt=0)
    for tag in tags:
        page = client.get(reverse("tag", args=[tag.slug]))
        assert page.context["results"].total == tag.public, tag.slug
        api = json.loads(client.get(reverse("api:tag-detail", args=[tag.slug])).content)
        assert api["paper_count"] == tag.public, tag.slug
    facet = {link.label: link.count for link in client.get("/search/?q=cells").context["facet_links"]["Tags"]}
    assert facet.get("IL-6") == client.get("/search/?q=cells&tag=il-6").context["results"].total == 1


# Claims of visible papers that stay suggested or are rejected: never on a public page.
UNDECIDED = {
    (34090510, "il-1b", "produces", "dkk1"): Claim.Status.SUGGESTED,
    (34052656, "rankl", "increases", "nf-kb"): Claim.Status.REJECTED,
}


@pytest.fixture
def claims_collection(collection):
    """The collection plus the demo's claim records, approved, every tag and every claim confirmed
    but the UNDECIDED claims."""
    import io

    from django.core.management import call_command

    before = set(Paper.objects.values_list("pk", flat=True))
    call_command("import_pubmed", "--from-xml", *map(str, record_files()), stdout=io.StringIO())
    set_status(Paper.objects.exclude(pk__in=before), Paper.Status.APPROVED)
    PaperTag.objects.update(status=PaperTag.Status.CONFIRMED)
    Claim.objects.update(status=Claim.Status.CONFIRMED)
    for (pmid, agent, relation, target), status in UNDECIDED.items():
        assert (
            Claim.objects.filter(paper__pmid=pmid, agent__slug=agent, relation=relation, target__slug=target).update(
                status=status
            )
            == 1
        )


def test_claim_pages_show_confirmed_claims_of_approved_papers_only(client, claims_collection):
    public = Claim.objects.public()
    assert public.count() > 15 and Claim.objects.get(paper__pmid=34088671).status == Claim.Status.CONFIRMED
    slugs = list(Tag.objects.values_list("slug", flat=True))
    shown = set()
    for query in [{}, *({side: slug} for slug in slugs for side in ("agent", "target"))]:
        page = client.get("/mechanisms/", query)
        claims = page.context["claims"]
        assert {c.pk for c in claims} <= set(public.values_list("pk", flat=True)), query
        assert (
            page.context["total"] == len(claims) == public.filter(**{f"{k}__slug": v for k, v in query.items()}).count()
        )
        assert "34088671" not in page.content.decode()
        shown |= {c.pk for c in claims}
    assert shown == set(public.values_list("pk", flat=True))
    for pmid, agent, relation, target in UNDECIDED:
        finder = client.get("/mechanisms/", {"agent": agent, "relation": relation, "target": target})
        same = public.filter(agent__slug=agent, relation=relation, target__slug=target)
        assert finder.context["total"] == same.count() and str(pmid) not in finder.content.decode()
    for slug in slugs:
        found = client.get(reverse("neighbourhood", args=[slug])).context["found"]
        for link in [*found.acting_on_it, *found.it_acts_on]:
            expected = public.filter(agent=link.agent.pk, relation=link.relation, target=link.target.pk)
            assert link.papers == expected.values("paper").distinct().count() > 0, (slug, link)
    cells = [cell for _, row in client.get("/mechanisms/coverage/").context["rows"] for cell in row]
    for cell in cells:
        both = (
            Paper.objects.public()
            .filter(paper_tags__tag=cell.mechanism, paper_tags__status="confirmed")
            .filter(paper_tags__tag=cell.therapy, paper_tags__status="confirmed")
            .distinct()
            .count()
        )
        assert cell.papers == both, (cell.mechanism.slug, cell.therapy.slug)
        assert (
            cell.claims
            == public.filter(
                Q(agent=cell.mechanism, target=cell.therapy) | Q(agent=cell.therapy, target=cell.mechanism)
            ).count()
        )
    assert any(cell.papers for cell in cells) and any(cell.claims for cell in cells)
