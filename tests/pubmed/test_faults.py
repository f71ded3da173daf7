"""Faults: E-utilities failing at any batch, the import process killed mid-import, and the
database going away under a running gunicorn. Each is injected for real: the local E-utilities
server misbehaves, the process gets SIGKILL, a TCP proxy in front of PostgreSQL is cut."""

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ops.loadtest import free_port
from papers.catalogue.models import Paper
from tests.support.imports import demo_pmids, fails, run
from tests.support.paths import DEMO_DIR, ROOT
from tests.support.scratch import manage, manage_env

BATCH = 200
FAULTS = {
    "429": {"status": 429, "retry_after": 0},
    "500": {"status": 500},
    "slow": {"delay": 1.0},  # longer than the time-out set below
    "truncated": {"truncate": True},
}


def snapshot() -> dict[int, tuple]:
    """What each stored paper consists of: its fields' fingerprint and its related rows."""
    return {
        p.pmid: (
            p.pubmed_hash,
            p.authorships.count(),
            p.publication_types.count(),
            p.paper_tags.count(),
            hasattr(p, "search_document"),
        )
        for p in Paper.objects.prefetch_related("authorships", "publication_types", "paper_tags")
    }


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("batch", [0, 1])
def test_a_batch_that_keeps_failing_is_skipped_whole_and_a_rerun_completes(eutils, taxonomy, settings, fault, batch):
    settings.EUTILS_TIMEOUT = 0.3
    pmids = demo_pmids()
    failing = pmids[batch * BATCH : (batch + 1) * BATCH]
    eutils.fail_next("efetch", times=settings.EUTILS_MAX_TRIES, when_id=failing[0], **FAULTS[fault])
    message, err = fails(*pmids)
    assert f"{len(failing)} failure(s)" in message and f"{len(failing)} failed ({min(failing)}, " in err
    assert sorted(Paper.objects.values_list("pmid", flat=True)) == sorted(set(pmids) - set(failing))
    survivors = snapshot()

    out, _ = run(*pmids)
    assert out.splitlines()[-1].endswith(
        f"created {len(failing)}, updated 0, unchanged {len(pmids) - len(failing)}, not found 0, failed 0"
    )
    complete = snapshot()
    assert len(complete) == len(pmids) == Paper.objects.count()
    assert {pmid: complete[pmid] for pmid in survivors} == survivors  # nothing was half-stored


# --- killing the import --------------------------------------------------------------------------


def stored(url: str) -> dict[int, int]:
    """PMID → number of authorships, of every paper with a search document in the database at `url`
    (a paper without one would be a half-stored paper)."""
    code = (
        "import json; from django.db.models import Count; from papers.catalogue.models import Paper; "
        "print(json.dumps(dict(Paper.objects.filter(search_document__isnull=False)"
        ".annotate(n=Count('authorships')).values_list('pmid', 'n'))))"
    )
    return {int(pmid): n for pmid, n in json.loads(manage(url, "shell", "-v0", "-c", code).stdout).items()}


