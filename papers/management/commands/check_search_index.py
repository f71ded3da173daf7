"""Find search documents that disagree with their papers (and, with --fix, rewrite them)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Case, IntegerField, Value, When

from papers.catalogue.models import Paper
from papers.search import indexing

SHOWN = 20  # papers named per kind of drift


class Command(BaseCommand):
    help = (
        "Compare every paper's search document with the paper: its text, its facts (public, date, journal, "
        "publication types) and the full-text index. Exits with an error if anything differs, unless --fix "
        "rewrote it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the documents that differ.")

    def handle(self, *args, fix, **options):
        drift = indexing.check()
        if not drift:
            self.stdout.write(f"The search index agrees with all {Paper.objects.count():,} papers.")
            return
        for label, ids in (
            ("without a search document", drift.missing),
            ("whose document has stale facts (status, date, journal, types or notice)", drift.stale_facts),
            ("whose document has stale text", drift.stale_text),
        ):
            if ids:
                self.stdout.write(f"{len(ids):,} paper(s) {label}: {_named(ids)}")
        if drift.full_text_index:
            self.stdout.write(f"The full-text index does not match the documents: {drift.full_text_index}")
        if not fix:
            raise CommandError("The search index is out of step; run check_search_index --fix to rewrite it.")
        written = indexing.repair(drift)
        self.stdout.write(
            f"Rewrote {written:,} document(s){' and the full-text index' if drift.full_text_index else ''}."
        )


def _named(ids: list[int]) -> str:
    """The first papers by PMID (or id, for a paper outside PubMed), in id order."""
    shown = ids[:SHOWN]
    order = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(shown)), output_field=IntegerField())
    names = [
        f"PMID {pmid}" if pmid else f"id {pk}"
        for pk, pmid in Paper.objects.filter(pk__in=shown).order_by(order).values_list("pk", "pmid")
    ]
    return ", ".join(names) + (f" and {len(ids) - SHOWN:,} more" if len(ids) > SHOWN else "")
