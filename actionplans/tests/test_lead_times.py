"""The action plans' lead times are settings (their section of the "Paramètres" page), and the reminders follow
them, with time frozen."""

from __future__ import annotations

import datetime
import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans import reminders
from actionplans.choices import ActionStatus
from actionplans.models import ActionPlanSettings
from actionplans.tests.factories import ActionFactory, ActionPlanFactory
from qms.core.factories import UserFactory
from qms.core.tests.settings_page import URL, save_section
from qms.notifications.models import ReminderClaim
from qms.notifications.services import send_reminders

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 5, 29)


def scan(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False):
        send_reminders()


def sent(kind: str) -> list[tuple[str, int]]:
    claims = ReminderClaim.objects.filter(kind=kind).select_related("recipient").order_by("pk")
    return [(c.recipient.username, c.threshold) for c in claims]


def configure(**fields) -> None:
    settings = ActionPlanSettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()


@pytest.fixture
def owner():
    return UserFactory(username="owner", email="owner@example.edu")


@pytest.fixture
def plan(quality_manager):
    return ActionPlanFactory(owner=UserFactory(username="plan-owner", email="po@example.edu"))


def test_the_defaults_are_the_issues():
    settings = ActionPlanSettings.get()
    assert settings.action_reminder_days == [14, 7, 1]
    assert settings.escalate_after_days == 14
    assert settings.effectiveness_reminder_days == [7]


def test_an_action_is_reminded_at_the_lead_times_set(plan, owner):
    configure(action_reminder_days=[21, 3])
    ActionFactory(plan=plan, owner=owner, deadline=DUE)
    scan(DUE - datetime.timedelta(days=22))
    assert sent("action-deadline") == []
    scan(DUE - datetime.timedelta(days=21))
    scan(DUE - datetime.timedelta(days=14))  # the default 14 is no longer a threshold
    scan(DUE - datetime.timedelta(days=3))
    scan(DUE + datetime.timedelta(days=1))
    assert sent("action-deadline") == [("owner", 21), ("owner", 3), ("owner", -1)]


def test_a_late_action_escalates_after_the_days_set(plan, owner, quality_manager):
    configure(escalate_after_days=3)
    ActionFactory(plan=plan, owner=owner, deadline=DUE)
    scan(DUE + datetime.timedelta(days=3))
    assert sent("action-escalation") == []
    scan(DUE + datetime.timedelta(days=4))
    assert sorted(sent("action-escalation")) == sorted([(quality_manager.username, -4), ("plan-owner", -4)])
    items = reminders.action_escalations(DUE + datetime.timedelta(days=4))
    labels = {str(item.context["item_label"]) for item in items}
    assert labels == {"Action late by more than 3 days"}


def test_an_effectiveness_check_is_reminded_at_the_lead_times_set(plan, owner):
    configure(effectiveness_reminder_days=[10, 2])
    ActionFactory(plan=plan, owner=owner, status=ActionStatus.DONE, effectiveness_due=DUE)
    scan(DUE - datetime.timedelta(days=11))
    scan(DUE - datetime.timedelta(days=10))
    scan(DUE - datetime.timedelta(days=7))
    scan(DUE - datetime.timedelta(days=2))
    assert sent("action-effectiveness") == [("owner", 10), ("owner", 2)]


def test_the_settings_are_read_once_per_scan_not_per_action(plan, owner):
    """The provider's queries do not grow with the number of actions (the settings come from the cache once)."""
    ActionFactory(plan=plan, owner=owner, deadline=DUE)
    ActionPlanSettings.get()  # warm the cache, as every scan after the first finds it
    today = DUE - datetime.timedelta(days=1)
    with CaptureQueriesContext(connection) as one:
        assert len(list(reminders.action_deadlines(today))) == 1
    for _ in range(4):
        ActionFactory(plan=plan, owner=owner, deadline=DUE)
    with CaptureQueriesContext(connection) as five:
        assert len(list(reminders.action_deadlines(today))) == 5
    assert len(five) == len(one)


def test_the_settings_page_shows_and_saves_the_lead_times(client, quality_manager):
    client.force_login(quality_manager)
    page = client.get(URL).content.decode()
    assert 'data-settings-section="actionplans"' in page and 'value="14, 7, 1"' in page
    response = save_section(client, "actionplans", action_reminder_days="3, 30,3", escalate_after_days="20")
    assert response.status_code == 302
    settings = ActionPlanSettings.get()
    assert settings.action_reminder_days == [30, 3] and settings.escalate_after_days == 20
    assert settings.updated_by == quality_manager


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("action_reminder_days", "14, soon", "Saisissez des nombres entiers de jours séparés par des virgules"),
        ("effectiveness_reminder_days", "0", "Chaque délai est d'au moins un jour."),
        ("escalate_after_days", "0", "Assurez-vous que cette valeur est supérieure ou égale à 1."),
    ],
)
def test_bad_lead_times_are_refused_with_their_message_and_nothing_is_saved(
    client, quality_manager, field, typed, message
):
    client.force_login(quality_manager)
    response = save_section(client, "actionplans", **{"escalate_after_days": "20", field: typed})
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    settings = ActionPlanSettings.load()
    assert settings.escalate_after_days == 14 and settings.action_reminder_days == [14, 7, 1]


def test_only_the_quality_manager_edits_the_section(client, referent_sciences):
    client.force_login(referent_sciences)
    assert save_section(client, "actionplans", escalate_after_days="20").status_code == 403
    assert ActionPlanSettings.load().escalate_after_days == 14
