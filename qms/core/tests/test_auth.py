"""Signing in and out, changing and resetting a password, with the project's templates; login throttling (axes)."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from qms.core.factories import DEMO_PASSWORD, UserFactory
from qms.core.tests.html import parse

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("two_factor:login")


def login_data(username: str, password: str) -> dict:
    """The first step of django-two-factor-auth's login wizard."""
    return {"login_view-current_step": "auth", "auth-username": username, "auth-password": password}


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.fixture
def alice():
    return UserFactory(username="alice", first_name="Alice")


# --- Login and logout --------------------------------------------------------------------------------------------


def test_the_login_page_uses_the_project_layout(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    names = template_names(response)
    assert "two_factor/core/login.html" in names
    assert "base.html" in names
    page = parse(response)
    assert page.text_of("h1") == "Connexion"
    form = page.one("form[data-form=login]")
    assert form.one("input[name=auth-username]")
    assert form.one("input[name=auth-password]").get("type") == "password"
    for field in form.all("input[name^=auth-]"):
        assert form.one(f"label[for={field.get('id')}]"), "every field has a label"
    assert page.one("a[href='{}']".format(reverse("password_reset")))


def test_the_login_page_is_in_english_with_the_cookie(client):
    client.cookies["django_language"] = "en"

    page = parse(client.get(LOGIN_URL))

    assert page.text_of("h1") == "Log in"
    assert page.one("html").get("lang") == "en"


def test_a_user_without_a_second_factor_signs_in_with_the_password(client, alice):
    response = client.post(LOGIN_URL, login_data("alice", DEMO_PASSWORD))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_sign_in_goes_back_to_the_page_asked_for(client, alice):
    response = client.post(f"{LOGIN_URL}?next=/mentions-legales/", login_data("alice", DEMO_PASSWORD))

    assert response["Location"] == "/mentions-legales/"


def test_sign_in_never_redirects_to_another_site(client, alice):
    response = client.post(f"{LOGIN_URL}?next=https://evil.example.com/", login_data("alice", DEMO_PASSWORD))

    assert response["Location"] == reverse("core:home")


def test_a_wrong_password_shows_the_form_again_with_an_error(client, alice):
    response = client.post(LOGIN_URL, login_data("alice", "not-the-password"))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    page = parse(response)
    assert page.all(".alert-danger, .invalid-feedback, .alert-block")


def test_the_password_only_login_page_sends_to_the_two_factor_login(client):
    response = client.get("/compte/login/?next=/accueil/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/accueil/"


def test_logout_needs_a_post(client, alice):
    client.force_login(alice)

    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:landing")
    assert "_auth_user_id" not in client.session


# --- Password change ---------------------------------------------------------------------------------------------


def test_the_password_change_page_uses_the_project_layout(client, alice):
    client.force_login(alice)

    response = client.get(reverse("password_change"))

    assert response.status_code == 200
    assert "registration/password_change_form.html" in template_names(response)
    assert "base.html" in template_names(response)
    assert "admin/base.html" not in template_names(response)
    page = parse(response)
    for name in ("old_password", "new_password1", "new_password2"):
        field = page.one(f"input[name={name}]")
        assert page.one(f"label[for={field.get('id')}]")


def test_a_user_changes_their_password(client, alice):
    client.force_login(alice)
    new_password = "Une-phrase-de-passe-2026"

    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": new_password, "new_password2": new_password},
        follow=True,
    )

    assert "registration/password_change_done.html" in template_names(response)
    assert "base.html" in template_names(response)
    alice.refresh_from_db()
    assert alice.check_password(new_password)


def test_the_password_change_page_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- Password reset ----------------------------------------------------------------------------------------------


def test_a_user_resets_a_forgotten_password_with_the_emailed_link(client, alice, django_capture_on_commit_callbacks):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    assert "registration/password_reset_form.html" in template_names(response)
    assert "base.html" in template_names(response)

    # The email goes through the outbox, sent once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": alice.email}, follow=True)

    assert "registration/password_reset_done.html" in template_names(response)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "\n" not in message.subject
    link = re.search(r"https?://[^/]+(/compte/reset/\S+)", message.body).group(1)

    response = client.get(link, follow=True)
    assert "registration/password_reset_confirm.html" in template_names(response)
    assert parse(response).one("input[name=new_password1]")

    new_password = "Une-autre-phrase-2026"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )

    assert "registration/password_reset_complete.html" in template_names(response)
    alice.refresh_from_db()
    assert alice.check_password(new_password)


def test_the_reset_page_answers_the_same_for_an_unknown_address(client, alice):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.edu"}, follow=True)

    assert "registration/password_reset_done.html" in template_names(response)
    assert mail.outbox == []


def test_a_used_or_forged_reset_link_is_refused_politely(client, alice):
    response = client.get("/compte/reset/MQ/set-password/", follow=True)

    assert response.status_code == 200
    assert "registration/password_reset_confirm.html" in template_names(response)
    page = parse(response)
    assert page.all("input[name=new_password1]") == []
    assert page.one("a[href='{}']".format(reverse("password_reset")))


# --- Login throttling (django-axes) ------------------------------------------------------------------------------


def test_the_sixth_attempt_is_locked_out_even_with_the_right_password(client, alice, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(5):
        client.post(LOGIN_URL, login_data("alice", "wrong-password"))

    response = client.post(LOGIN_URL, login_data("alice", DEMO_PASSWORD))

    assert response.status_code == 429
    assert "registration/lockout.html" in template_names(response)
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_stored_in_the_database_so_every_process_sees_it(client, alice):
    for _attempt in range(5):
        client.post(LOGIN_URL, login_data("alice", "wrong-password"))

    attempt = AccessAttempt.objects.get(username="alice")
    assert attempt.failures_since_start == 5
    assert attempt.ip_address == "127.0.0.1"


def test_the_lockout_page_is_translated_and_says_how_long_to_wait(client, alice):
    for _attempt in range(5):
        client.post(LOGIN_URL, login_data("alice", "wrong-password"))
    client.cookies["django_language"] = "en"

    response = client.post(LOGIN_URL, login_data("alice", DEMO_PASSWORD))

    assert "base.html" in template_names(response)
    page = parse(response)
    assert page.one("html").get("lang") == "en"
    assert page.text_of("h1") == "Account locked"
    assert "after 5 failed attempts" in page.text_of("[data-error=lockout] .alert")
    assert "try again in 15 minutes" in page.text_of("[data-error=lockout]")
    assert page.one("a[href='{}']".format(reverse("password_reset")))


def test_fewer_failures_than_the_limit_do_not_lock(client, alice):
    for _attempt in range(4):
        client.post(LOGIN_URL, login_data("alice", "wrong-password"))

    response = client.post(LOGIN_URL, login_data("alice", DEMO_PASSWORD))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_the_lockout_of_one_account_does_not_lock_another(client, alice):
    UserFactory(username="bob")
    for _attempt in range(5):
        client.post(LOGIN_URL, login_data("alice", "wrong-password"))

    response = client.post(LOGIN_URL, login_data("bob", DEMO_PASSWORD))

    assert response.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, alice, settings):
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        for _attempt in range(5):
            client.post(LOGIN_URL, login_data("alice", "wrong-password"))
        assert client.post(LOGIN_URL, login_data("alice", DEMO_PASSWORD)).status_code == 429

    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 16, tzinfo=datetime.UTC), tick=False):
        response = client.post(LOGIN_URL, login_data("alice", DEMO_PASSWORD))

    assert response.status_code == 302
