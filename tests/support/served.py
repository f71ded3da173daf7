"""Real servers for the tests that need what only separate worker processes show (shared
throttles, lock-outs, load): gunicorn (gunicorn.conf.py, several workers) on a scratch database,
and the Redis server of the shared cache."""

import http.client
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from ops.loadtest import free_port
from tests.support.paths import ROOT
from tests.support.scratch import manage_env

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Server:
    """A running gunicorn on 127.0.0.1:port; `log` is its output (each access log line starts
    with the answering worker's <pid>)."""

    def __init__(self, port: int, log):
        self.port, self.log = port, log

    def request(
        self, method: str, path: str, *, headers: dict | None = None, form: dict | None = None, timeout: float = 10
    ) -> tuple[int, dict, str]:
        """(status, headers, body) of one request on a new connection, as separate clients make."""
        body = urlencode(form) if form is not None else None
        headers = {**(headers or {}), **({"Content-Type": "application/x-www-form-urlencoded"} if form else {})}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> tuple[int, dict, str]:
        return self.request("GET", path, **kwargs)

    def worker_pids(self) -> set[str]:
        """The workers that answered a request so far."""
        return {line.split()[0] for line in self.log_lines() if line.startswith("<")}

    def log_lines(self) -> list[str]:
        self.log.seek(0)
        return self.log.read().splitlines()


@contextmanager
def gunicorn(database_url: str, log_path, workers: int | None = 3, app: str | None = None, **env):
    """Serve the site (or another WSGI `app`, module:name) from `workers` gunicorn processes
    (None: gunicorn.conf.py's number) on the database at `database_url`, with `env` added to the
    production-like environment; stopped when the block ends."""
    port = free_port()
    environment = manage_env(database_url, ALLOWED_HOSTS="127.0.0.1", BIND=f"127.0.0.1:{port}", **env)
    environment.pop("WEB_CONCURRENCY", None)
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    with open(log_path, "w+") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--access-logformat",
                '%(p)s %(h)s "%(r)s" %(s)s',
                *([app] if app else []),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=log,
            env=environment,
        )
        server = Server(port, log)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if server.get("/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert process.poll() is None, "gunicorn stopped:\n" + "\n".join(server.log_lines()[-30:])
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            process.wait(15)
