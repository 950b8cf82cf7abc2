"""The periods an indicator is measured over, by frequency: months, quarters, years, academic years."""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from processes.choices import IndicatorFrequency
from qms.core.metrics import Period


def period_of(frequency: str, day: datetime.date) -> Period:
    """The period of ``frequency`` that ``day`` falls in."""
    if frequency == IndicatorFrequency.MONTHLY:
        return Period.month_of(day)
    if frequency == IndicatorFrequency.QUARTERLY:
        return Period.quarter_of(day)
    if frequency == IndicatorFrequency.ACADEMIC_YEAR:
        return Period.academic_year_of(day)
    return Period.year_of(day)


def next_period(frequency: str, period: Period) -> Period:
    return period_of(frequency, period.end + datetime.timedelta(days=1))


def previous_period(frequency: str, period: Period) -> Period:
    return period_of(frequency, period.start - datetime.timedelta(days=1))


def periods_between(frequency: str, start: datetime.date, end: datetime.date) -> list[Period]:
    """The periods of ``frequency`` from the one holding ``start`` to the one holding ``end``, in order."""
    if end < start:
        return []
    periods = [period_of(frequency, start)]
    while periods[-1].end < end:
        periods.append(next_period(frequency, periods[-1]))
    return periods


def closed_periods(frequency: str, *, since: datetime.date, today: datetime.date) -> list[Period]:
    """The periods that started on or after ``since`` and ended before ``today``."""
    last_closed = previous_period(frequency, period_of(frequency, today))
    first = period_of(frequency, since)
    if first.start < since:
        first = next_period(frequency, first)
    return periods_between(frequency, first.start, last_closed.end) if first.start <= last_closed.end else []


def period_label(frequency: str, period: Period | tuple[datetime.date, datetime.date]) -> str:
    """A period as people name it: "mars 2025", "T1 2025", "2025", "2025-2026"."""
    start, end = (period.start, period.end) if isinstance(period, Period) else period
    if frequency == IndicatorFrequency.MONTHLY:
        return formats.date_format(start, "YEAR_MONTH_FORMAT")
    if frequency == IndicatorFrequency.QUARTERLY:
        return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
    if frequency == IndicatorFrequency.ACADEMIC_YEAR:
        return f"{start.year}-{end.year}"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"


def periods_to_measure(
    frequency: str, *, tracked_from: datetime.date, today: datetime.date, window: datetime.timedelta
) -> list[Period]:
    """The closed periods an indicator tracked from ``tracked_from`` is measured over, among those that ended within
    ``window`` before ``today`` (a year's period that ended last month counts, whenever it started)."""
    oldest_end = today - window
    # No period that ends within the window starts more than a year (and a little) before it.
    since = max(tracked_from, oldest_end - datetime.timedelta(days=400))
    return [period for period in closed_periods(frequency, since=since, today=today) if period.end >= oldest_end]
