"""The audit trail: every moderation decision, tag decision and hand edit leaves one event that
says who did what and why; the admin shows it read-only, newest first."""

import pytest
from django.urls import reverse

from papers.catalogue.models import Paper, Tag
from papers.curation import services as curation
from papers.curation.models import PaperEvent
from papers.tagging.models import PaperTag
from tests.support.papers import add_tag_row, post_paper_form, set_tag_status


@pytest.fixture
def paper(taxonomy, staff):
    paper = Paper.objects.create(pmid=1001, title="RANKL drives osteoclast formation in myeloma.")
    PaperTag.objects.create(
        paper=paper, tag=Tag.objects.get(slug="rankl"), evidence=paper.title, evidence_field="title", matched="RANKL"
    )
    return paper


def events(paper):
    return list(
        PaperEvent.objects.filter(paper=paper)
        .order_by("pk")
        .values_list("user__username", "kind", "summary", "changes", "reason", "note")
    )


def test_moderation_decisions_are_recorded(paper, staff):
    curation.reject(paper, staff.moderator, Paper.Reason.RETRACTED, note="Retraction notice in 2024. ")
    curation.approve(paper, staff.superuser, note="The retraction was of another paper.")
    curation.revoke_approval(paper, staff.moderator, "Wrong species.")
    assert events(paper) == [
        (
            "moderator",
            "status",
            "Rejected: Retracted",
            {
                "status": ["pending", "rejected"],
                "status_reason": ["", "retracted"],
                "status_note": ["", "Retraction notice in 2024."],
            },
            "retracted",
            "Retraction notice in 2024.",
        ),
        (
            "boss",
            "status",
            "Approved",
            {
                "status": ["rejected", "approved"],
                "status_reason": ["retracted", ""],
                "status_note": ["Retraction notice in 2024.", "The retraction was of another paper."],
            },
            "",
            "The retraction was of another paper.",
        ),
        (
            "moderator",
            "status",
            "Approval revoked",
            {
                "status": ["approved", "pending"],
                "status_note": ["The retraction was of another paper.", "Wrong species."],
            },
            "",
            "Wrong species.",
        ),
    ]
    paper.refresh_from_db()
    assert (paper.status, paper.status_reason, paper.status_note, paper.reviewed_by) == (
        "pending",
        "",
        "Wrong species.",
        staff.moderator,
    )


def test_tag_decisions_in_the_paper_page_are_recorded(client, paper, staff):
    client.force_login(staff.curator)
    assert post_paper_form(client, paper, set_tag_status("rankl", "rejected")).status_code == 302
    assert post_paper_form(client, paper, set_tag_status("rankl", "confirmed")).status_code == 302
    assert post_paper_form(client, paper, add_tag_row).status_code == 302
    assert events(paper) == [
        ("curator", "tag", "Rejected tag RANKL", {"rankl": ["suggested", "rejected"]}, "", ""),
        ("curator", "tag", "Confirmed tag RANKL", {"rankl": ["rejected", "confirmed"]}, "", ""),
        ("curator", "tag", "Added tag DKK-1", {"dkk1": [None, "confirmed"]}, "", ""),
    ]
    assert set(paper.paper_tags.values_list("tag__slug", "status", "source", "evidence", "reviewed_by__username")) == {
        ("rankl", "confirmed", "tagger", paper.title, "curator"),
        ("dkk1", "confirmed", "curator", "DKK-1 blocks osteoblasts.", "curator"),
    }


def test_bulk_tag_review_is_recorded(client, paper, staff):
    client.force_login(staff.curator)
    row = paper.paper_tags.get()
    response = client.post("/admin/papers/papertag/", {"action": "reject_tags", "_selected_action": [row.pk]})
    assert response.status_code == 302
    assert events(paper) == [("curator", "tag", "Rejected tag RANKL", {"rankl": ["suggested", "rejected"]}, "", "")]


def test_hand_edits_in_the_admin_are_recorded_with_old_and_new_values(client, paper, staff):
    client.force_login(staff.curator)

    def edit(data):
        data.update(title="RANKL and osteoclasts in myeloma.", curator_note="Title shortened.", pub_year="2021")

    assert post_paper_form(client, paper, edit).status_code == 302
    assert events(paper) == [
        (
            "curator",
            "edit",
            "Edited title, curator_note, pub_year",
            {
                "title": ["RANKL drives osteoclast formation in myeloma.", "RANKL and osteoclasts in myeloma."],
                "pub_year": [None, 2021],
                "curator_note": ["", "Title shortened."],
            },
            "",
            "",
        ),
    ]
    paper.refresh_from_db()
    assert paper.edited_fields == ["pub_year", "title"]


def test_saving_without_changes_records_nothing(client, paper, staff):
    client.force_login(staff.curator)
    assert post_paper_form(client, paper, lambda data: None).status_code == 302
    assert events(paper) == []


def test_paper_page_shows_the_history_newest_first_read_only(client, paper, staff):
    curation.reject(paper, staff.moderator, Paper.Reason.OFF_TOPIC)
    curation.approve(paper, staff.moderator)
    client.force_login(staff.curator)
    response = client.get(reverse("admin:papers_paper_change", args=[paper.pk]))
    history = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is PaperEvent)
    assert [form.instance.summary for form in history.formset.forms] == [
        "Approved",
        "Rejected: Not about myeloma mechanisms",
    ]
    assert (history.has_add_permission, history.has_change_permission, history.has_delete_permission) == (
        False,
        False,
        False,
    )
    assert "<li>status: pending → rejected</li>" in response.content.decode()


def test_events_are_read_only_in_the_admin_even_for_the_superuser(client, paper, staff):
    curation.approve(paper, staff.moderator)
    event = PaperEvent.objects.get()
    client.force_login(staff.superuser)
    assert client.get("/admin/papers/paperevent/").status_code == 200
    assert client.get("/admin/papers/paperevent/add/").status_code == 403
    assert client.post(reverse("admin:papers_paperevent_change", args=[event.pk]), {"summary": "x"}).status_code == 403
    assert client.post(reverse("admin:papers_paperevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert PaperEvent.objects.get().summary == "Approved"
