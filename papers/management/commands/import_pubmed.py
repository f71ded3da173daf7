"""`manage.py import_pubmed`: PMIDs, a file of PMIDs, a PubMed query, or recorded XML."""

import sys
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from papers.management.commands._importer import add_identity_argument, importer, login
from papers.pubmed.forms import MAX_PMIDS, MAX_QUERY_RECORDS, ImportRequestForm
from papers.pubmed.models import ImportRun
from papers.pubmed.runs import perform

# The import form's fields as this command's options (PMIDs and the form's own rules: no prefix).
OPTIONS = {"pmids": "", "pmid_file": "--file: ", "query": "--query: ", "limit": "--max: ", NON_FIELD_ERRORS: ""}


class Command(BaseCommand):
    help = "Import PubMed records by PMID, from a file of PMIDs, from a PubMed query, or from recorded efetch XML."

    def add_arguments(self, parser):
        parser.add_argument("pmids", nargs="*", help=f"PMIDs (also 'PMID: 123' or PubMed URLs), at most {MAX_PMIDS:,}.")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", help="A file with PMIDs, one per line; blank lines and # comments are ignored.")
        source.add_argument("--query", help="A PubMed query, e.g. '\"multiple myeloma\" AND RANKL AND review[pt]'.")
        source.add_argument("--from-xml", nargs="+", metavar="FILE", help="Recorded efetch XML files (no network).")
        parser.add_argument(
            "--max", type=int, help=f"With --query: import at most this many records (≤ {MAX_QUERY_RECORDS:,})."
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; store nothing.")
        add_identity_argument(parser)

    def handle(self, *args, pmids, file, query, from_xml, max, dry_run, as_user, verbosity, **options):
        user = importer(as_user)
        if from_xml:
            if pmids:
                raise CommandError("Give PMIDs or --from-xml, not both.")
            missing = [name for name in from_xml if not Path(name).is_file()]
            if missing:
                raise CommandError(f"No such file: {', '.join(missing)}")
            run = ImportRun(dry_run=dry_run, requested_by=user, source=ImportRun.Source.XML, query="\n".join(from_xml))
        else:
            run = self._requested(pmids, file, query, max).import_run(user, dry_run=dry_run)
        run.os_user = login()
        if not dry_run:
            run.save()

        with tqdm(total=run.total or None, unit="record", disable=verbosity < 1 or not sys.stderr.isatty()) as bar:
            report = perform(run, progress=bar.update, retrying=lambda line: self._retrying(bar, line))

        for message in report.messages:
            self.stdout.write(message)
        for line in report.failure_lines():
            self.stderr.write(line)
        if report.not_found:
            self.stdout.write("not found in PubMed: " + ", ".join(map(str, report.not_found)))
        for pmid, fields in report.conflicts.items():
            self.stdout.write(f"PMID {pmid}: PubMed differs in hand-edited {', '.join(fields)} (kept the curator's)")
        prefix = "dry run, nothing stored: " if dry_run else f"import #{run.pk}: "
        self.stdout.write(prefix + report.summary())
        if report.failed:
            raise CommandError(report.advice(), returncode=1)

    def _retrying(self, bar, line: str) -> None:
        """An E-utilities retry, shown as it happens (above the progress bar, when there is one)."""
        with bar.external_write_mode():
            self.stderr.write(line)

    def _requested(self, pmids, file, query, limit) -> ImportRequestForm:
        """The request checked by the import form, as the admin and the API check theirs."""
        data = {"pmids": "\n".join(pmids), "query": query or "", "limit": limit}
        if not file:
            return _checked(ImportRequestForm(data))
        try:
            with open(file, "rb") as handle:
                return _checked(ImportRequestForm(data, {"pmid_file": File(handle, name=file)}))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None


def _checked(form: ImportRequestForm) -> ImportRequestForm:
    """The form if valid; otherwise its messages, each after the option it is about."""
    if not form.is_valid():
        raise CommandError(
            " ".join(OPTIONS[name] + message for name, messages in form.errors.items() for message in messages)
        )
    return form
