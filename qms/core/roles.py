"""The one declared map of role → permissions, synced to Django groups.

``sync_roles()`` runs after every ``migrate`` (post_migrate: permissions do not exist yet inside a data
migration on a fresh database) and from ``manage.py sync_roles``. It is idempotent and makes each group's
permissions exactly those declared here. Permissions are named ``app_label.codename``; a name that does not
exist (a typo, an app not migrated yet) is reported, never silently ignored.

What a user may do comes from these groups; where they may do it comes from their memberships.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission

from qms.core.choices import Role

logger = logging.getLogger(__name__)


def _crud(app: str, *models: str, actions: tuple[str, ...] = ("add", "change", "delete", "view")) -> list[str]:
    return [f"{app}.{action}_{model}" for model in models for action in actions]


def _view(app: str, *models: str) -> list[str]:
    return _crud(app, *models, actions=("view",))


_ORGANISATION = ("orgunit", "academicyear", "programme", "course", "teaching", "membership")

# --- qms.core --------------------------------------------------------------------------------------------
CORE = {
    Role.QUALITY_MANAGER: [
        *_crud("core", *_ORGANISATION, "accessgrant"),
        *_view("core", "activitylog", "statuschange", "user"),
    ],
    Role.QUALITY_REFERENT: [*_view("core", *_ORGANISATION)],
    Role.PROCESS_OWNER: [*_view("core", *_ORGANISATION)],
    Role.DIRECTOR: [*_view("core", *_ORGANISATION, "activitylog", "statuschange")],
    Role.TEACHER: [*_view("core", "orgunit", "academicyear", "programme", "course")],
    Role.AUDITOR: [*_view("core", "orgunit", "academicyear", "programme")],
    Role.STAFF: [*_view("core", "orgunit", "programme")],
    Role.SENSITIVE_CASES: [],
}

# --- processes -------------------------------------------------------------------------------------------
PROCESSES = {
    Role.QUALITY_MANAGER: [*_crud("processes", "process")],
    Role.QUALITY_REFERENT: [*_view("processes", "process")],
    Role.PROCESS_OWNER: ["processes.view_process", "processes.change_process"],
    Role.DIRECTOR: [*_view("processes", "process")],
    Role.AUDITOR: [*_view("processes", "process")],
    Role.STAFF: [*_view("processes", "process")],
}

# Each app adds its own block here; the blocks are merged below.
BLOCKS: list[dict[str, list[str]]] = [CORE, PROCESSES]


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role: set() for role in Role.values}
    for block in BLOCKS:
        for role, perms in block.items():
            merged[str(role)].update(perms)
    return merged


def sync_roles(verbosity: int = 1) -> dict[str, int]:
    """Create the role groups and set their permissions to the declared map. Returns permissions per role."""
    wanted = role_permissions()
    all_perms = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    counts = {}
    for role, perms in wanted.items():
        group, _created = Group.objects.get_or_create(name=role)
        missing = sorted(p for p in perms if p not in all_perms)
        if missing:
            logger.warning("Unknown permissions for role %s: %s", role, ", ".join(missing))
        group.permissions.set([all_perms[p] for p in perms if p in all_perms])
        counts[role] = len(perms) - len(missing)
    return counts


def sync_roles_after_migrate(sender, **kwargs) -> None:
    sync_roles(verbosity=kwargs.get("verbosity", 1))
