"""Precision and recall of the claim extractor, and of the naive baseline, on the labelled set
(fixtures/claims/labelled.jsonl, labelled by fixtures/claims/LABELLING.md). No database: the
names are the taxonomy fixture's, so the figures depend only on the code and the two files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from papers.claims.extraction import naive_claims, sentence_claims
from papers.tagging.matcher import Tagger, TagTerms

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LABELLED = FIXTURES / "claims" / "labelled.jsonl"
TAXONOMY = FIXTURES / "taxonomy.json"


@dataclass
class Score:
    """Counts of (agent, relation, target) triples per sentence: a triple is right only with
    its relation and direction both right."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    flags_right: int = 0  # of the true positives, negated and hedged both as labelled
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 0.0


def taxonomy_tagger(path: Path = TAXONOMY) -> Tagger:
    """The tagger of the taxonomy file, names and exclusions, as the app builds it from the tags."""
    rows = [row["fields"] for row in json.loads(path.read_text()) if row["model"] == "papers.tag"]
    return Tagger(
        TagTerms(row["slug"], (row["name"], *row["synonyms"]), tuple(e["pattern"] for e in row.get("exclusions", ())))
        for row in rows
    )


def labelled(path: Path = LABELLED) -> list[dict]:
    with path.open() as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(rows: Iterable[dict], tagger: Tagger) -> tuple[Score, Score]:
    """(the extractor's score, the naive baseline's score) over these labelled sentences."""
    ours, naive = Score(), Score()
    for row in rows:
        sentence = row["sentence"]
        gold = {(c["agent"], c["relation"], c["target"]): c for c in row["claims"]}
        mentions = tagger.mentions(sentence)
        found = {claim.key: claim for claim in sentence_claims(sentence, mentions)}
        _count(ours, row, gold, set(found))
        ours.flags_right += sum(
            1
            for key in found.keys() & gold.keys()
            if (found[key].negated, found[key].hedged) == (gold[key]["negated"], gold[key]["hedged"])
        )
        _count(naive, row, gold, naive_claims(sentence, mentions))
    return ours, naive


def _count(score: Score, row: dict, gold: dict, found: set) -> None:
    score.true_positives += len(found & gold.keys())
    score.false_positives += len(found - gold.keys())
    score.false_negatives += len(gold.keys() - found)
    for key in sorted(found - gold.keys()):
        score.mistakes.append(f"#{row['id']} false positive {' '.join(key)}")
    for key in sorted(gold.keys() - found):
        score.mistakes.append(f"#{row['id']} missed {' '.join(key)}")
