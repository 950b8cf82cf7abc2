"""Remove the spent stamps of expired public forms: the same job as the periodic task, for cron or by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from qms.core.public import purge_spent_stamps


class Command(BaseCommand):
    help = "Remove the spent stamps of public forms whose form has expired."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Removed {purge_spent_stamps()} spent stamp(s).")
