"""`import_pubmed` end to end: Bio.Entrez → the local E-utilities server → parser → database."""

import io
import time
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from papers.catalogue.models import Author, Authorship, Paper
from papers.pubmed.client import MISSING_EMAIL
from papers.pubmed.models import ImportRun
from papers.tagging.models import PaperTag
from tests.support.imports import demo_pmids, fails, run
from tests.support.paths import SAMPLES

MYELOMA, TELOMERE, BOOK = 38856741, 27797938, 20301577
UNKNOWN = 99999998


def database_state():
    return (Paper.objects.count(), Author.objects.count(), Authorship.objects.count(), PaperTag.objects.count())


def test_import_by_pmid_creates_pending_papers_and_reports_unknown(eutils, taxonomy):
    out, _ = run(MYELOMA, TELOMERE, BOOK, UNKNOWN)
    assert out.splitlines()[-2:] == [
        f"not found in PubMed: {UNKNOWN}",
        f"import #{ImportRun.objects.get().pk}: created 3, updated 0, unchanged 0, not found 1, failed 0",
    ]
    paper = Paper.objects.get(pmid=MYELOMA)
    assert paper.status == Paper.Status.PENDING
    assert paper.title.startswith("Remineralization Rate of Lytic Lesions")
    assert [s["label"] for s in paper.abstract_sections] == [
        "STUDY DESIGN",
        "OBJECTIVE",
        "METHODS",
        "RESULTS",
        "CONCLUSION",
    ]
    assert (paper.doi, paper.pmcid, paper.journal_iso, paper.pub_year) == (
        "10.1177/21925682241260651",
        "PMC11571351",
        "Global Spine J",
        2025,
    )
    assert list(paper.authorships.values_list("position", "author__last_name", "orcid"))[:2] == [
        (1, "Zijlstra", "0000-0003-3962-6871"),
        (2, "Te Velde", ""),
    ]
    assert list(Paper.objects.get(pmid=BOOK).publication_types.values_list("name", flat=True)) == ["Review"]
    assert Paper.objects.get(pmid=BOOK).record_type == "book"
    job = ImportRun.objects.get()
    assert (job.state, job.created, job.not_found, job.failed, job.processed, job.total) == ("succeeded", 3, 1, 0, 4, 4)
    assert job.requested_pmids == [MYELOMA, TELOMERE, BOOK, UNKNOWN]
    (request,) = eutils.requests_for("efetch")
    assert request.params["id"] == f"{MYELOMA},{TELOMERE},{BOOK},{UNKNOWN}"
    assert (request.params["tool"], request.params["email"]) == ("myeloma-lit", "tests@example.org")


def test_reimport_is_idempotent(eutils, taxonomy):
    run(MYELOMA, TELOMERE, BOOK)
    before = database_state()
    out, _ = run(MYELOMA, TELOMERE, BOOK)
    assert out.splitlines()[-1].endswith("created 0, updated 0, unchanged 3, not found 0, failed 0")
    assert database_state() == before


def test_reimport_keeps_curator_decisions_and_reports_hand_edits(eutils, taxonomy):
    run(MYELOMA)
    paper = Paper.objects.get(pmid=MYELOMA)
    # A curator approves it, retitles it by hand and rejects the suggested tag; PubMed later
    # revises the record (simulated by an older stored journal name and fingerprint).
    Paper.objects.filter(pk=paper.pk).update(
        status=Paper.Status.APPROVED,
        title="Curated title",
        edited_fields=["title"],
        curator_note="keep",
        journal_title="Old journal name",
        pubmed_hash="",
    )
    PaperTag.objects.filter(paper=paper, tag__slug="osteolytic-lesions").update(status=PaperTag.Status.REJECTED)
    out, _ = run(MYELOMA)
    paper.refresh_from_db()
    assert out.splitlines()[-2:] == [
        f"PMID {MYELOMA}: PubMed differs in hand-edited title (kept the curator's)",
        f"import #{ImportRun.objects.latest('pk').pk}: created 0, updated 1, unchanged 0, not found 0, failed 0; "
        "1 hand-edited paper(s) differ from PubMed",
    ]
    assert (paper.title, paper.status, paper.curator_note) == ("Curated title", "approved", "keep")
    assert paper.journal_title == "Global spine journal"  # PubMed's field, not edited: refreshed
    assert paper.pubmed_conflicts == {
        "title": "Remineralization Rate of Lytic Lesions of the Spine in Multiple Myeloma Patients Undergoing Radiation Therapy."  # noqa: E501
    }
    assert list(paper.paper_tags.values_list("tag__slug", "status")) == [("osteolytic-lesions", "rejected")]


