"""The answer page behind a personal link: the questions, the required ones checked with clear messages, the
personal-data notice, clear pages for a used, expired or unknown link, rate limits by token and by address, and a
submission that writes no session, no messages row, no activity log and no log line with the token."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from qms.core.factories import CourseFactory
from qms.core.models import ActivityLog, StatusChange
from qms.core.tokens import make_token
from surveys.choices import CampaignStatus
from surveys.models import Answer, Response, SurveySettings, SurveyToken, TokenSecret
from surveys.tests.factories import CampaignFactory, course_target

pytestmark = pytest.mark.django_db

DURING = datetime.datetime(2026, 1, 15, 10, 0)


@pytest.fixture
def link(template, year, org):
    """An open campaign and one student's personal link (its secret, and the token)."""
    campaign = CampaignFactory(
        template=template, academic_year=year, org_unit=org.institution, status=CampaignStatus.OPEN, threshold=3
    )
    target = course_target(campaign, CourseFactory(code="PHY-101", title="Mécanique", org_unit=org.physics))
    token = SurveyToken.objects.create(campaign=campaign, target=target, email="lea@etu.example.edu", language="fr")
    secret, hashed = make_token()
    TokenSecret.objects.create(hash=hashed, token=token)
    return secret, token


def url(secret: str) -> str:
    return reverse("surveys:public-answer", args=[secret])


def questions(template):
    return {question.code: question for question in template.questions.all()}


def full_answers(template) -> dict[str, object]:
    q = questions(template)
    data = {}
    for code in ("OBJ_CLEAR", "OBJ_REACHED", "METHODS", "OVERALL_SAT"):
        data[f"q{q[code].pk}"] = "4"
    data[f"q{q['MATERIALS'].pk}"] = "na"
    data[f"q{q['FORMATS'].pk}"] = ["1", "3"]
    data[f"q{q['RECOMMEND'].pk}"] = "9"
    data[f"q{q['STRENGTHS'].pk}"] = "Des exemples concrets."
    return data


def test_the_page_shows_the_questions_the_progress_and_the_notice(client, link, template):
    settings = SurveySettings.load()
    settings.privacy_notice_fr = "Le service qualité traite vos réponses de façon anonyme."
    settings.save()
    secret, _token = link
    with time_machine.travel(DURING):
        response = client.get(url(secret))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mécanique" in html and "Partie 1 sur 7" in html
    assert "Le service qualité traite vos réponses de façon anonyme." in html
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert 'name="viewport"' in html and 'id="survey-progress"' in html


def test_required_questions_are_checked_with_clear_messages(client, link, template):
    secret, token = link
    q = questions(template)
    with time_machine.travel(DURING):
        response = client.post(url(secret) + "?lang=en", {f"q{q['METHODS'].pk}": "3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please answer this question: it is required." in html
    assert 'id="error-summary"' in html and f'href="#question-q{q["OVERALL_SAT"].pk}"' in html
    # The answer given is kept on the page.
    assert f'name="q{q["METHODS"].pk}" value="3" id="id_q{q["METHODS"].pk}_2" checked' in html
    token.refresh_from_db()
    assert not token.used and not Response.objects.exists()


def test_a_submission_stores_the_answers_and_nothing_that_links_them(client, link, template, caplog):
    secret, token = link
    sessions, activity, changes = Session.objects.count(), ActivityLog.objects.count(), StatusChange.objects.count()
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(DURING):
        response = Client(enforce_csrf_checks=True).post(url(secret), full_answers(template))
    assert response.status_code == 302 and response["Location"].startswith(reverse("surveys:public-thanks"))
    token.refresh_from_db()
    assert token.used
    stored = Response.objects.get()
    assert stored.target_id == token.target_id
    q = questions(template)
    answers = {answer.question.code: answer for answer in Answer.objects.select_related("question")}
    assert answers["OBJ_CLEAR"].value == 4 and answers["MATERIALS"].not_applicable
    assert answers["FORMATS"].value == 0b101 and answers["RECOMMEND"].value == 9
    assert answers["STRENGTHS"].text == "Des exemples concrets." and "WORKLOAD" not in answers
    assert q["WORKLOAD"].pk not in {answer.question_id for answer in answers.values()}
    # No session row, no cookie, no activity log, no status change, no log line with the secret.
    assert Session.objects.count() == sessions and "sessionid" not in response.cookies
    assert "messages" not in response.cookies
    assert (ActivityLog.objects.count(), StatusChange.objects.count()) == (activity, changes)
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_a_used_link_gets_a_clear_page(client, link, template):
    secret, token = link
    with time_machine.travel(DURING):
        client.post(url(secret), full_answers(template))
        again = client.post(url(secret), full_answers(template))
        page = client.get(url(secret))
    assert again.status_code == 410 and page.status_code == 410
    assert "déjà été rempli" in page.content.decode()
    assert Response.objects.count() == 1


def test_an_unknown_link_and_a_closed_campaign_get_clear_pages(client, link):
    secret, token = link
    with time_machine.travel(DURING):
        unknown = client.get(url("x" * 43))
    assert unknown.status_code == 404 and 'data-page="unknown"' in unknown.content.decode()
    with time_machine.travel(datetime.datetime(2026, 2, 2, 10, 0)):
        late = client.get(url(secret))
    assert late.status_code == 410 and 'data-page="expired"' in late.content.decode()
    with time_machine.travel(datetime.datetime(2026, 1, 2, 10, 0)):
        early = client.get(url(secret))
    assert early.status_code == 410 and 'data-page="not-yet"' in early.content.decode()


def test_the_page_speaks_english_on_demand_without_a_cookie(client, link):
    secret, _token = link
    with time_machine.travel(DURING):
        response = client.get(url(secret) + "?lang=en")
    assert 'lang="en"' in response.content.decode() and "Part 1 of 7" in response.content.decode()
    assert "django_language" not in response.cookies


def test_rate_limits_count_by_token_as_well_as_by_address(client, link, settings):
    secret, _token = link
    settings.SURVEYS_ANSWER_RATE_BY_TOKEN = "3/h"
    with time_machine.travel(DURING):
        statuses = [client.get(url(secret), REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]  # four addresses of a lecture hall, one token
    settings.SURVEYS_ANSWER_RATE_BY_TOKEN = "100/h"
    settings.SURVEYS_ANSWER_RATE_BY_ADDRESS = "2/m"
    with time_machine.travel(DURING):
        statuses = [client.get(url(f"{n}" * 43), REMOTE_ADDR="10.0.1.1").status_code for n in range(3)]
    assert statuses == [404, 404, 429]


def test_a_malformed_link_is_unknown_without_a_lookup(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("not-a-token"))
    assert response.status_code == 404 and 'data-page="unknown"' in response.content.decode()
    assert not [query for query in queries if "surveys_tokensecret" in query["sql"]]


def test_free_text_loses_its_bidirectional_controls(client, link, template):
    secret, _token = link
    data = full_answers(template)
    q = questions(template)
    data[f"q{q['STRENGTHS'].pk}"] = "Cours \u202egnp.exe clair"
    with time_machine.travel(DURING):
        assert client.post(url(secret), data).status_code == 302
    assert Answer.objects.get(question=q["STRENGTHS"]).text == "Cours gnp.exe clair"
