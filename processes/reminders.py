"""The process map's reminder providers and calendar source (registered in ``ProcessesConfig.ready()``).

Lead times, in calendar days, are fields of ``ProcessMapSettings`` (the process map's section of the settings page),
read once per scan through its cached ``get()``; the defaults are:

- a manual indicator's measurement for its last closed period, due ``measurement_grace_days`` after the period
  ends: ``measurement_reminder_days``, 7 days before, and once overdue, to the indicator's owner, else the process
  owner;
- a document's periodic review (``Document.next_review_on``): ``document_review_reminder_days``, 30 and 7 days
  before, and once overdue, to the document owner, else its process owner;
- a process review (``Process.next_review_on``): ``process_review_reminder_days``, 30 and 7 days before, and once
  overdue, to the process owner;
- a risk's review date (``Risk.review_on``): ``risk_review_reminder_days``, 7 days before, and once overdue, to
  the process owner.

With no active person responsible, the quality managers are reminded. Read confirmations have no due date (only the
day the version was sent), so they are not reminded here: the distribution itself reminds who has not confirmed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from processes import selectors
from processes.models import Process, Risk
from processes.periods import period_of, previous_period
from qms.core.choices import Role
from qms.core.models import User
from qms.core.selectors import users_with_role
from qms.notifications import reminders
from qms.notifications.reminders import OVERDUE, CalendarEntry, ReminderItem, deadline_item

MODULE = "processes"

# Calendar feeds show what falls due within this horizon (and everything overdue).
CALENDAR_HORIZON_DAYS = 366


def _thresholds(field: str) -> tuple[int, ...]:
    """The lead times of ``field`` of the process map's settings, then "overdue"."""
    return (*getattr(selectors.map_settings(), field), OVERDUE)


def _people(person: User | None) -> list[User]:
    """``person`` when active; otherwise the quality managers (someone must know)."""
    if person is not None and person.is_active:
        return [person]
    return list(users_with_role(Role.QUALITY_MANAGER).order_by("pk"))


def _item(obj, person: User, *, due: datetime.date, today: datetime.date, **fields) -> ReminderItem:
    return deadline_item(obj, person, module=MODULE, due=due, urgent=due < today, **fields)


def _last_period(frequency: str, ended_by: datetime.date):
    """The last period of ``frequency`` that ended on or before ``ended_by``."""
    period = period_of(frequency, ended_by)
    return period if period.end <= ended_by else previous_period(frequency, period)


def _last_periods_missing(
    due: Iterable[selectors.DueMeasurement], *, until: datetime.date
) -> list[selectors.DueMeasurement]:
    """Of ``due`` (measurements falling due by ``until``), those of each indicator's last period: an older gap is
    not reminded once a later period was entered."""
    grace = datetime.timedelta(days=selectors.map_settings().measurement_grace_days)
    kept = []
    for item in due:
        last = _last_period(item.indicator.frequency, until - grace)
        if item.period.start == last.start:
            kept.append(item)
    return sorted(kept, key=lambda item: (item.due_on, item.indicator.pk))


def measurements(today: datetime.date) -> Iterator[ReminderItem]:
    """The measurement of each manual indicator's last closed period, not entered yet: due within the first lead
    time (7 days by default) or overdue."""
    thresholds = _thresholds("measurement_reminder_days")
    until = today + datetime.timedelta(days=max(thresholds))
    due = selectors.measurements_due_between(today - selectors.DUE_WINDOW, until)
    for item in _last_periods_missing(due, until=until):
        indicator = item.indicator
        for person in _people(item.responsible):
            yield _item(
                indicator,
                person,
                kind="indicator-measurement",
                due=item.due_on,
                thresholds=thresholds,
                today=today,
                reference=indicator.process.code,
                title=f"{indicator.name} ({item.label})",
                label=_("Measurement to enter"),
            )


def document_reviews(today: datetime.date) -> Iterator[ReminderItem]:
    """Active documents whose periodic review falls within the first lead time (30 days by default) or is
    overdue."""
    thresholds = _thresholds("document_review_reminder_days")
    horizon = today + datetime.timedelta(days=max(thresholds))
    for due in selectors.documents_due_for_review_between(datetime.date.min, horizon):
        document = due.document
        for person in _people(due.responsible):
            yield _item(
                document,
                person,
                kind="document-review",
                due=due.due_on,
                thresholds=thresholds,
                today=today,
                reference=document.reference,
                title=document.title,
                label=_("Document review"),
            )


