"""The search contract: the same assertions, unchanged, on SQLite (FTS5) and PostgreSQL.

The corpus is the real demo MEDLINE records imported as the importer does it, all approved;
the queries are chosen where PostgreSQL's english stemmer with ts_rank_cd and FTS5's porter
stemmer with bm25 agree on the order.
"""

import re
from collections import Counter

import pytest
from django.db import connection

from papers.catalogue.models import Paper, Tag
from papers.curation import services as curation
from papers.search import FacetValue, Results, SearchFilters, named_counts, search, search_ids
from papers.search.models import SearchDocument
from papers.tagging.models import PaperTag
from tests.support.papers import set_status


def pmids(results) -> list[int]:
    return [hit.paper.pmid for hit in results.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bortezomib", [32895455, 34087126, 32901100]),  # 32901100 has no abstract: after papers
        ("glucose", [34094908, 403189, 34092011]),
        ('"natural killer"', [34094908]),
        ("bortezomib -daratumumab", [32895455, 32901100]),
        ("NF-κB", [34088671]),
        ("selinexor", [34051651]),
    ],
)
def test_search_ranks_the_best_matches_first(corpus, query, expected):
    results = search(query)
    assert pmids(results) == expected
    assert results.total == len(expected)
    assert results.message == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"proteasome inhibitor"', {32901100, 32895455, 34087126}),  # the tag: bortezomib too
        ("daratumumab OR osteoclast", {34090465, 34087126, 34093594}),
    ],
)
def test_tag_names_find_the_same_papers_on_both_databases(corpus, query, expected):
    """Expanded to all their tags' names, these rank differently on the two engines (each weighs
    the many alternatives its own way), but find the same papers."""
    results = search(query)
    assert set(pmids(results)) == expected
    assert results.total == len(expected)


def test_phrases_words_and_stop_words_combine_alike_on_both_databases(corpus):
    """PostgreSQL matches each phrase as its own index condition and drops terms of only stop
    words, as its tsquery && would; the papers found must not change."""
    assert set(pmids(search("in bortezomib"))) == set(pmids(search("bortezomib")))
    assert set(pmids(search('"proteasome inhibitor" OR daratumumab OR osteoclast'))) == {
        32901100,
        32895455,
        34087126,
        *pmids(search("daratumumab OR osteoclast")),
    }
    assert set(pmids(search('daratumumab OR osteoclast -"proteasome inhibitor"'))) == {34090465, 34093594}


def test_hyphenated_words_find_what_the_database_finds_for_the_phrase(corpus):
    """PostgreSQL searches a hyphenated word by its own lexeme ('nf-κb'), not as the phrase of
    it and its parts that phraseto_tsquery writes; FTS5 takes the quoted phrase. Either way every
    term of the taxonomy must find exactly the papers the database's own phrase search finds."""
    taxonomy = {
        t for name, synonyms in Tag.objects.values_list("name", "synonyms") for t in [name, *synonyms] if "-" in t
    }
    # and the hyphenated words of the papers themselves, with the word after them
    written = {
        m.group()
        for text in SearchDocument.objects.values_list("abstract", flat=True)
        for m in re.finditer(r"\w+(?:-\w+)+(?: \w+)?", text)
    }
    terms = sorted(
        taxonomy | set(sorted(written)[:300]) | {"anti-IL-6 receptor", "1e-5", "well-to-do patients", "x--y"}
    )
    reference = (
        "SELECT paper_id FROM papers_searchdocument WHERE vector @@ phraseto_tsquery('english', %s)"
        if connection.vendor == "postgresql"
        else "SELECT rowid FROM papers_search_fts WHERE papers_search_fts MATCH %s"
    )
    found = {}
    with connection.cursor() as cursor:
        for term in terms:
            cursor.execute(reference, [term if connection.vendor == "postgresql" else '"' + term + '"'])
            expected = {pk for (pk,) in cursor.fetchall()}
            results = search(f'"{term}"', expand_synonyms=False, page_size=100)
            assert {hit.paper.pk for hit in results.hits} == expected, term
            found[term] = results.total
    assert sum(1 for n in found.values() if n) > 250


