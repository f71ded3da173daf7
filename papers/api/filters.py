"""The API's query parameters as django-filter FilterSets.

Papers: SearchForm (papers/site/forms.py) is the FilterSet's form, so each parameter's parsing,
bounds and messages are defined once for the site and the API; each filter takes its field from
that form and describes it to OpenAPI. search() applies the parameters in the database together
with ranking, snippets and facets, which a chain of queryset filters could not do, so
PaperSearch hands its cleaned form to search() (`results()`) instead of filtering a queryset.
Tags are a plain queryset, filtered by django-filter itself.
"""

import copy

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from papers.catalogue.models import Paper, Tag
from papers.search import FACETS, Results, search
from papers.site.forms import (
    MAX_TAG_NAME,
    UNKNOWN_TAG,
    UNKNOWN_TOPIC,
    SearchForm,
    tags_named,
    topic_named,
    unknown_value,
)

SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"  # Django's SlugField, in the regex dialect OpenAPI uses


def _schema(field: forms.Field) -> dict:
    """The OpenAPI schema of a form field, bounds included, so that clients (and schemathesis)
    know what the form accepts."""
    if isinstance(field, forms.MultipleChoiceField):  # tags, by slug, name or synonym
        return {"type": "string", "minLength": 1, "maxLength": MAX_TAG_NAME}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [value for value, _ in field.choices]}
    if isinstance(field, forms.IntegerField):
        return {"type": "integer", "minimum": field.min_value, "maximum": field.max_value}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    return {"type": "string", "maxLength": field.max_length}


class FormParameter(django_filters.Filter):
    """A SearchForm field offered as a filter: the form's own field, never a second definition."""

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self._field = copy.deepcopy(SearchForm.base_fields[self.field_name])
        return self._field


class FormSlugs(FormParameter, django_filters.MultipleChoiceFilter):
    """A repeatable parameter (?tag=a&tag=b), documented as an exploded array."""


def parameter(name: str) -> FormParameter:
    field = SearchForm.base_fields[name]
    kind = FormSlugs if isinstance(field, forms.MultipleChoiceField) else FormParameter
    description = " — ".join(str(text) for text in (field.label, field.help_text) if text)
    return extend_schema_field({**_schema(field), "description": description})(kind(field_name=name))


class PaperSearch(django_filters.FilterSet):
    q = parameter("q")
    tag = parameter("tag")
    topic = parameter("topic")
    year_from = parameter("year_from")
    year_to = parameter("year_to")
    journal = parameter("journal")
    type = parameter("type")
    approved_since = parameter("approved_since")
    sort = parameter("sort")
    synonyms = parameter("synonyms")
    page = parameter("page")
    page_size = parameter("page_size")

    class Meta:
        model = Paper
        form = SearchForm
        fields = ()

    @property
    def query(self) -> str:
        return self.form.cleaned_data.get("q") or ""

    def results(self, facets=FACETS) -> Results:
        """search()'s page for the parameters (call after is_valid())."""
        return search(self.query, facets=facets, **self.form.search_kwargs())


class TagField(forms.CharField):
    """One tag, named as the search parameters name tags (tags_named); cleaned, the Tag."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        tag = tags_named([value]).get(value)
        if tag is None:
            raise unknown_value(UNKNOWN_TAG, value, "unknown_tag")
        return tag


class TopicField(forms.CharField):
    """One topic, by its slug or name as the search parameters name it; cleaned, the Topic."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        topic = topic_named(value)
        if topic is None:
            raise unknown_value(UNKNOWN_TOPIC, value, "unknown_topic")
        return topic


class TagNameFilter(django_filters.Filter):
    field_class = TagField


class TopicNameFilter(django_filters.Filter):
    field_class = TopicField


class TagFilter(django_filters.FilterSet):
    topic = extend_schema_field(
        {"type": "string", "maxLength": 200, "description": "Topic: a topic's slug or name, in any case"}
    )(TopicNameFilter(field_name="topic", max_length=200, label="Topic"))
    kind = django_filters.ChoiceFilter(choices=Tag.Kind.choices)

    class Meta:
        model = Tag
        fields = ("topic", "kind")
