"""LOGIN_FAILURE_LIMIT wrong passwords on /admin/login/ lock that account for that client address
(django-axes, counted in the database) for LOGIN_LOCKOUT_SECONDS, with a message saying so; the
right password is refused meanwhile."""

import re
import time

import pytest

from tests.support.scratch import manage
from tests.support.served import gunicorn

LOGIN = "/admin/login/"
LOCKED = "Too many failed logins: this account is locked for your address."


@pytest.fixture
def login(client):
    def post(username, password, **headers):
        return client.post(LOGIN, {"username": username, "password": password}, **headers)

    return post


def test_wrong_passwords_lock_the_account_for_that_address_with_a_message(login, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login("boss", "wrong").status_code == 200  # the form again, with its error
    locked = login("boss", "wrong")
    assert locked.status_code == 429
    assert locked.content.decode().startswith(LOCKED + " Try again in 15 minutes")
    assert locked["Retry-After"] == "900"
    assert login("boss", "boss-pass").status_code == 429  # the right password too
    assert login("curator", "curator-pass").status_code == 302  # other accounts are not locked


def test_a_made_up_forwarded_for_header_is_the_same_address(login, people, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        login("boss", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert login("boss", "boss-pass", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(login, people, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # what TRUSTED_PROXIES=1 sets
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("boss", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert login("boss", "boss-pass", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert login("boss", "boss-pass", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302


def test_a_successful_login_starts_the_count_afresh(login, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login("boss", "wrong")
    assert login("boss", "boss-pass").status_code == 302
    assert login("boss", "wrong").status_code == 200


class Browser:
    """A login form's round trip on a real server, keeping the CSRF cookie as a browser does."""

    def __init__(self, server):
        self.server = server
        status, headers, body = server.get(LOGIN)
        assert status == 200
        self.cookie = headers["set-cookie"].split(";")[0]
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]

    def login(self, username: str, password: str) -> tuple[int, dict, str]:
        return self.server.request(
            "POST",
            LOGIN,
            headers={"Cookie": self.cookie},
            form={"csrfmiddlewaretoken": self.token, "username": username, "password": password},
        )


def test_gunicorn_workers_share_the_lock_and_it_expires(scratch_database, tmp_path):
    url = scratch_database(start="migrated")
    manage(
        url,
        "createsuperuser",
        "--noinput",
        "--username",
        "boss",
        "--email",
        "boss@example.org",
        DJANGO_SUPERUSER_PASSWORD="a-long-boss-password",
    )
    with gunicorn(
        url, tmp_path / "gunicorn.log", workers=3, LOGIN_LOCKOUT_SECONDS="3", LOGIN_FAILURE_LIMIT="5"
    ) as server:
        browser = Browser(server)
        assert [browser.login("boss", f"guess-{i}")[0] for i in range(4)] == [200] * 4
        status, headers, body = browser.login("boss", "guess-4")
        assert (status, headers["retry-after"]) == (429, "3")
        assert body.startswith(LOCKED + " Try again in 3 seconds")
        assert browser.login("boss", "a-long-boss-password")[0] == 429
        time.sleep(3.2)
        status, headers, _ = browser.login("boss", "a-long-boss-password")
        assert (status, headers["location"]) == (302, "/admin/")
        workers = server.worker_pids()
    assert len(workers) >= 2, "one worker answered everything: nothing shared was tested"
