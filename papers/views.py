"""Public pages. Every query starts from Paper.objects.public()."""

from django.db.models import Count
from django.shortcuts import render

from .models import Paper, PaperTag, Topic


def _public_paper_counts(topic_field: str) -> dict[int, int]:
    """Approved papers with a confirmed tag, counted once per topic (grouped by `topic_field`)."""
    rows = (
        PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED, paper__in=Paper.objects.public())
        .values(topic_field)
        .annotate(papers=Count("paper", distinct=True))
        .values_list(topic_field, "papers")
    )
    return dict(rows)


def home(request):
    """The topic tree with counts of approved papers, and the newest additions."""
    by_topic = _public_paper_counts("tag__topic")
    by_parent = _public_paper_counts("tag__topic__parent")
    topics = list(Topic.objects.filter(parent__isnull=True).prefetch_related("children"))
    for topic in topics:
        topic.paper_count = by_parent.get(topic.pk, 0) + by_topic.get(topic.pk, 0)
        for child in topic.children.all():
            child.paper_count = by_topic.get(child.pk, 0)
    newest = Paper.objects.public().order_by("-created_at", "-pmid")[:10]
    return render(request, "papers/home.html", {
        "topics": topics, "newest": newest, "total": Paper.objects.public().count(),
    })
