"""Create the role groups and set their permissions to the declared map (qms/core/roles.py). Idempotent: it also
runs after every ``migrate``."""

from django.core.management.base import BaseCommand, CommandError

from qms.core.roles import sync_roles, unknown_permissions


class Command(BaseCommand):
    help = "Create the role groups and set their permissions to the declared map (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Fail when a declared permission does not exist (a typo, or an app that is not migrated).",
        )

    def handle(self, *args, **options):
        counts = sync_roles(verbosity=options["verbosity"])
        for role, count in counts.items():
            self.stdout.write(f"{role}: {count} permissions")
        unknown = unknown_permissions()
        for role, perms in unknown.items():
            self.stderr.write(f"{role}: unknown permissions: {', '.join(perms)}")
        if unknown and options["check"]:
            raise CommandError("Some declared permissions do not exist.")
