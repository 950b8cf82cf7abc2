"""The certifications' lead times are settings (their section of the "Paramètres" page), and the reminders follow
them, with time frozen."""

from __future__ import annotations

import datetime
import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications import reminders
from certifications.choices import CertificationStatus, FindingStatus
from certifications.models import Certificate, CertificationSettings, Finding
from certifications.tests.factories import AuditFactory, CertificationFactory, GradeFactory
from qms.core.factories import UserFactory
from qms.core.tests.settings_page import URL, save_section
from qms.notifications.models import ReminderClaim
from qms.notifications.services import send_reminders

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 9, 30)


def scan(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False):
        send_reminders()


def before(days: int) -> datetime.date:
    return DUE - datetime.timedelta(days=days)


def sent(kind: str) -> list[int]:
    """The thresholds claimed for the certification's owner, in order."""
    claims = ReminderClaim.objects.filter(kind=kind, recipient__username="cert-owner").order_by("pk")
    return [claim.threshold for claim in claims]


def configure(**fields) -> None:
    settings = CertificationSettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()


@pytest.fixture
def certification(quality_manager):
    owner = UserFactory(username="cert-owner", email="owner@example.edu")
    return CertificationFactory(name="Qualiopi", owner=owner, status=CertificationStatus.CERTIFIED)


def certificate(certification, valid_until: datetime.date, number: str = "Q-1") -> Certificate:
    start = valid_until - datetime.timedelta(days=3 * 365)
    return Certificate.objects.create(
        certification=certification, number=number, issued_on=start, valid_from=start, valid_until=valid_until
    )


def test_the_defaults_are_the_issues():
    settings = CertificationSettings.get()
    assert settings.expiry_reminder_days == [180, 90, 30]
    assert settings.audit_reminder_days == [30, 7]
    assert settings.finding_reminder_days == [14, 7]


def test_an_expiry_is_reminded_at_the_lead_times_set(certification):
    configure(expiry_reminder_days=[365, 60])
    certificate(certification, DUE)
    for days in (366, 365, 180, 90, 60, 30):
        scan(before(days))
    assert sent("certificate-expiry") == [365, 60]


def test_an_audit_is_reminded_at_the_lead_times_set(certification):
    configure(audit_reminder_days=[45, 2])
    AuditFactory(certification=certification, start_date=DUE, end_date=DUE)
    for days in (46, 45, 30, 7, 2):
        scan(before(days))
    assert sent("audit-coming") == [45, 2]


def test_a_findings_dates_are_reminded_at_the_lead_times_set(certification):
    configure(finding_reminder_days=[3])
    Finding.objects.create(
        audit=AuditFactory(certification=certification, start_date=before(60), end_date=before(60)),
        reference="NC1",
        grade=GradeFactory(framework=certification.framework, code="NC-MIN", label="Non-conformité mineure"),
        description="Pas de preuve de veille.",
        status=FindingStatus.OPEN,
        action_plan_due=DUE,
        implementation_due=DUE + datetime.timedelta(days=60),
        verification_due=DUE + datetime.timedelta(days=120),
    )
    for days in (14, 7, 3, -1):
        scan(before(days))
    assert sent("finding-action-plan") == [3, -1]


def test_the_settings_are_read_once_per_scan_not_per_certification(certification):
    CertificationSettings.get()  # warm the cache, as every scan after the first finds it
    certificate(certification, DUE)
    with CaptureQueriesContext(connection) as one:
        assert len(list(reminders.expiries(before(30)))) == 2  # the owner and the quality manager
    for number in range(4):
        other = CertificationFactory(owner=certification.owner, status=CertificationStatus.CERTIFIED)
        certificate(other, DUE, number=f"Q-{number + 2}")
    with CaptureQueriesContext(connection) as five:
        assert len(list(reminders.expiries(before(30)))) == 10
    assert len(five) == len(one)


def test_the_settings_page_shows_and_saves_the_lead_times(client, quality_manager):
    client.force_login(quality_manager)
    page = client.get(URL).content.decode()
    assert 'data-settings-section="certifications"' in page and 'value="180, 90, 30"' in page
    response = save_section(client, "certifications", expiry_reminder_days="60, 365", audit_reminder_days="10")
    assert response.status_code == 302
    settings = CertificationSettings.get()
    assert settings.expiry_reminder_days == [365, 60] and settings.audit_reminder_days == [10]
    assert settings.auditor_grant_days == 30  # the section's other fields are kept


def test_bad_lead_times_are_refused_with_their_message_and_nothing_is_saved(client, quality_manager):
    client.force_login(quality_manager)
    response = save_section(client, "certifications", expiry_reminder_days="180, -30", audit_reminder_days="10")
    assert response.status_code == 200
    assert "Chaque délai est d'au moins un jour." in html.unescape(response.content.decode())
    settings = CertificationSettings.load()
    assert settings.expiry_reminder_days == [180, 90, 30] and settings.audit_reminder_days == [30, 7]


def test_the_section_is_the_settings_form_with_the_lead_times():
    from certifications.forms import CertificationSettingsForm
    from qms.core.app_settings import declared_sections

    section = next(section for section in declared_sections() if section.key == "certifications")
    assert section.form_class is CertificationSettingsForm
    assert {"expiry_reminder_days", "audit_reminder_days", "finding_reminder_days"} <= set(section.form_class().fields)
