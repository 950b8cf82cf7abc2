"""Move survey campaigns by their dates and purge the rosters past retention: the hourly job, for cron or by hand."""

from django.core.management.base import BaseCommand

from surveys.services import campaigns_tick, roster_imports_purge


class Command(BaseCommand):
    help = "Open, close and publish survey campaigns by their dates; purge rosters and stale roster previews."

    def handle(self, *args, **options):
        done = campaigns_tick()
        previews = roster_imports_purge()
        self.stdout.write(
            "Campaigns opened {opened}, closed {closed}, published {published}; rosters purged {purged}; ".format(
                **done
            )
            + f"roster previews deleted {previews}."
        )
