"""The schema of the collection: papers as PubMed describes them, plus what curators decide."""

import calendar
import re
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from papers.catalogue.context import Context, context_of, described
from papers.catalogue.markup import to_text
from papers.catalogue.records import YEARS
from papers.shapes import JSONShape, Shaped, ShapedJSONField

# The publication years a curator may enter, as the importer accepts them (papers.catalogue.records);
# a stored year outside (an older version's, raw SQL's) is shown as unknown, as are a month
# outside 1-12 and a day not in its month.
PUB_YEARS = YEARS


# Paper columns that come from PubMed (authors and publication types are relations).
PUBMED_FIELDS = (
    "record_type",
    "title",
    "vernacular_title",
    "abstract",
    "abstract_sections",
    "copyright",
    "journal_title",
    "journal_iso",
    "issn",
    "volume",
    "issue",
    "pages",
    "pub_year",
    "pub_month",
    "pub_day",
    "pub_date_text",
    "book_title",
    "publisher",
    "languages",
    "keywords",
    "mesh_headings",
    "chemicals",
    "corrections",
    "is_retracted",
    "doi",
    "pmcid",
    "article_ids",
    "pubmed_status",
    "publication_status",
    "pubmed_revised",
)


class PubDate(NamedTuple):
    """A publication date as far as it is known: None from the first unknown part on."""

    year: int | None
    month: int | None
    day: int | None


class SlugQuerySet(models.QuerySet):
    """Lets fixtures name topics and tags by slug (natural keys) instead of database ids."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Topic(models.Model):
    """A node of the browse tree (e.g. Myeloma bone disease › Osteoclast activation)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order among its siblings.")

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="topic_not_own_parent"),
        ]

    def __str__(self):
        return self.name if self.parent_id is None else f"{self.parent} › {self.name}"

    def natural_key(self):
        return (self.slug,)


# Choices at module level, where the models' Meta can build their constraints from them.
class TagKind(models.TextChoices):
    MECHANISM = "mechanism", "Mechanism"
    MOLECULE = "molecule", "Molecule"
    PATHWAY = "pathway", "Pathway"
    CELL_TYPE = "cell_type", "Cell type"
    DRUG = "drug", "Drug or drug class"


class Tag(models.Model):
    """A mechanism, molecule, pathway, cell type or drug class; its synonyms drive the tagger
    and search's query expansion."""

    Kind = TagKind

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="tags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300)
    synonyms = ShapedJSONField(
        default=list,
        blank=True,
        help_text="Other names, gene symbols and spellings. Written all in capitals "
        "(OPG, IL-6) they match case-sensitively; otherwise case-insensitively.",
    )
    exclusions = ShapedJSONField(
        default=list,
        blank=True,
        help_text='Text that names the tag without meaning it, as [{"pattern": a Python regular expression, '
        '"reason": why}]: a mention inside a match of a pattern is not suggested.',
    )

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=TagKind.values), name="tag_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["papers.topic"]

    def clean(self):
        from django.core.exceptions import ValidationError

        if not isinstance(self.synonyms, list) or not all(isinstance(s, str) and s.strip() for s in self.synonyms):
            raise ValidationError({"synonyms": "A list of non-empty names."})
        if not isinstance(self.exclusions, list) or not all(
            isinstance(e, dict)
            and set(e) == {"pattern", "reason"}
            and all(isinstance(v, str) and v.strip() for v in e.values())
            for e in self.exclusions
        ):
            raise ValidationError({"exclusions": 'A list of {"pattern": …, "reason": …}, both non-empty text.'})
        for exclusion in self.exclusions:
            try:
                re.compile(exclusion["pattern"])
            except re.error as error:
                raise ValidationError({"exclusions": f"{exclusion['pattern']!r} is not a regular expression: {error}."})

    @property
    def terms(self) -> list[str]:
        """The name followed by every synonym: what the tagger and search look for."""
        return [self.name, *self.synonyms]


