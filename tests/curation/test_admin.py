"""The admin as curators use it: every model, the taxonomy, the import page, import reports."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Author, Authorship, Paper, PublicationType, Tag, Topic
from papers.pubmed.models import ImportRun
from papers.tagging.models import PaperTag
from tests.support.imports import IMPORT_URL
from tests.support.papers import post_paper_form

MYELOMA, TELOMERE = 38856741, 27797938


def test_every_model_is_registered_and_admin_checks_pass():
    for model in (Topic, Tag, PublicationType, Author, Authorship, Paper, PaperTag, ImportRun):
        assert admin.site.is_registered(model), model
    out = io.StringIO()
    call_command("check", stdout=out)  # a misspelt admin option fails here
    assert "no issues" in out.getvalue()


@pytest.mark.parametrize(
    "model", ["topic", "tag", "publicationtype", "author", "authorship", "paper", "papertag", "importrun"]
)
def test_changelists_with_search_and_filters_load(client, people, taxonomy, eutils, model):
    call_command("import_pubmed", MYELOMA, stdout=io.StringIO())
    client.force_login(people.superuser)
    response = client.get(f"/admin/papers/{model}/", {"q": "myeloma"})
    assert response.status_code == 200
    response = client.get(f"/admin/papers/{model}/")
    assert response.status_code == 200


def test_superuser_browses_the_taxonomy(client, people, taxonomy):
    client.force_login(people.superuser)
    page = client.get("/admin/papers/tag/", {"q": "TNFSF11"}).content.decode()
    assert "RANKL" in page and "TRANCE" in page
    topics = client.get("/admin/papers/topic/").content.decode()
    assert "Myeloma bone disease" in topics


def test_paper_change_page_shows_links_and_inlines(client, people, taxonomy, eutils):
    call_command("import_pubmed", MYELOMA, stdout=io.StringIO())
    paper = Paper.objects.get(pmid=MYELOMA)
    client.force_login(people.superuser)
    page = client.get(reverse("admin:papers_paper_change", args=[paper.pk])).content.decode()
    assert f'href="https://pubmed.ncbi.nlm.nih.gov/{MYELOMA}/"' in page
    assert 'href="https://doi.org/10.1177/21925682241260651"' in page
    assert "Zijlstra" in page and "Osteolytic lesions" in page


def test_hand_edit_in_admin_is_remembered_and_survives_reimport(client, people, taxonomy, eutils):
    call_command("import_pubmed", MYELOMA, stdout=io.StringIO())
    paper = Paper.objects.get(pmid=MYELOMA)
    client.force_login(people.superuser)
    response = post_paper_form(
        client, paper, lambda data: data.update(title="Radiotherapy remineralises lytic myeloma lesions")
    )
    assert response.status_code == 302
    paper.refresh_from_db()
    assert "title" in paper.edited_fields
    call_command("import_pubmed", MYELOMA, stdout=io.StringIO())
    paper.refresh_from_db()
    assert paper.title == "Radiotherapy remineralises lytic myeloma lesions"


def test_import_page_imports_pasted_pmids(client, people, taxonomy, eutils):
    client.force_login(people.superuser)
    assert client.get(IMPORT_URL).status_code == 200
    response = client.post(IMPORT_URL, {"pmids": f"PMID: {MYELOMA}\n{TELOMERE}, 99999998"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:papers_importrun_change", args=[run.pk]
    )
    assert (run.state, run.created, run.not_found, run.requested_by) == ("succeeded", 2, 1, people.superuser)
    assert set(Paper.objects.values_list("imported_by__username", flat=True)) == {"boss"}
    page = client.get(response["Location"]).content.decode()
    assert "Succeeded" in page


def test_import_page_reads_an_uploaded_file(client, people, taxonomy, eutils):
    client.force_login(people.superuser)
    upload = SimpleUploadedFile("pmids.txt", f"# list\n{MYELOMA}\n".encode())
    client.post(IMPORT_URL, {"pmid_file": upload})
    assert list(Paper.objects.values_list("pmid", flat=True)) == [MYELOMA]


def test_large_lists_and_queries_run_as_background_tasks(
    client, people, taxonomy, eutils, django_capture_on_commit_callbacks
):
    client.force_login(people.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(IMPORT_URL, {"query": "myeloma osteoclast"})
    run = ImportRun.objects.get()
    assert run.task_id  # queued through django-tasks (the immediate backend in tests)
    hits, _ = eutils.corpus.search("myeloma osteoclast")
    assert (run.source, run.state, run.created, run.processed, run.total) == (
        "query",
        "succeeded",
        len(hits),
        len(hits),
        len(hits),
    )


def test_import_page_needs_the_permission(client, people, eutils):
    client.force_login(people.curator)
    response = client.post(IMPORT_URL, {"pmids": str(MYELOMA)})
    assert response.status_code == 302 and ImportRun.objects.count() == 0
    people.curator.user_permissions.add(Permission.objects.get(codename="add_importrun"))
    client.post(IMPORT_URL, {"pmids": str(MYELOMA)})
    assert ImportRun.objects.count() == 1


def test_anonymous_cannot_reach_the_admin_or_the_import_page(client):
    for url in ("/admin/", IMPORT_URL, "/admin/papers/paper/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
