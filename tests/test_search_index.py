"""The search index follows every write path: import (new and changed papers), tag review,
deletion, and the rebuild command."""

import io
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from papers import moderation
from papers.models import Paper, PublicationType, SearchDocument, Tag
from papers.search import SearchFilters, indexing, postgres, search, sqlite
from papers.search.indexing import index_papers

from .conftest import SAMPLES, post_paper_form

LYTIC = SAMPLES / "efetch_pubmed_38856741_myeloma_lytic_lesions.xml"
TWO_RECORDS = SAMPLES / "efetch_pubmed_two_records_review_no_abstract.xml"  # a review on AIDS, an article on heme
TWO_RECORDS_PMIDS = (12091962, 9997)


def import_xml(*paths):
    call_command("import_pubmed", "--from-xml", *map(str, paths), stdout=io.StringIO())
    Paper.objects.update(status=Paper.Status.APPROVED)


def pmids(query, **options) -> list[int]:
    return [hit.paper.pmid for hit in search(query, **options).hits]


def test_import_writes_plain_text_documents(taxonomy):
    import_xml(LYTIC)
    document = SearchDocument.objects.get(paper__pmid=38856741)
    assert document.title == ("Remineralization Rate of Lytic Lesions of the Spine in Multiple Myeloma "
                              "Patients Undergoing Radiation Therapy.")
    assert "(βdifference)" in document.abstract and "<sub>" not in document.abstract
    assert document.terms == "Hounsfield Units; bone remodeling; lytic lesions; multiple myeloma; radiotherapy; remineralization"
    assert pmids("remineralization") == [38856741]


def test_index_follows_an_import_update(taxonomy, tmp_path):
    import_xml(LYTIC)
    changed = tmp_path / "changed.xml"
    changed.write_text(LYTIC.read_text().replace("Remineralization Rate of Lytic", "Zebrafish Rate of Lytic"))
    assert pmids("zebrafish") == []
    import_xml(changed)
    assert pmids("zebrafish") == [38856741]
    assert SearchDocument.objects.get().title.startswith("Zebrafish Rate")


def test_index_follows_tag_review(taxonomy, people):
    import_xml(LYTIC)
    paper = Paper.objects.get()
    suggestion = paper.paper_tags.get(tag__slug="osteolytic-lesions")
    assert pmids("punched-out lesions", expand_synonyms=False) == []
    moderation.confirm_tag(suggestion, people.superuser)
    assert pmids("punched-out lesions", expand_synonyms=False) == [38856741]
    moderation.reject_tag(suggestion, people.superuser)
    assert pmids("punched-out lesions", expand_synonyms=False) == []
    moderation.add_tag(paper, Tag.objects.get(slug="denosumab"), people.superuser)
    assert pmids("Xgeva", expand_synonyms=False) == [38856741]


def test_moderation_needs_no_reindex(taxonomy, people):
    import_xml(LYTIC)
    paper = Paper.objects.get()
    moderation.revoke_approval(paper, people.superuser, note="Check the abstract")
    assert search("remineralization").total == 0
    moderation.approve(paper, people.superuser)
    assert search("remineralization").total == 1


def test_status_date_and_journal_reach_search_by_every_write_path(taxonomy):
    """What search filters, sorts and counts by follows the paper however it is written:
    PostgreSQL keeps a copy of it in each search document (by trigger), SQLite reads the paper."""
    import_xml(LYTIC)

    def found(**filters):
        results = search("remineralization", filters=SearchFilters(**filters))
        return results.total, [f.value for f in results.facets.years], [f.value for f in results.facets.journals]

    imported = Paper.objects.get()
    assert found() == (1, [imported.pub_year], [imported.journal_title])
    with connection.cursor() as cursor:  # bypassing the models
        cursor.execute("UPDATE papers_paper SET pub_year = 1999, journal_title = 'Bone Reports'")
    assert found() == (1, [1999], ["Bone Reports"])
    assert found(year_to=2000) == (1, [1999], ["Bone Reports"])
    Paper.objects.update(status=Paper.Status.REJECTED, status_reason=Paper.Reason.OFF_TOPIC)
    assert found() == (0, [], [])
    paper = Paper.objects.get()
    paper.status, paper.pub_year = Paper.Status.APPROVED, 2003
    paper.save()
    assert found() == (1, [2003], ["Bone Reports"])
    index_papers([paper.pk])  # a document written anew takes the paper's facts
    assert found(journal="Bone Reports") == (1, [2003], ["Bone Reports"])


