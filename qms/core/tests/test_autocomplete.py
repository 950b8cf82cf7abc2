"""The shared autocomplete: the widget renders the chosen option only, whatever the number of people; the people
search answers back-office users only, within a signed scope issued to them, with names and units (no email),
ignoring case and accents, in a fixed number of queries; without JavaScript the text box is resolved by the
form, within the field's queryset."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from qms.core.choices import Role
from qms.core.factories import MembershipFactory, OrgUnitFactory, UserFactory
from qms.core.models import User
from qms.core.search import normalise, register_user_scope, search, sign_scope
from qms.core.selectors import active_people, holds_back_office_role
from qms.core.widgets import set_user_picker

EVERYONE = "tests.everyone"


def _everyone(user, argument):
    return active_people() if holds_back_office_role(user) else None


register_user_scope(EVERYONE, _everyone)

pytestmark = pytest.mark.django_db


def bulk_people(count: int, *, prefix: str = "agent", group: str = Role.STAFF) -> list[User]:
    people = User.objects.bulk_create(
        [
            User(username=f"{prefix}{i}", first_name=f"Prénom{i}", last_name=f"Nom{i}", email=f"{prefix}{i}@u.example")
            for i in range(count)
        ]
    )
    Group.objects.get_or_create(name=group)[0].user_set.add(*people)
    return people


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none(), required=False)

    def __init__(self, *args, allowed=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = allowed if allowed is not None else active_people()
        set_user_picker(self.fields["owner"], scope=EVERYONE, user=user)


def everyone_scope(user) -> str:
    return sign_scope(EVERYONE, user=user)


@pytest.fixture
def client_of():
    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _client


# --- Normalising and searching ---------------------------------------------------------------------------------


def test_normalise_drops_case_accents_and_ligatures():
    assert normalise("  HÉLÈNE  Œuvre Łódź Søren ") == "helene oeuvre lodz soren"


@pytest.mark.parametrize("typed", ["helene", "HÉLÈNE", "Hélène", "hélene faure", "FAURÉ"])
def test_search_ignores_case_and_accents_in_the_database(typed):
    wanted = UserFactory(username="hfaure", first_name="Hélène", last_name="Fauré")
    UserFactory(username="other", first_name="Paul", last_name="Martin")
    assert list(search(User.objects.all(), typed, ("first_name", "last_name"))) == [wanted]


def test_search_finds_upper_case_accents_too():
    wanted = UserFactory(username="eleonore", first_name="ÉLÉONORE", last_name="ÇA")
    assert list(search(User.objects.all(), "eleonore ca", ("first_name", "last_name"))) == [wanted]


# --- The widget ------------------------------------------------------------------------------------------------


def test_the_widget_renders_only_the_chosen_person_whatever_their_number():
    people = bulk_people(200)
    chosen = people[123]
    html = str(OwnerForm(initial={"owner": chosen.pk})["owner"])
    assert html.count("<option") == 2  # the empty choice and the chosen person
    assert f'value="{chosen.pk}" selected' in html
    assert str(chosen) in html
    assert str(people[0]) not in html


def test_the_widget_renders_no_person_when_nobody_is_chosen():
    bulk_people(200)
    html = str(OwnerForm()["owner"])
    assert html.count("<option") == 1


def test_the_widget_renders_a_text_box_labelled_by_the_field_and_the_search_address():
    bound = OwnerForm()["owner"]
    html = str(bound)
    assert bound.id_for_label == "id_owner_search"
    assert 'name="owner_search"' in html and 'id="id_owner_search"' in html
    assert 'role="listbox"' in html and 'id="id_owner_listbox"' in html
    assert f'data-url="{reverse("core:user-search")}?scope=' in html
    assert "js/autocomplete.js" in html
    assert "required" not in html.split("<select", 1)[1].split(">", 1)[0]


def test_the_widget_renders_a_fixed_number_of_queries(django_assert_max_num_queries):
    people = bulk_people(200)
    form = OwnerForm(initial={"owner": people[5].pk})
    with django_assert_max_num_queries(1):
        str(form["owner"])


# --- The fallback without JavaScript ---------------------------------------------------------------------------


def test_without_javascript_a_username_or_an_email_chooses_the_person():
    bulk_people(30)
    wanted = UserFactory(username="jdupont", email="Jean.Dupont@u.example")
    for typed in ("jdupont", "JDUPONT", "jean.dupont@u.example"):
        form = OwnerForm(data={"owner": "", "owner_search": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["owner"] == wanted


def test_without_javascript_a_single_match_of_the_search_chooses_the_person():
    wanted = UserFactory(username="hf", first_name="Hélène", last_name="Fauré")
    form = OwnerForm(data={"owner_search": "helene faure"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner"] == wanted


def test_without_javascript_several_matches_are_offered_in_the_list():
    bulk_people(200)
    form = OwnerForm(data={"owner_search": "prenom1"})  # Prénom1, Prénom10 … Prénom199: more than 20
    assert not form.is_valid()
    html = str(form["owner"])
    assert html.count("<option") == 1 + 20
    assert "matches for “prenom1”" in html


def test_without_javascript_a_person_outside_the_allowed_set_is_refused():
    allowed = bulk_people(5, prefix="team", group=Role.SENSITIVE_CASES)
    outsider = UserFactory(username="outsider")
    queryset = User.objects.filter(pk__in=[p.pk for p in allowed])
    assert not OwnerForm(data={"owner_search": "outsider"}, allowed=queryset).is_valid()
    assert not OwnerForm(data={"owner": str(outsider.pk)}, allowed=queryset).is_valid()
    form = OwnerForm(data={"owner": str(allowed[0].pk)}, allowed=queryset)
    assert form.is_valid() and form.cleaned_data["owner"] == allowed[0]


# --- The people search -----------------------------------------------------------------------------------------


def test_the_search_is_refused_to_users_without_a_back_office_role(client_of):
    nobody = UserFactory(username="nobody")
    response = client_of(nobody).get(reverse("core:user-search"), {"q": "ab", "scope": everyone_scope(nobody)})
    assert response.status_code == 403


def test_is_staff_alone_does_not_open_the_people_directory(client_of):
    # is_staff only opens the Django admin; the directory of people (names and addresses) needs a role.
    admin_only = UserFactory(username="admin-only", is_staff=True)
    response = client_of(admin_only).get(reverse("core:user-search"), {"q": "ab", "scope": everyone_scope(admin_only)})
    assert response.status_code == 403


def test_there_is_no_search_without_a_scope(client_of):
    """Issue 10: every role could list every active account, 26 one-letter queries being enough."""
    for roles in ([Role.AUDITOR], [Role.STAFF], [Role.QUALITY_MANAGER]):
        user = UserFactory(roles=roles)
        assert client_of(user).get(reverse("core:user-search"), {"q": "a"}).status_code == 400


def test_a_scope_is_bound_to_the_person_it_was_issued_to(client_of):
    issued_to = UserFactory(username="qm-a", roles=[Role.QUALITY_MANAGER])
    other = UserFactory(username="qm-b", roles=[Role.QUALITY_MANAGER])
    scope = everyone_scope(issued_to)
    assert client_of(issued_to).get(reverse("core:user-search"), {"q": "qm", "scope": scope}).status_code == 200
    assert client_of(other).get(reverse("core:user-search"), {"q": "qm", "scope": scope}).status_code == 400


def test_the_search_sends_anonymous_visitors_to_sign_in():
    response = Client().get(reverse("core:user-search"), {"q": "ab", "scope": everyone_scope(None)})
    assert response.status_code == 302


def test_the_search_finds_people_by_name_or_username_and_answers_their_name_and_unit_only(client_of):
    staff = UserFactory(username="agent-x", roles=[Role.STAFF])
    wanted = UserFactory(username="hfaure", first_name="Hélène", last_name="Fauré", email="h.faure@u.example")
    MembershipFactory(user=wanted, org_unit=OrgUnitFactory(code="ufr-sci", name="UFR Sciences"))
    UserFactory(username="inactive-helene", first_name="Hélène", is_active=False)
    client = client_of(staff)
    scope = everyone_scope(staff)
    for typed in ("HELENE", "faure", "hfaur"):
        data = client.get(reverse("core:user-search"), {"q": typed, "scope": scope}).json()
        assert [row["id"] for row in data["results"]] == [str(wanted.pk)], typed
    assert data["results"][0] == {"id": str(wanted.pk), "text": "Hélène Fauré", "detail": "UFR Sciences"}
    # An address finds nobody, and none is ever answered: the picker is no way to learn who has which address.
    assert client.get(reverse("core:user-search"), {"q": "h.faure@", "scope": scope}).json()["results"] == []


SEARCH_QUERIES = 4


def test_the_search_answers_at_most_twenty_people_in_a_fixed_number_of_queries(
    client_of, django_assert_max_num_queries
):
    staff = UserFactory(username="agent-x", roles=[Role.STAFF])
    client = client_of(staff)
    scope = everyone_scope(staff)
    bulk_people(10)
    # Roles and permissions come from the shared cache once the first request has put them there.
    client.get(reverse("core:user-search"), {"q": "x", "scope": scope})
    with django_assert_max_num_queries(SEARCH_QUERIES):
        small = client.get(reverse("core:user-search"), {"q": "nom", "scope": scope}).json()
    bulk_people(200, prefix="more")  # giving them roles renews every cached role and permission
    client.get(reverse("core:user-search"), {"q": "x", "scope": scope})
    with django_assert_max_num_queries(SEARCH_QUERIES):
        large = client.get(reverse("core:user-search"), {"q": "nom", "scope": scope}).json()
    assert len(small["results"]) == 10 and small["more"] is False
    assert len(large["results"]) == 20 and large["more"] is True


def test_an_empty_query_answers_nobody(client_of):
    staff = UserFactory(username="agent-x", roles=[Role.STAFF])
    response = client_of(staff).get(reverse("core:user-search"), {"q": "  ", "scope": everyone_scope(staff)})
    assert response.json() == {"results": [], "more": False}


@pytest.fixture
def team_scope():
    """A scope for the tests: the sensitive-cases group, for quality managers only."""

    def resolve(user, argument):
        if not user.groups.filter(name=Role.QUALITY_MANAGER).exists():
            return None
        return User.objects.filter(groups__name=argument)

    register_user_scope("tests.group", resolve)
    manager = UserFactory(username="qm", roles=[Role.QUALITY_MANAGER])
    return manager, sign_scope("tests.group", Role.SENSITIVE_CASES, user=manager)


def test_a_signed_scope_narrows_the_search(client_of, team_scope):
    manager, team_scope = team_scope
    team = UserFactory(username="ecoute", last_name="Martin", roles=[Role.SENSITIVE_CASES])
    UserFactory(username="other", last_name="Martin", roles=[Role.STAFF])
    data = client_of(manager).get(reverse("core:user-search"), {"q": "martin", "scope": team_scope}).json()
    assert [row["id"] for row in data["results"]] == [str(team.pk)]


def test_a_tampered_scope_is_refused(client_of, team_scope):
    manager, team_scope = team_scope
    client = client_of(manager)
    forged = team_scope.replace(team_scope.split(":")[0], team_scope.split(":")[0][:-1] + "x")
    for scope in (forged, team_scope + "x", "tests.group", "e30:forged:signature"):
        assert client.get(reverse("core:user-search"), {"q": "martin", "scope": scope}).status_code == 400


def test_a_scope_the_user_may_not_use_is_refused(client_of):
    def resolve(user, argument):
        return None if not user.groups.filter(name=Role.QUALITY_MANAGER).exists() else User.objects.all()

    register_user_scope("tests.managers-only", resolve)
    staff = UserFactory(username="agent-x", roles=[Role.STAFF])
    scope = sign_scope("tests.managers-only", user=staff)
    response = client_of(staff).get(reverse("core:user-search"), {"q": "martin", "scope": scope})
    assert response.status_code == 403


def test_an_unknown_scope_cannot_be_signed():
    with pytest.raises(KeyError):
        sign_scope("no-such-scope", user=None)
