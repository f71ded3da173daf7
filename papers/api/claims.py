"""/api/claims/: confirmed claims of approved papers, filtered as the mechanism finder is
(agent, relation, target, and the papers in scope: myeloma, organism), each with its paper's
context, newest papers first, one page at a time; the claims of a paper as the paper API shows
them; and, for curators, a claim added by hand (POST, as the paper's admin page adds one,
through papers.claims.review)."""

import django_filters
from django import forms
from django.contrib import admin
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from papers.api.filters import TagNameFilter
from papers.api.serializers import ClaimSerializer
from papers.api.views import BAD_PARAMETERS, DETAIL, BoundedJSONParser, CuratorThrottle, PublicThrottle, PublicView
from papers.catalogue.context import ORGANISMS
from papers.catalogue.models import Paper, Tag
from papers.claims import review
from papers.claims.maps import Scope
from papers.claims.models import Claim
from papers.curation.services import REVIEW_TAGS, CurationError
from papers.pubmed.pmids import MAX_PMID
from papers.search import MAX_PAGE_SIZE
from papers.site.forms import MAX_PAGE, MAX_TAG_NAME

PAGE_SIZE = 50  # the default; page_size takes 1 to MAX_PAGE_SIZE, as /api/papers/ does


class ClaimWithPaperSerializer(ClaimSerializer):
    pmid = serializers.IntegerField(source="paper.pmid")
    paper_url = serializers.HyperlinkedRelatedField(
        source="paper", view_name="api:paper-detail", lookup_field="pmid", read_only=True
    )
    organisms = serializers.CharField(
        source="paper.organisms", help_text="The organisms its paper studies, ', ' between them (Humans, Mice…)."
    )
    about_myeloma = serializers.BooleanField(source="paper.about_myeloma", help_text="Its paper is about myeloma.")

    class Meta(ClaimSerializer.Meta):
        fields = ("pmid", "paper_url", *ClaimSerializer.Meta.fields, "organisms", "about_myeloma")


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
    myeloma = django_filters.ChoiceFilter(
        choices=[("only", "only")], method="scoped", label="Claims of papers about myeloma only"
    )
    organism = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORGANISMS],
        method="scoped",
        label="Claims of papers studying this organism only (animals: other than mice and rats)",
    )
    page = _bounded("Page", MAX_PAGE, "1")
    page_size = _bounded("Page size", MAX_PAGE_SIZE, str(PAGE_SIZE))

    class Meta:
        model = Claim
        fields = ("agent", "relation", "target")

    def paged(self, queryset, name, value):
        return queryset  # the view pages

    def scoped(self, queryset, name, value):
        scope = Scope(myeloma=True) if name == "myeloma" else Scope(organism=ORGANISMS[value])
        return queryset.filter(scope.condition())


class MayReviewClaims(BasePermission):
    """The admin's claim review: an active staff user who may review tags."""

    message = f"Adding claims takes staff status and the {REVIEW_TAGS} permission (reviewing tags), as in the admin."

    def has_permission(self, request, view) -> bool:
        return admin.site.has_permission(request) and request.user.has_perm(REVIEW_TAGS)


class ClaimCreateSerializer(serializers.Serializer):
    pmid = serializers.IntegerField(min_value=1, max_value=MAX_PMID, help_text="The paper, pending or approved.")
    field = serializers.ChoiceField(choices=("title", "abstract"), help_text="Where the sentence is.")
    sentence = serializers.CharField(
        max_length=10_000,
        help_text="One whole sentence of that field as plain text (as the paper API shows it, without markup).",
    )
    agent = serializers.SlugRelatedField(slug_field="slug", queryset=Tag.objects.all(), help_text="The acting tag.")
    relation = serializers.ChoiceField(choices=Claim.Relation.choices)
    target = serializers.SlugRelatedField(slug_field="slug", queryset=Tag.objects.all(), help_text="The tag acted on.")
    negated = serializers.BooleanField(default=False, help_text="The sentence denies it.")
    hedged = serializers.BooleanField(default=False, help_text="The sentence hedges it.")

    def validate(self, data):
        paper = Paper.objects.filter(pmid=data["pmid"]).first()
        if paper is None:
            raise ValidationError({"pmid": ["No paper with this PMID in the collection."]})
        said = " ".join(data["sentence"].split())
        chosen = next(
            (s for s in review.sentences_of(paper) if s.field == data["field"] and " ".join(s.text.split()) == said),
            None,
        )
        if chosen is None:
            raise ValidationError({"sentence": [f"Not a whole sentence of the paper's {data['field']}."]})
        if data["agent"] == data["target"]:
            raise ValidationError({"target": ["The agent and the target must be two different tags."]})
        return {**data, "paper": paper, "sentence": chosen.key}


class ClaimList(PublicView):
    """GET: confirmed claims of approved papers matching agent, relation and target (each
    optional), newest papers first, 50 a page unless page_size says, for anyone. POST: a claim
    added by hand, for curators (token or admin session, permissions as the admin's)."""

    queryset = Claim.objects.public()
    filter_backends = (DjangoFilterBackend,)  # describes ClaimFilter's parameters to OpenAPI
    filterset_class = ClaimFilter
    parser_classes = (BoundedJSONParser,)

    def posting(self) -> bool:
        # The schema generator asks before any request is made.
        return getattr(self.request, "method", None) == "POST"

    def get_authenticators(self):
        return [TokenAuthentication(), SessionAuthentication()] if self.posting() else []

    def get_permissions(self):
        return [MayReviewClaims()] if self.posting() else [AllowAny()]

    def get_throttles(self):
        return [CuratorThrottle()] if self.posting() else [PublicThrottle()]

    @extend_schema(
        operation_id="claims_create",
        request=ClaimCreateSerializer,
        responses={201: ClaimWithPaperSerializer, 400: BAD_PARAMETERS, 401: DETAIL, 403: DETAIL},
    )
    def post(self, request):
        """Add a claim by hand: confirmed as the curator's own, audited, kept through re-imports
        and retagging; the paper gains each tag it has not confirmed."""
        given = ClaimCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            claim = review.add_claim(
                data["paper"],
                request.user,
                **{name: data[name] for name in ("sentence", "agent", "relation", "target", "negated", "hedged")},
            )
        except CurationError as error:
            raise ValidationError({"non_field_errors": [error.message]}) from None
        body = ClaimWithPaperSerializer(claim, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

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
