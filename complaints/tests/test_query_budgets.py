"""The staff pages of the helpdesk run the same queries at 10 rows as at 500: the inbox (with and without a
search and a status), the request page (however long its history) and the home page (however much work is
waiting). The numbers are pinned, so that a query added for every row shows at once; the load test
(``make loadtest``) measures them at 10,000 requests."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from complaints.choices import ComplaintStatus, MessageKind
from complaints.models import Complaint, ComplaintMessage
from complaints.services import reserve_references
from qms.core.choices import Actor
from qms.core.models import ActivityLog, StatusChange
from qms.core.tokens import make_token

pytestmark = pytest.mark.django_db

# Sign-in (session, user, permissions, roles: five queries) included. The inbox reads the counts per status once and
# derives its page count from them; a chosen assignee is one more query (the filter checks it).
INBOX_QUERIES = 9
INBOX_SEARCH_QUERIES = 11
REQUEST_PAGE_QUERIES = 20
HOME_QUERIES = 9

S = ComplaintStatus
STATUSES = [S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING, S.ANSWERED, S.CLOSED]


def add_requests(count: int, org, assignee) -> None:
    """``count`` requests written at once, in every status, half of them assigned, a third about heating."""
    now = timezone.now()
    references = reserve_references(year=timezone.localtime(now).year, count=count)
    rows = []
    for n, reference in enumerate(references):
        complaint = Complaint(
            reference=reference,
            subject="Chauffage en panne" if n % 3 == 0 else f"Salle {n} trop petite",
            description="La salle B204 n'est pas chauffée.",
            name="Camille Martin",
            email=f"etudiant{n}@example.org",
            status=STATUSES[n % len(STATUSES)],
            org_unit=(org.sciences, org.physics, org.letters)[n % 3],
            assignee=assignee if n % 2 else None,
            received_at=now - datetime.timedelta(hours=n),
            clock_started_on=timezone.localdate(now),
            take_charge_due=timezone.localdate(now) + datetime.timedelta(days=(n % 7) - 3),
            answer_due=timezone.localdate(now) + datetime.timedelta(days=(n % 20) - 5),
            tracking_token_hash=make_token()[1],
        )
        complaint.fill_derived_fields()
        rows.append(complaint)
    Complaint.objects.bulk_create(rows)


def add_history(complaint: Complaint, count: int, by) -> None:
    """``count`` messages of every kind, status changes and activity-log lines on ``complaint``."""
    content_type = ContentType.objects.get_for_model(Complaint)
    now = timezone.now()
    kinds = [MessageKind.INTERNAL_NOTE, MessageKind.QUESTION, MessageKind.REQUESTER, MessageKind.PUBLIC_REPLY]
    ComplaintMessage.objects.bulk_create(
        ComplaintMessage(complaint=complaint, kind=kinds[n % 4], body=f"Message {n}", author=by if n % 4 != 2 else None)
        for n in range(count)
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            content_type=content_type,
            object_id=complaint.pk,
            from_status=S.IN_PROGRESS if n % 2 else S.WAITING,
            to_status=S.WAITING if n % 2 else S.IN_PROGRESS,
            by=by,
            actor=Actor.USER,
            at=now - datetime.timedelta(minutes=count - n),
        )
        for n in range(count)
    )
    ActivityLog.objects.bulk_create(
        ActivityLog(
            user=by,
            actor=Actor.USER,
            verb="assigned",
            content_type=content_type,
            object_id=complaint.pk,
            object_repr=str(complaint),
            details={"assignee": str(by)},
        )
        for _n in range(count)
    )


@pytest.fixture
def manager_client(quality_manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(quality_manager)
    return client


def _same_at_10_and_500(client, org, assignee, url, params, budget, django_assert_max_num_queries, *, first=10):
    add_requests(first, org, assignee)
    assert client.get(url, params).status_code == 200  # the settings and the caches, once
    with django_assert_max_num_queries(budget) as few:
        assert client.get(url, params).status_code == 200
    add_requests(500 - first, org, assignee)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_the_inbox_runs_the_same_queries_at_10_and_500_requests(
    manager_client, org, personas, django_assert_max_num_queries
):
    response = _same_at_10_and_500(
        manager_client, org, personas.teacher, "/demandes/", {}, INBOX_QUERIES, django_assert_max_num_queries
    )
    assert response.content.count(b"data-reference=") == 50
    assert b"data-total>500<" in response.content


def test_the_inbox_search_runs_the_same_queries_at_10_and_500_requests(
    manager_client, org, personas, django_assert_max_num_queries
):
    params = {"q": "chauffée", "status": [S.ACKNOWLEDGED, S.IN_PROGRESS], "assignee": personas.teacher.pk}
    response = _same_at_10_and_500(
        manager_client, org, personas.teacher, "/demandes/", params, INBOX_SEARCH_QUERIES, django_assert_max_num_queries
    )
    # Page and total follow the filters, counted once with the status counts.
    assert (
        response.context["page_obj"].paginator.count
        == Complaint.objects.filter(
            search_text__contains="chauffee", status__in=[S.ACKNOWLEDGED, S.IN_PROGRESS], assignee=personas.teacher
        ).count()
    )


def test_the_request_page_runs_the_same_queries_with_10_and_500_history_lines(
    manager_client, org, quality_manager, django_assert_max_num_queries
):
    add_requests(1, org, quality_manager)
    complaint = Complaint.objects.get()
    url = complaint.get_absolute_url()
    add_history(complaint, 10, quality_manager)
    assert manager_client.get(url).status_code == 200
    with django_assert_max_num_queries(REQUEST_PAGE_QUERIES) as few:
        assert manager_client.get(url).status_code == 200
    add_history(complaint, 490, quality_manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get(url)
    assert response.status_code == 200 and response.content.count(b"Message 4") >= 11


def test_the_home_page_runs_the_same_queries_with_60_and_500_requests(
    manager_client, org, quality_manager, django_assert_max_num_queries
):
    # Sixty: more requests to handle than the panel shows, so that its total is counted by the database at both
    # sizes.
    _same_at_10_and_500(
        manager_client, org, quality_manager, "/accueil/", {}, HOME_QUERIES, django_assert_max_num_queries, first=60
    )


def test_the_request_page_joins_three_tables_to_the_request_and_reads_the_others_when_set(
    manager_client, org, quality_manager
):
    """The request is read with the unit, the assignee and the programme joined; the process and its owner, the
    service concerned, the root cause … come in a small query each, only when set: joining all eleven tables took
    PostgreSQL longer to plan than those queries take."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.models import RootCauseCategory

    add_requests(1, org, quality_manager)
    complaint = Complaint.objects.get()
    cause = RootCauseCategory.objects.create(name="Locaux inadaptés")
    Complaint.objects.filter(pk=complaint.pk).update(root_cause=cause, concerned_unit=org.physics)
    url = complaint.get_absolute_url()
    assert manager_client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        page = manager_client.get(url).content.decode()
    assert "Locaux inadaptés" in page
    (read,) = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "complaints_complaint"."id"') and complaint.reference in query["sql"]
    ]
    assert set(re.findall(r'JOIN "(\w+)"', read)) <= {"core_orgunit", "core_user", "core_programme"}, read
    # Nothing is read for a relation that is not set (no process here).
    assert not [query for query in queries.captured_queries if 'WHERE "processes_process"."id" IN' in query["sql"]]


