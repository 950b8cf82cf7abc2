"""The certifications' reminders, with time frozen: expiries at 180, 90 and 30 days, audits at 30 and 7 days, the
three dates of findings, and the calendar feed."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from actionplans.services import action_link_to_source
from actionplans.tests.factories import ActionFactory, ActionPlanFactory
from certifications.choices import AuditStatus, CertificationStatus, FindingStatus
from certifications.models import Certificate, Finding
from certifications.tests.factories import AuditFactory, CertificationFactory, GradeFactory
from processes.tests.factories import ProcessFactory
from qms.core.factories import UserFactory
from qms.notifications.models import ReminderClaim
from qms.notifications.reminders import calendar_entries
from qms.notifications.services import send_reminders

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 9, 30)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False)


def scan(day: datetime.date):
    with at(day):
        return send_reminders()


def sent(kind: str | None = None) -> list[tuple[str, str, int]]:
    claims = ReminderClaim.objects.order_by("pk").select_related("recipient")
    if kind:
        claims = claims.filter(kind__startswith=kind)
    return sorted((c.kind, c.recipient.username, c.threshold) for c in claims)


def before(days: int) -> datetime.date:
    return DUE - datetime.timedelta(days=days)


@pytest.fixture
def owner():
    return UserFactory(username="cert-owner", email="owner@example.edu", language="en")


@pytest.fixture
def certification(owner):
    return CertificationFactory(name="Qualiopi", owner=owner, status=CertificationStatus.CERTIFIED)


def certificate(certification, valid_until: datetime.date, *, number: str = "Q-1") -> Certificate:
    return Certificate.objects.create(
        certification=certification,
        number=number,
        issued_on=valid_until - datetime.timedelta(days=3 * 365),
        valid_from=valid_until - datetime.timedelta(days=3 * 365),
        valid_until=valid_until,
    )


# --- Expiries ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "threshold"), [(181, None), (180, 180), (91, 180), (90, 90), (30, 30), (0, 30), (-1, None)]
)
def test_an_expiry_is_reminded_to_the_owner_and_the_quality_manager(
    certification, owner, quality_manager, days_before, threshold
):
    certificate(certification, DUE)
    scan(before(days_before))
    expected = (
        []
        if threshold is None
        else [("certificate-expiry", name, threshold) for name in ("cert-owner", quality_manager.username)]
    )
    assert sent() == sorted(expected)


def test_only_the_latest_certificate_counts_and_a_renewal_re_arms(certification, quality_manager):
    certificate(certification, DUE, number="Q-1")
    scan(before(90))
    # Renewed: the new certificate ends three years later; the old one is not chased any more.
    certificate(certification, DUE + datetime.timedelta(days=3 * 365), number="Q-2")
    scan(before(30))
    assert sent("certificate-expiry") == sorted(
        [("certificate-expiry", "cert-owner", 90), ("certificate-expiry", quality_manager.username, 90)]
    )


def test_a_withdrawn_certification_is_not_reminded(certification):
    certification.status = CertificationStatus.WITHDRAWN
    certification.save()
    certificate(certification, DUE)
    scan(before(30))
    assert sent() == []


# --- Audits -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def audit(certification):
    lead = UserFactory(username="lead", email="lead@example.edu")
    member = UserFactory(username="member", email="member@example.edu")
    process_owner = UserFactory(username="pilot", email="pilot@example.edu")
    audit = AuditFactory(certification=certification, start_date=DUE, end_date=DUE, lead_auditor=lead)
    audit.team.add(member)
    audit.audited_processes.add(ProcessFactory(code="R9", owner=process_owner))
    return audit


@pytest.mark.parametrize(("days_before", "threshold"), [(31, None), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)])
def test_an_audit_is_reminded_to_its_owner_its_auditors_and_the_owners_of_its_processes(audit, days_before, threshold):
    scan(before(days_before))
    people = ("cert-owner", "lead", "member", "pilot")
    assert sent() == ([] if threshold is None else sorted(("audit-coming", name, threshold) for name in people))


def test_a_closed_audit_is_not_reminded(audit):
    audit.status = AuditStatus.CLOSED
    audit.save()
    scan(before(7))
    assert sent() == []


def test_an_internal_audit_reminds_its_programmes_owner(certification):
    from certifications.models import InternalAuditProgramme

    programme_owner = UserFactory(username="prog-owner", email="prog@example.edu")
    internal = AuditFactory(
        certification=None, framework=certification.framework, start_date=DUE, end_date=DUE, is_internal=True
    )
    programme = InternalAuditProgramme.objects.create(
        year=2026, title="Audits internes", framework=internal.framework, owner=programme_owner
    )
    internal.programme = programme
    internal.save()
    scan(before(7))
    assert sent() == [("audit-coming", "prog-owner", 7)]


# --- Findings ------------------------------------------------------------------------------------------------------


@pytest.fixture
def finding(audit):
    return Finding.objects.create(
        audit=audit,
        reference="NC1",
        grade=GradeFactory(framework=audit.framework, code="NC-MIN", label="Non-conformité mineure"),
        description="Pas de preuve de veille.",
        status=FindingStatus.OPEN,
        action_plan_due=DUE,
        implementation_due=DUE + datetime.timedelta(days=60),
        verification_due=DUE + datetime.timedelta(days=120),
    )


@pytest.mark.parametrize(("days_before", "threshold"), [(15, None), (14, 14), (7, 7), (-1, -1)])
def test_the_action_plan_date_of_a_finding_without_action_reminds_the_certifications_owner(
    finding, days_before, threshold
):
    scan(before(days_before))
    assert sent("finding") == ([] if threshold is None else [("finding-action-plan", "cert-owner", threshold)])


def test_once_actions_answer_it_their_people_are_reminded_and_the_action_plan_date_is_met(finding, owner):
    doer = UserFactory(username="doer", email="doer@example.edu")
    labelled = ActionFactory(plan=ActionPlanFactory(owner=UserFactory(username="plan-owner")), owner=None)
    action_link_to_source(source=finding, actions=[ActionFactory(owner=doer), labelled], by=owner)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACTION_PLANNED
    scan(before(0))
    assert sent("finding") == []  # the action plan is there: its date is met
    implementation = finding.implementation_due
    scan(implementation - datetime.timedelta(days=7))
    # The owner of one action, and the plan owner of the action whose owner is only a label.
    assert sent("finding") == sorted(
        [("finding-implementation", "doer", 7), ("finding-implementation", "plan-owner", 7)]
    )


def test_a_finding_awaiting_verification_is_reminded_only_of_its_verification(finding):
    Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.AWAITING_VERIFICATION)
    scan(finding.implementation_due + datetime.timedelta(days=1))
    assert sent("finding") == []
    scan(finding.verification_due - datetime.timedelta(days=14))
    assert sent("finding") == [("finding-verification", "cert-owner", 14)]


def test_a_closed_finding_is_not_reminded(finding):
    Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.CLOSED)
    scan(before(-1))
    assert sent("finding") == []


# --- The calendar feed -----------------------------------------------------------------------------------------------


def test_the_calendar_shows_expiries_audits_and_finding_dates_to_those_concerned(
    certification, owner, audit, finding, quality_manager
):
    certificate(certification, DUE + datetime.timedelta(days=100))
    with at(before(20)):
        mine = {entry.uid: entry.due_date for entry in calendar_entries(owner)}
        lead = {entry.uid for entry in calendar_entries(audit.lead_auditor)}
        manager = {entry.uid for entry in calendar_entries(quality_manager)}
        stranger = {entry.uid for entry in calendar_entries(UserFactory())}
    expiry = next(uid for uid in mine if uid.startswith("certificate-expiry-"))
    assert mine[expiry] == DUE + datetime.timedelta(days=100)
    assert mine[f"audit-{audit.pk}"] == DUE
    assert mine[f"finding-action-plan-{finding.pk}"] == DUE
    assert f"audit-{audit.pk}" in lead and expiry not in lead
    assert expiry in manager
    assert not {uid for uid in stranger if uid.startswith(("certificate-", "audit-", "finding-"))}
