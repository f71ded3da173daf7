"""The page cache (papers.site.page_cache): a repeat visit costs one query, and no committed change
to what the public sees, made by any path (the moderation functions, a bulk update, raw SQL,
a re-index, a deletion), is ever hidden behind a stored page. These tests commit, as the app
does, since PostgreSQL renews the collection's token at commit."""

import importlib
import time

import pytest
from django.db import connection, transaction

from papers.catalogue.models import Paper, Tag
from papers.curation import services as curation
from papers.search.indexing import rebuild
from papers.site.page_cache import HEADER, collection_version
from papers.tagging.models import PaperTag
from tests.support.papers import set_status

pytestmark = pytest.mark.django_db(transaction=True)

PAPER = 33596528  # a demo paper on IL-6 and the bone marrow niche


def found_by_title(pmid: int) -> str:
    """A search whose first page holds the paper: the first words of its title, as phrases."""
    return "/search/?q=" + "+".join(f'"{w}"' for w in Paper.objects.get(pmid=pmid).title.split()[:4])


@pytest.fixture
def visit(client, page_cache):
    def get(url, status=200):
        response = client.get(url)
        assert response.status_code == status, url
        return response

    return get


def test_a_repeat_visit_is_one_query_and_the_same_bytes(visit, corpus, django_assert_num_queries):
    for url in ("/", "/search/?q=IL-6", "/topics/myeloma-bone-disease/", "/tags/il-6/", f"/papers/{PAPER}/"):
        first = visit(url)
        assert first[HEADER] == "miss"
        with django_assert_num_queries(1):  # the token
            again = visit(url)
        assert again[HEADER] == "hit"
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]


def test_a_page_is_kept_per_host(client, page_cache, corpus, settings):
    """The paper page's canonical link is absolute: a page asked for by another name of the site
    is its own."""
    settings.ALLOWED_HOSTS = ["testserver", "lit.example.org"]
    url = f"/papers/{PAPER}/"
    assert f'href="http://testserver{url}"' in client.get(url).content.decode()
    other = client.get(url, HTTP_HOST="lit.example.org")
    assert other[HEADER] == "miss"
    assert f'href="http://lit.example.org{url}"' in other.content.decode()


def test_a_page_is_kept_for_page_cache_seconds(visit, corpus, settings):
    settings.PAGE_CACHE_SECONDS = 1
    assert [visit("/")[HEADER] for _ in range(2)] == ["miss", "hit"]
    time.sleep(1.2)
    assert visit("/")[HEADER] == "miss"


def test_only_successful_pages_are_kept(visit, corpus):
    for url, status in (("/search/?year_from=x", 400), ("/papers/1/", 404), ("/tags/no-such-tag/", 404)):
        visit(url, status)
        assert visit(url, status).get(HEADER) != "hit"


def test_moderation_shows_at_once(visit, corpus, people):
    paper = Paper.objects.get(pmid=PAPER)
    title_words = found_by_title(PAPER)
    assert str(PAPER) in visit(title_words).content.decode()
    visit(f"/papers/{PAPER}/")
    count = visit("/").content.decode()

    curation.reject(paper, people.superuser, Paper.Reason.OTHER, "off topic")

    assert str(PAPER) not in visit(title_words).content.decode()
    visit(f"/papers/{PAPER}/", 404)
    assert visit("/").content.decode() != count

    curation.approve(Paper.objects.get(pmid=PAPER), people.superuser)
    assert str(PAPER) in visit(title_words).content.decode()
    assert visit(f"/papers/{PAPER}/")[HEADER] == "miss"


@pytest.mark.parametrize("write", ["bulk update", "raw SQL", "delete"])
def test_writes_that_bypass_the_models_show_at_once(visit, corpus, write):
    url = found_by_title(PAPER)
    assert str(PAPER) in visit(url).content.decode()
    assert visit(url)[HEADER] == "hit"
    if write == "bulk update":
        set_status(Paper.objects.filter(pmid=PAPER), Paper.Status.PENDING)
    elif write == "raw SQL":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE papers_paper SET status = 'rejected', status_reason = 'other' WHERE pmid = %s", [PAPER]
            )
    else:
        Paper.objects.filter(pmid=PAPER).delete()
    response = visit(url)
    assert response[HEADER] == "miss"
    assert str(PAPER) not in response.content.decode()


def test_tag_curation_and_reindexing_show_at_once(visit, corpus, people):
    tag = Tag.objects.get(slug="il-6")
    assert "BSF-2" in visit("/search/?q=IL-6").content.decode()  # "also searched"
    tag.synonyms = [s for s in tag.synonyms if s != "BSF-2"]
    tag.save()
    assert "BSF-2" not in visit("/search/?q=IL-6").content.decode()

    suggestion = PaperTag.objects.filter(tag=tag, status=PaperTag.Status.SUGGESTED).select_related("paper").first()
    assert str(suggestion.paper.pmid) not in visit("/tags/il-6/").content.decode()
    curation.confirm_tag(suggestion, people.superuser)
    assert str(suggestion.paper.pmid) in visit("/tags/il-6/").content.decode()

    before = visit("/search/?q=myeloma")
    rebuild()
    assert visit("/search/?q=myeloma")[HEADER] == "miss"
    assert visit("/search/?q=myeloma").content == before.content


def test_a_rolled_back_write_keeps_the_pages(visit, corpus):
    visit("/search/?q=myeloma")
    token = collection_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        set_status(Paper.objects.all(), Paper.Status.PENDING)
        raise RuntimeError
    assert collection_version() == token
    assert visit("/search/?q=myeloma")[HEADER] == "hit"


def test_the_cache_can_be_turned_off(client, corpus, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert HEADER not in client.get("/search/?q=myeloma")
    assert HEADER not in client.get("/search/?q=myeloma")


def test_every_table_the_pages_read_keeps_its_triggers():
    """SQLite rebuilds a table for many schema changes, and the rebuilt table has no triggers:
    a later migration on a watched table must bring them back, or pages would go stale."""
    watched = importlib.import_module("papers.migrations.0007_collection_version").WATCHED
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {(table, f"{table}_{kind}") for table in watched for kind in ("changed", "truncated")}
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            expected = {
                (table, f"{table}_{event}_changed") for table in watched for event in ("insert", "update", "delete")
            }
        assert expected <= set(cursor.fetchall())
