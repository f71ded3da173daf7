"""How good the tagger's suggestions are, judged by curators' decisions or by a labelled set.

precision = tagger suggestions confirmed / (confirmed + rejected);
recall = tagger suggestions confirmed / all confirmed tags (a tag a curator added by hand is a
miss). Counted in the database, so the cost does not grow with the number of rows read in Python.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Q

from papers.catalogue.models import Paper, Tag
from papers.search import search_ids
from papers.tagging.matcher import TaggableText
from papers.tagging.models import PaperTag
from papers.tagging.suggestions import TagSuggester


class TagQuality(NamedTuple):
    """How the tagger fared for one tag, or overall."""

    name: str
    confirmed: int  # tagger suggestions a curator confirmed
    rejected: int
    pending: int
    all_confirmed: int  # confirmed tags from any source

    @property
    def precision(self) -> float | None:
        decided = self.confirmed + self.rejected
        return self.confirmed / decided if decided else None

    @property
    def recall(self) -> float | None:
        return self.confirmed / self.all_confirmed if self.all_confirmed else None


def tag_quality() -> tuple[list[TagQuality], TagQuality]:
    """Per tag (by name, tags with any decision or suggestion) and overall: two queries."""
    tagger = Q(source=PaperTag.Source.TAGGER)
    counts = {
        "confirmed": Count("pk", filter=tagger & Q(status=PaperTag.Status.CONFIRMED)),
        "rejected": Count("pk", filter=tagger & Q(status=PaperTag.Status.REJECTED)),
        "pending": Count("pk", filter=tagger & Q(status=PaperTag.Status.SUGGESTED)),
        "all_confirmed": Count("pk", filter=Q(status=PaperTag.Status.CONFIRMED)),
    }
    rows = PaperTag.objects.values("tag__name").annotate(**counts).order_by("tag__name")
    per_tag = [TagQuality(row.pop("tag__name"), **row) for row in rows]
    return per_tag, TagQuality("overall", **PaperTag.objects.aggregate(**counts))


# Against a labelled set (fixtures/gold/RULES.md): the tagger's suggestions for each labelled
# paper, computed afresh from its stored text, and the search for each tag's name.


class GoldError(ValueError):
    """The labelled set cannot be read, or names papers or tags the collection lacks."""


class Label(NamedTuple):
    pmid: int
    slug: str
    sentence: str  # the labelled sentence, or the tagger's evidence for a false alarm


@dataclass
class Score:
    """Tagger against the labels for one tag, or overall."""

    name: str
    true: int = 0  # suggested and labelled
    false_alarms: int = 0  # suggested, not labelled
    misses: int = 0  # labelled, not suggested

    @property
    def precision(self) -> float | None:
        suggested = self.true + self.false_alarms
        return self.true / suggested if suggested else None

    @property
    def recall(self) -> float | None:
        labelled = self.true + self.misses
        return self.true / labelled if labelled else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else None


class SearchScore(NamedTuple):
    name: str
    labelled: int  # labelled papers of the tag
    found: int  # labelled papers of the set that the tag's name finds
    precision_at_10: float | None  # of the first 10 results among the labelled set's papers
    recall: float | None


@dataclass
class GoldReport:
    records: int
    per_tag: list[Score]
    overall: Score
    misses: list[Label]
    false_alarms: list[Label]
    search: list[SearchScore]


def read_gold(lines: Iterable[str]) -> dict[int, dict[str, str]]:
    """{pmid: {slug: sentence}} from JSON lines {"pmid": N, "tags": {slug: sentence}}."""
    gold: dict[int, dict[str, str]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as error:
            raise GoldError(f"line {number}: not JSON ({error}).") from None
        if (
            not isinstance(row, dict)
            or not isinstance(row.get("pmid"), int)
            or not isinstance(row.get("tags"), dict)
            or not all(isinstance(s, str) for s in row["tags"].values())
        ):
            raise GoldError(f'line {number}: expected {{"pmid": a number, "tags": {{slug: sentence}}}}.')
        if row["pmid"] in gold:
            raise GoldError(f"line {number}: PMID {row['pmid']} is labelled twice.")
        gold[row["pmid"]] = row["tags"]
    if not gold:
        raise GoldError("no labelled records.")
    return gold


def gold_quality(gold: dict[int, dict[str, str]]) -> GoldReport:
    """The tagger and the search against the labels; the labelled papers must be in the
    collection (`manage.py load_demo` loads the demo's)."""
    tags = list(Tag.objects.all())
    names = {tag.slug: tag.name for tag in tags}
    unknown = sorted({slug for labels in gold.values() for slug in labels} - set(names))
    if unknown:
        raise GoldError(f"tags not in the taxonomy: {', '.join(unknown)}.")
    papers = {p.pmid: p for p in Paper.objects.filter(pmid__in=gold)}
    missing = sorted(set(gold) - set(papers))
    if missing:
        raise GoldError(
            f"{len(missing)} labelled PMID(s) not in the collection (first: {missing[0]}); "
            "load them first (manage.py load_demo)."
        )
    tagger = TagSuggester(tags).tagger
    scores = {slug: Score(name) for slug, name in names.items()}
    overall, misses, false_alarms = Score("overall"), [], []
    for pmid, labels in sorted(gold.items()):
        found = {s.slug: s for s in tagger.suggest_text(TaggableText.of_paper(papers[pmid]))}
        for slug in found.keys() | labels.keys():
            if slug in found and slug in labels:
                scores[slug].true += 1
            elif slug in found:
                scores[slug].false_alarms += 1
                false_alarms.append(
                    Label(pmid, slug, f"[{found[slug].field}: {found[slug].matched}] {found[slug].evidence}")
                )
            else:
                scores[slug].misses += 1
                misses.append(Label(pmid, slug, labels[slug]))
    for score in scores.values():
        overall.true, overall.false_alarms = overall.true + score.true, overall.false_alarms + score.false_alarms
        overall.misses += score.misses
    labelled_papers = {papers[pmid].pk: pmid for pmid in gold}
    search = []
    for tag in tags:
        labelled = {pmid for pmid, labels in gold.items() if tag.slug in labels}
        ranked = [labelled_papers[pk] for pk in search_ids(tag.name, limit=10**9)[0] if pk in labelled_papers]
        first = ranked[:10]
        search.append(
            SearchScore(
                tag.name,
                len(labelled),
                len(labelled & set(ranked)),
                sum(pmid in labelled for pmid in first) / len(first) if first else None,
                len(labelled & set(ranked)) / len(labelled) if labelled else None,
            )
        )
    per_tag = sorted((s for s in scores.values() if s.true + s.false_alarms + s.misses), key=lambda s: s.name)
    return GoldReport(len(gold), per_tag, overall, misses, false_alarms, search)
