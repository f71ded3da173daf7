"""How PostgreSQL ranks a query of one group (words joined by OR, or a term with its synonyms):
by the sum of each alternative's own ts_rank_cd, computed in half the time of the OR's."""

import pytest
from django.db import connection

from papers.search import search

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ts_rank_cd is PostgreSQL's; FTS5 ranks by bm25()"
)


def test_an_or_of_words_ranks_exactly_as_the_whole_query(corpus):
    """For words, the sum is the OR's rank (each cover is one occurrence), without its float
    noise: papers that match alike tie exactly, and the tie goes to the newest, then the last
    added."""
    results = search("bone OR myeloma OR cells OR patients", page_size=100)
    assert results.total > 150
    ids = [hit.paper.pk for hit in results.hits]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT paper_id, ts_rank_cd(vector, to_tsquery('english', 'bone | myeloma | cells | patients'))"
            " FROM papers_searchdocument WHERE paper_id = ANY(%s)",
            [ids],
        )
        whole = dict(cursor.fetchall())
    assert [hit.rank for hit in results.hits] == pytest.approx([whole[pk] for pk in ids], abs=1e-6)
    ranks = [hit.rank for hit in results.hits]
    assert len(set(ranks)) < len(ranks)  # ties, which the order below must break
    in_order = sorted(
        results.hits,
        key=lambda h: (-round(whole[h.paper.pk], 5), h.paper.pub_year is None, -(h.paper.pub_year or 0), -h.paper.pk),
    )
    assert [hit.paper.pk for hit in in_order] == ids
