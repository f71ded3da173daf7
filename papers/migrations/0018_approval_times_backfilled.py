"""Data only: an approved paper's reviewed_at is its approval time, which feeds and "what's new"
order and count by. Papers approved before every approval went through papers.curation (set up
by hand, loaded, restored) may lack it: they take their last moderation entry's time, else their
last change's."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Paper = apps.get_model("papers", "Paper")
    PaperEvent = apps.get_model("papers", "PaperEvent")
    last_moderation = PaperEvent.objects.filter(paper=OuterRef("pk"), kind="status").order_by("-at").values("at")[:1]
    Paper.objects.filter(status="approved", reviewed_at__isnull=True).update(
        reviewed_at=Coalesce(Subquery(last_moderation), "updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0017_paper_value_ranges_and_json_shapes"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
