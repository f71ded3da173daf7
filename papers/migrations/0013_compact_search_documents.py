"""PostgreSQL: write the search documents afresh, in paper order, after 0011 and 0012 rewrote
every row. Their UPDATEs leave a dead copy of each document, which only a command outside their
transaction can clear: this migration is not atomic, so CLUSTER runs in its own. It locks the
table while it runs (about 10 s per 100,000 papers); run again, it only rewrites the table.
"""

from django.db import migrations

from ._postgresql import statements


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("papers", "0012_search_document_publication_types"),
    ]

    operations = [statements(["CLUSTER papers_searchdocument USING papers_searchdocument_pkey"], [])]
