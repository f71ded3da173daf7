"""Migrations carry a populated collection forward and back. The suite's databases are migrated
empty, so only a database that already holds papers shows a migration that fails on rows.
Each test runs on a scratch database through manage.py, as an operator would."""

import json
import shutil
import subprocess
import sys

import psycopg2
import pytest
from django.db import connection

from tests.support.paths import DEMO_DIR, ROOT
from tests.support.scratch import manage, manage_env

BEFORE_FACTS = "0010_search_vector_inline"
BEFORE_COPY = "0022_search_document_approval_time"
# The file that holds the documents: a rewrite (CLUSTER) gives the table a new one.
DOCUMENTS_FILE = "SELECT relfilenode FROM pg_class WHERE relname = 'papers_searchdocument'"
MIGRATIONS = ROOT / "papers" / "migrations"
LATEST = max(path.stem for path in MIGRATIONS.glob("[0-9]*.py"))


def sql(url: str, statement: str):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()[0] if cursor.description else None
    finally:
        conn.close()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's rows and files: the PostgreSQL suite runs it"
)
def test_search_document_migrations_carry_papers_forward_and_back(scratch_database):
    """From before the documents carried facts (0010) to today and back, with papers in place:
    the documents agree with their papers at each end."""
    url = scratch_database(start="migrated")
    manage(url, "import_pubmed", "--from-xml", *map(str, sorted(DEMO_DIR.glob("*.xml"))))
    sql(url, "UPDATE papers_paper SET status = 'approved' WHERE id % 3 <> 0")
    manage(url, "check_search_index", "--fix")
    manage(url, "migrate", "-v0", "papers", BEFORE_FACTS)
    manage(url, "migrate", "-v0", "papers", BEFORE_COPY)
    before_copy = sql(url, DOCUMENTS_FILE)
    manage(url, "migrate", "-v0")
    # The approval times' UPDATE leaves a dead copy of each public document: the documents are
    # written afresh after it. (Their dead share cannot be held here: CLUSTER keeps the copies
    # that any transaction on the server may still see, and the other tests' are running.)
    assert sql(url, DOCUMENTS_FILE) != before_copy
    assert sql(url, "SELECT count(*) FROM papers_searchdocument") == 222
    assert 0 < sql(url, "SELECT count(*) FROM papers_searchdocument WHERE public") < 222
    assert sql(url, "SELECT count(*) FROM papers_searchdocument WHERE publication_type_ids = '{}'") == 0
    manage(url, "check_search_index")
    # A write that bypasses the app is found, and repaired.
    sql(
        url,
        "UPDATE papers_paper SET status = CASE WHEN id % 2 = 0 THEN 'pending' ELSE status END,"
        " pub_year = CASE WHEN id % 5 = 0 THEN 1999 ELSE pub_year END, journal_title = journal_title",
    )
    stale = manage(url, "check_search_index", check=False)
    assert stale.returncode == 1 and "whose document has stale facts" in stale.stdout
    assert "run check_search_index --fix" in stale.stderr
    manage(url, "check_search_index", "--fix")
    manage(url, "check_search_index")
    assert sql(url, "SELECT count(*) FROM papers_searchdocument WHERE pub_year = 1999") > 0


# A migration as makemigrations writes it for two ordinary changes: a longer journal title on
# papers (copied into the documents), and another integer type for a copied column.
ORDINARY_MIGRATION = f'''
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("papers", "{LATEST}")]
    operations = [
        migrations.AlterField(model_name="paper", name="journal_title",
                              field=models.CharField(blank=True, max_length=500)),
        migrations.AlterField(model_name="searchdocument", name="pub_year",
                              field=models.IntegerField(blank=True, null=True)),
    ]
'''
# Run by manage.py shell: what search, the page cache's token and the triggers say.
PROBE = """
import json
from django.db import connection
from papers.models import Paper
from papers.site.page_cache import collection_version
from papers.search import SearchFilters, search
before = collection_version()
paper = Paper.objects.public().order_by("pk").first()
Paper.objects.filter(pk=paper.pk).update(title=paper.title)  # any write to a watched table
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    else:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname")
    triggers = [name for (name,) in cursor.fetchall()]
print(json.dumps({"myeloma": search("myeloma").total, "browsed": search("", filters=SearchFilters(year_from=1990)).total,
                  "token changed": collection_version() != before, "triggers": triggers}))
"""  # noqa: E501


def with_migrations(url: str, folder, *args: str) -> subprocess.CompletedProcess:
    """manage.py ARGS with the papers app's migrations read from `folder` (MIGRATION_MODULES)."""
    code = (
        "import sys, django; from django.conf import settings; "
        f"settings.MIGRATION_MODULES = {{'papers': {folder.name!r}}}; django.setup(); "
        "from django.core.management import call_command; call_command(*sys.argv[1:])"
    )
    env = manage_env(url, PYTHONPATH=f"{folder.parent}:{ROOT}", DJANGO_SETTINGS_MODULE="myeloma_lit.settings")
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr
    return result


def probe(url: str) -> dict:
    return json.loads(manage(url, "shell", "-c", PROBE).stdout.strip().splitlines()[-1])


def test_an_ordinary_migration_of_copied_columns_runs_forwards_and_backwards(scratch_database, tmp_path):
    """A longer Paper.journal_title (PostgreSQL once refused it: a view of migration 0014 read
    the column) and an integer column type change on the documents, forwards and backwards.
    SQLite re-creates both tables to alter them, which drops their triggers: every migrate ends
    by restoring them, so search, the page cache's token and the index stay as they were."""
    url = scratch_database(start="migrated")  # the suite's own database engine: CI runs the suite on both
    folder = tmp_path / "scratch_migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "9999_ordinary.py").write_text(ORDINARY_MIGRATION)
    manage(url, "import_pubmed", "--from-xml", *map(str, sorted(DEMO_DIR.glob("*.xml"))))
    manage(
        url,
        "shell",
        "-c",
        "from papers.models import Paper; from papers.search.indexing import refresh_facts;"
        " Paper.objects.update(status='approved');"
        " refresh_facts(Paper.objects.values_list('pk', flat=True))",
    )
    before = probe(url)
    assert before["myeloma"] > 100 and before["token changed"]
    with_migrations(url, folder, "migrate", "-v0", "papers", "9999_ordinary")
    assert probe(url) == before
    manage(url, "check_search_index")
    with_migrations(url, folder, "migrate", "-v0", "papers", LATEST)
    assert probe(url) == before
    manage(url, "check_search_index")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics: the SQLite suite runs it")
def test_migrations_that_recreate_a_table_on_sqlite_leave_its_statistics(scratch_database):
    """SQLite adds a column by re-creating the table, which drops the table's planner statistics;
    without them it looked a page's papers up through the status index, reading every approved
    paper. A database that had statistics has them again after 0027 and 0028."""
    import sqlite3

    url = scratch_database(start="migrated")
    manage(url, "import_pubmed", "--from-xml", *map(str, sorted(DEMO_DIR.glob("*.xml"))))
    manage(url, "migrate", "-v0", "papers", "0026_search_document_tag_names")
    path = url.removeprefix("sqlite:///")

    def analysed() -> set[str]:
        db = sqlite3.connect(path)
        try:
            return {table for (table,) in db.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
        finally:
            db.close()

    db = sqlite3.connect(path)
    db.execute("ANALYZE")
    db.close()
    assert {"papers_paper", "papers_searchdocument"} <= analysed()
    manage(url, "migrate", "-v0")
    assert {"papers_paper", "papers_searchdocument"} <= analysed()
