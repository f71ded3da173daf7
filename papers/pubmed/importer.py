"""Idempotent import of PubMed records into the collection.

Records arrive as plain `PubMedRecord`s, from the network (`import_pmids`, `import_query`) or
from recorded XML (`import_xml`); the importer never knows which. Each batch of at most 200
records is one transaction: it is stored whole or not at all, so a fault or a killed process
never leaves half a paper, and running the same import again finishes the job. A record that
cannot be read (a `BadRecord`) or stored fails alone, and the report says whether a re-run can
fix a failure (network, database, time-out) or the record will always fail.

A re-import refreshes PubMed's fields but never what curators decided: moderation status,
tag decisions, notes, and any field a curator edited by hand (those are listed in
`Paper.edited_fields`; PubMed's differing value goes to `Paper.pubmed_conflicts`).

Which import an ImportRun asks for, and keeping that run's progress, is papers.pubmed.runs's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from papers.catalogue.bulk import asynchronous_commit, chunks, cut, fitted, insert_rows, row_adapter, select_in
from papers.catalogue.models import Author, Authorship, Paper, PublicationType
from papers.claims.suggestions import ClaimSuggester
from papers.pubmed.client import BATCH_SIZE, ESEARCH_LIMIT, EutilsError, PubMedClient, cause_of
from papers.pubmed.medline import AuthorRecord, BadRecord, PubMedRecord, PubMedXMLError
from papers.pubmed.preparing import Prepared, prepare
from papers.pubmed.worker import ParserStopped, read_batches
from papers.search.indexing import PAPER_FIELDS as SEARCHED_FIELDS
from papers.search.indexing import compact_after_write, index_new_papers, index_papers
from papers.tagging.matcher import TaggableText
from papers.tagging.suggestions import TagSuggester


@dataclass
class ImportReport:
    """What an import did, PMID by PMID."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    not_found: list[int] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # PMID (or a range of a query) → reason
    retryable: set[str] = field(default_factory=set)  # the keys of `failed` a re-run can fix
    conflicts: dict[int, list[str]] = field(default_factory=dict)  # PMID → hand-edited fields PubMed changed
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"created {len(self.created)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"not found {len(self.not_found)}, failed {len(self.failed)}"
        )
        if self.conflicts:
            text += f"; {len(self.conflicts)} hand-edited paper(s) differ from PubMed"
        return text

    def causes(self) -> list[tuple[str, list[str]]]:
        """The failures grouped by cause, the largest group first: (cause, failed keys)."""
        return failure_groups(self.failed)

    def failure_lines(self, again: str = "run the same command again") -> list[str]:
        """One sentence per cause: how many failed, which, why, and what to do: `again` (the way
        to re-run) only where a re-run can fix it. An offline PubMed is one line, not one a PMID."""
        lines = []
        for cause, keys in self.causes():
            if self.retryable.issuperset(keys):
                todo = f"{again} to finish: what was stored is kept, without duplicates"
            else:
                todo = "running again fails the same way"
            lines.append(f"{len(keys):,} failed ({listed(keys)}): {cause.rstrip('.')}. What to do: {todo}.")
        return lines

    def advice(self, again: str = "run the same command again") -> str:
        """What to do about the failures: `again` (the way to re-run) only if that can fix some."""
        retry = len(self.retryable & self.failed.keys())
        lasting = len(self.failed) - retry
        if not lasting:
            return f"{len(self.failed)} failure(s); {again} to finish."
        if not retry:
            return f"{len(self.failed)} failure(s) that running again cannot fix (see the reasons above)."
        return (
            f"{len(self.failed)} failure(s): {again} for the {retry} a re-run can fix; "
            f"running again cannot fix the other {lasting} (see the reasons above)."
        )


