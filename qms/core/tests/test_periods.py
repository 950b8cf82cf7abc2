"""``Period`` constructors: a month, a quarter, an academic year, and the period a day falls in."""

from __future__ import annotations

import datetime as dt

import pytest

from qms.core.metrics import Period


def test_a_month_ends_on_its_last_day_leap_years_included():
    assert Period.month(2024, 2) == Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert Period.month(2025, 2).end == dt.date(2025, 2, 28)
    assert Period.month(2025, 12) == Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31))


def test_quarters_are_numbered_one_to_four():
    assert Period.quarter(2025, 1) == Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert Period.quarter(2025, 4) == Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValueError):
        Period.quarter(2025, 5)


def test_an_academic_year_runs_from_september_to_august_unless_told_otherwise():
    assert Period.academic_year(2025) == Period(dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    assert Period.academic_year(2025, start_month=10) == Period(dt.date(2025, 10, 1), dt.date(2026, 9, 30))


@pytest.mark.parametrize(
    ("day", "month", "quarter", "academic"),
    [
        (dt.date(2025, 8, 31), (2025, 8), (2025, 3), 2024),
        (dt.date(2025, 9, 1), (2025, 9), (2025, 3), 2025),
        (dt.date(2026, 1, 15), (2026, 1), (2026, 1), 2025),
    ],
)
def test_the_period_a_day_falls_in(day, month, quarter, academic):
    assert Period.month_of(day) == Period.month(*month)
    assert Period.quarter_of(day) == Period.quarter(*quarter)
    assert Period.academic_year_of(day) == Period.academic_year(academic)
    assert Period.year_of(day) == Period.year(day.year)
    assert day in Period.month_of(day) and day in Period.academic_year_of(day)
