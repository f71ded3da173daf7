"""A search page that leads on: each term's own count and the tags and topics of its words when
several terms find nothing together, a topic or tag that lists more than a quoted phrase finds,
and the filters in force shown by name (the same tests on SQLite and PostgreSQL)."""

import io
import re

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper, Tag, Topic
from papers.claims.demo import record_files
from papers.search import SearchFilters, search_ids
from papers.search.indexing import index_papers
from papers.tagging.models import PaperTag
from tests.support.papers import set_status


@pytest.fixture
def demo(taxonomy, demo_files):
    """The demo as `./start` loads it: the myeloma records and the mechanisms' records, approved,
    their tags confirmed."""
    call_command("import_pubmed", "--from-xml", *map(str, [*demo_files, *record_files()]), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)
    PaperTag.objects.update(status=PaperTag.Status.CONFIRMED)
    index_papers(Paper.objects.values_list("pk", flat=True))


def listed(client, url: str) -> int:
    return client.get(url).context["results"].total


def test_several_terms_that_find_nothing_lead_to_each_alone_and_the_tags_they_name(client, demo):
    response = client.get("/search/", {"q": "myeloma RANKL", "year_from": 1990})
    assert response.context["results"].total == 0
    way_on = response.context["way_on"]
    assert [(link.label, link.url) for link in way_on.alone] == [
        ("myeloma", "?q=myeloma&year_from=1990"),
        ("RANKL", "?q=RANKL&year_from=1990"),
    ]
    for link in way_on.alone:
        assert link.count == listed(client, "/search/" + link.url) > 0
    body = response.content.decode()
    assert re.search(r'<a href="\?q=myeloma&amp;year_from=1990">myeloma alone: \d+</a> · ', body)
    rankl = Tag.objects.get(slug="rankl")
    assert [(link.label, link.url) for link in way_on.named] == [("Tag: RANKL", "/tags/rankl/")]
    assert way_on.named[0].count == listed(client, "/tags/rankl/") > 0
    assert f'<a href="/tags/rankl/">Tag: {rankl.name}</a> ({way_on.named[0].count} papers)' in body
    for alternatives in ("myeloma RANKL OR zzzxqy", "myeloma RANKL -zzzxqy"):
        response = client.get("/search/", {"q": alternatives, "year_from": 1990})
        assert response.context["results"].total == 0 and response.context["way_on"].alone == [], alternatives


def test_a_quoted_phrase_finding_fewer_than_its_topic_offers_the_topic(client, demo):
    topic = Topic.objects.get(name="Osteoclast activation")
    response = client.get("/search/", {"q": '"osteoclast activation"'})
    found = response.context["results"].total
    _, listed_by_topic = search_ids("", filters=SearchFilters(topic=topic.slug), limit=0)
    assert listed_by_topic > found
    [offer] = response.context["way_on"].named
    assert (offer.label, offer.url, offer.count) == (
        "Topic: Osteoclast activation",
        f"/topics/{topic.slug}/",
        listed(client, f"/topics/{topic.slug}/"),
    )
    assert f'<a href="/topics/{topic.slug}/">Topic: Osteoclast activation</a> ({offer.count} papers)' in (
        response.content.decode()
    )


def test_the_way_on_asks_a_few_statements_whatever_the_number_of_terms(client, demo, django_assert_max_num_queries):
    for words, most in (("myeloma RANKL", 12), ("myeloma RANKL zzzxqy bone cells osteoclasts", 16)):
        with django_assert_max_num_queries(most):
            response = client.get("/search/", {"q": words, "year_from": 1990})
        assert response.context["results"].total == 0
    assert [link.label for link in response.context["way_on"].alone] == ["myeloma", "RANKL", "zzzxqy", "bone"]


def test_a_search_that_finds_enough_offers_nothing(client, demo):
    plain = client.get("/search/", {"q": "myeloma bone"})
    assert plain.context["results"].total > 0 and plain.context["way_on"] is None
    assert "Each term alone" not in plain.content.decode()
    phrase = client.get("/search/", {"q": '"bone marrow stromal cells"'})
    assert phrase.context["way_on"].named == [] and "More under the same name" not in phrase.content.decode()


def test_filter_chips_name_the_tag_and_topic(client, demo):
    topic = Topic.objects.get(name="Osteoclast activation")
    bmsc = Tag.objects.get(slug="bmsc")
    assert bmsc.name == "Bone-marrow stromal cells" and "bone marrow stromal cells" in bmsc.synonyms
    response = client.get("/search/", {"q": "cells", "tag": ["BONE MARROW STROMAL CELLS", "il-6"], "topic": topic.name})
    assert [link.label for link in response.context["active_filters"]] == [
        "Tag: Bone-marrow stromal cells",
        "Tag: IL-6",
        "Topic: Osteoclast activation",
    ]
    assert response.context["permalink"] == f"/search/?q=cells&tag=bmsc&tag=il-6&topic={topic.slug}"
    body = response.content.decode()
    assert "Tag: Bone-marrow stromal cells ✕" in body and "Tag: bmsc" not in body
    unknown = client.get("/search/", {"q": "cells", "tag": "no such tag"})
    assert unknown.status_code == 400
    assert "No such tag: no such tag. A tag is named by its slug, its name or any of its synonyms." in (
        unknown.content.decode()
    )
