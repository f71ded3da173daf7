"""Feeds: follow a search, a topic or a tag. Each feed takes its page's parameters and lists
the matching approved papers approved last, newest approval first (Django's syndication
framework writes Atom and RSS)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html_join
from django.utils.text import Truncator

from papers.catalogue.citation import pubmed_date
from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper, Tag, Topic
from papers.search import approved_last_ids
from papers.site import browse
from papers.site.export import throttled
from papers.site.forms import SearchForm
from papers.site.listing import Listing, query_string, with_authors_and_tags

FEED_SIZE = 50  # entries per feed: a reader polls often, and a search can match thousands
ABSTRACT_CHARS = 400  # the abstract's first lines
FEED_TYPES = {"atom": Atom1Feed, "rss": Rss201rev2Feed}
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FIELDS = (
    "pmid",
    "title",
    "vernacular_title",
    "abstract",
    "journal_title",
    "journal_iso",
    "pub_year",
    "pub_month",
    "pub_day",
    "pub_date_text",
    "volume",
    "issue",
    "pages",
    "reviewed_at",
)


@dataclass
class FollowedList:
    title: str
    page_url: str  # the page this feed follows, with its parameters
    papers: list[Paper]


class PapersFeed(Feed):
    """The papers of a FollowedList, with authors, source, the abstract's first lines and a link."""

    def get_object(self, request, followed: FollowedList):
        return followed

    def title(self, followed):
        return plain(f"{followed.title} — Myeloma literature")

    def link(self, followed):
        return followed.page_url

    def description(self, followed):
        return plain(f"Papers newly approved in the collection: {followed.title}.")

    def items(self, followed):
        return followed.papers

    def item_title(self, paper):
        return plain(paper.title or paper.vernacular_title) or f"PMID {paper.pmid}"

    def item_description(self, paper):
        abstract = Truncator(plain(paper.abstract)).chars(ABSTRACT_CHARS)
        lines = [plain(paper.authors_shown), plain(source_line(paper)), abstract]
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines if line))

    def item_link(self, paper):
        return paper.get_absolute_url()

    def item_pubdate(self, paper):
        return paper.reviewed_at

    def item_updateddate(self, paper):
        return paper.reviewed_at

    def item_author_name(self, paper):
        return plain(paper.authors_shown) or None

    def item_categories(self, paper):
        return [plain(chip.name) for chip in paper.tag_chips]


def plain(fragment: str) -> str:
    """Text for any field of a feed: no markup (RSS readers may show a title as HTML, and PubMed
    escapes what looks like a tag, so tags are dropped again once unescaped) and none of the
    characters XML 1.0 forbids (a control character typed in a search once gave a 500)."""
    return _NOT_XML.sub("", to_text(to_text(fragment or "")))


def source_line(paper: Paper) -> str:
    """'Blood. 2021 Jun 5;137(22):3049-3061.' as PubMed writes a source."""
    date = pubmed_date(paper)
    volume = f"{paper.volume}({paper.issue})" if paper.issue else paper.volume
    located = ";".join(p for p in (date, ":".join(p for p in (volume, paper.pages) if p)) if p)
    return " ".join(p for p in (paper.journal_iso or paper.journal_title, located) if p).strip() + "."


def _feed(
    request, fmt: str, title: str | Callable[[str], str], page_route: tuple[str, list], listing: Listing
) -> HttpResponse:
    if fmt not in FEED_TYPES:
        raise Http404("No such feed format.")
    form = SearchForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
    query, kwargs = listing.arguments(form)
    if callable(title):  # a search's title names the words searched, as the form cleaned them
        title = title(form.cleaned_data["q"])
    ids = approved_last_ids(
        query, filters=kwargs["filters"], limit=FEED_SIZE, expand_synonyms=kwargs["expand_synonyms"]
    )
    found = Paper.objects.public().only(*_FIELDS).in_bulk(ids)
    papers = [found[pk] for pk in ids if pk in found]
    with_authors_and_tags(papers)
    page_url = reverse(page_route[0], args=page_route[1]) + query_string(
        form.cleaned_data, page=None, page_size=None, sort=None
    ).rstrip("?")
    feed = PapersFeed()
    feed.feed_type = FEED_TYPES[fmt]
    return feed(request, followed=FollowedList(title, page_url, papers))


@partial(throttled, kind="feeds")
def search_feed(request, fmt: str):
    return _feed(request, fmt, lambda q: f"Search: {q}" if q else "All papers", ("search", []), Listing())


@partial(throttled, kind="feeds")
def topic_feed(request, slug: str, fmt: str):
    topic = get_object_or_404(Topic, slug=slug)
    return _feed(request, fmt, topic.name, ("topic", [slug]), browse.topic_listing(topic, browse.topic_tags(topic)))


@partial(throttled, kind="feeds")
def tag_feed(request, slug: str, fmt: str):
    tag = get_object_or_404(Tag, slug=slug)
    return _feed(request, fmt, tag.name, ("tag", [slug]), browse.tag_listing(tag))
