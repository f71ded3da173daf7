"""`manage.py load_demo`: the taxonomy and the demo papers — the myeloma records (fixtures/demo),
the records on the mechanisms (fixtures/demo_mechanisms) and the claims' records — curated to the
collection's scope as a moderator would (fixtures/DEMO.md): records that name myeloma, and the
mechanism records kept in fixtures/demo_scope.json, approved; the rest rejected with a reason;
a few of each kind left in the moderation queue."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper
from papers.claims.demo import confirm_demo_claims, demo_moderator, record_files
from papers.curation import services as curation
from papers.curation.screening_queue import rescore
from papers.pubmed.models import ImportRun
from papers.pubmed.runs import perform
from papers.search.indexing import index_papers
from papers.tagging.models import PaperTag

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SCOPE = FIXTURES / "demo_scope.json"
# The selection rule of fixtures/DEMO.md: the word, not myelomalacia or myelomonocytic.
MYELOMA = re.compile(r"\bmyelom(?:a|as|atosis|atous)\b", re.IGNORECASE)
OFF_TOPIC_NOTE = "Studied outside myeloma, with no bearing on myeloma, its bone disease or its marrow."


def names_myeloma(paper: Paper) -> bool:
    """Whether the title, abstract, keywords or MeSH headings name myeloma (fixtures/DEMO.md's rule)."""
    fields = paper.shaped
    mesh = [heading.get("name", "") for heading in fields.mesh_headings]
    return bool(MYELOMA.search("\n".join([to_text(paper.title), to_text(paper.abstract), *fields.keywords, *mesh])))


class Command(BaseCommand):
    help = (
        "Load the topic/tag taxonomy and import the demo records (real MEDLINE records on myeloma and on "
        "its mechanisms, see fixtures/DEMO.md), curating them to the collection's scope (approved, rejected "
        "with a reason, a few left pending) and confirming their suggested tags so the public pages have "
        "something to show. Idempotent."
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
        approved, rejected, pending = self.curate(Paper.objects.filter(pmid__in=imported))
        # The demo confirms the tagger's suggestions so topic and tag pages have papers; real
        # collections confirm each one by hand (papers.curation).
        demo = Paper.objects.filter(pmid__in=imported)
        confirmed = PaperTag.objects.filter(paper__in=demo, status=PaperTag.Status.SUGGESTED).update(
            status=PaperTag.Status.CONFIRMED, reviewed_at=timezone.now()
        )
        # The labelled set's claims, confirmed or added by hand (adding tags a paper lacks) before indexing.
        claims = confirm_demo_claims()
        index_papers(demo.values_list("pk", flat=True))
        rescore()  # the queue is ranked at once, without waiting for the task worker
        self.stdout.write(
            f"Demo data: {report.summary()}; {approved} paper(s) approved, {rejected} rejected, {pending} left "
            f"pending; {confirmed} suggested tag(s) confirmed; {claims.summary()}."
        )

    def curate(self, papers) -> tuple[int, int, int]:
        """Decide the pending demo papers as fixtures/demo_scope.json says, through papers.curation
        (each decision in the paper's history); returns how many were approved, rejected, left."""
        scope = json.loads(SCOPE.read_text())
        kept = {entry["pmid"] for entry in scope["kept"]}
        moderator = demo_moderator()
        undecided = list(papers.filter(status=Paper.Status.PENDING).order_by("-pmid"))
        in_scope = [paper for paper in undecided if paper.pmid in kept or names_myeloma(paper)]
        chosen = {paper.pk for paper in in_scope}
        out_of_scope = [paper for paper in undecided if paper.pk not in chosen]
        # A few of each kind wait for a moderator: the newest out of scope, and the oldest naming
        # myeloma (the newest name mechanisms the site's examples and labelled searches find).
        naming = [paper for paper in in_scope if paper.pmid not in kept]
        waiting = {paper.pk for paper in naming[-scope["pending"] :] + out_of_scope[: scope["pending"]]}
        approved = rejected = 0
        with transaction.atomic():
            for paper in in_scope:
                if paper.pk not in waiting:
                    curation.approve(paper, moderator, "In scope (demo curation, fixtures/DEMO.md).")
                    approved += 1
            for paper in out_of_scope:
                if paper.pk not in waiting:
                    curation.reject(paper, moderator, Paper.Reason.OFF_TOPIC, OFF_TOPIC_NOTE)
                    rejected += 1
        return approved, rejected, len(waiting)
