"""What curators and moderators do, and the only code that does it: moderate a paper (approve,
reject, revoke approval), review its tags (confirm, reject, add), edit it by hand.

Each function checks who may do it and the rules, changes the rows inside one transaction,
writes a PaperEvent saying who did what and why, and keeps search current, so the admin, the
API or a command never changes a paper without leaving a trace. A broken rule raises
CurationError and changes nothing.
"""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from papers.catalogue.models import PUBMED_FIELDS, Paper
from papers.claims.suggestions import ClaimSuggester
from papers.curation.models import PaperEvent
from papers.curation.tasks import request_rescore
from papers.search.indexing import index_papers, refresh_facts
from papers.tagging.matcher import TaggableText
from papers.tagging.models import PaperTag
from papers.tagging.suggestions import TagSuggester

MODERATE = "papers.moderate_paper"
REVIEW_TAGS = "papers.change_papertag"
EDIT = "papers.change_paper"
ADD = "papers.add_paper"

# Never edited by hand: the status through moderation above, the rest by the importer and Django.
NOT_EDITABLE = (
    "status",
    "status_reason",
    "status_note",
    "reviewed_by",
    "reviewed_at",
    "imported_by",
    "edited_fields",
    "pubmed_conflicts",
    "pubmed_hash",
    "pubmed_fetched_at",
    "created_at",
    "updated_at",
)
# Paper's own columns and publication types (authors and tags have their own rows and review).
EDITABLE = frozenset(
    field.name
    for field in Paper._meta.get_fields()
    if field.concrete
    and field.editable
    and not field.primary_key
    and field.name not in NOT_EDITABLE
    and (not field.many_to_many or field.remote_field.through._meta.auto_created)
)


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
    return _set_status(
        paper, user, Paper.Status.PENDING, "", note, refuse_from={Paper.Status.PENDING, Paper.Status.REJECTED}
    )


def confirm_tag(paper_tag: PaperTag, user) -> PaperTag:
    """Confirm a suggested (or earlier rejected) tag: it then shows on the public pages."""
    return _decide_tag(paper_tag, user, PaperTag.Status.CONFIRMED)


def reject_tag(paper_tag: PaperTag, user) -> PaperTag:
    """Reject a tag; the tagger never suggests it again for this paper."""
    return _decide_tag(paper_tag, user, PaperTag.Status.REJECTED)


def add_tag(paper: Paper, tag, user, evidence: str = "", *, field: str = "", matched: str = "") -> PaperTag:
    """Put a tag the tagger missed on a paper, confirmed, as the curator's own; `field` and
    `matched`: where the evidence sentence stands and the words in it that name the tag."""
    _require(user, REVIEW_TAGS, "You may not review tags.")
    with transaction.atomic():
        if PaperTag.objects.filter(paper=paper, tag=tag).exists():
            raise CurationError(f"{tag} is already on this paper; confirm or reject it there.")
        paper_tag = PaperTag.objects.create(
            paper=paper,
            tag=tag,
            status=PaperTag.Status.CONFIRMED,
            source=PaperTag.Source.CURATOR,
            evidence=evidence,
            evidence_field=field,
            matched=matched,
            reviewed_by=user,
            reviewed_at=timezone.now(),
        )
        PaperEvent.objects.create(
            paper=paper,
            user=user,
            kind=PaperEvent.Kind.TAG,
            summary=f"Added tag {tag}",
            changes={tag.slug: [None, PaperTag.Status.CONFIRMED]},
        )
        index_papers([paper.pk])
    return paper_tag


def edit_paper(paper: Paper, user, values: dict, note: str = "") -> Paper:
    """Change a stored paper by hand: `values` maps field names (publication_types too) to new
    values. A field PubMed supplies joins `edited_fields`, so re-imports leave it alone and put
    PubMed's differing value in `pubmed_conflicts`; the edit is audited as {field: [old, new]},
    the paper re-indexed and, where its title or abstract changed, its claims and sentences
    naming two or more tags read again, in one transaction. Values equal to the stored ones are
    no change; no change, no write and no event. Status and bookkeeping fields are refused (NOT_EDITABLE)."""
    _require(user, EDIT, "You may not edit papers.")
    _check_editable(values)
    _check_values(paper, values)
    with transaction.atomic():
        current = Paper.objects.select_for_update().get(pk=paper.pk)
        changes = {}
        for name, value in values.items():
            old, new = _plain(_value(current, name)), _plain(value)
            if old != new:
                changes[name] = [old, new]
        if not changes:
            return paper
        edited = [name for name in changes if name in PUBMED_FIELDS]
        paper.edited_fields = sorted(set(current.edited_fields) | set(edited))
        paper.pubmed_conflicts = {k: v for k, v in current.pubmed_conflicts.items() if k not in edited}
        _apply(paper, {name: values[name] for name in changes}, ["edited_fields", "pubmed_conflicts", "updated_at"])
        PaperEvent.objects.create(
            paper=paper,
            user=user,
            kind=PaperEvent.Kind.EDIT,
            summary="Edited " + ", ".join(changes),
            changes=changes,
            note=note.strip(),
        )
        index_papers([paper.pk])  # a hand-edited title or abstract is searched at once
        if changes.keys() & {"title", "abstract"}:
            ClaimSuggester(TagSuggester.from_database()).suggest_for([TaggableText.of_paper(paper)])
    return paper


