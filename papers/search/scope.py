"""The filters of a search and the public papers they leave, in the two forms the backends read:
as a derived table of papers (SQLite, whose documents hold only text; and browsing, which
reads papers), or filter by filter (PostgreSQL, whose documents carry their paper's status,
year, journal and types: migrations 0011, 0012 and 0014), so that a filtered search reads no
other table but for tags."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q

from ..models import Paper, PaperTag, PublicationType

# What the derived table gives of each paper: the columns a page sorts and counts by.
PAPER_COLUMNS = ("id", "pub_year", "pub_month", "pub_day", "journal_title")


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing of the results: every tag (by slug), a topic with its subtopics (by slug), a year
    range, a journal, a publication type."""

    tags: tuple[str, ...] = ()
    topic: str = ""
    year_from: int | None = None
    year_to: int | None = None
    journal: str = ""
    publication_type: str = ""

    def __bool__(self) -> bool:
        return self != SearchFilters()


@dataclass(frozen=True)
class Scope:
    """The public papers a search's filters leave."""

    filters: SearchFilters

    @property
    def narrowed(self) -> bool:
        """By filters: fewer than every public paper."""
        return bool(self.filters)

    def papers(self) -> tuple[str, list]:
        """A derived table named scope: PAPER_COLUMNS of every public paper the filters leave.
        Not a CTE: SQLite materializes a CTE in a compound statement, every paper of it."""
        papers = Paper.objects.public()
        for ids in self.tagged():
            papers = papers.filter(pk__in=ids)
        if self.filters.year_from is not None:
            papers = papers.filter(pub_year__gte=self.filters.year_from)
        if self.filters.year_to is not None:
            papers = papers.filter(pub_year__lte=self.filters.year_to)
        if self.filters.journal:
            papers = papers.filter(journal_title=self.filters.journal)
        if self.filters.publication_type:
            # A semi-join, like the tags (a join would repeat papers to the planner).
            papers = papers.filter(pk__in=Paper.publication_types.through.objects.filter(
                publicationtype_id=self.type_id).values("paper_id"))
        sql, params = papers.order_by().values_list(*PAPER_COLUMNS).query.sql_with_params()
        return f"({sql}) AS scope", list(params)

    def tagged(self) -> list:
        """Querysets of paper ids: the topic's (a confirmed tag of it or of a subtopic), then each
        tag's (confirmed)."""
        # order_by(): PaperTag's default ordering would keep PostgreSQL from flattening the subquery.
        confirmed = PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED).order_by()
        topic = [confirmed.filter(Q(tag__topic__slug=self.filters.topic) | Q(tag__topic__parent__slug=self.filters.topic))
                 ] if self.filters.topic else []
        return [ids.values("paper_id") for ids in topic + [confirmed.filter(tag__slug=slug) for slug in self.filters.tags]]

    @cached_property
    def type_id(self) -> int | None:
        """The publication type's id, looked up first (None if there is no such type): with the
        id, PostgreSQL's statistics know that "Journal Article" is 93 % of papers, where a join
        on the name is guessed at 4 % (and planned to take 1.5 s, not 0.3)."""
        return PublicationType.objects.filter(name=self.filters.publication_type).values_list("pk", flat=True).first()
