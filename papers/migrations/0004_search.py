"""The search index: papers_searchdocument, plus the vendor’s full-text machinery over it
(PostgreSQL: a GIN index on the weighted tsvector; SQLite: an FTS5 table kept by triggers).
Existing papers are indexed by `manage.py rebuild_search_index`."""

import django.db.models.deletion
from django.db import migrations, models

from papers.search import sqlite

# As first built; 0005 replaces it with an index on a stored vector column.
VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, terms), 'B') || "
    "setweight(to_tsvector('english'::regconfig, abstract), 'C'))"
)
POSTGRES_CREATE = [f"CREATE INDEX papers_searchdocument_vector ON papers_searchdocument USING gin ({VECTOR})"]
POSTGRES_DROP = ["DROP INDEX IF EXISTS papers_searchdocument_vector"]


def create_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES_CREATE, "sqlite": sqlite.CREATE}.get(vendor, []):
        schema_editor.execute(statement)


def drop_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES_DROP, "sqlite": sqlite.DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0003_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("paper", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="search_document", serialize=False, to="papers.paper")),
                ("title", models.TextField(blank=True)),
                ("terms", models.TextField(blank=True, help_text="Confirmed tags and their synonyms, MeSH headings, keywords, chemicals.")),
                ("abstract", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(create_full_text, drop_full_text),
    ]
