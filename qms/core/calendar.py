"""The working-day calendar: add or count working days (jours ouvrés).

A working day is a weekday that is neither a public holiday nor a closure day of the institution. Public
holidays come from the maintained ``holidays`` package, for the country and region of the site settings
(France by default; Alsace and Moselle add Good Friday and 26 December; Belgium, with a community's day when a
community is chosen). Closure days are ``ClosureDay`` rows that the quality manager edits.

Each call loads what it needs once: the holidays of the years it touches (memoised per process, they never
change) and the closures of those years (memoised per process under the configuration's version kept in the
shared cache, ``qms.core.config_cache``, bumped whenever a closure or the site settings change, so every process
sees an edit at once). No call makes a
query per day. For many computations in a row, build one ``WorkingCalendar`` and reuse it.
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import holidays as holidays_lib
from django.conf import settings
from django.core import checks
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from qms.core import config_cache
from qms.core.choices import HOLIDAY_SUBDIVISION_ALIASES, HOLIDAY_SUBDIVISIONS, HolidayCountry

WEEKEND = frozenset({5, 6})  # Saturday, Sunday
# The days of the Belgian communities, which close the institutions they run (the holidays package lists them
# among school holidays only).
_COMMUNITY_DAYS = {
    "French": ((9, 27), _("French Community Day")),
    "Flemish": ((7, 11), _("Flemish Community Day")),
    "German": ((11, 15), _("German-speaking Community Day")),
}
# Years a calendar loads past the requested range when adding working days, so that long deadlines rarely need
# a second load.
_LOOKAHEAD_YEARS = 1


class CalendarError(ValueError):
    """A holiday country or region that the calendar does not know."""


def normalise_subdivision(country: str, subdivision: str) -> str:
    """The calendar's code for ``subdivision`` in ``country`` ("67", "Alsace-Moselle" → "6AE"), or "" for none.

    Raises ``CalendarError`` for a region that does not belong to the country.
    """
    value = (subdivision or "").strip()
    if not value:
        return ""
    known = dict(HOLIDAY_SUBDIVISIONS.get(country, []))
    if value in known:
        return value
    alias = HOLIDAY_SUBDIVISION_ALIASES.get(value.lower())
    if alias in known:
        return alias
    raise CalendarError(f"Unknown holiday region {subdivision!r} for country {country!r}.")


def holiday_language() -> str:
    """The language of holiday names that the ``holidays`` package should use for the active language."""
    return "fr" if (translation.get_language() or settings.LANGUAGE_CODE).startswith("fr") else "en_US"


@functools.lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str, year: int, language: str = "en_US") -> dict[datetime.date, str]:
    """The public holidays of one year, with their names in ``language`` ("fr" or "en_US")."""
    if country not in HolidayCountry.values:
        raise CalendarError(f"Unknown holiday country {country!r}.")
    subdivision = normalise_subdivision(country, subdivision)
    if country == HolidayCountry.BELGIUM:
        days = dict(holidays_lib.country_holidays("BE", years=year, language=language))
        if subdivision in _COMMUNITY_DAYS:
            (month, day), name = _COMMUNITY_DAYS[subdivision]
            with translation.override("fr" if language == "fr" else "en"):
                days.setdefault(datetime.date(year, month, day), str(name))
        return days
    return dict(holidays_lib.country_holidays(country, subdiv=subdivision or None, years=year, language=language))


def invalidate_calendar() -> None:
    """Forget the memoised closures everywhere (called when closures or the site settings change): a new version
    of the configuration."""
    config_cache.bump()


def _version() -> str:
    return config_cache.version()


_closures_lock = threading.Lock()
_closures_memo: dict[tuple[str, int], dict[datetime.date, str]] = {}


def closures_of_years(years: list[int], *, version: str | None = None) -> dict[int, dict[datetime.date, str]]:
    """The closure days of each of ``years`` with their labels, memoised per process until closures change.

    The years not memoised yet are read in one query.
    """
    version = version or _version()
    found: dict[int, dict[datetime.date, str]] = {}
    with _closures_lock:
        for year in years:
            if (version, year) in _closures_memo:
                found[year] = _closures_memo[(version, year)]
    missing = sorted(set(years) - set(found))
    if not missing:
        return found
    from qms.core.models import ClosureDay

    first, last = datetime.date(missing[0], 1, 1), datetime.date(missing[-1], 12, 31)
    loaded: dict[int, dict[datetime.date, str]] = {year: {} for year in missing}
    for start, end, label in ClosureDay.objects.filter(start_date__lte=last, end_date__gte=first).values_list(
        "start_date", "end_date", "label"
    ):
        day = max(start, first)
        while day <= min(end, last):
            if day.year in loaded:
                loaded[day.year].setdefault(day, label)
            day += datetime.timedelta(days=1)
    with _closures_lock:
        # Drop the entries of older versions, so that the memo does not grow with every edit.
        for stale in [key for key in _closures_memo if key[0] != version]:
            del _closures_memo[stale]
        for year, days in loaded.items():
            _closures_memo[(version, year)] = days
    found.update(loaded)
    return found


def _as_date(day: datetime.date | datetime.datetime) -> datetime.date:
    """A date; an aware datetime is read in the local time zone (a request filed on Friday 23:30 is Friday's)."""
    if isinstance(day, datetime.datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return day


@dataclass(frozen=True)
class NonWorkingDay:
    """Why a day is not worked."""

    day: datetime.date
    kind: str  # "weekend", "holiday" or "closure"
    label: str


class WorkingCalendar:
    """Working days for one country and region, with the institution's closures; loads each year once."""

    def __init__(self, *, country: str | None = None, subdivision: str | None = None) -> None:
        if country is None:
            from qms.core.models import SiteSettings

            site = SiteSettings.get()
            country, subdivision = site.holidays_country, site.holidays_subdivision
        self.country = country or settings.HOLIDAYS_COUNTRY
        self.subdivision = normalise_subdivision(self.country, subdivision or "")
        self._version = _version()
        self._language = holiday_language()
        self._holidays: dict[datetime.date, str] = {}
        self._closures: dict[datetime.date, str] = {}
        self._years: set[int] = set()

    def __repr__(self) -> str:
        return f"<WorkingCalendar {self.country} {self.subdivision or '-'}>"

    def _load(self, first_year: int, last_year: int) -> None:
        missing = [year for year in range(first_year, last_year + 1) if year not in self._years]
        if not missing:
            return
        for year, closures in closures_of_years(missing, version=self._version).items():
            self._holidays.update(public_holidays(self.country, self.subdivision, year, self._language))
            self._closures.update(closures)
            self._years.add(year)

    def preload(self, start: datetime.date, end: datetime.date) -> WorkingCalendar:
        """Load the years from ``start`` to ``end`` now (otherwise each year loads when first touched)."""
        start, end = _as_date(start), _as_date(end)
        self._load(min(start, end).year, max(start, end).year)
        return self

    # --- Single days -----------------------------------------------------------------------------------------
    def non_working_reason(self, day: datetime.date) -> NonWorkingDay | None:
        """Why ``day`` is not a working day, or None when it is one."""
        day = _as_date(day)
        self._load(day.year, day.year)
        if day in self._holidays:
            return NonWorkingDay(day, "holiday", self._holidays[day])
        if day in self._closures:
            return NonWorkingDay(day, "closure", self._closures[day])
        if day.weekday() in WEEKEND:
            return NonWorkingDay(day, "weekend", str(_("Weekend")))
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        day = _as_date(day)
        if day.weekday() in WEEKEND:
            return False
        self._load(day.year, day.year)
        return day not in self._holidays and day not in self._closures

    # --- Ranges ----------------------------------------------------------------------------------------------
    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted); before it when
        ``days`` is negative; ``start`` itself when ``days`` is 0."""
        day = _as_date(start)
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        # Roughly 250 working days a year: load enough years at once to avoid a load inside the loop.
        span = remaining // 200 + _LOOKAHEAD_YEARS
        self._load(min(day.year, day.year + step * span), max(day.year, day.year + step * span))
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days after ``start`` up to and including ``end``; 0 when ``end <= start``.

        So ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        return sum(1 for _day in self._iter_working_days(start + datetime.timedelta(days=1), end))

    def working_days_in(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The working days from ``start`` to ``end``, both included, in order; empty when ``end < start``."""
        start, end = _as_date(start), _as_date(end)
        return list(self._iter_working_days(start, end))

    def non_working_days_in(self, start: datetime.date, end: datetime.date) -> list[NonWorkingDay]:
        """The holidays and closure days from ``start`` to ``end`` (weekends left out), for display."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return []
        self._load(start.year, end.year)
        found = []
        day = start
        while day <= end:
            reason = self.non_working_reason(day)
            if reason is not None and reason.kind != "weekend":
                found.append(reason)
            day += datetime.timedelta(days=1)
        return found

    def _iter_working_days(self, start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
        if end < start:
            return
        self._load(start.year, end.year)
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += datetime.timedelta(days=1)


# --- The module-level helpers: one calendar per call, from the site settings -------------------------------
def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a weekday that is neither a public holiday nor a closure day."""
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The due date ``days`` working days after ``start`` (``start`` itself not counted)."""
    return WorkingCalendar().add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; 0 when ``end <= start``."""
    return WorkingCalendar().working_days_between(start, end)


def working_days_in(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The working days from ``start`` to ``end``, both included."""
    return WorkingCalendar().working_days_in(start, end)


@checks.register(checks.Tags.compatibility)
def check_holiday_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """HOLIDAYS_SUBDIVISION must name a region of HOLIDAYS_COUNTRY, so that a typo stops the start-up."""
    try:
        normalise_subdivision(settings.HOLIDAYS_COUNTRY, settings.HOLIDAYS_SUBDIVISION)
    except CalendarError:
        known = ", ".join(code for code, _label in HOLIDAY_SUBDIVISIONS.get(settings.HOLIDAYS_COUNTRY, []))
        return [
            checks.Error(
                f"HOLIDAYS_SUBDIVISION={settings.HOLIDAYS_SUBDIVISION!r} is not a region of "
                f"HOLIDAYS_COUNTRY={settings.HOLIDAYS_COUNTRY!r}.",
                hint=f"Use one of: {known} (or 67, 68 or Alsace-Moselle for Alsace), or leave it empty.",
                id="core.E101",
            )
        ]
    return []
