"""The home page and the topic and tag pages."""

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render

from ..models import Paper, PaperTag, Tag, Topic
from .results import render_results


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
    """The topic tree with counts of approved papers, the newest additions and a search box."""
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


def _relevance_query(tags) -> str:
    """Words that rank a topic's or tag's papers: its tags' names, each expanded by search."""
    return " OR ".join('"' + tag.name.replace('"', " ") + '"' for tag in tags)


def topic_page(request, slug):
    """A topic's papers (its subtopics' too), newest or most relevant first, with a chart per year."""
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    # One query gives both the topic's tags and its subtopics (a subtopic without tags has no papers).
    tags = list(Tag.objects.filter(Q(topic=topic) | Q(topic__parent=topic)).select_related("topic")
                .order_by("topic__position", "topic__name", "name"))
    subtopics = list({tag.topic.pk: tag.topic for tag in tags if tag.topic_id != topic.pk}.values())
    relevant = request.GET.get("sort") == "relevance"
    return render_results(
        request, "papers/topic.html", {"topic": topic, "subtopics": subtopics, "topic_tags": tags},
        export=("topic_export", [slug]), query=_relevance_query(tags) if relevant else "", topic=slug, default_sort="newest",
        facets=("tags",),
    )


def tag_page(request, slug):
    """A tag's confirmed papers, newest or most relevant first, with a chart and related tags."""
    tag = get_object_or_404(Tag.objects.select_related("topic__parent"), slug=slug)
    relevant = request.GET.get("sort") == "relevance"
    return render_results(
        request, "papers/tag.html", {"tag": tag},
        export=("tag_export", [slug]), query=_relevance_query([tag]) if relevant else "", tags=(slug,), default_sort="newest", facets=("tags",),
    )