def _processes_due(until: datetime.date):
    return (
        Process.objects.filter(is_active=True, next_review_on__isnull=False, next_review_on__lte=until)
        .select_related("owner")
        .order_by("next_review_on", "code")
    )


def process_reviews(today: datetime.date) -> Iterator[ReminderItem]:
    """Active processes whose next review falls within the first lead time (30 days by default) or is overdue, to
    their owner."""
    thresholds = _thresholds("process_review_reminder_days")
    for process in _processes_due(today + datetime.timedelta(days=max(thresholds))):
        for person in _people(process.owner):
            yield _item(
                process,
                person,
                kind="process-review",
                due=process.next_review_on,
                thresholds=thresholds,
                today=today,
                reference=process.code,
                title=process.name,
                label=_("Process review"),
            )


def _risks_due(until: datetime.date):
    return (
        Risk.objects.current()
        .filter(process__is_active=True, review_on__isnull=False, review_on__lte=until)
        .select_related("process", "process__owner")
        .order_by("review_on", "reference")
    )


def risk_reviews(today: datetime.date) -> Iterator[ReminderItem]:
    """Current risks and opportunities whose review date falls within the first lead time (7 days by default) or is
    overdue, to the process owner."""
    thresholds = _thresholds("risk_review_reminder_days")
    for risk in _risks_due(today + datetime.timedelta(days=max(thresholds))):
        for person in _people(risk.process.owner):
            yield _item(
                risk,
                person,
                kind="risk-review",
                due=risk.review_on,
                thresholds=thresholds,
                today=today,
                reference=risk.reference,
                title=risk.short_description,
                label=_("Risk review"),
            )


def calendar(user) -> Iterator[CalendarEntry]:
    """``user``'s deadlines of the process map: measurements to enter, documents to review, their processes'
    reviews and their risks' reviews."""
    from django.utils import timezone

    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=CALENDAR_HORIZON_DAYS)
    for due in selectors.measurements_due_for(user, today=today, horizon_days=CALENDAR_HORIZON_DAYS):
        yield CalendarEntry(
            f"measurement-{due.indicator.pk}-{due.period.start.isoformat()}",
            due.indicator.process.code,
            f"{due.indicator.name} ({due.label})",
            due.due_on,
            due.indicator.get_absolute_url(),
        )
    for due in selectors.documents_due_for_review_for(user, today=today, horizon_days=CALENDAR_HORIZON_DAYS):
        yield CalendarEntry(
            f"document-review-{due.document.pk}",
            due.document.reference,
            str(_("Document review")) + f" — {due.document.title}",
            due.due_on,
            due.document.get_absolute_url(),
        )
    for process in _processes_due(horizon).filter(owner=user):
        yield CalendarEntry(
            f"process-review-{process.pk}",
            process.code,
            str(_("Process review")) + f" — {process.name}",
            process.next_review_on,
            process.get_absolute_url(),
        )
    for risk in _risks_due(horizon).filter(process__owner=user):
        yield CalendarEntry(
            f"risk-review-{risk.pk}",
            risk.reference,
            str(_("Risk review")) + f" — {risk.short_description}",
            risk.review_on,
            risk.get_absolute_url(),
        )


def register() -> None:
    """Register the providers, the calendar source and the kinds of the process map's reminders."""
    reminders.register("processes.measurements", measurements)
    reminders.register("processes.document-reviews", document_reviews)
    reminders.register("processes.process-reviews", process_reviews)
    reminders.register("processes.risk-reviews", risk_reviews)
    reminders.register_calendar("processes.deadlines", calendar)
    reminders.register_kind("indicator-measurement", label=_("Measurement to enter"), module=MODULE)
    reminders.register_kind("document-review", label=_("Document review"), module=MODULE)
    reminders.register_kind("process-review", label=_("Process review"), module=MODULE)
    reminders.register_kind("risk-review", label=_("Risk review"), module=MODULE)
