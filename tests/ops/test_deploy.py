"""Serving in production: `check --deploy`, security headers and cookies, the content security
policy (checked in Chromium), CSRF on every form, the admin closed to strangers, no open
redirects, size limits on bodies and uploads, error pages without debug output, structured logs."""

import json
import logging
import sys

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path, reverse
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from myeloma_lit.logs import JsonFormatter
from myeloma_lit.middleware import POLICY
from tests.support.scratch import manage, start_django

IMPORT_URL = "/admin/papers/importrun/import/"
# The README's production configuration (a made-up host and key of production strength).
PRODUCTION = {
    "SECRET_KEY": "kY7vQ2-3mZp9xW_c4tR8nB1sL6hJ0dF5gA2eU7iO3yT9wX_qV4cN8mK1bP6zS0rE",
    "ALLOWED_HOSTS": "lit.example.org",
    "DATABASE_URL": "postgres://myeloma_lit@127.0.0.1:5432/myeloma_lit",
    "HTTPS": "1",
    "TRUST_X_FORWARDED_PROTO": "1",
    "CSRF_TRUSTED_ORIGINS": "https://lit.example.org",
    "STATIC_MANIFEST": "1",
    "TASKS_BACKEND": "database",
    "LOG_FORMAT": "json",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "TRUSTED_PROXIES": "1",
}


def boom(request):
    raise RuntimeError("a bug with a secret: hunter2")


# For the tests marked urls("tests.ops.test_deploy"): the site plus API docs and a failing view.
urlpatterns = [
    path("", include("myeloma_lit.urls")),
    path("docs/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/swagger/", SpectacularSwaggerView.as_view(), name="swagger"),
    path("boom/", boom),
]


def check_deploy(**env):
    settings = {**PRODUCTION, **env}
    return manage(settings.pop("DATABASE_URL"), "check", "--deploy", "--fail-level", "WARNING", check=False, **settings)


# --- settings ------------------------------------------------------------------------------------


def test_check_deploy_is_clean_in_the_documented_production_configuration():
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_names_what_plain_http_leaves_insecure():
    result = check_deploy(HTTPS="0")
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({"HTTPS": "sometimes"}, "HTTPS must be true or false"),
        ({"HSTS_SECONDS": "-1"}, "HSTS_SECONDS must be between 0 and"),
        ({"TRUST_X_FORWARDED_PROTO": "2"}, "TRUST_X_FORWARDED_PROTO must be true or false"),
        (
            {"CSRF_TRUSTED_ORIGINS": "lit.example.org"},
            "CSRF_TRUSTED_ORIGINS must list origins like https://example.org, not 'lit.example.org'",
        ),
        ({"CSRF_TRUSTED_ORIGINS": "https://lit.example.org/admin/"}, "CSRF_TRUSTED_ORIGINS must list origins"),
        ({"STATIC_MANIFEST": "perhaps"}, "STATIC_MANIFEST must be true or false"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be plain or json, not 'xml'"),
    ],
)
def test_bad_serving_setting_fails_with_message_naming_it(env, message):
    result = start_django(SECRET_KEY="x", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


# --- HTTPS, headers, static files ----------------------------------------------------------------


@pytest.fixture
def https(settings):
    """The settings HTTPS=1 gives (read at start-up, so set here one by one)."""
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_https_redirects_sends_hsts_and_secure_cookies(client, https, people):
    assert client.get("/admin/login/").headers["Location"] == "https://testserver/admin/login/"
    assert client.get("/healthz").status_code == 200  # probes call the app directly over http
    login = client.post("/admin/login/", {"username": "boss", "password": "boss-pass"}, secure=True)
    assert login.status_code == 302
    assert login.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert login.cookies["sessionid"]["secure"] and login.cookies["sessionid"]["httponly"]
    assert login.cookies["csrftoken"]["secure"]
    # Behind the proxy, X-Forwarded-Proto says the client's connection was https.
    assert client.get("/admin/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_every_page_carries_the_security_headers(client, db):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_static_files_are_served_without_collectstatic(client):
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/css")


def test_health_reports_the_database(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})
    assert "no-cache" in response.headers["Cache-Control"]
    assert client.post("/healthz").status_code == 405


@pytest.mark.urls("tests.ops.test_deploy")
def test_api_docs_may_run_exactly_their_own_inline_blocks(client, db):
    response = client.get(reverse("swagger"))
    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    assert policy["script-src"].count("'sha256-") == policy["style-src"].count("'sha256-") == 1
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert policy["img-src"] == "'self' data:"
    assert {k: v for k, v in policy.items() if k not in {"script-src", "style-src", "img-src"}} == {
        k: v for k, v in POLICY.items() if k not in {"script-src", "style-src", "img-src"}
    }


@pytest.mark.browser
@pytest.mark.urls("tests.ops.test_deploy")
@pytest.mark.parametrize("url, ready", [("/admin/login/", "#id_username"), ("/docs/swagger/", ".swagger-ui .info")])
def test_pages_work_in_chromium_under_the_policy(page, live_server, url, ready):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(live_server.url + url)
    page.wait_for_selector(ready)
    assert violations == []


@pytest.mark.browser
def test_an_injected_inline_script_does_not_run(page, live_server):
    page.goto(live_server.url + "/admin/login/")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "document.title = 'pwned'";
                         document.body.append(s); }""")  # what an HTML injection would add
    assert page.title() != "pwned"


# --- CSRF, the closed admin, redirects -----------------------------------------------------------


@pytest.fixture
def strict():
    """A client that checks CSRF tokens as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def test_admin_login_needs_the_csrf_token(strict, people):
    assert strict.post("/admin/login/", {"username": "boss", "password": "boss-pass"}).status_code == 403
    token = strict.get("/admin/login/").context["csrf_token"]
    answer = strict.post("/admin/login/", {"username": "boss", "password": "boss-pass", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


def test_admin_import_page_needs_the_csrf_token(strict, people):
    strict.force_login(people.superuser)
    assert strict.post(IMPORT_URL, {"pmids": "38856741"}).status_code == 403


def test_admin_actions_need_the_csrf_token(strict, people):
    strict.force_login(people.superuser)
    data = {"action": "delete_selected", "_selected_action": [people.curator.pk]}
    assert strict.post("/admin/auth/user/", data).status_code == 403


def admin_urls():
    """Every admin page a model or the site registers, with placeholder ids for object pages."""
    urls = ["/admin/", IMPORT_URL]
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls += [reverse(f"{prefix}_{view}") for view in ("changelist", "add")]
        urls += [reverse(f"{prefix}_{view}", args=[1]) for view in ("change", "history", "delete")]
    return urls


def test_the_admin_is_closed_to_anonymous_users(client, db):
    urls = admin_urls()
    assert len(urls) > 30
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/admin/login/?next="), url


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:/evil.example",
        "http://testserver@evil.example/",
    ],
)
def test_login_never_redirects_off_site(client, people, target):
    answer = client.post(f"/admin/login/?next={target}", {"username": "boss", "password": "boss-pass", "next": target})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/admin/"
    client.force_login(people.superuser)
    assert client.post("/admin/logout/", {"next": target}).headers.get("Location", "/admin/").startswith("/")


