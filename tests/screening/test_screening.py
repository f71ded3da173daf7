"""Screening: the field's figures on hand-checkable orders, the model's cold start and ranking, and
replays of a real labelled set (tests/data/screening, CC0) through the library and the command."""

import csv
import gzip
import io
import itertools
import json
import random
import re
import statistics

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from papers.screening import model
from papers.screening.metrics import figures, random_order_figures, recall_after, records_to_all, wss
from papers.screening.simulation import LabelledSetError, read_labelled, replay
from tests.support.paths import ROOT

NAGTEGAAL = ROOT / "tests" / "data" / "screening" / "Nagtegaal_2019.csv.gz"
SUBSET_SIZE = 600  # of 2,019 rows: a replay of the subset takes a few seconds


def _order(n: int, included_at: set[int]) -> list[bool]:
    return [rank in included_at for rank in range(1, n + 1)]


def test_figures_of_a_hand_checked_order():
    """20 records, inclusions at ranks 1 and 3: 95 % of 2 is 2, found after 3 records."""
    order = _order(20, {1, 3})
    assert wss(order) == pytest.approx((20 - 3) / 20 - 0.05)  # 0.80
    assert recall_after(order, 0.10) == 0.5  # the first 2 records hold one inclusion
    assert recall_after(order, 0.25) == 1.0  # the first 5 hold both
    assert records_to_all(order) == 3


def test_wss_rounds_the_inclusions_needed_up():
    """20 inclusions: 95 % is 19, so the 20th may sit last without cost; the 19th's rank counts."""
    order = _order(100, set(range(1, 20)) | {100})
    assert wss(order) == pytest.approx((100 - 19) / 100 - 0.05)
    assert records_to_all(order) == 100


def test_recall_after_a_share_counts_whole_records_without_float_noise():
    """10 % of 30 records is 3 records (0.1 × 30 is 3.0000000000000004 in binary)."""
    assert recall_after(_order(30, {3, 4}), 0.10) == 0.5


def test_figures_refuse_an_order_without_inclusions():
    with pytest.raises(ValueError, match="at least one inclusion"):
        wss([False] * 5)


def test_random_order_figures_are_the_mean_over_every_order():
    """Exact: the mean over all 28 placements of 2 inclusions among 8 records."""
    orders = [_order(8, set(ranks)) for ranks in itertools.combinations(range(1, 9), 2)]
    expected = random_order_figures(8, 2)
    for attribute in ("wss_95", "recall_10", "recall_25", "records_to_all"):
        mean = statistics.mean(getattr(figures(order), attribute) for order in orders)
        assert getattr(expected, attribute) == pytest.approx(mean), attribute
    assert expected.records_to_all == 6  # 2 · 9 / 3


def test_document_reads_every_field():
    record = model.Record(
        title="RANKL in myeloma",
        abstract="Osteoclasts.",
        keywords=("bone disease",),
        mesh=("Multiple Myeloma", "RANK Ligand"),
    )
    assert model.document(record) == "RANKL in myeloma\nOsteoclasts.\nbone disease\nMultiple Myeloma; RANK Ligand"


@pytest.fixture(scope="module")
def nagtegaal():
    return read_labelled(NAGTEGAAL)


def _split(labelled, seed: int, decided: int):
    indexes = list(range(len(labelled.labels)))
    random.Random(seed).shuffle(indexes)
    return indexes[:decided], indexes[decided:]


def _inclusions_in_top(scores, labels, indexes, k: int) -> int:
    top = sorted(range(len(indexes)), key=lambda n: -scores[n])[:k]
    return sum(labels[indexes[n]] for n in top)


def test_trained_model_ranks_inclusions_first(nagtegaal):
    """Trained on half the set, the 100 best-scored of the other half hold over five times the
    inclusions that 100 records drawn at random would."""
    decided, undecided = _split(nagtegaal, seed=1, decided=1000)
    records, labels = nagtegaal.records, nagtegaal.labels
    trained = model.train(
        [records[i] for i in decided], [labels[i] for i in decided], undecided=[records[i] for i in undecided]
    )
    scores = trained.score([records[i] for i in undecided])
    assert all(0.0 <= s <= 1.0 for s in scores)
    chance = 100 * sum(labels[i] for i in undecided) / len(undecided)
    assert _inclusions_in_top(scores, labels, undecided, 100) > 5 * chance


def test_cold_start_from_inclusions_alone_ranks_by_likeness(nagtegaal):
    """Only approved papers known (the queue's first day): 20 inclusions, and the 200 records most
    like them hold over four times the inclusions that 200 records drawn at random would."""
    records, labels = nagtegaal.records, nagtegaal.labels
    inclusions = [i for i, label in enumerate(labels) if label][:20]
    rest = [i for i in range(len(labels)) if i not in inclusions]
    trained = model.train(
        [records[i] for i in inclusions], [True] * len(inclusions), undecided=[records[i] for i in rest]
    )
    scores = trained.score([records[i] for i in rest])
    chance = 200 * (nagtegaal.included - 20) / len(rest)
    assert _inclusions_in_top(scores, labels, rest, 200) > 4 * chance


def test_cold_start_with_nothing_decided_scores_every_record_alike(nagtegaal):
    assert model.train([], []).score(nagtegaal.records[:3]) == [0.5, 0.5, 0.5]


