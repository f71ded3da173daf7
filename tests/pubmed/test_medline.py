"""The PubMed XML parser on every real recorded response in shared/pubmed-samples."""

import datetime
import gzip
from io import BytesIO

import pytest

from papers.catalogue.markup import sanitize
from papers.pubmed.medline import (
    AbstractSection,
    AuthorRecord,
    Correction,
    EutilsErrorPayload,
    MeshHeading,
    MeshQualifier,
    PublicationTypeRecord,
    PubMedXMLError,
    iter_records,
    open_xml,
    parse_records,
)
from tests.support.paths import SAMPLES


def records(name):
    return parse_records((SAMPLES / name).read_bytes())


def only(name):
    (record,) = records(name)
    return record


def test_myeloma_record_every_field():
    record = only("efetch_pubmed_38856741_myeloma_lytic_lesions.xml")
    assert record.pmid == 38856741
    assert record.title == (
        "Remineralization Rate of Lytic Lesions of the Spine in Multiple Myeloma Patients Undergoing Radiation Therapy."
    )
    assert record.journal_title == "Global spine journal"
    assert record.journal_iso == "Global Spine J"
    assert (record.issn, record.volume, record.issue, record.pages) == ("2192-5682", "15", "3", "1712-1724")
    assert (record.pub_year, record.pub_month, record.pub_day, record.pub_date_text) == (2025, 4, None, "2025 Apr")
    assert record.article_ids == {"doi": "10.1177/21925682241260651", "pmc": "PMC11571351"}
    assert (record.doi, record.pmcid) == ("10.1177/21925682241260651", "PMC11571351")
    assert record.keywords == (
        "Hounsfield Units",
        "bone remodeling",
        "lytic lesions",
        "multiple myeloma",
        "radiotherapy",
        "remineralization",
    )
    assert record.publication_types == (PublicationTypeRecord(ui="D016428", name="Journal Article"),)
    assert record.languages == ("eng",)
    assert (record.pubmed_status, record.publication_status) == ("PubMed-not-MEDLINE", "ppublish")
    assert record.date_revised == datetime.date(2025, 4, 1)
    assert record.authors[0] == AuthorRecord(
        last_name="Zijlstra",
        fore_name="Hester",
        initials="H",
        affiliations=(
            "Department of Orthopedic Surgery, Harvard Medical School, Massachusetts General Hospital, Boston, MA, USA.",  # noqa: E501
            "Department of Orthopedic Surgery, University Medical Center Utrecht, Utrecht, The Netherlands.",
        ),
        orcid="0000-0003-3962-6871",
    )
    assert record.mesh_headings == () and record.corrections == () and not record.is_retracted


def test_run_in_headings_become_labelled_sections_with_markup_and_entities():
    sections = only("efetch_pubmed_38856741_myeloma_lytic_lesions.xml").abstract_sections
    assert [s.label for s in sections] == ["STUDY DESIGN", "OBJECTIVE", "METHODS", "RESULTS", "CONCLUSION"]
    assert sections[0].text == "Retrospective cohort study."
    assert "in Hounsfield Units (Δ% HU) between pre- and post-radiation" in sections[1].text
    assert sections[3].text.endswith(
        "compared to non-targeted vertebrae (β<sub>difference</sub> = .67; <i>P</i> = .118)."
    )


def test_structured_abstract_labels_title_markup_ids_mesh_and_chemicals():
    record = only("efetch_pubmed_27797938_structured_inline_markup.xml")
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the <i>TERT</i> gene region and risk of pancreatic cancer."
    )
    assert [s.label for s in record.abstract_sections] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert "(linkage disequilibrium r<sup>2</sup>&lt;0.25)" in record.abstract_sections[2].text
    assert "p<sub>trend</sub>=0.048" in record.abstract_sections[2].text
    assert record.article_ids == {
        "pii": "gutjnl-2016-312510",
        "doi": "10.1136/gutjnl-2016-312510",
        "pmc": "PMC5442267",
        "mid": "NIHMS857349",
    }
    assert record.mesh_headings[0] == MeshHeading(
        ui="D000230",
        name="Adenocarcinoma",
        major=False,
        qualifiers=(MeshQualifier("Q000453", "epidemiology", True), MeshQualifier("Q000235", "genetics", True)),
    )
    assert record.chemicals == ("TERT protein, human", "Telomerase")
    assert record.keywords == ("PANCREATIC CANCER",)
    assert (record.pub_year, record.pub_month, record.pub_date_text) == (2017, 6, "2017 06")
    assert record.copyright.startswith("Published by the BMJ Publishing Group Limited.")


