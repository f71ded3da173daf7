"""Rebuild the search index from the papers table (after a restore, or once after migrating)."""

from django.core.management.base import BaseCommand

from papers.search.indexing import rebuild


class Command(BaseCommand):
    help = "Rewrite every paper's search document (and so the full-text index)."

    def handle(self, *args, **options):
        self.stdout.write(f"Indexed {rebuild()} papers.")
