"""Store the snapshots of computed indicators whose periods have closed: ``manage.py take_indicator_snapshots``.

The same function runs daily from Celery beat (``processes.tasks.take_indicator_snapshots``); running it twice
stores nothing more: a period's snapshot is taken once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from processes.services import take_due_snapshots


class Command(BaseCommand):
    help = "Store the value of every computed indicator whose period has closed and has no snapshot yet."

    def handle(self, *args, **options):
        taken = take_due_snapshots()
        self.stdout.write(f"Stored {taken} snapshot(s).")
