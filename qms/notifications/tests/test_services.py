"""The outbox by hand (retry now, give up) and the data-protection wipe."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db.models import QuerySet
from django.utils import timezone

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.services import (
    LEASE,
    give_up,
    notify,
    render_outbox_email,
    retry_now,
    send_outbox_email,
    wipe_emails_about,
)
from qms.notifications.tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db


def test_retry_now_queues_failed_and_given_up_emails_at_once(django_capture_on_commit_callbacks):
    later = timezone.now() + datetime.timedelta(hours=4)
    failed = OutboxEmailFactory(state=OutboxState.FAILED, attempts=2, next_attempt_at=later)
    given_up = OutboxEmailFactory(state=OutboxState.GIVEN_UP, attempts=6)
    sent = OutboxEmailFactory(state=OutboxState.SENT)
    busy = OutboxEmailFactory(state=OutboxState.SENDING, lease_until=timezone.now() + LEASE)

    with django_capture_on_commit_callbacks(execute=True):
        assert retry_now(emails=OutboxEmail.objects.all()) == 2

    # Queued again and sent by their task at once (eager here), with a fresh allowance for the given-up one.
    rows = {e.pk: (e.state, e.attempts) for e in OutboxEmail.objects.all()}
    assert rows[failed.pk] == (OutboxState.SENT, 2)
    assert rows[given_up.pk] == (OutboxState.SENT, 0)
    assert rows[sent.pk] == (OutboxState.SENT, 0)
    assert rows[busy.pk] == (OutboxState.SENDING, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([failed.recipient_email, given_up.recipient_email])


class _ClaimedWhileRead(QuerySet):
    """A queryset whose rows a sender claims right after they are read (the race retry_now must survive)."""

    def values_list(self, *fields, **kwargs):
        rows = list(super().values_list(*fields, **kwargs))
        OutboxEmail.objects.filter(pk__in=[row[0] for row in rows]).update(
            state=OutboxState.SENDING, lease_until=timezone.now() + LEASE
        )
        return rows


def test_retry_now_leaves_an_email_claimed_meanwhile_to_its_sender(django_capture_on_commit_callbacks):
    failed = OutboxEmailFactory(state=OutboxState.FAILED, attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        retry_now(emails=_ClaimedWhileRead(model=OutboxEmail))
    failed.refresh_from_db()
    # Still the sender's: handing it back to the queue would let a second sender send it too.
    assert (failed.state, failed.attempts) == (OutboxState.SENDING, 2)
    assert mail.outbox == []


def test_give_up_stops_pending_emails_only():
    queued = OutboxEmailFactory()
    failed = OutboxEmailFactory(state=OutboxState.FAILED)
    sent = OutboxEmailFactory(state=OutboxState.SENT)
    assert give_up(emails=OutboxEmail.objects.all()) == 2
    states = dict(OutboxEmail.objects.values_list("pk", "state"))
    assert states == {queued.pk: OutboxState.GIVEN_UP, failed.pk: OutboxState.GIVEN_UP, sent.pk: OutboxState.SENT}
    assert send_outbox_email(queued.pk) is False
    assert mail.outbox == []


def test_wipe_emails_about_blanks_bodies_and_addresses_and_keeps_the_record():
    unit, other = OrgUnitFactory(), OrgUnitFactory()
    sent = notify("requester@example.org", "test-plain", unit, language="en", reply_to="ref@example.edu")
    send_outbox_email(sent.pk)
    pending = notify(UserFactory(), "test-plain", unit)
    untouched = notify("requester@example.org", "test-plain", other, language="en")

    assert wipe_emails_about(unit) == 2

    sent.refresh_from_db()
    assert (sent.body_text, sent.body_html, sent.recipient_email, sent.reply_to) == ("", "", "", "")
    assert sent.wiped_at is not None
    # What shows that an email went out stays.
    assert (sent.kind, sent.state, sent.subject, sent.language) == ("test-plain", OutboxState.SENT, sent.subject, "en")
    assert sent.sent_at is not None and sent.message_id
    # An email not sent yet has no one left to go to.
    pending.refresh_from_db()
    assert (pending.state, pending.recipient_email, pending.context) == (OutboxState.GIVEN_UP, "", None)
    untouched.refresh_from_db()
    assert untouched.recipient_email == "requester@example.org" and render_outbox_email(untouched).body_text


def test_wipe_emails_about_gives_up_an_email_whose_sender_died_and_keeps_a_live_senders():
    unit = OrgUnitFactory()
    abandoned = notify(UserFactory(), "test-plain", unit)
    busy = notify(UserFactory(), "test-plain", unit)
    now = timezone.now()
    OutboxEmail.objects.filter(pk=abandoned.pk).update(state=OutboxState.SENDING, lease_until=now - LEASE)
    OutboxEmail.objects.filter(pk=busy.pk).update(state=OutboxState.SENDING, lease_until=now + LEASE)
    wipe_emails_about(unit)
    states = dict(OutboxEmail.objects.values_list("pk", "state"))
    # Taken over, it would only fail again and again with its blanked address.
    assert states == {abandoned.pk: OutboxState.GIVEN_UP, busy.pk: OutboxState.SENDING}


def test_wipe_emails_about_twice_changes_nothing_more():
    unit = OrgUnitFactory()
    notify("requester@example.org", "test-plain", unit, language="fr")
    assert wipe_emails_about(unit) == 1
    wiped = OutboxEmail.objects.get()
    assert wipe_emails_about(unit) == 0
    assert OutboxEmail.objects.get().wiped_at == wiped.wiped_at


def test_wipe_emails_about_can_blank_the_subject_too():
    unit = OrgUnitFactory(name="Jeanne Dupont's request")
    email = notify("requester@example.org", "test-plain", unit, language="fr")
    wipe_emails_about(unit, include_subject=True)
    email.refresh_from_db()
    assert email.subject == ""
    assert email.kind == "test-plain"
