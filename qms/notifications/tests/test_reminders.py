"""Reminders: thresholds, the claim that sends each once, re-arming, missed days, the scan's wrappers."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from qms.core.choices import MembershipRole
from qms.core.factories import MembershipFactory, OrgUnitFactory, UserFactory
from qms.notifications import reminders, services
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail, ReminderClaim
from qms.notifications.reminders import OVERDUE, ReminderItem
from qms.notifications.schedule import SCHEDULE
from qms.notifications.services import send_outbox_email, send_reminders, sweep_outbox

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 3, 20)
THRESHOLDS = (14, 7, 1, OVERDUE)


class Deadlines:
    """A provider whose items the test sets: (object, recipient, due date) triples."""

    def __init__(self):
        self.rows = []

    def __call__(self, today):
        for obj, recipient, due, *extra in self.rows:
            yield ReminderItem(
                **(extra[0] if extra else {}),
                obj=obj,
                event="reminder",
                kind="test-deadline",
                due_date=due,
                thresholds=THRESHOLDS,
                recipient=recipient if not isinstance(recipient, tuple) else None,
                role=recipient[0] if isinstance(recipient, tuple) else None,
                unit=recipient[1] if isinstance(recipient, tuple) else None,
                reference=f"U-{obj.pk}",
                title=obj.name,
                url="/units/",
                module="core",
            )


@pytest.fixture
def deadlines():
    provider = Deadlines()
    saved = reminders.providers()
    for name in saved:
        reminders.unregister(name)
    reminders.register("test.deadlines", provider)
    yield provider
    reminders.unregister("test.deadlines")
    for name, other in saved.items():
        reminders.register(name, other)


@pytest.fixture
def unit():
    return OrgUnitFactory(code="ufr-x", name="UFR X")


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.edu", language="en")


def claims():
    return sorted(ReminderClaim.objects.values_list("threshold", "due_date"))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 3, 5), None),
        (datetime.date(2026, 3, 6), 14),
        (datetime.date(2026, 3, 12), 14),
        (datetime.date(2026, 3, 13), 7),
        (datetime.date(2026, 3, 19), 1),
        (datetime.date(2026, 3, 20), 1),
        (datetime.date(2026, 3, 21), OVERDUE),
        (datetime.date(2026, 5, 1), OVERDUE),
    ],
)
def test_the_latest_threshold_crossed(today, expected, unit):
    item = ReminderItem(obj=unit, event="reminder", due_date=DUE, thresholds=THRESHOLDS)
    assert item.threshold_crossed(today) == expected


def test_each_threshold_is_sent_once_on_its_day_and_a_rerun_sends_nothing(
    deadlines, unit, alice, mailoutbox, django_capture_on_commit_callbacks
):
    deadlines.rows.append((unit, alice, DUE, {"urgent": True}))
    with time_machine.travel(datetime.datetime(2026, 3, 5, 7, tzinfo=datetime.UTC), tick=False):
        assert send_reminders().sent == []
    with time_machine.travel(datetime.datetime(2026, 3, 6, 7, tzinfo=datetime.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = send_reminders()
        again = send_reminders()
    assert [(line.recipient, line.threshold) for line in first.sent] == [(alice, 14)]
    assert again.sent == [] and again.already_claimed == 1
    assert claims() == [(14, DUE)]
    assert OutboxEmail.objects.filter(kind="reminder", recipient_user=alice).count() == 1
    assert [m.to for m in mailoutbox] == [["alice@example.edu"]]
    message = mailoutbox[0]
    assert message.subject == f"Due in 14 days: U-{unit.pk} — UFR X"
    assert "/units/" in message.body and "/notifications/profil/" in message.body
    assert message.alternatives and 'href="' in message.alternatives[0][0]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    claim = ReminderClaim.objects.get()
    assert claim.email.recipient_user == alice


def test_a_scan_that_missed_days_sends_only_the_latest_threshold(deadlines, unit, alice):
    deadlines.rows.append((unit, alice, DUE))
    send_reminders(today=datetime.date(2026, 3, 21))
    assert claims() == [(OVERDUE, DUE)]
    assert OutboxEmail.objects.count() == 1
    # The days after, it stays claimed: an overdue item is not reminded every day.
    assert send_reminders(today=datetime.date(2026, 3, 22)).sent == []


def test_a_moved_deadline_rearms_its_thresholds(deadlines, unit, alice):
    deadlines.rows.append((unit, alice, DUE))
    send_reminders(today=datetime.date(2026, 3, 13))
    later = DUE + datetime.timedelta(days=30)
    deadlines.rows[0] = (unit, alice, later)
    assert send_reminders(today=datetime.date(2026, 3, 13)).sent == []  # 37 days ahead: nothing yet
    send_reminders(today=later - datetime.timedelta(days=7))
    assert claims() == [(7, DUE), (7, later)]


def test_a_role_for_a_unit_reaches_its_holders_inactive_and_addressless_left_out(deadlines, unit):
    bob = UserFactory(username="bob", email="bob@example.edu")
    ghost = UserFactory(username="ghost", email="ghost@example.edu", is_active=False)
    blank = UserFactory(username="blank", email="")
    for user in (bob, ghost, blank):
        MembershipFactory(user=user, org_unit=unit, role=MembershipRole.QUALITY_REFERENT)
    deadlines.rows.append((unit, (MembershipRole.QUALITY_REFERENT, unit), DUE))
    result = send_reminders(today=DUE)
    assert [line.recipient for line in result.sent] == [bob]
    assert list(OutboxEmail.objects.values_list("recipient_email", flat=True)) == ["bob@example.edu"]


def test_a_failing_provider_does_not_stop_the_others(deadlines, unit, alice):
    def broken(today):
        raise RuntimeError("boom")

    reminders.register("test.broken", broken)
    try:
        deadlines.rows.append((unit, alice, DUE))
        result = send_reminders(today=DUE)
    finally:
        reminders.unregister("test.broken")
    assert len(result.sent) == 1
    assert result.errors == ["test.broken: RuntimeError"]


def test_the_command_dry_run_prints_and_writes_nothing(deadlines, unit, alice, capsys):
    deadlines.rows.append((unit, alice, DUE))
    call_command("send_reminders", "--dry-run", "--date", "2026-03-19")
    out = capsys.readouterr().out
    assert "Would send test-deadline" in out
    assert "alice" in out and "due in 1 day(s)" in out and "due 2026-03-20" in out
    assert ReminderClaim.objects.count() == 0 and OutboxEmail.objects.count() == 0
    call_command("send_reminders", "--date", "2026-03-19")
    assert claims() == [(1, DUE)]
    call_command("send_reminders", "--dry-run", "--date", "2026-03-19")
    assert "0 reminder(s) would be sent, 1 already sent before" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="Not a date"):
        call_command("send_reminders", "--date", "20/03/2026")


def test_the_task_runs_the_scan_and_the_beat_entry_is_daily_at_seven_with_expiry(deadlines, unit, alice):
    from qms.notifications.tasks import send_reminders as task

    deadlines.rows.append((unit, alice, DUE))
    with time_machine.travel(datetime.datetime(2026, 3, 19, 6, tzinfo=datetime.UTC), tick=False):
        assert task.delay().get() == 1
    entry = SCHEDULE["notifications-send-reminders"]
    assert entry["task"] == task.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert entry["options"]["expires"] > 0


class ProcessDied(BaseException):
    """The sender's process stops dead (killed, the machine lost): nothing after the send runs, no handler."""