@pytest.mark.postgres
def test_on_postgresql_the_search_text_has_its_trigram_index():
    from django.db import connection

    from conftest import require_service

    if connection.vendor != "postgresql":
        require_service("PostgreSQL is needed (set DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'complaint_search_text_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin (search_text gin_trgm_ops)" in definition


@pytest.mark.postgres
def test_on_postgresql_the_inbox_counts_per_status_are_read_from_an_index_alone(quality_manager):
    """The counts above the inbox read the (sensitive, status …) index without the table: COUNT(*), not COUNT(id),
    whose column the index does not hold. (The table is tiny here, so the other ways to read it are turned off: the
    planner is left only index-only scans, or a sequential scan when no index can answer alone.)"""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from complaints.selectors import complaints_visible_to, status_counts
    from complaints.tests.factories import ComplaintFactory
    from conftest import require_service

    if connection.vendor != "postgresql":
        require_service("PostgreSQL is needed (set DATABASE_URL=postgres://…)")
    ComplaintFactory(status=ComplaintStatus.IN_PROGRESS)
    ComplaintFactory(status=ComplaintStatus.CLOSED)
    scope = complaints_visible_to(quality_manager)
    with CaptureQueriesContext(connection) as queries:
        counts = status_counts(scope)
    assert counts[ComplaintStatus.IN_PROGRESS] == 1 and counts[ComplaintStatus.CLOSED] == 1
    (sql,) = [query["sql"] for query in queries.captured_queries]
    with transaction.atomic(), connection.cursor() as cursor:
        for method in ("seqscan", "bitmapscan", "indexscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan" in plan, plan
