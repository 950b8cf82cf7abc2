import datetime

import pytest
from django.utils import translation

from qms.core import calendar
from qms.core.calendar import (
    CalendarError,
    WorkingCalendar,
    add_working_days,
    is_working_day,
    normalise_subdivision,
    working_days_between,
    working_days_in,
)
from qms.core.models import ClosureDay, SiteSettings

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def alsace(db):
    site = SiteSettings.load()
    site.holidays_country, site.holidays_subdivision = "FR", "6AE"
    site.save()
    return site


@pytest.fixture
def belgium(db):
    site = SiteSettings.load()
    site.holidays_country, site.holidays_subdivision = "BE", ""
    site.save()
    return site


@pytest.fixture
def christmas_closure(db):
    return ClosureDay.objects.create(label="Fermeture de Noël", start_date=D(2025, 12, 22), end_date=D(2026, 1, 2))


def test_weekends_are_not_working_days():
    assert is_working_day(D(2025, 3, 7))  # Friday
    assert not is_working_day(D(2025, 3, 8))  # Saturday
    assert not is_working_day(D(2025, 3, 9))  # Sunday


def test_adding_working_days_skips_the_weekend():
    assert add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Friday + 1 → Monday
    assert add_working_days(D(2025, 3, 6), 2) == D(2025, 3, 10)  # Thursday + 2 → Monday
    assert add_working_days(D(2025, 3, 8), 1) == D(2025, 3, 10)  # from a Saturday, Monday is the first


def test_the_start_day_is_not_counted_and_zero_days_is_the_start():
    assert add_working_days(D(2025, 3, 10), 1) == D(2025, 3, 11)
    assert add_working_days(D(2025, 3, 10), 0) == D(2025, 3, 10)


def test_counting_working_days_between_two_dates():
    assert working_days_between(D(2025, 3, 7), D(2025, 3, 10)) == 1  # Friday → Monday
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 14)) == 9  # two weeks after a Monday
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 10)) == 0
    assert working_days_between(D(2025, 3, 14), D(2025, 3, 10)) == 0  # the end before the start


def test_easter_monday_is_a_holiday_in_france():
    assert not is_working_day(D(2025, 4, 21))
    assert is_working_day(D(2025, 4, 18))  # Good Friday is worked outside Alsace-Moselle
    # Thursday before Easter + 2 working days: Friday, then (weekend, Easter Monday) Tuesday.
    assert add_working_days(D(2025, 4, 17), 2) == D(2025, 4, 22)
    assert working_days_between(D(2025, 4, 17), D(2025, 4, 22)) == 2


def test_french_public_holidays_of_a_year():
    days = working_days_in(D(2025, 5, 1), D(2025, 5, 9))
    # 1 May (Thursday) and 8 May (Thursday) are holidays; the weekend is skipped.
    assert days == [D(2025, 5, 2), D(2025, 5, 5), D(2025, 5, 6), D(2025, 5, 7), D(2025, 5, 9)]


def test_alsace_moselle_adds_good_friday_and_saint_stephens_day(alsace):
    assert not is_working_day(D(2025, 4, 18))  # Good Friday
    assert not is_working_day(D(2025, 12, 26))  # 26 December
    assert add_working_days(D(2025, 4, 17), 1) == D(2025, 4, 22)
    assert add_working_days(D(2025, 12, 24), 1) == D(2025, 12, 29)  # 25 and 26 off, then the weekend


def test_moselle_is_the_same_as_alsace(db):
    cal = WorkingCalendar(country="FR", subdivision="57")
    assert not cal.is_working_day(D(2026, 4, 3))  # Good Friday 2026
    assert not cal.is_working_day(D(2025, 12, 26))  # a Friday
    assert WorkingCalendar(country="FR", subdivision="").is_working_day(D(2025, 12, 26))


def test_the_alsatian_departments_are_accepted_under_their_numbers():
    assert normalise_subdivision("FR", "67") == "6AE"
    assert normalise_subdivision("FR", "68") == "6AE"
    assert normalise_subdivision("FR", "Alsace-Moselle") == "6AE"
    assert normalise_subdivision("FR", "") == ""
    with pytest.raises(CalendarError):
        normalise_subdivision("FR", "Flemish")


def test_the_environment_region_is_used_when_the_site_settings_leave_it_empty(settings):
    settings.HOLIDAYS_SUBDIVISION = "67"
    assert not is_working_day(D(2025, 12, 26))
    settings.HOLIDAYS_SUBDIVISION = ""
    assert is_working_day(D(2025, 12, 26))


def test_belgian_national_day(belgium):
    assert not is_working_day(D(2025, 7, 21))  # Monday 21 July
    assert is_working_day(D(2025, 7, 14))  # 14 July is French, not Belgian
    assert add_working_days(D(2025, 7, 18), 1) == D(2025, 7, 22)


def test_belgian_environment_setting(settings):
    settings.HOLIDAYS_COUNTRY = "BE"
    assert not is_working_day(D(2025, 7, 21))
    assert is_working_day(D(2025, 5, 8))  # 8 May is French only


