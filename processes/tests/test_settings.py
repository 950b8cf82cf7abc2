"""The process map's own settings: its section of the "Paramètres" page, the criticality bands."""

from __future__ import annotations

import pytest

from processes.forms import ProcessMapSettingsForm
from processes.models import ProcessMapSettings
from qms.core.app_settings import declared_sections

pytestmark = pytest.mark.django_db

LEAD_TIMES = {
    "measurement_reminder_days": "7",
    "document_review_reminder_days": "30, 7",
    "process_review_reminder_days": "30, 7",
    "risk_review_reminder_days": "7",
}


def test_the_process_map_declares_its_settings_section():
    section = next(s for s in declared_sections() if s.key == "processes")
    assert section.model is ProcessMapSettings and section.form_class is ProcessMapSettingsForm


def test_the_critical_band_starts_above_the_band_to_watch():
    form = ProcessMapSettingsForm(
        data={"watch_from": 9, "critical_from": 6, "process_review_months": 12, "measurement_grace_days": 15}
        | LEAD_TIMES,
        instance=ProcessMapSettings.load(),
    )
    assert not form.is_valid()
    assert "critical_from" in form.errors
    form = ProcessMapSettingsForm(
        data={"watch_from": 4, "critical_from": 12, "process_review_months": 6, "measurement_grace_days": 10}
        | LEAD_TIMES,
        instance=ProcessMapSettings.load(),
    )
    assert form.is_valid(), form.errors
    form.save()
    assert ProcessMapSettings.get().band(12) == "critical"


def test_the_settings_page_shows_the_section_to_the_quality_manager_only(client, quality_manager, referent_sciences):
    from django.urls import reverse

    client.force_login(quality_manager)
    page = client.get(reverse("core:site-settings")).content.decode()
    assert 'data-settings-section="processes"' in page
    client.force_login(referent_sciences)
    assert client.get(reverse("core:site-settings")).status_code == 403
