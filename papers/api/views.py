"""The JSON API: read-only views of the public collection, and imports for curators.

Every paper, count and facet starts from Paper.objects.public(). Parameters pass a form or
serializer first; anything out of bounds, and any parameter an endpoint does not take, is a
400 whose JSON names the parameter.
"""

import io

from django.db.models import Count, Q, prefetch_related_objects
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.utils.urls import replace_query_param

from myeloma_lit.throttling import ExactRateThrottle
from papers.api import serializers as api
from papers.api.filters import SLUG_PATTERN, PaperSearch, TagFilter
from papers.api.permissions import MayImport, MayViewImports
from papers.catalogue.models import Paper, Tag, Topic
from papers.pubmed.models import ImportRun
from papers.pubmed.pmids import MAX_PMID
from papers.pubmed.tasks import start_import
from papers.search import NEWEST_FIRST, Facets, Hit, Results
from papers.shapes import MAX_DEPTH, text_depth
from papers.site.counts import counted_tree, public_papers_per_topic, with_counts
from papers.site.prefetches import AUTHORSHIPS_IN_ORDER, CONFIRMED_CLAIMS, CONFIRMED_TAGS
from papers.tagging.models import PaperTag

# {parameter: [messages]}; a list's item errors come keyed by position ({"pmids": {"0": [...]}}),
# and a body that is no JSON at all as {"detail": message}.
ERRORS = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}, {"type": "string"}]
    },
}
DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})
BAD_PARAMETERS = OpenApiResponse(ERRORS, description="A parameter is unknown or out of bounds; its name is the key.")
NOT_FOUND = OpenApiResponse(DETAIL, description="No such approved paper, topic, tag or import.")


# The index at /api/: each endpoint's route, and the documentation's.
INDEX = {
    "papers": "api:paper-list",
    "facets": "api:facets",
    "topics": "api:topic-list",
    "tags": "api:tag-list",
    "claims": "api:claim-list",
    "imports": "api:import-list",
    "schema": "api:schema",
    "docs": "api:docs",
}


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
@authentication_classes(())
@permission_classes((AllowAny,))
@renderer_classes((JSONRenderer,))
def index(request):
    """Where each part of the API is, and its documentation (the schema, Swagger UI)."""
    return Response({name: request.build_absolute_uri(reverse(route)) for name, route in INDEX.items()})


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@authentication_classes(())
@permission_classes((AllowAny,))
@renderer_classes((JSONRenderer,))
def not_found(request):
    """A JSON 404 for every address under /api/ that names nothing, as the API's own 404s are."""
    raise NotFound()


def path_parameter(name: str, schema: dict, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)


SLUG = path_parameter(
    "slug", {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80}, "The short name, as the lists give it."
)


class PublicThrottle(ExactRateThrottle, AnonRateThrottle):
    rate = "240/minute"  # per address: a harvester paging at 100 a page, not a flood of searches


class CuratorThrottle(ExactRateThrottle, UserRateThrottle):
    rate = "60/minute"


class PublicView(generics.GenericAPIView):
    """Anonymous, JSON only, throttled per address."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (PublicThrottle,)
    renderer_classes = (JSONRenderer,)
    pagination_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        filterset = getattr(self, "filterset_class", None)
        known = filterset.base_filters if filterset else ()
        unknown = sorted(set(request.query_params) - set(known))
        if unknown:
            raise ValidationError({name: ["This endpoint takes no such parameter."] for name in unknown})


class BoundedJSONParser(JSONParser):
    """JSON bodies, refused (400) when nested deeper than papers.shapes.MAX_DEPTH before they are
    parsed: a 2,000-level array would otherwise end in Python's RecursionError (a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        if text_depth(body.decode("utf-8", errors="replace")) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep.")
        return super().parse(io.BytesIO(body), media_type, parser_context)


class CuratorView(generics.GenericAPIView):
    """Token (or admin session) authentication; permissions as in the admin."""

    authentication_classes = (TokenAuthentication, SessionAuthentication)
    throttle_classes = (CuratorThrottle,)
    renderer_classes = (JSONRenderer,)
    parser_classes = (BoundedJSONParser,)
    queryset = ImportRun.objects.select_related("requested_by")
    serializer_class = api.ImportRunSerializer


class SearchView(PublicView):
    """Reads the site's search parameters through PaperSearch (SearchForm)."""

    queryset = Paper.objects.public()
    filter_backends = (DjangoFilterBackend,)  # describes PaperSearch's parameters to OpenAPI
    filterset_class = PaperSearch

    def searched(self) -> PaperSearch:
        search = PaperSearch(self.request.query_params, request=self.request)
        if not search.is_valid():
            raise translate_validation(search.errors)
        return search


class PaperList(SearchView):
    """Approved papers matching q and the filters, best first (or newest first), one page at a
    time; without q or a filter, every approved paper, newest first. Snippet and rank come with q."""

    @extend_schema(
        operation_id="papers_list", filters=True, responses={200: api.PaperPageSerializer, 400: BAD_PARAMETERS}
    )
    def get(self, request):
        search = self.searched()
        kwargs = search.form.search_kwargs()
        page, size = kwargs["page"], kwargs["page_size"]
        if search.query or search.form.filters:
            results = search.results(facets=())
        else:
            results = every_paper(page, size)
        hits = results.hits if search.query else [Hit(hit.paper, None, None) for hit in results.hits]
        prefetch_related_objects([hit.paper for hit in hits], AUTHORSHIPS_IN_ORDER, "publication_types")
        url = request.build_absolute_uri()
        body = {
            **summary(results),
            "page": page,
            "page_size": size,
            "next": replace_query_param(url, "page", page + 1) if page * size < results.total else None,
            "previous": replace_query_param(url, "page", page - 1) if page > 1 else None,
            "results": hits,
        }
        return Response(api.PaperPageSerializer(body, context={"request": request}).data)


