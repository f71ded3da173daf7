"""The audit trail of every change a person makes to a paper, the moderation queue and its
screening scores."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from papers.catalogue.models import Paper


class PendingPaper(Paper):
    """The moderation queue: pending papers (a proxy for its own admin page)."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "Moderation queue"
        default_permissions = ()  # seeing the queue takes papers.moderate_paper


# Choices at module level, where the models' Meta can build their constraints from them.
class EventKind(models.TextChoices):
    STATUS = "status", "Moderation"
    TAG = "tag", "Tag review"
    EDIT = "edit", "Hand edit"
    CLAIM = "claim", "Claim review"


class PaperEvent(models.Model):
    """One change to a paper, by whom and why: the audit trail of moderation, tag review and
    hand edits. `changes` maps a field (or, for tag events, the tag's slug) to [old, new]."""

    Kind = EventKind

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="events", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.CharField(max_length=20, choices=Paper.Reason.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)  # written only by the code paths that change papers
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="paperevent_kind_valid"),
        ]
        indexes = [
            # A paper's history, newest first, on its admin page.
            models.Index(fields=["paper", "-at"], name="paperevent_paper_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"


class ScreeningScore(models.Model):
    """A pending paper's screening score: how likely a curator is to approve it, as the model
    learnt from the collection's decisions ranks it (papers.curation.screening_queue). Written
    only by the background task; a score orders the queue and never decides."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, primary_key=True, related_name="screening")
    score = models.FloatField()
    scored_at = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.paper_id}: {self.score:.2f}"
