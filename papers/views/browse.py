"""The home page and the topic and tag pages."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from ..counts import public_papers_per_topic
from ..models import Paper, Tag, Topic
from .results import render_results


def home(request):
    """The topic tree with counts of approved papers, the newest additions and a search box."""
    counts = public_papers_per_topic()
    topics = list(Topic.objects.filter(parent__isnull=True).prefetch_related("children"))
    for topic in [*topics, *(child for topic in topics for child in topic.children.all())]:
        topic.paper_count = counts.get(topic.pk, 0)
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
