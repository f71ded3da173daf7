"""The recorded E-utilities server, exercised through Bio.Entrez itself (no Django)."""

import io
import urllib.error
import urllib.request

import pytest
from Bio import Entrez, StreamModeError
from Bio.Entrez.Parser import CorruptedXMLError, NotXMLError

from papers.pubmed.client import EutilsHandler
from tests.support.eutils_server import EutilsServer, RecordedCorpus
from tests.support.paths import SAMPLES

EMPTY_SET = SAMPLES / "efetch_pubmed_unavailable_pmid_empty_set.xml"
LEGACY = SAMPLES / "efetch_pubmed_993_retracted_legacy_http_doctype.xml"
TWO = SAMPLES / "efetch_pubmed_two_records_review_no_abstract.xml"


@pytest.fixture(scope="module")
def corpus():
    return RecordedCorpus(sorted(SAMPLES.glob("efetch_*.xml")))


@pytest.fixture(scope="module")
def server(corpus):
    with EutilsServer(corpus) as srv:
        yield srv


@pytest.fixture
def eutils(server, monkeypatch):
    """The server, reset, with Bio.Entrez redirected to it; call it to change the time-out."""
    server.reset()
    for name, value in [
        ("email", "tests@example.org"),
        ("tool", "myeloma-lit"),
        ("api_key", "dummy-key"),
        ("max_tries", 3),
        ("sleep_between_tries", 0),
    ]:
        monkeypatch.setattr(Entrez, name, value)

    def redirect(timeout=5):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), EutilsHandler(server.base_url, timeout))
        urllib.request.install_opener(opener)

    redirect()
    server.redirect = redirect
    yield server
    urllib.request.install_opener(None)


def fetch(*ids):
    return Entrez.efetch(db="pubmed", id=",".join(ids), retmode="xml").read()


def pmids(xml):
    records = Entrez.read(io.BytesIO(xml))
    return [str(r["MedlineCitation"]["PMID"]) for r in records["PubmedArticle"]] + [
        str(r["BookDocument"]["PMID"]) for r in records["PubmedBookArticle"]
    ]


def test_efetch_is_made_of_recorded_record_bytes(eutils, corpus):
    ids = ["38856741", "27797938", "35196497", "20301577"]
    xml = fetch(*ids)
    assert pmids(xml) == ["38856741", "27797938", "35196497", "20301577"]
    assert (
        xml
        == corpus.header + b"<PubmedArticleSet>\n" + b"".join(corpus.records[i] for i in ids) + b"</PubmedArticleSet>"
    )
    originals = b"".join(p.read_bytes() for p in SAMPLES.glob("efetch_*.xml"))
    assert all(corpus.records[i] in originals for i in ids)
    assert b"pubmed_250101.dtd" in corpus.header


def test_unknown_ids_are_absent_like_ncbi(eutils):
    assert fetch("99999999") == EMPTY_SET.read_bytes()  # composed == NCBI's recorded answer
    assert pmids(fetch("1", "38856741", "2")) == ["38856741"]


def test_a_whole_recorded_file_is_served_verbatim_legacy_doctype_included(eutils):
    assert fetch("12091962", "9997") == TWO.read_bytes()
    assert fetch("993") == LEGACY.read_bytes()
    for xml in (fetch("993"), fetch("38856741", "993")):
        with pytest.raises(ValueError, match="Expected secure URL"):
            Entrez.read(io.BytesIO(xml))


def test_200_ids_or_more_arrive_as_post_with_identity(eutils):
    ids = ["38856741"] + [str(n) for n in range(1000, 1249)]
    assert pmids(fetch(*ids)) == ["38856741"]
    fetch("38856741")
    post, get = eutils.requests_for("efetch")
    assert (post.method, get.method) == ("POST", "GET")
    assert post.params["id"].split(",") == ids
    for req in (post, get):
        assert (req.params["tool"], req.params["email"], req.params["api_key"]) == (
            "myeloma-lit",
            "tests@example.org",
            "dummy-key",
        )


def test_registered_esearch_is_recorded_and_its_history_pages(eutils):
    eutils.register_esearch("cancer", SAMPLES / "esearch_pubmed_usehistory_webenv.xml")
    eutils.register_esearch("abcXYZ", SAMPLES / "esearch_pubmed_phrase_not_found.xml")
    raw = Entrez.esearch(db="pubmed", term="cancer", usehistory="y").read()
    assert raw == (SAMPLES / "esearch_pubmed_usehistory_webenv.xml").read_bytes()
    found = Entrez.read(io.BytesIO(raw))
    assert found["Count"] == "42249"
    page = Entrez.efetch(
        db="pubmed", webenv=found["WebEnv"], query_key=found["QueryKey"], retstart=0, retmax=10, retmode="xml"
    ).read()
    assert pmids(page) == []  # those 2025 PMIDs were never recorded as records
    assert eutils.requests[-1].params["webenv"] == found["WebEnv"]
    missing = Entrez.read(Entrez.esearch(db="pubmed", term="abcXYZ"))
    assert missing["Count"] == "0" and missing["ErrorList"]["PhraseNotFound"] == ["abcXYZ"]


