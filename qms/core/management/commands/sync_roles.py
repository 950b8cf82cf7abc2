from django.core.management.base import BaseCommand

from qms.core.roles import sync_roles


class Command(BaseCommand):
    help = "Create the role groups and set their permissions to the declared map (idempotent)."

    def handle(self, *args, **options):
        counts = sync_roles(verbosity=options["verbosity"])
        for role, count in counts.items():
            self.stdout.write(f"{role}: {count} permissions")
