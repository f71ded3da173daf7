"""What every list of papers shares: canonical query strings (permalinks), facet and filter
links, pagination, and the authors and confirmed tags of one page in two queries."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from math import ceil
from typing import NamedTuple
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils import timezone

from papers.catalogue.models import Author, Authorship
from papers.search import Results
from papers.site.exports import FORMATS
from papers.site.forms import SearchForm
from papers.tagging.models import PaperTag

# Parameter order in every link we write, so one search has exactly one permalink.
PARAMS = (
    "q",
    "tag",
    "topic",
    "year_from",
    "year_to",
    "journal",
    "type",
    "approved_since",
    "sort",
    "synonyms",
    "page_size",
    "page",
)
# Sort is always written out: its default differs between the search page and topic pages.
_DEFAULTS = {"synonyms": "on", "page": 1}
AUTHORS_SHOWN = 3
RECENT_DAYS = 30  # what "what's new" covers


def tag_url(slug: str) -> str:
    """A tag page's URL, reversed once a tag: a page links to each of its tags (chips, related
    tags), and reversing each anew took a tag page a tenth of its time."""
    return _tag_url(get_script_prefix(), slug)


@lru_cache(maxsize=1024)
def _tag_url(script_prefix: str, slug: str) -> str:  # the prefix: each deployment's (SCRIPT_NAME) own
    return reverse("tag", args=[slug])


def recent_since() -> date:
    """The first day of "what's new". Pages are cached per day too (papers.site.page_cache)."""
    return timezone.localdate() - timedelta(days=RECENT_DAYS)


@dataclass(frozen=True)
class Listing:
    """What a result page (and its export) lists: the search typed, or a topic's or a tag's
    papers, which fix a filter and, sorted by relevance, are ranked by their tags' names."""

    topic: str = ""
    tags: tuple[str, ...] = ()
    ranking_words: str | None = None  # None: the words typed
    default_sort: str = "relevance"

    def arguments(self, form: SearchForm) -> tuple[str, dict]:
        """search()'s query and keyword arguments, from a valid form."""
        kwargs = form.search_kwargs()
        kwargs["sort"] = form.cleaned_data.get("sort") or self.default_sort
        typed = kwargs["filters"]
        kwargs["filters"] = replace(
            typed, topic=self.topic or typed.topic, tags=tuple(dict.fromkeys((*self.tags, *typed.tags)))
        )
        if self.ranking_words is None:
            return form.cleaned_data["q"], kwargs
        return (self.ranking_words if kwargs["sort"] == "relevance" else ""), kwargs


def canonical(data: dict, **changes) -> list[tuple[str, str]]:
    """Cleaned search parameters (with `changes`; None removes one) as ordered pairs, defaults dropped."""
    merged = {**data, **changes}
    pairs = []
    for name in PARAMS:
        value = merged.get(name)
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs += [(name, str(v)) for v in values if v not in (None, "", _DEFAULTS.get(name))]
    return pairs


def query_string(data: dict, **changes) -> str:
    pairs = canonical(data, **changes)
    return "?" + urlencode(pairs) if pairs else "?"


@dataclass
class Link:
    label: str
    url: str
    count: int | None = None
    active: bool = False


def facet_links(form: SearchForm, results: Results, *, fixed_tags: tuple[str, ...] = ()) -> dict[str, list[Link]]:
    """A link per facet value that adds that filter (and goes back to page 1). On a page that
    fixes tags (a tag page), the other tags link to their own pages instead: related tags."""
    data = form.cleaned_data
    chosen_tags = list(data.get("tag") or ())

    def tag_link(f):
        if fixed_tags:
            return Link(f.label, tag_url(f.value), f.count)
        return Link(
            f.label, query_string(data, tag=[*chosen_tags, f.value], page=None), f.count, f.value in chosen_tags
        )

    links = {
        "Related tags" if fixed_tags else "Tags": [
            tag_link(f) for f in results.facets.tags if f.value not in fixed_tags
        ],
        "Years": [
            Link(
                f.label,
                query_string(data, year_from=f.value, year_to=f.value, page=None),
                f.count,
                data.get("year_from") == data.get("year_to") == f.value,
            )
            for f in results.facets.years
        ],
        "Journals": [
            Link(f.label, query_string(data, journal=f.value, page=None), f.count, data.get("journal") == f.value)
            for f in results.facets.journals
        ],
        "Publication types": [
            Link(f.label, query_string(data, type=f.value, page=None), f.count, data.get("type") == f.value)
            for f in results.facets.publication_types
        ],
    }
    return {name: values for name, values in links.items() if values}


