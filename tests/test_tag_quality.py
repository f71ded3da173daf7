"""`tag_quality`: the tagger judged by curators' decisions, exact on a small hand-built set."""

import io
import json

import pytest
from django.core.management import call_command

from papers.models import Paper, PaperTag, Tag
from papers.tag_quality import TagQuality, tag_quality

TAGGER, CURATOR = PaperTag.Source.TAGGER, PaperTag.Source.CURATOR
SUGGESTED, CONFIRMED, REJECTED = PaperTag.Status.SUGGESTED, PaperTag.Status.CONFIRMED, PaperTag.Status.REJECTED


@pytest.fixture
def decisions(taxonomy):
    p1, p2, p3 = (Paper.objects.create(pmid=n, title=f"Paper {n}") for n in (1, 2, 3))
    rows = [
        (p1, "rankl", TAGGER, CONFIRMED), (p2, "rankl", TAGGER, CONFIRMED), (p3, "rankl", TAGGER, REJECTED),
        (p1, "opg", TAGGER, CONFIRMED), (p2, "opg", TAGGER, SUGGESTED), (p3, "opg", CURATOR, CONFIRMED),
        (p1, "dkk1", CURATOR, CONFIRMED), (p2, "dkk1", TAGGER, REJECTED),
        (p1, "sclerostin", TAGGER, SUGGESTED),
    ]
    for paper, slug, source, status in rows:
        PaperTag.objects.create(paper=paper, tag=Tag.objects.get(slug=slug), source=source, status=status)


def test_counts_precision_and_recall_per_tag_and_overall(decisions, django_assert_num_queries):
    with django_assert_num_queries(2):
        per_tag, overall = tag_quality()
    assert per_tag == [
        TagQuality("DKK-1", confirmed=0, rejected=1, pending=0, all_confirmed=1),
        TagQuality("OPG", confirmed=1, rejected=0, pending=1, all_confirmed=2),
        TagQuality("RANKL", confirmed=2, rejected=1, pending=0, all_confirmed=2),
        TagQuality("Sclerostin", confirmed=0, rejected=0, pending=1, all_confirmed=0),
    ]
    assert overall == TagQuality("overall", confirmed=3, rejected=2, pending=2, all_confirmed=5)
    assert [(q.precision, q.recall) for q in [*per_tag, overall]] == [
        (0.0, 0.0), (1.0, 0.5), (2 / 3, 1.0), (None, None), (0.6, 0.6)]


def test_command_prints_a_table(decisions):
    out = io.StringIO()
    call_command("tag_quality", stdout=out)
    assert out.getvalue().splitlines() == [
        "tag         confirmed  rejected  pending  precision  recall",
        "DKK-1               0         1        0       0.00    0.00",
        "OPG                 1         0        1       1.00    0.50",
        "RANKL               2         1        0       0.67    1.00",
        "Sclerostin          0         0        1          —       —",
        "overall             3         2        2       0.60    0.60",
    ]


def test_command_prints_json(decisions):
    out = io.StringIO()
    call_command("tag_quality", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[1] == {"tag": "OPG", "confirmed": 1, "rejected": 0, "pending": 1, "precision": 1.0, "recall": 0.5}
    assert rows[3] == {"tag": "Sclerostin", "confirmed": 0, "rejected": 0, "pending": 1, "precision": None,
                       "recall": None}
    assert rows[-1] == {"tag": "overall", "confirmed": 3, "rejected": 2, "pending": 2, "precision": 0.6, "recall": 0.6}
    assert [row["tag"] for row in rows] == ["DKK-1", "OPG", "RANKL", "Sclerostin", "overall"]


def test_empty_collection_has_only_the_overall_row(db):
    out = io.StringIO()
    call_command("tag_quality", stdout=out)
    assert out.getvalue().splitlines() == [
        "tag      confirmed  rejected  pending  precision  recall",
        "overall          0         0        0          —       —",
    ]
