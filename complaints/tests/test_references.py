"""Public references: REC-<year>-<number>, one counter per year, unique under concurrent submissions."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from complaints.models import Complaint, ReferenceCounter
from complaints.services import complaint_submit, next_reference
from conftest import at_once, require_service


def _submit(**kwargs):
    return complaint_submit(kind="suggestion", subject="Idée", description="Plus de prises électriques", **kwargs)


@pytest.mark.django_db
def test_references_follow_each_other_within_a_year_and_restart_the_next():
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))):
        first, second = _submit().complaint, _submit().complaint
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))):
        third = _submit().complaint
    assert [first.reference, second.reference, third.reference] == [
        "REC-2026-00001",
        "REC-2026-00002",
        "REC-2027-00001",
    ]


@pytest.mark.django_db
def test_a_failed_submission_does_not_burn_a_number_for_nothing():
    from complaints.services import ComplaintError

    with pytest.raises(ComplaintError):
        _submit(files=[object()] * 4)  # too many files: refused before a number is taken
    assert not ReferenceCounter.objects.exists()
    assert _submit().complaint.reference.endswith("-00001")


@pytest.mark.django_db
def test_the_counter_goes_past_five_digits():
    ReferenceCounter.objects.create(year=2026, last=99_999)
    assert next_reference(year=2026) == "REC-2026-100000"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_references_stay_unique_under_concurrent_submissions():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL is needed (set DATABASE_URL=postgres://…)")
    workers, each = 8, 5

    def work():
        for _ in range(each):
            _submit(email="lea@example.org", language="fr")

    errors = at_once(work, workers)
    assert errors == []
    references = list(Complaint.objects.values_list("reference", flat=True))
    year = datetime.date.today().year
    assert len(references) == len(set(references)) == workers * each
    assert sorted(references) == [f"REC-{year}-{n:05d}" for n in range(1, workers * each + 1)]
