"""The finder as researchers read it and the demo's claims: one row per agent, relation and
target with its papers and sentences; menus of the tags claims name, with counts; an empty
answer said in a sentence; the names a sentence gives beside the tag; and load_demo's claims
from the labelled set, confirmed or added by hand as a curator would, audited."""

import json

from papers.catalogue.models import Paper
from papers.claims.demo import LABELLED, confirm_demo_claims
from papers.claims.maps import SENTENCES, claim_menus, find_claims
from papers.claims.models import Claim
from papers.curation.models import PaperEvent


def test_the_demo_confirms_each_labelled_claim_of_its_papers_as_a_curator_would(labelled):
    wanted = {
        (sentence["pmid"], claim["agent"], claim["relation"], claim["target"], claim["negated"], claim["hedged"])
        for line in LABELLED.read_text().splitlines()
        for sentence in [json.loads(line)]
        for claim in sentence["claims"]
        if Paper.objects.filter(pmid=sentence["pmid"]).exists()
    }
    confirmed = Claim.objects.filter(status=Claim.Status.CONFIRMED)
    got = set(confirmed.values_list("paper__pmid", "agent__slug", "relation", "target__slug", "negated", "hedged"))
    # Each labelled claim once per paper (the first sentence stating it gives its flags).
    assert {claim[:4] for claim in wanted} == {claim[:4] for claim in got}
    assert labelled.confirmed + labelled.added == confirmed.count() and labelled.added > 0
    # Every decision is the demo moderator's, in the paper's history; added ones are the curator's own.
    assert not confirmed.exclude(reviewed_by__username="demo-moderator").exists()
    assert confirmed.filter(source=Claim.Source.CURATOR).count() == labelled.added
    events = PaperEvent.objects.filter(kind=PaperEvent.Kind.CLAIM)
    assert events.filter(summary__startswith="Added claim").count() == labelled.added
    assert events.filter(summary__startswith="Confirmed claim").count() == labelled.confirmed
    again = confirm_demo_claims()  # idempotent, as load_demo is
    assert (again.confirmed, again.added) == (0, 0)


def test_the_finder_gives_one_row_per_agent_relation_and_target(labelled, client):
    public = Claim.objects.public()
    statements, total, papers, more = find_claims(None, "", None)
    assert (total, papers, more) == (public.count(), public.values("paper").distinct().count(), False)
    keys = set(public.values_list("agent", "relation", "target", "negated"))
    assert sorted(statement.key for statement in statements) == sorted(keys)
    assert [s.papers for s in statements] == sorted((s.papers for s in statements), reverse=True)
    for statement in statements:
        same = public.filter(agent=statement.agent, relation=statement.relation, target=statement.target)
        assert statement.claims == same.count() and len(statement.sentences) == min(SENTENCES, same.count())
    # Narrowed to one agent, relation and target, every sentence shows.
    busiest = statements[0]
    (only,), _, _, _ = find_claims(busiest.agent, busiest.relation, busiest.target)
    assert len(only.sentences) == busiest.claims > SENTENCES


def test_the_menus_list_the_tags_claims_name_with_counts(labelled, client):
    agents, targets = claim_menus()
    public = Claim.objects.public()
    assert {tag.slug: n for tag, n in agents} == {
        slug: public.filter(agent__slug=slug).count() for slug in set(public.values_list("agent__slug", flat=True))
    }
    assert sum(n for _, n in targets) == public.count()
    page = client.get("/mechanisms/").content.decode()
    rankl = dict((tag.slug, n) for tag, n in agents)["rankl"]
    assert f'<option value="rankl">RANKL ({rankl})</option>' in page
    assert 'value="hypercalcaemia"' not in page.split('id="id_agent"')[1].split("</select>")[0]


def test_an_empty_answer_is_a_sentence_and_a_tag_without_claims_is_still_read(labelled, client):
    response = client.get("/mechanisms/", {"agent": "sclerostin", "relation": "binds"})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["total"] == 0
    assert '<p class="empty">No confirmed claim of an approved paper says Sclerostin binds anything' in page
    assert '<option value="sclerostin" selected>Sclerostin (0)</option>' in page and "<ol" not in page
    assert client.get("/mechanisms/", {"agent": "no-such-tag"}).status_code == 400


def test_the_finders_example_returns_claims(labelled, client):
    intro = client.get("/mechanisms/").content.decode().split("<h1>")[1].split("<form")[0]
    assert "?relation=increases&amp;target=osteoclastogenesis" in intro
    assert client.get("/mechanisms/", {"relation": "increases", "target": "osteoclastogenesis"}).context["total"] > 0


def test_the_names_a_sentence_gives_stand_beside_the_tag(labelled, client):
    page = client.get("/mechanisms/", {"agent": "bisphosphonates"}).content.decode()
    assert "Bisphosphonates</a> (Zoledronic acid) decreases" in page
