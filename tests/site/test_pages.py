"""The researcher's pages through Django's test client, on SQLite and PostgreSQL alike: search,
topic, tag and paper pages, their exports, hostile input, and the SQL each page costs."""

import io
import re
from html import escape, unescape

import pytest
import rispy
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_script_prefix
from django.urls import reverse

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper, Tag
from papers.curation import services as curation
from papers.site import exports
from papers.tagging.models import PaperTag
from tests.support.papers import set_status
from tests.support.paths import SAMPLES

MAX_QUERIES = 10


def pmids(response) -> list[int]:
    return [hit.paper.pmid for hit in response.context["results"].hits]


@pytest.fixture
def tagged(corpus, people):
    """The demo corpus with the tagger's IL-6, bortezomib and NF-κB suggestions confirmed."""
    for paper_tag in PaperTag.objects.filter(tag__slug__in=["il-6", "proteasome-inhibitors", "nf-kb"]):
        curation.confirm_tag(paper_tag, people.superuser)
    return people


def import_sample(name: str, *, approve=True) -> Paper:
    [path] = SAMPLES.glob(f"efetch_pubmed_{name}*.xml")
    call_command("import_pubmed", "--from-xml", str(path), stdout=io.StringIO())
    pmid = int(name)
    if approve:
        set_status(Paper.objects.filter(pmid=pmid), Paper.Status.APPROVED)
    return Paper.objects.get(pmid=pmid)


# --- search ---------------------------------------------------------------------------------


def test_search_page_ranks_highlights_and_links_each_paper(client, corpus):
    response = client.get("/search/", {"q": "bortezomib"})
    assert response.status_code == 200
    assert pmids(response) == [32895455, 34087126, 32901100]
    html = response.content.decode()
    titles = [unescape(t) for t in re.findall(r'class="result-title" href="/papers/\d+/">(.*?)</a>', html)]
    assert titles == [to_text(Paper.objects.get(pmid=p).title) for p in pmids(response)]
    # Each engine cuts its own window (FTS5 snippet(), PostgreSQL ts_headline()); both mark the
    # words searched, synonyms included (bortezomib is a proteasome inhibitor). The second paper
    # has no abstract: its title, shown above, is not repeated as a snippet.
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert snippets == SNIPPETS[connection.vendor]
    assert "3 papers, showing 1–3." in html


SNIPPETS = {
    "sqlite": [
        "In the phase 3 OPTIMISMM trial, pomalidomide, <mark>bortezomib</mark>, and dexamethasone (PVd) demonstrated "
        "superior efficacy vs <mark>bortezomib</mark> and dexamethasone (Vd) in patients with relapsed or refractory "
        "multiple myeloma previously treated with lenalidomide, including those refractory to…",
        "…status of 0-2, had at least one previous line of therapy, including lenalidomide and a <mark>proteasome "
        "inhibitor</mark>, had a partial response or better to one or more previous lines of antimyeloma therapy, and were…",  # noqa: E501
    ],
    "postgresql": [
        "<mark>bortezomib</mark>, and dexamethasone (PVd) demonstrated superior efficacy vs <mark>bortezomib</mark> and "  # noqa: E501
        "dexamethasone (Vd) in patients with",
        "<mark>proteasome</mark> <mark>inhibitor</mark>, had a partial response or better to one or more previous lines "  # noqa: E501
        "of antimyeloma",
    ],
}


def test_search_page_says_which_synonyms_it_searched_and_can_stop(client, corpus):
    expanded = client.get("/search/", {"q": "interleukin-6"})
    assert pmids(expanded) == [32879426, 34088671, 33596528]
    html = expanded.content.decode()
    assert re.search(
        r'<strong>interleukin-6</strong> also searched: \d+ other names</summary><span class="names">IL-6, IL6,', html
    )
    assert expanded.context["synonyms_off_link"] == "?q=interleukin-6&synonyms=off"
    typed_only = client.get("/search/" + expanded.context["synonyms_off_link"])
    assert pmids(typed_only) == [34088671, 33596528]
    assert "Synonyms are off: only the words typed" in typed_only.content.decode()


def test_search_page_expands_a_gene_symbol_to_the_tag(client, corpus, people):
    nothing = client.get("/search/", {"q": "TNFSF11"}).content.decode()
    assert "No papers match this search." in nothing
    assert re.search(
        r'<strong>TNFSF11</strong> also searched: \d+ other names</summary><span class="names">RANKL', nothing
    )
    curation.add_tag(Paper.objects.get(pmid=34090465), Tag.objects.get(slug="rankl"), people.superuser)
    response = client.get("/search/", {"q": "TNFSF11"})
    assert pmids(response) == [34090465]
    assert "TRANCE" in dict(response.context["results"].expanded)["TNFSF11"]