def add_paper(paper: Paper, user, values: dict) -> Paper:
    """Store a paper entered by hand (`paper` unsaved, `values` as for edit_paper) and index it."""
    _require(user, ADD, "You may not add papers.")
    _check_editable(values)
    _check_values(paper, values)
    with transaction.atomic():
        _apply(paper, values, None)
        index_papers([paper.pk])
    return paper


def _require(user, permission: str, message: str) -> None:
    if user is None or not user.has_perm(permission):
        raise CurationError(message)


def _check_editable(values: dict) -> None:
    refused = sorted(set(values) - EDITABLE)
    if refused:
        raise CurationError(f"Not edited by hand: {', '.join(refused)}.")


def _check_values(paper: Paper, values: dict) -> None:
    """Raise unless the model's validators (date ranges, the JSON fields' shapes) accept every
    column value given; the message names each field refused and why."""
    columns = [name for name in values if not Paper._meta.get_field(name).many_to_many]
    trial = copy.copy(paper)  # the caller's paper keeps its values when refused
    for name in columns:
        setattr(trial, name, values[name])
    try:
        trial.clean_fields(exclude=[f.name for f in Paper._meta.fields if f.name not in columns])
    except ValidationError as error:
        raise CurationError(
            " ".join(
                message if message.startswith(name) else f"{name}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            )
        ) from None


def _value(paper: Paper, name: str):
    field = Paper._meta.get_field(name)
    return list(getattr(paper, name).all()) if field.many_to_many else getattr(paper, name)


def _apply(paper: Paper, values: dict, also_saved: list[str] | None) -> None:
    """Set the values and save the paper: only the columns named (with `also_saved`), or whole
    when `also_saved` is None; many-to-many values after the row."""
    columns = {name: value for name, value in values.items() if not Paper._meta.get_field(name).many_to_many}
    for name, value in columns.items():
        setattr(paper, name, value)
    context = paper.refresh_context()  # an edited title, abstract or MeSH list may change it
    paper.save(update_fields=None if also_saved is None else [*columns, *context, *also_saved])
    for name in values.keys() - columns.keys():
        getattr(paper, name).set(values[name])


def _plain(value):
    """A value as the audit trail's JSON holds it: related objects by name."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet) or (
        isinstance(value, list) and any(isinstance(i, models.Model) for i in value)
    ):
        return sorted(map(str, value))
    return value


def _set_status(paper, user, status, reason, note, refuse_from) -> Paper:
    """Every status write is here, with its audit entry and the search document's public flag."""
    with transaction.atomic():
        current = Paper.objects.select_for_update().get(pk=paper.pk)
        if current.status in refuse_from:
            raise CurationError(f"The paper is {current.get_status_display().lower()}.")
        new = {"status": status, "status_reason": reason, "status_note": note.strip()}
        changes = {
            name: [getattr(current, name), value] for name, value in new.items() if getattr(current, name) != value
        }
        for name, value in {**new, "reviewed_by": user, "reviewed_at": timezone.now()}.items():
            setattr(paper, name, value)
        paper.save(update_fields=[*new, "reviewed_by", "reviewed_at", "updated_at"])
        summary = {Paper.Status.APPROVED: "Approved", Paper.Status.PENDING: "Approval revoked"}.get(status)
        PaperEvent.objects.create(
            paper=paper,
            user=user,
            kind=PaperEvent.Kind.STATUS,
            summary=summary or f"Rejected: {Paper.Reason(reason).label}",
            changes=changes,
            reason=reason,
            note=note.strip(),
        )
        refresh_facts([paper.pk])
        transaction.on_commit(request_rescore)  # the queue learns from each decision, in the worker
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
        PaperEvent.objects.create(
            paper_id=paper_tag.paper_id,
            user=user,
            kind=PaperEvent.Kind.TAG,
            summary=f"{verb} tag {current.tag}",
            changes={current.tag.slug: [current.status, status]},
        )
        index_papers([paper_tag.paper_id])  # confirmed tags' names are searched
    return paper_tag
