"""The emails of the action plans, one function for each kind; they go through the outbox with ``notify``."""

from __future__ import annotations

from actionplans.models import Action
from qms.core.models import User
from qms.notifications.services import notify

ACTION_ASSIGNED = "action-assigned"


def send_action_assigned(action: Action, *, by: User | None = None):
    """Tell an action's owner that the action is now theirs, in their language; it leaves after commit."""
    if action.owner is None:
        return None
    assigned_by = by if getattr(by, "is_authenticated", False) else None
    return notify(action.owner, ACTION_ASSIGNED, action, context={"action": action, "assigned_by": assigned_by})
