"""Who holds which role and permission, read once per request from the shared cache instead of three queries.

Every back-office page asks which role groups the signed-in person belongs to (the menu, the home page, the
scope of every list) and which permissions those groups give (every view's check). Django reads both from the
database on each request: three queries before the page does anything. They change rarely (an administrator
adds someone to a group, ``sync_roles`` after a deploy), so they are kept in the shared cache, per user, under
a version that any change to a user's groups or permissions, or to a group's permissions, replaces
(``auth:<version>:<user>``). As in ``qms.core.config_cache``, the version is random, nothing is kept in process
memory between requests, and within a request the value is read from the shared cache once.

A superuser's blanket powers are not cached here: they depend on the session's second factor
(``qms.core.backends``), and the backend reads them as Django does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from qms.core import config_cache

VERSION_KEY = "auth:version"
# Seconds an entry stays in the shared cache. Any change through the ORM replaces the version at once; the
# timeout bounds a change made behind its back (SQL in a database shell).
TIMEOUT = 600


@dataclass(frozen=True)
class Principal:
    """What the permission checks of a request need to know about its user."""

    roles: frozenset[str]
    user_permissions: frozenset[str]
    group_permissions: frozenset[str]


def version() -> str:
    return config_cache.memoised(VERSION_KEY, lambda: config_cache._read_version(VERSION_KEY))


def bump(**_kwargs) -> None:
    """A new version: every user's roles and permissions are read again from the database on their next request
    (now, and again after commit, as ``config_cache.bump`` does)."""

    def renew() -> None:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
        config_cache.forget()

    renew()
    transaction.on_commit(renew)


def principal(user) -> Principal:
    """``user``'s role groups and permissions (a user saved in the database, not a superuser)."""
    # "p1": the shape of what is stored; a new shape takes a new name rather than unpickle an old one.
    key = f"auth:{version()}:p1:{user.pk}"

    def read() -> Principal:
        value = cache.get(key)
        if value is None:
            value = _build(user)
            cache.set(key, value, TIMEOUT)
        return value

    return config_cache.memoised(key, read)


def _build(user) -> Principal:
    def names(permissions) -> frozenset[str]:
        pairs = permissions.values_list("content_type__app_label", "codename").order_by()
        return frozenset(f"{app_label}.{codename}" for app_label, codename in pairs)

    return Principal(
        roles=frozenset(user.groups.values_list("name", flat=True)),
        user_permissions=names(Permission.objects.filter(user=user)),
        group_permissions=names(Permission.objects.filter(group__user=user)),
    )


def connect_signals(user_model) -> None:
    """Replace the version whenever a user's groups or permissions, or a group's permissions, change."""
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"auth_cache.{through._meta.label}")
    for model in (Group, Permission):
        post_save.connect(bump, sender=model, dispatch_uid=f"auth_cache.save.{model._meta.label}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"auth_cache.delete.{model._meta.label}")
