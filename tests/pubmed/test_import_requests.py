"""One import request, one set of rules: the admin's import page, the API and `import_pubmed`
accept and refuse the same requests, with the same messages (papers.pubmed.forms)."""

import gzip
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from papers.catalogue.models import Paper
from papers.pubmed.client import MISSING_EMAIL
from papers.pubmed.forms import MAX_FILE_BYTES, MAX_PMIDS, ImportRequestForm
from papers.pubmed.models import ImportRun
from tests.support.imports import IMPORT_URL, auth, post_import

OVER_LIMIT = list(range(1, 10_002))  # 10,001 PMIDs


@pytest.fixture
def everywhere(client, staff, eutils):
    """refused(admin form data, API body, command arguments) → what each of the three said,
    after checking that none of them stored anything or asked PubMed."""
    client.force_login(staff.superuser)
    token = auth(staff.curator)

    def refused(form_data: dict, body: dict, arguments: list) -> tuple[str, str, str]:
        page = client.post(IMPORT_URL, form_data)
        assert page.status_code == 200
        answer = post_import(client, body, **token)
        assert answer.status_code == 400
        with pytest.raises(CommandError) as command:
            call_command("import_pubmed", *map(str, arguments), stdout=io.StringIO(), stderr=io.StringIO())
        assert (ImportRun.objects.count(), Paper.objects.count(), eutils.requests) == (0, 0, [])
        api_messages = " ".join(message for messages in answer.json().values() for message in messages)
        return html.unescape(page.content.decode()), api_messages, str(command.value)

    return refused


@pytest.mark.parametrize(
    ("form_data", "body", "arguments", "message"),
    [
        (
            {"pmids": "\n".join(map(str, OVER_LIMIT))},
            {"pmids": OVER_LIMIT},
            OVER_LIMIT,
            "Too many PMIDs: 10,001. One import takes at most 10,000; split the list.",
        ),
        (
            {"pmids": "123 abc"},
            {"pmids": ["123", "abc"]},
            ["123", "abc"],
            "Not PubMed IDs (a PMID is a whole number from 1 to 999,999,999): 'abc'.",
        ),
        (
            {"pmids": "123", "query": "myeloma"},
            {"pmids": ["123"], "query": "myeloma"},
            ["123", "--query", "myeloma"],
            "Give PMIDs (typed or as a file) or a PubMed query — one of the two.",
        ),
        (
            {"pmids": "# a comment"},
            {"pmids": ["#"]},
            ["#"],
            "Give PMIDs (typed or as a file) or a PubMed query — one of the two.",
        ),
        (
            {"query": "q" * 4001},
            {"query": "q" * 4001},
            ["--query", "q" * 4001],
            "Ensure this value has at most 4000 characters (it has 4001).",
        ),
        (
            {"query": "myeloma", "limit": "10001"},
            {"query": "myeloma", "max": 10001},
            ["--query", "myeloma", "--max", "10001"],
            "Ensure this value is less than or equal to 10000.",
        ),
        (
            {"pmids": "123", "limit": "5"},
            {"pmids": ["123"], "max": 5},
            ["123", "--max", "5"],
            "A limit goes with a query, not with PMIDs.",
        ),
    ],
)
def test_the_same_request_is_refused_with_the_same_message_everywhere(everywhere, form_data, body, arguments, message):
    page, api, command = everywhere(form_data, body, arguments)
    assert message in page and message in api and message in command


