"""Timings of the public pages through the Django test client (middleware, view, ranking,
snippets, facets, template), each beside its floor: the bare SQL that no page can beat,
timed alternately with the page in the same loop so that a noisy neighbour slows both.

Every page is requested once untimed (counting its SQL queries, checking it answers 200),
then `samples` times, each a first visit (the page cache emptied before it: what the targets
are held to) followed by a repeat visit (served from the page cache). Pages whose URL does not
exist yet are reported as not available.
"""

import statistics
import time
from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from papers.catalogue.models import Paper, Tag, Topic
from papers.claims import reading
from papers.claims.admin import ClaimAdmin
from papers.claims.maps import coverage, find_claims, neighbourhood
from papers.claims.models import Claim
from papers.search import match, search_ids
from papers.site.exports import EXPORT_LIMIT
from papers.site.forms import SearchForm
from papers.tagging.models import PaperTag

from . import queries

PAGE_SIZE = 20
DEEP_PAGE = 500


def summary(seconds: list[float]) -> dict:
    """p50 and p95 in milliseconds (p95 by linear interpolation between samples)."""
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"p50": round(statistics.median(ms), 1), "p95": round(p95, 1), "n": len(ms)}


class PageError(Exception):
    """A page answered other than 200 (the figure is reported as this error)."""


def guarded(measure: Callable[..., dict | None]) -> Callable[..., dict | None]:
    """A measure that reports a failing page instead of stopping the benchmark."""

    def run(*args):
        try:
            return measure(*args)
        except PageError as error:
            return {"error": str(error)}

    return run


class Pages:
    """GETs through the test client."""

    def __init__(self, samples: int):
        self.client = Client(raise_request_exception=False)
        self.samples = samples

    @staticmethod
    def url(name: str, *args, params: dict | None = None) -> str:
        return reverse(name, args=args) + ("?" + urlencode(params, doseq=True) if params else "")

    def get(self, url: str, *, first_visit: bool = True) -> float:
        if first_visit:
            caches["pages"].clear()
        start = time.perf_counter()
        response = self.client.get(url)
        seconds = time.perf_counter() - start
        if response.status_code != 200:
            raise PageError(f"GET {url} answered {response.status_code}")
        return seconds

    def count_queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.get(url)
        return len(captured)

    def side_by_side(self, url: str, floor: Callable[[], object]) -> tuple[list[float], list[float], list[float], int]:
        """First-visit timings, floor timings, repeat-visit timings, and the page's SQL query count."""
        count = self.count_queries(url)
        pages, floors, repeats = [], [], []
        for _ in range(self.samples):
            pages.append(self.get(url))
            repeats.append(self.get(url, first_visit=False))
            floors.append(_timed(floor))
        return pages, floors, repeats, count


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _form(params: dict) -> SearchForm:
    form = SearchForm(params)
    if not form.is_valid():
        raise AssertionError(f"benchmark query {params} is invalid: {form.error_text()}")
    return form


