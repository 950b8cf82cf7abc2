"""The action plans' reminders: thresholds with time frozen, routing, escalation, effectiveness checks."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from actionplans.choices import ActionStatus
from actionplans.models import EffectivenessCheck
from actionplans.tests.factories import ActionFactory, ActionPlanFactory
from qms.core.factories import UserFactory
from qms.notifications.models import ReminderClaim
from qms.notifications.services import render_outbox_email, send_reminders

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 5, 29)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone(datetime.UTC), tick=False)


def sent(kind: str | None = None):
    claims = ReminderClaim.objects.order_by("pk")
    if kind:
        claims = claims.filter(kind=kind)
    return [(c.kind, c.recipient.username, c.threshold) for c in claims.select_related("recipient")]


@pytest.fixture
def people(quality_manager):
    return {
        "owner": UserFactory(username="owner", email="owner@example.edu"),
        "plan_owner": UserFactory(username="plan-owner", email="po@example.edu"),
        "qm": quality_manager,
    }


@pytest.fixture
def plan(people):
    return ActionPlanFactory(owner=people["plan_owner"])


@pytest.mark.parametrize(
    ("days_before", "threshold"),
    [(15, None), (14, 14), (8, 14), (7, 7), (1, 1), (0, 1), (-1, -1)],
)
def test_an_action_is_reminded_to_its_owner_at_its_thresholds(plan, people, days_before, threshold):
    ActionFactory(plan=plan, owner=people["owner"], deadline=DUE)
    with at(DUE - datetime.timedelta(days=days_before)):
        send_reminders()
    assert sent("action-deadline") == ([] if threshold is None else [("action-deadline", "owner", threshold)])


def test_each_threshold_once_on_a_rerun(plan, people):
    ActionFactory(plan=plan, owner=people["owner"], deadline=DUE)
    for day in (DUE - datetime.timedelta(days=7), DUE - datetime.timedelta(days=7), DUE - datetime.timedelta(days=6)):
        with at(day):
            send_reminders()
    assert sent() == [("action-deadline", "owner", 7)]


def test_an_owner_label_or_an_inactive_owner_reminds_the_plan_owner_else_the_quality_manager(plan, people):
    ActionFactory(plan=plan, owner=None, owner_label="Service scolarité", deadline=DUE)
    ActionFactory(plan=plan, owner=UserFactory(username="gone", is_active=False), deadline=DUE)
    ActionFactory(plan=ActionPlanFactory(owner=None), owner=None, owner_label="Someone", deadline=DUE)
    with at(DUE - datetime.timedelta(days=1)):
        send_reminders()
    assert sorted(sent()) == sorted(
        [
            ("action-deadline", people["qm"].username, 1),
            ("action-deadline", "plan-owner", 1),
            ("action-deadline", "plan-owner", 1),
        ]
    )


def test_late_by_more_than_14_days_escalates_to_the_plan_owner_and_the_quality_manager(plan, people):
    ActionFactory(plan=plan, owner=people["owner"], deadline=DUE)
    with at(DUE + datetime.timedelta(days=14)):
        send_reminders()
    assert sent("action-escalation") == []
    with at(DUE + datetime.timedelta(days=15)):
        send_reminders()
    assert sorted(sent("action-escalation")) == sorted(
        [("action-escalation", people["qm"].username, -15), ("action-escalation", "plan-owner", -15)]
    )
    # The owner's overdue reminder went once, the day after the deadline.
    assert sent("action-deadline") == [("action-deadline", "owner", -1)]


def test_done_and_cancelled_actions_are_not_reminded(plan, people):
    ActionFactory(plan=plan, owner=people["owner"], deadline=DUE, status=ActionStatus.DONE)
    ActionFactory(plan=plan, owner=people["owner"], deadline=DUE, status=ActionStatus.CANCELLED)
    with at(DUE):
        send_reminders()
    assert sent() == []


def test_an_effectiveness_check_is_reminded_until_recorded(plan, people):
    action = ActionFactory(plan=plan, owner=people["owner"], status=ActionStatus.DONE, effectiveness_due=DUE)
    recorded = ActionFactory(plan=plan, owner=people["owner"], status=ActionStatus.DONE, effectiveness_due=DUE)
    EffectivenessCheck.objects.create(action=recorded, result="effective")
    with at(DUE - datetime.timedelta(days=8)):
        send_reminders()
    assert sent() == []
    with at(DUE - datetime.timedelta(days=7)):
        send_reminders()
    with at(DUE + datetime.timedelta(days=1)):
        send_reminders()
    assert sent() == [("action-effectiveness", "owner", 7), ("action-effectiveness", "owner", -1)]
    assert {c.object_id for c in ReminderClaim.objects.all()} == {action.pk}


def test_an_overdue_action_goes_at_once_and_a_coming_one_into_the_digest(plan, people, mailoutbox):
    from qms.notifications.models import OutboxEmail

    late = ActionFactory(plan=plan, owner=people["owner"], deadline=DUE, title="Repaint")
    soon = ActionFactory(plan=plan, owner=people["owner"], deadline=DUE + datetime.timedelta(days=7))
    with at(DUE + datetime.timedelta(days=1)):
        send_reminders()
    [alone] = OutboxEmail.objects.filter(kind="reminder")
    assert alone.object_id == late.pk and f"/plans/actions/{late.pk}/" in render_outbox_email(alone).body_text
    [digest] = OutboxEmail.objects.filter(kind="reminder-digest")
    assert (
        soon.reference in render_outbox_email(digest).body_text
        and late.reference not in render_outbox_email(digest).body_text
    )
