"""Export helpers shared by the export and citation-reader tests."""

from papers.catalogue.models import Paper
from papers.site import exports

APOLLO = 34087126  # structured abstract, 23 persons then a collective author, volume and issue


def export(key, *pmids):
    """The export of these papers (by PMID, in this order) in format `key`."""
    pks = {pmid: pk for pk, pmid in Paper.objects.filter(pmid__in=pmids).values_list("pk", "pmid")}
    return exports.write(exports.load([pks[pmid] for pmid in pmids]), key)
