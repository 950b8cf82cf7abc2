"""The helpdesk's reminder providers and calendar source (registered in ``ComplaintsConfig.ready()``).

Lead times are fields of ``HelpdeskSettings`` (the helpdesk's section of the settings page):
``reminder_lead_days`` before a take-charge or answer deadline, and ``ack_alert_after_hours`` before an unsent
acknowledgement is reported. Due dates are read from the request, where they are already in working days.

- take-charge deadline approaching or breached: the assignee and the unit's quality referents;
- answer deadline approaching: the assignee; breached: also the quality managers (an escalation);
- acknowledgement still unsent a set time after submission: the quality managers;
- waiting, finished and purged requests are left out (``selectors``);
- a sensitive request's reminders go only to the sensitive-cases group (or, when it is empty, to the quality
  managers), with the reference and a link only, never into a digest.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import selectors
from complaints.models import Complaint, HelpdeskSettings
from qms.core.choices import MembershipRole, Role
from qms.core.selectors import has_role, role_holders, users_with_role
from qms.notifications.reminders import OVERDUE, CalendarEntry, ReminderItem, deadline_item

MODULE = "complaints"


def _managers() -> list:
    return list(users_with_role(Role.QUALITY_MANAGER).exclude(email="").order_by("pk"))


def _sensitive_group() -> list:
    """Who hears of a sensitive request: the named group; when it is empty, the quality managers (someone must
    know), who get the reference and a link only, like everyone for such a request."""
    group = list(users_with_role(Role.SENSITIVE_CASES).exclude(email="").order_by("pk"))
    return group or _managers()


def _people(*groups) -> list:
    seen: dict[int, object] = {}
    for group in groups:
        for person in group:
            if person is not None and person.is_active:
                seen.setdefault(person.pk, person)
    return list(seen.values())


def _item(complaint: Complaint, person, *, kind: str, due: datetime.date, thresholds, urgent: bool, label):
    return deadline_item(
        complaint,
        person,
        module=MODULE,
        kind=kind,
        due=due,
        thresholds=thresholds,
        urgent=urgent,
        label=label,
        reference=complaint.reference,
        # A sensitive request's subject never travels: its reference and a link only.
        title="" if complaint.is_sensitive else complaint.subject,
        sensitive=complaint.is_sensitive,
    )


def take_charge_deadlines(today: datetime.date) -> Iterator[ReminderItem]:
    lead = HelpdeskSettings.get().reminder_lead_days
    for complaint in selectors.take_charge_due_by(today + datetime.timedelta(days=lead)):
        if complaint.is_sensitive:
            people = _sensitive_group()
        else:
            referents = role_holders(complaint.org_unit, MembershipRole.QUALITY_REFERENT).exclude(email="")
            people = _people([complaint.assignee], referents.order_by("pk"))
        for person in people:
            yield _item(
                complaint,
                person,
                kind="complaint-take-charge",
                due=complaint.take_charge_due,
                thresholds=(lead, OVERDUE),
                urgent=complaint.take_charge_due < today,
                label=_("Take charge of the request"),
            )


def answer_deadlines(today: datetime.date) -> Iterator[ReminderItem]:
    lead = HelpdeskSettings.get().reminder_lead_days
    for complaint in selectors.answer_due_by(today + datetime.timedelta(days=lead)):
        breached = complaint.answer_due < today
        if complaint.is_sensitive:
            people = _sensitive_group()
        else:
            people = _people([complaint.assignee])
        for person in people:
            yield _item(
                complaint,
                person,
                kind="complaint-answer",
                due=complaint.answer_due,
                thresholds=(lead, OVERDUE),
                urgent=breached,
                label=_("Answer the request"),
            )
        # A breach escalates to the quality managers (for a sensitive request, the group was told already).
        if breached and not complaint.is_sensitive:
            for person in _managers():
                yield _item(
                    complaint,
                    person,
                    kind="complaint-answer-escalation",
                    due=complaint.answer_due,
                    thresholds=(OVERDUE,),
                    urgent=True,
                    label=_("Answer deadline passed"),
                )


def unsent_acknowledgements(today: datetime.date) -> Iterator[ReminderItem]:
    hours = HelpdeskSettings.get().ack_alert_after_hours
    now = timezone.now()
    for complaint in selectors.unsent_acknowledgements(now - datetime.timedelta(hours=hours), now):
        received = timezone.localdate(complaint.received_at)
        for person in _sensitive_group() if complaint.is_sensitive else _managers():
            yield _item(
                complaint,
                person,
                kind="complaint-ack-unsent",
                due=received,
                thresholds=(0,),
                urgent=True,
                label=_("Acknowledgement not sent"),
            )


def calendar(user) -> Iterator[CalendarEntry]:
    """The deadlines of the requests ``user`` is assigned; sensitive ones only for the named group, as a bare
    reference."""
    in_group = has_role(user, Role.SENSITIVE_CASES)
    for complaint in Complaint.objects.filter(assignee=user, purged_at__isnull=True).order_by("pk"):
        due = complaint.current_due
        if due is None or (complaint.is_sensitive and not in_group):
            continue
        yield CalendarEntry(
            f"complaint-{complaint.pk}",
            complaint.reference,
            "" if complaint.is_sensitive else complaint.subject,
            due,
            complaint.get_absolute_url(),
            sensitive=complaint.is_sensitive,
        )


def register_kinds() -> None:
    """The kinds of the helpdesk's reminders, whose wording the quality manager may override."""
    from qms.notifications import reminders

    reminders.register_kind("complaint-take-charge", label=_("Take charge of the request"), module=MODULE)
    reminders.register_kind("complaint-answer", label=_("Answer the request"), module=MODULE)
    reminders.register_kind("complaint-answer-escalation", label=_("Answer deadline passed"), module=MODULE)
    reminders.register_kind("complaint-ack-unsent", label=_("Acknowledgement not sent"), module=MODULE)
