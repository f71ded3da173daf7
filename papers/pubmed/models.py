"""ImportRun: one import asked for by a curator or a command, with its progress and report."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


# Choices at module level, where the models' Meta can build their constraints from them.
class ImportSource(models.TextChoices):
    PMIDS = "pmids", "PMIDs"
    QUERY = "query", "PubMed query"
    XML = "xml", "Recorded XML"
    REFRESH = "refresh", "Refresh of stored papers"


class ImportState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Finished with errors"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted"


class ImportRun(models.Model):
    """One import asked for by a curator or a command, with its progress and report."""

    Source = ImportSource
    State = ImportState

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    # Who ran a command-line import, as the operating system names them: recorded even when no
    # site account has that name (requested_by is then empty).
    os_user = models.CharField(
        "operating-system user",
        max_length=150,
        blank=True,
        help_text="The operating-system user who ran the command-line import.",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    query = models.TextField(blank=True, help_text="The PubMed query or the file names.")
    requested_pmids = models.JSONField(default=list, blank=True)
    limit = models.PositiveIntegerField(null=True, blank=True, help_text="At most this many records of a query.")
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Records to process, once known.")
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    not_found = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=dict, blank=True, help_text="{PMID or batch: reason}")
    messages = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When a running import last made progress.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=ImportSource.values), name="importrun_source_valid"),
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values),
                name="importrun_state_valid",
            ),
        ]

    INTERRUPTED_NOTE = (
        "Interrupted: the import stopped making progress (its process was stopped or killed). "
        "The batches stored are complete; run the same import again to finish it."
    )
    NEVER_STARTED_NOTE = (
        "Interrupted: the import was queued but never started (is the task worker running?). "
        "Nothing of it was stored; a worker that picks it up later still runs it, "
        "or ask for the same import again."
    )

    def stalled_note(self, now=None) -> str:
        """Why the run is to be taken as interrupted although stored as running or queued, or ''.
        A running run without a heartbeat (renewed each batch) for IMPORT_STALL_SECONDS died, and
        a queued run not started for as long was never picked up; neither can say so itself."""
        since = (now or timezone.now()) - timedelta(seconds=settings.IMPORT_STALL_SECONDS)
        if self.state == self.State.RUNNING and self.heartbeat_at and self.heartbeat_at < since:
            return self.INTERRUPTED_NOTE
        if self.state == self.State.QUEUED and self.created_at < since:
            return self.NEVER_STARTED_NOTE
        return ""

    @property
    def shown_state(self) -> str:
        """The state to show: interrupted when stalled_note() says so, without writing it."""
        return self.State.INTERRUPTED if self.stalled_note() else self.state

    @property
    def shown_messages(self) -> list[str]:
        """The messages to show, with the stalled note when there is one."""
        note = self.stalled_note()
        return [*self.messages, note] if note else self.messages

    @classmethod
    def mark_interrupted(cls) -> int:
        """Store what shown_state shows: runs that stalled or never started become interrupted,
        with the note saying why. Their stored batches are whole, and running the import again
        completes it. Called before an import starts and by `manage.py mark_stalled_imports`,
        never by a page. Returns how many were marked."""
        now = timezone.now()
        marked = 0
        active = cls.objects.filter(state__in=[cls.State.RUNNING, cls.State.QUEUED])
        for run in active.only("pk", "state", "created_at", "started_at", "heartbeat_at", "messages"):
            note = run.stalled_note(now)
            if not note:
                continue
            # Only if it is still as read: a batch finishing (or the run starting) meanwhile keeps it going.
            still = cls.objects.filter(
                pk=run.pk, state=run.state, started_at=run.started_at, heartbeat_at=run.heartbeat_at
            )
            marked += still.update(state=cls.State.INTERRUPTED, finished_at=now, messages=[*run.messages, note])
        return marked

    def __str__(self):
        return f"Import #{self.pk} ({self.get_source_display()}, {self.State(self.shown_state).label.lower()})"
