"""Case timeline: obligations and deadlines from a beneficiary's event log (evaluate_case).

Dates are chosen next to real weekends and holidays (8 May, 14 July, Christmas,
the autumn clock change). Each obligation is tried met on its last day, one
day (or one minute) late, pending before its due date and overdue after it.
"""

import datetime as dt
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import AS_OF, e, events, logs, missed, session

from ppaip_rules import InputError, run_check
from ppaip_rules.events import (
    EVENT_TYPES,
    CalendarChangeCommunicated,
    CalendarChanged,
    Case,
    FirstMeeting,
    PrescriptionReceived,
    SessionHeld,
    case_schema,
    read_event,
)
from ppaip_rules.timeline import CaseState, ObligationStatus, evaluate_case

PARIS = ZoneInfo("Europe/Paris")
EXAMPLES = Path(__file__).parent.parent / "ppaip_rules" / "examples"
MET, MET_LATE, PENDING, OVERDUE = (ObligationStatus.MET, ObligationStatus.MET_LATE,
                                   ObligationStatus.PENDING, ObligationStatus.OVERDUE)


BOTH = ["cpip", "person"]


def evaluate(events, as_of="2025-12-31T12:00:00+01:00", **policy):
    return evaluate_case({"case_id": "T-1", "events": events}, as_of=as_of, **policy)


def only(result, rule_id):
    found = [o for o in result.obligations if o.rule_id == rule_id]
    assert len(found) == 1, (rule_id, found)
    return found[0]


def findings(result, rule_id):
    return [f for f in result.report.findings if f.rule_id == rule_id]


