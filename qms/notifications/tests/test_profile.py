"""The profile page (language, reminder preference, calendar link) and the personal iCalendar feed."""

from __future__ import annotations

import datetime
import re

import icalendar
import pytest
from django.urls import reverse

from qms.core.factories import UserFactory
from qms.notifications import reminders
from qms.notifications.choices import DigestMode
from qms.notifications.models import ReminderPreference
from qms.notifications.reminders import CalendarEntry

pytestmark = pytest.mark.django_db

PROFILE = "/notifications/profil/"


@pytest.fixture
def bob(client):
    user = UserFactory(username="bob", email="bob@example.edu", language="fr")
    client.force_login(user)
    return user


@pytest.fixture
def entries():
    def source(user):
        if user.username != "bob":
            return []
        return [
            CalendarEntry("test-1", "A-1", "Repaint the hall", datetime.date(2026, 4, 2), url="/plans/1/"),
            CalendarEntry("test-2", "R-2026-7", "A secret matter", datetime.date(2026, 4, 1), sensitive=True),
        ]

    reminders.register_calendar("test.entries", source)
    yield
    reminders.unregister_calendar("test.entries")


def make_link(client) -> str:
    response = client.post(PROFILE, {"action": "calendar"})
    assert response.status_code == 200
    match = re.search(r"(http://testserver/notifications/calendrier/[\w-]+\.ics)", response.content.decode())
    assert match, "the link is shown once"
    return match.group(1).removeprefix("http://testserver")


def test_the_profile_page_saves_language_and_preference(client, bob):
    assert reverse("notifications:profile") == PROFILE
    page = client.get(PROFILE)
    assert page.status_code == 200 and "Un récapitulatif quotidien" in page.content.decode()
    response = client.post(PROFILE, {"action": "save", "language": "en", "mode": DigestMode.URGENT_ONLY})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.language == "en"
    assert ReminderPreference.objects.get(user=bob).mode == DigestMode.URGENT_ONLY


def test_a_bad_choice_is_refused_and_changes_nothing(client, bob):
    response = client.post(PROFILE, {"action": "save", "language": "xx", "mode": "never"})
    assert response.status_code == 200
    bob.refresh_from_db()
    assert bob.language == "fr" and not ReminderPreference.objects.exists()


def test_the_profile_needs_a_signed_in_person(client):
    assert client.get(PROFILE).status_code == 302


def test_the_feed_parses_back_and_shows_a_sensitive_case_as_a_bare_reference(client, bob, entries):
    link = make_link(client)
    client.logout()
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    assert [str(event["summary"]) for event in events] == ["R-2026-7", "A-1 — Repaint the hall"]
    assert events[1].decoded("dtstart") == datetime.date(2026, 4, 2)
    assert str(events[1]["url"]).endswith("/plans/1/")
    assert "secret matter" not in response.content.decode()
    # The link is not shown again.
    client.force_login(bob)
    assert "calendrier/" not in client.get(PROFILE).content.decode()


def test_a_wrong_regenerated_or_revoked_token_gets_404(client, bob, entries):
    first = make_link(client)
    second = make_link(client)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.get("/notifications/calendrier/" + "x" * 43 + ".ics").status_code == 404
    assert client.get("/notifications/calendrier/short.ics").status_code == 404
    client.post(PROFILE, {"action": "revoke"})
    assert client.get(second).status_code == 404


def test_an_inactive_persons_feed_is_gone(client, bob, entries):
    link = make_link(client)
    bob.is_active = False
    bob.save()
    assert client.get(link).status_code == 404
