"""The search backend interface: what papers.search asks of a database's full-text dialect. One
implementation per vendor, each a module (papers.search.postgres, papers.search.sqlite); search
and the index writer never know which one answers."""

from typing import Protocol, runtime_checkable

from django.db import connection

from papers.search import postgres, sqlite
from papers.search.query import ParsedQuery
from papers.search.scope import Scope


@runtime_checkable
class SearchBackend(Protocol):
    """The SQL fragments and calls a backend provides (a module satisfies it: its functions are
    the methods)."""

    HAS_TYPE: str  # a condition on a document: its paper has the publication type %s
    TYPE_IDS: str  # a paper's publication type ids as its document stores them ({links}, {paper})
    DISTINCT: str  # the operator "differs from", a NULL being a value like any other
    TYPE_COUNTS: str  # (type_id, n) over the matches m

    def statement_settings(self) -> str:
        """SQL sent before a search's one statement (planner settings), or ""."""

    def ranked_matches(self, parsed: ParsedQuery, scope: Scope) -> tuple[str, list]:
        """SQL and parameters giving scope.columns and a rank (higher is better) for every
        public paper that matches among those the filters leave."""

    def snippets(self, parsed: ParsedQuery, ids: list[int]) -> dict[int, str]:
        """Safe HTML snippets, matches marked, of these papers' abstracts."""

    def compact(self) -> None:
        """Tidy the full-text index after a large write."""

    def check_full_text_index(self) -> None:
        """Raise DatabaseError unless the full-text index holds exactly the documents' text."""

    def rebuild_full_text_index(self) -> None:
        """Index the documents' text afresh."""


def backend() -> SearchBackend:
    """The backend of this database's vendor."""
    return postgres if connection.vendor == "postgresql" else sqlite
