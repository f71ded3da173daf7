"""Settings for myeloma-lit, all driven by environment variables (see the README's table).

A malformed value stops start-up with ImproperlyConfigured naming the variable, so a typo in
production fails loudly instead of running with a silent default. A checkout's own values may
sit in its `.env` file (./start writes one for development; see myeloma_lit.local_env).
"""

import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .local_env import load_local_env

BASE_DIR = Path(__file__).resolve().parent.parent
load_local_env(BASE_DIR)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {raw!r}.")


def env_number(name: str, default: float, *, minimum: float, maximum: float, kind=float):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {raw!r}.")
    return value


def env_url(name: str, default: str) -> str:
    raw = os.environ.get(name, default)
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {raw!r}.")
    return raw.rstrip("/") + "/"


def env_origins(name: str) -> list[str]:
    """Comma-separated origins, each scheme://host[:port] as a browser sends it in Origin."""
    origins = [o.strip() for o in os.environ.get(name, "").split(",") if o.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path or parts.query:
            raise ImproperlyConfigured(f"{name} must list origins like https://example.org, not {origin!r}.")
    return origins


# SQLite for a web process and a task worker at once: write-ahead log (readers never block the
# writer), fsync at checkpoints rather than every commit, wait for locks instead of failing, and
# take the write lock when a transaction begins so two writers cannot deadlock on upgrade.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


# PostgreSQL's default random_page_cost (4) models spinning disks; on SSDs it makes the planner
# read every stored tsvector rather than the GIN index for common words: 120 ms against 20 ms
# for a word in 40 % of 50,000 papers.
PG_RANDOM_PAGE_COST = env_number("PG_RANDOM_PAGE_COST", 1.1, minimum=0.1, maximum=100)
# Parallel workers per query. A web server's concurrency comes from its requests: on two cores
# under 8 clients, parallel plans cut never-seen (mostly selective) searches from 71 to 64
# requests/s and made common words no faster alone (ops/loadtest.py --only search-new, 100,000 papers).
PG_PARALLEL_WORKERS = env_number("PG_PARALLEL_WORKERS", 0, minimum=0, maximum=64, kind=int)
# Parallel workers for a search's one statement, which the planner gives them only for a scan
# of tens of thousands of documents, a common word (papers.search.postgres.statement_settings):
# on 100,000 papers, 197 ms to 128 for a word in half of them, no fewer never-seen searches a
# second under 8 clients (124-125 against 111-119 without).
PG_SEARCH_WORKERS = env_number("PG_SEARCH_WORKERS", 2, minimum=0, maximum=64, kind=int)
# A statement of the site's own (gunicorn's workers: myeloma_lit.wsgi sets SERVES_REQUESTS) is
# cancelled after this many seconds, before gunicorn's 30 s time-out kills its worker: a killed
# worker's statement would run on without a client (issue 27: nine of them took the server down).
# Management commands (imports, backup, restore, migrate, the benchmark) run without it.
STATEMENT_TIMEOUT = env_number("STATEMENT_TIMEOUT", 20, minimum=1, maximum=3600, kind=int)
SERVES_REQUESTS = os.environ.get("MYELOMA_LIT_SERVES_REQUESTS") == "1"


def database_from_env() -> dict:
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "myeloma_lit.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL we understand: {error}") from None
    if config["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured("DATABASE_URL must start with postgres:// or sqlite:///.")
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://user@host:port/NAME).")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.pop("CONN_HEALTH_CHECKS", None)
        config["OPTIONS"] = SQLITE_OPTIONS
    else:
        config.setdefault("OPTIONS", {})["options"] = (
            f"-c random_page_cost={PG_RANDOM_PAGE_COST} -c max_parallel_workers_per_gather={PG_PARALLEL_WORKERS}"
            + (f" -c statement_timeout={STATEMENT_TIMEOUT}s" if SERVES_REQUESTS else "")
        )
    return config


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
for host in ALLOWED_HOSTS:
    if not re.fullmatch(r"\*|\.?[A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]", host):
        raise ImproperlyConfigured(f"ALLOWED_HOSTS has a malformed host name: {host!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",  # admin login lock-outs (LOGIN_FAILURE_LIMIT below)
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us: the docs work without internet
    "papers",
]
# The benchmark command's app is installed only where it runs: for `manage.py benchmark` and under
# the test suite (which tests the benchmark); gunicorn, the task worker and every other command never
# load it. BENCHMARKS=1 or 0 overrides.
BENCHMARKS = env_bool("BENCHMARKS", sys.argv[1:2] == ["benchmark"] or "pytest" in sys.modules)
if BENCHMARKS:
    INSTALLED_APPS.append("benchmarks")

MIDDLEWARE = [
    "myeloma_lit.middleware.host_port",  # before anything writes the host into a link or a cache key
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",  # pages, JSON and exports; static files come compressed
    "django.middleware.http.ConditionalGetMiddleware",  # 304 for a matching ETag (papers.site.page_cache sets them)
    "myeloma_lit.middleware.limit_request_body",
    "myeloma_lit.middleware.content_security_policy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "myeloma_lit.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into myeloma_lit.login_lockout's answer
]

ROOT_URLCONF = "myeloma_lit.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "papers.site.about.site_facts",
            ],
        },
    },
]

