"""How a paper's corrections read and where each links: to the other paper's page when the
collection shows it, else to PubMed. PubMed links both sides (an erratum is `ErratumFor` its
paper, the paper `ErratumIn` the erratum), so each side's own record names the other."""

from dataclasses import dataclass

from django.urls import reverse

from papers.catalogue.models import Paper

# PubMed's RefType → what the other paper is to this one. NOTICES call this paper into question:
# its page opens with them.
NOTICES = {
    "RetractionIn": "This paper has been retracted",
    "PartialRetractionIn": "Part of this paper has been retracted",
    "ExpressionOfConcernIn": "An expression of concern has been published about this paper",
    "ErratumIn": "An erratum has been published for this paper",
    "CorrectedandRepublishedIn": "A corrected version of this paper has been published",
}
RELATIONS = {
    **NOTICES,
    "RetractionOf": "This is the retraction of",
    "PartialRetractionOf": "This is the partial retraction of",
    "ExpressionOfConcernFor": "This is an expression of concern about",
    "ErratumFor": "This is an erratum for",
    "CorrectedandRepublishedFrom": "This is a corrected and republished version of",
    "RepublishedFrom": "This is a republication of",
    "RepublishedIn": "This paper has been republished",
    "UpdateOf": "This is an update of",
    "UpdateIn": "An update of this paper has been published",
    "ReprintOf": "This is a reprint of",
    "ReprintIn": "This paper has been reprinted",
}


@dataclass(frozen=True)
class LinkedCorrection:
    type: str  # PubMed's RefType
    source: str  # the other paper's citation, as PubMed gives it
    pmid: int | None
    text: str
    notice: bool  # calls this paper into question
    in_collection: bool
    url: str  # the other paper's page here (a path), else PubMed's; "" without a PMID


def linked_corrections(paper: Paper) -> list[LinkedCorrection]:
    """The paper's corrections of a known kind, notices first, each linked (one query)."""
    corrections = [c for c in paper.shaped.corrections if c["type"] in RELATIONS]
    pmids = [c["pmid"] for c in corrections if c["pmid"]]
    held = set(Paper.objects.public().filter(pmid__in=pmids).values_list("pmid", flat=True)) if pmids else set()
    linked = [
        LinkedCorrection(
            type=c["type"],
            source=c["source"],
            pmid=c["pmid"],
            text=RELATIONS[c["type"]],
            notice=c["type"] in NOTICES,
            in_collection=c["pmid"] in held,
            url=reverse("paper", args=[c["pmid"]])
            if c["pmid"] in held
            else f"https://pubmed.ncbi.nlm.nih.gov/{c['pmid']}/"
            if c["pmid"]
            else "",
        )
        for c in corrections
    ]
    return sorted(linked, key=lambda c: not c.notice)
