"""What one public submission costs, pinned: SQL statements, cache operations, and the order of its writes (the
year's reference counter is the last row written before the commit, so that concurrent submissions queue on its
lock for the commit alone). The load test (``make loadtest``) measures the time; this pins what makes it."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.forms import PublicComplaintForm
from complaints.models import Complaint, HelpdeskSettings, ReferenceCounter
from complaints.services import ComplaintError, complaint_submit
from qms.core.choices import MembershipRole, Role
from qms.core.factories import MembershipFactory, OrgUnitFactory, ProgrammeFactory, UserFactory
from qms.core.models import SiteSettings
from qms.core.public import sign_stamp
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

# Statements of one submission with a unit, once the configuration is in the cache: the unit chosen; then, in one
# transaction, the form's stamp (spent in one statement, unless spent already or identical to a recent one), the
# staff to tell (who holds the role nearest to the unit, then who they are), the request and its two status
# changes (no savepoint of their own: the stamp's transaction rolls back whole), the counter, the reference, the
# activity log and the emails (one INSERT), and what the stamp created (for a repeat's answer). In a test the
# transaction is a savepoint of the test's own: 13 on SQLite and PostgreSQL alike (16 before the stamp's lookup
# and the request's savepoint were folded away).
SUBMISSION_QUERIES = 13
# Cache operations: the configuration's version, the site's settings, the form's choices and the deadlines (each
# read once in the request; the helpdesk's settings only for a kind without deadlines of its own, never here), and
# the rate limit (peeked at before, counted after: two each).
SUBMISSION_CACHE_OPERATIONS = 8


@pytest.fixture
def university():
    institution = OrgUnitFactory(code="udemo", name="Université")
    faculty = OrgUnitFactory(code="ufr-sciences", name="UFR Sciences", parent=institution)
    department = OrgUnitFactory(code="dept-info", name="Département d'informatique", parent=faculty)
    referent = UserFactory(username="referent", email="referent@example.edu", roles=[Role.QUALITY_REFERENT])
    MembershipFactory(user=referent, org_unit=faculty, role=MembershipRole.QUALITY_REFERENT)
    UserFactory(username="qualite", email="qualite@example.edu", roles=[Role.QUALITY_MANAGER])
    ProgrammeFactory(name="Licence d'informatique", org_unit=department)
    # The settings records exist, as they do after the first page of a site.
    SiteSettings.load()
    HelpdeskSettings.load()
    return department


def _post(client, unit, number):
    return client.post(
        "/signaler/",
        {
            "kind": "complaint",
            "requester_category": "student",
            "name": "Camille Martin",
            "email": f"camille{number}@example.org",
            "concerned": f"u:{unit.pk}",
            "subject": f"Salle {number} sans chauffage",
            "description": "La salle n'est pas chauffée depuis lundi.",
            "started": sign_stamp(PublicComplaintForm.stamp_name, at=time.time() - 20),
        },
    )


class CountingCache:
    """Counts the operations made on the default cache (each one a Redis command or two in production)."""

    OPERATIONS = ("get", "set", "add", "delete", "incr", "get_many", "set_many", "get_or_set", "touch")

    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        for name in self.OPERATIONS:
            original = getattr(cache, name)
            monkeypatch.setattr(cache, name, self._counted(name, original))

    def _counted(self, name, original):
        def counted(*args, **kwargs):
            self.calls.append(f"{name} {args[0] if args else ''}")
            return original(*args, **kwargs)

        return counted


def test_a_submission_costs_a_fixed_number_of_statements_and_cache_operations(client, university, monkeypatch):
    assert _post(client, university, 0).status_code == 302  # the configuration read once into the cache
    counting = CountingCache(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, university, 1).status_code == 302
    assert len(queries.captured_queries) <= SUBMISSION_QUERIES, "\n".join(q["sql"] for q in queries.captured_queries)
    assert len(counting.calls) <= SUBMISSION_CACHE_OPERATIONS, "\n".join(counting.calls)
    # Whom to tell, and the acknowledgement: both written, in one INSERT.
    latest = Complaint.objects.latest("pk")
    kinds = set(OutboxEmail.objects.filter(object_id=latest.pk).values_list("kind", flat=True))
    assert kinds == {"complaint-acknowledgement", "complaint-new"}


def test_the_same_at_the_second_submission_as_at_the_tenth(client, university, django_assert_max_num_queries):
    assert _post(client, university, 0).status_code == 302
    for number in range(1, 10):
        with django_assert_max_num_queries(SUBMISSION_QUERIES):
            assert _post(client, university, number).status_code == 302


def test_the_form_page_reads_nothing_from_the_database_once_cached(client, university, django_assert_num_queries):
    client.get("/signaler/")
    with django_assert_num_queries(0):
        response = client.get("/signaler/")
    html = response.content.decode()
    # Cached fields, fresh tokens: each visitor gets a stamp of their own.
    assert "Licence d&#x27;informatique" in html or "Licence d'informatique" in html
    assert 'name="started"' in html and "csrfmiddlewaretoken" in html
    assert client.get("/signaler/").content.decode().count('name="started"') == 1


def test_a_change_of_the_units_shows_at_once_in_the_cached_form(client, university):
    client.get("/signaler/")
    OrgUnitFactory(code="bu", name="Bibliothèque universitaire")
    assert "Bibliothèque universitaire" in client.get("/signaler/").content.decode()


def test_the_reference_is_the_last_row_written_before_the_commit(university):
    with CaptureQueriesContext(connection) as queries:
        complaint_submit(
            kind="complaint",
            subject="Chauffage",
            description="Toujours en panne.",
            email="lea@example.org",
            concerned_unit=university,
        )
    statements = [q["sql"].split()[0:3] for q in queries.captured_queries]
    counter = next(i for i, q in enumerate(queries.captured_queries) if "complaints_referencecounter" in q["sql"])
    before = " ".join(q["sql"] for q in queries.captured_queries[:counter])
    after = [q["sql"] for q in queries.captured_queries[counter + 1 :]]
    # The request and its history are written before; after, only what shows the reference, then the commit.
    assert 'INSERT INTO "complaints_complaint"' in before and 'INSERT INTO "core_statuschange"' in before
    assert [sql.split('"')[1] for sql in after if not sql.startswith(("RELEASE", "COMMIT"))] == [
        "complaints_complaint",  # UPDATE … SET reference
        "core_activitylog",
        "notifications_outboxemail",
    ], statements


def test_through_the_public_form_too_the_stamp_records_its_request_before_the_counter(client, university):
    _post(client, university, 0)
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, university, 1).status_code == 302
    sqls = [q["sql"] for q in queries.captured_queries]
    counter = next(i for i, sql in enumerate(sqls) if "complaints_referencecounter" in sql)
    assert any(sql.startswith('UPDATE "core_spentstamp"') for sql in sqls[:counter])
    after = [sql.split('"')[1] for sql in sqls[counter + 1 :] if not sql.startswith(("RELEASE", "COMMIT"))]
    assert after == ["complaints_complaint", "core_activitylog", "notifications_outboxemail"]


def test_a_request_is_found_by_its_reference_as_soon_as_it_is_filed(university):
    from complaints.filtersets import ComplaintFilterSet

    reference = complaint_submit(kind="complaint", subject="Chauffage", description="En panne.").complaint.reference
    found = ComplaintFilterSet({"q": reference.lower()}, queryset=Complaint.objects.all()).qs
    assert [complaint.reference for complaint in found] == [reference]
    assert "~" not in Complaint.objects.get().search_text


def test_a_submission_that_fails_after_taking_its_number_gives_it_back(university, monkeypatch):
    from complaints import services

    def broken(*args, **kwargs):
        raise ComplaintError("The outbox is broken.")

    monkeypatch.setattr(services, "write_emails", broken)
    with pytest.raises(ComplaintError):
        complaint_submit(kind="complaint", subject="A", description="B", email="lea@example.org")
    assert not Complaint.objects.exists()
    assert not ReferenceCounter.objects.filter(last__gt=0).exists()
    monkeypatch.undo()
    assert complaint_submit(kind="complaint", subject="A", description="B").complaint.reference.endswith("-00001")
