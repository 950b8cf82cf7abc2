import datetime

import pytest
from django.utils import translation

from actionplans import services
from actionplans.choices import PlanKind


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; pages follow each user's own language (set it where it matters)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Evidence files go to a temporary directory."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def plan(org, quality_manager):
    """An AEQES follow-up plan of UFR Sciences, owned by the quality manager, with one axis and one objective."""
    plan = services.plan_create(
        title="Plan AEQES Sciences",
        kind=PlanKind.INSTITUTIONAL_EVALUATION,
        org_unit=org.sciences,
        owner=quality_manager,
        by=quality_manager,
    )
    axis = services.axis_create(plan=plan, title="Gouvernance", by=quality_manager)
    services.objective_create(
        plan=plan, axis=axis, title="Poursuivre la formalisation du système d'assurance qualité", by=quality_manager
    )
    return plan


@pytest.fixture
def objective(plan):
    return plan.objectives.get()


@pytest.fixture
def make_action(plan, objective, quality_manager):
    """Create an action through the service (status history and log included)."""

    def make(**kwargs):
        kwargs.setdefault("plan", plan)
        kwargs.setdefault("objective", objective if kwargs["plan"] == plan else None)
        kwargs.setdefault("title", "Elaborer la cartographie des processus institutionnels")
        kwargs.setdefault("by", quality_manager)
        kwargs.setdefault("deadline", datetime.date(2030, 10, 22))
        kwargs.setdefault("notify_owner", False)
        return services.action_create(**kwargs)

    return make
