"""The home page: topic counts of approved papers only, each paper counted once per topic."""

from papers.catalogue.models import Paper, Tag, Topic
from papers.tagging.models import PaperTag


def tag_paper(pmid, slugs, status=Paper.Status.APPROVED):
    reason = Paper.Reason.OFF_TOPIC if status == Paper.Status.REJECTED else ""
    paper = Paper.objects.create(pmid=pmid, title=f"Paper {pmid}", status=status, status_reason=reason)
    for slug in slugs:
        PaperTag.objects.create(paper=paper, tag=Tag.objects.get(slug=slug), status=PaperTag.Status.CONFIRMED)
    return paper


def test_topic_counts_cover_approved_papers_once(client, taxonomy, django_assert_max_num_queries):
    rankl, dkk1 = Tag.objects.get(slug="rankl"), Tag.objects.get(name="DKK-1")
    tag_paper(1, [rankl.slug, dkk1.slug])  # two subtopics of one top-level topic
    tag_paper(2, [rankl.slug])
    tag_paper(3, [rankl.slug], status=Paper.Status.PENDING)
    tag_paper(4, [dkk1.slug], status=Paper.Status.REJECTED)
    PaperTag.objects.create(paper=tag_paper(5, []), tag=dkk1, status=PaperTag.Status.SUGGESTED)
    with django_assert_max_num_queries(6):
        response = client.get("/")
    topics = {t.pk: t for t in response.context["topics"]}
    children = {c.pk: c for t in topics.values() for c in t.children.all()}
    assert children[rankl.topic_id].paper_count == 2
    assert children[dkk1.topic_id].paper_count == 1
    root = Topic.objects.get(pk=rankl.topic.parent_id)
    assert root.pk == dkk1.topic.parent_id
    assert topics[root.pk].paper_count == 2
    assert response.context["total"] == 3
