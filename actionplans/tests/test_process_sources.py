"""The process map's risks and review decisions as action sources, seen from action plans (which may know the
process map; the process map never knows action plans)."""

from __future__ import annotations

import datetime

import pytest

from actionplans import services
from actionplans.selectors import actions_for_source
from processes import services as process_services
from processes.tests.factories import ProcessFactory, RiskFactory
from qms.core import sources

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(org, process_owner):
    return ProcessFactory(code="R2", name="Recruter et inscrire", org_unit=org.sciences, owner=process_owner)


def test_a_review_decision_becomes_an_action_whose_source_is_the_decision(process, quality_manager, process_owner):
    review = process_services.review_draft(process=process, by=process_owner, held_on=datetime.date(2025, 3, 12))
    decision = process_services.decision_add(review=review, by=process_owner, text="Réécrire la procédure d'accueil")
    plan = services.continuous_improvement_plan_for(org_unit=sources.default_unit(decision), by=quality_manager)
    action = services.action_create(
        plan=plan,
        title=decision.text,
        by=process_owner,
        process=process,
        sources=[decision],
        deadline=datetime.date(2025, 9, 30),
        notify_owner=False,
    )
    assert plan.org_unit == process.org_unit
    assert list(actions_for_source(decision)) == [action]
    assert action.origin == decision
    assert sources.describe(action.origin, process_owner).text == f"R2 2025-03-12 D1 — {decision.text}"
    # The decision is withdrawn later: it is archived, not deleted, and the action keeps its source.
    process_services.decision_archive(decision=decision, by=process_owner)
    action.refresh_from_db()
    assert action.origin == decision


def test_a_treatment_action_answers_its_risk(process, quality_manager):
    risk = RiskFactory(process=process, reference="R2-R01", description="Perte de dossiers")
    plan = services.continuous_improvement_plan_for(org_unit=sources.default_unit(risk), by=quality_manager)
    action = services.action_create(
        plan=plan, title="Numériser les dossiers", by=quality_manager, sources=[risk], notify_owner=False
    )
    assert list(actions_for_source(risk)) == [action]
    process_services.risk_archive(risk=risk, by=quality_manager)
    assert list(actions_for_source(risk)) == [action]
