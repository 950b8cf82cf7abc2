"""A request as the source of actions, through the registries: action plans create an action answering it (by
default in the continuous-improvement plan of its unit, made when first needed, with the same right as any other
plan) or link existing ones, on their own page that the request page opens from its "Actions" panel; the
helpdesk says who may work on a request and which requests refuse actions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplans.choices import ActionKind, PlanKind
from actionplans.models import ActionPlan
from actionplans.selectors import actions_for_source
from actionplans.services import (
    ActionPlanError,
    action_create,
    action_create_for_source,
    action_link_to_source,
    continuous_improvement_plan_for,
)
from complaints.choices import ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from qms.core import sources
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.models import AccessGrant

pytestmark = pytest.mark.django_db


def as_client(user):
    # Signed-in pages speak the user's preferred language: read them in English.
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def kit_url(complaint) -> str:
    return reverse("actionplans:source-actions", args=[sources.key(complaint), complaint.pk])


def test_an_action_goes_by_default_to_the_units_continuous_improvement_plan(referent_sciences, org):
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    assert not ActionPlan.objects.exists()
    action = action_create_for_source(source=complaint, by=referent_sciences, title="Vérifier la chaudière")
    plan = action.plan
    assert (plan.kind, plan.org_unit) == (PlanKind.CONTINUOUS_IMPROVEMENT, org.sciences)
    assert action.kind == ActionKind.CORRECTIVE and action.org_unit == org.sciences
    assert list(actions_for_source(complaint)) == [action]
    assert action.sources.first().source == complaint  # the request is its origin
    # The next one goes to the same plan: it is created once.
    second = action_create_for_source(source=complaint, by=referent_sciences, title="Former les agents")
    assert second.plan == plan and ActionPlan.objects.count() == 1


def test_an_action_can_go_to_a_chosen_plan(quality_manager, org):
    complaint = ComplaintFactory(org_unit=org.letters)
    chosen = continuous_improvement_plan_for(org_unit=None, by=quality_manager)
    action = action_create_for_source(
        source=complaint, by=quality_manager, title="Revoir l'accueil", plan=chosen, kind=ActionKind.PREVENTIVE
    )
    assert action.plan == chosen and action.kind == ActionKind.PREVENTIVE


def test_an_action_needs_a_title(quality_manager):
    with pytest.raises(ActionPlanError) as error:
        action_create_for_source(source=ComplaintFactory(), by=quality_manager, title="  ")
    assert error.value.field == "title"


@pytest.mark.parametrize("status", [ComplaintStatus.SPAM, ComplaintStatus.DUPLICATE])
def test_no_action_answers_a_request_marked_as_spam_or_duplicate(quality_manager, status):
    complaint = ComplaintFactory(status=status)
    plan = continuous_improvement_plan_for(org_unit=None, by=quality_manager)
    existing = action_create(plan=plan, title="Refaire la signalétique", by=quality_manager)
    with pytest.raises(ActionPlanError, match="spam or as a duplicate"):
        action_create_for_source(source=complaint, by=quality_manager, title="Réparer")
    with pytest.raises(ActionPlanError, match="spam or as a duplicate"):
        action_link_to_source(source=complaint, by=quality_manager, actions=[existing])
    assert not actions_for_source(complaint).exists()
    # The page does not offer it either.
    assert as_client(quality_manager).get(kit_url(complaint)).status_code == 403


def test_existing_actions_are_linked_once(quality_manager):
    plan = continuous_improvement_plan_for(org_unit=None, by=quality_manager)
    action = action_create(plan=plan, title="Refaire la signalétique", by=quality_manager)
    first, second = ComplaintFactory(), ComplaintFactory()
    assert action_link_to_source(source=first, by=quality_manager, actions=[action]) == 1
    assert action_link_to_source(source=first, by=quality_manager, actions=[action]) == 0
    assert action_link_to_source(source=second, by=quality_manager, actions=[action]) == 1
    # One action answers both requests; the first stays its origin.
    assert [link.source for link in action.sources.order_by("pk")] == [first, second]


def test_from_the_request_page_through_the_actions_panel(quality_manager, org):
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    client = as_client(quality_manager)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-panel="actionplans.actions"' in html and f'href="{kit_url(complaint)}#create"' in html
    response = client.post(
        kit_url(complaint),
        {
            "form": "create",
            "create-title": "Installer un thermostat",
            "create-kind": "corrective",
            "create-priority": "normal",
        },
    )
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    [action] = actions_for_source(complaint)
    other = action_create(plan=action.plan, title="Audit énergétique", by=quality_manager)
    response = client.post(kit_url(complaint), {"form": "link", "link-actions": [other.pk]})
    assert response.status_code == 302
    assert {a.title for a in actions_for_source(complaint)} == {"Installer un thermostat", "Audit énergétique"}
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Installer un thermostat" in html and "Audit énergétique" in html
    # Its timeline says so in sentences.
    assert f"Action {action.reference} was created in the plan" in html
    assert f"Action {other.reference} now also answers this request." in html


def _selected_columns(sql: str) -> set[tuple[str, str]]:
    import re

    return set(re.findall(r'"(\w+)"\."(\w+)"', sql.split(" FROM ")[0]))


def test_the_request_page_reads_its_actions_and_processes_without_their_long_texts(quality_manager, org):
    """The request page is opened all day long: the actions of its panel and the processes of its "Assign" drop-down
    are read with what they show only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from processes.choices import ProcessType
    from processes.models import Process

    Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT, purpose="Long " * 500)
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    action = action_create_for_source(
        source=complaint, by=quality_manager, title="Installer un thermostat", description="Long " * 500
    )
    client = as_client(quality_manager)
    with CaptureQueriesContext(connection) as first:
        client.get(complaint.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Installer un thermostat" in html and "M2 — Qualité" in html

    (panel,) = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "actionplans_action"."id"')
        and '"actionplans_action"."id" IN (SELECT' in q["sql"]
    ]
    selected = _selected_columns(panel)
    assert {table for table, _column in selected} == {"actionplans_action", "actionplans_actionplan"}
    assert not {column for _table, column in selected} & {"description", "expected_result", "indicator"}
    assert str(action) in html
    # The drop-down's options are read once for the configuration (qms.core.model_choices.cached_choices), with
    # their labels only; then from the cache.
    (processes,) = [q["sql"] for q in first if q["sql"].startswith('SELECT "processes_process"."id"')]
    assert _selected_columns(processes) == {("processes_process", name) for name in ("id", "code", "name")}
    assert not [q for q in queries if q["sql"].startswith('SELECT "processes_process"."id"')]


