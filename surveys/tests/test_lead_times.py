"""The surveys' lead times and the councils' expected date are settings (their section of the "Paramètres" page),
and the reminders follow them, with time frozen."""

from __future__ import annotations

import datetime
import html

import pytest
import time_machine

from qms.core.factories import AcademicYearFactory, ProgrammeFactory
from qms.core.tests.settings_page import URL, save_section
from qms.notifications.models import ReminderClaim
from qms.notifications.reminders import calendar_entries
from surveys import reminders
from surveys.choices import CampaignStatus
from surveys.councils_choices import CouncilStatus
from surveys.models import Council, SurveySettings
from surveys.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 3, 20)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False)


def scan(day: datetime.date) -> None:
    from qms.notifications.services import send_reminders

    with at(day):
        send_reminders()


def scan_days_before(due: datetime.date, *days: int) -> None:
    for day in days:
        scan(due - datetime.timedelta(days=day))


def sent(kind: str, username: str) -> list[int]:
    claims = ReminderClaim.objects.filter(kind=kind, recipient__username=username).order_by("pk")
    return list(claims.values_list("threshold", flat=True))


def configure(**fields) -> None:
    settings = SurveySettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()


@pytest.fixture
def current_year(db):
    return AcademicYearFactory(
        name="2025-2026", start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31), is_current=True
    )


@pytest.fixture
def programme(org, director):
    return ProgrammeFactory(code="L-PHY", name="Licence Physique", org_unit=org.sciences, director=director)


def test_the_defaults_are_the_issues():
    settings = SurveySettings.get()
    assert settings.campaign_opening_reminder_days == [7, 1] and settings.campaign_closing_reminder_days == [7, 1]
    assert (settings.council_expected_day, settings.council_expected_month) == (30, 6)
    assert settings.council_reminder_days == [60, 30]
    assert settings.minutes_after_days == 30 and settings.minutes_reminder_days == [7]


def test_a_campaigns_opening_and_closing_are_reminded_at_the_lead_times_set(org, referent_sciences, current_year):
    configure(campaign_opening_reminder_days=[3], campaign_closing_reminder_days=[14, 2])
    CampaignFactory(title="EEE S2", academic_year=current_year, org_unit=org.sciences, opens_on=DUE, closes_on=DUE)
    CampaignFactory(
        title="EEE S1", academic_year=current_year, org_unit=org.sciences, status=CampaignStatus.OPEN,
        opens_on=DUE - datetime.timedelta(days=30), closes_on=DUE,
    )  # fmt: skip
    scan_days_before(DUE, 15, 14, 7, 3, 2, 1)
    assert sent("campaign-opening", referent_sciences.username) == [3]
    assert sent("campaign-closing", referent_sciences.username) == [14, 2]


@pytest.mark.parametrize(
    ("day", "month", "expected"),
    [
        (30, 6, datetime.date(2026, 6, 30)),  # the default
        (31, 3, datetime.date(2026, 3, 31)),
        (15, 12, datetime.date(2025, 12, 15)),  # in the year's first calendar year
        (1, 9, datetime.date(2025, 9, 1)),  # the year's first day
        (31, 8, datetime.date(2026, 8, 31)),  # its last
    ],
)
def test_the_councils_expected_date_is_the_day_set_within_the_academic_year(current_year, day, month, expected):
    configure(council_expected_day=day, council_expected_month=month)
    assert reminders.council_expected_by(current_year) == expected


def test_a_council_is_reminded_before_the_date_set_at_the_lead_times_set(current_year, programme, director):
    configure(council_expected_day=31, council_expected_month=3, council_reminder_days=[20])
    expected = datetime.date(2026, 3, 31)
    scan_days_before(expected, 60, 30, 21, 20, 7, -1)
    assert sent("council-due", director.username) == [20, -1]
    assert {claim.due_date for claim in ReminderClaim.objects.all()} == {expected}


def test_the_calendar_shows_the_councils_expected_date_set(current_year, programme, director):
    configure(council_expected_day=15, council_expected_month=5)
    with at(datetime.date(2026, 4, 1)):
        entries = {entry.uid: entry for entry in calendar_entries(director)}
    assert entries[f"council-due-{programme.pk}-{current_year.pk}"].due_date == datetime.date(2026, 5, 15)


def test_minutes_are_reminded_after_the_days_set(current_year, programme, director):
    configure(minutes_after_days=10, minutes_reminder_days=[3])
    held = datetime.date(2026, 3, 2)
    council = Council.objects.create(academic_year=current_year, status=CouncilStatus.HELD, held_date=held)
    council.programmes.add(programme)
    due = held + datetime.timedelta(days=10)
    scan_days_before(due, 4, 3, 0, -1)
    assert sent("council-minutes", director.username) == [3, -1]
    assert set(ReminderClaim.objects.filter(kind="council-minutes").values_list("due_date", flat=True)) == {due}


def test_the_settings_page_shows_and_saves_the_lead_times_and_the_date(client, quality_manager):
    client.force_login(quality_manager)
    page = client.get(URL).content.decode()
    assert 'data-settings-section="surveys"' in page and 'value="60, 30"' in page
    assert 'name="surveys-council_expected_month"' in page
    response = save_section(
        client, "surveys", council_expected_day="15", council_expected_month="5", council_reminder_days="45,15"
    )
    assert response.status_code == 302
    settings = SurveySettings.get()
    assert (settings.council_expected_day, settings.council_expected_month) == (15, 5)
    assert settings.council_reminder_days == [45, 15] and settings.default_threshold == 5


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"council_expected_day": "31", "council_expected_month": "2"}, "Choisissez un jour que ce mois compte"),
        ({"council_expected_day": "29", "council_expected_month": "2"}, "Choisissez un jour que ce mois compte"),
        ({"council_expected_day": "32"}, "Assurez-vous que cette valeur est inférieure ou égale à 31."),
        ({"campaign_closing_reminder_days": "7, demain"}, "Saisissez des nombres entiers de jours"),
        ({"minutes_reminder_days": ""}, "Saisissez au moins un délai."),
    ],
)
def test_bad_settings_are_refused_with_their_message_and_nothing_is_saved(client, quality_manager, changes, message):
    client.force_login(quality_manager)
    response = save_section(client, "surveys", council_reminder_days="45, 15", **changes)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    settings = SurveySettings.load()
    assert settings.council_reminder_days == [60, 30] and settings.council_expected_day == 30
