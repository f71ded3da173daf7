"""What only SQLite needs after a migration. The loader skips modules whose name starts with _."""

from functools import partial

from django.db import migrations


def statistics_again(*tables: str) -> migrations.RunPython:
    """ANALYZE `tables` on SQLite if the database had planner statistics: SQLite adds most columns
    by re-creating the table, which drops the table's statistics, and without them it can choose
    a worse index (a page's 20 papers looked up through the status index, every approved paper
    read, instead of by id). A partial of a module-level function, so squashmigrations can write
    it out."""
    return migrations.RunPython(partial(_analyze, tables), migrations.RunPython.noop)


def _analyze(tables: tuple[str, ...], apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
