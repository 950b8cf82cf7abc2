"""What ``make loadtest`` builds on keeps working: the bulk generator (small sizes) and the ceiling view.

The load test itself is a benchmark, not a test: it does not run here nor in CI."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from actionplans.models import Action, ActionPlan
from benchmarks.models import CeilingRow
from complaints.models import Complaint, ReferenceCounter
from qms.core.models import StatusChange
from qms.notifications.models import OutboxEmail


@pytest.fixture
def demo(db):
    """The demo (the generator builds on its people, units and configuration), rolled back after the test."""
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("seed_demo", "--no-accounts", stdout=io.StringIO())


@pytest.fixture
def ceiling_table(transactional_db):
    """The ceiling's table: its app is installed by benchmarks.settings only."""
    with connection.schema_editor() as editor:
        editor.create_model(CeilingRow)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(CeilingRow)


def test_the_generator_tops_the_demo_up_to_the_sizes_asked_for(demo):
    requests, actions = Complaint.objects.count() + 60, Action.objects.count() + 45
    outbox_before = OutboxEmail.objects.count()
    call_command(
        "generate_bulk", requests=requests, years=5, actions=actions, max_plan=30, seed=3, stdout=io.StringIO()
    )
    assert Complaint.objects.count() == requests and Action.objects.count() == actions
    assert ActionPlan.objects.get(title__startswith="Plan stratégique").actions.count() == 30
    # References as the services give them: per year, unique, without a gap, the counters up to date.
    for counter in ReferenceCounter.objects.all():
        numbers = sorted(
            int(reference.rsplit("-", 1)[1])
            for reference in Complaint.objects.filter(reference__startswith=f"REC-{counter.year}-").values_list(
                "reference", flat=True
            )
        )
        assert numbers == list(range(1, counter.last + 1))
    # Each new request has its history and its search text; no email was written.
    latest = Complaint.objects.order_by("-pk")[:60]
    assert all(complaint.search_text for complaint in latest)
    assert StatusChange.objects.filter(object_id__in=[c.pk for c in latest], to_status="new").count() == 60
    assert OutboxEmail.objects.count() == outbox_before
    # Sizes are totals: a second run adds nothing.
    call_command(
        "generate_bulk", requests=requests, years=5, actions=actions, max_plan=30, seed=3, stdout=io.StringIO()
    )
    assert Complaint.objects.count() == requests and Action.objects.count() == actions


def test_the_generator_refuses_nonsense_sizes(db):
    with pytest.raises(CommandError):
        call_command("generate_bulk", requests=-1, stdout=io.StringIO())


@override_settings(ROOT_URLCONF="benchmarks.urls")
def test_the_ceiling_inserts_one_row_behind_csrf_and_answers_303(ceiling_table):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/benchmark/ceiling/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert client.post("/benchmark/ceiling/", {"text": "Sans jeton"}).status_code == 403
    response = client.post("/benchmark/ceiling/", {"text": "Une ligne", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert list(CeilingRow.objects.values_list("text", flat=True)) == ["Une ligne"]


def test_the_ceiling_is_not_in_the_production_urls():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("benchmark-ceiling")
