"""The search documents declare every column they have, and the app writes them.

Migrations 0011-0014 had PostgreSQL copy each paper's facts (public flag, date, journal,
publication type ids) into its document through six PL/pgSQL functions, eight triggers and a
view, over columns the model did not declare: an ordinary migration of a copied column of
papers_paper (a longer journal title) then failed on PostgreSQL, as the view depended on it.
papers.search.indexing now writes the facts in the transaction of each change, so this
migration drops that machinery, keeps PostgreSQL's columns (their values are current: the
triggers kept them until now) and adds the same columns on SQLite, whose search read the facts
from papers_paper. papers_paper's covering index for that (paper_search_cover, 0008 and 0015)
gives way to one on the documents, which both databases now read. SQLite's FTS5 index is
rewritten on a change of the documents' text only, no longer on a change of their facts.
"""

from functools import partial
from importlib import import_module

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models

import papers.models

facts = import_module(".0011_search_document_facts", __package__)
types = import_module(".0012_search_document_publication_types", __package__)
copies = import_module(".0014_copy_facts_without_reparsing", __package__)
sqlite_cover = import_module(".0015_paper_search_cover_sqlite", __package__)
postgres_cover = import_module(".0008_paper_search_cover_dates", __package__)
initial = import_module(".0004_search", __package__)
collection = import_module(".0007_collection_version", __package__)

DOCUMENTS = "papers_searchdocument"
LINKS = types.LINKS

POSTGRES_DROP_COPIES = [
    "DROP TRIGGER papers_paper_facts ON papers_paper",
    "DROP FUNCTION papers_paper_facts_changed()",
    f"DROP TRIGGER papers_searchdocument_moved ON {DOCUMENTS}",
    "DROP FUNCTION papers_searchdocument_moved()",
    f"DROP TRIGGER papers_searchdocument_facts ON {DOCUMENTS}",
    "DROP FUNCTION papers_searchdocument_facts()",
    *(f"DROP TRIGGER papers_publication_types_{name} ON {LINKS}" for name, _, _ in types.LINK_TRIGGERS),
    "DROP FUNCTION papers_publication_types_changed()",
    f"DROP TRIGGER papers_publication_types_truncated ON {LINKS}",
    "DROP FUNCTION papers_publication_types_truncated()",
    "DROP FUNCTION papers_searchdocument_copy(bigint[])",
    "DROP VIEW papers_searchdocument_facts",
    # The app writes every column: no defaults the model does not know.
    f"ALTER TABLE {DOCUMENTS} ALTER public DROP DEFAULT, ALTER journal_title DROP DEFAULT,"
    " ALTER publication_type_ids DROP DEFAULT",
    postgres_cover.DROP,
]
# Back to 0015: the functions, triggers and view as 0011, 0012 and 0014 left them, and the facts
# copied afresh through them.
POSTGRES_RESTORE_COPIES = [
    f"ALTER TABLE {DOCUMENTS} ALTER public SET DEFAULT false, ALTER journal_title SET DEFAULT '',"
    " ALTER publication_type_ids SET DEFAULT '{}'",
    *facts.FORWARD[1:-1],
    *types.FORWARD[1:-1],
    *copies.FORWARD,
    "SELECT papers_searchdocument_copy(ARRAY(SELECT id FROM papers_paper))",
    postgres_cover.CREATE,
]

_FTS_UPDATE_TRIGGER = "papers_search_au"
SQLITE_OLD_UPDATE_TRIGGER = (
    f"CREATE TRIGGER {_FTS_UPDATE_TRIGGER} AFTER UPDATE ON {DOCUMENTS} BEGIN"
    " INSERT INTO papers_search_fts(papers_search_fts, rowid, title, terms, abstract)"
    " VALUES ('delete', old.paper_id, old.title, old.terms, old.abstract);"
    " INSERT INTO papers_search_fts(rowid, title, terms, abstract)"
    " VALUES (new.paper_id, new.title, new.terms, new.abstract); END")
