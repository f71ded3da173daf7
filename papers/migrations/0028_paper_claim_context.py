"""The context claims are shown with (papers.catalogue.context): the organisms a paper studies and
whether it is about myeloma, stored on the paper so that the mechanism finder filters on them in
its own statements. Filled here for the papers already stored, a chunk at a time, by one UPDATE
per chunk of the papers whose context is not the default; the importer, hand edits and `retag`
keep it after. SQLite gets the table's planner statistics again (papers.migrations._sqlite)."""

from django.db import migrations, models

from papers.catalogue.context import context_of
from ._sqlite import statistics_again
from papers.search.indexing import CHUNK

FILL = """WITH v(id, organisms, about_myeloma) AS (VALUES {rows})
UPDATE papers_paper SET organisms = v.organisms, about_myeloma = v.about_myeloma FROM v WHERE papers_paper.id = v.id"""


def fill(apps, schema_editor) -> None:
    Paper = apps.get_model("papers", "Paper")
    papers = Paper.objects.order_by("pk").values_list("pk", "title", "abstract", "mesh_headings")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while chunk := list(papers.filter(pk__gt=last)[:CHUNK]):
            last = chunk[-1][0]
            rows = [(pk, *found) for pk, *text in chunk if any(found := context_of(*text))]
            if rows:
                cursor.execute(
                    FILL.format(rows=", ".join(["(%s, %s, %s)"] * len(rows))), [value for row in rows for value in row]
                )


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0027_search_document_notice"),
    ]

    operations = [
        migrations.AddField(
            model_name="paper",
            name="organisms",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Humans, Mice, Rats, Other animals: those studied.",
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name="paper",
            name="about_myeloma",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # Adding the columns re-created the papers table on SQLite, without its statistics.
        statistics_again("papers_paper"),
    ]
