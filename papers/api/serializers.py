"""What the API shows of papers, topics, tags, facets and imports. Read-only except ImportRequest."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from papers.catalogue.corrections import linked_corrections
from papers.catalogue.markup import sanitize, to_text
from papers.catalogue.models import Authorship, Paper, Tag, Topic
from papers.claims.models import Claim
from papers.pubmed.forms import MAX_PMIDS, MAX_QUERY_LENGTH, MAX_QUERY_RECORDS, ImportRequestForm
from papers.pubmed.models import ImportRun
from papers.tagging.models import PaperTag


class MarkupField(serializers.CharField):
    """A stored title or abstract fragment through the markup allow-list: safe to insert as HTML."""

    def to_representation(self, value):
        return sanitize(value)


class PlainTextField(serializers.CharField):
    """A stored fragment as plain text (tags dropped, entities decoded)."""

    def to_representation(self, value):
        return to_text(value)


class LinkField(serializers.URLField):
    """A URL the model may not have: null rather than an empty string."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class PaperLinkField(serializers.HyperlinkedIdentityField):
    """The paper's API address, by PMID: null for a paper outside PubMed, which has no page."""

    def __init__(self, **kwargs):
        super().__init__(view_name="api:paper-detail", lookup_field="pmid", allow_null=True, **kwargs)

    def get_url(self, obj, view_name, request, format):
        return super().get_url(obj, view_name, request, format) if obj.pmid else None


def api_url(request, name: str, *args, query: str = "") -> str:
    return request.build_absolute_uri(reverse(f"api:{name}", args=args) + query)


class TopicRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:topic-detail", lookup_field="slug")

    class Meta:
        model = Topic
        fields = ("slug", "name", "url")


# Described inline: OpenAPI 3.0 honours `nullable` only beside a `type`, and drf-spectacular
# would write it beside an allOf of the TopicRef component, which rejects a top-level topic.
@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": "The parent topic; null for a top-level topic.",
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
        },
        "required": ["slug", "name", "url"],
    }
)
class ParentTopicSerializer(TopicRefSerializer):
    """A topic's parent."""


class CountedTopicSerializer(TopicRefSerializer):
    paper_count = serializers.IntegerField(
        help_text="Approved papers with a confirmed tag of the topic or its subtopics."
    )

    class Meta(TopicRefSerializer.Meta):
        fields = (*TopicRefSerializer.Meta.fields, "paper_count")


class TagSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:tag-detail", lookup_field="slug")
    topic = TopicRefSerializer()
    paper_count = serializers.IntegerField(help_text="Approved papers on which the tag is confirmed.")
    papers_url = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = ("slug", "name", "kind", "description", "synonyms", "topic", "paper_count", "url", "papers_url")

    def get_papers_url(self, tag) -> str:
        return api_url(self.context["request"], "paper-list", query=f"?tag={tag.slug}")


class TopicSerializer(CountedTopicSerializer):
    parent = ParentTopicSerializer(allow_null=True)
    children = CountedTopicSerializer(many=True, source="counted_children")
    papers_url = serializers.SerializerMethodField()

    class Meta(CountedTopicSerializer.Meta):
        fields = (*CountedTopicSerializer.Meta.fields, "description", "parent", "children", "papers_url")

    def get_papers_url(self, topic) -> str:
        return api_url(self.context["request"], "paper-list", query=f"?topic={topic.slug}")


class TopicDetailSerializer(TopicSerializer):
    tags = TagSerializer(many=True, source="counted_tags", help_text="The tags of the topic and its subtopics.")

    class Meta(TopicSerializer.Meta):
        fields = (*TopicSerializer.Meta.fields, "tags")


class AuthorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="author.__str__")
    last_name = serializers.CharField(source="author.last_name")
    fore_name = serializers.CharField(source="author.fore_name")
    initials = serializers.CharField(source="author.initials")
    suffix = serializers.CharField(source="author.suffix")
    collective_name = serializers.CharField(source="author.collective_name")
    affiliations = serializers.ListField(child=serializers.CharField(), source="shaped.affiliations")

    class Meta:
        model = Authorship
        fields = (
            "position",
            "name",
            "last_name",
            "fore_name",
            "initials",
            "suffix",
            "collective_name",
            "affiliations",
            "orcid",
            "equal_contribution",
        )


class AbstractSectionSerializer(serializers.Serializer):
    label = serializers.CharField()
    category = serializers.CharField(help_text="NLM's category (BACKGROUND, METHODS…), often empty.")
    text = PlainTextField()
    text_html = MarkupField(source="text")