def test_escaped_less_than_stays_escaped_next_to_real_tags():
    record = only("efetch_pubmed_28775130_escaped_lt_in_abstract.xml")
    methods = record.abstract_sections[1]
    assert methods == AbstractSection(label="METHODS", category="METHODS", text=methods.text)
    assert "(TSH &gt;4.5 mIU/L) compared with normal TSH (0.4-<u>&lt;</u>4.5 mIU/L)" in methods.text
    assert sanitize(methods.text) == methods.text  # already safe: the sanitizer changes nothing


def test_mathml_kept_without_namespace_or_indentation_and_collective_author():
    record = only("efetch_pubmed_29963580_mathml_collective_author.xml")
    assert (
        "(1) inhaled <math><mrow><mmultiscripts><mrow><mi>He</mi></mrow><mprescripts></mprescripts><none></none>"
        "<mrow><mn>3</mn></mrow></mmultiscripts><mo>/</mo><mmultiscripts><mrow><mi>Xe</mi></mrow>"
        "<mprescripts></mprescripts><none></none><mrow><mn>129</mn></mrow></mmultiscripts><mtext></mtext>"
        "<mi>MRI</mi></mrow></math> ventilation"
    ) in record.abstract
    assert sanitize(record.abstract) == record.abstract
    assert [a.last_name or a.collective_name for a in record.authors] == [
        "Guo",
        "Capaldi",
        "Kirby",
        "Sheikh",
        "Svenningsen",
        "McCormack",
        "Fenster",
        "Parraga",
        "Canadian Respiratory Research Network",
    ]
    assert [a.orcid for a in record.authors if a.orcid] == ["0000-0002-4590-7461", "0000-0003-3525-2788"]


def test_empty_title_keeps_vernacular_title_two_languages_and_publisher_status():
    record = only("efetch_pubmed_33279447_empty_title_vernacular.xml")
    assert record.title == ""
    assert record.vernacular_title == "Pere Barceló."
    assert record.languages == ("eng", "spa")
    assert (record.pubmed_status, record.publication_status) == ("Publisher", "aheadofprint")
    assert record.abstract_sections == ()
    assert [(a.last_name, a.fore_name) for a in record.authors] == [("Vicente Moreno", "José")]


def test_book_article_chapter_title_book_title_sections_and_accession():
    record = only("efetch_pubmed_20301577_book_article.xml")
    assert record.record_type == "book"
    assert record.pmid == 20301577
    assert record.title == "<i>CACNA1C</i>-Related Disorders"
    assert record.book_title == "GeneReviews<sup>®</sup>"
    assert record.publisher == "University of Washington, Seattle"
    assert record.article_ids == {"bookaccession": "NBK1403"}
    assert [s.label for s in record.abstract_sections] == [
        "CLINICAL CHARACTERISTICS",
        "DIAGNOSIS/TESTING",
        "MANAGEMENT",
        "GENETIC COUNSELING",
    ]
    assert [(a.last_name, a.fore_name) for a in record.authors] == [("Napolitano", "Carlo"), ("Priori", "Silvia G")]
    assert record.publication_types == (PublicationTypeRecord(ui="D016454", name="Review"),)
    assert record.date_revised == datetime.date(2024, 12, 19)


def test_erratum_link_and_non_ascii_names():
    record = only("efetch_pubmed_38147649_erratum_in_nonascii.xml")
    assert record.corrections == (
        Correction(
            type="ErratumIn",
            source="Proc Natl Acad Sci U S A. 2025 Jan 7;122(1):e2424381121. doi: 10.1073/pnas.2424381121.",
            pmid=39705317,
        ),
    )
    assert "Barrera-Bugueño" in [a.last_name for a in record.authors]
    assert not record.is_retracted


def test_legacy_retracted_record_is_read_and_flagged():
    """Bio.Entrez refuses this 2011 recording (http:// DTD address); this parser reads it."""
    record = only("efetch_pubmed_993_retracted_legacy_http_doctype.xml")
    assert record.pmid == 993
    assert record.corrections == (
        Correction(type="RetractionIn", source="Rowe CE. Biochem J. 1977 Apr 15;164(1):287-8", pmid=195582),
    )
    assert record.is_retracted
    assert [t.name for t in record.publication_types] == ["Journal Article", "Retracted Publication"]


def test_medline_dates_empty_abstract_text_and_collective_author():
    by_pmid = {r.pmid: r for r in records("efetch_pubmed_five_records_medlinedate.xml")}
    assert list(by_pmid) == [35196497, 33278872, 24792780, 30158200, 151222]
    old = by_pmid[151222]
    assert (old.pub_year, old.pub_month, old.pub_day, old.pub_date_text) == (1978, 7, None, "1978 Jul-Sep")
    assert old.doi == ""
    assert [s.label for s in by_pmid[33278872].abstract_sections] == ["ABSTRACT"]  # the empty one is dropped
    assert [a.collective_name for a in by_pmid[30158200].authors if a.collective_name] == [
        "GEFOS/GENOMOS consortium and the 23andMe research team"
    ]
    assert (by_pmid[35196497].pub_year, by_pmid[35196497].pub_month, by_pmid[35196497].pub_day) == (2022, 2, 22)