# A programme that starts cleanly: prescription Fri 2 May 2025, validated Fri 9 May.
RX = e("prescription_received", "2025-05-02")
MEETING = e("first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1)
CALENDAR = e("calendar_sent", "2025-05-06")
PROPOSAL = e("proposal_sent", "2025-05-06", individual_hours=12, collective_hours=6)
VALIDATED = e("proposal_validated", "2025-05-09")
FIRST = session("2025-05-12T10:00:00+02:00")
START = [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED, FIRST]


# --- each obligation: met on the last day, late, pending, overdue -------------------

SCENARIOS = [
    # PROG-FIRST-MEETING: prescription Fri 2 May 2025 → Wed 7 May.
    ("PROG-FIRST-MEETING", [RX, e("first_meeting", "2025-05-07T17:00:00+02:00")],
     "2025-06-01T00:00:00+02:00", MET, dt.date(2025, 5, 7)),
    ("PROG-FIRST-MEETING", [RX, e("first_meeting", "2025-05-08T09:00:00+02:00")],
     "2025-06-01T00:00:00+02:00", MET_LATE, dt.date(2025, 5, 7)),
    ("PROG-FIRST-MEETING", [RX], "2025-05-07T23:59:00+02:00", PENDING, dt.date(2025, 5, 7)),
    ("PROG-FIRST-MEETING", [RX], "2025-05-08T00:01:00+02:00", OVERDUE, dt.date(2025, 5, 7)),
    # … received Sat 3 May: Thu 8 May is a holiday → Fri 9 May.
    ("PROG-FIRST-MEETING", [e("prescription_received", "2025-05-03"),
                            e("first_meeting", "2025-05-09T16:00:00+02:00")],
     "2025-06-01T00:00:00+02:00", MET, dt.date(2025, 5, 9)),
    # PROG-START: validated Fri 9 May → Wed 14 May.
    ("PROG-START", [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED,
                    session("2025-05-14T16:00:00+02:00")],
     "2025-06-01T00:00:00+02:00", MET, dt.date(2025, 5, 14)),
    ("PROG-START", [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED,
                    session("2025-05-15T09:00:00+02:00")],
     "2025-06-01T00:00:00+02:00", MET_LATE, dt.date(2025, 5, 14)),
    ("PROG-START", [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED],
     "2025-05-14T20:00:00+02:00", PENDING, dt.date(2025, 5, 14)),
    ("PROG-START", [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED],
     "2025-05-15T08:00:00+02:00", OVERDUE, dt.date(2025, 5, 14)),
    # … validated Wed 9 July: Mon 14 July is a holiday → Tue 15 July.
    ("PROG-START", [RX, MEETING, CALENDAR, PROPOSAL, e("proposal_validated", "2025-07-09"),
                    session("2025-07-15T10:00:00+02:00")],
     "2025-08-01T00:00:00+02:00", MET, dt.date(2025, 7, 15)),
    # PROG-CALENDAR-CHANGE: decided Sat 25 Oct 2025 10:00 (CEST) → Mon 27 Oct 9:00 (CET).
    ("PROG-CALENDAR-CHANGE", [*START, e("calendar_changed", "2025-10-25T10:00:00+02:00"),
                              e("calendar_change_communicated", "2025-10-27T09:00:00+01:00", to=BOTH)],
     "2025-11-30T00:00:00+01:00", MET, dt.datetime(2025, 10, 27, 9, tzinfo=PARIS)),
    ("PROG-CALENDAR-CHANGE", [*START, e("calendar_changed", "2025-10-25T10:00:00+02:00"),
                              e("calendar_change_communicated", "2025-10-27T09:01:00+01:00", to=BOTH)],
     "2025-11-30T00:00:00+01:00", MET_LATE, dt.datetime(2025, 10, 27, 9, tzinfo=PARIS)),
    ("PROG-CALENDAR-CHANGE", [*START, e("calendar_changed", "2025-10-25T10:00:00+02:00")],
     "2025-10-27T09:00:00+01:00", PENDING, dt.datetime(2025, 10, 27, 9, tzinfo=PARIS)),
    ("PROG-CALENDAR-CHANGE", [*START, e("calendar_changed", "2025-10-25T10:00:00+02:00")],
     "2025-10-27T09:00:01+01:00", OVERDUE, dt.datetime(2025, 10, 27, 9, tzinfo=PARIS)),
    # … communicated to the CPIP only: not done until the person is told too.
    ("PROG-CALENDAR-CHANGE", [*START, e("calendar_changed", "2025-10-25T10:00:00+02:00"),
                              e("calendar_change_communicated", "2025-10-25T11:00:00+02:00",
                                to=["cpip"]),
                              e("calendar_change_communicated", "2025-10-28T11:00:00+01:00",
                                to=["person"])],
     "2025-11-30T00:00:00+01:00", MET_LATE, dt.datetime(2025, 10, 27, 9, tzinfo=PARIS)),
    # RUN-INTERRUPTION-48H: interrupted Fri 4 July 2025 16:00 → Sun 6 July 16:00, never extended.
    ("RUN-INTERRUPTION-48H", [*START, e("course_interrupted", "2025-07-04T16:00:00+02:00"),
                              e("interruption_reported", "2025-07-06T16:00:00+02:00")],
     "2025-08-01T00:00:00+02:00", MET, dt.datetime(2025, 7, 6, 16, tzinfo=PARIS)),
    ("RUN-INTERRUPTION-48H", [*START, e("course_interrupted", "2025-07-04T16:00:00+02:00"),
                              e("interruption_reported", "2025-07-07T09:00:00+02:00")],
     "2025-08-01T00:00:00+02:00", MET_LATE, dt.datetime(2025, 7, 6, 16, tzinfo=PARIS)),
    ("RUN-INTERRUPTION-48H", [*START, e("course_interrupted", "2025-07-04T16:00:00+02:00")],
     "2025-07-06T15:00:00+02:00", PENDING, dt.datetime(2025, 7, 6, 16, tzinfo=PARIS)),
    ("RUN-INTERRUPTION-48H", [*START, e("course_interrupted", "2025-07-04T16:00:00+02:00")],
     "2025-07-07T09:00:00+02:00", OVERDUE, dt.datetime(2025, 7, 6, 16, tzinfo=PARIS)),
    # REFUSAL-48H: first meeting Mon 3 March 2025 10:00 for 1 h → Wed 5 March 11:00.
    ("REFUSAL-48H", [e("prescription_received", "2025-02-28"),
                     e("first_meeting", "2025-03-03T10:00:00+01:00", duration_hours=1),
                     e("impossibility_reported", "2025-03-05T11:00:00+01:00", reason="…")],
     "2025-04-01T00:00:00+02:00", MET, dt.datetime(2025, 3, 5, 11, tzinfo=PARIS)),
    ("REFUSAL-48H", [e("prescription_received", "2025-02-28"),
                     e("first_meeting", "2025-03-03T10:00:00+01:00", duration_hours=1),
                     e("impossibility_reported", "2025-03-06T11:00:00+01:00", reason="…")],
     "2025-04-01T00:00:00+02:00", MET_LATE, dt.datetime(2025, 3, 5, 11, tzinfo=PARIS)),
    # END-BILAN-IND: last interview Wed 7 May 2025 (8 May holiday) → Thu 15 May.
    ("END-BILAN-IND", [*START, e("last_individual_interview", "2025-05-07"),
                       e("bilan_delivered", "2025-05-15", scope="individual", to=BOTH)],
     "2025-06-01T00:00:00+02:00", MET, dt.date(2025, 5, 15)),
    ("END-BILAN-IND", [*START, e("last_individual_interview", "2025-05-07"),
                       e("bilan_delivered", "2025-05-16", scope="individual", to=BOTH)],
     "2025-06-01T00:00:00+02:00", MET_LATE, dt.date(2025, 5, 15)),
    ("END-BILAN-IND", [*START, e("last_individual_interview", "2025-05-07")],
     "2025-05-15T23:00:00+02:00", PENDING, dt.date(2025, 5, 15)),
    ("END-BILAN-IND", [*START, e("last_individual_interview", "2025-05-07")],
     "2025-05-16T07:00:00+02:00", OVERDUE, dt.date(2025, 5, 15)),
    # END-BILAN-COLL: workshop ended Fri 19 Dec 2025 → Tue 6 Jan 2026 (Christmas, New Year).
    ("END-BILAN-COLL", [*START, e("workshop_ended", "2025-12-19", workshop="A1"),
                        e("bilan_delivered", "2026-01-06", scope="collective", workshop="A1",
                          to=BOTH)],
     "2026-02-01T00:00:00+01:00", MET, dt.date(2026, 1, 6)),
    ("END-BILAN-COLL", [*START, e("workshop_ended", "2025-12-19", workshop="A1"),
                        e("bilan_delivered", "2026-01-07", scope="collective", workshop="A1",
                          to=BOTH)],
     "2026-02-01T00:00:00+01:00", MET_LATE, dt.date(2026, 1, 6)),
    ("END-BILAN-COLL", [*START, e("workshop_ended", "2025-12-19", workshop="A1"),
                        e("bilan_delivered", "2026-01-05", scope="collective", workshop="B2",
                          to=BOTH)],
     "2026-01-06T18:00:00+01:00", PENDING, dt.date(2026, 1, 6)),
    ("END-BILAN-COLL", [*START, e("workshop_ended", "2025-12-19", workshop="A1")],
     "2026-01-07T08:00:00+01:00", OVERDUE, dt.date(2026, 1, 6)),
]


@pytest.mark.parametrize("rule_id, events, as_of, status, due", SCENARIOS,
                         ids=[f"{s[0]}-{s[3].value}-{i}" for i, s in enumerate(SCENARIOS)])
def test_deadline_obligation_scenarios(rule_id, events, as_of, status, due):
    result = evaluate(events, as_of)
    o = only(result, rule_id)
    assert o.status is status
    assert o.due == due
    breaches = findings(result, rule_id)
    if status.is_breach:
        (finding,) = [f for f in breaches if f.severity.value == "violation"]
        assert finding.trace[:len(o.deadline.trace)] == o.deadline.trace  # then the act found
        assert finding.expected == due
        assert "retard" in finding.message
    else:
        assert not [f for f in breaches if f.severity.value == "violation"]


SESSION_2 = session("2025-05-19T10:00:00+02:00")

TIED = [
    # PROG-PROPOSAL: due before the validation (or the first session).
    ("PROG-PROPOSAL", [RX, MEETING, CALENDAR, e("proposal_sent", "2025-05-09",
                                                individual_hours=4), VALIDATED], MET),
    ("PROG-PROPOSAL", [RX, MEETING, CALENDAR, VALIDATED,
                       e("proposal_sent", "2025-05-10", individual_hours=4)], MET_LATE),
    ("PROG-PROPOSAL", [RX, MEETING, CALENDAR], PENDING),
    ("PROG-PROPOSAL", [RX, MEETING, CALENDAR, FIRST], OVERDUE),
    # PROG-CALENDAR: due at the first session (the same day counts).
    ("PROG-CALENDAR", [RX, MEETING, PROPOSAL, VALIDATED, e("calendar_sent", "2025-05-12"),
                       FIRST], MET),
    ("PROG-CALENDAR", [RX, MEETING, PROPOSAL, VALIDATED, FIRST,
                       e("calendar_sent", "2025-05-13")], MET_LATE),
    ("PROG-CALENDAR", [RX, MEETING, PROPOSAL, VALIDATED], PENDING),
    ("PROG-CALENDAR", [RX, MEETING, PROPOSAL, VALIDATED, FIRST], OVERDUE),
    # RUN-ABSENCE: a reconvocation due before the next appointment.
    ("RUN-ABSENCE", [*START, missed("2025-05-19T10:00:00+02:00"),
                     e("reconvocation", "2025-05-26T10:00:00+02:00"),
                     session("2025-05-26T10:00:00+02:00")], MET),
    ("RUN-ABSENCE", [*START, missed("2025-05-19T10:00:00+02:00"),
                     session("2025-05-26T10:00:00+02:00"),
                     e("reconvocation", "2025-05-27T10:00:00+02:00")], MET_LATE),
    ("RUN-ABSENCE", [*START, missed("2025-05-19T10:00:00+02:00")], PENDING),
    ("RUN-ABSENCE", [*START, missed("2025-05-19T10:00:00+02:00"),
                     session("2025-05-26T10:00:00+02:00")], OVERDUE),
]


@pytest.mark.parametrize("rule_id, events, status", TIED,
                         ids=[f"{t[0]}-{t[2].value}-{i}" for i, t in enumerate(TIED)])
def test_obligations_due_before_a_later_event(rule_id, events, status):
    result = evaluate(events)
    o = only(result, rule_id)
    assert o.status is status
    assert (o.due is None) is (status in (PENDING,))
    assert bool(findings(result, rule_id)) is status.is_breach
    assert o.trace and o.trace[0].endswith(".")


def test_refusal_48h_is_owed_only_when_an_impossibility_is_reported():
    result = evaluate(START)
    assert not [o for o in result.obligations if o.rule_id == "REFUSAL-48H"]
    assert result.state is CaseState.RUNNING


def test_refusal_48h_needs_a_reason_and_counts_from_the_end_of_the_first_meeting():
    result = evaluate([RX, MEETING, e("impossibility_reported", "2025-05-08T10:30:00+02:00")])
    o = only(result, "REFUSAL-48H")
    assert o.due == dt.datetime(2025, 5, 8, 11, tzinfo=PARIS)  # meeting ended at 11:00
    assert o.status is MET
    assert any("motif" in f.message for f in findings(result, "REFUSAL-48H"))
    assert result.state is CaseState.NOT_TAKEN_ON


def test_first_meeting_without_duration_counts_from_its_start_and_says_so():
    result = evaluate([RX, e("first_meeting", "2025-05-06T10:00:00+02:00"),
                       e("impossibility_reported", "2025-05-08T10:30:00+02:00", reason="x")])
    assert only(result, "REFUSAL-48H").status is MET_LATE
    assert any(f.severity.value == "info" and "durée" in f.message
               for f in findings(result, "REFUSAL-48H"))


# --- absences ---------------------------------------------------------------------

def test_absence_sequence_unjustified_reconvocation_unjustified_is_an_abandonment():
    events = [*START, missed("2025-05-19T10:00:00+02:00"),
              e("reconvocation", "2025-05-19T15:00:00+02:00"),
              missed("2025-05-26T10:00:00+02:00")]
    result = evaluate(events, "2025-05-27T09:00:00+02:00")
    assert result.state is CaseState.ABANDONED
    interruption = only(result, "RUN-INTERRUPTION-48H")
    assert interruption.trigger_index == len(events) - 1
    assert interruption.due == dt.datetime(2025, 5, 28, 10, tzinfo=PARIS)
    assert interruption.status is PENDING
    assert only(result, "RUN-ABSENCE").status is MET
    later = evaluate(events, "2025-05-28T10:00:01+02:00")
    assert only(later, "RUN-INTERRUPTION-48H").status is OVERDUE
    reported = evaluate([*events, e("interruption_reported", "2025-05-28T09:00:00+02:00")])
    assert only(reported, "RUN-INTERRUPTION-48H").status is MET
    assert reported.report.ok


def test_a_session_attended_after_the_reconvocation_resets_the_count():
    events = [*START, missed("2025-05-19T10:00:00+02:00"),
              e("reconvocation", "2025-05-19T15:00:00+02:00"),
              session("2025-05-26T10:00:00+02:00"),
              missed("2025-06-02T10:00:00+02:00")]
    result = evaluate(events, "2025-06-02T12:00:00+02:00")
    assert result.state is CaseState.RUNNING
    assert [o.status for o in result.obligations if o.rule_id == "RUN-ABSENCE"] == [MET, PENDING]
    assert not [o for o in result.obligations if o.rule_id == "RUN-INTERRUPTION-48H"]


def test_run_absence_justified_absences_call_for_reconvocation_but_never_count():
    events = [*START, missed("2025-05-19T10:00:00+02:00", justified=True),
              e("reconvocation", "2025-05-19T15:00:00+02:00"),
              missed("2025-05-26T10:00:00+02:00", justified=True),
              e("reconvocation", "2025-05-26T15:00:00+02:00"),
              missed("2025-06-02T10:00:00+02:00", justified=True)]
    result = evaluate(events)
    assert result.state is CaseState.RUNNING
    assert [o.status for o in result.obligations if o.rule_id == "RUN-ABSENCE"] == [
        MET, MET, PENDING]


def test_two_unjustified_absences_without_reconvocation_are_not_an_abandonment():
    events = [*START, missed("2025-05-19T10:00:00+02:00"), missed("2025-05-26T10:00:00+02:00")]
    result = evaluate(events)
    assert result.state is CaseState.RUNNING
    first, second = [o for o in result.obligations if o.rule_id == "RUN-ABSENCE"]
    assert first.status is OVERDUE and second.status is PENDING
    assert not result.report.ok


def test_one_reconvocation_answers_one_absence():
    events = [*START, missed("2025-05-19T10:00:00+02:00"), missed("2025-05-26T10:00:00+02:00"),
              e("reconvocation", "2025-05-26T15:00:00+02:00")]
    first, second = [o for o in evaluate(events).obligations if o.rule_id == "RUN-ABSENCE"]
    assert first.status is OVERDUE and first.act is None
    assert second.status is MET


# --- suspensions (RULES.md ambiguity 7) ---------------------------------------------

# Validated Fri 9 May 2025 → Wed 14 May; suspended from Mon 12 to Tue 13 May (2 days paused).
SUSPENDED = [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED,
             e("suspension_started", "2025-05-12", cause="general_search"),
             e("suspension_ended", "2025-05-13")]


def test_suspended_days_do_not_count_toward_the_start_deadline_by_default():
    result = evaluate([*SUSPENDED, session("2025-05-16T10:00:00+02:00")])
    o = only(result, "PROG-START")
    assert o.due == dt.date(2025, 5, 16)
    assert o.status is MET
    assert any("suspension du lundi 12 mai 2025 au mardi 13 mai 2025" in s for s in o.trace)
    assert result.report.ok


def test_with_the_policy_off_suspended_days_count():
    result = evaluate([*SUSPENDED, session("2025-05-16T10:00:00+02:00")],
                      suspension_stops_clock=False)
    o = only(result, "PROG-START")
    assert o.due == dt.date(2025, 5, 14)
    assert o.status is MET_LATE
    assert not result.report.ok


def test_a_suspension_still_running_stops_the_clock_until_as_of():
    events = [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED,
              e("suspension_started", "2025-05-12", cause="person_unavailable")]
    result = evaluate(events, "2025-06-30T08:00:00+02:00")
    assert result.state is CaseState.SUSPENDED
    o = only(result, "PROG-START")
    assert o.status is PENDING and o.due > dt.date(2025, 6, 30)
    assert any(f.severity.value == "info" for f in findings(result, "RUN-SUSPENSION"))
    off = evaluate(events, "2025-06-30T08:00:00+02:00", suspension_stops_clock=False)
    assert only(off, "PROG-START").status is OVERDUE


def test_sessions_recorded_during_a_suspension_are_flagged():
    result = evaluate([*START, e("suspension_started", "2025-05-13", cause="incident"),
                       session("2025-05-15T10:00:00+02:00"),
                       e("suspension_ended", "2025-05-20")])
    assert any("pendant la suspension" in f.message for f in findings(result, "RUN-SUSPENSION"))


# --- order, impossible logs, prescription ---------------------------------------------

def test_events_before_the_prescription_breach_elig_prescribed():
    result = evaluate([e("first_meeting", "2025-05-01T10:00:00+02:00"), *START])
    (finding,) = findings(result, "ELIG-PRESCRIBED")
    assert finding.path == "events[0]"
    assert finding.severity.value == "violation"


def test_a_log_without_prescription_says_so():
    result = evaluate([MEETING, CALENDAR])
    assert result.state is CaseState.NOT_PRESCRIBED
    assert findings(result, "ELIG-PRESCRIBED")


def test_a_date_only_prescription_and_a_meeting_the_same_day_are_in_order():
    result = evaluate([e("prescription_received", "2025-05-06"), MEETING])
    assert not findings(result, "ELIG-PRESCRIBED")
    assert only(result, "PROG-FIRST-MEETING").status is MET


@pytest.mark.parametrize("events, rule_id, words", [
    ([RX, e("bilan_delivered", "2025-05-05", scope="individual")], "END-BILAN-IND",
     "avant toute séance"),
    ([*START, VALIDATED], "PROG-VALIDATION", "sans proposition en attente"),
    ([RX, MEETING, e("proposal_refused", "2025-05-07")], "PROG-VALIDATION",
     "sans proposition en attente"),
    ([*START, e("change_validated", "2025-05-20")], "PROG-VALIDATION",
     "sans modification en attente"),
    ([*START, e("suspension_ended", "2025-05-20")], "RUN-SUSPENSION", "sans suspension"),
    ([*START, e("interruption_reported", "2025-05-20T10:00:00+02:00")],
     "RUN-INTERRUPTION-48H", "sans parcours interrompu"),
    ([RX, e("proposal_sent", "2025-05-03", individual_hours=3), MEETING], "PROG-PROPOSAL",
     "avant le premier entretien"),
    ([*START, e("programme_ended", "2025-05-20T10:00:00+02:00", cause="person_initiative"),
      session("2025-05-27T10:00:00+02:00")], "END-CAUSE", "après la fin du programme"),
    ([*START, e("last_individual_interview", "2025-05-20", cpip_invited=False)],
     "END-BILAN-IND", "pas été convié"),
])
def test_impossible_or_incomplete_logs_give_a_clear_finding(events, rule_id, words):
    result = evaluate(events)
    assert any(words in f.message for f in findings(result, rule_id)), result.report.format()


def test_hours_delivered_beyond_the_validated_programme():
    events = [RX, MEETING, CALENDAR, e("proposal_sent", "2025-05-06", individual_hours=3),
              VALIDATED, session("2025-05-12T10:00:00+02:00", 2),
              session("2025-05-19T10:00:00+02:00", 2)]
    result = evaluate(events)
    (finding,) = findings(result, "PROG-HOURS-REALISED")
    assert finding.path == "events[6]"
    assert result.hours.validated_individual == 3
    assert result.hours.delivered_individual == 4
    # A validated change that raises the hours covers later sessions.
    changed = evaluate([*events[:6], e("change_proposed", "2025-05-13", individual_hours=8),
                        e("change_validated", "2025-05-14"), events[6]])
    assert not findings(changed, "PROG-HOURS-REALISED")
    assert changed.hours.validated_individual == 8


def test_a_refusal_then_a_new_proposal_the_same_day():
    result = evaluate([RX, MEETING, CALENDAR, PROPOSAL, e("proposal_refused", "2025-05-07"),
                       e("proposal_sent", "2025-05-07", individual_hours=10),
                       e("proposal_validated", "2025-05-09"), FIRST])
    assert result.report.ok, result.report.format()
    assert result.hours.validated_individual == 10


@pytest.mark.parametrize("events, state", [
    ([], CaseState.EMPTY),
    ([RX], CaseState.PRESCRIBED),
    ([RX, MEETING], CaseState.FIRST_MEETING_HELD),
    ([RX, MEETING, PROPOSAL], CaseState.PROPOSAL_PENDING),
    ([RX, MEETING, PROPOSAL, e("proposal_refused", "2025-05-07")], CaseState.PROPOSAL_REFUSED),
    ([RX, MEETING, PROPOSAL, VALIDATED], CaseState.VALIDATED),
    (START, CaseState.RUNNING),
    ([*START, e("course_interrupted", "2025-05-20T10:00:00+02:00")], CaseState.INTERRUPTED),
    ([*START, e("programme_ended", "2025-05-20T10:00:00+02:00", cause="interruption")],
     CaseState.INTERRUPTED),
    ([*START, e("last_individual_interview", "2025-05-20")], CaseState.ENDED),
])
def test_states(events, state):
    result = evaluate(events)
    assert result.state is state
    assert result.state.label


def test_an_end_by_interruption_is_an_interruption_to_report():
    result = evaluate([*START, e("programme_ended", "2025-05-20T10:00:00+02:00",
                                 cause="interruption")], "2025-05-23T00:00:00+02:00")
    assert only(result, "RUN-INTERRUPTION-48H").status is OVERDUE


def test_a_terminal_event_lets_open_obligations_lapse_but_not_the_reports_it_calls_for():
    result = evaluate([RX, MEETING, PROPOSAL, VALIDATED,
                       e("course_interrupted", "2025-05-10T10:00:00+02:00")],
                      "2025-06-30T00:00:00+02:00")
    rules = {o.rule_id for o in result.obligations}
    assert "PROG-START" not in rules and "PROG-CALENDAR" not in rules
    assert only(result, "RUN-INTERRUPTION-48H").status is OVERDUE


def test_events_after_as_of_are_ignored_and_counted():
    result = evaluate([*START, session("2025-07-01T10:00:00+02:00")],
                      "2025-06-30T08:00:00+02:00")
    assert result.ignored_after_as_of == 1
    assert result.hours.delivered_individual == 2


def test_a_date_as_of_means_the_end_of_that_day():
    assert only(evaluate([RX], "2025-05-07"), "PROG-FIRST-MEETING").status is PENDING
    assert only(evaluate([RX], "2025-05-08"), "PROG-FIRST-MEETING").status is OVERDUE


@pytest.mark.parametrize("as_of", [None, "", "demain", "2025-03-30T02:30:00", 20250630,
                                   "2025-10-26T02:30:00", "2025-13-01"])
def test_as_of_is_required_and_must_be_an_aware_instant_or_a_date(as_of):
    with pytest.raises(InputError) as error:
        evaluate_case([RX], as_of=as_of)
    assert error.value.path == "as_of"


@pytest.mark.parametrize("events, path", [
    ([RX, {"type": "session_held", "at": "2025-05-12", "mode": "individual"}],
     "events[1].hours"),
    ([RX, {"type": "first_meeting", "at": "2025-05-06"}], "events[1].at"),
    ([RX, {"type": "session_missed", "at": "2025-05-06T10:00:00+02:00", "cause": "strike"}],
     "events[1].cause"),
    ([{"type": "nope", "at": "2025-05-06"}], "events[0].type"),
    ([RX, {"type": "suspension_started", "at": "2025-05-06", "cause": "strike"}],
     "events[1].cause"),
    ([RX, {"type": "bilan_delivered", "at": "2025-05-06", "to": []}], "events[1].to"),
    ([RX, {"type": "prescription_received", "at": "1990-01-01"}], "events[1].at"),
    ([RX, "x"], "events[1]"),
])
def test_bad_events_are_input_errors_naming_the_path(events, path):
    with pytest.raises(InputError) as error:
        evaluate(events)
    assert error.value.path == path


def test_models_and_dicts_give_the_same_result():
    case = Case(case_id="T-1", events=[read_event(x) for x in START])
    a = evaluate_case(case, as_of="2025-12-31T12:00:00+01:00").to_dict()
    b = evaluate(START).to_dict()
    assert a == b
    assert isinstance(case.events[0], PrescriptionReceived)
    assert isinstance(case.events[1], FirstMeeting)
    assert isinstance(case.events[-1], SessionHeld)


def test_a_bare_list_of_events_is_accepted():
    assert evaluate_case(START, as_of="2025-12-31").state is CaseState.RUNNING


def test_events_round_trip_through_their_json_form():
    for x in json.loads((EXAMPLES / "case.non-conforme.json").read_text())["events"]:
        event = read_event(x)
        assert read_event(event.to_dict()) == event


# --- the Monday-morning text -----------------------------------------------------------

def test_monday_text_lists_what_is_late_and_what_is_due_this_week():
    data = json.loads((EXAMPLES / "case.conforme.json").read_text())
    text = evaluate_case(data, as_of="2025-06-30T08:00:00+02:00").format()
    assert "situation au lundi 30 juin 2025 à 8 h 00" in text
    week = text.split("À FAIRE CETTE SEMAINE")[1].split("PLUS TARD")[0]
    assert "vendredi 4 juillet 2025 — END-BILAN-IND" in week
    assert "EN RETARD (0)" in text
    data = json.loads((EXAMPLES / "case.non-conforme.json").read_text())
    text = evaluate_case(data, as_of="2025-06-30T08:00:00+02:00").format()
    late = text.split("EN RETARD (")[1].split("À FAIRE")[0]
    assert "PROG-CALENDAR" in late


def test_the_example_files_say_what_their_names_say():
    for name, ok in (("case.conforme.json", True), ("case.non-conforme.json", False)):
        data = json.loads((EXAMPLES / name).read_text())
        report = run_check("case", data, as_of="2025-06-30T18:00:00+02:00")
        assert report.ok is ok, report.format()
        assert not report.warnings or not ok


def test_example_files_follow_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    for name in ("case.conforme.json", "case.non-conforme.json"):
        jsonschema.validate(json.loads((EXAMPLES / name).read_text()), case_schema())
    jsonschema.Draft202012Validator.check_schema(case_schema())


# --- properties ---------------------------------------------------------------------

def canonical(result):
    """The result without the input positions (which a shuffle changes)."""
    return ([(o.rule_id, o.trigger, o.due, o.act, o.status) for o in result.obligations],
            [(f.rule_id, f.severity, f.message, tuple(s for s in f.trace if s.path is None))
             for f in result.report.findings],
            result.state, result.hours)


@given(logs, st.randoms(use_true_random=False))
def test_property_random_valid_logs_never_crash_and_order_does_not_matter(log, rnd):
    result = evaluate_case(log, as_of=AS_OF)
    assert result.report.checked
    shuffled = list(log)
    rnd.shuffle(shuffled)
    assert canonical(evaluate_case(shuffled, as_of=AS_OF)) == canonical(result)
    json.dumps(result.to_dict())
    result.format()


def due_instant(o):
    if isinstance(o.due, dt.datetime):
        return o.due
    return dt.datetime.combine(o.due + dt.timedelta(1), dt.time(), tzinfo=PARIS)


@given(logs, events())
def test_property_adding_an_event_never_changes_an_obligation_due_before_it(log, extra):
    """An obligation is "due before" an added event when its due date ends (24:00 of a due
    day, or the due instant) strictly before the event — the event's instant, or the
    start (0:00) of its day when it is given as a date only. Evaluated at the same
    ``as_of`` (after every event), such an obligation is still there with the same
    trigger and due date, and its status is unchanged — with one exception that is not
    a change of verdict: an overdue obligation whose act is the added (late) event
    becomes "met late", a breach all the same.
    """
    extra_event = read_event(extra)
    when = (dt.datetime.fromtimestamp(extra_event.ts, dt.timezone.utc) if extra_event.timed
            else dt.datetime.combine(extra_event.day, dt.time(), tzinfo=PARIS))
    before = evaluate_case(log, as_of=AS_OF)
    after = evaluate_case([*log, extra], as_of=AS_OF)
    key = lambda o: (o.rule_id, o.trigger_index, o.due)  # noqa: E731
    then = {key(o): o for o in after.obligations}
    for o in before.obligations:
        if o.due is None or not due_instant(o) < when:
            continue
        assert key(o) in then, (o, extra)
        now = then[key(o)]
        if now.status is not o.status:
            assert (o.status, now.status) == (OVERDUE, MET_LATE), (o, now, extra)
            assert now.act_index == len(log)


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["type", "at", "hours", "mode", "events", "cause",
                                       "justified", "x"]), children, max_size=4),
    max_leaves=12)


