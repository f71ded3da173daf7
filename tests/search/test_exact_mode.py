"""Exact mode ("only the words typed", synonyms=off) searches what each paper itself says: its
title, abstract, keywords, MeSH headings and chemicals, never the names of its tags. On the demo
a fresh ./start loads, curated tags and all."""

import io
import json
import re

import pytest
from django.core.management import call_command

from benchmarks.queries import COMMON, DEEP, EXPORT_CANDIDATES, SELECTIVE
from papers.catalogue.models import Paper
from papers.search import search_ids
from papers.search.indexing import index_papers, plain
from papers.search.query import parse
from papers.site.forms import SearchForm
from papers.tagging.matcher import TaggableText
from papers.tagging.models import PaperTag
from tests.support.paths import ROOT

RELEVANCE = ROOT / "fixtures" / "search" / "relevance.jsonl"
# Each search once, by its parameters.
SEARCHES = {
    json.dumps(params, sort_keys=True): params
    for params in [
        *({"q": json.loads(line)["query"]} for line in RELEVANCE.read_text().splitlines() if line.strip()),
        *SELECTIVE,
        *COMMON,
        DEEP,
        *({"q": q} for q in EXPORT_CANDIDATES),
    ]
}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def _squashed(text: str) -> str:
    """Casefolded letters and digits only: "IL-6" and "IL 6" alike."""
    return re.sub(r"[\W_]+", "", text.casefold())


def own_text(paper: Paper) -> str:
    text = TaggableText.of_paper(paper)
    return _squashed(plain(" ".join([text.title, text.abstract, *text.keywords, *text.mesh])))


def says(text: str, typed: str) -> bool:
    """Whether the text holds each word typed, by its first four letters (a stem: "studies" for
    "study"), or all of it if shorter."""
    return all(_squashed(word)[:4] in text for word in typed.split())


def exact(params: dict) -> list[int]:
    form = SearchForm({**params, "synonyms": "off"})
    assert form.is_valid(), form.errors
    kwargs = form.search_kwargs()
    assert kwargs["expand_synonyms"] is False
    ids, _ = search_ids(
        params["q"], filters=kwargs["filters"], sort=kwargs["sort"], limit=10_000, expand_synonyms=False
    )
    return ids


def test_every_exact_result_says_the_words_typed(demo):
    """Every search of the relevance set and of the benchmark, in exact mode, over papers with
    the demo's tags confirmed: each result's own text holds a term of each group typed, and
    the results are those found when no paper has a confirmed tag at all."""
    found = {key: exact(params) for key, params in SEARCHES.items()}
    texts = {paper.pk: own_text(paper) for paper in Paper.objects.all()}
    assert sum(map(len, found.values())) > 500  # the searches find papers, which the test reads
    for key, params in SEARCHES.items():
        groups = parse(params["q"]).groups
        for pk in found[key]:
            assert all(any(says(texts[pk], term.text) for term in group) for group in groups), (params, pk)
    PaperTag.objects.update(status=PaperTag.Status.SUGGESTED)
    index_papers(Paper.objects.values_list("pk", flat=True))
    assert {key: set(exact(params)) for key, params in SEARCHES.items()} == {
        key: set(ids) for key, ids in found.items()
    }


@pytest.mark.parametrize("typed", ["zoledronic acid", "bortezomib"])
def test_a_drug_alone_without_the_papers_of_its_tag(demo, typed):
    """The issue's examples: zoledronic acid is a name of the bisphosphonates' tag, bortezomib of
    the proteasome inhibitors'; a paper with that tag confirmed that never names the drug (an
    etidronate, a carfilzomib paper) is found with synonyms, not without."""
    texts = {paper.pk: own_text(paper) for paper in Paper.objects.all()}
    confirmed = PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED).select_related("tag")
    unsaid = {
        link.paper_id
        for link in confirmed
        if typed in (name.casefold() for name in link.tag.terms) and _squashed(typed) not in texts[link.paper_id]
    }
    default, _ = search_ids(typed, limit=1000)
    assert unsaid & set(default)  # the demo has such papers, found through the tag's names
    typed_only = exact({"q": typed})
    assert typed_only and all(_squashed(typed) in texts[pk] for pk in typed_only)
    assert set(typed_only) < set(default)
