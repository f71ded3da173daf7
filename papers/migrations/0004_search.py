"""The search index: papers_searchdocument, plus the vendor’s full-text machinery over it
(PostgreSQL: a GIN index on the weighted tsvector; SQLite: an FTS5 table kept by triggers).
Existing papers are indexed by `manage.py rebuild_search_index`."""

import django.db.models.deletion
from django.db import migrations, models

from papers.search import postgres, sqlite


def create_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": [postgres.CREATE_INDEX], "sqlite": sqlite.CREATE}.get(vendor, []):
        schema_editor.execute(statement)


def drop_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": [postgres.DROP_INDEX], "sqlite": sqlite.DROP}.get(vendor, []):
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
