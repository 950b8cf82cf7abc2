"""Fixtures of the surveys' tests: the shipped questionnaire, a small university year of courses, and a helper
that runs on-commit work (mailings, then the outbox) as a real commit would."""

from __future__ import annotations

import datetime

import pytest

from qms.core.factories import AcademicYearFactory, CourseFactory, ProgrammeFactory, TeachingFactory
from surveys.tests.factories import standard_template


@pytest.fixture
def template(db):
    return standard_template()


@pytest.fixture
def year(db):
    return AcademicYearFactory(start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31))


@pytest.fixture
def next_year(db):
    return AcademicYearFactory(start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 8, 31))


@pytest.fixture
def physics(org, year, teacher):
    """A programme of UFR Sciences with two courses; the persona teacher teaches the first this year."""
    programme = ProgrammeFactory(code="L-PHY", name="Licence Physique", org_unit=org.sciences)
    mechanics = CourseFactory(code="PHY-101", title="Mécanique", org_unit=org.physics)
    optics = CourseFactory(code="PHY-102", title="Optique", org_unit=org.physics)
    programme.courses.add(mechanics, optics)
    TeachingFactory(course=mechanics, academic_year=year, teacher=teacher)
    return programme, mechanics, optics


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a commit would start (mailing tasks, then the outbox's sends) in-process."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def otp_admin_client(client, db):
    """A superuser verified with a second factor: the admin opens."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qms.core.factories import UserFactory

    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def published(template, year, org, physics, director):
    """A published campaign (k = 3): Mécanique (the persona teacher's, 6 responses) and Optique (5) in Licence
    Physique (directed by the persona director); in Licence Lettres, Poésie with 2 responses (below k) and Roman
    with 5."""
    import time_machine

    from qms.core.factories import CourseFactory, ProgrammeFactory
    from surveys import services
    from surveys.choices import CampaignStatus
    from surveys.tests.factories import CampaignFactory, course_target, give_answers, roster

    programme, mechanics, optics = physics
    programme.director = director
    programme.save()
    letters_programme = ProgrammeFactory(code="L-LET", name="Licence Lettres", org_unit=org.letters)
    poetry = CourseFactory(code="LET-101", title="Poésie", org_unit=org.letters)
    novel = CourseFactory(code="LET-102", title="Roman", org_unit=org.letters)
    letters_programme.courses.add(poetry, novel)
    campaign = CampaignFactory(
        title="EEE 2025-2026",
        template=template,
        academic_year=year,
        org_unit=org.institution,
        status=CampaignStatus.OPEN,
        threshold=3,
        publication_date=datetime.date(2026, 3, 1),
    )
    q = {question.code: question for question in template.questions.all()}
    targets = {}
    courses = ((mechanics, [4, 4, 3, 3, 2, 4]), (optics, [3, 3, 4, 1, 2]), (poetry, [4, 1]), (novel, [4, 4, 3, 2, 4]))
    for course, scores in courses:
        target = course_target(campaign, course)
        roster(campaign, target, len(scores) + 2)
        rows = [{q["OVERALL_SAT"]: score, q["METHODS"]: 4, q["RECOMMEND"]: 7} for score in scores]
        for row, text in zip(rows, ["Des exemples concrets.", "Cours idiot, prof nul.", "Bien."], strict=False):
            row[q["STRENGTHS"]] = text
        give_answers(target, rows)
        targets[course.code] = target
    with time_machine.travel(datetime.datetime(2026, 2, 2, 9, 0)):
        services.campaign_close(campaign=campaign)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0)):
        services.campaign_publish(campaign=campaign)
    campaign.refresh_from_db()
    return campaign, targets
