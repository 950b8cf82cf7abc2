"""Two people at once, on PostgreSQL: action references stay unique in a plan, and a unit gets one
continuous-improvement plan however many requests ask for it at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from actionplans import services
from actionplans.choices import PlanKind
from actionplans.models import ActionPlan
from conftest import at_once, require_service
from qms.core.factories import OrgUnitFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL is needed (set DATABASE_URL=postgres://…)")


def test_references_stay_unique_when_actions_are_added_at_once():
    plan = services.plan_create(title="Plan", by=None)
    workers, each = 6, 5

    def work():
        for n in range(each):
            services.action_create(plan=plan, title=f"Action {threading.get_ident()} {n}", by=None)

    assert at_once(work, workers) == []
    references = list(plan.actions.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == workers * each
    assert sorted(references) == [f"A-{n:03d}" for n in range(1, workers * each + 1)]


def test_a_unit_gets_one_continuous_improvement_plan_when_many_ask_at_once():
    unit = OrgUnitFactory(code="ufr-concurrence")
    found: list[int] = []

    def work():
        found.append(services.continuous_improvement_plan_for(org_unit=unit, by=None).pk)
        found.append(services.continuous_improvement_plan_for(org_unit=None, by=None).pk)

    assert at_once(work, 6) == []
    assert ActionPlan.objects.filter(kind=PlanKind.CONTINUOUS_IMPROVEMENT).count() == 2
    assert len(set(found)) == 2
