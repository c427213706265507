"""due_dates(): the due dates of many triggers at once, equal to deadline() one by one."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppaip_rules import InputError, deadline, due_dates
from ppaip_rules.deadlines import SPECS

DAY_RULES = [r for r in SPECS if not r.endswith("48H") and r != "PROG-CALENDAR-CHANGE"]
HOUR_RULES = [r for r in SPECS if r not in DAY_RULES]
POLICIES = st.fixed_dictionaries({}, optional={
    "extend_to_working_day": st.booleans(),
    "backward_to_working_day": st.booleans(),
    "whit_monday_worked": st.booleans(),
    "departement": st.sampled_from([None, "21", "57", "67", "68"]),
    "good_friday_holiday": st.booleans(),
})
DAYS = st.dates(dt.date(2009, 1, 1), dt.date(2099, 11, 30))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DAY_RULES), st.lists(DAYS, max_size=40), POLICIES)
def test_due_dates_equal_deadline_for_every_day_rule_and_policy(rule_id, triggers, policy):
    assert due_dates(rule_id, triggers, **policy) == [
        deadline(rule_id, t, **policy).due for t in triggers]


def test_end_bilan_ind_due_dates_around_8_may_and_a_weekend():
    # 7 May 2025 (8 May holiday): 15 May; Friday 2 May: Friday 9 May (8 May not counted).
    assert due_dates("END-BILAN-IND", [dt.date(2025, 5, 7), dt.date(2025, 5, 2)]) == [
        dt.date(2025, 5, 15), dt.date(2025, 5, 12)]


def test_due_dates_keep_the_order_and_accept_any_iterable():
    days = [dt.date(2025, 12, 19), dt.date(2025, 5, 7)]
    assert due_dates("END-BILAN-COLL", iter(days)) == [deadline("END-BILAN-COLL", d).due
                                                      for d in days]


def test_due_dates_of_an_hour_rule_are_paris_instants():
    at = dt.datetime(2025, 10, 25, 10, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert due_dates("PROG-CALENDAR-CHANGE", [at]) == [deadline("PROG-CALENDAR-CHANGE", at).due]


def test_a_datetime_or_iso_text_among_dates_stands_for_its_paris_day():
    late = dt.datetime(2025, 5, 6, 23, 30, tzinfo=dt.timezone.utc)  # 7 May in Paris
    assert due_dates("END-BILAN-IND", [late, "2025-05-07"]) == [dt.date(2025, 5, 15)] * 2


@pytest.mark.parametrize("bad, path", [
    ([dt.date(2025, 5, 7), "pas une date"], "triggers[1]"),
    ([dt.date(2025, 5, 7), dt.date(2100, 12, 30)], "triggers[1]"),
    ([None], "triggers[0]"),
])
def test_a_bad_trigger_is_refused_naming_its_position(bad, path):
    with pytest.raises(InputError) as err:
        due_dates("END-BILAN-IND", bad)
    assert err.value.path == path


def test_an_unknown_rule_or_policy_is_refused():
    with pytest.raises(InputError) as err:
        due_dates("NOPE", [])
    assert err.value.path == "rule_id"
    with pytest.raises(InputError) as err:
        due_dates("END-BILAN-IND", [], extend="oui")
    assert err.value.path == "extend"
    with pytest.raises(InputError) as err:
        due_dates("END-BILAN-IND", [], whit_monday_worked="false")
    assert err.value.path == "whit_monday_worked"
    with pytest.raises(InputError) as err:
        due_dates("END-BILAN-IND", [], departement="057")
    assert err.value.path == "departement"


class TestNumpy:
    np = pytest.importorskip("numpy", reason="numpy absent: pip install 'ppaip-rules[numpy]'")

    @settings(max_examples=30, deadline=None)
    @given(st.sampled_from(DAY_RULES), st.lists(DAYS, max_size=40), POLICIES)
    def test_numpy_due_dates_equal_deadline(self, rule_id, triggers, policy):
        arr = self.np.array(triggers, dtype="datetime64[D]")
        out = due_dates(rule_id, arr, **policy)
        assert out.dtype == self.np.dtype("datetime64[D]")
        assert out.astype(object).tolist() == [deadline(rule_id, t, **policy).due
                                               for t in triggers]

    def test_numpy_out_of_range_and_nat_are_refused_naming_the_position(self):
        arr = self.np.array(["2025-05-07", "NaT"], dtype="datetime64[D]")
        with pytest.raises(InputError) as err:
            due_dates("END-BILAN-IND", arr)
        assert err.value.path == "triggers[1]"
        with pytest.raises(InputError) as err:
            due_dates("PROG-CALENDAR-CHANGE", arr[:1])
        assert err.value.path == "triggers"
