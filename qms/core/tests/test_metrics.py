"""The metric registry: apps register named metrics that indicators, the dashboard and the review compute."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qms.core import metrics
from qms.core.factories import ProgrammeFactory
from qms.core.metrics import Direction, MetricRegistry, MetricUnit, MetricValue, Period, expand_units
from qms.core.models import Programme


@pytest.fixture
def registry():
    """A registry of its own, so that the test neither sees nor leaves other apps' metrics."""
    return MetricRegistry()


@pytest.fixture
def programme_share(registry):
    """A metric over real rows: the share of active programmes among the programmes of the units asked for."""

    @registry.register(
        "core.active_programmes_rate",
        label="Active programmes",
        unit=MetricUnit.PERCENT,
        direction=Direction.HIGHER_IS_BETTER,
    )
    def active_programmes_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
        rows = Programme.objects.all()
        if unit_ids is not None:
            rows = rows.filter(org_unit_id__in=unit_ids)
        return MetricValue.ratio(rows.filter(is_active=True).count(), rows.count())

    return active_programmes_rate


YEAR = Period.year(2026)


def test_a_registered_metric_is_listed_and_computed(registry):
    calls = []

    @registry.register("demo.count", label="Demo", unit=MetricUnit.COUNT)
    def count(period, unit_ids):
        calls.append((period, unit_ids))
        return MetricValue(Decimal(7))

    assert "demo.count" in registry
    assert [m.key for m in registry.all()] == ["demo.count"]
    assert registry.choices() == [("demo.count", "Demo (demo.count)")]
    assert registry.get("demo.count").direction == Direction.HIGHER_IS_BETTER
    assert registry.compute("demo.count", YEAR) == MetricValue(Decimal(7))
    assert calls == [(YEAR, None)]


@pytest.mark.django_db
def test_a_metric_computes_from_the_data(registry, programme_share, org):
    ProgrammeFactory(org_unit=org.physics)
    ProgrammeFactory(org_unit=org.physics, is_active=False)
    ProgrammeFactory(org_unit=org.letters)
    ProgrammeFactory(org_unit=org.letters)
    value = registry.compute("core.active_programmes_rate", YEAR)
    assert value.value == Decimal("75.0")
    assert (value.numerator, value.denominator) == (Decimal(3), Decimal(4))


@pytest.mark.django_db
def test_a_metric_with_no_data_is_none(registry, programme_share):
    assert registry.compute("core.active_programmes_rate", YEAR) is None


@pytest.mark.django_db
def test_unit_ids_are_expanded_to_sub_units(registry, programme_share, org):
    ProgrammeFactory(org_unit=org.physics, is_active=False)
    ProgrammeFactory(org_unit=org.sciences)
    ProgrammeFactory(org_unit=org.letters)
    # Sciences covers its Physics department.
    assert registry.compute("core.active_programmes_rate", YEAR, [org.sciences]).value == Decimal("50.0")
    assert registry.compute("core.active_programmes_rate", YEAR, [org.sciences.pk]).value == Decimal("50.0")
    assert registry.compute("core.active_programmes_rate", YEAR, [org.letters]).value == Decimal("100.0")
    assert registry.compute("core.active_programmes_rate", YEAR, [org.quality_service]) is None


@pytest.mark.django_db
def test_expand_units(org):
    assert set(expand_units([org.sciences])) == {org.sciences.pk, org.physics.pk}
    assert set(expand_units([org.physics.pk, org.letters.pk])) == {org.physics.pk, org.letters.pk}
    assert expand_units(None) is None
    # An empty selection, or units that do not exist, select nothing rather than everything.
    assert expand_units([]) == []
    assert expand_units([987654]) == []


def test_an_unknown_key_is_a_clear_error(registry):
    with pytest.raises(KeyError, match="complaints.nope"):
        registry.compute("complaints.nope", YEAR)
    assert "complaints.nope" not in registry


def test_a_key_cannot_be_registered_twice_by_different_functions(registry):
    registry.register("demo.x", label="X", unit=MetricUnit.COUNT)(lambda p, u: None)
    with pytest.raises(ValueError, match="twice"):
        registry.register("demo.x", label="X again", unit=MetricUnit.COUNT)(lambda p, u: None)


def test_an_unknown_unit_is_refused(registry):
    with pytest.raises(ValueError, match="unit"):
        registry.register("demo.y", label="Y", unit="furlongs")


def test_unregister(registry):
    registry.register("demo.z", label="Z", unit=MetricUnit.SCORE)(lambda p, u: None)
    registry.unregister("demo.z")
    assert "demo.z" not in registry


def test_ratio_rounds_half_up_and_refuses_an_empty_denominator():
    assert MetricValue.ratio(2, 3).value == Decimal("66.7")
    assert MetricValue.ratio(1, 8).value == Decimal("12.5")
    assert MetricValue.ratio(3, 4, percent=False).value == Decimal("0.8")
    assert MetricValue.ratio(0, 5).value == Decimal("0.0")
    assert MetricValue.ratio(5, 0) is None


def test_periods():
    assert Period.year(2026) == Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert dt.date(2026, 12, 31) in Period.year(2026)
    assert dt.date(2027, 1, 1) not in Period.year(2026)
    with pytest.raises(ValueError):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 31))


def test_the_project_registry_is_shared():
    assert metrics.register == metrics.registry.register
    assert metrics.compute == metrics.registry.compute
    for metric in metrics.registry.all():
        assert metric.unit in MetricUnit.values
        assert "." in metric.key, f"{metric.key}: keys are named <app>.<metric>"
