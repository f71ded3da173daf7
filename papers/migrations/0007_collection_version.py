"""A token that changes whenever a committed write changes what the public pages show, kept by
the database itself: every write, by the app, the admin, the importer's raw SQL, a shell or a
restore, passes through the triggers. Cached pages are keyed by it (papers.page_cache).

PostgreSQL: deferred row triggers write the token as the transaction commits, once per
transaction (the txid check), so the token is visible exactly when the writes are, and the one
row is locked only for the commit itself: an import batch never holds it while it works, and
two writers cannot deadlock over it. SQLite: one writer at a time, so plain row triggers.
A random token, not a counter: a restored backup can never bring back a value already cached.
"""

from django.db import migrations

TABLE = "papers_collection_version"
# What the public pages show; moderation history and import runs are the admin's alone.
WATCHED = ("papers_paper", "papers_searchdocument", "papers_papertag", "papers_tag", "papers_topic",
           "papers_publicationtype", "papers_paper_publication_types", "papers_author", "papers_authorship")

POSTGRES_FORWARD = [
    f"CREATE TABLE {TABLE} (id smallint PRIMARY KEY CHECK (id = 1), token uuid NOT NULL, txid bigint)",
    f"INSERT INTO {TABLE} VALUES (1, gen_random_uuid(), NULL)",
    f"""CREATE FUNCTION papers_collection_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {TABLE} SET token = gen_random_uuid(), txid = txid_current()
            WHERE id = 1 AND txid IS DISTINCT FROM txid_current();
            RETURN NULL;
        END $$""",
    *(f"""CREATE CONSTRAINT TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION papers_collection_changed()"""
      for table in WATCHED),
    *(f"""CREATE TRIGGER {table}_truncated AFTER TRUNCATE ON {table}
          FOR EACH STATEMENT EXECUTE FUNCTION papers_collection_changed()""" for table in WATCHED),
]
POSTGRES_BACKWARD = [f"DROP TABLE {TABLE}", "DROP FUNCTION papers_collection_changed() CASCADE"]

SQLITE_TRIGGERS = [(f"{table}_{event.lower()}_changed", table, event)
                   for table in WATCHED for event in ("INSERT", "UPDATE", "DELETE")]
SQLITE_FORWARD = [
    f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), token blob NOT NULL)",
    f"INSERT INTO {TABLE} VALUES (1, randomblob(16))",
    *(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN UPDATE {TABLE} SET token = randomblob(16); END"
      for name, table, event in SQLITE_TRIGGERS),
]
SQLITE_BACKWARD = [f"DROP TABLE {TABLE}", *(f"DROP TRIGGER {name}" for name, _, _ in SQLITE_TRIGGERS)]


def forward(apps, schema_editor):
    for statement in POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0006_paper_search_cover"),
    ]

    operations = [migrations.RunPython(forward, backward)]