class MeshQualifierSerializer(serializers.Serializer):
    ui = serializers.CharField()
    name = serializers.CharField()
    major = serializers.BooleanField()


class MeshHeadingSerializer(MeshQualifierSerializer):
    qualifiers = MeshQualifierSerializer(many=True)


class CorrectionSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="PubMed's RefType: RetractionIn, ErratumIn, ErratumFor…")
    source = serializers.CharField(help_text="The other paper's citation, as PubMed gives it.")
    pmid = serializers.IntegerField(allow_null=True, help_text="The other paper's PMID.")
    text = serializers.CharField(help_text="What the other paper is to this one, as the page says it.")
    notice = serializers.BooleanField(help_text="True when it calls this paper into question (retraction, erratum…).")
    in_collection = serializers.BooleanField(help_text="True when the other paper is in the collection.")
    url = serializers.SerializerMethodField(help_text="The other paper here, else on PubMed; null without a PMID.")

    def get_url(self, correction) -> str | None:
        if not correction.url:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(correction.url) if request else correction.url


class ConfirmedTagSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="tag.slug")
    name = serializers.CharField(source="tag.name")
    kind = serializers.CharField(source="tag.kind")
    topic = serializers.CharField(source="tag.topic.slug")
    url = serializers.HyperlinkedRelatedField(
        source="tag", view_name="api:tag-detail", lookup_field="slug", read_only=True
    )

    class Meta:
        model = PaperTag
        fields = ("slug", "name", "kind", "topic", "evidence", "evidence_field", "matched", "url")


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset in the sentence.")
    end = serializers.IntegerField()


class ClaimSerializer(serializers.ModelSerializer):
    """A claim of a paper: agent → relation → target, with its sentence and the spans in it."""

    agent = serializers.CharField(source="agent.slug", help_text="The acting tag's slug.")
    agent_name = serializers.CharField(source="agent.name")
    target = serializers.CharField(source="target.slug", help_text="The tag acted on.")
    target_name = serializers.CharField(source="target.name")
    agent_span = serializers.SerializerMethodField()
    target_span = serializers.SerializerMethodField()
    trigger_span = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = (
            "agent",
            "agent_name",
            "relation",
            "target",
            "target_name",
            "negated",
            "hedged",
            "field",
            "sentence",
            "agent_span",
            "target_span",
            "trigger_span",
        )

    @extend_schema_field(SpanSerializer)
    def get_agent_span(self, claim) -> dict:
        return {"start": claim.agent_start, "end": claim.agent_end}

    @extend_schema_field(SpanSerializer)
    def get_target_span(self, claim) -> dict:
        return {"start": claim.target_start, "end": claim.target_end}

    @extend_schema_field(SpanSerializer)
    def get_trigger_span(self, claim) -> dict:
        return {"start": claim.trigger_start, "end": claim.trigger_end}


class LinksSerializer(serializers.Serializer):
    pubmed = LinkField(source="pubmed_url")
    doi = LinkField(source="doi_url")
    pmc = LinkField(source="pmc_url")


class PaperSummarySerializer(serializers.ModelSerializer):
    url = PaperLinkField()
    title = PlainTextField()
    title_html = MarkupField(source="title")
    authors = serializers.SerializerMethodField()
    publication_types = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    pub_year = serializers.IntegerField(source="known_year", allow_null=True, help_text="Null when unknown.")

    class Meta:
        model = Paper
        fields = (
            "pmid",
            "url",
            "title",
            "title_html",
            "authors",
            "journal_title",
            "journal_iso",
            "pub_year",
            "pub_date_text",
            "publication_types",
            "doi",
            "is_retracted",
        )

    def get_authors(self, paper) -> list[str]:
        return [str(authorship.author) for authorship in paper.authorships.all()]


