"""Writes papers_searchdocument, the only table search reads paper text from.

Called explicitly by the few write paths that change what is searched (the importer, tag
review) inside their transaction, and by `rebuild_search_index`. A paper's moderation status is
not written here: SQLite's search joins papers_paper at query time, and on PostgreSQL the
database copies status, date, journal and publication types into each document itself
(migrations 0011, 0012 and 0014).
"""

import logging
import re
from collections.abc import Sequence

from django.db import DatabaseError, connection, transaction

from ..bulk import insert_rows
from ..markup import to_text
from ..models import Paper, PaperTag, SearchDocument
from ..tagging import TaggableText
from . import backend

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_COLUMNS = ("paper_id", "title", "terms", "abstract")
REBUILD_CHUNK = 2000


def _plain(text: str) -> str:
    return to_text(_CONTROL.sub(" ", text))


def index_papers(paper_ids) -> int:
    """Replace the search documents of these papers (deleting those of papers that no longer
    exist) with one DELETE and a multi-row INSERT; returns how many were written."""
    ids = list(set(paper_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # Locked (in a fixed order) until the new documents are committed: on PostgreSQL a
        # document copies its paper's status, and a change made meanwhile would otherwise
        # update the document being deleted and be lost (migration 0011).
        papers = (Paper.objects.filter(pk__in=ids).select_for_update(no_key=True).order_by("pk")
                  .only("title", "abstract", "keywords", "mesh_headings", "chemicals"))
        tag_terms: dict[int, list[str]] = {}
        confirmed = PaperTag.objects.filter(paper_id__in=ids, status=PaperTag.Status.CONFIRMED)
        for paper_id, name, synonyms in confirmed.values_list("paper_id", "tag__name", "tag__synonyms"):
            tag_terms.setdefault(paper_id, []).extend([name, *synonyms])
        rows = [_row(TaggableText.of_paper(paper), tag_terms.get(paper.pk, ())) for paper in papers]
        SearchDocument.objects.filter(paper_id__in=ids).delete()
        insert_rows(SearchDocument, _COLUMNS, rows)
    return len(rows)


def index_new_papers(texts: Sequence[TaggableText]) -> None:
    """Documents for papers just created (no confirmed tags yet), from the text in hand: the
    importer saves re-reading what it has just written."""
    insert_rows(SearchDocument, _COLUMNS, [_row(text) for text in texts])


def _row(text: TaggableText, tag_terms: Sequence[str] = ()) -> tuple:
    terms = "; ".join([*tag_terms, *text.mesh, *text.keywords])
    return (text.paper_id, _plain(text.title), _plain(terms), _plain(text.abstract))


def rebuild() -> int:
    """Index every paper afresh, in chunks; returns how many documents were written. On
    PostgreSQL the papers are held against writes (reads go on) from the start: a paper changed
    after every document was deleted waited for its deleted document while the rebuild, at that
    paper's chunk, waited for the paper, and one of the two was cancelled as a deadlock."""
    written = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Paper._meta.db_table} IN EXCLUSIVE MODE")
        SearchDocument.objects.all().delete()
        ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), REBUILD_CHUNK):
            written += index_papers(ids[start:start + REBUILD_CHUNK])
    compact()
    return written


def compact() -> None:
    """Compact the full-text index after a large write (papers.search.sqlite.compact). What was
    written stands if this fails (a busy database): the index is then slower, never wrong."""
    try:
        with transaction.atomic():
            backend().compact()
    except DatabaseError as error:
        logger.warning("The search index was not compacted: %s", error)


# Papers a write (an import run) must have added or changed before the index is compacted:
# compacting costs about what importing a thousand records does (docs/benchmarks.md); smaller
# writes add a segment or a few, which the index merges by itself, four at a time.
COMPACT_AFTER = 1000


def compact_after_write(papers_written: int) -> None:
    """Compact the full-text index after a write of at least COMPACT_AFTER papers."""
    if papers_written >= COMPACT_AFTER:
        compact()