WSGI_APPLICATION = "myeloma_lit.wsgi.application"

DATABASES = {"default": database_from_env()}

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves static files from gunicorn. In production (STATIC_MANIFEST=1, after
# `collectstatic` into STATIC_ROOT) it serves compressed copies under content-hashed names, cached
# for a year; otherwise straight from the apps' static folders, so tests and development need no
# collectstatic (and no STATIC_ROOT, which WhiteNoise would warn about when it does not exist).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles") if STATIC_MANIFEST else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]  # `loaddata taxonomy`

# Whole public pages and export entries are kept until the collection changes (papers.site.page_cache,
# papers.site.exports); the throttles' request counts (API, exports) live beside them.
# CACHE_URL=redis://host:port/db puts all of it in Redis, shared by every worker and server
# (production); unset, each process keeps its own in memory (development, tests), where
# PAGE_CACHE_ENTRIES bounds the pages (10-60 kB each). PAGE_CACHE_SECONDS bounds an entry's life
# (0 turns the page cache off). CACHE_KEY_PREFIX separates sites sharing one Redis.
PAGE_CACHE_SECONDS = env_number("PAGE_CACHE_SECONDS", 3600, minimum=0, maximum=86400, kind=int)
PAGE_CACHE_ENTRIES = env_number("PAGE_CACHE_ENTRIES", 1000, minimum=10, maximum=100_000, kind=int)


def caches_from_env() -> dict:
    """The "default" (throttles) and "pages" caches: local memory, or the Redis CACHE_URL names."""
    raw = os.environ.get("CACHE_URL", "").strip()
    if not raw:
        return {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
            "pages": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "pages",
                "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_ENTRIES},
            },
        }
    # [user:password@]host[:port][/database]; Redis has databases 0-15 unless configured otherwise.
    url = re.fullmatch(
        r"rediss?://([^@/\s]*@)?([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\])(:\d{1,5})?(/(?P<db>\d{1,2}))?/?", raw
    )
    if not url or int(url["db"] or 0) > 15:
        raise ImproperlyConfigured(
            "CACHE_URL must be redis://[:password@]host:port/database (0-15)."
        )  # no echo: a password
    prefix = os.environ.get("CACHE_KEY_PREFIX", "myeloma-lit")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", prefix):
        raise ImproperlyConfigured(f"CACHE_KEY_PREFIX must be 1-64 letters, digits, '_', '.' or '-', not {prefix!r}.")
    # A Redis out of reach fails a request within seconds (a 503 page, myeloma_lit.middleware), never hangs it.
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": raw,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    return {"default": {**redis, "KEY_PREFIX": prefix}, "pages": {**redis, "KEY_PREFIX": f"{prefix}.pages"}}


CACHES = caches_from_env()

# Client addresses (throttles, login lock-outs): the connection's own address, unless
# TRUSTED_PROXIES reverse proxies stand in front, each appending the address it was called from
# to X-Forwarded-For; then the address the outermost trusted proxy saw (DRF's NUM_PROXIES rule,
# myeloma_lit.clients). A client can put anything in the header, so trusting more proxies than
# there are lets it choose its own address.
TRUSTED_PROXIES = env_number("TRUSTED_PROXIES", 0, minimum=0, maximum=10, kind=int)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Myeloma literature API",
    "DESCRIPTION": "Approved papers on the mechanisms of multiple myeloma, and PubMed imports for curators.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "papers.api.openapi.throttled_answers"],
}

