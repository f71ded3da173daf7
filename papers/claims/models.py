"""Claims: what a paper says one tag does to another, with its sentence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from papers.catalogue.models import Paper, PaperQuerySet, Tag
from papers.tagging.models import PaperTag


class ClaimQuerySet(models.QuerySet):
    def public(self):
        """Confirmed claims of approved papers: all the public ever sees of claims."""
        return self.filter(PaperQuerySet.public_condition("paper__"), status=Claim.Status.CONFIRMED)


# Choices at module level, where the models' Meta can build their constraints from them.
class ClaimRelation(models.TextChoices):
    INCREASES = "increases", "increases"
    DECREASES = "decreases", "decreases"
    BINDS = "binds", "binds"
    PRODUCES = "produces", "produces"


class ClaimSource(models.TextChoices):
    EXTRACTOR = "extractor", "Extractor"
    CURATOR = "curator", "Curator"


class Claim(models.Model):
    """What a paper says one tag does to another, with its sentence: suggested by the claim
    extractor (papers.claims) or entered by a curator, then reviewed, as PaperTags are. One row
    per paper, agent, relation and target, so a rejected claim is never suggested again."""

    Relation = ClaimRelation

    Status = PaperTag.Status

    Source = ClaimSource

    # The spans sentence_html marks: what a page showing a claim's sentence reads with it.
    MARKS = ("agent_start", "agent_end", "target_start", "target_end", "trigger_start", "trigger_end")

    # claim_unique indexes paper first; agent and target have their own for the maps.
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="claims", db_index=False)
    agent = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="claims_as_agent")
    relation = models.CharField(max_length=10, choices=Relation.choices)
    target = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="claims_as_target")
    negated = models.BooleanField(default=False, help_text="The sentence denies it (“did not inhibit”).")
    hedged = models.BooleanField(default=False, help_text="The sentence hedges it (“may”, “suggest”).")
    # The sentence as plain text, where it stands in the plain text of its field, and the
    # character spans (within the sentence) of the two names and the trigger word.
    field = models.CharField(max_length=10, default="abstract", help_text="title or abstract")
    sentence = models.TextField()
    sentence_start = models.PositiveIntegerField(default=0)
    sentence_end = models.PositiveIntegerField(default=0)
    agent_start = models.PositiveIntegerField(default=0)
    agent_end = models.PositiveIntegerField(default=0)
    target_start = models.PositiveIntegerField(default=0)
    target_end = models.PositiveIntegerField(default=0)
    trigger_start = models.PositiveIntegerField(default=0)
    trigger_end = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=PaperTag.Status.choices, default=PaperTag.Status.SUGGESTED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.EXTRACTOR)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["paper", "sentence_start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "agent", "relation", "target"], name="claim_unique"),
            models.CheckConstraint(condition=Q(relation__in=ClaimRelation.values), name="claim_relation_valid"),
            models.CheckConstraint(condition=Q(status__in=PaperTag.Status.values), name="claim_status_valid"),
            models.CheckConstraint(condition=Q(source__in=ClaimSource.values), name="claim_source_valid"),
            models.CheckConstraint(condition=~Q(agent=models.F("target")), name="claim_two_tags"),
        ]
        indexes = [
            # Bulk review and the maps: claims of one type, by status.
            models.Index(fields=["agent", "relation", "target", "status"], name="claim_type_status"),
            models.Index(fields=["target", "status"], name="claim_target_status"),
        ]

    def __str__(self):
        return f"{self.agent} {self.relation} {self.target}"

    def written(self, role: str) -> str:
        """The words the sentence names the agent or target by ("zoledronic acid" for
        Bisphosphonates), or "" where they are the tag's name or the sentence does not name it."""
        start, end = getattr(self, f"{role}_start"), getattr(self, f"{role}_end")
        words = self.sentence[start:end] if start < end <= len(self.sentence) else ""
        return "" if words.casefold() == getattr(self, role).name.casefold() else words

    @property
    def agent_written(self) -> str:
        return self.written("agent")

    @property
    def target_written(self) -> str:
        return self.written("target")

    def sentence_html(self) -> str:
        """The sentence, escaped, with both names and the trigger word wrapped in <mark>."""
        spans = sorted(
            (
                span
                for span in (
                    (self.agent_start, self.agent_end, "agent"),
                    (self.target_start, self.target_end, "target"),
                    (self.trigger_start, self.trigger_end, "trigger"),
                )
                if span[0] < span[1] <= len(self.sentence)
            ),
        )
        html, last = "", 0
        for start, end, role in spans:
            if start < last:
                continue
            html = format_html(
                '{}{}<mark class="claim-{}">{}</mark>', html, self.sentence[last:start], role, self.sentence[start:end]
            )
            last = end
        return format_html("{}{}", html, self.sentence[last:])


class SentenceDecision(models.Model):
    """A sentence a curator read and found stating no claim (papers.claims.reading): remembered
    as a rejection is, so "Sentences to read" never offers it again. Named as Claim names its
    sentence: the field and where the sentence starts in the field's plain text."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="sentence_decisions", db_index=False)
    field = models.CharField(max_length=10, help_text="title or abstract")
    sentence_start = models.PositiveIntegerField()
    sentence = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "field", "sentence_start"], name="sentencedecision_unique"),
        ]

    def __str__(self):
        return f"No claim in {self.field}:{self.sentence_start} of {self.paper_id}"


class CoMention(models.Model):
    """A sentence of a paper's title or abstract that names two or more tags, as the reader last
    read it (on import, `retag` and a hand edit of the text, which replace a paper's rows): what
    "Sentences to read" (papers.claims.reading) lists, marks and offers its choices from without
    reading the paper again. Whether a curator has decided it is asked of Claim and
    SentenceDecision when the list is read, so a decision needs no write here."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="co_mentions", db_index=False)
    field = models.CharField(max_length=10, help_text="title or abstract")
    place = models.PositiveIntegerField(help_text="The sentence's rank among the paper's, the title's first.")
    # Named as Claim names its sentence: plain text, where it starts in its field's plain text.
    sentence_start = models.PositiveIntegerField()
    sentence = models.TextField()
    # [[tag id, start, end], …]: the first mention of each tag named, in the order named, as
    # character offsets in the sentence.
    tags = models.JSONField(default=list)
    suggested = models.BooleanField(default=False, help_text="The reader suggested a claim from it.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "place"], name="comention_unique")]
        # The list's order: suggested first, then by paper and place.
        indexes = [models.Index(fields=["-suggested", "paper", "place"], name="comention_order")]

    def __str__(self):
        return f"{self.field}:{self.sentence_start} of {self.paper_id}"
