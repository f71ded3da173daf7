"""`tag_quality`: the tagger judged by curators' decisions, exact on a small hand-built set."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from papers.catalogue.models import Paper, Tag
from papers.pubmed.medline import iter_records, open_xml
from papers.tagging.models import PaperTag
from papers.tagging.quality import TagQuality, tag_quality
from tests.support.paths import ROOT

TAGGER, CURATOR = PaperTag.Source.TAGGER, PaperTag.Source.CURATOR
SUGGESTED, CONFIRMED, REJECTED = PaperTag.Status.SUGGESTED, PaperTag.Status.CONFIRMED, PaperTag.Status.REJECTED


@pytest.fixture
def decisions(taxonomy):
    p1, p2, p3 = (Paper.objects.create(pmid=n, title=f"Paper {n}") for n in (1, 2, 3))
    rows = [
        (p1, "rankl", TAGGER, CONFIRMED),
        (p2, "rankl", TAGGER, CONFIRMED),
        (p3, "rankl", TAGGER, REJECTED),
        (p1, "opg", TAGGER, CONFIRMED),
        (p2, "opg", TAGGER, SUGGESTED),
        (p3, "opg", CURATOR, CONFIRMED),
        (p1, "dkk1", CURATOR, CONFIRMED),
        (p2, "dkk1", TAGGER, REJECTED),
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
        (0.0, 0.0),
        (1.0, 0.5),
        (2 / 3, 1.0),
        (None, None),
        (0.6, 0.6),
    ]


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
    assert rows[3] == {
        "tag": "Sclerostin",
        "confirmed": 0,
        "rejected": 0,
        "pending": 1,
        "precision": None,
        "recall": None,
    }
    assert rows[-1] == {"tag": "overall", "confirmed": 3, "rejected": 2, "pending": 2, "precision": 0.6, "recall": 0.6}
    assert [row["tag"] for row in rows] == ["DKK-1", "OPG", "RANKL", "Sclerostin", "overall"]


def test_empty_collection_has_only_the_overall_row(db):
    out = io.StringIO()
    call_command("tag_quality", stdout=out)
    assert out.getvalue().splitlines() == [
        "tag      confirmed  rejected  pending  precision  recall",
        "overall          0         0        0          —       —",
    ]


# Against a labelled set (fixtures/gold): the labels are read, the tagger run afresh, the search asked.

GOLD = ROOT / "fixtures" / "gold" / "tags.jsonl"


def test_the_labelled_set_labels_every_demo_record_and_the_tagger_meets_its_targets(db):
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("tag_quality", "--gold", str(GOLD), "--json", stdout=out)
    report = json.loads(out.getvalue())

    labelled_files = [
        *sorted((ROOT / "fixtures" / "demo").glob("*.xml")),
        *sorted((ROOT / "fixtures" / "demo_mechanisms").glob("*.xml")),
    ]
    demo = {record.pmid for path in labelled_files for record in iter_records(open_xml(path))}
    # Every record of the demo's myeloma and mechanism files; the claims' own records are extra.
    assert report["records"] == len(demo) == 538 and Paper.objects.filter(pmid__in=demo).count() == 538
    *per_tag, overall = report["tagger"]
    assert overall["tag"] == "overall" and overall["precision"] >= 0.97 and overall["recall"] >= 0.97
    assert [t["tag"] for t in per_tag if t["precision"] is not None and t["precision"] < 0.9] == []
    assert [t["tag"] for t in per_tag if t["recall"] is not None and t["recall"] < 0.9] == []
    assert overall["true"] > 800
    assert len(report["search"]) == Tag.objects.count()


def test_gold_report_lists_misses_and_false_alarms_with_their_sentences(corpus, tmp_path):
    """PMID 34088671 of the demo, labelled here without bone-marrow stromal cells and with RANKL,
    so that the report has one false alarm and one miss to show."""
    gold = tmp_path / "gold.jsonl"
    labels = {"il-6": "…", "imids": "…", "nf-kb": "…", "tnf-a": "…", "rankl": "RANKL, as the test says."}
    gold.write_text(json.dumps({"pmid": 34088671, "tags": labels}) + "\n" + json.dumps({"pmid": 399382, "tags": {}}))
    out = io.StringIO()
    call_command("tag_quality", "--gold", str(gold), stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[0] == "Tagger against 2 labelled records (gold.jsonl)"
    rows = {line.split("  ")[0]: line.split() for line in lines[2:8]}
    assert rows["IL-6"][-6:] == ["1", "0", "0", "1.00", "1.00", "1.00"]
    assert rows["RANKL"][-6:] == ["0", "0", "1", "—", "0.00", "—"]
    assert rows["Bone-marrow stromal cells"][-6:] == ["0", "1", "0", "0.00", "—", "—"]
    assert [line.split() for line in lines if line.startswith("overall")] == [
        ["overall", "4", "1", "1", "0.80", "0.80", "0.80"]
    ]
    assert "  PMID 34088671  rankl: RANKL, as the test says." in lines
    assert (
        "  PMID 34088671  bmsc: [abstract: bone marrow (BM) stromal cell] Within MM bone marrow (BM) stromal "
        "cell supernatants, TNF-α induces proteasomal degradation of TRAF2, noncanonical NF-κB, and downstream "
        "ERK signaling in MM cells, whereas interleukin-6 directly triggers ERK activation."
    ) in lines
    search = lines[lines.index("Search: each tag's name typed as is, over the labelled records") + 2 :]
    assert len(search) == Tag.objects.count()
    assert [line.split() for line in search if line.startswith("IL-6 ")] == [
        ["IL-6", "1", "1", "1.00", "1.00"],
        ["IL-6", "receptor", "0", "0", "—", "—"],
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "line 1: not JSON"),
        ('{"pmid": "34088671", "tags": {}}', 'line 1: expected {"pmid": a number, "tags": {slug: sentence}}.'),
        ('{"pmid": 34088671, "tags": {}}\n{"pmid": 34088671, "tags": {}}', "line 2: PMID 34088671 is labelled twice."),
        ('{"pmid": 34088671, "tags": {"no-such-tag": "x"}}', "tags not in the taxonomy: no-such-tag."),
        ('{"pmid": 1, "tags": {}}', "1 labelled PMID(s) not in the collection (first: 1); load them first"),
        ("\n", "no labelled records."),
    ],
)
def test_gold_refuses_a_bad_file_with_a_clear_message(corpus, tmp_path, content, message):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(content)
    before = PaperTag.objects.count()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("tag_quality", "--gold", str(gold), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file or directory"):
        call_command("tag_quality", "--gold", str(tmp_path / "missing.jsonl"), stdout=io.StringIO())
    assert PaperTag.objects.count() == before
