"""The table of allowed moves of a request's status, and who makes each one.

| from                          | to                | by                                                        |
|-------------------------------|-------------------|-----------------------------------------------------------|
| new                           | acknowledged      | the system, when the acknowledgement is queued            |
| acknowledged                  | in progress       | staff (taking in charge stops the take-charge clock)      |
| acknowledged, in progress     | waiting           | staff, with a public question; the clock pauses           |
| waiting                       | in progress       | the requester's reply, or staff                           |
| in progress                   | answered          | staff, with the final public reply                        |
| answered                      | closed            | staff (with a resolution summary), or the system after    |
|                               |                   | the quiet period                                          |
| answered, closed              | in progress       | the requester, within the reopening period of the answer  |
| new, acknowledged, in progress| redirected        | staff, with the body and an explanation                   |
| new, acknowledged             | rejected          | staff, with the reason                                    |
| any open status               | spam, duplicate   | staff (a duplicate names its original)                    |

The guards that read the clock take the move's ``now`` (``complaint_transition(now=…)``), the present by default.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.choices import OPEN_STATUSES, ComplaintStatus
from qms.core.choices import Actor
from qms.core.workflow import Move, Workflow

S = ComplaintStatus


def _settings():
    from complaints.models import HelpdeskSettings

    return HelpdeskSettings.get()


def _needs_message(obj, *, message: str = "", **context) -> str | None:
    return None if (message or "").strip() else _("A message to the requester is required.")


def _needs_summary(obj, *, resolution_summary: str = "", **context) -> str | None:
    if (resolution_summary or obj.resolution_summary or "").strip():
        return None
    return _("A resolution summary is required to close the request.")


def _quiet_period_over(obj, *, now=None, **context) -> str | None:
    days = _settings().auto_close_after_days
    if obj.answered_at and obj.answered_at <= (now or timezone.now()) - timedelta(days=days):
        return None
    return ngettext(
        "The request was answered less than %(days)d day ago.",
        "The request was answered less than %(days)d days ago.",
        days,
    ) % {"days": days}


def _within_reopen_window(obj, *, now=None, **context) -> str | None:
    days = _settings().reopen_window_days
    if obj.answered_at and (now or timezone.now()) <= obj.answered_at + timedelta(days=days):
        return None
    return ngettext(
        "The request was answered more than %(days)d day ago; please file a new request.",
        "The request was answered more than %(days)d days ago; please file a new request.",
        days,
    ) % {"days": days}


def _needs_redirect_body(obj, *, redirect_body=None, message: str = "", **context) -> str | None:
    if redirect_body is None:
        return _("Choose the body the request is redirected to.")
    return _needs_message(obj, message=message)


def _needs_original(obj, *, duplicate_of=None, **context) -> str | None:
    if duplicate_of is None:
        return _("Name the request that this one duplicates.")
    if duplicate_of.pk == obj.pk:
        return _("A request cannot be a duplicate of itself.")
    if duplicate_of.duplicate_of_id == obj.pk:
        return _("That request is already marked as a duplicate of this one.")
    if duplicate_of.is_sensitive != obj.is_sensitive:
        return _("A sensitive request and an ordinary one cannot be merged.")
    return None


WORKFLOW = Workflow(
    choices=ComplaintStatus,
    terminal=frozenset({S.REDIRECTED, S.REJECTED, S.SPAM, S.DUPLICATE}),
    moves=[
        Move(S.NEW, S.ACKNOWLEDGED, actors=(Actor.SYSTEM,)),
        Move(S.ACKNOWLEDGED, S.IN_PROGRESS),
        Move((S.ACKNOWLEDGED, S.IN_PROGRESS), S.WAITING, guard=_needs_message),
        Move(S.WAITING, S.IN_PROGRESS, actors=(Actor.REQUESTER, Actor.USER)),
        Move(S.IN_PROGRESS, S.ANSWERED, guard=_needs_message),
        Move(S.ANSWERED, S.CLOSED, guard=_needs_summary),
        Move(S.ANSWERED, S.CLOSED, guard=_quiet_period_over, actors=(Actor.SYSTEM,)),
        Move((S.ANSWERED, S.CLOSED), S.IN_PROGRESS, guard=_within_reopen_window, actors=(Actor.REQUESTER,)),
        Move((S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS), S.REDIRECTED, guard=_needs_redirect_body),
        Move((S.NEW, S.ACKNOWLEDGED), S.REJECTED, guard=_needs_message),
        Move(tuple(OPEN_STATUSES), S.SPAM),
        Move(tuple(OPEN_STATUSES), S.DUPLICATE, guard=_needs_original),
    ],
)
