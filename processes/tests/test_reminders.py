"""The process map's reminders, with time frozen: measurements to enter, document, process and risk reviews, and
the calendar feed."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from processes.choices import IndicatorFrequency
from processes.tests.factories import DocumentFactory, IndicatorFactory, MeasurementFactory, RiskFactory
from qms.core.factories import UserFactory
from qms.notifications.models import OutboxEmail, ReminderClaim
from qms.notifications.reminders import calendar_entries
from qms.notifications.services import render_outbox_email, send_reminders

pytestmark = pytest.mark.django_db

# A monthly indicator's March closes on the 31st; with the default grace of 15 days its measurement is due on 15 April.
MARCH_DUE = datetime.date(2026, 4, 15)
DUE = datetime.date(2026, 6, 30)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False)


def scan(day: datetime.date):
    with at(day):
        return send_reminders()


def sent(kind: str | None = None) -> list[tuple[str, str, int, datetime.date]]:
    claims = ReminderClaim.objects.order_by("pk").select_related("recipient")
    if kind:
        claims = claims.filter(kind=kind)
    return [(c.kind, c.recipient.username, c.threshold, c.due_date) for c in claims]


@pytest.fixture
def owner():
    return UserFactory(username="indicator-owner", email="io@example.edu", language="en")


@pytest.fixture
def monthly(process, owner):
    return IndicatorFactory(
        process=process, owner=owner, frequency=IndicatorFrequency.MONTHLY, tracked_from=datetime.date(2026, 1, 1)
    )


def enter(indicator, start: datetime.date, end: datetime.date):
    return MeasurementFactory(indicator=indicator, period_start=start, period_end=end)


def enter_until_february(indicator):
    enter(indicator, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    enter(indicator, datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))


# --- Measurements ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "threshold"),
    [
        (datetime.date(2026, 4, 7), None),
        (datetime.date(2026, 4, 8), 7),
        (datetime.date(2026, 4, 15), 7),
        (datetime.date(2026, 4, 16), -1),
    ],
)
def test_the_last_periods_measurement_is_reminded_to_the_indicator_owner(monthly, day, threshold):
    enter_until_february(monthly)
    scan(day)
    expected = [] if threshold is None else [("indicator-measurement", "indicator-owner", threshold, MARCH_DUE)]
    assert sent() == expected


def test_an_entered_measurement_is_not_reminded_nor_an_older_gap_once_a_later_period_is_entered(monthly):
    enter(monthly, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    # February is missing, March was entered: the last period is done, the old gap is not chased.
    enter(monthly, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    scan(datetime.date(2026, 4, 16))
    assert sent() == []


def test_a_missed_week_sends_the_overdue_reminder_alone(monthly):
    enter_until_february(monthly)
    scan(datetime.date(2026, 4, 20))
    scan(datetime.date(2026, 4, 21))
    assert sent() == [("indicator-measurement", "indicator-owner", -1, MARCH_DUE)]


def test_without_an_owner_the_process_owner_is_reminded_and_without_either_the_quality_manager(
    process, process_owner, quality_manager
):
    lone = IndicatorFactory(
        process=process, frequency=IndicatorFrequency.MONTHLY, tracked_from=datetime.date(2026, 1, 1)
    )
    enter_until_february(lone)
    scan(datetime.date(2026, 4, 8))
    assert sent() == [("indicator-measurement", process_owner.username, 7, MARCH_DUE)]
    process_owner.is_active = False
    process_owner.save()
    scan(datetime.date(2026, 4, 16))
    assert sent()[-1] == ("indicator-measurement", quality_manager.username, -1, MARCH_DUE)


def test_a_computed_or_inactive_indicator_is_not_reminded(process, owner):
    IndicatorFactory(
        process=process, owner=owner, frequency=IndicatorFrequency.MONTHLY, tracked_from=datetime.date(2026, 1, 1),
        is_active=False,
    )  # fmt: skip
    IndicatorFactory(
        process=process, owner=owner, frequency=IndicatorFrequency.MONTHLY, tracked_from=datetime.date(2026, 1, 1),
        source="metric", metric_key="complaints.handled_rate",
    )  # fmt: skip
    scan(datetime.date(2026, 4, 16))
    assert sent() == []


def test_the_email_names_the_indicator_and_its_period(monthly, mailoutbox):
    enter_until_february(monthly)
    scan(datetime.date(2026, 4, 16))  # overdue: urgent, so it goes at once
    email = OutboxEmail.objects.get(kind="reminder")
    body = render_outbox_email(email).body_text
    assert email.subject.startswith("Overdue: R2")
    assert f"{monthly.name} (" in email.subject
    assert "Measurement to enter" in body and f"/processus/indicateurs/{monthly.pk}/" in body


# --- Documents, process reviews, risks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "threshold"), [(31, None), (30, 30), (8, 30), (7, 7), (0, 7), (-1, -1), (-40, -1)]
)
def test_a_documents_review_is_reminded_to_its_owner(process, owner, days_before, threshold):
    DocumentFactory(process=process, owner=owner, next_review_on=DUE)
    scan(DUE - datetime.timedelta(days=days_before))
    assert sent() == ([] if threshold is None else [("document-review", "indicator-owner", threshold, DUE)])


def test_a_document_without_an_owner_reminds_its_process_owner_and_an_inactive_one_nobody(process, process_owner):
    DocumentFactory(process=process, owner=None, next_review_on=DUE)
    DocumentFactory(process=process, owner=process_owner, next_review_on=DUE, is_active=False)
    scan(DUE - datetime.timedelta(days=7))
    assert sent() == [("document-review", process_owner.username, 7, DUE)]


def test_a_moved_review_date_re_arms_the_thresholds(process, owner):
    document = DocumentFactory(process=process, owner=owner, next_review_on=DUE)
    scan(DUE - datetime.timedelta(days=7))
    later = DUE + datetime.timedelta(days=60)
    document.next_review_on = later
    document.save()
    scan(later - datetime.timedelta(days=30))
    assert sent() == [("document-review", "indicator-owner", 7, DUE), ("document-review", "indicator-owner", 30, later)]


def test_a_process_review_is_reminded_to_the_process_owner(process, process_owner, other_process):
    process.next_review_on = DUE
    process.save()
    other_process.next_review_on = DUE
    other_process.is_active = False
    other_process.save()
    scan(DUE - datetime.timedelta(days=29))
    scan(DUE + datetime.timedelta(days=1))
    assert sent() == [
        ("process-review", process_owner.username, 30, DUE),
        ("process-review", process_owner.username, -1, DUE),
    ]


def test_a_risks_review_date_is_reminded_to_the_process_owner_unless_archived(process, process_owner):
    RiskFactory(process=process, reference="R2-R01", review_on=DUE)
    RiskFactory(process=process, reference="R2-R02", review_on=DUE, is_archived=True)
    scan(DUE - datetime.timedelta(days=8))
    assert sent() == []
    scan(DUE - datetime.timedelta(days=7))
    assert sent() == [("risk-review", process_owner.username, 7, DUE)]


# --- The calendar feed -------------------------------------------------------------------------------------------


def test_the_calendar_shows_the_deadlines_of_the_person_responsible(process, process_owner, monthly, owner):
    enter_until_february(monthly)
    document = DocumentFactory(process=process, owner=owner, next_review_on=DUE)
    process.next_review_on = DUE
    process.save()
    risk = RiskFactory(process=process, reference="R2-R01", review_on=DUE)
    with at(datetime.date(2026, 4, 10)):
        mine = {entry.uid: entry for entry in calendar_entries(owner)}
        theirs = {entry.uid for entry in calendar_entries(process_owner)}
    assert mine[f"measurement-{monthly.pk}-2026-03-01"].due_date == MARCH_DUE
    assert mine[f"document-review-{document.pk}"].due_date == DUE
    assert {f"process-review-{process.pk}", f"risk-review-{risk.pk}"} <= theirs
    assert f"document-review-{document.pk}" not in theirs