def test_a_reminder_resent_after_a_crash_past_the_mail_server_carries_the_same_message_id(
    deadlines, unit, alice, monkeypatch, time_machine
):
    # At least once, not exactly once: the copy sent again after a crash is folded by mail clients through its
    # Message-ID. (A retry after a failed attempt keeps it too: test_sending.py, test_the_message_id_is_stable_…)
    deadlines.rows.append((unit, alice, DUE, {"urgent": True}))
    time_machine.move_to(datetime.datetime(2026, 3, 19, 7, tzinfo=datetime.UTC), tick=False)
    send_reminders()  # written in this test's transaction; its task waits for a commit that never comes
    email = OutboxEmail.objects.get(kind="reminder")

    def die_after_sending(*args, **kwargs):
        raise ProcessDied

    with monkeypatch.context() as patch:
        patch.setattr(services, "_record_sent", die_after_sending)
        with pytest.raises(ProcessDied):
            send_outbox_email(email.pk)
    # The mail server accepted it, but the row still says "sending", held by a sender that is gone.
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.state == OutboxState.SENDING
    time_machine.shift(services.LEASE + datetime.timedelta(seconds=1))
    assert sweep_outbox().sent == 1
    first, second = mail.outbox
    assert first.message()["Message-ID"] == second.message()["Message-ID"] == email.message_id
    assert first.subject == second.subject
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.SENT, 1)
    # And the scan does not write it again.
    send_reminders()
    assert OutboxEmail.objects.filter(kind="reminder").count() == 1
