"""The sentences of papers that name two or more tags (CoMention), stored where the reader reads a
paper's claims (papers.claims.suggestions: on import, `retag` and a hand edit of the text) so
that "Sentences to read" lists them without reading any paper. A paper's rows are replaced
whole, in bulk: per batch of papers one DELETE, one SELECT of their suggested claims and
multi-row INSERTs, whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from papers.catalogue.bulk import insert_rows, row_adapter, select_in
from papers.claims.extraction import CoMentioning
from papers.claims.models import Claim, CoMention

COLUMNS = ("paper_id", "field", "place", "sentence_start", "sentence", "tags", "suggested")

# (field, sentence) of each sentence of a paper naming two or more tags, the title's first.
Read = Sequence[tuple[str, CoMentioning]]


def rows_of(paper_id: int, read: Read, tag_ids: Mapping[str, int], suggested: set[tuple]) -> list[tuple]:
    """The paper's CoMention rows, in COLUMNS' order (tags as a list: adapt before inserting).
    `suggested`: the (paper id, field, sentence start) of each suggested claim's sentence."""
    rows = []
    for field, sentence in read:
        first: dict[str, list[int]] = {}
        for mention in sentence.mentions:
            if mention.slug in tag_ids and mention.slug not in first:
                first[mention.slug] = [tag_ids[mention.slug], mention.start, mention.end]
        if len(first) >= 2:
            key = (paper_id, field, sentence.start)
            rows.append(
                (paper_id, field, len(rows), sentence.start, sentence.text, list(first.values()), key in suggested)
            )
    return rows


def suggested_sentences(claim_model, paper_ids: Iterable[int]) -> set[tuple]:
    """(paper id, field, sentence start) of each suggested claim of these papers."""
    found = select_in(claim_model, ["paper_id", "field", "sentence_start", "status"], "paper_id", list(paper_ids))
    return {(paper, field, start) for paper, field, start, status in found if status == Claim.Status.SUGGESTED}


def replace(read: Mapping[int, Read], tag_ids: Mapping[str, int]) -> None:
    """Replace the stored co-mention sentences of these papers (by id) with those read; call
    after their claims are written, which set each sentence's `suggested`."""
    if not read:
        return
    CoMention.objects.filter(paper_id__in=list(read)).delete()
    named = [paper_id for paper_id, sentences in read.items() if sentences]
    if not named:
        return
    suggested = suggested_sentences(Claim, named)
    adapt = row_adapter([CoMention._meta.get_field(name) for name in COLUMNS])
    rows = [adapt(row) for paper_id in named for row in rows_of(paper_id, read[paper_id], tag_ids, suggested)]
    insert_rows(CoMention, COLUMNS, rows)