class PaperSerializer(PaperSummarySerializer):
    """Everything the paper's page shows."""

    vernacular_title = PlainTextField()
    abstract = PlainTextField()
    abstract_sections = AbstractSectionSerializer(many=True, source="shaped.abstract_sections")
    authors = AuthorSerializer(many=True, source="authorships")
    tags = ConfirmedTagSerializer(many=True, source="confirmed_tags")
    claims = ClaimSerializer(many=True, source="confirmed_claims", help_text="Confirmed mechanism claims.")
    mesh_headings = MeshHeadingSerializer(many=True, source="shaped.mesh_headings")
    keywords = serializers.ListField(child=serializers.CharField(), source="shaped.keywords")
    chemicals = serializers.ListField(child=serializers.CharField(), source="shaped.chemicals")
    languages = serializers.ListField(child=serializers.CharField(), source="shaped.languages")
    corrections = serializers.SerializerMethodField(
        help_text="Corrections, retractions and what they correct, notices first, each linked."
    )
    pub_month = serializers.IntegerField(source="known_date.month", allow_null=True, help_text="Null when unknown.")
    pub_day = serializers.IntegerField(source="known_date.day", allow_null=True, help_text="Null when unknown.")
    links = LinksSerializer(source="*")

    class Meta(PaperSummarySerializer.Meta):
        fields = (
            *PaperSummarySerializer.Meta.fields,
            "record_type",
            "vernacular_title",
            "abstract",
            "abstract_sections",
            "copyright",
            "issn",
            "volume",
            "issue",
            "pages",
            "pub_month",
            "pub_day",
            "book_title",
            "publisher",
            "languages",
            "pmcid",
            "links",
            "tags",
            "claims",
            "mesh_headings",
            "keywords",
            "chemicals",
            "corrections",
            "publication_status",
        )

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, paper):
        return CorrectionSerializer(linked_corrections(paper), many=True, context=self.context).data


class HitSerializer(serializers.Serializer):
    paper = PaperSummarySerializer()
    snippet = serializers.CharField(
        allow_null=True,
        help_text="Safe HTML of the abstract with <mark> around matches; "
        "empty for a paper without an abstract; null without q.",
    )
    rank = serializers.FloatField(allow_null=True, help_text="Higher is better; null without q.")


class ExpansionSerializer(serializers.Serializer):
    term = serializers.CharField()
    synonyms = serializers.ListField(child=serializers.CharField(), help_text="Also searched for the term.")


class SearchSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Approved papers matching, on all pages.")
    expanded = ExpansionSerializer(many=True)
    message = serializers.CharField(help_text="Why nothing matched, when nothing did.")


class PaperPageSerializer(SearchSummarySerializer):
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HitSerializer(many=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What the matching parameter takes.")
    label = serializers.CharField()
    count = serializers.IntegerField()


class YearFacetSerializer(FacetValueSerializer):
    value = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    tags = FacetValueSerializer(many=True, help_text="The 20 commonest; filter with tag=<value>.")
    years = YearFacetSerializer(many=True)
    journals = FacetValueSerializer(many=True, help_text="The 20 commonest; filter with journal=<value>.")
    publication_types = FacetValueSerializer(many=True)


class FacetPageSerializer(SearchSummarySerializer):
    facets = FacetsSerializer()


class ImportRunSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:import-detail")
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True, default=None)
    requested_pmids = serializers.ListField(child=serializers.IntegerField())
    errors = serializers.DictField(child=serializers.CharField(), help_text="{PMID or batch: reason}")
    state = serializers.ChoiceField(
        ImportRun.State.choices,
        source="shown_state",
        help_text="Interrupted also when stalled (no progress, or never started).",
    )
    messages = serializers.ListField(child=serializers.CharField(), source="shown_messages")

    class Meta:
        model = ImportRun
        fields = (
            "id",
            "url",
            "source",
            "query",
            "requested_pmids",
            "limit",
            "state",
            "total",
            "processed",
            "created",
            "updated",
            "unchanged",
            "not_found",
            "failed",
            "errors",
            "messages",
            "requested_by",
            "created_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
        )


class ImportRequestSerializer(serializers.Serializer):
    """PMIDs or a PubMed query. This checks the JSON's shape; the rules and limits are the import
    form's (papers.pubmed.forms), as on the admin's import page, with its messages."""

    pmids = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_empty=False,
        help_text=f"At most {MAX_PMIDS:,} PMIDs, as numbers or text ('PMID: 123' and PubMed links work too).",
    )
    query = serializers.CharField(
        required=False, help_text=f"A PubMed query of at most {MAX_QUERY_LENGTH:,} characters."
    )
    max = serializers.IntegerField(
        required=False, help_text=f"With a query: import at most this many records (1 to {MAX_QUERY_RECORDS:,})."
    )

    # The form's field names → this request's.
    NAMES = {"pmids": "pmids", "query": "query", "limit": "max", NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY}

    def validate(self, data):
        self.form = ImportRequestForm(
            {"pmids": "\n".join(data.get("pmids", ())), "query": data.get("query", ""), "limit": data.get("max")}
        )
        if not self.form.is_valid():
            raise serializers.ValidationError(
                {self.NAMES.get(name, name): errors for name, errors in self.form.errors.items()}
            )
        return data

    def create(self, validated_data) -> ImportRun:
        run = self.form.import_run(self.context["request"].user)
        run.save()
        return run
