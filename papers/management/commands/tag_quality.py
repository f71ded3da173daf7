"""`manage.py tag_quality`: how many of the tagger's suggestions curators confirmed and rejected."""

import json

from django.core.management.base import BaseCommand

from papers.tag_quality import tag_quality


class Command(BaseCommand):
    help = ("Per tag and overall: tagger suggestions confirmed, rejected and pending; precision = confirmed / "
            "(confirmed + rejected); recall = tagger-suggested confirmed / all confirmed.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON instead of a table.")

    def handle(self, *args, as_json: bool, **options):
        per_tag, overall = tag_quality()
        rows = [*per_tag, overall]
        if as_json:
            self.stdout.write(json.dumps([_as_dict(row) for row in rows], indent=2, ensure_ascii=False))
            return
        width = max(len(row.name) for row in rows)
        self.stdout.write(f"{'tag':<{width}}  confirmed  rejected  pending  precision  recall")
        for row in rows:
            self.stdout.write(f"{row.name:<{width}}  {row.confirmed:>9}  {row.rejected:>8}  {row.pending:>7}  "
                              f"{_ratio(row.precision):>9}  {_ratio(row.recall):>6}")


def _as_dict(row) -> dict:
    return {"tag": row.name, "confirmed": row.confirmed, "rejected": row.rejected, "pending": row.pending,
            "precision": row.precision, "recall": row.recall}


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