@pytest.mark.parametrize("moment", ["storing the first batch", "waiting for the second batch"])
def test_an_import_killed_midway_leaves_whole_batches_and_a_rerun_completes(eutils, scratch_database, tmp_path, moment):
    url = scratch_database(start="migrated")
    manage(url, "loaddata", str(ROOT / "fixtures" / "taxonomy.json"))
    pmids = demo_pmids()
    pmid_file = tmp_path / "pmids.txt"
    pmid_file.write_text("\n".join(map(str, pmids)))
    env = {
        "EUTILS_BASE_URL": eutils.base_url,
        "NCBI_API_KEY": "testkey0123",
        "EUTILS_TIMEOUT": "60",
        "EUTILS_MAX_TRIES": "1",
    }
    eutils.fail_next("efetch", delay=30, when_id=pmids[BATCH])  # the second batch hangs
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_pubmed", "--file", str(pmid_file)],
        cwd=ROOT,
        env=manage_env(url, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    requests = 1 if moment == "storing the first batch" else 2
    try:
        deadline = time.monotonic() + 60
        while len(eutils.requests_for("efetch")) < requests:
            assert process.poll() is None and time.monotonic() < deadline, "the import ended before the kill"
            time.sleep(0.01)
        time.sleep(0.3)  # into the first batch's transaction, or into the hang
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    eutils.reset()

    survivors = stored(url)
    assert len(survivors) in ({0, BATCH} if requests == 1 else {BATCH})
    count = manage(url, "shell", "-v0", "-c", "from papers.catalogue.models import Paper; print(Paper.objects.count())")
    assert count.stdout.strip() == str(len(survivors))  # no paper without its search document
    show = "from papers.pubmed.models import ImportRun; print(*ImportRun.objects.order_by('pk').values_list('state', flat=True))"  # noqa: E501
    assert manage(url, "shell", "-v0", "-c", show).stdout.split() == ["running"]  # as the kill left it
    rerun = manage(url, "import_pubmed", "--file", str(pmid_file), IMPORT_STALL_SECONDS="0", **env)
    assert manage(url, "shell", "-v0", "-c", show).stdout.split() == ["interrupted", "succeeded"]
    assert rerun.stdout.splitlines()[-1].endswith(
        f"created {len(pmids) - len(survivors)}, updated 0, unchanged {len(survivors)}, not found 0, failed 0"
    )
    complete = stored(url)
    assert sorted(complete) == sorted(pmids)
    assert {pmid: complete[pmid] for pmid in survivors} == survivors


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def is_parser(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def is_gone(pid: int) -> bool:
    """Ended (a zombie no one has reaped yet has ended too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_the_parsing_process_ends_with_an_import_killed_by_sigkill(scratch_database, tmp_path):
    url = scratch_database(start="migrated")
    data = (DEMO_DIR / "pubmed20n0014_myeloma.xml").read_bytes()
    first, end = data.index(b"<PubmedArticle>"), data.rindex(b"</PubmedArticleSet>")
    many = tmp_path / "many.xml"  # the recorded records twenty times over: a long parse
    many.write_bytes(data[:first] + data[first:end] * 20 + data[end:])
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_pubmed", "--from-xml", str(many)],
        cwd=ROOT,
        env=manage_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (parsers := [pid for pid in children(process.pid) if is_parser(pid)]):
            assert process.poll() is None and time.monotonic() < deadline, "no parsing process"
            time.sleep(0.05)
        time.sleep(1)
        assert process.poll() is None and not is_gone(parsers[0])  # both at work
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 5
    while not is_gone(parsers[0]):
        assert time.monotonic() < deadline, "the parsing process outlived its import"
        time.sleep(0.1)


# --- the database going away ---------------------------------------------------------------------


class Proxy:
    """A TCP relay on a fixed local port to PostgreSQL, which can be cut and restored: cutting
    closes the listener and every relayed connection, as a server restart or network loss does."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.port, self.sockets = upstream, free_port(), []

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.sockets = [self.listener]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def fetch(port: int, path: str) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def test_the_site_answers_503_while_postgresql_is_unreachable_and_recovers_by_itself(scratch_database, tmp_path):
    """Always on PostgreSQL, also when the suite runs on SQLite: a database that can be out of
    reach is a server; a SQLite file is part of the web process itself."""
    from tests.support.scratch import postgres_server, postgres_url

    name = scratch_database("postgresql", start="migrated").rsplit("/", 1)[1]
    server = postgres_server()
    proxy = Proxy((server["HOST"], int(server["PORT"] or 5432)))
    proxy.start()
    port, log = free_port(), (tmp_path / "gunicorn.log").open("w+")
    env = manage_env(
        postgres_url(name, port=proxy.port),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_FORMAT="json",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert fetch(port, "/healthz")[0] == 200
                break
            except (OSError, AssertionError):
                assert gunicorn.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        assert fetch(port, "/")[0] == 200

        proxy.cut()
        status, headers, body = fetch(port, "/")
        assert (status, headers["Retry-After"]) == (503, "5")
        assert "Briefly unavailable" in body and "Traceback" not in body
        status, _, body = fetch(port, "/healthz")
        assert (status, json.loads(body)) == (503, {"status": "unavailable", "database": "unavailable"})

        proxy.start()
        assert fetch(port, "/")[0] == 200
        assert fetch(port, "/healthz")[0] == 200
        assert gunicorn.poll() is None  # the same server, never restarted
    finally:
        gunicorn.terminate()
        gunicorn.wait(10)
        proxy.cut()
    log.seek(0)
    lines = [json.loads(line) for line in log if line.startswith("{")]
    assert any(
        entry["logger"] == "myeloma_lit.middleware" and entry["message"].startswith("database unavailable")
        for entry in lines
    )