def failure_groups(failed: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Failures (key → reason) grouped by cause, the largest group first: one fault that failed
    several batches is one cause (papers.pubmed.client.cause_of). PMIDs come in numeric order,
    then other keys (a record's position, a range of a query)."""
    groups: dict[str, list[str]] = {}
    for key in sorted(failed, key=lambda key: (0, int(key), "") if key.isdigit() else (1, 0, key)):
        groups.setdefault(cause_of(failed[key]), []).append(key)  # PMIDs in order (jsonb keeps none)
    return sorted(groups.items(), key=lambda group: -len(group[1]))


def listed(keys: Sequence[str], shown: int = 10) -> str:
    """The first few keys and how many more."""
    more = f" and {len(keys) - shown:,} more" if len(keys) > shown else ""
    return ", ".join(keys[:shown]) + more


def publication_type_name(name: str) -> str:
    """A publication type's name as its column holds it: the key of every lookup by name."""
    return cut(PublicationType, "name", name)


def paper_fields(record: PubMedRecord) -> dict:
    """The Paper column values for a record (JSON columns as plain lists and dicts)."""
    return fitted(
        Paper,
        {
            "record_type": record.record_type,
            "title": record.title,
            "vernacular_title": record.vernacular_title,
            "abstract": record.abstract,
            "abstract_sections": [
                {"label": s.label, "category": s.category, "text": s.text} for s in record.abstract_sections
            ],
            "copyright": record.copyright,
            "journal_title": record.journal_title,
            "journal_iso": record.journal_iso,
            "issn": record.issn,
            "volume": record.volume,
            "issue": record.issue,
            "pages": record.pages,
            "pub_year": record.pub_year,
            "pub_month": record.pub_month,
            "pub_day": record.pub_day,
            "pub_date_text": record.pub_date_text,
            "book_title": record.book_title,
            "publisher": record.publisher,
            "languages": list(record.languages),
            "keywords": list(record.keywords),
            "mesh_headings": [
                {
                    "ui": h.ui,
                    "name": h.name,
                    "major": h.major,
                    "qualifiers": [{"ui": q.ui, "name": q.name, "major": q.major} for q in h.qualifiers],
                }
                for h in record.mesh_headings
            ],
            "chemicals": list(record.chemicals),
            "corrections": [{"type": c.type, "source": c.source, "pmid": c.pmid} for c in record.corrections],
            "is_retracted": record.is_retracted,
            "doi": record.doi,
            "pmcid": record.pmcid,
            "article_ids": dict(record.article_ids),
            "pubmed_status": record.pubmed_status,
            "publication_status": record.publication_status,
            "pubmed_revised": record.date_revised,
        },
    )


def author_key(author: AuthorRecord) -> str:
    if author.collective_name:
        return cut(Author, "key", "c|" + author.collective_name.casefold())
    given = author.fore_name or author.initials
    return cut(Author, "key", "|".join(("p", author.last_name.casefold(), given.casefold(), author.suffix.casefold())))


def _authorship_rows(record: PubMedRecord) -> list[tuple]:
    """(author key, position, affiliations, ORCID, equal contribution) — what a paper's author list is."""
    return [
        (author_key(a), position, list(a.affiliations), cut(Authorship, "orcid", a.orcid), a.equal_contribution)
        for position, a in enumerate(record.authors, start=1)
    ]


class Progress:
    """Follows an import as it goes; the importer calls these. This one does nothing (a
    benchmark's import needs no more), papers.pubmed.runs keeps an ImportRun up to date."""

    def started(self, total: int) -> None:
        """The import begins; `total` records are expected (0 when not known ahead)."""

    def advanced(self, count: int, report: ImportReport) -> None:
        """`count` more records are done (stored, unchanged, not found or failed)."""

    def finished(self, report: ImportReport) -> None:
        """The import is over; `report` is final."""


class Importer:
    """Stores batches of records, reporting what it did, batch by batch, to `progress`.

    `dry_run` stores each batch and rolls it back, so the report says exactly what a real run
    would do while the database stays as it was. `user` is recorded as the new papers' importer.
    """

    def __init__(
        self, *, user=None, dry_run: bool = False, progress: Progress | None = None, suggest_claims: bool = True
    ):
        self.user = user
        self.dry_run = dry_run
        self.progress = progress or Progress()
        self.report = ImportReport()
        self.suggester = TagSuggester.from_database()
        # Off only for the benchmark, which measures what claim suggestion costs an import.
        self.claim_suggester = ClaimSuggester(self.suggester) if suggest_claims else None
        self._publication_type_ids: dict[str, int] = {}

    # --- entry points ----------------------------------------------------------------------

    def import_pmids(self, pmids: Sequence[int], client: PubMedClient) -> ImportReport:
        """Fetch and store PMIDs in batches; a failed batch is reported and the rest go on."""
        self.progress.started(total=len(pmids))
        for batch in chunks(pmids, BATCH_SIZE):
            asked = set(batch)
            try:
                records = [r for r in client.fetch(batch) if r.pmid in asked or isinstance(r, BadRecord)]
            except EutilsError as error:
                self._fail({str(p): str(error) for p in batch}, retryable=error.transient)
                continue
            found = {r.pmid for r in records}
            self.report.not_found.extend(p for p in batch if p not in found)
            self._advance(len(asked - found))
            self._store(records)
        return self.finish()

    def import_query(self, query: str, client: PubMedClient, limit: int | None = None) -> ImportReport:
        """Run a PubMed search and store its records, paging through the history server."""
        try:
            search = client.search(query)
        except EutilsError as error:
            self._fail({"search": str(error)}, count=0, retryable=error.transient)
            return self.finish()
        wanted = search.count if limit is None else min(search.count, limit)
        if wanted > ESEARCH_LIMIT:
            self.report.failed["search"] = (
                f"The query matches {search.count:,} records, but PubMed hands out only the first "
                f"{ESEARCH_LIMIT:,}. Narrow it (for example by publication date) or pass a limit of at "
                f"most {ESEARCH_LIMIT:,}."
            )
            return self.finish()
        if wanted < search.count:
            self.report.messages.append(f"The query matches {search.count:,} records; importing the first {wanted:,}.")
        self.progress.started(total=wanted)
        for start in range(0, wanted, BATCH_SIZE):
            size = min(BATCH_SIZE, wanted - start)
            try:
                records = client.fetch_page(search, start, size)
            except EutilsError as error:
                self._fail({f"records {start + 1}-{start + size}": str(error)}, count=size, retryable=error.transient)
                continue
            self._store(records)
        return self.finish()

    def import_xml(self, paths: Sequence[str | Path]) -> ImportReport:
        """Store the records of recorded efetch XML files (no network), streaming each file."""
        self.progress.started(total=0)
        for path in paths:
            try:
                self.store_batches(self.read_xml(path))
            except PubMedXMLError as error:
                self._fail(
                    {str(path): f"{Path(path).name}: {error}"}, count=0, retryable=isinstance(error, ParserStopped)
                )
                self.report.messages.append(
                    f"{Path(path).name}: stopped at a fault; the batch being read was not stored."
                )
        return self.finish()

    def read_xml(self, path: str | Path) -> Iterator[list[tuple[PubMedRecord | BadRecord, Prepared | None]]]:
        """Batches of (record, prepared) of an XML file, parsed, tagged and prepared in a second
        process (papers.pubmed.preparing); raises PubMedXMLError at a fault in the file."""
        return read_batches(path, BATCH_SIZE, annotate=partial(prepare, tagger=self.suggester.tagger))

    def store_batches(self, batches: Iterable[list[tuple[PubMedRecord | BadRecord, Prepared | None]]]) -> None:
        """Store batches as read_xml yields them, one transaction each (call finish() after)."""
        for batch in batches:
            self._store([record for record, _ in batch], {r.pmid: ready for r, ready in batch if ready is not None})

    # --- batches ---------------------------------------------------------------------------

    def _store(self, records: list[PubMedRecord | BadRecord], ready: dict[int, Prepared] | None = None) -> None:
        """Store one batch in one transaction; the records that cannot be read fail alone, and so
        does a record the database refuses (the batch is tried again record by record).
        `ready`: the records prepared by the parsing process, by PMID; the others are prepared here."""
        bad = [r for r in records if isinstance(r, BadRecord)]
        if bad:
            self._fail({r.label: f"cannot be read: {r.reason}" for r in bad}, retryable=False)
        # A PMID twice in a batch: last wins.
        records = list({r.pmid: r for r in records if not isinstance(r, BadRecord)}.values())
        if not records:
            return
        batch_report = ImportReport()
        try:
            with transaction.atomic():
                # A crash may lose the last few batches, never half of one, and running the import
                # again restores them: not worth waiting for the disk at each batch.
                asynchronous_commit()
                ready = ready or {}
                self._upsert(records, batch_report, {r.pmid: ready.get(r.pmid) or prepare(r) for r in records})
                if self.dry_run:
                    transaction.set_rollback(True)
        except DatabaseError as error:
            if len(records) == 1:
                self._fail({str(records[0].pmid): f"database error: {error}"})
            else:  # which record? each alone tells; a database that is gone fails them all
                for record in records:
                    self._store([record], ready)
            return
        for name in ("created", "updated", "unchanged"):
            getattr(self.report, name).extend(getattr(batch_report, name))
        self.report.conflicts.update(batch_report.conflicts)
        self.report.messages.extend(f"PMID {r.pmid}: {warning}" for r in records for warning in r.warnings)
        self._advance(len(records))

    def _upsert(self, records: list[PubMedRecord], report: ImportReport, ready: dict[int, Prepared]) -> None:
        now = timezone.now()
        existing = {p.pmid: p for p in Paper.objects.filter(pmid__in=[r.pmid for r in records])}
        stored_authors = self._stored_authorships([p.pk for p in existing.values()])
        stored_types = self._stored_publication_types([p.pk for p in existing.values()])
        new, changed_text, changed_relations, reindexed = [], [], [], []
        for record in records:
            digest = ready[record.pmid].fingerprint
            paper = existing.get(record.pmid)
            if paper is None:
                new.append((record, ready[record.pmid]))
                continue
            if paper.pubmed_hash == digest:
                report.unchanged.append(record.pmid)
                continue
            fields = paper_fields(record)
            differing = {name for name, value in fields.items() if getattr(paper, name) != value}
            conflicts = _json_safe({name: fields[name] for name in sorted(differing) if name in paper.edited_fields})
            applied = differing - conflicts.keys()
            relations_differ = stored_authors.get(paper.pk, []) != _authorship_rows(record) or stored_types.get(
                paper.pk, set()
            ) != {publication_type_name(t.name) for t in record.publication_types}
            for name in applied:
                setattr(paper, name, fields[name])
            # From the text as stored: a curator's edited abstract, not PubMed's, says it.
            context = paper.refresh_context()
            conflicts_changed = conflicts != paper.pubmed_conflicts
            paper.pubmed_conflicts = conflicts
            paper.pubmed_hash = digest
            paper.pubmed_fetched_at = now
            paper.save(
                update_fields=[*applied, *context, "pubmed_conflicts", "pubmed_hash", "pubmed_fetched_at", "updated_at"]
            )
            if conflicts:
                report.conflicts[record.pmid] = sorted(conflicts)
            if applied or relations_differ or conflicts_changed:
                report.updated.append(record.pmid)
            else:
                report.unchanged.append(record.pmid)
            if relations_differ:
                changed_relations.append((paper.pk, record))
            if applied & {"title", "abstract", "keywords", "mesh_headings", "chemicals"}:
                changed_text.append(TaggableText.of_paper(paper))
            if relations_differ or applied & set(SEARCHED_FIELDS):
                reindexed.append(paper.pk)
        Paper.objects.filter(pmid__in=report.unchanged).update(pubmed_fetched_at=now)
        created = list(zip(self._insert_papers(new, now), (record for record, _ in new), strict=True))
        report.created.extend(record.pmid for _, record in created)
        self._replace_relations(created + changed_relations, replace=bool(changed_relations))
        created_texts = [TaggableText.of_record(record, pk) for pk, record in created]
        texts = created_texts + changed_text
        known = {pk: ready[record.pmid].tags for pk, record in created if ready[record.pmid].tags is not None}
        self.suggester.suggest_for(texts, known=known)
        if self.claim_suggester:
            self.claim_suggester.suggest_for(texts, tags=known)
        index_new_papers(created_texts)
        index_papers(reindexed)

    def _insert_papers(self, new: list[tuple[PubMedRecord, Prepared]], now) -> list[int]:
        """Insert new papers (pending, unreviewed) and return their ids in order."""
        columns = [f for f in Paper._meta.concrete_fields if not f.primary_key]
        adapt = row_adapter(columns)
        defaults = {f.attname: f.get_default() for f in columns}
        rows = []
        for record, ready in new:
            values = {
                **defaults,
                **paper_fields(record),
                **ready.context._asdict(),
                "pmid": record.pmid,
                "pubmed_hash": ready.fingerprint,
                "imported_by_id": self.user.pk if self.user else None,
                "pubmed_fetched_at": now,
                "created_at": now,
                "updated_at": now,
            }
            rows.append(adapt(values[f.attname] for f in columns))
        return [row[0] for row in insert_rows(Paper, [f.column for f in columns], rows, returning=["id"])]

    def _replace_relations(self, pairs: list[tuple[int, PubMedRecord]], replace: bool) -> None:
        """Write the author lists and publication types of these papers (by id; new or changed)."""
        if not pairs:
            return
        if replace:
            ids = [paper_id for paper_id, _ in pairs]
            Authorship.objects.filter(paper_id__in=ids).delete()
            Paper.publication_types.through.objects.filter(paper_id__in=ids).delete()
        author_ids = self._author_ids([a for _, record in pairs for a in record.authors])
        insert_rows(
            Authorship,
            ("paper_id", "author_id", "position", "affiliations", "orcid", "equal_contribution"),
            [
                (paper_id, author_ids[key], position, json.dumps(affiliations), orcid, equal)
                for paper_id, record in pairs
                for key, position, affiliations, orcid, equal in _authorship_rows(record)
            ],
        )
        type_ids = self._publication_type_id_map([t for _, record in pairs for t in record.publication_types])
        insert_rows(
            Paper.publication_types.through,
            ("paper_id", "publicationtype_id"),
            [
                (paper_id, type_ids[name])
                for paper_id, record in pairs
                for name in dict.fromkeys(publication_type_name(t.name) for t in record.publication_types)
            ],
        )

    def _author_ids(self, authors: list[AuthorRecord]) -> dict[str, int]:
        wanted = {author_key(a): a for a in authors}
        ids = dict(select_in(Author, ("key", "id"), "key", list(wanted)))
        missing = [key for key in wanted if key not in ids]
        if missing:
            names = ("last_name", "fore_name", "initials", "suffix", "collective_name")
            inserted = insert_rows(
                Author,
                ("key", *names),
                [(key, *(cut(Author, name, getattr(wanted[key], name)) for name in names)) for key in missing],
                ignore_conflicts=True,  # another import may have added the same person meanwhile
                returning=["key", "id"],
            )
            ids.update(inserted)
            if len(ids) < len(wanted):  # added meanwhile by that other import
                ids.update(select_in(Author, ("key", "id"), "key", [k for k in missing if k not in ids]))
        return ids

    def _publication_type_id_map(self, types) -> dict[str, int]:
        """Publication type ids by their stored name (publication_type_name), adding new types."""
        wanted = {publication_type_name(t.name): t.ui for t in types}
        wanted = {name: ui for name, ui in wanted.items() if name not in self._publication_type_ids}
        if wanted:
            PublicationType.objects.bulk_create(
                (PublicationType(name=name, ui=cut(PublicationType, "ui", ui)) for name, ui in wanted.items()),
                ignore_conflicts=True,
            )
            self._publication_type_ids.update(PublicationType.objects.filter(name__in=wanted).values_list("name", "id"))
        return self._publication_type_ids

    @staticmethod
    def _stored_authorships(paper_ids: list[int]) -> dict[int, list[tuple]]:
        rows: dict[int, list[tuple]] = {}
        for paper_id, key, position, affiliations, orcid, equal in (
            Authorship.objects.filter(paper_id__in=paper_ids)
            .order_by("paper_id", "position")
            .values_list("paper_id", "author__key", "position", "affiliations", "orcid", "equal_contribution")
        ):
            rows.setdefault(paper_id, []).append((key, position, affiliations, orcid, equal))
        return rows

    @staticmethod
    def _stored_publication_types(paper_ids: list[int]) -> dict[int, set[str]]:
        types: dict[int, set[str]] = {}
        for paper_id, name in Paper.publication_types.through.objects.filter(paper_id__in=paper_ids).values_list(
            "paper_id", "publicationtype__name"
        ):
            types.setdefault(paper_id, set()).add(name)
        return types

    # --- progress --------------------------------------------------------------------------

    def _fail(self, failures: dict[str, str], count: int | None = None, retryable: bool = True) -> None:
        """Report failures (key → reason); `retryable`: a re-run can fix them (network, database)."""
        self.report.failed.update(failures)
        if retryable:
            self.report.retryable.update(failures)
        else:
            self.report.retryable.difference_update(failures)
        if count != 0:
            self._advance(len(failures) if count is None else count)

    def _advance(self, count: int) -> None:
        self.progress.advanced(count, self.report)

    def finish(self) -> ImportReport:
        """End the import: the report is final; a large write has the search index compacted."""
        self.progress.finished(self.report)
        if not self.dry_run:
            compact_after_write(len(self.report.created) + len(self.report.updated))
        return self.report


def _json_safe(values: dict) -> dict:
    return {name: value.isoformat() if hasattr(value, "isoformat") else value for name, value in values.items()}
