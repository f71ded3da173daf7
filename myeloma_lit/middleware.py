"""Middleware for serving: the Host header's port checked, a cap on request bodies, a content
security policy, and a 503 page while the database or the shared cache is out of reach."""

import base64
import hashlib
import logging
import re

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# No inline script or style anywhere: an injected <script> or style attribute never runs.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
RETRY_AFTER_SECONDS = 5
_INLINE = re.compile(rb"<(script|style)>(.*?)</\1>", re.S)


def host_port(get_response):
    """Refuse (400) a Host header whose port is neither the one the request reached nor its
    scheme's default. ALLOWED_HOSTS checks the name only, and the host, port included, names the
    site in canonical links, feeds, robots.txt and API links, and keys the page cache: a made-up
    port once went into all of them. A proxy in front passes the host without a port."""

    def middleware(request):
        port = split_domain_port(request.META.get("HTTP_HOST", ""))[1]
        if port and port not in (request.META.get("SERVER_PORT"), "443" if request.is_secure() else "80"):
            raise DisallowedHost(f"Host header's port {port} is not this site's.")
        return get_response(request)

    return middleware


def limit_request_body(get_response):
    """Answer 413 to a body longer than MAX_REQUEST_BODY before anything reads it: CSRF checking
    parses a multipart POST, so an anonymous client could otherwise stream gigabytes to disk."""

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a body of unknown length as empty
        if length > settings.MAX_REQUEST_BODY:
            return HttpResponse("Request body too large.\n", status=413, content_type="text/plain")
        return get_response(request)

    return middleware


def content_security_policy(get_response):
    """Send POLICY with every response. drf-spectacular's API docs pages inline their start-up
    script and style; for those pages alone, exactly those blocks are allowed by hash."""

    def middleware(request):
        response = get_response(request)
        if "Content-Security-Policy" not in response:
            policy = dict(POLICY)
            if _is_api_docs(request) and not response.streaming:
                for kind, body in _INLINE.findall(response.content):
                    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
                    policy[f"{kind.decode()}-src"] += f" 'sha256-{digest}'"
                policy["img-src"] += " data:"  # Swagger UI's icons are data: URIs in its CSS
            response["Content-Security-Policy"] = "; ".join(f"{k} {v}" for k, v in policy.items())
        return response

    return middleware


def _is_api_docs(request) -> bool:
    match = getattr(request, "resolver_match", None)
    view_class = getattr(match.func, "view_class", None) if match else None
    return isinstance(view_class, type) and issubclass(view_class, (SpectacularSwaggerView, SpectacularRedocView))


# What is lost when these are raised: the database, or the Redis of the shared cache (CACHE_URL).
_UNAVAILABLE = {
    OperationalError: "database",
    InterfaceError: "database",
    RedisConnectionError: "cache",
    RedisTimeoutError: "cache",
}


class DatabaseUnavailableMiddleware:
    """A lost database or shared-cache connection (server down, restarting, network cut) gets a
    short 503 page with Retry-After instead of a 500. Django drops a broken database connection
    when the request ends and redis-py reconnects, so the site recovers without a restart."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        lost = next((part for kind, part in _UNAVAILABLE.items() if isinstance(exception, kind)), None)
        if lost is None:
            return None
        logger.warning("%s unavailable: %s", lost, exception)
        return unavailable_response()


def unavailable_response() -> HttpResponse:
    """The 503 page, rendered without touching the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
