"""The durable_rules adapter: the same obligations as evaluate_case, notices, isolation.

Skipped, with the reason, where durable_rules is not installed or does not import
(Python 3.13+): the core suite passes without it.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip(
    "durable.lang", exc_type=ImportError,
    reason="durable_rules absent ou inutilisable sur ce Python (extra « durable » : "
           "CPython 3.10 à 3.12) : tests de l'adaptateur durable_rules sautés")

from hypothesis import example, given
from hypothesis import strategies as st
from strategies import AS_OF, e, logs, missed, session

from ppaip_rules import InputError
from ppaip_rules.calendar import PARIS
from ppaip_rules.integrations.durable import (
    DUE,
    LATE,
    MET,
    WITHDRAWN,
    AdapterError,
    DurableAdapter,
    NoticeKind,
    ObligationNotice,
    ruleset_definition,
)
from ppaip_rules.timeline import CaseState, ObligationStatus, evaluate_case

ROOT = Path(__file__).resolve().parents[1]
SNIPPET = ROOT / "docs" / "snippets" / "durable" / "exemple.py"
START = "2025-02-01T00:00:00+01:00"
NOW = "2025-05-02T09:00:00+02:00"
PENDING, OVERDUE = ObligationStatus.PENDING, ObligationStatus.OVERDUE
MET_S, MET_LATE = ObligationStatus.MET, ObligationStatus.MET_LATE

RX = e("prescription_received", "2025-05-02")
MEETING = e("first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1)
PROPOSAL = e("proposal_sent", "2025-05-06", individual_hours=12, collective_hours=6)
CALENDAR = e("calendar_sent", "2025-05-06")
VALID = e("proposal_validated", "2025-05-09")


class Recorder:
    """The host's callbacks: every notice, in the order they were called."""

    def __init__(self):
        self.notices: list[ObligationNotice] = []

    def callbacks(self) -> dict:
        return {f"on_{kind}": self.notices.append
                for kind in ("due", "late", "met", "withdrawn", "missing")}


def adapter(recorder: Recorder | None = None, now: str = NOW, **options) -> DurableAdapter:
    return DurableAdapter(now=now, **(recorder.callbacks() if recorder else {}), **options)


def view(obligations):
    """What an obligation says: rule, trigger, due date, act, status (not the trace)."""
    return [(o.rule_id, o.trigger, o.trigger_index, o.due, o.act, o.act_index, o.status)
            for o in obligations]


def kinds(notices):
    return [(n.kind, n.obligation.rule_id, n.obligation.status) for n in notices]


# --- the differential test: the adapter says what evaluate_case says -----------------

T0 = dt.datetime.fromisoformat(START).timestamp()
T_END = dt.datetime.fromisoformat(AS_OF).timestamp()


@st.composite
def runs(draw):
    """A log (the timeline tests' generator), where the clock starts, and the host's calls:
    posts in log order (one by one or in batches) with clock moves in between."""
    log = draw(logs)
    span = st.floats(T0, T_END, allow_nan=False)
    start = draw(span)
    ticks = sorted(draw(st.lists(span, max_size=6)))
    steps, i = [], 0
    while i < len(log) or ticks:
        if ticks and (i >= len(log) or draw(st.booleans())):
            t = ticks.pop(0)
            if t >= start:
                steps.append(("advance", t))
            continue
        n = draw(st.integers(1, 3)) if draw(st.integers(0, 3)) == 0 else 1
        steps.append(("post", log[i:i + n]))
        i += n
    return log, start, steps


def instant(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, PARIS).isoformat()


# Named scenario: a reconvocation taken by a later absence posted afterwards (CCTP 6.1-3).
RECONVOCATION_TAKEN_BY_A_LATER_ABSENCE = [
    missed("2025-05-19T10:00:00+02:00", justified=True), session("2025-05-22T10:00:00+02:00"),
    e("reconvocation", "2025-05-23T14:00:00+02:00"),
    missed("2025-05-23T10:00:00+02:00", justified=True)]


@given(runs())
@example((RECONVOCATION_TAKEN_BY_A_LATER_ABSENCE,
          dt.datetime.fromisoformat("2025-06-01T00:00:00+02:00").timestamp(),
          [("post", [x]) for x in RECONVOCATION_TAKEN_BY_A_LATER_ABSENCE]))
