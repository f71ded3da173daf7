"""The demo's confirmed claims: every claim fixtures/claims/labelled.jsonl reads in a sentence of a
paper in the collection (labelled by fixtures/claims/LABELLING.md's rules), confirmed as a curator
would through papers.claims.review — the reader's suggestion confirmed where it read the claim
right, else the claim added by hand with its labelled sentence — each decision audited on its
paper as the demo moderator's. Claims of papers not in the collection are skipped and counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import Group, User

from papers.catalogue.models import Paper, Tag
from papers.claims.models import Claim
from papers.claims.review import add_claim, confirm_claim

RECORDS = Path(settings.BASE_DIR) / "fixtures" / "claims"
LABELLED = RECORDS / "labelled.jsonl"
MODERATOR = "demo-moderator"  # the demo's decisions are recorded as this account's (it cannot log in)


class DemoClaims(NamedTuple):
    confirmed: int  # the reader's suggestions confirmed
    added: int  # claims the reader missed or read wrong, added by hand
    absent_papers: int  # labelled claims whose PMID is not in the collection

    def summary(self) -> str:
        pairs = Claim.objects.public().values_list("agent_id", "target_id")
        return (
            f"{self.confirmed} suggested claim(s) confirmed and {self.added} added by hand from the labelled set "
            f"({self.absent_papers} of absent papers skipped): {len(pairs)} public claim(s) over "
            f"{len({tag for pair in pairs for tag in pair})} tag(s)"
        )


def demo_moderator() -> User:
    moderator, created = User.objects.get_or_create(username=MODERATOR)
    if created:
        moderator.set_unusable_password()
        moderator.save(update_fields=["password"])
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return moderator


def record_files() -> list[Path]:
    """The real records the labelled claims come from, imported with the demo."""
    return sorted(RECORDS.glob("*.xml"))


def labelled_claims(path: Path = LABELLED) -> dict[tuple[int, str, str, str], tuple[dict, dict]]:
    """(pmid, agent, relation, target) → (its first labelled sentence, its claim there)."""
    found = {}
    for line in path.read_text().splitlines():
        sentence = json.loads(line)
        for claim in sentence["claims"]:
            found.setdefault((sentence["pmid"], claim["agent"], claim["relation"], claim["target"]), (sentence, claim))
    return found


def confirm_demo_claims(path: Path = LABELLED) -> DemoClaims:
    labelled = labelled_claims(path)
    papers = {paper.pmid: paper for paper in Paper.objects.filter(pmid__in={pmid for pmid, *_ in labelled})}
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    claims = {
        (claim.paper.pmid, claim.agent.slug, claim.relation, claim.target.slug): claim
        for claim in Claim.objects.filter(paper__in=papers.values()).select_related("paper", "agent", "target")
    }
    moderator = demo_moderator()
    confirmed = added = 0
    for key, (sentence, label) in labelled.items():
        if key[0] not in papers:
            continue
        claim = claims.get(key)
        flags = (label["negated"], label["hedged"])
        if claim is not None and claim.status == Claim.Status.CONFIRMED:
            continue  # decided before (load_demo is idempotent)
        if claim is not None and (claim.negated, claim.hedged) == flags:
            confirm_claim(claim, moderator)
            confirmed += 1
        else:
            add_claim(
                papers[key[0]],
                moderator,
                sentence=f"{sentence['field']}:{sentence['start']}",
                agent=tags[key[1]],
                relation=key[2],
                target=tags[key[3]],
                negated=label["negated"],
                hedged=label["hedged"],
            )
            added += 1
    return DemoClaims(confirmed, added, sum(key[0] not in papers for key in labelled))
