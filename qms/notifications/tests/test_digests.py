"""Preferences and digests: what goes at once, what waits for the digest, and what a digest holds."""

from __future__ import annotations

import datetime

import pytest

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import Delivery, DigestMode
from qms.notifications.models import OutboxEmail, ReminderClaim, ReminderPreference
from qms.notifications.services import notify, render_outbox_email, send_reminders
from qms.notifications.tests.test_reminders import Deadlines

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 3, 20)  # a Friday
MONDAY = datetime.date(2026, 3, 23)
assert MONDAY.weekday() == 0


@pytest.fixture
def deadlines():
    from qms.notifications import reminders

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
def alice():
    return UserFactory(username="alice", email="alice@example.edu", language="en")


def units(n):
    return [OrgUnitFactory(code=f"u{i}", name=f"Unit {i}") for i in range(n)]


def digests():
    return list(OutboxEmail.objects.filter(kind="reminder-digest").order_by("pk"))


def test_by_default_reminders_wait_for_the_daily_digest_which_holds_what_is_newly_crossed(deadlines, alice):
    first, second = units(2)
    deadlines.rows += [(first, alice, DUE), (second, alice, DUE + datetime.timedelta(days=7))]
    send_reminders(today=datetime.date(2026, 3, 13))  # first: 7 days; second: 14 days
    assert OutboxEmail.objects.filter(kind="reminder").count() == 0
    [digest] = digests()
    assert digest.recipient_user == alice
    assert digest.dedup_key == f"digest:{alice.pk}:2026-03-13"
    assert (
        f"U-{first.pk} — Unit 0" in render_outbox_email(digest).body_text
        and f"U-{second.pk} — Unit 1" in render_outbox_email(digest).body_text
    )
    assert (
        "Organisation and people" in render_outbox_email(digest).body_text
    )  # grouped by module, named in the reader's language
    assert "http://" in render_outbox_email(digest).body_html or "https://" in render_outbox_email(digest).body_html
    assert set(ReminderClaim.objects.values_list("email", flat=True)) == {digest.pk}
    # The next day nothing new was crossed and it is not the overdue day: no digest at all.
    send_reminders(today=datetime.date(2026, 3, 14))
    assert len(digests()) == 1
    # A rerun of the same day sends no second digest.
    send_reminders(today=datetime.date(2026, 3, 13))
    assert len(digests()) == 1
    # The day after, only the newly crossed threshold is in it.
    send_reminders(today=datetime.date(2026, 3, 19))
    latest = digests()[-1]
    assert (
        f"U-{first.pk}" in render_outbox_email(latest).body_text
        and f"U-{second.pk}" not in render_outbox_email(latest).body_text
    )


def test_the_overdue_section_repeats_on_monday_only(deadlines, alice):
    [late] = units(1)
    deadlines.rows.append((late, alice, DUE))
    send_reminders(today=datetime.date(2026, 3, 21))  # Saturday: newly overdue
    assert len(digests()) == 1 and "Still overdue" not in render_outbox_email(digests()[0]).body_text
    send_reminders(today=datetime.date(2026, 3, 22))  # Sunday: nothing new, no overdue section
    assert len(digests()) == 1
    send_reminders(today=MONDAY)
    monday = digests()[-1]
    assert len(digests()) == 2
    assert (
        "Still overdue" in render_outbox_email(monday).body_text
        and f"U-{late.pk}" in render_outbox_email(monday).body_text
    )
    assert "New since your previous digest" not in render_outbox_email(monday).body_text
    send_reminders(today=MONDAY + datetime.timedelta(days=1))
    assert len(digests()) == 2


def test_the_overdue_day_is_a_setting(deadlines, alice, settings):
    settings.REMINDER_OVERDUE_WEEKDAY = 6  # Sunday
    [late] = units(1)
    deadlines.rows.append((late, alice, DUE))
    send_reminders(today=datetime.date(2026, 3, 21))
    send_reminders(today=datetime.date(2026, 3, 22))
    assert len(digests()) == 2 and "Still overdue" in render_outbox_email(digests()[-1]).body_text


