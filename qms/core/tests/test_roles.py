"""Roles: one declared map of role → permissions, synced to Django groups after migrate and by a command."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from qms.core import roles
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.roles import role_permissions, sync_roles, unknown_permissions
from qms.core.selectors import has_role, is_quality_manager, role_names, sees_everything, users_with_role

pytestmark = pytest.mark.django_db


def group_permissions() -> dict[str, set[str]]:
    """What the database holds: each role group's permissions as ``app_label.codename``."""
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.filter(name__in=Role.values).prefetch_related("permissions__content_type")
    }


def declared_and_existing() -> dict[str, set[str]]:
    """The declared map, less the permissions that do not exist (those fail their own test below)."""
    unknown = unknown_permissions()
    return {role: perms - set(unknown.get(role, [])) for role, perms in role_permissions().items()}


def test_the_role_groups_exist_after_migrate_without_running_anything():
    """The post_migrate handler ran when the test database was migrated."""
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_each_role_has_exactly_the_declared_permissions_after_migrate():
    assert group_permissions() == declared_and_existing()


def test_every_declared_permission_exists():
    """A typo in a block of qms/core/roles.py, or a permission of a model that does not exist, shows up here."""
    assert unknown_permissions() == {}


def test_every_role_is_declared_and_every_block_names_roles_only():
    assert set(role_permissions()) == set(roles.declared_roles()) >= set(Role.values)
    for block in roles.blocks():
        assert set(map(str, block)) <= set(roles.declared_roles())


def test_each_app_declares_its_own_block():
    from qms.core.registry import declared

    apps_with_blocks = {config.label for config, _block in declared("roles", "PERMISSIONS")}
    assert {"core", "notifications", "processes", "actionplans", "complaints"} <= apps_with_blocks


def test_sync_roles_is_idempotent():
    first = sync_roles()
    snapshot = group_permissions()
    groups = Group.objects.count()
    second = sync_roles()
    assert second == first
    assert group_permissions() == snapshot == declared_and_existing()
    assert Group.objects.count() == groups


def test_sync_roles_puts_back_the_declared_map_after_hand_edits():
    referent = Group.objects.get(name=Role.QUALITY_REFERENT)
    referent.permissions.clear()
    referent.permissions.add(Permission.objects.get(codename="delete_orgunit"))
    Group.objects.filter(name=Role.AUDITOR).delete()
    sync_roles()
    assert group_permissions() == declared_and_existing()


def test_sync_roles_leaves_groups_that_are_not_roles_alone():
    custom = Group.objects.create(name="Comité de pilotage")
    custom.permissions.add(Permission.objects.get(codename="view_orgunit"))
    sync_roles()
    assert list(custom.permissions.values_list("codename", flat=True)) == ["view_orgunit"]


def test_sync_roles_reports_an_unknown_permission(monkeypatch, caplog):
    declared_blocks = roles.blocks()
    monkeypatch.setattr(roles, "blocks", lambda: [*declared_blocks, {Role.TEACHER: ["core.fly_orgunit"]}])
    assert unknown_permissions()[Role.TEACHER] == ["core.fly_orgunit"]
    counts = sync_roles()
    assert "core.fly_orgunit" in caplog.text
    assert counts[Role.TEACHER] == len(role_permissions()[Role.TEACHER]) - 1
    assert "core.fly_orgunit" not in group_permissions()[Role.TEACHER]


def test_the_sync_roles_command_prints_each_role():
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    for role in Role.values:
        assert role in out.getvalue()
    assert group_permissions() == declared_and_existing()


def test_load_reference_data_syncs_the_roles():
    Group.objects.filter(name=Role.DIRECTOR).delete()
    call_command("load_reference_data", stdout=io.StringIO())
    assert group_permissions() == declared_and_existing()


# --- What a user may do comes from their groups ----------------------------------------------------------


def test_permissions_come_from_the_role_groups():
    referent = UserFactory(roles=[Role.QUALITY_REFERENT])
    assert referent.has_perm("core.view_orgunit")
    assert not referent.has_perm("core.change_orgunit")
    manager = UserFactory(roles=[Role.QUALITY_MANAGER])
    assert manager.has_perm("core.change_orgunit")


def test_is_staff_alone_opens_the_admin_but_grants_nothing():
    user = UserFactory(is_staff=True)
    assert not user.has_perm("core.view_orgunit")
    assert not has_role(user, *Role.values)
    assert not sees_everything(user)


def test_has_role_reads_the_groups_and_a_superuser_holds_no_role_of_their_own():
    teacher = UserFactory(roles=[Role.TEACHER, Role.STAFF])
    assert has_role(teacher, Role.TEACHER)
    assert has_role(teacher, Role.AUDITOR, Role.STAFF)
    assert not has_role(teacher, Role.QUALITY_MANAGER)
    assert role_names(teacher) == {Role.TEACHER, Role.STAFF}
    # The superuser flag opens the Django admin (with a second factor), not the back office.
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert not is_quality_manager(superuser)
    assert not sees_everything(superuser)
    assert not has_role(superuser, *Role.values)


def test_anonymous_users_hold_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert not has_role(AnonymousUser(), *Role.values)
    assert not has_role(None, Role.STAFF)
    assert role_names(AnonymousUser()) == frozenset()


def test_users_with_role_leaves_out_inactive_users():
    active = UserFactory(roles=[Role.DIRECTOR])
    UserFactory(roles=[Role.DIRECTOR], is_active=False)
    UserFactory(roles=[Role.TEACHER])
    assert list(users_with_role(Role.DIRECTOR)) == [active]
