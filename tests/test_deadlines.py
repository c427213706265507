"""Every contract deadline, with dates chosen next to weekends and holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppaip_rules import DIJON, InputError, check_deadline, deadline, get_rule, rules
from ppaip_rules.deadlines import SPECS
from ppaip_rules.parameters import Delay, parameters_from_dict

D = dt.date
PARIS = ZoneInfo("Europe/Paris")


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


@pytest.mark.parametrize("rule_id, trigger, due", [
    # 5 calendar days from the day after, extended to the next jour ouvré
    ("PROG-FIRST-MEETING", D(2025, 5, 2), D(2025, 5, 7)),     # Fri 2 May → Wed 7 May
    ("PROG-FIRST-MEETING", D(2025, 5, 3), D(2025, 5, 9)),     # → Thu 8 May (holiday) → Fri 9
    ("PROG-FIRST-MEETING", D(2025, 5, 24), D(2025, 5, 30)),   # → Thu 29 (Ascension) → Fri 30
    ("PROG-FIRST-MEETING", D(2025, 6, 4), D(2025, 6, 10)),    # → Mon 9 June (Whit Monday)
    ("PROG-FIRST-MEETING", D(2025, 7, 9), D(2025, 7, 15)),    # → Mon 14 July → Tue 15
    ("PROG-FIRST-MEETING", D(2026, 8, 10), D(2026, 8, 17)),   # → Sat 15 August → Mon 17
    ("PROG-START", D(2025, 10, 27), D(2025, 11, 3)),          # → Sat 1 Nov → Mon 3
    ("PROG-START", D(2025, 11, 6), D(2025, 11, 12)),          # → Tue 11 Nov → Wed 12
    ("PROG-START", D(2025, 12, 20), D(2025, 12, 26)),         # → Thu 25 Dec → Fri 26
    ("PROG-START", D(2025, 12, 27), D(2026, 1, 2)),           # → Thu 1 Jan → Fri 2
    ("PROG-START", D(2024, 2, 25), D(2024, 3, 1)),            # leap year: 29 Feb counted
    ("PROG-START", D(2025, 2, 25), D(2025, 3, 3)),            # → Sun 2 March → Mon 3
    # jours ouvrés
    ("END-BILAN-IND", D(2025, 5, 7), D(2025, 5, 15)),         # over 8 May
    ("END-BILAN-IND", D(2025, 5, 23), D(2025, 6, 2)),         # over Ascension
    ("END-BILAN-IND", D(2025, 12, 22), D(2025, 12, 30)),      # over Christmas
    ("END-BILAN-COLL", D(2025, 12, 19), D(2026, 1, 6)),       # over Christmas and New Year
    ("END-BILAN-COLL", D(2025, 6, 2), D(2025, 6, 17)),        # over Whit Monday
    # jours ouvrables (Mon–Sat)
    ("STAFF-REPLACE", D(2025, 4, 30), D(2025, 5, 14)),        # over 1 and 8 May
    ("STAFF-REPLACE", D(2025, 7, 1), D(2025, 7, 12)),         # 10th jour ouvrable: Sat 12 July …
    # backward month
    ("STAFF-ACCESS", D(2025, 3, 31), D(2025, 2, 28)),
    ("STAFF-ACCESS", D(2024, 3, 31), D(2024, 2, 29)),
    ("STAFF-ACCESS", D(2025, 9, 1), D(2025, 8, 1)),
])
def test_day_and_month_deadlines(rule_id, trigger, due):
    if rule_id == "STAFF-REPLACE" and trigger == D(2025, 7, 1):
        due = D(2025, 7, 15)  # … Saturday: extended past Mon 14 July to Tue 15
    assert deadline(rule_id, trigger).due == due


def test_the_tenth_jour_ouvrable_on_a_saturday_is_extended():
    d = deadline("STAFF-REPLACE", D(2025, 7, 1))
    assert d.period.raw_end == D(2025, 7, 12) and d.period.raw_end.weekday() == 5
    assert d.due == D(2025, 7, 15)
    assert any("samedi" in step for step in d.trace)


def test_extension_can_be_switched_off():
    assert deadline("PROG-FIRST-MEETING", D(2025, 5, 3), extend_to_working_day=False).due == \
        D(2025, 5, 8)


def test_whit_monday_worked_policy_changes_a_deadline():
    assert deadline("PROG-FIRST-MEETING", D(2025, 6, 4)).due == D(2025, 6, 10)
    assert deadline("PROG-FIRST-MEETING", D(2025, 6, 4), whit_monday_worked=True).due == \
        D(2025, 6, 9)


def test_alsace_moselle_adds_26_december():
    assert deadline("END-BILAN-IND", D(2025, 12, 22)).due == D(2025, 12, 30)
    assert deadline("END-BILAN-IND", D(2025, 12, 22), departement="57").due == D(2025, 12, 31)


def test_backward_to_working_day_policy():
    assert deadline("STAFF-ACCESS", D(2025, 6, 1)).due == D(2025, 5, 1)
    assert deadline("STAFF-ACCESS", D(2025, 6, 1), backward_to_working_day=True).due == \
        D(2025, 4, 30)


@pytest.mark.parametrize("rule_id, trigger, due", [
    ("REFUSAL-48H", at(2025, 5, 2, 14, 30), at(2025, 5, 4, 14, 30)),  # never extended
    # spring forward (30 March 2025, 2:00 → 3:00): 48 real hours
    ("RUN-INTERRUPTION-48H", at(2025, 3, 29, 12), at(2025, 3, 31, 13)),
    # fall back (26 October 2025, 3:00 → 2:00)
    ("PROG-CALENDAR-CHANGE", at(2025, 10, 25, 10), at(2025, 10, 27, 9)),
])
def test_hour_deadlines_count_real_elapsed_time_in_paris(rule_id, trigger, due):
    d = deadline(rule_id, trigger)
    assert d.due == due
    utc = dt.timezone.utc
    assert d.due.astimezone(utc) - trigger.astimezone(utc) == dt.timedelta(hours=48)
    assert d.due.tzinfo is not None


def test_hour_deadline_accepts_any_offset_and_answers_in_paris_time():
    d = deadline("REFUSAL-48H", dt.datetime(2025, 5, 2, 12, 30, tzinfo=dt.timezone.utc))
    assert d.due == at(2025, 5, 4, 14, 30)
    assert d.due.utcoffset() == dt.timedelta(hours=2)


def test_trace_explains_each_step_in_french():
    trace = deadline("PROG-FIRST-MEETING", D(2025, 5, 2)).trace
    assert trace[0] == "Prescription reçue le vendredi 2 mai 2025."
    assert trace[1].parameter == "delays.PROG-FIRST-MEETING" and trace[1].clause == "CCTP 6.1-2"
    assert "5 jours calendaires à compter du lendemain" in trace[2]
    assert "mercredi 7 mai 2025" in trace[2]
    assert "pas de prolongation" in trace[3]
    trace = deadline("PROG-FIRST-MEETING", D(2025, 5, 3)).trace
    assert any("jour férié (Fête de la Victoire)" in s and "vendredi 9 mai 2025" in s
               for s in trace)


@pytest.mark.parametrize("rule_id, trigger, act, met", [
    ("PROG-FIRST-MEETING", D(2025, 5, 2), D(2025, 5, 7), True),   # last day
    ("PROG-FIRST-MEETING", D(2025, 5, 2), D(2025, 5, 8), False),  # one day late
    ("END-BILAN-IND", D(2025, 5, 7), "2025-05-15", True),
    ("END-BILAN-IND", D(2025, 5, 7), "16/05/2025", False),
    ("REFUSAL-48H", at(2025, 5, 2, 14, 30), at(2025, 5, 4, 14, 30), True),
    ("REFUSAL-48H", at(2025, 5, 2, 14, 30), at(2025, 5, 4, 14, 31), False),
    ("STAFF-ACCESS", D(2025, 3, 31), D(2025, 2, 28), True),
    ("STAFF-ACCESS", D(2025, 3, 31), D(2025, 3, 1), False),
])
def test_is_met(rule_id, trigger, act, met):
    assert deadline(rule_id, trigger).is_met(act) is met
    report = check_deadline(rule_id, trigger, act)
    assert report.ok is met
    if not met:
        (finding,) = report.findings
        assert finding.rule_id == rule_id
        assert finding.clause == get_rule(rule_id).clause
        assert finding.expected == deadline(rule_id, trigger).due
        assert finding.trace == deadline(rule_id, trigger).trace
        assert "de retard" in finding.message


def test_every_contract_deadline_is_registered_with_its_delay_parameter():
    registered = {r.id for r in rules("deadline")}
    assert registered == set(SPECS) == set(DIJON.delays)


def test_a_variant_contract_changes_a_delay_without_code():
    variant = parameters_from_dict({"delays": {"PROG-FIRST-MEETING": {"amount": 3,
                                                                      "unit": "jours ouvrés"}}})
    assert variant.delay("PROG-FIRST-MEETING") == Delay(3, "jours ouvrés")
    assert deadline("PROG-FIRST-MEETING", D(2025, 5, 2), params=variant).due == D(2025, 5, 7)
    assert deadline("PROG-FIRST-MEETING", D(2025, 5, 6), params=variant).due == D(2025, 5, 12)


@pytest.mark.parametrize("kwargs, field", [
    ({"rule_id": "NOPE", "trigger": D(2025, 1, 2)}, "rule_id"),
    ({"rule_id": "REFUSAL-48H", "trigger": dt.datetime(2025, 1, 2, 10)}, "trigger"),  # naive
    ({"rule_id": "REFUSAL-48H", "trigger": D(2025, 1, 2)}, "trigger"),
    ({"rule_id": "PROG-START", "trigger": D(1700, 1, 1)}, "trigger"),
    ({"rule_id": "PROG-START", "trigger": "not a date"}, "trigger"),
    ({"rule_id": "PROG-START", "trigger": 20250102}, "trigger"),
    ({"rule_id": 42, "trigger": D(2025, 1, 2)}, "rule_id"),
])
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(InputError) as error:
        deadline(**kwargs)
    assert error.value.path == field


def test_hour_deadline_needs_an_instant_for_the_act():
    with pytest.raises(InputError) as error:
        deadline("REFUSAL-48H", at(2025, 5, 2, 14)).is_met(D(2025, 5, 3))
    assert error.value.path == "act"


def test_negative_delay_in_a_variant_is_refused():
    with pytest.raises(InputError) as error:
        parameters_from_dict({"delays": {"PROG-START": {"amount": -1, "unit": "jours"}}})
    assert error.value.path == "delays.PROG-START.amount"


# --- properties -----------------------------------------------------------------

day_rules = st.sampled_from([r for r, s in SPECS.items()
                             if DIJON.delay(r).unit.value != "heures" and not s.backward])
dates = st.dates(D(2009, 1, 1), D(2099, 1, 1))


@given(day_rules, dates, dates)
def test_property_due_dates_are_monotonic_in_the_trigger(rule_id, a, b):
    a, b = min(a, b), max(a, b)
    assert deadline(rule_id, a).due <= deadline(rule_id, b).due


@given(day_rules, dates)
def test_property_forward_due_date_is_a_jour_ouvre_after_the_trigger(rule_id, trigger):
    from ppaip_rules import get_calendar

    due = deadline(rule_id, trigger).due
    assert due > trigger
    assert get_calendar().is_jour_ouvre(due)


@given(st.datetimes(dt.datetime(2009, 1, 1), dt.datetime(2099, 1, 1),
                    timezones=st.just(PARIS)))
def test_property_hour_deadlines_are_exactly_48_real_hours(trigger):
    d = deadline("REFUSAL-48H", trigger)
    assert d.due.astimezone(dt.timezone.utc) - trigger.astimezone(dt.timezone.utc) == \
        dt.timedelta(hours=48)


def test_is_met_compares_real_instants_across_the_autumn_change():
    # 48 h after Fri 24 Oct 2025 03:30 (UTC+2) is Sun 26 Oct 01:30 UTC = 02:30 UTC+1 (fold=1).
    d = deadline("REFUSAL-48H", at(2025, 10, 24, 3, 30))
    assert d.due.astimezone(dt.timezone.utc) == dt.datetime(2025, 10, 26, 1, 30,
                                                             tzinfo=dt.timezone.utc)
    first_0230 = dt.datetime(2025, 10, 26, 2, 30, fold=0, tzinfo=PARIS)  # 00:30 UTC: in time
    second_0240 = dt.datetime(2025, 10, 26, 2, 40, fold=1, tzinfo=PARIS)  # 01:40 UTC: late
    assert d.is_met(first_0230)
    assert not d.is_met(second_0240)
    assert d.lateness(second_0240) == "10 min de retard"


def test_trace_of_an_hour_deadline_mentions_the_clock_change():
    trace = deadline("PROG-CALENDAR-CHANGE", "2025-10-25T08:00:00Z").trace
    assert trace[0].startswith("Modification du calendrier décidée le samedi 25 octobre 2025 "
                               "à 10 h 00 (heure de Paris)")
    assert any("changement d'heure" in step for step in trace)


def test_the_plain_delay_table_of_the_cold_start_is_dijons_delays():
    # Issue 13: the first deadline() reads its delay from ppaip_rules.dijon_delays
    # (no attrs, no parameters), where the figures are written once; DIJON is built from
    # it and every deadline rule has its delay there.
    from ppaip_rules.dijon_delays import DIJON_DEADLINE_DELAYS

    assert set(DIJON_DEADLINE_DELAYS) == set(SPECS) == set(DIJON.delays)
    for rule_id in SPECS:
        delay = DIJON.delay(rule_id)
        assert DIJON_DEADLINE_DELAYS[rule_id] == (delay.amount, delay.unit), rule_id


def test_dijon_given_or_by_default_is_the_same_deadline_and_the_same_due_dates():
    day = D(2025, 5, 7)
    for rule_id in SPECS:
        trigger = at(2025, 5, 7, 10) if DIJON.delay(rule_id).unit.value == "heures" else day
        assert deadline(rule_id, trigger, params=DIJON) == deadline(rule_id, trigger)
        assert deadline(rule_id, trigger, params=DIJON).title == deadline(rule_id, trigger).title
    assert deadline("END-BILAN-IND", day, params=DIJON) is deadline("END-BILAN-IND", day)
    from ppaip_rules import due_dates

    days = [D(2025, 5, 1) + dt.timedelta(days=i) for i in range(40)]
    assert due_dates("STAFF-REPLACE", days, params=DIJON) == due_dates("STAFF-REPLACE", days)


def test_a_deadline_spec_is_immutable_and_compared_by_value():
    import pickle

    from ppaip_rules.deadlines import DeadlineSpec

    spec = SPECS["STAFF-ACCESS"]
    with pytest.raises(AttributeError):
        spec.backward = False
    copy = DeadlineSpec(*(getattr(spec, n) for n in (
        "rule_id", "clause", "title", "trigger", "act", "backward", "interpretation")))
    assert copy == spec and hash(copy) == hash(spec) and copy is not spec
    assert copy != SPECS["STAFF-REPLACE"]
    assert pickle.loads(pickle.dumps(spec)) is spec
    other = DeadlineSpec("X", "CCTP 1", "t {delay}", "a", "b")
    assert pickle.loads(pickle.dumps(other)) == other
    assert repr(other) == ("DeadlineSpec(rule_id='X', clause='CCTP 1', title='t {delay}', "
                           "trigger='a', act='b', backward=False, interpretation=None)")


def test_params_that_are_not_a_contract_are_refused_after_the_rule():
    with pytest.raises(InputError) as e:
        deadline("END-BILAN-IND", D(2025, 5, 7), params={"delays": {}})
    assert e.value.path == "params"
    with pytest.raises(InputError) as e:
        deadline("NO-SUCH-RULE", D(2025, 5, 7), params={"delays": {}})
    assert e.value.path == "rule_id"
