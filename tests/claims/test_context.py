"""The context each claim is shown with (issue 30, item 5): the organisms its paper studies and
whether the paper is about myeloma (papers.catalogue.context). Stored on the paper by the import,
kept right by re-imports, hand edits and `retag`, filled for stored papers by migration 0027;
shown on the paper page and in the finder, and the finder's filters "in myeloma only" and
"in humans only", which anonymous visitors use on public claims only."""

import csv
import io

import pytest
from django.core.management import call_command

from papers.catalogue.context import Context, context_of
from papers.catalogue.models import Paper
from papers.claims import maps
from papers.claims.demo import record_files
from papers.claims.models import Claim
from papers.curation import services as curation
from tests.support.altered_records import FIVE, altered, sub
from tests.support.imports import run
from tests.support.papers import set_status
from tests.support.scratch import manage, printed


def mesh(*names: str) -> list[dict]:
    return [{"ui": "", "name": name, "major": False, "qualifiers": []} for name in names]


@pytest.mark.parametrize(
    ("title", "abstract", "headings", "expected"),
    [
        # MeSH's check tags decide when the paper has headings; a strain is its species.
        ("", "Patients and rats.", mesh("Humans", "Animals", "Mice, Inbred C57BL"), ("Humans, Mice", False)),
        ("", "", mesh("Animals", "Rats, Wistar", "Multiple Myeloma"), ("Rats", True)),
        ("", "", mesh("Animals", "Rabbits"), ("Other animals", False)),
        ("", "", mesh("Plasmacytoma", "Neoplasms"), ("", True)),
        # Without headings (not indexed yet), the words, whole, in any case, markup dropped.
        ("<i>Murine</i> bone", "In 12 patients with multiple myeloma.", [], ("Humans, Mice", True)),
        ("Zebrafish fins", "Humanized antibodies; a ratio.", [], ("Other animals", False)),
        ("Rat and zebrafish", "", [], ("Rats", False)),  # other animals only beside neither mice nor rats
        ("", "RAT-derived cells of PATIENTS with Plasmacytomas.", [], ("Humans, Rats", True)),
        # The word decides about myeloma whatever the headings say.
        ("Bone loss in myeloma", "", mesh("Humans"), ("Humans", True)),
        ("", "", [{"broken": True}], ("", False)),  # a stored heading of the wrong shape is no heading
    ],
)
def test_the_context_comes_from_the_mesh_check_tags_or_else_the_words(title, abstract, headings, expected):
    assert context_of(title, abstract, headings) == Context(*expected)


def stored(pmid: int) -> tuple[str, bool]:
    return tuple(Paper.objects.values_list("organisms", "about_myeloma").get(pmid=pmid))


MICE_PAPER, HUMANS_PAPER = 35196497, 33278872  # of the five recorded records
MYELOMA_HEADINGS = sub(
    rb"<MeshHeadingList>.*?</MeshHeadingList>",
    b'<MeshHeadingList><MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans</DescriptorName>'
    b'</MeshHeading><MeshHeading><DescriptorName UI="D009101" MajorTopicYN="Y">Multiple Myeloma</DescriptorName>'
    b"</MeshHeading></MeshHeadingList>",
)
NEW_TITLE = sub(rb"<ArticleTitle>", b"<ArticleTitle>Revised: ")


def test_the_import_stores_it_and_reimports_and_hand_edits_keep_it_right(taxonomy, staff, tmp_path):
    run("--from-xml", FIVE)
    assert (stored(MICE_PAPER), stored(HUMANS_PAPER)) == (("Mice", False), ("Humans", False))
    # PubMed indexes the first anew; a curator says the second is about myeloma in its abstract.
    curation.edit_paper(
        Paper.objects.get(pmid=HUMANS_PAPER), staff.superuser, {"abstract": "Notifiable diseases and myeloma."}
    )
    assert stored(HUMANS_PAPER) == ("Humans", True)
    changed = tmp_path / "changed.xml"
    changed.write_bytes(altered(r1=MYELOMA_HEADINGS, r2=NEW_TITLE))
    run("--from-xml", changed)
    # The re-import's new headings count; its abstract does not replace the curator's, nor
    # does the context PubMed's abstract would give.
    assert (stored(MICE_PAPER), stored(HUMANS_PAPER)) == (("Humans", True), ("Humans", True))
    assert Paper.objects.get(pmid=HUMANS_PAPER).pubmed_conflicts.keys() == {"abstract"}


def test_retag_brings_a_stored_context_up_to_date(taxonomy):
    run("--from-xml", FIVE)
    Paper.objects.update(organisms="", about_myeloma=True)  # as rules before today's would leave it
    call_command("retag", stdout=io.StringIO())
    assert (stored(MICE_PAPER), stored(HUMANS_PAPER)) == (("Mice", False), ("Humans", False))


STATE = (
    "import json; from papers.catalogue.models import Paper;"
    " print(json.dumps(list(Paper.objects.order_by('pmid').values_list('pmid', 'organisms', 'about_myeloma'))))"
)


