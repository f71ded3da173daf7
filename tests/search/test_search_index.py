"""The search index follows every write path: import (new and changed papers), tag review,
deletion, and the rebuild command."""

import io
import re
import threading
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from papers.catalogue.models import Paper, PublicationType, Tag
from papers.curation import services as curation
from papers.search import SearchFilters, indexing, postgres, search, sqlite
from papers.search.indexing import index_papers
from papers.search.models import SearchDocument
from papers.search.query import tag_key
from tests.support.papers import post_paper_form, set_status
from tests.support.paths import SAMPLES

LYTIC = SAMPLES / "efetch_pubmed_38856741_myeloma_lytic_lesions.xml"
TWO_RECORDS = SAMPLES / "efetch_pubmed_two_records_review_no_abstract.xml"  # a review on AIDS, an article on heme
TWO_RECORDS_PMIDS = (12091962, 9997)


def import_xml(*paths):
    call_command("import_pubmed", "--from-xml", *map(str, paths), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)


def pmids(query, **options) -> list[int]:
    return [hit.paper.pmid for hit in search(query, **options).hits]


def test_import_writes_plain_text_documents(taxonomy):
    import_xml(LYTIC)
    document = SearchDocument.objects.get(paper__pmid=38856741)
    assert document.title == (
        "Remineralization Rate of Lytic Lesions of the Spine in Multiple Myeloma Patients Undergoing Radiation Therapy."
    )
    assert "(βdifference)" in document.abstract and "<sub>" not in document.abstract
    assert (
        document.terms
        == "Hounsfield Units; bone remodeling; lytic lesions; multiple myeloma; radiotherapy; remineralization"
    )
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
    """A confirmed tag finds its paper by the tag's key, which a search naming the tag adds; exact
    mode searches the paper's own words, never its tags."""
    import_xml(LYTIC)
    paper = Paper.objects.get()
    suggestion = paper.paper_tags.get(tag__slug="osteolytic-lesions")
    key = tag_key("osteolytic-lesions")
    assert pmids(key) == []
    curation.confirm_tag(suggestion, people.superuser)
    assert pmids(key) == [38856741]
    assert pmids("punched-out lesions", expand_synonyms=False) == []
    curation.reject_tag(suggestion, people.superuser)
    assert pmids(key) == []
    assert pmids("Xgeva") == []
    curation.add_tag(paper, Tag.objects.get(slug="denosumab"), people.superuser)
    assert pmids("Xgeva") == [38856741]
    assert pmids("Xgeva", expand_synonyms=False) == []


def assert_in_step():
    """Every document agrees with its paper (check_search_index finds nothing)."""
    assert indexing.check() == indexing.Drift()


def test_moderation_reaches_search_without_rewriting_the_text(taxonomy, people):
    import_xml(LYTIC)
    paper = Paper.objects.get()
    curation.revoke_approval(paper, people.superuser, note="Check the abstract")
    assert search("remineralization").total == 0
    assert_in_step()
    curation.approve(paper, people.superuser)
    assert search("remineralization").total == 1
    assert_in_step()


def found(query="remineralization", **filters):
    results = search(query, filters=SearchFilters(**filters))
    return results.total, [f.value for f in results.facets.years], [f.value for f in results.facets.journals]


def test_status_date_and_journal_follow_each_write_path_of_the_app(taxonomy, people, client, tmp_path):
    """What search filters, sorts and counts by is copied into each document by the code that
    writes the paper: an import that changes the date, moderation, a hand edit."""
    import_xml(LYTIC)
    assert found() == (1, [2025], ["Global spine journal"])
    changed = tmp_path / "changed.xml"
    changed.write_text(LYTIC.read_text().replace("<PubDate><Year>2025</Year>", "<PubDate><Year>1999</Year>"))
    call_command("import_pubmed", "--from-xml", str(changed), stdout=io.StringIO())
    assert found() == (1, [1999], ["Global spine journal"]) == found(year_to=2000)
    assert_in_step()
    paper = Paper.objects.get()
    curation.reject(paper, people.superuser, Paper.Reason.OFF_TOPIC)
    assert found() == (0, [], [])
    curation.approve(paper, people.superuser)
    client.force_login(people.superuser)
    edit = {"journal_title": "Bone Reports", "pub_year": "2003"}
    assert post_paper_form(client, paper, lambda data: data.update(edit)).status_code == 302
    assert found() == (1, [2003], ["Bone Reports"]) == found(journal="Bone Reports")
    assert_in_step()


