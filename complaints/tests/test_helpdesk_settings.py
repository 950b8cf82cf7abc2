"""The helpdesk's own settings record: its section of the settings page, the readers that follow it, and the
migration that moved its fields out of SiteSettings keeping every value an institution had set."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from complaints.app_settings import SECTIONS
from complaints.choices import ComplaintStatus
from complaints.models import HelpdeskSettings
from complaints.selectors import deadline_days
from complaints.services import complaint_answer, complaints_auto_close
from complaints.tests.factories import ComplaintFactory
from qms.core.app_settings import declared_sections
from qms.core.factories import UserFactory
from qms.core.models import ActivityLog, SiteSettings
from qms.core.navigation import nav_items
from qms.core.tests.html import parse
from qms.notifications.models import OutboxEmail
from qms.notifications.services import render_outbox_email

URL = reverse("core:site-settings")

SITE_DATA = {
    "section": "site",
    "institution_name": "Université de Strasbourg",
    "accessibility_compliance": "partial",
}


def helpdesk_data(**overrides) -> dict:
    """A complete, valid post of the helpdesk's section (its fields carry the section's prefix)."""
    data = {
        "take_charge_deadline_days": "3",
        "answer_deadline_days": "20",
        "auto_close_after_days": "12",
        "reopen_window_days": "45",
        "retention_closed_months": "36",
        "retention_spam_days": "15",
        "reminder_lead_days": "1",
        "ack_alert_after_hours": "4",
        "sensitive_cases_contact": "Cellule d'écoute : ecoute@univ.fr",
    }
    data.update(overrides)
    return {"section": "helpdesk", **{f"helpdesk-{name}": value for name, value in data.items()}}


def user_with(*perms: str):
    user = UserFactory()
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return type(user).objects.get(pk=user.pk)


# --- The record -----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_it_is_created_on_first_use_with_the_defaults():
    assert not HelpdeskSettings.objects.exists()
    helpdesk = HelpdeskSettings.get()
    assert HelpdeskSettings.objects.count() == 1
    assert (helpdesk.take_charge_deadline_days, helpdesk.answer_deadline_days) == (2, 15)
    assert (helpdesk.auto_close_after_days, helpdesk.reopen_window_days) == (10, 30)
    assert (helpdesk.retention_closed_months, helpdesk.retention_spam_days) == (24, 30)


@pytest.mark.django_db
def test_it_is_cached_and_a_save_clears_the_cache(django_assert_num_queries):
    HelpdeskSettings.get()
    with django_assert_num_queries(0):
        assert HelpdeskSettings.get().answer_deadline_days == 15
    stored = HelpdeskSettings.load()
    stored.answer_deadline_days = 20
    stored.save()
    assert HelpdeskSettings.get().answer_deadline_days == 20


@pytest.mark.django_db
def test_there_is_only_ever_one_record_and_it_cannot_be_deleted():
    HelpdeskSettings(answer_deadline_days=9).save()
    HelpdeskSettings(answer_deadline_days=11).save()
    assert list(HelpdeskSettings.objects.values_list("pk", "answer_deadline_days")) == [(1, 11)]
    with pytest.raises(ValueError):
        HelpdeskSettings.load().delete()


def test_the_helpdesk_declares_its_section():
    assert [section.key for section in SECTIONS] == ["helpdesk"]
    assert SECTIONS[0] in declared_sections()
    assert SECTIONS[0].model is HelpdeskSettings
    assert SECTIONS[0].permission == "complaints.change_helpdesksettings"


# --- Its section of the settings page ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_page_shows_the_site_section_then_the_helpdesk_section(client, quality_manager):
    client.force_login(quality_manager)
    page = parse(client.get(URL))
    keys = [node.get("data-settings-section") for node in page.all("[data-settings-section]")]
    assert keys[:1] == ["site"] and "helpdesk" in keys
    helpdesk_form = page.one("[data-settings-section=helpdesk] form")
    assert helpdesk_form.one("input[name=section]").get("value") == "helpdesk"
    assert helpdesk_form.one("input[name=helpdesk-answer_deadline_days]").get("value") == "15"


@pytest.mark.django_db
def test_saving_the_helpdesk_section_saves_it_alone_and_logs_it(client, quality_manager):
    site = SiteSettings.load()
    site.institution_name = "Université de Lorraine"
    site.save()
    client.force_login(quality_manager)

    response = client.post(URL, helpdesk_data())

    assert response.status_code == 302 and response["Location"].endswith("#settings-helpdesk")
    helpdesk = HelpdeskSettings.get()
    assert (helpdesk.take_charge_deadline_days, helpdesk.answer_deadline_days) == (3, 20)
    assert (helpdesk.retention_closed_months, helpdesk.sensitive_cases_contact) == (
        36,
        "Cellule d'écoute : ecoute@univ.fr",
    )
    assert helpdesk.updated_by == quality_manager
    assert SiteSettings.load().institution_name == "Université de Lorraine"  # the other section is untouched
    log = ActivityLog.objects.get(verb="helpdesk_settings.updated")
    assert log.user == quality_manager and "answer_deadline_days" in log.details["fields"]
    assert not ActivityLog.objects.filter(verb="site_settings.updated").exists()


@pytest.mark.django_db
def test_saving_the_site_section_never_touches_the_helpdesk_settings(client, quality_manager):
    stored = HelpdeskSettings.load()
    stored.answer_deadline_days = 20
    stored.sensitive_cases_contact = "Cellule"
    stored.save()
    client.force_login(quality_manager)

    assert client.post(URL, SITE_DATA).status_code == 302

    assert SiteSettings.get().institution_name == "Université de Strasbourg"
    helpdesk = HelpdeskSettings.get()
    assert (helpdesk.answer_deadline_days, helpdesk.sensitive_cases_contact) == (20, "Cellule")
    assert ActivityLog.objects.filter(verb="site_settings.updated").count() == 1


@pytest.mark.django_db
def test_invalid_helpdesk_input_is_shown_back_translated_and_nothing_is_saved(client, quality_manager):
    site = SiteSettings.load()
    site.institution_name = "Université de Lorraine"
    site.save()
    client.force_login(quality_manager)

    response = client.post(URL, helpdesk_data(take_charge_deadline_days="0", answer_deadline_days="trois"))

    assert response.status_code == 200
    page = parse(response)
    section = page.one("[data-settings-section=helpdesk]")
    assert "supérieure ou égale à 1" in section.text  # French by default
    assert "nombre entier" in section.text
    assert section.one("input[name=helpdesk-retention_closed_months]").get("value") == "36"  # the input is kept
    assert page.one("[data-settings-section=site] input[name=institution_name]").get("value") == (
        "Université de Lorraine"
    )
    assert HelpdeskSettings.load().take_charge_deadline_days == 2
    assert not ActivityLog.objects.exists()


@pytest.mark.django_db
def test_an_unknown_section_is_refused(client, quality_manager):
    client.force_login(quality_manager)
    assert client.post(URL, {"section": "gadgets"}).status_code == 400


@pytest.mark.django_db
def test_each_section_asks_for_its_own_permission(client):
    site_only = user_with("core.change_sitesettings")
    client.force_login(site_only)
    page = parse(client.get(URL))
    assert [node.get("data-settings-section") for node in page.all("[data-settings-section]")] == ["site"]
    assert client.post(URL, helpdesk_data()).status_code == 403
    assert HelpdeskSettings.load().answer_deadline_days == 15

    helpdesk_only = user_with("complaints.change_helpdesksettings")
    client.force_login(helpdesk_only)
    page = parse(client.get(URL))
    assert [node.get("data-settings-section") for node in page.all("[data-settings-section]")] == ["helpdesk"]
    assert client.post(URL, SITE_DATA).status_code == 403
    assert client.post(URL, helpdesk_data()).status_code == 302
    assert SiteSettings.load().institution_name == ""
    assert "site-settings" in [item.key for item in nav_items(helpdesk_only, "/")]


@pytest.mark.django_db
def test_people_without_a_section_are_refused(client, referent_sciences, staff_member):
    for user in (referent_sciences, staff_member):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, helpdesk_data()).status_code == 403
    assert HelpdeskSettings.load().answer_deadline_days == 15
    assert "site-settings" not in [item.key for item in nav_items(staff_member, "/")]


# --- The readers follow it ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_deadlines_follow_the_helpdesk_settings():
    assert deadline_days("complaint") == (2, 15)
    stored = HelpdeskSettings.load()
    stored.take_charge_deadline_days, stored.answer_deadline_days = 4, 25
    stored.save()
    assert deadline_days("complaint") == (4, 25)


@pytest.mark.django_db
def test_the_automatic_closing_follows_the_quiet_period():
    stored = HelpdeskSettings.load()
    stored.auto_close_after_days = 3
    stored.save()
    answered = ComplaintFactory(
        status=ComplaintStatus.ANSWERED, answered_at=timezone.now() - datetime.timedelta(days=4)
    )
    assert complaints_auto_close() == 1
    answered.refresh_from_db()
    assert answered.status == ComplaintStatus.CLOSED


@pytest.mark.django_db
def test_the_final_answer_email_states_the_reopening_period(quality_manager):
    stored = HelpdeskSettings.load()
    stored.reopen_window_days = 45
    stored.save()
    complaint = ComplaintFactory(status=ComplaintStatus.IN_PROGRESS, language="en")
    complaint_answer(complaint=complaint, by=quality_manager, answer="Le chauffage est réparé.")
    email = OutboxEmail.objects.get(kind="complaint-message")
    assert "within 45 days" in render_outbox_email(email).body_text


@pytest.mark.django_db
def test_the_privacy_page_and_the_public_form_state_the_retention_periods(client):
    stored = HelpdeskSettings.load()
    stored.retention_closed_months, stored.retention_spam_days = 36, 15
    stored.save()
    privacy = parse(client.get(reverse("core:privacy"), HTTP_ACCEPT_LANGUAGE="en"))
    retention = " ".join(line.text for line in privacy.all("[data-retention]"))  # one line per app
    assert "36 months" in retention and "15 days" in retention
    form = parse(client.get(reverse("complaints:public-create"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "36 months" in form.text_of("[data-retention]")


# --- The migration keeps what the institution had set -------------------------------------------------------------
BEFORE = [("core", "0002_site_settings_closure_days"), ("complaints", "0002_reply_templates_and_purge")]
AFTER = [("core", "0003_helpdesk_settings_leave_site_settings"), ("complaints", "0003_helpdesk_settings")]
SET_BY_THE_INSTITUTION = {
    "take_charge_deadline_days": 3,
    "answer_deadline_days": 21,
    "auto_close_after_days": 7,
    "reopen_window_days": 60,
    "retention_closed_months": 12,
    "retention_spam_days": 10,
    "sensitive_cases_contact": "Cellule d'écoute : 03 00 00 00 00",
}


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_value_to_the_helpdesk_settings_and_back():
    executor = MigrationExecutor(connection)

    def migrate(targets):
        executor.loader.build_graph()  # what the previous run applied
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    try:
        # A site that never saved its settings: nothing to copy, the defaults are the same on both sides.
        migrate(BEFORE)
        assert not migrate(AFTER).get_model("complaints", "HelpdeskSettings").objects.exists()

        old = migrate(BEFORE)
        author = old.get_model("core", "User").objects.create(username="qualite")
        old.get_model("core", "SiteSettings").objects.create(
            pk=1, institution_name="Université de Lorraine", updated_by=author, **SET_BY_THE_INSTITUTION
        )

        new = migrate(AFTER)

        helpdesk = new.get_model("complaints", "HelpdeskSettings").objects.get()
        assert {name: getattr(helpdesk, name) for name in SET_BY_THE_INSTITUTION} == SET_BY_THE_INSTITUTION
        assert (helpdesk.pk, helpdesk.updated_by_id) == (1, author.pk)
        site = new.get_model("core", "SiteSettings").objects.get()
        assert site.institution_name == "Université de Lorraine"
        assert not {field.name for field in site._meta.fields} & set(SET_BY_THE_INSTITUTION)

        old = migrate(BEFORE)  # and back, for a rollback of the release
        site = old.get_model("core", "SiteSettings").objects.get()
        assert {name: getattr(site, name) for name in SET_BY_THE_INSTITUTION} == SET_BY_THE_INSTITUTION
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.parametrize(
    ("language", "notice", "privacy"),
    [
        ("fr", "1 mois après la clôture de votre demande (1 jour pour les spams)", "1 mois après leur clôture (1 jour"),
        ("en", "1 month after your request is closed (1 day for spam)", "1 month after they are closed (1 day for"),
    ],
)
def test_a_retention_of_one_month_and_one_day_is_written_in_the_singular(client, language, notice, privacy):
    helpdesk = HelpdeskSettings.get()
    helpdesk.retention_closed_months = 1
    helpdesk.retention_spam_days = 1
    helpdesk.save()

    form = parse(client.get(reverse("complaints:public-create"), HTTP_ACCEPT_LANGUAGE=language))
    assert notice in form.text_of("[data-retention]")
    page = parse(client.get(reverse("core:privacy"), HTTP_ACCEPT_LANGUAGE=language))
    assert privacy in " ".join(line.text for line in page.all("[data-retention]"))