@given(st.one_of(junk, st.lists(st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(EVENT_TYPES))}, optional={"at": junk, "hours": junk,
                                                              "mode": junk}))))
def test_property_junk_input_is_an_input_error_never_a_crash_nor_an_echo(data):
    try:
        evaluate_case(data, as_of=AS_OF)
    except InputError as error:
        text = str(error)
        for leaf in _strings(data):
            if len(leaf) > 3:
                assert leaf not in text


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_property_regression_same_instant_events_sort_by_content():
    a = [missed("2025-05-19T10:00:00+02:00", True), missed("2025-05-19T10:00:00+02:00")]
    r1 = evaluate([*START, *a])
    r2 = evaluate([*START, *reversed(a)])
    assert canonical(r1) == canonical(r2)


@given(st.lists(events(), min_size=2, max_size=12))
def test_property_sort_key_orders_events_as_their_named_key(raw):
    """Event.sort_key (one integer, what a case is sorted by) gives the order of Event.key
    (instant, date given alone, workflow rank), ties included."""
    log = [read_event(item) for item in raw]
    for a in log:
        for b in log:
            assert (a.sort_key < b.sort_key) == (a.key < b.key)
            assert (a.sort_key == b.sort_key) == (a.key == b.key)


@given(st.lists(events(), min_size=1, max_size=8))
def test_property_an_event_pickles_with_its_fields_and_derives_the_rest(raw):
    import pickle

    for event in (read_event(item) for item in raw):
        back = pickle.loads(pickle.dumps(event))
        assert back == event and type(back) is type(event)
        assert (back.day, back.ts, back.instant_us, back.key, back.sort_key) == (
            event.day, event.ts, event.instant_us, event.key, event.sort_key)


