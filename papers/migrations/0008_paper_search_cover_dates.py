"""PostgreSQL: the covering index for search's matching set also carries the month and day.

A search's page and facets come from one statement over the matching papers' id, status,
year, month, day and journal (papers.search.Matching.page); with month and day outside the
index, joining 30,000 matches to their papers read the whole wide table (140 ms) instead of
the index alone.
"""

from django.db import migrations

from ._postgresql import statements

CREATE = ("CREATE INDEX paper_search_cover ON papers_paper (id)"
          " INCLUDE (status, pub_year, pub_month, pub_day, journal_title)")
PREVIOUS = "CREATE INDEX paper_search_cover ON papers_paper (id) INCLUDE (status, pub_year, journal_title)"
DROP = "DROP INDEX IF EXISTS paper_search_cover"


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0007_collection_version"),
    ]

    operations = [statements([DROP, CREATE], [DROP, PREVIOUS])]
