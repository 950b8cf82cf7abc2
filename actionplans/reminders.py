"""The action plans' reminder providers and calendar source (registered in ``ActionplansConfig.ready()``).

Lead times, in calendar days (the action plans have no settings record yet, so they are constants here):

- an open action is reminded 14, 7 and 1 days before its deadline, and once overdue, to the person
  responsible (``selectors.responsible_for``: its owner, else the plan owner, else the quality managers);
- an action late by more than ``ESCALATE_AFTER_DAYS`` (14) days escalates to the plan owner and the quality
  managers;
- a done action whose effectiveness check is due is reminded 7 days before and once overdue, to the person
  responsible, until the check is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from actionplans import selectors
from actionplans.models import Action
from qms.core.choices import Role
from qms.core.selectors import users_with_role
from qms.notifications.reminders import OVERDUE, CalendarEntry, ReminderItem

ACTION_THRESHOLDS = (14, 7, 1, OVERDUE)
ESCALATE_AFTER_DAYS = 14
ESCALATION_THRESHOLD = -(ESCALATE_AFTER_DAYS + 1)  # the first day late by more than 14 days
EFFECTIVENESS_THRESHOLDS = (7, OVERDUE)

MODULE = "actionplans"


def _responsible(action: Action) -> list:
    person = selectors.responsible_for(action)
    return [person] if person is not None else list(users_with_role(Role.QUALITY_MANAGER).order_by("pk"))


def _item(action: Action, recipient, *, event_kind: str, due: datetime.date, thresholds, today, label) -> ReminderItem:
    return ReminderItem(
        obj=action,
        event="reminder",
        kind=event_kind,
        due_date=due,
        thresholds=thresholds,
        recipient=recipient,
        urgent=due < today,
        module=MODULE,
        reference=action.reference,
        title=action.title,
        url=action.get_absolute_url(),
        context={"item_label": label},
    )


def action_deadlines(today: datetime.date) -> Iterator[ReminderItem]:
    """Open actions due within 14 days or overdue, to the person responsible."""
    for action in selectors.actions_due_by(today + datetime.timedelta(days=max(ACTION_THRESHOLDS))):
        for person in _responsible(action):
            yield _item(
                action,
                person,
                event_kind="action-deadline",
                due=action.deadline,
                thresholds=ACTION_THRESHOLDS,
                today=today,
                label=_("Action"),
            )


def action_escalations(today: datetime.date) -> Iterator[ReminderItem]:
    """Actions late by more than 14 days, to the plan owner and the quality managers."""
    managers = list(users_with_role(Role.QUALITY_MANAGER).order_by("pk"))
    for action in selectors.actions_late_by_more_than(ESCALATE_AFTER_DAYS, today):
        people = {person.pk: person for person in managers}
        if action.plan.owner_id and action.plan.owner.is_active:
            people.setdefault(action.plan.owner_id, action.plan.owner)
        for person in people.values():
            yield _item(
                action,
                person,
                event_kind="action-escalation",
                due=action.deadline,
                thresholds=(ESCALATION_THRESHOLD,),
                today=today,
                label=_("Action late by more than 14 days"),
            )


def effectiveness_checks(today: datetime.date) -> Iterator[ReminderItem]:
    """Effectiveness checks due within 7 days or overdue, to the person responsible."""
    for action in selectors.effectiveness_checks_due(today + datetime.timedelta(days=max(EFFECTIVENESS_THRESHOLDS))):
        for person in _responsible(action):
            yield _item(
                action,
                person,
                event_kind="action-effectiveness",
                due=action.effectiveness_due,
                thresholds=EFFECTIVENESS_THRESHOLDS,
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
    reminders.register_kind("action-escalation", label=_("Action late by more than 14 days"), module=MODULE)
    reminders.register_kind("action-effectiveness", label=_("Effectiveness check"), module=MODULE)
