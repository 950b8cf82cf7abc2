"""Concurrent senders on PostgreSQL: each email is sent once, whoever races for it."""

from __future__ import annotations

import datetime
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.services import notify, send_outbox_email, sweep_outbox
from qms.notifications.tests.conftest import require_postgresql
from qms.notifications.tests.factories import OutboxEmailFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SLOW = "qms.notifications.tests.backends.SlowBackend"


def _run_together(*targets, timeout: float = 60) -> list:
    """Run each target in its own thread (with its own database connection), all released at once."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)
    errors: list[BaseException] = []

    def run(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a sender hung"
    assert not errors, errors
    return results


def _due_emails(count: int) -> list[OutboxEmail]:
    due = timezone.now() - datetime.timedelta(minutes=10)
    return [OutboxEmailFactory(next_attempt_at=due, created_at=due) for _ in range(count)]


def test_two_sweeps_at_once_send_each_email_once(settings):
    require_postgresql()
    settings.EMAIL_BACKEND = SLOW
    emails = _due_emails(40)

    first, second = _run_together(lambda: sweep_outbox(batch_size=5), lambda: sweep_outbox(batch_size=5))

    assert first.sent + second.sent == 40
    # Skipping locked rows, the two sweeps shared the work instead of queueing behind each other.
    assert first.sent and second.sent
    sent_ids = Counter(message.extra_headers["Message-ID"] for message in mail.outbox)
    assert sent_ids == Counter({email.message_id: 1 for email in emails})
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_a_task_and_a_sweep_racing_for_the_same_emails_send_each_once(settings):
    require_postgresql()
    settings.EMAIL_BACKEND = SLOW
    emails = _due_emails(20)
    pks = [email.pk for email in emails]

    def tasks():
        return sum(send_outbox_email(pk) for pk in pks)

    sent_by_tasks, sweep = _run_together(tasks, lambda: sweep_outbox(batch_size=3))

    assert sent_by_tasks + sweep.sent == 20
    assert len(mail.outbox) == 20
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == 20


def test_two_callers_asking_for_the_same_email_at_once_get_one_row():
    require_postgresql()
    unit = OrgUnitFactory()
    user = UserFactory()
    ready = threading.Event()

    def first():
        with transaction.atomic():
            email = notify(user, "test-plain", unit, dedup_key="ack-42")
            ready.set()
            time.sleep(0.5)  # the second caller inserts meanwhile and waits for this commit
        return email.pk

    def second():
        ready.wait(10)
        with transaction.atomic():
            email = notify(user, "test-plain", unit, dedup_key="ack-42")
            # The caller's transaction is still usable after the clash.
            OrgUnitFactory(code="still-usable")
        return email.pk

    first_pk, second_pk = _run_together(first, second)
    assert first_pk == second_pk
    assert OutboxEmail.objects.filter(dedup_key="ack-42").count() == 1


def test_the_sweep_takes_its_batch_with_skip_locked():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    require_postgresql()
    _due_emails(2)
    with CaptureQueriesContext(connection) as queries:
        assert sweep_outbox().sent == 2
    assert any("FOR UPDATE SKIP LOCKED" in query["sql"] for query in queries.captured_queries)
