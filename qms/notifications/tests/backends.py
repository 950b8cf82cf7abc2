"""Email backends that misbehave, for the outbox tests."""

from __future__ import annotations

import threading
import time
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that is down: every send raises."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """Fails the first ``failures`` sends (a class attribute set by the test), then delivers to mail.outbox."""

    failures = 0
    lock = threading.Lock()

    def send_messages(self, email_messages):
        with self.lock:
            if FlakyBackend.failures > 0:
                FlakyBackend.failures -= 1
                raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


class SlowBackend(LocmemBackend):
    """Takes a little time for each message, so that concurrent senders overlap."""

    delay = 0.02
    lock = threading.Lock()

    def send_messages(self, email_messages):
        time.sleep(self.delay)
        with self.lock:
            return super().send_messages(email_messages)


class OvertakingBackend(BaseEmailBackend):
    """While it sends, another sender takes the email over (as if this one had been frozen past its lease); then
    this send fails, or succeeds when ``succeed`` is set by the test."""

    succeed = False

    def send_messages(self, email_messages):
        from django.utils import timezone

        from qms.notifications.models import OutboxEmail
        from qms.notifications.services import LEASE

        for message in email_messages:
            OutboxEmail.objects.filter(message_id=message.extra_headers["Message-ID"]).update(
                lease_until=timezone.now() + LEASE * 2, attempts=1
            )
        if not OvertakingBackend.succeed:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return len(email_messages)
