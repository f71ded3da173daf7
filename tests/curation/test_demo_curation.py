"""The demo as `load_demo` curates it (fixtures/DEMO.md): at least 90 % of the approved papers name
myeloma, and each that does not is one a curator kept for a reason (fixtures/demo_scope.json);
the rest rejected with a moderator's reason, recorded in their history; a handful left pending,
scored for the queue."""

import io
import json
import re
import statistics

import pytest
from django.core.management import call_command

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper
from papers.curation.models import PaperEvent, ScreeningScore
from papers.tagging.models import PaperTag
from tests.support.paths import ROOT

SCOPE = json.loads((ROOT / "fixtures" / "demo_scope.json").read_text())
WORD = re.compile(r"\bmyelom(a|as|atosis|atous)\b", re.I)


def names_myeloma(paper: Paper) -> bool:
    mesh = " ".join(heading["name"] for heading in paper.mesh_headings)
    return bool(WORD.search(" ".join([to_text(paper.title), to_text(paper.abstract), *paper.keywords, mesh])))


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_approved_demo_papers_are_about_myeloma_and_those_that_do_not_name_it_say_why(demo):
    approved = list(Paper.objects.public())
    not_naming = {paper.pmid: to_text(paper.title) for paper in approved if not names_myeloma(paper)}
    kept = {entry["pmid"]: entry["why"] for entry in SCOPE["kept"]}
    # Which approved papers do not name myeloma, and why each is in: the curator's reason.
    assert not_naming.keys() <= kept.keys(), {pmid: not_naming[pmid] for pmid in not_naming.keys() - kept.keys()}
    assert all(len(kept[pmid]) > 40 and "myeloma" in kept[pmid] for pmid in not_naming)
    assert (len(approved) - len(not_naming)) / len(approved) >= 0.9
    # Each kept paper carries a mechanism of the taxonomy, confirmed.
    confirmed = PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED, paper__pmid__in=not_naming)
    assert set(confirmed.values_list("paper__pmid", flat=True)) == set(not_naming)


def test_the_rest_is_rejected_by_a_moderator_with_a_reason_in_each_papers_history(demo):
    rejected = Paper.objects.filter(status=Paper.Status.REJECTED)
    assert rejected.count() > 250 and not [paper.pmid for paper in rejected if names_myeloma(paper)]
    assert set(rejected.values_list("status_reason", flat=True)) == {Paper.Reason.OFF_TOPIC}
    events = PaperEvent.objects.filter(paper__in=rejected, kind=PaperEvent.Kind.STATUS)
    assert events.count() == rejected.count()
    assert set(events.values_list("user__username", "reason")) == {("demo-moderator", Paper.Reason.OFF_TOPIC)}
    assert all(event.note and event.summary == "Rejected: Not about myeloma mechanisms" for event in events)
    approvals = PaperEvent.objects.filter(paper__status=Paper.Status.APPROVED, summary="Approved")
    assert approvals.count() == Paper.objects.public().count()


def test_a_handful_waits_in_the_queue_scored(demo):
    pending = list(Paper.objects.filter(status=Paper.Status.PENDING))
    kept = {entry["pmid"] for entry in SCOPE["kept"]}
    in_scope = [paper.pk for paper in pending if names_myeloma(paper) or paper.pmid in kept]
    assert len(pending) == 2 * SCOPE["pending"] and len(in_scope) == SCOPE["pending"]
    scores = dict(ScreeningScore.objects.values_list("paper_id", "score"))
    assert set(scores) == {paper.pk for paper in pending}
    others = [scores[paper.pk] for paper in pending if paper.pk not in in_scope]
    assert statistics.mean(scores[pk] for pk in in_scope) > statistics.mean(others)


def test_loading_the_demo_again_changes_no_decision(demo):
    statuses = dict(Paper.objects.values_list("pmid", "status"))
    events = PaperEvent.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert dict(Paper.objects.values_list("pmid", "status")) == statuses and PaperEvent.objects.count() == events