class PublicationType(models.Model):
    """PubMed's publication types (Review, Journal Article…), a facet of search."""

    name = models.CharField(max_length=120, unique=True)
    ui = models.CharField("MeSH UI", max_length=12, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Author(models.Model):
    """A person or a collective (group) author, one row per distinct spelling of the name."""

    key = models.CharField(max_length=400, help_text="Normalised name, for de-duplication.")
    last_name = models.CharField(max_length=200, blank=True)
    fore_name = models.CharField(max_length=200, blank=True)
    initials = models.CharField(max_length=20, blank=True)
    suffix = models.CharField(max_length=20, blank=True)
    collective_name = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["last_name", "fore_name", "collective_name"]
        constraints = [
            # A constraint rather than unique=True: no second, LIKE-only index on PostgreSQL.
            models.UniqueConstraint(fields=["key"], name="author_unique_key"),
            models.CheckConstraint(condition=~Q(last_name="") | ~Q(collective_name=""), name="author_has_a_name"),
        ]

    def __str__(self):
        return self.cited(self.last_name, self.initials, self.collective_name)

    @staticmethod
    def cited(last_name: str, initials: str, collective_name: str) -> str:
        """How a reference list names an author: 'Roodman GD', or a group's name."""
        return collective_name or f"{last_name} {initials}".strip()


class PaperQuerySet(models.QuerySet):
    def public(self):
        """Approved papers: the only definition of what the public may see (search documents
        copy it through public_condition(), papers.search.indexing)."""
        return self.filter(self.public_condition())

    @staticmethod
    def public_condition(path: str = "") -> Q:
        """The rule public() applies, for a query that reaches its papers through `path` (claims
        and tags filter with "paper__"): every other model's "public" is built from it."""
        return Q(**{f"{path}status": Paper.Status.APPROVED})


class PaperStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PaperRecordType(models.TextChoices):
    ARTICLE = "article", "Journal article"
    BOOK = "book", "Book or chapter"


class Paper(models.Model):
    """One publication as PubMed describes it, plus the collection's moderation state."""

    Status = PaperStatus

    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", "Not about myeloma mechanisms"
        DUPLICATE = "duplicate", "Duplicate of another record"
        RETRACTED = "retracted", "Retracted"
        LOW_QUALITY = "low_quality", "Insufficient quality or evidence"
        NOT_ARTICLE = "not_article", "Not a research article or review"
        OTHER = "other", "Other (see note)"

    RecordType = PaperRecordType

    # Identifiers. A paper outside PubMed has no PMID; unique ignores NULLs on both databases.
    pmid = models.PositiveIntegerField("PMID", unique=True, null=True, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    pmcid = models.CharField("PMCID", max_length=20, blank=True)
    article_ids = ShapedJSONField(
        default=dict,
        blank=True,
        validators=[JSONShape("article_ids")],
        help_text="Every ArticleId PubMed gives, by type.",
    )
    record_type = models.CharField(max_length=10, choices=RecordType.choices, default=RecordType.ARTICLE)

    # Text. Titles and abstracts hold sanitised inline markup (i, b, u, sup, sub, MathML).
    title = models.TextField(blank=True)
    vernacular_title = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    abstract_sections = ShapedJSONField(
        default=list,
        blank=True,
        validators=[JSONShape("abstract_sections")],
        help_text="[{label, category, text}] as PubMed labels them.",
    )
    copyright = models.TextField(blank=True)

    # Where it was published. PubMed dates can be partial or free text ("2005 Spring").
    journal_title = models.CharField(max_length=400, blank=True)
    journal_iso = models.CharField("ISO abbreviation", max_length=200, blank=True)
    issn = models.CharField("ISSN", max_length=20, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=100, blank=True)
    pages = models.CharField(max_length=100, blank=True)
    pub_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(PUB_YEARS[0]), MaxValueValidator(PUB_YEARS[-1])],
    )
    pub_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    pub_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    pub_date_text = models.CharField("date as given", max_length=100, blank=True)
    book_title = models.TextField(blank=True)
    publisher = models.CharField(max_length=300, blank=True)

    # Indexing.
    languages = ShapedJSONField(default=list, blank=True, validators=[JSONShape("languages")])
    publication_types = models.ManyToManyField(PublicationType, blank=True, related_name="papers")
    keywords = ShapedJSONField(default=list, blank=True, validators=[JSONShape("keywords")])
    mesh_headings = ShapedJSONField(
        default=list,
        blank=True,
        validators=[JSONShape("mesh_headings")],
        help_text="[{ui, name, major, qualifiers: [{ui, name, major}]}]",
    )
    chemicals = ShapedJSONField(default=list, blank=True, validators=[JSONShape("chemicals")])
    # The context its claims are shown with and the finder filters on (papers.catalogue.context),
    # kept by refresh_context() wherever the title, abstract or MeSH headings are written.
    organisms = models.CharField(
        max_length=40, blank=True, editable=False, help_text="Humans, Mice, Rats, Other animals: those studied."
    )
    about_myeloma = models.BooleanField(default=False, editable=False)

    # Corrections and retractions ([{type, source, pmid}]); is_retracted is kept as a column
    # because the admin and search filter on it.
    corrections = ShapedJSONField(default=list, blank=True, validators=[JSONShape("corrections")])
    is_retracted = models.BooleanField(default=False)

    # PubMed's bookkeeping.
    pubmed_status = models.CharField(max_length=40, blank=True, help_text="MEDLINE, Publisher…")
    publication_status = models.CharField(max_length=40, blank=True, help_text="ppublish, aheadofprint…")
    pubmed_revised = models.DateField("revised in PubMed", null=True, blank=True)
    pubmed_fetched_at = models.DateTimeField(null=True, blank=True)
    pubmed_hash = models.CharField(max_length=64, blank=True, help_text="Fingerprint of the last record imported.")

    # Curation. edited_fields lists fields a curator changed by hand: re-imports leave them
    # alone and put PubMed's differing value in pubmed_conflicts instead.
    curator_note = models.TextField(blank=True)
    edited_fields = models.JSONField(default=list, blank=True)
    pubmed_conflicts = models.JSONField(default=dict, blank=True)

    # Moderation.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    status_note = models.TextField(blank=True)
    # Unindexed: only deleting a user looks papers up by reviewer or importer.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    authors = models.ManyToManyField(Author, through="Authorship", related_name="papers")
    tags = models.ManyToManyField(Tag, through="PaperTag", related_name="papers")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-pub_year", "-pmid"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PaperStatus.values), name="paper_status_valid"),
            models.CheckConstraint(condition=Q(record_type__in=PaperRecordType.values), name="paper_record_type_valid"),
            models.CheckConstraint(
                condition=~Q(status=PaperStatus.REJECTED) | ~Q(status_reason=""), name="paper_rejection_has_reason"
            ),
            models.CheckConstraint(condition=Q(pmid__isnull=True) | Q(pmid__gt=0), name="paper_pmid_positive"),
        ]
        permissions = [("moderate_paper", "Can approve, reject and revoke approval of papers")]
        # Each index costs every import; these serve the moderation queue (oldest pending
        # first, and public() itself), DOI look-ups, and the journal and year facets.
        indexes = [
            models.Index(fields=["status", "created_at"], name="paper_status_created"),
            models.Index(fields=["doi"], name="paper_doi"),
            models.Index(fields=["journal_title"], name="paper_journal"),
        ]

    def __str__(self):
        title = to_text(self.title)  # a name in lists, menus and labels: the title's text, not its markup
        return f"PMID {self.pmid}: {title[:80]}" if self.pmid else title[:90]

    def get_absolute_url(self) -> str:
        # PMIDs are the permalinks researchers already know; a paper outside PubMed has no page.
        return reverse("paper", args=[self.pmid]) if self.pmid else ""

    @property
    def known_year(self) -> int | None:
        """The publication year, None when unknown or outside PUB_YEARS."""
        return self.pub_year if self.pub_year in PUB_YEARS else None

    @property
    def known_date(self) -> PubDate:
        """The publication date as display code reads it: a month outside 1-12, a day its month
        has not, and any part after an unknown one are None."""
        year = self.known_year
        month = self.pub_month if year and self.pub_month in range(1, 13) else None
        day = self.pub_day if month and self.pub_day in range(1, calendar.monthrange(year, month)[1] + 1) else None
        return PubDate(year, month, day)

    @property
    def shaped(self) -> Shaped:
        """The JSON fields as display code reads them: `paper.shaped.corrections` holds only the
        corrections of the right shape (papers.shapes.well_formed)."""
        return Shaped(self)

    def refresh_context(self) -> list[str]:
        """Set organisms and about_myeloma from the title, abstract and MeSH headings as they
        stand; the names of the fields that changed."""
        found = context_of(self.title, self.abstract, self.mesh_headings)
        changed = [name for name, value in found._asdict().items() if getattr(self, name) != value]
        for name in changed:
            setattr(self, name, getattr(found, name))
        return changed

    @property
    def context(self) -> str:
        """Its claims' context in words: "Humans, Mice · myeloma"."""
        return described(Context(self.organisms, self.about_myeloma))

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def doi_url(self) -> str:
        # Percent-encoded as the DOI Handbook asks (a DOI may hold <, >, #, ?, % or a space).
        return "https://doi.org/" + quote(self.doi, safe="/:;()._-") if self.doi else ""

    @property
    def pmc_url(self) -> str:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else ""


class Authorship(models.Model):
    """An author's place on a paper, with the affiliations given for that paper."""

    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="authorships", db_index=False
    )  # authorship_unique_position's index serves paper look-ups
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField()
    affiliations = ShapedJSONField(default=list, blank=True, validators=[JSONShape("affiliations")])
    orcid = models.CharField("ORCID", max_length=40, blank=True)
    equal_contribution = models.BooleanField(default=False)

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="authorship_unique_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.author}"

    @property
    def shaped(self) -> Shaped:
        """The affiliations as display code reads them (papers.shapes.well_formed)."""
        return Shaped(self)
