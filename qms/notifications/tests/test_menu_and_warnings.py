"""The outbox in the menu, the warning about an empty sensitive-cases group, and the link to the preferences in the
frame of every email to a person with an account."""

from __future__ import annotations

import pytest
from django.core import mail

from qms.core.choices import Role
from qms.core.factories import OrgUnitFactory, UserFactory
from qms.core.navigation import nav_items
from qms.notifications.services import notify, send_outbox_email

pytestmark = pytest.mark.django_db

WARNING_KEY = "sensitive_cases_group_empty"


def menu_keys(user) -> list[str]:
    return [item.key for item in nav_items(user)]


def test_the_quality_manager_finds_the_outbox_and_the_wording_in_the_menu(client, quality_manager):
    assert {"outbox", "reminder-wording"} <= set(menu_keys(quality_manager))
    client.force_login(quality_manager)
    page = client.get("/accueil/").content.decode()
    assert 'href="/notifications/envois/"' in page and 'href="/notifications/libelles/"' in page


def test_others_do_not(referent_sciences, director, teacher):
    for user in (referent_sciences, director, teacher):
        assert not {"outbox", "reminder-wording"} & set(menu_keys(user))


# --- The sensitive-cases group ------------------------------------------------------------------------------------


def test_healthz_warns_while_the_sensitive_cases_group_is_empty_and_stays_200(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert "sensitive-cases group has no member" in body["warnings"][WARNING_KEY]
    # A member without an address reaches no one either.
    UserFactory(roles=[Role.SENSITIVE_CASES], email="")
    assert WARNING_KEY in client.get("/healthz").json()["warnings"]
    UserFactory(roles=[Role.SENSITIVE_CASES], email="cell@example.edu")
    assert client.get("/healthz").json()["warnings"] == {}


def test_the_settings_page_warns_while_the_group_is_empty(client, quality_manager):
    client.force_login(quality_manager)
    page = client.get("/parametres/").content.decode()
    assert f'data-setup-warning="{WARNING_KEY}"' in page
    UserFactory(roles=[Role.SENSITIVE_CASES], email="cell@example.edu")
    page = client.get("/parametres/").content.decode()
    assert "data-setup-warning" not in page


# --- The link to the preferences ------------------------------------------------------------------------------------


def test_every_email_to_a_person_with_an_account_links_to_their_preferences_and_a_bare_address_gets_none():
    unit = OrgUnitFactory()
    user = UserFactory(language="en")
    for_user = notify(user, "test-greeting", unit)
    for_address = notify("student@example.edu", "test-greeting", unit, language="en")
    assert send_outbox_email(for_user.pk) and send_outbox_email(for_address.pk)
    to_user, to_address = mail.outbox
    assert "Your language and reminders: http" in to_user.body
    assert "/notifications/profil/" in to_user.body
    assert 'href="http://' in to_user.alternatives[0][0] and "/notifications/profil/" in to_user.alternatives[0][0]
    assert "/notifications/profil/" not in to_address.body
    assert "/notifications/profil/" not in to_address.alternatives[0][0]
