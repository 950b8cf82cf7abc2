"""Send the outbox emails that are due: the same sweep as the periodic task, for cron or a manual run."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser

from qms.notifications.selectors import outbox_counts
from qms.notifications.services import SWEEP_BATCH, SWEEP_GRACE, sweep_outbox


class Command(BaseCommand):
    help = "Send the outbox emails that are due (failed ones whose retry time has come, and lost ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=SWEEP_BATCH, help="Emails claimed at a time.")
        parser.add_argument("--max-batches", type=int, default=None, help="Stop after this many batches.")
        parser.add_argument(
            "--include-fresh",
            action="store_true",
            help=f"Also send emails queued less than {SWEEP_GRACE.total_seconds():.0f} seconds ago, without "
            "waiting for their task.",
        )

    def handle(self, *args, batch_size: int, max_batches: int | None, include_fresh: bool, **options) -> None:
        grace = datetime.timedelta(0) if include_fresh else SWEEP_GRACE
        result = sweep_outbox(batch_size=max(1, batch_size), max_batches=max_batches, grace=grace)
        self.stdout.write(
            f"Sent {result.sent}, failed {result.failed}, given up {result.given_up}, left for later {result.released}."
        )
        if options["verbosity"] > 1:
            counts = ", ".join(f"{state} {count}" for state, count in outbox_counts().items())
            self.stdout.write(f"Outbox now: {counts}.")
