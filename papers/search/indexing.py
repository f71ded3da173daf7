"""Writes papers_searchdocument, the only table search reads: each paper's text, as plain text,
and the facts a search filters, sorts, counts and ranks by (public flag, date, journal, publication
types, whether it is a notice), copied from the paper and its links.

Every write path that changes what search shows calls it inside the transaction of its change:
the importer (index_new_papers, index_papers), curation (refresh_facts for moderation,
index_papers for tag decisions and hand edits) and rebuild(). No database trigger copies
anything: check() finds the documents that disagree with their papers, which only a write
outside these paths (raw SQL, a restore of part of the data) can leave, and repair() rewrites
them.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.expressions import RawSQL

from papers.catalogue.bulk import chunks, insert_rows
from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper, PaperQuerySet
from papers.search.backends import backend
from papers.search.models import IdListField, SearchDocument
from papers.search.query import tag_key
from papers.tagging.matcher import TaggableText
from papers.tagging.models import PaperTag

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
TEXT = ("title", "terms", "abstract", "tag_names")
FACTS = ("public", "pub_year", "pub_month", "pub_day", "journal_title", "publication_type_ids", "approved_at", "notice")
_COLUMNS = ("paper_id", *TEXT, *FACTS)
_TEXT_SOURCES = ("title", "abstract", "keywords", "mesh_headings", "chemicals")
# The Paper fields a document is made of (with its confirmed tags and publication types): a
# change to any of them is a change to the document.
_DATE_AND_JOURNAL = ("pub_year", "pub_month", "pub_day", "journal_title")
PAPER_FIELDS = (*_TEXT_SOURCES, "status", "reviewed_at", *_DATE_AND_JOURNAL)
CHUNK = 2000  # papers per statement or transaction when many are written
# Notices about other papers, not papers: search ranks them, and records without an abstract,
# after every paper it finds (SearchDocument.notice).
NOTICE_TYPES = ("Published Erratum", "Retraction of Publication", "Expression of Concern", "Comment")


def plain(text: str) -> str:
    return to_text(_CONTROL.sub(" ", text))


def with_facts(papers: QuerySet) -> QuerySet:
    """These papers annotated with their documents' facts, named fact_public, fact_types,
    fact_approved and fact_notice beside the papers' own date and journal columns: public as
    public() defines it, the type ids as the document stores them, the approval time while the
    paper is public, and whether it is a notice: of a notice type, or without an abstract."""
    links = Paper.publication_types.through
    types = backend().TYPE_IDS.format(links=links._meta.db_table, paper=f'"{Paper._meta.db_table}"."id"')
    public = PaperQuerySet.public_condition()
    notice_type = links.objects.filter(paper_id=OuterRef("pk"), publicationtype__name__in=NOTICE_TYPES)
    return papers.annotate(
        fact_public=ExpressionWrapper(public, output_field=BooleanField()),
        fact_types=RawSQL(types, (), output_field=IdListField()),
        fact_approved=Case(When(public, then=F("reviewed_at")), output_field=DateTimeField()),
        fact_notice=ExpressionWrapper(Q(abstract="") | Exists(notice_type), output_field=BooleanField()),
    )


_FACT_SOURCES = ("fact_public", *_DATE_AND_JOURNAL, "fact_types", "fact_approved", "fact_notice")
_adapt_ids = SearchDocument._meta.get_field("publication_type_ids").get_db_prep_value


def _facts_row(values: Sequence) -> tuple:
    """A paper's facts (in _FACT_SOURCES order) as the document's columns take them."""
    public, year, month, day, journal, type_ids, approved, notice = values
    adapted = _adapt_ids(type_ids, connection), connection.ops.adapt_datetimefield_value(approved)
    return bool(public), year, month, day, journal, *adapted, bool(notice)


def _row(text: TaggableText, facts: tuple, tag_keys: Sequence[str] = ()) -> tuple:
    terms = "; ".join([*text.mesh, *text.keywords])
    return (text.paper_id, plain(text.title), plain(terms), plain(text.abstract), " ".join(tag_keys), *facts)


def _confirmed_tag_keys(ids: Iterable[int]) -> dict[int, list[str]]:
    keys: dict[int, list[str]] = {}
    confirmed = PaperTag.objects.filter(paper_id__in=ids, status=PaperTag.Status.CONFIRMED)
    for paper_id, slug in confirmed.values_list("paper_id", "tag__slug"):
        keys.setdefault(paper_id, []).append(tag_key(slug))
    return keys


def _rows(ids: Sequence[int], lock: bool) -> list[tuple]:
    """The documents these papers should have, read from the papers (locked if `lock`)."""
    papers = with_facts(Paper.objects.filter(pk__in=ids)).order_by("pk").only(*_TEXT_SOURCES, *_DATE_AND_JOURNAL)
    if lock:
        papers = papers.select_for_update(no_key=True, of=("self",))
    tag_keys = _confirmed_tag_keys(ids)
    return [
        _row(
            TaggableText.of_paper(paper),
            _facts_row([getattr(paper, name) for name in _FACT_SOURCES]),
            tag_keys.get(paper.pk, ()),
        )
        for paper in papers
    ]


def index_papers(paper_ids: Iterable[int]) -> int:
    """Replace the search documents of these papers (deleting those of papers that no longer
    exist) with one DELETE and a multi-row INSERT; returns how many were written."""
    ids = list(set(paper_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # The papers stay locked (in a fixed order) until their new documents are committed: a
        # change made meanwhile (a moderation decision) waits, then writes the new documents.
        rows = _rows(ids, lock=True)
        SearchDocument.objects.filter(paper_id__in=ids).delete()
        insert_rows(SearchDocument, _COLUMNS, rows)
    return len(rows)


def index_new_papers(texts: Sequence[TaggableText]) -> None:
    """Documents for papers just created, with their links (no confirmed tags yet), from the
    text in hand: the importer saves re-reading what it has just written but for the facts."""
    facts = {
        pk: _facts_row(values)
        for pk, *values in with_facts(Paper.objects.filter(pk__in=[t.paper_id for t in texts])).values_list(
            "pk", *_FACT_SOURCES
        )
    }
    insert_rows(SearchDocument, _COLUMNS, [_row(text, facts[text.paper_id]) for text in texts])


def refresh_facts(paper_ids: Iterable[int]) -> int:
    """Copy these papers' facts (status, approval, date, journal, types, notice) into their documents without
    rewriting their text, one UPDATE a chunk, only where they differ; returns how many changed."""
    documents = SearchDocument._meta.db_table
    assignments = ", ".join(f"{column} = f.{source}" for column, source in zip(FACTS, _FACT_SOURCES, strict=True))
    changed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in chunks(sorted(set(paper_ids)), CHUNK):
            facts, params = (
                with_facts(Paper.objects.filter(pk__in=chunk))
                .order_by()
                .values("pk", *_FACT_SOURCES)
                .query.sql_with_params()
            )
            cursor.execute(
                f"UPDATE {documents} SET {assignments} FROM ({facts}) AS f"
                f" WHERE {documents}.paper_id = f.pk AND {_differ(documents)}",
                params,
            )
            changed += cursor.rowcount
    return changed


def _differ(documents: str) -> str:
    """SQL: the document's facts differ from f's (NULLs compared as values)."""
    mine = ", ".join(f"{documents}.{column}" for column in FACTS)
    theirs = ", ".join(f"f.{source}" for source in _FACT_SOURCES)
    return f"({mine}) {backend().DISTINCT} ({theirs})"


def rebuild() -> int:
    """Index every paper afresh, a chunk of papers at a time, each chunk in its own transaction
    (writers wait only for the chunk of the paper they change); returns how many documents
    were written. Searches meanwhile read old documents for the chunks not yet written."""
    written, last = 0, 0
    while ids := list(Paper.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        written += index_papers(ids)
        last = ids[-1]
    compact()
    return written


@dataclass
class Drift:
    """What check() found: papers by id."""

    missing: list[int] = field(default_factory=list)  # a paper without a document
    stale_facts: list[int] = field(default_factory=list)
    stale_text: list[int] = field(default_factory=list)
    full_text_index: str = ""  # what the engine's own check of its full-text index said, if it failed

    def __bool__(self) -> bool:
        return bool(self.missing or self.stale_facts or self.stale_text or self.full_text_index)

    @property
    def papers(self) -> list[int]:
        return sorted({*self.missing, *self.stale_facts, *self.stale_text})


def check() -> Drift:
    """Compare every document with what its paper says now (reads only)."""
    drift = Drift(
        missing=list(Paper.objects.filter(search_document__isnull=True).order_by("pk").values_list("pk", flat=True))
    )
    documents = SearchDocument._meta.db_table
    facts, params = with_facts(Paper.objects.all()).order_by().values("pk", *_FACT_SOURCES).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT paper_id FROM {documents} JOIN ({facts}) AS f ON {documents}.paper_id = f.pk"
            f" WHERE {_differ(documents)} ORDER BY paper_id",
            params,
        )
        drift.stale_facts = [pk for (pk,) in cursor.fetchall()]
    last = 0
    while ids := list(SearchDocument.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        expected = {row[0]: row[1 : 1 + len(TEXT)] for row in _rows(ids, lock=False)}
        stored = SearchDocument.objects.filter(pk__in=ids).values_list("pk", *TEXT)
        drift.stale_text += [pk for pk, *text in stored if expected.get(pk) != tuple(text)]
        last = ids[-1]
    try:
        backend().check_full_text_index()
    except DatabaseError as error:
        drift.full_text_index = str(error)
    return drift


def repair(drift: Drift) -> int:
    """Rewrite what check() found (and the full-text index if it failed its own check);
    returns how many documents were written."""
    written = sum(index_papers(chunk) for chunk in chunks(drift.papers, CHUNK))
    if drift.full_text_index:
        backend().rebuild_full_text_index()
    return written


def compact() -> None:
    """Compact the full-text index after a large write (papers.search.sqlite.compact). What was
    written stands if this fails (a busy database): the index is then slower, never wrong."""
    try:
        with transaction.atomic():
            backend().compact()
    except DatabaseError as error:
        logger.warning("The search index was not compacted: %s", error)


# Papers a write (an import run) must have added or changed before the index is compacted:
# compacting costs about what importing a thousand records does (docs/benchmarks.md); smaller
# writes add a segment or a few, which the index merges by itself, four at a time.
COMPACT_AFTER = 1000


def compact_after_write(papers_written: int) -> None:
    """Compact the full-text index after a write of at least COMPACT_AFTER papers."""
    if papers_written >= COMPACT_AFTER:
        compact()