def test_publication_types_reach_search_by_every_write_path(taxonomy):
    """The type counts of a search and of browsing follow the links however they are written:
    PostgreSQL keeps each paper's type ids in its search document (by trigger, migration 0012),
    SQLite reads the links."""
    import_xml(LYTIC, TWO_RECORDS)
    links = Paper.publication_types.through.objects
    every_word = "remineralization OR correctional OR flavocytochrome"

    def counts(query=every_word, **filters) -> dict[str, int]:
        return {f.value: f.count for f in search(query, filters=SearchFilters(**filters)).facets.publication_types}

    def assert_counts_match_the_links():
        truth = Counter(links.values_list("publicationtype__name", flat=True))
        assert counts() == counts("", year_from=1000) == truth  # searched (ranked) and browsed

    lytic, aids, magnetic = (Paper.objects.get(pmid=pmid) for pmid in (38856741, *TWO_RECORDS_PMIDS))
    review, article = PublicationType.objects.get(name="Review"), PublicationType.objects.get(name="Journal Article")
    assert_counts_match_the_links()
    assert counts("flavocytochrome") == {"Journal Article": 1}
    lytic.publication_types.add(review)  # INSERT
    lytic.publication_types.remove(article)  # DELETE
    assert_counts_match_the_links()
    assert counts("remineralization") == {"Review": 1}
    with connection.cursor() as cursor:  # bypassing the models: a link moved to another paper
        cursor.execute("UPDATE papers_paper_publication_types SET paper_id = %s WHERE paper_id = %s AND publicationtype_id = %s",
                       [magnetic.pk, aids.pk, review.pk])
    assert_counts_match_the_links()
    assert (counts("flavocytochrome"), counts("correctional")) == ({"Journal Article": 1, "Review": 1}, {"Journal Article": 1})
    index_papers([magnetic.pk])  # a document written anew reads the links
    assert counts("flavocytochrome") == {"Journal Article": 1, "Review": 1}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses a table with the test transaction's deferred trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE papers_paper_publication_types")
        else:
            cursor.execute("DELETE FROM papers_paper_publication_types")
    assert counts() == counts("", year_from=1000) == {}


def while_paused(first, write) -> None:
    """Run `first(pause)` in one connection and, once it calls pause() (its transaction open),
    `write` in another, which must wait for `first`'s locks; then let both finish, and raise
    what either raised (a deadlock, say)."""
    paused, release, errors = threading.Event(), threading.Event(), []

    def pause():
        paused.set()
        release.wait(10)

    def in_own_connection(function):
        def run():
            try:
                function()
            except Exception as error:  # noqa: BLE001 - handed to the test's thread
                errors.append(error)
            finally:
                connection.close()
        return threading.Thread(target=run)

    holding = in_own_connection(lambda: first(pause))
    holding.start()
    assert paused.wait(10)
    writing = in_own_connection(write)
    writing.start()
    writing.join(0.5)
    assert writing.is_alive()  # waiting for the lock
    release.set()
    holding.join(20)
    writing.join(20)
    if errors:
        raise errors[0]


def while_reindexing(paper: Paper, write) -> None:
    """`write` while the paper is re-indexed, its transaction open."""
    def reindex(pause):
        with transaction.atomic():
            index_papers([paper.pk])
            pause()

    while_paused(reindex, write)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads a paper's status at query time: no copy to lose")
@pytest.mark.django_db(transaction=True)
def test_a_paper_rejected_while_it_is_reindexed_stays_out_of_search(taxonomy):
    """The re-index holds the paper until its new document is committed; the rejection waits,
    then reaches the new document (not the deleted one, which would leave the paper public)."""
    import_xml(LYTIC)
    paper = Paper.objects.get()
    while_reindexing(paper, lambda: Paper.objects.filter(pk=paper.pk).update(
        status=Paper.Status.REJECTED, status_reason=Paper.Reason.OFF_TOPIC))
    assert search("remineralization").total == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads a paper's types at query time: no copy to lose")
