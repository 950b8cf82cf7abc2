"""Council members became linkable to accounts: rows written before (through the admin) are brought in line with
the new constraints (every member named, an account seated once per council), none lost."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("surveys", "0002_councils")]
AFTER = [("surveys", "0004_council_member_accounts")]


@pytest.mark.django_db(transaction=True)
def test_members_written_before_keep_a_name_and_one_seat_per_account():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        User = apps.get_model("core", "User")
        AcademicYear = apps.get_model("core", "AcademicYear")
        Council = apps.get_model("surveys", "Council")
        Member = apps.get_model("surveys", "CouncilMember")
        year = AcademicYear.objects.create(
            name="2025-2026", start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31)
        )
        council = Council.objects.create(academic_year=year)
        ada = User.objects.create(username="ada", first_name="Ada", last_name="Lovelace")
        bob = User.objects.create(username="bob")
        Member.objects.create(council=council, user=ada, name="", role="teacher", attended=True)
        Member.objects.create(council=council, user=ada, name="Ada L.", role="student")
        Member.objects.create(council=council, user=bob, name="", role="student")
        Member.objects.create(council=council, name="", role="alumnus")
        Member.objects.create(council=council, name="Mme Martin", role="professional")

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        rows = list(
            apps.get_model("surveys", "CouncilMember")
            .objects.order_by("pk")
            .values_list("user__username", "name", "role", "attended")
        )
        assert rows == [
            ("ada", "Ada Lovelace", "teacher", True),
            (None, "Ada L.", "student", False),  # the same account twice: its second seat stays as a name
            ("bob", "bob", "student", False),
            (None, "—", "alumnus", False),
            (None, "Mme Martin", "professional", False),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
