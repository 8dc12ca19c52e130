"""Working days in Indonesia: weekends and the national holidays of the `holidays` calendar
are skipped when a referral's due date is counted."""

import datetime as dt

import holidays
import pytest

from portal.accounts.models import Agency
from referrals import services
from referrals.workdays import add_working_days, is_working_day

HOLIDAYS_2025 = holidays.Indonesia(years=2025)
HOLIDAYS_2026 = holidays.Indonesia(years=2026)
BOTH_YEARS = set(HOLIDAYS_2025) | set(HOLIDAYS_2026)

# The referrals conftest loads a few regions for every test.
pytestmark = pytest.mark.django_db


def weekday_holidays(calendar) -> list[dt.date]:
    return sorted(d for d in calendar if d.weekday() < 5)


def test_the_calendar_has_weekday_holidays():
    assert len(weekday_holidays(HOLIDAYS_2025)) >= 8


@pytest.mark.parametrize("day", weekday_holidays(HOLIDAYS_2025))
def test_a_national_holiday_is_no_working_day(day):
    assert not is_working_day(day)


def test_weekends_are_no_working_days():
    saturday, sunday, monday = dt.date(2025, 7, 5), dt.date(2025, 7, 6), dt.date(2025, 7, 7)
    assert (saturday.weekday(), sunday.weekday()) == (5, 6)
    assert monday not in HOLIDAYS_2025
    assert not is_working_day(saturday)
    assert not is_working_day(sunday)
    assert is_working_day(monday)


def test_friday_plus_one_is_monday():
    friday = dt.date(2025, 7, 4)
    assert friday.weekday() == 4
    assert dt.date(2025, 7, 7) not in HOLIDAYS_2025
    assert add_working_days(friday, 1) == dt.date(2025, 7, 7)


def test_friday_before_idul_fitri_plus_one_skips_the_weekend_and_the_holidays():
    """28 March 2025 is a Friday; Nyepi falls on the Saturday, and the Monday and Tuesday
    after are Idul Fitri: the next working day is Wednesday 2 April."""
    friday = dt.date(2025, 3, 28)
    assert friday.weekday() == 4
    monday, tuesday = dt.date(2025, 3, 31), dt.date(2025, 4, 1)
    assert monday in HOLIDAYS_2025
    assert tuesday in HOLIDAYS_2025
    assert dt.date(2025, 3, 29) in HOLIDAYS_2025  # a holiday on a Saturday changes nothing
    assert add_working_days(friday, 1) == dt.date(2025, 4, 2)
    # The five working days of a normal referral: 2, 3, 4, 7, 8 April.
    assert add_working_days(friday, 5) == dt.date(2025, 4, 8)


def test_a_holiday_in_the_middle_of_the_week_is_skipped():
    holiday = next(d for d in weekday_holidays(HOLIDAYS_2025) if d.weekday() == 3)  # a Thursday
    wednesday = holiday - dt.timedelta(days=1)
    assert wednesday not in HOLIDAYS_2025
    friday = holiday + dt.timedelta(days=1)
    expected = friday
    if friday in HOLIDAYS_2025:  # some Thursdays bring a Friday off too
        expected = add_working_days(friday, 1)
    assert add_working_days(wednesday, 1) == expected


def test_new_years_day_across_the_year_boundary():
    new_year = dt.date(2026, 1, 1)
    assert new_year in HOLIDAYS_2026
    december_31 = dt.date(2025, 12, 31)
    expected = dt.date(2026, 1, 2)
    while not (expected.weekday() < 5 and expected not in HOLIDAYS_2026):
        expected += dt.timedelta(days=1)
    assert add_working_days(december_31, 1) == expected


def test_starting_on_a_weekend_counts_from_the_next_working_day():
    saturday = dt.date(2025, 7, 5)
    assert add_working_days(saturday, 1) == dt.date(2025, 7, 7)


def test_zero_days_is_the_start_and_negative_is_an_error():
    day = dt.date(2025, 7, 4)
    assert add_working_days(day, 0) == day
    with pytest.raises(ValueError, match="negative"):
        add_working_days(day, -1)


@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_every_start_day_of_2025(n):
    """Whatever the start, the due date is a working day, and exactly `n` working days lie
    after the start up to and including it."""
    day = dt.date(2025, 1, 1)
    while day.year == 2025:
        due = add_working_days(day, n)
        assert due > day
        assert is_working_day(due)
        after = [day + dt.timedelta(days=i) for i in range(1, (due - day).days + 1)]
        between = [d for d in after if d.weekday() < 5 and d not in BOTH_YEARS]
        assert len(between) == n
        day += dt.timedelta(days=1)


def test_due_date_follows_the_agencys_settings():
    friday = dt.date(2025, 3, 28)
    agency = Agency(name="x", short_name="x", kind="other")  # defaults: urgent 1, normal 5
    assert services.referral_due_date(agency=agency, urgency="urgent", sent_on=friday) == (
        dt.date(2025, 4, 2)
    )
    assert services.referral_due_date(agency=agency, urgency="normal", sent_on=friday) == (
        dt.date(2025, 4, 8)
    )
    agency.referral_days_urgent, agency.referral_days_normal = 2, 10
    assert services.referral_due_date(agency=agency, urgency="urgent", sent_on=friday) == (
        dt.date(2025, 4, 3)
    )
    # 2, 3, 4, 7, 8, 9, 10, 11, 14, 15 April.
    assert services.referral_due_date(agency=agency, urgency="normal", sent_on=friday) == (
        dt.date(2025, 4, 15)
    )