def test_the_french_community_day_closes_wallonia_brussels_institutions(belgium):
    assert is_working_day(D(2025, 9, 26))
    belgium.holidays_subdivision = "French"
    belgium.save()
    cal = WorkingCalendar()
    assert cal.subdivision == "French"
    # 27 September 2024 was a Friday.
    assert not cal.is_working_day(D(2024, 9, 27))


def test_a_configured_closure_is_skipped(christmas_closure):
    # Friday 19 December + 1 working day: the closure runs to 2 January, so Monday 5 January.
    assert add_working_days(D(2025, 12, 19), 1) == D(2026, 1, 5)
    assert working_days_between(D(2025, 12, 19), D(2026, 1, 5)) == 1
    assert not is_working_day(D(2025, 12, 23))
    assert not is_working_day(D(2026, 1, 2))


def test_a_new_closure_takes_effect_at_once():
    assert add_working_days(D(2025, 10, 31), 1) == D(2025, 11, 3)
    closure = ClosureDay.objects.create(label="Pont", start_date=D(2025, 11, 3), end_date=D(2025, 11, 3))
    assert add_working_days(D(2025, 10, 31), 1) == D(2025, 11, 4)
    closure.delete()
    assert add_working_days(D(2025, 10, 31), 1) == D(2025, 11, 3)


def test_a_single_closure_day_needs_no_end_date():
    closure = ClosureDay.objects.create(label="Journée de cohésion", start_date=D(2025, 6, 12), end_date=None)
    assert closure.end_date == D(2025, 6, 12)
    assert not is_working_day(D(2025, 6, 12))


def test_counting_both_ways_agrees(christmas_closure, alsace):
    start = D(2025, 12, 10)
    for days in (1, 2, 5, 10, 15, 30, 250):
        due = add_working_days(start, days)
        assert working_days_between(start, due) == days
        assert add_working_days(due, -days) == start or not is_working_day(start)


def test_going_backwards():
    assert add_working_days(D(2025, 3, 10), -1) == D(2025, 3, 7)  # Monday − 1 → Friday
    assert add_working_days(D(2025, 4, 22), -1) == D(2025, 4, 18)  # over Easter Monday and the weekend


def test_working_days_in_is_inclusive_and_empty_when_reversed():
    assert working_days_in(D(2025, 3, 10), D(2025, 3, 10)) == [D(2025, 3, 10)]
    assert working_days_in(D(2025, 3, 10), D(2025, 3, 9)) == []
    # 261 weekdays in 2025, 10 of them French public holidays (1 November is a Saturday).
    assert len(working_days_in(D(2025, 1, 1), D(2025, 12, 31))) == 251


def test_an_aware_datetime_is_read_in_local_time():
    # 22:30 UTC on Friday 7 March is 23:30 in Paris, still Friday.
    moment = datetime.datetime(2025, 3, 7, 22, 30, tzinfo=datetime.UTC)
    assert add_working_days(moment, 1) == D(2025, 3, 10)
    assert is_working_day(moment)


def test_a_long_range_makes_one_query_for_its_closures(django_assert_max_num_queries, christmas_closure):
    SiteSettings.get()  # cached from here on
    with django_assert_max_num_queries(2):
        assert working_days_between(D(2024, 1, 1), D(2026, 12, 31)) > 700
        assert add_working_days(D(2024, 1, 1), 600) > D(2026, 1, 1)


def test_closures_are_memoised_until_they_change(django_assert_num_queries, christmas_closure):
    add_working_days(D(2025, 12, 19), 1)
    with django_assert_num_queries(0):
        add_working_days(D(2025, 12, 19), 3)
    ClosureDay.objects.create(label="Pont", start_date=D(2025, 5, 2), end_date=D(2025, 5, 2))
    assert not is_working_day(D(2025, 5, 2))


def test_non_working_reasons_say_why():
    cal = WorkingCalendar(country="FR", subdivision="")
    assert cal.non_working_reason(D(2025, 7, 14)).kind == "holiday"
    assert cal.non_working_reason(D(2025, 7, 12)).kind == "weekend"
    assert cal.non_working_reason(D(2025, 7, 15)) is None
    holidays = cal.non_working_days_in(D(2025, 1, 1), D(2025, 12, 31))
    assert len(holidays) == 11  # the eleven French public holidays of 2025


def test_an_unknown_country_is_refused():
    with pytest.raises(CalendarError):
        calendar.public_holidays("XX", "", 2025)


def test_holiday_names_follow_the_active_language():
    with translation.override("fr"):
        assert WorkingCalendar(country="FR").non_working_reason(D(2025, 7, 14)).label == "Fête nationale"
    with translation.override("en"):
        assert WorkingCalendar(country="FR").non_working_reason(D(2025, 7, 14)).label == "National Day"


def test_a_region_of_another_country_in_the_environment_fails_the_checks(settings):
    settings.HOLIDAYS_COUNTRY, settings.HOLIDAYS_SUBDIVISION = "BE", "67"
    errors = calendar.check_holiday_settings()
    assert [error.id for error in errors] == ["core.E101"]
    settings.HOLIDAYS_COUNTRY, settings.HOLIDAYS_SUBDIVISION = "FR", "67"
    assert calendar.check_holiday_settings() == []
