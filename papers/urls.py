"""The public site's routes: stable URLs, since researchers cite and bookmark them. Pages and
exports are cached until the collection changes."""

from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from papers.site import browse, claims, crawlers, export, feeds, paper, search
from papers.site.page_cache import cached_page

FORMAT = "<str:fmt>"

urlpatterns = [
    path("", cached_page(browse.home), name="home"),
    path("search/", cached_page(search.search_page), name="search"),
    path(f"search/export.{FORMAT}", cached_page(export.search_export), name="search_export"),
    path(f"search/feed.{FORMAT}", cached_page(feeds.search_feed), name="search_feed"),
    path("topics/<slug:slug>/", cached_page(browse.topic_page), name="topic"),
    path(f"topics/<slug:slug>/export.{FORMAT}", cached_page(export.topic_export), name="topic_export"),
    path(f"topics/<slug:slug>/feed.{FORMAT}", cached_page(feeds.topic_feed), name="topic_feed"),
    path("tags/<slug:slug>/", cached_page(browse.tag_page), name="tag"),
    path(f"tags/<slug:slug>/export.{FORMAT}", cached_page(export.tag_export), name="tag_export"),
    path(f"tags/<slug:slug>/feed.{FORMAT}", cached_page(feeds.tag_feed), name="tag_feed"),
    path("tags/<slug:slug>/mechanisms/", cached_page(claims.neighbourhood_page), name="neighbourhood"),
    path("mechanisms/", cached_page(claims.finder_page), name="claim_finder"),
    path("mechanisms/coverage/", cached_page(claims.coverage_page), name="coverage"),
    path(f"mechanisms/export.{FORMAT}", cached_page(claims.claims_export), name="claims_export"),
    path("papers/<int:pmid>/", cached_page(paper.paper_page), name="paper"),
    path(f"papers/<int:pmid>/export.{FORMAT}", cached_page(export.paper_export), name="paper_export"),
    path("robots.txt", crawlers.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cached_page(sitemaps.index),
        {"sitemaps": crawlers.SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml", cached_page(sitemaps.sitemap), {"sitemaps": crawlers.SITEMAPS}, name="sitemap_section"
    ),
    path("favicon.ico", crawlers.favicon),
]