def test_a_file_over_the_size_limit_is_refused_alike_by_the_page_and_the_command(everywhere, client, tmp_path):
    content = b"38856741\n" * (MAX_FILE_BYTES // 9 + 1)
    assert len(content) > MAX_FILE_BYTES == 1_000_000
    big = tmp_path / "pmids.txt"
    big.write_bytes(content)
    page = client.post(IMPORT_URL, {"pmid_file": SimpleUploadedFile("pmids.txt", content)}).content.decode()
    with pytest.raises(CommandError) as command:
        call_command("import_pubmed", "--file", str(big), stdout=io.StringIO())
    message = "The file pmids.txt is larger than 1 MB: split it."
    assert message in page and str(command.value) == "--file: " + message
    assert ImportRun.objects.count() == 0


def test_the_limits_themselves_are_accepted():
    at_most = ImportRequestForm({"pmids": " ".join(map(str, range(1, MAX_PMIDS + 1)))})
    assert MAX_PMIDS == 10_000 and at_most.is_valid() and len(at_most.cleaned_data["pmid_list"]) == MAX_PMIDS
    listing = b"# PMIDs\n38856741\n".ljust(MAX_FILE_BYTES, b"\n")
    file_at_most = ImportRequestForm({}, {"pmid_file": SimpleUploadedFile("pmids.txt", listing)})
    assert file_at_most.is_valid() and file_at_most.cleaned_data["pmid_list"] == [38856741]
    query = ImportRequestForm({"query": "q" * 4000, "limit": "10000"})
    assert query.is_valid()
    run = query.import_run(None)
    assert (run.pk, run.source, run.limit, run.requested_pmids) == (None, "query", 10_000, [])


@pytest.mark.parametrize(
    "data, message",
    [
        ({"pmids": "123 abc"}, "Not PubMed IDs"),
        ({}, "Give PMIDs (typed or as a file) or a PubMed query"),
        ({"pmids": "123", "query": "myeloma"}, "one of the two"),
        ({"query": "myeloma", "limit": "20000"}, "less than or equal to 10000"),
    ],
)
def test_import_page_refuses_bad_input_and_changes_nothing(client, people, eutils, data, message):
    client.force_login(people.superuser)
    response = client.post(IMPORT_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (ImportRun.objects.count(), Paper.objects.count(), eutils.requests) == (0, 0, [])


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "non_field_errors"),
        ({"pmids": [1], "query": "myeloma"}, "non_field_errors"),
        ({"pmids": []}, "pmids"),
        ({"pmids": ["123", "abc"]}, "pmids"),
        ({"pmids": "123"}, "pmids"),
        ({"query": ""}, "query"),
        ({"query": "q" * 4001}, "query"),
        ({"query": "myeloma", "max": 10001}, "max"),
        ({"pmids": [1], "max": 5}, "max"),
    ],
)
def test_bad_import_requests_are_a_400_and_change_nothing(client, staff, eutils, body, named):
    response = post_import(client, body, **auth(staff.curator))
    assert response.status_code == 400 and named in response.json(), response.content
    assert (ImportRun.objects.count(), eutils.requests) == (0, [])


def test_without_the_ncbi_email_setting_every_door_refuses_before_starting(everywhere, settings):
    settings.NCBI_EMAIL = ""
    page, api, command = everywhere({"pmids": "38856741"}, {"pmids": [38856741]}, ["38856741"])
    assert MISSING_EMAIL in page and MISSING_EMAIL in api and command == MISSING_EMAIL


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file pmids.txt holds no PMIDs: it is empty, or only blank lines and # comments."),
        (
            b"# to import next week\n\n",
            "The file pmids.txt holds no PMIDs: it is empty, or only blank lines and # comments.",
        ),
        (
            gzip.compress(b"38856741\n27797938\n", mtime=0),
            "The file pmids.txt is not a text file (a spreadsheet or a PDF?)",
        ),
        ("38856741\n".encode("utf-16"), "The file pmids.txt is not a text file (a spreadsheet or a PDF?)"),
    ],
)
def test_an_empty_or_binary_file_is_refused_with_its_reason_on_the_page_and_by_the_command(
    client, staff, eutils, tmp_path, content, message
):
    client.force_login(staff.superuser)
    page = html.unescape(
        client.post(IMPORT_URL, {"pmid_file": SimpleUploadedFile("pmids.txt", content)}).content.decode()
    )
    path = tmp_path / "pmids.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as command:
        call_command("import_pubmed", "--file", str(path), stdout=io.StringIO())
    assert message in page and str(command.value).startswith("--file: " + message)
    assert "No PMIDs given" not in page and "one of the two" not in page
    assert (ImportRun.objects.count(), eutils.requests) == (0, [])
