"""The people and action pickers of the request page and of the page that creates or links its actions: the
pages render the chosen options only, the people search offers who the request may go to (the sensitive-cases
group only for a sensitive request), and the forms still refuse anyone or anything outside the allowed set, with
or without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from actionplans.forms import SourceActionForm, SourceLinkForm
from actionplans.tests.factories import ActionFactory, ActionPlanFactory
from complaints.choices import ComplaintStatus
from complaints.forms import ASSIGNEE_SCOPE, AssignForm
from complaints.tests.factories import ComplaintFactory
from qms.core import sources
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.models import User
from qms.core.search import sign_scope

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def many_staff(count: int) -> list[User]:
    people = User.objects.bulk_create([User(username=f"agent{i}", last_name=f"Agent{i}") for i in range(count)])
    Group.objects.get_or_create(name=Role.STAFF)[0].user_set.add(*people)
    return people


def scope_of(html: str) -> str:
    return unquote(re.search(r'data-url="[^"]*\?scope=([^"&]+)"', html).group(1))


def test_the_request_page_renders_no_list_of_everyone(quality_manager, org):
    many_staff(200)
    plan = ActionPlanFactory()
    for i in range(60):
        ActionFactory(plan=plan, reference=f"A-{i:03d}", title="Action ouverte")
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    client = signed_in(quality_manager)
    html = client.get(complaint.get_absolute_url()).content.decode()
    # Before the pickers: 200+ people twice and the 60 actions; now only the short lists (units, processes …).
    assert html.count("<option") < 80
    assert 'name="assign-assignee_search"' in html
    url = reverse("actionplans:source-actions", args=[sources.key(complaint), complaint.pk])
    html = client.get(url).content.decode()
    assert html.count("<option") < 40
    for name in ("create-owner_search", "link-actions_search"):
        assert f'name="{name}"' in html


def test_the_assignee_search_of_a_sensitive_request_offers_the_sensitive_cases_group_only(sensitive_handler):
    complaint = ComplaintFactory(sensitive_nature="harassment", status=ComplaintStatus.IN_PROGRESS)
    team = UserFactory(username="ecoute2", last_name="Zorglub", roles=[Role.SENSITIVE_CASES])
    UserFactory(username="agent-zorglub", last_name="Zorglub", roles=[Role.STAFF])
    html = str(AssignForm(complaint=complaint, user=sensitive_handler)["assignee"])
    client = signed_in(sensitive_handler)
    found = client.get(reverse("core:user-search"), {"q": "zorglub", "scope": scope_of(html)}).json()["results"]
    assert [row["id"] for row in found] == [str(team.pk)]


def test_the_assignee_scope_is_refused_to_who_cannot_handle_the_request(staff_member):
    complaint = ComplaintFactory(sensitive_nature="harassment", status=ComplaintStatus.IN_PROGRESS)
    scope = sign_scope(ASSIGNEE_SCOPE, complaint.reference, user=staff_member)
    response = signed_in(staff_member).get(reverse("core:user-search"), {"q": "ma", "scope": scope})
    assert response.status_code == 403


def test_a_tampered_assignee_scope_is_refused(quality_manager):
    complaint = ComplaintFactory(status=ComplaintStatus.IN_PROGRESS)
    scope = sign_scope(ASSIGNEE_SCOPE, complaint.reference, user=quality_manager)
    value, signature = scope.rsplit(":", 1)
    tampered = value + ":" + signature[::-1]
    response = signed_in(quality_manager).get(reverse("core:user-search"), {"q": "ma", "scope": tampered})
    assert response.status_code == 400


def test_the_assign_form_refuses_someone_outside_the_sensitive_cases_group(sensitive_handler):
    complaint = ComplaintFactory(sensitive_nature="harassment", status=ComplaintStatus.IN_PROGRESS)
    outsider = UserFactory(username="agent-dehors", roles=[Role.STAFF])
    for data in ({"assign-assignee": str(outsider.pk)}, {"assign-assignee_search": "agent-dehors"}):
        form = AssignForm(data, complaint=complaint, user=sensitive_handler, prefix="assign")
        assert not form.is_valid()
        assert "assignee" in form.errors
    form = AssignForm(
        {"assign-assignee_search": "cellule-ecoute"}, complaint=complaint, user=sensitive_handler, prefix="assign"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["assignee"] == sensitive_handler


def test_the_create_action_form_refuses_an_owner_who_cannot_sign_in(quality_manager):
    complaint = ComplaintFactory(status=ComplaintStatus.IN_PROGRESS)
    gone = UserFactory(username="parti", is_active=False)
    data = {"title": "Réparer", "kind": "corrective", "priority": "normal", "owner": str(gone.pk)}
    form = SourceActionForm(data, source=complaint, user=quality_manager)
    assert not form.is_valid() and "owner" in form.errors


def test_the_link_form_refuses_an_action_the_user_cannot_edit_and_resolves_references(referent_sciences, org):
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    visible = ActionFactory(reference="SCI-7", org_unit=org.sciences, plan=ActionPlanFactory(org_unit=org.sciences))
    hidden = ActionFactory(reference="LET-7", org_unit=org.letters, plan=ActionPlanFactory(org_unit=org.letters))
    form = SourceLinkForm({"actions": [str(hidden.pk)]}, source=complaint, user=referent_sciences)
    assert not form.is_valid()
    form = SourceLinkForm({"actions_search": "let-7"}, source=complaint, user=referent_sciences)
    assert not form.is_valid()
    form = SourceLinkForm({"actions_search": "sci-7"}, source=complaint, user=referent_sciences)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["actions"]) == [visible]
    html = str(SourceLinkForm(source=complaint, user=referent_sciences)["actions"])
    assert html.count("<option") == 0 and "open=1" in html and "editable=1" in html


def test_without_javascript_the_request_is_assigned_by_username(quality_manager, org):
    many_staff(50)
    wanted = UserFactory(username="jdupont", roles=[Role.STAFF])
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    url = reverse("complaints:action", args=[complaint.reference, "assign"])
    response = signed_in(quality_manager).post(url, {"assign-assignee": "", "assign-assignee_search": "JDupont"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.assignee == wanted


@pytest.mark.browser
def test_in_chromium_the_assignee_is_picked_with_the_keyboard(page, live_server, transactional_db):
    from playwright.sync_api import expect

    manager = UserFactory(username="qualite-picker", roles=[Role.STAFF, Role.QUALITY_MANAGER], language="en")
    many_staff(30)
    wanted = UserFactory(username="hfaure", first_name="Hélène", last_name="Fauré", roles=[Role.STAFF])
    UserFactory(username="hfontaine", first_name="Hélène", last_name="Fontaine", roles=[Role.STAFF])
    complaint = ComplaintFactory(status=ComplaintStatus.IN_PROGRESS)
    client = Client()
    client.force_login(manager)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(live_server.url + complaint.get_absolute_url())
    page.locator("[data-more] summary").click()
    page.locator('[data-open-action="assign"]').click()
    combobox = page.get_by_role("combobox", name=re.compile("Assignee|Responsable|Attribu|Assign", re.I))
    expect(combobox).to_be_visible()
    expect(page.locator("#id_assign-assignee")).to_be_hidden()
    combobox.press_sequentially("helene", delay=30)
    listbox = page.locator("#id_assign-assignee_listbox")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    combobox.press("ArrowDown")
    expect(combobox).to_have_attribute("aria-activedescendant", "id_assign-assignee_listbox-option-0")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    combobox.press("Enter")
    expect(combobox).to_have_value("Hélène Fauré")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    page.locator("#panel-assign button[type=submit]").click()
    page.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.assignee == wanted
