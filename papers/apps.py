from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PapersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "papers"
    verbose_name = "Myeloma literature"

    def ready(self):
        post_migrate.connect(_restore_sqlite_triggers, sender=self)


def _restore_sqlite_triggers(sender, using, **kwargs):
    """After every migrate: the triggers a re-created SQLite table lost (papers.triggers)."""
    from django.db import connections

    from papers.triggers import restore_sqlite_triggers

    restore_sqlite_triggers(connections[using])
