"""Queues and the broker: urgent and bulk mail apart, and nothing lost when the broker is down."""

from __future__ import annotations

import datetime
import logging
import time

import pytest
from django.core import mail
from django.db import transaction

from qms.celery import app
from qms.core.factories import OrgUnitFactory, UserFactory
from qms.core.tokens import make_token
from qms.notifications.choices import OutboxQueue, OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.services import SWEEP_GRACE, enqueue, notify, sweep_outbox
from qms.notifications.tasks import send_email_task
from qms.notifications.tasks import sweep_outbox as sweep_outbox_task
from qms.notifications.tests.conftest import celery_broker, closed_port_url


@pytest.fixture
def published(monkeypatch):
    """The (args, options) of every send_email_task published."""
    calls = []
    monkeypatch.setattr(send_email_task, "apply_async", lambda args=None, **options: calls.append((args, options)))
    return calls


@pytest.mark.django_db
def test_urgent_and_bulk_emails_are_published_on_their_own_queues(published, django_capture_on_commit_callbacks):
    unit = OrgUnitFactory()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        urgent = notify(user, "test-plain", unit, urgent=True)
        bulk = notify(user, "test-plain", unit)
    assert published == [([urgent.pk], {"queue": "urgent"}), ([bulk.pk], {"queue": "bulk"})]


def test_the_router_sends_each_task_to_its_queue():
    router = app.amqp.router
    assert router.route({}, send_email_task.name)["queue"].name == OutboxQueue.URGENT
    # notify names the queue of each email, and that choice wins over the task's default.
    assert router.route({"queue": "bulk"}, send_email_task.name)["queue"].name == OutboxQueue.BULK
    assert router.route({}, sweep_outbox_task.name)["queue"].name == "default"


def test_a_worker_started_without_queues_consumes_all_three():
    assert set(app.amqp.queues) == {"urgent", "bulk", "default"}


def test_the_sweep_runs_every_minute_and_expires():
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == sweep_outbox_task.name]
    assert entry["schedule"] == 60.0
    assert 0 < entry["options"]["expires"] <= 60


def test_enqueue_never_raises_into_the_caller(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(send_email_task, "apply_async", down)
    with caplog.at_level(logging.WARNING, logger="qms.notifications.services"):
        enqueue(123, OutboxQueue.URGENT)
    assert "the sweep will send it" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_when_the_email_is_written_loses_nothing(caplog, time_machine):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    unit = OrgUnitFactory()
    user = UserFactory(email="requester@example.org")
    token, _hash = make_token()

    with celery_broker(closed_port_url()), caplog.at_level(logging.WARNING):
        began = time.monotonic()
        with transaction.atomic():
            email = notify(user, "test-greeting", unit, urgent=True, secret=True, context={"link": f"/t/{token}/"})
        elapsed = time.monotonic() - began

    # The caller's work is committed, quickly, and the email waits in the outbox.
    assert elapsed < 5
    email.refresh_from_db()
    assert email.state == OutboxState.QUEUED
    assert mail.outbox == []
    assert "the sweep will send it" in caplog.text
    assert token not in caplog.text
    assert "requester@example.org" not in caplog.text

    # The broker (or the worker) is back: the next sweep sends it, once.
    time_machine.shift(SWEEP_GRACE)
    assert sweep_outbox().sent == 1
    assert sweep_outbox().sent == 0
    (message,) = mail.outbox
    assert token in message.body
    email.refresh_from_db()
    assert email.state == OutboxState.SENT
    assert token not in email.body_text


@pytest.mark.django_db(transaction=True)
def test_the_sweep_task_and_the_command_send_what_is_due(time_machine):
    from django.core.management import call_command

    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    unit = OrgUnitFactory()
    with celery_broker(closed_port_url()):
        first = notify(UserFactory(), "test-plain", unit)
        second = notify(UserFactory(), "test-plain", unit)
    time_machine.shift(SWEEP_GRACE)
    assert sweep_outbox_task.apply(kwargs={"max_batches": 1}).get() == 2
    assert set(OutboxEmail.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {
        OutboxState.SENT
    }
    call_command("send_outbox")
    assert len(mail.outbox) == 2
