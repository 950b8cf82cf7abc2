"""The helpdesk's reminders: take-charge and answer deadlines, escalation, sensitive routing, unsent
acknowledgements."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from complaints.choices import ComplaintStatus
from complaints.models import Complaint
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail, ReminderClaim
from qms.notifications.services import render_outbox_email, send_reminders

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 10)


def at(day: datetime.date, hour: int = 7):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour)).astimezone(datetime.UTC), tick=False)


def sent(kind=None):
    claims = ReminderClaim.objects.select_related("recipient").order_by("pk")
    if kind:
        claims = claims.filter(kind=kind)
    return sorted((c.kind, c.recipient.username, c.threshold) for c in claims)


@pytest.fixture
def assignee():
    return UserFactory(username="agent", email="agent@example.edu", roles=[Role.STAFF])


@pytest.fixture
def request_(submit, org, assignee):
    with at(DUE - datetime.timedelta(days=20)):
        complaint = submit().complaint
    Complaint.objects.filter(pk=complaint.pk).update(
        assignee=assignee, org_unit=org.sciences, take_charge_due=DUE, answer_due=DUE + datetime.timedelta(days=20)
    )
    # The acknowledgement went out.
    OutboxEmail.objects.filter(dedup_key=f"complaint-ack-{complaint.pk}").update(state=OutboxState.SENT)
    return Complaint.objects.get(pk=complaint.pk)


def test_take_charge_approaching_and_breached_reach_the_assignee_and_the_unit_referents(
    request_, referent_sciences, quality_manager
):
    with at(DUE - datetime.timedelta(days=2)):
        send_reminders()
    assert sent() == []
    with at(DUE - datetime.timedelta(days=1)):
        send_reminders()
    with at(DUE + datetime.timedelta(days=1)):
        send_reminders()
    expected = [
        ("complaint-take-charge", "agent", -1),
        ("complaint-take-charge", "agent", 1),
        ("complaint-take-charge", referent_sciences.username, -1),
        ("complaint-take-charge", referent_sciences.username, 1),
    ]
    assert sent() == sorted(expected)


def test_the_answer_deadline_reminds_the_assignee_and_a_breach_escalates_to_the_quality_manager(
    request_, quality_manager
):
    Complaint.objects.filter(pk=request_.pk).update(status=ComplaintStatus.IN_PROGRESS)
    answer_due = request_.answer_due
    with at(answer_due - datetime.timedelta(days=1)):
        send_reminders()
    assert sent() == [("complaint-answer", "agent", 1)]
    with at(answer_due + datetime.timedelta(days=1)):
        send_reminders()
    assert sent("complaint-answer-escalation") == [("complaint-answer-escalation", quality_manager.username, -1)]


def test_a_waiting_request_is_skipped(request_):
    Complaint.objects.filter(pk=request_.pk).update(status=ComplaintStatus.WAITING)
    with at(request_.answer_due + datetime.timedelta(days=3)):
        send_reminders()
    assert sent() == []


def test_the_lead_time_is_a_setting(request_):
    from complaints.models import HelpdeskSettings

    settings_row = HelpdeskSettings.get()
    settings_row.reminder_lead_days = 3
    settings_row.save()
    with at(DUE - datetime.timedelta(days=3)):
        send_reminders()
    assert ("complaint-take-charge", "agent", 3) in sent()


def test_a_sensitive_request_reaches_only_the_named_group_with_its_reference(
    request_, sensitive_handler, referent_sciences, quality_manager
):
    Complaint.objects.filter(pk=request_.pk).update(is_sensitive=True, sensitive_nature="harassment")
    sensitive_handler.email = "cell@example.edu"
    sensitive_handler.save()
    with at(DUE + datetime.timedelta(days=1)):
        send_reminders()
    assert sent() == [("complaint-take-charge", sensitive_handler.username, -1)]
    [email] = OutboxEmail.objects.filter(kind="reminder")
    assert email.is_sensitive and request_.reference in email.subject
    assert (
        "chauffage" not in email.subject + render_outbox_email(email).body_text + render_outbox_email(email).body_html
    )


def test_with_an_empty_group_a_sensitive_request_reaches_the_quality_manager_with_its_reference_only(
    request_, quality_manager
):
    Complaint.objects.filter(pk=request_.pk).update(is_sensitive=True, sensitive_nature="harassment")
    with at(DUE + datetime.timedelta(days=1)):
        send_reminders()
    assert sent() == [("complaint-take-charge", quality_manager.username, -1)]
    [email] = OutboxEmail.objects.filter(kind="reminder")
    assert (
        "chauffage" not in email.subject + render_outbox_email(email).body_text + render_outbox_email(email).body_html
    )


def test_an_unsent_acknowledgement_alerts_the_quality_manager_once_after_the_set_time(submit, quality_manager):
    start = datetime.date(2026, 6, 1)
    with at(start, 8):
        complaint = submit().complaint
        OutboxEmail.objects.filter(dedup_key=f"complaint-ack-{complaint.pk}").update(state=OutboxState.FAILED)
        send_reminders()
    assert sent("complaint-ack-unsent") == []  # not yet 4 hours
    with at(start, 13):
        send_reminders()
        send_reminders()
    assert sent("complaint-ack-unsent") == [("complaint-ack-unsent", quality_manager.username, 0)]


def test_no_alert_once_the_acknowledgement_went_out_nor_without_an_email(submit, quality_manager):
    start = datetime.date(2026, 6, 1)
    with at(start, 8):
        went = submit().complaint
        submit(email="", name="")
    OutboxEmail.objects.filter(dedup_key=f"complaint-ack-{went.pk}").update(state=OutboxState.SENT)
    with at(start + datetime.timedelta(days=1)):
        send_reminders()
    assert sent("complaint-ack-unsent") == []
