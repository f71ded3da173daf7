"""`manage.py backup` / `restore`: a backup restored into an empty database gives back every row.

Each test works on scratch databases of the suite's own vendor (SQLite files, or PostgreSQL
databases created and dropped here), driven through manage.py in subprocesses as an operator
would. `scratch_database` (conftest) and `manage` (scratch.py) are shared with test_faults.py.
"""

import json
import re
from collections import Counter

from django.db import connection

from tests.support.scratch import manage

CURATION = """
from django.contrib.auth.models import Group, User
from papers.curation import services as curation
from papers.catalogue.models import Paper, Tag
from papers.tagging.models import PaperTag
boss = User.objects.create_superuser("boss", password="boss-pass")
curator = User.objects.create_user("curator", password="curator-pass", is_staff=True)
curator.groups.add(Group.objects.get(name="Curators"))
first, second, third = Paper.objects.filter(status="approved").order_by("pmid")[:3]
curation.reject(first, boss, "off_topic", "About the spine, not myeloma.")
curation.revoke_approval(second, boss, "Abstract needs a second look.")
curation.reject_tag(PaperTag.objects.filter(status="confirmed").order_by("pk").first(), boss)
curation.add_tag(third, Tag.objects.exclude(paper_tags__paper=third).order_by("pk").first(), boss, "By hand.")
"""


def everything(url: str) -> list[dict]:
    """Every row of every model, as `dumpdata` writes them (ordered by primary key)."""
    return json.loads(manage(url, "dumpdata", "--indent=0").stdout)


def test_a_restored_backup_gives_back_every_row(scratch_database, tmp_path):
    source, target = scratch_database(start="migrated"), scratch_database()
    loaded = manage(source, "load_demo").stdout
    manage(source, "shell", "-c", CURATION)
    backup = tmp_path / "site.backup"
    assert "Backed up" in manage(source, "backup", str(backup)).stdout
    assert not list(tmp_path.glob("*.partial"))

    assert "Restored" in manage(target, "restore", str(backup)).stdout
    original, restored = everything(source), everything(target)
    assert restored == original
    rows = Counter(row["model"] for row in original)
    created = int(re.search(r"created (\d+)", loaded).group(1))
    assert rows["papers.paper"] == created > 500 and rows["papers.authorship"] > 900
    assert rows["papers.importrun"] == 1 and rows["papers.topic"] > 5 and rows["auth.group"] >= 2
    assert rows["papers.paperevent"] >= 3  # a rejection, a revocation, a tag decision (+ the added tag)
    decided = [row["fields"] for row in original if row["model"] == "papers.papertag" and row["fields"]["reviewed_by"]]
    assert sorted((f["status"], f["source"]) for f in decided) == [("confirmed", "curator"), ("rejected", "tagger")]
    # The restored database keeps counting ids where the original stopped.
    manage(target, "shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('new')")


def test_restore_refuses_a_database_in_use(scratch_database, tmp_path):
    source = scratch_database(start="migrated")
    backup = tmp_path / "site.backup"
    manage(source, "backup", str(backup))
    refused = manage(source, "restore", str(backup), check=False)
    assert refused.returncode == 1
    assert "The database is not empty" in refused.stderr and "restore into a new, empty database" in refused.stderr


def test_restore_refuses_a_file_that_is_no_backup(scratch_database, tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("not a backup")
    refused = manage(scratch_database(), "restore", str(stray), check=False)
    assert refused.returncode == 1
    assert f"{stray} is not a {connection.vendor} backup made by `manage.py backup`" in refused.stderr
