"""`manage.py retag`: re-run the tagger over stored papers (all, or some PMIDs), and refresh the
context their claims are shown with."""

from django.core.management.base import BaseCommand, CommandError

from papers.catalogue.models import Paper
from papers.tagging.retagging import RETAG_CHUNK, retag


class Command(BaseCommand):
    help = (
        f"Re-run the tagger over stored papers in chunks of {RETAG_CHUNK}, and refresh their claims' context; "
        "confirmed, rejected and curator-added tags are never touched."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--pmid", nargs="+", type=int, default=[], help="Only these PMIDs.")
        which.add_argument("--all", action="store_true", help="Every paper (the default).")

    def handle(self, *args, pmid, **options):
        papers = Paper.objects.all()
        if pmid:
            papers = papers.filter(pmid__in=pmid)
            missing = sorted(set(pmid) - set(papers.values_list("pmid", flat=True)))
            if missing:
                raise CommandError("Not in the collection: " + ", ".join(map(str, missing)))
        read, changed = retag(papers)
        self.stdout.write(f"retagged {read} papers: {changed} suggestions added, updated or withdrawn")