def test_search_keeps_a_gene_symbol_whole_and_expands_it(corpus):
    results = search("IL-6")
    assert pmids(results) == [32879426, 34088671, 33596528]
    assert results.expanded == [("IL-6", Tag.objects.get(slug="il-6").synonyms)]


def test_a_tags_new_names_are_searched_at_once(corpus):
    """The tags' names are compiled once and kept while their rows are unchanged: a curator's new
    synonym or renamed topic is read on the next search, on both databases."""
    search("IL-6")  # compiled and kept
    tag = Tag.objects.get(slug="il-6")
    tag.synonyms = [*tag.synonyms, "interleukin six"]
    tag.save()
    assert search('"interleukin six"').expanded == [("interleukin six", ["IL-6", *tag.synonyms[:-1]])]
    assert pmids(search('"interleukin six"')) == [32879426, 34088671, 33596528]
    tag.topic.name = "Cytokines that feed the clone"
    tag.topic.save()
    named = [(each.kind, each.slug) for each, _ in named_counts(["cytokines that feed the clone"])]
    assert named == [("Topic", tag.topic.slug)]


def test_search_without_expansion_finds_only_the_words_typed(corpus):
    results = search("interleukin-6", expand_synonyms=False)
    assert pmids(results) == [34088671, 33596528]
    assert results.expanded == []
    expanded = search("interleukin-6")
    assert pmids(expanded) == [32879426, 34088671, 33596528]
    assert expanded.expanded[0] == (
        "interleukin-6",
        ["IL-6", *(s for s in Tag.objects.get(slug="il-6").synonyms if s != "interleukin-6")],
    )
    assert pmids(search("bortezomib -daratumumab", expand_synonyms=False)) == [32895455]


def test_search_expands_tnfsf11_to_rankl(corpus, people):
    paper = Paper.objects.get(pmid=34090465)
    assert search("TNFSF11").total == 0
    curation.add_tag(paper, Tag.objects.get(slug="rankl"), people.superuser)
    results = search("TNFSF11")
    assert pmids(results) == [34090465]
    assert results.expanded[0][0] == "TNFSF11"
    assert "RANKL" in results.expanded[0][1] and "TNFSF11" not in results.expanded[0][1]


def test_search_counts_facets_over_all_matches(corpus, people):
    for paper_tag in PaperTag.objects.filter(tag__slug="il-6"):
        curation.confirm_tag(paper_tag, people.superuser)
    facets = search("IL-6", page_size=1).facets
    assert facets.tags == [FacetValue("il-6", "IL-6", 3)]
    assert facets.years == [FacetValue(2021, "2021", 3)]
    nutrition = "Nutrition (Burbank, Los Angeles County, Calif.)"
    assert facets.journals == [
        FacetValue("Leukemia", "Leukemia", 1),
        FacetValue(nutrition, nutrition, 1),
        FacetValue("Science advances", "Science advances", 1),
    ]
    assert facets.publication_types == [FacetValue("Journal Article", "Journal Article", 3)]
    # 33596528 says "cells" only in its other tags' names, which only those tags find.
    assert sorted(pmids(search("cells", filters=SearchFilters(tags=("il-6",))))) == [32879426, 34088671]


def test_publication_type_counts_are_those_of_the_matching_papers(corpus):
    """Every type of every match counted once per paper: papers of the same types are grouped
    first on PostgreSQL, and a paper has several types."""
    results = search("cells OR patients OR bone", page_size=1)
    ids, total = search_ids("cells OR patients OR bone", limit=1000)
    assert results.total == total > 100
    links = Paper.publication_types.through.objects.filter(paper_id__in=ids)
    expected = Counter(links.values_list("publicationtype__name", flat=True))
    assert len(expected) > 3 and max(expected.values()) < total
    assert {f.value: f.count for f in results.facets.publication_types} == expected


