"""How search ranks: notices (a notice type, or no abstract) after papers (both databases); on
PostgreSQL, a query of one group (words joined by OR, or a term with its synonyms) by the sum of
each alternative's own ts_rank_cd, computed in half the time of the OR's."""

import io
import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Q

from papers.catalogue.models import Paper, Tag
from papers.search import SearchFilters, search, search_ids, tag_names
from papers.search.indexing import NOTICE_TYPES, index_papers
from papers.tagging.models import PaperTag
from tests.support.papers import set_status

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ts_rank_cd is PostgreSQL's; FTS5 ranks by bm25()"
)


@postgres_only
def test_an_or_of_words_ranks_exactly_as_the_whole_query(corpus):
    """For words, the sum is the OR's rank (each cover is one occurrence), without its float
    noise: papers that match alike tie exactly, and the tie goes to the newest, then the last
    added."""
    results = search("bone OR myeloma OR cells OR patients", page_size=100)
    assert results.total > 150
    ids = [hit.paper.pk for hit in results.hits]
    with connection.cursor() as cursor:
        cursor.execute(
            # Normalization 8, as the search ranks: divided by the document's distinct words.
            "SELECT paper_id, ts_rank_cd(vector, to_tsquery('english', 'bone | myeloma | cells | patients'), 8)"
            " FROM papers_searchdocument WHERE paper_id = ANY(%s)",
            [ids],
        )
        whole = dict(cursor.fetchall())
    assert [hit.rank for hit in results.hits] == pytest.approx([whole[pk] for pk in ids], abs=1e-6)
    ranks = [hit.rank for hit in results.hits]
    assert len(set(ranks)) < len(ranks)  # ties, which the order below must break
    in_order = sorted(
        results.hits,
        key=lambda h: (-round(whole[h.paper.pk], 5), h.paper.pub_year is None, -(h.paper.pub_year or 0), -h.paper.pk),
    )
    assert [hit.paper.pk for hit in in_order] == ids


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


ERRATUM = 34093876  # "Erratum: CCL16 maintains stem cell-like properties…": CCL16 twice in its title
COMMENT = 33449844  # a Comment, "Very Late Antigen-4…", without an abstract
# A Journal Article without an abstract: "RFWD2 induces cellular proliferation and selective
# proteasome inhibitor resistance by mediating P27 ubiquitination in multiple myeloma."
NO_ABSTRACT = 32901100


def test_notices_rank_after_papers_unless_asked_for(demo):
    """Errata, retraction and concern notices, comments and records without an abstract come
    after every paper found (on both databases), in their own order; filtered to a notice type,
    they are the results, in the same order."""
    erratum = Paper.objects.get(pmid=ERRATUM)
    set_status(Paper.objects.filter(pk=erratum.pk), Paper.Status.APPROVED)
    index_papers([erratum.pk])
    notices = set(Paper.objects.filter(Q(pmid__in=[ERRATUM, COMMENT]) | Q(abstract="")).values_list("pk", flat=True))
    for query in ("stem cell", "receptor", "inflammation", "receptor inflammation"):
        ids, _ = search_ids(query, limit=1000)
        found = [pk in notices for pk in ids]
        assert any(found) and not all(found), query
        assert found == sorted(found), query  # every paper, then the notices
        for kind in ("Published Erratum", "Comment"):
            asked, _ = search_ids(query, filters=SearchFilters(publication_type=kind), limit=1000)
            assert set(asked) <= notices
            assert asked == [pk for pk in ids if pk in set(asked)]  # in the order they had among all


@pytest.mark.parametrize("query", ["ubiquitination", "proteasome"])
def test_a_record_without_an_abstract_ranks_after_papers_that_mention_the_word_once(demo, query):
    """A record without an abstract (no notice type) names the word in its title, which weighs
    most; it ranks after every paper with an abstract, even one that says the word once there."""
    record = Paper.objects.get(pmid=NO_ABSTRACT)
    assert record.abstract == "" and not record.publication_types.filter(name__in=NOTICE_TYPES).exists()
    ids, _ = search_ids(query, limit=1000)
    papers = Paper.objects.in_bulk(ids)
    without = [papers[pk].abstract == "" for pk in ids]
    assert record.pk in ids and without == sorted(without), query
    once = [
        pk
        for pk in ids
        if papers[pk].abstract.casefold().count(query) == 1 and query not in papers[pk].title.casefold()
    ]
    assert once and ids.index(record.pk) > max(map(ids.index, once)), query


def _questions(kind: str) -> list[dict]:
    with open(settings.BASE_DIR / "fixtures" / "search" / "relevance.jsonl", encoding="utf-8") as lines:
        return [q for q in map(json.loads, filter(str.strip, lines)) if q["kind"] == kind]


def _plain(text: str) -> str:
    """Casefolded, with a space for each run of spaces and hyphens and k for κ: "nuclear factor-kB"
    names NF-κB's "nuclear factor κB", as the tagger's spelling variants have it."""
    return re.sub(r"[\s-]+", " ", text.casefold().replace("κ", "k"))


def test_for_every_single_name_the_papers_whose_title_names_it_come_first(demo):
    """A name in the title weighs more than in the abstract: over every single-name question of the
    relevance set, in its mode, each paper whose title names the mechanism (the name typed, or any
    name of its tag: "receptor activator of nuclear factor-kB ligand" names RANKL) comes before
    every other. The weights were chosen on the dev split; the held-out questions only check."""
    questions, names = _questions("name"), tag_names()
    assert len(questions) >= 20 and {q["split"] for q in questions} == {"dev", "held-out"}
    for question in questions:
        results = search(question["query"], expand_synonyms=question["synonyms"] == "on", page_size=100)
        slug = names.slug_of.get(question["query"].casefold())
        named = [question["query"], *names.terms.get(slug, ())]
        says = re.compile(
            r"(?<![^\W_])(?:" + "|".join(re.escape(_plain(name)) for name in named) + r")(?:e?s)?(?![^\W_])"
        )
        titled = [bool(says.search(_plain(hit.paper.title))) for hit in results.hits]
        assert titled == sorted(titled, reverse=True), (question["query"], [h.paper.title for h in results.hits])


@pytest.mark.parametrize("query", ["RANKL", "sclerostin", "IL-6"])
def test_a_confirmed_tag_the_query_names_ranks_a_paper_above_a_mere_mention(demo, query):
    """The tag's word (weight D on PostgreSQL, the fourth column on SQLite) adds to the rank: each
    paper found with the tag confirmed ranks lower once the tag is rejected, its text unchanged."""
    found = search(query, page_size=100).hits
    links = PaperTag.objects.filter(
        paper_id__in=[hit.paper.pk for hit in found],
        status=PaperTag.Status.CONFIRMED,
        tag__in=Tag.objects.filter(name__iexact=query),
    )
    tagged = set(links.values_list("paper_id", flat=True))
    assert tagged
    links.update(status=PaperTag.Status.REJECTED)
    index_papers(tagged)
    untagged = {hit.paper.pk: hit.rank for hit in search(query, page_size=100).hits}
    for hit in found:
        if hit.paper.pk in tagged:
            assert untagged.get(hit.paper.pk, float("-inf")) < hit.rank, hit.paper.title