def test_property_adapter_obligations_equal_evaluate_case_at_every_clock(run):
    """Case C-1 gets the log bit by bit between clock moves; C-2, in the same adapter,
    gets it all at once in reverse order. At every clock, each case's obligations are
    evaluate_case's on what it got; at the end, those of the whole log as of AS_OF."""
    log, start, steps = run
    recorder = Recorder()
    returned = []
    backwards = log[::-1]
    with adapter(recorder, now=instant(start)) as a:
        if log:
            returned += a.post_all("C-2", backwards)
        posted = []
        for op, arg in steps:
            if op == "post":
                returned += a.post_all("C-1", arg) if len(arg) > 1 else a.post("C-1", arg[0])
                posted += arg
            else:
                returned += a.advance(instant(arg))
            for case_id, events in (("C-1", posted), ("C-2", backwards)):
                if events:
                    expected = evaluate_case(events, as_of=a.clock)
                    assert view(a.obligations(case_id)) == view(expected.obligations), (
                        case_id, op, arg)
                    assert a.state(case_id) is expected.state
        returned += a.advance(AS_OF)
        if not log:
            assert a.cases == () and returned == []
            return
        final = {}
        for case_id, events in (("C-1", log), ("C-2", backwards)):
            reference = evaluate_case(events, as_of=AS_OF)
            # the breaches (rule IDs, due dates, statuses), and every other obligation
            assert view(a.breaches(case_id)) == view(o for o in reference.obligations
                                                     if o.status.is_breach)
            assert view(a.obligations(case_id)) == view(reference.obligations)
            assert [o.trace for o in a.obligations(case_id)] == [
                o.trace for o in reference.obligations]
            final.update({(case_id, o.rule_id, o.trigger_index): o.status
                          for o in reference.obligations})
    # the callbacks got what the calls returned, in the same order
    assert recorder.notices == returned
    # the last notice of each obligation says its final status; every obligation had one
    last = {(n.case_id, n.obligation.rule_id, n.obligation.trigger_index): n for n in returned}
    expected_kind = {PENDING: DUE, OVERDUE: LATE, MET_S: MET, MET_LATE: MET,
                     ObligationStatus.UNKNOWN: NoticeKind.MISSING}
    for key, notice in last.items():
        assert notice.kind is (expected_kind[final[key]] if key in final else WITHDRAWN), key
    assert set(final) <= set(last)


# --- notices: when, and what they say ---------------------------------------------------

def test_first_meeting_falls_late_at_midnight_after_its_due_day_not_before():
    recorder = Recorder()
    with adapter(recorder) as a:
        notices = a.post("C-1", RX)
        assert kinds(notices) == [(DUE, "PROG-FIRST-MEETING", PENDING)]
        assert notices[0].obligation.due == dt.date(2025, 5, 7)
        assert a.next_timer("C-1") == dt.datetime(2025, 5, 8, tzinfo=PARIS)
        assert a.advance("2025-05-07T23:59:59+02:00") == ()
        late = a.advance("2025-05-08T00:00:00+02:00")
        assert kinds(late) == [(LATE, "PROG-FIRST-MEETING", OVERDUE)]
        assert late[0].previous is PENDING
        assert late[0].clock == dt.datetime(2025, 5, 8, tzinfo=PARIS)
        met = a.post("C-1", e("first_meeting", "2025-05-07T18:00:00+02:00"))
        # recorded afterwards, the meeting was in time: met, no longer a breach
        assert kinds(met)[0] == (MET, "PROG-FIRST-MEETING", MET_S)
        assert met[0].previous is OVERDUE
        assert a.breaches("C-1") == ()
    assert recorder.notices == [*notices, *late, *met]


