"""The schema's rules live in the database: unique PMIDs, one PaperTag per paper and tag, valid statuses."""

import pytest
from django.db import IntegrityError, connection, transaction

from papers.catalogue.models import Paper, Tag, Topic
from papers.tagging.models import PaperTag


def make_paper(pmid, status=Paper.Status.PENDING, **fields):
    reason = Paper.Reason.OFF_TOPIC if status == Paper.Status.REJECTED else ""
    return Paper.objects.create(pmid=pmid, title=f"Paper {pmid}", status=status, status_reason=reason, **fields)


def test_second_paper_with_same_pmid_is_refused(db):
    make_paper(123)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper(123)
    assert Paper.objects.count() == 1


def test_papers_without_pmid_may_coexist(db):
    Paper.objects.create(title="Not in PubMed, one")
    Paper.objects.create(title="Not in PubMed, two")
    assert Paper.objects.filter(pmid__isnull=True).count() == 2


def test_paper_tag_cannot_be_duplicated(taxonomy):
    paper = make_paper(1)
    tag = Tag.objects.get(slug="rankl")
    PaperTag.objects.create(paper=paper, tag=tag)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperTag.objects.create(paper=paper, tag=tag, status=PaperTag.Status.CONFIRMED)


@pytest.mark.parametrize(
    "table, column, value",
    [
        ("papers_paper", "status", "published"),
        ("papers_paper", "record_type", "poster"),
    ],
)
def test_database_refuses_invalid_paper_values(db, table, column, value):
    paper = make_paper(5)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, paper.pk])


def test_database_refuses_invalid_paper_tag_status(taxonomy):
    row = PaperTag.objects.create(paper=make_paper(6), tag=Tag.objects.get(slug="rankl"))
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperTag.objects.filter(pk=row.pk).update(status="maybe")


def test_rejection_needs_a_reason(db):
    paper = make_paper(7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.REJECTED, status_reason="")


def test_pmid_must_be_positive(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.create(pmid=0, title="zero")


def test_public_shows_approved_papers_only(db):
    approved = make_paper(10, Paper.Status.APPROVED)
    make_paper(11, Paper.Status.PENDING)
    make_paper(12, Paper.Status.REJECTED)
    assert list(Paper.objects.public()) == [approved]
    assert Paper.objects.public().count() == 1


def test_taxonomy_fixture_loads_once_and_is_complete(taxonomy):
    from django.core.management import call_command

    from tests.support.paths import ROOT

    counts = (Topic.objects.count(), Tag.objects.count())
    call_command("loaddata", ROOT / "fixtures" / "taxonomy.json", verbosity=0)  # idempotent
    assert (Topic.objects.count(), Tag.objects.count()) == counts
    assert counts[1] >= 30
    for tag in Tag.objects.all():
        tag.full_clean()
        assert tag.description
    rankl = Tag.objects.get(slug="rankl")
    assert {"TNFSF11", "TRANCE", "OPGL", "ODF"} <= set(rankl.synonyms)
    assert {"TNFRSF11B", "osteoprotegerin"} <= set(Tag.objects.get(slug="opg").synonyms)
    assert {"DKK1", "Dickkopf-1"} <= set(Tag.objects.get(name="DKK-1").synonyms)
    assert "CCL3" in Tag.objects.get(name="MIP-1α").synonyms
    assert "CCL4" in Tag.objects.get(name="MIP-1β").synonyms
    assert "CXCL12" in Tag.objects.get(name="SDF-1α").synonyms
    # A synonym belongs to one tag only, or the tagger could not tell them apart.
    seen = {}
    for tag in Tag.objects.all():
        for term in tag.terms:
            assert seen.setdefault(term.casefold(), tag.slug) == tag.slug, term
