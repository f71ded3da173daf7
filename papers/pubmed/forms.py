"""The one import request: PMIDs (typed or a file) or a PubMed query, with the one set of limits.

The admin's import page, the API's import endpoint and `manage.py import_pubmed` all validate
what they are given through `ImportRequestForm`, so the same request is accepted or refused,
with the same message, wherever it comes from.
"""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings

from papers.pubmed.client import ESEARCH_LIMIT, MISSING_EMAIL
from papers.pubmed.models import ImportRun
from papers.pubmed.pmids import InvalidPMIDs, parse_pmids

MAX_PMIDS = 10_000  # per request; a larger list is split by the curator (one run stays reviewable)
MAX_FILE_BYTES = 1_000_000  # a file of PMIDs: ten thousand of them take about 90 kB
MAX_QUERY_LENGTH = 4_000
MAX_QUERY_RECORDS = ESEARCH_LIMIT  # PubMed hands out no more of a query
_FILE_LIMIT = f"{MAX_FILE_BYTES // 1_000_000} MB"


class ImportRequestForm(forms.Form):
    """PMIDs (typed, as a file, or both) or a PubMed query with an optional limit. Once valid,
    `cleaned_data["pmid_list"]` holds the PMIDs (empty for a query) and `import_run()` the run."""

    pmids = forms.CharField(
        label="PMIDs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"One or many (at most {MAX_PMIDS:,}): spaces, commas or new lines; "
        "'PMID: 123' and PubMed links work too.",
    )
    pmid_file = forms.FileField(
        label="or a file of PMIDs",
        required=False,
        allow_empty_file=True,
        help_text=f"Plain text, one PMID per line, at most {_FILE_LIMIT}.",
    )
    query = forms.CharField(
        label="or a PubMed query",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"size": 80}),
    )
    limit = forms.IntegerField(
        label="at most",
        required=False,
        min_value=1,
        max_value=MAX_QUERY_RECORDS,
        help_text=f"With a query: import at most this many records (≤ {MAX_QUERY_RECORDS:,}).",
    )

    def clean(self):
        data = super().clean()
        if not settings.NCBI_EMAIL:  # refused before anything starts: every import would fail
            self.add_error(None, MISSING_EMAIL)
        typed = data.get("pmids", "").strip()
        upload = data.get("pmid_file")
        where = "pmids" if typed else "pmid_file"  # the field a PMID error is shown at
        try:
            data["pmid_list"] = pmids = parse_pmids(self._with_file(typed, upload))
        except InvalidPMIDs as error:
            self.add_error(where, str(error))
            return data
        except forms.ValidationError as error:  # the file itself
            self.add_error("pmid_file", error)
            return data
        query = data.get("query", "")
        if upload and not typed and not pmids:
            self.add_error(
                "pmid_file",
                f"The file {PurePath(upload.name).name} holds no PMIDs: it is empty, or "
                "only blank lines and # comments. Put one PMID per line.",
            )
        elif bool(pmids) == bool(query) and "query" not in self.errors:  # not when a query was too long
            raise forms.ValidationError("Give PMIDs (typed or as a file) or a PubMed query — one of the two.")
        if len(pmids) > MAX_PMIDS:
            self.add_error(
                where, f"Too many PMIDs: {len(pmids):,}. One import takes at most {MAX_PMIDS:,}; split the list."
            )
        if data.get("limit") is not None and not query:
            self.add_error("limit", "A limit goes with a query, not with PMIDs.")
        return data

    def _with_file(self, typed: str, upload) -> str:
        """The typed PMIDs followed by the file's; the file must be small UTF-8 text."""
        if not upload:
            return typed
        name = PurePath(upload.name).name
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file {name} is larger than {_FILE_LIMIT}: split it.")
        content = upload.read()
        text = None if b"\0" in content else content.decode("utf-8-sig", errors="replace")  # NUL: binary
        if text is None or "\ufffd" in text:
            raise forms.ValidationError(
                f"The file {name} is not a text file (a spreadsheet or a PDF?): "
                "save the PMIDs as plain text, one per line."
            )
        return (typed + "\n" + text).strip()

    def import_run(self, user, *, dry_run: bool = False) -> ImportRun:
        """The ImportRun this (valid) request asks for, not yet saved."""
        data = self.cleaned_data
        run = ImportRun(requested_by=user, dry_run=dry_run)
        if pmids := data["pmid_list"]:
            run.source, run.requested_pmids, run.total = ImportRun.Source.PMIDS, pmids, len(pmids)
        else:
            run.source, run.query, run.limit = ImportRun.Source.QUERY, data["query"], data["limit"]
        return run
