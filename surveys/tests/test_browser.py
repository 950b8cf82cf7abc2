"""In real headless Chromium, on a phone-sized screen: a student opens their personal link, sends too early and is
told which questions are required, answers, watches the progress, sends, and finds the link used afterwards."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from qms.core.factories import AcademicYearFactory, CourseFactory, OrgUnitFactory
from qms.core.tokens import make_token
from surveys.choices import CampaignStatus
from surveys.models import Answer, Response, SurveyToken, TokenSecret
from surveys.tests.factories import CampaignFactory, course_target, standard_template


@pytest.mark.browser
def test_a_student_answers_a_survey_through_their_link(page, live_server, transactional_db):
    from playwright.sync_api import expect

    template = standard_template()
    today = timezone.localdate()
    unit = OrgUnitFactory(code="ufr-sciences")
    campaign = CampaignFactory(
        template=template,
        academic_year=AcademicYearFactory(),
        org_unit=unit,
        status=CampaignStatus.OPEN,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=10),
    )
    target = course_target(campaign, CourseFactory(code="PHY-101", title="Mécanique", org_unit=unit))
    token = SurveyToken.objects.create(campaign=campaign, target=target, email="lea@etu.example.edu", language="fr")
    secret, hashed = make_token()
    TokenSecret.objects.create(hash=hashed, token=token)
    questions = {question.code: question for question in template.questions.all()}

    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(f"{live_server.url}/enquetes/r/{secret}/")
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(page.locator("h1")).to_contain_text("Évaluation des enseignements")
    expect(page.locator("#survey-progress-label")).to_contain_text("0")

    # Sent with nothing answered: the required questions are named, the summary takes the focus.
    page.locator("#survey-form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(4)

    for code in ("OBJ_CLEAR", "OBJ_REACHED", "METHODS", "OVERALL_SAT"):
        page.locator(f"label[for=id_q{questions[code].pk}_3]").click()  # "Tout à fait d'accord"
    page.locator(f"label[for=id_q{questions['MATERIALS'].pk}_4]").click()  # "Non concerné·e"
    page.locator(f"label[for=id_q{questions['FORMATS'].pk}_0]").click()
    page.locator(f"textarea[name=q{questions['STRENGTHS'].pk}]").fill("Des exemples concrets.")
    expect(page.locator("#survey-progress")).to_have_attribute("value", "7")

    page.locator("#survey-form button[type=submit]").click()
    expect(page.locator("[data-page=thanks]")).to_be_visible()
    token.refresh_from_db()
    assert token.used and Response.objects.count() == 1
    stored = {answer.question.code: answer for answer in Answer.objects.select_related("question")}
    assert stored["OVERALL_SAT"].value == 4 and stored["MATERIALS"].not_applicable
    assert stored["FORMATS"].value == 1 and stored["STRENGTHS"].text == "Des exemples concrets."

    page.goto(f"{live_server.url}/enquetes/r/{secret}/")
    expect(page.locator("[data-page=used]")).to_be_visible()


@pytest.mark.browser
def test_the_answer_page_passes_the_automated_accessibility_audit(page, live_server, transactional_db):
    from qms.core.tests.test_accessibility import BLOCKING, describe, run_axe

    template = standard_template()
    today = timezone.localdate()
    unit = OrgUnitFactory(code="ufr-sciences")
    campaign = CampaignFactory(
        template=template,
        academic_year=AcademicYearFactory(),
        org_unit=unit,
        status=CampaignStatus.OPEN,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=10),
    )
    target = course_target(campaign, CourseFactory(code="PHY-101", title="Mécanique", org_unit=unit))
    token = SurveyToken.objects.create(campaign=campaign, target=target, email="lea@etu.example.edu")
    secret, hashed = make_token()
    TokenSecret.objects.create(hash=hashed, token=token)
    found = []
    page.goto(f"{live_server.url}/enquetes/r/{secret}/")
    found += [("answer page", v) for v in run_axe(page)["violations"] if v["impact"] in BLOCKING]
    page.locator("#survey-form button[type=submit]").click()
    page.locator("#error-summary").wait_for()
    found += [("answer page with errors", v) for v in run_axe(page)["violations"] if v["impact"] in BLOCKING]
    page.goto(f"{live_server.url}/enquetes/r/{'x' * 43}/")
    found += [("unknown link", v) for v in run_axe(page)["violations"] if v["impact"] in BLOCKING]
    assert not found, describe(found)
