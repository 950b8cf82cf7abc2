"""The helpdesk's lead times are settings (its section of the "Paramètres" page): the alert on an unsent
acknowledgement follows the delay set, with time frozen (the deadlines' lead time: test_reminders.py)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from complaints.models import HelpdeskSettings
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail, ReminderClaim
from qms.notifications.services import send_reminders

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 6, 1)


def at(hour: int):
    moment = datetime.datetime.combine(START, datetime.time(hour)).astimezone(datetime.UTC)
    return time_machine.travel(moment, tick=False)


def alerts() -> int:
    return ReminderClaim.objects.filter(kind="complaint-ack-unsent").count()


@pytest.mark.parametrize(("hours", "alerted_at_10"), [(4, False), (1, True)])
def test_an_unsent_acknowledgement_is_reported_after_the_hours_set(submit, quality_manager, hours, alerted_at_10):
    settings = HelpdeskSettings.load()
    settings.ack_alert_after_hours = hours
    settings.save()
    with at(8):
        complaint = submit().complaint
        OutboxEmail.objects.filter(dedup_key=f"complaint-ack-{complaint.pk}").update(state=OutboxState.FAILED)
    with at(10):
        send_reminders()
    assert alerts() == (1 if alerted_at_10 else 0)
