"""Remove the personal data of the requests whose retention period is over: ``manage.py purge_complaints``.

The same function runs daily from Celery beat (``complaints.tasks.purge_complaints``). ``--dry-run`` counts
what would be purged and changes nothing. Only counts are printed, never personal data.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from complaints.retention import purge_complaints, retention_limits


class Command(BaseCommand):
    help = "Purge the personal data of finished requests past their retention period (GDPR)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be purged; change nothing.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        closed_before, spam_before = retention_limits()
        if options["verbosity"] > 1:
            self.stdout.write(
                f"Finished before {closed_before:%Y-%m-%d %H:%M}, spam marked before {spam_before:%Y-%m-%d %H:%M}."
            )
        result = purge_complaints(dry_run=dry_run)
        prefix = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{prefix} {result.purged} request(s): {result.closed} finished, {result.spam} spam; "
            f"{result.attachments} attachment(s), {result.messages} message(s)"
            + ("." if dry_run else f", {result.emails} email(s).")
        )
