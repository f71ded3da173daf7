"""The site with a fault planted that shows only as deployed: the coverage page raises when
the page cache is on. tests/site/test_crawler.py serves it once to show that the crawl as deployed
fails on such a fault (`gunicorn tests.support.planted_fault:application`)."""

from django.conf import settings

from myeloma_lit.wsgi import application  # noqa: F401 (what gunicorn serves)
from papers.site import claims

_coverage_page = claims.coverage_page


def coverage_page(request):
    if settings.PAGE_CACHE_SECONDS:
        raise RuntimeError("a fault planted under the page cache")
    return _coverage_page(request)


claims.coverage_page = coverage_page  # before papers.urls is read, at the first request
