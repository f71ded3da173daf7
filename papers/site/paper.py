"""A paper's page: everything a researcher needs to judge and cite it."""

from django.db.models import BooleanField, Count
from django.db.models.expressions import RawSQL
from django.db.models.query import prefetch_related_objects
from django.shortcuts import get_object_or_404, render

from papers.catalogue.citation import bookshelf_url, citation_meta, coins, pubmed_date
from papers.catalogue.corrections import linked_corrections
from papers.catalogue.models import Paper
from papers.claims.models import Claim
from papers.search import LISTED, NEWEST_FIRST
from papers.site.exports.records import LANGUAGES
from papers.site.listing import export_links
from papers.site.prefetches import AUTHORSHIPS_IN_ORDER, CONFIRMED_CLAIMS, CONFIRMED_TAGS
from papers.tagging.models import PaperTag

RELATED_SHOWN = 8
# Whether the paper has a confirmed claim (it is public, so that claim is public): SQL as written,
# not compiled by the ORM on every visit.
HAS_CLAIMS = RawSQL(
    f"EXISTS (SELECT 1 FROM {Claim._meta.db_table} c WHERE c.paper_id = {Paper._meta.db_table}.id AND c.status = %s)",
    (Claim.Status.CONFIRMED.value,),
    output_field=BooleanField(),
)


def paper_page(request, pmid: int):
    paper = get_object_or_404(
        Paper.objects.public()
        # Few papers have claims: asked in the paper's own statement, fetched only when there are.
        .annotate(has_claims=HAS_CLAIMS)
        .prefetch_related(AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS, "publication_types"),
        pmid=pmid,
    )
    if paper.has_claims:
        prefetch_related_objects([paper], CONFIRMED_CLAIMS)
    else:
        paper.confirmed_claims = []
    authors = [a.author for a in paper.authorships.all()]
    tag_ids = [pt.tag_id for pt in paper.confirmed_tags]
    related = (
        (
            Paper.objects.public()
            .filter(paper_tags__tag__in=tag_ids, paper_tags__status=PaperTag.Status.CONFIRMED)
            .exclude(pk=paper.pk)
            .only(*LISTED)  # grouped by what is listed, not by whole rows with their abstracts
            .annotate(shared=Count("paper_tags"))
            .order_by("-shared", *NEWEST_FIRST)[:RELATED_SHOWN]
        )
        if tag_ids
        else []
    )
    return render(
        request,
        "papers/paper.html",
        {
            "paper": paper,
            "authorships": paper.authorships.all(),
            "corrections": linked_corrections(paper),
            "date": pubmed_date(paper),
            # PubMed's language codes, named; English goes without saying.
            "languages": [LANGUAGES.get(code, (code, code))[1] for code in paper.shaped.languages if code != "eng"],
            "bookshelf_url": bookshelf_url(paper),
            "related": related,
            "citation_meta": citation_meta(paper, authors),
            "coins": coins(paper, authors),
            "export_links": export_links("paper_export", [pmid], ""),
        },
    )
