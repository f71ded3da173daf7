"""Tag suggestions stored as PaperTags, without ever overriding a curator.

The tagger (tagging.py) only reads text; this module decides what its findings do to the
database: a new finding becomes a *suggested* PaperTag with its evidence sentence, a
suggestion the tagger no longer makes is withdrawn, and a tag a curator confirmed, rejected
or added by hand is never touched — so a rejected tag stays rejected after any re-import or
retag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from papers.catalogue.bulk import cut
from papers.catalogue.models import Tag
from papers.tagging.matcher import Suggestion, TaggableText, Tagger, TagTerms
from papers.tagging.models import PaperTag


class TagSuggester:
    def __init__(self, tags: Sequence[Tag]):
        self.tag_ids = {tag.slug: tag.pk for tag in tags}
        self.tagger = Tagger(map(tag_terms, tags))

    @classmethod
    def from_database(cls) -> TagSuggester:
        return cls(list(Tag.objects.all()))

    def suggest_for(self, texts: Sequence[TaggableText], known: Mapping[int, list[Suggestion]] | None = None) -> int:
        """Refresh the suggestions of these saved papers (`known`: the tagger's findings already
        computed, by paper id); returns how many rows changed."""
        if not texts or not self.tag_ids:
            return 0
        known = known or {}
        found = {
            text.paper_id: {
                self.tag_ids[s.slug]: s
                for s in (known[text.paper_id] if text.paper_id in known else self.tagger.suggest_text(text))
            }
            for text in texts
        }
        existing = PaperTag.objects.filter(paper_id__in=found)
        create, update, withdraw = [], [], []
        seen = set()
        for row in existing:
            seen.add((row.paper_id, row.tag_id))
            if row.status != PaperTag.Status.SUGGESTED or row.source != PaperTag.Source.TAGGER:
                continue  # a curator's decision
            suggestion = found[row.paper_id].get(row.tag_id)
            if suggestion is None:
                withdraw.append(row.pk)
            elif (row.evidence, row.evidence_field, row.matched) != _evidence(suggestion):
                row.evidence, row.evidence_field, row.matched = _evidence(suggestion)
                update.append(row)
        for paper_id, suggestions in found.items():
            for tag_id, suggestion in suggestions.items():
                if (paper_id, tag_id) not in seen:
                    evidence, evidence_field, matched = _evidence(suggestion)
                    create.append(
                        PaperTag(
                            paper_id=paper_id,
                            tag_id=tag_id,
                            evidence=evidence,
                            evidence_field=evidence_field,
                            matched=matched,
                        )
                    )
        PaperTag.objects.bulk_create(create)
        PaperTag.objects.bulk_update(update, ["evidence", "evidence_field", "matched"])
        PaperTag.objects.filter(pk__in=withdraw).delete()
        return len(create) + len(update) + len(withdraw)


def tag_terms(tag: Tag) -> TagTerms:
    """What the tagger needs of a Tag: its names and its exclusions' patterns."""
    return terms_of(tag.slug, tag.name, tag.synonyms, tag.exclusions)


def terms_of(slug: str, name: str, synonyms: list[str], exclusions: list[dict]) -> TagTerms:
    """What the tagger needs of a tag's fields, read as a row (Tag.terms: the name, then each
    synonym)."""
    return TagTerms(slug, (name, *synonyms), tuple(e["pattern"] for e in exclusions))


def _evidence(suggestion) -> tuple[str, str, str]:
    return suggestion.evidence, suggestion.field, cut(PaperTag, "matched", suggestion.matched)
