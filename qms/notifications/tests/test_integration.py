"""A real Celery worker against Redis and PostgreSQL sends what notify() queues.

Run with a broker, for instance:
    REDIS_URL=redis://127.0.0.1:6379/2 DATABASE_URL=postgres://postgres@127.0.0.1:5432/qms \
        .venv/bin/python -m pytest -m integration qms/notifications
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail, ReminderClaim
from qms.notifications.schedule import SCHEDULE
from qms.notifications.services import notify
from qms.notifications.tasks import send_email_task, send_emails_task
from qms.notifications.tasks import send_reminders as send_reminders_task
from qms.notifications.tasks import sweep_outbox as sweep_outbox_task
from qms.notifications.tests.conftest import celery_broker, closed_port_url
from qms.notifications.tests.test_reminders import deadlines  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30


def wait_for(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def state_of(email: OutboxEmail) -> str:
    return OutboxEmail.objects.values_list("state", flat=True).get(pk=email.pk)


def test_a_worker_sends_an_email_queued_by_notify(celery_worker):
    unit = OrgUnitFactory()
    user = UserFactory(language="en")
    with celery_worker():
        with transaction.atomic():
            email = notify(user, "test-greeting", unit, urgent=True, context={"when": datetime.date(2026, 3, 1)})
            assert state_of(email) == OutboxState.QUEUED
        assert wait_for(lambda: state_of(email) == OutboxState.SENT), state_of(email)
    # The worker's thread ran it, not this one.
    assert (send_email_task.name, threading.get_ident()) not in celery_worker.ran
    assert [name for name, _thread in celery_worker.ran] == [send_email_task.name]
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject.startswith("[en]")
    assert message.extra_headers["Message-ID"] == email.message_id


def test_bulk_mail_does_not_hold_up_urgent_mail(celery_worker):
    unit = OrgUnitFactory()
    with celery_worker(queues=["urgent"]):
        with transaction.atomic():
            bulk = [notify(UserFactory(), "test-plain", unit) for _ in range(3)]
            urgent = notify(UserFactory(), "test-plain", unit, urgent=True)
        assert wait_for(lambda: state_of(urgent) == OutboxState.SENT)
        time.sleep(1)
        # No worker of the bulk queue yet: the mass mailing waits on its own queue.
        assert {state_of(email) for email in bulk} == {OutboxState.QUEUED}
    with celery_worker(queues=["bulk"]):
        assert wait_for(lambda: {state_of(email) for email in bulk} == {OutboxState.SENT})
    assert len(mail.outbox) == 4


def test_the_periodic_sweep_sends_what_the_broker_lost(celery_worker):
    unit = OrgUnitFactory()
    with celery_broker(closed_port_url()), transaction.atomic():
        email = notify(UserFactory(), "test-plain", unit, urgent=True)
    # Its task was never queued; make it old enough for the sweep.
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))
    assert state_of(email) == OutboxState.QUEUED
    with celery_worker():
        sweep_outbox_task.apply_async()  # as beat does every minute
        assert wait_for(lambda: state_of(email) == OutboxState.SENT)
    assert len(mail.outbox) == 1
    assert [name for name, _thread in celery_worker.ran] == [sweep_outbox_task.name]


def test_the_daily_scan_runs_on_a_worker_and_its_reminder_leaves_the_outbox(celery_worker, deadlines):  # noqa: F811
    unit = OrgUnitFactory(code="ufr-int", name="UFR Int")
    user = UserFactory(language="en", email="due@example.edu")
    # Due today, urgent: it goes at once, whatever the person's digest.
    deadlines.rows.append((unit, user, timezone.localdate(), {"urgent": True}))
    entry = SCHEDULE["notifications-send-reminders"]
    assert entry["task"] == send_reminders_task.name
    with celery_worker() as worker:
        # What beat sends at 07:00: the task by its name, with the entry's options (its expiry).
        worker.app.send_task(entry["task"], **entry["options"])
        assert wait_for(lambda: OutboxEmail.objects.filter(kind="reminder", state=OutboxState.SENT).exists())
    email = OutboxEmail.objects.get(kind="reminder")
    claim = ReminderClaim.objects.get()
    assert (claim.recipient, claim.email_id, claim.threshold) == (user, email.pk, 1)
    # The scan and the sending both ran on the worker's thread, not this one.
    names = [name for name, _thread in celery_worker.ran]
    assert names[0] == send_reminders_task.name
    assert set(names[1:]) <= {send_email_task.name, send_emails_task.name} and names[1:]
    assert all(thread != threading.get_ident() for _name, thread in celery_worker.ran)
    (message,) = mail.outbox
    assert message.to == ["due@example.edu"]
    assert message.subject == f"Due today: U-{unit.pk} — UFR Int"
    assert message.extra_headers["Message-ID"] == email.message_id
