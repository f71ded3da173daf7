"""A way on from a search that finds nothing, or less than a topic or tag of its name: each
term's own count when several terms together find nothing, and the tags and topics the terms
name that list more papers than the search found. Any other search sends no statement here."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.urls import reverse

from papers.catalogue.models import PaperQuerySet, Tag
from papers.search import Results, match, search_ids
from papers.site.forms import SearchForm
from papers.site.listing import Link, query_string
from papers.tagging.models import PaperTag

# Terms counted alone: two statements each (search() reads the tags' names, then counts), so a
# page that finds nothing stays within a few statements of a result page.
MAX_TERMS = 4
_PHRASE = re.compile(r'"[^"]+"?')
# A tag's topic and the topic's parent (the tree has two levels).
_TOPICS = ("topic_id", "topic__slug", "topic__name", "topic__parent_id", "topic__parent__slug", "topic__parent__name")


@dataclass
class WayOn:
    alone: list[Link]  # each term searched alone, with its count
    named: list[Link]  # the tags and topics the terms name, with their counts


def way_on(form: SearchForm, kwargs: dict, results: Results) -> WayOn | None:
    """What to offer beside `results`, the search page's results for the form's words and
    search() `kwargs`; None when nothing need be offered (and nothing was asked of the database)."""
    text = (form.cleaned_data.get("q") or "").strip()
    several = not results.total and len(text.split()) > 1
    if not (several or _PHRASE.fullmatch(text)):
        return None
    if not several:  # a quoted phrase that found papers: it names a tag or topic, or nothing
        return WayOn([], [link for link in _named([text.strip('"').strip()]) if link.count > results.total])
    expand = kwargs["expand_synonyms"]
    parsed = match(text, expand_synonyms=expand).parsed
    terms = [group[0].text for group in parsed.groups][:MAX_TERMS]  # each as typed, before its synonyms
    if not terms:
        return None
    alone = []
    # Terms joined by OR or with words left out are no plain list of terms to count alone.
    if len(terms) > 1 and not parsed.excluded and "OR" not in text.split():
        data = form.cleaned_data
        for term in terms:
            typed = f'"{term}"' if " " in term else term
            _, count = search_ids(typed, filters=kwargs["filters"], limit=0, expand_synonyms=expand)
            alone.append(Link(term, query_string(data, q=typed, page=None), count))
    return WayOn(alone, [link for link in _named(terms) if link.count > results.total])


def _named(terms: list[str]) -> list[Link]:
    """The tags (by name or synonym) and topics (by name) that the terms name, any case, with
    the number of public papers each lists (as its page counts them): two statements, the
    tags' names with their topics', then one count of each named tag's and topic's papers. The
    names are read as rows, not models: a search page reads them all to find one or none."""
    wanted = {term.casefold() for term in terms}
    tags, topics = {}, {}
    for pk, slug, name, synonyms, *topic_columns in Tag.objects.values_list("pk", "slug", "name", "synonyms", *_TOPICS):
        if wanted & {each.casefold() for each in (slug, name, *synonyms)}:
            tags[pk] = (slug, name)
        for topic_pk, topic_slug, topic_name in (topic_columns[:3], topic_columns[3:]):
            if topic_pk is not None and topic_name.casefold() in wanted:
                topics[topic_pk] = (topic_slug, topic_name)
    if not (tags or topics):
        return []
    in_topic = {pk: Q(tag__topic=pk) | Q(tag__topic__parent=pk) for pk in topics}
    counts = (
        PaperTag.objects.filter(PaperQuerySet.public_condition("paper__"), status=PaperTag.Status.CONFIRMED)
        .filter(reduce(or_, [Q(tag__in=list(tags)), *in_topic.values()]))
        .aggregate(
            **{f"tag_{pk}": Count("paper", distinct=True, filter=Q(tag=pk)) for pk in tags},
            **{f"topic_{pk}": Count("paper", distinct=True, filter=q) for pk, q in in_topic.items()},
        )
    )
    return [
        *(Link(f"Tag: {name}", reverse("tag", args=[slug]), counts[f"tag_{pk}"]) for pk, (slug, name) in tags.items()),
        *(
            Link(f"Topic: {name}", reverse("topic", args=[slug]), counts[f"topic_{pk}"])
            for pk, (slug, name) in topics.items()
        ),
    ]
