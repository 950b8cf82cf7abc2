"""Write a test message to the outbox and, with --now, send it at once: a check of the mail settings."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qms.notifications.emails import send_test_message
from qms.notifications.services import send_outbox_email


class Command(BaseCommand):
    help = "Send a test email through the outbox, to check the outgoing mail settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help="Where to send the test message.")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )
        parser.add_argument("--now", action="store_true", help="Send it from this process instead of a worker.")

    def handle(self, *args, address: str, language: str, now: bool, **options) -> None:
        with transaction.atomic():
            email = send_test_message(address, language=language)
        if email is None:
            raise CommandError("That is not a valid email address.")
        if now:
            send_outbox_email(email.pk)
        email.refresh_from_db()
        self.stdout.write(f"Outbox email {email.pk}: {email.get_state_display()}.")
        if email.last_error:
            raise CommandError(email.last_error)