def test_import_suggests_tags_with_evidence(eutils, taxonomy):
    run(MYELOMA)
    assert list(
        PaperTag.objects.filter(paper__pmid=MYELOMA).values_list(
            "tag__slug", "status", "source", "evidence_field", "matched", "evidence"
        )
    ) == [
        (
            "osteolytic-lesions",
            "suggested",
            "tagger",
            "title",
            "Lytic Lesions",
            "Remineralization Rate of Lytic Lesions of the Spine in Multiple Myeloma Patients Undergoing Radiation Therapy.",  # noqa: E501
        ),
    ]


@pytest.mark.parametrize(
    "tokens, bad",
    [(["123", "abc"], "'abc'"), (["0"], "'0'"), (["-7"], "'-7'"), (["1234567890123"], "'1234567890123'")],
)
def test_bad_pmids_are_listed_and_nothing_happens(eutils, tokens, bad):
    message, _ = fails(*tokens)
    assert message.startswith("Not PubMed IDs") and bad in message
    assert (ImportRun.objects.count(), Paper.objects.count(), eutils.requests) == (0, 0, [])


def test_file_of_pmids_with_prefixes_urls_and_comments(eutils, tmp_path, taxonomy):
    listing = tmp_path / "pmids.txt"
    listing.write_text(f"# reviews\nPMID: {MYELOMA}\n\nhttps://pubmed.ncbi.nlm.nih.gov/{TELOMERE}/\n{MYELOMA}\n")
    out, _ = run("--file", listing)
    assert out.splitlines()[-1].endswith("created 2, updated 0, unchanged 0, not found 0, failed 0")


def test_dry_run_reports_and_stores_nothing(eutils, taxonomy):
    out, _ = run("--dry-run", MYELOMA, UNKNOWN)
    assert out.splitlines()[-1] == "dry run, nothing stored: created 1, updated 0, unchanged 0, not found 1, failed 0"
    assert (Paper.objects.count(), ImportRun.objects.count(), PaperTag.objects.count()) == (0, 0, 0)


def test_from_xml_reads_files_without_network_and_flags_retractions(eutils, taxonomy):
    out, _ = run(
        "--from-xml",
        SAMPLES / "efetch_pubmed_993_retracted_legacy_http_doctype.xml",
        SAMPLES / "efetch_pubmed_five_records_medlinedate.xml",
    )
    assert out.splitlines()[-1].endswith("created 6, updated 0, unchanged 0, not found 0, failed 0")
    assert eutils.requests == []
    retracted = Paper.objects.get(pmid=993)
    assert retracted.is_retracted
    assert retracted.corrections == [
        {"type": "RetractionIn", "source": "Rowe CE. Biochem J. 1977 Apr 15;164(1):287-8", "pmid": 195582}
    ]
    assert Paper.objects.get(pmid=151222).pub_date_text == "1978 Jul-Sep"