def test_the_migration_fills_the_papers_already_stored(scratch_database):
    url = scratch_database(start="migrated")  # the suite's own database engine: CI runs the suite on both
    manage(url, "import_pubmed", "--from-xml", str(FIVE), *map(str, record_files()))
    imported = printed(url, STATE)
    manage(url, "migrate", "-v0", "papers", "0027_search_document_notice")
    manage(url, "migrate", "-v0")
    assert printed(url, STATE) == imported
    assert {(organisms, myeloma) for _, organisms, myeloma in imported} >= {("Mice", False), ("Humans", True)}


@pytest.fixture
def scoped(labelled):
    """The labelled claims, and what must stay hidden whatever the filters: a confirmed claim of
    a pending paper about myeloma in humans, and a suggested claim of an approved one."""
    myeloma = Claim.objects.public().filter(paper__about_myeloma=True).select_related("paper").first()
    hidden = Claim.objects.public().filter(paper__about_myeloma=False).exclude(paper=myeloma.paper).first()
    Paper.objects.filter(pk=hidden.paper_id).update(organisms="Humans", about_myeloma=True)
    set_status(Paper.objects.filter(pk=hidden.paper_id), Paper.Status.PENDING)
    suggested = Claim.objects.filter(pk=myeloma.pk).values()[0] | {"id": None, "relation": "binds"}
    Claim.objects.create(**suggested | {"status": Claim.Status.SUGGESTED})
    return myeloma


def test_the_finder_shows_each_sentences_context_and_keeps_papers_in_scope(scoped, client, monkeypatch):
    public = Claim.objects.public()
    myeloma, humans = public.filter(paper__about_myeloma=True), public.filter(paper__organisms__contains="Humans")
    for params, kept in (
        ({"myeloma": "only"}, myeloma),
        ({"organism": "humans"}, humans),
        ({"organism": "humans", "myeloma": "only"}, myeloma & humans),
    ):
        response = client.get("/mechanisms/", params)
        assert response.status_code == 200, params
        shown = {(claim.paper.pmid, claim.sentence) for s in response.context["statements"] for claim in s.sentences}
        assert shown == set(kept.values_list("paper__pmid", "sentence")), params
        assert 0 < response.context["total"] == kept.count() < public.count()
        export = client.get("/mechanisms/export.csv", params).content.decode()
        assert sorted(row["pmid"] for row in csv.DictReader(io.StringIO(export))) == sorted(
            str(pmid) for pmid in kept.values_list("paper__pmid", flat=True)
        )
    # Each sentence says where it comes from; the oral-cancer paper's zoledronic acid is not myeloma's.
    page = client.get("/mechanisms/", {"agent": "bisphosphonates"}).content.decode()
    assert '<span class="meta context">Humans · not about myeloma</span>' in page
    only = client.get("/mechanisms/", {"agent": "bisphosphonates", "myeloma": "only"}).content.decode()
    assert "says Bisphosphonates acts on anything in a paper about myeloma;" in only
    # A row's link to all its sentences keeps the papers in scope (a sentence a row, so that rows
    # of two claims have it).
    monkeypatch.setattr(maps, "SENTENCES", 1)
    rows = client.get("/mechanisms/", {"organism": "humans", "relation": "increases"}).content.decode()
    assert '&amp;organism=humans">all 2 sentences</a>' in rows


def test_the_api_filters_as_the_finder_does_and_gives_each_claims_context(scoped, client):
    public = Claim.objects.public()
    for params, kept in (
        ({"myeloma": "only"}, public.filter(paper__about_myeloma=True)),
        ({"organism": "mice"}, public.filter(paper__organisms__contains="Mice")),
    ):
        rows = client.get("/api/claims/", params | {"page_size": 100}).json()["results"]
        assert rows and sorted((row["pmid"], row["organisms"], row["about_myeloma"]) for row in rows) == sorted(
            kept.values_list("paper__pmid", "paper__organisms", "paper__about_myeloma")
        )


@pytest.mark.parametrize(("parameter", "value"), [("myeloma", "yes"), ("organism", "dogs"), ("organism", "Humans")])
def test_a_bad_filter_is_a_400_naming_the_parameter(scoped, client, parameter, value):
    for url in ("/mechanisms/", "/mechanisms/export.csv"):
        response = client.get(url, {parameter: value})
        assert response.status_code == 400 and f"({parameter}): Select a valid choice" in response.content.decode()
    response = client.get("/api/claims/", {parameter: value})
    assert response.status_code == 400 and list(response.json()) == [parameter]


def test_the_paper_page_shows_its_claims_context_and_the_names_as_written(labelled, client):
    page = client.get("/papers/33155662/").content.decode()
    claims = page.split('id="claims-heading"')[1].split("</section>")[0]
    assert 'Context: <span class="context">Humans · not about myeloma</span>' in claims
    assert "Bisphosphonates (Zoledronic acid) decreases MIP-1α (CCL3)" in claims
