"""The services run at a given moment (``now=``) and without telling anyone (``notify_people=False``), as the demo
runs them to record a history afterwards: every date, status change, message and activity-log line is that
moment's, the workflow's clock rules read it, and no email is written."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from complaints.choices import ComplaintStatus, MessageKind
from complaints.models import Complaint
from complaints.services import (
    ComplaintError,
    complaint_answer,
    complaint_ask_requester,
    complaint_assign,
    complaint_close_after_quiet_period,
    complaint_qualify,
    complaint_rate,
    complaint_requester_message,
    complaint_submit,
    complaint_take_charge,
)
from qms.core.calendar import WorkingCalendar
from qms.core.choices import Actor, Role
from qms.core.factories import UserFactory
from qms.core.models import ActivityLog, StatusChange
from qms.core.services import log_activity
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

S = ComplaintStatus
# Mondays of 2024, long before the frozen clock of no test: the services must take these for now.
FILED = timezone.make_aware(datetime.datetime(2024, 3, 4, 9, 30))
TAKEN = FILED + datetime.timedelta(hours=3)
ASKED = FILED + datetime.timedelta(days=1)
REPLIED = FILED + datetime.timedelta(days=7)
ANSWERED = FILED + datetime.timedelta(days=14)
RATED = ANSWERED + datetime.timedelta(days=2)


def history(complaint: Complaint) -> list[tuple[str, str, datetime.datetime]]:
    rows = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk
    ).order_by("at", "pk")
    return [(row.from_status, row.to_status, row.at) for row in rows]


def log_times(complaint: Complaint) -> list[tuple[str, datetime.datetime]]:
    rows = ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk
    ).order_by("at", "pk")
    return [(row.verb, row.at) for row in rows]


@pytest.fixture
def handler(db):
    return UserFactory(username="referent", roles=[Role.QUALITY_MANAGER])


def test_a_request_handled_at_given_moments_carries_those_moments_and_writes_no_email(handler):
    submission = complaint_submit(
        kind="complaint",
        subject="Salle sans chauffage",
        description="La salle B204 n'est pas chauffée.",
        email="camille@example.org",
        now=FILED,
        notify_people=False,
    )
    complaint = submission.complaint
    other = UserFactory(username="assignee", roles=[Role.QUALITY_MANAGER])
    complaint_assign(complaint=complaint, by=handler, assignee=other, now=TAKEN, notify_people=False)
    complaint_take_charge(complaint=complaint, by=handler, now=TAKEN)
    complaint_qualify(complaint=complaint, by=handler, is_admissible=True, is_founded=True, now=TAKEN)
    complaint_ask_requester(complaint=complaint, by=handler, question="Quel bâtiment ?", now=ASKED, notify_people=False)
    complaint_requester_message(complaint=complaint, body="Le bâtiment B.", now=REPLIED, notify_people=False)
    complaint_answer(complaint=complaint, by=handler, answer="Réparé.", now=ANSWERED, notify_people=False)
    complaint_rate(complaint=complaint, rating=5, now=RATED)

    complaint.refresh_from_db()
    assert complaint.reference.startswith("REC-2024-")
    assert (complaint.received_at, complaint.acknowledged_at, complaint.clock_started_on) == (
        FILED,
        FILED,
        FILED.date(),
    )
    assert (complaint.taken_in_charge_at, complaint.qualified_at, complaint.answered_at, complaint.rated_at) == (
        TAKEN,
        TAKEN,
        ANSWERED,
        RATED,
    )
    # The pause counts the working days the request waited for its requester (Tuesday to Monday: 4).
    calendar = WorkingCalendar()
    assert complaint.paused_days == calendar.working_days_between(ASKED, REPLIED) == 4
    assert complaint.answer_due == calendar.add_working_days(FILED.date(), complaint.answer_days + 4)
    assert history(complaint) == [
        ("", S.NEW, FILED),
        (S.NEW, S.ACKNOWLEDGED, FILED),
        (S.ACKNOWLEDGED, S.IN_PROGRESS, TAKEN),
        (S.IN_PROGRESS, S.WAITING, ASKED),
        (S.WAITING, S.IN_PROGRESS, REPLIED),
        (S.IN_PROGRESS, S.ANSWERED, ANSWERED),
    ]
    assert list(complaint.messages.values_list("kind", "created_at")) == [
        (MessageKind.QUESTION, ASKED),
        (MessageKind.REQUESTER, REPLIED),
        (MessageKind.FINAL_ANSWER, ANSWERED),
    ]
    assert log_times(complaint) == [
        ("submitted", FILED),
        ("assigned", TAKEN),
        ("moved", TAKEN),
        ("qualified", TAKEN),
        ("moved", ASKED),
        ("moved", REPLIED),
        ("requester-message", REPLIED),
        ("moved", ANSWERED),
        ("rated", RATED),
    ]
    # Neither the requester (acknowledgement, question, answer) nor the staff (new request, assignment, reply).
    assert not OutboxEmail.objects.exists()


def test_the_same_services_tell_people_by_default(handler):
    complaint = complaint_submit(
        kind="complaint", subject="Salle", description="Froide.", email="camille@example.org", now=FILED
    ).complaint
    complaint_take_charge(complaint=complaint, by=handler, now=TAKEN)
    complaint_answer(complaint=complaint, by=handler, answer="Réparé.", now=ANSWERED)
    assert {"complaint-acknowledgement", "complaint-message"} <= set(OutboxEmail.objects.values_list("kind", flat=True))


def test_the_system_closes_a_request_once_the_quiet_period_after_its_answer_is_over_at_the_given_moment(handler):
    complaint = complaint_submit(kind="complaint", subject="Salle", description="Froide.", now=FILED).complaint
    complaint_take_charge(complaint=complaint, by=handler, now=TAKEN)
    complaint_answer(complaint=complaint, by=handler, answer="Réparé.", now=ANSWERED)
    with pytest.raises(ComplaintError, match="less than 10 days ago"):
        complaint_close_after_quiet_period(complaint=complaint, now=ANSWERED + datetime.timedelta(days=9))
    closed = ANSWERED + datetime.timedelta(days=10, minutes=5)
    change = complaint_close_after_quiet_period(complaint=complaint, now=closed)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_at) == (S.CLOSED, closed)
    assert (change.at, change.actor, change.by) == (closed, Actor.SYSTEM, None)


def test_an_activity_log_line_may_be_dated(handler):
    complaint = complaint_submit(kind="complaint", subject="Salle", description="Froide.").complaint
    assert log_activity(obj=complaint, verb="noted", by=handler, at=FILED).at == FILED
    assert log_activity(obj=complaint, verb="noted", by=handler).at > FILED
