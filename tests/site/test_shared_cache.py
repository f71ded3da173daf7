"""The API's throttle holds across workers and proxies: client addresses follow TRUSTED_PROXIES
(a made-up X-Forwarded-For escapes nothing), and with CACHE_URL the request counts and the page
cache live in Redis, shared by every worker: tested against the real Redis server."""

import socket
import subprocess
import sys
import threading
import time

import pytest
import redis
from django.test import RequestFactory

from myeloma_lit.clients import client_address
from papers.api.views import PublicThrottle
from tests.support.paths import ROOT
from tests.support.scratch import manage_env
from tests.support.served import REDIS_URL, gunicorn


@pytest.fixture
def one_trusted_proxy(settings):
    """What TRUSTED_PROXIES=1 sets (tests/ops/test_settings.py reads it from the environment)."""
    settings.TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def topics(client, forwarded_for: str) -> int:
    return client.get("/api/topics/", HTTP_X_FORWARDED_FOR=forwarded_for).status_code


def test_a_made_up_forwarded_for_header_does_not_escape_the_throttle(client, db, monkeypatch):
    monkeypatch.setattr(PublicThrottle, "rate", "10/minute")
    statuses = [topics(client, f"203.0.113.{i}") for i in range(50)]
    assert statuses == [200] * 10 + [429] * 40


def test_behind_one_trusted_proxy_the_headers_last_address_is_the_client(client, db, monkeypatch, one_trusted_proxy):
    monkeypatch.setattr(PublicThrottle, "rate", "2/minute")
    # What the client wrote itself comes first; the proxy appended the address it saw.
    assert [topics(client, f"203.0.113.{i}, 198.51.100.7") for i in range(3)] == [200, 200, 429]
    assert topics(client, "198.51.100.8") == 200  # another client behind the same proxy


@pytest.mark.parametrize(
    "proxies, expected", [(0, "127.0.0.1"), (1, "198.51.100.7"), (2, "203.0.113.9"), (3, "203.0.113.9")]
)
def test_client_address_counts_trusted_proxies_from_the_right(settings, proxies, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert client_address(request) == expected
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"  # no proxy in between


def test_cache_url_puts_the_throttle_and_page_caches_in_redis(redis_prefix):
    """The settings module's CACHE_URL, in a process of its own, against the real server."""
    code = (
        "import django; django.setup(); from django.core.cache import caches;"
        " caches['default'].set('greeting', 'hello', 60); caches['pages'].set('page', b'<html>', 60);"
        " print(caches['default'].get('greeting'), caches['pages'].get('page'), type(caches['pages']).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **manage_env("sqlite:///unused.sqlite3"),
            "DJANGO_SETTINGS_MODULE": "myeloma_lit.settings",
            "CACHE_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": redis_prefix,
        },
    )
    assert result.stdout.split() == ["hello", "b'<html>'", "RedisCache"], result.stderr
    server = redis.Redis.from_url(REDIS_URL)
    assert sorted(server.scan_iter(match=f"{redis_prefix}*")) == [
        f"{redis_prefix}.pages:1:page".encode(),
        f"{redis_prefix}:1:greeting".encode(),
    ]
    assert 0 < server.ttl(f"{redis_prefix}:1:greeting") <= 60


@pytest.mark.parametrize("listening", [False, True], ids=["refused", "never-answers"])
def test_a_redis_out_of_reach_gives_the_503_page_within_seconds(
    client, db, settings, monkeypatch, page_cache, caplog, listening
):
    from myeloma_lit.settings import caches_from_env

    with socket.socket() as silent:  # a port where nothing listens, or something that never answers
        silent.bind(("127.0.0.1", 0))
        if listening:
            silent.listen(8)
        monkeypatch.setenv("CACHE_URL", f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        settings.CACHES = caches_from_env()
        for url in ("/", "/api/topics/"):  # the page cache, the API's throttle
            started = time.monotonic()
            response = client.get(url)
            assert (response.status_code, response["Retry-After"]) == (503, "5")
            assert "Briefly unavailable" in response.content.decode()
            assert time.monotonic() - started < 5
    assert "cache unavailable: " in caplog.text


def test_the_first_429_comes_at_the_stated_rate_across_gunicorn_workers(scratch_database, redis_prefix, tmp_path):
    """Several workers, one count: the stated rate, not the rate times the workers, whatever
    X-Forwarded-For says."""
    url = scratch_database(start="migrated")
    rate = PublicThrottle().num_requests
    with gunicorn(
        url, tmp_path / "gunicorn.log", workers=3, CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix
    ) as server:
        statuses = [
            server.get("/api/topics/", headers={"X-Forwarded-For": f"203.0.{i // 250}.{i % 250}"})[0]
            for i in range(rate + 60)
        ]
        workers = server.worker_pids()
    assert statuses == [200] * rate + [429] * 60
    assert len(workers) >= 2, "one worker answered everything: nothing shared was tested"


def test_concurrent_requests_of_one_client_are_each_counted(scratch_database, redis_prefix, tmp_path):
    """Ten clients of one address at once, on as many workers as gunicorn.conf.py gives: exactly
    the stated rate gets through (without the throttle's lock, 464 of 600 for a rate of 240)."""
    url = scratch_database(start="migrated")
    rate, statuses = PublicThrottle().num_requests, []

    def client(server):
        for _ in range(40):
            statuses.append(server.get("/api/topics/")[0])

    with gunicorn(
        url, tmp_path / "gunicorn.log", workers=None, CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix
    ) as server:
        clients = [threading.Thread(target=client, args=(server,)) for _ in range(10)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(120)
    assert (statuses.count(200), statuses.count(429)) == (rate, 400 - rate)