def test_an_hour_deadline_falls_late_just_after_its_due_instant():
    with adapter(now="2025-05-06T12:00:00+02:00") as a:
        a.post_all("C-1", [RX, MEETING, e("impossibility_reported", "2025-05-09T10:00:00+02:00",
                                          reason="motif")])
        # held: the report is after the clock, not yet taken into account
        assert "REFUSAL-48H" not in [o.rule_id for o in a.obligations("C-1")]
        # no due date reached before the report becomes visible
        assert a.next_timer("C-1") == dt.datetime(2025, 5, 9, 10, tzinfo=PARIS)
        notices = a.advance("2025-05-09T10:00:00+02:00")
        refusal = [n for n in notices if n.obligation.rule_id == "REFUSAL-48H"]
        # due 48 hours after the end of the meeting (11:00 on 6 May): reported on the 9th
        assert [(n.kind, n.obligation.status) for n in refusal] == [(LATE, MET_LATE),
                                                                    (MET, MET_LATE)]
        assert refusal[0].obligation.due == dt.datetime(2025, 5, 8, 11, tzinfo=PARIS)
        assert a.state("C-1") is CaseState.NOT_TAKEN_ON


def test_a_pending_hour_deadline_is_not_late_at_its_due_instant_but_right_after():
    change = e("calendar_changed", "2025-05-12T09:00:00+02:00")
    with adapter(now="2025-05-12T09:00:00+02:00") as a:
        a.post_all("C-1", [RX, MEETING, PROPOSAL, CALENDAR, VALID, change])
        due = dt.datetime(2025, 5, 14, 9, tzinfo=PARIS)
        [o] = [o for o in a.obligations("C-1") if o.rule_id == "PROG-CALENDAR-CHANGE"]
        assert (o.due, o.status) == (due, PENDING)
        assert a.advance(due) == ()
        late = a.advance(due + dt.timedelta(microseconds=1))
        assert [(n.kind, n.obligation.rule_id) for n in late] == [(LATE, "PROG-CALENDAR-CHANGE")]


def test_a_running_suspension_moves_the_start_deadline_day_by_day():
    suspension = e("suspension_started", "2025-05-12", cause="general_search")
    with adapter(now="2025-05-09T12:00:00+02:00") as a:
        a.post_all("C-1", [RX, MEETING, PROPOSAL, CALENDAR, VALID])
        [start] = [o for o in a.obligations("C-1") if o.rule_id == "PROG-START"]
        assert (start.due, start.status) == (dt.date(2025, 5, 14), PENDING)
        # recorded ahead of the clock: taken into account from 0:00 on 12 May
        assert a.post("C-1", suspension) == ()
        assert a.next_timer("C-1") == dt.datetime(2025, 5, 12, tzinfo=PARIS)
        dues = {}
        for day in (12, 13, 14, 15):
            notices = a.advance(f"2025-05-{day}T08:00:00+02:00")
            assert all(n.kind is DUE for n in notices)
            dues[day] = [n.obligation.due for n in notices]
            assert a.next_timer("C-1") == dt.datetime(2025, 5, day + 1, tzinfo=PARIS)
            reference = evaluate_case([RX, MEETING, PROPOSAL, CALENDAR, VALID, suspension],
                                      as_of=a.clock)
            assert view(a.obligations("C-1")) == view(reference.obligations)
        # 16 May, a Friday, then the weekend: the due date stays Monday 19 May on the 15th
        assert dues == {12: [dt.date(2025, 5, 15)], 13: [dt.date(2025, 5, 16)],
                        14: [dt.date(2025, 5, 19)], 15: []}


def test_an_end_of_the_case_withdraws_what_it_makes_moot():
    with adapter(now="2025-05-06T12:00:00+02:00") as a:
        a.post_all("C-1", [RX, MEETING])
        assert {o.rule_id for o in a.obligations("C-1")} >= {"PROG-PROPOSAL", "PROG-CALENDAR"}
        notices = a.post("C-1", e("impossibility_reported", "2025-05-06T12:00:00+02:00",
                                  reason="motif"))
        withdrawn = {n.obligation.rule_id for n in notices if n.kind is WITHDRAWN}
        assert withdrawn == {"PROG-PROPOSAL", "PROG-CALENDAR"}
        assert ("REFUSAL-48H", MET_S) in [(n.obligation.rule_id, n.obligation.status)
                                          for n in notices if n.kind is MET]


def test_absence_abandonment_and_report_through_notices():
    events = [RX, MEETING, PROPOSAL, CALENDAR, VALID, session("2025-05-12T10:00:00+02:00"),
              missed("2025-05-19T10:00:00+02:00"), e("reconvocation", "2025-05-19T14:00:00+02:00"),
              missed("2025-05-26T10:00:00+02:00")]
    with adapter(now="2025-05-26T10:00:00+02:00") as a:
        a.post_all("C-1", events)
        assert a.state("C-1") is CaseState.ABANDONED
        late = a.advance("2025-05-28T10:00:01+02:00")
        assert [(n.kind, n.obligation.rule_id) for n in late] == [(LATE, "RUN-INTERRUPTION-48H")]


