"""What reference managers and indexers read off the site, checked as they read it: Highwire
tags as Google Scholar's inclusion guidelines ask, COinS as OpenURL 1.0 defines it, BibTeX
through bibtexparser, CSL-JSON rendered by a CSL processor (citeproc-py), DOI links as URLs."""

import json
import re
from html import unescape
from urllib.parse import parse_qsl

import bibtexparser
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.urls import reverse

from papers.catalogue.models import Paper
from tests.support.exports import APOLLO, export

PAGE_LIST = 419356  # MEDLINE pages "333-6, 339-44, 347-8"
OVER_A_HUNDRED = 408988  # "873-40": pages 873 to 940
UNDERSCORE_DOI = 410590  # 10.1007/978-3-642-66653-7_1
ANGLE_DOI = 401675  # 10.1002/1097-0142(197701)39:1<227::aid-cncr2820390136>3.0.co;2-n


def meta(client, pmid) -> dict[str, list[str]]:
    html = client.get(reverse("paper", args=[pmid])).content.decode()
    tags = {}
    for name, content in re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', html):
        tags.setdefault(name, []).append(unescape(content))
    return tags


def coins(client, pmid) -> list[tuple[str, str]]:
    html = client.get(reverse("paper", args=[pmid])).content.decode()
    return parse_qsl(unescape(re.search(r'<span class="Z3988" title="([^"]*)"', html).group(1)))


def test_scholar_reads_one_first_and_last_page_and_a_whole_date(client, export_corpus):
    listed = meta(client, PAGE_LIST)
    assert (listed["citation_firstpage"], listed["citation_lastpage"]) == (["333"], ["348"])
    over = meta(client, OVER_A_HUNDRED)
    assert (over["citation_firstpage"], over["citation_lastpage"]) == (["873"], ["940"])
    for paper in Paper.objects.filter(pmid__isnull=False).order_by("pmid")[:60]:
        [date] = meta(client, paper.pmid)["citation_publication_date"]
        year, month, day = paper.known_date
        assert date == (f"{year}/{month}/{day}" if day else str(year))  # never "2021/6"


def test_exports_expand_a_range_over_a_hundred(export_corpus):
    [ris] = rispy.loads(export("ris", OVER_A_HUNDRED))
    assert (ris["start_page"], ris["end_page"]) == ("873", "940")


def test_coins_names_its_sender_the_whole_date_and_group_authors(client, export_corpus):
    for paper in Paper.objects.filter(pmid__in=[APOLLO, PAGE_LIST, OVER_A_HUNDRED]):
        fields = coins(client, paper.pmid)
        assert ("rfr_id", "info:sid/myeloma-lit") in fields
        assert dict(fields)["rft.date"] == "-".join(f"{p:02d}" for p in paper.known_date if p)
    fields = coins(client, APOLLO)
    group = paper = Paper.objects.get(pmid=APOLLO)
    group = [a.author.collective_name for a in paper.authorships.all() if a.author.collective_name]
    assert group and [("rft.aucorp", name) for name in group] == [f for f in fields if f[0] == "rft.aucorp"]
    assert not any(value in group for key, value in fields if key == "rft.au")
    assert dict(coins(client, PAGE_LIST))["rft.spage"] == "333"


def test_a_bibtex_doi_is_written_verbatim(export_corpus):
    [entry] = bibtexparser.parse_string(export("bib", UNDERSCORE_DOI)).entries
    assert entry["doi"] == "10.1007/978-3-642-66653-7_1"


def test_doi_links_are_percent_encoded(client, export_corpus):
    html = client.get(reverse("paper", args=[ANGLE_DOI])).content.decode()
    assert 'href="https://doi.org/10.1002/1097-0142(197701)39:1%3C227::aid-cncr2820390136%3E3.0.co;2-n"' in html
    api = client.get(f"/api/papers/{ANGLE_DOI}/").json()
    assert api["links"]["doi"].endswith("39:1%3C227::aid-cncr2820390136%3E3.0.co;2-n")


def test_csl_json_renders_without_publication_types_as_a_genre(export_corpus):
    items = json.loads(export("json", *Paper.objects.order_by("pmid").values_list("pmid", flat=True)[:80]))
    assert items and not any("genre" in item for item in items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    assert not any(re.search(r"\[(Journal Article|Review|Case Reports)\]", entry) for entry in rendered)
    # MEDLINE's final full stop left out: a style's punctuation follows the title ("… myeloma.”," otherwise).
    assert not any(re.search(r"\.[”\"']\s*[,.]", entry) for entry in rendered), rendered[:3]
    titled = [item for item in items if item.get("title")]
    assert sum(any(item["title"][:30] in entry for entry in rendered) for item in titled) == len(titled)
