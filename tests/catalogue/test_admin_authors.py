"""A paper with thousands of authors stays editable in the admin: the change page shows authors
read-only and compact, its size and cost do not grow with the author count, and saving it stays
within Django's limit on posted fields."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from lxml import etree

from papers.catalogue.models import Paper, Tag
from papers.tagging.models import PaperTag
from tests.support.papers import form_data, post_paper_form
from tests.support.paths import SAMPLES

# this is the largest real one (100 authors), from the 2021 baseline.
HUNDRED = SAMPLES / "efetch_pubmed_34095513_hundred_authors.xml"
PMID = 34095513
ISSUES_RECORD_AUTHORS = 3173


def many_authors(path, count: int):
    """The real record with its author list extended to `count` authors, each a distinct name
    (the stored record's authors, numbered on), as a new PMID: the size of the issue's record."""
    tree = etree.parse(str(HUNDRED), etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))
    tree.find(".//PMID").text = "34095514"
    authors = tree.find(".//AuthorList")
    real = list(authors)
    for n in range(len(real), count):
        extra = etree.fromstring(etree.tostring(real[n % len(real)]))
        for last in extra.iter("LastName", "CollectiveName"):
            last.text = f"{last.text} {n}"
        authors.append(extra)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


@pytest.fixture
def papers(taxonomy, people, tmp_path):
    """The real 100-author record and the same at the issue's 3,173 authors, each with a tag
    suggestion to review, imported through the importer."""
    big = many_authors(tmp_path / "big.xml", ISSUES_RECORD_AUTHORS)
    call_command("import_pubmed", "--from-xml", str(HUNDRED), str(big), stdout=io.StringIO())
    real, large = Paper.objects.get(pmid=PMID), Paper.objects.get(pmid=34095514)
    assert (real.authorships.count(), large.authorships.count()) == (100, ISSUES_RECORD_AUTHORS)
    tag = Tag.objects.get(slug="rankl")
    for paper in (real, large):
        PaperTag.objects.get_or_create(paper=paper, tag=tag, defaults={"evidence": paper.title})
    return real, large


def change_page(client, paper):
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_change_page_does_not_grow_with_the_authors(client, people, papers):
    client.force_login(people.superuser)
    change_page(client, papers[0])  # the first page of a session reads what later ones find cached
    (real, real_queries), (large, large_queries) = (change_page(client, paper) for paper in papers)
    assert len(form_data(large)) == len(form_data(real)) < 200
    assert large_queries == real_queries
    # Only the size of the names shown differs (first and last authors, the count).
    assert abs(len(large.content) - len(real.content)) < 2000


def test_the_change_page_shows_the_count_the_first_and_last_and_all_on_demand(client, people, papers):
    client.force_login(people.superuser)
    real, large = papers
    page = change_page(client, large)[0].content.decode()
    first, *_, last = large.authorships.order_by("position").select_related("author")
    assert "3,173 authors" in page
    assert escape(first.author) in page and escape(last.author) in page
    listing = reverse("admin:papers_authorship_changelist") + f"?paper__id__exact={large.pk}"
    assert f'href="{listing.replace("&", "&amp;")}"' in page
    authors = client.get(listing)
    assert authors.status_code == 200
    assert "3173 authorships" in authors.content.decode()
    # The authors are shown, not edited, here: no author inputs on the paper's form.
    assert not [name for name in form_data(change_page(client, real)[0]) if re.match(r"authorships-", name)]


def test_saving_the_large_record_works_and_its_tags_can_be_reviewed(client, people, papers):
    _, large = papers
    client.force_login(people.superuser)

    def confirm_and_rename(data):
        row = next(
            name
            for name, value in data.items()
            if name.endswith("-tag") and str(value) == str(Tag.objects.get(slug="rankl").pk)
        )
        data[row.removesuffix("-tag") + "-status"] = PaperTag.Status.CONFIRMED
        data["curator_note"] = "Reviewed with all 3,173 authors."

    response = post_paper_form(client, large, confirm_and_rename)
    assert response.status_code == 302
    large.refresh_from_db()
    assert large.curator_note == "Reviewed with all 3,173 authors."
    assert large.paper_tags.get(tag__slug="rankl").status == PaperTag.Status.CONFIRMED
    assert large.authorships.count() == ISSUES_RECORD_AUTHORS  # the authors are untouched
