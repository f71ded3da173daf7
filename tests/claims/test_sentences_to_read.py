"""Sentences to read: every sentence of a title or abstract naming two or more tags that no
confirmed or rejected claim and no "states no claim" decides, suggested ones first, paged, in a
bounded number of statements; one step adds a claim (through add_claim) or remembers that the
sentence states none (audited); only curators who review tags see or use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.catalogue.models import Paper, Tag
from papers.claims import reading, review
from papers.claims.models import Claim, SentenceDecision
from papers.curation import services as curation
from papers.curation.models import PaperEvent
from papers.curation.services import CurationError
from papers.tagging.retagging import retag

TITLE = "RANKL induces osteoclastogenesis."
ABSTRACT = (
    "IL-6 was measured. DKK-1 and IL-6 levels were high. Osteoclasts were counted. "
    "Serum TNF-α and DKK-1 were measured together. TNF-α increases IL-6 secretion."
)
URL = "/admin/papers/claim/sentences/"


def read(pmid, **fields):
    paper = Paper.objects.create(pmid=pmid, **fields)
    retag(Paper.objects.filter(pk=paper.pk))
    return paper


def listed():
    return [(item.paper.pmid, item.sentence.key) for item in reading.sentences_to_read()]


def key_of(paper, text):
    return next(s.key for s in review.sentences_of(paper) if s.text == text)


@pytest.fixture
def paper(taxonomy):
    read(2, title="Osteoclasts in myeloma bone disease.")  # one tag: nothing to read
    return read(1, title=TITLE, abstract=ABSTRACT)


def test_the_list_holds_exactly_the_undecided_co_mention_sentences_suggested_first(paper, staff):
    title, dkk, serum, tnf = (
        key_of(paper, text)
        for text in (
            TITLE,
            "DKK-1 and IL-6 levels were high.",
            "Serum TNF-α and DKK-1 were measured together.",
            "TNF-α increases IL-6 secretion.",
        )
    )
    suggested = {(c.field, c.sentence_start) for c in Claim.objects.filter(paper=paper, status="suggested")}
    assert suggested == {("title", 0), ("abstract", int(tnf.split(":")[1]))}  # the reader's two claims
    assert listed() == [(1, title), (1, tnf), (1, dkk), (1, serum)]
    item = reading.sentences_to_read()[0]
    assert [tag.slug for tag, _ in item.tags] == ["rankl", "osteoclastogenesis"]
    assert [str(claim) for claim in item.suggested] == ["RANKL increases Osteoclastogenesis"]
    # A confirmed claim decides its sentence, and so does a rejected one; a suggestion does not.
    review.confirm_claim(Claim.objects.get(paper=paper, field="title"), staff.curator)
    review.reject_claim(Claim.objects.get(paper=paper, field="abstract"), staff.curator)
    assert listed() == [(1, dkk), (1, serum)]


def test_a_choice_adds_the_claim_through_add_claim_and_the_sentence_leaves_the_list(paper, staff, client):
    dkk = key_of(paper, "DKK-1 and IL-6 levels were high.")
    client.force_login(staff.curator)
    page = client.get(URL)
    assert page.status_code == 200 and page.content.decode().count('class="module sentence-to-read"') == 4
    assert "<mark>DKK-1</mark> and <mark>IL-6</mark> levels were high." in page.content.decode()
    dkk1, il6 = Tag.objects.get(slug="dkk1"), Tag.objects.get(slug="il-6")
    # Each relation either way between the sentence's tags is one choice.
    row = next(r for r in page.context["rows"] if r["item"].sentence.key == dkk)
    assert {value for value, _ in row["choices"]} == {
        f"{a.pk}:{relation}:{b.pk}"
        for a, b in ((dkk1, il6), (il6, dkk1))
        for relation in ("increases", "decreases", "binds", "produces")
    }
    answer = client.post(
        f"{URL}?page=1",
        {"paper": paper.pk, "sentence": dkk, "claim": f"{il6.pk}:decreases:{dkk1.pk}", "hedged": "on"},
    )
    assert answer.status_code == 302 and answer["Location"] == f"{URL}?page=1"
    claim = Claim.objects.get(paper=paper, agent=il6, target=dkk1)
    assert (claim.relation, claim.status, claim.source, claim.hedged, claim.negated) == (
        "decreases",
        "confirmed",
        "curator",
        True,
        False,
    )
    assert (claim.field, claim.sentence, claim.reviewed_by) == (
        "abstract",
        "DKK-1 and IL-6 levels were high.",
        staff.curator,
    )
    assert PaperEvent.objects.filter(
        paper=paper, summary="Added claim “IL-6 decreases DKK-1” (hedged) by hand"
    ).exists()
    assert (1, dkk) not in listed() and len(listed()) == 3
    assert 'class="module sentence-to-read"' in client.get(URL).content.decode()
    assert client.get(URL).content.decode().count('class="module sentence-to-read"') == 3


def test_states_no_claim_is_remembered_audited_and_survives_a_retag(paper, staff, client):
    serum = key_of(paper, "Serum TNF-α and DKK-1 were measured together.")
    client.force_login(staff.curator)
    assert client.post(URL, {"paper": paper.pk, "sentence": serum, "no_claim": "on"}).status_code == 302
    decision = SentenceDecision.objects.get(paper=paper)
    assert (decision.field, decision.sentence, decision.decided_by) == (
        "abstract",
        "Serum TNF-α and DKK-1 were measured together.",
        staff.curator,
    )
    event = PaperEvent.objects.get(paper=paper, summary="Read a sentence as stating no claim")
    assert (event.user, event.kind) == (staff.curator, "claim")
    assert (1, serum) not in listed() and len(listed()) == 3
    assert not Claim.objects.filter(paper=paper, sentence__startswith="Serum").exists()
    retag(Paper.objects.filter(pk=paper.pk))
    assert (1, serum) not in listed()
    with pytest.raises(CurationError, match="already"):
        review.no_claim(paper, staff.curator, sentence=serum)
    with pytest.raises(CurationError, match="Choose a sentence"):
        review.no_claim(paper, staff.curator, sentence="abstract:9999")
    assert SentenceDecision.objects.count() == 1 and PaperEvent.objects.filter(summary__startswith="Read").count() == 1


def test_only_curators_who_review_tags_see_or_decide(paper, people, client):
    """people.curator is staff in no group: no permission to review tags."""
    serum = key_of(paper, "Serum TNF-α and DKK-1 were measured together.")
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(people.curator)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"paper": paper.pk, "sentence": serum, "no_claim": "on"}).status_code == 403
    with pytest.raises(CurationError, match="may not review claims"):
        review.no_claim(paper, people.curator, sentence=serum)
    assert not SentenceDecision.objects.exists()
    assert "Sentences to read" not in client.get("/admin/").content.decode()
    client.force_login(people.superuser)
    assert "Sentences to read" in client.get("/admin/papers/claim/").content.decode()


@pytest.mark.parametrize(
    ("query", "data", "parameter"),
    [
        ("?page=x", None, "page"),
        ("", {"paper": "999999", "sentence": "abstract:0", "no_claim": "on"}, "paper"),
        ("", {"sentence": "abstract:0", "claim": "1:increases:2"}, "paper"),
        ("", {"paper": "PAPER", "claim": "drop table", "sentence": "title:0"}, "claim"),
        ("", {"paper": "PAPER", "sentence": "title:0"}, "claim"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter_and_changes_nothing(paper, staff, client, query, data, parameter):
    client.force_login(staff.curator)
    if data is not None and data.get("paper") == "PAPER":
        data["paper"] = paper.pk
    answer = client.get(URL + query) if data is None else client.post(URL + query, data)
    assert answer.status_code == 400 and f"“{parameter}”" in answer.content.decode()
    assert not SentenceDecision.objects.exists() and not Claim.objects.filter(status="confirmed").exists()


def test_a_refused_choice_says_why_and_changes_nothing(paper, staff, client):
    client.force_login(staff.curator)
    rankl = Tag.objects.get(slug="rankl")
    answer = client.post(
        URL, {"paper": paper.pk, "sentence": "title:0", "claim": f"{rankl.pk}:increases:{rankl.pk}"}, follow=True
    )
    assert "two different tags" in answer.content.decode()
    assert not Claim.objects.filter(status="confirmed").exists()


def test_the_list_takes_the_same_statements_for_a_page_of_many(taxonomy, staff, client):
    client.force_login(staff.curator)

    def statements():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(URL)
        assert page.status_code == 200
        return len(captured), page.content.decode().count('class="module sentence-to-read"')

    read(1, title=TITLE, abstract=ABSTRACT)
    few = statements()
    for pmid in range(2, 20):
        read(pmid, title=TITLE, abstract=ABSTRACT)
    many = statements()
    assert few[1] == 4 and many[1] == 50  # 19 papers × 4 sentences, 50 a page
    assert many[0] == few[0] <= 12


def test_a_decision_holds_for_its_sentence_not_for_what_replaces_it(paper, staff):
    """A corrected abstract whose changed sentence starts where the decided one did."""
    serum = key_of(paper, "Serum TNF-α and DKK-1 were measured together.")
    review.no_claim(paper, staff.curator, sentence=serum)
    assert (1, serum) not in listed()
    changed = ABSTRACT.replace("Serum TNF-α and DKK-1 were measured together.", "Serum TNF-α and DKK-1 rose together.")
    curation.edit_paper(paper, staff.curator, {"abstract": changed})
    paper.refresh_from_db()
    assert key_of(paper, "Serum TNF-α and DKK-1 rose together.") == serum
    assert (1, serum) in listed()
    review.no_claim(paper, staff.curator, sentence=serum)  # the new sentence, read in its turn
    assert (1, serum) not in listed()
    assert SentenceDecision.objects.get(paper=paper).sentence == "Serum TNF-α and DKK-1 rose together."
    assert PaperEvent.objects.filter(paper=paper, summary="Read a sentence as stating no claim").count() == 2
