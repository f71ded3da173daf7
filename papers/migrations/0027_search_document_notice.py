"""Each search document says whether its paper is a notice (SearchDocument.notice): of a notice
type (an erratum, a retraction or concern notice, a comment) or without an abstract. Search ranks
notices after papers by this column alone: PostgreSQL tested each match's type ids against the
notice types' ids, SQLite probed a list of the notice types' papers built from their links, and
neither knew the abstract. The column is a key of searchdocument_facts, from which SQLite reads
each full-text match's facts.

The index is dropped first, so that it is built once, over the filled column. SQLite fills the
column with one UPDATE from the papers and their publication-type links; adding the column has
re-created its table, which drops the table's planner statistics (without them SQLite looks each
full-text match up in the table's rows, not in searchdocument_facts), so a database that had
statistics gets this table's again (ANALYZE, which reads its indexes). PostgreSQL computes the
column from each document's abstract and type ids in one rewrite of the table (see REWRITE).
The notice types are named here as they were when this was written
(papers.search.indexing.NOTICE_TYPES).
"""

from django.db import migrations, models

from ._sqlite import statistics_again

NOTICE_TYPES = "'Published Erratum', 'Retraction of Publication', 'Expression of Concern', 'Comment'"
FIELDS = ["paper", "public", "pub_year", "pub_month", "pub_day", "journal_title", "publication_type_ids", "approved_at"]
FILL = (
    "UPDATE papers_searchdocument SET notice = TRUE"
    " WHERE paper_id IN (SELECT id FROM papers_paper WHERE abstract = '')"
    " OR paper_id IN (SELECT l.paper_id FROM papers_paper_publication_types l"
    " JOIN papers_publicationtype t ON t.id = l.publicationtype_id"
    f" WHERE t.name IN ({NOTICE_TYPES}))"
)

# PostgreSQL: the column computed from each document's own abstract and type ids (the notice
# types' ids written out: a USING takes no subquery), in a rewrite of the table. An UPDATE of a
# third of the documents left a dead row version for each and their new ones in the vector
# index's pending list, which every search read until a vacuum, and the table a seventh larger
# after it (the 100,000-paper benchmark).
REWRITE = (
    "ALTER TABLE papers_searchdocument ALTER COLUMN notice TYPE boolean"
    " USING (abstract = '' OR publication_type_ids && '{{{ids}}}'::bigint[])"
)


def _fill(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(FILL, params=None)
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM papers_publicationtype WHERE name IN ({NOTICE_TYPES}) ORDER BY id")
        ids = ",".join(str(pk) for (pk,) in cursor.fetchall())
    schema_editor.execute(REWRITE.format(ids=ids), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0026_search_document_tag_names"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="searchdocument", name="searchdocument_facts"),
        migrations.AddField(model_name="searchdocument", name="notice", field=models.BooleanField(default=False)),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=[*FIELDS, "notice"], name="searchdocument_facts"),
        ),
        statistics_again("papers_searchdocument"),
    ]
