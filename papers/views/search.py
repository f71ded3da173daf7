"""The search page."""

from .listing import Listing
from .results import render_results


def search_page(request):
    """Ranked, synonym-aware full-text search with facets; its URL is its permalink."""
    return render_results(request, "papers/search.html", {}, listing=Listing(), route=("search", []))
