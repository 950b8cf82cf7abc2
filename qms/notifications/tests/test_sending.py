"""Sending: claimed once, sent once, retried at the stored time, given up after the limit, secrets wiped."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core import mail
from django.utils import timezone

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxQueue, OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.services import (
    BACKOFF_MINUTES,
    LEASE,
    SWEEP_FAILURE_BREAKER,
    SWEEP_GRACE,
    backoff,
    build_message,
    notify,
    render_outbox_email,
    send_outbox_email,
    sweep_outbox,
)
from qms.notifications.tests.backends import FlakyBackend, OvertakingBackend
from qms.notifications.tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
FAILING = "qms.notifications.tests.backends.FailingBackend"
FLAKY = "qms.notifications.tests.backends.FlakyBackend"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def unit():
    return OrgUnitFactory(code="ufr-send", name="UFR Send")


def _write(unit, **options) -> OutboxEmail:
    """An email written by notify and committed, whose task never ran (as if the broker had lost it)."""
    return notify(UserFactory(), "test-plain", unit, **options)


def test_it_sends_a_queued_email_with_its_parts_and_headers(unit, clock):
    email = _write(unit, reply_to="qualite@example.edu")
    assert send_outbox_email(email.pk) is True
    (message,) = mail.outbox
    assert message.subject == "Plain UFR Send"
    assert message.to == [email.recipient_email]
    assert message.reply_to == ["qualite@example.edu"]
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Message-ID"] == email.message_id
    assert message.message()["Message-ID"] == email.message_id
    email.refresh_from_db()
    # The body rendered at sending is kept as the record of what went out.
    assert message.body == email.body_text and message.alternatives[0].content == email.body_html
    assert (email.state, email.sent_at, email.lease_until, email.attempts) == (OutboxState.SENT, START, None, 0)


def test_a_sent_email_is_never_sent_again(unit, clock):
    email = _write(unit)
    assert send_outbox_email(email.pk) is True
    assert send_outbox_email(email.pk) is False
    clock.shift(datetime.timedelta(days=2))
    assert sweep_outbox().sent == 0
    assert send_outbox_email(email.pk) is False
    assert len(mail.outbox) == 1


def test_a_rerun_of_the_sweep_sends_nothing_twice(unit, clock):
    emails = [_write(unit) for _ in range(5)]
    clock.shift(SWEEP_GRACE + datetime.timedelta(seconds=1))
    first = sweep_outbox(batch_size=2)
    second = sweep_outbox(batch_size=2)
    assert (first.sent, second.sent) == (5, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.recipient_email for e in emails)
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_the_sweep_leaves_just_written_emails_to_their_task(unit, clock):
    email = _write(unit)
    assert sweep_outbox().sent == 0
    clock.shift(SWEEP_GRACE)
    assert sweep_outbox().sent == 1
    email.refresh_from_db()
    assert email.state == OutboxState.SENT


def test_the_sweep_sends_urgent_emails_first(unit, clock):
    bulk = _write(unit)
    urgent = _write(unit, urgent=True)
    clock.shift(SWEEP_GRACE)
    result = sweep_outbox()
    assert list(result.states) == [urgent.pk, bulk.pk]


def test_an_email_held_by_a_live_sender_is_left_alone(unit, clock):
    email = _write(unit)
    OutboxEmail.objects.filter(pk=email.pk).update(state=OutboxState.SENDING, lease_until=START + LEASE)
    assert send_outbox_email(email.pk) is False
    clock.shift(SWEEP_GRACE)
    assert sweep_outbox().sent == 0
    assert mail.outbox == []


def test_an_email_whose_sender_died_is_taken_over_when_the_lease_runs_out(unit, clock):
    email = _write(unit)
    OutboxEmail.objects.filter(pk=email.pk).update(state=OutboxState.SENDING, lease_until=START + LEASE)
    clock.shift(LEASE + datetime.timedelta(seconds=1))
    assert sweep_outbox().sent == 1
    email.refresh_from_db()
    # The dead sender's try counts as an attempt.
    assert (email.state, email.attempts) == (OutboxState.SENT, 1)
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id


OVERTAKING = "qms.notifications.tests.backends.OvertakingBackend"


def test_a_sender_overtaken_after_its_lease_does_not_overwrite_the_new_holder(unit, clock, settings):
    settings.EMAIL_BACKEND = OVERTAKING
    OvertakingBackend.succeed = False
    email = _write(unit)
    assert send_outbox_email(email.pk) is False
    email.refresh_from_db()
    # The new holder's claim stands: the overtaken sender's failure is not recorded over it.
    assert (email.state, email.attempts, email.lease_until) == (OutboxState.SENDING, 1, START + LEASE * 2)
    assert email.last_error == ""


def test_a_sender_overtaken_after_its_lease_that_sent_marks_the_email_sent(unit, clock, settings):
    settings.EMAIL_BACKEND = OVERTAKING
    OvertakingBackend.succeed = True
    email = _write(unit)
    assert send_outbox_email(email.pk) is True
    email.refresh_from_db()
    # It went out: it must not be sent a third time later.
    assert (email.state, email.sent_at) == (OutboxState.SENT, START)


def test_an_email_whose_sender_died_on_the_last_attempt_is_given_up(unit, clock, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = _write(unit)
    OutboxEmail.objects.filter(pk=email.pk).update(state=OutboxState.SENDING, attempts=3, lease_until=START + LEASE)
    clock.shift(LEASE + datetime.timedelta(seconds=1))
    assert send_outbox_email(email.pk) is False
    result = sweep_outbox()
    email.refresh_from_db()
    assert (result.given_up, email.state) == (1, OutboxState.GIVEN_UP)
    assert mail.outbox == []


def test_a_failing_mail_server_is_retried_at_the_stored_time(unit, clock, settings, caplog):
    settings.EMAIL_BACKEND = FAILING
    email = _write(unit)
    assert send_outbox_email(email.pk) is False
    email.refresh_from_db()
    assert email.state == OutboxState.FAILED
    assert email.attempts == 1
    assert email.next_attempt_at == START + datetime.timedelta(minutes=BACKOFF_MINUTES[0])
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert email.lease_until is None

    # Not before the stored time …
    clock.shift(datetime.timedelta(minutes=BACKOFF_MINUTES[0]) - datetime.timedelta(seconds=1))
    assert send_outbox_email(email.pk) is False
    assert sweep_outbox().attempted == 0
    # … and at it, once the server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.shift(datetime.timedelta(seconds=1))
    assert sweep_outbox().sent == 1
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == (OutboxState.SENT, 1, "")
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_is_given_up_after_the_limit(unit, clock, settings, caplog):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 6
    email = _write(unit)
    clock.shift(SWEEP_GRACE)
    waits = []
    for attempt in range(1, 6):
        assert sweep_outbox().failed == 1
        email.refresh_from_db()
        assert (email.state, email.attempts) == (OutboxState.FAILED, attempt)
        waits.append(email.next_attempt_at - timezone.now())
        clock.move_to(email.next_attempt_at, tick=False)
    assert waits == [datetime.timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]
    with caplog.at_level(logging.ERROR, logger="qms.notifications.services"):
        assert sweep_outbox().given_up == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.GIVEN_UP, 6)
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)
    # Given up is final for the sweep.
    clock.shift(datetime.timedelta(days=30))
    assert sweep_outbox().attempted == 0
    assert mail.outbox == []


def test_the_backoff_grows_then_repeats_its_last_step():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 8)] == [1, 5, 15, 60, 240, 240, 240]


def test_the_message_id_is_stable_across_retries(unit, clock, settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures = 2
    email = _write(unit)
    stored = email.message_id
    assert send_outbox_email(email.pk) is False
    for _ in range(2):
        clock.shift(datetime.timedelta(hours=5))
        sweep_outbox()
    email.refresh_from_db()
    assert (email.state, email.attempts, email.message_id) == (OutboxState.SENT, 2, stored)
    (message,) = mail.outbox
    assert message.message()["Message-ID"] == stored
    assert build_message(email).message()["Message-ID"] == stored


def test_the_sweep_stops_when_the_mail_server_is_down_and_leaves_the_rest(unit, clock, settings):
    settings.EMAIL_BACKEND = FAILING
    emails = [_write(unit) for _ in range(SWEEP_FAILURE_BREAKER + 2)]
    clock.shift(SWEEP_GRACE)
    result = sweep_outbox()
    assert (result.failed, result.released) == (SWEEP_FAILURE_BREAKER, 2)
    states = sorted(OutboxEmail.objects.filter(pk__in=[e.pk for e in emails]).values_list("state", "attempts"))
    assert states == sorted([(OutboxState.FAILED, 1)] * SWEEP_FAILURE_BREAKER + [(OutboxState.QUEUED, 0)] * 2)
    # The server is back: the next sweep sends the two left, and the failed ones at their time.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep_outbox().sent == 2
    clock.shift(datetime.timedelta(minutes=1))
    assert sweep_outbox().sent == SWEEP_FAILURE_BREAKER
    assert len(mail.outbox) == len(emails)


def test_an_email_without_an_address_fails_instead_of_vanishing(clock):
    email = OutboxEmailFactory(recipient_email="")
    assert send_outbox_email(email.pk) is False
    email.refresh_from_db()
    assert email.state == OutboxState.FAILED
    assert "no recipient" in email.last_error


def test_a_body_with_a_secret_link_is_wiped_after_sending(unit, clock):
    email = notify(
        UserFactory(language="en"),
        "test-greeting",
        unit,
        secret=True,
        urgent=True,
        dedup_key="ack-9",
        context={"when": START, "link": "/suivi/s3cr3t-token/"},
    )
    assert "s3cr3t-token" in str(email.context)  # until sent, the context keeps the link
    assert send_outbox_email(email.pk) is True
    # The recipient got the link …
    assert "s3cr3t-token" in mail.outbox[0].body
    assert "s3cr3t-token" in mail.outbox[0].alternatives[0].content
    # … the log keeps everything but the bodies.
    email.refresh_from_db()
    assert "s3cr3t-token" not in email.body_text + email.body_html
    assert email.context is None
    assert "secret link" in email.body_text
    assert email.wiped_at == START
    assert (email.state, email.kind, email.dedup_key, email.queue) == (
        OutboxState.SENT,
        "test-greeting",
        "ack-9",
        OutboxQueue.URGENT,
    )
    assert email.subject.startswith("[en]")
    assert email.recipient_email and email.message_id and email.sent_at == START


def test_a_secret_body_is_kept_until_the_email_is_sent(unit, clock, settings):
    settings.EMAIL_BACKEND = FAILING
    email = _write(unit, secret=True)
    context = email.context
    send_outbox_email(email.pk)
    email.refresh_from_db()
    # What the body is rendered from stays for the next attempt.
    assert (email.state, email.context, email.wiped_at) == (OutboxState.FAILED, context, None)


def test_an_ordinary_body_is_kept_after_sending(unit, clock):
    email = _write(unit)
    body = render_outbox_email(email).body_text
    send_outbox_email(email.pk)
    email.refresh_from_db()
    assert (email.body_text, email.wiped_at) == (body, None) and body
