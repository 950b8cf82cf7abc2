"""Password reset goes through the outbox and is rate-limited."""

import re

import pytest
from django.urls import reverse

from qms.notifications.models import OutboxEmail
from qms.notifications.services import render_outbox_email


@pytest.mark.django_db
def test_the_reset_email_is_written_to_the_outbox_in_the_users_language(client, staff_member):
    staff_member.language = "en"
    staff_member.save()
    response = client.post(reverse("password_reset"), {"email": staff_member.email})
    assert response.status_code == 302
    email = OutboxEmail.objects.get(recipient_user=staff_member)
    assert email.language == "en"
    assert "Password reset" in email.subject
    # The link is an absolute link to the confirmation page; the body (rendered when sent) is wiped once sent, since
    # it is a secret.
    body = render_outbox_email(email).body_text
    assert re.search(r"^https?://\S+/compte/reset/[\w-]+/[\w-]+/$", body, re.MULTILINE)
    assert email.contains_secret


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.edu"})
    assert response.status_code == 302
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_reset_requests_are_rate_limited(client):
    statuses = [client.post(reverse("password_reset"), {"email": f"x{i}@example.edu"}).status_code for i in range(7)]
    assert statuses[:5] == [302] * 5
    assert statuses[-1] == 429