def test_a_collection_without_a_word_still_scores():
    trained = model.train([model.Record(""), model.Record("the")], [True, False])
    assert trained.score([model.Record("myeloma")]) == [pytest.approx(0.5)]


@pytest.fixture(scope="module")
def subset_file(tmp_path_factory, nagtegaal):
    """SUBSET_SIZE rows of the real set drawn with a fixed seed, written unaltered in file order."""
    with gzip.open(NAGTEGAAL, "rt", encoding="utf-8", newline="") as text:
        header, *rows = list(csv.reader(text))
    kept = sorted(random.Random(32).sample(range(len(rows)), SUBSET_SIZE))
    path = tmp_path_factory.mktemp("screening") / "nagtegaal_subset.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *(rows[i] for i in kept)])
    return path


def test_replay_is_deterministic_under_a_seed_and_beats_random_order(subset_file):
    labelled = read_labelled(subset_file)
    first, again = replay(labelled, seed=4), replay(labelled, seed=4)
    assert first.order == again.order and first.priors == again.priors
    assert sorted(first.order) == list(range(len(labelled.labels)))
    assert first.order[:2] == first.priors
    assert replay(labelled, seed=5).priors != first.priors
    found, chance = first.figures(labelled.labels), random_order_figures(len(labelled.labels), labelled.included)
    assert found.wss_95 > chance.wss_95 + 0.25
    assert found.recall_10 > 2 * chance.recall_10


def test_replay_retraining_after_every_record_is_deterministic_too(subset_file):
    labelled = read_labelled(subset_file)
    every = replay(labelled, seed=4, every_record=True)
    assert every.order == replay(labelled, seed=4, every_record=True).order
    assert every.retrainings > replay(labelled, seed=4).retrainings


def test_command_prints_the_figures_beside_random_order(subset_file):
    labelled = read_labelled(subset_file)
    out = io.StringIO()
    call_command("screening_simulation", str(subset_file), "--seed", "0", "--seed", "1", stdout=out)
    lines = out.getvalue().splitlines()
    runs = [replay(labelled, seed=seed).figures(labelled.labels) for seed in (0, 1)]
    chance = random_order_figures(len(labelled.labels), labelled.included)
    assert lines[0].startswith(f"nagtegaal_subset.csv: {SUBSET_SIZE} records, {labelled.included} included;")
    wss_line = next(line for line in lines if line.startswith("WSS@95")).split()
    assert wss_line[1:] == [
        f"{runs[0].wss_95:.3f}",
        f"{runs[1].wss_95:.3f}",
        f"{statistics.mean(r.wss_95 for r in runs):.3f}",
        f"{min(r.wss_95 for r in runs):.3f}–{max(r.wss_95 for r in runs):.3f}",
        f"{chance.wss_95:.3f}",
    ]
    last = next(line for line in lines if line.startswith("records to find all")).split()
    assert last[4:6] == [str(runs[0].records_to_all), str(runs[1].records_to_all)]


def test_command_prints_json(subset_file):
    labelled = read_labelled(subset_file)
    out = io.StringIO()
    call_command(
        "screening_simulation",
        str(subset_file),
        "--seed",
        "3",
        "--prior-included",
        "2",
        "--prior-excluded",
        "3",
        "--json",
        stdout=out,
    )
    answer = json.loads(out.getvalue())
    run = replay(labelled, seed=3, prior_included=2, prior_excluded=3)
    found = run.figures(labelled.labels)
    assert answer["runs"][0]["prior_record_ids"] == [labelled.record_ids[i] for i in run.priors]
    assert answer["runs"][0]["wss_95"] == found.wss_95
    assert answer["runs"][0]["records_to_all"] == found.records_to_all
    assert (
        answer["random_order_expectation"]["recall_10"]
        == random_order_figures(SUBSET_SIZE, labelled.included).recall_10
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("record_id,title,label_included\n1,a,1\n", "lacks the column(s) abstract"),
        ("record_id,title,abstract,label_included\n1,a,,1\n2,b,,yes\n", "line 3: label_included is 'yes'"),
        ("record_id,title,abstract,label_included\n1,a,,1\n1,b,,0\n", "line 3: record_id '1' is empty or repeated"),
        ("record_id,title,abstract,label_included\n1,a,,1\n2,b,,0\n", "too few for 1 prior inclusions"),
    ],
)
def test_command_refuses_a_bad_set_with_the_reason(tmp_path, rows, message):
    path = tmp_path / "set.csv"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("screening_simulation", str(path))


def test_command_refuses_a_missing_or_undecodable_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("screening_simulation", str(tmp_path / "absent.csv.gz"))
    (tmp_path / "latin.csv").write_bytes(b"record_id,title,abstract,label_included\n1,caf\xe9,,1\n")
    with pytest.raises(CommandError, match="not a UTF-8 CSV file"):
        call_command("screening_simulation", str(tmp_path / "latin.csv"))


def test_reading_the_real_set_keeps_every_row(nagtegaal):
    assert (len(nagtegaal.labels), nagtegaal.included) == (2019, 101)
    with pytest.raises(LabelledSetError, match="negative"):
        replay(nagtegaal, seed=0, prior_included=-1)
