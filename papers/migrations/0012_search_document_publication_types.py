"""PostgreSQL: each search document also carries its paper's publication type ids, and keeps its
journal title in the row.

Counting the types of a common word's matches joined them to the 145,000 links of 100,000
papers: 45-90 ms of a 250 ms search page. Counted from an array beside each match, it takes
10-30 ms. As with the other facts (migration 0011), the database keeps the copy: a document
takes its paper's types when it is written, and a statement that changes the links updates
the documents of the papers it touched, once per statement (an import writes a batch's links
in one statement, before the batch's documents exist).

The journal title was EXTENDED, so the toaster moved it out of wide rows (those with a long
vector, which is MAIN): counting journals fetched 8,500 titles from TOAST for "humans". PLAIN
keeps it, and the array, in the row.
"""

from django.db import migrations

from ._postgresql import plpgsql_function, statements

TABLE = "papers_searchdocument"
LINKS = "papers_paper_publication_types"
# A trigger with a transition table has one event; UPDATE has two, for its old and new rows.
LINK_TRIGGERS = [("inserted", "INSERT", "NEW"), ("deleted", "DELETE", "OLD"),
                 ("updated_from", "UPDATE", "OLD"), ("updated_to", "UPDATE", "NEW")]

# Beside the facts trigger of 0011, and fired as that one is.
DOCUMENT_FUNCTION = plpgsql_function("papers_searchdocument_types", f"""
        NEW.publication_type_ids := ARRAY(SELECT publicationtype_id FROM {LINKS}
                                          WHERE paper_id = NEW.paper_id ORDER BY publicationtype_id);
        RETURN NEW;""")
DOCUMENT_TRIGGER = f"""CREATE TRIGGER papers_searchdocument_types BEFORE INSERT OR UPDATE OF paper_id ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION papers_searchdocument_types()"""
# The document's own trigger reads the links. The papers are locked first, as a re-index
# locks them (papers.search.indexing): the UPDATE, a statement of its own, then starts after
# the re-index commits and reaches its new document; unlocked, it waited for the deleted one
# and changed nothing. ANY(ARRAY(…)) probes the key per paper, where a join to a transition
# table (no statistics) may be planned as a scan of every document.
CHANGED_PAPERS = "papers bigint[] := ARRAY(SELECT DISTINCT paper_id FROM changed ORDER BY paper_id);"
LOCK_PAPERS = "PERFORM FROM papers_paper WHERE id = ANY(papers) ORDER BY id FOR NO KEY UPDATE;"
LINKS_FUNCTION = plpgsql_function("papers_publication_types_changed", f"""
        {LOCK_PAPERS}
        UPDATE {TABLE} SET paper_id = paper_id WHERE paper_id = ANY(papers);
        RETURN NULL;""", declare=CHANGED_PAPERS)

FORWARD = [
    f"ALTER TABLE {TABLE} ALTER journal_title SET STORAGE PLAIN,"
    " ADD COLUMN publication_type_ids bigint[] NOT NULL DEFAULT '{}',"
    " ALTER publication_type_ids SET STORAGE PLAIN",
    DOCUMENT_FUNCTION,
    DOCUMENT_TRIGGER,
    LINKS_FUNCTION,
    *(f"""CREATE TRIGGER papers_publication_types_{name} AFTER {event} ON {LINKS}
          REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION papers_publication_types_changed()"""
      for name, event, rows in LINK_TRIGGERS),
    plpgsql_function("papers_publication_types_truncated",
                     f"UPDATE {TABLE} SET publication_type_ids = '{{}}' WHERE publication_type_ids <> '{{}}'; RETURN NULL;"),
    f"""CREATE TRIGGER papers_publication_types_truncated AFTER TRUNCATE ON {LINKS}
        FOR EACH STATEMENT EXECUTE FUNCTION papers_publication_types_truncated()""",
    f"UPDATE {TABLE} SET paper_id = paper_id",  # the existing documents, through their trigger (0013 compacts)
]
BACKWARD = [
    f"DROP TRIGGER papers_publication_types_truncated ON {LINKS}",
    "DROP FUNCTION papers_publication_types_truncated()",
    *(f"DROP TRIGGER papers_publication_types_{name} ON {LINKS}" for name, _, _ in LINK_TRIGGERS),
    "DROP FUNCTION papers_publication_types_changed()",
    f"DROP TRIGGER papers_searchdocument_types ON {TABLE}",
    "DROP FUNCTION papers_searchdocument_types()",
    f"ALTER TABLE {TABLE} DROP COLUMN publication_type_ids, ALTER journal_title SET STORAGE EXTENDED",
]


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0011_search_document_facts"),
    ]

    operations = [statements(FORWARD, BACKWARD)]
