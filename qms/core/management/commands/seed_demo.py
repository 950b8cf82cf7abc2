"""Build the demo university. Each app adds its own data in ``<app>/demo.py``, a ``seed(stdout)`` function,
called in the order of INSTALLED_APPS (the organisation first). Every seed is idempotent: running the command
again changes nothing."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation


class Command(BaseCommand):
    help = "Load the demo university (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        translation.activate("fr")
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.name.startswith(("qms.", "processes", "actionplans", "complaints", "surveys",
                                           "certifications")):
                continue
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(stdout=self.stdout)
        from qms.core.demo import print_accounts

        print_accounts(self.stdout)
