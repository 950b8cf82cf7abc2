"""Who sees what: a teacher their own courses, a programme director their programme, quality officers their
scope; the per-teacher setting binds everyone (the quality manager and the director included) on every page, PDF
and export, while programme and institution figures stay visible; nobody sees answers while a campaign is open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qms.core.factories import UserFactory
from surveys.choices import CourseResultsVisibility
from surveys.models import SurveySettings

pytestmark = pytest.mark.django_db


def set_visibility(value: str) -> None:
    settings = SurveySettings.load()
    settings.course_results_visibility = value
    settings.save()


def target_url(campaign, target) -> str:
    return reverse("surveys:target-results", args=[campaign.pk, target.pk])


def pdf_url(campaign, target) -> str:
    return reverse("surveys:target-pdf", args=[campaign.pk, target.pk])


def programme_url(campaign, programme) -> str:
    return reverse("surveys:programme-results", args=[campaign.pk, programme.pk])


def status_of(client, user, url) -> int:
    client.force_login(user)
    return client.get(url).status_code


def test_a_teacher_sees_only_their_own_courses(client, published, teacher, physics):
    campaign, targets = published
    programme, _mechanics, _optics = physics
    assert status_of(client, teacher, target_url(campaign, targets["PHY-101"])) == 200
    assert status_of(client, teacher, pdf_url(campaign, targets["PHY-101"])) == 200
    assert status_of(client, teacher, target_url(campaign, targets["PHY-102"])) == 403
    assert status_of(client, teacher, pdf_url(campaign, targets["PHY-102"])) == 403
    assert status_of(client, teacher, programme_url(campaign, programme)) == 403
    overview = client.get(reverse("surveys:campaign-results", args=[campaign.pk])).content.decode()
    assert "PHY-101" in overview and "PHY-102" not in overview and "LET-101" not in overview
    mine = client.get(reverse("surveys:my-results")).content.decode()
    assert target_url(campaign, targets["PHY-101"]) in mine and target_url(campaign, targets["PHY-102"]) not in mine


def test_a_programme_director_sees_their_programme(client, published, director, physics):
    campaign, targets = published
    programme, _mechanics, _optics = physics
    for url in (programme_url(campaign, programme), target_url(campaign, targets["PHY-102"])):
        assert status_of(client, director, url) == 200


def test_a_director_of_another_programme_sees_nothing_of_this_one(client, published, physics, org):
    from qms.core.factories import ProgrammeFactory

    campaign, targets = published
    programme, _mechanics, _optics = physics
    other = UserFactory(username="autre.directrice", roles=["teacher"])
    ProgrammeFactory(code="M-AUTRE", org_unit=org.letters, director=other)
    assert status_of(client, other, programme_url(campaign, programme)) == 403
    assert status_of(client, other, target_url(campaign, targets["PHY-101"])) == 403


def test_quality_officers_see_their_scope(client, published, referent_sciences, referent_letters, quality_manager):
    campaign, targets = published
    assert status_of(client, referent_sciences, target_url(campaign, targets["PHY-102"])) == 200
    assert status_of(client, referent_sciences, target_url(campaign, targets["LET-101"])) == 403
    assert status_of(client, referent_letters, target_url(campaign, targets["PHY-102"])) == 403
    assert status_of(client, quality_manager, target_url(campaign, targets["LET-101"])) == 200


def test_the_per_teacher_setting_binds_everyone_on_every_page_pdf_and_export(
    client, published, teacher, quality_manager, director, physics
):
    campaign, targets = published
    programme, _mechanics, _optics = physics
    set_visibility(CourseResultsVisibility.TEACHER_ONLY)
    mechanics = targets["PHY-101"]
    for user in (quality_manager, director):
        assert status_of(client, user, target_url(campaign, mechanics)) == 403
        assert status_of(client, user, pdf_url(campaign, mechanics)) == 403
        # Programme and institution figures stay visible.
        assert status_of(client, user, programme_url(campaign, programme)) == 200
        export = client.get(reverse("surveys:campaign-export", args=[campaign.pk, "csv"]))
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert "PHY-101" not in text and "L-PHY" in text
    raw = client.get(reverse("surveys:campaign-raw", args=[campaign.pk]))
    assert raw.status_code == 403  # the director is no quality officer
    client.force_login(quality_manager)
    raw = b"".join(client.get(reverse("surveys:campaign-raw", args=[campaign.pk])).streaming_content)
    assert b"PHY-101" not in raw and b"PHY-102" not in raw
    # The teacher still sees their own course.
    assert status_of(client, teacher, target_url(campaign, mechanics)) == 200
    # "The teacher and the programme director": the director again, the quality manager still not.
    set_visibility(CourseResultsVisibility.PROGRAMME_DIRECTOR)
    assert status_of(client, director, target_url(campaign, mechanics)) == 200
    assert status_of(client, quality_manager, target_url(campaign, mechanics)) == 403


def test_nobody_sees_answers_while_open_or_before_publication(client, template, year, org, quality_manager):
    from surveys.choices import CampaignStatus
    from surveys.tests.factories import CampaignFactory

    campaign = CampaignFactory(template=template, academic_year=year, org_unit=org.institution)
    for status in (CampaignStatus.OPEN, CampaignStatus.CLOSED):
        campaign.status = status
        campaign.save()
        assert status_of(client, quality_manager, reverse("surveys:campaign-results", args=[campaign.pk])) == 404
        detail = client.get(campaign.get_absolute_url())
        assert detail.status_code == 200
        assert reverse("surveys:campaign-results", args=[campaign.pk]) not in detail.content.decode()


def test_someone_with_no_role_is_refused(client, published, staff_member):
    campaign, targets = published
    for url in (
        reverse("surveys:campaign-list"),
        reverse("surveys:my-results"),
        reverse("surveys:campaign-results", args=[campaign.pk]),
        target_url(campaign, targets["PHY-101"]),
        reverse("surveys:template-list"),
        reverse("surveys:course-trends", args=[targets["PHY-101"].course_id]),
    ):
        assert status_of(client, staff_member, url) == 403, url


def test_a_referent_manages_only_the_campaigns_of_their_units(client, published, referent_sciences, referent_letters):
    campaign, _targets = published
    # Run by the institution: referents follow their targets' counts, but do not manage it.
    assert status_of(client, referent_sciences, campaign.get_absolute_url()) == 200
    assert status_of(client, referent_letters, campaign.get_absolute_url()) == 200
    assert status_of(client, referent_sciences, reverse("surveys:campaign-edit", args=[campaign.pk])) == 403
    client.force_login(referent_letters)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "LET-101" in page and "PHY-101" not in page


def test_a_teacher_replies_to_the_students_of_their_course(client, published, teacher):
    campaign, targets = published
    client.force_login(teacher)
    url = reverse("surveys:target-reply", args=[campaign.pk, targets["PHY-101"].pk])
    response = client.post(url, {"text": "Plus d'exercices corrigés l'an prochain."})
    assert response.status_code == 302
    page = client.get(target_url(campaign, targets["PHY-101"])).content.decode()
    assert "Plus d&#x27;exercices corrigés l&#x27;an prochain." in page
    other = reverse("surveys:target-reply", args=[campaign.pk, targets["PHY-102"].pk])
    assert client.post(other, {"text": "Non."}).status_code == 403
