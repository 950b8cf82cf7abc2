import datetime
import io

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from qms.core.calendar import is_working_day
from qms.core.forms import SiteSettingsForm
from qms.core.models import ActivityLog, ClosureDay, SiteSettings

pytestmark = pytest.mark.django_db

URL = reverse("core:site-settings")


def form_data(**overrides) -> dict:
    """A complete, valid post of the settings form."""
    data = {
        "institution_name": "",
        "address": "",
        "site_url": "",
        "quality_office_email": "",
        "legal_notice": "",
        "dpo_name": "",
        "dpo_email": "",
        "dpo_address": "",
        "accessibility_compliance": "partial",
        "accessibility_audit_rate": "",
        "accessibility_audit_date": "",
        "accessibility_contact_email": "",
        "holidays_country": "",
        "holidays_subdivision": "",
    }
    data.update(overrides)
    return data


def png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1f3b73").save(buffer, "PNG")
    return buffer.getvalue()


# --- Reading: defaults and fall-backs ----------------------------------------------------------------------
def test_it_is_created_on_first_use_with_the_defaults():
    assert not SiteSettings.objects.exists()
    site = SiteSettings.get()
    assert SiteSettings.objects.count() == 1
    assert site.accessibility_compliance == "none"
    assert site.institution_name  # the environment's fall-back


def test_empty_fields_fall_back_to_the_environment(settings):
    settings.INSTITUTION_NAME = "Université de Lorraine"
    settings.DPO_EMAIL = "dpo@univ-lorraine.fr"
    settings.QUALITY_OFFICE_EMAIL = "qualite@univ-lorraine.fr"
    settings.SITE_URL = "https://qualite.univ-lorraine.fr/"
    settings.HOLIDAYS_COUNTRY = "FR"
    settings.HOLIDAYS_SUBDIVISION = "57"
    site = SiteSettings.get()
    assert site.institution_name == "Université de Lorraine"
    assert site.dpo_email == "dpo@univ-lorraine.fr"
    assert site.quality_office_email == "qualite@univ-lorraine.fr"
    assert site.accessibility_contact_email == "qualite@univ-lorraine.fr"
    assert site.site_url == "https://qualite.univ-lorraine.fr"
    assert (site.holidays_country, site.holidays_subdivision) == ("FR", "57")
    # Nothing of the environment is written to the database: it stays the fall-back.
    stored = SiteSettings.load()
    assert (stored.institution_name, stored.dpo_email, stored.site_url) == ("", "", "")


def test_stored_values_win_over_the_environment(settings):
    settings.INSTITUTION_NAME = "Université de démonstration"
    stored = SiteSettings.load()
    stored.institution_name = "Université de Mons"
    stored.holidays_country = "BE"
    stored.save()
    site = SiteSettings.get()
    assert site.institution_name == "Université de Mons"
    assert (site.holidays_country, site.holidays_subdivision) == ("BE", "")


def test_it_is_cached_and_a_save_clears_the_cache(django_assert_num_queries):
    SiteSettings.get()
    with django_assert_num_queries(0):
        assert SiteSettings.get().institution_name
    stored = SiteSettings.load()
    stored.dpo_name = "Mme Dupont"
    stored.save()
    assert SiteSettings.get().dpo_name == "Mme Dupont"


def test_the_record_in_force_is_read_only():
    with pytest.raises(ValueError):
        SiteSettings.get().save()


def test_there_is_only_ever_one_record():
    first = SiteSettings.load()
    SiteSettings(institution_name="Autre").save()
    assert SiteSettings.objects.count() == 1
    assert SiteSettings.load().pk == first.pk
    with pytest.raises(ValueError):
        SiteSettings.load().delete()


def test_absolute_urls_for_emails_built_in_the_background(settings):
    settings.SITE_URL = "https://qualite.example.edu"
    site = SiteSettings.get()
    assert site.absolute_url("/suivi/abc/") == "https://qualite.example.edu/suivi/abc/"
    assert site.absolute_url("suivi/abc/") == "https://qualite.example.edu/suivi/abc/"
    stored = SiteSettings.load()
    stored.site_url = "https://smq.univ.fr/"
    stored.save()
    assert SiteSettings.get().absolute_url("/suivi/abc/") == "https://smq.univ.fr/suivi/abc/"


def test_changing_the_holiday_region_changes_working_days_at_once():
    assert is_working_day(datetime.date(2025, 12, 26))
    stored = SiteSettings.load()
    stored.holidays_subdivision = "6AE"
    stored.save()
    assert not is_working_day(datetime.date(2025, 12, 26))


def test_the_context_processor_exposes_the_settings(quality_manager, client):
    stored = SiteSettings.load()
    stored.institution_name = "Université Grenoble Alpes"
    stored.save()
    client.force_login(quality_manager)
    response = client.get(reverse("core:home"))
    assert response.context["site_settings"].institution_name == "Université Grenoble Alpes"
    assert str(response.context["INSTITUTION_NAME"]) == "Université Grenoble Alpes"
    assert "Université Grenoble Alpes" in response.content.decode()


def test_pages_still_render_when_the_database_cannot_be_read(client, monkeypatch, settings):
    from django.db import OperationalError

    settings.INSTITUTION_NAME = "Université hors ligne"

    def broken():
        raise OperationalError("database is down")

    monkeypatch.setattr(SiteSettings, "get", broken)
    response = client.get(reverse("core:landing"))
    assert response.status_code == 200
    assert "Université hors ligne" in response.content.decode()


# --- Editing in the back office -----------------------------------------------------------------------------
def test_only_the_quality_manager_may_open_the_settings(
    client, quality_manager, referent_sciences, director, staff_member
):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    for user in (referent_sciences, director, staff_member):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, form_data(institution_name="Piraté")).status_code == 403
    assert SiteSettings.load().institution_name == ""
    client.force_login(quality_manager)
    assert client.get(URL).status_code == 200


