"""The action picker: the search answers the actions the user sees, by reference or title whatever the accents,
open ones and without the excluded ids when asked, in a fixed number of queries; the action forms render the
chosen owner only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from actionplans.choices import ActionStatus
from actionplans.forms import ActionForm, EffectivenessForm, PlanForm
from actionplans.tests.factories import ActionFactory, ActionPlanFactory
from qms.core.factories import UserFactory
from qms.core.models import User

pytestmark = pytest.mark.django_db
SEARCH = "actionplans:action-search"


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def test_the_search_needs_the_permission_to_see_actions():
    assert signed_in(UserFactory(username="nobody")).get(reverse(SEARCH), {"q": "ab"}).status_code == 403


def test_the_search_answers_only_the_actions_the_user_sees(referent_sciences, org):
    mine = ActionFactory(reference="SCI-001", title="Réviser le règlement", org_unit=org.sciences)
    ActionFactory(reference="LET-001", title="Réviser le règlement", org_unit=org.letters)
    assert ids(signed_in(referent_sciences).get(reverse(SEARCH), {"q": "reviser"})) == [str(mine.pk)]


def test_the_search_ignores_case_and_accents_in_reference_and_title(quality_manager):
    wanted = ActionFactory(reference="PDCA-042", title="Améliorer l'accueil des étudiants")
    ActionFactory(reference="PDCA-043", title="Autre chose")
    client = signed_in(quality_manager)
    for typed in ("pdca-042", "AMELIORER", "accueil étudiants", "ETUDIANT"):
        assert ids(client.get(reverse(SEARCH), {"q": typed})) == [str(wanted.pk)], typed
    row = client.get(reverse(SEARCH), {"q": "pdca-042"}).json()["results"][0]
    assert row["text"] == "PDCA-042 — Améliorer l'accueil des étudiants"


def test_the_search_leaves_out_excluded_and_closed_actions_when_asked(quality_manager):
    first = ActionFactory(reference="X-1", title="Chauffage")
    second = ActionFactory(reference="X-2", title="Chauffage")
    done = ActionFactory(reference="X-3", title="Chauffage", status=ActionStatus.DONE)
    client = signed_in(quality_manager)
    assert set(ids(client.get(reverse(SEARCH), {"q": "chauffage"}))) == {str(first.pk), str(second.pk), str(done.pk)}
    found = ids(client.get(reverse(SEARCH), {"q": "chauffage", "exclude": f"{first.pk},junk", "open": "1"}))
    assert found == [str(second.pk)]


def test_the_search_answers_twenty_actions_at_most_in_a_fixed_number_of_queries(
    quality_manager, django_assert_max_num_queries
):
    client = signed_in(quality_manager)
    plan = ActionPlanFactory()
    for i in range(5):
        ActionFactory(plan=plan, reference=f"R-{i:03d}", title="Action")
    client.get(reverse(SEARCH), {"q": "action"})
    with django_assert_max_num_queries(6) as few:
        small = client.get(reverse(SEARCH), {"q": "action"}).json()
    for i in range(5, 60):
        ActionFactory(plan=plan, reference=f"R-{i:03d}", title="Action")
    with django_assert_max_num_queries(len(few)):
        large = client.get(reverse(SEARCH), {"q": "action"}).json()
    assert len(small["results"]) == 5 and not small["more"]
    assert len(large["results"]) == 20 and large["more"]


def many_people(count: int = 200) -> list[User]:
    people = User.objects.bulk_create([User(username=f"p{i}", last_name=f"Nom{i}") for i in range(count)])
    Group.objects.get_or_create(name="staff")[0].user_set.add(*people)
    return people


def test_the_action_plan_and_effectiveness_forms_render_the_chosen_owner_only(quality_manager):
    people = many_people()
    plan = ActionPlanFactory(owner=people[10])
    action = ActionFactory(plan=plan, owner=people[20])
    plan_html = str(PlanForm(instance=plan, user=quality_manager)["owner"])
    action_html = str(ActionForm(instance=action, plan=plan, user=quality_manager)["owner"])
    follow_up_html = str(EffectivenessForm(action=action, user=quality_manager)["follow_up_owner"])
    assert plan_html.count("<option") == 2 and f'value="{people[10].pk}" selected' in plan_html
    assert action_html.count("<option") == 2 and f'value="{people[20].pk}" selected' in action_html
    assert follow_up_html.count("<option") == 1


def test_the_action_form_still_refuses_an_inactive_owner(quality_manager):
    plan = ActionPlanFactory()
    gone = UserFactory(username="gone", is_active=False)
    data = {"title": "Nouvelle action", "kind": "improvement", "priority": "normal", "owner": str(gone.pk)}
    form = ActionForm(data=data, plan=plan, user=quality_manager)
    assert not form.is_valid()
    assert "owner" in form.errors
    form = ActionForm(data={**data, "owner": "", "owner_search": "gone"}, plan=plan, user=quality_manager)
    assert not form.is_valid()
    assert "owner" in form.errors


def test_the_action_create_page_renders_no_more_than_the_chosen_options(quality_manager):
    many_people(300)
    plan = ActionPlanFactory(owner=quality_manager)
    html = signed_in(quality_manager).get(reverse("actionplans:action-create", args=[plan.pk])).content.decode()
    # Before the picker: one option per active person (300+); now only the short lists remain.
    assert html.count("<option") < 60
    assert 'name="owner_search"' in html