@given(st.lists(events(), min_size=1, max_size=8))
def test_property_events_read_twice_derive_what_their_instant_says(raw):
    """The reader derives an event's day, timestamp and sort key once per text (its memo):
    read again, or built from its instant, an event derives the same."""
    from ppaip_rules.events import _derived

    for item in raw:
        first, again = read_event(item), read_event(dict(item))
        assert first == again
        for event in (first, again):
            assert (event.day, event.ts, event.instant_us, event.sort_key) == _derived(
                type(event), event.at)


def test_random_shuffles_of_the_example_give_the_same_obligations():
    data = json.loads((EXAMPLES / "case.non-conforme.json").read_text())
    reference = canonical(evaluate_case(data, as_of=AS_OF))
    rnd = random.Random(5)
    for _ in range(20):
        rnd.shuffle(data["events"])
        assert canonical(evaluate_case(data, as_of=AS_OF)) == reference


# --- the command line ------------------------------------------------------------------

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}


def run(*args, env=None, stdin=None):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], capture_output=True,
                          text=True, env={**ENV, **(env or {})}, input=stdin, timeout=60)


def test_cli_timeline_text_and_exit_codes():
    ok = run("timeline", str(EXAMPLES / "case.conforme.json"), "--as-of",
             "2025-06-30T08:00:00+02:00")
    assert ok.returncode == 0, ok.stderr
    assert "À FAIRE CETTE SEMAINE" in ok.stdout
    bad = run("timeline", str(EXAMPLES / "case.non-conforme.json"), "--as-of",
              "2025-06-30T08:00:00+02:00")
    assert bad.returncode == 1
    assert "RUN-INTERRUPTION-48H" in bad.stdout


