"""A durable_rules adapter: a case's events in, obligation notices out, the core's verdicts.

Some provider systems are event-driven: they record each event of a
beneficiary's case as it happens and want to be told when an obligation opens,
falls late or is met — rather than calling
:func:`~ppaip_rules.timeline.evaluate_case` on every case at every change.
:class:`DurableAdapter` gives them that on top of `durable_rules
<https://github.com/jruizgit/rules>`_ (extra ``durable``: ``pip install
'ppaip-rules[durable]'``).

One place for the contract
    What an obligation is, its due date, its status, when it lapses: all of it
    is decided by :func:`~ppaip_rules.timeline.evaluate_case` (due dates by
    :func:`~ppaip_rules.deadlines.deadline`). The adapter never decides an
    obligation itself: when a case changes, it asks ``evaluate_case`` at the
    case's clock and compares the answer with what it knew. The obligations it
    holds are therefore the ones ``evaluate_case`` gives at that instant; the
    differential test (``tests/test_durable_adapter.py``) checks it on random
    logs and random clock moves.

What durable_rules does
    One ruleset per adapter, with a unique name (``ppaip-<hex>``); every
    message is about one case, durable_rules' ``sid`` being the case ID. Its
    rules route the messages: ``event`` (record the events, re-evaluate),
    ``tick`` (the clock reached one of the case's timers: re-evaluate),
    ``notice`` (``due``, ``late``, ``met``, ``withdrawn``: call the host's
    callback) and, in live mode, the durable_rules timer of the case.

No hidden clock
    The host moves the adapter's clock with :meth:`DurableAdapter.advance`
    (an explicit instant). A case is re-evaluated only when its answer may
    change — its timers stand for the due dates:

    - an event is posted for it;
    - the clock reaches the instant a pending obligation falls late: 0:00
      (Paris) the day after a due day, or just after a due instant;
    - the clock reaches an event posted ahead of it (such an event is not
      taken into account before its instant, as in ``evaluate_case``);
    - every midnight (Paris), while a running suspension moves one of its
      deadlines day by day (:func:`moves_with_the_clock`).

    In live mode (``live=True``), each case also has a real durable_rules
    timer, armed for the seconds between the case's clock (or the ``now``
    given to :meth:`DurableAdapter.arm_timers`) and its next timer;
    :meth:`DurableAdapter.pump` runs the timers that expired and moves each
    such case's clock to the instant its timer stood for — never to the
    machine's clock.

Notices (:class:`ObligationNotice`), in the order of the obligations:

=============== ===================================================================
``due``         the obligation is pending: new, pending again, or its due date moved
``late``        it became a breach: overdue, or met late when that was not yet said;
                also overdue again after met late (the act no longer counts)
``met``         its act was recorded (``obligation.status``: met, or met late)
``withdrawn``   ``evaluate_case`` no longer lists it (the case ended before its due
                date, or an event posted afterwards changed the picture)
=============== ===================================================================

Each change of a case gives the notices between what was known and what is
now true: when the clock jumps over several days, an obligation opened and met
in between gives only ``met``. Every call returns its notices; those of a kind
with a callback also go through durable_rules to that callback, one message
each, in that order.

Limits
    - durable_rules 2.0.28 (2020, no later release) builds on CPython 3.10 to
      3.12 and fails to import on 3.13 (``PyEval_CallObject``): the core never
      imports it; :func:`load_durable` raises :class:`DurableUnavailable`
      (French message) when it is missing.
    - durable_rules keeps its rulesets in a process-wide table (131,071 at
      most): :meth:`DurableAdapter.close` (or ``with DurableAdapter(...)``)
      deletes the ruleset and the cases' states (an adapter dropped without
      it is released when garbage-collected). Its engine's own polling
      threads are not started: every action runs in the thread that called
      the adapter.
    - Thread safety: an adapter serialises its calls with a lock; callbacks run
      inside that lock, in the calling thread, and must not call the adapter
      back (:class:`AdapterError`). Separate adapters may be used from separate
      threads. An exception raised by a callback is raised again by the call
      that triggered it, once the adapter's state is up to date.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import enum
import heapq
import itertools
import math
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from ..calendar import (
    PARIS,
    PausedPeriod,
    Period,
    Unit,
    get_calendar,
    next_paris_midnight,
    paris_midnight,
)
from ..errors import InputError
from ..events import ID_MAX, Event, read_event
from ..frenchtext import format_date, format_datetime
from ..parameters import DIJON, ContractParameters
from ..timeline import (
    CaseEvaluation,
    CaseState,
    Obligation,
    ObligationStatus,
    evaluate_case,
    read_as_of,
)

# --- durable_rules, imported lazily ----------------------------------------------------

INSTALL_HINT = ("installer l'extra « durable » : pip install 'ppaip-rules[durable]' "
                "(CPython 3.10 à 3.12 : durable-rules 2.0.28, sans nouvelle version depuis "
                "2020, ne s'importe pas sous Python 3.13, faute de PyEval_CallObject)")


class DurableUnavailable(ImportError):
    """durable_rules cannot be imported: not installed, or a Python it does not support."""


class AdapterError(RuntimeError):
    """The adapter is used in a way it does not allow (closed, or called from a callback)."""


_loaded: tuple | None = None


def load_durable() -> tuple[Any, Any, type]:
    """``(durable.engine, durable_rules_engine, host class)``, imported on first use.

    Raises :class:`DurableUnavailable`, in French, when durable_rules is missing
    or does not import (Python 3.13+). The host class is durable_rules' own,
    without its two polling threads: every action runs in the caller's thread.
    """
    global _loaded
    if _loaded is None:
        try:
            import durable_rules_engine
            from durable import engine
        except ImportError as error:
            raise DurableUnavailable(
                f"durable_rules est absent ou ne s'importe pas ({type(error).__name__}) : "
                f"{INSTALL_HINT}.") from error

        class QuietHost(engine.Host):
            def _run(self) -> None:
                pass

        _loaded = (engine, durable_rules_engine, QuietHost)
    return _loaded


# --- notices -------------------------------------------------------------------------

class NoticeKind(str, enum.Enum):
    """What a notice says about an obligation."""

    DUE = "due"
    LATE = "late"
    MET = "met"
    WITHDRAWN = "withdrawn"
    #: A fact that decides the obligation is missing (``ObligationStatus.UNKNOWN``).
    MISSING = "missing"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    NoticeKind.DUE: "à faire",
    NoticeKind.LATE: "en retard",
    NoticeKind.MET: "fait",
    NoticeKind.WITHDRAWN: "plus attendue",
    NoticeKind.MISSING: "information manquante",
}
DUE, LATE, MET, WITHDRAWN = NoticeKind.DUE, NoticeKind.LATE, NoticeKind.MET, NoticeKind.WITHDRAWN
_PENDING, _OVERDUE = ObligationStatus.PENDING, ObligationStatus.OVERDUE
_MET, _MET_LATE = ObligationStatus.MET, ObligationStatus.MET_LATE


@attrs.frozen
class ObligationNotice:
    """A change of one obligation of one case, seen at the case's clock.

    ``obligation`` is the :class:`~ppaip_rules.timeline.Obligation` as
    ``evaluate_case`` gives it now (for ``withdrawn``: as it was last known);
    ``previous`` its status before (None when it is new).
    """

    kind: NoticeKind
    case_id: str
    obligation: Obligation
    clock: dt.datetime
    previous: ObligationStatus | None = None

    def describe(self) -> str:
        """One French line for a log or a message to a coordinator (pseudonymous IDs only)."""
        o = self.obligation
        due = ("sans échéance chiffrée" if o.due is None else
               f"échéance {format_datetime(o.due)}"
               if isinstance(o.due, dt.datetime) else f"échéance {format_date(o.due)}")
        what = f"{o.status.label}" if self.kind is MET else self.kind.label
        return (f"{format_datetime(self.clock)} — parcours {self.case_id} — {o.rule_id} "
                f"({o.what}) : obligation {what}, {due}")

    def to_dict(self) -> dict:
        return {"kind": self.kind.value, "case_id": self.case_id,
                "clock": self.clock.isoformat(),
                "previous": self.previous.value if self.previous else None,
                "obligation": self.obligation.to_dict()}


Key = tuple  # (rule_id, trigger_index)


def transitions(old: dict[Key, Obligation], new: Iterable[Obligation]
                ) -> Iterator[tuple[NoticeKind, Obligation, ObligationStatus | None]]:
    """The notices between two evaluations of a case (see the module doc's table)."""
    seen = set()
    for o in new:
        key = (o.rule_id, o.trigger_index)
        seen.add(key)
        before = old.get(key)
        was = before.status if before is not None else None
        now = o.status
        if now is _PENDING:
            if was is not _PENDING or before.due != o.due:
                yield DUE, o, was
            continue
        # Overdue after met late: the act recorded late no longer counts (an event posted
        # afterwards, e.g. a later absence that this reconvocation answers): say it.
        if now.is_breach and (was is None or not was.is_breach
                              or (now is _OVERDUE and was is not _OVERDUE)):
            yield LATE, o, was
        if now in (_MET, _MET_LATE) and was is not now:
            yield MET, o, was
        if now is ObligationStatus.UNKNOWN and was is not now:
            yield NoticeKind.MISSING, o, was
    for key, o in old.items():
        if key not in seen:
            yield WITHDRAWN, o, o.status


def late_from(due: dt.date | dt.datetime) -> float:
    """The first instant (POSIX) at which an obligation due at ``due`` is overdue."""
    if isinstance(due, dt.datetime):
        return math.nextafter(due.timestamp(), math.inf)
    return next_paris_midnight(due).timestamp()


def visible_from(event: Event) -> float:
    """The first instant (POSIX) at which ``evaluate_case`` takes ``event`` into account."""
    return event.ts if event.ts is not None else paris_midnight(event.day).timestamp()


def moves_with_the_clock(period: Period, today: dt.date) -> bool:
    """Whether a period's end may move when the clock's day moves on.

    A running suspension is a pause that lasts until today
    (:func:`~ppaip_rules.timeline.evaluate_case`): when it moved the end of a
    period counted in calendar days or months, each new day of suspension moves
    it one day more; a pause that begins after the end does not matter, now or
    later. For a period in working days, a pause may count only once it
    reaches a working day: any paused period is taken to move.
    """
    if not isinstance(period, PausedPeriod):
        return False
    if period.unit not in (Unit.CALENDAR_DAYS, Unit.MONTHS):
        return True
    return any(last >= today for _, last, _, _ in period.paused)


def next_wakeup(events: Iterable[Event], evaluation: CaseEvaluation) -> float | None:
    """The first instant after ``evaluation.as_of`` at which the case may read differently.

    Until then, ``evaluate_case`` on the same events lists the same obligations
    (see the module doc): no pending obligation falls late, no event ahead of
    the clock becomes visible, no suspended day is added to a deadline.
    """
    times = []
    today = evaluation.as_of.date()
    paused = False
    for o in evaluation.obligations:
        if o.status is _PENDING and o.due is not None:
            times.append(late_from(o.due))
        if o.deadline is not None and moves_with_the_clock(o.deadline.period, today):
            paused = True
    if paused:
        times.append(next_paris_midnight(evaluation.as_of.date()).timestamp())
    if evaluation.ignored_after_as_of:
        now = evaluation.as_of.timestamp()
        times.extend(t for t in map(visible_from, events) if t > now)
    return min(times, default=None)


# --- the adapter ---------------------------------------------------------------------

#: The name of the durable_rules timer of a case (live mode).
TIMER = "ppaip-next"


class _Case:
    """What the adapter knows about one case (durable_rules' ``sid``)."""

    __slots__ = ("case_id", "clock", "clock_ts", "events", "obligations", "ordered", "state",
                 "timer")

    def __init__(self, case_id: str, clock: dt.datetime, clock_ts: float):
        self.case_id = case_id
        self.clock, self.clock_ts = clock, clock_ts
        self.events: list[Event] = []
        self.obligations: dict[Key, Obligation] = {}
        self.ordered: tuple[Obligation, ...] = ()
        self.state = CaseState.EMPTY
        self.timer: float | None = None


def _instant(value: Any, path: str) -> tuple[dt.datetime, float]:
    try:
        clock, _, ts = read_as_of(value)
    except InputError as error:
        raise InputError(path, error.expected, error.problem) from None
    return clock, ts


def _case_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > ID_MAX:
        raise InputError("case_id", f"l'identifiant pseudonyme du parcours (texte de 1 à "
                                    f"{ID_MAX} caractères)")
    return value


_EVENT = {"m": {"kind": "event"}}
_TICK = {"m": {"kind": "tick"}}
_TIMEOUT = {"m$all": [{"base": {"$timerName": TIMER}},
                      {"timeout": {"$gte": {"$time": {"base": "$baseTime"}}}}]}


def _notice_condition(kind: NoticeKind) -> dict:
    return {"m": {"$and": [{"kind": "notice"}, {"notice": kind.value}]}}


def ruleset_definition(live: bool = False) -> dict:
    """The durable_rules ruleset of an adapter, as JSON (without its actions)."""
    rules = {"event": {"all": [_EVENT]}, "tick": {"all": [_TICK]}}
    for kind in NoticeKind:
        rules[f"notice-{kind.value}"] = {"all": [_notice_condition(kind)]}
    if live:
        rules["timer"] = {"all": [_TIMEOUT]}
    return copy.deepcopy(rules)


Callback = Callable[[ObligationNotice], Any]


class DurableAdapter:
    """A durable_rules ruleset that follows many cases and tells the host about obligations.

    ``now``: the adapter's clock at start (an aware datetime, ISO text, or a
    date meaning the end of that day in Paris). ``on_due``, ``on_late``,
    ``on_met``, ``on_withdrawn``, ``on_missing`` (a fact that decides an obligation
    is missing): the host's callbacks, each called with an
    :class:`ObligationNotice`. ``params`` and the policies
    (``suspension_stops_clock``, ``extend_to_working_day``,
    ``whit_monday_worked``, ``departement``, ``good_friday_holiday``) are those of
    :func:`~ppaip_rules.timeline.evaluate_case`. ``live``: also arm a real
    durable_rules timer per case (see :meth:`arm_timers`, :meth:`pump`).

    Use it as a context manager, or call :meth:`close`, so that its ruleset
    leaves durable_rules' process-wide table.
    """

    def __init__(self, *, now: Any, on_due: Callback | None = None,
                 on_late: Callback | None = None, on_met: Callback | None = None,
                 on_withdrawn: Callback | None = None, params: ContractParameters = DIJON,
                 suspension_stops_clock: bool = True, extend_to_working_day: bool = True,
                 whit_monday_worked: bool = False, departement: str | None = None,
                 good_friday_holiday: bool = True, live: bool = False,
                 on_missing: Callback | None = None):
        _, self._dre, host_class = load_durable()
        self._clock, self._clock_ts = _instant(now, "now")
        self._policy = {"params": params, "suspension_stops_clock": suspension_stops_clock,
                        "extend_to_working_day": extend_to_working_day,
                        "whit_monday_worked": whit_monday_worked, "departement": departement,
                        "good_friday_holiday": good_friday_holiday}
        get_calendar(departement, whit_monday_worked, good_friday_holiday)  # bad ones fail here
        self._callbacks: dict[NoticeKind, Callback | None] = {
            DUE: on_due, LATE: on_late, MET: on_met, WITHDRAWN: on_withdrawn,
            NoticeKind.MISSING: on_missing}
        self.live = bool(live)
        self.name = f"ppaip-{uuid.uuid4().hex}"
        self._cases: dict[str, _Case] = {}
        self._timers: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._closed = False
        self._incoming: list[Event] = []
        self._staged: list[ObligationNotice] = []
        self._emitted: list[ObligationNotice] = []
        self._errors: list[BaseException] = []
        self._fired = 0
        self._host = host_class()
        self._host.register_rulesets({self.name: self._rules()})
        self._ruleset = self._host.get_ruleset(self.name)
        # An adapter dropped without close() still leaves durable_rules' table.
        self._release = weakref.finalize(self, self._dre.delete_ruleset, self._ruleset._handle)

    # -- the ruleset ------------------------------------------------------------------

    def _rules(self) -> dict:
        rules = ruleset_definition(self.live)
        rules["event"]["run"] = self._guard(self._on_event)
        rules["tick"]["run"] = self._guard(self._on_tick)
        for kind in NoticeKind:
            rules[f"notice-{kind.value}"]["run"] = self._guard(self._notifier(kind))
        if self.live:
            rules["timer"]["run"] = self._guard(self._on_timer)
        return rules

    def _guard(self, action: Callable[[Any], None]) -> Callable[[Any], None]:
        # durable_rules would store an exception in the case's state and carry on:
        # keep it, and raise it from the call that caused it.
        def run(c):
            try:
                action(c)
            except BaseException as error:
                self._errors.append(error)
        return run

    def _on_event(self, c: Any) -> None:
        case = self._case(c.s.sid)
        case.events.extend(self._incoming)
        self._incoming = []
        self._catch_up(case)
        self._evaluate(case, c)

    def _on_tick(self, c: Any) -> None:
        case = self._cases[c.s.sid]
        self._catch_up(case)
        self._evaluate(case, c)

    def _catch_up(self, case: _Case) -> None:
        # A case not re-evaluated since the clock moved (no timer reached) lags behind it;
        # in live mode its own timers may have taken it ahead of the adapter's clock.
        if self._clock_ts > case.clock_ts:
            case.clock, case.clock_ts = self._clock, self._clock_ts

    def _on_timer(self, c: Any) -> None:
        self._fired += 1
        case = self._cases.get(c.s.sid)
        if case is None or case.timer is None:
            return
        if case.timer > case.clock_ts:
            case.clock_ts = case.timer
            case.clock = dt.datetime.fromtimestamp(case.timer, PARIS)
        self._evaluate(case, c)

    def _notifier(self, kind: NoticeKind) -> Callable[[Any], None]:
        callback = self._callbacks[kind]

        def notify(c):
            notice = self._staged[c.m.n]
            self._emitted.append(notice)
            callback(notice)
        return notify

    def _case(self, case_id: str) -> _Case:
        case = self._cases.get(case_id)
        if case is None:
            case = self._cases[case_id] = _Case(case_id, self._clock, self._clock_ts)
        return case

    def _evaluate(self, case: _Case, c: Any) -> None:
        """Ask the core where the case stands at its clock; stage the notices; set its timer."""
        evaluation = evaluate_case(case.events, as_of=case.clock, **self._policy)
        for kind, o, previous in transitions(case.obligations, evaluation.obligations):
            self._staged.append(ObligationNotice(kind, case.case_id, o, case.clock, previous))
        case.obligations = {(o.rule_id, o.trigger_index): o for o in evaluation.obligations}
        case.ordered = evaluation.obligations
        case.state = evaluation.state
        case.timer = next_wakeup(case.events, evaluation)
        if case.timer is not None:
            heapq.heappush(self._timers, (case.timer, next(self._seq), case.case_id))
        if self.live:
            c.cancel_timer(TIMER)
            if case.timer is not None:
                c.start_timer(TIMER, max(0, math.ceil(case.timer - case.clock_ts)))

    # -- calls from the host ------------------------------------------------------------

    @contextlib.contextmanager
    def _call(self) -> Iterator[None]:
        if self._owner == threading.get_ident():
            raise AdapterError("un rappel (on_due, on_late, on_met, on_withdrawn) ne peut pas "
                               "appeler l'adaptateur : noter l'avis et agir après l'appel")
        with self._lock:
            if self._closed:
                raise AdapterError(f"adaptateur durable_rules « {self.name} » déjà fermé")
            self._owner = threading.get_ident()
            self._emitted, self._errors, self._staged = [], [], []
            try:
                yield
            finally:
                self._owner = None
                self._incoming, self._staged = [], []

    def _post(self, message: dict) -> None:
        state = self._host.post(self.name, message)
        if isinstance(state, dict) and "exception" in state:  # pragma: no cover - guarded
            raise AdapterError(f"durable_rules : {state['exception']}")

    def _finish(self) -> tuple[ObligationNotice, ...]:
        """Route the staged notices, in order, to the callbacks; raise a callback's error.

        One durable_rules message per notice, posted one after the other: the
        engine would run the actions of messages posted together grouped by rule.
        A notice of a kind without a callback is only returned.
        """
        callbacks = self._callbacks
        for n, notice in enumerate(self._staged):
            if callbacks[notice.kind] is None:
                self._emitted.append(notice)
                continue
            self._post({"sid": notice.case_id, "kind": "notice", "notice": notice.kind.value,
                        "rule_id": notice.obligation.rule_id, "n": n})
        if self._errors:
            raise self._errors[0]
        return tuple(self._emitted)

    def post(self, case_id: str, event: Any) -> tuple[ObligationNotice, ...]:
        """Record one event of a case (an :class:`~ppaip_rules.events.Event` or its JSON
        form); returns the notices it gives (also passed to the callbacks)."""
        return self._post_events(case_id, (event,), lambda i: "event")

    def post_all(self, case_id: str, events: Iterable[Any]) -> tuple[ObligationNotice, ...]:
        """Record several events of a case at once (one evaluation): a replay, an import."""
        if isinstance(events, (str, bytes, dict)) or not isinstance(events, Iterable):
            raise InputError("events", "une liste d'événements")
        return self._post_events(case_id, tuple(events), lambda i: f"events[{i}]")

    def _post_events(self, case_id: Any, events: tuple, path: Callable[[int], str]
                     ) -> tuple[ObligationNotice, ...]:
        with self._call():
            sid = _case_id(case_id)
            parsed = [read_event(e, path(i)) for i, e in enumerate(events)]
            if not parsed:
                return ()
            self._incoming = parsed
            first = len(self._cases[sid].events) if sid in self._cases else 0
            self._post({"sid": sid, "kind": "event", "first": first,
                        "events": [e.to_dict() for e in parsed]})
            return self._finish()

    def advance(self, at: Any) -> tuple[ObligationNotice, ...]:
        """Move the clock to ``at`` (never back); re-evaluate the cases whose timer is reached."""
        with self._call():
            clock, ts = _instant(at, "at")
            if ts < self._clock_ts:
                raise InputError("at", f"un instant égal ou postérieur à l'horloge de "
                                       f"l'adaptateur ({self._clock.isoformat()})",
                                 "l'horloge ne recule pas")
            self._clock, self._clock_ts = clock, ts
            for sid in self._reached(ts):
                self._post({"sid": sid, "kind": "tick", "at": clock.isoformat(), "ts": ts})
            return self._finish()

    def _reached(self, ts: float) -> list[str]:
        """The cases whose timer is at or before ``ts``, in timer order (stale entries dropped)."""
        timers, out, seen = self._timers, [], set()
        while timers and timers[0][0] <= ts:
            when, _, sid = heapq.heappop(timers)
            case = self._cases.get(sid)
            if case is not None and case.timer == when and sid not in seen:
                seen.add(sid)
                out.append(sid)
        return out

    # live mode: real durable_rules timers

    def arm_timers(self, now: Any) -> int:
        """(Live mode) Arm each case's durable_rules timer for its next timer, counted from
        ``now`` (the host's clock, in step with the machine's); returns how many."""
        with self._call():
            self._need_live()
            _, ts = _instant(now, "now")
            armed = 0
            for sid, case in self._cases.items():
                self._ruleset.cancel_timer(sid, TIMER)
                if case.timer is not None:
                    self._ruleset.start_timer(sid, TIMER, max(0, math.ceil(case.timer - ts)),
                                              False)
                    armed += 1
            return armed

    def pump(self) -> tuple[ObligationNotice, ...]:
        """(Live mode) Run the durable_rules timers that expired: each moves its case's clock
        to the instant the timer stood for and re-evaluates it. Call it every second or so."""
        with self._call():
            self._need_live()
            self._ruleset.dispatch_timers()
            while True:
                fired = self._fired
                self._ruleset.dispatch()
                if self._fired == fired:
                    break
            return self._finish()

    def _need_live(self) -> None:
        if not self.live:
            raise AdapterError("minuteries durable_rules réservées au mode live=True")

    # -- what the adapter knows -----------------------------------------------------------

    @property
    def clock(self) -> dt.datetime:
        """The adapter's clock (Paris time): the last instant given to it."""
        return self._clock

    @property
    def cases(self) -> tuple[str, ...]:
        return tuple(self._cases)

    def _known(self, case_id: Any) -> _Case:
        case = self._cases.get(case_id) if isinstance(case_id, str) else None
        if case is None:
            raise InputError("case_id", "un parcours déjà reçu par l'adaptateur",
                             "parcours inconnu")
        return case

    def obligations(self, case_id: str) -> tuple[Obligation, ...]:
        """The case's obligations, as ``evaluate_case`` lists them at the adapter's clock."""
        return self._known(case_id).ordered

    def breaches(self, case_id: str) -> tuple[Obligation, ...]:
        """The obligations met late or overdue."""
        return tuple(o for o in self._known(case_id).ordered if o.status.is_breach)

    def state(self, case_id: str) -> CaseState:
        return self._known(case_id).state

    def next_timer(self, case_id: str) -> dt.datetime | None:
        """When the case will next be re-evaluated without a new event (Paris time), or None."""
        timer = self._known(case_id).timer
        return None if timer is None else dt.datetime.fromtimestamp(timer, PARIS)

    # -- tear-down --------------------------------------------------------------------------

    def close_case(self, case_id: str) -> None:
        """Forget a case: its durable_rules state, timer and events."""
        with self._call():
            self._known(case_id)
            self._drop(case_id)
            del self._cases[case_id]

    def _drop(self, sid: str) -> None:
        if self.live:
            self._ruleset.cancel_timer(sid, TIMER)
        with contextlib.suppress(Exception):  # no state yet: nothing to delete
            self._host.delete_state(self.name, sid)

    def close(self) -> None:
        """Delete every case's state and the ruleset from durable_rules; idempotent."""
        if self._closed:
            return
        with self._call():
            for sid in self._cases:
                self._drop(sid)
            self._cases.clear()
            self._timers.clear()
            self._release()
            self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> DurableAdapter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "fermé" if self._closed else f"{len(self._cases)} parcours"
        return f"<DurableAdapter {self.name} {state}, horloge {self._clock.isoformat()}>"


__all__ = ["AdapterError", "DurableAdapter", "DurableUnavailable", "NoticeKind",
           "ObligationNotice", "late_from", "load_durable", "moves_with_the_clock",
           "next_wakeup", "ruleset_definition", "transitions", "visible_from"]
