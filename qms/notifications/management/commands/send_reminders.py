"""Run the daily reminder scan by hand: the same service as the 07:00 task."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qms.notifications.services import send_reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Send the reminders due today (each once); --dry-run lists them and writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent, write nothing.")
        parser.add_argument("--date", default=None, help="Scan as on this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, dry_run: bool, date: str | None, **options) -> None:
        today = _date(date) if date else None
        result = send_reminders(today=today, dry_run=dry_run)
        for line in result.sent:
            self.stdout.write(("Would send " if dry_run else "Sent ") + str(line))
        for user in result.digests:
            self.stdout.write(("Would send" if dry_run else "Sent") + f" a digest to {user.get_username()}")
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            f"{result.today.isoformat()}: {len(result.sent)} reminder(s) {verb}, "
            f"{result.already_claimed} already sent before."
        )
        for error in result.errors:
            self.stderr.write(f"Provider failed: {error}")
