"""`manage.py restore PATH`: load a `manage.py backup` file into an empty database.

Refuses a database that has any table, so a restore never mixes two states: create an empty
database (PostgreSQL: createdb; SQLite: a path where no file is), point DATABASE_URL at it, then
restore. Run `manage.py migrate` afterwards when the backup is older than the code.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from papers.management.commands.backup import run_client

SIGNATURES = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the (empty) database DATABASE_URL names."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        vendor = connection.vendor
        try:
            with path.open("rb") as file:
                head = file.read(16)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        if not head.startswith(SIGNATURES[vendor]):
            raise CommandError(f"{path} is not a {vendor} backup made by `manage.py backup`.")
        if tables := connection.introspection.table_names():
            raise CommandError(f"The database is not empty ({len(tables)} tables): restore into a new, empty database.")
        if vendor == "postgresql":
            connection.close()  # pg_restore's single transaction must not wait on our session
            run_client(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-acl",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(path),
                ]
            )
        else:
            connection.ensure_connection()
            with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as backup:
                backup.backup(connection.connection)
        self.stdout.write(f"Restored {path} into the {vendor} database.")