def test_raw_sql_writes_are_found_and_repaired_by_check_search_index(taxonomy):
    """A write that bypasses the app (raw SQL) leaves documents behind: the command names them,
    fails, and with --fix rewrites them; search then follows the papers again."""
    import_xml(LYTIC, TWO_RECORDS)
    lytic, aids, magnetic = (Paper.objects.get(pmid=pmid) for pmid in (38856741, *TWO_RECORDS_PMIDS))
    review = PublicationType.objects.get(name="Review")
    out = io.StringIO()
    call_command("check_search_index", stdout=out)
    assert out.getvalue() == "The search index agrees with all 3 papers.\n"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE papers_paper SET pub_year = 1999, journal_title = 'Bone Reports' WHERE id = %s", [lytic.pk]
        )
        cursor.execute("UPDATE papers_paper SET status = 'pending' WHERE id = %s", [aids.pk])
        cursor.execute(
            "INSERT INTO papers_paper_publication_types (paper_id, publicationtype_id) VALUES (%s, %s)",
            [magnetic.pk, review.pk],
        )
        cursor.execute("UPDATE papers_paper SET title = 'Zebrafish flavocytochrome' WHERE id = %s", [magnetic.pk])
    assert found() == (1, [2025], ["Global spine journal"])  # the documents as they were
    out = io.StringIO()
    with pytest.raises(CommandError, match="run check_search_index --fix"):
        call_command("check_search_index", stdout=out)
    assert out.getvalue() == (
        "3 paper(s) whose document has stale facts (status, date, journal, types or notice): PMID 38856741,"
        " PMID 12091962, PMID 9997\n"
        "1 paper(s) whose document has stale text: PMID 9997\n"
    )
    out = io.StringIO()
    call_command("check_search_index", "--fix", stdout=out)
    assert out.getvalue().endswith("Rewrote 3 document(s).\n")
    assert found() == (1, [1999], ["Bone Reports"])
    assert search("correctional").total == 0
    assert {f.value: f.count for f in search("zebrafish").facets.publication_types} == {
        "Journal Article": 1,
        "Review": 1,
    }
    assert_in_step()
    SearchDocument.objects.filter(pk=aids.pk).delete()
    assert indexing.check() == indexing.Drift(missing=[aids.pk])


def test_whether_a_paper_is_a_notice_follows_the_importer_and_is_checked(taxonomy, tmp_path):
    """A document says whether its paper is a notice (ranked after papers): of a notice type, or
    without an abstract, as the review on AIDS is. A re-import that drops the other record's
    abstract makes it one; a document whose flag a raw write changed is found and repaired."""
    import_xml(LYTIC, TWO_RECORDS)
    lytic, aids, magnetic = (Paper.objects.get(pmid=pmid) for pmid in (38856741, *TWO_RECORDS_PMIDS))

    def notices() -> set[int]:
        return set(SearchDocument.objects.filter(notice=True).values_list("paper_id", flat=True))

    assert notices() == {aids.pk}
    changed = tmp_path / "changed.xml"
    changed.write_text(re.sub(r"<Abstract>.*?</Abstract>", "", TWO_RECORDS.read_text(), flags=re.DOTALL))
    call_command("import_pubmed", "--from-xml", str(changed), stdout=io.StringIO())
    assert Paper.objects.get(pk=magnetic.pk).abstract == ""
    assert notices() == {aids.pk, magnetic.pk}
    assert_in_step()
    SearchDocument.objects.filter(pk=aids.pk).update(notice=False)  # a write outside the index's paths
    assert indexing.check() == indexing.Drift(stale_facts=[aids.pk])
    call_command("check_search_index", "--fix", stdout=io.StringIO())
    assert notices() == {aids.pk, magnetic.pk} and lytic.pk not in notices()
    assert_in_step()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's index of the documents' text")
