"""The register of requests exports to CSV and XLSX, with the inbox's filters applied, for auditors: one row per
request, no personal data of the requester, formulas neutralised, the user's scope honoured, and a number of
queries that does not grow with the rows."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from actionplans import services as actionplan_services
from complaints.choices import ComplaintKind, ComplaintStatus, SensitiveNature
from complaints.exports import csv_cell, register_headers
from complaints.tests.factories import ComplaintFactory, RedirectBodyFactory, RootCauseCategoryFactory
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.spreadsheets import guard_formula

pytestmark = pytest.mark.django_db

S = ComplaintStatus
NOW = datetime.datetime(2026, 3, 16, 10, 0)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(timezone.make_aware(NOW), tick=False)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def client_for(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def csv_lines(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def rich_request(org, **kwargs):
    return ComplaintFactory(
        org_unit=org.sciences,
        kind=ComplaintKind.COMPLAINT,
        name="Camille Secret",
        email="camille.secret@example.org",
        subject="Sujet confidentiel",
        description="Description personnelle et confidentielle",
        ip_address="203.0.113.9",
        received_at=at(2026, 2, 2, 9),
        **kwargs,
    )


def test_the_csv_has_one_row_per_request_without_the_requester_personal_data(quality_manager, org):
    root_cause = RootCauseCategoryFactory(name="Organisation des examens")
    closed = rich_request(
        org,
        status=S.CLOSED,
        taken_in_charge_at=at(2026, 2, 3),
        answered_at=at(2026, 2, 10),
        closed_at=at(2026, 2, 25),
        answer_due=datetime.date(2026, 2, 23),
        take_charge_due=datetime.date(2026, 2, 4),
        is_admissible=True,
        is_founded=False,
        root_cause=root_cause,
        rating=4,
        rated_at=at(2026, 2, 12),
        rating_comment="Commentaire personnel",
        resolution_summary="Résumé interne",
    )
    ComplaintFactory(org_unit=org.letters, received_at=at(2026, 3, 2))

    response = client_for(quality_manager).get("/demandes/registre/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="registre-demandes-2026-03-16.csv"' in response["Content-Disposition"]
    lines = csv_lines(response)
    headers = lines[0]
    assert headers == register_headers()
    assert len(lines) == 3
    row = dict(zip(headers, lines[1], strict=True))
    assert row["Reference"] == closed.reference
    assert row["Received at"] == "2026-02-02 09:00"
    assert row["Kind"] == "Complaint"
    assert row["Requester category"] == "Student"
    assert row["Unit in charge"] == "UFR Sciences"
    assert row["Status"] == "Closed"
    assert row["Take charge by"] == "2026-02-04"
    assert row["Answer by"] == "2026-02-23"
    assert row["Overdue"] == "no"
    assert row["Taken in charge at"] == "2026-02-03 10:00"
    assert row["Answered at"] == "2026-02-10 10:00"
    assert row["Admissible"] == "yes" and row["Founded"] == "no"
    assert row["Root-cause category"] == "Organisation des examens"
    assert row["Rating"] == "4"
    text = b"".join(client_for(quality_manager).get("/demandes/registre/export.csv").streaming_content).decode()
    for secret in ("Camille", "camille.secret", "confidentiel", "203.0.113.9", "Commentaire personnel", "Résumé"):
        assert secret not in text


def test_the_register_flags_overdue_requests_and_names_redirect_bodies_and_linked_actions(quality_manager, org):
    late = ComplaintFactory(org_unit=org.sciences, received_at=at(2026, 2, 2), status=S.ACKNOWLEDGED)
    body = RedirectBodyFactory(name="CROUS de l'académie")
    redirected = ComplaintFactory(
        org_unit=org.sciences,
        received_at=at(2026, 2, 3),
        status=S.REDIRECTED,
        redirect_body=body,
        closed_at=at(2026, 2, 4),
    )
    plan = actionplan_services.continuous_improvement_plan_for(org_unit=org.sciences, by=quality_manager)
    action = actionplan_services.action_create(
        plan=plan, title="Revoir l'affichage", by=quality_manager, sources=[late, redirected], notify_owner=False
    )

    lines = csv_lines(client_for(quality_manager).get("/demandes/registre/export.csv"))
    rows = {line[0]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}

    assert rows[late.reference]["Overdue"] == "yes"
    assert rows[redirected.reference]["Overdue"] == "no"
    assert rows[redirected.reference]["Redirected to"] == "CROUS de l'académie"
    assert rows[late.reference]["Linked actions"] == f"{action.reference} ({plan.title})"
    assert rows[redirected.reference]["Linked actions"] == f"{action.reference} ({plan.title})"


def test_cells_that_would_run_as_formulas_are_neutralised(quality_manager, org):
    cause = RootCauseCategoryFactory(name='=HYPERLINK("http://evil.example","clic")')
    ComplaintFactory(org_unit=org.sciences, root_cause=cause, received_at=at(2026, 2, 2))
    lines = csv_lines(client_for(quality_manager).get("/demandes/registre/export.csv"))
    row = dict(zip(lines[0], lines[1], strict=True))
    assert row["Root-cause category"].startswith("'=HYPERLINK")

    rows = xlsx_rows(client_for(quality_manager).get("/demandes/registre/export.xlsx"))
    column = rows[0].index("Root-cause category")
    assert rows[1][column].startswith("'=HYPERLINK")


@pytest.mark.parametrize("value", ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_safe_text_prefixes_every_formula_start(value):
    assert guard_formula(value) == "'" + value
    assert csv_cell(value) == "'" + value


def test_numbers_and_dates_are_not_mistaken_for_formulas():
    assert csv_cell(-3) == "-3"
    assert csv_cell(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert csv_cell(None) == ""
    assert guard_formula("Plain text") == "Plain text"


def test_the_xlsx_has_real_dates_and_the_same_rows(quality_manager, org):
    complaint = ComplaintFactory(
        org_unit=org.sciences,
        received_at=at(2026, 2, 2, 9),
        status=S.IN_PROGRESS,
        taken_in_charge_at=at(2026, 2, 3, 14),
    )
    response = client_for(quality_manager).get("/demandes/registre/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="registre-demandes-2026-03-16.xlsx"' in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert list(rows[0]) == register_headers()
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == complaint.reference
    assert row["Received at"] == datetime.datetime(2026, 2, 2, 9, 0)
    assert row["Taken in charge at"] == datetime.datetime(2026, 2, 3, 14, 0)
    assert isinstance(row["Answer by"], datetime.datetime)  # a date cell
    assert row["Status"] == "In progress"


def test_the_inbox_filters_apply(quality_manager, org):
    suggestion = ComplaintFactory(kind=ComplaintKind.SUGGESTION, org_unit=org.physics, received_at=at(2026, 2, 2))
    ComplaintFactory(kind=ComplaintKind.COMPLAINT, org_unit=org.physics, received_at=at(2026, 2, 2))
    ComplaintFactory(kind=ComplaintKind.SUGGESTION, org_unit=org.letters, received_at=at(2026, 2, 2))
    ComplaintFactory(kind=ComplaintKind.SUGGESTION, org_unit=org.sciences, received_at=at(2025, 2, 2))
    client = client_for(quality_manager)
    params = {"kind": "suggestion", "org_unit": org.sciences.pk, "received_after": "2026-01-01"}

    lines = csv_lines(client.get("/demandes/registre/export.csv", params))
    assert [line[0] for line in lines[1:]] == [suggestion.reference]
    rows = xlsx_rows(client.get("/demandes/registre/export.xlsx", params))
    assert [row[0] for row in rows[1:]] == [suggestion.reference]


def test_filters_that_are_not_valid_are_refused(quality_manager):
    response = client_for(quality_manager).get("/demandes/registre/export.csv", {"kind": "nonsense"})
    assert response.status_code == 400


def test_a_refused_filter_is_never_echoed_as_html(quality_manager):
    payload = "<script>alert(1)</script>"
    response = client_for(quality_manager).get("/demandes/registre/export.xlsx", {"status": payload})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_a_referent_exports_their_units_requests_only(referent_sciences, org):
    mine = ComplaintFactory(org_unit=org.physics, received_at=at(2026, 2, 2))
    ComplaintFactory(org_unit=org.letters, received_at=at(2026, 2, 2))
    lines = csv_lines(client_for(referent_sciences).get("/demandes/registre/export.csv"))
    assert [line[0] for line in lines[1:]] == [mine.reference]


def test_sensitive_requests_are_only_in_the_sensitive_register_for_the_sensitive_cases_group(quality_manager, org):
    ordinary = ComplaintFactory(org_unit=org.sciences, received_at=at(2026, 2, 2))
    sensitive = ComplaintFactory(
        org_unit=org.sciences, received_at=at(2026, 2, 3), sensitive_nature=SensitiveNature.HARASSMENT
    )
    handler = UserFactory(username="cellule", roles=[Role.STAFF, Role.SENSITIVE_CASES])

    lines = csv_lines(client_for(quality_manager).get("/demandes/registre/export.csv"))
    assert [line[0] for line in lines[1:]] == [ordinary.reference]
    assert client_for(quality_manager).get("/demandes/registre/export.csv", {"sensitive": "1"}).status_code == 403

    response = client_for(handler).get("/demandes/registre/export.csv", {"sensitive": "1"})
    lines = csv_lines(response)
    assert lines[0] == register_headers(sensitive=True)
    row = dict(zip(lines[0], lines[1], strict=True))
    assert row["Reference"] == sensitive.reference
    assert row["Sensitive nature"] == "Harassment"
    assert len(lines) == 2
    assert "registre-signalements-sensibles" in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["teacher", "staff_member"])
def test_staff_without_access_to_the_inbox_cannot_export(personas, name):
    client = client_for(getattr(personas, name))
    assert client.get("/demandes/registre/export.csv").status_code == 403
    assert client.get("/demandes/registre/export.xlsx").status_code == 403


def test_an_auditor_exports_only_the_requests_they_are_given(auditor, org):
    from django.contrib.contenttypes.models import ContentType

    from complaints.models import Complaint
    from qms.core.models import AccessGrant

    given = ComplaintFactory(org_unit=org.sciences, received_at=at(2026, 2, 2))
    ComplaintFactory(org_unit=org.sciences, received_at=at(2026, 2, 2))
    AccessGrant.objects.create(
        user=auditor,
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=given.pk,
        valid_from=timezone.now() - datetime.timedelta(days=1),
        valid_until=timezone.now() + datetime.timedelta(days=10),
    )
    lines = csv_lines(client_for(auditor).get("/demandes/registre/export.csv"))
    assert [line[0] for line in lines[1:]] == [given.reference]


def test_an_anonymous_visitor_is_sent_to_the_login_page(db):
    assert Client().get("/demandes/registre/export.csv").status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_runs_a_fixed_number_of_queries(quality_manager, org, django_assert_max_num_queries, fmt):
    client = client_for(quality_manager)

    def make(count):
        for index in range(count):
            ComplaintFactory(
                org_unit=[org.sciences, org.physics, org.letters][index % 3],
                received_at=at(2026, 2, 2),
                redirect_body=RedirectBodyFactory(name=f"Organisme {index % 2}"),
                root_cause=RootCauseCategoryFactory(name=f"Cause {index % 2}"),
            )

    make(3)
    with django_assert_max_num_queries(20) as few:
        response = client.get(f"/demandes/registre/export.{fmt}")
        b"".join(response.streaming_content)
    make(60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/demandes/registre/export.{fmt}")
        content = b"".join(response.streaming_content)
    assert content
