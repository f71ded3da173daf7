"""The search documents carry their paper's approval time while it is public (approved_at, the
paper's reviewed_at), so that a listing counts what is new in the pass that counts its facets
and a feed orders by approval without reading the papers table: a topic page's count of recent
approvals, asked of each paper by its key, had made the page about 1.5 times slower. The
column is a key of the facts index, which SQLite and PostgreSQL read instead of the rows.
0023 copies the approval times in."""

from django.db import migrations, models

FACTS_INDEX = ["paper", "public", "pub_year", "pub_month", "pub_day", "journal_title", "publication_type_ids"]


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0021_importrun_os_user"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="searchdocument", name="searchdocument_facts"),
        migrations.AddField(
            model_name="searchdocument", name="approved_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=[*FACTS_INDEX, "approved_at"], name="searchdocument_facts"),
        ),
    ]