def test_facet_links_narrow_the_search_and_filters_can_be_removed(client, tagged):
    response = client.get("/search/", {"q": "cells"})
    total = response.context["results"].total
    tag_links = {link.label: link for link in response.context["facet_links"]["Tags"]}
    il6 = tag_links["IL-6"]
    narrowed = client.get("/search/" + il6.url)
    assert narrowed.context["results"].total == il6.count < total
    # 33596528 says "cells" only in its other tags' names, which only those tags find.
    assert sorted(pmids(narrowed)) == [32879426, 34088671]
    [active] = narrowed.context["active_filters"]
    assert active.label == "Tag: IL-6"
    assert client.get("/search/" + active.url).context["results"].total == total

    year = response.context["facet_links"]["Years"][0]
    by_year = client.get("/search/" + year.url)
    assert by_year.context["results"].total == year.count
    assert {hit.paper.pub_year for hit in by_year.context["results"].hits} == {int(year.label)}


def test_every_search_has_one_permalink(client, corpus):
    response = client.get("/search/", {"page": "1", "sort": "newest", "q": "bortezomib", "synonyms": "on"})
    assert response.context["permalink"] == "/search/?q=bortezomib&sort=newest"
    again = client.get(response.context["permalink"])
    assert pmids(again) == pmids(response)


