"""PostgreSQL: keep each stored tsvector in its search document's row, not in TOAST.

A row holds the title, the MeSH terms and the abstract (for ts_headline) beside the vector, so
it passes the 2 kB mark at which PostgreSQL moves its widest value out of line; that was often
the vector. Ranking and phrase re-checks then fetched every matching vector from the TOAST table:
40 % of the time of ranking "humans" (40,000 matches, 100 ms against 60 once the vectors are in
the rows). STORAGE MAIN moves the texts out first; CLUSTER rewrites the rows that exist (in
paper order, as they are read by id) inside the migration's transaction.
"""

from django.db import migrations

from ._postgresql import statements

FORWARD = [
    "ALTER TABLE papers_searchdocument ALTER COLUMN vector SET STORAGE MAIN",
    "CLUSTER papers_searchdocument USING papers_searchdocument_pkey",
]
BACKWARD = [
    "ALTER TABLE papers_searchdocument SET WITHOUT CLUSTER",
    "ALTER TABLE papers_searchdocument ALTER COLUMN vector SET STORAGE EXTENDED",
]


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0009_import_interrupted"),
    ]

    operations = [statements(FORWARD, BACKWARD)]