def test_from_xml_reports_a_broken_file_and_keeps_the_good_one(eutils, tmp_path, taxonomy):
    data = (SAMPLES / "efetch_pubmed_five_records_medlinedate.xml").read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(data[: len(data) // 2])
    message, err = fails("--from-xml", broken, SAMPLES / "efetch_pubmed_38856741_myeloma_lytic_lesions.xml")
    assert "1 failure(s)" in message
    assert "broken.xml: The XML is malformed, truncated or unsafe" in err
    assert list(Paper.objects.values_list("pmid", flat=True)) == [MYELOMA]  # the cut batch was not stored


def test_batches_of_200_by_post_and_a_failed_batch_does_not_undo_the_others(eutils, taxonomy):
    pmids = demo_pmids()
    assert len(pmids) > 200
    eutils.fail_next("efetch", status=500, times=3, when_id=pmids[200])
    message, err = fails(*pmids)
    assert f"{len(pmids) - 200} failure(s)" in message
    assert f"{len(pmids) - 200} failed ({min(pmids[200:])}, " in err and "PubMed answered HTTP 500" in err
    assert "gave up after 3 tries. What to do: run the same command again to finish" in err
    assert Paper.objects.count() == 200
    first, *retries = eutils.requests_for("efetch")
    assert first.method == "POST" and len(first.params["id"].split(",")) == 200
    assert len(retries) == 3 and retries[0].method == "GET"
    job = ImportRun.objects.get()
    assert (job.state, job.created, job.failed) == ("partial", 200, len(pmids) - 200)
    # Run it again: it finishes the job without duplicating anything.
    out, _ = run(*pmids)
    assert out.splitlines()[-1].endswith(f"created {len(pmids) - 200}, updated 0, unchanged 200, not found 0, failed 0")
    assert Paper.objects.count() == len(pmids) == len(set(Paper.objects.values_list("pmid", flat=True)))


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 429, "times": 2, "retry_after": 0},
        {"status": 503, "times": 2},
        {"truncate": True},
        {"truncate": True, "content_length": False},
        {"delay": 3.0},  # longer than EUTILS_TIMEOUT
        {"body": "<html><body><h1>Down for maintenance</h1></body></html>"},
    ],
)
def test_transient_faults_are_retried_then_succeed(eutils, taxonomy, fault):
    eutils.fail_next("efetch", **fault)
    out, _ = run(MYELOMA)
    assert out.splitlines()[-1].endswith("created 1, updated 0, unchanged 0, not found 0, failed 0")
    assert len(eutils.requests_for("efetch")) == 1 + fault.get("times", 1)


def test_persistent_timeout_fails_cleanly(eutils, settings):
    settings.EUTILS_TIMEOUT = 0.3
    eutils.fail_next("efetch", delay=1.0, times=3)
    message, err = fails(MYELOMA)
    assert "timed out" in err and "gave up after 3 tries" in err
    assert Paper.objects.count() == 0