def test_reconvocation_taken_by_a_later_absence_posted_afterwards_says_late_again():
    """CCTP 6.1-3, events posted out of order: a reconvocation after the next appointment
    answers the first absence late; a second absence posted afterwards, earlier than the
    reconvocation, takes it, and the first absence is overdue again: a ``late`` notice
    (the last notice of each obligation says its final status)."""
    log = RECONVOCATION_TAKEN_BY_A_LATER_ABSENCE
    with adapter(now="2025-06-01T00:00:00+02:00") as a:
        a.post_all("C-1", log[:3])
        assert [(o.trigger_index, o.status) for o in a.obligations("C-1")] == [(0, MET_LATE)]
        notices = a.post("C-1", log[3])
        assert [(n.kind, n.obligation.trigger_index, n.obligation.status, n.previous)
                for n in notices] == [(LATE, 0, OVERDUE, MET_LATE), (MET, 3, MET_S, None)]
        assert view(a.obligations("C-1")) == view(
            evaluate_case(log, as_of=a.clock).obligations)


def test_notice_describes_itself_in_french_without_any_free_text():
    with adapter() as a:
        [notice] = a.post("C-1", {**RX, "id": "EV-1"})
    line = notice.describe()
    assert line == ("vendredi 2 mai 2025 à 9 h 00 (heure de Paris) — parcours C-1 — "
                    "PROG-FIRST-MEETING (Premier entretien) : obligation à faire, échéance "
                    "mercredi 7 mai 2025")
    data = notice.to_dict()
    json.dumps(data)
    assert data["kind"] == "due" and data["obligation"]["rule_id"] == "PROG-FIRST-MEETING"


# --- the host's calls: errors ------------------------------------------------------------

@pytest.mark.parametrize("call, path", [
    (lambda a: a.post("C-1", {"type": "first_meeting", "at": "2025-05-06"}), "event.at"),
    (lambda a: a.post_all("C-1", [RX, {"type": "nope", "at": "2025-05-06"}]), "events[1].type"),
    (lambda a: a.post_all("C-1", RX), "events"),
    (lambda a: a.post("", RX), "case_id"),
    (lambda a: a.post(12, RX), "case_id"),
    (lambda a: a.advance("2025-01-01T00:00:00+01:00"), "at"),
    (lambda a: a.advance("demain"), "at"),
    (lambda a: a.obligations("C-404"), "case_id"),
])
def test_bad_calls_are_input_errors_naming_the_field(call, path):
    with adapter() as a:
        with pytest.raises(InputError) as error:
            call(a)
        assert error.value.path == path
        assert a.cases == ()


def test_bad_clock_at_start_is_an_input_error():
    with pytest.raises(InputError) as error:
        DurableAdapter(now="2025-03-30T02:30:00")  # no such time in Paris (spring gap)
    assert error.value.path == "now"


def test_a_failing_callback_fails_the_call_after_the_state_is_updated():
    def boom(notice):
        raise RuntimeError("host down")
    with DurableAdapter(now=NOW, on_due=boom) as a:
        with pytest.raises(RuntimeError, match="host down"):
            a.post("C-1", RX)
        assert view(a.obligations("C-1")) == view(evaluate_case([RX], as_of=NOW).obligations)
        a.advance("2025-05-08")  # the adapter carries on


def test_a_callback_may_not_call_the_adapter_back():
    holder = {}

    def reenter(notice):
        holder["a"].post("C-2", RX)
    with DurableAdapter(now=NOW, on_due=reenter) as a:
        holder["a"] = a
        with pytest.raises(AdapterError, match="ne peut pas appeler l'adaptateur"):
            a.post("C-1", RX)
        assert a.cases == ("C-1",)


def test_calls_from_several_threads_are_serialised():
    with adapter() as a:
        def work(n):
            for i in range(5):
                a.post(f"C-{n}-{i}", RX)
        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(a.cases) == 20
        late = a.advance("2025-05-08")
        assert [n.kind for n in late] == [LATE] * 20