def test_the_quality_manager_edits_and_the_edit_takes_effect(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        URL,
        form_data(
            institution_name="Université de Strasbourg",
            dpo_name="Mme Dupont",
            dpo_email="dpd@unistra.fr",
            holidays_subdivision="6AE",
            site_url="https://qualite.unistra.fr",
        ),
    )
    assert response.status_code == 302
    site = SiteSettings.get()
    assert site.institution_name == "Université de Strasbourg"
    assert site.dpo_email == "dpd@unistra.fr"
    assert site.updated_by == quality_manager
    assert not is_working_day(datetime.date(2025, 12, 26))
    log = ActivityLog.objects.get(verb="site_settings.updated")
    assert log.user == quality_manager
    assert "institution_name" in log.details["fields"]
    page = client.get(URL).content.decode()
    assert "Université de Strasbourg" in page


def test_a_region_of_another_country_is_refused(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(URL, form_data(holidays_country="BE", holidays_subdivision="6AE"))
    assert response.status_code == 200
    assert "holidays_subdivision" in response.context["form"].errors
    assert SiteSettings.load().holidays_country == ""


def test_a_logo_is_uploaded_and_checked(client, quality_manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(quality_manager)
    bad = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(URL, {**form_data(), "logo": bad})
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    good = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    assert client.post(URL, {**form_data(), "logo": good}).status_code == 302
    assert SiteSettings.get().logo_url.startswith("/media/site/logo")


def test_a_logo_over_one_megabyte_is_refused(quality_manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = io.BytesIO()
    Image.effect_noise((1200, 1200), 100).convert("RGB").save(big, "PNG")
    assert big.tell() > 1_048_576
    form = SiteSettingsForm(
        data=form_data(),
        files={"logo": SimpleUploadedFile("logo.png", big.getvalue(), content_type="image/png")},
        instance=SiteSettings.load(),
    )
    assert not form.is_valid()
    assert "logo" in form.errors


# --- Admin: a singleton ---------------------------------------------------------------------------------
def test_the_admin_allows_no_second_record_and_no_deletion(admin_user):
    request = RequestFactory().get("/admin/")
    admin_user.is_verified = lambda: True  # the admin is reached only with a second factor
    request.user = admin_user
    model_admin = admin_site._registry[SiteSettings]
    assert model_admin.has_add_permission(request)
    SiteSettings.load()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, SiteSettings.load())


# --- Closure days in the back office ------------------------------------------------------------------------
def test_the_quality_manager_manages_closure_days(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("core:closure-create"), {"label": "Fermeture estivale", "start_date": "2025-08-04", "end_date": ""}
    )
    assert response.status_code == 302
    closure = ClosureDay.objects.get()
    assert (closure.start_date, closure.end_date) == (datetime.date(2025, 8, 4), datetime.date(2025, 8, 4))
    assert not is_working_day(datetime.date(2025, 8, 4))

    response = client.post(
        reverse("core:closure-update", args=[closure.pk]),
        {"label": "Fermeture estivale", "start_date": "2025-08-04", "end_date": "2025-08-08"},
    )
    assert response.status_code == 302
    assert not is_working_day(datetime.date(2025, 8, 8))

    page = client.get(reverse("core:closure-list") + "?year=2025").content.decode()
    assert "Fermeture estivale" in page
    assert "Assumption" in page or "Assomption" in page  # the public holidays are shown beside

    assert client.post(reverse("core:closure-delete", args=[closure.pk])).status_code == 302
    assert not ClosureDay.objects.exists()
    assert is_working_day(datetime.date(2025, 8, 8))
    assert set(ActivityLog.objects.values_list("verb", flat=True)) == {
        "closure_day.created",
        "closure_day.updated",
        "closure_day.deleted",
    }


def test_a_closure_cannot_end_before_it_starts(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("core:closure-create"), {"label": "x", "start_date": "2025-08-08", "end_date": "2025-08-04"}
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not ClosureDay.objects.exists()


def test_only_the_quality_manager_manages_closure_days(client, referent_sciences, director):
    closure = ClosureDay.objects.create(label="Pont", start_date=datetime.date(2025, 5, 2), end_date=None)
    for user in (referent_sciences, director):
        client.force_login(user)
        assert client.get(reverse("core:closure-list")).status_code == 403
        assert client.get(reverse("core:closure-create")).status_code == 403
        assert client.post(reverse("core:closure-delete", args=[closure.pk])).status_code == 403
    assert ClosureDay.objects.exists()


def test_the_closure_list_runs_a_fixed_number_of_queries(client, quality_manager, django_assert_max_num_queries):
    client.force_login(quality_manager)
    client.get(reverse("core:closure-list") + "?year=2025")
    for day in range(1, 29):
        ClosureDay.objects.create(label=f"Fermeture {day}", start_date=datetime.date(2025, 2, day), end_date=None)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("core:closure-list") + "?year=2025")
    assert response.content.decode().count("data-closure=") == 28


def test_a_bad_year_parameter_falls_back_to_this_year(client, quality_manager):
    client.force_login(quality_manager)
    assert client.get(reverse("core:closure-list") + "?year=abc").status_code == 200
    assert client.get(reverse("core:closure-list") + "?year=99999").status_code == 200


def test_the_settings_appear_in_the_navigation_of_the_quality_manager_only(quality_manager, referent_sciences):
    from qms.core.navigation import nav_items

    assert "site-settings" in [item.key for item in nav_items(quality_manager)]
    assert "site-settings" not in [item.key for item in nav_items(referent_sciences)]
