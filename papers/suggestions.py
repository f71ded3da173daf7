"""Tag suggestions stored as PaperTags, without ever overriding a curator.

The tagger (tagging.py) only reads text; this module decides what its findings do to the
database: a new finding becomes a *suggested* PaperTag with its evidence sentence, a
suggestion the tagger no longer makes is withdrawn, and a tag a curator confirmed, rejected
or added by hand is never touched — so a rejected tag stays rejected after any re-import or
retag.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .medline import PubMedRecord
from .models import Paper, PaperTag, Tag
from .tagging import Tagger, TagTerms


class TaggableText(NamedTuple):
    """What the tagger reads of one saved paper."""

    paper_id: int
    title: str
    abstract: str
    keywords: Sequence[str]
    mesh: Sequence[str]  # MeSH headings and chemical names

    @classmethod
    def of_paper(cls, paper: Paper) -> TaggableText:
        mesh = [h["name"] for h in paper.mesh_headings] + list(paper.chemicals)
        return cls(paper.pk, paper.title, paper.abstract, paper.keywords, mesh)

    @classmethod
    def of_record(cls, paper_id: int, record: PubMedRecord) -> TaggableText:
        mesh = [h.name for h in record.mesh_headings] + list(record.chemicals)
        return cls(paper_id, record.title, record.abstract, record.keywords, mesh)


class TagSuggester:
    def __init__(self, tags: Sequence[Tag]):
        self.tag_ids = {tag.slug: tag.pk for tag in tags}
        self.tagger = Tagger(TagTerms(slug=tag.slug, names=tuple(tag.terms)) for tag in tags)

    @classmethod
    def from_database(cls) -> TagSuggester:
        return cls(list(Tag.objects.all()))

    def suggest_for(self, texts: Sequence[TaggableText]) -> int:
        """Refresh the suggestions of these saved papers; returns how many rows changed."""
        if not texts or not self.tag_ids:
            return 0
        found = {
            text.paper_id: {
                self.tag_ids[s.slug]: s
                for s in self.tagger.suggest(
                    title=text.title, abstract=text.abstract, keywords=text.keywords, mesh=text.mesh
                )
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
                        PaperTag(paper_id=paper_id, tag_id=tag_id, evidence=evidence,
                                 evidence_field=evidence_field, matched=matched)
                    )
        PaperTag.objects.bulk_create(create)
        PaperTag.objects.bulk_update(update, ["evidence", "evidence_field", "matched"])
        PaperTag.objects.filter(pk__in=withdraw).delete()
        return len(create) + len(update) + len(withdraw)


def _evidence(suggestion) -> tuple[str, str, str]:
    return suggestion.evidence, suggestion.field, suggestion.matched[:200]
