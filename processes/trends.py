"""Indicator figures: the target in force for a period, the traffic light, the rows of a list and the trend chart.

A target applies from a date onward, so that a new target does not recolour the history: each measurement is
judged against the target in force when its period started.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from processes.choices import LIGHT_BADGES, LightState
from processes.models import Indicator, IndicatorTarget, Measurement
from processes.periods import period_label, periods_between
from qms.core import charts
from qms.core.metrics import Direction, MetricUnit


def target_for(targets: Sequence[IndicatorTarget], day) -> IndicatorTarget | None:
    """The target in force on ``day`` (the start of a period): the last one that applies from it or before."""
    current = None
    for target in sorted(targets, key=lambda t: t.applies_from):
        if target.applies_from <= day:
            current = target
        else:
            break
    return current


def light(value: Decimal | None, target: IndicatorTarget | None, direction: str) -> str:
    """Green on target; amber between the target and the alert threshold; red past the threshold (or off target
    with no threshold); grey with no value or no target."""
    if value is None or target is None:
        return LightState.GREY
    lower = direction == Direction.LOWER_IS_BETTER

    def reaches(limit: Decimal) -> bool:
        return value <= limit if lower else value >= limit

    if reaches(target.target):
        return LightState.GREEN
    if target.alert_threshold is not None and reaches(target.alert_threshold):
        return LightState.AMBER
    return LightState.RED


def unit_symbol(unit: str) -> str:
    """What follows a figure: "%", "jours", "" for a count or a score."""
    if unit == MetricUnit.PERCENT:
        return "%"
    if unit == MetricUnit.DAYS:
        return str(MetricUnit.DAYS.label)
    return ""


def format_measure(value: Decimal | None, unit: str) -> str:
    return charts.format_value(value, unit_symbol(unit)) if value is not None else _("no value")


@dataclass
class IndicatorRow:
    """An indicator as a list shows it: its latest measurement, the target in force then, and the light."""

    indicator: Indicator
    latest: Measurement | None
    target: IndicatorTarget | None
    state: str

    @property
    def badge(self) -> str:
        return LIGHT_BADGES.get(self.state, "secondary")

    @property
    def state_label(self) -> str:
        return str(LightState(self.state).label)

    @property
    def light_svg(self) -> SafeString:
        return charts.traffic_light(self.state, title=self.indicator.name, label=self.state_label)

    @property
    def latest_text(self) -> str:
        return format_measure(self.latest.value, self.indicator.unit) if self.latest else "—"

    @property
    def latest_period(self) -> str:
        if self.latest is None:
            return ""
        return period_label(self.indicator.frequency, (self.latest.period_start, self.latest.period_end))

    @property
    def target_text(self) -> str:
        return format_measure(self.target.target, self.indicator.unit) if self.target else "—"


def with_latest(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """``indicators`` with ``latest_id`` (their latest measurement) and their targets: two queries for any number."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period_start").values("pk")[:1]
    return indicators.annotate(latest_id=Subquery(latest)).prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("applies_from"))
    )


def indicator_rows(indicators: Iterable[Indicator]) -> list[IndicatorRow]:
    """Rows for indicators loaded through ``with_latest``: one more query for their latest measurements."""
    indicators = list(indicators)
    ids = [i.latest_id for i in indicators if getattr(i, "latest_id", None)]
    latest = Measurement.objects.in_bulk(ids) if ids else {}
    rows = []
    for indicator in indicators:
        measurement = latest.get(getattr(indicator, "latest_id", None))
        target = target_for(list(indicator.targets.all()), measurement.period_start) if measurement else None
        state = light(measurement.value if measurement else None, target, indicator.direction)
        rows.append(IndicatorRow(indicator, measurement, target, state))
    return rows


@dataclass
class MeasurementRow:
    measurement: Measurement
    label: str
    target: IndicatorTarget | None
    state: str

    @property
    def badge(self) -> str:
        return LIGHT_BADGES.get(self.state, "secondary")

    @property
    def state_label(self) -> str:
        return str(LightState(self.state).label)


def measurement_rows(indicator: Indicator, measurements: Sequence[Measurement]) -> list[MeasurementRow]:
    targets = list(indicator.targets.all())
    rows = []
    for measurement in measurements:
        target = target_for(targets, measurement.period_start)
        rows.append(
            MeasurementRow(
                measurement,
                period_label(indicator.frequency, (measurement.period_start, measurement.period_end)),
                target,
                light(measurement.value, target, indicator.direction),
            )
        )
    return rows


def trend_chart(indicator: Indicator, rows: Sequence[MeasurementRow], *, width: int = 640) -> SafeString:
    """The measurements over time, from the first period measured to the last: a gap where a period has no value or
    no measurement (never a 0), the target in force as a second line when it changed, and the current target as the
    dashed line."""
    by_start = {row.measurement.period_start: row for row in rows}
    periods = periods_between(indicator.frequency, min(by_start), max(by_start)) if by_start else []
    targets_all = list(indicator.targets.all())
    labels, values, targets = [], [], []
    for period in periods:
        row = by_start.get(period.start)
        labels.append(row.label if row else period_label(indicator.frequency, period))
        values.append(row.measurement.value if row else None)
        target = row.target if row else target_for(targets_all, period.start)
        targets.append(target.target if target else None)
    series = [(indicator.name, values)]
    if len({t for t in targets if t is not None}) > 1:
        series.append((_("Target in force"), targets))
    current = next((t for t in reversed(targets) if t is not None), None)
    return charts.line_chart(
        labels,
        series,
        title=_("Trend of %(indicator)s") % {"indicator": indicator.name},
        unit=unit_symbol(indicator.unit),
        target=current,
        width=width,
    )
