"""Optional tooling: ASReview's default model replayed on labelled screening sets from the same prior
records as `manage.py screening_simulation`, scored with the same figures (docs/screening.md).

Run it with a Python that has asreview installed, never the site's .venv (asreview pins its own
packages), from the repository's root:

    python benchmarks/asreview_compare.py FILE.csv[.gz] [--seed N ...] [--prior-included K --prior-excluded K]

It prints one JSON line per seed. Not part of the site or its tests."""

import argparse
import gzip
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from papers.screening.metrics import figures  # noqa: E402
from papers.screening.simulation import draw_priors, read_labelled  # noqa: E402

try:
    import numpy as np
    from asreview import __version__ as asreview_version
    from asreview import load_dataset
    from asreview.learner import ActiveLearningCycle
    from asreview.models.models import get_ai_config
    from asreview.models.queriers import TopDown
    from asreview.models.stoppers import IsFittable
    from asreview.simulation.simulate import Simulate
except ImportError as error:
    sys.exit(
        f"asreview_compare: asreview is not installed in this Python ({sys.executable}: {error}); "
        "install it in a throw-away virtualenv (python -m venv DIR && DIR/bin/pip install asreview) and "
        "run this script with DIR/bin/python."
    )

AI = "elas_u4"  # ASReview's default model: TF-IDF (words and pairs) + linear SVM, balanced sampling


def replay(csv_path: Path, labels: list[bool], priors: list[int], seed: int) -> list[bool]:
    """The labels in the order ASReview's default model screened them, as its CLI's `simulate` does."""
    np.random.seed(seed)
    with load_dataset(csv_path, dataset_id=csv_path.name) as db:
        if [bool(v) for v in db.input["included"].tolist()] != labels:
            sys.exit(f"asreview_compare: asreview read other labels from {csv_path.name} than the site did")
        cycles = [
            ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
            ActiveLearningCycle.from_meta(get_ai_config(AI)["value"]),
        ]
        simulation = Simulate(db.input.get_df(), db.input["included"], cycles, print_progress=False)
        simulation.label(priors)
        simulation.review()  # stops when the last inclusion is found
        screened = simulation._results["record_id"].tolist()
    order = [labels[i] for i in screened]
    return order + [False] * (len(labels) - len(order))  # only exclusions are left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--seed", type=int, action="append", dest="seeds")
    parser.add_argument("--prior-included", type=int, default=1)
    parser.add_argument("--prior-excluded", type=int, default=1)
    args = parser.parse_args()
    labelled = read_labelled(args.file)
    with tempfile.TemporaryDirectory() as scratch:
        csv_path = Path(scratch) / args.file.name.removesuffix(".gz")
        opener = gzip.open if args.file.suffix == ".gz" else open
        with opener(args.file, "rb") as source, csv_path.open("wb") as target:
            shutil.copyfileobj(source, target)
        for seed in args.seeds or [0]:
            priors = draw_priors(labelled.labels, seed=seed, included=args.prior_included, excluded=args.prior_excluded)
            started = time.perf_counter()
            result = figures(replay(csv_path, labelled.labels, priors, seed))
            print(
                json.dumps(
                    {
                        "file": args.file.name,
                        "asreview": asreview_version,
                        "ai": AI,
                        "seed": seed,
                        "prior_record_ids": [labelled.record_ids[i] for i in priors],
                        "wss_95": result.wss_95,
                        "recall_10": result.recall_10,
                        "recall_25": result.recall_25,
                        "records_to_all": result.records_to_all,
                        "seconds": round(time.perf_counter() - started, 1),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