def test_season_date_review_without_abstract():
    review, old = records("efetch_pubmed_two_records_review_no_abstract.xml")
    assert (review.pmid, review.pub_year, review.pub_month, review.pub_date_text) == (
        12091962,
        1990,
        None,
        "1990 Spring",
    )
    assert review.abstract_sections == () and review.abstract == ""
    assert review.keywords == ("Health Care and Public Health", "Legal Approach")
    assert [t.name for t in review.publication_types] == ["Journal Article", "Review"]
    assert old.mesh_headings[1] == MeshHeading(
        ui="D002844", name="Chromatium", major=False, qualifiers=(MeshQualifier("Q000201", "enzymology", True),)
    )


def test_unavailable_pmid_gives_no_records():
    assert records("efetch_pubmed_unavailable_pmid_empty_set.xml") == []


def test_every_efetch_sample_parses():
    counts = {path.name: len(parse_records(path.read_bytes())) for path in sorted(SAMPLES.glob("efetch_*.xml"))}
    assert counts == {
        "efetch_pubmed_20301577_book_article.xml": 1,
        "efetch_pubmed_27797938_structured_inline_markup.xml": 1,
        "efetch_pubmed_28775130_escaped_lt_in_abstract.xml": 1,
        "efetch_pubmed_29963580_mathml_collective_author.xml": 1,
        "efetch_pubmed_33279447_empty_title_vernacular.xml": 1,
        "efetch_pubmed_34095513_hundred_authors.xml": 1,
        "efetch_pubmed_38147649_erratum_in_nonascii.xml": 1,
        "efetch_pubmed_38856741_myeloma_lytic_lesions.xml": 1,
        "efetch_pubmed_993_retracted_legacy_http_doctype.xml": 1,
        "efetch_pubmed_five_records_medlinedate.xml": 5,
        "efetch_pubmed_two_records_review_no_abstract.xml": 2,
        "efetch_pubmed_unavailable_pmid_empty_set.xml": 0,
    }


def test_reference_list_ids_are_not_taken_for_the_papers_own():
    record = only("efetch_pubmed_38147649_erratum_in_nonascii.xml")
    assert set(record.article_ids) <= {"doi", "pmc", "pii", "mid"}


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"", "malformed, truncated"),
        (b"<html><body>Service unavailable</body></html>", "Expected a PubmedArticleSet, got <html>"),
        (
            b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>",
            "E-utilities answered with an error: Empty id list - nothing todo",
        ),
    ],
)
def test_unusable_payloads_raise_clear_errors(payload, message):
    with pytest.raises(PubMedXMLError, match=message):
        parse_records(payload)


def test_error_payload_is_its_own_kind():
    with pytest.raises(EutilsErrorPayload):
        parse_records(b"<eFetchResult><ERROR>Cannot retrieve history data.</ERROR></eFetchResult>")


def test_truncated_answer_yields_complete_records_then_raises():
    data = (SAMPLES / "efetch_pubmed_five_records_medlinedate.xml").read_bytes()
    cut = data[: data.index(b"<PMID", data.index(b"</PubmedArticle>") + 1) + 20]
    seen = []
    with pytest.raises(PubMedXMLError, match="malformed, truncated"):
        for record in iter_records(BytesIO(cut)):
            seen.append(record.pmid)
    assert seen == [35196497]
    with pytest.raises(PubMedXMLError):
        parse_records(cut)  # the all-or-nothing form gives nothing


def test_entity_expansion_is_refused():
    """A billion-laughs payload (10⁹ characters if expanded) is refused, not expanded."""
    levels = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY e0 "lol">{levels}]><PubmedArticleSet>&e9;</PubmedArticleSet>'  # noqa: E501
    with pytest.raises(PubMedXMLError, match="unsafe"):
        parse_records(bomb.encode())


def test_opens_gzip_files_by_their_suffix(demo_files, tmp_path):
    packed = tmp_path / "baseline.xml.gz"
    packed.write_bytes(gzip.compress(demo_files[0].read_bytes()))
    with open_xml(packed) as compressed, open_xml(demo_files[0]) as plain:
        assert [r.pmid for r in iter_records(compressed)] == [r.pmid for r in iter_records(plain)]


def test_streams_a_real_baseline_file_in_flat_memory(demo_files):
    """The demo records are real MEDLINE baseline records with an http:// DOCTYPE and pretty-printing."""
    total = sum(1 for path in demo_files for _ in iter_records(str(path)))
    assert total == 222  # 190 + 32 myeloma records, see fixtures/DEMO.md
    with gzip.open(BytesIO(gzip.compress(demo_files[0].read_bytes()))) as handle:
        assert sum(1 for _ in iter_records(handle)) == sum(1 for _ in iter_records(str(demo_files[0])))
