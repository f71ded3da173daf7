"""PostgreSQL: a covering index for search's matching set.

Facets group the matching papers by year and journal after checking they are public; without
this index that is one random visit to a wide papers_paper row per match (45 ms for 20,000
matches), with it an index-only scan. SQLite keeps its rows narrow enough to do without.
"""

from django.db import migrations

from ._postgresql import statements

CREATE = ("CREATE INDEX paper_search_cover ON papers_paper (id) INCLUDE (status, pub_year, journal_title)")
DROP = "DROP INDEX IF EXISTS paper_search_cover"


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0005_stored_search_vector"),
    ]

    operations = [statements([CREATE], [DROP])]
