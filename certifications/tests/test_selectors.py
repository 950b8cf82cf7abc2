"""Reads for the reminders that follow (expiries, audits, finding dates due in a window) and the calendar."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from certifications import services
from certifications.choices import AuditType, FindingDate
from certifications.selectors import (
    audits_starting_between,
    calendar_events,
    certificates_expiring_between,
    finding_dates_due_between,
)
from qms.core.tests.html import parse

pytestmark = pytest.mark.django_db
D = datetime.date


def test_certificates_expiring_in_a_window_are_the_latest_ones(qualiopi_certification, quality_manager):
    # Valid until 14 January 2027.
    assert [c.number for c in certificates_expiring_between(D(2027, 1, 1), D(2027, 1, 31))] == ["Q-2024-001"]
    assert certificates_expiring_between(D(2027, 2, 1), D(2027, 12, 31)) == []
    services.certificate_add(
        certification=qualiopi_certification, issued_on=D(2026, 11, 20), number="Q-2027", by=quality_manager
    )
    assert certificates_expiring_between(D(2027, 1, 1), D(2027, 1, 31)) == []
    assert [c.number for c in certificates_expiring_between(D(2030, 1, 1), D(2030, 1, 31))] == ["Q-2027"]


def test_audits_and_finding_dates_due_in_a_window(qualiopi_certification, quality_manager):
    audit = services.audit_create(
        title="Surveillance",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    assert list(audits_starting_between(D(2025, 6, 1), D(2025, 6, 30))) == [audit]
    assert not audits_starting_between(D(2025, 7, 1), D(2025, 7, 31)).exists()
    major = services.finding_create(
        audit=audit,
        grade=qualiopi_certification.framework.grades.get(code="major"),
        description="X",
        action_plan_due=D(2025, 6, 20),
        by=quality_manager,
    )
    due = finding_dates_due_between(D(2025, 6, 1), D(2025, 10, 31))
    assert [(item.kind, item.date) for item in due] == [
        (FindingDate.ACTION_PLAN, D(2025, 6, 20)),
        (FindingDate.IMPLEMENTATION, D(2025, 9, 3)),
        (FindingDate.VERIFICATION, D(2025, 10, 3)),
    ]
    assert {item.finding for item in due} == {major}
    # A strength has no dates, a closed finding is no longer due.
    major.status = "closed"
    major.save()
    assert finding_dates_due_between(D(2025, 6, 1), D(2025, 10, 31)) == []


def test_the_calendar_shows_expiries_audits_and_windows_and_highlights_twelve_months(
    client, quality_manager, qualiopi_certification
):
    services.audit_create(
        title="Audit de surveillance",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    events = calendar_events(quality_manager, D(2025, 1, 1), D(2027, 12, 31))
    assert [(e.kind, e.date) for e in events] == [
        ("window", D(2025, 3, 15)),
        ("audit", D(2025, 6, 2)),
        ("expiry", D(2027, 1, 14)),
    ]
    client.force_login(quality_manager)
    with time_machine.travel(D(2025, 5, 10)):
        page = client.get(reverse("certifications:calendar")).content.decode()
    assert 'data-month="2025-06" data-highlighted="1"' in page
    assert 'data-month="2026-04" data-highlighted="1"' in page
    assert 'data-month="2026-06" data-highlighted' not in page
    assert 'data-month="2024-12" data-highlighted' not in page
    assert 'data-kind="audit"' in page and 'data-kind="window"' in page


def test_the_calendar_reaches_the_last_date_ahead_and_skips_empty_months_outside_the_year(
    client, quality_manager, qualiopi_certification
):
    client.force_login(quality_manager)
    # The certificate of 15 January 2024 expires on 14 January 2027, nearly three years ahead.
    with time_machine.travel(D(2024, 2, 1)):
        page = parse(client.get(reverse("certifications:calendar")))
    months = [item.get("data-month") for item in page.all("[data-month]")]
    assert "2027-01" in months and page.one('[data-month="2027-01"] [data-kind="expiry"]')
    assert "2025-12" not in months  # nothing that month, outside the highlighted year
    assert "2024-07" in months and "2025-01" in months  # the highlighted year is shown whole
    assert page.one('[data-month="2025-03"] [data-kind="window"]')  # the surveillance window opens
