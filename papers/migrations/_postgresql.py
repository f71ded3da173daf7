"""SQL that only PostgreSQL runs (its search vector and indexes); SQLite keeps its own FTS5
index and has nothing to do. The loader skips modules whose name starts with _."""

from django.db import migrations


def statements(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """An operation that executes `forward` on PostgreSQL, and `backward` when unapplied."""

    def run(sql: list[str]):
        def execute(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in sql:
                    schema_editor.execute(statement)
        return execute

    return migrations.RunPython(run(forward), run(backward))
