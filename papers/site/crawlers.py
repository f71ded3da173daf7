"""What crawlers and browsers ask of any site: robots.txt, a sitemap of every public page (the
home page, each topic, tag and approved paper: search engines reach every paper, not only those
linked from a first page of results), and /favicon.ico."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse

from papers.catalogue.models import Paper, Tag, Topic


class HomeSitemap(Sitemap):
    def items(self):
        return ["home"]

    def location(self, name):
        return reverse(name)


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.order_by("slug").only("slug")

    def location(self, topic):
        return reverse("topic", args=[topic.slug])


class TagSitemap(Sitemap):
    def items(self):
        return Tag.objects.order_by("slug").only("slug")

    def location(self, tag):
        return reverse("tag", args=[tag.slug])


class PaperSitemap(Sitemap):
    limit = 10_000  # papers per sitemap file; the index lists the files

    def items(self):
        return Paper.objects.public().filter(pmid__isnull=False).order_by("pmid").only("pmid", "updated_at")

    def lastmod(self, paper):
        return paper.updated_at


SITEMAPS = {"pages": HomeSitemap, "topics": TopicSitemap, "tags": TagSitemap, "papers": PaperSitemap}


def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (the API's JSON, for one)."""
    return redirect(static("papers/favicon.svg"))


def robots_txt(request):
    """Crawl the pages; leave the admin, the API and the downloads (each a throttled export) alone."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /*/export.",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
