"""What crawlers and HTTP caches get: robots.txt, a sitemap of every public page and nothing
else, a favicon, compressed answers with validators (ETag, Last-Modified, Cache-Control) and 304s,
and error pages with a <main>."""

import gzip

from django.urls import reverse
from lxml import etree

from papers.catalogue.models import Paper, Tag, Topic
from tests.support.papers import set_status

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines and "Disallow: /admin/" in lines


def test_the_sitemap_lists_every_public_page_and_no_other(client, corpus):
    hidden = list(Paper.objects.order_by("pk").values_list("pmid", flat=True)[:5])
    set_status(Paper.objects.filter(pmid__in=hidden), Paper.Status.PENDING)
    index = etree.fromstring(client.get("/sitemap.xml").content)
    locations = []
    for sitemap in index.findall("s:sitemap/s:loc", NS):
        section = etree.fromstring(client.get(sitemap.text.removeprefix("http://testserver")).content)
        locations += [loc.text.removeprefix("http://testserver") for loc in section.findall("s:url/s:loc", NS)]
    expected = {
        "/",
        *(reverse("topic", args=[s]) for s in Topic.objects.values_list("slug", flat=True)),
        *(reverse("tag", args=[s]) for s in Tag.objects.values_list("slug", flat=True)),
        *(f"/papers/{pmid}/" for pmid in Paper.objects.public().values_list("pmid", flat=True)),
    }
    assert len(locations) == len(set(locations)) and set(locations) == expected
    assert not {f"/papers/{pmid}/" for pmid in hidden} & set(locations)


def test_a_favicon_is_named_and_served(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/papers/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


def test_error_pages_have_a_main_landmark(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and b"<main>" in response.content


def test_pages_go_out_compressed_with_validators(client, corpus, page_cache):
    url = reverse("search") + "?q=bone"
    plain = client.get(url)
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain.content
    assert len(response.content) < len(plain.content) / 3
    assert response["Cache-Control"] == "public, no-cache" and response["Last-Modified"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = client.get(reverse("search") + "?q=myeloma", HTTP_IF_NONE_MATCH=response["ETag"])
    assert other.status_code == 200


def test_api_answers_and_exports_are_compressed_with_an_etag(client, corpus, page_cache):
    for url in ("/api/papers/?q=bone", reverse("search_export", args=["ris"]) + "?q=bone"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip" and response["ETag"], url
        assert client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
