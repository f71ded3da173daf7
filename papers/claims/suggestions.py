"""Claim suggestions stored as Claims, without ever overriding a curator (as papers.tagging.suggestions
does for tags): a new finding becomes a *suggested* claim with its sentence and spans, a
suggestion the extractor no longer makes is withdrawn, and a claim a curator confirmed,
rejected or entered is never touched — so a rejected claim is never suggested again. The same
reading stores each sentence naming two or more tags (papers.claims.comentions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from papers.catalogue.markup import to_text
from papers.claims import comentions
from papers.claims.extraction import ClaimExtractor, CoMentioning
from papers.claims.models import Claim
from papers.tagging.matcher import Suggestion, TaggableText
from papers.tagging.suggestions import TagSuggester

_FIELDS = ("title", "abstract")
_STORED = (
    "negated",
    "hedged",
    "field",
    "sentence",
    "sentence_start",
    "sentence_end",
    *Claim.MARKS,
)


class ClaimSuggester:
    """Shares the tag suggester's tagger and tag ids, so one set of names serves both."""

    def __init__(self, tags: TagSuggester):
        self.tag_ids = tags.tag_ids
        self.extractor = ClaimExtractor(tags.tagger)

    def find(self, text: TaggableText) -> list[tuple[str, str, CoMentioning]]:
        """(field, its plain text, sentence) of each sentence of the title and abstract naming two
        or more tags, with its claims."""
        plain = {field: to_text(getattr(text, field) or "") for field in _FIELDS}
        return [
            (field, plain[field], sentence)
            for field in _FIELDS
            for sentence in self.extractor.co_mentioning(plain[field])
        ]

    def suggest_for(self, texts: Sequence[TaggableText], tags: Mapping[int, list[Suggestion]] | None = None) -> int:
        """Refresh the claim suggestions of these saved papers, and their stored sentences naming
        two or more tags; returns how many claim rows changed. `tags`: the tagger's findings by
        paper id where known: a paper whose title and abstract name fewer than two tags states
        no claim, and is not read again."""
        if not texts or not self.tag_ids:
            return 0
        tags = tags or {}
        found: dict[int, dict[tuple[int, str, int], dict]] = {}
        read: dict[int, list[tuple[str, str, CoMentioning]]] = {}
        for text in texts:
            known = tags.get(text.paper_id)
            few = known is not None and len({s.slug for s in known if s.field in _FIELDS}) < 2
            read[text.paper_id] = [] if few else self.find(text)
            found[text.paper_id] = self._rows(read[text.paper_id])
        create, update, withdraw, seen = [], [], [], set()
        for claim in Claim.objects.filter(paper_id__in=found).only(
            "pk", "paper_id", "agent_id", "relation", "target_id", "status", "source", *_STORED
        ):
            key = (claim.agent_id, claim.relation, claim.target_id)
            seen.add((claim.paper_id, key))
            if claim.status != Claim.Status.SUGGESTED or claim.source != Claim.Source.EXTRACTOR:
                continue  # a curator's decision
            values = found[claim.paper_id].get(key)
            if values is None:
                withdraw.append(claim.pk)
            elif any(getattr(claim, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(claim, name, value)
                update.append(claim)
        for paper_id, rows in found.items():
            for (agent_id, relation, target_id), values in rows.items():
                if (paper_id, (agent_id, relation, target_id)) not in seen:
                    create.append(
                        Claim(paper_id=paper_id, agent_id=agent_id, relation=relation, target_id=target_id, **values)
                    )
        Claim.objects.bulk_create(create)
        Claim.objects.bulk_update(update, list(_STORED))
        Claim.objects.filter(pk__in=withdraw).delete()
        comentions.replace(
            {paper_id: [(field, sentence) for field, _, sentence in sentences] for paper_id, sentences in read.items()},
            self.tag_ids,
        )
        return len(create) + len(update) + len(withdraw)

    def _rows(self, read: list[tuple[str, str, CoMentioning]]) -> dict[tuple[int, str, int], dict]:
        """The stored values of each claim found, by (agent id, relation, target id); the first
        sentence stating a claim is its evidence."""
        rows: dict[tuple[int, str, int], dict] = {}
        for field, plain, sentence in read:
            for claim in sentence.claims:
                key = (self.tag_ids.get(claim.agent), claim.relation, self.tag_ids.get(claim.target))
                if None in key or key in rows:
                    continue
                start = claim.sentence_start
                rows[key] = {
                    "negated": claim.negated,
                    "hedged": claim.hedged,
                    "field": field,
                    "sentence": plain[start : claim.sentence_end],
                    "sentence_start": start,
                    "sentence_end": claim.sentence_end,
                    "agent_start": claim.agent_span[0] - start,
                    "agent_end": claim.agent_span[1] - start,
                    "target_start": claim.target_span[0] - start,
                    "target_end": claim.target_span[1] - start,
                    "trigger_start": claim.trigger_span[0] - start,
                    "trigger_end": claim.trigger_span[1] - start,
                }
        return rows
