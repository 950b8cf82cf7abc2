"""The metrics registered by the action plans, computed with the clock frozen."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from actionplans import services
from actionplans.choices import ActionStatus
from qms.core import metrics
from qms.core.metrics import Period

YEAR = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2025, 9, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _done(action, by, on):
    return services.action_transition(action=action, to=ActionStatus.DONE, by=by, completed_on=on)


def test_both_metrics_are_registered():
    assert "actionplans.on_time_rate" in metrics.registry
    assert "actionplans.completion_rate" in metrics.registry


def test_on_time_rate_counts_the_actions_due_in_the_period_done_by_their_deadline(
    make_action, plan, quality_manager, org
):
    by = quality_manager
    _done(make_action(title="à temps", deadline=datetime.date(2025, 3, 1)), by, datetime.date(2025, 2, 20))
    _done(make_action(title="le jour même", deadline=datetime.date(2025, 4, 1)), by, datetime.date(2025, 4, 1))
    _done(make_action(title="en retard", deadline=datetime.date(2025, 5, 1)), by, datetime.date(2025, 5, 20))
    make_action(title="toujours ouverte", deadline=datetime.date(2025, 6, 1))
    make_action(title="pas encore due", deadline=datetime.date(2025, 11, 1))
    cancelled = make_action(title="annulée", deadline=datetime.date(2025, 2, 1))
    services.action_transition(action=cancelled, to=ActionStatus.CANCELLED, by=by, note="doublon")
    make_action(title="hors période", deadline=datetime.date(2024, 12, 31))
    value = metrics.compute("actionplans.on_time_rate", YEAR)
    assert (value.numerator, value.denominator, value.value) == (Decimal(2), Decimal(4), Decimal("50.0"))


def test_on_time_rate_follows_the_units_asked_for(make_action, quality_manager, org):
    letters_plan = services.plan_create(title="Lettres", org_unit=org.letters, by=quality_manager)
    _done(make_action(title="sciences", deadline=datetime.date(2025, 3, 1)), quality_manager, datetime.date(2025, 3, 1))
    make_action(plan=letters_plan, title="lettres", deadline=datetime.date(2025, 3, 1))
    make_action(plan=letters_plan, title="physique", org_unit=org.physics, deadline=datetime.date(2025, 3, 1))
    assert metrics.compute("actionplans.on_time_rate", YEAR, [org.sciences]).value == Decimal("50.0")
    assert metrics.compute("actionplans.on_time_rate", YEAR, [org.letters]).value == Decimal("0.0")
    assert metrics.compute("actionplans.on_time_rate", YEAR, [org.institution]).denominator == 3
    assert metrics.compute("actionplans.on_time_rate", YEAR).denominator == 3


def test_no_action_due_means_no_value(db):
    assert metrics.compute("actionplans.on_time_rate", YEAR) is None
    assert metrics.compute("actionplans.completion_rate", YEAR) is None


def test_completion_rate_is_done_over_all_but_the_cancelled(make_action, quality_manager):
    by = quality_manager
    _done(make_action(title="faite"), by, datetime.date(2025, 9, 1))
    make_action(title="en cours")
    make_action(title="prévue")
    cancelled = make_action(title="annulée")
    services.action_transition(action=cancelled, to=ActionStatus.CANCELLED, by=by, note="doublon")
    value = metrics.compute("actionplans.completion_rate", YEAR)
    assert (value.numerator, value.denominator) == (Decimal(1), Decimal(3))
    assert value.value == Decimal("33.3")


def test_completion_rate_at_the_end_of_an_earlier_period(make_action, quality_manager):
    with time_machine.travel(datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        early = make_action(title="ancienne")
    _done(early, quality_manager, datetime.date(2025, 2, 1))
    make_action(title="récente")
    value = metrics.compute("actionplans.completion_rate", Period.year(2024))
    assert (value.numerator, value.denominator) == (Decimal(0), Decimal(1))
