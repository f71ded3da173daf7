"""Re-running the tagger over stored papers, for the `retag` command and the admin action.

Uses the importer's TagSuggester, so a retag keeps every curator decision exactly as an import
does: confirmed, rejected and curator-added tags are never touched.
"""

from django.db import transaction
from django.db.models import QuerySet

from papers.catalogue.models import Paper
from papers.claims.suggestions import ClaimSuggester
from papers.tagging.matcher import TaggableText
from papers.tagging.suggestions import TagSuggester

RETAG_CHUNK = 500
_TEXT_FIELDS = ("title", "abstract", "keywords", "mesh_headings", "chemicals", "organisms", "about_myeloma")


def retag(papers: QuerySet[Paper], chunk_size: int = RETAG_CHUNK) -> tuple[int, int]:
    """Refresh the suggestions of these papers, their stored sentences naming two or more tags
    and their claims' context, one transaction per chunk.

    Returns (papers read, tag and claim suggestion rows added, updated or withdrawn).
    """
    suggester = TagSuggester.from_database()
    claims = ClaimSuggester(suggester)
    # By id, so any queryset (annotated, ordered, select_related) can be passed in.
    papers = Paper.objects.filter(pk__in=papers.values("pk")).order_by("pk").only(*_TEXT_FIELDS)
    read = changed = last = 0
    while chunk := list(papers.filter(pk__gt=last)[:chunk_size]):
        with transaction.atomic():
            texts = [TaggableText.of_paper(paper) for paper in chunk]
            changed += suggester.suggest_for(texts) + claims.suggest_for(texts)
            # The claims' context too, read by the rules as they stand now.
            Paper.objects.bulk_update(
                [paper for paper in chunk if paper.refresh_context()], ["organisms", "about_myeloma"]
            )
        read, last = read + len(chunk), chunk[-1].pk
    return read, changed
