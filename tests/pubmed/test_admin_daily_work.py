"""The admin for a curator's day: moderation from the paper's own page, titles as text, the
queue's name, and import runs whose failures read as sentences grouped by cause."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper
from papers.curation.models import PaperEvent
from papers.pubmed.models import ImportRun
from tests.support.imports import IMPORT_URL, MYELOMA, TELOMERE

STRUCTURED = 27797938  # its title carries inline markup (the structured-abstract sample)


@pytest.fixture
def pending(staff, taxonomy, eutils):
    call_command("import_pubmed", MYELOMA, STRUCTURED, "--as", "curator", stdout=io.StringIO())
    return Paper.objects.get(pmid=MYELOMA)


def page_of(client, paper) -> str:
    return client.get(reverse("admin:papers_paper_change", args=[paper.pk])).content.decode()


def decide(client, paper, decision, **data):
    return client.post(reverse("admin:papers_paper_moderate", args=[paper.pk]), {"decision": decision, **data})


def buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit" class="button" name="decision" value="(\w+)">', page)


def test_a_moderator_approves_and_revokes_from_the_papers_page_with_the_reason_asked(client, staff, pending):
    client.force_login(staff.moderator)
    assert buttons(page_of(client, pending)) == ["approve", "reject"]
    answer = decide(client, pending, "approve")
    assert answer.status_code == 302 and answer["Location"] == reverse("admin:papers_paper_change", args=[pending.pk])
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == ("approved", staff.moderator)
    after = client.get(answer["Location"]).content.decode()
    assert "1 paper approved." in after and buttons(after) == ["reject", "revoke"]

    asked = decide(client, pending, "revoke").content.decode()  # the note is asked for first
    assert "Revoke approval" in asked and 'name="note"' in asked and 'name="decision" value="revoke"' in asked
    refused = decide(client, pending, "revoke", apply="yes", note="")
    assert "This field is required." in refused.content.decode()
    pending.refresh_from_db()
    assert pending.status == "approved"
    decide(client, pending, "revoke", apply="yes", note="Wrong topic after all.")
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert (
        list(PaperEvent.objects.filter(paper=pending).values_list("note", flat=True).order_by("pk"))[-1]
        == "Wrong topic after all."
    )


def test_rejecting_from_the_page_needs_a_reason_as_in_the_list(client, staff, pending):
    client.force_login(staff.moderator)
    for data in ({}, {"reason": "other", "note": " "}):
        page = decide(client, pending, "reject", apply="yes", **data).content.decode()
        assert "errorlist" in page
        pending.refresh_from_db()
        assert pending.status == "pending"
    answer = decide(client, pending, "reject", apply="yes", reason="duplicate", note="Same as 123.")
    assert answer.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason, pending.status_note) == ("rejected", "duplicate", "Same as 123.")


def test_without_the_permission_there_are_no_buttons_and_a_post_changes_nothing(client, staff, pending):
    client.force_login(staff.curator)
    assert buttons(page_of(client, pending)) == []
    answer = decide(client, pending, "approve")
    assert answer.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert "You may not moderate papers." in client.get(answer["Location"]).content.decode()


def test_the_importer_of_a_command_line_import_is_recorded_and_may_not_approve_it(client, staff, pending):
    assert pending.imported_by == staff.curator
    assert ImportRun.objects.get().requested_by == staff.curator
    staff.curator.groups.add(staff.moderator.groups.get())
    client.force_login(staff.curator)
    decide(client, pending, "approve")
    pending.refresh_from_db()
    assert pending.status == "pending"


def imported_by_shown(client, run) -> tuple[str, str]:
    """The "Imported by" of the run as the import-run list and the run's own page show it."""
    listing = client.get(reverse("admin:papers_importrun_changelist")).content.decode()
    own = client.get(reverse("admin:papers_importrun_change", args=[run.pk])).content.decode()
    cell = re.search(r'<td class="field-imported_by">(.*?)</td>', listing).group(1)
    field = re.search(r'<label>Imported by:</label>\s*<div class="readonly">(.*?)</div>', own).group(1)
    return cell, field


