"""Moderation and tag review: the only write paths for a paper's status and its tags' decisions.

Each function checks who may do it and the rules, changes the row inside a transaction and
writes a PaperEvent saying who did what and why, so the admin (or anything else) never
changes a status without leaving a trace. A broken rule raises CurationError and changes
nothing.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Paper, PaperEvent, PaperTag
from .search.indexing import index_papers

MODERATE = "papers.moderate_paper"
REVIEW_TAGS = "papers.change_papertag"


class CurationError(Exception):
    """A rule forbids the change; the message says which, in words for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_rejection(reason: str, note: str) -> None:
    """Raise unless the reason is one of Paper.Reason and OTHER comes with a note."""
    if reason not in Paper.Reason.values:
        raise CurationError("Rejecting a paper needs a reason.")
    if reason == Paper.Reason.OTHER and not note.strip():
        raise CurationError("The reason “Other” needs a note saying why.")


def approve(paper: Paper, user, note: str = "") -> Paper:
    """Make the paper public. Nobody approves a paper they imported, unless superuser or
    settings.ALLOW_SELF_APPROVAL."""
    _require(user, MODERATE, "You may not moderate papers.")
    if paper.imported_by_id == user.pk and not (user.is_superuser or settings.ALLOW_SELF_APPROVAL):
        raise CurationError("You imported this paper; another moderator must approve it.")
    return _set_status(paper, user, Paper.Status.APPROVED, "", note, refuse_from={Paper.Status.APPROVED})


def reject(paper: Paper, user, reason: str, note: str = "") -> Paper:
    """Take the paper out of (or keep it from) the public collection, for a reason."""
    _require(user, MODERATE, "You may not moderate papers.")
    check_rejection(reason, note)
    return _set_status(paper, user, Paper.Status.REJECTED, reason, note, refuse_from={Paper.Status.REJECTED})


def revoke_approval(paper: Paper, user, note: str) -> Paper:
    """Send an approved paper back to the queue (pending); the note says why."""
    _require(user, MODERATE, "You may not moderate papers.")
    if not note.strip():
        raise CurationError("Revoking an approval needs a note saying why.")
    return _set_status(paper, user, Paper.Status.PENDING, "", note,
                       refuse_from={Paper.Status.PENDING, Paper.Status.REJECTED})


def confirm_tag(paper_tag: PaperTag, user) -> PaperTag:
    """Confirm a suggested (or earlier rejected) tag: it then shows on the public pages."""
    return _decide_tag(paper_tag, user, PaperTag.Status.CONFIRMED)


def reject_tag(paper_tag: PaperTag, user) -> PaperTag:
    """Reject a tag; the tagger never suggests it again for this paper."""
    return _decide_tag(paper_tag, user, PaperTag.Status.REJECTED)


def add_tag(paper: Paper, tag, user, evidence: str = "") -> PaperTag:
    """Put a tag the tagger missed on a paper, confirmed, as the curator's own."""
    _require(user, REVIEW_TAGS, "You may not review tags.")
    with transaction.atomic():
        if PaperTag.objects.filter(paper=paper, tag=tag).exists():
            raise CurationError(f"{tag} is already on this paper; confirm or reject it there.")
        paper_tag = PaperTag.objects.create(
            paper=paper, tag=tag, status=PaperTag.Status.CONFIRMED, source=PaperTag.Source.CURATOR,
            evidence=evidence, reviewed_by=user, reviewed_at=timezone.now(),
        )
        PaperEvent.objects.create(paper=paper, user=user, kind=PaperEvent.Kind.TAG, summary=f"Added tag {tag}",
                                  changes={tag.slug: [None, PaperTag.Status.CONFIRMED]})
        index_papers([paper.pk])
    return paper_tag


def _require(user, permission: str, message: str) -> None:
    if user is None or not user.has_perm(permission):
        raise CurationError(message)


def _set_status(paper, user, status, reason, note, refuse_from) -> Paper:
    # No reindex: search reads the status at query time (PostgreSQL's documents copy it by trigger).
    with transaction.atomic():
        current = Paper.objects.select_for_update().get(pk=paper.pk)
        if current.status in refuse_from:
            raise CurationError(f"The paper is {current.get_status_display().lower()}.")
        new = {"status": status, "status_reason": reason, "status_note": note.strip()}
        changes = {name: [getattr(current, name), value] for name, value in new.items()
                   if getattr(current, name) != value}
        for name, value in {**new, "reviewed_by": user, "reviewed_at": timezone.now()}.items():
            setattr(paper, name, value)
        paper.save(update_fields=[*new, "reviewed_by", "reviewed_at", "updated_at"])
        summary = {Paper.Status.APPROVED: "Approved", Paper.Status.PENDING: "Approval revoked"}.get(status)
        PaperEvent.objects.create(paper=paper, user=user, kind=PaperEvent.Kind.STATUS,
                                  summary=summary or f"Rejected: {Paper.Reason(reason).label}",
                                  changes=changes, reason=reason, note=note.strip())
    return paper


def _decide_tag(paper_tag: PaperTag, user, status) -> PaperTag:
    _require(user, REVIEW_TAGS, "You may not review tags.")
    with transaction.atomic():
        current = PaperTag.objects.select_for_update().select_related("tag").get(pk=paper_tag.pk)
        if current.status == status:
            raise CurationError(f"{current.tag} is already {current.get_status_display().lower()}.")
        paper_tag.status, paper_tag.reviewed_by, paper_tag.reviewed_at = status, user, timezone.now()
        paper_tag.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        verb = "Confirmed" if status == PaperTag.Status.CONFIRMED else "Rejected"
        PaperEvent.objects.create(paper_id=paper_tag.paper_id, user=user, kind=PaperEvent.Kind.TAG,
                                  summary=f"{verb} tag {current.tag}", changes={current.tag.slug: [current.status, status]})
        index_papers([paper_tag.paper_id])  # confirmed tags' names are searched
    return paper_tag
