"""The emails of qms.notifications itself (the apps' emails live in their own emails.py)."""

from __future__ import annotations

from qms.notifications.models import OutboxEmail
from qms.notifications.services import notify

TEST_MESSAGE = "outbox-test"


def send_test_message(address: str, *, language: str | None = None) -> OutboxEmail | None:
    """A test message to ``address``, through the outbox like any other email (to check the mail settings)."""
    return notify(address, TEST_MESSAGE, urgent=True, language=language)