@pytest.mark.parametrize(
    ("os_user", "options", "account", "shown"),
    [
        ("jdoe", [], None, "jdoe (command line)"),  # no account of that name: the OS user's alone
        ("curator", [], "curator", "curator (command line)"),  # the OS user's own account
        ("jdoe", ["--as", "curator"], "curator", "curator (command line, run by jdoe)"),
    ],
)
def test_a_command_line_import_records_the_operating_system_user(
    client, staff, taxonomy, eutils, monkeypatch, os_user, options, account, shown
):
    monkeypatch.setenv("LOGNAME", os_user)  # where the operating system's name is read first
    call_command("import_pubmed", MYELOMA, *options, stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert (run.os_user, run.requested_by and run.requested_by.username) == (os_user, account)
    assert Paper.objects.get(pmid=MYELOMA).imported_by == run.requested_by
    client.force_login(staff.superuser)
    assert imported_by_shown(client, run) == (shown, shown)


def test_a_refresh_records_the_operating_system_user_and_an_import_from_the_admin_none(
    client, staff, taxonomy, eutils, monkeypatch
):
    client.force_login(staff.superuser)
    client.post(IMPORT_URL, {"pmids": str(MYELOMA)})
    from_admin = ImportRun.objects.get()
    assert from_admin.os_user == "" and imported_by_shown(client, from_admin) == ("boss", "boss")
    monkeypatch.setenv("LOGNAME", "jdoe")
    call_command("refresh_pubmed", "--all", stdout=io.StringIO())
    refresh = ImportRun.objects.get(source="refresh")
    assert (refresh.os_user, refresh.requested_by) == ("jdoe", None)
    assert imported_by_shown(client, refresh) == ("jdoe (command line)", "jdoe (command line)")


def test_lists_show_titles_as_text_and_the_queue_says_what_it_is(client, staff, pending):
    client.force_login(staff.superuser)
    structured = Paper.objects.get(pmid=STRUCTURED)
    assert "<" in structured.title  # the record's own inline markup
    for url in (reverse("admin:papers_paper_changelist"), reverse("admin:papers_pendingpaper_changelist")):
        page = client.get(url).content.decode()
        assert "&lt;sub&gt;" not in page and "&lt;i&gt;" not in page and "&lt;sup&gt;" not in page
    queue = client.get(reverse("admin:papers_pendingpaper_changelist")).content.decode()
    assert "<h1>Moderation queue: pending papers</h1>" in queue and "Select Moderation queue" not in queue


def test_a_failed_import_explains_itself_in_sentences_grouped_by_cause(client, staff, taxonomy, eutils, settings):
    client.force_login(staff.superuser)
    eutils.fail_next("efetch", status=500, times=settings.EUTILS_MAX_TRIES)
    answer = client.post(IMPORT_URL, {"pmids": f"{MYELOMA} {TELOMERE}"}, follow=True)
    page = answer.content.decode()
    run = ImportRun.objects.get()
    assert run.state == "failed"
    assert f'class="error">Import #{run.pk} done: 0 created' in page and "The reasons are below." in page
    assert f"2 failed ({TELOMERE}, {MYELOMA}): PubMed answered HTTP 500" in page
    assert "2 failure(s); ask for the same import again to finish." in page
    assert '{"' not in page  # no raw JSON


def test_a_failure_a_rerun_cannot_fix_is_not_told_to_run_again(client, staff, taxonomy, eutils):
    client.force_login(staff.superuser)
    eutils.fail_next("efetch", body=b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>")
    page = client.post(IMPORT_URL, {"pmids": str(MYELOMA)}, follow=True).content.decode()
    assert f"1 failed ({MYELOMA}): E-utilities answered with an error: Empty id list - nothing todo" in page
    assert "that running again cannot fix" in page and "again to finish" not in page
