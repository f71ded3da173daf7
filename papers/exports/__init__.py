"""Exports for reference managers: RIS, BibTeX, CSV and CSL-JSON, of one paper or a result set.

Every writer reads the same plain `Record` (records.py) built once per paper, so the four
formats agree on what each field holds. The writers never filter by status; callers pass the
ids of public papers.
"""

from dataclasses import dataclass

from ..models import Paper
from ..prefetches import AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS
from . import bibtex, csl, ris, spreadsheet
from .records import records

EXPORT_LIMIT = 5000  # most records in one export; views refuse more with a message


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    content_type: str
    extension: str


FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("ris", "RIS (EndNote, Zotero, Mendeley)", "application/x-research-info-systems; charset=utf-8", "ris"),
    Format("bib", "BibTeX", "application/x-bibtex; charset=utf-8", "bib"),
    Format("csv", "CSV (spreadsheet)", "text/csv; charset=utf-8", "csv"),
    Format("json", "CSL-JSON (Zotero, Pandoc)", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
)}


def load(ids: list[int]) -> list[Paper]:
    """The public papers with these primary keys, in the order given, with authors (by position),
    publication types and confirmed tags prefetched: four queries whatever len(ids). Unknown
    ids and papers not approved are skipped, whatever found the ids."""
    if not ids:
        return []
    papers = Paper.objects.public().filter(pk__in=ids).order_by().prefetch_related(
        AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS, "publication_types")
    by_pk = {paper.pk: paper for paper in papers}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def write(papers: list[Paper], key: str) -> str:
    """The whole export document in the format FORMATS[key], papers in the order given.
    Papers should come from load(); others cost a query or two each."""
    return _WRITERS[key](records(papers))


_WRITERS = {"ris": ris.write, "bib": bibtex.write, "csv": spreadsheet.write, "json": csl.write}
