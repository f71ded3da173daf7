"""PostgreSQL: write the search documents afresh after 0022 copied the approval time into the
public ones, as 0013 did after 0011 and 0012 (a dead copy of each updated document is left
otherwise). Not atomic, so CLUSTER runs in its own transaction; it locks the table while it
runs (about 10 s per 100,000 papers)."""

from django.db import migrations

from ._postgresql import statements


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("papers", "0022_search_document_approval_time"),
    ]

    operations = [statements(["CLUSTER papers_searchdocument USING papers_searchdocument_pkey"], [])]
