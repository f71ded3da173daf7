"""Writes papers_searchdocument, the only table search reads paper text from.

Called explicitly by the few write paths that change what is searched (the importer, tag
review) inside their transaction, and by `rebuild_search_index`. A paper's moderation status is
not copied here: search joins papers_paper and filters on status at query time.
"""

import re

from django.db import transaction

from ..markup import to_text
from ..models import Paper, PaperTag, SearchDocument

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
REBUILD_CHUNK = 2000


def _plain(text: str) -> str:
    return to_text(_CONTROL.sub(" ", text))


def index_papers(paper_ids) -> int:
    """Replace the search documents of these papers (deleting those of papers that no longer
    exist) with one DELETE and a multi-row INSERT; returns how many were written."""
    ids = list(set(paper_ids))
    if not ids:
        return 0
    papers = Paper.objects.filter(pk__in=ids).only("title", "abstract", "keywords", "mesh_headings", "chemicals")
    tag_terms: dict[int, list[str]] = {}
    confirmed = PaperTag.objects.filter(paper_id__in=ids, status=PaperTag.Status.CONFIRMED)
    for paper_id, name, synonyms in confirmed.values_list("paper_id", "tag__name", "tag__synonyms"):
        tag_terms.setdefault(paper_id, []).extend([name, *synonyms])
    documents = [
        SearchDocument(
            paper_id=paper.pk,
            title=_plain(paper.title),
            terms=_plain("; ".join([*tag_terms.get(paper.pk, []), *(h["name"] for h in paper.mesh_headings),
                                    *paper.keywords, *paper.chemicals])),
            abstract=_plain(paper.abstract),
        )
        for paper in papers
    ]
    with transaction.atomic():
        SearchDocument.objects.filter(paper_id__in=ids).delete()
        SearchDocument.objects.bulk_create(documents)
    return len(documents)


def rebuild() -> int:
    """Index every paper afresh, in chunks; returns how many documents were written."""
    written = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), REBUILD_CHUNK):
            written += index_papers(ids[start:start + REBUILD_CHUNK])
    return written
