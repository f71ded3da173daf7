"""Claims where people read, and claims curators add by hand: the public paper page lists its
public claims only (confirmed, of an approved paper), marked and escaped, linked to the finder
and the maps; the moderation queue shows suggested claims; a curator adds or corrects a claim
on the paper's admin page or through the API, audited, the paper gaining the tags it lacks,
and neither a re-import nor retag undoes it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import Paper, Tag
from papers.claims import review
from papers.claims.models import Claim
from papers.curation.models import PaperEvent
from papers.curation.services import CurationError
from papers.tagging.models import PaperTag
from tests.support.imports import auth

TNF_PAPER = 34088671  # "… BM stromal cell supernatants, TNF-α induces … NF-κB …, whereas interleukin-6 …"
STROMAL = "abstract:434"  # that sentence


@pytest.fixture
def imported(taxonomy, eutils, staff):
    call_command("import_pubmed", TNF_PAPER, stdout=io.StringIO())
    return staff, Paper.objects.get(pmid=TNF_PAPER)


def tag(slug):
    return Tag.objects.get(slug=slug)


def tags_of(paper):
    return {pt.tag.slug: (pt.status, pt.source) for pt in PaperTag.objects.filter(paper=paper).select_related("tag")}


def claims_of(paper):
    return {
        (c.agent.slug, c.relation, c.target.slug): (c.status, c.source, c.negated, c.hedged)
        for c in Claim.objects.filter(paper=paper).select_related("agent", "target")
    }


# --- the service ---------------------------------------------------------------------------------


def test_a_curator_adds_a_claim_confirmed_with_its_names_marked_and_its_tags_confirmed(imported):
    people, paper = imported
    assert tags_of(paper)["bmsc"] == ("suggested", "tagger") and "jak-stat" not in tags_of(paper)
    claim = review.add_claim(
        paper, people.curator, sentence=STROMAL, agent=tag("bmsc"), relation="produces", target=tag("tnf-a")
    )
    assert (claim.status, claim.source, claim.reviewed_by, claim.field) == (
        "confirmed",
        "curator",
        people.curator,
        "abstract",
    )
    assert claim.sentence.startswith("Within MM bone marrow (BM) stromal cell supernatants, TNF-α induces")
    assert claim.sentence[claim.target_start : claim.target_end] == "TNF-α"
    assert "stromal cell" in claim.sentence[claim.agent_start : claim.agent_end]
    assert (claim.trigger_start, claim.trigger_end) == (0, 0)  # the extractor relates them by no word here
    # A tag the sentence does not name (the curator reads it there) is added, unmarked.
    hedged = review.add_claim(
        paper,
        people.curator,
        sentence=STROMAL,
        agent=tag("il-6"),
        relation="increases",
        target=tag("jak-stat"),
        hedged=True,
    )
    assert hedged.sentence[hedged.agent_start : hedged.agent_end] == "interleukin-6"
    assert (hedged.target_start, hedged.target_end) == (0, 0)
    tags = tags_of(paper)
    assert {slug: tags[slug] for slug in ("bmsc", "tnf-a", "il-6", "jak-stat")} == {
        "bmsc": ("confirmed", "tagger"),
        "tnf-a": ("confirmed", "tagger"),
        "il-6": ("confirmed", "tagger"),
        "jak-stat": ("confirmed", "curator"),
    }
    added = PaperTag.objects.get(paper=paper, tag__slug="jak-stat")
    assert (added.evidence, added.evidence_field) == (hedged.sentence, "abstract")
    assert tags["nf-kb"] == ("suggested", "tagger")  # tags the claims do not name are left alone
    events = [(e.kind, e.user, e.summary) for e in PaperEvent.objects.filter(paper=paper).order_by("pk")]
    assert events == [
        ("tag", people.curator, "Confirmed tag Bone-marrow stromal cells"),
        ("tag", people.curator, "Confirmed tag TNF-α"),
        ("claim", people.curator, "Added claim “Bone-marrow stromal cells produces TNF-α” by hand"),
        ("tag", people.curator, "Confirmed tag IL-6"),
        ("tag", people.curator, "Added tag JAK–STAT signalling"),
        ("claim", people.curator, "Added claim “IL-6 increases JAK–STAT signalling” (hedged) by hand"),
    ]
    assert PaperEvent.objects.filter(kind="claim").order_by("pk").first().changes == {
        "Bone-marrow stromal cells produces TNF-α": [None, "confirmed"],
        "sentence": [None, f"abstract: {claim.sentence}"],
    }


def test_adding_by_hand_corrects_the_readers_claim_of_the_same_type(imported):
    people, paper = imported
    read = Claim.objects.get()
    assert (read.agent.slug, read.relation, read.target.slug, read.source) == (
        "tnf-a",
        "increases",
        "nf-kb",
        "extractor",
    )
    negation = {"sentence": STROMAL, "agent": read.agent, "relation": "increases", "target": read.target}
    review.add_claim(paper, people.curator, **negation, negated=True)
    assert claims_of(paper) == {("tnf-a", "increases", "nf-kb"): ("confirmed", "curator", True, False)}
    corrected = Claim.objects.get()
    assert corrected.sentence[corrected.trigger_start : corrected.trigger_end] == "induces"  # as the extractor read it
    changes = PaperEvent.objects.get(kind="claim").changes
    assert changes["TNF-α increases NF-κB"] == ["suggested", "confirmed"]
    assert changes["sentence"] == [f"abstract: {read.sentence}", f"abstract: {corrected.sentence}"]
    with pytest.raises(CurationError, match="already confirmed with this sentence"):
        review.add_claim(paper, people.curator, **negation, negated=True)


def test_adding_by_hand_is_refused_when_a_rule_forbids_it_and_changes_nothing(imported, django_user_model):
    people, paper = imported
    outsider = django_user_model.objects.create_user("outsider", is_staff=True)
    given = {"sentence": STROMAL, "agent": tag("bmsc"), "relation": "produces", "target": tag("tnf-a")}
    for user, change, message in (
        (outsider, {}, "You may not review claims."),
        (None, {}, "You may not review claims."),
        (people.curator, {"relation": "causes"}, "Unknown relation “causes”."),
        (people.curator, {"target": tag("bmsc")}, "two different tags"),
        (people.curator, {"sentence": "abstract:435"}, "Choose a sentence of the paper's title or abstract."),
        (people.curator, {"sentence": "keywords:0"}, "Choose a sentence"),
    ):
        with pytest.raises(CurationError, match=message):
            review.add_claim(paper, user, **{**given, **change})
    assert claims_of(paper) == {("tnf-a", "increases", "nf-kb"): ("suggested", "extractor", False, False)}
    assert tags_of(paper)["bmsc"] == ("suggested", "tagger") and not PaperEvent.objects.exists()


def test_claims_added_by_hand_survive_a_reimport_and_retag(imported):
    people, paper = imported
    review.add_claim(
        paper, people.curator, sentence=STROMAL, agent=tag("il-6"), relation="increases", target=tag("jak-stat")
    )
    review.add_claim(
        paper,
        people.curator,
        sentence=STROMAL,
        agent=tag("tnf-a"),
        relation="increases",
        target=tag("nf-kb"),
        hedged=True,
    )
    kept = claims_of(paper)
    assert kept == {
        ("il-6", "increases", "jak-stat"): ("confirmed", "curator", False, False),
        ("tnf-a", "increases", "nf-kb"): ("confirmed", "curator", False, True),
    }
    # PubMed's text differs from what is stored, so the import reads the paper again.
    Paper.objects.filter(pk=paper.pk).update(abstract="", pubmed_hash="")
    out = io.StringIO()
    call_command("import_pubmed", TNF_PAPER, stdout=out)
    assert "updated 1" in out.getvalue()
    assert claims_of(paper) == kept
    call_command("retag", stdout=io.StringIO())
    assert claims_of(paper) == kept
    # Even when the text no longer states them.
    Paper.objects.filter(pk=paper.pk).update(abstract="Nothing here.")
    call_command("retag", "--pmid", str(TNF_PAPER), stdout=io.StringIO())
    assert claims_of(paper) == kept
    assert tags_of(paper)["jak-stat"] == ("confirmed", "curator")


# --- the public paper page --------------------------------------------------------------------


@pytest.fixture
def stated(taxonomy):
    """An approved paper with a claim of each status, and a pending paper with a confirmed one."""
    sentence = "<script>x</script> RANKL induces osteoclasts."
    papers = {
        status: Paper.objects.create(pmid=pmid, title=sentence, status=status)
        for pmid, status in ((1, "approved"), (2, "pending"))
    }
    spans = {
        "agent_start": 19,
        "agent_end": 24,
        "trigger_start": 25,
        "trigger_end": 32,
        "target_start": 33,
        "target_end": 44,
    }
    made = {}
    for paper, agent, relation, target, status in (
        (papers["approved"], "rankl", "increases", "osteoclasts", "confirmed"),
        (papers["approved"], "rankl", "binds", "rank", "suggested"),
        (papers["approved"], "opg", "decreases", "rankl", "rejected"),
        (papers["pending"], "rankl", "increases", "osteoclastogenesis", "confirmed"),
    ):
        made[agent, relation, target] = Claim.objects.create(
            paper=paper,
            agent=tag(agent),
            relation=relation,
            target=tag(target),
            status=status,
            field="title",
            sentence=sentence,
            **spans,
        )
    return papers


def test_the_paper_page_lists_its_public_claims_marked_escaped_and_linked(client, stated):
    page = client.get("/papers/1/").content.decode()
    claims = page[page.index('id="claims-heading"') :]
    claims = claims[: claims.index("</section>")]
    assert "RANKL increases Osteoclasts" in claims
    assert (
        '&lt;script&gt;x&lt;/script&gt; <mark class="claim-agent">RANKL</mark> '
        '<mark class="claim-trigger">induces</mark> <mark class="claim-target">osteoclasts</mark>.'
    ) in claims
    assert "<script>x" not in page
    assert 'href="/mechanisms/?agent=rankl&amp;relation=increases&amp;target=osteoclasts"' in claims
    assert 'href="/tags/rankl/mechanisms/"' in claims and 'href="/tags/osteoclasts/mechanisms/"' in claims
    # Never a suggested or rejected claim, nor a claim of a paper that is not approved.
    assert "binds" not in claims and "OPG" not in claims
    assert claims.count("<li>") == 1
    assert client.get("/papers/2/").status_code == 404
    Claim.objects.filter(paper__pmid=1, status="confirmed").update(status="rejected")
    assert 'id="claims-heading"' not in client.get("/papers/1/").content.decode()


# --- the admin -----------------------------------------------------------------------------------


def test_the_moderation_queue_shows_each_papers_suggested_claims_in_one_query(
    client, imported, django_assert_max_num_queries
):
    people, paper = imported
    queue = reverse("admin:papers_pendingpaper_changelist")
    client.force_login(people.moderator)
    page = client.get(queue).content.decode()
    assert "Suggested claims" in page and "TNF-α increases NF-κB" in page
    review.reject_claim(Claim.objects.get(), people.curator)
    for n in range(20):
        other = Paper.objects.create(pmid=100 + n, title=f"Paper {n}")
        Claim.objects.create(paper=other, agent=tag("rankl"), relation="binds", target=tag("rank"), sentence="…")
    with django_assert_max_num_queries(10):  # the suggested claims: one; when the scores were made: one
        page = client.get(queue).content.decode()
    assert "TNF-α increases NF-κB" not in page and page.count("RANKL binds RANK") == 20


def test_the_paper_admin_page_adds_a_claim_by_hand_and_says_what_is_wrong(client, imported, django_user_model):
    people, paper = imported
    change = reverse("admin:papers_paper_change", args=[paper.pk])
    url = reverse("admin:papers_paper_add_claim", args=[paper.pk])
    client.force_login(people.curator)
    shown = client.get(change)
    page, form = shown.content.decode(), shown.context["claim_form"]
    # Below the paper's own form (and its claims), a form of its own.
    assert page.index('id="paper_form"') < page.index('id="claims-group"') < page.index('class="module add-claim"')
    assert [key for key, _ in form.fields["sentence"].choices][:2] == ["title:0", "abstract:0"]
    data = {
        "claim-sentence": STROMAL,
        "claim-agent": tag("bmsc").pk,
        "claim-relation": "produces",
        "claim-target": tag("bmsc").pk,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "two different tags" in refused.content.decode()
    refused = client.post(url, {**data, "claim-sentence": "abstract:1"})
    assert "Select a valid choice" in refused.content.decode()
    assert claims_of(paper) == {("tnf-a", "increases", "nf-kb"): ("suggested", "extractor", False, False)}
    response = client.post(url, {**data, "claim-target": tag("tnf-a").pk, "claim-hedged": "on"})
    assert response.status_code == 302 and response["Location"] == change
    assert claims_of(paper)[("bmsc", "produces", "tnf-a")] == ("confirmed", "curator", False, True)
    outsider = django_user_model.objects.create_user("outsider", is_staff=True)
    client.force_login(outsider)
    assert client.post(url, {**data, "claim-target": tag("il-6").pk}).status_code == 403
    assert len(claims_of(paper)) == 2


# --- the API -----------------------------------------------------------------------------------

STROMAL_TEXT = (
    "Within MM bone marrow (BM) stromal cell supernatants, TNF-α induces proteasomal degradation of TRAF2, "
    "noncanonical NF-κB, and downstream ERK signaling in MM cells, whereas interleukin-6 directly triggers "
    "ERK activation."
)
GIVEN = {
    "pmid": TNF_PAPER,
    "field": "abstract",
    "sentence": STROMAL_TEXT,
    "agent": "bmsc",
    "relation": "produces",
    "target": "tnf-a",
}


def post_claim(client, body, **headers):
    return client.post("/api/claims/", body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("who", "answer"),
    [
        ("anonymous", 401),
        ("staff without permissions", 403),
        ("not staff, with permissions", 403),
        ("curator", 201),
        ("moderator", 201),
    ],
)
def test_the_api_adds_claims_for_exactly_whom_the_admin_lets_review_them(
    client, imported, django_user_model, who, answer
):
    from django.contrib.auth.models import Permission

    people, paper = imported
    members = {
        "curator": people.curator,
        "moderator": people.moderator,
        "staff without permissions": django_user_model.objects.create_user("bare", is_staff=True),
        "not staff, with permissions": django_user_model.objects.create_user("outsider"),
    }
    members["not staff, with permissions"].user_permissions.add(Permission.objects.get(codename="change_papertag"))
    response = post_claim(client, GIVEN, **({} if who == "anonymous" else auth(members[who])))
    assert response.status_code == answer, response.content
    assert (("bmsc", "produces", "tnf-a") in claims_of(paper)) == (answer == 201)
    if answer == 201:
        body = response.json()
        assert {k: body[k] for k in ("pmid", "agent", "relation", "target", "negated", "hedged", "field")} == {
            "pmid": TNF_PAPER,
            "agent": "bmsc",
            "relation": "produces",
            "target": "tnf-a",
            "negated": False,
            "hedged": False,
            "field": "abstract",
        }
        assert body["sentence"][body["target_span"]["start"] : body["target_span"]["end"]] == "TNF-α"
        event = PaperEvent.objects.get(kind="claim")
        assert (event.user, event.summary) == (
            members[who],
            "Added claim “Bone-marrow stromal cells produces TNF-α” by hand",
        )
    else:
        assert not PaperEvent.objects.exists()


def test_the_api_refuses_bad_claims_naming_the_field_and_changes_nothing(client, imported):
    people, paper = imported
    headers = auth(people.curator)
    for change, name in (
        ({"pmid": 1}, "pmid"),
        ({"pmid": "x"}, "pmid"),
        ({"field": "keywords"}, "field"),
        ({"sentence": "TNF-α induces NF-κB."}, "sentence"),
        ({"field": "title"}, "sentence"),
        ({"agent": "nope"}, "agent"),
        ({"relation": "causes"}, "relation"),
        ({"target": "bmsc"}, "target"),
        ({"negated": "perhaps"}, "negated"),
    ):
        response = post_claim(client, {**GIVEN, **change}, **headers)
        assert response.status_code == 400 and name in response.json(), (change, response.content)
    response = post_claim(client, {k: v for k, v in GIVEN.items() if k != "sentence"}, **headers)
    assert response.status_code == 400 and "sentence" in response.json()
    assert claims_of(paper) == {("tnf-a", "increases", "nf-kb"): ("suggested", "extractor", False, False)}
    # Spaces and line breaks inside the sentence do not matter; the same claim twice is refused.
    spaced = {**GIVEN, "sentence": STROMAL_TEXT.replace(", ", ",\n  ")}
    assert post_claim(client, spaced, **headers).status_code == 201
    again = post_claim(client, spaced, **headers)
    assert again.status_code == 400 and "already confirmed" in again.json()["non_field_errors"][0]
    assert PaperEvent.objects.filter(kind="claim").count() == 1
    # The GET stays public.
    assert client.get("/api/claims/").status_code == 200
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/claims/"]["post"]
    assert set(post["responses"]) >= {"201", "400", "401", "403"}
    assert post["security"] == schema["paths"]["/api/imports/"]["post"]["security"]  # a token, or the admin's session
    assert schema["paths"]["/api/claims/"]["get"]["security"] == [{}]
