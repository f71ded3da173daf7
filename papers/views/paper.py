"""A paper's page: everything a researcher needs to judge and cite it."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from ..citation import citation_meta, coins
from ..models import Paper, PaperTag
from ..prefetches import AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS
from ..search import NEWEST_FIRST
from .listing import export_links

RELATED_SHOWN = 8
# PubMed's CommentsCorrections types that call a paper into question, and how we name them.
WARNINGS = {
    "RetractionIn": "This paper has been retracted",
    "ExpressionOfConcernIn": "An expression of concern has been published about this paper",
    "ErratumIn": "An erratum has been published for this paper",
    "CorrectedandRepublishedIn": "A corrected version of this paper has been published",
    "PartialRetractionIn": "Part of this paper has been retracted",
}


def paper_page(request, pmid: int):
    paper = get_object_or_404(
        Paper.objects.public().prefetch_related(AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS, "publication_types"),
        pmid=pmid,
    )
    authors = [a.author for a in paper.authorships.all()]
    tag_ids = [pt.tag_id for pt in paper.confirmed_tags]
    related = (
        Paper.objects.public()
        .filter(paper_tags__tag__in=tag_ids, paper_tags__status=PaperTag.Status.CONFIRMED)
        .exclude(pk=paper.pk)
        .annotate(shared=Count("paper_tags"))
        .order_by("-shared", *NEWEST_FIRST)[:RELATED_SHOWN]
    ) if tag_ids else []
    notices = [c for c in paper.shaped.corrections if c["type"] in WARNINGS]
    held = set(Paper.objects.public().filter(pmid__in=[c["pmid"] for c in notices if c["pmid"]])
               .values_list("pmid", flat=True)) if notices else set()
    return render(request, "papers/paper.html", {
        "paper": paper,
        "authorships": paper.authorships.all(),
        "warnings": [{**c, "text": WARNINGS[c["type"]], "held": c["pmid"] in held} for c in notices],
        "related": related,
        "citation_meta": citation_meta(paper, authors),
        "coins": coins(paper, authors),
        "export_links": export_links("paper_export", [pmid], ""),
    })