def test_check_search_index_repairs_the_full_text_index(taxonomy):
    import_xml(LYTIC)
    with connection.cursor() as cursor:  # the index loses a document's words
        cursor.execute(
            "INSERT INTO papers_search_fts(papers_search_fts, rowid, title, terms, abstract)"
            " SELECT 'delete', paper_id, title, terms, abstract FROM papers_searchdocument"
        )
    assert search("remineralization").total == 0
    assert indexing.check().full_text_index
    call_command("check_search_index", "--fix", stdout=io.StringIO())
    assert search("remineralization").total == 1
    assert_in_step()


def test_publication_types_are_counted_from_the_documents(taxonomy):
    """The type counts of a search and of browsing come from the documents' copies of the links."""
    import_xml(LYTIC, TWO_RECORDS)
    links = Paper.publication_types.through.objects
    every_word = "remineralization OR correctional OR flavocytochrome"

    def counts(query=every_word, **filters) -> dict[str, int]:
        return {f.value: f.count for f in search(query, filters=SearchFilters(**filters)).facets.publication_types}

    truth = Counter(links.values_list("publicationtype__name", flat=True))
    assert counts() == counts("", year_from=1000) == truth  # searched (ranked) and browsed
    assert counts("flavocytochrome") == {"Journal Article": 1}
    assert counts("", publication_type="Review") == {"Journal Article": 1, "Review": 1}
    assert counts("", publication_type="No such type") == {}


def while_paused(first, write, waits: bool = True) -> None:
    """Run `first(pause)` in one connection and, once it calls pause() (its transaction open),
    `write` in another, which must wait for `first`'s locks (or, if not `waits`, finish without
    waiting); then let both finish, and raise what either raised (a deadlock, say)."""
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
    writing.join(0.5 if waits else 10)
    assert writing.is_alive() == waits
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


def reject(paper: Paper, user) -> None:
    curation.reject(Paper.objects.get(pk=paper.pk), user, Paper.Reason.OFF_TOPIC)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writing transaction at a time")
@pytest.mark.django_db(transaction=True)
def test_a_paper_rejected_while_it_is_reindexed_stays_out_of_search(taxonomy, people):
    """The re-index holds the paper until its new document is committed; the rejection waits,
    then reaches the new document (not the deleted one, which would leave the paper public)."""
    import_xml(LYTIC)
    paper = Paper.objects.get()
    while_reindexing(paper, lambda: reject(paper, people.superuser))
    assert search("remineralization").total == 0
    assert_in_step()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writing transaction at a time")
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_holds_only_the_papers_it_is_writing(taxonomy, people, monkeypatch):
    """A rebuild writes the documents a chunk of papers at a time, each chunk in its own
    transaction: a paper of another chunk changed meanwhile does not wait, and the rebuild
    reads it as changed when it reaches its chunk."""
    import_xml(LYTIC, TWO_RECORDS)
    first, last = Paper.objects.order_by("pk").first(), Paper.objects.order_by("pk").last()
    monkeypatch.setattr(indexing, "CHUNK", 1)
    rows = indexing._rows

    def rebuild(pause):
        def paused_rows(ids, lock):
            written = rows(ids, lock)
            if ids == [first.pk]:
                pause()
            return written

        monkeypatch.setattr(indexing, "_rows", paused_rows)
        assert indexing.rebuild() == 3

    while_paused(rebuild, lambda: reject(last, people.superuser), waits=False)
    assert search("remineralization OR correctional OR flavocytochrome").total == 2
    assert_in_step()


