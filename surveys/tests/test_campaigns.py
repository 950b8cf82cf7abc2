"""A campaign's life: draft → open → closed → published through the transition helper; the threshold never
lowered once open; copying last year's; reminders listing only unused links, with fresh secrets while earlier
links keep working; closing deletes the mail rows (daily counts kept) and freezes the results; publication is
held until its date and tells each teacher; the purge keeps the counts; campaigns move by their dates."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from qms.core.factories import TeachingFactory, UserFactory
from qms.core.models import StatusChange
from qms.notifications.models import DailyCount, OutboxEmail
from qms.notifications.selectors import email_counts_about
from qms.notifications.services import render_outbox_email
from surveys import emails, services
from surveys.choices import CampaignStatus
from surveys.models import CampaignTarget, ResultCounter, SurveySettings, SurveyToken, TokenSecret
from surveys.services import SurveyError
from surveys.tests.factories import CampaignFactory, roster

pytestmark = pytest.mark.django_db

BEFORE = datetime.datetime(2026, 1, 4, 9, 0)
DURING = datetime.datetime(2026, 1, 10, 9, 0)
AFTER = datetime.datetime(2026, 2, 2, 9, 0)
PUBLISHED = datetime.datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def campaign(template, year, org, physics, quality_manager):
    _programme, mechanics, optics = physics
    campaign = CampaignFactory(
        title="EEE 2025-2026",
        template=template,
        academic_year=year,
        org_unit=org.institution,
        threshold=3,
        publication_date=datetime.date(2026, 3, 1),
    )
    services.campaign_set_targets(campaign=campaign, by=quality_manager, courses=[mechanics, optics])
    for target in campaign.targets.all():
        roster(campaign, target, 4)
    return campaign


def links(message) -> list[str]:
    return re.findall(r"/enquetes/r/([A-Za-z0-9_-]+)/", message.body)


def answer(secret: str, template) -> int:
    question = template.questions.get(code="OVERALL_SAT")
    data = {f"q{q.pk}": "4" for q in template.questions.filter(required=True)}
    data[f"q{question.pk}"] = "4"
    return Client().post(f"/enquetes/r/{secret}/", data).status_code


def test_it_moves_draft_open_closed_published_through_the_helper(campaign, quality_manager, run_on_commit):
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
    with time_machine.travel(AFTER):
        services.campaign_close(campaign=campaign, by=quality_manager)
    with time_machine.travel(PUBLISHED):
        services.campaign_publish(campaign=campaign, by=quality_manager)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLISHED
    assert list(StatusChange.objects.order_by("at").values_list("from_status", "to_status")) == [
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "published"),
    ]
    with pytest.raises(SurveyError):
        services.campaign_transition(campaign=campaign, to=CampaignStatus.OPEN, by=quality_manager)


def test_a_campaign_opens_only_with_targets_and_a_roster(template, year, org, quality_manager):
    empty = CampaignFactory(template=template, academic_year=year, org_unit=org.institution)
    with time_machine.travel(DURING), pytest.raises(SurveyError, match="no target"):
        services.campaign_open(campaign=empty, by=quality_manager)


def test_the_threshold_is_at_least_three_and_never_lowered_once_open(campaign, quality_manager, run_on_commit):
    with pytest.raises(SurveyError):
        services.campaign_update(campaign=campaign, by=quality_manager, threshold=2)
    services.campaign_update(campaign=campaign, by=quality_manager, threshold=4)
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
    with pytest.raises(SurveyError, match="never lowered"):
        services.campaign_update(campaign=campaign, by=quality_manager, threshold=3)
    services.campaign_update(campaign=campaign, by=quality_manager, threshold=6)
    with pytest.raises(SurveyError):
        services.campaign_update(campaign=campaign, by=quality_manager, opens_on=BEFORE.date())
    campaign.refresh_from_db()
    assert campaign.threshold == 6


def test_copy_last_years_campaign(campaign, next_year, quality_manager):
    copy = services.campaign_copy_last_year(campaign=campaign, by=quality_manager)
    assert copy.status == CampaignStatus.DRAFT and copy.academic_year == next_year
    assert copy.title == "EEE 2026-2027" and copy.template == campaign.template
    assert (copy.opens_on, copy.closes_on, copy.publication_date) == (
        datetime.date(2027, 1, 5),
        datetime.date(2027, 1, 31),
        datetime.date(2027, 3, 1),
    )
    assert sorted(copy.targets.values_list("course__code", flat=True)) == ["PHY-101", "PHY-102"]
    assert not copy.tokens.exists()  # the roster is imported afresh


def test_reminders_list_only_unused_links_with_fresh_secrets(campaign, quality_manager, template, run_on_commit):
    student = "lea@etu.example.edu"
    for target in campaign.targets.all():
        SurveyToken.objects.create(campaign=campaign, target=target, email=student, language="fr")
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
        invitation = next(message for message in mail.outbox if message.to == [student])
        first, second = links(invitation)
        assert answer(first, template) == 302
        mail.outbox.clear()
        run_on_commit(services.campaign_send_reminder, campaign=campaign, by=quality_manager)
    reminder = next(message for message in mail.outbox if message.to == [student])
    assert len(links(reminder)) == 1  # only the unused one
    fresh = links(reminder)[0]
    assert fresh not in (first, second)
    assert len(mail.outbox) == 9  # eight students without an answer, plus Léa's remaining course
    with time_machine.travel(DURING):
        assert Client().get(f"/enquetes/r/{second}/").status_code == 200  # the earlier link still works
        assert answer(fresh, template) == 302
        assert Client().get(f"/enquetes/r/{second}/").status_code == 410  # until the token is used
    assert TokenSecret.objects.filter(token__email=student).count() == 3


def test_survey_mail_hides_its_recipient_and_erases_the_address_once_sent(campaign, quality_manager, run_on_commit):
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
    rows = OutboxEmail.objects.filter(kind=emails.INVITATION)
    assert rows.count() == 8 and len(mail.outbox) == 8
    assert all(row.hide_recipient and row.contains_secret and row.queue == "bulk" for row in rows)
    assert set(rows.values_list("recipient_email", flat=True)) == {""}
    assert "hidden recipient" in str(rows.first())
    counts = email_counts_about(campaign)
    assert counts[emails.INVITATION].sent == 8


def test_closing_deletes_the_mail_rows_keeps_daily_counts_and_freezes_results(
    campaign, quality_manager, template, run_on_commit
):
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
        secret = links(mail.outbox[0])[0]
        answer(secret, template)
    with time_machine.travel(AFTER):
        services.campaign_close(campaign=campaign, by=quality_manager)
    campaign.refresh_from_db()
    assert not OutboxEmail.objects.filter(kind=emails.INVITATION).exists()
    kept = DailyCount.objects.get(kind=emails.INVITATION)
    assert (kept.count, kept.date, kept.about) == (8, DURING.date(), campaign)
    assert email_counts_about(campaign)[emails.INVITATION].sent == 8
    assert campaign.results_frozen and ResultCounter.objects.filter(campaign=campaign).exists()
    with time_machine.travel(AFTER):
        assert Client().get(f"/enquetes/r/{links(mail.outbox[1])[0]}/").status_code == 410


def test_publication_is_held_until_its_date_then_tells_each_teacher(
    campaign, quality_manager, teacher, year, physics, run_on_commit
):
    _programme, _mechanics, optics = physics
    colleague = UserFactory(username="colleague")
    TeachingFactory(course=optics, academic_year=year, teacher=colleague)
    TeachingFactory(course=optics, academic_year=year, teacher=teacher)
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
    with time_machine.travel(AFTER):
        services.campaign_close(campaign=campaign, by=quality_manager)
        with pytest.raises(SurveyError, match="held until"):
            services.campaign_publish(campaign=campaign, by=quality_manager)
    with time_machine.travel(PUBLISHED):
        services.campaign_publish(campaign=campaign, by=quality_manager)
    published = OutboxEmail.objects.filter(kind=emails.RESULTS_PUBLISHED)
    assert sorted(published.values_list("recipient_user__username", flat=True)) == ["colleague", "enseignant"]
    teacher_email = published.get(recipient_user=teacher)
    assert (
        "PHY-101" in render_outbox_email(teacher_email).body_text
        and "PHY-102" in render_outbox_email(teacher_email).body_text
    )  # one email, both courses


def test_the_purge_deletes_roster_and_tokens_and_keeps_the_counts(campaign, quality_manager, template, run_on_commit):
    settings = SurveySettings.load()
    settings.retention_days_after_publication = 30
    settings.save()
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
        for message in mail.outbox[:3]:
            answer(links(message)[0], template)
    with time_machine.travel(AFTER):
        services.campaign_close(campaign=campaign, by=quality_manager)
    with time_machine.travel(PUBLISHED):
        services.campaign_publish(campaign=campaign, by=quality_manager)
        assert services.rosters_purge() == 0  # kept 30 days after publication
    assert SurveyToken.objects.filter(campaign=campaign).count() == 8
    with time_machine.travel(PUBLISHED + datetime.timedelta(days=31)):
        assert services.campaigns_tick()["purged"] == 1
    campaign.refresh_from_db()
    assert campaign.roster_purged_at is not None
    assert not SurveyToken.objects.filter(campaign=campaign).exists() and not TokenSecret.objects.exists()
    targets = CampaignTarget.objects.select_related("course")
    counts = {t.course.code: (t.invited_count, t.answered_count) for t in targets}
    assert sum(invited for invited, _answered in counts.values()) == 8
    assert sum(answered for _invited, answered in counts.values()) == 3
    assert services.rosters_purge() == 0  # a second run changes nothing


def test_the_purge_comes_at_publication_by_default(campaign, quality_manager, run_on_commit):
    with time_machine.travel(DURING):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)
    with time_machine.travel(AFTER):
        services.campaign_close(campaign=campaign, by=quality_manager)
    with time_machine.travel(PUBLISHED):
        services.campaign_publish(campaign=campaign, by=quality_manager)
    assert not SurveyToken.objects.filter(campaign=campaign).exists()
    assert [t.invited_count for t in CampaignTarget.objects.order_by("course__code")] == [4, 4]


def test_campaigns_move_by_their_dates(campaign, run_on_commit):
    with time_machine.travel(BEFORE):
        assert services.campaigns_tick()["opened"] == 0
    with time_machine.travel(DURING):
        assert run_on_commit(services.campaigns_tick)["opened"] == 1
    assert len(mail.outbox) == 8
    with time_machine.travel(datetime.datetime(2026, 1, 31, 20, 0)):
        assert services.campaigns_tick()["closed"] == 0  # the last day still accepts answers
    with time_machine.travel(AFTER):
        assert services.campaigns_tick()["closed"] == 1
    with time_machine.travel(PUBLISHED):
        assert services.campaigns_tick()["published"] == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLISHED
    assert StatusChange.objects.filter(actor="system").count() == 3