# --- size limits ---------------------------------------------------------------------------------


def test_an_oversized_body_is_refused_before_it_is_read(client, settings):
    body = b"x" * (settings.MAX_REQUEST_BODY + 1)
    response = client.generic("POST", "/admin/login/", body, content_type="application/octet-stream")
    assert response.status_code == 413


def test_oversized_form_fields_are_refused(client, settings, db):
    response = client.post("/admin/login/", {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 400


def test_an_upload_over_the_import_limit_is_refused_with_a_message(client, people):
    client.force_login(people.superuser)
    upload = SimpleUploadedFile("pmids.txt", b"38856741\n" * 120_000)  # 1.08 MB
    response = client.post(IMPORT_URL, {"pmid_file": upload})
    assert response.status_code == 200
    assert "The file pmids.txt is larger than 1 MB: split it." in response.content.decode()


def test_an_accepted_upload_stays_in_memory(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.MAX_REQUEST_BODY  # never spooled to disk


# --- errors and logs -----------------------------------------------------------------------------


@pytest.mark.urls("tests.ops.test_deploy")
def test_errors_show_a_plain_page_without_debug_output(db):
    client = Client(raise_request_exception=False)
    crash = client.get("/boom/")
    assert crash.status_code == 500
    assert "Server error" in crash.content.decode()
    assert "hunter2" not in crash.content.decode() and "Traceback" not in crash.content.decode()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()


def test_json_logs_carry_extra_fields_and_exceptions():
    try:
        raise ValueError("bad value")
    except ValueError:
        record = logging.getLogger("papers.pubmed.importer").makeRecord(
            "papers.pubmed.importer",
            logging.WARNING,
            __file__,
            1,
            "batch %d failed",
            (2,),
            sys.exc_info(),
            extra={"import_run": 7},
        )
    entry = json.loads(JsonFormatter().format(record))
    assert {k: entry[k] for k in ("level", "logger", "message", "import_run")} == {
        "level": "WARNING",
        "logger": "papers.pubmed.importer",
        "message": "batch 2 failed",
        "import_run": 7,
    }
    assert entry["exception"].endswith("ValueError: bad value")
    assert entry["time"].endswith("+00:00")
