"""Two-factor authentication (TOTP): set up by any signed-in user in our layout, enforced for the Django admin,
and for quality managers when TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS is on."""

from __future__ import annotations

import base64

import pytest
from django.http import QueryDict
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qms.core.factories import DEMO_PASSWORD, UserFactory
from qms.core.tests.html import parse

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("two_factor:login")
SETUP_URL = reverse("two_factor:setup")


def with_next(url: str, next_url: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = next_url
    return f"{url}?{query.urlencode(safe='/')}"


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def add_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def verify_session(client, device: TOTPDevice) -> None:
    """What a sign-in with the second factor leaves in the session (django_otp.login)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_user():
    return UserFactory(username="admin-test", is_staff=True, is_superuser=True)


@pytest.fixture
def two_factor_for_quality_managers(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS = True


# --- The pages, in our layout ----------------------------------------------------------------------------------


def test_the_account_security_page_offers_to_enable_two_factor(client, staff_member):
    client.force_login(staff_member)

    response = client.get(reverse("two_factor:profile"))

    assert response.status_code == 200
    assert "two_factor/profile/profile.html" in template_names(response)
    assert "base.html" in template_names(response)
    page = parse(response)
    assert page.one("[data-two-factor=disabled]")
    assert page.one(f"main a[href='{SETUP_URL}']")


def test_a_user_sets_up_totp_by_scanning_a_qr_code_and_typing_a_code(client, staff_member):
    client.force_login(staff_member)

    welcome = client.get(SETUP_URL)
    assert "two_factor/core/setup.html" in template_names(welcome)
    assert "base.html" in template_names(welcome)

    generator = client.post(SETUP_URL, {"setup_view-current_step": "welcome"})
    page = parse(generator)
    qr = page.one("main img.qms-qr")
    assert qr.get("src") == reverse("two_factor:qr")
    assert qr.get("alt")
    secret = page.text_of("[data-secret]")
    assert secret == generator.context["secret_key"]
    assert client.get(qr.get("src"))["Content-Type"].startswith("image/svg+xml")

    code = totp(base64.b32decode(secret))
    done = client.post(SETUP_URL, {"setup_view-current_step": "generator", "generator-token": f"{code:06d}"})

    assert done.status_code == 302
    assert done["Location"] == reverse("two_factor:setup_complete")
    assert TOTPDevice.objects.get(user=staff_member).confirmed
    complete = client.get(done["Location"])
    assert "two_factor/core/setup_complete.html" in template_names(complete)
    assert "base.html" in template_names(complete)


def test_a_wrong_code_does_not_enable_two_factor(client, staff_member):
    client.force_login(staff_member)
    client.post(SETUP_URL, {"setup_view-current_step": "welcome"})

    response = client.post(SETUP_URL, {"setup_view-current_step": "generator", "generator-token": "000000"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=staff_member).exists()


def test_backup_tokens_are_generated_and_shown_in_our_layout(client, staff_member):
    device = add_device(staff_member)
    client.force_login(staff_member)
    verify_session(client, device)

    response = client.post(reverse("two_factor:backup_tokens"), follow=True)

    assert "two_factor/core/backup_tokens.html" in template_names(response)
    assert "base.html" in template_names(response)
    assert len(parse(response).all("[data-backup-tokens] li")) == 10


def test_a_user_with_a_device_signs_in_with_password_then_code(client, staff_member):
    device = add_device(staff_member)

    token_step = client.post(
        LOGIN_URL,
        {"login_view-current_step": "auth", "auth-username": staff_member.username, "auth-password": DEMO_PASSWORD},
    )
    assert token_step.status_code == 200
    assert "_auth_user_id" not in client.session, "the password alone does not sign in"
    assert parse(token_step).one("input[name=token-otp_token]")

    response = client.post(
        LOGIN_URL, {"login_view-current_step": "token", "token-otp_token": f"{totp(device.bin_key):06d}"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_member.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


# --- Enforced for the Django admin -------------------------------------------------------------------------------


def test_the_admin_sends_a_visitor_to_the_two_factor_login(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0] == with_next(LOGIN_URL, reverse("admin:index"))
    assert "two_factor/core/login.html" in template_names(response)


def test_the_admin_refuses_a_staff_member_without_a_second_factor_and_sends_them_to_set_it_up(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0] == with_next(SETUP_URL, reverse("admin:index"))
    assert "two_factor/core/setup.html" in template_names(response)


def test_the_admin_asks_a_staff_member_with_a_device_to_sign_in_with_it(client, admin_user):
    add_device(admin_user)
    client.force_login(admin_user)  # password only: not verified

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0] == with_next(LOGIN_URL, reverse("admin:index"))


def test_the_admin_opens_to_a_verified_staff_member(client, admin_user):
    device = add_device(admin_user)
    client.force_login(admin_user)
    verify_session(client, device)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "admin/index.html" in template_names(response)


def test_signing_in_for_the_admin_without_a_device_leads_to_the_set_up(client, admin_user):
    response = client.post(
        with_next(LOGIN_URL, reverse("admin:index")),
        {"login_view-current_step": "auth", "auth-username": admin_user.username, "auth-password": DEMO_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == SETUP_URL


# --- Enforced for quality managers when the setting asks -----------------------------------------------------------


def test_without_the_setting_a_quality_manager_works_without_a_second_factor(client, quality_manager, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS = False
    client.force_login(quality_manager)

    assert client.get(reverse("core:home")).status_code == 200


def test_with_the_setting_an_unverified_quality_manager_is_sent_to_the_set_up(
    client, quality_manager, two_factor_for_quality_managers
):
    client.force_login(quality_manager)

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == with_next(SETUP_URL, reverse("core:home"))
    setup = client.get(response["Location"])
    assert setup.status_code == 200, "the set-up page itself stays open"
    assert parse(setup).one("#messages .alert-warning")


def test_with_the_setting_a_quality_manager_with_a_device_signs_in_again_with_it(
    client, quality_manager, two_factor_for_quality_managers
):
    add_device(quality_manager)
    client.force_login(quality_manager)

    response = client.get(reverse("core:home"))

    assert response["Location"] == with_next(LOGIN_URL, reverse("core:home"))


def test_with_the_setting_a_verified_quality_manager_goes_through(
    client, quality_manager, two_factor_for_quality_managers
):
    device = add_device(quality_manager)
    client.force_login(quality_manager)
    verify_session(client, device)

    assert client.get(reverse("core:home")).status_code == 200


def test_with_the_setting_other_roles_are_not_asked(client, referent_sciences, two_factor_for_quality_managers):
    client.force_login(referent_sciences)

    assert client.get(reverse("core:home")).status_code == 200


def test_with_the_setting_public_pages_logout_and_language_stay_open(
    client, quality_manager, two_factor_for_quality_managers
):
    client.force_login(quality_manager)

    assert client.get(reverse("core:landing")).status_code == 200
    assert client.get(reverse("core:privacy")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"})["Location"] == "/"
    assert client.get(reverse("two_factor:profile")).status_code == 200
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("core:landing")
    assert "_auth_user_id" not in client.session


def test_with_the_setting_a_quality_manager_sets_up_totp_and_lands_where_they_were_going(
    client, quality_manager, two_factor_for_quality_managers
):
    client.force_login(quality_manager)
    setup_url = client.get(reverse("core:home"))["Location"]

    generator = client.post(setup_url, {"setup_view-current_step": "welcome"})
    code = totp(base64.b32decode(generator.context["secret_key"]))
    done = client.post(setup_url, {"setup_view-current_step": "generator", "generator-token": f"{code:06d}"})

    assert done["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


# --- A superuser's flag is the admin's, with its second factor -------------------------------------------------------


def test_a_superuser_signed_in_with_a_password_only_opens_no_back_office_page(client, admin_user):
    client.force_login(admin_user)  # no second factor

    for name in ("core:site-settings", "core:closure-list", "core:closure-create"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("core:site-settings"), {"institution_name": "Pirate"}).status_code == 403
    assert client.get(reverse("core:user-search"), {"q": "a"}).status_code == 403
    assert client.get(reverse("core:home")).status_code == 200  # open to every signed-in person


def test_a_superuser_holds_every_permission_only_in_a_verified_session(admin_user):
    assert not admin_user.has_perm("core.change_sitesettings")  # outside a request: no second factor
    assert not admin_user.has_module_perms("complaints")
    admin_user.is_verified = lambda: False
    assert not admin_user.has_perm("complaints.view_complaint")
    verified = type(admin_user).objects.get(pk=admin_user.pk)
    verified.is_verified = lambda: True
    assert verified.has_perm("core.change_sitesettings") and verified.has_module_perms("complaints")


def test_without_a_second_factor_a_superuser_keeps_what_their_groups_give(admin_user):
    from django.contrib.auth.models import Group

    from qms.core.choices import Role

    admin_user.groups.add(Group.objects.get(name=Role.QUALITY_REFERENT))
    admin_user = type(admin_user).objects.get(pk=admin_user.pk)
    assert admin_user.has_perm("complaints.view_complaint")
    assert not admin_user.has_perm("core.change_sitesettings")


def test_a_verified_superuser_works_in_the_admin_with_every_permission(client, admin_user):
    device = add_device(admin_user)
    client.force_login(admin_user)
    verify_session(client, device)

    assert client.get(reverse("admin:core_sitesettings_changelist")).status_code == 200
    assert client.get(reverse("admin:complaints_complaint_changelist")).status_code == 200
