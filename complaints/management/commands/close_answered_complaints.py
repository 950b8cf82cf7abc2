"""Close the answered requests whose quiet period is over: ``manage.py close_answered_complaints``.

The same function runs hourly from Celery beat (``complaints.tasks.auto_close``); running it twice, or at the
same time as the task, closes each request once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from complaints.services import complaints_auto_close


class Command(BaseCommand):
    help = "Close the answered requests with no news from their requester after the quiet period (system move)."

    def handle(self, *args, **options):
        closed = complaints_auto_close()
        self.stdout.write(f"Closed {closed} request(s).")
