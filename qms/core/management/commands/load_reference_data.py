"""Load the reference data every installation needs (roles, and later the frameworks). Idempotent."""

from django.core.management.base import BaseCommand

from qms.core.roles import sync_roles


class Command(BaseCommand):
    help = "Load the reference data: role groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        counts = sync_roles()
        self.stdout.write(self.style.SUCCESS(f"Roles synced: {len(counts)} groups."))
