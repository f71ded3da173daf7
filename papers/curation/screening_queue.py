"""The moderation queue's screening scores: the screening model (papers.screening) trained on the
collection's own decisions — approved papers as inclusions, rejected ones as exclusions, a cold
start from the approved papers while nothing is rejected — ranks every pending paper.

Training reads the whole collection, so it runs only in the task worker (papers.curation.tasks)
or a command, never in a request. A score orders the queue; it never decides.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper
from papers.curation.models import ScreeningScore

# papers.screening.model (scikit-learn, SciPy: about 40 MB) is imported where a model is trained:
# the admin imports this module for LIKELY, and every site and import process loads the admin.

# A score at or above this is "likely in scope": the linear model's decision boundary.
LIKELY = 0.5

_FIELDS = ("pk", "status", "title", "abstract", "keywords", "mesh_headings")


def reading(title: str, abstract: str, keywords, mesh_headings) -> dict:
    """What the model reads of a paper (a model.Record's fields): its plain text, keywords and
    MeSH descriptor names."""
    return {
        "title": to_text(title),
        "abstract": to_text(abstract),
        "keywords": tuple(k for k in keywords if isinstance(k, str)),
        "mesh": tuple(h["name"] for h in mesh_headings if isinstance(h, dict) and isinstance(h.get("name"), str)),
    }


def rescore() -> tuple[int, int, int]:
    """Train on every decision and write a score for every pending paper (and none for the others);
    returns (approved, rejected, scored)."""
    from papers.screening import model

    rows = Paper.objects.filter(status__in=Paper.Status.values).values_list(*_FIELDS).order_by("pk")
    decided, labels, pending, pending_ids = [], [], [], []
    for pk, status, *fields in rows.iterator(chunk_size=2000):
        if status == Paper.Status.PENDING:
            pending.append(model.Record(**reading(*fields)))
            pending_ids.append(pk)
        else:
            decided.append(model.Record(**reading(*fields)))
            labels.append(status == Paper.Status.APPROVED)
    scores = model.train(decided, labels, undecided=pending).score(pending)
    now = timezone.now()
    with transaction.atomic():
        ScreeningScore.objects.all().delete()
        ScreeningScore.objects.bulk_create(
            [ScreeningScore(paper_id=pk, score=s, scored_at=now) for pk, s in zip(pending_ids, scores, strict=True)],
            batch_size=2000,
        )
    approved = sum(labels)
    return approved, len(labels) - approved, len(pending_ids)


def likely_in_scope(papers: QuerySet) -> tuple[int, int]:
    """Of these papers, how many have a score and how many of those are likely in scope."""
    scores = ScreeningScore.objects.filter(paper__in=papers)
    return scores.count(), scores.filter(score__gte=LIKELY).count()
