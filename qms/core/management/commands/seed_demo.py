"""Build the demo university. Each app adds its own data in ``<app>/demo.py``, a ``seed(stdout)`` function,
called in the order of INSTALLED_APPS (the organisation first). Every seed is idempotent: running the command
again changes nothing. An app without ``demo.py`` is skipped."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec

import factory.random
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from qms.core.registry import project_apps

# Faker and factory_boy draw from this seed, so that the demo is the same on every machine and every run.
DEMO_SEED = "qms-demo"


@contextmanager
def logs_to_stderr() -> Iterator[None]:
    """Send the log lines (JSON on stdout, as the settings configure them) to stderr for a while, so that they
    do not land in the middle of the human-readable output of a command; the services' logs are kept."""
    swapped = []
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.stdout, sys.__stdout__):
            swapped.append((handler, handler.setStream(sys.stderr)))
    try:
        yield
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)


class Command(BaseCommand):
    help = "Load the demo university (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="Do not print the table of demo accounts.")

    def handle(self, *args, **options):
        with logs_to_stderr():
            self._seed(**options)

    def _seed(self, **options) -> None:
        translation.activate("fr")
        factory.random.reseed_random(DEMO_SEED)
        for config in project_apps():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            started = time.monotonic()
            self.stdout.write(f"Demo data: {config.label}…")
            with transaction.atomic():
                import_module(module_name).seed(stdout=self.stdout)
            self.stdout.write(f"Demo data: {config.label} done in {time.monotonic() - started:.1f} s.")
        if not options["no_accounts"]:
            from qms.core.demo import print_accounts

            print_accounts(self.stdout)