def ranked_floor(params: dict, page: int = 1) -> Callable[[], object]:
    """A search page's statement without its facets: matching, ranking and counting the
    matches, cutting the page. Parsing and the synonym look-up are done once beforehand."""
    form = _form(params)
    kwargs = form.search_kwargs(PAGE_SIZE)
    found = match(form.cleaned_data["q"], kwargs["filters"], kwargs["expand_synonyms"])
    return lambda: found.page(kwargs["sort"], limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def matched(params: dict) -> int:
    """How many public papers the query matches."""
    form = _form(params)
    kwargs = form.search_kwargs()
    return search_ids(
        form.cleaned_data["q"], filters=kwargs["filters"], limit=0, expand_synonyms=kwargs["expand_synonyms"]
    )[1]


def searches(pages: Pages, public: int, extra_common: list[dict]) -> dict:
    """Search pages and their ranked-SQL floors, for the selective and the common queries."""
    figures = {}
    for kind, asked in (("selective", queries.SELECTIVE), ("common", queries.COMMON + extra_common)):
        figures[kind] = guarded(_search_kind)(pages, public, asked)
    return figures


def _search_kind(pages: Pages, public: int, asked: list[dict]) -> dict:
    all_pages, all_floors, all_repeats, per_query = [], [], [], []
    for params in asked:
        timed, floors, repeats, count = pages.side_by_side(pages.url("search", params=params), ranked_floor(params))
        all_pages += timed
        all_floors += floors
        all_repeats += repeats
        share = matched(params) / public if public else 0
        per_query.append(
            {
                "query": queries.label(params),
                "share": round(share, 4),
                "queries": count,
                "page": summary(timed),
                "floor": summary(floors),
            }
        )
    half = [q for q in per_query if 0.35 <= q["share"] <= 0.65]
    return {
        "page": summary(all_pages),
        "floor": summary(all_floors),
        "repeat": summary(all_repeats),
        "queries": per_query,
        "max_sql_queries": max(q["queries"] for q in per_query),
        "p95_of_queries_matching_about_half": max((q["page"]["p95"] for q in half), default=None),
    }


def browsing(pages: Pages, samples_each: int = 10) -> dict:
    """Topic, tag (the busiest) and paper pages (spread over the table), up to `samples_each` of each."""
    tags = (
        PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED, paper__in=Paper.objects.public())
        .values("tag__slug")
        .annotate(n=Count("paper_id"))
        .order_by("-n")
        .values_list("tag__slug", flat=True)
    )
    public = Paper.objects.public()
    step = max(1, public.count() // samples_each)
    pmids = list(public.order_by("pk").values_list("pmid", flat=True)[::step][:samples_each])
    figures = {}
    for name, args_list, floor in (
        (
            "topic",
            [(slug,) for slug in Topic.objects.order_by("pk").values_list("slug", flat=True)[:samples_each]],
            lambda slug: ranked_floor({"q": "", "topic": slug, "sort": "newest"}),
        ),
        (
            "tag",
            [(slug,) for slug in tags[:samples_each]],
            lambda slug: ranked_floor({"q": "", "tag": [slug], "sort": "newest"}),
        ),
        ("paper", [(pmid,) for pmid in pmids], lambda pmid: lambda: Paper.objects.public().get(pmid=pmid)),
    ):
        figures[name] = guarded(_browse_kind)(pages, name, args_list, floor) if args_list else None
    return figures


def _browse_kind(pages: Pages, name: str, args_list: list[tuple], floor) -> dict:
    return _timed_pages(pages, [(pages.url(name, *args), floor(*args)) for args in args_list])


def claim_maps(pages: Pages, samples_each: int = 5) -> dict:
    """The claim maps: neighbourhoods of the tags in the most public claims, the finder (all
    claims, one agent's, one relation and target) and the coverage map, each beside its data
    queries (papers.claims.maps) as floor."""
    busiest = list(
        Claim.objects.public()
        .values("agent__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("agent__slug", flat=True)[:samples_each]
    )
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=busiest)}
    first = Claim.objects.public().select_related("target").order_by("pk").first()
    finder = [({}, (None, "", None))]
    if busiest:
        finder.append(({"agent": busiest[0]}, (tags[busiest[0]], "", None)))
    if first:
        finder.append(({"relation": first.relation, "target": first.target.slug}, (None, first.relation, first.target)))
    figures = {
        "neighbourhood": guarded(_browse_kind)(
            pages, "neighbourhood", [(slug,) for slug in busiest], lambda slug: lambda: neighbourhood(tags[slug])
        )
        if busiest
        else None,
        "finder": guarded(_timed_pages)(
            pages,
            [(pages.url("claim_finder", params=params), lambda a=args: find_claims(*a)) for params, args in finder],
        ),
        "coverage": guarded(_timed_pages)(pages, [(pages.url("coverage"), coverage)]),
        "sentences_to_read": sentences_to_read(pages),
    }
    return figures


