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

# --- processes -------------------------------------------------------------------------------------------
PROCESSES = {
    Role.QUALITY_MANAGER: [*_crud("processes", "process")],
    Role.QUALITY_REFERENT: [*_view("processes", "process")],
    Role.PROCESS_OWNER: ["processes.view_process", "processes.change_process"],
    Role.DIRECTOR: [*_view("processes", "process")],
    Role.AUDITOR: [*_view("processes", "process")],
    Role.STAFF: [*_view("processes", "process")],
}

# --- qms.notifications -----------------------------------------------------------------------------------
# The outbox is read (and retried or given up) in the Django admin by the quality manager.
NOTIFICATIONS = {
    Role.QUALITY_MANAGER: ["notifications.view_outboxemail", "notifications.change_outboxemail"],
}

# --- actionplans -----------------------------------------------------------------------------------------
# Groups say what may be done; where comes from memberships (see actionplans/selectors.py). Owning a plan, an
# action or its process gives access to it even without these permissions.
_ACTIONPLAN_MODELS = (
    "actionplan",
    "axis",
    "objective",
    "action",
    "actionsource",
    "actionupdate",
    "actionevidence",
    "effectivenesscheck",
)
ACTIONPLANS = {
    Role.QUALITY_MANAGER: [*_crud("actionplans", *_ACTIONPLAN_MODELS), *_view("actionplans", "planimport")],
    # A referent reads their units' plans, adds and follows up their actions, and may start a plan for them.
    Role.QUALITY_REFERENT: [
        *_view("actionplans", *_ACTIONPLAN_MODELS),
        "actionplans.add_actionplan",
        "actionplans.add_action",
        "actionplans.change_action",
        "actionplans.add_actionsource",
        "actionplans.add_actionupdate",
        "actionplans.add_effectivenesscheck",
    ],
    Role.PROCESS_OWNER: [*_view("actionplans", "action", "actionupdate"), "actionplans.add_actionupdate"],
    Role.DIRECTOR: [*_view("actionplans", *_ACTIONPLAN_MODELS)],
    Role.AUDITOR: [*_view("actionplans", "actionplan", "axis", "objective", "action", "effectivenesscheck")],
    Role.STAFF: ["actionplans.add_actionupdate"],
}

# --- complaints ------------------------------------------------------------------------------------------
# Where comes from memberships and ownership (see complaints/selectors.py): a referent handles their units'
# requests, an assignee theirs. Sensitive requests are for the sensitive-cases group only, whatever the rest.
_COMPLAINT_SETTINGS = ("redirectbody", "rootcausecategory", "deadlinesetting")
COMPLAINTS = {
    Role.QUALITY_MANAGER: [
        "complaints.view_complaint",
        "complaints.change_complaint",
        "complaints.view_complaint_ip",
        *_view("complaints", "complaintmessage", "complaintattachment"),
        *_crud("complaints", *_COMPLAINT_SETTINGS),
    ],
    Role.QUALITY_REFERENT: [
        "complaints.view_complaint",
        "complaints.change_complaint",
        *_view("complaints", "complaintmessage", "complaintattachment", *_COMPLAINT_SETTINGS),
    ],
    Role.PROCESS_OWNER: ["complaints.view_complaint"],
    Role.DIRECTOR: ["complaints.view_complaint", *_view("complaints", "complaintmessage")],
    Role.AUDITOR: ["complaints.view_complaint"],
    # Every member of staff may report an internal dysfunction.
    Role.STAFF: ["complaints.add_complaint"],
    Role.SENSITIVE_CASES: [
        "complaints.view_complaint",
        "complaints.change_complaint",
        *_view("complaints", "complaintmessage", "complaintattachment"),
    ],
}

# --- complaints: reply templates ------------------------------------------------------------------------
# The quality manager writes the canned answers; whoever answers requests reads them.
COMPLAINT_REPLY_TEMPLATES = {
    Role.QUALITY_MANAGER: [*_crud("complaints", "replytemplate")],
    Role.QUALITY_REFERENT: [*_view("complaints", "replytemplate")],
    Role.SENSITIVE_CASES: [*_view("complaints", "replytemplate")],
}

# Each app adds its own block here; the blocks are merged below.
BLOCKS: list[dict[str, list[str]]] = [
    CORE,
    PROCESSES,
    NOTIFICATIONS,
    ACTIONPLANS,
    COMPLAINTS,
    COMPLAINT_REPLY_TEMPLATES,
]


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role: set() for role in Role.values}
    for block in BLOCKS:
        for role, perms in block.items():
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
