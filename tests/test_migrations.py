"""The search-document migrations (0011-0014, PostgreSQL only) carry a populated collection
forward and back. The suite's databases are migrated empty, so only a database that already
holds papers shows a migration that fails on rows (0011 once did: it clustered the table in
the transaction that had just updated every row). Run on a scratch PostgreSQL database,
whichever database the suite uses, through manage.py as an operator would."""

import psycopg2

from .conftest import DEMO_DIR
from .scratch import manage

BEFORE_FACTS = "0010_search_vector_inline"
# Documents whose copied facts differ from what their paper and its links say.
STALE = """
    SELECT count(*) FROM papers_searchdocument d JOIN papers_paper p ON p.id = d.paper_id
    WHERE (d.public, d.pub_year, d.pub_month, d.pub_day, d.journal_title, d.publication_type_ids)
          IS DISTINCT FROM (p.status = 'approved', p.pub_year, p.pub_month, p.pub_day, p.journal_title,
                            ARRAY(SELECT publicationtype_id FROM papers_paper_publication_types
                                  WHERE paper_id = p.id ORDER BY publicationtype_id))
"""
DOCUMENTS_SIZE = "SELECT pg_relation_size('papers_searchdocument')"


def sql(url: str, statement: str):
    conn = psycopg2.connect(url)
    conn.autocommit = True  # VACUUM refuses to run in a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()[0] if cursor.description else None
    finally:
        conn.close()


def test_search_document_migrations_carry_papers_forward_and_back(scratch_database):
    url = scratch_database("postgresql")
    manage(url, "migrate", "-v0", "papers", BEFORE_FACTS)
    manage(url, "import_pubmed", "--from-xml", *map(str, sorted(DEMO_DIR.glob("*.xml"))))
    sql(url, "UPDATE papers_paper SET status = 'approved' WHERE id % 3 <> 0")
    manage(url, "migrate", "-v0")
    assert sql(url, "SELECT count(*) FROM papers_searchdocument") == 222
    assert 0 < sql(url, "SELECT count(*) FROM papers_searchdocument WHERE public") < 222
    assert sql(url, "SELECT count(*) FROM papers_searchdocument WHERE publication_type_ids = '{}'") == 0
    assert sql(url, STALE) == 0
    migrated = sql(url, DOCUMENTS_SIZE)
    sql(url, "VACUUM FULL papers_searchdocument")
    assert sql(url, DOCUMENTS_SIZE) == migrated  # no dead copies left by the migrations' UPDATEs
    manage(url, "migrate", "-v0", "papers", BEFORE_FACTS)
    manage(url, "migrate", "-v0")
    assert sql(url, STALE) == 0
    # One statement that changes some papers' facts and not others' (0014 copies once per statement).
    sql(url, "UPDATE papers_paper SET status = CASE WHEN id % 2 = 0 THEN 'pending' ELSE status END,"
             " pub_year = CASE WHEN id % 5 = 0 THEN 1999 ELSE pub_year END, journal_title = journal_title")
    assert sql(url, "SELECT count(*) FROM papers_searchdocument WHERE pub_year = 1999") > 0
    assert sql(url, STALE) == 0