def test_cli_timeline_json():
    out = run("timeline", "-", "--as-of", "2025-06-30", "--format", "json",
              stdin=(EXAMPLES / "case.non-conforme.json").read_text())
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert data["state"] == "abandoned"
    assert {o["status"] for o in data["obligations"]} >= {"met", "met_late", "overdue"}
    assert data["report"]["ok"] is False


def test_cli_timeline_without_as_of_names_it_and_exits_2():
    out = run("timeline", str(EXAMPLES / "case.conforme.json"))
    assert out.returncode == 2
    assert "« --as-of »" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_check_case_kind_needs_as_of_too():
    path = str(EXAMPLES / "case.conforme.json")
    assert run("check", "case", path).returncode == 2
    assert run("check", "case", path, "--as-of", "2025-06-30T18:00:00+02:00").returncode == 0


def test_cli_suspension_policy_switch():
    doc = {"events": [*SUSPENDED, session("2025-05-16T10:00:00+02:00")]}
    default = run("timeline", "-", "--as-of", "2025-06-01", stdin=json.dumps(doc))
    counted = run("timeline", "-", "--as-of", "2025-06-01", "--suspensions-count",
                  stdin=json.dumps(doc))
    assert (default.returncode, counted.returncode) == (0, 1)


@pytest.mark.parametrize("env", [{"TZ": "UTC"}, {"TZ": "Pacific/Auckland"},
                                 {"TZ": "America/Los_Angeles", "LC_ALL": "C"}])
