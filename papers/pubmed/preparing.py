"""What the importer works out of a record before it writes: its fingerprint, its context
(papers.catalogue.context) and the tagger's findings. Plain Python, and `prepare` with its
tagger pickles, so the parsing process (papers.pubmed.worker) does this beside parsing, on the
second core, leaving the importer's process the database's work: an import's pace is that
process's."""

import hashlib
from dataclasses import dataclass

from papers.catalogue.context import Context, context_from
from papers.pubmed.medline import PubMedRecord
from papers.tagging.matcher import Suggestion, Tagger


def fingerprint(record: PubMedRecord) -> str:
    """A hash of everything PubMed said: equal fingerprints mean nothing to update."""
    return hashlib.sha256(repr(record).encode()).hexdigest()


@dataclass(frozen=True)
class Prepared:
    fingerprint: str
    context: Context  # of the record as PubMed gives it: a new paper's
    tags: list[Suggestion] | None  # the tagger's findings; None: left to the importer's suggester


def prepare(record: PubMedRecord, tagger: Tagger | None = None) -> Prepared:
    headings = [heading.name for heading in record.mesh_headings]
    return Prepared(
        fingerprint(record),
        context_from(record.title, record.abstract, headings),
        tagger.suggest_record(record) if tagger else None,
    )