def test_a_weekly_digest_waits_for_monday(deadlines, alice):
    ReminderPreference.objects.create(user=alice, mode=DigestMode.WEEKLY)
    first, second = units(2)
    deadlines.rows += [(first, alice, DUE), (second, alice, datetime.date(2026, 4, 2))]
    send_reminders(today=datetime.date(2026, 3, 19))
    send_reminders(today=datetime.date(2026, 3, 21))
    assert digests() == []
    send_reminders(today=MONDAY)
    [digest] = digests()
    assert (
        f"U-{first.pk}" in render_outbox_email(digest).body_text
        and f"U-{second.pk}" in render_outbox_email(digest).body_text
    )
    assert "Still overdue" in render_outbox_email(digest).body_text


def test_urgent_only_gets_urgent_items_at_once_and_nothing_else(deadlines, alice, mailoutbox):
    ReminderPreference.objects.create(user=alice, mode=DigestMode.URGENT_ONLY)
    calm, urgent = units(2)
    deadlines.rows += [(calm, alice, DUE), (urgent, alice, DUE, {"urgent": True})]
    send_reminders(today=datetime.date(2026, 3, 21))
    send_reminders(today=MONDAY)
    assert digests() == []
    [email] = OutboxEmail.objects.filter(kind="reminder")
    assert email.object_id == urgent.pk
    # Both are claimed: the calm one stays out of email (it still shows in the calendar feed).
    assert ReminderClaim.objects.count() == 2


def test_a_sensitive_item_never_goes_into_a_digest_and_shows_only_its_reference(deadlines, alice):
    secret, plain = units(2)
    deadlines.rows += [(secret, alice, DUE, {"sensitive": True}), (plain, alice, DUE)]
    send_reminders(today=datetime.date(2026, 3, 21))
    [alone] = OutboxEmail.objects.filter(kind="reminder")
    assert alone.object_id == secret.pk and alone.is_sensitive
    assert (
        f"U-{secret.pk}" in alone.subject
        and "Unit 0" not in alone.subject + render_outbox_email(alone).body_text + render_outbox_email(alone).body_html
    )
    [digest] = digests()
    assert (
        f"U-{secret.pk}" not in render_outbox_email(digest).body_text
        and f"U-{plain.pk}" in render_outbox_email(digest).body_text
    )
    # Not in the Monday overdue section either.
    send_reminders(today=MONDAY)
    assert f"U-{secret.pk}" not in render_outbox_email(digests()[-1]).body_text


def test_the_digest_is_in_the_recipients_language(deadlines):
    french = UserFactory(username="zoe", email="zoe@example.edu", language="fr")
    [unit] = units(1)
    deadlines.rows.append((unit, french, DUE, {"urgent": True}))
    deadlines.rows.append((units_b := OrgUnitFactory(code="v", name="V"), french, DUE))
    send_reminders(today=datetime.date(2026, 3, 21))
    [digest] = digests()
    assert digest.language == "fr"
    assert digest.subject == "Vos relances du 21/03/2026"
    assert "En retard" in OutboxEmail.objects.get(kind="reminder").subject
    assert f"U-{units_b.pk}" in render_outbox_email(digest).body_text


def test_notify_is_immediate_by_default_whatever_the_preference():
    user = UserFactory(username="bob", email="bob@example.edu")
    ReminderPreference.objects.create(user=user, mode=DigestMode.URGENT_ONLY)
    [unit] = units(1)
    assert notify(user, "reminder", unit, context={"due_date": DUE, "days_left": 3}) is not None
    assert notify(user, "reminder", unit, context={"due_date": DUE, "days_left": 3}, delivery=Delivery.DIGEST) is None
    # An address without an account has no preferences: at once.
    context = {"due_date": DUE, "days_left": 3}
    assert notify("x@example.edu", "reminder", unit, context=context, delivery=Delivery.DIGEST)
