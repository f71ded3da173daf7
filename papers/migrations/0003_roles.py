"""The two roles: Curators import, edit papers and review tags; Moderators also approve,
reject and revoke approval. Idempotent: running it again adds nothing twice."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = [
    ("papers", "add_importrun"), ("papers", "view_importrun"),
    ("papers", "view_paper"), ("papers", "change_paper"),
    ("papers", "view_papertag"), ("papers", "add_papertag"), ("papers", "change_papertag"),
    ("papers", "view_tag"), ("papers", "view_topic"), ("papers", "view_author"), ("papers", "view_authorship"),
    ("papers", "view_publicationtype"), ("papers", "view_paperevent"),
]
ROLES = {
    "Curators": CURATORS,
    "Moderators": [*CURATORS, ("papers", "moderate_paper")],
}


def create_roles(apps, schema_editor):
    # On a fresh database permissions are created only after all migrations (post_migrate).
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[
            Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in wanted
        ])


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("papers", "0002_moderation_audit"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
