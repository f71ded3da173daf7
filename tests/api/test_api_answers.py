"""Real answers of the API validated against its published OpenAPI 3.0 schema, read as OpenAPI
3.0 defines it (`nullable` counts only beside a `type`), and the API's index."""

import jsonschema
import pytest

from papers.catalogue.models import Topic


def json_schema(node):
    """An OpenAPI 3.0 schema object as JSON Schema: `nullable` beside a `type` allows null; a
    `nullable` without one allows nothing more (OpenAPI 3.0.3, "nullable")."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    return converted


@pytest.fixture
def validator(client, curated):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = json_schema(schema["components"])

    def validate(answer, component):
        jsonschema.validate(answer, {**components["schemas"][component], "components": components})

    return validate


def test_topic_answers_keep_to_the_schema_top_level_or_not(client, validator):
    top = Topic.objects.filter(parent=None).first()
    sub = Topic.objects.exclude(parent=None).first()
    for topic in (top, sub):
        answer = client.get(f"/api/topics/{topic.slug}/").json()
        assert (answer["parent"] is None) == (topic is top)
        validator(answer, "TopicDetail")


def test_paper_answers_keep_to_the_schema(client, validator):
    for pmid in (34087126, 32895455, 413778):
        validator(client.get(f"/api/papers/{pmid}/").json(), "Paper")


def test_the_api_has_an_index_of_its_endpoints_and_docs(client, db):
    response = client.get("/api/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    index = response.json()
    for name in ("papers", "facets", "topics", "tags", "claims", "imports", "schema", "docs"):
        assert index[name].startswith("http://testserver/api/")
        assert client.get(index[name]).status_code in (200, 401, 403, 405)
