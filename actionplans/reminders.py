"""The action plans' reminder providers and calendar source (registered in ``ActionplansConfig.ready()``).

Lead times, in calendar days, are fields of ``ActionPlanSettings`` (the action plans' section of the settings page),
read once per scan through its cached ``get()``:

- an open action is reminded ``action_reminder_days`` before its deadline (14, 7 and 1 by default), and once
  overdue, to the person responsible (``selectors.responsible_for``: its owner, else the plan owner, else the
  quality managers);
- an action late by more than ``escalate_after_days`` (14) days escalates to the plan owner and the quality
  managers;
- a done action whose effectiveness check is due is reminded ``effectiveness_reminder_days`` before (7) and once
  overdue, to the person responsible, until the check is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from actionplans import selectors
from actionplans.models import Action, ActionPlanSettings
from qms.core.choices import Role
from qms.core.selectors import users_with_role
from qms.notifications.reminders import OVERDUE, CalendarEntry, ReminderItem, deadline_item

MODULE = "actionplans"


def action_thresholds(settings: ActionPlanSettings) -> tuple[int, ...]:
    return (*settings.action_reminder_days, OVERDUE)


def escalation_threshold(settings: ActionPlanSettings) -> int:
    """The first day late by more than ``escalate_after_days``."""
    return -(settings.escalate_after_days + 1)


def effectiveness_thresholds(settings: ActionPlanSettings) -> tuple[int, ...]:
    return (*settings.effectiveness_reminder_days, OVERDUE)


def _responsible(action: Action) -> list:
    person = selectors.responsible_for(action)
    return [person] if person is not None else list(users_with_role(Role.QUALITY_MANAGER).order_by("pk"))


def _item(action: Action, recipient, *, event_kind: str, due: datetime.date, thresholds, today, label) -> ReminderItem:
    return deadline_item(
        action,
        recipient,
        module=MODULE,
        kind=event_kind,
        due=due,
        thresholds=thresholds,
        urgent=due < today,
        label=label,
        reference=action.reference,
        title=action.title,
    )


def action_deadlines(today: datetime.date) -> Iterator[ReminderItem]:
    """Open actions due within the first lead time (14 days by default) or overdue, to the person responsible."""
    thresholds = action_thresholds(ActionPlanSettings.get())
    for action in selectors.actions_due_by(today + datetime.timedelta(days=max(thresholds))):
        for person in _responsible(action):
            yield _item(
                action,
                person,
                event_kind="action-deadline",
                due=action.deadline,
                thresholds=thresholds,
                today=today,
                label=_("Action"),
            )


def action_escalations(today: datetime.date) -> Iterator[ReminderItem]:
    """Actions late by more than ``escalate_after_days`` (14 by default), to the plan owner and the quality
    managers."""
    settings = ActionPlanSettings.get()
    days = settings.escalate_after_days
    label = format_lazy(_("Action late by more than {days} days"), days=days)
    managers = list(users_with_role(Role.QUALITY_MANAGER).order_by("pk"))
    for action in selectors.actions_late_by_more_than(days, today):
        people = {person.pk: person for person in managers}
        if action.plan.owner_id and action.plan.owner.is_active:
            people.setdefault(action.plan.owner_id, action.plan.owner)
        for person in people.values():
            yield _item(
                action,
                person,
                event_kind="action-escalation",
                due=action.deadline,
                thresholds=(escalation_threshold(settings),),
                today=today,
                label=label,
            )


def effectiveness_checks(today: datetime.date) -> Iterator[ReminderItem]:
    """Effectiveness checks due within the first lead time (7 days by default) or overdue, to the person
    responsible."""
    thresholds = effectiveness_thresholds(ActionPlanSettings.get())
    for action in selectors.effectiveness_checks_due(today + datetime.timedelta(days=max(thresholds))):
        for person in _responsible(action):
            yield _item(
                action,
                person,
                event_kind="action-effectiveness",
                due=action.effectiveness_due,
                thresholds=thresholds,
                today=today,
                label=_("Effectiveness check"),
            )


def calendar(user) -> Iterator[CalendarEntry]:
    """``user``'s action deadlines and effectiveness checks, for their calendar feed."""
    for action in selectors.calendar_actions(user):
        if action.is_open:
            yield CalendarEntry(
                f"action-{action.pk}", action.reference, action.title, action.deadline, action.get_absolute_url()
            )
        else:
            yield CalendarEntry(
                f"action-check-{action.pk}",
                action.reference,
                str(_("Effectiveness check")) + f" — {action.title}",
                action.effectiveness_due,
                action.get_absolute_url(),
            )


def register_kinds() -> None:
    """The kinds of the action plans' reminders, whose wording the quality manager may override."""
    from qms.notifications import reminders

    reminders.register_kind("action-deadline", label=_("Action deadline"), module=MODULE)
    reminders.register_kind("action-escalation", label=_("Late action escalated"), module=MODULE)
    reminders.register_kind("action-effectiveness", label=_("Effectiveness check"), module=MODULE)