def test_an_import_that_changes_a_papers_types_reaches_search(taxonomy, tmp_path):
    import_xml(TWO_RECORDS)
    assert {f.value: f.count for f in search("flavocytochrome").facets.publication_types} == {"Journal Article": 1}
    changed = tmp_path / "changed.xml"
    changed.write_text(
        TWO_RECORDS.read_text().replace(
            '<PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList></Article><MedlineJournalInfo>'  # noqa: E501
            "<Country>Netherlands",
            '<PublicationType UI="D016454">Review</PublicationType></PublicationTypeList></Article><MedlineJournalInfo>'
            "<Country>Netherlands",
        )
    )
    call_command("import_pubmed", "--from-xml", str(changed), stdout=io.StringIO())
    assert {f.value: f.count for f in search("flavocytochrome").facets.publication_types} == {"Review": 1}
    assert_in_step()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 keeps its own index; no vector column")
@pytest.mark.django_db
def test_search_vectors_are_kept_in_their_rows():
    """STORAGE MAIN (migration 0010): ranking reads each vector beside its row, not from TOAST.
    A later migration that alters the column resets it to the type's default, EXTENDED."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'papers_searchdocument'::regclass AND attname = 'vector'"
        )
        assert cursor.fetchone() == ("m",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's rows have no TOAST: an index holds the facts")
@pytest.mark.django_db
def test_copied_journal_and_types_are_kept_in_their_rows():
    """STORAGE PLAIN (migration 0012): counting journals and types reads them beside each match;
    as EXTENDED, the toaster moved a journal title out of rows with a long vector."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'papers_searchdocument'::regclass"
            " AND attname IN ('journal_title', 'publication_type_ids') ORDER BY attname"
        )
        assert cursor.fetchall() == [("journal_title", "p"), ("publication_type_ids", "p")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 keeps its own index; no vector column")
def test_facts_are_copied_without_parsing_the_text_again(taxonomy, people):
    """PostgreSQL recomputes a stored generated column on an UPDATE that changes a column it is
    made of, or on any UPDATE of a table with a BEFORE ROW UPDATE trigger (there is none now).
    Copying a paper's status must leave the vector as it was. Shown by changing, inside the
    test's transaction, how the English configuration parses: a parse after it drops every
    plain word. (Altering it takes a superuser, as the suite's PostgreSQL role is.)"""
    import_xml(LYTIC, TWO_RECORDS)
    lytic = Paper.objects.get(pmid=38856741)

    def document() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute("SELECT vector::text, public FROM papers_searchdocument WHERE paper_id = %s", [lytic.pk])
            return cursor.fetchone()

    vector, public = document()
    assert public
    with connection.cursor() as cursor:
        cursor.execute("ALTER TEXT SEARCH CONFIGURATION english DROP MAPPING FOR asciiword")
    curation.reject(lytic, people.superuser, Paper.Reason.OFF_TOPIC)
    assert document() == (vector, False)
    index_papers([lytic.pk])  # written anew: parsed again, without the plain words
    assert len(document()[0]) < len(vector)


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
            index_papers(ids[start : start + 50])
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
    paper = Paper.objects.create(
        pmid=7, status=Paper.Status.APPROVED, title="Bone\x02 marrow\x03 niche", abstract="Bone\x02 marrow\x03 niche"
    )
    index_papers([paper.pk, paper.pk])
    assert (SearchDocument.objects.get().title, SearchDocument.objects.get().abstract) == ("Bone marrow niche",) * 2
    assert [h.snippet for h in search("niche").hits] == ["Bone marrow <mark>niche</mark>"]  # of the abstract


def test_index_follows_a_hand_edit_in_the_admin(client, people, taxonomy):
    import_xml(LYTIC)
    paper = Paper.objects.get()
    client.force_login(people.superuser)
    title = "Radiotherapy remineralises lytic myeloma lesions in zebrafish"
    assert post_paper_form(client, paper, lambda data: data.update(title=title)).status_code == 302
    assert pmids("zebrafish") == [38856741]
