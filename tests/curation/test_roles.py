"""The two roles as the data migration creates them: exact permissions, idempotent, and what
they let people see in the admin. The public site needs no login."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

roles_migration = importlib.import_module("papers.migrations.0003_roles")

CURATORS = {
    "papers.add_importrun",
    "papers.view_importrun",
    "papers.view_paper",
    "papers.change_paper",
    "papers.view_papertag",
    "papers.add_papertag",
    "papers.change_papertag",
    "papers.view_tag",
    "papers.view_topic",
    "papers.view_author",
    "papers.view_authorship",
    "papers.view_publicationtype",
    "papers.view_paperevent",
}


def permissions_of(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_groups_have_exactly_their_permissions(db):
    assert permissions_of("Curators") == CURATORS
    assert permissions_of("Moderators") == CURATORS | {"papers.moderate_paper"}


def test_creating_the_roles_again_changes_nothing(db):
    # With the models as migrations see them, as the migration runs: given the project's own
    # registry, it would leave every app without its models module, and later flushes would
    # re-create no content types, permissions or roles.
    roles_migration.create_roles(MigrationLoader(connection).project_state().apps, None)
    assert Group.objects.filter(name__in=["Curators", "Moderators"]).count() == 2
    assert permissions_of("Curators") == CURATORS
    assert permissions_of("Moderators") == CURATORS | {"papers.moderate_paper"}


def test_group_membership_grants_the_permissions(staff):
    assert staff.curator.get_all_permissions() == CURATORS
    assert staff.moderator.get_all_permissions() == CURATORS | {"papers.moderate_paper"}


@pytest.mark.parametrize(
    "url, curator, moderator",
    [
        ("/admin/papers/paper/", 200, 200),
        ("/admin/papers/papertag/", 200, 200),
        ("/admin/papers/paperevent/", 200, 200),
        ("/admin/papers/importrun/", 200, 200),
        ("/admin/papers/importrun/import/", 200, 200),
        ("/admin/papers/tag/", 200, 200),
        ("/admin/papers/pendingpaper/", 403, 200),
        ("/admin/papers/paper/add/", 403, 403),
        ("/admin/papers/tag/add/", 403, 403),
        ("/admin/papers/paperevent/add/", 403, 403),
        ("/admin/auth/user/", 403, 403),
    ],
)
def test_what_each_role_may_open_in_the_admin(client, staff, url, curator, moderator):
    client.force_login(staff.curator)
    assert client.get(url).status_code == curator
    client.force_login(staff.moderator)
    assert client.get(url).status_code == moderator


def test_public_site_needs_no_login(client, db):
    assert client.get("/").status_code == 200
