"""Load test: start gunicorn (gunicorn.conf.py) on a free local port against DATABASE_URL, drive
concurrent keep-alive clients at the public pages for a bounded time, report throughput and
latency per page kind.

    DATABASE_URL=postgres://… .venv/bin/python ops/loadtest.py --clients 8 --seconds 15 [--json]

The URLs come from the database itself (a topic with papers, approved PMIDs) and from QUERIES;
add a page kind by adding an entry to `targets()`. The target for a 100,000-paper PostgreSQL
database: ≥ 100 search requests/s at p95 ≤ 200 ms, no errors.

"search" asks QUERIES over and over, as a journal club does: after a first visit each page comes
from the page cache. "search-new" (only with --only) never asks the same thing twice: MeSH
headings of the papers themselves, each once, so every page is computed: the capacity for
searches nobody has made before (mostly selective ones: rare headings outnumber common ones). The report gives each kind's share of cache hits.
"""  # noqa: E501

import argparse
import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "myeloma",
    "RANKL",
    "bone disease",
    "bortezomib resistance",
    "CRBN",
    "plasma cell",
    "MGUS",
    "osteolytic lesions",
    "IL-6",
    "daratumumab",
]


def targets() -> dict[str, list[str]]:
    """Page kind → URLs to cycle through, built from what the database holds."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myeloma_lit.settings")
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.urls import reverse

    from papers.models import Paper, Topic

    pmids = list(Paper.objects.public().order_by("?").values_list("pmid", flat=True)[:200])
    slugs = list(Topic.objects.values_list("slug", flat=True))
    headings = {
        h["name"]
        for mesh in Paper.objects.public().order_by("?").values_list("mesh_headings", flat=True)[:20_000]
        for h in mesh
    }
    return {
        "search": [reverse("search") + "?" + urlencode({"q": q}) for q in QUERIES],
        "search-new": [reverse("search") + "?" + urlencode({"q": f'"{h}"'}) for h in sorted(headings)],
        "topic": [reverse("topic", args=[slug]) for slug in slugs],
        "paper": [reverse("paper", args=[pmid]) for pmid in pmids],
        "home": [reverse("home")],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start:\n" + server.stderr.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start within 30 s")


def share(urls: dict[str, list[str]], index: int, clients: int):
    """Client `index`'s endless (kind, url) jobs: the page kinds in turn, each cycling through
    the client's own slice of its URLs, so that no two clients ask the same never-seen search.
    Never-seen searches are not cycled: once a client has asked its share, it goes on with the
    other kinds (a small collection has few headings to ask)."""
    kinds = [
        zip(
            itertools.repeat(kind),
            found[index::clients] if kind == "search-new" else itertools.cycle(found[index::clients] or found),
        )
        for kind, found in urls.items()
    ]
    while kinds:
        for jobs in list(kinds):
            job = next(jobs, None)
            if job is None:
                kinds.remove(jobs)
            else:
                yield job


def client(port: int, jobs, stop_at: float, results: list) -> None:
    """One keep-alive connection sending `jobs` (kind, url) until `stop_at`; appends
    (kind, seconds, ok, served from the page cache) to `results`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for kind, url in jobs:
        if time.monotonic() >= stop_at:
            break
        started = time.perf_counter()
        hit = False
        try:
            conn.request("GET", url)
            response = conn.getresponse()
            response.read()
            ok, hit = response.status == 200, response.getheader("X-Page-Cache") == "hit"
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        results.append((kind, time.perf_counter() - started, ok, hit))
    conn.close()


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))] if sorted_values else 0.0


def report(results: list, seconds: float) -> dict:
    out = {}
    for kind in sorted({r[0] for r in results}) + ["all"]:
        rows = [r for r in results if kind in ("all", r[0])]
        times = sorted(r[1] for r in rows)
        out[kind] = {
            "requests": len(rows),
            "errors": sum(1 for r in rows if not r[2]),
            "cache_hits": round(sum(1 for r in rows if r[3]) / len(rows), 2) if rows else 0.0,
            "requests_per_s": round(len(rows) / seconds, 1),
            **{f"p{p}_ms": round(percentile(times, p) * 1000, 1) for p in (50, 95, 99)},
            "mean_ms": round(statistics.fmean(times) * 1000, 1) if times else 0.0,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--seconds", type=float, default=15, help="how long to drive load (default 15, at most 120)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1, help="gunicorn workers")
    parser.add_argument(
        "--only",
        choices=["search", "search-new", "topic", "paper", "home"],
        action="append",
        help="page kinds to request (default: all but search-new, interleaved)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not 0 < args.seconds <= 120 or args.clients < 1:
        parser.error("--seconds must be in (0, 120] and --clients at least 1")

    urls = {
        kind: found
        for kind, found in targets().items()
        if found and (kind in args.only if args.only else kind != "search-new")
    }
    port = free_port()
    server = start_gunicorn(port, args.workers)
    results: list = []
    try:
        client(port, [(kind, found[-1]) for kind, found in urls.items()], time.monotonic() + 30, [])  # warm up
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, share(urls, i, args.clients), stop_at, results))
            for i in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(10)
    figures = report(results, elapsed)
    if args.json:
        run = {"clients": args.clients, "workers": args.workers, "seconds": round(elapsed, 1)}
        print(json.dumps({**run, **figures}, indent=2))
        return
    print(f"{args.clients} clients, {args.workers} gunicorn workers, {elapsed:.1f} s")
    print(
        f"{'page':10} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7} {'cached':>7}"  # noqa: E501
    )
    for kind, f in figures.items():
        print(
            f"{kind:10} {f['requests']:>9} {f['requests_per_s']:>7} {f['p50_ms']:>7} {f['p95_ms']:>7} "
            f"{f['p99_ms']:>7} {f['errors']:>7} {f['cache_hits']:>7.0%}"
        )
    if figures["all"]["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
