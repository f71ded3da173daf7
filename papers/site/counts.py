"""Counts of public papers per topic, shared by the home page and the API."""

from django.db.models import Count, F
from django.db.models.functions import Coalesce

from papers.catalogue.models import Paper, Topic
from papers.tagging.models import PaperTag


def public_papers_per_topic() -> dict[int, int]:
    """Approved papers with a confirmed tag, per topic id, each paper counted once per topic; a
    top-level topic counts its subtopics' papers too (the tree has two levels)."""
    confirmed = PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED, paper__in=Paper.objects.public())

    def per(topic) -> dict[int, int]:
        rows = confirmed.values(counted=topic).annotate(n=Count("paper", distinct=True))
        return {row["counted"]: row["n"] for row in rows}

    # A top-level topic's own tags appear in both: the second, its whole subtree, wins.
    return per(F("tag__topic")) | per(Coalesce("tag__topic__parent", "tag__topic"))


def with_counts(topics: list[Topic], counts: dict[int, int]) -> list[Topic]:
    """The topics, each with `paper_count` and its subtopics (prefetched: the tree has two levels)
    as `counted_children`, which carry their own `paper_count`."""
    for topic in topics:
        topic.paper_count = counts.get(topic.pk, 0)
        topic.counted_children = list(topic.children.all())
        for child in topic.counted_children:
            child.paper_count = counts.get(child.pk, 0)
    return topics


def counted_tree() -> list[Topic]:
    """The top-level topics, counted, with their counted subtopics: the home page's tree."""
    return with_counts(list(Topic.objects.filter(parent=None).prefetch_related("children")), public_papers_per_topic())
