"""The filters of a search, as conditions on the search documents, which carry their paper's
public flag, date, journal and publication types (papers.search.indexing): a search reads no
other table but for tags."""

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from papers.catalogue.models import PublicationType
from papers.search.models import SearchDocument
from papers.tagging.models import PaperTag

DOCUMENTS = SearchDocument._meta.db_table
# What each match gives of its document: the columns a page sorts and counts by.
MATCH_COLUMNS = "paper_id AS id, pub_year, pub_month, pub_day, journal_title, publication_type_ids"


def after_notices(rank: str) -> str:
    """The rank with notices (the documents' `notice`: a notice type, or no abstract) after
    papers: a notice's rank r becomes -1 / (1 + r), below every paper's (r >= 0) and in the same
    order among notices. A search filtered to a notice type keeps its order, so notices come
    first only when asked for."""
    return f"CASE WHEN notice THEN -1.0 / (1.0 + {rank}) ELSE {rank} END"


def day_start(day: date) -> datetime:
    """The first moment of a day in the site's time zone: "approved since" a day starts there."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing of the results: every tag (by slug), a topic with its subtopics (by slug), a year
    range, a journal, a publication type, approved on or after a day."""

    tags: tuple[str, ...] = ()
    topic: str = ""
    year_from: int | None = None
    year_to: int | None = None
    journal: str = ""
    publication_type: str = ""
    approved_since: date | None = None

    def __bool__(self) -> bool:
        return self != SearchFilters()


@dataclass(frozen=True)
class Scope:
    """The public papers a search's filters leave."""

    filters: SearchFilters
    # Each match's approval time, carried only for a page that counts or orders by it: a search
    # or listing that does neither does that much less work a match (docs/benchmarks.md).
    approval: bool = False

    @property
    def columns(self) -> str:
        """What each match gives of its document: MATCH_COLUMNS, and its approval time if asked."""
        return f"{MATCH_COLUMNS}, approved_at" if self.approval else MATCH_COLUMNS

    @property
    def narrowed(self) -> bool:
        """By filters: fewer than every public paper."""
        return bool(self.filters)

    def conditions(self, has_type: str) -> tuple[str, list]:
        """SQL (and parameters) of the documents' conditions: public, then each filter (`AND …`
        between them). `has_type` is the backend's test of a publication type id (one %s). An
        unknown publication type has no id, and a test of NULL holds for no paper."""
        conditions, params = ["public"], []
        for ids in self.tagged():
            subquery, subquery_params = ids.query.sql_with_params()
            conditions.append(f"paper_id IN ({subquery})")
            params += subquery_params
        filters = self.filters
        if filters.year_from is not None:
            conditions.append("pub_year >= %s")
            params.append(filters.year_from)
        if filters.year_to is not None:
            conditions.append("pub_year <= %s")
            params.append(filters.year_to)
        if filters.journal:
            conditions.append("journal_title = %s")
            params.append(filters.journal)
        if filters.publication_type:
            conditions.append(has_type)
            params.append(self.type_id)
        if filters.approved_since is not None:
            conditions.append("approved_at >= %s")
            params.append(connection.ops.adapt_datetimefield_value(day_start(filters.approved_since)))
        return " AND ".join(conditions), params

    def tagged(self) -> list:
        """Querysets of paper ids: the topic's (a confirmed tag of it or of a subtopic), then
        the papers with every tag (confirmed): one subquery whatever the number of tags, grouped
        by paper when there are several (one per tag once grew without bound, issue 27)."""
        # order_by(): PaperTag's default ordering would keep PostgreSQL from flattening the subquery.
        confirmed = PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED).order_by()
        topic = (
            [confirmed.filter(Q(tag__topic__slug=self.filters.topic) | Q(tag__topic__parent__slug=self.filters.topic))]
            if self.filters.topic
            else []
        )
        tags = self.filters.tags
        if not tags:
            return [ids.values("paper_id") for ids in topic]
        every = confirmed.filter(tag__slug__in=tags).values("paper_id")
        if len(tags) > 1:
            every = every.annotate(tags=Count("tag_id", distinct=True)).filter(tags=len(tags)).values("paper_id")
        return [ids.values("paper_id") for ids in topic] + [every]

    @cached_property
    def type_id(self) -> int | None:
        """The publication type's id, looked up first (None if there is no such type): with the
        id, PostgreSQL's statistics know that "Journal Article" is most papers, where a join on
        the name is guessed at a few percent and planned badly."""
        return PublicationType.objects.filter(name=self.filters.publication_type).values_list("pk", flat=True).first()