def test_pages_of_results_follow_on(client, corpus):
    first = client.get("/search/", {"q": "bortezomib", "page_size": 2})
    second = client.get("/search/", {"q": "bortezomib", "page_size": 2, "page": 2})
    assert pmids(first) + pmids(second) == [32895455, 34087126, 32901100]
    labels = [(link.label, link.active) for link in second.context["pages"]]
    assert labels == [("Previous", False), ("1", False), ("2", True)]
    assert "showing 3–3" in second.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "NEAR(",
        "NEAR(a b",
        "*",
        "OR",
        "AND NOT",
        "-",
        '""',
        "a\x00b",
        "x" * 10_000,
        "bortezomib) OR (",
        "title:myeloma",
        "^bortezomib",
        "<script>alert(1)</script>",
        "'; DROP TABLE papers_paper; --",
        "IL-6 OR",
        "NOT",
        "ñ̃̃̃",
        "{}[]()",
        "\\",
        "%_%",
        "a" * 600 + " bortezomib",
    ],
)
def test_a_hostile_query_gets_results_or_a_polite_word(client, corpus, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html
    if response.status_code == 400:  # too long: the form says so
        assert re.search(r'role="alert">Search \(q\): Ensure this value has at most 500 characters', html)
    else:
        results = response.context["results"]
        assert results.hits or results.message
    assert Paper.objects.count() == 222


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "myeloma", "year_from": "nineteen"}, "From year (year_from): Enter a whole number."),
        ({"q": "myeloma", "page": "0"}, "Page (page): Ensure this value is greater than or equal to 1."),
        (
            {"q": "myeloma", "page_size": "1000"},
            "Page size (page_size): Ensure this value is less than or equal to 100.",
        ),
        (
            {"q": "myeloma", "tag": "<b>"},
            "Tags (tag): No such tag: &lt;b&gt;. A tag is named by its slug, its name or any of its synonyms.",
        ),
        ({"q": "myeloma", "year_from": "2020", "year_to": "2010"}, "The first year must not be after the last."),
        ({"q": "myeloma", "sort": "random"}, "Sort (sort): Select a valid choice."),
    ],
)
def test_bad_parameters_get_a_400_that_says_which(client, corpus, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("page_size", [1, 50])
def test_result_pages_cost_at_most_ten_queries(client, tagged, django_assert_max_num_queries, page_size):
    paper = Paper.objects.get(pmid=34088671)
    urls = [
        f"/search/?q=cells&page_size={page_size}",
        f"/search/?q=cells&tag=il-6&year_from=2000&page_size={page_size}",
        f"/topics/bone-marrow-microenvironment/?page_size={page_size}",
        f"/topics/bone-marrow-microenvironment/?sort=relevance&page_size={page_size}",
        f"/tags/il-6/?page_size={page_size}",
        f"/tags/il-6/?sort=relevance&page_size={page_size}",
        paper.get_absolute_url(),
        "/",
    ]
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url
    assert len(client.get(urls[0]).context["results"].hits) == page_size


# --- topics and tags ------------------------------------------------------------------------


def test_topic_page_lists_its_confirmed_public_papers_with_a_chart(client, tagged):
    topic = Tag.objects.get(slug="il-6").topic
    root = topic.parent
    set_status(Paper.objects.filter(pmid=33596528), Paper.Status.PENDING)
    expected = set(
        Paper.objects.public()
        .filter(paper_tags__status=PaperTag.Status.CONFIRMED, paper_tags__tag__topic__in=[topic, root])
        .values_list("pmid", flat=True)
    )
    assert 33596528 not in expected and expected
    for slug in (topic.slug, root.slug):
        response = client.get(reverse("topic", args=[slug]))
        assert response.status_code == 200
        found = pmids(response)
        assert set(found) >= expected and len(found) == response.context["results"].total
        years = [p.pub_year for p in (hit.paper for hit in response.context["results"].hits)]
        assert years == sorted(years, reverse=True)  # newest first by default
        svg = response.context["chart"]
        assert svg.startswith('<svg class="chart"') and f"{len(found)} in all" in svg
    root_page = client.get(reverse("topic", args=[root.slug])).content.decode()
    assert escape(topic.name) in root_page  # subtopics listed
    # Each page says what it lists, with the About page's account of tags and scope.
    holds = 'class="meta holds">Listed here: the approved papers in which a curator confirmed a tag of this topic'
    assert f"{holds} or of its subtopics" in root_page
    assert holds in client.get(reverse("topic", args=[topic.slug])).content.decode()
    assert f'href="{reverse("about")}#tags-and-claims"' in root_page


def test_topic_page_ranks_by_relevance_on_request(client, tagged):
    response = client.get(reverse("topic", args=[Tag.objects.get(slug="il-6").topic.slug]), {"sort": "relevance"})
    ranks = [hit.rank for hit in response.context["results"].hits]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > 0
    assert response.context["sort"] == "relevance"


def test_tag_page_shows_synonyms_papers_and_related_tags(client, tagged):
    response = client.get(reverse("tag", args=["il-6"]))
    assert sorted(pmids(response)) == [32879426, 33596528, 34088671]
    html = response.content.decode()
    assert "interleukin-6" in html
    assert "Listed here: the approved papers in which a curator confirmed that they name IL-6" in html
    related = {link.label: link.url for link in response.context["facet_links"].get("Related tags", [])}
    assert "IL-6" not in related
    assert related["NF-κB"] == reverse("tag", args=["nf-kb"])
    assert client.get(reverse("tag", args=["no-such-tag"])).status_code == 404
    assert client.get(reverse("topic", args=["no-such-topic"])).status_code == 404


def test_tag_links_follow_the_deployments_path(client, tagged):
    """Tag URLs are reversed once a tag and kept: a site served under a path (its script prefix)
    gets its own, never another's."""
    at_root = client.get(reverse("tag", args=["il-6"]))
    with override_script_prefix("/lit/"):
        under_path = client.get("/tags/il-6/")
    assert {link.url for link in at_root.context["facet_links"]["Related tags"]} >= {"/tags/nf-kb/"}
    assert {link.url for link in under_path.context["facet_links"]["Related tags"]} >= {"/lit/tags/nf-kb/"}
    chips = [chip.url for hit in under_path.context["results"].hits for chip in hit.paper.tag_chips]
    assert chips and all(url.startswith("/lit/tags/") for url in chips)


# --- the paper page -------------------------------------------------------------------------


def test_paper_page_shows_structured_abstract_links_and_citation_metadata(client, taxonomy):
    paper = import_sample("27797938")
    response = client.get(paper.get_absolute_url())
    html = response.content.decode()
    for section in paper.abstract_sections:
        assert f"<h3>{section['label']}</h3>" in html
    assert "<i>TERT</i>" in html  # inline markup kept, sanitised
    assert f'href="https://doi.org/{paper.doi}"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/27797938/"' in html
    assert f'href="https://pmc.ncbi.nlm.nih.gov/articles/{paper.pmcid}/"' in html
    meta = dict(re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', html))
    assert meta["citation_pmid"] == "27797938"
    assert meta["citation_doi"] == paper.doi
    assert meta["citation_journal_title"] == paper.journal_title
    assert meta["citation_title"] == unescape(meta["citation_title"]) or "&" in to_text(paper.title)
    authors = re.findall(r'<meta name="citation_author" content="([^"]*)"', html)
    first = paper.authorships.order_by("position").select_related("author").first().author
    assert unescape(authors[0]) == f"{first.last_name}, {first.fore_name}"
    assert len(authors) == paper.authorships.count()
    coins = unescape(re.search(r'<span class="Z3988" title="([^"]*)"', html).group(1))
    assert "rft_id=info%3Apmid%2F27797938" in coins and "ctx_ver=Z39.88-2004" in coins


def test_paper_page_warns_of_retraction_and_errata(client, taxonomy):
    retracted = import_sample("993")
    response = client.get(retracted.get_absolute_url())
    assert '<p class="banner" role="alert"><strong>This paper has been retracted.</strong>' in response.content.decode()
    erratum = import_sample("38147649")
    assert "An erratum has been published for this paper" in client.get(erratum.get_absolute_url()).content.decode()


def test_paper_page_shows_confirmed_tags_with_evidence_and_related_papers(client, tagged):
    paper = Paper.objects.get(pmid=34088671)
    response = client.get(paper.get_absolute_url())
    html = response.content.decode()
    il6 = paper.paper_tags.get(tag__slug="il-6")
    assert f"<mark>{il6.matched}</mark>" in html
    suggested = paper.paper_tags.filter(status=PaperTag.Status.SUGGESTED).select_related("tag")
    for paper_tag in suggested:
        assert f'href="/tags/{paper_tag.tag.slug}/"' not in html
    related = [p.pmid for p in response.context["related"]]
    assert set(related) >= {32879426, 33596528} and paper.pmid not in related


def test_pending_and_rejected_papers_have_no_page(client, taxonomy):
    pending = import_sample("27797938", approve=False)
    assert client.get(pending.get_absolute_url()).status_code == 404
    set_status(Paper.objects.filter(pk=pending.pk), Paper.Status.REJECTED, Paper.Reason.OTHER)
    assert client.get(pending.get_absolute_url()).status_code == 404
    assert client.get(reverse("paper_export", args=[pending.pmid, "ris"])).status_code == 404


def test_hostile_record_text_is_shown_inert(client, db):
    paper = Paper.objects.create(
        pmid=42,
        status=Paper.Status.APPROVED,
        title='<script>alert(1)</script><i onclick="x()">Bad</i> title',
        abstract='<img src=x onerror="alert(2)"><a href="javascript:alert(3)">link</a>',
    )
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "onerror" not in html and "javascript:alert" not in html
    assert "onclick" not in html and "<i>Bad</i>" in html


# --- exports --------------------------------------------------------------------------------


def test_search_export_holds_every_page_in_result_order(client, corpus):
    response = client.get(reverse("search_export", args=["ris"]), {"q": "bortezomib", "page": 2, "page_size": 1})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="myeloma-lit-search.ris"'
    entries = rispy.loads(response.content.decode())
    assert [e["accession_number"] for e in entries] == ["32895455", "34087126", "32901100"]


def test_exports_of_topics_tags_and_a_paper_in_every_format(client, tagged):
    for key, export_format in exports.FORMATS.items():
        for url in (
            reverse("tag_export", args=["il-6", key]),
            reverse("topic_export", args=[Tag.objects.get(slug="il-6").topic.slug, key]),
            reverse("paper_export", args=[34088671, key]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith(export_format.content_type)
            assert "34088671" in response.content.decode()
    assert client.get(reverse("paper_export", args=[34088671, "docx"])).status_code == 404


def test_a_topic_export_follows_the_pages_order(client, tagged):
    topic = Tag.objects.get(slug="il-6").topic.slug
    for sort in ("relevance", "newest"):
        page = client.get(reverse("topic", args=[topic]), {"sort": sort})
        entries = rispy.loads(client.get(reverse("topic_export", args=[topic, "ris"]), {"sort": sort}).content.decode())
        assert [int(e["accession_number"]) for e in entries] == pmids(page)


def test_an_export_beyond_the_limit_is_refused_with_the_reason(client, corpus, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    response = client.get(reverse("search_export", args=["csv"]), {"q": "bortezomib"})
    assert response.status_code == 400
    assert "This list has 3 papers; an export holds at most 2." in response.content.decode()
    assert client.get(reverse("search_export", args=["csv"]), {"q": "bortezomib", "year_to": 1900}).status_code == 404


def test_exports_never_hold_a_paper_the_public_cannot_see(client, corpus):
    set_status(Paper.objects.filter(pmid=32901100), Paper.Status.PENDING)
    entries = rispy.loads(client.get(reverse("search_export", args=["ris"]), {"q": "bortezomib"}).content.decode())
    assert [e["accession_number"] for e in entries] == ["32895455", "34087126"]
