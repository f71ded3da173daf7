"""gunicorn's settings; `gunicorn` run from the project root reads this file by itself.

Environment: BIND (default 127.0.0.1:8000: a reverse proxy stands in front), WEB_CONCURRENCY
(worker processes, default 2 × CPUs + 1), LOG_FORMAT (json gives gunicorn's own lines the same
shape as the app's). Everything else is the app's settings (see myeloma_lit/settings.py).
"""

import multiprocessing
import os

wsgi_app = "myeloma_lit.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
try:
    workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
except ValueError:
    raise SystemExit(f"WEB_CONCURRENCY must be a whole number, not {os.environ['WEB_CONCURRENCY']!r}.") from None

# Load the app once in the master: a bad setting stops start-up instead of looping worker boots,
# and workers share the imported code's memory.
preload_app = True
timeout = 30  # a request that takes longer is a bug; the worker is replaced
graceful_timeout = 30
keepalive = 5  # behind a proxy that reuses connections
max_requests = 2000  # replace workers now and then, so a slow leak cannot grow without bound
max_requests_jitter = 200
# Request line and headers: the limits are gunicorn's defaults, written down so nobody raises
# them by accident; bodies are capped by the app (MAX_REQUEST_BODY) and the proxy.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# No runtime control socket (gunicornc): its one default path would be shared by every gunicorn
# on the machine, e.g. production and ops/loadtest.py.
control_socket_disable = True

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "formatters": {"json": {"()": "myeloma_lit.logs.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        # Django's LOGGING gives the root logger a handler too: without this each line came twice.
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
