"""The search parameters, read and checked once for the site, its exports and the API.

Every parameter is optional and bounded; a value out of bounds is an error the caller shows
(the site politely, the API as a 400), never something passed on to the database.
"""

import re

from django import forms

from papers.catalogue.models import Tag
from papers.search import MAX_PAGE_SIZE, SearchFilters
from papers.search.query import MAX_LENGTH

MAX_PAGE = 10_000
YEAR_RANGE = {"min_value": 1800, "max_value": 2100}
SLUG = re.compile(r"[-a-z0-9]{1,80}")
SORTS = [("relevance", "Relevance"), ("newest", "Newest first")]
# Tags one search may require together: each is a condition on every document searched, and a
# list of hundreds once took PostgreSQL's memory (issue 27); no reader combines more than a few.
MAX_TAGS = 10


class SlugsField(forms.MultipleChoiceField):
    """Several tags (?tag=a&tag=b), at most MAX_TAGS: their number and shape are checked before
    any SQL, then that each is a tag (one query)."""

    def valid_value(self, value) -> bool:
        return bool(SLUG.fullmatch(value))

    def validate(self, value):
        if len(value) > MAX_TAGS:
            raise forms.ValidationError(f"At most {MAX_TAGS} tags at once, not {len(value)}.", code="max_tags")
        super().validate(value)
        unknown = sorted(set(value) - set(Tag.objects.filter(slug__in=value).values_list("slug", flat=True)))
        if unknown:
            raise forms.ValidationError(f"No such tag: {', '.join(unknown)}.", code="unknown_tag")


class QueryField(forms.CharField):
    """The words searched for, NUL bytes dropped (no database stores them, and a hostile query
    gets results or a polite word, never an error)."""

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")


class SearchForm(forms.Form):
    q = QueryField(required=False, max_length=MAX_LENGTH, strip=True, label="Search")
    tag = SlugsField(
        required=False, label="Tags", error_messages={"invalid_choice": "%(value)s is not a tag's short name."}
    )
    topic = forms.SlugField(required=False, max_length=80, label="Topic")
    year_from = forms.IntegerField(required=False, **YEAR_RANGE, label="From year")
    year_to = forms.IntegerField(required=False, **YEAR_RANGE, label="To year")
    journal = forms.CharField(required=False, max_length=400, label="Journal")
    type = forms.CharField(required=False, max_length=120, label="Publication type")
    sort = forms.ChoiceField(required=False, choices=SORTS, label="Sort")
    synonyms = forms.ChoiceField(
        required=False,
        choices=[("on", "on"), ("off", "off")],
        label="Synonyms",
        help_text="off: search only the words typed",
    )
    approved_since = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        label="Approved since",
        help_text="YYYY-MM-DD: papers approved on or after this day",
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, label="Page")
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, label="Page size")

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
