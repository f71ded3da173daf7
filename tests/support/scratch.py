"""Scratch databases and manage.py in a subprocess, as an operator runs it: shared by the
backup, fault and deployment tests."""

import json
import os
import subprocess
import sys
from urllib.parse import quote

import psycopg2
from django.conf import settings
from django.db import connection

from tests.support.paths import ROOT

DEFAULT_POSTGRES = {"HOST": "127.0.0.1", "PORT": "5432", "USER": "postgres", "PASSWORD": ""}


def postgres_server() -> dict:
    """Host, port, user and password of the suite's PostgreSQL server (or CI's)."""
    if connection.vendor == "postgresql":
        return {key: str(settings.DATABASES["default"].get(key) or "") for key in DEFAULT_POSTGRES}
    return DEFAULT_POSTGRES


def postgres_url(name: str, port: int | None = None) -> str:
    server = postgres_server()
    login = quote(server["USER"]) + (":" + quote(server["PASSWORD"]) if server["PASSWORD"] else "")
    return f"postgres://{login}@{server['HOST']}:{port or server['PORT'] or 5432}/{name}"


def admin_sql(statement: str) -> None:
    server = postgres_server()
    conn = psycopg2.connect(
        host=server["HOST"],
        port=server["PORT"] or 5432,
        user=server["USER"],
        password=server["PASSWORD"],
        dbname="postgres",
    )
    conn.autocommit = True  # CREATE / DROP DATABASE refuse to run in a transaction
    try:
        conn.cursor().execute(statement)
    finally:
        conn.close()


def manage_env(url: str, **env) -> dict:
    """The environment of a manage.py or gunicorn process on the database at `url` (without what
    the browser tests set in this process, DJANGO_ALLOW_ASYNC_UNSAFE)."""
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}}
    return {**base, "DATABASE_URL": url, "SECRET_KEY": "test-only", "NCBI_EMAIL": "tests@example.org", **env}


def manage(url: str, *args: str, check: bool = True, **env) -> subprocess.CompletedProcess:
    """`manage.py ARGS` against the database at `url`, as a separate process."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=manage_env(url, **env),
    )
    if check and result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result


def printed(url: str, code: str):
    """The JSON that `code`, run by `manage.py shell -c` on the database at `url`, prints last."""
    return json.loads(manage(url, "shell", "-c", code).stdout.strip().splitlines()[-1])


# Curators at work on the demo collection: moderation, tag decisions of each kind, a group member.


def start_django(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",  # noqa: E501
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "myeloma_lit.settings"},
        capture_output=True,
        text=True,
    )
