"""The search page."""

from .results import render_results


def search_page(request):
    """Ranked, synonym-aware full-text search with facets; its URL is its permalink."""
    return render_results(request, "papers/search.html", {}, export=("search_export", []))
