"""Tags on papers: what the tagger suggests and curators decide."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.html import escape, format_html

from papers.catalogue.models import Paper, Tag


# Choices at module level, where the models' Meta can build their constraints from them.
class TagStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class TagSource(models.TextChoices):
    TAGGER = "tagger", "Tagger"
    CURATOR = "curator", "Curator"


class PaperTag(models.Model):
    """A tag on a paper: suggested by the tagger or added by a curator, then reviewed."""

    Status = TagStatus
    Source = TagSource

    # papertag_unique and papertag_tag_status index these two columns already.
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paper_tags", db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="paper_tags", db_index=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TAGGER)
    evidence = models.TextField(blank=True, help_text="The sentence that supports the tag.")
    evidence_field = models.CharField(max_length=20, blank=True, help_text="title, abstract, keywords or mesh")
    matched = models.CharField(max_length=200, blank=True, help_text="The words that matched.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "tag"], name="papertag_unique"),
            models.CheckConstraint(condition=Q(status__in=TagStatus.values), name="papertag_status_valid"),
            models.CheckConstraint(condition=Q(source__in=TagSource.values), name="papertag_source_valid"),
        ]
        indexes = [
            # Topic and tag pages: confirmed papers of a tag.
            models.Index(fields=["tag", "status"], name="papertag_tag_status"),
        ]

    def __str__(self):
        return f"{self.tag} ({self.get_status_display().lower()})"

    def evidence_html(self) -> str:
        """The evidence sentence, escaped, with the matched words wrapped in <mark> wherever they
        stand whole, as the tagger matched them (RANK, not the start of RANKL)."""
        if not self.matched:
            return escape(self.evidence)
        first, *rest = re.split(rf"(?<![^\W_]){re.escape(self.matched)}(?![^\W_])", self.evidence)
        html = escape(first)
        for piece in rest:
            html = format_html("{}<mark>{}</mark>{}", html, self.matched, piece)
        return html
