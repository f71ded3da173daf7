"""The search page."""

from papers.site.listing import Listing
from papers.site.results import render_results


def search_page(request):
    """Ranked, synonym-aware full-text search with facets; its URL is its permalink."""
    return render_results(request, "papers/search.html", {}, listing=Listing(), route=("search", []))
