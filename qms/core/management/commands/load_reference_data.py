"""Load the reference data every installation needs: the role groups, then what each app keeps in
``<app>/reference_data.py`` (a ``load(stdout)`` function: the certifications' frameworks, say), found by module
name in INSTALLED_APPS order, as ``seed_demo`` finds each app's ``demo.py``. Idempotent."""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qms.core.registry import project_apps
from qms.core.roles import sync_roles


def reference_data_modules() -> list[tuple[str, str]]:
    """(app label, module name) of every project app that keeps reference data."""
    found = []
    for config in project_apps():
        module_name = f"{config.name}.reference_data"
        if find_spec(module_name) is not None:
            found.append((config.label, module_name))
    return found


class Command(BaseCommand):
    help = "Load the reference data: role groups and their permissions, and each app's reference data (idempotent)."

    def handle(self, *args, **options):
        counts = sync_roles()
        self.stdout.write(self.style.SUCCESS(f"Roles synced: {len(counts)} groups."))
        for label, module_name in reference_data_modules():
            module = import_module(module_name)
            try:
                with transaction.atomic():
                    module.load(stdout=self.stdout)
            except Exception as error:
                # A data file that does not give its declared counts, say: stop, naming the app.
                raise CommandError(f"Reference data of {label}: {error}") from error
            self.stdout.write(self.style.SUCCESS(f"Reference data of {label} loaded."))