def every_paper(page: int, size: int) -> Results:
    """One page of all approved papers, newest first (the site has no such page: it shows a form)."""
    papers = Paper.objects.public()
    shown = papers.order_by(*NEWEST_FIRST)[(page - 1) * size : page * size]
    return Results([Hit(paper, "", 0.0) for paper in shown], papers.count(), Facets(), [])


def summary(results: Results) -> dict:
    return {
        "total": results.total,
        "expanded": [{"term": term, "synonyms": synonyms} for term, synonyms in results.expanded],
        "message": results.message,
    }


class FacetList(SearchView):
    """Counts per tag, year, journal and publication type over every approved paper matching
    the same parameters as /api/papers/ (q or at least one filter)."""

    @extend_schema(
        operation_id="facets_list", filters=True, responses={200: api.FacetPageSerializer, 400: BAD_PARAMETERS}
    )
    def get(self, request):
        results = self.searched().results()
        return Response(api.FacetPageSerializer({**summary(results), "facets": results.facets}).data)


@extend_schema(
    parameters=[
        path_parameter("pmid", {"type": "integer", "minimum": 1, "maximum": MAX_PMID}, "The paper's PubMed ID.")
    ],
    responses={200: api.PaperSerializer, 404: NOT_FOUND},
)
class PaperDetail(PublicView, generics.RetrieveAPIView):
    """An approved paper by PMID, with everything its page shows."""

    queryset = Paper.objects.public().prefetch_related(
        AUTHORSHIPS_IN_ORDER, CONFIRMED_TAGS, CONFIRMED_CLAIMS, "publication_types"
    )
    serializer_class = api.PaperSerializer
    lookup_field = "pmid"


def counted_tags():
    """Tags with their numbers of approved papers as `paper_count`."""
    public = Q(paper_tags__status=PaperTag.Status.CONFIRMED, paper_tags__paper__in=Paper.objects.public())
    tags = Tag.objects.select_related("topic").annotate(paper_count=Count("paper_tags", filter=public))
    return tags.order_by("name")  # Meta.ordering is dropped from queries with GROUP BY


class TopicList(PublicView):
    """The topic tree: top-level topics with their subtopics and counts of approved papers."""

    serializer_class = api.TopicSerializer

    @extend_schema(operation_id="topics_list", responses={200: api.TopicSerializer(many=True)})
    def get(self, request):
        return Response(self.get_serializer(counted_tree(), many=True).data)


@extend_schema(parameters=[SLUG], responses={200: api.TopicDetailSerializer, 404: NOT_FOUND})
class TopicDetail(PublicView):
    """A topic with its parent, subtopics and the tags of both, with counts of approved papers."""

    queryset = Topic.objects.select_related("parent").prefetch_related("children")
    serializer_class = api.TopicDetailSerializer
    lookup_field = "slug"

    def get(self, request, slug):
        topic = self.get_object()
        with_counts([topic], public_papers_per_topic())
        topic.counted_tags = counted_tags().filter(Q(topic=topic) | Q(topic__parent=topic))
        return Response(self.get_serializer(topic).data)


@extend_schema(responses={200: api.TagSerializer(many=True), 400: BAD_PARAMETERS})
class TagList(PublicView, generics.ListAPIView):
    """Every tag with its synonyms (which search also looks for), its topic and its count of
    approved papers; narrowed by topic or kind."""

    queryset = counted_tags()
    serializer_class = api.TagSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = TagFilter


@extend_schema(parameters=[SLUG], responses={200: api.TagSerializer, 404: NOT_FOUND})
class TagDetail(PublicView, generics.RetrieveAPIView):
    queryset = counted_tags()
    serializer_class = api.TagSerializer
    lookup_field = "slug"


@extend_schema(
    request=api.ImportRequestSerializer,
    examples=[
        OpenApiExample("PMIDs", value={"pmids": ["38856741", "PMID: 27797938"]}, request_only=True),
        OpenApiExample(
            "A PubMed query",
            value={"query": '"multiple myeloma" AND RANKL AND review[pt]', "max": 500},
            request_only=True,
        ),
    ],
    responses={
        201: OpenApiResponse(
            api.ImportRunSerializer,
            description="Imported already (up to REQUEST_PMIDS, 20, PMIDs run inside the request).",
        ),
        202: OpenApiResponse(api.ImportRunSerializer, description="Queued: follow url for progress."),
        400: BAD_PARAMETERS,
        401: DETAIL,
        403: DETAIL,
    },
)
class ImportCreate(CuratorView):
    """Import PMIDs or a PubMed query as the admin's import page does; the papers arrive pending."""

    permission_classes = (MayImport,)

    def post(self, request):
        given = api.ImportRequestSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        run = given.save()
        start_import(run)
        run.refresh_from_db()
        body = self.get_serializer(run).data
        done = run.finished_at is not None
        return Response(
            body,
            status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED,
            headers={"Location": body["url"]},
        )


@extend_schema(
    parameters=[
        path_parameter(
            "id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "The import's number, as its url gives it."
        )
    ],
    responses={200: api.ImportRunSerializer, 401: DETAIL, 403: DETAIL, 404: NOT_FOUND},
)
class ImportDetail(CuratorView, generics.RetrieveAPIView):
    """An import's progress and report; a stalled import shows as interrupted (nothing is written)."""

    permission_classes = (MayViewImports,)
