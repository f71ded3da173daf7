"""`manage.py refresh_pubmed`: re-fetch stored papers to pick up PubMed's revisions."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from papers.catalogue.models import Paper
from papers.management.commands._importer import add_identity_argument, importer, login
from papers.pubmed.client import MISSING_EMAIL
from papers.pubmed.models import ImportRun
from papers.pubmed.runs import perform


class Command(BaseCommand):
    help = "Re-fetch stored papers from PubMed to pick up revisions, corrections and retractions."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="Every paper with a PMID.")
        which.add_argument("--older-than", type=int, metavar="DAYS", help="Papers last fetched more than DAYS ago.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; store nothing.")
        add_identity_argument(parser)

    def handle(self, *args, all, older_than, dry_run, as_user, **options):
        user = importer(as_user)
        if not settings.NCBI_EMAIL:  # every request would fail: say so once, before starting
            raise CommandError(MISSING_EMAIL)
        papers = Paper.objects.filter(pmid__isnull=False)
        if older_than is not None:
            if older_than < 0:
                raise CommandError("--older-than takes a number of days (0 or more).")
            cutoff = timezone.now() - timedelta(days=older_than)
            papers = papers.filter(Q(pubmed_fetched_at__lt=cutoff) | Q(pubmed_fetched_at__isnull=True))
        pmids = list(papers.order_by("pmid").values_list("pmid", flat=True))
        if not pmids:
            self.stdout.write("Nothing to refresh.")
            return
        run = ImportRun(
            source=ImportRun.Source.REFRESH,
            requested_pmids=pmids,
            total=len(pmids),
            dry_run=dry_run,
            requested_by=user,
            os_user=login(),
        )
        if not dry_run:
            run.save()
        report = perform(run, retrying=self.stderr.write)
        for line in report.failure_lines():
            self.stderr.write(line)
        if report.not_found:
            self.stdout.write("no longer in PubMed: " + ", ".join(map(str, report.not_found)))
        self.stdout.write(f"refreshed {len(pmids)} paper(s): {report.summary()}")
        if report.failed:
            raise CommandError(report.advice(), returncode=1)
