"""Imports do not outlive their request: one E-utilities request has a total deadline, each retry
is shown as it happens, and only a few PMIDs are imported inside a web request — the rest wait
for the task worker."""

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from papers.catalogue.models import Paper
from papers.pubmed.models import ImportRun
from papers.pubmed.tasks import REQUEST_PMIDS, start_import
from tests.support.imports import MYELOMA, auth, demo_pmids, post_import


class TimedStream(io.StringIO):
    """Output that remembers when each line was written."""

    def __init__(self):
        super().__init__()
        self.lines: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        self.lines += [(time.monotonic(), line) for line in text.splitlines() if line]
        return super().write(text)


def test_a_pubmed_that_never_answers_is_given_up_at_the_deadline_and_each_retry_is_shown_as_it_happens(
    eutils, taxonomy, settings
):
    settings.EUTILS_TIMEOUT, settings.EUTILS_MAX_TRIES, settings.EUTILS_BACKOFF = 0.5, 10, 0.2
    settings.EUTILS_DEADLINE = 2.5
    eutils.fail_next("efetch", times=20, delay=5)  # accepts, then never answers in time
    err = TimedStream()
    began = time.monotonic()
    with pytest.raises(CommandError) as raised:
        call_command("import_pubmed", str(MYELOMA), stdout=io.StringIO(), stderr=err)
    took = time.monotonic() - began
    assert took < settings.EUTILS_DEADLINE + 1.5  # ten tries of 0.5 s with back-off would take minutes

    retries = [(at, line) for at, line in err.lines if "attempt" in line]
    assert [re.sub(r"\(PubMed could not be reached \(.*?\)\)", "(…)", line) for _, line in retries] == [
        f"efetch of PMID {MYELOMA}: attempt 1 of 10 failed (…); trying again in 0.2 s",
        f"efetch of PMID {MYELOMA}: attempt 2 of 10 failed (…); trying again in 0.4 s",
    ]
    assert all("timed out" in line for _, line in retries)
    requests = eutils.requests_for("efetch")
    assert len(requests) == 3
    # Each retry line is out before the next try begins: shown as it happens, not at the end.
    assert retries[0][0] < requests[1].time and retries[1][0] < requests[2].time
    assert (
        f"1 failed ({MYELOMA}): PubMed could not be reached" in err.getvalue()
        and "gave up after 3 tries, at the 2.5 s deadline for one request" in err.getvalue()
    )
    assert str(raised.value) == "1 failure(s); run the same command again to finish."  # a network fault


def test_only_a_few_pmids_run_in_the_request_and_more_are_queued_for_the_task_worker(
    client, staff, eutils, taxonomy, task_worker_backend, django_capture_on_commit_callbacks
):
    pmids = demo_pmids()[: REQUEST_PMIDS + 1]
    response = post_import(client, {"pmids": [str(p) for p in pmids[:REQUEST_PMIDS]]}, **auth(staff.curator))
    assert (response.status_code, response.json()["state"], response.json()["created"]) == (
        201,
        "succeeded",
        REQUEST_PMIDS,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, {"pmids": [str(p) for p in pmids]}, **auth(staff.curator))
    assert (response.status_code, response.json()["state"]) == (202, "queued")
    run = ImportRun.objects.get(pk=response.json()["id"])
    assert run.task_id and run.state == "queued" and len(eutils.requests_for("efetch")) == 1  # not fetched yet

    # What the task worker does with it (its command closes this test's connection: not here).
    queued = DBTaskResult.objects.get(id=run.task_id)
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    run.refresh_from_db()
    assert (run.state, run.created, run.unchanged) == ("succeeded", 1, REQUEST_PMIDS)
    assert Paper.objects.count() == REQUEST_PMIDS + 1


def test_the_curator_is_told_queued_not_started(
    staff, eutils, taxonomy, task_worker_backend, django_capture_on_commit_callbacks
):
    small = ImportRun.objects.create(source="pmids", requested_by=staff.curator, requested_pmids=[MYELOMA], total=1)
    assert start_import(small) == (
        f"Import #{small.pk} done: 1 created, 0 updated, 0 unchanged, 0 not found, 0 failed."
    )
    large = ImportRun.objects.create(
        source="pmids", requested_by=staff.curator, requested_pmids=demo_pmids()[: REQUEST_PMIDS + 1]
    )
    with django_capture_on_commit_callbacks(execute=True):
        told = start_import(large)
    assert told == f"Import #{large.pk} queued: the task worker runs it; this page shows its progress."
    large.refresh_from_db()
    assert large.state == "queued" and large.shown_state == "queued"
