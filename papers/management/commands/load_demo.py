"""`manage.py load_demo`: the taxonomy and the demo papers, approved, for a first look: the
myeloma records (fixtures/demo) and the records on the mechanisms (fixtures/demo_mechanisms)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from papers.catalogue.models import Paper
from papers.claims.demo import confirm_demo_claims, record_files
from papers.pubmed.models import ImportRun
from papers.pubmed.runs import perform
from papers.search.indexing import index_papers
from papers.tagging.models import PaperTag

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the topic/tag taxonomy and import the demo records (real MEDLINE records on myeloma and on "
        "its mechanisms, see fixtures/DEMO.md), approving them and confirming their suggested tags so the public pages "
        "have something to show. Idempotent."
    )

    def handle(self, *args, **options):
        call_command("loaddata", FIXTURES / "taxonomy.json", verbosity=0)
        files = (
            sorted((FIXTURES / "demo").glob("*.xml"))
            + sorted((FIXTURES / "demo_mechanisms").glob("*.xml"))
            + record_files()
        )
        if not files:
            raise CommandError("fixtures/demo and fixtures/demo_mechanisms hold no XML files.")
        run = ImportRun.objects.create(source=ImportRun.Source.XML, query="\n".join(map(str, files)))
        report = perform(run)
        if report.failed:
            raise CommandError(f"The demo import failed: {report.failed}")
        imported = report.created + report.updated + report.unchanged
        approved = Paper.objects.filter(pmid__in=imported, status=Paper.Status.PENDING).update(
            status=Paper.Status.APPROVED, status_note="Demo data, approved on loading.", reviewed_at=timezone.now()
        )
        # The demo confirms the tagger's suggestions so topic and tag pages have papers; real
        # collections confirm each one by hand (papers.curation).
        demo = Paper.objects.filter(pmid__in=imported)
        confirmed = PaperTag.objects.filter(paper__in=demo, status=PaperTag.Status.SUGGESTED).update(
            status=PaperTag.Status.CONFIRMED, reviewed_at=timezone.now()
        )
        index_papers(demo.values_list("pk", flat=True))
        self.stdout.write(
            f"Demo data: {report.summary()}; {approved} paper(s) approved, "
            f"{confirmed} suggested tag(s) confirmed; {confirm_demo_claims().summary()}."
        )
