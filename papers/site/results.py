"""One page of results for the search, topic and tag pages: read the parameters, search, and
build what the result list template shows."""

from django.shortcuts import render
from django.urls import reverse

from papers.search import FACETS, search
from papers.search.scope import day_start
from papers.site.charts import year_chart
from papers.site.forms import SearchForm
from papers.site.listing import (
    Listing,
    active_filters,
    export_links,
    facet_links,
    pagination,
    query_string,
    recent_since,
    with_authors_and_tags,
)
from papers.site.way_on import named_terms, way_on


def render_results(
    request,
    template: str,
    context: dict,
    *,
    listing: Listing,
    route: tuple[str, list],
    facets=FACETS,
    whats_new: bool = False,
):
    """Render `template` with the results of the request's search parameters for `listing`, with
    links to export and follow them all (`route`: the page's route name and arguments, whose
    `_export` and `_feed` routes serve the list); with `whats_new`, how many of its papers were
    approved in the last RECENT_DAYS, linked. Bad parameters give the page with a message and a
    400."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, template, {**context, "form": form, "error": form.error_text()}, status=400)
    data = form.cleaned_data
    name, args = route
    text, kwargs = listing.arguments(form)
    # What is new is counted over the listing itself (its words too), in the search's statement.
    since = recent_since() if whats_new and not data.get("approved_since") else None
    searched = listing.ranking_words is None  # the search page, which offers a way on
    count = named_terms(text) if searched else []
    results = search(text, facets=facets, recent_since=since and day_start(since), count_named=count, **kwargs)
    papers = [hit.paper for hit in results.hits]
    with_authors_and_tags(papers)
    if since:
        url = query_string(data, approved_since=since, page=None)
        context = {**context, "recent": {"count": results.facets.recent, "since": since, "url": url}}
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "results": results,
            "sort": kwargs["sort"],
            "chart": year_chart({f.value: f.count for f in results.facets.years}),
            "sort_links": {value: query_string(data, sort=value, page=None) for value in ("relevance", "newest")},
            "facet_links": facet_links(form, results, fixed_tags=listing.tags),
            "active_filters": active_filters(form),
            "pages": pagination(form, results.total, kwargs["page"], kwargs["page_size"]),
            "first_shown": (kwargs["page"] - 1) * kwargs["page_size"] + 1,
            "last_shown": (kwargs["page"] - 1) * kwargs["page_size"] + len(papers),
            "permalink": request.path + query_string(data),
            "export_links": export_links(f"{name}_export", args, query_string(data, page=None, page_size=None)),
            "feed_url": reverse(f"{name}_feed", args=[*args, "atom"])
            + query_string(data, page=None, page_size=None, sort=None).rstrip("?"),
            "synonyms_off_link": query_string(data, synonyms="off", page=None),
            "synonyms_on_link": query_string(data, synonyms=None, page=None),
            "way_on": way_on(form, kwargs, results) if searched else None,
        },
    )
