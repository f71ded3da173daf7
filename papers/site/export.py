"""Downloads: one paper, or every page of a search, topic or tag, in RIS, BibTeX, CSV or CSL-JSON.

The routes serve a download from the page cache while the collection is unchanged (papers.urls);
what is written anew is throttled per client address (feeds too).
"""

import math
from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from myeloma_lit.clients import client_address
from myeloma_lit.throttling import ExactRateThrottle
from papers.catalogue.models import Paper, Tag, Topic
from papers.search import search_ids
from papers.site import browse, exports
from papers.site.forms import SearchForm
from papers.site.listing import Listing


class ExportThrottle(ExactRateThrottle):
    """Exports and feeds written anew, per client address and kind, counted in the shared cache
    (CACHE_URL)."""

    rate = "20/minute"  # a researcher's downloads; a list of 5,000 papers is a few seconds' work

    def __init__(self, kind: str = "exports"):
        super().__init__()
        self.kind = kind

    def get_cache_key(self, request, view):
        return f"throttle_{self.kind}_{client_address(request)}"


def throttled(view, kind: str = "exports"):
    """Refuse a `kind` of download (exports, feeds) with 429 and Retry-After once the client is
    over ExportThrottle's rate for it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        throttle = ExportThrottle(kind)
        if throttle.allow_request(request, None):
            return view(request, *args, **kwargs)
        seconds = math.ceil(throttle.wait() or 1)
        message = f"Too many {kind} from your address: try again in {seconds} seconds."
        response = render(request, "papers/export_refused.html", {"message": message}, status=429)
        response["Retry-After"] = str(seconds)
        return response

    return wrapped


def too_many(request, total: int, things: str, limit: int, filters: str) -> HttpResponse:
    """The polite 400 of an export over its limit, naming the filters that narrow it."""
    message = (
        f"This list has {total:,} {things}; an export holds at most {limit:,}. "
        f"Narrow it with a filter ({filters}) and export again."
    )
    return render(request, "papers/export_refused.html", {"message": message}, status=400)


def _download(request, ids: list[int], fmt: str, stem: str) -> HttpResponse:
    export_format = exports.FORMATS[fmt]
    # The token the page cache read before the ids were found, if it did (papers.site.page_cache).
    version = getattr(request, "collection_version", None)
    response = HttpResponse(exports.export(ids, fmt, version), content_type=export_format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{export_format.extension}"'
    return response


def _format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise Http404("No such export format.")
    return fmt


@throttled
def paper_export(request, pmid: int, fmt: str):
    paper = get_object_or_404(Paper.objects.public().only("pk"), pmid=pmid)
    return _download(request, [paper.pk], _format(fmt), f"pmid-{pmid}")


def _results_export(request, fmt: str, stem: str, listing: Listing):
    """Every paper of the list in result order, refused politely beyond exports.EXPORT_LIMIT."""
    fmt = _format(fmt)
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "papers/export_refused.html", {"message": form.error_text()}, status=400)
    query, kwargs = listing.arguments(form)
    ids, total = search_ids(
        query,
        filters=kwargs["filters"],
        limit=exports.EXPORT_LIMIT + 1,
        sort=kwargs["sort"],
        expand_synonyms=kwargs["expand_synonyms"],
    )
    if total > exports.EXPORT_LIMIT:
        return too_many(request, total, "papers", exports.EXPORT_LIMIT, "a tag, a year range, a journal")
    if not ids:
        return render(
            request,
            "papers/export_refused.html",
            {"message": "Nothing to export: no approved paper matches."},
            status=404,
        )
    return _download(request, ids, fmt, stem)


@throttled
def search_export(request, fmt: str):
    return _results_export(request, fmt, "myeloma-lit-search", Listing())


@throttled
def topic_export(request, slug: str, fmt: str):
    topic = get_object_or_404(Topic, slug=slug)
    return _results_export(request, fmt, f"myeloma-lit-{slug}", browse.topic_listing(topic, browse.topic_tags(topic)))


@throttled
def tag_export(request, slug: str, fmt: str):
    tag = get_object_or_404(Tag, slug=slug)
    return _results_export(request, fmt, f"myeloma-lit-{slug}", browse.tag_listing(tag))
