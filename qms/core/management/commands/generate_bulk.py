"""Bulk data on top of the demo university, for load tests and benchmarks: ``make loadtest`` and ``make bench``.

Each app adds its own in ``<app>/bulk.py``, a ``generate(stdout=, **sizes)`` function that takes the sizes it
knows (``requests``, ``years``, ``actions``, ``max_plan``, ``seed``) and ignores the others, called in the order of
INSTALLED_APPS. Sizes are totals: the database holds that many afterwards, so a second run adds nothing. The demo
(``seed_demo``) comes first: its people, units and configuration are the ones the bulk rows use."""

from __future__ import annotations

import time
from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from qms.core.management.commands.seed_demo import project_apps


class Command(BaseCommand):
    help = "Add bulk requests and actions on top of the demo (sizes are totals; a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=0, help="Requests the helpdesk holds afterwards.")
        parser.add_argument("--years", type=int, default=5, help="Years over which the requests were received.")
        parser.add_argument("--actions", type=int, default=0, help="Actions the plans hold afterwards.")
        parser.add_argument("--max-plan", type=int, default=1600, help="Actions of the largest plan.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random draws (same seed, same data).")

    def handle(self, *args, **options):
        sizes = {key: options[key] for key in ("requests", "years", "actions", "max_plan", "seed")}
        if any(sizes[key] < 0 for key in ("requests", "actions", "max_plan")) or sizes["years"] < 1:
            raise CommandError("Sizes are positive numbers, and --years at least 1.")
        translation.activate("fr")
        for config in project_apps():
            module_name = f"{config.name}.bulk"
            if find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            started = time.monotonic()
            try:
                with transaction.atomic():
                    module.generate(stdout=self.stdout, **sizes)
            except getattr(module, "BulkError", ()) as error:
                raise CommandError(str(error))
            self.stdout.write(f"Bulk data: {config.label} done in {time.monotonic() - started:.1f} s.")
