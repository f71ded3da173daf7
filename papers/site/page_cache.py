"""Whole responses of the public pages, kept until the collection changes.

A public page is the same for every visitor, and the database itself says when anything such
a page shows has changed: a token that every committed write renews (migration 0007). So a
page is computed once per URL and token; the next visitor gets the stored bytes after one
primary-key read; pages are also keyed by the day, since "what's new" covers the last 30 days.
Nothing can be served stale: the token is read before the page's own
queries, so a page stored under it is at least as new as the token, and a write that hides a
paper renews the token in the same commit.

The pages live in the "pages" cache: Redis shared by every worker and server when CACHE_URL is
set, else each process's own memory (bounded by PAGE_CACHE_ENTRIES); PAGE_CACHE_SECONDS=0 turns
this off.
"""

import hashlib
from functools import wraps
from urllib.parse import unquote_plus, urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

HEADER = "X-Page-Cache"  # hit or miss: for the load test and anyone tuning a deployment
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link", "ETag", "Last-Modified", "Cache-Control")
# Browsers and proxies may keep a page but must ask again each time: a repeat visit with the
# page's ETag (its cache key: collection token, day and URL) costs a 304 and no body.
CACHE_CONTROL = "public, no-cache"


def collection_version() -> str:
    """The token the last committed change to the public collection left."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM papers_collection_version")
        token = cursor.fetchone()[0]
    return token.hex() if isinstance(token, bytes) else str(token)


def cached_page(view, params: tuple[str, ...] = ()):
    """Serve a public view's successful GET from the cache while the collection is unchanged.

    The view sees, and the key holds, only the query parameters it reads (`params`): others are
    dropped, not refused, since links from elsewhere carry their own (utm_source, fbclid), and a
    made-up one must neither make a new key nor reach the page. Methods other than GET and HEAD
    are answered 405 before anything is rendered."""

    known = frozenset(params)

    @wraps(view)
    @require_safe
    def wrapped(request, *args, **kwargs):
        if not settings.PAGE_CACHE_SECONDS:
            return _render(view, request, params, args, kwargs)
        pages = caches["pages"]
        # The whole URL: a paper page's canonical link names the scheme and host it was asked by.
        day = timezone.localdate()
        url = f"{request.build_absolute_uri(request.path)}?{_key_query(request, known)}"
        # Kept on the request for what the view caches of its own (exports' entries): one read.
        request.collection_version = collection_version()
        key = "page:" + hashlib.sha256(f"{request.collection_version} {day} {url}".encode()).hexdigest()
        stored = pages.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response[HEADER] = "hit"
            return response
        response = _render(view, request, params, args, kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):  # a TemplateResponse (the sitemaps') is rendered late
                response.render()
            response["ETag"] = f'"{key.removeprefix("page:")[:32]}"'
            response["Last-Modified"] = http_date()
            response["Cache-Control"] = CACHE_CONTROL
            pages.set(
                key,
                (response.content, {h: response[h] for h in _KEPT_HEADERS if h in response}),
                timeout=settings.PAGE_CACHE_SECONDS,
            )
        response[HEADER] = "miss"
        return response

    return wrapped


def _key_query(request, known: frozenset[str]) -> str:
    """The query string as the key holds it: the pairs whose name the view reads, as given and in
    the order given, so a repeat visit costs no parsing (a name is decoded only when it is not
    one of `known` as it stands)."""
    pairs = request.META.get("QUERY_STRING", "").split("&")
    return "&".join(pair for pair in pairs if (name := pair.partition("=")[0]) in known or unquote_plus(name) in known)


def _known(request, params: tuple[str, ...]) -> list[tuple[str, str]]:
    """The parameters named in `params`, in that order, each with its values as given."""
    if not request.META.get("QUERY_STRING"):
        return []
    given = request.GET
    return [(name, value) for name in params if name in given for value in given.getlist(name)]


def _render(view, request, params: tuple[str, ...], args, kwargs):
    """The view, shown only the parameters it reads."""
    request.GET = QueryDict(urlencode(_known(request, params)))
    return view(request, *args, **kwargs)
