"""`manage.py export_claims`: claims as JSON lines, for curators and for evaluating the extractor."""

import json

from django.core.management.base import BaseCommand, CommandError

from papers.catalogue.models import Paper
from papers.claims.models import Claim

STATUSES = ("suggested", "confirmed", "rejected", "all")


class Command(BaseCommand):
    help = (
        "Write claims as JSON lines (pmid, field, sentence, start, end, agent, relation, target, negated, hedged, "
        "status); start and end place the sentence in the plain text of its field (title or abstract)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status", choices=STATUSES, default="all", help="Only claims of this status (default all)."
        )
        parser.add_argument("--pmid", nargs="+", type=int, default=[], help="Only the claims of these PMIDs.")

    def handle(self, *args, status, pmid, **options):
        claims = Claim.objects.select_related("paper", "agent", "target").order_by(
            "paper__pmid", "field", "sentence_start", "pk"
        )
        if status != "all":
            claims = claims.filter(status=status)
        if pmid:
            missing = sorted(set(pmid) - set(Paper.objects.filter(pmid__in=pmid).values_list("pmid", flat=True)))
            if missing:
                raise CommandError("Not in the collection: " + ", ".join(map(str, missing)))
            claims = claims.filter(paper__pmid__in=pmid)
        for claim in claims.iterator(chunk_size=1000):
            self.stdout.write(
                json.dumps(
                    {
                        "pmid": claim.paper.pmid,
                        "field": claim.field,
                        "sentence": claim.sentence,
                        "start": claim.sentence_start,
                        "end": claim.sentence_end,
                        "agent": claim.agent.slug,
                        "relation": claim.relation,
                        "target": claim.target.slug,
                        "negated": claim.negated,
                        "hedged": claim.hedged,
                        "status": claim.status,
                    },
                    ensure_ascii=False,
                )
            )
