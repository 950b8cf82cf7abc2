"""The helpdesk's metrics in the shared registry: complaints.handled_rate, complaints.answered_on_time_rate and
complaints.satisfaction, with and without data, for the institution and for units."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.choices import ComplaintKind, ComplaintStatus, SensitiveNature
from complaints.tests.factories import ComplaintFactory
from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, Period

pytestmark = pytest.mark.django_db

S = ComplaintStatus
YEAR = Period.year(2025)
KEYS = ("complaints.handled_rate", "complaints.answered_on_time_rate", "complaints.satisfaction")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 3, 16, 10, 0)), tick=False)


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10))


def test_the_three_metrics_are_registered_as_percentages_where_higher_is_better():
    for key in KEYS:
        metric = metrics.registry.get(key)
        assert metric.unit == MetricUnit.PERCENT
        assert metric.direction == Direction.HIGHER_IS_BETTER
        assert str(metric.label)
        assert str(metric.description)


@pytest.mark.parametrize("key", KEYS)
def test_with_no_data_a_metric_cannot_be_computed(key):
    # A request of another year does not count either.
    ComplaintFactory(
        received_at=at(2024, 5, 5),
        status=S.CLOSED,
        taken_in_charge_at=at(2024, 5, 6),
        answered_at=at(2024, 5, 7),
        answer_due=datetime.date(2024, 5, 27),
        rating=5,
        rated_at=at(2024, 5, 8),
        closed_at=at(2024, 5, 20),
    )
    assert metrics.compute(key, YEAR) is None


def test_handled_rate_is_the_share_of_requests_received_that_were_taken_in_charge(org):
    ComplaintFactory(received_at=at(2025, 3, 3), status=S.IN_PROGRESS, taken_in_charge_at=at(2025, 3, 4))
    ComplaintFactory(received_at=at(2025, 4, 3), status=S.REDIRECTED, closed_at=at(2025, 4, 3))
    ComplaintFactory(
        received_at=at(2025, 5, 3),
        status=S.ANSWERED,
        taken_in_charge_at=at(2025, 5, 4),
        answered_at=at(2025, 5, 10),
        answer_due=datetime.date(2025, 5, 23),
    )
    ComplaintFactory(received_at=at(2025, 6, 3), status=S.ACKNOWLEDGED)
    ComplaintFactory(received_at=at(2025, 6, 3), status=S.SPAM)
    ComplaintFactory(received_at=at(2025, 6, 3), status=S.DUPLICATE, taken_in_charge_at=at(2025, 6, 4))

    value = metrics.compute("complaints.handled_rate", YEAR)

    assert value.value == Decimal("75.0")
    assert (value.numerator, value.denominator) == (Decimal(3), Decimal(4))


def test_answered_on_time_rate_counts_the_answers_given_in_the_period():
    ComplaintFactory(
        received_at=at(2025, 3, 3),
        status=S.CLOSED,
        answered_at=at(2025, 3, 20),
        answer_due=datetime.date(2025, 3, 24),
        closed_at=at(2025, 4, 1),
    )
    ComplaintFactory(
        received_at=at(2025, 3, 3),
        status=S.ANSWERED,
        answered_at=at(2025, 3, 28),
        answer_due=datetime.date(2025, 3, 24),
    )
    ComplaintFactory(
        received_at=at(2024, 12, 1),
        status=S.ANSWERED,
        answered_at=at(2025, 1, 6),
        answer_due=datetime.date(2025, 1, 8),
        paused_days=5,
    )

    value = metrics.compute("complaints.answered_on_time_rate", YEAR)

    assert value.value == Decimal("66.7")
    assert (value.numerator, value.denominator) == (Decimal(2), Decimal(3))


def test_satisfaction_is_the_share_of_4_and_5_with_the_mean_in_extra():
    for rating in (5, 5, 4, 3, 1):
        ComplaintFactory(
            received_at=at(2025, 2, 3),
            status=S.CLOSED,
            answered_at=at(2025, 2, 10),
            answer_due=datetime.date(2025, 2, 24),
            rating=rating,
            rated_at=at(2025, 2, 12),
            closed_at=at(2025, 2, 22),
        )

    value = metrics.compute("complaints.satisfaction", YEAR)

    assert value.value == Decimal("60.0")
    assert (value.numerator, value.denominator) == (Decimal(3), Decimal(5))
    assert value.extra == {"mean": Decimal("3.60")}


def test_units_leave_out_sensitive_requests_and_other_units(org):
    def handled(unit, **kwargs):
        return ComplaintFactory(
            received_at=at(2025, 3, 3), status=S.IN_PROGRESS, taken_in_charge_at=at(2025, 3, 4), org_unit=unit, **kwargs
        )

    handled(org.physics)
    ComplaintFactory(received_at=at(2025, 3, 3), status=S.ACKNOWLEDGED, org_unit=org.sciences)
    handled(org.sciences, sensitive_nature=SensitiveNature.SEXUAL_VIOLENCE, kind=ComplaintKind.COMPLAINT)
    handled(org.letters)

    sciences = metrics.compute("complaints.handled_rate", YEAR, [org.sciences])
    institution = metrics.compute("complaints.handled_rate", YEAR)

    assert (sciences.numerator, sciences.denominator) == (Decimal(1), Decimal(2))
    assert (institution.numerator, institution.denominator) == (Decimal(3), Decimal(4))
    assert metrics.compute("complaints.handled_rate", YEAR, [org.letters]).value == Decimal("100.0")
