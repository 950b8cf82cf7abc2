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


def test_the_actions_panel_summarises_the_actions_of_risks_and_processes(process, quality_manager):
    from actionplans.choices import ActionStatus
    from qms.core import panels

    risk = RiskFactory(process=process, reference="R2-R01")
    other = RiskFactory(process=process, reference="R2-R02")
    plan = services.continuous_improvement_plan_for(org_unit=process.org_unit, by=quality_manager)
    treated = services.action_create(
        plan=plan,
        title="Sauvegarder",
        by=quality_manager,
        sources=[risk],
        process=process,
        notify_owner=False,
        deadline=datetime.date(2025, 9, 30),
    )
    services.action_import_create(
        plan=plan, title="Déjà fait", by=quality_manager, process=process, status=ActionStatus.DONE
    )
    summaries = panels.summaries_for([risk, other])
    rows = next(s for s in summaries[risk.pk] if s["key"] == "actionplans.actions")["rows"]
    assert rows == [
        {
            "reference": treated.reference,
            "title": "Sauvegarder",
            "status": "planned",
            "status_label": "Planned",
            "due": "2025-09-30",
            "url": treated.get_absolute_url(),
        }
    ]
    assert next(s for s in summaries[other.pk] if s["key"] == "actionplans.actions")["rows"] == []
    # A process: its open actions only.
    process_rows = next(s for s in panels.summaries(process) if s["key"] == "actionplans.actions")["rows"]
    assert [row["reference"] for row in process_rows] == [treated.reference]


def test_the_risk_page_opens_the_source_to_action_page_and_the_register_lists_treatment_actions(
    client, process, process_owner, quality_manager
):
    import io

    import openpyxl
    from django.urls import reverse

    risk = RiskFactory(process=process, reference="R2-R01", likelihood=4, severity=4)
    client.force_login(quality_manager)
    page = client.get(risk.get_absolute_url()).content.decode()
    kit = reverse("actionplans:source-actions", args=["processes.risk", risk.pk])
    assert kit in page
    assert client.get(kit).status_code == 200
    action = services.action_create_for_source(source=risk, by=quality_manager, title="Numériser")
    # In the process's unit plan by default, and about the process.
    assert (action.plan.org_unit, action.process) == (process.org_unit, process)
    client.force_login(process_owner)  # the owner of the process sees the treatment action on the risk's page
    assert action.reference in client.get(risk.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "en"
    response = client.get(reverse("processes:risk-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("Treatment actions")] == f"{action.reference} Numériser (Planned)"


def test_an_archived_risk_takes_no_new_action(process, quality_manager):
    from actionplans.services import ActionPlanError

    risk = RiskFactory(process=process, reference="R2-R01")
    process_services.risk_archive(risk=risk, by=quality_manager)
    plan = services.continuous_improvement_plan_for(org_unit=process.org_unit, by=quality_manager)
    with pytest.raises(ActionPlanError, match="archived"):
        services.action_create_for_source(source=risk, by=quality_manager, title="Trop tard", plan=plan)
