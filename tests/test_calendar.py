"""The French working-day calendar: holidays, jours ouvrés / ouvrables, periods."""

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppaip_rules import CalendarRangeError, InputError, Unit, get_calendar
from ppaip_rules.calendar import FIRST_YEAR, LAST_YEAR, compute_period

D = dt.date
CAL = get_calendar()
DATA = Path(__file__).parent / "data" / "jours_feries_etalab_2024_2030.csv"


def meeus_easter(year: int) -> dt.date:
    """Gregorian Easter (anonymous algorithm, Meeus), written here independently of dateutil."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = ((h + l_ - 7 * m + 114) % 31) + 1
    return dt.date(year, month, day)


def expected_holidays(year: int, alsace_moselle: bool = False) -> set[dt.date]:
    easter = meeus_easter(year)
    days = {D(year, 1, 1), easter + dt.timedelta(1), D(year, 5, 1), D(year, 5, 8),
            easter + dt.timedelta(39), easter + dt.timedelta(50), D(year, 7, 14),
            D(year, 8, 15), D(year, 11, 1), D(year, 11, 11), D(year, 12, 25)}
    if alsace_moselle:
        days |= {easter - dt.timedelta(2), D(year, 12, 26)}
    return days


def test_holidays_match_the_etalab_list_2024_2030():
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    for zone, cal in (("metropole", get_calendar()), ("alsace-moselle", get_calendar("57"))):
        for year in range(2024, 2031):
            listed = {D.fromisoformat(r["date"]) for r in rows
                      if r["zone"] == zone and r["date"].startswith(str(year))}
            assert set(cal.holidays(year)) == listed, (zone, year)


@pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
def test_holidays_match_an_independent_easter_computation(year):
    assert set(CAL.holidays(year)) == expected_holidays(year)
    assert set(get_calendar("67").holidays(year)) == expected_holidays(year, True)


def test_holiday_names_are_french():
    names = get_calendar().holidays(2025)
    assert names[D(2025, 12, 25)] == "Noël"
    assert names[D(2025, 6, 9)] == "Lundi de Pentecôte"


def test_only_alsace_moselle_departements_change_the_holidays():
    assert get_calendar("21") is get_calendar()
    assert get_calendar("68").is_holiday(D(2025, 12, 26))
    assert not get_calendar("21").is_holiday(D(2025, 12, 26))


def test_whit_monday_worked_policy():
    worked = get_calendar(whit_monday_worked=True)
    assert CAL.is_holiday(D(2025, 6, 9))
    assert not worked.is_holiday(D(2025, 6, 9))
    assert worked.is_jour_ouvre(D(2025, 6, 9))


@pytest.mark.parametrize("day, ouvre, ouvrable", [
    (D(2025, 5, 2), True, True),     # Friday
    (D(2025, 5, 3), False, True),    # Saturday
    (D(2025, 5, 4), False, False),   # Sunday
    (D(2025, 5, 8), False, False),   # Thursday 8 May
    (D(2025, 5, 29), False, False),  # Ascension
    (D(2025, 7, 14), False, False),
    (D(2026, 8, 15), False, False),  # Saturday 15 August: a holiday anyway
])
def test_working_day_kinds(day, ouvre, ouvrable):
    assert CAL.is_jour_ouvre(day) is ouvre
    assert CAL.is_jour_ouvrable(day) is ouvrable


@pytest.mark.parametrize("start, n, unit, expected", [
    (D(2025, 5, 7), 5, Unit.JOURS_OUVRES, D(2025, 5, 15)),     # over 8 May
    (D(2025, 5, 2), 1, Unit.JOURS_OUVRES, D(2025, 5, 5)),      # Friday → Monday
    (D(2025, 4, 30), 10, Unit.JOURS_OUVRABLES, D(2025, 5, 14)),  # over 1 and 8 May, Saturdays
    (D(2025, 12, 24), 1, Unit.JOURS_OUVRES, D(2025, 12, 26)),
    (D(2025, 12, 31), 1, Unit.JOURS_OUVRES, D(2026, 1, 2)),
    (D(2024, 2, 28), 1, Unit.JOURS_OUVRES, D(2024, 2, 29)),    # leap day
    (D(2025, 5, 15), -5, Unit.JOURS_OUVRES, D(2025, 5, 7)),
    (D(2025, 5, 2), 0, Unit.JOURS_OUVRES, D(2025, 5, 2)),
])
def test_add_working_days(start, n, unit, expected):
    assert CAL.add_working_days(start, n, unit) == expected


def test_next_and_previous_working_day():
    assert CAL.next_working_day(D(2025, 5, 7)) == D(2025, 5, 9)
    assert CAL.next_working_day(D(2025, 5, 9), inclusive=True) == D(2025, 5, 9)
    assert CAL.previous_working_day(D(2025, 5, 12)) == D(2025, 5, 9)
    assert CAL.next_working_day(D(2025, 5, 2), Unit.JOURS_OUVRABLES) == D(2025, 5, 3)


def test_count_working_days():
    assert CAL.count_working_days(D(2025, 5, 7), D(2025, 5, 15)) == 5
    assert CAL.count_working_days(D(2025, 5, 7), D(2025, 5, 7)) == 0


@pytest.mark.parametrize("bad", [D(1700, 1, 1), D(2007, 12, 31), D(2101, 1, 1)])
def test_dates_outside_the_holiday_data_are_refused(bad):
    with pytest.raises(CalendarRangeError, match=str(FIRST_YEAR)):
        CAL.is_jour_ouvre(bad)


def test_adding_past_the_last_covered_year_is_refused():
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days(D(2100, 12, 30), 5)


def test_unit_without_a_working_day_table_is_refused():
    with pytest.raises(InputError):
        CAL.add_working_days(D(2025, 1, 2), 2, Unit.HOURS)


def test_months_from_the_31st_end_on_the_last_day_of_a_shorter_month():
    p = compute_period(CAL, D(2025, 1, 31), 1, Unit.MONTHS)
    assert p.raw_end == D(2025, 2, 28)
    p = compute_period(CAL, D(2024, 1, 31), 1, Unit.MONTHS)
    assert p.raw_end == D(2024, 2, 29)


def test_backward_months_are_never_extended_forward():
    p = compute_period(CAL, D(2025, 6, 1), 1, Unit.MONTHS, backward=True)
    assert p.end == D(2025, 5, 1)  # 1 May, a holiday: stays
    p = compute_period(CAL, D(2025, 6, 1), 1, Unit.MONTHS, backward=True,
                       backward_to_working_day=True)
    assert p.end == D(2025, 4, 30)


# --- properties -----------------------------------------------------------------

dates = st.dates(D(FIRST_YEAR + 1, 1, 1), D(LAST_YEAR - 1, 6, 30))
counts = st.integers(1, 300)
day_units = st.sampled_from([Unit.JOURS_OUVRES, Unit.JOURS_OUVRABLES])


@given(dates, counts)
def test_property_jours_ouvres_land_on_a_weekday_that_is_no_holiday(start, n):
    end = CAL.add_working_days(start, n, Unit.JOURS_OUVRES)
    assert end.weekday() < 5
    assert not CAL.is_holiday(end)


@given(dates, counts, day_units)
def test_property_counting_back_gives_n(start, n, unit):
    end = CAL.add_working_days(start, n, unit)
    assert CAL.count_working_days(start, end, unit) == n
    assert CAL.add_working_days(end, -n, unit) == CAL.previous_working_day(
        start, unit, inclusive=True)


@given(dates, dates, counts, day_units)
def test_property_addition_is_monotonic_in_the_start(a, b, n, unit):
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_days(a, n, unit) <= CAL.add_working_days(b, n, unit)


@given(dates, counts, day_units)
def test_property_addition_agrees_with_a_day_by_day_walk(start, n, unit):
    day, left = start, min(n, 40)
    while left:
        day += dt.timedelta(1)
        left -= CAL.is_working_day(day, unit)
    assert CAL.add_working_days(start, min(n, 40), unit) == day


@given(st.dates(D(FIRST_YEAR + 1, 1, 1), D(LAST_YEAR - 5, 1, 1)), st.integers(0, 40),
       st.sampled_from([Unit.CALENDAR_DAYS, Unit.JOURS_OUVRES, Unit.JOURS_OUVRABLES,
                        Unit.MONTHS]))
def test_property_extended_period_ends_on_a_jour_ouvre_not_before_the_raw_end(start, n, unit):
    p = compute_period(CAL, start, n, unit)
    assert CAL.is_jour_ouvre(p.end)
    assert p.raw_end <= p.end
    assert (p.end - p.raw_end).days <= 4  # at most a long weekend with holidays


@given(st.dates(D(1900, 1, 1), D(2200, 12, 31)), st.integers(-600, 600))
def test_property_add_months_agrees_with_dateutil(day, months):
    from dateutil.relativedelta import relativedelta

    from ppaip_rules.calendar import add_months

    assert add_months(day, months) == day + relativedelta(months=months)
