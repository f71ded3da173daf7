"""Optional tooling: the screening model's training and scoring times (docs/screening.md).

    .venv/bin/python benchmarks/screening_timing.py DECIDED.csv[.gz] POOL.csv[.gz] ...

Trains on the first 2,000 records of DECIDED (their labels) with the vocabulary learnt from them and
10,000 pending records (the POOL files' records, repeated in turn up to 10,000), then scores those
10,000; prints the seconds of each, best of three."""

import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from papers.screening.model import train  # noqa: E402
from papers.screening.simulation import read_labelled  # noqa: E402

DECIDED, PENDING = 2_000, 10_000


def best_of_three(work) -> tuple[str, object]:
    """The best wall-clock and processor seconds of three runs (processor time is the fairer figure on
    a machine whose cores others are using)."""
    wall, processor = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = work()
        wall.append(time.perf_counter() - started)
        processor.append(time.process_time() - started_cpu)
    return f"{min(wall):.2f} s wall, {min(processor):.2f} s processor", result


def main() -> None:
    decided_set = read_labelled(Path(sys.argv[1]))
    pool = [record for path in sys.argv[2:] for record in read_labelled(Path(path)).records]
    pending = list(itertools.islice(itertools.cycle(pool), PENDING))
    decided, labels = decided_set.records[:DECIDED], decided_set.labels[:DECIDED]
    training, model = best_of_three(lambda: train(decided, labels, undecided=pending))
    scoring, scores = best_of_three(lambda: model.score(pending))
    print(
        f"trained on {len(decided)} decided records ({sum(labels)} included) with {len(pending)} pending: "
        f"{training}; scored {len(scores)} pending records: {scoring}"
    )


if __name__ == "__main__":
    main()
