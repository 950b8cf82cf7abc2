"""The surveys' and councils' reminders, with time frozen: campaigns opening and closing (counts only), councils not
held by the expected date, minutes not published, and the calendar feed."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from qms.core.factories import AcademicYearFactory, ProgrammeFactory, UserFactory
from qms.notifications.models import OutboxEmail, ReminderClaim, ReminderPreference
from qms.notifications.reminders import calendar_entries
from qms.notifications.services import render_outbox_email, send_reminders
from surveys import reminders as survey_reminders
from surveys.choices import CampaignStatus
from surveys.councils_choices import CouncilStatus
from surveys.models import Council
from surveys.tests.factories import CampaignFactory, course_target, give_answers, roster

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 3, 20)
# The current year of these tests runs from September 2025 to August 2026: its councils are expected by 30 June.
COUNCILS_DUE = datetime.date(2026, 6, 30)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False)


def scan(day: datetime.date):
    with at(day):
        return send_reminders()


def sent(kind: str | None = None) -> list[tuple[str, str, int]]:
    claims = ReminderClaim.objects.order_by("pk").select_related("recipient")
    if kind:
        claims = claims.filter(kind=kind)
    return [(c.kind, c.recipient.username, c.threshold) for c in claims]


@pytest.fixture
def current_year(db):
    return AcademicYearFactory(
        name="2025-2026", start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31), is_current=True
    )


def campaign_of(unit, year, **fields):
    return CampaignFactory(
        title="EEE S2", academic_year=year, org_unit=unit, **{"opens_on": DUE, "closes_on": DUE, **fields}
    )


# --- Campaigns -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_before", "threshold"), [(8, None), (7, 7), (2, 7), (1, 1), (0, 1)])
def test_a_draft_campaign_opening_is_reminded_to_the_referents_of_the_unit_that_runs_it(
    org, referent_sciences, current_year, days_before, threshold
):
    campaign_of(org.physics, current_year, closes_on=DUE + datetime.timedelta(days=20))
    scan(DUE - datetime.timedelta(days=days_before))
    # The physics department has no referent of its own: the role-holder helper finds UFR Sciences's.
    assert sent() == ([] if threshold is None else [("campaign-opening", referent_sciences.username, threshold)])


def test_a_campaign_run_where_no_referent_sits_reminds_the_quality_managers(org, quality_manager, current_year):
    campaign_of(org.quality_service, current_year, closes_on=DUE + datetime.timedelta(days=20))
    scan(DUE - datetime.timedelta(days=7))
    assert sent() == [("campaign-opening", quality_manager.username, 7)]


def test_an_open_campaign_is_not_reminded_of_its_opening(org, current_year):
    campaign_of(org.sciences, current_year, status=CampaignStatus.OPEN, closes_on=DUE + datetime.timedelta(days=20))
    scan(DUE - datetime.timedelta(days=7))
    assert sent("campaign-opening") == []


def test_a_closing_campaign_is_reminded_with_its_response_rate_and_no_participant_is_named(
    org, referent_sciences, current_year, template, physics
):
    _programme, mechanics, _optics = physics
    campaign = campaign_of(
        org.sciences, current_year, template=template, status=CampaignStatus.OPEN, opens_on=datetime.date(2026, 3, 1)
    )
    target = course_target(campaign, mechanics)
    roster(campaign, target, 10)
    question = template.questions.get(code="OVERALL_SAT")
    give_answers(target, [{question: 4}] * 4)
    scan(DUE - datetime.timedelta(days=8))
    assert sent() == []
    scan(DUE - datetime.timedelta(days=7))
    scan(DUE - datetime.timedelta(days=1))
    assert sent() == [
        ("campaign-closing", referent_sciences.username, 7),
        ("campaign-closing", referent_sciences.username, 1),
    ]
    # The label kept for the digest is in the referent's language (French).
    labels = set(ReminderClaim.objects.values_list("label", flat=True))
    assert labels == {"EEE S2 — 40\u00a0% de réponses (4 sur 10)"}
    # Counts only: no claim and no email names a student.
    assert not ReminderClaim.objects.filter(recipient__email__contains="etu").exists()
    assert not OutboxEmail.objects.filter(recipient_email__contains="etu").exists()
    with at(DUE - datetime.timedelta(days=1)):
        (item,) = survey_reminders.campaign_closings(DUE - datetime.timedelta(days=1))
    assert (item.context["response_rate"], item.context["answered"], item.context["invited"]) == ("40", 4, 10)
    assert item.role == "quality_referent" and item.unit == org.sciences


def test_the_closing_rate_reaches_each_person_in_their_own_language(
    org, current_year, template, physics, quality_manager
):
    _programme, mechanics, _optics = physics
    quality_manager.language = "en"
    quality_manager.save()
    french = UserFactory(username="qm-fr", email="qm@example.edu", language="fr", roles=["quality_manager"])
    campaign = campaign_of(
        org.quality_service,
        current_year,
        template=template,
        status=CampaignStatus.OPEN,
        opens_on=datetime.date(2026, 3, 1),
    )
    roster(campaign, course_target(campaign, mechanics), 8)
    ReminderPreference.objects.create(user=french, mode="urgent_only")
    # Urgent-only: a coming deadline stays out of email (the calendar shows it).
    scan(DUE - datetime.timedelta(days=7))
    assert not OutboxEmail.objects.filter(recipient_user=french).exists()
    ReminderPreference.objects.filter(user=french).update(mode="daily")
    scan(DUE - datetime.timedelta(days=1))
    digest = OutboxEmail.objects.get(kind="reminder-digest", recipient_user=french)
    assert "EEE S2 — 0\u00a0% de réponses (0 sur 8)" in render_outbox_email(digest).body_text
    labels = dict(ReminderClaim.objects.filter(threshold=1).values_list("recipient__username", "label"))
    assert labels[quality_manager.username] == "EEE S2 — 0% answered (0 of 8)"


def test_draft_and_closed_campaigns_are_not_reminded_of_closing(org, current_year):
    campaign_of(org.sciences, current_year, status=CampaignStatus.DRAFT, opens_on=DUE - datetime.timedelta(days=30))
    campaign_of(org.sciences, current_year, status=CampaignStatus.CLOSED, opens_on=DUE - datetime.timedelta(days=30))
    scan(DUE - datetime.timedelta(days=1))
    assert sent("campaign-closing") == []


# --- Councils ---------------------------------------------------------------------------------------------------


@pytest.fixture
def programme(org, director):
    return ProgrammeFactory(code="L-PHY", name="Licence Physique", org_unit=org.sciences, director=director)


def council(year, programme, **fields) -> Council:
    made = Council.objects.create(academic_year=year, **fields)
    made.programmes.add(programme)
    return made


@pytest.mark.parametrize(
    ("day", "threshold"),
    [
        (COUNCILS_DUE - datetime.timedelta(days=61), None),
        (COUNCILS_DUE - datetime.timedelta(days=60), 60),
        (COUNCILS_DUE - datetime.timedelta(days=30), 30),
        (COUNCILS_DUE + datetime.timedelta(days=1), -1),
    ],
)
def test_a_council_not_held_by_the_expected_date_reminds_the_director_and_the_referents(
    current_year, programme, director, referent_sciences, day, threshold
):
    scan(day)
    people = sorted([director.username, referent_sciences.username])
    assert sorted(sent()) == ([] if threshold is None else [("council-due", name, threshold) for name in people])


def test_a_held_council_or_an_inactive_programme_is_not_reminded(current_year, programme, org):
    council(current_year, programme, status=CouncilStatus.MINUTES_PUBLISHED, held_date=datetime.date(2026, 3, 1))
    ProgrammeFactory(code="L-OLD", org_unit=org.sciences, is_active=False)
    scan(COUNCILS_DUE - datetime.timedelta(days=30))
    assert sent() == []


def test_a_planned_council_not_held_says_when_it_was_planned(current_year, programme, director):
    council(current_year, programme, status=CouncilStatus.PLANNED, planned_date=datetime.date(2026, 5, 12))
    with at(COUNCILS_DUE - datetime.timedelta(days=30)):
        items = list(survey_reminders.councils_due(COUNCILS_DUE - datetime.timedelta(days=30)))
    assert {str(item.context["reason"]) for item in items} == {"Planned on 05/12/2026, not recorded as held yet."}
    assert {item.due_date for item in items} == {COUNCILS_DUE}


def test_without_a_current_year_no_council_is_reminded(programme):
    scan(COUNCILS_DUE)
    assert sent() == []


def test_minutes_not_published_30_days_after_the_council_remind_the_director(current_year, programme, director):
    held = datetime.date(2026, 3, 2)
    council(current_year, programme, status=CouncilStatus.HELD, held_date=held)
    council(current_year, programme, status=CouncilStatus.MINUTES_PUBLISHED, held_date=held)
    scan(held + datetime.timedelta(days=22))
    assert sent("council-minutes") == []
    scan(held + datetime.timedelta(days=23))
    scan(held + datetime.timedelta(days=31))
    assert sent("council-minutes") == [
        ("council-minutes", director.username, 7),
        ("council-minutes", director.username, -1),
    ]


def test_minutes_of_a_programme_without_a_director_remind_its_units_referents(current_year, org, referent_sciences):
    orphan = ProgrammeFactory(code="L-CHI", org_unit=org.sciences, director=None)
    council(current_year, orphan, status=CouncilStatus.HELD, held_date=datetime.date(2026, 3, 2))
    scan(datetime.date(2026, 4, 2))
    assert sent("council-minutes") == [("council-minutes", referent_sciences.username, -1)]


# --- The calendar feed -------------------------------------------------------------------------------------------


def test_the_calendar_shows_campaign_days_to_their_officers_and_councils_to_the_director(
    org, current_year, programme, director, referent_sciences, referent_letters, quality_manager
):
    campaign = campaign_of(org.sciences, current_year, closes_on=DUE + datetime.timedelta(days=14))
    planned = council(current_year, programme, status=CouncilStatus.PLANNED, planned_date=datetime.date(2026, 5, 12))
    with at(DUE - datetime.timedelta(days=10)):
        referent = {entry.uid: entry.due_date for entry in calendar_entries(referent_sciences)}
        manager = {entry.uid for entry in calendar_entries(quality_manager)}
        other = {entry.uid for entry in calendar_entries(referent_letters)}
        directing = {entry.uid: entry.due_date for entry in calendar_entries(director)}
    assert referent[f"campaign-opens-{campaign.pk}"] == DUE
    assert referent[f"campaign-closes-{campaign.pk}"] == DUE + datetime.timedelta(days=14)
    assert f"campaign-closes-{campaign.pk}" in manager
    assert not {uid for uid in other if uid.startswith("campaign-")}
    assert directing[f"council-{planned.pk}"] == datetime.date(2026, 5, 12)
