"""`manage.py screening_simulation FILE.csv[.gz]`: a labelled set replayed in the model's order, and
the screening field's figures beside random order's (docs/screening.md)."""

import json
import statistics
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.screening.metrics import Figures, random_order_figures
from papers.screening.simulation import BATCH_SHARE, LabelledSetError, read_labelled, replay

ROWS = (
    ("WSS@95", "wss_95", "{:.3f}"),
    ("recall after 10 %", "recall_10", "{:.3f}"),
    ("recall after 25 %", "recall_25", "{:.3f}"),
    ("records to find all", "records_to_all", "{:.0f}"),
)


class Command(BaseCommand):
    help = (
        "Replays a labelled screening set (CSV with record_id, title, abstract, label_included; .gz read as "
        "gzip) in the order the model presents it, from a few known inclusions and exclusions drawn with a seed, "
        "retraining as labels are revealed; prints WSS@95, recall after screening 10 % and 25 % and the records "
        "screened to find every inclusion, per seed, their mean and range, and the exact expectation of random "
        "order."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--seed",
            type=int,
            action="append",
            dest="seeds",
            help="Draws the prior records; repeat for several replays (default: 0).",
        )
        parser.add_argument("--prior-included", type=int, default=1, help="Known inclusions at the start (default 1).")
        parser.add_argument("--prior-excluded", type=int, default=1, help="Known exclusions at the start (default 1).")
        parser.add_argument(
            "--every-record",
            action="store_true",
            help=f"Retrain after every record instead of in growing batches (every "
            f"{BATCH_SHARE:.0%} of the labelled count).",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON instead of a table.")

    def handle(
        self,
        *args,
        file: Path,
        seeds: list[int] | None,
        prior_included: int,
        prior_excluded: int,
        every_record: bool,
        as_json: bool,
        **options,
    ):
        try:
            labelled = read_labelled(file)
            replays = [
                replay(
                    labelled,
                    seed=seed,
                    prior_included=prior_included,
                    prior_excluded=prior_excluded,
                    every_record=every_record,
                )
                for seed in seeds or [0]
            ]
        except LabelledSetError as error:
            raise CommandError(str(error)) from None
        runs = [(run, run.figures(labelled.labels)) for run in replays]
        random = random_order_figures(len(labelled.labels), labelled.included)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "file": file.name,
                        "records": len(labelled.labels),
                        "included": labelled.included,
                        "prior_included": prior_included,
                        "prior_excluded": prior_excluded,
                        "retraining": "every record" if every_record else f"growing batches of {BATCH_SHARE:.0%}",
                        "runs": [
                            {
                                "seed": run.seed,
                                "prior_record_ids": [labelled.record_ids[i] for i in run.priors],
                                **_figures(result),
                                "retrainings": run.retrainings,
                                "seconds": round(run.seconds, 2),
                            }
                            for run, result in runs
                        ],
                        "random_order_expectation": _figures(random),
                    },
                    indent=2,
                )
            )
            return
        self.table(
            file, labelled.included, len(labelled.labels), runs, random, prior_included, prior_excluded, every_record
        )

    def table(self, file, included, records, runs, random, prior_included, prior_excluded, every_record) -> None:
        out = self.stdout.write
        out(
            f"{file.name}: {records} records, {included} included; {prior_included} prior inclusion(s) and "
            f"{prior_excluded} prior exclusion(s) drawn with each seed, screened first; retrained "
            + (
                "after every record"
                if every_record
                else f"in growing batches ({BATCH_SHARE:.0%} of the labelled count)"
            )
        )
        seeds = [f"seed {run.seed}" for run, _ in runs]
        out(f"{'':<20}" + "".join(f"{s:>10}" for s in seeds) + f"{'mean':>10}  {'range':<16}random order (expected)")
        for name, attribute, form in ROWS:
            values = [getattr(result, attribute) for _, result in runs]
            spread = f"{form.format(min(values))}–{form.format(max(values))}"
            out(
                f"{name:<20}"
                + "".join(f"{form.format(v):>10}" for v in values)
                + f"{form.format(statistics.mean(values)):>10}  {spread:<16}{form.format(getattr(random, attribute))}"
            )
        seconds = sum(run.seconds for run, _ in runs)
        out(f"{sum(run.retrainings for run, _ in runs)} retrainings in {seconds:.1f} s")


def _figures(figures: Figures) -> dict:
    return {key: value for key, value in asdict(figures).items() if key not in ("records", "included")}
