"""Copy the public papers' approval times into their search documents (0022 made the column),
then, on PostgreSQL, write the documents afresh as 0013 did after 0011 and 0012: the UPDATE
leaves a dead copy of each document it changed. Not atomic, so each runs in its own
transaction (PostgreSQL refuses CLUSTER in one, and DDL after this UPDATE while its triggers'
events are pending). CLUSTER locks the table while it runs (about 10 s per 100,000 papers)."""

from django.db import migrations

from ._postgresql import statements

# A correlated subquery: both databases' dialect.
COPY = """UPDATE papers_searchdocument SET approved_at = (
    SELECT p.reviewed_at FROM papers_paper p WHERE p.id = papers_searchdocument.paper_id)
WHERE public"""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("papers", "0022_search_document_approval_time"),
    ]

    operations = [
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        statements(["CLUSTER papers_searchdocument USING papers_searchdocument_pkey"], []),
    ]