# --- isolation and tear-down ----------------------------------------------------------------

def test_two_adapters_are_isolated_rulesets_even_for_the_same_case_id():
    first, second = Recorder(), Recorder()
    a, b = adapter(first), adapter(second, now="2025-05-05T12:00:00+02:00")
    try:
        assert a.name != b.name
        a.post("C-1", RX)
        b.post_all("C-1", [RX, e("first_meeting", "2025-05-05T10:00:00+02:00")])
        a.advance("2025-05-08")
        b.advance("2025-05-08")
        assert kinds(first.notices) == [(DUE, "PROG-FIRST-MEETING", PENDING),
                                        (LATE, "PROG-FIRST-MEETING", OVERDUE)]
        assert kinds(second.notices) == [(MET, "PROG-FIRST-MEETING", MET_S),
                                         (DUE, "PROG-CALENDAR", PENDING),
                                         (DUE, "PROG-PROPOSAL", PENDING)]
        assert a.breaches("C-1") and not b.breaches("C-1")
        a.close()
        with pytest.raises(AdapterError, match="déjà fermé"):
            a.post("C-1", RX)
        assert b.advance("2025-05-09") == ()
        assert b.obligations("C-1")[0].status is MET_S
    finally:
        a.close()
        b.close()
    a.close()  # idempotent
    assert a.closed and b.closed


def test_close_case_forgets_it_and_its_durable_state():
    with adapter() as a:
        a.post("C-1", RX)
        a.post("C-2", RX)
        assert a._host.get_state(a.name, "C-1")["sid"] == "C-1"
        a.close_case("C-1")
        assert a.cases == ("C-2",)
        with pytest.raises(Exception, match="error code"):
            a._host.get_state(a.name, "C-1")
        assert [n.case_id for n in a.advance("2025-05-08")] == ["C-2"]
        # the same ID starts afresh, at the adapter's clock
        assert kinds(a.post("C-1", RX)) == [(LATE, "PROG-FIRST-MEETING", OVERDUE)]


def test_many_adapters_created_and_closed_leave_no_ruleset_behind():
    # durable_rules keeps at most 131,071 rulesets per process: closing frees the slot.
    for _ in range(300):
        with adapter() as a:
            a.post("C-1", RX)
    assert a.closed


def test_an_adapter_dropped_without_close_leaves_the_table_when_collected():
    a = adapter()
    a.post("C-1", RX)
    release = a._release
    del a
    gc.collect()
    assert not release.alive  # durable_rules' ruleset was deleted


def test_the_ruleset_is_plain_json():
    definition = ruleset_definition(live=True)
    assert set(definition) == {"event", "tick", "notice-due", "notice-late", "notice-met",
                               "notice-withdrawn", "notice-missing", "timer"}
    json.dumps(definition)


# --- live mode: real durable_rules timers ------------------------------------------------------

def test_live_timer_fires_and_moves_the_case_to_the_instant_it_stood_for():
    recorder = Recorder()
    with adapter(recorder, now="2025-05-02T09:00:00+02:00", live=True) as a:
        a.post("C-1", RX)
        a.advance("2025-05-07T23:59:59+02:00")
        # one second of real time stands for the second before midnight
        assert a.arm_timers("2025-05-07T23:59:59+02:00") == 1
        deadline = time.monotonic() + 5
        late = ()
        while not late and time.monotonic() < deadline:
            late = a.pump()
            time.sleep(0.05)
        assert kinds(late) == [(LATE, "PROG-FIRST-MEETING", OVERDUE)]
        assert late[0].clock == dt.datetime(2025, 5, 8, tzinfo=PARIS)
        assert view(a.obligations("C-1")) == view(
            evaluate_case([RX], as_of="2025-05-08T00:00:00+02:00").obligations)
        assert a.pump() == ()


def test_timers_need_live_mode():
    with adapter() as a:
        with pytest.raises(AdapterError, match="live=True"):
            a.pump()


# --- the documentation's example ---------------------------------------------------------

def test_documented_example_runs_and_prints_the_documented_output():
    done = subprocess.run([sys.executable, SNIPPET.name], cwd=SNIPPET.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = (SNIPPET.parent / "sortie.txt").read_text(encoding="utf-8")
    assert done.stdout == expected
