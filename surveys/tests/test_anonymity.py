"""Anonymity held by the schema: no response table links to a token, a roster line or a user, holds a date, or has
a serial key; the token admin hides ``used``; two submissions of one token store one response (on SQLite as on
PostgreSQL); and on PostgreSQL, a token shares its transaction id (xmin) with its response until the rewrite."""

from __future__ import annotations

import threading

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import connection, connections, models
from django.test import RequestFactory

from conftest import require_service
from qms.core.factories import CourseFactory
from qms.core.tokens import make_token
from surveys import services
from surveys.admin import SurveyTokenAdmin
from surveys.choices import CampaignStatus
from surveys.models import Answer, Response, SurveyToken, TokenSecret
from surveys.services import AnswerInput
from surveys.tests.factories import CampaignFactory, course_target

# The tables a submission writes, and what they may point to.
SUBMISSION_TABLES = (Response, Answer)
FORBIDDEN_TARGETS = {"surveytoken", "tokensecret", "rosterimport", "user"}
DATE_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)


@pytest.mark.parametrize("model", [*SUBMISSION_TABLES, SurveyToken])
def test_no_table_a_submission_writes_has_a_date_or_a_serial_key(model):
    fields = model._meta.get_fields(include_hidden=True)
    assert not [field.name for field in fields if isinstance(field, DATE_FIELDS)]
    assert isinstance(model._meta.pk, models.UUIDField)
    assert not isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


@pytest.mark.parametrize("model", SUBMISSION_TABLES)
def test_no_response_table_links_to_a_token_a_roster_or_a_user(model):
    for field in model._meta.get_fields(include_hidden=True):
        if field.is_relation and field.concrete:
            assert field.related_model._meta.model_name not in FORBIDDEN_TARGETS, field.name
    # And nothing of the token side points to a response.
    for field in SurveyToken._meta.get_fields(include_hidden=True):
        if field.is_relation:
            assert field.related_model not in SUBMISSION_TABLES, field.name
    assert [field.name for field in Response._meta.concrete_fields] == ["id", "target"]


def test_the_token_admin_neither_shows_used_nor_filters_on_it(rf: RequestFactory, admin_user, db):
    token_admin = admin_site._registry[SurveyToken]
    assert isinstance(token_admin, SurveyTokenAdmin)
    request = rf.get("/")
    request.user = admin_user
    shown = {*token_admin.get_list_display(request), *token_admin.get_list_filter(request)}
    shown |= set(token_admin.get_fields(request)) | set(token_admin.get_search_fields(request))
    assert not {"used", "removed"} & shown


@pytest.mark.django_db
def test_the_token_admin_pages_say_nothing_of_used(otp_admin_client, template, year, org):
    campaign = CampaignFactory(template=template, academic_year=year, org_unit=org.institution)
    target = course_target(campaign, CourseFactory(org_unit=org.physics))
    token = SurveyToken.objects.create(campaign=campaign, target=target, email="lea@etu.example.edu", used=True)
    listing = otp_admin_client.get("/admin/surveys/surveytoken/").content.decode()
    page = otp_admin_client.get(f"/admin/surveys/surveytoken/{token.pk}/change/").content.decode()
    for html in (listing, page):
        assert "lea@etu.example.edu" in html
        for trace in ("used__exact", "field-used", 'id="id_used"', "column-used", "removed"):
            assert trace not in html


def _open_link(template, year, org):
    campaign = CampaignFactory(
        template=template, academic_year=year, org_unit=org.institution, status=CampaignStatus.OPEN
    )
    target = course_target(campaign, CourseFactory(org_unit=org.physics))
    token = SurveyToken.objects.create(campaign=campaign, target=target, email="lea@etu.example.edu")
    secret, hashed = make_token()
    TokenSecret.objects.create(hash=hashed, token=token)
    question = template.questions.get(code="OVERALL_SAT")
    return campaign, token, [AnswerInput(question.pk, value=4)]


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_token_at_the_same_moment_store_one_response(template, year, org):
    _campaign, token, answers = _open_link(template, year, org)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def submit():
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.response_submit(token=SurveyToken.objects.get(pk=token.pk), answers=answers))
        except Exception as error:  # noqa: BLE001 - SQLite may refuse the loser outright ("database is locked")
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count(True) == 1
    assert Response.objects.count() == 1 and Answer.objects.count() == 1
    assert SurveyToken.objects.get(pk=token.pk).used


@pytest.mark.django_db
def test_a_used_token_stores_nothing_more(template, year, org):
    _campaign, token, answers = _open_link(template, year, org)
    assert services.response_submit(token=token, answers=answers)
    assert not services.response_submit(token=token, answers=answers)
    assert Response.objects.count() == 1


def _xmin(model, pk) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table} WHERE id = %s", [pk])
        return int(cursor.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_token_shares_xmin_with_its_response_until_the_rewrite(template, year, org):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL is needed (set DATABASE_URL=postgres://…)")
    campaign, token, answers = _open_link(template, year, org)
    assert services.response_submit(token=token, answers=answers)
    response = Response.objects.get()
    assert _xmin(SurveyToken, token.pk) == _xmin(Response, response.pk)
    assert services.tokens_rewrite() == 1  # the nightly job: every open campaign's tokens
    assert _xmin(SurveyToken, token.pk) != _xmin(Response, response.pk)
    # Closing rewrites them once more.
    other = SurveyToken.objects.create(campaign=campaign, target=token.target, email="sam@etu.example.edu")
    assert services.response_submit(token=other, answers=answers)
    latest = Response.objects.exclude(pk=response.pk).get()
    assert _xmin(SurveyToken, other.pk) == _xmin(Response, latest.pk)
    services.campaign_close(campaign=campaign)
    assert _xmin(SurveyToken, other.pk) != _xmin(Response, latest.pk)
