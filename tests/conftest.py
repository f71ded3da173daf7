"""Shared fixtures: recorded PubMed data, the local E-utilities server, the taxonomy, people."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.support.paths import ARTIFACTS, DEMO_DIR, ROOT, SAMPLES


@pytest.fixture
def demo_files():
    files = sorted(DEMO_DIR.glob("*.xml"))
    assert files, "fixtures/demo holds no XML: run fixtures/extract_demo.py"
    return files


@pytest.fixture
def taxonomy(db):
    call_command("loaddata", ROOT / "fixtures" / "taxonomy.json", verbosity=0)


@pytest.fixture
def corpus(taxonomy, demo_files):
    """The 222 demo papers, approved, with the tagger's suggestions (none confirmed yet)."""
    import io

    from papers.catalogue.models import Paper
    from tests.support.papers import set_status

    call_command("import_pubmed", "--from-xml", *map(str, demo_files), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)


@pytest.fixture
def curated(corpus):
    """The demo corpus with every tag suggestion confirmed, and searched as such (the index
    holds confirmed tags)."""
    from papers.catalogue.models import Paper
    from papers.search.indexing import index_papers
    from papers.tagging.models import PaperTag

    PaperTag.objects.update(status=PaperTag.Status.CONFIRMED)
    index_papers(Paper.objects.values_list("pk", flat=True))


_READ_ONCE: dict[tuple, list] = {}


@pytest.fixture(autouse=True)
def xml_read_once(monkeypatch):
    """An XML file the importer reads in-process is parsed and tagged for real the first time,
    and kept: later imports of the same file (same size and time, same taxonomy) store the kept
    batches. The parsing process costs about a second a file, and many tests import the demo.
    A file read with a fault is never kept; the process itself is tested in test_worker and
    test_faults, and manage.py subprocesses always parse."""
    from papers.catalogue.models import Tag
    from papers.pubmed.importer import Importer

    read = Importer.read_xml

    def read_once(importer, path):
        stat = Path(path).stat()
        taxonomy = json.dumps(list(Tag.objects.order_by("slug").values_list("slug", "name", "synonyms", "exclusions")))
        key = (str(path), stat.st_size, stat.st_mtime_ns, taxonomy)
        return iter(_READ_ONCE[key]) if key in _READ_ONCE else _kept(read(importer, path), key)

    def _kept(batches, key):
        kept = []
        for batch in batches:
            kept.append(batch)
            yield batch
        _READ_ONCE[key] = kept  # read to its end without a fault

    monkeypatch.setattr(Importer, "read_xml", read_once)


@pytest.fixture(scope="session", autouse=True)
def roles_after_a_flush():
    """A transactional test (live server, committed writes) ends by emptying every table, the
    roles migration's groups with them. With the suite spread over workers by file, other tests
    may follow it, so the groups are made again as the migration made them, right after Django
    re-creates content types and permissions (its flush sends post_migrate), and the cache of
    content types, whose rows were made anew, is emptied."""
    import importlib

    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import post_migrate

    roles = importlib.import_module("papers.migrations.0003_roles").ROLES

    def restore(sender, **kwargs):
        if sender.label != "papers":  # by then, every content type and permission the roles name is there
            return
        ContentType.objects.clear_cache()
        for name, wanted in roles.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *[Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in wanted]
            )

    post_migrate.connect(restore, dispatch_uid="tests-roles-after-a-flush")
    yield
    post_migrate.disconnect(dispatch_uid="tests-roles-after-a-flush")


@pytest.fixture(scope="session")
def eutils_server():
    from tests.support.eutils_server import EutilsServer, RecordedCorpus

    corpus = RecordedCorpus(sorted(SAMPLES.glob("efetch_*.xml")) + sorted(DEMO_DIR.glob("*.xml")))
    with EutilsServer(corpus) as server:
        yield server


@pytest.fixture
def eutils(eutils_server, settings, db):
    """The local E-utilities server, reset, with the app pointed at it through its own settings.

    A dummy API key lets Bio.Entrez's rate limit space calls 0.1 s apart instead of 0.37 s.
    """
    import urllib.request

    eutils_server.reset()
    settings.EUTILS_BASE_URL = eutils_server.base_url
    settings.NCBI_API_KEY = "testkey0123"
    settings.EUTILS_TIMEOUT = 2.0
    settings.EUTILS_MAX_TRIES = 3
    settings.EUTILS_BACKOFF = 0.01
    yield eutils_server
    urllib.request.install_opener(None)


