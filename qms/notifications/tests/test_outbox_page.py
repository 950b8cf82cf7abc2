"""The outbox page: for the quality manager, filtered, sensitive rows only for the named group."""

from __future__ import annotations

import pytest

from qms.core.choices import Role
from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

URL = "/notifications/envois/"


def row(**fields):
    defaults = {"kind": "reminder", "recipient_email": "a@example.edu", "language": "en", "subject": "S"}
    return OutboxEmail.objects.create(**{**defaults, **fields})


def test_the_quality_manager_filters_the_outbox(client, quality_manager):
    unit = OrgUnitFactory(code="x", name="X")
    from django.contrib.contenttypes.models import ContentType

    row(
        subject="Reminder one",
        recipient_email="alice@example.edu",
        state=OutboxState.SENT,
        content_type=ContentType.objects.get_for_model(unit),
        object_id=unit.pk,
    )
    row(kind="reminder-digest", subject="Digest two", recipient_email="bob@example.edu")
    client.force_login(quality_manager)
    page = client.get(URL).content.decode()
    assert "Reminder one" in page and "Digest two" in page
    page = client.get(URL, {"kind": "reminder-digest"}).content.decode()
    assert "Reminder one" not in page and "Digest two" in page
    page = client.get(URL, {"recipient": "alice"}).content.decode()
    assert "Reminder one" in page and "Digest two" not in page
    page = client.get(URL, {"state": OutboxState.SENT, "object_id": unit.pk}).content.decode()
    assert "Reminder one" in page and "Digest two" not in page


def test_sensitive_rows_only_for_the_named_group(client, quality_manager):
    row(subject="About R-2026-1", is_sensitive=True)
    row(subject="Plain one")
    client.force_login(quality_manager)
    page = client.get(URL).content.decode()
    assert "Plain one" in page and "R-2026-1" not in page
    handler = UserFactory(username="cell", roles=[Role.QUALITY_MANAGER, Role.SENSITIVE_CASES])
    client.force_login(handler)
    assert "R-2026-1" in client.get(URL).content.decode()


def test_others_are_refused(client, staff_member):
    client.force_login(staff_member)
    assert client.get(URL).status_code == 403


def test_the_query_count_does_not_grow_with_rows(client, quality_manager, django_assert_max_num_queries):
    client.force_login(quality_manager)
    for index in range(10):
        row(subject=f"Row {index}", recipient_user=UserFactory())
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for index in range(30):
        row(subject=f"More {index}", recipient_user=UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)