def test_search_filters_by_tag_year_journal_and_type(corpus):
    assert pmids(search("bortezomib", filters=SearchFilters(year_from=2021, year_to=2021))) == [
        32895455,
        34087126,
        32901100,
    ]
    assert pmids(search("glucose", filters=SearchFilters(year_to=1990))) == [403189]
    journal = Paper.objects.get(pmid=34094908).journal_title
    assert pmids(search("glucose", filters=SearchFilters(journal=journal))) == [34094908]
    assert search("glucose", filters=SearchFilters(publication_type="No such type")).total == 0


def test_search_never_shows_pending_or_rejected_papers(corpus):
    set_status(Paper.objects.filter(pmid=32895455), Paper.Status.PENDING)
    set_status(Paper.objects.filter(pmid=32901100), Paper.Status.REJECTED, Paper.Reason.OTHER)
    results = search("bortezomib")
    assert pmids(results) == [34087126]
    assert results.total == 1
    assert results.facets.years == [FacetValue(2021, "2021", 1)]
    assert [f.count for f in results.facets.journals] == [1]


def test_browsing_without_words_lists_newest_first_to_the_day(corpus):
    from papers.search import NEWEST_FIRST

    results = search("", filters=SearchFilters(year_from=2020), page_size=100)
    expected = Paper.objects.public().filter(pub_year__gte=2020).order_by(*NEWEST_FIRST).values_list("pmid", flat=True)
    assert results.total > 20 and pmids(results) == list(expected[:100])


def test_search_sorts_newest_first_and_pages(corpus):
    newest = search("bortezomib", sort="newest")
    papers = [hit.paper for hit in newest.hits]
    assert papers == sorted(papers, key=lambda p: (p.pub_year, p.pub_month or 0, p.pub_day or 0, p.pk), reverse=True)
    second = search("bortezomib", page=2, page_size=2)
    assert pmids(second) == [32901100]
    assert second.total == 3
    assert search("bortezomib", page=3, page_size=2).hits == []


def test_search_marks_matches_in_a_safe_snippet(db):
    paper = Paper.objects.create(
        pmid=1,
        status=Paper.Status.APPROVED,
        title="Zoledronate <i>in vitro</i>",
        abstract="&lt;script&gt;alert(1)&lt;/script&gt; Zoledronate slows osteoclasts.",
    )
    from papers.search.indexing import index_papers

    index_papers([paper.pk])
    [hit] = search("zoledronate", expand_synonyms=False).hits
    assert hit.snippet == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Zoledronate</mark> slows osteoclasts."
    [hit] = search("vitro").hits
    assert hit.snippet == "&lt;script&gt;alert(1)&lt;/script&gt; Zoledronate slows osteoclasts."


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "NEAR(",
        "-",
        "OR",
        "*",
        "a:b",
        "^",
        "\x00",
        "x" * 10000,
        "'); DROP TABLE papers_paper; --",
        "<script>alert(1)</script>",
        "",
        "   ",
        "-myeloma",
        '""',
        "AND OR NOT",
    ],
)
def test_search_survives_hostile_queries(corpus, query):
    results = search(query)
    assert isinstance(results, Results)
    assert results.total >= len(results.hits)
    if not results.hits:
        assert results.message
    assert Paper.objects.count() == 222


@pytest.mark.parametrize("page_size", [5, 20])
def test_search_takes_few_queries(corpus, django_assert_max_num_queries, page_size):
    with django_assert_max_num_queries(10):
        results = search("myeloma", page=2, page_size=page_size)
    assert len(results.hits) == page_size


def test_query_parses_like_pubmed():
    from papers.search.query import Term, parse

    parsed = parse('IL-6 "bone marrow" OR osteolysis -mouse NOT "knock out" MIP-1α a:b')
    assert parsed.groups == [[Term("IL-6")], [Term("bone marrow"), Term("osteolysis")], [Term("MIP-1α")], [Term("a b")]]
    assert parsed.excluded == [Term("mouse"), Term("knock out")]
    assert parse("-mouse").message == "Only words to leave out were given: add a word or phrase to search for."
