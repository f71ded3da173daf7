"""SQL that only PostgreSQL runs (its search vector, indexes and triggers); SQLite keeps its own
FTS5 index and has nothing to do. The loader skips modules whose name starts with _."""

from functools import partial

from django.db import migrations


def statements(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """An operation that executes `forward` on PostgreSQL, and `backward` when unapplied
    (partials of a module-level function, so that squashmigrations can write them out)."""
    return migrations.RunPython(partial(_execute, forward), partial(_execute, backward))


def plpgsql_function(name: str, body: str, declare: str = "", signature: str = "() RETURNS trigger") -> str:
    """CREATE OR REPLACE FUNCTION in PL/pgSQL, a trigger's unless `signature` says otherwise (a
    later migration may replace its body, and an unapplied one restore it). It keeps the
    search_path it is made with: pg_dump's scripts empty theirs, and a restore fires the
    triggers. PL/pgSQL keeps its statements' plans for the session."""
    return (f"CREATE OR REPLACE FUNCTION {name}{signature} LANGUAGE plpgsql SET search_path FROM CURRENT AS $$"
            f"{f' DECLARE {declare}' if declare else ''} BEGIN {body} END $$")


def _execute(sql: list[str], apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in sql:
            schema_editor.execute(statement, params=None)  # literal SQL: a % is not a placeholder
