"""`manage.py backup PATH`: a consistent copy of the whole database, while the site runs.

PostgreSQL: `pg_dump --format=custom` (one snapshot; restore with pg_restore or `manage.py
restore`). SQLite: the online backup API, giving a plain SQLite file. Either way the copy is
written beside PATH and renamed into place at the end, so PATH never holds half a backup.
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def libpq_environment(settings_dict: dict) -> dict:
    """The environment that points pg_dump / pg_restore at Django's database (no password on a
    command line, where other users could read it)."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return env


def run_client(args: list[str]) -> None:
    """Run a PostgreSQL client program; its own error message becomes the CommandError."""
    try:
        result = subprocess.run(args, env=libpq_environment(connection.settings_dict), capture_output=True, text=True)
    except FileNotFoundError:
        raise CommandError(f"{args[0]} is not installed: install PostgreSQL's client programs.") from None
    if result.returncode:
        raise CommandError(f"{args[0]} failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = "Write a consistent backup of the whole database to PATH (pg_dump custom format, or a SQLite file)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.parent.is_dir():
            raise CommandError(f"No folder {path.parent} to write {path.name} in: create it, or give another path.")
        partial = path.with_name(path.name + ".partial")
        try:
            if connection.vendor == "postgresql":
                run_client(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={partial}"])
            else:
                partial.unlink(missing_ok=True)
                connection.ensure_connection()
                with closing(sqlite3.connect(partial)) as copy:
                    connection.connection.backup(copy)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backed up the {connection.vendor} database to {path} ({path.stat().st_size:,} bytes).")
