"""Labelled screening sets read, and replayed in the order the model would present them.

The shared format is CSV (UTF-8, a header, optionally gzip-compressed) with at least the columns
record_id, title, abstract and label_included (1 or 0); other columns are ignored. A replay starts
from a few known inclusions and exclusions drawn with a seed, then repeatedly retrains on every label
revealed so far and reveals the top-ranked unscreened records."""

import csv
import gzip
import io
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from papers.screening import model
from papers.screening.metrics import Figures, figures

COLUMNS = ("record_id", "title", "abstract", "label_included")
# Growing batches: after each retraining the next ⌈5 %⌉ of the labelled count is revealed
# (one record at a time while fewer than 20 are labelled). docs/screening.md measures it against
# retraining after every record.
BATCH_SHARE = 0.05


class LabelledSetError(ValueError):
    """A labelled set that cannot be read or replayed, with the reason."""


@dataclass(frozen=True)
class LabelledSet:
    record_ids: list[str]
    records: list[model.Record]
    labels: list[bool]

    @property
    def included(self) -> int:
        return sum(self.labels)


@dataclass(frozen=True)
class Replay:
    seed: int
    priors: list[int]  # indexes of the records known before screening, screened first
    order: list[int]  # every record's index, in the order screened
    retrainings: int
    seconds: float

    def figures(self, labels: list[bool]) -> Figures:
        return figures([labels[i] for i in self.order])


def read_labelled(path: Path) -> LabelledSet:
    """The records and labels of a CSV file (gzip when its name ends in .gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as text:
            return _parse(text)
    except OSError as error:  # missing, unreadable, or not gzip
        raise LabelledSetError(f"{path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise LabelledSetError(f"{path}: not a UTF-8 CSV file ({error})") from None


def _parse(text: io.TextIOBase) -> LabelledSet:
    rows = csv.DictReader(text)
    missing = [column for column in COLUMNS if column not in (rows.fieldnames or ())]
    if missing:
        raise LabelledSetError(f"the header lacks the column(s) {', '.join(missing)}")
    ids, records, labels, seen = [], [], [], set()
    for line, row in enumerate(rows, start=2):
        record_id, label = (row["record_id"] or "").strip(), (row["label_included"] or "").strip()
        if label not in ("0", "1"):
            raise LabelledSetError(f"line {line}: label_included is {label!r}, not 1 or 0")
        if not record_id or record_id in seen:
            raise LabelledSetError(f"line {line}: record_id {record_id!r} is empty or repeated")
        seen.add(record_id)
        ids.append(record_id)
        records.append(model.Record(title=row["title"] or "", abstract=row["abstract"] or ""))
        labels.append(label == "1")
    return LabelledSet(ids, records, labels)


def replay(
    labelled: LabelledSet, *, seed: int, prior_included: int = 1, prior_excluded: int = 1, every_record: bool = False
) -> Replay:
    """The order of screening `labelled` with the model, from priors drawn with `seed`, retraining
    after every record (`every_record`) or in growing batches (BATCH_SHARE). Deterministic for a seed.
    Once every inclusion is found the rest keep the last ranking: no figure depends on them."""
    labels = np.asarray(labelled.labels, dtype=bool)
    started = time.perf_counter()
    priors = draw_priors(labelled.labels, seed=seed, included=prior_included, excluded=prior_excluded)
    _, matrix = model.vectorize(labelled.records)
    order, ranked = list(priors), np.setdiff1d(np.arange(len(labels)), priors)
    retrainings, to_find = 0, int(labels.sum()) - int(labels[priors].sum())
    while to_find and ranked.size:
        scores = model.fit(matrix[order], labels[order])(matrix[ranked])
        retrainings += 1
        ranked = ranked[np.argsort(-scores, kind="stable")]  # ties keep the file's order
        batch = ranked[: _batch_size(len(order), every_record)]
        order.extend(batch.tolist())
        to_find -= int(labels[batch].sum())
        ranked = ranked[len(batch) :]
    order.extend(ranked.tolist())
    return Replay(seed, priors, order, retrainings, time.perf_counter() - started)


def draw_priors(labels: list[bool], *, seed: int, included: int, excluded: int) -> list[int]:
    """The indexes of `included` inclusions then `excluded` exclusions drawn with `seed`, leaving
    at least one inclusion to find."""
    inclusions = [i for i, label in enumerate(labels) if label]
    exclusions = [i for i, label in enumerate(labels) if not label]
    if included < 0 or excluded < 0:
        raise LabelledSetError("the numbers of prior records cannot be negative")
    if included >= len(inclusions) or excluded > len(exclusions):
        raise LabelledSetError(
            f"the set has {len(inclusions)} inclusions and {len(exclusions)} exclusions: too "
            f"few for {included} prior inclusions (one must be left to find) and {excluded} "
            "prior exclusions"
        )
    draw = random.Random(seed)
    return draw.sample(inclusions, included) + draw.sample(exclusions, excluded)


def _batch_size(labelled: int, every_record: bool) -> int:
    return 1 if every_record else max(1, math.floor(BATCH_SHARE * labelled))
