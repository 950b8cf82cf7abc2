"""A double click on PostgreSQL: the same form posted twice at the same moment is stored once, and both answers
are the request's confirmation."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client

from complaints.forms import PublicComplaintForm
from complaints.models import Complaint
from conftest import at_once, require_service
from qms.core.public import sign_stamp
from qms.notifications.models import OutboxEmail

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL is needed (set DATABASE_URL=postgres://…)")


def test_a_double_click_is_stored_once():
    body = {
        "kind": "complaint",
        "requester_category": "student",
        "subject": "Double clic",
        "description": "Envoyé deux fois au même instant.",
        "email": "camille@example.org",
        "started": sign_stamp(PublicComplaintForm.stamp_name, at=time.time() - 20),
    }
    workers = 4
    answers: list[int] = []

    def click():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        answers.append(client.post("/signaler/", body).status_code)

    errors = at_once(click, workers)
    assert errors == []
    assert answers == [302] * workers
    assert Complaint.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="complaint-acknowledgement").count() == 1
