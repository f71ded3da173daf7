"""Imports whose process died are marked interrupted (ImportRun.mark_interrupted), judged by a
heartbeat each batch renews. Runs left running before this migration are judged from when
they started."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def heartbeat_from_start(apps, schema_editor):
    ImportRun = apps.get_model("papers", "ImportRun")
    ImportRun.objects.filter(state="running", heartbeat_at__isnull=True).update(
        heartbeat_at=Coalesce(F("started_at"), F("created_at")))


def interrupted_as_failed(apps, schema_editor):
    """Going back: the older schema knows no "interrupted" (nor room for the word)."""
    apps.get_model("papers", "ImportRun").objects.filter(state="interrupted").update(state="failed")


class Migration(migrations.Migration):

    dependencies = [
        ('papers', '0008_paper_search_cover_dates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='importrun',
            name='importrun_state_valid',
        ),
        migrations.AddField(
            model_name='importrun',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, help_text='When a running import last made progress.', null=True),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='state',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('partial', 'Finished with errors'), ('failed', 'Failed'), ('interrupted', 'Interrupted')], default='queued', max_length=12),
        ),
        migrations.AddConstraint(
            model_name='importrun',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted'])), name='importrun_state_valid'),
        ),
        migrations.RunPython(heartbeat_from_start, interrupted_as_failed),
    ]