def test_results_do_not_depend_on_the_machine_time_zone(env):
    for name in ("case.conforme.json", "case.non-conforme.json"):
        args = ("timeline", str(EXAMPLES / name), "--as-of", "2025-06-30T08:00:00+02:00",
                "--format", "json")
        reference, other = run(*args), run(*args, env=env)
        assert other.returncode == reference.returncode
        assert other.stdout == reference.stdout


@given(logs)
def test_property_skipping_silent_rules_never_hides_a_finding(log):
    """The gates that skip a rule when it cannot speak (a batch optimisation) give the
    same report as running every rule on every case."""
    from ppaip_rules import timeline

    gated = evaluate_case(log, as_of=AS_OF).report
    original = timeline.speaking
    timeline.speaking = lambda f: set(timeline.CASE_RULES)
    try:
        ungated = evaluate_case(log, as_of=AS_OF).report
    finally:
        timeline.speaking = original
    assert gated.findings == ungated.findings


def test_regression_a_late_prescription_does_not_remove_the_first_meetings_obligations():
    """Found by the thorough profile: a first meeting and a session before any prescription,
    then a prescription; the calendar obligation (due at that session) must stay."""
    log = [e("first_meeting", "2025-03-01T00:00:00+01:00"),
           session("2025-03-01T00:00:00+01:00", 0)]
    before_rx = evaluate(log)
    after_rx = evaluate([*log, e("prescription_received", "2025-03-01T00:01:00+01:00")])
    assert only(before_rx, "PROG-CALENDAR").status is OVERDUE
    assert only(after_rx, "PROG-CALENDAR").status is OVERDUE
    assert findings(after_rx, "ELIG-PRESCRIBED")


# --- issue 11: absences, start, missing facts, new rules, time input, repr ------------

def _absence_obligations(result):
    return [o.status for o in result.obligations if o.rule_id == "RUN-ABSENCE"]


def test_run_absence_justified_absence_without_reconvocation_is_a_breach():
    result = evaluate([*START, missed("2025-05-19T10:00:00+02:00", justified=True),
                       session("2025-05-26T10:00:00+02:00")])
    assert _absence_obligations(result) == [OVERDUE]
    assert [f.severity.value for f in findings(result, "RUN-ABSENCE")] == ["violation"]


def test_run_absence_facilitator_absent_is_rescheduled_and_never_counts():
    result = evaluate([*START, missed("2025-05-19T10:00:00+02:00", cause="facilitator_absent"),
                       missed("2025-05-26T10:00:00+02:00", cause="lockdown"),
                       missed("2025-06-02T10:00:00+02:00", cause="transfer")])
    assert _absence_obligations(result) == []
    assert result.state is CaseState.RUNNING
    assert all(f.severity.value == "info" for f in findings(result, "RUN-ABSENCE"))
    assert result.report.ok


def test_run_absence_administration_absence_at_the_new_appointment_is_not_an_abandonment():
    result = evaluate([*START, missed("2025-05-19T10:00:00+02:00"),
                       e("reconvocation", "2025-05-19T15:00:00+02:00"),
                       missed("2025-05-26T10:00:00+02:00", cause="lockdown"),
                       session("2025-06-02T10:00:00+02:00")])
    assert result.state is CaseState.RUNNING
    assert _absence_obligations(result) == [MET]


def test_run_absence_unrecorded_cause_is_the_persons_and_the_finding_says_so():
    result = evaluate([*START, e("session_missed", "2025-05-19T10:00:00+02:00"),
                       session("2025-05-26T10:00:00+02:00")])
    assert _absence_obligations(result) == [OVERDUE]
    (info,) = [f for f in findings(result, "RUN-ABSENCE") if f.severity.value == "info"]
    assert "sans cause renseignée" in info.message and "ambiguïté 13" in info.message


def test_run_absence_unrecorded_justification_at_the_new_appointment_is_a_missing_fact():
    result = evaluate([*START, missed("2025-05-19T10:00:00+02:00"),
                       e("reconvocation", "2025-05-19T15:00:00+02:00"),
                       e("session_missed", "2025-05-26T10:00:00+02:00", cause="person")])
    assert result.state is CaseState.RUNNING  # no abandonment concluded
    (gap,) = [f for f in findings(result, "RUN-ABSENCE") if f.missing]
    assert gap.path == "events[8].justified"
    assert not result.report.complete


def test_run_absence_unjustified_absence_at_the_new_appointment_is_an_abandonment():
    result = evaluate([*START, missed("2025-05-19T10:00:00+02:00", justified=True),
                       e("reconvocation", "2025-05-19T15:00:00+02:00"),
                       missed("2025-05-26T10:00:00+02:00")])
    assert result.state is CaseState.ABANDONED


def test_run_absence_boundary_reconvocation_on_the_holiday_before_the_next_appointment():
    # Absent Wed 7 May 2025, reconvoked Thu 8 May (holiday), seen again Fri 9 May.
    events = [RX, MEETING, CALENDAR, PROPOSAL, e("proposal_validated", "2025-05-06"),
              missed("2025-05-07T10:00:00+02:00", justified=True),
              e("reconvocation", "2025-05-08"), session("2025-05-09T10:00:00+02:00")]
    assert _absence_obligations(evaluate(events)) == [MET]


# PROG-START: validated Fri 9 May 2025 → due Wed 14 May.
def test_prog_start_first_session_missed_by_the_person_within_5_days_meets_the_start():
    result = evaluate([RX, MEETING, CALENDAR, PROPOSAL, VALIDATED,
                       missed("2025-05-12T10:00:00+02:00"),
                       e("reconvocation", "2025-05-12T15:00:00+02:00"),
                       session("2025-05-19T10:00:00+02:00")])
    assert only(result, "PROG-START").status is MET
    assert not findings(result, "PROG-START")


def test_prog_start_regression_the_provider_is_not_late_for_the_persons_absence():
    # Absent on the last day (Wed 14 May), next held session 10 days after it.
    result = evaluate([RX, MEETING, CALENDAR, PROPOSAL, VALIDATED,
                       missed("2025-05-14T16:00:00+02:00", justified=True),
                       e("reconvocation", "2025-05-14T17:00:00+02:00"),
                       session("2025-05-24T10:00:00+02:00")])
    assert only(result, "PROG-START").status is MET


