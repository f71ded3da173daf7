"""Bad settings stop start-up with a message that names the variable."""

import os
import subprocess
import sys

import pytest

from tests.support.paths import ROOT
from tests.support.scratch import start_django


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "0"}, "SECRET_KEY must be set when DEBUG is off"),
        ({"DEBUG": "maybe", "SECRET_KEY": "x"}, "DEBUG must be true or false"),
        (
            {"SECRET_KEY": "x", "DATABASE_URL": "mysql://root@localhost/db"},
            "DATABASE_URL must start with postgres:// or sqlite:///",
        ),
        ({"SECRET_KEY": "x", "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SECRET_KEY": "x", "DATABASE_URL": "postgres://user@localhost:5432/"}, "DATABASE_URL names no database"),
        (
            {"SECRET_KEY": "x", "ALLOWED_HOSTS": "example.org, bad host/"},
            "ALLOWED_HOSTS has a malformed host name: 'bad host/'",
        ),
        ({"SECRET_KEY": "x", "NCBI_EMAIL": "not-an-address"}, "NCBI_EMAIL must be an e-mail address"),
        ({"SECRET_KEY": "x", "NCBI_API_KEY": "key with spaces"}, "NCBI_API_KEY must be letters and digits"),
        ({"SECRET_KEY": "x", "EUTILS_BASE_URL": "ftp://example.org/"}, "EUTILS_BASE_URL must be an http(s) URL"),
        ({"SECRET_KEY": "x", "EUTILS_TIMEOUT": "soon"}, "EUTILS_TIMEOUT must be a number"),
        ({"SECRET_KEY": "x", "EUTILS_MAX_TRIES": "0"}, "EUTILS_MAX_TRIES must be between 1 and 10"),
        ({"SECRET_KEY": "x", "TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be one of"),
        ({"SECRET_KEY": "x", "LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO"),
        ({"SECRET_KEY": "x", "PG_RANDOM_PAGE_COST": "0"}, "PG_RANDOM_PAGE_COST must be between 0.1 and 100"),
        ({"SECRET_KEY": "x", "CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL must be redis://"),
        ({"SECRET_KEY": "x", "CACHE_URL": "redis://127.0.0.1:6379/16"}, "CACHE_URL must be redis://"),
        ({"SECRET_KEY": "x", "CACHE_URL": "redis://127.0.0.1:port/0"}, "CACHE_URL must be redis://"),
        (
            {"SECRET_KEY": "x", "CACHE_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": "my site"},
            "CACHE_KEY_PREFIX must be 1-64 letters",
        ),
        ({"SECRET_KEY": "x", "TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES must be between 0 and 10"),
        ({"SECRET_KEY": "x", "TRUSTED_PROXIES": "all"}, "TRUSTED_PROXIES must be a number"),
        ({"SECRET_KEY": "x", "LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT must be between 1 and 100"),
        ({"SECRET_KEY": "x", "LOGIN_LOCKOUT_SECONDS": "0"}, "LOGIN_LOCKOUT_SECONDS must be between 1 and 86400"),
    ],
)
def test_bad_setting_fails_with_message_naming_it(env, message):
    result = start_django(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_defaults_to_sqlite_and_reads_postgres_url():
    assert start_django(DEBUG="1").stdout.strip() == "django.db.backends.sqlite3"
    result = start_django(SECRET_KEY="x", DATABASE_URL="postgres://someone@127.0.0.1:5432/somedb")
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_caches_are_local_memory_unless_cache_url_names_redis_and_proxies_are_trusted_only_when_configured():
    code = (
        "import django; django.setup(); from django.conf import settings; from rest_framework.settings import api_settings;"  # noqa: E501
        " print(settings.CACHES['default']['BACKEND'], settings.CACHES['pages']['BACKEND'], api_settings.NUM_PROXIES)"
    )

    def read(**env):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "myeloma_lit.settings", "SECRET_KEY": "x", **env},
        )
        return result.stdout.split()

    local = "django.core.cache.backends.locmem.LocMemCache"
    redis = "django.core.cache.backends.redis.RedisCache"
    assert read() == [local, local, "0"]
    assert read(CACHE_URL="redis://127.0.0.1:6379/3", TRUSTED_PROXIES="2") == [redis, redis, "2"]


def test_postgres_connections_plan_for_ssd_storage_and_concurrent_requests(db):
    """The app's PostgreSQL sessions run with PG_RANDOM_PAGE_COST (default 1.1), so common words
    are matched through the GIN index rather than by reading every stored tsvector, and with
    PG_PARALLEL_WORKERS (default 0) workers per query; a search statement sets its own
    (PG_SEARCH_WORKERS, papers.search.postgres.statement_settings)."""
    code = (
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options']);"
        " print(settings.PG_SEARCH_WORKERS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "myeloma_lit.settings",
            "SECRET_KEY": "x",
            "PG_RANDOM_PAGE_COST": "1.5",
            "PG_PARALLEL_WORKERS": "2",
            "PG_SEARCH_WORKERS": "3",
            "DATABASE_URL": "postgres://someone@127.0.0.1:5432/somedb",
        },
    )
    assert result.stdout.split("\n")[:2] == ["-c random_page_cost=1.5 -c max_parallel_workers_per_gather=2", "3"]
    from django.db import connection

    if connection.vendor == "postgresql":  # the suite's own connection carries the default
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            assert cursor.fetchone()[0] == "1.1"
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
