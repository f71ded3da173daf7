"""How well search ranks, against the labelled relevance set (fixtures/search/RULES.md).

Each question runs through `search()`, the function the search page calls, with the page's
default order (relevance) and the question's synonym mode; its first 10 results are scored:

- nDCG@10: DCG = sum of grade / log2(place + 1) over the first 10 results, divided by the DCG of
  the best possible order of the question's judged papers that are public in the collection
  measured (the search returns nothing else, so a judged paper that is rejected or pending would
  cap the figure below 1 whatever the ranking);
- P@10: results graded 2 or 3 (relevant) among the first 10, over 10;
- nDCG@10 in its mode: the same, but for a question asked with synonyms off the best order is
  taken only over the judged papers that say the words typed (those exact mode finds at all): the
  mode promises no other, so this measures how it ranks what it can find, while nDCG@10 also
  counts the relevant papers it leaves out by design.

A paper without a judgment counts as grade 0. A question with no public paper graded 2 or more
cannot tell one ranking from another: it is listed but not scored, and left out of the means.
The held-out split is reported first: it is never used to tune ranking.
"""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from papers.catalogue.models import Paper
from papers.search import search, search_ids

DEPTH = 10
RELEVANT = 2  # the lowest grade counted relevant by P@10
GRADES = range(4)
SPLITS = ("held-out", "dev")
KINDS = ("name", "pair", "drug-effect", "phrase")
MODES = {"on": True, "off": False}


class RelevanceError(ValueError):
    """The relevance set cannot be read, or names papers the collection lacks."""


@dataclass(frozen=True)
class Question:
    id: str
    split: str
    query: str
    synonyms: str  # "on" or "off", as the search page's switch
    kind: str
    judgments: dict[int, int]  # pmid -> grade


@dataclass(frozen=True)
class Score:
    question: Question
    ranked: list[int]  # the PMIDs of the first DEPTH results
    total: int  # how many papers the search found
    ndcg: float | None  # None: no public paper is graded RELEVANT or more, so nothing is scored
    precision: float | None
    ndcg_in_mode: float | None  # synonyms off: the best order over the judged papers the mode finds


@dataclass(frozen=True)
class Summary:
    name: str  # the split, or "all"
    questions: int  # those scored
    unscored: int  # those without a public paper graded RELEVANT or more
    ndcg: float
    precision: float
    ndcg_in_mode: float


def read_questions(lines: Iterable[str]) -> list[Question]:
    """The questions of a JSON-lines relevance set, in file order; a bad line is a RelevanceError
    that names it."""
    questions: list[Question] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = Question(
                row["id"],
                row["split"],
                row["query"],
                row["synonyms"],
                row["kind"],
                {int(pmid): grade for pmid, grade in row["judgments"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise RelevanceError(
                f"line {number}: expected {{id, split, query, synonyms, kind, judgments: {{pmid: grade}}}} ({error})."
            ) from None
        problem = _problem(question, {q.id for q in questions})
        if problem:
            raise RelevanceError(f"line {number}: {problem}")
        questions.append(question)
    if not questions:
        raise RelevanceError("no questions.")
    return questions


def _problem(question: Question, seen: set[str]) -> str:
    if question.id in seen:
        return f"question {question.id} appears twice."
    if question.split not in SPLITS:
        return f"split must be one of {', '.join(SPLITS)}, not {question.split!r}."
    if question.synonyms not in MODES:
        return f"synonyms must be on or off, not {question.synonyms!r}."
    if question.kind not in KINDS:
        return f"kind must be one of {', '.join(KINDS)}, not {question.kind!r}."
    if not isinstance(question.query, str) or not question.query.strip():
        return "the query is empty."
    if any(grade not in GRADES or isinstance(grade, bool) for grade in question.judgments.values()):
        return "grades are 0, 1, 2 or 3."
    if not any(grade >= RELEVANT for grade in question.judgments.values()):
        return f"no paper is graded {RELEVANT} or more, so nothing can be ranked first."
    return ""


def ndcg(ranked: list[int], judgments: dict[int, int], depth: int = DEPTH) -> float:
    """nDCG of the first `depth` of `ranked` (PMIDs): linear gains, log2 discounts."""
    ideal = _dcg(sorted(judgments.values(), reverse=True)[:depth])
    return _dcg([judgments.get(pmid, 0) for pmid in ranked[:depth]]) / ideal if ideal else 0.0


def precision(ranked: list[int], judgments: dict[int, int], depth: int = DEPTH) -> float:
    """Results graded RELEVANT or more among the first `depth`, over `depth` (fewer results count
    as misses)."""
    return sum(judgments.get(pmid, 0) >= RELEVANT for pmid in ranked[:depth]) / depth


def _dcg(grades: list[int]) -> float:
    return sum(grade / math.log2(place + 1) for place, grade in enumerate(grades, 1))


def score(questions: list[Question]) -> list[Score]:
    """Each question searched as the search page does and scored against its judged papers that
    are public, held-out first, then dev, in file order within a split. The judged papers must be
    in the collection (`manage.py load_demo` loads the demo's)."""
    judged = {pmid for question in questions for pmid in question.judgments}
    present = set(Paper.objects.filter(pmid__in=judged).values_list("pmid", flat=True))
    missing = sorted(judged - present)
    if missing:
        raise RelevanceError(
            f"{len(missing)} judged PMID(s) not in the collection (first: {missing[0]}); "
            "load them first (manage.py load_demo)."
        )
    public = set(Paper.objects.public().filter(pmid__in=judged).values_list("pmid", flat=True))
    every = Paper.objects.public().count()
    scores = []
    for question in sorted(questions, key=lambda q: SPLITS.index(q.split)):
        results = search(question.query, page_size=DEPTH, expand_synonyms=MODES[question.synonyms], facets=())
        ranked = [hit.paper.pmid for hit in results.hits]
        judgments = {pmid: grade for pmid, grade in question.judgments.items() if pmid in public}
        if not any(grade >= RELEVANT for grade in judgments.values()):
            scores.append(Score(question, ranked, results.total, None, None, None))
            continue
        findable = judgments if MODES[question.synonyms] else _said(question.query, judgments, every)
        figures = ndcg(ranked, judgments), precision(ranked, judgments), ndcg(ranked, findable)
        scores.append(Score(question, ranked, results.total, *figures))
    return scores


def _said(query: str, judgments: dict[int, int], public: int) -> dict[int, int]:
    """The judgments of the papers whose own words hold the query's: those exact mode finds among
    all `public` papers."""
    ids, _ = search_ids(query, limit=public, expand_synonyms=False)
    said = set(Paper.objects.filter(pk__in=ids, pmid__in=judgments).values_list("pmid", flat=True))
    return {pmid: grade for pmid, grade in judgments.items() if pmid in said}


def summaries(scores: list[Score]) -> list[Summary]:
    """The mean nDCG@10 and P@10 of each split present, then of all, over the questions scored."""
    groups = [(split, [s for s in scores if s.question.split == split]) for split in SPLITS]
    means = []
    for name, group in [*groups, ("all", scores)]:
        scored = [s for s in group if s.ndcg is not None]
        if scored:
            means.append(
                Summary(
                    name,
                    len(scored),
                    len(group) - len(scored),
                    sum(s.ndcg for s in scored) / len(scored),
                    sum(s.precision for s in scored) / len(scored),
                    sum(s.ndcg_in_mode for s in scored) / len(scored),
                )
            )
    return means
