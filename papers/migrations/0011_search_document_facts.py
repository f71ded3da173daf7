"""PostgreSQL: each search document carries what a search filters, sorts and counts by (whether
its paper is public, the paper's date and journal), copied by triggers from papers_paper.

Matching a common word joined its 40,000 documents to the 80,000 public papers: a hash of every
public paper built for each search, a third of the time of matching and ranking. With the facts
beside the vector, a search without filters reads the documents alone. The database keeps the
copy, so no write path (the admin, a bulk update, raw SQL) can leave it behind: a document takes
its paper's facts when it is written, and a paper's change reaches its document in the same
statement. Copying them re-parsed the document's text (about 0.1 ms): PostgreSQL 15 recomputes
stored generated columns on every UPDATE of a table with a BEFORE ROW UPDATE trigger (0014 copies
them without). A restore (pg_restore) copies the columns with the rows and creates the triggers
after; the functions keep the search_path they were made with, as pg_dump's scripts empty it.
A document is replaced while its paper is locked (papers.search.indexing), so a concurrent
change to the paper waits and then reaches the new document rather than the deleted one.
Searches for common words are 15-30 % faster (100,000 papers); selective ones are unchanged.
"""

from django.db import migrations

from ._postgresql import plpgsql_function, statements

TABLE = "papers_searchdocument"

DOCUMENT_FUNCTION = plpgsql_function("papers_searchdocument_facts", """
        -- public: Paper.objects.public(), the only definition of what the public may see
        SELECT status = 'approved', pub_year, pub_month, pub_day, journal_title
        INTO NEW.public, NEW.pub_year, NEW.pub_month, NEW.pub_day, NEW.journal_title
        FROM papers_paper WHERE id = NEW.paper_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'The search document of paper % is written before its paper.', NEW.paper_id;
        END IF;
        RETURN NEW;""")
DOCUMENT_TRIGGER = f"""CREATE TRIGGER papers_searchdocument_facts BEFORE INSERT OR UPDATE OF paper_id ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION papers_searchdocument_facts()"""
# The document's own trigger copies the facts (an AFTER trigger sees the paper's new row).
PAPER_FUNCTION = plpgsql_function("papers_paper_facts_changed",
                                  f"UPDATE {TABLE} SET paper_id = paper_id WHERE paper_id = NEW.id; RETURN NULL;")
PAPER_TRIGGER = """CREATE TRIGGER papers_paper_facts AFTER UPDATE ON papers_paper FOR EACH ROW
        WHEN ((OLD.status, OLD.pub_year, OLD.pub_month, OLD.pub_day, OLD.journal_title)
              IS DISTINCT FROM (NEW.status, NEW.pub_year, NEW.pub_month, NEW.pub_day, NEW.journal_title))
        EXECUTE FUNCTION papers_paper_facts_changed()"""

FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN public boolean NOT NULL DEFAULT false, ADD COLUMN pub_year smallint,"
    " ADD COLUMN pub_month smallint, ADD COLUMN pub_day smallint,"
    " ADD COLUMN journal_title text NOT NULL DEFAULT ''",
    DOCUMENT_FUNCTION,
    DOCUMENT_TRIGGER,
    PAPER_FUNCTION,
    PAPER_TRIGGER,
    # The existing documents, through the same trigger; the dead copies are cleared by 0013. (A
    # CLUSTER here, in the UPDATE's transaction, would have to keep them, and refuses a table
    # with the collection triggers' events pending.)
    f"UPDATE {TABLE} SET paper_id = paper_id",
]
BACKWARD = [
    "DROP TRIGGER papers_paper_facts ON papers_paper",
    "DROP FUNCTION papers_paper_facts_changed()",
    f"DROP TRIGGER papers_searchdocument_facts ON {TABLE}",
    "DROP FUNCTION papers_searchdocument_facts()",
    f"ALTER TABLE {TABLE} DROP COLUMN public, DROP COLUMN pub_year, DROP COLUMN pub_month, DROP COLUMN pub_day,"
    " DROP COLUMN journal_title",
]


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0010_search_vector_inline"),
    ]

    operations = [statements(FORWARD, BACKWARD)]
