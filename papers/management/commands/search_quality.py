"""`manage.py search_quality`: nDCG@10 and P@10 of the search over the labelled relevance set."""

import json
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from papers.search.quality import DEPTH, RELEVANT, SPLITS, RelevanceError, read_questions, score, summaries

RELEVANCE = Path(settings.BASE_DIR) / "fixtures" / "search" / "relevance.jsonl"


class Command(BaseCommand):
    help = (
        f"Run each question of a relevance set (fixtures/search/RULES.md) through the search page's own search, "
        f"in its synonym mode, and print nDCG@{DEPTH} and P@{DEPTH} (relevant = grade {RELEVANT} or more) per "
        "question, against its judged papers that are public, and the mean of each split: held-out first, then dev, "
        "then all; beside it, nDCG in the question's mode (synonyms off: the best order over the judged papers that "
        "say the words typed). A question without a public paper graded relevant is listed but not scored."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=RELEVANCE,
            help="The relevance set, JSON lines (default: fixtures/search/relevance.jsonl).",
        )
        parser.add_argument("--split", choices=[*SPLITS, "all"], default="all", help="Only this split's questions.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON instead of a table.")

    def handle(self, *args, file: Path, split: str, as_json: bool, **options):
        try:
            with file.open(encoding="utf-8") as lines:
                questions = read_questions(lines)
            scores = score([q for q in questions if split in ("all", q.split)])
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from None
        except (RelevanceError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from None
        means = summaries(scores)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "depth": DEPTH,
                        "relevant_grade": RELEVANT,
                        "questions": [
                            {
                                "id": s.question.id,
                                "split": s.question.split,
                                "query": s.question.query,
                                "synonyms": s.question.synonyms,
                                "kind": s.question.kind,
                                "found": s.total,
                                "ndcg": s.ndcg,
                                "precision": s.precision,
                                "ndcg_in_mode": s.ndcg_in_mode,
                                "first": s.ranked,
                            }
                            for s in scores
                        ],
                        "overall": [asdict(m) for m in means],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        out = self.stdout.write
        width = max(len(s.question.query) for s in scores)
        out(f"Search against {len(scores)} labelled questions ({file.name}); relevant = grade {RELEVANT} or more")
        out(f"{'id':<4} {'split':<8} {'query':<{width}}  synonyms  found  nDCG@{DEPTH}  P@{DEPTH}  in-mode")
        for s in scores:
            q = s.question
            if s.ndcg is None:
                figures = f"{q.synonyms:>8}  {s.total:>5}  not scored: no public paper graded {RELEVANT} or more"
            else:
                figures = f"{q.synonyms:>8}  {s.total:>5}  {s.ndcg:>7.3f}  {s.precision:>4.2f}  {s.ndcg_in_mode:>7.3f}"
            out(f"{q.id:<4} {q.split:<8} {q.query:<{width}}  {figures}")
        out(f"\n{'split':<8}  questions  unscored  nDCG@{DEPTH}  P@{DEPTH}  in-mode")
        for m in means:
            out(
                f"{m.name:<8}  {m.questions:>9}  {m.unscored:>8}  {m.ndcg:>7.3f}  {m.precision:>4.2f}"
                f"  {m.ndcg_in_mode:>7.3f}"
            )
        out(
            f"in-mode: nDCG@{DEPTH} with the best order of a question asked with synonyms off taken over the"
            " judged papers that say the words typed (all that exact mode finds)"
        )
