"""The sentences of papers that name two or more tags (papers.claims.comentions), stored so that
"Sentences to read" is one query over them. Filled here for the papers already stored that the
list read before (those with two or more tags), a chunk at a time: the chunk's tag counts, its
suggested claims and its rows in a few statements; the importer, `retag` and hand edits of the
text keep it after."""

from django.db import migrations, models
from django.db.models import Count

from papers.catalogue.bulk import insert_rows, row_adapter
from papers.catalogue.markup import to_text
from papers.claims.comentions import COLUMNS, rows_of, suggested_sentences
from papers.claims.extraction import ClaimExtractor
from papers.tagging.matcher import Tagger, TagTerms

CHUNK = 500  # papers read per chunk: their text and rows held at once


def fill(apps, schema_editor) -> None:
    Tag, Paper, PaperTag = (apps.get_model("papers", name) for name in ("Tag", "Paper", "PaperTag"))
    Claim, CoMention = apps.get_model("papers", "Claim"), apps.get_model("papers", "CoMention")
    tags = list(Tag.objects.all())
    if not tags:
        return
    tag_ids = {tag.slug: tag.pk for tag in tags}
    extractor = ClaimExtractor(
        Tagger(
            TagTerms(tag.slug, (tag.name, *tag.synonyms), tuple(e["pattern"] for e in tag.exclusions)) for tag in tags
        )
    )
    adapt = row_adapter([CoMention._meta.get_field(name) for name in COLUMNS])
    papers = Paper.objects.order_by("pk").values_list("pk", "title", "abstract")
    last = 0
    while chunk := list(papers.filter(pk__gt=last)[:CHUNK]):
        first, last = chunk[0][0], chunk[-1][0]
        tagged = set(
            PaperTag.objects.filter(paper_id__gte=first, paper_id__lte=last)
            .values("paper_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=2)
            .values_list("paper_id", flat=True)
        )
        read = {
            pk: [
                (field, sentence)
                for field, text in (("title", title), ("abstract", abstract))
                for sentence in extractor.co_mentioning(to_text(text or ""))
            ]
            for pk, title, abstract in chunk
            if pk in tagged
        }
        named = [pk for pk, sentences in read.items() if sentences]
        suggested = suggested_sentences(Claim, named)
        rows = [adapt(row) for pk in named for row in rows_of(pk, read[pk], tag_ids, suggested)]
        insert_rows(CoMention, COLUMNS, rows)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0028_paper_claim_context"),
    ]

    operations = [
        migrations.CreateModel(
            name="CoMention",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("field", models.CharField(help_text="title or abstract", max_length=10)),
                (
                    "place",
                    models.PositiveIntegerField(help_text="The sentence's rank among the paper's, the title's first."),
                ),
                ("sentence_start", models.PositiveIntegerField()),
                ("sentence", models.TextField()),
                ("tags", models.JSONField(default=list)),
                (
                    "suggested",
                    models.BooleanField(default=False, help_text="The reader suggested a claim from it."),
                ),
                (
                    "paper",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=models.CASCADE,
                        related_name="co_mentions",
                        to="papers.paper",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["-suggested", "paper", "place"], name="comention_order")],
                "constraints": [models.UniqueConstraint(fields=("paper", "place"), name="comention_unique")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
