"""`manage.py import_pubmed`: PMIDs, a file of PMIDs, a PubMed query, or recorded XML."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from papers.importing import InvalidPMIDs, parse_pmids, perform
from papers.models import ImportRun
from papers.pubmed import ESEARCH_LIMIT


class Command(BaseCommand):
    help = "Import PubMed records by PMID, from a file of PMIDs, from a PubMed query, or from recorded efetch XML."

    def add_arguments(self, parser):
        parser.add_argument("pmids", nargs="*", help="PMIDs (also 'PMID: 123' or PubMed URLs).")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", help="A file with PMIDs, one per line; blank lines and # comments are ignored.")
        source.add_argument("--query", help="A PubMed query, e.g. '\"multiple myeloma\" AND RANKL AND review[pt]'.")
        source.add_argument("--from-xml", nargs="+", metavar="FILE", help="Recorded efetch XML files (no network).")
        parser.add_argument("--max", type=int, help=f"With --query: import at most this many records (≤ {ESEARCH_LIMIT:,}).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; store nothing.")
        parser.add_argument("--user", help="Username to record as the importer.")

    def handle(self, *args, pmids, file, query, from_xml, max, dry_run, user, verbosity, **options):
        run = ImportRun(dry_run=dry_run, requested_by=self._user(user))
        if query is not None:
            if pmids:
                raise CommandError("Give PMIDs or --query, not both.")
            if not query.strip() or len(query) > 4000:
                raise CommandError("The query must be between 1 and 4,000 characters.")
            if max is not None and not 1 <= max <= ESEARCH_LIMIT:
                raise CommandError(f"--max must be between 1 and {ESEARCH_LIMIT:,}.")
            run.source, run.query, run.limit = ImportRun.Source.QUERY, query.strip(), max
        elif from_xml:
            if pmids:
                raise CommandError("Give PMIDs or --from-xml, not both.")
            missing = [name for name in from_xml if not Path(name).is_file()]
            if missing:
                raise CommandError(f"No such file: {', '.join(missing)}")
            run.source, run.query = ImportRun.Source.XML, "\n".join(from_xml)
        else:
            run.source = ImportRun.Source.PMIDS
            run.requested_pmids = self._pmids(pmids, file)
            run.total = len(run.requested_pmids)
        if not dry_run:
            run.save()

        with tqdm(total=run.total or None, unit="record", disable=verbosity < 1 or not sys.stderr.isatty()) as bar:
            report = perform(run, progress=bar.update)

        for message in report.messages:
            self.stdout.write(message)
        for key, reason in report.failed.items():
            self.stderr.write(f"failed {key}: {reason}")
        if report.not_found:
            self.stdout.write("not found in PubMed: " + ", ".join(map(str, report.not_found)))
        for pmid, fields in report.conflicts.items():
            self.stdout.write(f"PMID {pmid}: PubMed differs in hand-edited {', '.join(fields)} (kept the curator's)")
        prefix = "dry run, nothing stored: " if dry_run else f"import #{run.pk}: "
        self.stdout.write(prefix + report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} failure(s); run the same command again to finish.", returncode=1)

    def _pmids(self, tokens, file):
        if file and tokens:
            raise CommandError("Give PMIDs or --file, not both.")
        if file:
            try:
                text = Path(file).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {file}: {error}") from None
        else:
            text = "\n".join(tokens)
        try:
            pmids = parse_pmids(text)
        except InvalidPMIDs as error:
            raise CommandError(str(error)) from None
        if not pmids:
            raise CommandError("No PMIDs given: pass PMIDs, --file, --query or --from-xml.")
        return pmids

    def _user(self, username):
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
