"""The one import request: PMIDs (typed or a file) or a PubMed query, with the one set of limits.

The admin's import page, the API's import endpoint and `manage.py import_pubmed` all validate
what they are given through `ImportRequestForm`, so the same request is accepted or refused,
with the same message, wherever it comes from.
"""

from __future__ import annotations

from django import forms

from ..models import ImportRun
from .client import ESEARCH_LIMIT
from .pmids import InvalidPMIDs, parse_pmids

MAX_PMIDS = 10_000  # per request; a larger list is split by the curator (one run stays reviewable)
MAX_FILE_BYTES = 1_000_000  # a file of PMIDs: ten thousand of them take about 90 kB
MAX_QUERY_LENGTH = 4_000
MAX_QUERY_RECORDS = ESEARCH_LIMIT  # PubMed hands out no more of a query
_FILE_LIMIT = f"{MAX_FILE_BYTES // 1_000_000} MB"


class ImportRequestForm(forms.Form):
    """PMIDs (typed, as a file, or both) or a PubMed query with an optional limit. Once valid,
    `cleaned_data["pmid_list"]` holds the PMIDs (empty for a query) and `import_run()` the run."""

    pmids = forms.CharField(
        label="PMIDs", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"One or many (at most {MAX_PMIDS:,}): spaces, commas or new lines; "
                  "'PMID: 123' and PubMed links work too.",
    )
    pmid_file = forms.FileField(label="or a file of PMIDs", required=False,
                                help_text=f"Plain text, one PMID per line, at most {_FILE_LIMIT}.")
    query = forms.CharField(label="or a PubMed query", required=False, max_length=MAX_QUERY_LENGTH,
                            widget=forms.TextInput(attrs={"size": 80}))
    limit = forms.IntegerField(label="at most", required=False, min_value=1, max_value=MAX_QUERY_RECORDS,
                               help_text=f"With a query: import at most this many records (≤ {MAX_QUERY_RECORDS:,}).")

    def clean(self):
        data = super().clean()
        typed = data.get("pmids", "").strip()
        where = "pmids" if typed else "pmid_file"  # the field a PMID error is shown at
        try:
            data["pmid_list"] = pmids = parse_pmids(self._with_file(typed, data.get("pmid_file")))
        except InvalidPMIDs as error:
            self.add_error(where, str(error))
            return data
        query = data.get("query", "")
        if bool(pmids) == bool(query) and "query" not in self.errors:  # not when a query was too long
            raise forms.ValidationError("Give PMIDs (typed or as a file) or a PubMed query — one of the two.")
        if len(pmids) > MAX_PMIDS:
            self.add_error(where, f"Too many PMIDs: {len(pmids):,}. One import takes at most {MAX_PMIDS:,}; "
                                  "split the list.")
        if data.get("limit") is not None and not query:
            self.add_error("limit", "A limit goes with a query, not with PMIDs.")
        return data

    def _with_file(self, typed: str, upload) -> str:
        """The typed PMIDs followed by the file's; the file must be small UTF-8 text."""
        if not upload:
            return typed
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {_FILE_LIMIT}.")
        try:
            return (typed + "\n" + upload.read().decode("utf-8-sig")).strip()
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None

    def import_run(self, user, *, dry_run: bool = False) -> ImportRun:
        """The ImportRun this (valid) request asks for, not yet saved."""
        data = self.cleaned_data
        run = ImportRun(requested_by=user, dry_run=dry_run)
        if pmids := data["pmid_list"]:
            run.source, run.requested_pmids, run.total = ImportRun.Source.PMIDS, pmids, len(pmids)
        else:
            run.source, run.query, run.limit = ImportRun.Source.QUERY, data["query"], data["limit"]
        return run

