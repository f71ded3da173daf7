"""PostgreSQL: copy a paper's facts and types into its search document without parsing the
document's text again.

PostgreSQL 15 recomputes a table's stored generated columns on every UPDATE once the table has a
BEFORE ROW UPDATE trigger (which might change any column). The copies of 0011 and 0012 went
through such triggers, so each parsed the text into the vector again. The documents' own
trigger now fires on INSERT only; a statement that changes papers or their links writes the
copied columns directly, once for all the papers it changed, and an AFTER trigger does so for
each document moved to another paper. On 100,000 papers (the same database migrated back and
forth), changing the status of 6,000 papers took 2.2-2.8 s before and 0.8-1.3 s after, of 60,000
35-36 s and 12-15 s; changing the links of 6,000 papers, 3.5-5.0 s and 1.2-1.8 s. One view,
papers_searchdocument_facts, says what a document copies, for all of them; the paper trigger
names the columns of papers_paper it is made of (PAPER_FACTS), to copy only when they change.
The view depends on those columns and on the links' columns: a later migration that alters one
of them drops the view first and creates it again after.
"""

from importlib import import_module

from django.db import migrations

from ._postgresql import plpgsql_function, statements

facts = import_module(".0011_search_document_facts", __package__)
types = import_module(".0012_search_document_publication_types", __package__)

TABLE = "papers_searchdocument"
COPIED = ("public", "pub_year", "pub_month", "pub_day", "journal_title", "publication_type_ids")
# The columns of papers_paper that the view reads: keep the two in step.
PAPER_FACTS = "id, status, pub_year, pub_month, pub_day, journal_title"

FORWARD = [
    # public: Paper.objects.public(), the only definition of what the public may see
    f"""CREATE VIEW papers_searchdocument_facts AS
        SELECT p.id AS paper_id, p.status = 'approved' AS public, p.pub_year, p.pub_month, p.pub_day,
               p.journal_title::text AS journal_title,
               ARRAY(SELECT l.publicationtype_id FROM {types.LINKS} l WHERE l.paper_id = p.id
                     ORDER BY l.publicationtype_id) AS publication_type_ids
        FROM papers_paper p""",
    # Driven by the documents, each looking up its paper's facts: planned as a join, it could
    # read every paper to find none (an import writes links before their documents exist). A
    # document whose paper is gone is left to the deferred foreign key, which refuses it at
    # commit unless the transaction deletes it too.
    plpgsql_function("papers_searchdocument_copy", f"""
        UPDATE {TABLE} d SET ({', '.join(COPIED)}) = (
            SELECT {', '.join(COPIED)} FROM papers_searchdocument_facts f WHERE f.paper_id = d.paper_id)
        WHERE d.paper_id = ANY(papers) AND EXISTS (SELECT FROM papers_paper p WHERE p.id = d.paper_id);""",
        signature="(papers bigint[]) RETURNS void"),
    # A new document: its BEFORE trigger, so the row is written once, with its facts.
    f"DROP TRIGGER papers_searchdocument_types ON {TABLE}",
    "DROP FUNCTION papers_searchdocument_types()",
    f"DROP TRIGGER papers_searchdocument_facts ON {TABLE}",
    plpgsql_function("papers_searchdocument_facts", f"""
        SELECT {', '.join(COPIED)} INTO {', '.join(f'NEW.{column}' for column in COPIED)}
        FROM papers_searchdocument_facts WHERE paper_id = NEW.paper_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'The search document of paper % is written before its paper.', NEW.paper_id;
        END IF;
        RETURN NEW;"""),
    f"""CREATE TRIGGER papers_searchdocument_facts BEFORE INSERT ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION papers_searchdocument_facts()""",
    # A document moved to another paper: AFTER, which leaves the vector alone.
    plpgsql_function("papers_searchdocument_moved", "PERFORM papers_searchdocument_copy(ARRAY[NEW.paper_id]); RETURN NULL;"),
    f"""CREATE TRIGGER papers_searchdocument_moved AFTER UPDATE OF paper_id ON {TABLE} FOR EACH ROW
        WHEN (OLD.paper_id IS DISTINCT FROM NEW.paper_id) EXECUTE FUNCTION papers_searchdocument_moved()""",
    # Papers: once per statement (a bulk approval is one UPDATE), for those whose facts changed.
    # EXCEPT, not a join of the transition tables: PL/pgSQL keeps the plan made for the first
    # statement of a session, and a join planned for a few rows (an import's UPDATEs) is a nested
    # loop that took over 15 minutes for a bulk approval of 80,000 papers.
    "DROP TRIGGER papers_paper_facts ON papers_paper",
    plpgsql_function("papers_paper_facts_changed", f"""
        PERFORM papers_searchdocument_copy(ARRAY(
            SELECT id FROM (SELECT {PAPER_FACTS} FROM new_papers EXCEPT SELECT {PAPER_FACTS} FROM old_papers) AS changed));
        RETURN NULL;"""),
    """CREATE TRIGGER papers_paper_facts AFTER UPDATE ON papers_paper
        REFERENCING OLD TABLE AS old_papers NEW TABLE AS new_papers
        FOR EACH STATEMENT EXECUTE FUNCTION papers_paper_facts_changed()""",
    # Links: the same triggers as before, their function replaced; it locks the papers as 0012's did.
    plpgsql_function("papers_publication_types_changed", f"""
        {types.LOCK_PAPERS}
        PERFORM papers_searchdocument_copy(papers);
        RETURN NULL;""", declare=types.CHANGED_PAPERS),
]
BACKWARD = [
    types.LINKS_FUNCTION,
    "DROP TRIGGER papers_paper_facts ON papers_paper",
    facts.PAPER_FUNCTION,
    facts.PAPER_TRIGGER,
    f"DROP TRIGGER papers_searchdocument_moved ON {TABLE}",
    "DROP FUNCTION papers_searchdocument_moved()",
    f"DROP TRIGGER papers_searchdocument_facts ON {TABLE}",
    facts.DOCUMENT_FUNCTION,
    facts.DOCUMENT_TRIGGER,
    types.DOCUMENT_FUNCTION,
    types.DOCUMENT_TRIGGER,
    "DROP FUNCTION papers_searchdocument_copy(bigint[])",
    "DROP VIEW papers_searchdocument_facts",
]


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0013_compact_search_documents"),
    ]

    operations = [statements(FORWARD, BACKWARD)]
