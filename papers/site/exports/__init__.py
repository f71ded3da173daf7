"""Exports for reference managers: RIS, BibTeX, CSV and CSL-JSON, of one paper or a result set.

Every writer reads the same plain `Record` (records.py) built once per paper, so the four
formats agree on what each field holds; each writes one record's entry, and a document of
entries. The writers never filter by status; callers pass the ids of public papers.

Exports of result sets are large, so each record's entry is kept in the page cache (papers.
page_cache) while the collection is unchanged: an export pays for the records no earlier export
wrote, and one cache read for the others.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import caches

from papers.catalogue.models import Paper
from papers.site.exports import bibtex, csl, ris, spreadsheet
from papers.site.exports.records import record, records, unique_key
from papers.site.page_cache import collection_version
from papers.site.prefetches import AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS

EXPORT_LIMIT = 5000  # most records in one export; views refuse more with a message


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    content_type: str
    extension: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("ris", "RIS (EndNote, Zotero, Mendeley)", "application/x-research-info-systems; charset=utf-8", "ris"),
        Format("bib", "BibTeX", "application/x-bibtex; charset=utf-8", "bib"),
        Format("csv", "CSV (spreadsheet)", "text/csv; charset=utf-8", "csv"),
        Format("json", "CSL-JSON (Zotero, Pandoc)", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
    )
}
_WRITERS = {"ris": ris, "bib": bibtex, "csv": spreadsheet, "json": csl}


def load(ids: list[int]) -> list[Paper]:
    """The public papers with these primary keys, in the order given, with authors (by position),
    publication types and confirmed tags prefetched: four queries whatever len(ids). Unknown
    ids and papers not approved are skipped, whatever found the ids."""
    if not ids:
        return []
    papers = (
        Paper.objects.public()
        .filter(pk__in=ids)
        .order_by()
        .prefetch_related(AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS, "publication_types")
    )
    by_pk = {paper.pk: paper for paper in papers}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def write(papers: list[Paper], key: str) -> str:
    """The whole export document in the format FORMATS[key], papers in the order given.
    Papers should come from load(); others cost a query or two each."""
    writer = _WRITERS[key]
    return writer.document([writer.entry(r) for r in records(papers)])


def export(ids: list[int], key: str, version: str | None = None) -> str:
    """write(load(ids), key), with each record's entry read from the page cache when an earlier
    export wrote it since the collection last changed (PAGE_CACHE_SECONDS=0: never). `version`:
    the collection's token, if the caller read it before it found the ids (the page cache does)."""
    if not settings.PAGE_CACHE_SECONDS:
        return write(load(ids), key)
    writer, store = _WRITERS[key], caches["pages"]
    # Read before the papers, as the page cache does: an entry is at least as new as its token.
    prefix = f"export:{version or collection_version()}:{key}:"
    kept = {
        int(name.removeprefix(prefix)): value for name, value in store.get_many([f"{prefix}{pk}" for pk in ids]).items()
    }
    fresh = {paper.pk: record(paper) for paper in load([pk for pk in ids if pk not in kept])}
    new = {pk: (r.key, writer.entry(r)) for pk, r in fresh.items()}
    store.set_many({f"{prefix}{pk}": value for pk, value in new.items()}, timeout=settings.PAGE_CACHE_SECONDS)
    kept.update(new)
    entries, used, renamed = [], set(), {}
    for pk in (pk for pk in ids if pk in kept):  # the others are not public
        citation_key, entry = kept[pk]
        key_here = unique_key(citation_key, used)
        if key_here != citation_key:  # an earlier paper of this file has the key: written anew below
            renamed[pk] = key_here
        entries.append((pk, entry))
    # Records in hand are renamed as they are; only kept entries' papers are loaded again.
    fresh.update((paper.pk, record(paper)) for paper in load([pk for pk in renamed if pk not in fresh]))
    rewritten = {pk: writer.entry(replace(fresh[pk], key=key_here)) for pk, key_here in renamed.items()}
    return writer.document([rewritten.get(pk, entry) for pk, entry in entries])
