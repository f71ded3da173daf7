"""The search parameters, read and checked once for the site, its exports and the API.

Every parameter is optional and bounded; a value out of bounds is an error the caller shows
(the site politely, the API as a 400), never something passed on to the database.
"""

from django import forms
from django.db.models import Q

from papers.catalogue.models import Tag, Topic
from papers.search import MAX_PAGE_SIZE, SearchFilters
from papers.search.query import MAX_LENGTH

MAX_PAGE = 10_000
YEAR_RANGE = {"min_value": 1800, "max_value": 2100}
MAX_TAG_NAME = 200  # a tag's longest name or synonym is about 80 characters
SORTS = [("relevance", "Relevance"), ("newest", "Newest first")]
# Tags one search may require together: each is a condition on every document searched, and a
# list of hundreds once took PostgreSQL's memory (issue 27); no reader combines more than a few.
MAX_TAGS = 10


def unknown_value(message: str, value: str, code: str) -> forms.ValidationError:
    """The error naming a value given: as a parameter, not written into the message, which the
    API's filters format with its parameters (a "%" typed was a 500)."""
    return forms.ValidationError(message.format("%(value)s"), code=code, params={"value": value})


def tags_named(values) -> dict[str, Tag]:
    """Each value's tag, named by its slug, its name or any of its synonyms, in any case (one
    query of every tag's names: a taxonomy of tens, not a table to search); a value naming no tag
    is left out."""
    wanted = {value.casefold() for value in values}
    if not wanted:
        return {}
    named = {}
    for tag in Tag.objects.only("slug", "name", "synonyms"):
        for name in (tag.slug, tag.name, *tag.synonyms):
            named.setdefault(name.casefold(), tag)
    return {value: named[value.casefold()] for value in values if value.casefold() in named}


UNKNOWN_TAG = "No such tag: {}. A tag is named by its slug, its name or any of its synonyms."


def topic_named(value: str) -> Topic | None:
    """The topic of this slug or name, in any case."""
    return Topic.objects.filter(Q(slug=value) | Q(name__iexact=value)).only("slug", "name").first()


UNKNOWN_TOPIC = "No such topic: {}. A topic is named by its slug or its name."


class TagsField(forms.MultipleChoiceField):
    """Several tags (?tag=a&tag=b), at most MAX_TAGS, each named as tags_named() reads it: their
    number and length are checked here, before any SQL; SearchForm.clean_tag then looks them up
    (one query) and cleans them to their slugs, so that links and permalinks name a tag one way,
    keeping their names (`tag_names`) for the chips."""

    def valid_value(self, value) -> bool:
        return 0 < len(value) <= MAX_TAG_NAME

    def validate(self, value):
        if len(value) > MAX_TAGS:
            raise forms.ValidationError(f"At most {MAX_TAGS} tags at once, not {len(value)}.", code="max_tags")
        super().validate(value)


class QueryField(forms.CharField):
    """The words searched for, NUL bytes dropped (no database stores them, and a hostile query
    gets results or a polite word, never an error)."""

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")


class SearchForm(forms.Form):
    q = QueryField(
        required=False,
        max_length=MAX_LENGTH,
        strip=True,
        label="Search",
        help_text='words (all of them), "a phrase", a OR b, -word to leave it out; a tag\'s name adds its synonyms',
    )
    tag = TagsField(
        required=False,
        label="Tags",
        help_text="a tag's slug, name or synonym, in any case; repeat for several",
        error_messages={"invalid_choice": f"A tag's name is 1 to {MAX_TAG_NAME} characters."},
    )
    topic = forms.CharField(
        required=False,
        max_length=200,
        label="Topic",
        help_text="a topic's slug or name, in any case: its papers and its subtopics'",
    )
    year_from = forms.IntegerField(required=False, **YEAR_RANGE, label="From year", help_text="published in or after")
    year_to = forms.IntegerField(required=False, **YEAR_RANGE, label="To year", help_text="published in or before")
    journal = forms.CharField(
        required=False, max_length=400, label="Journal", help_text="the journal's title as the facets show it"
    )
    type = forms.CharField(
        required=False, max_length=120, label="Publication type", help_text="e.g. Review, as the facets show it"
    )
    sort = forms.ChoiceField(
        required=False, choices=SORTS, label="Sort", help_text="relevance (the default with words) or newest"
    )
    synonyms = forms.ChoiceField(
        required=False,
        choices=[("on", "on"), ("off", "off")],
        label="Synonyms",
        help_text="off: only the words typed, in what each paper says (not its tags' names)",
    )
    approved_since = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        label="Approved since",
        help_text="YYYY-MM-DD: papers approved on or after this day",
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, label="Page", help_text="from 1")
    page_size = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, label="Page size", help_text="results a page (default 20)"
    )

    tag_names: dict[str, str] = {}  # slug: name, of the tags chosen (after is_valid())

    def clean_tag(self) -> list[str]:
        given = self.cleaned_data["tag"]
        named = tags_named(given)
        unknown = [value for value in given if value not in named]
        if unknown:
            raise unknown_value(UNKNOWN_TAG, ", ".join(unknown), "unknown_tag")
        self.tag_names = {tag.slug: tag.name for tag in named.values()}
        return list(self.tag_names)

    topic_name = ""  # of the topic chosen (after is_valid())

    def clean_topic(self) -> str:
        given = self.cleaned_data["topic"]
        if not given:
            return ""
        topic = topic_named(given)
        if topic is None:
            raise unknown_value(UNKNOWN_TOPIC, given, "unknown_topic")
        self.topic_name = topic.name
        return topic.slug

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            self.add_error("year_to", "The first year must not be after the last.")
        return data

    @property
    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            tags=tuple(dict.fromkeys(data.get("tag") or ())),
            topic=data.get("topic") or "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            journal=data.get("journal") or "",
            publication_type=data.get("type") or "",
            approved_since=data.get("approved_since"),
        )

    def search_kwargs(self, default_page_size: int = 20) -> dict:
        """Keyword arguments for papers.search.search() (call after is_valid())."""
        data = self.cleaned_data
        return {
            "filters": self.filters,
            "sort": data.get("sort") or "relevance",
            "expand_synonyms": data.get("synonyms") != "off",
            "page": data.get("page") or 1,
            "page_size": data.get("page_size") or default_page_size,
        }

    def error_text(self) -> str:
        """The errors as one readable sentence per field, naming it and its parameter."""
        parts = []
        for name, errors in self.errors.items():
            label = f"{self.fields[name].label} ({name})" if name in self.fields else ""
            parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return " ".join(parts)
