"""SQLite: the covering index for search's matching set that PostgreSQL has had since 0006.

SQLite's full-text matches are joined to their papers by id (papers.search.sqlite) for the
status, date and journal. Looked up in the table, each match read its wide row: 111 ms for the
46,536 papers matching "humans OR animals" among 100,000. In an index of those columns, led by
the id, 21 ms. SQLite has no INCLUDE: the columns are the index's keys after the id.
"""

from django.db import migrations

CREATE = "CREATE INDEX paper_search_cover ON papers_paper (id, status, pub_year, pub_month, pub_day, journal_title)"
DROP = "DROP INDEX IF EXISTS paper_search_cover"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0014_copy_facts_without_reparsing"),
    ]

    operations = [migrations.RunPython(create, drop)]
