"""The demo data of the process map and the action plans: realistic, and idempotent."""

import io

import pytest

from actionplans import demo
from actionplans.choices import ActionStatus, PlanKind
from actionplans.models import Action, ActionPlan
from actionplans.selectors import plan_tree
from processes import demo as processes_demo
from processes.models import Process
from qms.core.choices import OrgUnitKind, Role
from qms.core.factories import OrgUnitFactory, UserFactory


@pytest.fixture
def demo_university(db):
    """The units and people that qms.core.demo creates, looked up by the demos by code and username."""
    root = OrgUnitFactory(code="udemo", name="Université de démonstration", kind=OrgUnitKind.INSTITUTION)
    for code in ("ufr-sciences", "ufr-lettres", "iae", "svc-qualite", "bu", "svc-ri", "svc-vie-etudiante"):
        OrgUnitFactory(code=code, parent=root)
    for username in ("qualite", "direction", "pilote", "enseignant", "agent", "referent.sciences", "referent.lettres"):
        UserFactory(username=username, roles=[Role.STAFF])


def _seed_all():
    out = io.StringIO()
    processes_demo.seed(out)
    demo.seed(out)
    return out.getvalue()


def test_the_demo_builds_an_aeqes_plan_of_about_ninety_actions_over_five_axes(demo_university):
    output = _seed_all()
    plan = ActionPlan.objects.get(title=demo.AEQES_TITLE)
    tree = plan_tree(plan)
    assert [node.axis.title for node in tree.axes] == [
        "Gouvernance",
        "Qualité",
        "Programmes",
        "Formation continue et recherche",
        "Support",
    ]
    assert 85 <= tree.rollup.total + tree.rollup.cancelled <= 100
    statuses = set(plan.actions.values_list("status", flat=True))
    assert {ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED} <= statuses
    assert tree.rollup.late >= 5
    assert tree.rollup.done >= 20
    assert plan.actions.filter(owner__isnull=False).exists() and plan.actions.exclude(owner_label="").exists()
    assert plan.actions.filter(effectiveness_checks__isnull=False).exists()
    assert Process.objects.count() == len(processes_demo.PROCESSES)
    assert "Action plans:" in output


def test_the_demo_adds_a_continuous_improvement_plan(demo_university):
    _seed_all()
    plan = ActionPlan.objects.get(kind=PlanKind.CONTINUOUS_IMPROVEMENT, org_unit__isnull=True)
    # Besides those of the process map (the actions of its units lacking here fall to the institution's plan).
    assert plan.actions.filter(sources__isnull=True).count() == len(demo.CONTINUOUS_IMPROVEMENT)
    assert plan.owner.username == "qualite"


def test_running_the_demo_twice_changes_nothing(demo_university):
    _seed_all()
    before = (ActionPlan.objects.count(), Action.objects.count(), Process.objects.count())
    _seed_all()
    assert (ActionPlan.objects.count(), Action.objects.count(), Process.objects.count()) == before


def test_the_demo_runs_without_the_demo_people(db):
    _seed_all()
    assert ActionPlan.objects.get(title=demo.AEQES_TITLE).actions.filter(owner__isnull=False).count() == 0


def test_the_demo_turns_the_process_reviews_decisions_and_the_critical_risks_into_actions(demo_university):
    from actionplans.selectors import actions_for_source
    from processes.models import ProcessReview, Risk

    _seed_all()
    review = ProcessReview.objects.get(process__code="R2", status="held")
    decisions = list(review.decisions.order_by("position"))
    statuses = [actions_for_source(decision).get().status for decision in decisions]
    assert statuses == [ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED]
    critical = [r for r in Risk.objects.threats().filter(treatment="reduce") if r.criticality >= 9]
    assert critical and all(actions_for_source(risk).exists() for risk in critical)
