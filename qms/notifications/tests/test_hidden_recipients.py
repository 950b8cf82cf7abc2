"""Mail whose recipients must leave no trace (survey invitations): every outbox page and the admin count it and
never show its recipient, the address is erased once sent, and deleting the rows keeps daily counts in a generic
table (object, kind, date, count)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import DailyCount, OutboxEmail
from qms.notifications.selectors import email_counts_about, emails_about
from qms.notifications.services import delete_emails_about, notify, send_outbox_email

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime.datetime(2026, 3, 2, 10, tzinfo=PARIS)


@pytest.fixture
def about():
    return OrgUnitFactory(code="campagne")  # any object: the outbox knows no domain app


@pytest.fixture
def admin_client(client):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    device = StaticDevice.objects.create(user=admin, name="backup")
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def hidden(address: str, about, **options) -> OutboxEmail:
    return notify(address, "test-plain", about, secret=True, hide_recipient=True, **options)


def test_the_address_is_erased_once_sent(about):
    email = hidden("lea@etu.example.edu", about)
    assert email.hide_recipient and email.recipient_email == "lea@etu.example.edu"
    assert send_outbox_email(email.pk)
    assert mail.outbox[0].to == ["lea@etu.example.edu"]  # it went to the student
    email.refresh_from_db()
    assert (email.state, email.recipient_email, email.recipient_user_id) == (OutboxState.SENT, "", None)
    assert "lea" not in str(email) and "lea" not in email.body_text


def test_an_ordinary_email_keeps_its_address(about):
    email = notify("chef@example.edu", "test-plain", about)
    send_outbox_email(email.pk)
    email.refresh_from_db()
    assert email.recipient_email == "chef@example.edu"


def test_the_admin_never_shows_nor_finds_a_hidden_recipient(admin_client, about):
    email = hidden("lea@etu.example.edu", about)
    notify("chef@example.edu", "test-plain", about)
    listing = admin_client.get(reverse("admin:notifications_outboxemail_changelist")).content.decode()
    assert "lea@etu.example.edu" not in listing and "chef@example.edu" in listing
    found = admin_client.get(reverse("admin:notifications_outboxemail_changelist"), {"q": "lea@etu.example.edu"})
    assert found.context["cl"].result_count == 0
    page = admin_client.get(reverse("admin:notifications_outboxemail_change", args=[email.pk])).content.decode()
    assert "lea@etu.example.edu" not in page


def test_timelines_count_hidden_mail_and_list_none_of_it(about):
    hidden("lea@etu.example.edu", about)
    hidden("sam@etu.example.edu", about)
    notify("chef@example.edu", "test-plain", about)
    assert [email.recipient_email for email in emails_about(about)] == ["chef@example.edu"]
    assert email_counts_about(about)["test-plain"].pending == 3


def test_deleting_the_rows_keeps_daily_counts(about):
    with time_machine.travel(MONDAY):
        sent = [hidden(f"etu{n}@etu.example.edu", about) for n in range(3)]
        for email in sent[:2]:
            send_outbox_email(email.pk)
    with time_machine.travel(MONDAY + datetime.timedelta(days=1)):
        send_outbox_email(sent[2].pk)
        hidden("late@etu.example.edu", about)  # never sent: the campaign closes first
        assert delete_emails_about(about) == 4
    assert not OutboxEmail.objects.exists()
    counts = {(row.kind, row.date): row.count for row in DailyCount.objects.all()}
    assert counts == {
        ("test-plain", datetime.date(2026, 3, 2)): 2,
        ("test-plain", datetime.date(2026, 3, 3)): 1,
        ("test-plain:not_sent", datetime.date(2026, 3, 3)): 1,
    }
    assert DailyCount.objects.first().about == about
    totals = email_counts_about(about)["test-plain"]
    assert (totals.sent, totals.not_sent, totals.pending) == (3, 1, 0)
    assert delete_emails_about(about) == 0  # nothing more to count
    assert sum(counts.values()) == sum(DailyCount.objects.values_list("count", flat=True))
