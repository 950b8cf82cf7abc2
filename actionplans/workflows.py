"""The table of allowed moves of an action's status (qms.core.workflow)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from actionplans.choices import OPEN_STATUSES, ActionStatus
from qms.core.choices import Actor
from qms.core.workflow import Move, Workflow


def _needs_reason(action: Any, *, note: str = "", **context: Any) -> str | None:
    return None if note.strip() else _("Say why: a reason is required.")


def _reopen_guard(action: Any, *, note: str = "", **context: Any) -> str | None:
    if action.effectiveness_checks.exists():
        return _("Its effectiveness has been checked: start a follow-up action instead of reopening it.")
    return _needs_reason(action, note=note)


# planned → in progress → done, and cancelled from any open status. "Late" is derived, never a status.
ACTION_WORKFLOW = Workflow(
    choices=ActionStatus,
    moves=[
        Move(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, actors=(Actor.USER, Actor.SYSTEM)),
        Move(OPEN_STATUSES, ActionStatus.DONE, actors=(Actor.USER, Actor.SYSTEM)),
        Move(OPEN_STATUSES, ActionStatus.CANCELLED, guard=_needs_reason, actors=(Actor.USER, Actor.SYSTEM)),
        # A mistake: a done action is reopened with a reason, as long as no one has checked its effectiveness.
        Move(ActionStatus.DONE, ActionStatus.IN_PROGRESS, guard=_reopen_guard),
    ],
    terminal=frozenset({ActionStatus.CANCELLED}),
)
