"""The process map's lead times are settings (its section of the "Paramètres" page), and the reminders follow them,
with time frozen."""

from __future__ import annotations

import datetime
import html

import pytest
import time_machine

from processes.choices import IndicatorFrequency
from processes.models import ProcessMapSettings
from processes.tests.factories import DocumentFactory, IndicatorFactory, MeasurementFactory, RiskFactory
from qms.core.tests.settings_page import URL, save_section
from qms.notifications.models import ReminderClaim
from qms.notifications.services import send_reminders

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 30)
MARCH_DUE = datetime.date(2026, 4, 15)  # a monthly indicator's March, with the default grace of 15 days


def scan(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False):
        send_reminders()


def sent(kind: str) -> list[int]:
    return list(ReminderClaim.objects.filter(kind=kind).order_by("pk").values_list("threshold", flat=True))


def configure(**fields) -> None:
    settings = ProcessMapSettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()


def scan_days_before(due: datetime.date, *days: int) -> None:
    for day in days:
        scan(due - datetime.timedelta(days=day))


def test_the_defaults_are_the_issues():
    settings = ProcessMapSettings.get()
    assert settings.measurement_reminder_days == [7]
    assert settings.document_review_reminder_days == [30, 7]
    assert settings.process_review_reminder_days == [30, 7]
    assert settings.risk_review_reminder_days == [7]


def test_a_measurement_is_reminded_at_the_lead_times_set(process, process_owner):
    configure(measurement_reminder_days=[10, 3])
    indicator = IndicatorFactory(
        process=process, frequency=IndicatorFrequency.MONTHLY, tracked_from=datetime.date(2026, 1, 1)
    )
    MeasurementFactory(
        indicator=indicator, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31)
    )
    MeasurementFactory(
        indicator=indicator, period_start=datetime.date(2026, 2, 1), period_end=datetime.date(2026, 2, 28)
    )
    scan_days_before(MARCH_DUE, 11, 10, 7, 3, -1)
    assert sent("indicator-measurement") == [10, 3, -1]


def test_a_document_review_is_reminded_at_the_lead_times_set(process, process_owner):
    configure(document_review_reminder_days=[60, 1])
    DocumentFactory(process=process, owner=None, next_review_on=DUE)
    scan_days_before(DUE, 61, 60, 30, 7, 1)
    assert sent("document-review") == [60, 1]


def test_a_process_review_is_reminded_at_the_lead_times_set(process, process_owner):
    configure(process_review_reminder_days=[14])
    process.next_review_on = DUE
    process.save()
    scan_days_before(DUE, 30, 15, 14, 7)
    assert sent("process-review") == [14]


def test_a_risk_review_is_reminded_at_the_lead_times_set(process, process_owner):
    configure(risk_review_reminder_days=[21, 2])
    RiskFactory(process=process, reference="R2-R01", review_on=DUE)
    scan_days_before(DUE, 22, 21, 7, 2)
    assert sent("risk-review") == [21, 2]


def test_the_settings_page_shows_and_saves_the_lead_times(client, quality_manager):
    client.force_login(quality_manager)
    page = client.get(URL).content.decode()
    assert 'data-settings-section="processes"' in page and 'value="30, 7"' in page
    response = save_section(client, "processes", document_review_reminder_days="90 30 7", risk_review_reminder_days="3")
    assert response.status_code == 302
    settings = ProcessMapSettings.get()
    assert settings.document_review_reminder_days == [90, 30, 7] and settings.risk_review_reminder_days == [3]
    assert settings.watch_from == 5  # the section's other fields are kept


def test_bad_lead_times_are_refused_with_their_message_and_nothing_is_saved(client, quality_manager):
    client.force_login(quality_manager)
    response = save_section(
        client, "processes", process_review_reminder_days="30, 7, 1000", risk_review_reminder_days="3"
    )
    assert response.status_code == 200
    assert "Chaque délai est d'au plus 730 jours." in html.unescape(response.content.decode())
    settings = ProcessMapSettings.load()
    assert settings.process_review_reminder_days == [30, 7] and settings.risk_review_reminder_days == [7]
