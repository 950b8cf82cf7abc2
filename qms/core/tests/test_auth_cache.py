"""Roles and permissions are read from the shared cache (qms.core.auth_cache), and every change reaches the next
request: a group given or taken away, a group's permissions changed, a user deactivated."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms.core import auth_cache
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.models import User
from qms.core.selectors import role_names

pytestmark = pytest.mark.django_db

INBOX = "complaints:inbox"


def fresh(user) -> User:
    """The user as the next request loads it (no per-object cache)."""
    return User.objects.get(pk=user.pk)


def auth_queries(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured
        if "auth_permission" in query["sql"] or "auth_group" in query["sql"] or "core_user_groups" in query["sql"]
    ]


def test_a_warm_request_reads_roles_and_permissions_without_a_query(client):
    user = UserFactory(roles=[Role.QUALITY_MANAGER])
    client.force_login(user)
    client.get(reverse(INBOX))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(INBOX)).status_code == 200
    assert auth_queries(captured.captured_queries) == []


def test_a_group_given_opens_the_page_on_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse(INBOX)).status_code == 403
    user.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER))
    assert client.get(reverse(INBOX)).status_code == 200
    assert Role.QUALITY_MANAGER in role_names(fresh(user))


def test_a_group_taken_away_closes_the_page_on_the_next_request(client):
    user = UserFactory(roles=[Role.QUALITY_MANAGER])
    client.force_login(user)
    assert client.get(reverse(INBOX)).status_code == 200
    user.groups.remove(Group.objects.get(name=Role.QUALITY_MANAGER))
    assert client.get(reverse(INBOX)).status_code == 403
    # From the group's side too.
    user.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER))
    assert client.get(reverse(INBOX)).status_code == 200
    Group.objects.get(name=Role.QUALITY_MANAGER).user_set.remove(user)
    assert client.get(reverse(INBOX)).status_code == 403


def test_a_permission_taken_from_a_group_is_gone_on_the_next_request():
    user = UserFactory(roles=[Role.QUALITY_MANAGER])
    assert fresh(user).has_perm("complaints.view_complaint")
    group = Group.objects.get(name=Role.QUALITY_MANAGER)
    group.permissions.remove(Permission.objects.get(codename="view_complaint", content_type__app_label="complaints"))
    assert not fresh(user).has_perm("complaints.view_complaint")


def test_a_permission_given_to_the_user_counts_on_the_next_request():
    user = UserFactory()
    assert not fresh(user).has_perm("complaints.view_complaint")
    user.user_permissions.add(Permission.objects.get(codename="view_complaint", content_type__app_label="complaints"))
    assert fresh(user).has_perm("complaints.view_complaint")


def test_a_deactivated_user_holds_no_permission_whatever_the_cache_says():
    user = UserFactory(roles=[Role.QUALITY_MANAGER])
    assert fresh(user).has_perm("complaints.view_complaint")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not fresh(user).has_perm("complaints.view_complaint")


def test_two_users_never_share_an_entry():
    staff, nobody = UserFactory(roles=[Role.QUALITY_MANAGER]), UserFactory()
    assert auth_cache.principal(staff).roles == frozenset({Role.QUALITY_MANAGER})
    assert auth_cache.principal(nobody).roles == frozenset()
    assert not fresh(nobody).has_perm("complaints.view_complaint")
