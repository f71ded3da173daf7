"""Public pages. Every query starts from Paper.objects.public()."""

from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.shortcuts import render

from .models import Paper, PaperTag, Topic


def _public_paper_counts(topic):
    """Approved papers with a confirmed tag, each counted once per topic (`topic`: an expression)."""
    rows = (
        PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED, paper__in=Paper.objects.public())
        .annotate(counted_topic=topic)
        .values("counted_topic")
        .annotate(papers=Count("paper", distinct=True))
        .values_list("counted_topic", "papers")
    )
    return dict(rows)


def home(request):
    """The topic tree with counts of approved papers, and the newest additions."""
    by_topic = _public_paper_counts(F("tag__topic"))
    # A top-level topic counts a paper once, whether tagged in it or in any of its subtopics.
    by_root = _public_paper_counts(Coalesce("tag__topic__parent", "tag__topic"))
    topics = list(Topic.objects.filter(parent__isnull=True).prefetch_related("children"))
    for topic in topics:
        topic.paper_count = by_root.get(topic.pk, 0)
        for child in topic.children.all():
            child.paper_count = by_topic.get(child.pk, 0)
    newest = Paper.objects.public().order_by("-created_at", "-pmid")[:10]
    return render(request, "papers/home.html", {
        "topics": topics, "newest": newest, "total": Paper.objects.public().count(),
    })
