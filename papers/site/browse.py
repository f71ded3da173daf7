"""The home page and the topic and tag pages."""

from django.db.models import Count, Q, Window
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from papers.catalogue.models import Paper, Tag, Topic
from papers.search import LISTED
from papers.search.scope import day_start
from papers.site.counts import counted_tree
from papers.site.listing import Listing, query_string, recent_since
from papers.site.results import render_results

RECENT_SHOWN = 10  # papers listed on the home page


def home(request):
    """The topic tree with counts of approved papers, what was approved in the last RECENT_DAYS
    (approved last first) and a search box."""
    since = recent_since()
    # One query: the papers approved last, each with how many were approved since.
    newest = list(
        Paper.objects.public()
        .filter(reviewed_at__gte=day_start(since))
        .only(*LISTED)
        .annotate(recent_count=Window(Count("pk")))
        .order_by("-reviewed_at", "-pk")[:RECENT_SHOWN]
    )
    return render(
        request,
        "papers/home.html",
        {
            "topics": counted_tree(),
            "newest": newest,
            "total": Paper.objects.public().count(),
            "recent_count": newest[0].recent_count if newest else 0,
            "recent_url": reverse("search") + query_string({"approved_since": since}),
            "feed_url": reverse("search_feed", args=["atom"]),
        },
    )


def _ranking_words(tags) -> str:
    """Words that rank a topic's or tag's papers: its tags' names, each expanded by search."""
    return " OR ".join('"' + tag.name.replace('"', " ") + '"' for tag in tags)


def topic_tags(topic: Topic) -> list[Tag]:
    """The tags of a topic and of its subtopics, with their topics, in the tree's order."""
    return list(
        Tag.objects.filter(Q(topic=topic) | Q(topic__parent=topic))
        .select_related("topic")
        .order_by("topic__position", "topic__name", "name")
    )


def topic_listing(topic: Topic, tags: list[Tag]) -> Listing:
    """A topic's papers, its subtopics' too, newest first unless ranked by its tags' names."""
    return Listing(topic=topic.slug, ranking_words=_ranking_words(tags), default_sort="newest")


def tag_listing(tag: Tag) -> Listing:
    """A tag's confirmed papers, newest first unless ranked by the tag's names."""
    return Listing(tags=(tag.slug,), ranking_words=_ranking_words([tag]), default_sort="newest")


def topic_page(request, slug):
    """A topic's papers with a chart per year, its subtopics and its tags."""
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    # One query gives both the topic's tags and its subtopics (a subtopic without tags has no papers).
    tags = topic_tags(topic)
    subtopics = list({tag.topic.pk: tag.topic for tag in tags if tag.topic_id != topic.pk}.values())
    return render_results(
        request,
        "papers/topic.html",
        {"topic": topic, "subtopics": subtopics, "topic_tags": tags},
        listing=topic_listing(topic, tags),
        route=("topic", [slug]),
        facets=("tags",),
        whats_new=True,
    )


def tag_page(request, slug):
    """A tag's papers with a chart per year and related tags."""
    tag = get_object_or_404(Tag.objects.select_related("topic__parent"), slug=slug)
    return render_results(
        request,
        "papers/tag.html",
        {"tag": tag},
        listing=tag_listing(tag),
        route=("tag", [slug]),
        facets=("tags",),
        whats_new=True,
    )
