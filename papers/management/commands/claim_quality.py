"""`manage.py claim_quality`: precision and recall of the claim extractor on the labelled set."""

from django.core.management.base import BaseCommand

from papers.claims.quality import evaluate, labelled, taxonomy_tagger

SPLITS = ("dev", "held-out", "all")


class Command(BaseCommand):
    help = (
        "Precision and recall (relation and direction both counted) of the claim extractor and of the naive "
        "baseline on fixtures/claims/labelled.jsonl, per split and overall."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mistakes", action="store_true", help="Also list the extractor's mistakes.")
        parser.add_argument(
            "--split",
            choices=SPLITS,
            default="all",
            help="The split whose mistakes --mistakes lists (dev while tuning: the held-out "
            "sentences stay unseen). Default: all.",
        )

    def handle(self, *args, mistakes: bool, split: str, **options):
        rows, tagger = labelled(), taxonomy_tagger()
        self.stdout.write(
            f"{'split':<9} {'sentences':>9} {'claims':>6}  {'precision':>9} {'recall':>6} {'flags':>5}"
            f"  {'naive P':>7} {'naive R':>7}"
        )
        listed = []
        for name in SPLITS:
            chosen = [row for row in rows if name in ("all", row["split"])]
            ours, naive = evaluate(chosen, tagger)
            claims = ours.true_positives + ours.false_negatives
            flags = f"{ours.flags_right}/{ours.true_positives}"
            self.stdout.write(
                f"{name:<9} {len(chosen):>9} {claims:>6}  {ours.precision:>9.2f} {ours.recall:>6.2f} "
                f"{flags:>5}  {naive.precision:>7.2f} {naive.recall:>7.2f}"
            )
            if name == split:
                listed = ours.mistakes
        if mistakes and listed:
            self.stdout.write("\n".join(listed))
