"""Two reminder scans at the same moment, on PostgreSQL: each reminder is claimed, and written, once."""

from __future__ import annotations

import datetime

import pytest

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications import reminders
from qms.notifications.models import OutboxEmail, ReminderClaim
from qms.notifications.services import send_reminders
from qms.notifications.tests.conftest import require_postgresql
from qms.notifications.tests.test_concurrency import _run_together
from qms.notifications.tests.test_reminders import Deadlines

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DUE = datetime.date(2026, 3, 20)


def test_two_scans_at_once_claim_each_reminder_once():
    require_postgresql()
    provider = Deadlines()
    saved = reminders.providers()
    for name in saved:
        reminders.unregister(name)
    reminders.register("test.deadlines", provider)
    try:
        people = [UserFactory(username=f"p{i}", email=f"p{i}@example.edu") for i in range(5)]
        units = [OrgUnitFactory(code=f"c{i}", name=f"C{i}") for i in range(8)]
        provider.rows += [(unit, person, DUE, {"urgent": True}) for unit in units for person in people]
        results = _run_together(
            lambda: len(send_reminders(today=DUE).sent), lambda: len(send_reminders(today=DUE).sent)
        )
    finally:
        reminders.unregister("test.deadlines")
        for name, other in saved.items():
            reminders.register(name, other)
    assert sum(results) == 40
    assert ReminderClaim.objects.count() == 40
    assert OutboxEmail.objects.filter(kind="reminder").count() == 40
