"""Curators' decisions on claims: confirm, reject, correct (swap the direction or change the
relation), one claim or a whole claim type across papers, add a claim by hand, and read a
sentence as stating no claim.

As tag review (papers.curation): the same permission (reviewing tags), one transaction per
decision, a PaperEvent for each, and CurationError, changing nothing, when a rule forbids it.
Only confirmed claims of approved papers are public (Claim.objects.public()); the page cache
learns of every write through the collection-version trigger (migration 0018).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper, Tag
from papers.claims.extraction import ClaimExtractor
from papers.claims.models import Claim, SentenceDecision
from papers.curation import services as curation
from papers.curation.models import PaperEvent
from papers.curation.services import REVIEW_TAGS, CurationError
from papers.tagging.matcher import Tagger, sentence_starts
from papers.tagging.models import PaperTag
from papers.tagging.suggestions import tag_terms

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


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paper's title or abstract, as plain text, where it stands in its field."""

    field: str
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        """How a form names it: "abstract:120"."""
        return f"{self.field}:{self.start}"


def sentences_of(paper: Paper) -> list[Sentence]:
    """The sentences a claim may come from, split as the extractor splits them."""
    found = []
    for field in ("title", "abstract"):
        text = to_text(getattr(paper, field) or "")
        starts = [*sentence_starts(text), len(text)]
        for start, end in zip(starts, starts[1:]):
            sentence = text[start:end].rstrip()
            if sentence:
                found.append(Sentence(field, start, start + len(sentence), sentence))
    return found


def add_claim(
    paper: Paper,
    user,
    *,
    sentence: str,
    agent: Tag,
    relation: str,
    target: Tag,
    negated: bool = False,
    hedged: bool = False,
) -> Claim:
    """A claim the extractor missed or read wrong, stated by `sentence` (a Sentence.key of the
    paper), confirmed as the curator's own: never touched by a re-import or retag. A row of the
    same agent, relation and target takes this sentence and these flags. The paper gains each
    of the two tags it has not confirmed (confirmed, this sentence as a new tag's evidence), so
    the claim's tags are on its paper. Returns the claim."""
    _require(user)
    if relation not in Claim.Relation.values:
        raise CurationError(f"Unknown relation “{relation}”.")
    if agent.pk == target.pk:
        raise CurationError("The agent and the target must be two different tags.")
    chosen = next((s for s in sentences_of(paper) if s.key == sentence), None)
    if chosen is None:
        raise CurationError("Choose a sentence of the paper's title or abstract.")
    names, trigger = _marks(chosen.text, agent, target)
    values = {
        "negated": negated,
        "hedged": hedged,
        "field": chosen.field,
        "sentence": chosen.text,
        "sentence_start": chosen.start,
        "sentence_end": chosen.end,
        "agent_start": names[agent.slug][0],
        "agent_end": names[agent.slug][1],
        "target_start": names[target.slug][0],
        "target_end": names[target.slug][1],
        "trigger_start": trigger[0],
        "trigger_end": trigger[1],
    }
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update().filter(paper=paper, agent=agent, relation=relation, target=target).first()
        )
        before = None if claim is None else claim.status
        said = None if claim is None else f"{claim.field}: {claim.sentence}"
        if claim is None:
            claim = Claim(paper=paper, agent=agent, relation=relation, target=target)
        elif before == CONFIRMED and all(getattr(claim, name) == value for name, value in values.items()):
            raise CurationError(f"“{claim}” is already confirmed with this sentence.")
        for tag in (agent, target):
            _tag_on(paper, tag, user, chosen, names[tag.slug][2])
        for name, value in values.items():
            setattr(claim, name, value)
        claim.status, claim.source = CONFIRMED, Claim.Source.CURATOR
        claim.reviewed_by, claim.reviewed_at = user, timezone.now()
        claim.save()
        flags = ", ".join(flag for flag, on in (("negated", negated), ("hedged", hedged)) if on)
        PaperEvent.objects.create(
            paper=paper,
            user=user,
            kind=PaperEvent.Kind.CLAIM,
            summary=f"Added claim “{claim}”{f' ({flags})' if flags else ''} by hand",
            changes={str(claim): [before, CONFIRMED], "sentence": [said, f"{chosen.field}: {chosen.text}"]},
        )
    return claim


def no_claim(paper: Paper, user, *, sentence: str) -> SentenceDecision:
    """The curator read `sentence` (a Sentence.key of the paper) and found it states no claim:
    remembered, so "Sentences to read" (papers.claims.reading) no longer offers it."""
    _require(user)
    chosen = next((s for s in sentences_of(paper) if s.key == sentence), None)
    if chosen is None:
        raise CurationError("Choose a sentence of the paper's title or abstract.")
    with transaction.atomic():
        decision = (
            SentenceDecision.objects.select_for_update()
            .filter(paper=paper, field=chosen.field, sentence_start=chosen.start)
            .first()
        )
        if decision is not None and decision.sentence == chosen.text:
            raise CurationError("This sentence is already read as stating no claim.")
        # A decision on what stood here before the text was corrected gives way to this one.
        decision = decision or SentenceDecision(paper=paper, field=chosen.field, sentence_start=chosen.start)
        decision.sentence, decision.decided_by, decision.decided_at = chosen.text, user, timezone.now()
        decision.save()
        PaperEvent.objects.create(
            paper=paper,
            user=user,
            kind=PaperEvent.Kind.CLAIM,
            summary="Read a sentence as stating no claim",
            changes={"no claim": [None, f"{chosen.field}: {chosen.text}"]},
        )
    return decision


def _marks(text: str, agent: Tag, target: Tag) -> tuple[dict[str, tuple[int, int, str]], tuple[int, int]]:
    """What the sentence shows marked: (start, end, words) of each tag's first name, (0, 0, "")
    for a tag it does not name (a curator may read "this cytokine" as IL-6); and the trigger
    word where the extractor reads the two tags related, else none, (0, 0)."""
    tagger = Tagger(map(tag_terms, (agent, target)))
    names = {agent.slug: (0, 0, ""), target.slug: (0, 0, "")}
    for mention in reversed(tagger.mentions(text)):
        names[mention.slug] = (mention.start, mention.end, mention.matched)
    pair = {agent.slug, target.slug}
    read = (claim.trigger_span for claim in ClaimExtractor(tagger).claims(text) if {claim.agent, claim.target} == pair)
    return names, next(read, (0, 0))


def _tag_on(paper: Paper, tag: Tag, user, sentence: Sentence, matched: str) -> None:
    """The tag confirmed on the paper, through tag review (audited there)."""
    row = PaperTag.objects.filter(paper=paper, tag=tag).first()
    if row is None:
        curation.add_tag(paper, tag, user, sentence.text, field=sentence.field, matched=matched)
    elif row.status != PaperTag.Status.CONFIRMED:
        curation.confirm_tag(row, user)


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
