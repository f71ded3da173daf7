"""The demo's confirmed claims: fixtures/claims/demo_confirmed.json lists claims by PMID, agent,
relation and target (a curated list, true by fixtures/claims/LABELLING.md); `load_demo`
confirms those the extractor suggested. Listed claims of papers not in the collection, or not
suggested, are skipped and counted, so the list survives changes to the demo records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from papers.catalogue.models import Paper
from papers.claims.models import Claim

CONFIRMED = Path(settings.BASE_DIR) / "fixtures" / "claims" / "demo_confirmed.json"
RECORDS = Path(settings.BASE_DIR) / "fixtures" / "claims"


class DemoClaims(NamedTuple):
    confirmed: int
    absent_papers: int  # listed claims whose PMID is not in the collection
    not_suggested: int  # listed claims of present papers that the extractor did not suggest

    def summary(self) -> str:
        return (
            f"{self.confirmed} claim(s) confirmed ({self.absent_papers} listed claim(s) of absent papers and "
            f"{self.not_suggested} not suggested skipped)"
        )


def record_files() -> list[Path]:
    """The real records the listed claims come from, imported with the demo."""
    return sorted(RECORDS.glob("*.xml"))


def confirm_demo_claims(path: Path = CONFIRMED) -> DemoClaims:
    listed = json.loads(path.read_text())
    present = set(Paper.objects.filter(pmid__in={entry["pmid"] for entry in listed}).values_list("pmid", flat=True))
    wanted = [entry for entry in listed if entry["pmid"] in present]
    match = Q(pk__in=[])
    for entry in wanted:
        match |= Q(
            paper__pmid=entry["pmid"],
            agent__slug=entry["agent"],
            relation=entry["relation"],
            target__slug=entry["target"],
        )
    claims = Claim.objects.filter(match)
    found = claims.count()
    claims.filter(status=Claim.Status.SUGGESTED).update(status=Claim.Status.CONFIRMED, reviewed_at=timezone.now())
    return DemoClaims(found, len(listed) - len(wanted), len(wanted) - found)
