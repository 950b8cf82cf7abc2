from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from qms.notifications.choices import OutboxQueue, OutboxState
from qms.notifications.models import OutboxEmail


class OutboxEmailFactory(DjangoModelFactory):
    """An outbox row written directly (most tests go through notify instead)."""

    class Meta:
        model = OutboxEmail

    kind = "test-plain"
    recipient_email = factory.Sequence(lambda n: f"person{n}@example.org")
    language = "fr"
    subject = factory.Sequence(lambda n: f"Message {n}")
    body_text = "Hello.\n"
    body_html = "<p>Hello.</p>"
    queue = OutboxQueue.URGENT
    state = OutboxState.QUEUED
