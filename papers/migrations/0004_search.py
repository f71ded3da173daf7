"""The search index: papers_searchdocument, plus the vendor’s full-text machinery over it
(PostgreSQL: a GIN index on the weighted tsvector; SQLite: an FTS5 table kept by triggers).
Existing papers are indexed by `manage.py rebuild_search_index`."""

import django.db.models.deletion
from django.db import migrations, models


# SQLite's FTS5 table as first built, with three columns (0026 makes it again with a fourth).
FTS = "papers_search_fts"
FTS_COLUMNS = "title, terms, abstract"
_NEW = "new.paper_id, new.title, new.terms, new.abstract"
_OLD = "old.paper_id, old.title, old.terms, old.abstract"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({FTS_COLUMNS}, content='papers_searchdocument',"
    " content_rowid='paper_id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER papers_search_ai AFTER INSERT ON papers_searchdocument BEGIN"
    f" INSERT INTO {FTS}(rowid, {FTS_COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER papers_search_ad AFTER DELETE ON papers_searchdocument BEGIN"
    f" INSERT INTO {FTS}({FTS}, rowid, {FTS_COLUMNS}) VALUES ('delete', {_OLD}); END",
    f"CREATE TRIGGER papers_search_au AFTER UPDATE OF {FTS_COLUMNS} ON papers_searchdocument BEGIN"
    f" INSERT INTO {FTS}({FTS}, rowid, {FTS_COLUMNS}) VALUES ('delete', {_OLD});"
    f" INSERT INTO {FTS}(rowid, {FTS_COLUMNS}) VALUES ({_NEW}); END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS papers_search_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]

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
    for statement in {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}.get(vendor, []):
        schema_editor.execute(statement)


def drop_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
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