def active_filters(form: SearchForm) -> list[Link]:
    """The filters in force, each with a link that removes it; a tag or topic by its name."""
    data = form.cleaned_data
    tags = list(data.get("tag") or ())
    active = [
        Link(
            f"Tag: {form.tag_names.get(slug, slug)}", query_string(data, tag=[t for t in tags if t != slug], page=None)
        )
        for slug in tags
    ]
    if data.get("topic"):
        active.append(Link(f"Topic: {form.topic_name}", query_string(data, topic=None, page=None)))
    if data.get("year_from") or data.get("year_to"):
        years = "–".join(dict.fromkeys(str(y) for y in (data.get("year_from") or "…", data.get("year_to") or "…")))
        active.append(Link(f"Years: {years}", query_string(data, year_from=None, year_to=None, page=None)))
    if data.get("journal"):
        active.append(Link(f"Journal: {data['journal']}", query_string(data, journal=None, page=None)))
    if data.get("type"):
        active.append(Link(f"Type: {data['type']}", query_string(data, type=None, page=None)))
    if data.get("approved_since"):
        active.append(
            Link(
                f"Approved since {data['approved_since']:%d %b %Y}", query_string(data, approved_since=None, page=None)
            )
        )
    return active


def pagination(form: SearchForm, total: int, page: int, page_size: int) -> list[Link]:
    """Previous, a window of page numbers around this one (with the first and last), next."""
    pages = max(1, ceil(total / page_size))
    if pages == 1:
        return []
    data = form.cleaned_data
    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links = [Link("Previous", query_string(data, page=page - 1))] if page > 1 else []
    last = 0
    for n in numbers:
        if n > last + 1:
            links.append(Link("…", ""))
        links.append(Link(str(n), query_string(data, page=n), active=n == page))
        last = n
    if page < pages:
        links.append(Link("Next", query_string(data, page=page + 1)))
    return links


class TagChip(NamedTuple):
    name: str
    url: str


def with_authors_and_tags(papers) -> None:
    """Attach `authors_shown` ('Roodman GD, Terpos E, Zamagni E, et al.') and `tag_chips` (the
    confirmed tags, by name) to each paper: two queries of plain values, since model objects for
    every authorship, author and tag of a page cost more than its SQL. Only the first authors are
    read (one more than are shown, so a list knows when to add "et al."): a consortium paper can
    have thousands, none of whom a result list needs."""
    ids = [paper.pk for paper in papers]
    names = defaultdict(list)
    for paper_id, *author in (
        Authorship.objects.filter(paper_id__in=ids, position__lte=AUTHORS_SHOWN + 1)
        .order_by("paper_id", "position")
        .values_list("paper_id", "author__last_name", "author__initials", "author__collective_name")
    ):
        names[paper_id].append(Author.cited(*author))
    tags = list(
        PaperTag.objects.filter(paper_id__in=ids, status=PaperTag.Status.CONFIRMED)
        .order_by("tag__name")
        .values_list("paper_id", "tag__slug", "tag__name")
    )
    chips = defaultdict(list)
    for paper_id, slug, name in tags:
        chips[paper_id].append(TagChip(name, tag_url(slug)))
    for paper in papers:
        shown = names[paper.pk]
        paper.authors_shown = ", ".join(shown[:AUTHORS_SHOWN]) + (", et al." if len(shown) > AUTHORS_SHOWN else "")
        paper.tag_chips = chips[paper.pk]


def export_links(route: str, args: list, query: str) -> list[tuple[str, str]]:
    """(format label, URL) for each export format of the list a route serves."""
    return [(f.label, reverse(route, args=[*args, key]) + query.rstrip("?")) for key, f in FORMATS.items()]
