"""The certifications' reminder providers and calendar source (registered in ``CertificationsConfig.ready()``).

Lead times, in calendar days, are fields of ``CertificationSettings`` (the certifications' section of the settings
page), read once per scan through its cached ``get()``; the defaults are:

- a certification's expiry (its latest certificate's last day of validity): ``expiry_reminder_days``, 180, 90 and
  30 days before, to the certification's owner and the quality managers;
- an audit not closed: ``audit_reminder_days``, 30 and 7 days before its first day, to its owner (the
  certification's, or the internal audit programme's), its lead auditor and team, and the owners of the processes
  it audits;
- a finding's three dates (action plan, implementation, verification), each while it is still to meet (the action
  plan while the finding is open, the implementation until an action is planned and done, the verification until
  the finding is closed): ``finding_reminder_days``, 14 and 7 days before, and once overdue, to the people
  responsible for the actions that answer it, or, while none exists, to the certification's owner (the
  programme's for an internal audit).

With no active person to remind, the quality managers are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.choices import ActionStatus
from actionplans.selectors import responsible_for
from certifications import selectors
from certifications.choices import FindingDate, FindingStatus
from certifications.models import Audit, Certification, CertificationSettings, Finding
from qms.core.choices import Role
from qms.core.models import User
from qms.core.selectors import is_quality_manager, users_with_role
from qms.notifications import reminders
from qms.notifications.reminders import OVERDUE, CalendarEntry, ReminderItem, deadline_item

MODULE = "certifications"

# How far back an overdue finding date is still chased.
FINDING_LOOKBACK_DAYS = 366
CALENDAR_HORIZON_DAYS = 366

# Which date of a finding is still to meet, by the finding's status.
PENDING_DATES = {
    FindingStatus.OPEN: (FindingDate.ACTION_PLAN, FindingDate.IMPLEMENTATION, FindingDate.VERIFICATION),
    FindingStatus.ACTION_PLANNED: (FindingDate.IMPLEMENTATION, FindingDate.VERIFICATION),
    FindingStatus.AWAITING_VERIFICATION: (FindingDate.VERIFICATION,),
}
FINDING_KINDS = {
    FindingDate.ACTION_PLAN: "finding-action-plan",
    FindingDate.IMPLEMENTATION: "finding-implementation",
    FindingDate.VERIFICATION: "finding-verification",
}


def _managers() -> list[User]:
    return list(users_with_role(Role.QUALITY_MANAGER).order_by("pk"))


def _active(people: Iterable[User | None]) -> list[User]:
    found: dict[int, User] = {}
    for person in people:
        if person is not None and person.is_active:
            found.setdefault(person.pk, person)
    return list(found.values())


def _or_managers(people: list[User]) -> list[User]:
    return people or _managers()


def _owner_of(audit: Audit) -> User | None:
    if audit.certification_id and audit.certification.owner_id:
        return audit.certification.owner
    if audit.programme_id and audit.programme.owner_id:
        return audit.programme.owner
    return None


def _item(obj, person: User, *, due: datetime.date, today: datetime.date, **fields) -> ReminderItem:
    return deadline_item(obj, person, module=MODULE, due=due, urgent=due < today, **fields)


def expiries(today: datetime.date) -> Iterator[ReminderItem]:
    """Certifications whose latest certificate ends within the first lead time (180 days by default), to their
    owner and the quality managers."""
    thresholds = tuple(CertificationSettings.get().expiry_reminder_days)
    managers = _managers()
    for certificate in selectors.certificates_expiring_between(today, today + datetime.timedelta(days=max(thresholds))):
        certification = certificate.certification
        for person in _active([certification.owner, *managers]):
            yield _item(
                certification,
                person,
                kind="certificate-expiry",
                due=certificate.valid_until,
                thresholds=thresholds,
                today=today,
                reference=certificate.number or certification.name,
                title=certification.name,
                label=_("Certificate expiry"),
            )


def audits(today: datetime.date) -> Iterator[ReminderItem]:
    """Audits that start within the first lead time (30 days by default), to their owner, their auditors and the
    owners of the processes audited."""
    thresholds = tuple(CertificationSettings.get().audit_reminder_days)
    upcoming = selectors.audits_starting_between(
        today, today + datetime.timedelta(days=max(thresholds))
    ).prefetch_related("team", "audited_processes__owner")
    for audit in upcoming:
        people = [_owner_of(audit), audit.lead_auditor, *audit.team.all()]
        people += [process.owner for process in audit.audited_processes.all()]
        for person in _or_managers(_active(people)):
            yield _item(
                audit,
                person,
                kind="audit-coming",
                due=audit.start_date,
                thresholds=thresholds,
                today=today,
                reference=audit.reference,
                title=audit.title,
                label=_("Audit"),
            )


def _finding_people(finding: Finding) -> list[User]:
    """Who answers for ``finding``: the people responsible for its actions (not cancelled), else its audit's owner,
    else the quality managers."""
    actions = [action for action in selectors.finding_actions(finding) if action.status != ActionStatus.CANCELLED]
    people = _active(responsible_for(action) for action in actions)
    if not people:
        people = _active([_owner_of(finding.audit)])
    return _or_managers(people)


def finding_dates(today: datetime.date) -> Iterator[ReminderItem]:
    """Each finding's dates still to meet that fall within the first lead time (14 days by default) or are overdue
    (a year back at most)."""
    thresholds = (*CertificationSettings.get().finding_reminder_days, OVERDUE)
    start = today - datetime.timedelta(days=FINDING_LOOKBACK_DAYS)
    due = selectors.finding_dates_due_between(start, today + datetime.timedelta(days=max(thresholds)))
    people: dict[int, list[User]] = {}
    for item in due:
        finding = item.finding
        if item.kind not in PENDING_DATES.get(finding.status, ()):
            continue
        if finding.pk not in people:
            people[finding.pk] = _finding_people(finding)
        for person in people[finding.pk]:
            yield _item(
                finding,
                person,
                kind=FINDING_KINDS[item.kind],
                due=item.date,
                thresholds=thresholds,
                today=today,
                reference=finding.full_reference,
                title=str(finding.grade),
                label=FindingDate(item.kind).label,
            )


def calendar(user) -> Iterator[CalendarEntry]:
    """``user``'s certification deadlines: the expiries of the certifications they own (every one for a quality
    manager), the audits they own, lead, sit on or whose processes they own, and the dates of findings of the
    certifications they own."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=CALENDAR_HORIZON_DAYS)
    manager = is_quality_manager(user)
    for certificate in selectors.certificates_expiring_between(today, horizon):
        certification = certificate.certification
        if manager or certification.owner_id == user.pk:
            yield CalendarEntry(
                f"certificate-expiry-{certification.pk}-{certificate.pk}",
                certification.name,
                str(_("Certificate expiry")),
                certificate.valid_until,
                certification.get_absolute_url(),
            )
    audits_of_user = Q(certification__owner=user) | Q(programme__owner=user) | Q(lead_auditor=user)
    audits_of_user |= Q(team=user) | Q(audited_processes__owner=user)
    for audit in selectors.audits_starting_between(today, horizon).filter(audits_of_user).distinct():
        yield CalendarEntry(
            f"audit-{audit.pk}", audit.reference, audit.title, audit.start_date, audit.get_absolute_url()
        )
    owned = set(Certification.objects.filter(owner=user).values_list("pk", flat=True))
    due = selectors.finding_dates_due_between(today - datetime.timedelta(days=FINDING_LOOKBACK_DAYS), horizon)
    for item in due:
        finding = item.finding
        if item.kind not in PENDING_DATES.get(finding.status, ()):
            continue
        if not (manager or finding.audit.certification_id in owned):
            continue
        yield CalendarEntry(
            f"{FINDING_KINDS[item.kind]}-{finding.pk}",
            finding.full_reference,
            str(FindingDate(item.kind).label),
            item.date,
            finding.get_absolute_url(),
        )


def register() -> None:
    """Register the providers, the calendar source and the kinds of the certifications' reminders."""
    reminders.register("certifications.expiries", expiries)
    reminders.register("certifications.audits", audits)
    reminders.register("certifications.finding-dates", finding_dates)
    reminders.register_calendar("certifications.deadlines", calendar)
    reminders.register_kind("certificate-expiry", label=_("Certificate expiry"), module=MODULE)
    reminders.register_kind("audit-coming", label=_("Audit"), module=MODULE)
    for date, kind in FINDING_KINDS.items():
        reminders.register_kind(kind, label=FindingDate(date).label, module=MODULE)
