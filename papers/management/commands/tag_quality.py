"""`manage.py tag_quality`: how many of the tagger's suggestions curators confirmed and rejected,
or (--gold FILE) how the tagger and the search fare against a labelled set."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.tagging.quality import GoldError, gold_quality, read_gold, tag_quality


class Command(BaseCommand):
    help = (
        "Per tag and overall: tagger suggestions confirmed, rejected and pending; precision = confirmed / "
        "(confirmed + rejected); recall = tagger-suggested confirmed / all confirmed. With --gold FILE: the "
        "tagger's precision, recall and F1 against that labelled set (fixtures/gold/RULES.md), its misses and "
        "false alarms with their sentences, and for each tag's name the search's precision of the first 10 "
        "results and recall."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON instead of a table.")
        parser.add_argument("--gold", type=Path, help="A labelled set, JSON lines (e.g. fixtures/gold/tags.jsonl).")

    def handle(self, *args, as_json: bool, gold: Path | None, **options):
        if gold is not None:
            return self.gold(gold, as_json)
        per_tag, overall = tag_quality()
        rows = [*per_tag, overall]
        if as_json:
            self.stdout.write(json.dumps([_as_dict(row) for row in rows], indent=2, ensure_ascii=False))
            return
        width = max(len(row.name) for row in rows)
        self.stdout.write(f"{'tag':<{width}}  confirmed  rejected  pending  precision  recall")
        for row in rows:
            self.stdout.write(
                f"{row.name:<{width}}  {row.confirmed:>9}  {row.rejected:>8}  {row.pending:>7}  "
                f"{_ratio(row.precision):>9}  {_ratio(row.recall):>6}"
            )

    def gold(self, path: Path, as_json: bool) -> None:
        try:
            with path.open(encoding="utf-8") as lines:
                report = gold_quality(read_gold(lines))
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}.") from None
        except (GoldError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        if as_json:
            scores = [
                {
                    "tag": s.name,
                    "true": s.true,
                    "false_alarms": s.false_alarms,
                    "misses": s.misses,
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                }
                for s in [*report.per_tag, report.overall]
            ]
            self.stdout.write(
                json.dumps(
                    {
                        "records": report.records,
                        "tagger": scores,
                        "misses": [label._asdict() for label in report.misses],
                        "false_alarms": [label._asdict() for label in report.false_alarms],
                        "search": [score._asdict() for score in report.search],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        out = self.stdout.write
        rows = [*report.per_tag, report.overall]
        width = max(len(row.name) for row in [*rows, *report.search])
        out(f"Tagger against {report.records} labelled records ({path.name})")
        out(f"{'tag':<{width}}  true  false alarms  misses  precision  recall    F1")
        for row in rows:
            out(
                f"{row.name:<{width}}  {row.true:>4}  {row.false_alarms:>12}  {row.misses:>6}  {_ratio(row.precision):>9}  "  # noqa: E501
                f"{_ratio(row.recall):>6}  {_ratio(row.f1):>4}"
            )
        for title, labels in (
            ("Misses (labelled, not suggested)", report.misses),
            ("False alarms (suggested, not labelled)", report.false_alarms),
        ):
            out(f"\n{title}: {len(labels)}")
            for label in labels:
                out(f"  PMID {label.pmid}  {label.slug}: {label.sentence}")
        out("\nSearch: each tag's name typed as is, over the labelled records")
        out(f"{'tag':<{width}}  labelled  found  P@10  recall")
        for row in report.search:
            out(
                f"{row.name:<{width}}  {row.labelled:>8}  {row.found:>5}  {_ratio(row.precision_at_10):>4}  {_ratio(row.recall):>6}"  # noqa: E501
            )


def _as_dict(row) -> dict:
    return {
        "tag": row.name,
        "confirmed": row.confirmed,
        "rejected": row.rejected,
        "pending": row.pending,
        "precision": row.precision,
        "recall": row.recall,
    }


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
