"""The API's parameters read alike everywhere: a tag by its slug, its name or any synonym, in any
case, and an unknown one a 400 that says so; page_size on every paged list; an index and a
documentation page that name every endpoint and describe every parameter; the site's mechanism
finder reads a tag as the API does."""

import io
import re

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper
from papers.claims.models import Claim
from tests.support.papers import set_status


@pytest.fixture
def claims(taxonomy):
    """The demo's claim records, approved, with the curated claims confirmed."""
    from papers.claims.demo import confirm_demo_claims, record_files

    call_command("import_pubmed", "--from-xml", *map(str, record_files()), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)
    confirm_demo_claims()
    return Claim.objects.public()


def claim_rows(client, **params) -> list[tuple]:
    body = client.get("/api/claims/", params).json()
    return [(row["pmid"], row["agent"], row["relation"], row["target"]) for row in body["results"]]


@pytest.mark.parametrize("agent", ["RANKL", "rankl", "Rankl", "TRANCE", "receptor activator of NF-κB ligand"])
def test_a_claims_tag_is_named_by_slug_name_or_synonym_in_any_case(client, claims, agent):
    by_slug = claim_rows(client, agent="rankl", page_size=100)
    assert len(by_slug) == claims.filter(agent__slug="rankl").count() > 0
    assert claim_rows(client, agent=agent, page_size=100) == by_slug
    target = claims.filter(agent__slug="rankl").values_list("target__name", flat=True).first()
    rows = claim_rows(client, agent=agent, target=target.upper())
    assert rows and {row[3] for row in rows} == {claims.filter(target__name=target).first().target.slug}


@pytest.mark.parametrize("name", ["agent", "target"])
@pytest.mark.parametrize("value", ["RANKLX", "RANKL%d"])
def test_an_unknown_claims_tag_is_a_400_that_says_so(client, claims, name, value):
    response = client.get("/api/claims/", {name: value})
    assert response.status_code == 400
    named = "A tag is named by its slug, its name or any of its synonyms."
    assert response.json() == {name: [f"No such tag: {value}. {named}"]}


def test_papers_take_a_tag_by_name_or_synonym_and_refuse_an_unknown_one(client, curated):
    by_slug = client.get("/api/papers/", {"tag": "bmsc", "page_size": 100}).json()
    assert by_slug["total"] > 0
    for name in ("Bone marrow stromal cells", "BONE MARROW STROMAL CELLS"):
        assert client.get("/api/papers/", {"tag": name, "page_size": 100}).json() == by_slug
    both = client.get("/api/facets/", {"tag": ["bmsc", "IL-6"]}).json()
    assert both["total"] == client.get("/api/facets/", {"tag": ["bmsc", "il-6"]}).json()["total"] > 0
    response = client.get("/api/papers/", {"tag": ["il-6", "no such tag"]})
    assert response.status_code == 400
    assert response.json() == {
        "tag": ["No such tag: no such tag. A tag is named by its slug, its name or any of its synonyms."]
    }


def test_claims_are_paged_by_page_size_as_papers_are(client, claims):
    total = claims.count()
    first = client.get("/api/claims/", {"page_size": 3}).json()
    assert (first["total"], first["page_size"], len(first["results"])) == (total, 3, 3)
    assert "page_size=3" in first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 3 and second["results"][0] != first["results"][0]
    everything = client.get("/api/claims/", {"page_size": 100}).json()
    assert len(everything["results"]) == total and everything["next"] is None
    assert client.get("/api/claims/").json()["page_size"] == 50
    for endpoint in ("claims", "papers"):
        for bad in ("0", "101", "x"):
            response = client.get(f"/api/{endpoint}/", {"page_size": bad})
            assert response.status_code == 400 and list(response.json()) == ["page_size"], (endpoint, bad)


def test_the_index_names_every_endpoint_of_the_schema(client, db):
    index = client.get("/api/").json()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    listed = {re.sub(r"^http://testserver", "", url) for url in index.values()}
    for path in schema["paths"]:
        if "{" not in path:
            assert path in listed, path
    assert index["claims"] == "http://testserver/api/claims/"


def test_the_schema_describes_every_parameter(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    undescribed = [
        f"{path} {parameter['name']}"
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description", "").strip()
    ]
    assert undescribed == []
    agent = next(p for p in schema["paths"]["/api/claims/"]["get"]["parameters"] if p["name"] == "agent")
    assert "name or synonym" in agent["description"]


def test_the_docs_page_has_one_visible_heading_of_its_title(client, db):
    page = client.get("/api/docs/").content.decode()
    assert page.count("<h1") == 1
    assert re.search(r'<h1 class="visually-hidden">Myeloma literature API</h1>', page)
    assert re.search(r"\.visually-hidden\s*\{[^}]*clip", page)


def test_the_mechanism_finder_reads_a_tag_as_the_api_does(client, claims):
    by_slug = client.get("/mechanisms/", {"agent": "rankl", "target": "osteoclastogenesis"})
    assert by_slug.status_code == 200 and by_slug.context["total"] > 0
    for agent, target in (("RANKL", "Osteoclastogenesis"), ("trance", "OSTEOCLASTOGENESIS")):
        named = client.get("/mechanisms/", {"agent": agent, "target": target})
        assert named.status_code == 200
        assert (named.context["agent"], named.context["target"], named.context["total"]) == (
            by_slug.context["agent"],
            by_slug.context["target"],
            by_slug.context["total"],
        )
        assert 'value="rankl" selected' in named.content.decode()
    assert client.get("/mechanisms/", {"agent": "RANKLX"}).status_code == 400


def test_a_topic_is_named_by_its_slug_or_name_in_any_case(client, curated):
    for endpoint in ("tags", "papers"):
        by_slug = client.get(f"/api/{endpoint}/", {"topic": "osteoclast-activation"}).json()
        by_name = client.get(f"/api/{endpoint}/", {"topic": "OSTEOCLAST ACTIVATION"}).json()
        assert by_name == by_slug and (by_slug if endpoint == "tags" else by_slug["results"])
        for unknown in ("Osteoclast activity", "Osteoclast 100%d"):  # a "%" as any other character
            response = client.get(f"/api/{endpoint}/", {"topic": unknown})
            assert response.status_code == 400
            assert response.json() == {
                "topic": [f"No such topic: {unknown}. A topic is named by its slug or its name."]
            }
