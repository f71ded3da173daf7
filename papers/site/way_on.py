"""A way on from a search that finds nothing, or less than a topic or tag of its name: each
term's own count when several terms together find nothing, and the tags and topics the terms
name that list more papers than the search found. A quoted phrase's tags and topics are counted
in the search's own statement (`named_terms`); any other search that finds papers sends no
statement here."""

import re
from dataclasses import dataclass

from django.urls import reverse

from papers.search import Results, match, named_counts, search_ids
from papers.search.query import Named
from papers.site.forms import SearchForm
from papers.site.listing import Link, query_string

# Terms counted alone: two statements each (search() reads the tags' names, then counts), so a
# page that finds nothing stays within a few statements of a result page.
MAX_TERMS = 4
_PHRASE = re.compile(r'"[^"]+"?')


@dataclass
class WayOn:
    alone: list[Link]  # each term searched alone, with its count
    named: list[Link]  # the tags and topics the terms name, with their counts


def named_terms(text: str) -> list[str]:
    """What the search page asks search() to count the tags and topics of (`count_named`): the
    words of a quoted phrase, which may find fewer papers than the tag or topic of its name."""
    text = text.strip()
    return [text.strip('"').strip()] if _PHRASE.fullmatch(text) else []


def way_on(form: SearchForm, kwargs: dict, results: Results) -> WayOn | None:
    """What to offer beside `results`, the search page's results for the form's words and
    search() `kwargs` (with `count_named` of `named_terms`); None when nothing need be offered
    (and nothing was asked of the database)."""
    text = (form.cleaned_data.get("q") or "").strip()
    several = not results.total and len(text.split()) > 1
    if not (several or _PHRASE.fullmatch(text)):
        return None
    if not several:  # a quoted phrase that found papers: it names a tag or topic, or nothing
        return WayOn([], _more(results.facets.named, results.total))
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
    # A phrase's tags and topics were counted with the search, even when it found nothing.
    named = results.facets.named if named_terms(text) else named_counts(terms)
    return WayOn(alone, _more(named, results.total))


def _more(named: list[tuple[Named, int]], found: int) -> list[Link]:
    """Links to the tags and topics that list more papers than the search found."""
    return [
        Link(f"{each.kind}: {each.name}", reverse(each.kind.lower(), args=[each.slug]), count)
        for each, count in named
        if count > found
    ]