@pytest.mark.django_db(transaction=True)
def test_a_type_added_while_its_paper_is_reindexed_reaches_search(taxonomy):
    """The link's trigger waits for the re-index's lock on the paper, then updates the new
    document (not the deleted one, which would leave the type out of the paper's counts)."""
    import_xml(LYTIC)
    paper = Paper.objects.get()
    review = PublicationType.objects.create(name="Review")
    while_reindexing(paper, lambda: paper.publication_types.add(review))
    types = search("remineralization").facets.publication_types
    assert {f.value: f.count for f in types} == {"Journal Article": 1, "Review": 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writing transaction at a time")
@pytest.mark.django_db(transaction=True)
def test_a_paper_changed_during_a_rebuild_waits_for_it(taxonomy, monkeypatch):
    """A rebuild deletes every document, then writes them anew a chunk at a time, locking each
    chunk's papers. A paper changed meanwhile used to wait for its deleted document while the
    rebuild waited for the paper: a deadlock. The rebuild now holds the papers against writes
    from its start, so the change waits and then reaches the new document."""
    import_xml(LYTIC, TWO_RECORDS)
    last = Paper.objects.order_by("pk").last()
    monkeypatch.setattr(indexing, "REBUILD_CHUNK", 1)
    first_chunk = indexing.index_papers

    def rebuild(pause):
        def index_papers(ids):
            if ids == [Paper.objects.order_by("pk").first().pk]:
                pause()
            return first_chunk(ids)
        monkeypatch.setattr(indexing, "index_papers", index_papers)
        indexing.rebuild()

    while_paused(rebuild, lambda: Paper.objects.filter(pk=last.pk).update(
        status=Paper.Status.REJECTED, status_reason=Paper.Reason.OFF_TOPIC))
    assert SearchDocument.objects.count() == 3
    assert search("remineralization OR correctional OR flavocytochrome").total == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 keeps its own index; no vector column")
@pytest.mark.django_db
def test_search_vectors_are_kept_in_their_rows():
    """STORAGE MAIN (migration 0010): ranking reads each vector beside its row, not from TOAST.
    A later migration that alters the column resets it to the type's default, EXTENDED."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstorage FROM pg_attribute"
                       " WHERE attrelid = 'papers_searchdocument'::regclass AND attname = 'vector'")
        assert cursor.fetchone() == ("m",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 keeps its own index; no copied facts")
@pytest.mark.django_db
def test_copied_journal_and_types_are_kept_in_their_rows():
    """STORAGE PLAIN (migration 0012): counting journals and types reads them beside each match;
    as EXTENDED, the toaster moved a journal title out of rows with a long vector."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'papers_searchdocument'::regclass"
                       " AND attname IN ('journal_title', 'publication_type_ids') ORDER BY attname")
        assert cursor.fetchall() == [("journal_title", "p"), ("publication_type_ids", "p")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 keeps its own index; no copied facts")
def test_facts_are_copied_without_parsing_the_text_again(taxonomy):
    """PostgreSQL recomputes a stored generated column on every UPDATE of a table that has a
    BEFORE ROW UPDATE trigger (migration 0014). Copying a paper's status or types, or a moved
    document's new paper's facts, must leave the vector as it was. Shown by changing, inside the
    test's transaction, how the English configuration parses: a parse after it drops every
    plain word. (Altering it takes a superuser, as the suite's PostgreSQL role is.)"""
    import_xml(LYTIC, TWO_RECORDS)
    lytic, aids, magnetic = (Paper.objects.get(pmid=pmid) for pmid in (38856741, *TWO_RECORDS_PMIDS))
    review = PublicationType.objects.get(name="Review")

    def documents() -> dict[int, tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT paper_id, vector::text, public, pub_year, journal_title, publication_type_ids"
                           " FROM papers_searchdocument")
            return {paper_id: tuple(row) for paper_id, *row in cursor.fetchall()}

    before = documents()
    newcomer = Paper.objects.create(pmid=8, title="A newcomer", pub_year=2001, journal_title="Bone Reports")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TEXT SEARCH CONFIGURATION english DROP MAPPING FOR asciiword")
        Paper.objects.filter(pk=lytic.pk).update(status=Paper.Status.REJECTED, status_reason=Paper.Reason.OFF_TOPIC)
        aids.publication_types.add(review)
        cursor.execute("UPDATE papers_searchdocument SET paper_id = %s WHERE paper_id = %s", [newcomer.pk, magnetic.pk])
        after = documents()
        cursor.execute("UPDATE papers_searchdocument SET title = title WHERE paper_id = %s", [aids.pk])
        assert len(documents()[aids.pk][0]) < len(after[aids.pk][0])  # a parse now drops words
    type_ids = sorted(aids.publication_types.values_list("pk", flat=True))
    assert review.pk in type_ids
    assert after == {
        lytic.pk: (before[lytic.pk][0], False, *before[lytic.pk][2:]),
        aids.pk: (*before[aids.pk][:-1], type_ids),
        newcomer.pk: (before[magnetic.pk][0], False, 2001, "Bone Reports", []),
    }


def test_a_paper_deleted_by_hand_before_the_rows_that_refer_to_it(taxonomy):
    """The foreign keys are checked at commit, so raw SQL may delete a paper before its links and
    its document: the copy that the links' deletion sets off (PostgreSQL) passes over a document
    whose paper is gone, and the transaction stands once every row that refers to it is gone."""
    import_xml(LYTIC, TWO_RECORDS)
    paper = Paper.objects.get(pmid=38856741)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM papers_paper WHERE id = %s", [paper.pk])
        cursor.execute("DELETE FROM papers_paper_publication_types WHERE paper_id = %s", [paper.pk])
        for relation in Paper._meta.related_objects:
            relation.related_model.objects.filter(**{relation.field.attname: paper.pk})._raw_delete(connection.alias)
        connection.check_constraints()
    assert search("remineralization").total == 0
    assert search("correctional OR flavocytochrome").total == 2


def test_index_drops_deleted_papers(taxonomy):
    import_xml(LYTIC)
    paper = Paper.objects.get()
    paper.delete()
    assert SearchDocument.objects.count() == 0
    assert index_papers([paper.pk]) == 0
    assert search("remineralization").total == 0


def test_rebuild_gives_identical_results(taxonomy, demo_files):
    import_xml(*demo_files)
    queries = ["myeloma", '"bone marrow"', "IL-6", "amyloidosis OR macroglobulinemia", "plasma -cells"]
    before = [(r.total, [(h.paper.pk, h.snippet, h.rank) for h in r.hits]) for r in map(search, queries)]
    SearchDocument.objects.all().delete()
    assert search("myeloma").total == 0
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "Indexed 222 papers.\n"
    after = [(r.total, [(h.paper.pk, h.snippet, h.rank) for h in r.hits]) for r in map(search, queries)]
    assert after == before


def _fts_segments() -> int:
    """Segments of the FTS5 index: the second varint of its structure record (row 10 of its data
    table), after a 4-byte cookie (SQLite's fts5_index.c); both varints are below 128 here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT block FROM papers_search_fts_data WHERE id = 10")
        record = cursor.fetchone()[0]
    levels, segments = record[4], record[5]
    assert levels < 128 and segments < 128
    return segments


@pytest.mark.skipif(connection.vendor != "sqlite", reason="GIN keeps no segments to merge")
def test_large_imports_and_rebuilds_leave_the_full_text_index_in_one_segment(taxonomy, demo_files, monkeypatch):
    monkeypatch.setattr(indexing, "COMPACT_AFTER", 1000)
    import_xml(*demo_files)  # 222 papers in batches, each a savepoint: a segment each
    assert _fts_segments() > 1
    indexing.rebuild()
    assert _fts_segments() == 1
    ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 50):  # each savepoint writes a segment, as each commit does
        with transaction.atomic():
            index_papers(ids[start:start + 50])
    assert _fts_segments() > 1
    monkeypatch.setattr(indexing, "COMPACT_AFTER", 200)
    Paper.objects.all().delete()
    import_xml(*demo_files)
    assert _fts_segments() == 1
    assert search("myeloma").total > 100


def test_an_import_stands_when_the_index_cannot_be_compacted(taxonomy, demo_files, monkeypatch, caplog):
    def busy():
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM papers_paper")  # a real database error

    for engine in (postgres, sqlite):
        monkeypatch.setattr(engine, "compact", busy)
    monkeypatch.setattr(indexing, "COMPACT_AFTER", 100)
    out = io.StringIO()
    call_command("import_pubmed", "--from-xml", *map(str, demo_files), stdout=out)
    assert "created 222" in out.getvalue() and Paper.objects.count() == 222
    assert "was not compacted" in caplog.text
    assert SearchDocument.objects.count() == 222  # and the connection still works


@pytest.mark.django_db
def test_documents_strip_control_characters():
    paper = Paper.objects.create(pmid=7, status=Paper.Status.APPROVED, title="Bone\x02 marrow\x03 niche")
    index_papers([paper.pk, paper.pk])
    assert SearchDocument.objects.get().title == "Bone marrow niche"
    assert [h.snippet for h in search("niche").hits] == ["Bone marrow <mark>niche</mark>"]


def test_index_follows_a_hand_edit_in_the_admin(client, people, taxonomy):
    import_xml(LYTIC)
    paper = Paper.objects.get()
    client.force_login(people.superuser)
    title = "Radiotherapy remineralises lytic myeloma lesions in zebrafish"
    assert post_paper_form(client, paper, lambda data: data.update(title=title)).status_code == 302
    assert pmids("zebrafish") == [38856741]