@guarded
def sentences_to_read(pages: Pages) -> dict:
    """The admin's "Sentences to read", its first page as a curator (one of the Curators, who
    review tags) sees it, beside its floor: the list's length and first page (papers.claims.reading)."""
    curator = User.objects.create_user("benchmark-curator", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curators"))
    as_curator = Pages(pages.samples)
    as_curator.client.force_login(curator)

    def floor():
        return Paginator(reading.sentences_to_read(), ClaimAdmin.sentences_per_page).page(1).object_list

    return {
        "sentences": reading.sentences_to_read().count(),
        **_timed_pages(as_curator, [(pages.url("admin:papers_claim_sentences"), floor)]),
    }


def _timed_pages(pages: Pages, urls: list[tuple[str, Callable[[], object]]]) -> dict:
    """Pages, each beside its floor, summed up."""
    timed, floors, repeats, counts = [], [], [], []
    for url, floor in urls:
        page_times, floor_times, repeat_times, count = pages.side_by_side(url, floor)
        timed += page_times
        floors += floor_times
        repeats += repeat_times
        counts.append(count)
    return {
        "page": summary(timed),
        "floor": summary(floors),
        "repeat": summary(repeats),
        "max_sql_queries": max(counts),
        "pages": len(urls),
    }


@guarded
def deep_pagination(pages: Pages) -> dict | None:
    """Page 1 against page 500 (or the last page, on a small corpus) of a common query."""
    last = max(1, -(-matched(queries.DEEP) // PAGE_SIZE))
    deep = min(DEEP_PAGE, last)
    figures = {"deep_page": deep}
    for name, page in (("page_1", 1), ("page_deep", deep))[: 1 if deep == 1 else 2]:
        params = {**queries.DEEP, "page": str(page)}
        timed, floors, _, count = pages.side_by_side(pages.url("search", params=params), ranked_floor(params, page))
        figures[name] = {"page": summary(timed), "floor": summary(floors), "queries": count}
    return figures


@guarded
def export(pages: Pages) -> dict | None:
    """An RIS export of the candidate query whose match count is nearest EXPORT_RECORDS."""
    counts = {q: matched({"q": q}) for q in queries.EXPORT_CANDIDATES}
    eligible = {q: n for q, n in counts.items() if 0 < n <= EXPORT_LIMIT}
    if not eligible:
        return None
    query = min(eligible, key=lambda q: abs(eligible[q] - queries.EXPORT_RECORDS))
    url = pages.url("search_export", "ris", params={"q": query})
    timed, floors, _, count = pages.side_by_side(url, lambda: search_ids(query, limit=EXPORT_LIMIT + 1))
    return {
        "query": query,
        "records": eligible[query],
        "page": summary(timed),
        "floor": summary(floors),
        "queries": count,
    }


def index_size() -> dict:
    """Bytes of the full-text index, of the search documents it indexes, and of papers_paper."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_relation_size('papers_searchdocument_vector'),"
                " pg_total_relation_size('papers_searchdocument') - pg_indexes_size('papers_searchdocument'),"
                " pg_total_relation_size('papers_paper')"
            )
            index, documents, papers = cursor.fetchone()
        else:
            # dbstat names each table and index; the FTS5 index is its papers_search_fts_* tables.
            cursor.execute(
                "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name"
                " GROUP BY m.tbl_name"
            )
            sizes = dict(cursor.fetchall())
            index = sum(n for name, n in sizes.items() if name.startswith("papers_search_fts"))
            documents, papers = sizes["papers_searchdocument"], sizes["papers_paper"]
    mb = 1024 * 1024
    return {
        "index_mb": round(index / mb, 1),
        "documents_mb": round(documents / mb, 1),
        "papers_mb": round(papers / mb, 1),
        "index_to_documents": round(index / documents, 2),
    }