def test_prog_start_policy_only_a_held_session_counts():
    events = [RX, MEETING, CALENDAR, PROPOSAL, VALIDATED, missed("2025-05-12T10:00:00+02:00"),
              e("reconvocation", "2025-05-12T15:00:00+02:00"),
              session("2025-05-19T10:00:00+02:00")]
    assert only(evaluate(events, start_needs_held_session=True), "PROG-START").status \
        is MET_LATE


def test_prog_start_an_absence_caused_by_a_lockdown_does_not_start_the_programme():
    result = evaluate([RX, MEETING, CALENDAR, PROPOSAL, VALIDATED,
                       missed("2025-05-12T10:00:00+02:00", cause="lockdown"),
                       session("2025-05-19T10:00:00+02:00")])
    assert only(result, "PROG-START").status is MET_LATE


def test_prog_start_boundary_missed_session_the_day_after_the_holiday_extension():
    # Validated Wed 9 July 2025: Mon 14 July is a holiday → due Tue 15 July.
    base = [RX, MEETING, CALENDAR, PROPOSAL, e("proposal_validated", "2025-07-09")]
    ok = evaluate([*base, missed("2025-07-15T10:00:00+02:00")])
    late = evaluate([*base, missed("2025-07-16T10:00:00+02:00")])
    assert only(ok, "PROG-START").status is MET
    assert only(late, "PROG-START").status is MET_LATE


# Missing facts: recipients, hours, scope, reason, CPIP invitation.
def test_calendar_change_communicated_without_recipients_is_a_missing_fact_not_a_delivery():
    result = evaluate([*START, e("calendar_changed", "2025-10-25T10:00:00+02:00"),
                       e("calendar_change_communicated", "2025-10-25T11:00:00+02:00")],
                      "2025-11-30T00:00:00+01:00")
    o = only(result, "PROG-CALENDAR-CHANGE")
    assert o.status is ObligationStatus.UNKNOWN and not o.status.is_breach
    (gap,) = findings(result, "PROG-CALENDAR-CHANGE")
    assert gap.missing and gap.path == "events[7].to"
    assert result.report.ok and not result.report.complete
    assert "INFORMATION MANQUANTE (1)" in result.format()


def test_bilan_delivered_without_recipients_is_a_missing_fact_not_a_delivery_to_both():
    result = evaluate([*START, e("last_individual_interview", "2025-05-07", cpip_invited=True),
                       e("bilan_delivered", "2025-05-15", scope="individual")],
                      "2025-06-01T00:00:00+02:00")
    assert only(result, "END-BILAN-IND").status is ObligationStatus.UNKNOWN
    assert any(f.missing and f.path == "events[7].to" for f in findings(result, "END-BILAN-IND"))


def test_bilan_delivered_to_both_late_stays_a_breach_whatever_else_is_missing():
    result = evaluate([*START, e("last_individual_interview", "2025-05-07", cpip_invited=True),
                       e("bilan_delivered", "2025-05-16", scope="individual", to=BOTH)],
                      "2025-06-01T00:00:00+02:00")
    assert only(result, "END-BILAN-IND").status is MET_LATE


def test_a_proposal_without_hours_is_a_missing_fact_not_zero_hours():
    result = evaluate([RX, MEETING, CALENDAR, e("proposal_sent", "2025-05-06"), VALIDATED,
                       FIRST])
    assert not findings(result, "PROG-HOURS-REALISED") or all(
        f.missing for f in findings(result, "PROG-HOURS-REALISED"))
    assert any(f.missing for f in findings(result, "PROG-PROPOSAL"))
    assert result.report.ok and not result.report.complete


def test_a_proposal_of_zero_hours_is_still_a_violation():
    result = evaluate([RX, MEETING, e("proposal_sent", "2025-05-06", individual_hours=0,
                                      collective_hours=0)])
    assert [f.severity.value for f in findings(result, "PROG-PROPOSAL")] == ["violation"]


def test_collective_session_under_a_programme_without_collective_hours_is_a_missing_fact():
    result = evaluate([RX, MEETING, CALENDAR,
                       e("proposal_sent", "2025-05-06", individual_hours=12), VALIDATED,
                       session("2025-05-12T10:00:00+02:00", mode="collective",
                               workshop="A1")])
    (gap,) = findings(result, "PROG-HOURS-REALISED")
    assert gap.missing and gap.path == "events[3].collective_hours"


def test_unrecorded_cpip_invitation_and_impossibility_reason_are_missing_facts():
    result = evaluate([*START, e("last_individual_interview", "2025-05-20")])
    assert any(f.missing and f.path.endswith("cpip_invited")
               for f in findings(result, "END-BILAN-IND"))
    result = evaluate([RX, MEETING, e("impossibility_reported", "2025-05-06T15:00:00+02:00")])
    assert any(f.missing and f.path.endswith("reason") for f in findings(result, "REFUSAL-48H"))


# New rules of the event log.
DIAG = e("diagnostic_consulted", "2025-05-05")


def test_prog_diagnostic_consulted_before_the_first_meeting():
    assert not findings(evaluate([RX, DIAG, MEETING]), "PROG-DIAGNOSTIC")


def test_prog_diagnostic_consulted_after_the_first_meeting_is_a_violation():
    (f,) = findings(evaluate([RX, MEETING, e("diagnostic_consulted",
                                             "2025-05-06T15:00:00+02:00")]), "PROG-DIAGNOSTIC")
    assert f.severity.value == "violation"


def test_prog_diagnostic_same_day_as_the_meeting_given_as_a_date_is_not_after_it():
    assert not findings(evaluate([RX, e("diagnostic_consulted", "2025-05-06"), MEETING]),
                        "PROG-DIAGNOSTIC")


def test_prog_diagnostic_not_recorded_is_a_missing_fact():
    (f,) = findings(evaluate([RX, MEETING]), "PROG-DIAGNOSTIC")
    assert f.missing and f.severity.value == "info"


@pytest.mark.parametrize("given, expected", [(True, []), (False, ["violation"]),
                                             (None, ["info"])])
