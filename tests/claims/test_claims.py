"""Mechanism claims: the extractor on real sentences (direction, passives, nominalisations,
negation, hedging), its figures on the labelled set, and the claims' lifecycle — suggested on
import and retag, never re-suggested once rejected, never removed once confirmed, reviewed only
by those who may review tags, every decision audited, exported as JSON lines."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from papers.catalogue.models import Paper
from papers.claims import review
from papers.claims.extraction import ClaimExtractor
from papers.claims.models import Claim
from papers.claims.quality import evaluate, labelled, taxonomy_tagger
from papers.curation.models import PaperEvent
from papers.curation.services import CurationError
from papers.tagging.matcher import Tagger, TagTerms
from tests.support.claims import read

TNF_PAPER = 34088671  # a demo record: "TNF-α induces proteasomal degradation of TRAF2, noncanonical NF-κB, …"


def test_active_voice_reads_the_subject_as_agent(extractor):
    sentence = (
        "Within MM bone marrow (BM) stromal cell supernatants, TNF-α induces proteasomal degradation of TRAF2, "
        "noncanonical NF-κB, and downstream ERK signaling in MM cells, whereas interleukin-6 directly triggers "
        "ERK activation."
    )
    assert read(extractor, sentence) == {("tnf-a", "increases", "nf-kb"): (False, False)}
    # "by reducing": the agent is the clause's subject.
    assert read(extractor, "Zoledronic acid impairs oral cancer stem cells by reducing CCL3.") == {
        ("bisphosphonates", "decreases", "mip-1a"): (False, False)
    }


def test_passives_and_compounds_read_the_agent_after_by_or_before_the_hyphen(extractor):
    passive = (
        "Glaucocalyxin A suppresses osteoclastogenesis induced by RANKL and osteoporosis induced by "
        "ovariectomy by inhibiting the NF-κB and Akt pathways."
    )
    assert read(extractor, passive) == {("rankl", "increases", "osteoclastogenesis"): (False, False)}
    participle = (
        "In this study, we report that GSD-1, a structurally-related synthetic GS derivative, strongly "
        "inhibits NF-κB activation induced by TNF-α."
    )
    assert read(extractor, participle) == {("tnf-a", "increases", "nf-kb"): (False, False)}
    compound = (
        "IL-10, also an inhibitory cytokine, suppresses the receptor activator of nuclear factor κB (NF-κB) "
        "ligand (RANKL)-induced osteoclast differentiation."
    )
    assert read(extractor, compound) == {("rankl", "increases", "osteoclastogenesis"): (False, False)}
    # IL1β heads a participle phrase of its own ("secreted by …"): it is no second agent of "produced by".
    produced = (
        "Here, we found that tumor necrosis factor α (TNFα) produced by CAR-T cells upon tumor recognition and "
        "interleukin 1β (IL1β) secreted by activated myeloid cells were the main cytokines in inducing "
        "endothelial activation."
    )
    assert read(extractor, produced) == {("car-t", "produces", "tnf-a"): (False, False)}


def test_a_participle_with_its_source_modifies_the_name_before_it(extractor):
    # "sRANKL released from osteogenic cells": no "RANKL produces osteoblasts"; the subject of
    # "binds" is sRANKL, not the cells the clause names.
    sentence = (
        "Even though soluble RANKL (sRANKL) and membrane-bound RANKL (mRANKL) both stimulate osteoclast "
        "formation in vitro, their biological roles are different. mRANKL triggers osteoclastogenesis by "
        "binding to RANK through cell-cell interaction; however, sRANKL released from osteogenic cells binds "
        "to RANK without cell-cell interaction."
    )
    assert read(extractor, sentence) == {
        ("rankl", "increases", "osteoclastogenesis"): (False, False),
        ("rankl", "binds", "rank"): (False, False),
    }


def test_the_treatment_of_an_agentless_passive_is_its_agent(extractor):
    sentence = (
        "In this study, we found that ICAM-1 and VCAM-1 expression was induced when GBM cells were treated with "
        "IL-1β, and that adhesive interaction between monocytes and GBM cells increased accordingly."
    )
    assert read(extractor, sentence) == {("il-1b", "increases", "vcam-1"): (False, False)}


def test_nominalisation_reads_inhibition_of_x_by_y_the_right_way_round():
    tagger = Tagger(
        [
            TagTerms("allopurinol", ("allopurinol",)),
            TagTerms("xanthine-oxidase", ("xanthine oxidase",)),
            TagTerms("azathioprine", ("azathioprine",)),
        ]
    )
    sentence = (
        "When allopurinol and azathioprine are administered simultaneously, high 6-mercaptopurine "
        "concentrations in plasma may be expected because of inhibition of xanthine oxidase activity by "
        "allopurinol."
    )
    claims = ClaimExtractor(tagger).claims(sentence)
    assert [(c.key, c.negated, c.hedged) for c in claims] == [
        (("allopurinol", "decreases", "xanthine-oxidase"), False, True)
    ]
    claim = claims[0]
    assert sentence[slice(*claim.agent_span)] == "allopurinol" and claim.agent_span[0] > 100  # the one after "by"
    assert sentence[slice(*claim.target_span)] == "xanthine oxidase"
    assert sentence[slice(*claim.trigger_span)] == "inhibition"


def test_negation_is_flagged_and_kept_to_its_own_verb(extractor):
    tagger = Tagger(
        [TagTerms(slug, (slug,)) for slug in ("cortisol", "dexamethasone", "triamcinolone acetonide")]
        + [TagTerms("androgen", ("androgen",))]
    )
    sentence = (
        "Cortisol, dexamethasone, and triamcinolone acetonide do not inhibit the androgen binding in vivo or in vitro."
    )
    assert read(ClaimExtractor(tagger), sentence) == {
        (agent, "decreases", "androgen"): (True, False)
        for agent in ("cortisol", "dexamethasone", "triamcinolone acetonide")
    }
    # "did not influence X, but induced Y": the negation is the first verb's.
    sentence = (
        "TNFα did not influence proliferation or extracellular matrix expression in chondrocytes, but induced "
        "matrix metalloproteinase (MMP)1, 3 and 13 expression levels in chondrocytes, which was accompanied by "
        "activation of nuclear factor-κB signaling."
    )
    assert read(extractor, sentence) == {("tnf-a", "increases", "mmps"): (False, False)}


def test_hedging_is_flagged(extractor):
    sentence = (
        "The present study suggests that IL-1β-induced protein expression of ICAM-1 and VCAM-1 in GBM may "
        "modulate the adhesive interaction between GBM and monocytes."
    )
    assert read(extractor, sentence) == {("il-1b", "increases", "vcam-1"): (False, True)}


def test_what_is_no_claim_gives_none(extractor):
    for sentence in (
        # the agent is an inhibitor of NF-κB, not NF-κB
        "Treatment with the NF-κB pathway inhibitor suppressed both IL-6 and IL-8 expression (P < 0.05), whereas "
        "inhibitors of the MAPK pathway (SB203580 and SP600125) did not.",
        # a passive without its agent
        "On the other hand, TBARS and TNF-α levels were reduced and NF-kB/p65 and TLR-4 expressions were decreased "
        "together with increase in total -SH levels among CLP + FOS (500 mg/kg i.p.) rats.",
        # correlation
        "Expression level of DKK1 is positively correlated with infiltrating levels of myeloid-derived suppressor "
        "cells (MDSCs) in 20 types of cancers, while negatively associated with CD8+ T cells in 4 of these 20 cancer types.",  # noqa: E501
    ):
        assert read(extractor, sentence) == {}


def test_the_labelled_set_meets_the_targets_and_beats_the_naive_baseline():
    ours, naive = evaluate(labelled(), taxonomy_tagger())
    assert ours.true_positives + ours.false_negatives == 76
    # Floors just under the figures of the grown set (docs/claims.md, 2026-12-06), so a change to
    # the reader cannot lose ground unseen; issue 30's target is on the held-out third.
    assert ours.precision >= 0.60 and ours.recall >= 0.50, ours.mistakes
    assert naive.precision < 0.5 < ours.precision
    out = io.StringIO()
    call_command("claim_quality", stdout=out)
    overall = out.getvalue().splitlines()[-1].split()
    assert overall[:3] == ["all", "799", "76"] and float(overall[3]) == round(ours.precision, 2)


def test_claim_quality_lists_the_mistakes_of_one_split():
    split_of = {row["id"]: row["split"] for row in labelled()}
    listed = {}
    for split in ("dev", "held-out", "all"):
        out = io.StringIO()
        call_command("claim_quality", "--mistakes", "--split", split, stdout=out)
        listed[split] = out.getvalue().splitlines()[4:]  # after the header and the three rows
        assert all(split in ("all", split_of[int(line.split()[0][1:])]) for line in listed[split])
    assert sorted(listed["all"]) == sorted(listed["dev"] + listed["held-out"])
    assert len(listed["all"]) == len(evaluate(labelled(), taxonomy_tagger())[0].mistakes)


# --- lifecycle -------------------------------------------------------------------------------


def claims_of(pmid):
    return {
        (c.agent.slug, c.relation, c.target.slug): c.status
        for c in Claim.objects.filter(paper__pmid=pmid).select_related("agent", "target")
    }


@pytest.fixture
def imported(taxonomy, eutils, staff):
    call_command("import_pubmed", TNF_PAPER, stdout=io.StringIO())
    return staff, Paper.objects.get(pmid=TNF_PAPER)


def test_import_suggests_claims_with_sentence_and_spans(imported):
    _, paper = imported
    assert claims_of(TNF_PAPER) == {("tnf-a", "increases", "nf-kb"): "suggested"}
    claim = Claim.objects.get()
    assert claim.sentence[claim.agent_start : claim.agent_end] == "TNF-α"
    assert claim.sentence[claim.target_start : claim.target_end] == "NF-κB"
    assert claim.sentence[claim.trigger_start : claim.trigger_end] == "induces"
    from papers.catalogue.markup import to_text

    assert to_text(paper.abstract)[claim.sentence_start : claim.sentence_end] == claim.sentence
    assert '<mark class="claim-agent">TNF-α</mark> <mark class="claim-trigger">induces</mark>' in claim.sentence_html()


def test_rejected_claim_stays_rejected_after_reimport_and_retag(imported):
    people, paper = imported
    review.reject_claim(Claim.objects.get(), people.curator)
    # PubMed's text differs from what is stored, so the import re-reads the paper.
    Paper.objects.filter(pk=paper.pk).update(abstract="", pubmed_hash="")
    out = io.StringIO()
    call_command("import_pubmed", TNF_PAPER, stdout=out)
    assert "updated 1" in out.getvalue()
    assert claims_of(TNF_PAPER) == {("tnf-a", "increases", "nf-kb"): "rejected"}
    call_command("retag", stdout=io.StringIO())
    assert claims_of(TNF_PAPER) == {("tnf-a", "increases", "nf-kb"): "rejected"}


def test_confirmed_claim_stays_when_the_text_no_longer_states_it_and_suggestions_are_withdrawn(imported):
    people, paper = imported
    claim = Claim.objects.get()
    review.confirm_claim(claim, people.curator)
    Paper.objects.filter(pk=paper.pk).update(abstract="")
    call_command("retag", "--pmid", str(TNF_PAPER), stdout=io.StringIO())
    assert claims_of(TNF_PAPER) == {("tnf-a", "increases", "nf-kb"): "confirmed"}
    review.reject_claim(claim, people.curator)
    review.confirm_claim(claim, people.curator)  # a rejected claim may be confirmed after all
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.SUGGESTED)
    call_command("retag", "--pmid", str(TNF_PAPER), stdout=io.StringIO())
    assert claims_of(TNF_PAPER) == {}  # the extractor no longer suggests it


def test_review_takes_the_tag_review_permission_and_is_audited(imported, django_user_model):
    people, paper = imported
    claim = Claim.objects.get()
    outsider = django_user_model.objects.create_user("outsider", is_staff=True)
    for attempt in (
        lambda: review.confirm_claim(claim, outsider),
        lambda: review.reject_claim(claim, None),
        lambda: review.correct_claim(claim, outsider, swap=True),
    ):
        with pytest.raises(CurationError, match="You may not review claims."):
            attempt()
    assert claims_of(TNF_PAPER) == {("tnf-a", "increases", "nf-kb"): "suggested"}
    review.confirm_claim(claim, people.curator)
    with pytest.raises(CurationError, match="“TNF-α increases NF-κB” is already confirmed."):
        review.confirm_claim(claim, people.moderator)
    event = PaperEvent.objects.get(paper=paper)
    assert (event.kind, event.user, event.summary, event.changes) == (
        "claim",
        people.curator,
        "Confirmed claim “TNF-α increases NF-κB”",
        {"TNF-α increases NF-κB": ["suggested", "confirmed"]},
    )


def test_correcting_rejects_the_reading_and_confirms_the_corrected_claim(imported):
    people, paper = imported
    claim = Claim.objects.get()
    with pytest.raises(CurationError, match="changes nothing"):
        review.correct_claim(claim, people.curator, relation="increases")
    with pytest.raises(CurationError, match="Unknown relation"):
        review.correct_claim(claim, people.curator, relation="causes")
    swapped = review.correct_claim(claim, people.curator, swap=True)
    assert claims_of(TNF_PAPER) == {
        ("tnf-a", "increases", "nf-kb"): "rejected",
        ("nf-kb", "increases", "tnf-a"): "confirmed",
    }
    assert swapped.source == "curator" and swapped.sentence == claim.sentence
    assert swapped.sentence[swapped.agent_start : swapped.agent_end] == "NF-κB"
    relation = review.correct_claim(swapped, people.curator, relation="decreases")
    assert claims_of(TNF_PAPER)[("nf-kb", "decreases", "tnf-a")] == "confirmed"
    assert relation.reviewed_by == people.curator
    assert [e.summary for e in PaperEvent.objects.filter(paper=paper).order_by("pk")] == [
        "Corrected claim “TNF-α increases NF-κB” to “NF-κB increases TNF-α”",
        "Corrected claim “NF-κB increases TNF-α” to “NF-κB decreases TNF-α”",
    ]
    # Re-reading the paper suggests nothing again: the reading stays rejected.
    call_command("retag", stdout=io.StringIO())
    assert claims_of(TNF_PAPER)[("tnf-a", "increases", "nf-kb")] == "rejected"


def test_bulk_review_decides_one_claim_type_across_papers(taxonomy, staff):
    from papers.catalogue.models import Tag

    tags = {slug: Tag.objects.get(slug=slug) for slug in ("dkk1", "wnt-signalling", "rankl")}
    papers = [Paper.objects.create(pmid=pmid, title="DKK-1 inhibits Wnt signalling.") for pmid in (1, 2, 3)]
    for paper in papers:
        Claim.objects.create(
            paper=paper, agent=tags["dkk1"], relation="decreases", target=tags["wnt-signalling"], sentence=paper.title
        )
    other = Claim.objects.create(
        paper=papers[0], agent=tags["rankl"], relation="increases", target=tags["wnt-signalling"], sentence="…"
    )
    review.confirm_claim(Claim.objects.get(paper=papers[2], agent=tags["dkk1"]), staff.curator)
    one_type = Claim.objects.filter(agent=tags["dkk1"], relation="decreases", target=tags["wnt-signalling"])
    assert review.decide_claims(one_type, staff.curator, Claim.Status.CONFIRMED) == 2
    assert set(one_type.values_list("status", flat=True)) == {"confirmed"}
    other.refresh_from_db()
    assert other.status == "suggested"
    assert PaperEvent.objects.filter(kind="claim").count() == 3


def test_public_claims_are_confirmed_claims_of_approved_papers(taxonomy):
    from papers.catalogue.models import Tag

    rankl, osteoclasts = Tag.objects.get(slug="rankl"), Tag.objects.get(slug="osteoclasts")
    made = {}
    for pmid, paper_status, status in (
        (1, "approved", "confirmed"),
        (2, "approved", "suggested"),
        (3, "approved", "rejected"),
        (4, "pending", "confirmed"),
    ):
        paper = Paper.objects.create(pmid=pmid, title="RANKL induces osteoclasts.", status=paper_status)
        made[pmid] = Claim.objects.create(
            paper=paper, agent=rankl, relation="increases", target=osteoclasts, sentence=paper.title, status=status
        )
    assert list(Claim.objects.public()) == [made[1]]


def test_export_claims_writes_json_lines(imported):
    out = io.StringIO()
    call_command("export_claims", "--status", "suggested", "--pmid", str(TNF_PAPER), stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in ("pmid", "field", "agent", "relation", "target", "negated", "hedged", "status")} == {
        "pmid": TNF_PAPER,
        "field": "abstract",
        "agent": "tnf-a",
        "relation": "increases",
        "target": "nf-kb",
        "negated": False,
        "hedged": False,
        "status": "suggested",
    }
    assert row["sentence"].startswith("Within MM bone marrow") and row["end"] - row["start"] == len(row["sentence"])
    out = io.StringIO()
    call_command("export_claims", "--status", "confirmed", stdout=out)
    assert out.getvalue() == ""
    with pytest.raises(CommandError, match="Not in the collection: 7"):
        call_command("export_claims", "--pmid", "7", stdout=io.StringIO())


# --- review in the admin ---------------------------------------------------------------------


def claim_row(data):
    return next(key[: -len("-id")] for key in data if key.startswith("claims-") and key.endswith("-id"))


def decide_on_the_paper_page(client, paper, decision):
    from tests.support.papers import post_paper_form

    def change(data):
        data[claim_row(data) + "-decision"] = decision

    return post_paper_form(client, paper, change)


def test_paper_page_shows_claims_beside_tags_with_the_sentence_marked_and_escaped(client, imported):
    from django.urls import reverse

    people, paper = imported
    Claim.objects.update(
        sentence="<b>TNF-α</b> induces NF-κB.",
        agent_start=3,
        agent_end=8,
        trigger_start=13,
        trigger_end=20,
        target_start=21,
        target_end=26,
    )
    client.force_login(people.curator)
    page = client.get(reverse("admin:papers_paper_change", args=[paper.pk])).content.decode()
    import re

    inlines = re.findall(r'<h2[^>]*id="[\w-]+-heading"[^>]*>\s*([^<]+?)\s*<', page)
    assert inlines[inlines.index("Paper tags") :] == ["Paper tags", "Claims", "History", "Add a claim by hand"]
    assert (
        '&lt;b&gt;<mark class="claim-agent">TNF-α</mark>&lt;/b&gt; <mark class="claim-trigger">induces</mark> '
        '<mark class="claim-target">NF-κB</mark>.'
    ) in page


def test_decisions_on_the_paper_page_go_through_review(client, imported):
    people, paper = imported
    client.force_login(people.curator)
    assert decide_on_the_paper_page(client, paper, "swap").status_code == 302
    assert claims_of(TNF_PAPER) == {
        ("tnf-a", "increases", "nf-kb"): "rejected",
        ("nf-kb", "increases", "tnf-a"): "confirmed",
    }
    assert PaperEvent.objects.filter(kind="claim", user=people.curator).count() == 1
    # The page lists both now; rejecting the first row again is refused and changes nothing.
    response = decide_on_the_paper_page(client, paper, "reject")
    assert response.status_code == 200 and "Already rejected." in response.content.decode()
    assert PaperEvent.objects.filter(kind="claim").count() == 1


def test_bulk_review_in_the_admin_takes_the_tag_review_permission(client, imported, django_user_model):
    from django.urls import reverse

    people, paper = imported
    url = reverse("admin:papers_claim_changelist")
    claim = Claim.objects.get()
    outsider = django_user_model.objects.create_user("outsider", is_staff=True)
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(people.curator)
    listing = client.get(url, {"status__exact": "suggested"}).content.decode()
    assert "suggested of this type" in listing and '<mark class="claim-trigger">induces</mark>' in listing
    response = client.post(url, {"action": "confirm_claims", "_selected_action": [claim.pk]})
    assert response.status_code == 302
    assert claims_of(TNF_PAPER) == {("tnf-a", "increases", "nf-kb"): "confirmed"}
    assert PaperEvent.objects.get(kind="claim").user == people.curator


# --- API and exports ---------------------------------------------------------------------------

PENDING = 33933570  # a claim record left pending: its confirmed claims are never public


@pytest.fixture
def public_claims(taxonomy):
    """The demo's claim records, approved but one, with the curated claims confirmed and one of
    them rejected again; the rest stay suggested."""
    from papers.claims.demo import confirm_demo_claims, record_files
    from tests.support.papers import set_status

    call_command("import_pubmed", "--from-xml", *map(str, record_files()), stdout=io.StringIO())
    set_status(Paper.objects.exclude(pmid=PENDING), Paper.Status.APPROVED)
    confirm_demo_claims()
    Claim.objects.filter(paper__pmid=33155662).update(status=Claim.Status.REJECTED)
    public = Claim.objects.public()
    assert 15 < public.count() < Claim.objects.filter(status="confirmed").count() < Claim.objects.count()
    return public


def test_api_lists_public_claims_with_the_finders_filters(client, public_claims):
    body = client.get("/api/claims/").json()
    assert body["total"] == public_claims.count() == len(body["results"])
    assert {(r["pmid"], r["agent"], r["relation"], r["target"]) for r in body["results"]} == {
        (c.paper.pmid, c.agent.slug, c.relation, c.target.slug)
        for c in public_claims.select_related("paper", "agent", "target")
    }
    assert PENDING not in {r["pmid"] for r in body["results"]} and 33155662 not in {r["pmid"] for r in body["results"]}
    rankl = client.get(
        "/api/claims/", {"agent": "rankl", "relation": "increases", "target": "osteoclastogenesis"}
    ).json()
    assert rankl["total"] == public_claims.filter(agent__slug="rankl", target__slug="osteoclastogenesis").count() == 3
    first = rankl["results"][0]
    assert first["sentence"][first["agent_span"]["start"] : first["agent_span"]["end"]] in ("RANKL", "sRANKL")
    assert client.get("/api/claims/", {"page": 2}).json()["results"] == []
    for bad, name in (
        ({"relation": "causes"}, "relation"),
        ({"page": "0"}, "page"),
        ({"who": "x"}, "who"),
        ({"agent": "not a slug"}, "agent"),
    ):
        response = client.get("/api/claims/", bad)
        assert response.status_code == 400 and name in response.json(), bad
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    names = {p["name"] for p in schema["paths"]["/api/claims/"]["get"]["parameters"]}
    assert names == {"agent", "relation", "target", "myeloma", "organism", "page", "page_size"}


def test_paper_api_shows_the_papers_confirmed_claims_only(client, public_claims):
    mine = Claim.objects.filter(paper__pmid=34052656, status="confirmed").order_by("pk")
    first, *rest = mine
    assert rest, "the paper needs two confirmed claims"
    Claim.objects.filter(pk=first.pk).update(status=Claim.Status.SUGGESTED)  # a suggestion awaiting review
    claims = client.get("/api/papers/34052656/").json()["claims"]
    assert [(c["agent"], c["relation"], c["target"]) for c in claims] == [
        (c.agent.slug, c.relation, c.target.slug) for c in rest
    ]
    assert client.get(f"/api/papers/{PENDING}/").status_code == 404


def test_claims_export_as_csv_sif_and_graphml(client, public_claims):
    import csv

    import networkx

    rows = list(csv.DictReader(io.StringIO(client.get("/mechanisms/export.csv").content.decode())))
    assert len(rows) == public_claims.count()
    assert {int(row["pmid"]) for row in rows} == set(public_claims.values_list("paper__pmid", flat=True))
    assert rows[0]["paper_url"].startswith("http://testserver/papers/")
    sif = client.get("/mechanisms/export.sif", {"target": "nf-kb"}).content.decode().splitlines()
    assert sorted(sif) == sorted(
        {
            f"{a}\t{r}\tnf-kb"
            for a, r in public_claims.filter(target__slug="nf-kb").values_list("agent__slug", "relation")
        }
    )
    response = client.get("/mechanisms/export.graphml")
    assert response["Content-Type"].startswith("application/graphml+xml")
    graph = networkx.parse_graphml(response.content.decode())
    triples = set(public_claims.values_list("agent__slug", "relation", "target__slug"))
    assert {(a, data["relation"], b) for a, b, data in graph.edges(data=True)} == triples
    assert graph.nodes["rankl"]["name"] == "RANKL"
    papers = {(a, data["relation"], b): data["papers"] for a, b, data in graph.edges(data=True)}
    assert papers[("rankl", "increases", "osteoclastogenesis")] == 3
    assert client.get("/mechanisms/export.sif", {"agent": "nope"}).status_code == 400
    assert client.get("/mechanisms/export.xls").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_claim_decision_reaches_the_cached_maps_at_once(client, taxonomy, page_cache, django_user_model):
    """The maps are cached until the collection changes: papers_claim renews the token as the
    tables of tags do, whatever writes it (review, raw SQL). These writes commit, as the app's do."""
    from django.db import connection

    from papers.catalogue.models import Tag
    from papers.site.page_cache import HEADER

    boss = django_user_model.objects.create_superuser("boss", password="boss-pass")
    paper = Paper.objects.create(pmid=5, title="RANKL induces osteoclasts.", status=Paper.Status.APPROVED)
    claim = Claim.objects.create(
        paper=paper,
        agent=Tag.objects.get(slug="rankl"),
        relation="increases",
        target=Tag.objects.get(slug="osteoclasts"),
        sentence=paper.title,
        agent_end=5,
        trigger_start=6,
        trigger_end=13,
        target_start=14,
        target_end=25,
    )
    url = "/tags/rankl/mechanisms/"
    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"
    review.confirm_claim(claim, boss)
    after = client.get(url)
    assert after[HEADER] == "miss" and [link.other.slug for link in after.context["found"].it_acts_on] == [
        "osteoclasts"
    ]
    assert client.get(url)[HEADER] == "hit"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE papers_claim SET status = 'rejected'")
    assert client.get(url).context["found"].it_acts_on == []