def test_generated_esearch_and_history_paging(eutils, corpus):
    expected, _ = corpus.search("humans")
    assert len(expected) == 8
    found = Entrez.read(Entrez.esearch(db="pubmed", term="Humans[MeSH]", usehistory="y", retmax=3))
    assert (found["Count"], found["RetMax"], found["IdList"]) == ("8", "3", expected[:3])
    got = []
    for start in (0, 3, 6):
        got += pmids(
            Entrez.efetch(
                db="pubmed",
                webenv=found["WebEnv"],
                query_key=found["QueryKey"],
                retstart=start,
                retmax=3,
                retmode="xml",
            ).read()
        )
    assert got == expected
    second = Entrez.read(
        Entrez.esearch(db="pubmed", term="myeloma", usehistory="y", webenv=found["WebEnv"], retstart=1)
    )
    assert (second["Count"], second["IdList"], second["QueryKey"]) == ("1", [], "2")
    none = Entrez.read(Entrez.esearch(db="pubmed", term="zzzqqq"))
    assert none["Count"] == "0" and none["WarningList"]["OutputMessage"] == ["No items found."]
    # Bio.Entrez's 10/s with a key, spaced where it sends; one request held up on its way here
    # (a busy machine) shortens one gap and lengthens the next, so the whole span is what holds.
    times = [r.time for r in eutils.requests]
    assert times[-1] - times[0] >= 0.1 * (len(times) - 1) - 0.05


def test_429_twice_then_success_and_retry_after(eutils):
    eutils.fail_next("efetch", status=429, times=2, retry_after=2)
    assert pmids(fetch("38856741")) == ["38856741"]
    assert len(eutils.requests_for("efetch")) == 3
    eutils.fail_next("efetch", status=429, times=3, retry_after=2)
    with pytest.raises(urllib.error.HTTPError) as err:
        fetch("38856741")
    assert err.value.code == 429 and err.value.headers["Retry-After"] == "2"


def test_500_exhausts_retries(eutils):
    eutils.fail_next("efetch", status=500, times=3)
    with pytest.raises(urllib.error.HTTPError) as err:
        fetch("38856741")
    assert err.value.code == 500 and len(eutils.requests) == 3 and eutils.pending_faults == 0


def test_delay_meets_client_timeout_and_is_not_retried(eutils):
    eutils.redirect(timeout=0.3)
    eutils.fail_next("efetch", delay=3)
    with pytest.raises(TimeoutError):
        fetch("38856741")
    assert len(eutils.requests) == 1


@pytest.mark.parametrize("content_length", [True, False])
def test_truncated_body(eutils, content_length):
    eutils.fail_next("efetch", truncate=True, content_length=content_length)
    handle = Entrez.efetch(db="pubmed", id="38856741", retmode="xml")
    assert (handle.headers["Content-Length"] is not None) == content_length
    with pytest.raises(CorruptedXMLError):
        Entrez.read(handle)


@pytest.mark.parametrize(
    "body, content_type, error",
    [
        (LEGACY, "text/xml; charset=UTF-8", ValueError),
        ("<html><body><h1>Service unavailable: maintenance</h1></body></html>", "text/html", NotXMLError),
        (EMPTY_SET, "text/plain", StreamModeError),
    ],
)
def test_payload_faults(eutils, body, content_type, error):
    eutils.fail_next("efetch", body=body, content_type=content_type)
    with pytest.raises(error):
        Entrez.read(Entrez.efetch(db="pubmed", id="38856741", retmode="xml"))


def test_fault_only_for_the_batch_holding_a_pmid(eutils):
    eutils.fail_next("efetch", status=500, times=3, when_id="27797938")
    assert pmids(fetch("38856741")) == ["38856741"]
    with pytest.raises(urllib.error.HTTPError):
        fetch("28775130", "27797938")
    assert pmids(fetch("29963580")) == ["29963580"]
    assert [r.params["id"] for r in eutils.requests] == (["38856741"] + ["28775130,27797938"] * 3 + ["29963580"])


def test_registered_einfo_and_stop(corpus):
    srv = EutilsServer(corpus).start()
    srv.register_response("einfo", SAMPLES / "einfo_pubmed_fields.xml")
    url = srv.base_url + "einfo.fcgi?db=pubmed"
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url) as resp:
        assert resp.headers["Content-Type"] == "text/xml; charset=UTF-8"
        assert Entrez.read(resp)["DbInfo"][0]["DbName"] == "pubmed"
    srv.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=2)
