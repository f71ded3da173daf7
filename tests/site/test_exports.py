"""Exports: each format is written, read back with an independent reader library (rispy,
bibtexparser, csv, json) and compared with the real MEDLINE records it came from.

Expected titles and abstracts are read straight from the demo XML with lxml, not from the
database, so an import or export slip cannot hide behind itself.
"""

import csv
import functools
import html
import io
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, NameParts, SeparateCoAuthors, SplitNameParts
from lxml import etree

from papers.catalogue.models import Author, Authorship, Paper, Tag
from papers.curation import services as curation
from papers.site import exports
from papers.tagging.models import PaperTag
from tests.support.exports import APOLLO, export
from tests.support.papers import set_status
from tests.support.paths import DEMO_DIR

MIRNA = 34092168  # Polish names, "Leukemia & lymphoma", full date, author keywords
OPTIMISMM = 32895455  # an author with a suffix (Anderson Jr)
BOOK = 20301577  # a GeneReviews chapter (PubmedBookArticle)


def plain(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def medline(pmid: int):
    """The MedlineCitation of a demo record, parsed by lxml alone."""
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    for path in sorted(DEMO_DIR.glob("*.xml")):
        for citation in etree.parse(str(path), parser).iter("MedlineCitation"):
            if citation.findtext("PMID") == str(pmid):
                return citation
    raise LookupError(pmid)


def xml_title(pmid):
    return plain("".join(medline(pmid).find("Article/ArticleTitle").itertext()))


def xml_abstract(pmid):
    parts = []
    for section in medline(pmid).iterfind("Article/Abstract/AbstractText"):
        text = plain("".join(section.itertext()))
        parts.append(f"{section.get('Label')}: {text}" if section.get("Label") else text)
    return " ".join(parts)


# --- load ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 120])
def test_load_keeps_order_in_four_queries(
    export_corpus, django_assert_max_num_queries, django_assert_num_queries, size
):
    ids = list(Paper.objects.order_by("?").values_list("pk", flat=True)[:size])
    with django_assert_max_num_queries(4):
        papers = exports.load(ids)
    assert [p.pk for p in papers] == ids
    with django_assert_num_queries(0):
        for key in exports.FORMATS:
            exports.write(papers, key)


def test_load_skips_unknown_and_unapproved_papers_and_asks_nothing_for_none(export_corpus, django_assert_num_queries):
    apollo = Paper.objects.get(pmid=APOLLO).pk
    pending = Paper.objects.exclude(pk=apollo).first()
    set_status(Paper.objects.filter(pk=pending.pk), Paper.Status.PENDING)
    assert [p.pmid for p in exports.load([apollo, 10**9, pending.pk])] == [APOLLO]
    with django_assert_num_queries(0):
        assert exports.load([]) == []


def test_formats_are_the_four_the_views_offer():
    assert list(exports.FORMATS) == ["ris", "bib", "csv", "json"]
    assert {f.extension for f in exports.FORMATS.values()} == {"ris", "bib", "csv", "json"}
    assert all("charset=utf-8" in f.content_type for f in exports.FORMATS.values())
    assert exports.EXPORT_LIMIT == 5000


# --- RIS -------------------------------------------------------------------------------------


def test_ris_round_trips_a_structured_abstract_and_a_group_author(export_corpus):
    text = export("ris", APOLLO)
    assert text.startswith("TY  - JOUR\n")  # no record number line before it
    [ris] = rispy.loads(text)
    assert ris["type_of_reference"] == "JOUR"
    assert len(ris["authors"]) == 24
    assert ris["authors"][:3] == ["Dimopoulos, Meletios A", "Terpos, Evangelos", "Boccadoro, Mario"]
    assert ris["authors"][-2:] == ["Sonneveld, Pieter", "APOLLO Trial Investigators"]
    assert ris["title"] == xml_title(APOLLO)
    assert ris["abstract"] == xml_abstract(APOLLO)
    assert ris["abstract"].startswith("BACKGROUND: In a phase 1b study")
    assert " METHODS: In this ongoing" in ris["abstract"]
    assert (ris["secondary_title"], ris["journal_name"], ris["alternate_title1"]) == (
        "The Lancet. Oncology",
        "Lancet Oncol",
        "Lancet Oncol",
    )
    assert (ris["year"], ris["date"], ris["volume"], ris["number"]) == ("2021", "2021/06", "22", "6")
    assert (ris["start_page"], ris["end_page"]) == ("801", "812")
    assert ris["doi"] == "10.1016/S1470-2045(21)00128-5"
    assert ris["accession_number"] == "34087126"
    assert ris["notes"] == ["PMID: 34087126"]
    assert ris["urls"] == ["https://pubmed.ncbi.nlm.nih.gov/34087126/"]
    assert (ris["issn"], ris["language"], ris["type_of_work"]) == ("1474-5488", "English", "Journal Article")


def test_ris_keeps_non_ascii_names_suffixes_and_full_dates(export_corpus):
    mirna, optimismm = rispy.loads(export("ris", MIRNA, OPTIMISMM))
    assert mirna["authors"][0] == "Łuczkowska, Karolina"
    assert mirna["authors"][-1] == "Machaliński, Bogusław"
    assert mirna["secondary_title"] == "Leukemia & lymphoma"
    assert mirna["date"] == "2021/06/07"
    assert mirna["keywords"] == ["Neuropathy", "biomarker", "miRNA", "multiple myeloma"]
    assert "volume" not in mirna
    assert optimismm["authors"][3] == "Anderson, Larry D, Jr"


@pytest.mark.parametrize(
    ("pmid", "first", "last"),
    [
        (418804, "1718", "1723"),  # MEDLINE's "1718-23"
        (32971582, "E27", "E32"),  # "E27-32"
        (32862879, "S76", "S80"),
    ],
)
def test_ris_expands_abbreviated_end_pages(export_corpus, pmid, first, last):
    [ris] = rispy.loads(export("ris", pmid))
    assert (ris["start_page"], ris["end_page"]) == (first, last)


def test_ris_keeps_a_page_list_whole(export_corpus):
    [ris] = rispy.loads(export("ris", 413778))  # "93-8, 103-4"
    assert ris["start_page"] == "93-98, 103-104"
    assert "end_page" not in ris


def test_ris_writes_a_book_chapter(export_corpus):
    [ris] = rispy.loads(export("ris", BOOK))
    assert ris["type_of_reference"] == "CHAP"
    assert ris["title"] == "CACNA1C-Related Disorders"  # <i> dropped
    assert ris["secondary_title"] == "GeneReviews®"
    assert ris["publisher"] == "University of Washington, Seattle"
    assert ris["year"] == "1993"


# --- BibTeX ----------------------------------------------------------------------------------


def bib_entries(text, names=False):
    """Entries read back: LaTeX decoded to text, or (names=True) authors split into parts."""
    middleware = [SeparateCoAuthors(), SplitNameParts()] if names else [LatexDecodingMiddleware()]
    library = bibtexparser.parse_string(text, append_middleware=middleware)
    assert library.failed_blocks == []
    return library.entries


def test_bibtex_round_trips_fields_and_escapes_the_ampersand(export_corpus):
    text = export("bib", MIRNA, APOLLO)
    mirna, apollo = bib_entries(text)
    assert (mirna.entry_type, mirna.key) == ("article", "luczkowska2021micrornas")
    assert apollo.key == "dimopoulos2021daratumumab"
    assert "journal = {Leukemia \\& lymphoma}" in text
    assert mirna["journal"] == "Leukemia & lymphoma"
    assert mirna["title"] == xml_title(MIRNA)
    assert apollo["abstract"] == xml_abstract(APOLLO)
    assert (mirna["year"], mirna["month"], mirna["pages"]) == ("2021", "jun", "1–8")  # 1--8, an en dash
    assert (apollo["volume"], apollo["number"], apollo["shortjournal"]) == ("22", "6", "Lancet Oncol")
    assert (mirna["doi"], mirna["pmid"], mirna["issn"]) == ("10.1080/10428194.2021.1933478", "34092168", "1029-2403")
    assert mirna["url"] == "https://pubmed.ncbi.nlm.nih.gov/34092168/"
    assert mirna["keywords"] == "Neuropathy, biomarker, miRNA, multiple myeloma"
    assert mirna["language"] == "english"


def test_bibtex_keeps_group_and_compound_names_whole(export_corpus):
    apollo, optimismm, german = bib_entries(export("bib", APOLLO, OPTIMISMM, 419793), names=True)
    assert apollo["author"][0] == NameParts(first=["Meletios", "A"], last=["Dimopoulos"])
    assert apollo["author"][-1] == NameParts(last=["{APOLLO Trial Investigators}"])
    assert len(apollo["author"]) == 24
    assert optimismm["author"][3] == NameParts(first=["Larry", "D"], last=["Anderson"], jr=["Jr"])
    assert german["author"][2] == NameParts(first=["K", "H"], last=["{Meyer zum Büschenfelde}"])
    assert german.key == "hopf1979characterization"  # the title opens with "[Characterization"
    assert german["language"] == "german"


def test_bibtex_keys_are_unique_within_a_file(export_corpus):
    entries = bib_entries(export("bib", APOLLO, APOLLO, APOLLO))
    assert [e.key for e in entries] == [
        "dimopoulos2021daratumumab",
        "dimopoulos2021daratumumaba",
        "dimopoulos2021daratumumabb",
    ]


def test_bibtex_writes_a_book_chapter(export_corpus):
    [entry] = bib_entries(export("bib", BOOK))
    assert entry.entry_type == "incollection"
    assert (entry["title"], entry["booktitle"]) == ("CACNA1C-Related Disorders", "GeneReviews®")
    assert entry["publisher"] == "University of Washington, Seattle"
    assert "journal" not in entry.fields_dict


# --- CSV -------------------------------------------------------------------------------------


def csv_rows(text):
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the mark
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_csv_has_a_header_and_one_row_per_paper(export_corpus):
    apollo, mirna = csv_rows(export("csv", APOLLO, MIRNA))
    assert list(apollo) == [
        "pmid",
        "doi",
        "pmcid",
        "title",
        "authors",
        "journal",
        "journal_iso",
        "year",
        "month",
        "volume",
        "issue",
        "pages",
        "issn",
        "language",
        "publication_types",
        "tags",
        "keywords",
        "mesh",
        "abstract",
        "pubmed_url",
        "is_retracted",
    ]
    assert apollo["pmid"] == "34087126"
    assert apollo["title"] == xml_title(APOLLO)  # as MEDLINE has it: only citation styles drop the final stop
    assert apollo["abstract"] == xml_abstract(APOLLO)
    assert apollo["authors"].split("; ")[-2:] == ["Sonneveld, Pieter", "APOLLO Trial Investigators"]
    assert (apollo["year"], apollo["month"], apollo["volume"], apollo["issue"], apollo["pages"]) == (
        "2021",
        "6",
        "22",
        "6",
        "801-812",
    )
    assert apollo["is_retracted"] == "no"
    assert mirna["journal"] == "Leukemia & lymphoma"
    assert mirna["keywords"] == "Neuropathy; biomarker; miRNA; multiple myeloma"


def test_csv_lists_mesh_headings_medline_style(export_corpus):
    paper = Paper.objects.exclude(mesh_headings=[]).order_by("pmid").first()
    [row] = csv_rows(export("csv", paper.pmid))
    headings = medline(paper.pmid).iterfind("MeshHeadingList/MeshHeading")
    expected = []
    for heading in headings:
        parts = [("*" if e.get("MajorTopicYN") == "Y" else "") + e.text for e in heading]
        expected.append("/".join(parts))
    assert row["mesh"] == "; ".join(expected)


def test_csv_defuses_spreadsheet_formulas(db):
    paper = Paper.objects.create(
        pmid=1,
        status=Paper.Status.APPROVED,
        title="=HYPERLINK(&quot;http://evil.example&quot;)",
        keywords=["+1", "@SUM(A1)"],
        journal_title="-2+3",
        volume="12",
    )
    author = Author.objects.create(key="p|evil", last_name="=cmd|' /C calc'!A0", fore_name="Eve")
    Authorship.objects.create(paper=paper, author=author, position=1)
    [row] = csv_rows(exports.write(exports.load([paper.pk]), "csv"))
    assert row["title"] == '\'=HYPERLINK("http://evil.example")'
    assert row["keywords"] == "'+1; @SUM(A1)"
    assert row["journal"] == "'-2+3"
    assert row["authors"] == "'=cmd|' /C calc'!A0, Eve"
    assert row["volume"] == "12"
    [item] = json.loads(exports.write(exports.load([paper.pk]), "json"))
    assert item["title"] == '=HYPERLINK("http://evil.example")'  # only spreadsheets need the guard


# --- CSL-JSON --------------------------------------------------------------------------------


def test_csl_json_round_trips(export_corpus):
    apollo, mirna, optimismm, book = json.loads(export("json", APOLLO, MIRNA, OPTIMISMM, BOOK))
    assert apollo["type"] == "article-journal"
    assert apollo["id"] == "dimopoulos2021daratumumab"
    assert apollo["title"] == xml_title(APOLLO).removesuffix(".")  # a style puts its own punctuation after it
    assert apollo["abstract"] == xml_abstract(APOLLO)
    assert apollo["author"][0] == {"family": "Dimopoulos", "given": "Meletios A"}
    assert apollo["author"][-1] == {"literal": "APOLLO Trial Investigators"}
    assert (apollo["container-title"], apollo["container-title-short"]) == ("The Lancet. Oncology", "Lancet Oncol")
    assert apollo["issued"] == {"date-parts": [[2021, 6]]}
    assert (apollo["volume"], apollo["issue"], apollo["page"]) == ("22", "6", "801-812")
    assert (apollo["DOI"], apollo["PMID"], apollo["ISSN"]) == ("10.1016/S1470-2045(21)00128-5", "34087126", "1474-5488")
    assert apollo["URL"] == "https://pubmed.ncbi.nlm.nih.gov/34087126/"
    assert apollo["language"] == "en"
    assert mirna["issued"] == {"date-parts": [[2021, 6, 7]]}
    assert mirna["author"][0] == {"family": "Łuczkowska", "given": "Karolina"}
    assert mirna["keyword"] == "Neuropathy, biomarker, miRNA, multiple myeloma"
    assert "volume" not in mirna
    assert optimismm["author"][3] == {"family": "Anderson", "given": "Larry D", "suffix": "Jr"}
    assert (book["type"], book["container-title"], book["publisher"]) == (
        "chapter",
        "GeneReviews®",
        "University of Washington, Seattle",
    )
    assert book["issued"] == {"date-parts": [[1993]]}


def test_csl_json_carries_the_pmcid(export_corpus):
    paper = Paper.objects.exclude(pmcid="").order_by("pmid").first()
    pmc = medline(paper.pmid).getparent().find("PubmedData/ArticleIdList/ArticleId[@IdType='pmc']").text
    [item] = json.loads(export("json", paper.pmid))
    [ris] = rispy.loads(export("ris", paper.pmid))
    assert item["PMCID"] == pmc
    assert f"PMCID: {pmc}" in ris["notes"]


# --- tags ------------------------------------------------------------------------------------


def test_only_confirmed_tags_become_keywords(export_corpus, people):
    paper = Paper.objects.get(pmid=APOLLO)
    suggested = {pt.tag.slug: pt for pt in paper.paper_tags.select_related("tag")}
    assert set(suggested) == {"anti-cd38", "imids", "proteasome-inhibitors"}
    curation.confirm_tag(suggested["anti-cd38"], people.superuser)
    curation.reject_tag(suggested["proteasome-inhibitors"], people.superuser)
    curation.add_tag(paper, Tag.objects.get(slug="il-6"), people.superuser)  # imids stays suggested
    confirmed = ["Anti-CD38 antibodies", "IL-6"]
    assert PaperTag.objects.filter(paper=paper, status=PaperTag.Status.SUGGESTED).count() == 1

    [ris] = rispy.loads(export("ris", APOLLO))
    [bib] = bib_entries(export("bib", APOLLO))
    [row] = csv_rows(export("csv", APOLLO))
    [item] = json.loads(export("json", APOLLO))
    assert ris["keywords"] == confirmed
    assert bib["keywords"] == ", ".join(confirmed)
    assert row["tags"] == "; ".join(confirmed)
    assert item["keyword"] == ", ".join(confirmed)


# --- hostile text ----------------------------------------------------------------------------

HOSTILE = (
    'Bone & <script>alert("x")</script> {IL-6} 50% $5 #1 a_b ~ \\ "quoted"\n'
    "ER  - \nTY  - BOOK\r\n@article{x, title={y}} \\}"
)


@pytest.fixture
def hostile(db):
    """A paper whose title (an escaped HTML fragment, as stored), journal, names and keywords
    try to break out of every format."""
    paper = Paper.objects.create(
        pmid=2,
        status=Paper.Status.APPROVED,
        title=html.escape(HOSTILE),
        journal_title="J\nER  - \nTY  - JOUR",
        keywords=["a\nKW  - b", "}{"],
        is_retracted=True,
        pub_year=2020,
    )
    for position, (last, group) in enumerate([("O'Brien {x}", ""), ("", "Smith and Jones Group")], start=1):
        author = Author.objects.create(
            key=f"k{position}", last_name=last, fore_name="A" if last else "", collective_name=group
        )
        Authorship.objects.create(paper=paper, author=author, position=position)
    return exports.load([paper.pk])


def test_hostile_text_stays_inside_its_ris_field(hostile):
    [ris] = rispy.loads(exports.write(hostile, "ris"))
    assert ris["type_of_reference"] == "JOUR"
    assert ris["title"] == plain(HOSTILE)
    assert ris["secondary_title"] == "J ER - TY - JOUR"
    assert ris["keywords"] == ["a KW - b", "}{"]
    assert ris["authors"] == ["O'Brien {x}, A", "Smith and Jones Group"]
    assert "Retracted publication" in ris["notes"]


def test_hostile_text_round_trips_through_bibtex(hostile):
    text = exports.write(hostile, "bib")
    [entry] = bib_entries(text)
    assert entry["title"] == plain(HOSTILE)
    assert entry["journal"] == "J ER - TY - JOUR"
    assert entry["note"] == "Retracted publication"
    [named] = bib_entries(text, names=True)
    assert named["author"] == [
        NameParts(first=["A"], last=["{O'Brien \\{x\\}}"]),
        NameParts(last=["{Smith and Jones Group}"]),
    ]


def test_bibtex_escapes_the_circumflex(db):
    paper = Paper.objects.create(pmid=3, status=Paper.Status.APPROVED, title="x^2 and y~z")
    text = exports.write(exports.load([paper.pk]), "bib")
    assert "{x\\textasciicircum{}2 and y\\textasciitilde{}z}" in text


def test_hostile_text_survives_csv_and_json(hostile):
    [row] = csv_rows(exports.write(hostile, "csv"))
    assert row["title"] == plain(HOSTILE)
    assert row["is_retracted"] == "yes"
    [item] = json.loads(exports.write(hostile, "json"))
    assert item["title"] == plain(HOSTILE)
    assert item["author"] == [{"family": "O'Brien {x}", "given": "A"}, {"literal": "Smith and Jones Group"}]
    assert item["issued"] == {"date-parts": [[2020]]}