@pytest.fixture
def task_worker_backend(settings):
    """Tasks queued for the task worker, as in production, instead of run where they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def people(db):
    """Named people: a curator, a moderator and a superuser (anonymous is no login at all)."""
    from types import SimpleNamespace

    from django.contrib.auth.models import User

    return SimpleNamespace(
        curator=User.objects.create_user("curator", password="curator-pass", is_staff=True),
        moderator=User.objects.create_user("moderator", password="moderator-pass", is_staff=True),
        superuser=User.objects.create_superuser("boss", password="boss-pass"),
    )


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, headless. A missing browser fails the run."""
    import os

    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    assert os.access(executable, os.X_OK), f"Chromium not found at {executable}: install Debian's chromium"
    # Playwright runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser tab; a screenshot of its last state is kept in test-artifacts/."""
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def staff(people):
    """The named people in the groups the roles migration creates: curator in Curators, moderator
    in Moderators (the superuser needs no group)."""
    from django.contrib.auth.models import Group

    people.curator.groups.add(Group.objects.get(name="Curators"))
    people.moderator.groups.add(Group.objects.get(name="Moderators"))
    return people


@pytest.fixture(scope="session")
def scratch_templates(tmp_path_factory):
    """template(vendor, start) → a database made once a session that scratch databases are
    copied from: "migrated" (every migration run), or "demo" (migrated, and load_demo run).
    Migrating an empty database takes seconds; copying one, a fraction of a second."""
    import os

    from tests.support.scratch import admin_sql, manage, postgres_url

    folder = tmp_path_factory.mktemp("templates")
    made: dict[tuple[str, str], str] = {}

    def template(vendor: str, start: str) -> str:
        """The SQLite file's path, or the PostgreSQL database's name."""
        if (vendor, start) in made:
            return made[vendor, start]
        if vendor == "sqlite":
            where = str(folder / f"{start}.sqlite3")
            url = f"sqlite:///{where}"
        else:
            where = f"mlit_template_{os.getpid()}_{start}"
            admin_sql(f'CREATE DATABASE "{where}"')
            url = postgres_url(where)
        try:
            manage(url, "migrate", "-v0")
            if start == "demo":
                manage(url, "load_demo")
        except BaseException:
            if vendor == "postgresql":
                admin_sql(f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')
            raise
        made[vendor, start] = where
        return where

    yield template
    for (vendor, _), where in made.items():
        if vendor == "postgresql":
            admin_sql(f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')


@pytest.fixture
def scratch_database(tmp_path, scratch_templates):
    """new(vendor=None, start="empty") → the DATABASE_URL of a new database of the suite's vendor
    (unless "postgresql" is asked for): empty, or a copy of a template ("migrated", "demo").
    PostgreSQL ones are dropped after the test."""
    import os
    import secrets
    import sqlite3

    from django.db import connection

    from tests.support.scratch import admin_sql, postgres_url

    made = []

    def new(vendor: str | None = None, start: str = "empty") -> str:
        vendor = vendor or connection.vendor
        if vendor == "sqlite":
            path = tmp_path / f"scratch-{secrets.token_hex(3)}.sqlite3"
            if start != "empty":
                source, copy = sqlite3.connect(scratch_templates(vendor, start)), sqlite3.connect(path)
                try:
                    source.backup(copy)
                finally:
                    source.close()
                    copy.close()
            return f"sqlite:///{path}"
        name = f"mlit_scratch_{os.getpid()}_{secrets.token_hex(4)}"
        template = "" if start == "empty" else f' TEMPLATE "{scratch_templates(vendor, start)}"'
        admin_sql(f'CREATE DATABASE "{name}"{template}')
        made.append(name)
        return postgres_url(name)

    yield new
    for name in made:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """No test sees another's cache entries (the API's request counts, for one), and pages are
    not cached: a test's writes are never committed, so on PostgreSQL the collection's token
    (renewed at commit) would not change between them. tests/site/test_page_cache.py, which
    commits, turns the page cache on."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def page_cache(settings):
    """Public pages cached, as in production: for tests whose writes commit."""
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test people log in many times; PBKDF2's deliberate slowness is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def export_corpus(taxonomy, demo_files):
    """The 222 demo papers and one book chapter, approved, with the tagger's suggestions."""
    import io

    from papers.catalogue.models import Paper
    from tests.support.papers import set_status

    book = SAMPLES / "efetch_pubmed_20301577_book_article.xml"
    call_command("import_pubmed", "--from-xml", *map(str, demo_files), str(book), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the real Redis; only its keys are deleted afterwards."""
    import os
    import secrets

    import redis

    from tests.support.served import REDIS_URL

    server = redis.Redis.from_url(REDIS_URL)
    server.ping()
    prefix = f"mlit-test-{os.getpid()}-{secrets.token_hex(4)}"
    yield prefix
    for key in server.scan_iter(match=f"{prefix}*"):
        server.delete(key)
    server.close()
