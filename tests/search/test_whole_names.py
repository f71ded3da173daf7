"""A name matches as a whole: RANK is not RANKL, in matching or in highlighting. On the demo a
fresh ./start loads."""

import io
import re

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper, Tag
from papers.search import search, search_ids
from papers.search.indexing import index_papers
from papers.tagging.models import PaperTag
from tests.support.papers import set_status

ONLY_RANK = 34090529  # names RANK, its receptor; RANKL only in its references


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_a_rank_paper_is_not_found_for_rankl(demo):
    """The paper's RANK tag is confirmed, and RANK's names hold RANKL's as parts ("TRANCE
    receptor", "osteoclast differentiation factor receptor"): a RANKL search finds the paper
    only if the tags' names are matched as text."""
    paper = Paper.objects.get(pmid=ONLY_RANK)
    set_status(Paper.objects.filter(pk=paper.pk), Paper.Status.APPROVED)
    index_papers([paper.pk])
    assert PaperTag.objects.filter(paper=paper, tag__slug="rank", status=PaperTag.Status.CONFIRMED).exists()
    assert paper.pk in search_ids("RANK", limit=1000)[0]
    rankl, _ = search_ids("RANKL", limit=1000)
    assert rankl and paper.pk not in rankl
    assert set(rankl) >= set(
        PaperTag.objects.filter(
            tag__slug="rankl", status=PaperTag.Status.CONFIRMED, paper__status="approved"
        ).values_list("paper_id", flat=True)
    )


@pytest.mark.parametrize("typed", ["RANK", "RANKL"])
def test_snippets_mark_whole_words(demo, typed):
    marked = [hit.snippet for hit in search(typed, page_size=100).hits if "<mark>" in hit.snippet]
    assert marked
    for snippet in marked:
        assert not re.search(r"[^\W_]<mark>|</mark>[^\W_]", snippet), snippet


def test_evidence_marks_the_name_matched_where_it_stands_whole(demo):
    link = PaperTag(
        tag=Tag.objects.get(slug="rank"), evidence="RANKL binds RANK; RANK-RANKL signalling and RANKs.", matched="RANK"
    )
    assert link.evidence_html() == ("RANKL binds <mark>RANK</mark>; <mark>RANK</mark>-RANKL signalling and RANKs.")
