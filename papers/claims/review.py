"""Curators' decisions on claims: confirm, reject, correct (swap the direction or change the
relation), one claim or a whole claim type across papers.

As tag review (papers.curation): the same permission (reviewing tags), one transaction per
decision, a PaperEvent for each, and CurationError, changing nothing, when a rule forbids it.
Only confirmed claims of approved papers are public (Claim.objects.public()); the page cache
learns of every write through the collection-version trigger (migration 0018).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from papers.claims.models import Claim
from papers.curation.models import PaperEvent
from papers.curation.services import REVIEW_TAGS, CurationError

CONFIRMED, REJECTED, SUGGESTED = Claim.Status.CONFIRMED, Claim.Status.REJECTED, Claim.Status.SUGGESTED


def confirm_claim(claim: Claim, user) -> Claim:
    """Confirm a suggested (or earlier rejected) claim: it then shows on the public maps."""
    return _decide(claim, user, CONFIRMED)


def reject_claim(claim: Claim, user) -> Claim:
    """Reject a claim; the extractor never suggests it again for this paper."""
    return _decide(claim, user, REJECTED)


def correct_claim(claim: Claim, user, *, relation: str | None = None, swap: bool = False) -> Claim:
    """The sentence says something else than the claim read: reject the claim as read and
    confirm the corrected one (another relation, or agent and target swapped), with the same
    sentence, as the curator's own. Returns the corrected claim."""
    _require(user)
    relation = relation or claim.relation
    if relation not in Claim.Relation.values:
        raise CurationError(f"Unknown relation “{relation}”.")
    with transaction.atomic():
        current = Claim.objects.select_for_update().select_related("agent", "target").get(pk=claim.pk)
        agent, target = (current.target, current.agent) if swap else (current.agent, current.target)
        if (agent.pk, relation, target.pk) == (current.agent_id, current.relation, current.target_id):
            raise CurationError("The correction changes nothing: swap the direction or choose another relation.")
        spans = (
            {
                "agent_start": current.target_start,
                "agent_end": current.target_end,
                "target_start": current.agent_start,
                "target_end": current.agent_end,
            }
            if swap
            else {name: getattr(current, name) for name in ("agent_start", "agent_end", "target_start", "target_end")}
        )
        now = timezone.now()
        corrected, created = Claim.objects.select_for_update().get_or_create(
            paper_id=current.paper_id,
            agent=agent,
            relation=relation,
            target=target,
            defaults={
                "source": Claim.Source.CURATOR,
                "status": CONFIRMED,
                "reviewed_by": user,
                "reviewed_at": now,
                **{
                    name: getattr(current, name)
                    for name in (
                        "negated",
                        "hedged",
                        "field",
                        "sentence",
                        "sentence_start",
                        "sentence_end",
                        "trigger_start",
                        "trigger_end",
                    )
                },
                **spans,
            },
        )
        if not created and corrected.status != CONFIRMED:
            corrected.status, corrected.reviewed_by, corrected.reviewed_at = CONFIRMED, user, now
            corrected.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        if current.status != REJECTED:
            current.status, current.reviewed_by, current.reviewed_at = REJECTED, user, now
            current.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        PaperEvent.objects.create(
            paper_id=current.paper_id,
            user=user,
            kind=PaperEvent.Kind.CLAIM,
            summary=f"Corrected claim “{current}” to “{corrected}”",
            changes={
                str(current): [claim.status, REJECTED],
                str(corrected): [None if created else SUGGESTED, CONFIRMED],
            },
        )
    claim.status = REJECTED
    return corrected


def decide_claims(claims: QuerySet[Claim], user, status: str) -> int:
    """Confirm or reject many claims (bulk review of one claim type across papers), each
    audited on its paper; claims already so decided are left alone. Returns how many changed."""
    _require(user)
    changed = 0
    for claim in claims.exclude(status=status).order_by("pk"):
        _decide(claim, user, status)
        changed += 1
    return changed


def _require(user) -> None:
    if user is None or not user.has_perm(REVIEW_TAGS):
        raise CurationError("You may not review claims.")


def _decide(claim: Claim, user, status: str) -> Claim:
    _require(user)
    with transaction.atomic():
        current = Claim.objects.select_for_update().select_related("agent", "target").get(pk=claim.pk)
        if current.status == status:
            raise CurationError(f"“{current}” is already {current.get_status_display().lower()}.")
        claim.status, claim.reviewed_by, claim.reviewed_at = status, user, timezone.now()
        claim.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        verb = "Confirmed" if status == CONFIRMED else "Rejected"
        PaperEvent.objects.create(
            paper_id=claim.paper_id,
            user=user,
            kind=PaperEvent.Kind.CLAIM,
            summary=f"{verb} claim “{current}”",
            changes={str(current): [current.status, status]},
        )
    return claim
