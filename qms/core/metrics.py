"""The metric registry: named, computable measures that apps register and that indicators, the dashboard
and the management review read without importing the app that computes them.

An app registers its metrics in ``AppConfig.ready()`` (importing its ``metrics`` module)::

    @metrics.register("complaints.handled_rate", label=_("Requests taken in charge"),
                      unit=MetricUnit.PERCENT, direction=Direction.HIGHER_IS_BETTER)
    def handled_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None: ...

``unit_ids`` is None for the whole institution, else the ids of the units asked for and all their sub-units.
A metric returns None when it cannot be computed: no data, or too few answers to be shown.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricUnit(models.TextChoices):
    PERCENT = "percent", "%"
    COUNT = "count", _("count")
    DAYS = "days", _("days")
    SCORE = "score", _("score")


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


# Academic years start on the 1st of September unless a caller says otherwise.
ACADEMIC_YEAR_START_MONTH = 9


@dataclass(frozen=True)
class Period:
    """A closed range of dates, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month."""
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """A calendar quarter, 1 (January–March) to 4 (October–December)."""
        if not 1 <= quarter <= 4:
            raise ValueError("A quarter is numbered 1 to 4.")
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def academic_year(cls, start_year: int, *, start_month: int = ACADEMIC_YEAR_START_MONTH) -> Period:
        """The academic year that starts on the 1st of ``start_month`` of ``start_year`` (September by default):
        ``Period.academic_year(2025)`` is 1 September 2025 to 31 August 2026."""
        start = date(start_year, start_month, 1)
        return cls(start, date(start_year + 1, start_month, 1) - timedelta(days=1))

    @classmethod
    def month_of(cls, day: date) -> Period:
        return cls.month(day.year, day.month)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def year_of(cls, day: date) -> Period:
        return cls.year(day.year)

    @classmethod
    def academic_year_of(cls, day: date, *, start_month: int = ACADEMIC_YEAR_START_MONTH) -> Period:
        """The academic year that ``day`` falls in."""
        return cls.academic_year(day.year if day.month >= start_month else day.year - 1, start_month=start_month)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class MetricValue:
    """A computed value with what it was computed from (numerator and denominator when it is a ratio)."""

    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    extra: dict | None = None

    @classmethod
    def ratio(
        cls,
        numerator: float | int,
        denominator: float | int,
        *,
        percent: bool = True,
        minimum: int = 1,
        **extra,
    ) -> MetricValue | None:
        """A ratio, or None when the denominator is zero or below ``minimum`` (too few answers to show)."""
        if not denominator or denominator < minimum:
            return None
        num, den = Decimal(str(numerator)), Decimal(str(denominator))
        value = num / den * (100 if percent else 1)
        return cls(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), num, den, extra or None)

    @classmethod
    def count(cls, value: int, **extra) -> MetricValue:
        """A plain count (requests received, councils held …)."""
        return cls(Decimal(value), extra=extra or None)

    @classmethod
    def mean(cls, values: Iterable[float | int | Decimal], *, minimum: int = 1, **extra) -> MetricValue | None:
        """The mean of ``values`` (a satisfaction score …), with their sum and count; None below ``minimum``."""
        data = [Decimal(str(v)) for v in values if v is not None]
        if not data or len(data) < minimum:
            return None
        total, size = sum(data, Decimal(0)), Decimal(len(data))
        return cls((total / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), total, size, extra or None)

    @classmethod
    def median(cls, values: Iterable[float | int | Decimal], *, minimum: int = 1, **extra) -> MetricValue | None:
        """The median of ``values`` (days to answer …), with their count as denominator; None below ``minimum``."""
        data = sorted(Decimal(str(v)) for v in values if v is not None)
        if not data or len(data) < minimum:
            return None
        middle = len(data) // 2
        value = data[middle] if len(data) % 2 else (data[middle - 1] + data[middle]) / 2
        return cls(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), None, Decimal(len(data)), extra or None)


MetricFunction = Callable[[Period, "list[int] | None"], "MetricValue | None"]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    direction: str
    function: MetricFunction
    description: str = ""

    def compute(self, period: Period, unit_ids: list[int] | None = None) -> MetricValue | None:
        return self.function(period, unit_ids)


class MetricRegistry:
    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}

    def register(
        self, key: str, *, label: str, unit: str, direction: str = Direction.HIGHER_IS_BETTER, description: str = ""
    ) -> Callable[[MetricFunction], MetricFunction]:
        if unit not in MetricUnit.values:
            raise ValueError(f"Unknown metric unit {unit!r} for {key}.")

        def decorator(function: MetricFunction) -> MetricFunction:
            if key in self._metrics and self._metrics[key].function is not function:
                raise ValueError(f"Metric {key} is registered twice.")
            self._metrics[key] = Metric(key, label, unit, direction, function, description)
            return function

        return decorator

    def unregister(self, key: str) -> None:
        self._metrics.pop(key, None)

    def get(self, key: str) -> Metric:
        try:
            return self._metrics[key]
        except KeyError:
            raise KeyError(f"No metric is registered as {key!r}.") from None

    def __contains__(self, key: str) -> bool:
        return key in self._metrics

    def all(self) -> list[Metric]:
        return sorted(self._metrics.values(), key=lambda m: m.key)

    def choices(self) -> list[tuple[str, str]]:
        return [(m.key, f"{m.label} ({m.key})") for m in self.all()]

    def compute(self, key: str, period: Period, units: Iterable | None = None) -> MetricValue | None:
        """Compute ``key`` over ``period`` for ``units`` (org units or their ids, sub-units included)."""
        return self.get(key).compute(period, expand_units(units))


def expand_units(units: Iterable | None) -> list[int] | None:
    """The ids of ``units`` and of all their sub-units; None (everything) when ``units`` is None.

    An empty selection stays empty: a caller with no unit (a referent of none, say) must not get the figures of
    the whole institution."""
    if units is None:
        return None
    from qms.core.models import OrgUnit

    ids = [getattr(u, "pk", u) for u in units]
    paths = list(OrgUnit.objects.filter(pk__in=ids).values_list("path", flat=True)) if ids else []
    if not paths:
        return []
    query = models.Q()
    for path in paths:
        query |= models.Q(path__startswith=path)
    return list(OrgUnit.objects.filter(query).values_list("pk", flat=True))


registry = MetricRegistry()
register = registry.register
compute = registry.compute