def test_an_assignee_without_action_plan_rights_makes_no_plan_and_no_action(org):
    """Issue 10: posting "create action" with no plan chosen made a plan and an action without any right."""
    agent = UserFactory(username="agent-assigne", roles=[Role.STAFF])
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS, assignee=agent)
    client = as_client(agent)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "data-panel-create" not in html
    response = client.post(
        kit_url(complaint),
        {"form": "create", "create-title": "Réparer", "create-kind": "corrective", "create-priority": "normal"},
    )
    assert response.status_code == 403
    assert not ActionPlan.objects.exists() and not actions_for_source(complaint).exists()


def test_the_default_plan_needs_the_right_to_add_to_it_even_when_another_plan_may_be_chosen(referent_letters, org):
    """The referent of Lettres handles a Sciences request as its assignee: they may add to their own unit's plan,
    not to the Sciences one the request would get by default, which is neither offered nor made."""
    own = continuous_improvement_plan_for(org_unit=org.letters, by=referent_letters)
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS, assignee=referent_letters)
    client = as_client(referent_letters)
    response = client.get(kit_url(complaint))
    assert response.status_code == 200
    field = response.context["create_form"].fields["plan"]
    assert field.required and list(field.queryset) == [own]
    data = {"form": "create", "create-title": "Réparer", "create-kind": "corrective", "create-priority": "normal"}
    assert client.post(kit_url(complaint), data).status_code == 400
    assert not ActionPlan.objects.filter(org_unit=org.sciences).exists()
    response = client.post(kit_url(complaint), {**data, "create-plan": own.pk})
    assert response.status_code == 302
    assert [action.plan for action in actions_for_source(complaint)] == [own]


