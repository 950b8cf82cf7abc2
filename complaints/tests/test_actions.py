"""Corrective actions: created in action plans with the request as their origin (by default in the unit's
continuous-improvement plan, created when first needed), or existing actions linked as sources."""

from __future__ import annotations

import pytest
from django.test import Client

from actionplans.choices import ActionKind, PlanKind
from actionplans.models import ActionPlan
from actionplans.selectors import actions_for_source
from actionplans.services import action_create, continuous_improvement_plan_for
from complaints.choices import ComplaintStatus
from complaints.factories import ComplaintFactory
from complaints.services import ComplaintError, complaint_create_action, complaint_link_actions

pytestmark = pytest.mark.django_db


def as_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_an_action_goes_by_default_to_the_units_continuous_improvement_plan(referent_sciences, org):
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    assert not ActionPlan.objects.exists()
    action = complaint_create_action(complaint=complaint, by=referent_sciences, title="Vérifier la chaudière")
    plan = action.plan
    assert (plan.kind, plan.org_unit) == (PlanKind.CONTINUOUS_IMPROVEMENT, org.sciences)
    assert action.kind == ActionKind.CORRECTIVE and action.org_unit == org.sciences
    assert list(actions_for_source(complaint)) == [action]
    assert action.sources.first().source == complaint  # the request is its origin
    # The next one goes to the same plan: it is created once.
    second = complaint_create_action(complaint=complaint, by=referent_sciences, title="Former les agents")
    assert second.plan == plan and ActionPlan.objects.count() == 1


def test_an_action_can_go_to_a_chosen_plan(quality_manager, org):
    complaint = ComplaintFactory(org_unit=org.letters)
    chosen = continuous_improvement_plan_for(org_unit=None, by=quality_manager)
    action = complaint_create_action(
        complaint=complaint, by=quality_manager, title="Revoir l'accueil", plan=chosen, kind=ActionKind.PREVENTIVE
    )
    assert action.plan == chosen and action.kind == ActionKind.PREVENTIVE


def test_an_action_needs_a_title(quality_manager):
    with pytest.raises(ComplaintError):
        complaint_create_action(complaint=ComplaintFactory(), by=quality_manager, title="  ")


def test_existing_actions_are_linked_once(quality_manager):
    plan = continuous_improvement_plan_for(org_unit=None, by=quality_manager)
    action = action_create(plan=plan, title="Refaire la signalétique", by=quality_manager)
    first, second = ComplaintFactory(), ComplaintFactory()
    assert complaint_link_actions(complaint=first, by=quality_manager, actions=[action]) == 1
    assert complaint_link_actions(complaint=first, by=quality_manager, actions=[action]) == 0
    assert complaint_link_actions(complaint=second, by=quality_manager, actions=[action]) == 1
    # One action answers both requests; the first stays its origin.
    assert [link.source for link in action.sources.order_by("pk")] == [first, second]


def test_from_the_request_page(quality_manager, org):
    complaint = ComplaintFactory(org_unit=org.sciences)
    client = as_client(quality_manager)
    response = client.post(
        f"/demandes/{complaint.reference}/action-create/",
        {"action-create-title": "Installer un thermostat", "action-create-kind": "corrective"},
    )
    assert response.status_code == 302
    [action] = actions_for_source(complaint)
    other = action_create(plan=action.plan, title="Audit énergétique", by=quality_manager)
    response = client.post(f"/demandes/{complaint.reference}/action-link/", {"action-link-actions": [other.pk]})
    assert response.status_code == 302
    assert {a.title for a in actions_for_source(complaint)} == {"Installer un thermostat", "Audit énergétique"}
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Installer un thermostat" in html and "Audit énergétique" in html


def test_a_sensitive_requests_subject_does_not_travel_with_its_actions(sensitive_handler, org):
    complaint = ComplaintFactory(org_unit=org.sciences, sensitive_nature="harassment", subject="Propos de M. Dupont")
    action = complaint_create_action(complaint=complaint, by=sensitive_handler, title="Former l'équipe")
    assert "Dupont" not in str(action.sources.first().source)
