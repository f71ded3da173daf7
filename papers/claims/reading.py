""" "Sentences to read": every sentence of a title or abstract that names two or more tags and
that no curator has decided, so a curator can reach every claim a paper states whatever the
reader finds. A sentence is decided by a confirmed or rejected claim read from it, or by a
"states no claim" decision (SentenceDecision).

The reader gives no confidence value, so the order is the one it does give: sentences with a
suggested claim first, then the rest; within each, by paper and place in the paper. The list is
computed from the papers the tagger tagged with two or more tags (any status: a rejected tag is
still named by its sentence) in a fixed number of queries, whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from papers.catalogue.models import Paper, Tag
from papers.claims.models import Claim, SentenceDecision
from papers.claims.review import Sentence, sentences_of
from papers.tagging.matcher import Mention
from papers.tagging.suggestions import TagSuggester

DECIDED = (Claim.Status.CONFIRMED, Claim.Status.REJECTED)


@dataclass(frozen=True)
class ToRead:
    """One sentence to read: its paper, the tags it names (the first mention of each, in order)
    and the claims the reader suggests from it."""

    paper: Paper
    sentence: Sentence
    tags: list[tuple[Tag, Mention]]
    suggested: list[Claim]


def sentences_to_read() -> list[ToRead]:
    """The whole list, in its order (the admin pages it)."""
    tags = list(Tag.objects.all())
    by_slug = {tag.slug: tag for tag in tags}
    tagger = TagSuggester(tags).tagger
    papers = list(
        Paper.objects.annotate(tagged=Count("paper_tags"))
        .filter(tagged__gte=2)
        .only("pk", "pmid", "title", "abstract")
        .order_by("pk")
    )
    # Every paper's decisions and suggestions, not an IN list of the papers' ids (too long for
    # SQLite's parameters at 100,000 papers). A decision holds for the sentence it was made on:
    # a corrected abstract brings a changed sentence back even where it starts at the same place.
    decided = set(
        Claim.objects.filter(status__in=DECIDED).values_list("paper_id", "field", "sentence_start", "sentence")
    )
    decided.update(SentenceDecision.objects.values_list("paper_id", "field", "sentence_start", "sentence"))
    suggested: dict[tuple[int, str, int], list[Claim]] = {}
    for claim in Claim.objects.filter(status=Claim.Status.SUGGESTED).select_related("agent", "target"):
        suggested.setdefault((claim.paper_id, claim.field, claim.sentence_start), []).append(claim)
    found = []
    for paper in papers:
        for sentence in sentences_of(paper):
            key = (paper.pk, sentence.field, sentence.start)
            if (*key, sentence.text) in decided:
                continue
            first: dict[str, Mention] = {}
            for mention in tagger.mentions(sentence.text):
                first.setdefault(mention.slug, mention)
            if len(first) >= 2:
                named = [(by_slug[slug], mention) for slug, mention in first.items()]
                found.append(ToRead(paper, sentence, named, suggested.get(key, [])))
    found.sort(key=lambda item: not item.suggested)  # stable: paper and place kept within each
    return found
