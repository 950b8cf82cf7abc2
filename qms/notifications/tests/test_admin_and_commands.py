"""The outbox in the Django admin, and the commands for cron and for checking the mail settings."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_outboxemail_changelist"


@pytest.fixture
def admin_client(client):
    """A superuser whose session passed the second factor, as the admin demands."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    device = StaticDevice.objects.create(user=admin, name="backup")
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_the_admin_lists_filters_and_searches_the_outbox(admin_client, django_assert_max_num_queries):
    OutboxEmailFactory.create_batch(20)
    OutboxEmailFactory(recipient_email="findme@example.org", state=OutboxState.FAILED, kind="complaint-ack")
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    response = admin_client.get(reverse(CHANGELIST), {"q": "findme"})
    assert list(response.context["cl"].result_list.values_list("recipient_email", flat=True)) == ["findme@example.org"]
    response = admin_client.get(reverse(CHANGELIST), {"state": "failed", "kind": "complaint-ack", "queue": "urgent"})
    assert response.context["cl"].result_count == 1


def test_the_admin_cannot_add_and_shows_rows_read_only(admin_client):
    email = OutboxEmailFactory(body_text="Bonjour.")
    assert admin_client.get(reverse("admin:notifications_outboxemail_add")).status_code == 403
    response = admin_client.get(reverse("admin:notifications_outboxemail_change", args=[email.pk]))
    assert response.status_code == 200
    assert "Bonjour." in response.text
    assert 'name="subject"' not in response.text


def test_the_admin_hides_a_secret_body_until_it_is_sent(admin_client):
    email = OutboxEmailFactory(body_text="https://example.edu/suivi/very-secret-token/", contains_secret=True)
    response = admin_client.get(reverse("admin:notifications_outboxemail_change", args=[email.pk]))
    assert "very-secret-token" not in response.text


def test_the_admin_actions_retry_now_and_give_up(admin_client):
    failed = OutboxEmailFactory(state=OutboxState.FAILED, next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    queued = OutboxEmailFactory()
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "give_up_selected", "_selected_action": [queued.pk]}, follow=True
    )
    assert response.status_code == 200
    queued.refresh_from_db()
    assert queued.state == OutboxState.GIVEN_UP

    admin_client.post(reverse(CHANGELIST), {"action": "retry_selected", "_selected_action": [failed.pk, queued.pk]})
    # Django's test client runs in a transaction that is never committed: send what was queued again by hand.
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxState.QUEUED}
    call_command("send_outbox", "--include-fresh", stdout=StringIO())
    assert len(mail.outbox) == 2


def test_the_quality_manager_role_may_read_the_outbox(db):
    from qms.core.roles import sync_roles

    sync_roles()
    manager = UserFactory(username="qm2", roles=[Role.QUALITY_MANAGER])
    director = UserFactory(username="dir2", roles=[Role.DIRECTOR])
    assert manager.has_perm("notifications.view_outboxemail")
    assert manager.has_perm("notifications.change_outboxemail")
    assert not director.has_perm("notifications.view_outboxemail")


def test_send_outbox_sends_what_is_due_and_reports():
    due = timezone.now() - datetime.timedelta(minutes=10)
    OutboxEmailFactory.create_batch(3, next_attempt_at=due)
    OutboxEmailFactory()  # just written: its own task will send it
    out = StringIO()
    call_command("send_outbox", "--batch-size", "2", "-v", "2", stdout=out)
    assert "Sent 3, failed 0, given up 0, left for later 0." in out.getvalue()
    assert "queued 1" in out.getvalue()
    assert len(mail.outbox) == 3


def test_send_test_email_checks_the_mail_settings():
    out = StringIO()
    call_command("send_test_email", "me@example.org", "--language", "en", "--now", stdout=out)
    (message,) = mail.outbox
    assert message.to == ["me@example.org"]
    assert message.subject.startswith("Test message from ")
    assert "Sent" in out.getvalue()
    assert OutboxEmail.objects.get().kind == "outbox-test"


def test_send_test_email_reports_a_failing_mail_server(settings):
    settings.EMAIL_BACKEND = "qms.notifications.tests.backends.FailingBackend"
    with pytest.raises(CommandError, match="SMTPServerDisconnected"):
        call_command("send_test_email", "me@example.org", "--now", stdout=StringIO())


def test_send_test_email_refuses_a_malformed_address():
    with pytest.raises(CommandError):
        call_command("send_test_email", "not-an-address", stdout=StringIO())


def _verified_admin_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user, name="backup")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_emails_about_a_sensitive_case_are_for_the_sensitive_cases_group_alone(admin_client):
    """Issue 10: the outbox admin listed and searched emails about sensitive requests to superusers and quality
    managers outside the sensitive-cases group."""
    OutboxEmailFactory(recipient_email="ordinary@example.org", subject="Nouvelle demande REC-1")
    secret = OutboxEmailFactory(
        recipient_email="victim@example.org", subject="Nouveau signalement sensible REC-2", is_sensitive=True
    )
    response = admin_client.get(reverse(CHANGELIST), {"q": "example.org"})
    assert list(response.context["cl"].result_list.values_list("recipient_email", flat=True)) == [
        "ordinary@example.org"
    ]
    assert admin_client.get(reverse("admin:notifications_outboxemail_change", args=[secret.pk])).status_code == 302
    manager = UserFactory(username="qm-staff", is_staff=True, roles=[Role.QUALITY_MANAGER])
    response = _verified_admin_client(manager).get(reverse(CHANGELIST))
    assert "victim@example.org" not in response.text and "ordinary@example.org" in response.text
    team = UserFactory(username="cellule-root", is_staff=True, is_superuser=True, roles=[Role.SENSITIVE_CASES])
    response = _verified_admin_client(team).get(reverse(CHANGELIST))
    assert "victim@example.org" in response.text


def test_notify_marks_an_email_about_a_sensitive_case(settings):
    from qms.notifications.services import notify

    email = notify("a@example.org", "test-plain", None, sensitive=True)
    assert email.is_sensitive
    assert not notify("b@example.org", "test-plain", None).is_sensitive
