"""Imports that stalled: a killed process or a stopped task worker cannot say so itself. The
import reports (admin and API) show such runs as interrupted without writing anything; the next
import and `manage.py mark_stalled_imports` store it."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from papers.pubmed.models import ImportRun
from papers.pubmed.runs import perform

MYELOMA = 38856741
STALL = 600


@pytest.fixture
def runs(settings, db):
    """Runs as a killed import, a live one, one just queued and one queued that no worker took."""
    settings.IMPORT_STALL_SECONDS = STALL
    now = timezone.now()
    long_ago = now - timedelta(seconds=STALL + 1)

    def run(state, heartbeat=None, created=now):
        made = ImportRun.objects.create(
            source="pmids", requested_pmids=[MYELOMA], total=1, state=state, heartbeat_at=heartbeat
        )
        ImportRun.objects.filter(pk=made.pk).update(created_at=created)  # auto_now_add on create
        return made

    return {
        "stalled": run("running", long_ago, long_ago),
        "alive": run("running", now - timedelta(seconds=60)),
        "queued": run("queued"),
        "forgotten": run("queued", created=long_ago),
    }


def stored(runs):
    return {
        name: ImportRun.objects.values_list("state", "finished_at", "messages").get(pk=run.pk)
        for name, run in runs.items()
    }


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


SHOWN = {
    "stalled": ("interrupted", [ImportRun.INTERRUPTED_NOTE]),
    "alive": ("running", []),
    "queued": ("queued", []),
    "forgotten": ("interrupted", [ImportRun.NEVER_STARTED_NOTE]),
}


def test_import_reports_show_stalled_runs_interrupted_without_writing(client, people, runs):
    before = stored(runs)
    client.force_login(people.superuser)
    with CaptureQueriesContext(connection) as queries:
        listing = client.get(reverse("admin:papers_importrun_changelist"))
        pages = {
            name: client.get(reverse("admin:papers_importrun_change", args=[run.pk])) for name, run in runs.items()
        }
        api = {name: client.get(f"/api/imports/{run.pk}/") for name, run in runs.items()}
    assert writes(queries) == []
    assert stored(runs) == before

    assert listing.status_code == 200
    rows = {run.pk: run for run in listing.context["cl"].result_list}
    assert {name: rows[run.pk].shown_state for name, run in runs.items()} == {
        name: state for name, (state, _) in SHOWN.items()
    }
    listed = listing.content.decode()
    assert listed.count('<td class="field-shown_state">Interrupted</td>') == 2
    assert f"Import #{runs['forgotten'].pk} (PMIDs, interrupted)" in listed
    for name, (state, messages) in SHOWN.items():
        page = pages[name].content.decode()
        assert f'<div class="readonly">{ImportRun.State(state).label}</div>' in page
        assert all(f"<p>{message}</p>" in page for message in messages)
        assert (api[name].status_code, api[name].json()["state"], api[name].json()["messages"]) == (
            200,
            state,
            messages,
        )


def test_mark_stalled_imports_stores_what_the_reports_show(runs):
    out = io.StringIO()
    call_command("mark_stalled_imports", stdout=out)
    assert out.getvalue() == "Marked 2 import runs interrupted.\n"
    now = stored(runs)
    assert {name: (state, messages) for name, (state, _, messages) in now.items()} == SHOWN
    assert now["stalled"][1] is not None and now["forgotten"][1] is not None
    assert now["alive"][1] is None and now["queued"][1] is None
    assert all(ImportRun.objects.get(pk=run.pk).shown_state == now[name][0] for name, run in runs.items())
    call_command("mark_stalled_imports", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Marked 0 import runs interrupted."


def test_the_next_import_stores_them_too(runs, eutils, taxonomy):
    call_command("import_pubmed", MYELOMA, stdout=io.StringIO())
    assert {name: state for name, (state, _, _) in stored(runs).items()} == {
        "stalled": "interrupted",
        "alive": "running",
        "queued": "queued",
        "forgotten": "interrupted",
    }


def test_a_run_judged_never_started_still_runs_when_a_worker_takes_it(runs, eutils, taxonomy):
    forgotten = runs["forgotten"]
    call_command("mark_stalled_imports", stdout=io.StringIO())
    report = perform(ImportRun.objects.get(pk=forgotten.pk))
    assert report.created == [MYELOMA]
    forgotten.refresh_from_db()
    assert (forgotten.state, forgotten.shown_state, forgotten.created, forgotten.messages) == (
        "succeeded",
        "succeeded",
        1,
        [],
    )
