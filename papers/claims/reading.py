""" "Sentences to read": every sentence of a title or abstract that names two or more tags and
that no curator has decided, so a curator can reach every claim a paper states whatever the
reader finds. A sentence is decided by a confirmed or rejected claim read from it, or by a
"states no claim" decision (SentenceDecision), on the same sentence text: a corrected abstract
brings a changed sentence back even where it starts at the same place.

The sentences are the ones the reader stored when it last read each paper (CoMention, written
by papers.claims.comentions); the list is one query over them, decisions left out in SQL, so a
page takes the same few statements whatever the list's length. The reader gives no confidence
value, so the order is the one it does give: sentences with a suggested claim first, then the
rest; within each, by paper and place in the paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from papers.catalogue.models import Paper, Tag
from papers.claims.models import Claim, CoMention, SentenceDecision
from papers.claims.review import Sentence
from papers.tagging.matcher import Mention

DECIDED = (Claim.Status.CONFIRMED, Claim.Status.REJECTED)


@dataclass(frozen=True)
class ToRead:
    """One sentence to read: its paper, the tags it names (the first mention of each, in order)
    and the claims the reader suggests from it."""

    paper: Paper
    sentence: Sentence
    tags: list[tuple[Tag, Mention]]
    suggested: list[Claim]


class SentencesToRead:
    """The list, read a slice at a time (a Paginator pages it): its length is one COUNT, a slice
    three more statements (its sentences with their papers, their tags, their suggested claims)."""

    def __init__(self, rows: QuerySet[CoMention]):
        self.rows = rows

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, index: int | slice) -> ToRead | list[ToRead]:
        if isinstance(index, slice):
            return _resolved(list(self.rows[index]))
        found = _resolved(list(self.rows[index : index + 1]))
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self):
        return iter(_resolved(list(self.rows)))


def sentences_to_read() -> SentencesToRead:
    """The whole list, in its order."""
    same = {name: OuterRef(name) for name in ("paper", "field", "sentence_start", "sentence")}
    decided = Claim.objects.filter(status__in=DECIDED, **same)
    no_claim = SentenceDecision.objects.filter(**same)
    rows = (
        CoMention.objects.filter(~Exists(decided), ~Exists(no_claim))
        .select_related("paper")
        .only("paper__pmid", *(f.name for f in CoMention._meta.concrete_fields))
        .order_by("-suggested", "paper_id", "place")
    )
    return SentencesToRead(rows)


def _resolved(rows: list[CoMention]) -> list[ToRead]:
    """The rows as ToRead: their tags in one query, the suggested claims of those suggested in one."""
    tags = Tag.objects.in_bulk({tag_id for row in rows for tag_id, _, _ in row.tags})
    suggested: dict[tuple[int, str, int], list[Claim]] = {}
    papers = {row.paper_id for row in rows if row.suggested}
    if papers:
        for claim in Claim.objects.filter(status=Claim.Status.SUGGESTED, paper_id__in=papers).select_related(
            "agent", "target"
        ):
            suggested.setdefault((claim.paper_id, claim.field, claim.sentence_start), []).append(claim)
    found = []
    for row in rows:
        text = row.sentence
        named = [
            (tags[tag_id], Mention(tags[tag_id].slug, start, end, text[start:end]))
            for tag_id, start, end in row.tags
            if tag_id in tags
        ]
        sentence = Sentence(row.field, row.sentence_start, row.sentence_start + len(text), text)
        found.append(
            ToRead(row.paper, sentence, named, suggested.get((row.paper_id, row.field, row.sentence_start), []))
        )
    return found
