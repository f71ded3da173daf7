"""SearchDocument, what search reads of each paper, and the column types it needs on both databases."""

import json

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.backends.ddl_references import Statement

from papers.catalogue.models import Paper


class DocumentVector(models.Func):
    """PostgreSQL's weighted full-text vector of a search document: title A, indexing terms B,
    abstract C, a word per confirmed tag D (papers.search.query.tag_key) (the paper's own words are A-C: exact mode
    searches those weights only). SQLite indexes the same four columns in its FTS5 table
    (papers.search.sqlite), so there the column holds nothing."""

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__()

    def as_sql(self, compiler, connection, **extra):
        return (
            "setweight(to_tsvector('english'::regconfig, title), 'A') || "
            "setweight(to_tsvector('english'::regconfig, terms), 'B') || "
            "setweight(to_tsvector('english'::regconfig, abstract), 'C') || "
            "setweight(to_tsvector('english'::regconfig, tag_names), 'D')"
        ), []

    def as_sqlite(self, compiler, connection, **extra):
        return "NULL", []


class VectorIndex(GinIndex):
    """The GIN index of the vector, which every PostgreSQL search reads. SQLite's FTS5 table is
    its index there, so on SQLite this index is a statement that does nothing."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1")
        return super().create_sql(model, schema_editor, using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1")
        return super().remove_sql(model, schema_editor, **kwargs)


class IdListField(models.Field):
    """A sorted list of ids, stored as PostgreSQL's bigint[] (which search unnests and tests with
    @>) or as JSON text on SQLite (read with json_each)."""

    description = "A list of ids"

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or connection.vendor == "postgresql":
            return value
        return json.dumps(list(value), separators=(",", ":"))


class SearchDocument(models.Model):
    """What search reads of one paper: its text as plain text (markup stripped), and the facts a
    search filters, sorts and counts by, copied from the paper and its links so that a search
    reads no other table. Written only by papers.search.indexing, in the transaction of the
    change; `manage.py check_search_index` finds any document a raw-SQL write left behind."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    title = models.TextField(blank=True)
    terms = models.TextField(blank=True, help_text="MeSH headings, chemicals, keywords.")
    abstract = models.TextField(blank=True)
    # Apart from the paper's own words: exact mode searches only what the paper says.
    tag_names = models.TextField(blank=True, help_text="A word per confirmed tag (papers.search.query.tag_key).")
    # The paper's facts. public: Paper.objects.public(); journal_title as text, so that a longer
    # Paper.journal_title never needs this column changed.
    public = models.BooleanField(default=False)
    pub_year = models.SmallIntegerField(null=True, blank=True)
    pub_month = models.SmallIntegerField(null=True, blank=True)
    pub_day = models.SmallIntegerField(null=True, blank=True)
    journal_title = models.TextField(blank=True)
    # When the paper was approved, while it is public (its reviewed_at): what is new in a listing
    # is counted in the same pass as its facets, and a feed orders by it, without the papers table.
    approved_at = models.DateTimeField(null=True, blank=True)
    publication_type_ids = IdListField(default=list, blank=True)
    # A notice about another paper (papers.search.indexing.NOTICE_TYPES) or a record without an
    # abstract: ranked after every paper a search finds, read from the facts like the rest.
    notice = models.BooleanField(default=False)
    vector = models.GeneratedField(expression=DocumentVector(), output_field=SearchVectorField(), db_persist=True)

    class Meta:
        indexes = [
            VectorIndex(fields=["vector"], name="papers_searchdocument_vector"),
            # Browsing, and SQLite's look-up of each full-text match: the facts without the row's
            # text (SQLite has no INCLUDE, so they are keys after the id), `notice` for its rank.
            models.Index(
                fields=[
                    "paper",
                    "public",
                    "pub_year",
                    "pub_month",
                    "pub_day",
                    "journal_title",
                    "publication_type_ids",
                    "approved_at",
                    "notice",
                ],
                name="searchdocument_facts",
            ),
        ]

    def __str__(self):
        return f"Search document of paper {self.paper_id}"
