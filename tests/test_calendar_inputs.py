"""Every calendar method reads a datetime as its day in Paris; bad arguments name themselves."""

import datetime as dt

import pytest

from ppaip_rules import CalendarRangeError, InputError, deadline, get_calendar

CAL = get_calendar()
PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))
# 31 December 2013 at 23:30 UTC is already New Year's Day (a holiday) in Paris.
NEW_YEAR_IN_PARIS = dt.datetime(2013, 12, 31, 23, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("method", ["is_holiday", "is_jour_ouvre", "is_jour_ouvrable",
                                    "is_working_day", "why_not_working", "holiday_name"])
def test_every_question_about_a_day_reads_a_datetime_as_its_paris_date(method):
    ask = getattr(CAL, method)
    assert ask(NEW_YEAR_IN_PARIS) == ask(dt.date(2014, 1, 1))
    assert ask(dt.datetime(2014, 1, 1)) == ask(dt.date(2014, 1, 1))  # naive: Paris wall time


def test_is_holiday_and_is_jour_ouvre_agree_on_a_datetime():
    assert CAL.is_holiday(dt.datetime(2014, 1, 1)) is True
    assert CAL.is_jour_ouvre(dt.datetime(2014, 1, 1)) is False


@pytest.mark.parametrize("n", [0, 1, 5, -3])
def test_add_working_days_returns_a_date_for_a_datetime_whatever_n(n):
    result = CAL.add_working_days(NEW_YEAR_IN_PARIS, n)
    assert type(result) is dt.date
    assert result == CAL.add_working_days(dt.date(2014, 1, 1), n)


def test_count_next_and_previous_read_datetimes_as_paris_dates():
    start = dt.datetime(2025, 5, 7, 23, 0, tzinfo=dt.timezone.utc)  # 8 May in Paris
    assert CAL.next_working_day(start) == dt.date(2025, 5, 9)
    assert CAL.previous_working_day(start) == dt.date(2025, 5, 7)
    assert CAL.count_working_days(start, dt.date(2025, 5, 9)) == 1


@pytest.mark.parametrize("n", [1.5, "2", None, True])
def test_add_working_days_refuses_a_non_integer_count_naming_n(n):
    with pytest.raises(InputError) as err:
        CAL.add_working_days(dt.date(2025, 5, 7), n)
    assert err.value.path == "n"


@pytest.mark.parametrize("value", ["2025-05-07", None, 20250507])
def test_calendar_methods_refuse_what_is_not_a_date_naming_the_argument(value):
    with pytest.raises(InputError) as err:
        CAL.is_jour_ouvre(value)
    assert err.value.path == "date"
    with pytest.raises(InputError) as err:
        CAL.count_working_days(dt.date(2025, 1, 1), value)
    assert err.value.path == "end"


def test_an_instant_that_overflows_in_paris_time_is_out_of_range_not_a_crash():
    far = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-14)))
    with pytest.raises(CalendarRangeError):
        CAL.is_holiday(far)
    with pytest.raises(CalendarRangeError):
        deadline("END-BILAN-IND", far)


@pytest.mark.parametrize("pauses", [5, "2025-05-01", None, {"a": 1}])
def test_deadline_refuses_pauses_that_are_not_a_list_of_intervals(pauses):
    with pytest.raises(InputError) as err:
        deadline("PROG-START", dt.date(2025, 5, 2), pauses=pauses)
    assert err.value.path == "pauses"


@pytest.mark.parametrize("switch", ["extend_to_working_day", "backward_to_working_day",
                                    "whit_monday_worked", "good_friday_holiday"])
@pytest.mark.parametrize("value", ["false", 0, None])
def test_deadline_policy_switches_must_be_booleans(switch, value):
    with pytest.raises(InputError) as err:
        deadline("PROG-START", dt.date(2025, 5, 2), **{switch: value})
    assert err.value.path == switch


def test_deadline_refuses_an_unknown_departement_instead_of_using_the_metropolitan_calendar():
    with pytest.raises(InputError) as err:
        deadline("END-BILAN-IND", dt.date(2025, 12, 22), departement="057")
    assert err.value.path == "departement"


def test_good_friday_policy_moves_an_end_bilan_ind_in_moselle():
    # Wednesday 16 April 2025; Good Friday 18 April, Easter Monday 21 April.
    assert deadline("END-BILAN-IND", dt.date(2025, 4, 16), departement="57").due == \
        dt.date(2025, 4, 25)
    assert deadline("END-BILAN-IND", dt.date(2025, 4, 16), departement="57",
                    good_friday_holiday=False).due == dt.date(2025, 4, 24)
    assert deadline("END-BILAN-IND", dt.date(2025, 4, 16)).due == dt.date(2025, 4, 24)


def test_the_memoised_deadline_is_the_computed_one():
    from ppaip_rules.deadlines import _compute

    day = dt.date(2025, 5, 7)
    assert deadline("END-BILAN-IND", day) is deadline("END-BILAN-IND", day)
    assert deadline("END-BILAN-IND", day) == _compute("END-BILAN-IND", day, *_defaults())


def _defaults():
    from ppaip_rules import DIJON

    return (DIJON, True, False, False, None, True, ())


def test_good_friday_policy_reaches_the_json_deadline_check_and_the_cli():
    import json
    import subprocess
    import sys

    from ppaip_rules import run_check

    data = {"rule_id": "END-BILAN-IND", "trigger": "2025-04-16", "act": "2025-04-25",
            "departement": "57"}
    assert run_check("deadline", data).ok
    assert not run_check("deadline", {**data, "good_friday_holiday": False}).ok
    out = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "deadline", "END-BILAN-IND",
                          "2025-04-16", "--departement", "57", "--good-friday-worked", "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["due"] == "2025-04-24"
    bad = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "deadline", "END-BILAN-IND",
                          "2025-04-16", "--departement", "057"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "departement" in bad.stderr and "057" not in bad.stderr