def test_prog_calendar_person_at_the_first_interview(given, expected):
    meeting = e("first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1)
    if given is not None:
        meeting["calendar_given"] = given
    found = findings(evaluate([RX, DIAG, meeting]), "PROG-CALENDAR-PERSON")
    assert [f.severity.value for f in found] == expected


@pytest.mark.parametrize("deposited, expected", [(True, []), (False, ["violation"]),
                                                 (None, ["info"])])
def test_doc_ipro_deposit_of_a_synthesis_and_a_bilan(deposited, expected):
    extra = {} if deposited is None else {"ipro_deposited": deposited}
    for event in (e("document_produced", "2025-05-30", document="synthesis", **extra),
                  e("bilan_delivered", "2025-05-30", scope="individual", to=BOTH, **extra)):
        found = findings(evaluate([*START, event]), "DOC-IPRO-DEPOSIT")
        assert [f.severity.value for f in found] == expected


# Time input: without an offset, Paris time; the gap and the fold are errors.
def test_an_event_time_without_offset_is_paris_time():
    naive = evaluate([RX, e("first_meeting", "2025-05-07T17:00:00")])
    aware = evaluate([RX, e("first_meeting", "2025-05-07T17:00:00+02:00")])
    assert only(naive, "PROG-FIRST-MEETING").act.at == only(
        aware, "PROG-FIRST-MEETING").act.at
    assert only(naive, "PROG-FIRST-MEETING").status is MET


@pytest.mark.parametrize("at, words", [("2025-03-30T02:30:00", "n'existent pas"),
                                       ("2025-10-26T02:30:00", "décalage")])
def test_a_time_in_the_spring_gap_or_the_autumn_fold_is_an_input_error(at, words):
    with pytest.raises(InputError) as error:
        evaluate([RX, e("calendar_changed", at)])
    assert error.value.path == "events[1].at"
    assert words in str(error.value)
    with pytest.raises(InputError) as error:
        CalendarChanged(dt.datetime.fromisoformat(at))
    assert error.value.path == "at"


def test_the_autumn_fold_with_its_offset_is_accepted():
    for offset in ("+02:00", "+01:00"):
        evaluate([RX, e("calendar_changed", "2025-10-26T02:30:00" + offset)])


def test_programme_and_events_share_the_time_converter():
    from ppaip_rules import check_programme
    for at in ("2025-03-30T02:30:00", "2025-10-26T02:30:00"):
        with pytest.raises(InputError) as error:
            check_programme({"individual_hours": 3,
                             "sessions": [{"start": at, "hours": 1}]})
        assert error.value.path == "sessions[0].start"


# repr never shows free text nor personal data.
def test_repr_of_case_models_and_results_never_shows_free_text():
    marker = "ZQX"
    events = [e("prescription_received", "2025-05-02", id=marker + "id"),
              e("first_meeting", "2025-05-06T10:00:00+02:00", id=marker + "1"),
              e("impossibility_reported", "2025-05-06T12:00:00+02:00", reason=marker + "r"),
              e("proposal_refused", "2025-05-07", comment=marker + "c"),
              e("change_refused", "2025-05-07", comment=marker + "cc"),
              session("2025-05-12T10:00:00+02:00", mode="collective", workshop=marker + "w"),
              e("session_missed", "2025-05-13T10:00:00+02:00", workshop=marker + "w2"),
              e("workshop_ended", "2025-05-14", workshop=marker + "w3"),
              e("bilan_delivered", "2025-05-15", workshop=marker + "w4")]
    case = {"case_id": marker + "case", "spip": "ZQX21", "site": marker + "site",
            "beneficiary": {"sex": "F", "age_at_prescription": 47,
                            "without_qualification": True}, "events": events}
    result = evaluate_case(case, as_of=AS_OF)
    from ppaip_rules.events import read_case
    for shown in (repr(result), repr(read_case(case)), repr(result.obligations),
                  repr(result.report)):
        assert marker not in shown and "47" not in shown


# Linear growth with calendar changes (counted, not timed).
def test_calendar_changes_are_checked_in_linear_time(monkeypatch):
    import ppaip_rules.obligations as obligations
    calls = {"n": 0}
    real = obligations.before

    def counting(a, b):
        calls["n"] += 1
        return real(a, b)

    monkeypatch.setattr(obligations, "before", counting)

    def cost(n):
        calls["n"] = 0
        t0 = dt.datetime(2025, 5, 12, 9, tzinfo=PARIS)
        log = [RX]
        for i in range(n):
            t = t0 + dt.timedelta(minutes=10 * i)
            log += [CalendarChanged(t), CalendarChangeCommunicated(
                t + dt.timedelta(minutes=5), to=["cpip"])]
        evaluate_case(log, as_of="2027-01-01")
        return calls["n"]

    small, large = cost(200), cost(1600)
    assert large <= 8 * small * 1.2  # linear (quadratic would be 64×)


_midnights = st.sampled_from(["2025-05-13T00:00:00+02:00", "2025-05-13T09:00:00+02:00",
                              "2025-05-12T23:59:00+02:00", "2025-05-14T00:00:00+02:00",
                              "2025-05-13T09:00:00+02:00", "2025-05-13T07:00:00Z"])


@given(st.lists(_midnights, min_size=1, max_size=4),
       st.lists(st.tuples(_midnights, st.sampled_from([None, ["cpip"], ["person"], BOTH])),
                max_size=6))
def test_property_calendar_changes_indexed_or_scanned_agree(changes, communications):
    """The communications indexed once for several changes (obligations._Coverage) find,
    for each change, what one scan finds (obligations._covering, used for one change):
    equal instants, and instants around midnight, included."""
    from ppaip_rules.events import read_case
    from ppaip_rules.obligations import _Coverage, _covering

    case = read_case([e("calendar_changed", at) for at in changes] + [
        e("calendar_change_communicated", at, **({} if to is None else {"to": to}))
        for at, to in communications])
    pairs = sorted(enumerate(case.events), key=lambda p: p[1].sort_key)
    sent = [p for p in pairs if isinstance(p[1], CalendarChangeCommunicated)]
    index = _Coverage(sent)
    for _, change in (p for p in pairs if isinstance(p[1], CalendarChanged)):
        assert index.of(change) == _covering(sent, change)


def test_the_unguarded_constructors_build_what_attrs_builds():
    """parsing.trusted: for the case results, a generated constructor (slots set through
    their descriptors) gives the very object attrs' own __init__ gives, converters and
    defaults included; a class it cannot build that way keeps attrs' constructor."""
    import attrs

    from ppaip_rules.case_facts import Hours
    from ppaip_rules.model import Deferred, Finding, Flag, Report, Severity
    from ppaip_rules.parsing import trusted
    from ppaip_rules.timeline import CaseEvaluation

    flag_args = (Deferred(str.upper, "late"), 1, 2, Severity.WARNING, "events[0]",
                 ["un pas"], False)
    finding_args = ("R-1", "CCTP 6.1", Severity.VIOLATION, "titre", "message", None, None,
                    "events[1]", ("un", "deux"), True, None)
    ev = evaluate_case(START, as_of=AS_OF)
    evaluation_args = ("C-1", ev.as_of, ev.state, ev.state_since, ev.obligations, ev.hours,
                       ev.report, 2)
    for cls, args in ((Flag, flag_args), (Finding, finding_args), (Hours, (1.0, None, 2.0, 0.0)),
                      (Report, ("case", [], ["R-1"])), (CaseEvaluation, evaluation_args)):
        built, reference = trusted(cls)(*args), cls(*args)
        assert "trusted constructor" in trusted(cls).__code__.co_filename
        assert built == reference
        for field in attrs.fields(cls):
            assert type(getattr(built, field.name)) is type(getattr(reference, field.name))
    assert trusted(Report)("case", [], ["R-1"]).findings == ()  # the converter ran
    assert trusted(Flag)(*flag_args).trace == ("un pas",)


def test_a_list_of_recipients_read_again_is_the_same_and_a_bad_one_is_still_refused():
    """The reader keeps each list of recipients it has read (describe_reader's memo): read
    again, the list gives the same set; a bad list is refused at its element's path
    however many good ones came before."""
    bilan = {"type": "bilan_delivered", "at": "2025-06-02", "scope": "individual",
             "to": ["cpip", "person"]}
    for _ in range(3):
        assert read_event(dict(bilan, to=["cpip", "person"])).to == {"cpip", "person"}
    assert read_event(dict(bilan, to=["person", "person"])).to == {"person"}
    for bad, path in ((["cpip", "juge"], "to[1]"), ([], "to"), ([["cpip"]], "to[0]"),
                      ([None], "to[0]")):
        with pytest.raises(InputError) as error:
            read_event(dict(bilan, to=bad))
        assert error.value.path == path
