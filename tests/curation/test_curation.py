"""Moderation, tag review and hand edits (papers.curation): who may do what through the real
admin, and the rules that hold whoever asks (self-approval, reasons, notes, decisions and edits
that survive re-imports and retags)."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper, PublicationType, Tag
from papers.curation import services as curation
from papers.curation.models import PaperEvent
from papers.curation.services import CurationError
from papers.pubmed.models import ImportRun
from papers.search.models import SearchDocument
from papers.tagging.models import PaperTag
from tests.support.papers import add_tag_row, form_data, post_paper_form, set_tag_status

MYELOMA = 38856741
IMPORT_URL = "/admin/papers/importrun/import/"
CHANGELIST = "/admin/papers/paper/"
QUEUE = "/admin/papers/pendingpaper/"


def make_paper(pmid, title, **fields):
    return Paper.objects.create(pmid=pmid, title=title, **fields)


@pytest.fixture
def world(taxonomy, staff):
    """A pending paper with a suggested RANKL tag, an approved paper, and an untagged pending
    paper whose title the tagger would tag OPG."""
    pending = make_paper(1001, "RANKL drives osteoclast formation in myeloma.")
    PaperTag.objects.create(
        paper=pending,
        tag=Tag.objects.get(slug="rankl"),
        evidence=pending.title,
        evidence_field="title",
        matched="RANKL",
    )
    approved = make_paper(1002, "Sclerostin in myeloma bone disease.", status=Paper.Status.APPROVED)
    untagged = make_paper(1003, "Serum osteoprotegerin in myeloma.")
    return staff, pending, approved, untagged


def rename(data):
    data["title"] = "RANKL drives osteoclast formation in multiple myeloma."


# action name -> (perform it as `client`, did it happen?)
ACTIONS = {
    "import page": (
        lambda client, pending, approved, untagged: client.post(IMPORT_URL, {"pmids": str(MYELOMA)}),
        lambda *papers: ImportRun.objects.filter(state="succeeded", created=1).exists(),
    ),
    "change paper": (
        lambda client, pending, *_: post_paper_form(client, pending, rename),
        lambda pending, *_: Paper.objects.get(pk=pending.pk).title.endswith("multiple myeloma."),
    ),
    "confirm tag": (
        lambda client, pending, *_: post_paper_form(client, pending, set_tag_status("rankl", "confirmed")),
        lambda pending, *_: pending.paper_tags.get().status == "confirmed",
    ),
    "reject tag": (
        lambda client, pending, *_: post_paper_form(client, pending, set_tag_status("rankl", "rejected")),
        lambda pending, *_: pending.paper_tags.get().status == "rejected",
    ),
    "add tag": (
        lambda client, pending, *_: post_paper_form(client, pending, add_tag_row),
        lambda pending, *_: pending.paper_tags.filter(tag__slug="dkk1", status="confirmed", source="curator").exists(),
    ),
    "approve": (
        lambda client, pending, *_: client.post(
            CHANGELIST, {"action": "approve_papers", "_selected_action": [pending.pk]}
        ),
        lambda pending, *_: Paper.objects.get(pk=pending.pk).status == "approved",
    ),
    "reject": (
        lambda client, pending, *_: client.post(
            CHANGELIST,
            {
                "action": "reject_papers",
                "_selected_action": [pending.pk],
                "apply": "yes",
                "reason": "off_topic",
                "note": "",
            },
        ),
        lambda pending, *_: Paper.objects.get(pk=pending.pk).status == "rejected",
    ),
    "revoke": (
        lambda client, pending, approved, _: client.post(
            CHANGELIST,
            {"action": "revoke_papers", "_selected_action": [approved.pk], "apply": "yes", "note": "Not myeloma."},
        ),
        lambda pending, approved, _: Paper.objects.get(pk=approved.pk).status == "pending",
    ),
    "retag action": (
        lambda client, pending, approved, untagged: client.post(
            CHANGELIST, {"action": "retag_papers", "_selected_action": [untagged.pk]}
        ),
        lambda pending, approved, untagged: untagged.paper_tags.filter(tag__slug="opg", status="suggested").exists(),
    ),
    "view moderation queue": (
        lambda client, *_: client.get(QUEUE),
        None,  # judged by the response alone
    ),
}
CURATING = {"curator", "moderator", "superuser"}
MODERATING = {"moderator", "superuser"}
ALLOWED = {
    "import page": CURATING,
    "change paper": CURATING,
    "confirm tag": CURATING,
    "reject tag": CURATING,
    "add tag": CURATING,
    "retag action": CURATING,
    "approve": MODERATING,
    "reject": MODERATING,
    "revoke": MODERATING,
    "view moderation queue": MODERATING,
}


def snapshot():
    return (
        list(Paper.objects.order_by("pk").values_list("pk", "title", "status", "status_reason", "reviewed_by")),
        list(PaperTag.objects.order_by("pk").values_list("paper", "tag", "status", "source", "reviewed_by")),
        PaperEvent.objects.count(),
        ImportRun.objects.count(),
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ["anonymous", "curator", "moderator", "superuser"])
def test_permission_matrix(client, world, eutils, who, action):
    people, *papers = world
    if who != "anonymous":
        client.force_login(
            {"curator": people.curator, "moderator": people.moderator, "superuser": people.superuser}[who]
        )
    perform, happened = ACTIONS[action]
    before = snapshot()
    response = perform(client, *papers)
    allowed = who in ALLOWED[action]
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    if action == "view moderation queue":
        expected = 200 if allowed else (302 if who == "anonymous" else 403)
        assert response.status_code == expected
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    assert happened(*papers) is allowed
    if not allowed:
        assert snapshot() == before


def test_bulk_approve_refuses_self_approval_and_says_why(client, world):
    people, pending, _, untagged = world
    Paper.objects.filter(pk=untagged.pk).update(imported_by=people.moderator)
    client.force_login(people.moderator)
    response = client.post(CHANGELIST, {"action": "approve_papers", "_selected_action": [pending.pk, untagged.pk]})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "PMID 1003: Serum osteoprotegerin in myeloma.: You imported this paper; another moderator must approve it.",
        "1 paper approved.",
    ]
    assert dict(Paper.objects.filter(pk__in=[pending.pk, untagged.pk]).values_list("pmid", "status")) == {
        1001: "approved",
        1003: "pending",
    }


def test_bulk_reject_asks_for_a_reason_first(client, world):
    people, pending, *_ = world
    client.force_login(people.moderator)
    page = client.post(CHANGELIST, {"action": "reject_papers", "_selected_action": [pending.pk]})
    assert page.status_code == 200 and page.templates[0].name == "admin/papers/moderation_confirmation.html"
    assert "PMID 1001: RANKL drives osteoclast formation in myeloma." in page.content.decode()
    refused = client.post(
        CHANGELIST,
        {"action": "reject_papers", "_selected_action": [pending.pk], "apply": "yes", "reason": "other", "note": "  "},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"__all__": ["The reason “Other” needs a note saying why."]}
    no_reason = client.post(CHANGELIST, {"action": "reject_papers", "_selected_action": [pending.pk], "apply": "yes"})
    assert no_reason.context["form"].errors == {"reason": ["This field is required."]}
    assert Paper.objects.get(pk=pending.pk).status == "pending" and PaperEvent.objects.count() == 0
    done = client.post(
        CHANGELIST,
        {
            "action": "reject_papers",
            "_selected_action": [pending.pk],
            "apply": "yes",
            "reason": "other",
            "note": "A conference abstract.",
        },
    )
    assert done.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason, pending.status_note, pending.reviewed_by) == (
        "rejected",
        "other",
        "A conference abstract.",
        people.moderator,
    )


def test_bulk_revoke_needs_a_note(client, world):
    people, _, approved, _ = world
    client.force_login(people.moderator)
    refused = client.post(CHANGELIST, {"action": "revoke_papers", "_selected_action": [approved.pk], "apply": "yes"})
    assert refused.context["form"].errors == {"note": ["This field is required."]}
    assert Paper.objects.get(pk=approved.pk).status == "approved"


def test_nobody_approves_a_paper_they_imported(world):
    people, pending, *_ = world
    pending.imported_by = people.moderator
    pending.save()
    with pytest.raises(CurationError, match="You imported this paper; another moderator must approve it."):
        curation.approve(pending, people.moderator)
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by, PaperEvent.objects.count()) == ("pending", None, 0)


def test_superuser_may_approve_what_they_imported(world):
    people, pending, *_ = world
    pending.imported_by = people.superuser
    curation.approve(pending, people.superuser, note="Checked the full text.")
    pending.refresh_from_db()
    assert (pending.status, pending.status_note, pending.reviewed_by) == (
        "approved",
        "Checked the full text.",
        people.superuser,
    )


def test_allow_self_approval_setting_lets_a_moderator_approve_own_import(world, settings):
    settings.ALLOW_SELF_APPROVAL = True
    people, pending, *_ = world
    pending.imported_by = people.moderator
    curation.approve(pending, people.moderator)
    assert Paper.objects.get(pk=pending.pk).status == "approved"


@pytest.mark.parametrize(
    "reason, note, message",
    [
        ("", "", "Rejecting a paper needs a reason."),
        ("bogus", "A note.", "Rejecting a paper needs a reason."),
        ("other", "", "The reason “Other” needs a note saying why."),
        ("other", " \n ", "The reason “Other” needs a note saying why."),
    ],
)
def test_rejection_needs_a_reason_and_other_needs_a_note(world, reason, note, message):
    people, pending, *_ = world
    with pytest.raises(CurationError) as error:
        curation.reject(pending, people.moderator, reason, note)
    assert error.value.message == message
    assert (Paper.objects.get(pk=pending.pk).status, PaperEvent.objects.count()) == ("pending", 0)


def test_revoking_needs_a_note_and_an_approved_paper(world):
    people, pending, approved, _ = world
    with pytest.raises(CurationError, match="Revoking an approval needs a note saying why."):
        curation.revoke_approval(approved, people.moderator, " ")
    with pytest.raises(CurationError, match="The paper is pending review."):
        curation.revoke_approval(pending, people.moderator, "Why not.")
    curation.revoke_approval(approved, people.moderator, "Turned out to be about lymphoma.")
    approved.refresh_from_db()
    assert (approved.status, approved.status_note, approved.reviewed_by) == (
        "pending",
        "Turned out to be about lymphoma.",
        people.moderator,
    )


def test_curators_may_review_tags_but_not_moderate(world):
    people, pending, approved, _ = world
    for attempt in (
        lambda: curation.approve(pending, people.curator),
        lambda: curation.reject(pending, people.curator, "off_topic"),
        lambda: curation.revoke_approval(approved, people.curator, "No."),
    ):
        with pytest.raises(CurationError, match="You may not moderate papers."):
            attempt()
    curation.confirm_tag(pending.paper_tags.get(), people.curator)
    with pytest.raises(CurationError, match="RANKL is already confirmed."):
        curation.confirm_tag(pending.paper_tags.get(), people.curator)
    with pytest.raises(CurationError, match="RANKL is already on this paper; confirm or reject it there."):
        curation.add_tag(pending, Tag.objects.get(slug="rankl"), people.curator)


def test_add_tag_by_hand_is_confirmed_and_the_curators(world):
    people, pending, *_ = world
    paper_tag = curation.add_tag(pending, Tag.objects.get(slug="dkk1"), people.curator, evidence="DKK-1 rises.")
    paper_tag.refresh_from_db()
    assert (paper_tag.status, paper_tag.source, paper_tag.evidence, paper_tag.reviewed_by) == (
        "confirmed",
        "curator",
        "DKK-1 rises.",
        people.curator,
    )
    assert paper_tag.reviewed_at is not None


def tags_of(pmid):
    return dict(PaperTag.objects.filter(paper__pmid=pmid).values_list("tag__slug", "status"))


def test_rejected_tag_stays_rejected_after_reimport_and_retag(taxonomy, eutils, staff):
    call_command("import_pubmed", MYELOMA, stdout=io.StringIO())
    assert tags_of(MYELOMA) == {"osteolytic-lesions": "suggested"}
    paper = Paper.objects.get(pmid=MYELOMA)
    curation.reject_tag(paper.paper_tags.get(), staff.curator)
    curation.add_tag(paper, Tag.objects.get(slug="hypercalcaemia"), staff.curator)
    # PubMed's text differs from what is stored, so the import re-runs the tagger.
    Paper.objects.filter(pk=paper.pk).update(abstract="", pubmed_hash="")
    out = io.StringIO()
    call_command("import_pubmed", MYELOMA, stdout=out)
    assert "updated 1" in out.getvalue()
    assert tags_of(MYELOMA) == {"osteolytic-lesions": "rejected", "hypercalcaemia": "confirmed"}
    call_command("retag", stdout=io.StringIO())
    assert tags_of(MYELOMA) == {"osteolytic-lesions": "rejected", "hypercalcaemia": "confirmed"}


def test_retag_keeps_confirmed_tags_when_the_text_no_longer_mentions_them(world):
    people, pending, approved, untagged = world
    curation.confirm_tag(pending.paper_tags.get(), people.curator)
    Paper.objects.filter(pk=pending.pk).update(title="A paper about nothing in particular.")
    out = io.StringIO()
    call_command("retag", "--pmid", "1001", "1003", stdout=out)
    assert out.getvalue() == "retagged 2 papers: 1 suggestions added, updated or withdrawn\n"
    assert tags_of(1001) == {"rankl": "confirmed"}
    assert tags_of(1003) == {"opg": "suggested"}


def test_retag_withdraws_stale_suggestions_and_reads_in_chunks(world):
    from papers.tagging.retagging import retag

    _, pending, approved, untagged = world
    Paper.objects.filter(pk=pending.pk).update(title="Nothing to tag here.")
    assert retag(Paper.objects.all(), chunk_size=2) == (3, 3)  # RANKL withdrawn; OPG and sclerostin added
    assert (tags_of(1001), tags_of(1002), tags_of(1003)) == ({}, {"sclerostin": "suggested"}, {"opg": "suggested"})
    assert retag(Paper.objects.all(), chunk_size=2) == (3, 0)


def test_retag_refuses_unknown_pmids(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Not in the collection: 42"):
        call_command("retag", "--pmid", "1001", "42", stdout=io.StringIO())
    assert tags_of(1003) == {}


def test_moderation_queue_lists_pending_papers_oldest_first_with_counts(client, world):
    people, pending, approved, untagged = world
    rejected = make_paper(1004, "A rejected paper.", status="rejected", status_reason="off_topic")
    client.force_login(people.moderator)
    response = client.get(QUEUE)
    assert [p.pmid for p in response.context["cl"].result_list] == [1001, 1003]
    assert [p.suggested for p in response.context["cl"].result_list] == [1, 0]
    assert response.context["status_counts"] == [("Pending review", 2), ("Approved", 1), ("Rejected", 1)]
    page = response.content.decode()
    assert "Pending review: <strong>2</strong> · Approved: <strong>1</strong> · Rejected: <strong>1</strong>" in page
    assert f'href="{reverse("admin:papers_paper_change", args=[pending.pk])}"' in page
    assert rejected.title not in page


@pytest.mark.parametrize("size", [5, 40])
def test_moderation_queue_query_count_does_not_grow(client, staff, taxonomy, django_assert_max_num_queries, size):
    rankl = Tag.objects.get(slug="rankl")
    for n in range(size):
        paper = make_paper(2000 + n, f"Paper {n}", imported_by=staff.curator)
        PaperTag.objects.create(paper=paper, tag=rankl)
    client.force_login(staff.moderator)
    with django_assert_max_num_queries(10):  # the page's suggested claims, and when the scores were made
        response = client.get(QUEUE)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == min(size, 100)


def test_tag_review_on_the_paper_page_highlights_evidence_and_escapes_it(client, world):
    people, pending, *_ = world
    PaperTag.objects.filter(paper=pending).update(evidence="<b>RANKL</b> & RANKL drive it", matched="RANKL")
    client.force_login(people.curator)
    page = client.get(reverse("admin:papers_paper_change", args=[pending.pk])).content.decode()
    assert "&lt;b&gt;<mark>RANKL</mark>&lt;/b&gt; &amp; <mark>RANKL</mark> drive it" in page


def test_paper_form_shows_status_read_only(client, world):
    people, pending, *_ = world
    client.force_login(people.superuser)
    form = client.get(reverse("admin:papers_paper_change", args=[pending.pk])).context["adminform"].form
    assert not {"status", "status_reason", "status_note", "reviewed_by", "reviewed_at"} & set(form.fields)


def test_edit_made_outside_the_admin_survives_reimport(taxonomy, eutils, staff):
    call_command("import_pubmed", MYELOMA, stdout=io.StringIO())
    paper = Paper.objects.get(pmid=MYELOMA)
    pubmed_title = paper.title
    curation.edit_paper(
        paper,
        staff.curator,
        {"title": "Radiotherapy remineralises lytic myeloma lesions", "curator_note": "Title shortened."},
        note="PubMed's is too long.",
    )
    paper.refresh_from_db()
    assert (paper.edited_fields, paper.pubmed_conflicts) == (["title"], {})  # the note is ours, not PubMed's
    assert SearchDocument.objects.get(paper=paper).title == "Radiotherapy remineralises lytic myeloma lesions"
    # PubMed revises the record (simulated by an older stored fingerprint): the import compares
    # every field again, refreshes the others and keeps the curator's title.
    Paper.objects.filter(pk=paper.pk).update(pubmed_hash="", journal_title="Old journal name")
    out = io.StringIO()
    call_command("import_pubmed", MYELOMA, stdout=out)
    assert f"PMID {MYELOMA}: PubMed differs in hand-edited title (kept the curator's)" in out.getvalue()
    paper.refresh_from_db()
    assert (paper.title, paper.curator_note) == ("Radiotherapy remineralises lytic myeloma lesions", "Title shortened.")
    assert paper.journal_title == "Global spine journal"
    assert paper.pubmed_conflicts == {"title": pubmed_title}


def test_hand_edit_is_audited_with_old_and_new_values(world):
    people, pending, *_ = world
    review = PublicationType.objects.create(name="Review", ui="D016454")
    curation.edit_paper(
        pending,
        people.curator,
        {"pub_year": 2021, "publication_types": [review], "title": pending.title},
        note=" Checked the PDF. ",
    )
    assert list(PaperEvent.objects.values_list("user__username", "kind", "summary", "changes", "note")) == [
        (
            "curator",
            "edit",
            "Edited pub_year, publication_types",
            {"pub_year": [None, 2021], "publication_types": [[], ["Review"]]},
            "Checked the PDF.",
        ),
    ]
    pending.refresh_from_db()
    assert (pending.pub_year, list(pending.publication_types.all()), pending.edited_fields) == (
        2021,
        [review],
        ["pub_year"],
    )


def test_hand_edit_conflicts_with_pubmed_are_settled_by_editing_the_field(world):
    people, pending, *_ = world
    Paper.objects.filter(pk=pending.pk).update(edited_fields=["title"], pubmed_conflicts={"title": "PubMed's title"})
    curation.edit_paper(pending, people.curator, {"title": "PubMed's title"})
    pending.refresh_from_db()
    assert (pending.title, pending.edited_fields, pending.pubmed_conflicts) == ("PubMed's title", ["title"], {})


def test_hand_edit_refuses_what_is_not_edited_by_hand_and_changes_nothing(world, django_user_model):
    staff, pending, *_ = world
    Paper.objects.filter(pk=pending.pk).update(edited_fields=["title"])
    before = snapshot(), Paper.objects.get(pk=pending.pk).updated_at
    for user, values, message in (
        (None, {"title": "x"}, "You may not edit papers."),
        (django_user_model.objects.create_user("visitor", is_staff=True), {"title": "x"}, "You may not edit papers."),
        (staff.curator, {"status": "approved", "title": "x"}, "Not edited by hand: status."),
        (staff.curator, {"edited_fields": [], "authors": []}, "Not edited by hand: authors, edited_fields."),
    ):
        with pytest.raises(CurationError) as error:
            curation.edit_paper(pending, user, values)
        assert error.value.message == message
    curation.edit_paper(pending, staff.curator, {"title": pending.title, "pub_year": None})  # no change
    assert (snapshot(), Paper.objects.get(pk=pending.pk).updated_at) == before


def test_admin_edit_and_add_go_through_curation_with_publication_types(client, world):
    people, pending, *_ = world
    review = PublicationType.objects.create(name="Review", ui="D016454")
    client.force_login(people.curator)
    assert post_paper_form(client, pending, lambda data: data.update(publication_types=[review.pk])).status_code == 302
    assert list(pending.publication_types.all()) == [review]
    assert PaperEvent.objects.get().changes == {"publication_types": [[], ["Review"]]}

    client.force_login(people.superuser)
    data = form_data(client.get(reverse("admin:papers_paper_add")))
    data.update(title="A paper outside PubMed on RANKL.", publication_types=[review.pk])
    assert client.post(reverse("admin:papers_paper_add"), data).status_code == 302
    added = Paper.objects.get(title="A paper outside PubMed on RANKL.")
    assert (added.pmid, list(added.publication_types.all()), added.edited_fields) == (None, [review], [])
    assert SearchDocument.objects.get(paper=added).title == added.title
