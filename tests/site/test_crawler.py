"""A crawler over every public URL (pages, search, facets, exports, the API) proving that no
pending or rejected paper, and no count that includes one, ever reaches the public; and the
crawl as deployed (gunicorn, DEBUG=0, the page cache in Redis), where nothing answers 5xx and a
cached page is the page."""

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
from tests.support.served import REDIS_URL, gunicorn

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
    assert {"home", "about", "search", "tags", "topics", "papers", "api", "mechanisms"} <= kinds
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
    (34090510, "il-1b", "decreases", "dkk1"): Claim.Status.SUGGESTED,
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
    # Every agent and target, then each row's agent, relation and target (where all its sentences show).
    triples = {(a, r, t) for a, r, t in public.values_list("agent__slug", "relation", "target__slug")}
    for query in [
        {},
        *({side: slug} for slug in slugs for side in ("agent", "target")),
        *({"agent": a, "relation": r, "target": t} for a, r, t in triples),
    ]:
        page = client.get("/mechanisms/", query)
        claims = [claim for statement in page.context["statements"] for claim in statement.sentences]
        assert {c.pk for c in claims} <= set(public.values_list("pk", flat=True)), query
        assert (
            page.context["total"]
            == sum(statement.claims for statement in page.context["statements"])
            == public.filter(**{k if k == "relation" else f"{k}__slug": v for k, v in query.items()}).count()
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


def test_paper_pages_list_their_public_claims_only(client, claims_collection):
    public = Claim.objects.public()
    stating = Paper.objects.filter(claims__isnull=False).distinct()
    for paper in stating.filter(Paper.objects.public_condition()):
        page = client.get(paper.get_absolute_url())
        assert {c.pk for c in page.context["paper"].confirmed_claims} == set(
            public.filter(paper=paper).values_list("pk", flat=True)
        ), paper.pmid
    for pmid, agent, relation, target in UNDECIDED:
        names = dict(Tag.objects.filter(slug__in=(agent, target)).values_list("slug", "name"))
        html = client.get(f"/papers/{pmid}/").content.decode()
        assert f"{names[agent]} {relation} {names[target]}</strong>" not in html, pmid
    assert client.get("/papers/34088671/").status_code == 404  # its confirmed claim stays hidden


# --- The crawl as deployed: gunicorn with production settings (DEBUG=0, the page cache on, Redis
# as CACHE_URL, the suite's database engine: PostgreSQL in its suite) over the demo as
# `load_demo` leaves it, every public URL kind asked twice: a miss, then the page cache's hit.

DEPLOYED_MAX_URLS = 260
LISTED = "q=bone&tag=il-6&year_from=2010"
DEPLOYED_SEEDS = [
    "/",
    "/search/?q=myeloma",
    f"/search/?{LISTED}",
    "/search/?q=cells&journal=Blood&sort=newest",
    "/search/?type=Review&approved_since=2020-01-01",
    "/search/?q=x&tag=il-6&tag=nf-kb",
    "/topics/cytokines-growth-factors/",
    "/topics/cytokines-growth-factors/?tag=il-6",
    "/tags/il-6/",
    "/tags/nf-kb/?sort=newest",
    *(
        f"/{base}feed.{fmt}{query}"
        for base, query in (("search/", f"?{LISTED}"), ("topics/therapy/", ""), ("tags/il-6/", ""))
        for fmt in ("atom", "rss")
    ),
    *(
        f"/{base}export.{fmt}{query}"
        for base, query in (
            ("search/", "?q=bortezomib"),
            ("topics/bone-lesions/", "?year_from=2020"),
            ("tags/nf-kb/", ""),
        )
        for fmt in exports.FORMATS
    ),
    "/mechanisms/",
    "/mechanisms/?agent=il-6",
    "/mechanisms/?relation=increases&target=nf-kb",
    "/mechanisms/coverage/",
    "/tags/il-6/mechanisms/",
    "/tags/rankl/mechanisms/",
    *(f"/mechanisms/export.{fmt}" for fmt in ("csv", "sif", "graphml")),
    "/mechanisms/export.csv?agent=il-6",
    "/sitemap.xml",
    "/robots.txt",
    "/favicon.ico",
    "/api/",
    "/api/papers/?q=bortezomib",
    "/api/papers/?tag=il-6&page_size=5",
    "/api/facets/?q=myeloma",
    "/api/topics/",
    "/api/topics/therapy/",
    "/api/tags/",
    "/api/tags/il-6/",
    "/api/claims/?agent=il-6",
    "/api/schema/",
    # Deliberate 4xx: a bad parameter, an unknown tag, too many tags, no such page.
    "/search/?year_from=x",
    "/search/?tag=no-such-tag",
    "/search/feed.atom?tag=" + "&tag=".join(f"t{i}" for i in range(300)),
    "/papers/1/",
    "/tags/no-such-tag/",
    "/mechanisms/export.csv?agent=no-such-tag",
]
_LOC = re.compile(r"<loc>([^<]+)</loc>")
_PAPER_EXPORTS = tuple(exports.FORMATS)


def deployed_urls(server, seeds: list[str]) -> tuple[list[str], set[str]]:
    """The seeds, then what the home page, the sitemaps and the pages they name link to (paper
    pages with each export format), breadth first, up to DEPLOYED_MAX_URLS; and the URLs read
    to find them (in the page cache since)."""
    urls, queue, read = list(dict.fromkeys(seeds)), deque(["/", "/sitemap.xml"]), set()
    while queue and len(urls) < DEPLOYED_MAX_URLS:
        read.add(queue[0])
        status, headers, body = server.get(queue.popleft(), headers={"X-Forwarded-For": "192.0.2.1"})
        if status != 200:
            continue
        found = _LOC.findall(body) or _LINK.findall(body)
        for link in found:
            parts = urlsplit(urljoin("/", unescape(link)))
            if parts.netloc not in ("", f"127.0.0.1:{server.port}") or parts.path.startswith(("/admin", "/static")):
                continue
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            more = [url]
            if re.fullmatch(r"/papers/\d+/", parts.path):
                more += [f"{parts.path}export.{fmt}" for fmt in _PAPER_EXPORTS]
            for new in more:
                if new not in urls and len(urls) < DEPLOYED_MAX_URLS:
                    urls.append(new)
                    if new.endswith(".xml"):
                        queue.append(new)
    return urls, read


def crawl_deployed(server, urls: list[str], read: set[str] = frozenset()) -> dict[str, tuple]:
    """Each URL twice, from an address of its own (no throttle in the way): never a 5xx, 200
    or a deliberate refusal, a cached page first a miss (a hit if `read` before) then a hit with
    the same body. Returns {url: (status, cache header)}; failures are listed together."""
    seen, failures = {}, []
    for n, url in enumerate(urls):
        address = {"X-Forwarded-For": f"198.18.{n // 250}.{n % 250}"}
        first, second = server.get(url, headers=address), server.get(url, headers=address)
        cache = (first[1].get("x-page-cache"), second[1].get("x-page-cache"))
        seen[url] = (first[0], cache)
        if first[0] not in (200, 302, 400, 404) or second[0] != first[0]:
            failures.append(f"{url}: {first[0]} then {second[0]}")
        elif first[0] == 200 and first[2] != second[2]:
            failures.append(f"{url}: the cached body differs")
        elif first[0] == 200 and cache[0] and cache != ("hit" if url in read else "miss", "hit"):
            failures.append(f"{url}: page cache {cache}")
    assert not failures, "\n".join(failures)
    return seen


@pytest.fixture
def deployed(scratch_database, redis_prefix, tmp_path):
    """gunicorn(app) as deployed on a new copy of the demo database: a context manager."""
    url = scratch_database(start="demo")

    def serve(app=None):
        return gunicorn(
            url,
            tmp_path / "gunicorn.log",
            workers=2,
            app=app,
            DEBUG="0",
            PAGE_CACHE_SECONDS="3600",
            CACHE_URL=REDIS_URL,
            CACHE_KEY_PREFIX=redis_prefix,
            TRUSTED_PROXIES="1",
        )

    return serve


def test_the_site_as_deployed_answers_every_public_url_twice_alike(deployed):
    with deployed() as server:
        seen = crawl_deployed(server, *deployed_urls(server, DEPLOYED_SEEDS))
        robots = server.get("/robots.txt")[2]
    kinds = [
        r"/",
        r"/about/",
        r"/search/",
        r"/topics/[-a-z]+/",
        r"/tags/[-a-z0-9]+/",
        r"/papers/\d+/",
        r"/papers/\d+/export\.bib",
        r"/(search|topics/[-a-z]+|tags/[-a-z0-9]+)/feed\.(atom|rss)",
        r"/(search|topics/[-a-z]+|tags/[-a-z0-9]+)/export\.csv",
        r"/mechanisms/",
        r"/mechanisms/coverage/",
        r"/tags/[-a-z0-9]+/mechanisms/",
        r"/mechanisms/export\.(csv|sif|graphml)",
        r"/sitemap\.xml",
        r"/sitemap-papers\.xml",
        r"/robots\.txt",
        r"/api/(papers|facets|topics|tags|claims|schema)/",
    ]
    paths = {urlsplit(url).path for url in seen}
    assert len(seen) > 200 and not [kind for kind in kinds if not any(re.fullmatch(kind, path) for path in paths)]
    cached = [url for url, (status, cache) in seen.items() if status == 200 and cache[0]]
    assert len(cached) > 150 and {seen[url][0] for url in seen} >= {200, 400, 404}
    assert f"Sitemap: http://127.0.0.1:{server.port}/sitemap.xml" in robots


def test_a_fault_only_the_page_cache_shows_fails_the_crawl(deployed):
    """The same crawl on the site with tests/support/planted_fault.py's coverage page, which raises only
    when the page cache is on (the shape of the sitemap's 500 under the page cache)."""
    with deployed(app="tests.support.planted_fault:application") as server:
        with pytest.raises(AssertionError, match="/mechanisms/coverage/: 500 then 500"):
            crawl_deployed(server, ["/", "/mechanisms/coverage/", "/mechanisms/"])