def _ct(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_a_sensitive_requests_subject_does_not_travel_with_its_actions(quality_manager, org):
    complaint = ComplaintFactory(org_unit=org.sciences, sensitive_nature="harassment", subject="Propos de M. Dupont")
    action = action_create_for_source(source=complaint, by=quality_manager, title="Former l'équipe")
    assert "Dupont" not in str(action.sources.first().source)


def test_a_sensitive_request_without_action_plan_rights_gets_no_action(sensitive_handler, org):
    """Issue 10: the sensitive-cases team made a plan and an action without any action-plan right."""
    complaint = ComplaintFactory(org_unit=org.sciences, sensitive_nature="harassment")
    client = as_client(sensitive_handler)
    response = client.post(
        kit_url(complaint),
        {"form": "create", "create-title": "Former", "create-kind": "corrective", "create-priority": "normal"},
    )
    assert response.status_code == 403
    assert not ActionPlan.objects.exists()


def test_only_the_sensitive_cases_group_sees_an_actions_link_to_a_sensitive_request(
    org, referent_sciences, auditor, sensitive_handler
):
    """Issue 10: the action page showed the sensitive request's reference to the unit's referents and to an
    auditor."""
    team_lead = UserFactory(username="cellule-qm", roles=[Role.STAFF, Role.SENSITIVE_CASES, Role.QUALITY_MANAGER])
    complaint = ComplaintFactory(org_unit=org.sciences, sensitive_nature="harassment", subject="Propos de M. Dupont")
    action = action_create_for_source(source=complaint, by=team_lead, title="Former l'équipe")
    AccessGrant.objects.create(user=auditor, content_type_id=_ct(action), object_id=action.pk)
    for viewer in (referent_sciences, auditor):
        html = as_client(viewer).get(action.get_absolute_url()).content.decode()
        assert "Former l&#x27;équipe" in html
        assert complaint.reference not in html and "Dupont" not in html
    html = as_client(sensitive_handler).get(action.get_absolute_url()).content.decode()
    assert complaint.reference in html and "Dupont" not in html


def test_an_action_page_shows_a_requests_subject_only_to_who_may_open_it(org, quality_manager, auditor):
    """Issue 10: an auditor saw "Ascenseur du bâtiment B en panne" on an action page."""
    complaint = ComplaintFactory(org_unit=org.sciences, subject="Ascenseur du bâtiment B en panne")
    action = action_create_for_source(source=complaint, by=quality_manager, title="Réparer l'ascenseur")
    AccessGrant.objects.create(user=auditor, content_type_id=_ct(action), object_id=action.pk)
    html = as_client(auditor).get(action.get_absolute_url()).content.decode()
    assert complaint.reference in html and "Ascenseur du bâtiment B" not in html
    assert complaint.get_absolute_url() not in html
    html = as_client(quality_manager).get(action.get_absolute_url()).content.decode()
    assert "Ascenseur du bâtiment B en panne" in html and complaint.get_absolute_url() in html


def test_a_grant_on_a_request_opens_the_actions_answering_it(org, quality_manager, auditor):
    complaint = ComplaintFactory(org_unit=org.sciences)
    action = action_create_for_source(source=complaint, by=quality_manager, title="Réparer")
    client = as_client(auditor)
    assert client.get(action.get_absolute_url()).status_code == 404
    AccessGrant.objects.create(user=auditor, content_type_id=_ct(complaint), object_id=complaint.pk)
    assert client.get(action.get_absolute_url()).status_code == 200
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Réparer" in html and "data-panel-create" not in html


@pytest.mark.parametrize("count", [10, 40])
def test_the_action_list_says_what_each_action_answers_in_a_fixed_number_of_queries(
    referent_sciences, quality_manager, org, count, django_assert_max_num_queries
):
    for index in range(count):
        complaint = ComplaintFactory(org_unit=org.sciences, subject=f"Fuite {index}")
        action_create_for_source(source=complaint, by=quality_manager, title=f"Réparer {index}")
    client = as_client(referent_sciences)
    client.get(reverse("actionplans:action-list"))
    with django_assert_max_num_queries(20):
        html = client.get(reverse("actionplans:action-list")).content.decode()
    assert html.count("data-origin") == count and "Fuite 3" in html
