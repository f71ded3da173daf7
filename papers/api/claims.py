"""/api/claims/: confirmed claims of approved papers, filtered as the mechanism finder is
(agent, relation, target), newest papers first, one page at a time; and the claims of a paper
as the paper API shows them."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from papers.api.filters import TagNameFilter
from papers.api.serializers import ClaimSerializer
from papers.api.views import BAD_PARAMETERS, PublicView
from papers.claims.models import Claim
from papers.search import MAX_PAGE_SIZE
from papers.site.forms import MAX_PAGE, MAX_TAG_NAME

PAGE_SIZE = 50  # the default; page_size takes 1 to MAX_PAGE_SIZE, as /api/papers/ does


class ClaimWithPaperSerializer(ClaimSerializer):
    pmid = serializers.IntegerField(source="paper.pmid")
    paper_url = serializers.HyperlinkedRelatedField(
        source="paper", view_name="api:paper-detail", lookup_field="pmid", read_only=True
    )

    class Meta(ClaimSerializer.Meta):
        fields = ("pmid", "paper_url", *ClaimSerializer.Meta.fields)


class ClaimPageSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Claims matching.")
    papers = serializers.IntegerField(help_text="Approved papers stating them.")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ClaimWithPaperSerializer(many=True)


class PageFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _tag(label: str):
    return extend_schema_field(
        {
            "type": "string",
            "maxLength": MAX_TAG_NAME,
            "description": f"{label.capitalize()}: a tag's slug, name or synonym, in any case (e.g. rankl or RANKL)",
        }
    )(TagNameFilter(field_name=label, max_length=MAX_TAG_NAME, label=f"{label.capitalize()} tag"))


def _bounded(label: str, maximum: int, default: str):
    schema = {"type": "integer", "minimum": 1, "maximum": maximum, "description": f"{label} (default {default})"}
    return extend_schema_field(schema)(PageFilter(method="paged", min_value=1, max_value=maximum, label=label))


class ClaimFilter(django_filters.FilterSet):
    agent = _tag("agent")
    relation = django_filters.ChoiceFilter(choices=Claim.Relation.choices)
    target = _tag("target")
    page = _bounded("Page", MAX_PAGE, "1")
    page_size = _bounded("Page size", MAX_PAGE_SIZE, str(PAGE_SIZE))

    class Meta:
        model = Claim
        fields = ("agent", "relation", "target")

    def paged(self, queryset, name, value):
        return queryset  # the view pages


class ClaimList(PublicView):
    """Confirmed claims of approved papers matching agent, relation and target (each optional),
    newest papers first, 50 a page unless page_size says."""

    queryset = Claim.objects.public()
    filter_backends = (DjangoFilterBackend,)  # describes ClaimFilter's parameters to OpenAPI
    filterset_class = ClaimFilter

    @extend_schema(operation_id="claims_list", filters=True, responses={200: ClaimPageSerializer, 400: BAD_PARAMETERS})
    def get(self, request):
        filters = ClaimFilter(request.query_params, queryset=self.get_queryset())
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        claims = filters.qs
        page = filters.form.cleaned_data.get("page") or 1
        size = filters.form.cleaned_data.get("page_size") or PAGE_SIZE
        total = claims.count()
        papers = claims.values("paper").distinct().count()
        shown = claims.select_related("paper", "agent", "target").order_by("-paper__pub_year", "-paper__pmid", "pk")[
            (page - 1) * size : page * size
        ]
        url = request.build_absolute_uri()
        body = {
            "total": total,
            "papers": papers,
            "page": page,
            "page_size": size,
            "results": shown,
            "next": replace_query_param(url, "page", page + 1) if page * size < total else None,
            "previous": replace_query_param(url, "page", page - 1) if page > 1 else None,
        }
        return Response(ClaimPageSerializer(body, context={"request": request}).data)
