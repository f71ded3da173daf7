"""The public site's routes: stable URLs, since researchers cite and bookmark them. Pages and
exports are cached until the collection changes, each keyed by the parameters it reads."""

from django.contrib.sitemaps import views as sitemaps
from django.urls import path
from django.views.decorators.http import require_safe

from papers.site import about, browse, claims, crawlers, export, feeds, paper, search
from papers.site.forms import SearchForm
from papers.site.page_cache import cached_page

FORMAT = "<str:fmt>"
LISTED = tuple(SearchForm.base_fields)  # a list of papers' parameters
FOUND = tuple(claims.FinderForm.base_fields)  # the mechanism finder's

urlpatterns = [
    path("", cached_page(browse.home), name="home"),
    path("about/", cached_page(about.about_page), name="about"),
    path("search/", cached_page(search.search_page, LISTED), name="search"),
    path(f"search/export.{FORMAT}", cached_page(export.search_export, LISTED), name="search_export"),
    path(f"search/feed.{FORMAT}", cached_page(feeds.search_feed, LISTED), name="search_feed"),
    path("topics/<slug:slug>/", cached_page(browse.topic_page, LISTED), name="topic"),
    path(f"topics/<slug:slug>/export.{FORMAT}", cached_page(export.topic_export, LISTED), name="topic_export"),
    path(f"topics/<slug:slug>/feed.{FORMAT}", cached_page(feeds.topic_feed, LISTED), name="topic_feed"),
    path("tags/<slug:slug>/", cached_page(browse.tag_page, LISTED), name="tag"),
    path(f"tags/<slug:slug>/export.{FORMAT}", cached_page(export.tag_export, LISTED), name="tag_export"),
    path(f"tags/<slug:slug>/feed.{FORMAT}", cached_page(feeds.tag_feed, LISTED), name="tag_feed"),
    path("tags/<slug:slug>/mechanisms/", cached_page(claims.neighbourhood_page), name="neighbourhood"),
    path("mechanisms/", cached_page(claims.finder_page, FOUND), name="claim_finder"),
    path("mechanisms/coverage/", cached_page(claims.coverage_page), name="coverage"),
    path(f"mechanisms/export.{FORMAT}", cached_page(claims.claims_export, FOUND), name="claims_export"),
    path("papers/<int:pmid>/", cached_page(paper.paper_page), name="paper"),
    path(f"papers/<int:pmid>/export.{FORMAT}", cached_page(export.paper_export), name="paper_export"),
    path("robots.txt", cached_page(crawlers.robots_txt), name="robots"),
    path(
        "sitemap.xml",
        cached_page(sitemaps.index),
        {"sitemaps": crawlers.SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemaps.sitemap, ("p",)),
        {"sitemaps": crawlers.SITEMAPS},
        name="sitemap_section",
    ),
    path("favicon.ico", require_safe(crawlers.favicon)),
]
