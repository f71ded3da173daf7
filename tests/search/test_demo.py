"""The demo a fresh ./start loads: every example the site and the README give finds approved
papers, every top-level topic has some, and every tag's name finds its papers."""

import io
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper, Tag
from papers.search import search, search_ids
from papers.site.counts import counted_tree
from papers.tagging.models import PaperTag
from tests.support.paths import ROOT

# The examples each page shows, as typed; the test checks that the page still shows them.
EXAMPLES = {
    "home": ["TNFSF11", '"bone disease"', "bortezomib -review", "interleukin 6"],
    "search": ['"proteasome inhibitor"', "RANKL", "DKK-1", "IL-6"],
    "README.md": ["RANKL", "OPG", "DKK-1", "Wnt", "MIP-1α", "CCL3", "SDF-1α", "CXCL12"],
}
# What a new user types first: names of mechanisms, a multi-word one unquoted.
FIRST_SEARCHES = [
    "RANKL",
    "TNFSF11",
    "DKK-1",
    "proteasome inhibitors",
    "Wnt signalling",
    "osteoclasts",
    "bisphosphonates",
    "denosumab",
    "CXCR4",
    "VCAM-1",
    "VLA-4",
    "IL-6",
    "VEGF",
    "sclerostin",
]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_every_example_shown_finds_approved_papers(demo, client):
    shown = {
        "home": unescape(client.get(reverse("home")).content.decode()),
        "search": unescape(client.get(reverse("search")).content.decode()),
        "README.md": (ROOT / "README.md").read_text(encoding="utf-8"),
    }
    for where, examples in EXAMPLES.items():
        for example in examples:
            assert example in shown[where], (where, example)
    empty = [
        q for q in {q for examples in EXAMPLES.values() for q in examples} | set(FIRST_SEARCHES) if not search(q).total
    ]
    assert empty == []
    public = set(Paper.objects.public().values_list("pk", flat=True))
    assert set(search_ids("RANKL", limit=1000)[0]) <= public


def test_no_top_level_topic_is_empty(demo):
    counts = {topic.name: topic.paper_count for topic in counted_tree()}
    assert len(counts) == 4
    assert [name for name, n in counts.items() if not n] == []


def test_every_tag_name_typed_unquoted_finds_its_confirmed_papers(demo):
    missed, not_the_tag = {}, []
    for tag in Tag.objects.all():
        # The whole name is read as the tag, expanded to all its names.
        if [others for _, others in search(tag.name).expanded] != [tag.synonyms]:
            not_the_tag.append(tag.name)
        confirmed = set(
            Paper.objects.public()
            .filter(paper_tags__tag=tag, paper_tags__status=PaperTag.Status.CONFIRMED)
            .values_list("pk", flat=True)
        )
        found = set(search_ids(tag.name, limit=10_000)[0])
        if confirmed - found:
            missed[tag.name] = len(confirmed - found)
    assert missed == {}
    assert not_the_tag == []
    assert PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED).count() > 500
