"""The process map grew from the minimal ``Process`` of the action plans: existing rows become validated processes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("processes", "0001_initial")]
AFTER = [("processes", "0003_existing_processes_validated")]


@pytest.mark.django_db(transaction=True)
def test_processes_that_existed_before_are_marked_validated():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        OldProcess = old_apps.get_model("processes", "Process")
        OldProcess.objects.create(code="M1", name="Pilotage", type="management", is_active=True)
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        process = new_apps.get_model("processes", "Process").objects.get(code="M1")
        assert (process.status, process.is_active, process.version) == ("validated", True, "1")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