SQLITE_NEW_UPDATE_TRIGGER = SQLITE_OLD_UPDATE_TRIGGER.replace(
    " AFTER UPDATE ON ", " AFTER UPDATE OF title, terms, abstract ON ")
# The FTS5 table's triggers as this migration leaves them (0026 adds a column to them).
SQLITE_FTS_TRIGGERS = [*initial.SQLITE_CREATE[1:3], SQLITE_NEW_UPDATE_TRIGGER]
SQLITE_FORWARD = [sqlite_cover.DROP, f"DROP TRIGGER {_FTS_UPDATE_TRIGGER}", SQLITE_NEW_UPDATE_TRIGGER]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {_FTS_UPDATE_TRIGGER}", SQLITE_OLD_UPDATE_TRIGGER, sqlite_cover.CREATE]

# SQLite's documents take their facts from their papers (PostgreSQL's already hold them).
SQLITE_BACKFILL = f"""
    UPDATE {DOCUMENTS} SET public = p.status = 'approved', pub_year = p.pub_year, pub_month = p.pub_month,
        pub_day = p.pub_day, journal_title = p.journal_title,
        publication_type_ids = (SELECT json_group_array(publicationtype_id) FROM (
            SELECT publicationtype_id FROM {LINKS} WHERE paper_id = p.id ORDER BY publicationtype_id))
    FROM papers_paper AS p WHERE p.id = {DOCUMENTS}.paper_id"""


def _execute(statements: dict[str, list[str]], apps, schema_editor) -> None:
    """Run the statements for this vendor, then create whichever of the app's SQLite triggers a
    re-created table lost (Django adds or drops a column by re-creating the table on SQLite).
    Partials of this module-level function, so that squashmigrations can write them out."""
    from papers.triggers import restore_sqlite_triggers

    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)  # literal SQL: a % is not a placeholder
    restore_sqlite_triggers(schema_editor.connection, [*collection.SQLITE_FORWARD[2:], *SQLITE_FTS_TRIGGERS])


class OnSQLite(migrations.operations.base.Operation):
    """`operation` for the models' state everywhere, for the schema on SQLite only: PostgreSQL's
    documents have had these columns and indexes since 0005-0012."""

    reduces_to_sql = False

    def __init__(self, operation):
        self.operation = operation

    def deconstruct(self):
        return self.__class__.__name__, [self.operation], {}

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (on SQLite; PostgreSQL has it)"


def add(name, field):
    return OnSQLite(migrations.AddField(model_name="searchdocument", name=name, field=field))


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0015_paper_search_cover_sqlite"),
    ]

    operations = [
        migrations.RunPython(partial(_execute, {"postgresql": POSTGRES_DROP_COPIES, "sqlite": SQLITE_FORWARD}),
                             partial(_execute, {"postgresql": POSTGRES_RESTORE_COPIES, "sqlite": SQLITE_BACKWARD})),
        add("public", models.BooleanField(default=False)),
        add("pub_year", models.SmallIntegerField(blank=True, null=True)),
        add("pub_month", models.SmallIntegerField(blank=True, null=True)),
        add("pub_day", models.SmallIntegerField(blank=True, null=True)),
        add("journal_title", models.TextField(blank=True)),
        add("publication_type_ids", papers.models.IdListField(blank=True, default=list)),
        add("vector", models.GeneratedField(db_persist=True, expression=papers.models.DocumentVector(),
                                            output_field=SearchVectorField())),
        OnSQLite(migrations.AddIndex(model_name="searchdocument", index=papers.models.VectorIndex(
            fields=["vector"], name="papers_searchdocument_vector"))),
        migrations.RunPython(partial(_execute, {"sqlite": [SQLITE_BACKFILL]}), partial(_execute, {})),
        migrations.AddIndex(model_name="searchdocument", index=models.Index(
            fields=["paper", "public", "pub_year", "pub_month", "pub_day", "journal_title", "publication_type_ids"],
            name="searchdocument_facts")),

    ]