def test_error_payload_is_reported_at_once(eutils):
    eutils.fail_next("efetch", body=b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>")
    message, err = fails(MYELOMA)
    assert (
        f"1 failed ({MYELOMA}): E-utilities answered with an error: Empty id list - nothing todo. "
        "What to do: running again fails the same way."
    ) in err
    assert len(eutils.requests_for("efetch")) == 1  # not retried: asking again gives the same answer
    assert Paper.objects.count() == 0


def test_http_400_is_not_retried(eutils):
    eutils.fail_next("efetch", status=400)
    _, err = fails(MYELOMA)
    assert "PubMed refused the request (HTTP 400" in err
    assert len(eutils.requests_for("efetch")) == 1


def test_rate_limit_three_per_second_without_key_ten_with(eutils, settings):
    pmids = [MYELOMA, TELOMERE, BOOK]
    settings.NCBI_API_KEY = ""
    eutils.fail_next("efetch", status=500, times=2)
    settings.EUTILS_BACKOFF = 0.0
    run(*pmids)
    times = [r.time for r in eutils.requests_for("efetch")]
    assert len(times) == 3 and min(b - a for a, b in pairwise(times)) >= 0.33
    assert "api_key" not in eutils.requests[0].params
    eutils.reset()
    settings.NCBI_API_KEY = "testkey0123"
    eutils.fail_next("efetch", status=500, times=2)
    start = time.monotonic()
    run(*pmids)
    times = [r.time for r in eutils.requests_for("efetch")]
    assert min(b - a for a, b in pairwise(times)) >= 0.09
    assert time.monotonic() - start < 1.0


def test_query_import_pages_through_the_history_server(eutils, taxonomy):
    hits, _ = eutils.corpus.search("myeloma osteoclast")
    assert len(hits) >= 2
    out, _ = run("--query", "myeloma osteoclast")
    assert out.splitlines()[-1].endswith(f"created {len(hits)}, updated 0, unchanged 0, not found 0, failed 0")
    search, *pages = eutils.requests
    assert (search.util, search.params["usehistory"]) == ("esearch", "y")
    assert all(p.params["webenv"] and p.params["query_key"] for p in pages)
    assert sorted(Paper.objects.values_list("pmid", flat=True)) == sorted(int(h) for h in hits)


def test_query_limit_takes_the_first_records(eutils, taxonomy):
    out, _ = run("--query", "myeloma", "--max", 5)
    assert "importing the first 5" in out
    assert Paper.objects.count() == 5


def test_query_matching_more_than_esearch_hands_out_is_refused(eutils):
    eutils.register_esearch("cancer", SAMPLES / "esearch_pubmed_usehistory_webenv.xml")
    message, err = fails("--query", "cancer")
    assert "The query matches 42,249 records, but PubMed hands out only the first 10,000" in err
    assert Paper.objects.count() == 0 and eutils.requests_for("efetch") == []


def test_query_without_hits(eutils):
    eutils.register_esearch("abcXYZ", SAMPLES / "esearch_pubmed_phrase_not_found.xml")
    out, _ = run("--query", "abcXYZ")
    assert out.splitlines()[-1].endswith("created 0, updated 0, unchanged 0, not found 0, failed 0")


def test_refresh_picks_up_pubmed_revisions(eutils, taxonomy):
    run(MYELOMA, TELOMERE)
    Paper.objects.filter(pmid=TELOMERE).update(journal_title="Stale", pubmed_hash="")
    out = io.StringIO()
    call_command("refresh_pubmed", "--older-than", "0", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "refreshed 2 paper(s): created 0, updated 1, unchanged 1, not found 0, failed 0"
    )
    assert Paper.objects.get(pmid=TELOMERE).journal_title == "Gut"
    assert ImportRun.objects.latest("pk").source == "refresh"


def test_missing_email_is_refused_before_anything_starts_in_one_sentence(eutils, settings, taxonomy):
    call_command("import_pubmed", str(MYELOMA), stdout=io.StringIO())
    settings.NCBI_EMAIL = ""
    eutils.reset()
    for command in (["import_pubmed", str(MYELOMA)], ["refresh_pubmed", "--all"]):
        with pytest.raises(CommandError) as raised:
            call_command(*command, stdout=io.StringIO(), stderr=io.StringIO())
        assert str(raised.value) == MISSING_EMAIL and "\n" not in MISSING_EMAIL
    assert "Set NCBI_EMAIL" in MISSING_EMAIL
    assert eutils.requests == [] and ImportRun.objects.count() == 1


def test_an_offline_refresh_prints_one_cause_not_one_line_a_paper(corpus, eutils, settings):
    settings.EUTILS_BASE_URL = "http://127.0.0.1:9/entrez/eutils/"  # the discard port: connection refused
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("refresh_pubmed", "--all", stdout=io.StringIO(), stderr=err)
    failures = [line for line in err.getvalue().splitlines() if "attempt" not in line]
    assert len(failures) == 1, failures
    assert (
        failures[0].startswith(f"{Paper.objects.count()} failed (")
        and "and 212 more): PubMed could not be reached" in failures[0]
    )
    assert failures[0].endswith(
        "What to do: run the same command again to finish: what was stored is kept, without duplicates."
    )
    assert str(raised.value) == "222 failure(s); run the same command again to finish."
