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
from django.db import transaction

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
        *_crud("core", *_ORGANISATION, "accessgrant", "closureday"),
        *_view("core", "activitylog", "statuschange", "user"),
        # Only the quality manager edits the site settings (there is one record: no add, no delete).
        "core.view_sitesettings",
        "core.change_sitesettings",
    ],
    Role.QUALITY_REFERENT: [*_view("core", *_ORGANISATION)],
    Role.PROCESS_OWNER: [*_view("core", *_ORGANISATION)],
    Role.DIRECTOR: [*_view("core", *_ORGANISATION, "activitylog", "statuschange")],
    Role.TEACHER: [*_view("core", "orgunit", "academicyear", "programme", "course")],
    Role.AUDITOR: [*_view("core", "orgunit", "academicyear", "programme")],
    Role.STAFF: [*_view("core", "orgunit", "programme")],
    Role.SENSITIVE_CASES: [],
}

# Core's own block, collected like every app's (see qms.core.registry).
PERMISSIONS = CORE


def crud(app: str, *models: str, actions: tuple[str, ...] = ("add", "change", "delete", "view")) -> list[str]:
    """``app.<action>_<model>`` for each model and action: the usual shape of a block."""
    return _crud(app, *models, actions=actions)


def view(app: str, *models: str) -> list[str]:
    return _view(app, *models)


def blocks() -> list[dict[str, list[str]]]:
    """Every app's declared block (``<app>/roles.py: PERMISSIONS``), in app order."""
    from qms.core.registry import declared

    return [block for _config, block in declared("roles", "PERMISSIONS")]


def declared_roles() -> dict[str, str]:
    """Every role: the core ones (``Role``) and those apps add (``<app>/roles.py: ROLES``)."""
    from qms.core.registry import declared

    roles = {str(value): str(label) for value, label in Role.choices}
    for _config, extra in declared("roles", "ROLES"):
        roles.update({str(name): str(label) for name, label in extra.items()})
    return roles


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role: set() for role in declared_roles()}
    for block in blocks():
        for role, perms in block.items():
            if str(role) not in merged:
                raise ValueError(f"Permissions declared for an undeclared role: {role}")
            merged[str(role)].update(perms)
    return merged


def _existing_permissions() -> dict[str, int]:
    return {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }


def unknown_permissions() -> dict[str, list[str]]:
    """Declared permissions that do not exist, by role: a typo, or an app whose migrations have not run."""
    existing = _existing_permissions()
    unknown = {role: sorted(p for p in perms if p not in existing) for role, perms in role_permissions().items()}
    return {role: perms for role, perms in unknown.items() if perms}


@transaction.atomic
def sync_roles(verbosity: int = 1) -> dict[str, int]:
    """Create the role groups and set their permissions to exactly the declared map; idempotent.

    Returns the number of permissions given to each role. Groups that are not roles (made by hand in the admin)
    are left alone.
    """
    wanted = role_permissions()
    existing = _existing_permissions()
    counts = {}
    for role, perms in wanted.items():
        group, _created = Group.objects.get_or_create(name=role)
        missing = sorted(p for p in perms if p not in existing)
        if missing:
            logger.warning("Unknown permissions for role %s: %s", role, ", ".join(missing))
        group.permissions.set([existing[p] for p in perms if p in existing])
        counts[role] = len(perms) - len(missing)
        if verbosity > 1:
            logger.info("Role %s: %d permissions", role, counts[role])
    return counts


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate handler: permissions exist only once every app has migrated, never in a data migration."""
    sync_roles(verbosity=kwargs.get("verbosity", 1))