# Imports larger than a request can hold (papers.pubmed.tasks) run as background tasks. "immediate"
# runs them in the request (tests); "database" queues them for `manage.py db_worker`, which
# ./start runs beside the site (production runs it too).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# NCBI E-utilities. NCBI wants the operator's address (never a curator's) and the tool name.
NCBI_EMAIL = os.environ.get("NCBI_EMAIL", "")
if NCBI_EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", NCBI_EMAIL):
    raise ImproperlyConfigured(f"NCBI_EMAIL must be an e-mail address, not {NCBI_EMAIL!r}.")
NCBI_API_KEY = os.environ.get("NCBI_API_KEY", "")
if NCBI_API_KEY and not re.fullmatch(r"[A-Za-z0-9]{8,64}", NCBI_API_KEY):
    raise ImproperlyConfigured("NCBI_API_KEY must be letters and digits, as NCBI issues it.")
NCBI_TOOL = "myeloma-lit"
EUTILS_BASE_URL = env_url("EUTILS_BASE_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/")
EUTILS_TIMEOUT = env_number("EUTILS_TIMEOUT", 30.0, minimum=0.1, maximum=600)
EUTILS_MAX_TRIES = env_number("EUTILS_MAX_TRIES", 4, minimum=1, maximum=10, kind=int)
EUTILS_BACKOFF = env_number("EUTILS_BACKOFF", 2.0, minimum=0.0, maximum=120)
# One E-utilities request, all its tries and back-off included, is given up on after this long.
EUTILS_DEADLINE = env_number("EUTILS_DEADLINE", 60.0, minimum=1.0, maximum=3600)

# The About page and every public page's footer: a demo instance says so (./start writes DEMO_SITE=1
# into .env: it loads the demo), and where errors are reported.
DEMO_SITE = env_bool("DEMO_SITE", False)
SITE_CONTACT = os.environ.get("SITE_CONTACT", "").strip()

# One-person teams may let a curator approve the papers they imported themselves.
ALLOW_SELF_APPROVAL = env_bool("ALLOW_SELF_APPROVAL", False)
# A running import that has made no progress for this long died (a batch, with every retry of
# a slow E-utilities answer, takes a few minutes at most) and is marked interrupted.
IMPORT_STALL_SECONDS = env_number("IMPORT_STALL_SECONDS", 900, minimum=0, maximum=86400, kind=int)

# --- Serving -----------------------------------------------------------------------------------
# HTTPS=1 in production (see the README): redirect to https, secure cookies, HSTS. It is off by
# default because only the operator knows whether a TLS proxy stands in front; local http servers
# (runserver, the tests' live server, ops/loadtest.py) need it off, and `check --deploy` names
# every setting it leaves insecure.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes call the app directly over http
SECURE_HSTS_SECONDS = env_number("HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0, maximum=63_072_000, kind=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
# Only behind a proxy that sets X-Forwarded-Proto itself: otherwise a client could claim https.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "DENY"
# The admin's is the only login: land there, also when a `next` pointing off-site is ignored.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
SECURE_REFERRER_POLICY = "same-origin"

# Admin logins: after LOGIN_FAILURE_LIMIT wrong passwords for one account from one client address
# (TRUSTED_PROXIES decides what that is), that pair is refused for LOGIN_LOCKOUT_SECONDS after
# its latest try, the right password included. Counted in the database (django-axes), so every
# worker and server sees the same lock; a successful login starts the count afresh. Locking
# the pair, not the account, keeps a stranger from locking a curator out of their own desk.
AXES_FAILURE_LIMIT = env_number("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100, kind=int)
AXES_COOLOFF_TIME = timedelta(seconds=env_number("LOGIN_LOCKOUT_SECONDS", 900, minimum=1, maximum=86400, kind=int))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "myeloma_lit.clients.client_address"
AXES_LOCKOUT_CALLABLE = "myeloma_lit.login_lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner on every command; lock-outs are still logged

# Request bodies. The largest legitimate one is the admin import form with its PMID file (at most
# 1 MB); anything over MAX_REQUEST_BODY is refused (413) before it is read, so every accepted
# upload fits in memory and none is spooled to disk.
MAX_REQUEST_BODY = 4 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # form fields other than files

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}.")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "myeloma_lit.logs.JsonFormatter"},  # one object a line, for log collectors
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own configuration gives "django" a console handler of its own under DEBUG, which
    # printed each of its lines twice (there and through the root's): the root's alone here.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
