"""Periods whose clock stops during pauses (suspensions), and the week/month/duration helpers.

A pause is an inclusive ``(first day, last day)`` interval. The days of the
period's unit that fall inside a pause are not counted; the end moves later
by as many days of that unit, then the working-day extension applies.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppaip_rules import InputError, Unit, deadline, get_calendar
from ppaip_rules.calendar import (
    PausedPeriod,
    Period,
    compute_period,
    days_between,
    duration_end,
    month_end,
    month_starts,
    week_bounds,
)

D = dt.date
CAL = get_calendar()
PARIS = dt.timezone(dt.timedelta(hours=2))


def test_without_pauses_the_period_is_the_plain_one():
    plain = compute_period(CAL, D(2025, 5, 2), 5, Unit.CALENDAR_DAYS)
    same = compute_period(CAL, D(2025, 5, 2), 5, Unit.CALENDAR_DAYS, pauses=())
    assert type(same) is Period and type(plain) is Period
    assert (same.raw_end, same.end) == (plain.raw_end, plain.end) == (D(2025, 5, 7),) * 2


@pytest.mark.parametrize("pauses, raw_end, end", [
    # Fri 2 May 2025 + 5 calendar days = Wed 7 May.
    ([(D(2025, 4, 20), D(2025, 5, 2))], D(2025, 5, 7), D(2025, 5, 7)),   # up to the trigger day
    ([(D(2025, 5, 8), D(2025, 5, 20))], D(2025, 5, 7), D(2025, 5, 7)),   # begins after the end
    ([(D(2025, 5, 5), D(2025, 5, 5))], D(2025, 5, 8), D(2025, 5, 9)),    # 1 day → Thu 8 May, holiday
    ([(D(2025, 5, 3), D(2025, 5, 5))], D(2025, 5, 10), D(2025, 5, 12)),  # 3 days → Sat → Mon
    ([(D(2025, 4, 28), D(2025, 5, 4))], D(2025, 5, 9), D(2025, 5, 9)),   # straddles the trigger
    ([(D(2025, 5, 7), D(2025, 5, 13))], D(2025, 5, 14), D(2025, 5, 14)),  # straddles the end
    # a first pause brings the second inside the reach
    ([(D(2025, 5, 4), D(2025, 5, 5)), (D(2025, 5, 9), D(2025, 5, 9))],
     D(2025, 5, 10), D(2025, 5, 12)),
    # overlapping and touching pauses are merged, never counted twice
    ([(D(2025, 5, 4), D(2025, 5, 5)), (D(2025, 5, 5), D(2025, 5, 6)),
      (D(2025, 5, 7), D(2025, 5, 7))], D(2025, 5, 11), D(2025, 5, 12)),
])
def test_calendar_day_period_with_pauses(pauses, raw_end, end):
    p = compute_period(CAL, D(2025, 5, 2), 5, Unit.CALENDAR_DAYS, pauses=pauses)
    assert (p.raw_end, p.end) == (raw_end, end)
    assert p.end >= compute_period(CAL, D(2025, 5, 2), 5, Unit.CALENDAR_DAYS).end


def test_a_pause_over_a_weekend_does_not_move_a_period_in_jours_ouvres():
    # Wed 7 May 2025 + 5 jours ouvrés = Thu 15 May (8 May is a holiday).
    plain = compute_period(CAL, D(2025, 5, 7), 5, Unit.JOURS_OUVRES)
    weekend = compute_period(CAL, D(2025, 5, 7), 5, Unit.JOURS_OUVRES,
                             pauses=[(D(2025, 5, 10), D(2025, 5, 11))])
    assert plain.end == weekend.end == D(2025, 5, 15)
    # Fri 9 and Mon 12 paused: two jours ouvrés later, Mon 19 May.
    p = compute_period(CAL, D(2025, 5, 7), 5, Unit.JOURS_OUVRES,
                       pauses=[(D(2025, 5, 9), D(2025, 5, 12))])
    assert p.end == D(2025, 5, 19)


def test_jours_ouvrables_count_saturdays_in_a_pause():
    # Wed 30 April 2025 + 10 jours ouvrables = Wed 14 May; pausing Sat 3 May moves it to Thu 15.
    p = compute_period(CAL, D(2025, 4, 30), 10, Unit.JOURS_OUVRABLES,
                       pauses=[(D(2025, 5, 3), D(2025, 5, 4))])
    assert p.end == D(2025, 5, 15)


def test_a_month_period_is_pushed_by_the_paused_calendar_days():
    p = compute_period(CAL, D(2025, 1, 31), 1, Unit.MONTHS,
                       pauses=[(D(2025, 2, 10), D(2025, 2, 12))])
    assert p.raw_end == D(2025, 3, 3)  # 28 February + 3 days
    assert any("suspension du lundi 10 février 2025" in s for s in p.explain())


def test_the_trace_shows_each_pause_before_the_extension():
    d = deadline("PROG-START", D(2025, 5, 2), pauses=[(D(2025, 5, 3), D(2025, 5, 5))])
    assert d.due == D(2025, 5, 12)
    steps = list(d.trace)
    assert steps[1].parameter == "delays.PROG-START"   # the delay in force (issue 12)
    assert "→ mercredi 7 mai 2025" in steps[2]
    assert steps[3] == ("suspension du samedi 3 mai 2025 au lundi 5 mai 2025 : 3 jours "
                        "calendaires non décomptés → samedi 10 mai 2025")
    assert "prolongé au premier jour ouvré suivant" in steps[4] and "lundi 12 mai" in steps[4]
    assert "dimanche 11 mai 2025 : dimanche ; prolongation, jour non compté." in steps
    assert isinstance(d.period, PausedPeriod)


@pytest.mark.parametrize("kwargs, pauses, field", [
    ({"unit": Unit.HOURS, "start": dt.datetime(2025, 5, 2, 10, tzinfo=PARIS)},
     [(D(2025, 5, 3), D(2025, 5, 4))], "pauses"),
    ({"unit": Unit.MONTHS, "backward": True}, [(D(2025, 5, 3), D(2025, 5, 4))], "pauses"),
    ({}, [(D(2025, 5, 4), D(2025, 5, 3))], "pauses[0]"),
    ({}, [("2025-05-03", "2025-05-04")], "pauses[0]"),
    ({}, [(D(2025, 5, 3),)], "pauses[0]"),
    ({}, [(D(2025, 5, 3), D(2025, 5, 4)), (D(1900, 1, 1), D(1900, 1, 2))], "pauses[1]"),
    ({}, [(dt.datetime(2025, 5, 3), D(2025, 5, 4))], "pauses[0]"),
])
def test_bad_pauses_are_input_errors(kwargs, pauses, field):
    args = {"start": D(2025, 5, 2), "unit": Unit.CALENDAR_DAYS, **kwargs}
    with pytest.raises(InputError) as error:
        compute_period(CAL, args.pop("start"), 5, args.pop("unit"), pauses=pauses, **args)
    assert error.value.path == field


def test_a_pause_pushing_past_the_covered_years_is_a_range_error():
    with pytest.raises(InputError):
        compute_period(CAL, D(2100, 12, 20), 5, Unit.JOURS_OUVRES,
                       pauses=[(D(2100, 12, 21), D(2100, 12, 31))])


# --- property: the same as a day-by-day walk that skips paused days ------------

def walk(start, n, unit, paused):
    day, left = start, n
    while left:
        day += dt.timedelta(1)
        if day in paused:
            continue
        if unit is Unit.CALENDAR_DAYS or CAL.is_working_day(day, unit):
            left -= 1
    return day


pause_lists = st.lists(st.tuples(st.integers(-5, 40), st.integers(0, 12)), max_size=4)


@given(st.dates(D(2009, 1, 1), D(2099, 1, 1)), st.integers(1, 25),
       st.sampled_from([Unit.CALENDAR_DAYS, Unit.JOURS_OUVRES, Unit.JOURS_OUVRABLES]),
       pause_lists)
def test_property_pauses_agree_with_a_day_by_day_walk(start, n, unit, spans):
    pauses = [(start + dt.timedelta(a), start + dt.timedelta(a + length))
              for a, length in spans]
    paused = {p0 + dt.timedelta(i) for p0, p1 in pauses for i in range((p1 - p0).days + 1)}
    p = compute_period(CAL, start, n, unit, pauses=pauses)
    assert p.raw_end == walk(start, n, unit, paused)
    assert CAL.is_jour_ouvre(p.end)


# --- weeks, months, durations -----------------------------------------------------

def test_week_bounds_run_from_monday_to_sunday():
    assert week_bounds(D(2025, 6, 30)) == (D(2025, 6, 30), D(2025, 7, 6))
    assert week_bounds(D(2025, 7, 6)) == (D(2025, 6, 30), D(2025, 7, 6))
    assert week_bounds(D(2025, 1, 1)) == (D(2024, 12, 30), D(2025, 1, 5))


def test_month_helpers():
    assert month_starts(D(2025, 1, 15), D(2025, 3, 1)) == [D(2025, 1, 1), D(2025, 2, 1),
                                                           D(2025, 3, 1)]
    assert month_starts(D(2025, 3, 2), D(2025, 3, 1)) == []
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert month_end(D(2025, 12, 31)) == D(2025, 12, 31)
    assert days_between(D(2025, 1, 1), D(2025, 12, 31)) == 365
    assert days_between(D(2025, 1, 2), D(2025, 1, 1)) == 0


@pytest.mark.parametrize("start, months, end", [
    (D(2025, 3, 1), 24, D(2027, 2, 28)),
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2025, 2, 1), 1, D(2025, 2, 28)),
    (D(2024, 3, 1), 12, D(2025, 2, 28)),
    (D(2025, 9, 15), 12, D(2026, 9, 14)),
    (D(2027, 3, 1), 12, D(2028, 2, 29)),  # leap year
])
def test_duration_end_includes_the_first_day(start, months, end):
    assert duration_end(start, months) == end


def test_successive_durations_follow_each_other_day_after_day():
    from ppaip_rules.calendar import successive_durations

    assert successive_durations(D(2025, 3, 1), [24, 12, 12]) == [
        (D(2025, 3, 1), D(2027, 2, 28)), (D(2027, 3, 1), D(2028, 2, 29)),
        (D(2028, 3, 1), D(2029, 2, 28))]
    assert successive_durations(D(2025, 1, 31), [1, 1]) == [
        (D(2025, 1, 31), D(2025, 2, 28)), (D(2025, 3, 1), D(2025, 3, 31))]


def test_paris_midnights():
    from ppaip_rules.calendar import next_paris_midnight, paris_midnight

    assert paris_midnight(D(2025, 10, 26)).utcoffset() == dt.timedelta(hours=2)
    assert next_paris_midnight(D(2025, 10, 26)).utcoffset() == dt.timedelta(hours=1)
    assert (next_paris_midnight(D(2025, 10, 26)) - paris_midnight(D(2025, 10, 26))
            ).total_seconds() in (86400, 90000)
    assert next_paris_midnight(D(2025, 10, 26)).timestamp() - \
        paris_midnight(D(2025, 10, 26)).timestamp() == 25 * 3600
