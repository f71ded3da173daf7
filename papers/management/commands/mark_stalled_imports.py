"""Store as interrupted the imports that stalled or never started (a cron job, say): the import
reports already show them so without writing; the next import marks them too."""

from django.core.management.base import BaseCommand

from papers.pubmed.models import ImportRun


class Command(BaseCommand):
    help = "Mark imports interrupted that made no progress, or never started, for IMPORT_STALL_SECONDS."

    def handle(self, *args, **options):
        marked = ImportRun.mark_interrupted()
        self.stdout.write(f"Marked {marked} import run{'' if marked == 1 else 's'} interrupted.")
