"""Write the token rows of every open survey campaign again: the nightly job, for cron or by hand.

On PostgreSQL each row version carries the id of the transaction that wrote it (xmin); after this, no token
shares it with its response any more."""

from django.core.management.base import BaseCommand

from surveys.services import tokens_rewrite


class Command(BaseCommand):
    help = "Rewrite the token rows of open survey campaigns, so that none shares its transaction id with a response."

    def handle(self, *args, **options):
        self.stdout.write(f"Token rows rewritten: {tokens_rewrite()}.")
