"""Build the demo university. Each app adds its own data in ``<app>/demo.py``, a ``seed(stdout)`` function,
called in the order of INSTALLED_APPS (the organisation first). Every seed is idempotent: running the command
again changes nothing. An app without ``demo.py`` is skipped.

A demo may also define ``finish(stdout)``, run once every app's ``seed`` is done, in the same order: for what
needs the other apps' data (the process map's computed indicators read the helpdesk's and the action plans'
figures)."""

from __future__ import annotations

import time
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import factory.random
from django.apps import AppConfig, apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

# Faker and factory_boy draw from this seed, so that the demo is the same on every machine and every run.
DEMO_SEED = "qms-demo"


def project_apps() -> list[AppConfig]:
    """The project's own apps (not Django's nor third-party ones), in INSTALLED_APPS order."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            found.append(config)
    return found


class Command(BaseCommand):
    help = "Load the demo university (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="Do not print the table of demo accounts.")

    def handle(self, *args, **options):
        translation.activate("fr")
        factory.random.reseed_random(DEMO_SEED)
        demos = []
        for config in project_apps():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            demos.append((config, module))
            started = time.monotonic()
            self.stdout.write(f"Demo data: {config.label}…")
            with transaction.atomic():
                module.seed(stdout=self.stdout)
            self.stdout.write(f"Demo data: {config.label} done in {time.monotonic() - started:.1f} s.")
        for config, module in demos:
            finish = getattr(module, "finish", None)
            if finish is None:
                continue
            started = time.monotonic()
            with transaction.atomic():
                finish(stdout=self.stdout)
            self.stdout.write(f"Demo data: {config.label} finished in {time.monotonic() - started:.1f} s.")
        if not options["no_accounts"]:
            from qms.core.demo import print_accounts

            print_accounts(self.stdout)
