"""Case timeline: where a beneficiary's case stands, every obligation with its due date, every breach.

:func:`evaluate_case` reads one beneficiary's event log (:mod:`ppaip_rules.events`)
as of a given instant (``as_of``: there is no hidden clock) and returns a
:class:`CaseEvaluation`:

- ``state``: where the case stands in the IPRO 360° workflow (:class:`CaseState`);
- ``obligations``: every obligation the log gives rise to, each an
  :class:`Obligation` — rule ID, triggering event, due date or instant, the
  event that fulfilled it, status (:class:`ObligationStatus`: met, met late,
  pending, overdue) and the French trace of its computation;
- ``hours``: hours validated by the CPIP against hours delivered;
- ``report``: a :class:`~ppaip_rules.model.Report` of every breach.

The obligation list is plain data on purpose: an event-driven engine (the
optional durable_rules adapter) mirrors it — "when this trigger happens, this
act is due by then" — and must reach the same breaches.

Obligations (all deadline lengths are contract parameters):

==================== ================================ ===================================== ===========================
Rule                 Trigger                          Act                                   Due
==================== ================================ ===================================== ===========================
PROG-FIRST-MEETING   first prescription received      first meeting                         5 days (deadlines.py)
REFUSAL-48H          end of the first meeting         impossibility reported (only if one)  48 hours
PROG-PROPOSAL        first meeting                    proposal sent                         before the programme is
                                                                                            validated or a session held
PROG-CALENDAR        first meeting                    calendar sent to the CPIP             before the first session
PROG-START           first validated proposal         first session                         5 days, suspensions paused
PROG-CALENDAR-CHANGE each calendar change             communicated to the CPIP and person   48 hours
RUN-ABSENCE          each absence of the person's     reconvocation                         before the next appointment
RUN-INTERRUPTION-48H each interruption (also an       interruption reported                 48 hours
                     abandonment, an end by
                     interruption)
END-BILAN-IND        each last individual interview   individual bilan to CPIP and person   5 jours ouvrés
END-BILAN-COLL       each workshop end                that workshop's bilan                 10 jours ouvrés
==================== ================================ ===================================== ===========================

An act counts from its trigger on ("not before" it, :func:`~ppaip_rules.events.before`).
When the case reaches an end (impossibility reported, abandonment, interruption,
end of programme, last interview) before an obligation's due date and the act
was not done, the obligation lapses (is not listed) — except the reports,
communications and bilans that the end itself calls for.

Suspensions (RULES.md ambiguity 7): by default (``suspension_stops_clock=True``)
the days on which the programme was suspended — from the day it was suspended
to the day it resumed, both included, or to ``as_of`` while it lasts — do not
count toward the PROG-START deadline (:func:`~ppaip_rules.calendar.compute_period`
with ``pauses``).

Absences (CCTP 6.1-3): any absence of the person's doing, justified or not,
calls for a new convocation before the next appointment; an unjustified
absence at the appointment that follows that reconvocation means the person
abandons the programme, which is an interrupted course, to report within 48
hours (RUN-INTERRUPTION-48H). An absence of the administration's or the
provider's doing calls for rescheduling and never counts; an absence without
a recorded cause is the person's (ambiguity 13). PROG-START is met by a first
session missed by the person's doing within the 5 days (ambiguity 10; policy
``start_needs_held_session``).

Missing facts: an act whose recipients (or kind of bilan) are not recorded
gives the status UNKNOWN, never "met" nor a breach, and a missing-fact finding.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any, NamedTuple

import attrs

from .calendar import (
    PARIS,
    check_departement,
    day_end_us,
    elapsed_interval,
    end_of_paris_day,
    require_input_year,
    week_bounds,
)
from .checks import register_kind
from .deadlines import SPECS, Deadline, deadline
from .errors import InputError
from .events import (
    ABSENCE_CAUSES,
    DOCUMENT_KINDS,
    END_CAUSES,
    MODES,
    RECIPIENTS,
    SUSPENSION_CAUSES,
    BilanDelivered,
    CalendarChangeCommunicated,
    CalendarChanged,
    CalendarSent,
    Case,
    ChangeProposed,
    ChangeRefused,
    ChangeValidated,
    CourseInterrupted,
    DiagnosticConsulted,
    DocumentProduced,
    Event,
    FirstMeeting,
    ImpossibilityReported,
    InterruptionReported,
    LastIndividualInterview,
    PrescriptionReceived,
    ProgrammeEnded,
    ProposalRefused,
    ProposalSent,
    ProposalValidated,
    Reconvocation,
    SessionHeld,
    SessionMissed,
    SuspensionEnded,
    SuspensionStarted,
    WorkshopEnded,
    before,
    case_schema,
    read_case,
    sort_events,
)
from .frenchtext import format_date, format_datetime, format_moment, format_value, plural
from .model import (
    INFO,
    VIOLATION,
    WARNING,
    Example,
    Flag,
    Report,
    Rule,
    get_rule,
    missing_fact,
    rule,
)
from .parameters import DIJON, ContractParameters
from .parsing import TIME_FOLD, TIME_GAP, as_date, as_datetime, check_instant

# --- results ------------------------------------------------------------------------


class CaseState(str, enum.Enum):
    """Where a case stands in the IPRO 360° workflow."""

    EMPTY = "empty"
    NOT_PRESCRIBED = "not_prescribed"
    PRESCRIBED = "prescribed"
    FIRST_MEETING_HELD = "first_meeting_held"
    PROPOSAL_PENDING = "proposal_pending"
    PROPOSAL_REFUSED = "proposal_refused"
    VALIDATED = "validated"
    RUNNING = "running"
    SUSPENDED = "suspended"
    NOT_TAKEN_ON = "not_taken_on"
    ABANDONED = "abandoned"
    INTERRUPTED = "interrupted"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    CaseState.EMPTY: "aucun événement",
    CaseState.NOT_PRESCRIBED: "événements sans prescription du SPIP",
    CaseState.PRESCRIBED: "prescrit : premier entretien à tenir",
    CaseState.FIRST_MEETING_HELD: "premier entretien réalisé : proposition à envoyer",
    CaseState.PROPOSAL_PENDING: "proposition en attente de validation par le CPIP",
    CaseState.PROPOSAL_REFUSED: "proposition refusée : une nouvelle proposition est possible",
    CaseState.VALIDATED: "programme validé : démarrage attendu",
    CaseState.RUNNING: "programme en cours",
    CaseState.SUSPENDED: "programme suspendu",
    CaseState.NOT_TAKEN_ON: "suivi impossible signalé au CPIP",
    CaseState.ABANDONED: "abandon (absence non justifiée après reconvocation)",
    CaseState.INTERRUPTED: "parcours interrompu",
    CaseState.ENDED: "programme terminé",
}


class ObligationStatus(str, enum.Enum):
    """Status of an obligation as of the evaluation instant."""

    MET = "met"
    MET_LATE = "met_late"
    PENDING = "pending"
    OVERDUE = "overdue"
    #: A fact that decides it is missing (an act whose recipients are not recorded…).
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_breach(self) -> bool:
        return self in (ObligationStatus.MET_LATE, ObligationStatus.OVERDUE)


_STATUS_LABELS = {
    ObligationStatus.MET: "respectée",
    ObligationStatus.MET_LATE: "respectée en retard",
    ObligationStatus.PENDING: "à venir",
    ObligationStatus.OVERDUE: "en retard",
    ObligationStatus.UNKNOWN: "information manquante",
}
MET, MET_LATE, PENDING, OVERDUE, UNKNOWN = (
    ObligationStatus.MET, ObligationStatus.MET_LATE, ObligationStatus.PENDING,
    ObligationStatus.OVERDUE, ObligationStatus.UNKNOWN)


class Obligation(NamedTuple):
    """One obligation of a case: what must happen, after what, by when, and whether it did.

    - ``rule_id``: the rule (``PROG-START``);
    - ``what``: the act due, in French;
    - ``trigger`` / ``trigger_index``: the event that gave rise to it and its
      position in the input list;
    - ``due``: the last day (a date) or instant (an aware Paris datetime); for
      an obligation tied to a later event ("before the first session"), that
      event's instant, or None while it has not happened (``due_event`` says which);
    - ``act`` / ``act_index``: the event that fulfilled it, or None;
    - ``status``: met, met late, pending or overdue as of the evaluation;
    - ``deadline``: the computed :class:`~ppaip_rules.deadlines.Deadline`, for
      obligations with a contract period.

    An immutable named tuple (cheap to build: a batch evaluates millions).
    """

    rule_id: str
    what: str
    trigger: Event
    trigger_index: int
    due: dt.date | dt.datetime | None
    act: Event | None
    act_index: int | None
    status: ObligationStatus
    deadline: Deadline | None = None
    due_event: Event | None = None
    due_text: str | None = None
    due_label: str | None = None

    @property
    def trace(self) -> tuple[str, ...]:
        if self.deadline is not None:
            return self.deadline.trace
        steps = [f"{self.trigger.LABEL} le {_when(self.trigger)}.",
                 f"Délai : {self.due_text} (le contrat ne chiffre pas de délai)."]
        if self.due_event is not None:
            steps.append(f"Échéance : avant {self.due_label}, le {_when(self.due_event)}.")
        else:
            steps.append(f"Échéance : avant {self.due_label}, pas encore fixée.")
        return tuple(steps)

    def to_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "what": self.what,
            "trigger": _event_ref(self.trigger, self.trigger_index),
            "due": self.due.isoformat() if self.due is not None else None,
            "due_text": None if self.deadline is not None else self.due_text,
            "act": _event_ref(self.act, self.act_index) if self.act is not None else None,
            "status": self.status.value,
            "status_label": self.status.label,
            "trace": list(self.trace),
        }


def _event_ref(event: Event, index: int | None) -> dict:
    return {"index": index, "type": event.TYPE, "at": event.at.isoformat()}


@attrs.frozen(slots=True)
class Hours:
    """Hours validated by the CPIP (programme in force) against hours delivered (sessions held)."""

    validated_individual: float | None
    validated_collective: float | None
    delivered_individual: float
    delivered_collective: float

    def to_dict(self) -> dict:
        return attrs.asdict(self)


def _hidden(value: Any) -> str:
    return "None" if value is None else "'…'"


@attrs.frozen
class CaseEvaluation:
    """Everything :func:`evaluate_case` says about one case as of ``as_of``."""

    case_id: str | None = attrs.field(repr=_hidden)
    as_of: dt.datetime
    state: CaseState
    state_since: Event | None
    obligations: tuple[Obligation, ...]
    hours: Hours
    report: Report
    ignored_after_as_of: int = 0
    #: What produced it (:class:`ppaip_rules.stamp.Stamp`), set by the command line.
    stamp: Any = attrs.field(default=None, eq=False, kw_only=True)

    @property
    def overdue(self) -> tuple[Obligation, ...]:
        return tuple(o for o in self.obligations if o.status is OVERDUE)

    @property
    def pending(self) -> tuple[Obligation, ...]:
        return tuple(o for o in self.obligations if o.status is PENDING)

    def due_between(self, first: dt.date, last: dt.date) -> tuple[Obligation, ...]:
        """Pending obligations whose due day falls in ``[first, last]``."""
        return tuple(o for o in self.pending if o.due is not None
                     and first <= _due_day(o.due) <= last)

    def to_dict(self) -> dict:
        return {
            "case_id": self.case_id,
            "as_of": self.as_of.isoformat(),
            "state": self.state.value,
            "state_label": self.state.label,
            "state_since": self.state_since.at.isoformat() if self.state_since else None,
            "hours": self.hours.to_dict(),
            "obligations": [o.to_dict() for o in self.obligations],
            "ignored_after_as_of": self.ignored_after_as_of,
            "report": self.report.to_dict(),
            **({"stamp": self.stamp.to_dict()} if self.stamp is not None else {}),
        }

    def format(self) -> str:
        """The dated list a coordinator reads on Monday morning: what is late, what is due."""
        text = _format_evaluation(self)
        return text if self.stamp is None else f"{text}\n\n{self.stamp.format()}"


def _due_day(due: dt.date | dt.datetime) -> dt.date:
    return due.astimezone(PARIS).date() if isinstance(due, dt.datetime) else due


def _when(event: Event) -> str:
    return format_moment(event.at)


_due_text = format_moment


# --- the facts of a case, gathered in one pass ---------------------------------------

Pair = tuple  # (input index, event)


class CaseFacts:
    """A case's events sorted, grouped by type, and the sequences that need order.

    Built once by :func:`evaluate_case`; every rule of the ``case`` subject
    reads it (``decide(facts, params)``).
    """

    __slots__ = (
        "abandonment",
        "abandonment_unknown",
        "absences",
        "as_of",
        "as_of_day",
        "as_of_ts",
        "breached",
        "by",
        "by_rule",
        "case",
        "deadlines",
        "decisions",
        "events",
        "hour_excess",
        "hour_unknown",
        "hours",
        "ignored",
        "interruptions",
        "nested_suspensions",
        "obligations",
        "order",
        "orphan_decisions",
        "orphan_reports",
        "orphan_resumes",
        "other_absences",
        "params",
        "policy",
        "policy_key",
        "policy_start_held",
        "stops_clock",
        "suspects",
        "suspensions",
        "terminal",
        "uncaused",
        "validations",
    )

    def __init__(self, case: Case, as_of: dt.datetime, as_of_day: dt.date, as_of_ts: float,
                 params: ContractParameters, policy: dict, stops_clock: bool):
        self.case, self.params, self.policy, self.stops_clock = case, params, policy, stops_clock
        self.policy_key = tuple(policy.values())
        self.deadlines = _deadline_cache(params, self.policy_key)
        self.as_of, self.as_of_day, self.as_of_ts = as_of, as_of_day, as_of_ts
        # Sorted as sort_events() does, inlined: this runs for every case of a batch.
        kept = [(e.key, i, e) for i, e in enumerate(case.events)]
        kept.sort()
        if kept and kept[-1][0] > round(as_of_ts * 1e6) << 6 | 63:
            # Something may be after as_of (a date given alone counts until its 24:00).
            kept = [item for item in kept if ((item[2].ts <= as_of_ts) if item[2].ts is not None
                                              else (item[2].day <= as_of_day))]
        self.ignored = len(case.events) - len(kept)
        events: list[Pair] = []
        by: dict[str, list[Pair]] = {}
        previous = None
        for key, i, e in kept:
            if key == previous:  # same moment, same type: order by content instead
                self.events = sort_events((i, e) for _, i, e in kept)
                self.by = {}
                for pair in self.events:
                    self.by.setdefault(pair[1].TYPE, []).append(pair)
                break
            previous = key
            pair = (i, e)
            events.append(pair)
            group = by.get(e.TYPE)
            if group is None:
                by[e.TYPE] = [pair]
            else:
                group.append(pair)
        else:
            self.events, self.by = events, by
        self.obligations: list[Obligation] = []
        self.order: list[tuple] = []

    def of(self, cls: type[Event]) -> list[Pair]:
        return self.by.get(cls.TYPE, [])

    def first(self, cls: type[Event]) -> Pair | None:
        found = self.by.get(cls.TYPE)
        return found[0] if found else None

    def first_from(self, cls: type[Event], ref: Event) -> Pair | None:
        """The first event of ``cls`` that is not before ``ref``."""
        for pair in self.by.get(cls.TYPE, ()):
            if not before(pair[1], ref):
                return pair
        return None

    def only(self, *classes: type[Event]) -> list[Pair]:
        """The events of these types, in the log's order (no re-sorting)."""
        present = [cls.TYPE for cls in classes if cls.TYPE in self.by]
        if not present:
            return []
        if len(present) == 1:
            return self.by[present[0]]
        return [p for p in self.events if p[1].TYPE in present]

    def mine(self, rule_id: str) -> list[Obligation]:
        return self.by_rule.get(rule_id, [])


def _walk(f: CaseFacts) -> None:
    """The sequences that depend on order: decisions, hours, absences, suspensions, ends."""
    f.decisions, f.orphan_decisions = [], []
    validations = []
    for proposal_cls, ok_cls, no_cls in ((ProposalSent, ProposalValidated, ProposalRefused),
                                         (ChangeProposed, ChangeValidated, ChangeRefused)):
        proposals = f.by.get(proposal_cls.TYPE, ())
        decisions = f.only(ok_cls, no_cls)
        if not proposals and not decisions:
            continue
        for proposal, decision in _pair(proposals, decisions, f.orphan_decisions):
            f.decisions.append((proposal, decision))
            if decision is not None and isinstance(decision[1], (ProposalValidated,
                                                                 ChangeValidated)):
                validations.append((decision, proposal))
    validations.sort(key=lambda v: v[0][1].key)
    f.validations = validations
    _hours_walk(f)
    _absence_walk(f)
    _suspension_walk(f)
    _ends_walk(f)
    _order_suspects(f)


def _order_suspects(f: CaseFacts) -> None:
    """Rules whose order checks may fire: a cheap, generous test (the rule decides).

    In the sorted log, an event can only be before another when it sorts first.
    """
    by, suspects = f.by, set()

    def first(event_type: str) -> int | None:
        group = by.get(event_type)
        return group[0][1].key if group else None

    if f.events and f.events[0][1].TYPE != PrescriptionReceived.TYPE:
        suspects.add("ELIG-PRESCRIBED")
    meeting = first(FirstMeeting.TYPE)
    for event_type, rule_id in ((ProposalSent.TYPE, "PROG-PROPOSAL"),
                                (CalendarSent.TYPE, "PROG-CALENDAR")):
        key = first(event_type)
        if key is not None and (meeting is None or key < meeting):
            suspects.add(rule_id)
    for p in by.get(ProposalSent.TYPE, ()):
        if not (p[1].individual_hours or 0) + (p[1].collective_hours or 0) > 0:
            suspects.add("PROG-PROPOSAL")
    session = first(SessionHeld.TYPE)
    if f.orphan_decisions or (session is not None and (
            (validation := first(ProposalValidated.TYPE)) is None or session < validation)):
        suspects.add("PROG-VALIDATION")
    lasts = by.get(LastIndividualInterview.TYPE, ())
    bilans = [b for b in by.get(BilanDelivered.TYPE, ()) if b[1].scope == "individual"]
    if any(last[1].cpip_invited is False for last in lasts) or (bilans and (
            not lasts or bilans[0][1].key < lasts[0][1].key)):
        suspects.add("END-BILAN-IND")
    ends = by.get(ProgrammeEnded.TYPE, ())
    if ends and (len(ends) > 1 or ends[0][1].cause == "hours_completed" or (
            session is not None and by[SessionHeld.TYPE][-1][1].key > ends[0][1].key)):
        suspects.add("END-CAUSE")
    f.suspects = suspects


def _pair(proposals: list[Pair], decisions: list[Pair], orphans: list[Pair]):
    """Each decision answers the latest proposal still open before it; older open ones lapse.

    A proposal simultaneous with the decision (the same day, one of them
    given as a date only) is answered only when no open proposal came
    strictly before: "refused on 7 May, new proposal on 7 May" pairs the
    refusal with the earlier proposal and leaves the new one open.
    """
    if len(proposals) == 1 and len(decisions) == 1 and before(proposals[0][1], decisions[0][1]):
        yield proposals[0], decisions[0]  # the usual case: one proposal, then its decision
        return
    open_: list[Pair] = []
    i = 0
    for d in decisions:
        while i < len(proposals) and not before(d[1], proposals[i][1]):
            open_.append(proposals[i])
            i += 1
        earlier = [p for p in open_ if before(p[1], d[1])]
        chosen = earlier[-1] if earlier else (open_[-1] if open_ else None)
        if chosen is None:
            orphans.append(d)
            continue
        yield chosen, d
        open_ = [p for p in open_ if p is not chosen and not (earlier and before(p[1], d[1]))]
    open_.extend(proposals[i:])
    if open_:
        yield open_[-1], None


def _hours_walk(f: CaseFacts) -> None:
    """Delivered hours, and each session that takes them past the hours in force."""
    individual = collective = 0.0
    excess, unknown = [], []
    current = None
    vi, flagged = 0, set()
    validations = f.validations
    pending = len(validations)
    for idx, s in f.by.get(SessionHeld.TYPE, ()):
        while vi < pending and not before(s, validations[vi][0][1]):
            current = validations[vi]
            vi += 1
        if s.mode == "individual":
            individual += s.hours
            done = individual
        else:
            collective += s.hours
            done = collective
        if current is not None:
            proposal = current[1][1]
            allowed = proposal.individual_hours if s.mode == "individual" \
                else proposal.collective_hours
            if (s.mode, vi) in flagged:
                continue
            if allowed is None:  # not recorded: a missing fact, never 0 h
                flagged.add((s.mode, vi))
                unknown.append((idx, s, current[1][0]))
            elif done > allowed + 1e-9:
                flagged.add((s.mode, vi))
                excess.append((idx, s, done, allowed, current[0][1]))
    f.hour_excess, f.hour_unknown = excess, unknown
    last = validations[-1][1][1] if validations else None
    f.hours = Hours(last.individual_hours if last else None,
                    last.collective_hours if last else None, individual, collective)


def _absence_walk(f: CaseFacts) -> None:
    """Absences of the person's doing, their reconvocations and next appointments, abandonment.

    ``absences``: ``[absence, next appointment, reconvoked?, next absence]`` (pairs or
    None), one for each absence of the person's doing, justified or not (CCTP 6.1-3: "du
    fait de la personne"); ``abandonment``: the unjustified absence at the appointment
    that followed a reconvocation; ``abandonment_unknown``: absences at such an
    appointment whose justification is not recorded (no abandonment is concluded);
    ``uncaused``: absences without a recorded cause, read as the person's (ambiguity
    13); ``other_absences``: absences of the administration's or the provider's doing,
    which call for rescheduling and never count toward an abandonment.
    """
    f.absences, f.abandonment, f.abandonment_unknown = [], None, []
    f.uncaused, f.other_absences = [], []
    missed = f.of(SessionMissed)
    if not missed:
        return
    stream = f.only(SessionHeld, SessionMissed, Reconvocation)
    awaiting = None  # [absence pair, next appointment pair, reconvoked?, next absence]
    for pair in stream:
        e = pair[1]
        if isinstance(e, Reconvocation):
            if awaiting is not None:
                awaiting[2] = True
            continue
        if isinstance(e, SessionMissed) and not e.by_person:
            f.other_absences.append(pair)  # to reschedule: not an appointment of the count
            continue
        if awaiting is not None and awaiting[1] is None:
            awaiting[1] = pair
        if isinstance(e, SessionHeld):
            awaiting = None
            continue
        if e.cause is None:
            f.uncaused.append(pair)
        if awaiting is not None and awaiting[2]:
            # The appointment set by the reconvocation: only an unjustified absence here
            # is an abandonment; whether it was justified must be recorded.
            if e.justified is False:
                f.abandonment = pair
                return
            if e.justified is None:
                f.abandonment_unknown.append(pair)
                awaiting = None
                continue
        if f.absences:
            f.absences[-1][3] = pair
        awaiting = [pair, None, False, None]
        f.absences.append(awaiting)


def _suspension_walk(f: CaseFacts) -> None:
    """Suspension intervals ``(start pair, resume pair or None)`` and inconsistencies."""
    f.suspensions, f.orphan_resumes, f.nested_suspensions = [], [], []
    starts, ends = f.of(SuspensionStarted), f.of(SuspensionEnded)
    if not starts and not ends:
        return
    open_ = None
    for pair in f.only(SuspensionStarted, SuspensionEnded):
        if isinstance(pair[1], SuspensionStarted):
            if open_ is None:
                open_ = pair
            else:
                f.nested_suspensions.append(pair)
        elif open_ is None:
            f.orphan_resumes.append(pair)
        else:
            f.suspensions.append((open_, pair))
            open_ = None
    if open_ is not None:
        f.suspensions.append((open_, None))


_TERMINALS = (ImpossibilityReported, CourseInterrupted, ProgrammeEnded, LastIndividualInterview)


def _ends_walk(f: CaseFacts) -> None:
    """Interruptions to report, and the first event that ends the case."""
    by = f.by
    triggers = list(by.get(CourseInterrupted.TYPE, ()))
    if f.abandonment is not None:
        triggers.append(f.abandonment)
    for pair in by.get(ProgrammeEnded.TYPE, ()):
        if pair[1].cause == "interruption" and not any(
                not before(pair[1], t[1]) for t in triggers):
            triggers.append(pair)
            break
    f.interruptions = sort_events(triggers) if len(triggers) > 1 else triggers
    reports = by.get(InterruptionReported.TYPE)
    f.orphan_reports = [r for r in reports if not any(
        not before(r[1], t[1]) for t in f.interruptions)] if reports else []
    end = f.abandonment
    for cls in _TERMINALS:
        found = by.get(cls.TYPE)
        if found and (end is None or found[0][1].key < end[1].key):
            end = found[0]
    f.terminal = end


# --- obligations -----------------------------------------------------------------------

def _status(due: Any, due_us: int, act: Pair | None, f: CaseFacts) -> ObligationStatus:
    """As :meth:`Deadline.is_met` decides, on the event's precomputed day and instant."""
    if type(due) is not dt.date:  # whole microseconds: an act at the due instant is in time
        if act is None:
            return OVERDUE if f.as_of_ts * 1e6 > due_us else PENDING
        if act[1].ts is None:
            raise InputError(f"events[{act[0]}].at", "une date et heure avec fuseau : ce "
                                                      "délai se compte en heures")
        return MET if act[1].key >> 6 <= due_us else MET_LATE
    if act is None:
        return OVERDUE if f.as_of_day > due else PENDING
    return MET if act[1].day <= due else MET_LATE


#: Deadlines already computed, per parameters and policy, by rule, trigger and pauses: a
#: batch of cases shares most trigger days. Each entry keeps its parameters, whose
#: identity is checked (an ``id`` may be reused once an object is gone).
_DEADLINES: dict[tuple, tuple[ContractParameters, dict]] = {}


def _deadline_cache(params: ContractParameters, policy_key: tuple) -> dict:
    key = (id(params), policy_key)
    entry = _DEADLINES.get(key)
    if entry is None or entry[0] is not params:
        if len(_DEADLINES) > 64:
            _DEADLINES.clear()
        entry = _DEADLINES[key] = (params, {})
    return entry[1]


def _deadline(f: CaseFacts, rule_id: str, start: Any, pauses: tuple) -> tuple[Deadline, int]:
    """The deadline, and its end as whole microseconds since the epoch (a day ends at 24:00)."""
    key = (rule_id, start, pauses)
    cache = f.deadlines
    hit = cache.get(key)
    if hit is None:
        d = deadline(rule_id, start, params=f.params, pauses=pauses, **f.policy)
        end = d.period.end
        end_us = day_end_us(end) if type(end) is dt.date else round(end.timestamp() * 1e6)
        if len(cache) >= 100_000:
            cache.clear()
        hit = cache[key] = (d, end_us)
    return hit


def _lapsed(f: CaseFacts, due: dt.date | dt.datetime | None, due_us: int = 0) -> bool:
    """Whether the case ended before ``due`` (None: whenever it ended)."""
    end = f.terminal
    if end is None:
        return False
    if due is None:
        return True
    e = end[1]
    if type(due) is not dt.date:
        return e.ts * 1e6 <= due_us if e.ts is not None else e.day <= _due_day(due)
    return e.day <= due


def _with_deadline(f: CaseFacts, rule_id: str, trigger: Pair, start: Any,
                   act: Pair | None, lapses: bool = False, pauses: tuple = (),
                   unknown: Pair | None = None) -> None:
    """``unknown``: an act that may fulfil the obligation, but a fact that decides it is
    not recorded (its recipients…): when it came in time and the obligation would
    otherwise be breached, the status is UNKNOWN (a missing fact, never a breach)."""
    d, due_us = _deadline(f, rule_id, start, pauses)
    due = d.period.end
    if act is None and unknown is None and lapses and _lapsed(f, due, due_us):
        return
    status = _status(due, due_us, act, f)
    if unknown is not None and status.is_breach and (
            act is None or unknown[1].key < act[1].key) and _status(
            due, due_us, unknown, f) is MET:
        act, status = unknown, UNKNOWN
    f.order.append((due_us, trigger[1].key, rule_id, len(f.order)))
    f.obligations.append(Obligation(
        rule_id, SPECS[rule_id].act, trigger[1], trigger[0], due,
        act[1] if act else None, act[0] if act else None, status, d))


def _tied(f: CaseFacts, rule_id: str, what: str, trigger: Pair, act: Pair | None,
          due_event: Pair | None, due_text: str, due_label: str) -> None:
    """An obligation with no contract period, due before a later event (``due_event``)."""
    if act is not None:
        status = MET if due_event is None or not before(due_event[1], act[1]) else MET_LATE
    elif due_event is not None:
        status = OVERDUE
    elif _lapsed(f, None):
        return
    else:
        status = PENDING
    f.order.append((due_event[1].key >> 6 if due_event else _NO_DUE, trigger[1].key, rule_id,
                    len(f.order)))
    f.obligations.append(Obligation(
        rule_id, what, trigger[1], trigger[0], due_event[1].at if due_event else None,
        act[1] if act else None, act[0] if act else None, status, None,
        due_event[1] if due_event else None, due_text, due_label))


_WANTED = frozenset(RECIPIENTS)


def _covering(candidates: list[Pair], trigger: Event, accept) -> tuple[Pair | None,
                                                                       Pair | None]:
    """The event from which every recipient has been served, from ``trigger`` on, and the
    first candidate before it that may count but lacks a fact (recipients or kind not
    recorded). ``accept(e)``: True, False, or None (not recorded)."""
    served: set[str] = set()
    unknown = None
    for pair in candidates:
        e = pair[1]
        if before(e, trigger):
            continue
        verdict = accept(e)
        if verdict is False:
            continue
        if verdict is None or e.to is None:
            if unknown is None:
                unknown = pair
            continue
        served |= e.to
        if served >= _WANTED:
            return pair, unknown
    return None, unknown


class _Coverage:
    """Communications of calendar changes, indexed once: for each change, the covering
    communication and the first one without recipients, in linear time overall (the
    changes are visited in order; each scan restarts from a pointer, never from 0)."""

    def __init__(self, communications: list[Pair]):
        self.items = communications
        n = len(communications)
        # next_of[r][i]: the first index >= i whose recipients include r (n: none);
        # next_unknown[i]: the first index >= i without recorded recipients.
        self.next_of = {r: [n] * (n + 1) for r in RECIPIENTS}
        self.next_unknown = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            to = communications[i][1].to
            for r, table in self.next_of.items():
                table[i] = i if to is not None and r in to else table[i + 1]
            self.next_unknown[i] = i if to is None else self.next_unknown[i + 1]
        self.start = 0

    def of(self, trigger: Event) -> tuple[Pair | None, Pair | None]:
        items, i = self.items, self.start
        while i < len(items) and before(items[i][1], trigger):
            i += 1
        self.start = i  # the triggers come in order: the next scan starts here
        n = len(items)
        cover = max(table[i] for table in self.next_of.values())
        unknown = self.next_unknown[i]
        return (items[cover] if cover < n else None,
                items[unknown] if unknown < n and unknown < cover else None)


def _bilan_individual(b: BilanDelivered) -> bool | None:
    kind = b.kind
    return None if kind is None else kind == "individual"


def _bilan_of_workshop(workshop: str | None):
    def accept(b: BilanDelivered) -> bool | None:
        kind = b.kind
        if kind is None:
            return None
        return kind == "collective" and (workshop is None or b.workshop in (None, workshop))
    return accept


def _first_session_from(f: CaseFacts, ref: Event) -> Pair | None:
    return f.first_from(SessionHeld, ref)


def _build_obligations(f: CaseFacts) -> None:
    rx = f.first(PrescriptionReceived)
    if rx is not None:
        _with_deadline(f, "PROG-FIRST-MEETING", rx, rx[1].at,
                       f.first_from(FirstMeeting, rx[1]), lapses=True)
    # The first meeting starts its obligations even when it came too early (before the
    # prescription, which ELIG-PRESCRIBED reports): a later event never removes them.
    meeting = f.first(FirstMeeting)
    if meeting is not None:
        m = meeting[1]
        impossibility = f.first_from(ImpossibilityReported, m)
        if impossibility is not None:
            end = elapsed_interval(m.at, m.duration_hours)[1] if m.duration_hours else m.at
            _with_deadline(f, "REFUSAL-48H", meeting, end, impossibility)
        validated, session = f.first_from(ProposalValidated, m), _first_session_from(f, m)
        first_step = validated if session is None or (
            validated is not None and validated[1].key < session[1].key) else session
        _tied(f, "PROG-PROPOSAL", "Envoi de la proposition de programme au CPIP", meeting,
              f.first_from(ProposalSent, m), first_step,
              "à l'issue du premier entretien", "la validation du programme" if first_step
              and isinstance(first_step[1], ProposalValidated) else "la première séance")
        _tied(f, "PROG-CALENDAR", "Transmission du calendrier personnalisé au CPIP", meeting,
              f.first_from(CalendarSent, m), session,
              "proposé lors du premier entretien puis transmis", "la première séance")
    if f.validations:
        first = next((v[0] for v in f.validations if isinstance(v[0][1], ProposalValidated)),
                     None)
        if first is not None:
            pauses = _pauses(f) if f.stops_clock else ()
            _with_deadline(f, "PROG-START", first, first[1].day, _start_act(f, first[1]),
                           lapses=True, pauses=pauses)
    changes = f.of(CalendarChanged)
    if changes:
        coverage = _Coverage(f.of(CalendarChangeCommunicated))
        for change in changes:
            act, unknown = coverage.of(change[1])
            _with_deadline(f, "PROG-CALENDAR-CHANGE", change, change[1].at, act,
                           unknown=unknown)
    reconvocations, r = f.of(Reconvocation), 0
    for absence, next_appointment, _, next_absence in f.absences:
        while r < len(reconvocations) and before(reconvocations[r][1], absence[1]):
            r += 1  # the absences come in order: the first reconvocation not before it
        reconvocation = reconvocations[r] if r < len(reconvocations) else None
        if reconvocation and next_absence and not before(reconvocation[1], next_absence[1]):
            reconvocation = None  # it answers the later absence
        _tied(f, "RUN-ABSENCE", "Nouvelle convocation après l'absence", absence,
              reconvocation, next_appointment,
              "après l'absence, avant le rendez-vous suivant", "le rendez-vous suivant")
    for trigger in f.interruptions:
        _with_deadline(f, "RUN-INTERRUPTION-48H", trigger, trigger[1].at,
                       f.first_from(InterruptionReported, trigger[1]))
    bilans = f.of(BilanDelivered)
    for last in f.of(LastIndividualInterview):
        act, unknown = _covering(bilans, last[1], _bilan_individual)
        _with_deadline(f, "END-BILAN-IND", last, last[1].day, act, unknown=unknown)
    for ended in f.of(WorkshopEnded):
        act, unknown = _covering(bilans, ended[1], _bilan_of_workshop(ended[1].workshop))
        _with_deadline(f, "END-BILAN-COLL", ended, ended[1].day, act, unknown=unknown)
    if len(f.obligations) > 1:  # by due instant (a due day ends at 24:00), then trigger
        obligations = f.obligations
        f.obligations = [obligations[k[3]] for k in sorted(f.order)]
    by_rule: dict[str, list[Obligation]] = {}
    breached = set()
    for o in f.obligations:
        group = by_rule.get(o.rule_id)
        if group is None:
            by_rule[o.rule_id] = [o]
        else:
            group.append(o)
        if o.status is MET_LATE or o.status is OVERDUE or o.status is UNKNOWN:
            breached.add(o.rule_id)  # (UNKNOWN: the rule speaks, with a missing fact)
    f.by_rule, f.breached = by_rule, breached


def _start_act(f: CaseFacts, validation: Event) -> Pair | None:
    """What starts the programme (RULES.md ambiguity 10): the first session held from the
    validation on, or (default) the first appointment of the person's doing missed from
    then on (the person was convened to a session scheduled then: RUN-ABSENCE applies)."""
    held = f.first_from(SessionHeld, validation)
    if f.policy_start_held:
        return held
    for pair in f.of(SessionMissed):
        e = pair[1]
        if held is not None and held[1].key < e.key:
            break
        if e.by_person and not before(e, validation):
            return pair
    return held


_NO_DUE = 1 << 62  # after every due instant



def _pauses(f: CaseFacts) -> tuple:
    """The suspended days, both ends included; a suspension still running lasts to ``as_of``."""
    return tuple((start[1].day, end[1].day if end else max(start[1].day, f.as_of_day))
                 for start, end in f.suspensions)


# --- breaches of obligations ------------------------------------------------------------

#: What to do about an overdue obligation (French, imperative).
_ACTIONS = {
    "PROG-FIRST-MEETING": "Tenir le premier entretien sans attendre.",
    "PROG-START": "Démarrer le programme sans attendre, ou signaler au CPIP ce qui l'empêche.",
    "PROG-CALENDAR-CHANGE": "Communiquer la modification au CPIP référent et au bénéficiaire.",
    "REFUSAL-48H": "Signaler l'impossibilité au CPIP, avec son motif.",
    "RUN-INTERRUPTION-48H": "Signaler l'interruption au CPIP référent.",
    "END-BILAN-IND": "Remettre le bilan final au bénéficiaire et au CPIP référent.",
    "END-BILAN-COLL": "Remettre le bilan de l'atelier.",
    "PROG-PROPOSAL": "Envoyer la proposition de programme au CPIP sur IPRO 360°.",
    "PROG-CALENDAR": "Transmettre le calendrier personnalisé au CPIP.",
    "RUN-ABSENCE": "Reconvoquer la personne.",
}


#: The field and the fact an UNKNOWN obligation lacks, by rule.
_UNKNOWN_FACTS = {
    "PROG-CALENDAR-CHANGE": ("to", "destinataires de la communication (CPIP référent, "
                                   "bénéficiaire) : une communication sans destinataires ne "
                                   "vaut pas communication aux deux"),
    "END-BILAN-IND": ("to", "nature (individuel ou collectif) et destinataires du bilan "
                            "(bénéficiaire, CPIP référent) : un bilan sans destinataires ne "
                            "vaut pas remise aux deux"),
    "END-BILAN-COLL": ("to", "nature (individuel ou collectif) et destinataires du bilan de "
                             "l'atelier"),
}


def breach_flags(f: CaseFacts, rule_id: str) -> Iterator[Flag]:
    """A flag for each obligation of ``rule_id`` met late or overdue, with its trace."""
    for o in f.by_rule.get(rule_id, ()):
        if o.status is UNKNOWN:
            field, what = _UNKNOWN_FACTS[rule_id]
            yield missing_fact(f"events[{o.act_index}].{field}", f"{what} ({o.act.LABEL.lower()} "
                               f"le {_when(o.act)}, dans le délai)")
            continue
        if o.status is not MET_LATE and o.status is not OVERDUE:
            continue
        path = f"events[{o.trigger_index}]"
        if o.deadline is not None:
            d = o.deadline
            if o.status is MET_LATE:
                flag = d.flag(o.act.at)
                yield Flag(flag.message, flag.expected, flag.found, flag.severity,
                           f"events[{o.act_index}]", flag.trace)
            else:
                yield Flag(f"{o.what} : aucun enregistrement au {format_datetime(f.as_of)}, "
                           f"échéance du {_due_text(o.due)} dépassée "
                           f"({d.lateness(f.as_of)}). {_ACTIONS[rule_id]}",
                           expected=o.due, found=None, path=path, trace=d.trace)
        elif o.status is MET_LATE:
            yield Flag(f"{o.what} le {_when(o.act)}, après {o.due_label} du "
                       f"{_when(o.due_event)} : trop tard.", expected=o.due, found=o.act.at,
                       path=f"events[{o.act_index}]", trace=o.trace)
        else:
            yield Flag(f"{o.what} : aucun enregistrement avant {o.due_label} du "
                       f"{_when(o.due_event)}. {_ACTIONS[rule_id]}", expected=o.due,
                       found=None, path=path, trace=o.trace)


def _flag(message: str, pair: Pair | None = None, severity=None, **extra: Any) -> Flag:
    return Flag(message, severity=severity, path=f"events[{pair[0]}]" if pair else "events",
                **extra)


# --- the rules of the case (subject "case") ------------------------------------------

AS_OF = "2025-06-30T18:00:00+02:00"


def _ex(title: str, events: list[dict], fires: bool = True, severity=None,
        as_of: str = AS_OF) -> Example:
    return Example(title, "case", {"case_id": "EX-1", "events": events}, fires=fires,
                   severity=severity, options={"as_of": as_of})


def _e(type_: str, at: str, **fields: Any) -> dict:
    return {"type": type_, "at": at, **fields}


_RX = _e("prescription_received", "2025-05-02")
_MEETING = _e("first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1)
_PROPOSAL = _e("proposal_sent", "2025-05-06", individual_hours=12, collective_hours=6)
_VALID = _e("proposal_validated", "2025-05-09")
_CALENDAR = _e("calendar_sent", "2025-05-06")
_SESSION = _e("session_held", "2025-05-12T10:00:00+02:00", mode="individual", hours=2,
              signed_sheet=True)
_START = [_RX, _MEETING, _PROPOSAL, _CALENDAR, _VALID, _SESSION]


def _session(at: str, hours: float = 2, mode: str = "individual", **fields: Any) -> dict:
    return _e("session_held", at, mode=mode, hours=hours, signed_sheet=True, **fields)


def _missed(at: str, justified: bool = False, cause: str = "person") -> dict:
    return _e("session_missed", at, justified=justified, cause=cause)


@rule("PROG-PROPOSAL", clause="CCTP 6.1-2", title="Proposition de programme après le premier "
      "entretien", severity=VIOLATION, subject="case",
      requirement="À l'issue du premier entretien, le titulaire communique au CPIP, sur "
                  "IPRO 360°, le programme d'accompagnement proposé et le nombre d'heures "
                  "associé (individuelles et/ou collectives), décrit et justifié.",
      interpretation="Le contrat ne chiffre pas de délai (« à l'issue de l'entretien ») : la "
                     "proposition est due au plus tard avant la validation du programme ou la "
                     "première séance ; sinon elle reste « à venir », sans échéance.",
      examples=(
          _ex("Proposition envoyée le jour du premier entretien", _START, fires=False),
          _ex("Programme démarré sans proposition", [_RX, _MEETING, _CALENDAR, _SESSION]),
          _ex("Proposition sans aucune heure", [_RX, _MEETING, _e(
              "proposal_sent", "2025-05-06", individual_hours=0, collective_hours=0)]),
      ))
def prog_proposal(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    for pair in f.of(ProposalSent):
        p = pair[1]
        if meeting is None or before(p, meeting[1]):
            yield _flag("proposition de programme envoyée avant le premier entretien : la "
                        "proposition se construit avec la personne lors de ce premier "
                        "entretien (CCTP 6.1-2).", pair, expected="après le premier entretien",
                        found=p.at)
        if p.individual_hours is None and p.collective_hours is None:
            yield missing_fact(f"events[{pair[0]}].individual_hours",
                               "heures individuelles et/ou collectives de la proposition "
                               "(une proposition sans heures n'est pas une proposition de 0 h)")
        elif (p.individual_hours or 0) + (p.collective_hours or 0) <= 0:
            yield _flag("proposition de programme sans aucune heure : indiquer les heures "
                        "individuelles et/ou collectives proposées.", pair,
                        expected="un nombre d'heures", found="0 h")
    yield from breach_flags(f, "PROG-PROPOSAL")


@rule("PROG-VALIDATION", clause="CCTP 6.1-3", title="Validation du programme par le CPIP",
      severity=VIOLATION, subject="case",
      requirement="Le CPIP valide ou refuse la proposition ; après un refus, le titulaire peut "
                  "soumettre une nouvelle proposition ; toute modification ultérieure du "
                  "contenu ou de la durée est une nouvelle proposition à valider. Le programme "
                  "ne démarre qu'une fois validé.",
      interpretation="Une décision répond à la dernière proposition encore ouverte à sa date ; "
                     "une décision sans proposition ouverte (deux validations pour une "
                     "proposition) est signalée comme une incohérence du journal.",
      examples=(
          _ex("Proposition envoyée puis validée", _START, fires=False),
          _ex("Refus puis nouvelle proposition validée", [
              _RX, _MEETING, _PROPOSAL, _CALENDAR,
              _e("proposal_refused", "2025-05-07", comment="Réduire les heures collectives."),
              _e("proposal_sent", "2025-05-07", individual_hours=12),
              _e("proposal_validated", "2025-05-09"), _SESSION], fires=False),
          _ex("Deux validations pour une seule proposition", [*_START, _VALID]),
          _ex("Séance avant la validation", [_RX, _MEETING, _PROPOSAL, _CALENDAR, _session(
              "2025-05-07T10:00:00+02:00"), _VALID]),
      ))
def prog_validation(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    for pair in f.orphan_decisions:
        kind = "modification" if isinstance(pair[1], (ChangeValidated, ChangeRefused)) \
            else "proposition"
        verb = "validation" if isinstance(pair[1], (ProposalValidated, ChangeValidated)) \
            else "refus"
        yield _flag(f"{verb} du CPIP sans {kind} en attente : chaque décision répond à une "
                    f"{kind} envoyée sur IPRO 360° et pas encore tranchée. Vérifier le "
                    f"journal (décision en double ou {kind} non enregistrée).", pair,
                    expected=f"une {kind} en attente", found="aucune")
    first = next((v[0] for v in f.validations if isinstance(v[0][1], ProposalValidated)), None)
    for pair in f.of(SessionHeld):
        if first is not None and not before(pair[1], first[1]):
            break  # sessions are in order: the later ones are not before it either
        yield _flag(f"séance du {_when(pair[1])} tenue avant la validation du programme "
                        f"par le CPIP : le programme ne démarre qu'une fois validé "
                        f"(CCTP 6.1-3).", pair, expected="une séance après la validation",
                        found=pair[1].at)


@rule("PROG-CALENDAR", clause="CCTP 6.4", title="Calendrier personnalisé transmis au CPIP",
      severity=VIOLATION, subject="case",
      requirement="Le titulaire propose un calendrier personnalisé lors du premier entretien "
                  "individuel et le transmet au CPIP référent.",
      interpretation="Le contrat ne chiffre pas le délai de transmission : le calendrier est dû "
                     "au plus tard à la première séance du programme.",
      examples=(
          _ex("Calendrier transmis le jour du premier entretien", _START, fires=False),
          _ex("Première séance sans calendrier transmis",
              [_RX, _MEETING, _PROPOSAL, _VALID, _SESSION]),
      ))
def prog_calendar(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    for pair in f.of(CalendarSent):
        if meeting is None or before(pair[1], meeting[1]):
            yield _flag("calendrier transmis avant le premier entretien : il se construit avec "
                        "la personne lors de cet entretien (CCTP 6.4).", pair, severity=WARNING,
                        expected="au premier entretien ou après", found=pair[1].at)
    yield from breach_flags(f, "PROG-CALENDAR")


@rule("RUN-ABSENCE", clause="CCTP 6.1-3", title="Absence : reconvocation, puis abandon",
      severity=VIOLATION, subject="case",
      requirement="En cas d'absence à un rendez-vous du fait de la personne, elle est "
                  "reconvoquée ; une absence non justifiée à ce nouveau rendez-vous vaut "
                  "abandon du dispositif.",
      interpretation="Toute absence du fait de la personne, justifiée ou non, appelle une "
                     "nouvelle convocation avant le rendez-vous suivant ; l'abandon n'est "
                     "constaté qu'à une absence non justifiée au rendez-vous qui suit cette "
                     "reconvocation (si la justification n'est pas renseignée : information "
                     "manquante, pas d'abandon). Une absence du fait de l'administration ou du "
                     "titulaire (transfert, blocage, intervenant absent) appelle une "
                     "reprogrammation et ne compte jamais pour l'abandon. Une absence dont la "
                     "cause n'est pas renseignée est lue comme du fait de la personne "
                     "(ambiguïté 13). L'abandon est un parcours interrompu "
                     "(RUN-INTERRUPTION-48H).",
      examples=(
          _ex("Absence non justifiée, reconvocation, séance suivante tenue", [
              *_START, _missed("2025-05-19T10:00:00+02:00"),
              _e("reconvocation", "2025-05-19T14:00:00+02:00"),
              _session("2025-05-26T10:00:00+02:00")], fires=False),
          _ex("Absence justifiée sans reconvocation avant le rendez-vous suivant", [
              *_START, _missed("2025-05-19T10:00:00+02:00", justified=True),
              _session("2025-05-26T10:00:00+02:00")]),
          _ex("Absence non justifiée sans reconvocation avant le rendez-vous suivant", [
              *_START, _missed("2025-05-19T10:00:00+02:00"),
              _session("2025-05-26T10:00:00+02:00")]),
          _ex("Intervenant absent : à reprogrammer, sans reconvocation ni abandon", [
              *_START, _missed("2025-05-19T10:00:00+02:00", cause="facilitator_absent"),
              _session("2025-05-26T10:00:00+02:00")], severity=INFO),
          _ex("Deuxième absence non justifiée après reconvocation : abandon", [
              *_START, _missed("2025-05-19T10:00:00+02:00"),
              _e("reconvocation", "2025-05-19T14:00:00+02:00"),
              _missed("2025-05-26T10:00:00+02:00"),
              _e("interruption_reported", "2025-05-27T09:00:00+02:00")], severity=INFO),
      ))
def run_absence(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    yield from breach_flags(f, "RUN-ABSENCE")
    for pair in f.uncaused:
        yield _flag(f"absence du {_when(pair[1])} sans cause renseignée : lue comme du fait de "
                    f"la personne (ambiguïté 13), une nouvelle convocation est due avant le "
                    f"rendez-vous suivant. Renseigner la cause (« cause »).", pair,
                    severity=INFO, expected=", ".join(ABSENCE_CAUSES), found="non renseignée")
    for pair in f.other_absences:
        yield _flag(f"absence du {_when(pair[1])} du fait de l'administration ou du titulaire "
                    f"({ABSENCE_CAUSES[pair[1].cause]}) : reprogrammer le rendez-vous ; elle "
                    f"ne compte pas pour l'abandon.", pair, severity=INFO)
    for pair in f.abandonment_unknown:
        yield missing_fact(f"events[{pair[0]}].justified",
                           f"absence du {_when(pair[1])} au rendez-vous fixé après une "
                           f"reconvocation, justifiée ou non (une absence non justifiée à ce "
                           f"rendez-vous vaut abandon) : aucun abandon n'est conclu")
    if f.abandonment is not None:
        yield _flag(f"absence non justifiée le {_when(f.abandonment[1])} au rendez-vous fixé "
                    f"après une reconvocation : la personne est considérée comme abandonnant "
                    f"le dispositif (CCTP 6.1-3) ; parcours interrompu à signaler au CPIP sous "
                    f"48 heures (RUN-INTERRUPTION-48H).", f.abandonment, severity=INFO)


@rule("RUN-SUSPENSION", clause="CCTP 6.1-3", title="Suspension du programme, puis reprise",
      severity=WARNING, subject="case",
      requirement="L'indisponibilité du bénéficiaire, ou un évènement exceptionnel dans "
                  "l'établissement (fouille générale, incident en détention, mouvements du "
                  "personnel, incident technique ou météorologique, crise sanitaire), suspend "
                  "le programme sans l'arrêter ; il reprend dès que possible.",
      interpretation="Par défaut, les jours de suspension ne comptent pas dans le délai de "
                     "démarrage (PROG-START) ; politique « suspension_stops_clock=False » pour "
                     "les compter (ambiguïté 7).",
      examples=(
          _ex("Suspension pour fouille générale puis reprise", [
              *_START, _e("suspension_started", "2025-05-13", cause="general_search"),
              _e("suspension_ended", "2025-05-15")], fires=False),
          _ex("Suspension pour une cause non prévue par le contrat", [
              *_START, _e("suspension_started", "2025-05-13", cause="other"),
              _e("suspension_ended", "2025-05-15")]),
          _ex("Programme toujours suspendu à la date d'évaluation", [
              *_START, _e("suspension_started", "2025-06-02", cause="person_unavailable")],
              severity=INFO),
      ))
def run_suspension(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    for pair in f.of(SuspensionStarted):
        if pair[1].cause == "other":
            yield _flag("suspension pour une cause que le contrat ne prévoit pas : seules "
                        "l'indisponibilité du bénéficiaire et les évènements exceptionnels de "
                        "l'établissement suspendent le programme ; sinon, c'est une "
                        "interruption à signaler sous 48 heures.", pair,
                        expected=", ".join(v for k, v in SUSPENSION_CAUSES.items()
                                           if k != "other"), found="autre cause")
    for pair in f.orphan_resumes:
        yield _flag("reprise enregistrée sans suspension en cours : vérifier le journal.", pair)
    for pair in f.nested_suspensions:
        yield _flag("suspension enregistrée alors que le programme est déjà suspendu : "
                    "vérifier le journal.", pair)
    for start, end in f.suspensions:
        for pair in f.of(SessionHeld):
            day = pair[1].day
            if start[1].day < day and (end is None or day < end[1].day):
                yield _flag(f"séance du {_when(pair[1])} enregistrée pendant la suspension "
                            f"commencée le {_when(start[1])} : enregistrer la reprise.", pair)
        if end is None:
            days = (f.as_of_day - start[1].day).days
            yield _flag(f"programme suspendu depuis le {_when(start[1])} "
                        f"({SUSPENSION_CAUSES[start[1].cause]}), soit "
                        f"{plural(days, 'jour')} : il reprend dès que possible.", start,
                        severity=INFO)


@rule("END-CAUSE", clause="CCTP 6.6, 6.9", title="Fin du programme et sa cause",
      severity=WARNING, subject="case",
      requirement="Le programme se termine à l'initiative de la personne, à la fin des heures "
                  "prévues et validées par le SPIP, ou avant si le parcours s'interrompt ; "
                  "6.9 ajoute la fin estimée par le titulaire.",
      interpretation="Une fin « heures réalisées » alors que des heures validées restent est "
                     "un avertissement ; une séance après la fin du programme est une violation "
                     "(ses heures ne sont pas couvertes).",
      examples=(
          _ex("Fin après les 4 heures individuelles validées", [
              _RX, _MEETING, _e("proposal_sent", "2025-05-06", individual_hours=4), _CALENDAR,
              _VALID, _session("2025-05-12T10:00:00+02:00"),
              _session("2025-05-19T10:00:00+02:00"),
              _e("last_individual_interview", "2025-05-19", cpip_invited=True),
              _e("programme_ended", "2025-05-19T12:00:00+02:00", cause="hours_completed"),
              _e("bilan_delivered", "2025-05-23")], fires=False),
          _ex("Fin « heures réalisées » avec 16 heures validées non réalisées", [
              *_START, _e("programme_ended", "2025-05-19T12:00:00+02:00",
                          cause="hours_completed")]),
          _ex("Séance après la fin du programme", [
              *_START, _e("programme_ended", "2025-05-19T12:00:00+02:00",
                          cause="person_initiative"),
              _session("2025-05-26T10:00:00+02:00")], severity=VIOLATION),
      ))
def end_cause(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    ends = f.of(ProgrammeEnded)
    if not ends:
        return
    first = ends[0]
    for pair in ends[1:]:
        yield _flag("fin de programme enregistrée une seconde fois : vérifier le journal.", pair)
    e = first[1]
    if e.cause == "hours_completed" and f.validations:
        validated = f.validations[-1][1][1]
        done = {"individual": 0.0, "collective": 0.0}
        for _, s in f.of(SessionHeld):
            if not before(e, s):
                done[s.mode] += s.hours
        realised = done["individual"] + done["collective"]
        if validated.individual_hours is None or validated.collective_hours is None:
            planned = (validated.individual_hours or 0) + (validated.collective_hours or 0)
            if realised + 1e-9 < planned or not planned:
                yield missing_fact(f"events[{f.validations[-1][1][0]}].individual_hours",
                                   "heures individuelles et collectives du programme validé "
                                   "(pour vérifier que les heures validées sont réalisées)")
            planned = None
        else:
            planned = validated.individual_hours + validated.collective_hours
        if planned is not None and realised + 1e-9 < planned:
            yield _flag(f"fin pour « heures validées réalisées » alors que "
                        f"{format_value(realised)} h sur {format_value(planned)} h validées "
                        f"ont été réalisées : indiquer la vraie cause (initiative de la "
                        f"personne, interruption, fin estimée par le titulaire).", first,
                        expected=f"{format_value(planned)} h réalisées",
                        found=f"{format_value(realised)} h")
    for pair in f.of(SessionHeld):
        if before(e, pair[1]):
            yield _flag(f"séance du {_when(pair[1])} après la fin du programme du {_when(e)} "
                        f"({END_CAUSES[e.cause]}) : ces heures ne sont pas couvertes par le "
                        f"programme validé.", pair, severity=VIOLATION,
                        expected="aucune séance après la fin", found=pair[1].at)


_DIAG = _e("diagnostic_consulted", "2025-05-05")


@rule("PROG-DIAGNOSTIC", clause="CCTP 6.1-2",
      title="Synthèse du diagnostic consultée avant le premier entretien", severity=VIOLATION,
      subject="case",
      requirement="Avant l'entretien, le titulaire consulte depuis l'applicatif IPRO 360° la "
                  "synthèse du diagnostic socio-professionnel du bénéficiaire établie lors de "
                  "son entrée en détention.",
      interpretation="La consultation est un événement du journal (« diagnostic_consulted ») ; "
                     "non enregistrée : information manquante ; enregistrée après le premier "
                     "entretien : violation. Une consultation datée du jour du premier entretien "
                     "(date seule) n'est pas dite postérieure.",
      examples=(
          _ex("Synthèse consultée la veille du premier entretien", [_RX, _DIAG, _MEETING],
              fires=False),
          _ex("Synthèse consultée après le premier entretien", [
              _RX, _MEETING, _e("diagnostic_consulted", "2025-05-07")]),
          _ex("Consultation non enregistrée", [_RX, _MEETING], severity=INFO),
      ))
def prog_diagnostic(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    if meeting is None:
        return
    consulted = f.of(DiagnosticConsulted)
    if not consulted:
        yield missing_fact("events", "consultation de la synthèse du diagnostic sur IPRO 360° "
                                     "avant le premier entretien (événement "
                                     "« diagnostic_consulted »)")
        return
    first = consulted[0]
    if before(meeting[1], first[1]):
        yield _flag(f"synthèse du diagnostic consultée le {_when(first[1])}, après le premier "
                    f"entretien du {_when(meeting[1])} : elle se consulte avant l'entretien, "
                    f"dont elle est le point de départ (CCTP 6.1-2).", first,
                    expected=f"avant le {_when(meeting[1])}", found=first[1].at)


@rule("PROG-CALENDAR-PERSON", clause="CCTP 6.4",
      title="Calendrier personnalisé proposé au bénéficiaire lors du premier entretien",
      severity=VIOLATION, subject="case",
      requirement="Le titulaire propose un calendrier personnalisé lors du premier entretien "
                  "individuel avec le bénéficiaire.",
      interpretation="Le fait est porté par le premier entretien (« calendar_given ») : faux, "
                     "violation ; non renseigné, information manquante. La transmission au "
                     "CPIP relève de PROG-CALENDAR.",
      examples=(
          _ex("Calendrier proposé lors du premier entretien", [_RX, _e(
              "first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1,
              calendar_given=True)], fires=False),
          _ex("Premier entretien sans calendrier", [_RX, _e(
              "first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1,
              calendar_given=False)]),
          _ex("Non renseigné", [_RX, _MEETING], severity=INFO),
      ))
def prog_calendar_person(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    if meeting is None:
        return
    given = meeting[1].calendar_given
    if given is None:
        yield missing_fact(f"events[{meeting[0]}].calendar_given",
                           "calendrier personnalisé proposé au bénéficiaire lors du premier "
                           "entretien")
    elif not given:
        yield _flag("aucun calendrier personnalisé proposé au bénéficiaire lors du premier "
                    "entretien individuel (CCTP 6.4).", meeting, expected=True, found=False)


@rule("DOC-IPRO-DEPOSIT", clause="CCTP 6.6, 6.9",
      title="Synthèses, bilans et documents déposés sur IPRO 360°", severity=VIOLATION,
      subject="case",
      requirement="À compter de 2025, les synthèses, bilans et documents réalisés pendant "
                  "l'accompagnement PPAIP sont déposés sur le dossier professionnel IPRO 360°.",
      interpretation="Chaque bilan remis (« bilan_delivered ») et chaque document produit "
                     "(« document_produced » : synthèse, bilan, autre) dit s'il est déposé sur "
                     "IPRO 360° (« ipro_deposited ») : faux, violation ; non renseigné, "
                     "information manquante.",
      examples=(
          _ex("Bilan et synthèse déposés", [
              *_START, _e("bilan_delivered", "2025-06-02", scope="individual",
                          to=["cpip", "person"], ipro_deposited=True),
              _e("document_produced", "2025-06-02", document="synthesis",
                 ipro_deposited=True)], fires=False),
          _ex("Synthèse non déposée", [
              *_START, _e("document_produced", "2025-06-02", document="synthesis",
                          ipro_deposited=False)]),
          _ex("Dépôt du bilan non renseigné", [
              *_START, _e("bilan_delivered", "2025-06-02", scope="individual",
                          to=["cpip", "person"])], severity=INFO),
      ))
def doc_ipro_deposit(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    for pair in f.only(BilanDelivered, DocumentProduced):
        e = pair[1]
        name = ("bilan" if isinstance(e, BilanDelivered)
                else DOCUMENT_KINDS[e.document])
        if e.ipro_deposited is None:
            yield missing_fact(f"events[{pair[0]}].ipro_deposited",
                               f"dépôt sur IPRO 360° du document ({name}) du {_when(e)}")
        elif not e.ipro_deposited:
            yield _flag(f"{name} du {_when(e)} non déposé sur le dossier professionnel "
                        f"IPRO 360° (CCTP 6.9).", pair, expected=True, found=False)


# --- rules decided here for other areas: the event-log side -------------------------

def elig_prescribed_flags(f: CaseFacts) -> Iterator[Flag]:
    """ELIG-PRESCRIBED (registered in eligibility.py): nothing before the SPIP's prescription."""
    rx = f.first(PrescriptionReceived)
    if rx is None:
        if f.events:
            yield _flag(f"aucune prescription reçue, mais {plural(len(f.events), 'événement')} "
                        f"enregistré(s) : la personne n'entre dans le dispositif qu'après une "
                        f"prescription du SPIP sur IPRO 360° (CCTP 5, 6.1-2).", None,
                        expected="une prescription avant tout événement", found="aucune")
        return
    early = []
    for p in f.events:  # the order is consistent with before(): stop at the prescription
        if p is rx:
            break
        if before(p[1], rx[1]):
            early.append(p)
    if early:
        yield _flag(f"{plural(len(early), 'événement')} antérieur(s) à la prescription du "
                    f"{_when(rx[1])}, le premier : « {early[0][1].LABEL} » le "
                    f"{_when(early[0][1])}. Un PPAIP ne peut commencer qu'après une "
                    f"prescription du SPIP (CCTP 6.1-2).", early[0],
                    expected=f"rien avant le {_when(rx[1])}", found=early[0][1].at)


def hours_realised_flags(f: CaseFacts) -> Iterator[Flag]:
    """PROG-HOURS-REALISED (registered in programme.py): hours delivered within validated hours."""
    for _, s, proposal_index in f.hour_unknown:
        kind = MODES[s.mode] + "s"
        field = "individual_hours" if s.mode == "individual" else "collective_hours"
        yield missing_fact(f"events[{proposal_index}].{field}",
                           f"heures {kind} du programme validé (séance {MODES[s.mode]} du "
                           f"{_when(s)} : heures réalisées à comparer aux heures validées)")
    for idx, s, delivered, allowed, validation in f.hour_excess:
        kind = MODES[s.mode] + "s"
        yield Flag(f"heures {kind} réalisées : {format_value(delivered)} h à la séance du "
                   f"{_when(s)}, pour {format_value(allowed)} h validées le "
                   f"{_when(validation)}. Soumettre une modification du programme au CPIP "
                   f"sur IPRO 360° : les heures au-delà du programme validé ne sont pas "
                   f"couvertes.", expected=f"{format_value(allowed)} h au plus",
                   found=f"{format_value(delivered)} h", path=f"events[{idx}]")


def _refusal_flags(f: CaseFacts) -> Iterator[Flag]:
    yield from breach_flags(f, "REFUSAL-48H")
    meeting = f.first(FirstMeeting)
    for pair in f.of(ImpossibilityReported):
        if pair[1].reason is None:
            yield missing_fact(f"events[{pair[0]}].reason", "motif de l'impossibilité de suivi "
                               "signalée (obligatoire, CCTP 3)")
        elif not pair[1].reason.strip():
            yield _flag("impossibilité de suivi signalée sans motif : le motif est obligatoire "
                        "(CCTP 3).", pair, expected="un motif", found="aucun")
        if meeting is None or before(pair[1], meeting[1]):
            yield _flag("impossibilité de suivi signalée avant tout premier entretien : elle se "
                        "constate lors du premier entretien individuel (CCTP 3).", pair,
                        severity=WARNING)
    if meeting is not None and meeting[1].duration_hours is None and any(
            o.rule_id == "REFUSAL-48H" for o in f.obligations):
        yield _flag("durée du premier entretien non renseignée : les 48 heures sont comptées "
                    "depuis son début.", meeting, severity=INFO)


def _interruption_flags(f: CaseFacts) -> Iterator[Flag]:
    yield from breach_flags(f, "RUN-INTERRUPTION-48H")
    for pair in f.orphan_reports:
        yield _flag("signalement d'interruption sans parcours interrompu enregistré avant lui : "
                    "enregistrer l'interruption.", pair, severity=INFO)


def _bilan_ind_flags(f: CaseFacts) -> Iterator[Flag]:
    yield from breach_flags(f, "END-BILAN-IND")
    for pair in f.of(LastIndividualInterview):
        if pair[1].cpip_invited is False:
            yield _flag("le CPIP référent n'a pas été convié au dernier entretien individuel "
                        "(CCTP 6.6).", pair, expected=True, found=False)
        elif pair[1].cpip_invited is None:
            yield missing_fact(f"events[{pair[0]}].cpip_invited", "invitation du CPIP référent "
                               "au dernier entretien individuel (CCTP 6.6)")
    sessions = f.of(SessionHeld)
    lasts = f.of(LastIndividualInterview)
    for pair in f.of(BilanDelivered):
        b = pair[1]
        if b.kind != "individual":
            continue
        if not any(not before(b, s[1]) for s in sessions) and not any(
                not before(b, last[1]) for last in lasts):
            yield _flag("bilan final remis avant toute séance : vérifier le journal.", pair,
                        severity=WARNING)
        elif not any(not before(b, last[1]) for last in lasts):
            yield _flag("bilan final remis sans dernier entretien individuel enregistré : le "
                        "délai de 5 jours ouvrés ne peut pas être vérifié.", pair,
                        severity=WARNING)


#: Every rule the case check decides, in workflow order, with how it is decided.
#: A rule registered here (subject "case") uses its own ``decide``; the others
#: are registered elsewhere (deadlines.py, eligibility.py, programme.py).
_DECIDED_HERE = ("PROG-PROPOSAL", "PROG-VALIDATION", "PROG-CALENDAR", "RUN-ABSENCE",
                 "RUN-SUSPENSION", "END-CAUSE", "PROG-DIAGNOSTIC", "PROG-CALENDAR-PERSON",
                 "DOC-IPRO-DEPOSIT")
_EXTERNAL = {  # each ``(facts, params) -> flags``, like a rule's decide
    "ELIG-PRESCRIBED": lambda f, _: elig_prescribed_flags(f),
    "PROG-FIRST-MEETING": lambda f, _: breach_flags(f, "PROG-FIRST-MEETING"),
    "REFUSAL-48H": lambda f, _: _refusal_flags(f),
    "PROG-START": lambda f, _: breach_flags(f, "PROG-START"),
    "PROG-CALENDAR-CHANGE": lambda f, _: breach_flags(f, "PROG-CALENDAR-CHANGE"),
    "PROG-HOURS-REALISED": lambda f, _: hours_realised_flags(f),
    "RUN-INTERRUPTION-48H": lambda f, _: _interruption_flags(f),
    "END-BILAN-IND": lambda f, _: _bilan_ind_flags(f),
    "END-BILAN-COLL": lambda f, _: breach_flags(f, "END-BILAN-COLL"),
}
CASE_RULES = ("ELIG-PRESCRIBED", "PROG-FIRST-MEETING", "PROG-DIAGNOSTIC", "REFUSAL-48H",
              "PROG-PROPOSAL", "PROG-VALIDATION", "PROG-CALENDAR", "PROG-CALENDAR-PERSON",
              "PROG-START", "PROG-CALENDAR-CHANGE", "PROG-HOURS-REALISED", "RUN-ABSENCE",
              "RUN-SUSPENSION", "RUN-INTERRUPTION-48H", "END-CAUSE", "END-BILAN-IND",
              "END-BILAN-COLL", "DOC-IPRO-DEPOSIT")

#: A rule of the case runs only when it may say something: a breach of its obligations,
#: a suspicion of :func:`_order_suspects`, an event of one of these types, or a non-empty
#: fact of :class:`CaseFacts` — a batch evaluates millions of cases, most of them quiet. A
#: property test checks that running every rule every time gives the same report.
_SPEAKS_ON_TYPE = {ImpossibilityReported.TYPE: "REFUSAL-48H",
                   SuspensionStarted.TYPE: "RUN-SUSPENSION",
                   SuspensionEnded.TYPE: "RUN-SUSPENSION",
                   FirstMeeting.TYPE: "PROG-DIAGNOSTIC",
                   BilanDelivered.TYPE: "DOC-IPRO-DEPOSIT",
                   DocumentProduced.TYPE: "DOC-IPRO-DEPOSIT",
                   LastIndividualInterview.TYPE: "END-BILAN-IND"}
_SPEAKS_ON_FACT = {"hour_excess": "PROG-HOURS-REALISED", "hour_unknown": "PROG-HOURS-REALISED",
                   "abandonment": "RUN-ABSENCE", "abandonment_unknown": "RUN-ABSENCE",
                   "uncaused": "RUN-ABSENCE", "other_absences": "RUN-ABSENCE",
                   "orphan_reports": "RUN-INTERRUPTION-48H"}
_resolved: dict[str, tuple[Rule, Any]] = {}


def _case_checks() -> dict[str, tuple[Rule, Any]]:
    """``rule ID -> (rule, flags function)`` for :data:`CASE_RULES`, resolved once."""
    if not _resolved:
        for rule_id in CASE_RULES:
            r = get_rule(rule_id)
            _resolved[rule_id] = (r, r.decide if rule_id in _DECIDED_HERE
                                  else _EXTERNAL[rule_id])
    return _resolved


def _speaking(f: CaseFacts) -> set[str]:
    """The rules of the case that may say something (see above)."""
    speak = f.breached | f.suspects
    by = f.by
    for event_type, rule_id in _SPEAKS_ON_TYPE.items():
        if event_type in by:
            speak.add(rule_id)
    for fact, rule_id in _SPEAKS_ON_FACT.items():
        if getattr(f, fact):
            speak.add(rule_id)
    meeting = by.get(FirstMeeting.TYPE)
    if meeting and meeting[0][1].calendar_given is not True:
        speak.add("PROG-CALENDAR-PERSON")
    if by.get(ProposalSent.TYPE) and any(
            p.individual_hours is None and p.collective_hours is None
            for _, p in by[ProposalSent.TYPE]):
        speak.add("PROG-PROPOSAL")
    if ProgrammeEnded.TYPE in by:
        speak.add("END-CAUSE")
    return speak


# --- evaluation ------------------------------------------------------------------------

def read_as_of(value: Any) -> tuple[dt.datetime, dt.date, float]:
    """``as_of`` (an aware datetime, or a date meaning the end of that day in Paris)."""
    last = _LAST_AS_OF[0]
    if value is last[0]:  # a batch evaluates many cases as of one instant
        return last[1]
    result = _read_as_of(value)
    _LAST_AS_OF[0] = (value, result)  # one atomic replacement: safe across threads
    return result


_LAST_AS_OF: list = [(object(), None)]


def _read_as_of(value: Any) -> tuple[dt.datetime, dt.date, float]:
    expected = ("la date et heure de la situation, avec fuseau, ex. « 2025-06-30T08:00:00+02:00 » "
                "(ou une date : fin de ce jour) ; aucune horloge implicite")
    if value is None:
        raise InputError("as_of", expected, "valeur manquante")
    if isinstance(value, str) and len(value.strip()) <= 10:
        try:
            value = as_date(value, "as_of")
        except InputError:
            raise InputError("as_of", expected) from None
    if isinstance(value, (dt.date, dt.datetime)):  # issue 16: no overflow, calendar's years
        if isinstance(value, dt.datetime):
            check_instant(value, "as_of")
        require_input_year(value, "as_of", "une date de situation")
    if type(value) is dt.date:
        try:
            end = end_of_paris_day(value)
        except (OverflowError, ValueError):
            raise InputError("as_of", expected) from None
        return end, value, end.timestamp()
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        instant = value
    else:
        try:
            instant = _AWARE(value, "as_of")
        except InputError as error:
            if error.problem in (TIME_GAP, TIME_FOLD):
                raise
            raise InputError("as_of", expected) from None
    check_instant(instant, "as_of")
    paris = instant.astimezone(PARIS)
    require_input_year(paris, "as_of", "une date de situation")
    return paris, paris.date(), instant.timestamp()


_AWARE = as_datetime(aware=True)
_POLICY_KEYS = ("extend_to_working_day", "whit_monday_worked", "departement",
                "good_friday_holiday")


def evaluate_case(events: Any, *, as_of: Any, params: ContractParameters = DIJON,
                  suspension_stops_clock: bool = True, extend_to_working_day: bool = True,
                  whit_monday_worked: bool = False,
                  departement: str | None = None,
                  good_friday_holiday: bool = True,
                  start_needs_held_session: bool = False) -> CaseEvaluation:
    """Where a case stands as of ``as_of``, its obligations and its breaches.

    ``events``: a :class:`~ppaip_rules.events.Case`, a list of events (models
    or JSON-like dicts) or a case object from JSON (``{"case_id", "events", …}``).
    ``as_of``: an aware datetime (or ISO text); a date means the end of that
    day in Paris. Events after ``as_of`` are not taken into account (counted
    in ``ignored_after_as_of``). Policies: ``suspension_stops_clock``
    (RULES.md ambiguity 7), ``start_needs_held_session`` (ambiguity 10: by default
    a first session scheduled within the 5 days, to which the person was convened
    and which they missed by their own doing, starts the programme; True: only a
    session held does), and the deadline switches of
    :func:`~ppaip_rules.deadlines.deadline`. Bad input raises
    :class:`~ppaip_rules.errors.InputError` naming the field.
    """
    as_of_dt, as_of_day, as_of_ts = read_as_of(as_of)
    check_departement(departement)
    case = read_case(events)
    policy = {"extend_to_working_day": bool(extend_to_working_day),
              "whit_monday_worked": bool(whit_monday_worked), "departement": departement,
              "good_friday_holiday": bool(good_friday_holiday)}
    f = CaseFacts(case, as_of_dt, as_of_day, as_of_ts, params, policy,
                  bool(suspension_stops_clock))
    f.policy_start_held = bool(start_needs_held_session)
    _walk(f)
    _build_obligations(f)
    findings = []
    speak = _speaking(f)
    if speak:
        checks = _case_checks()
        for rule_id in CASE_RULES:
            if rule_id in speak:
                r, flags = checks[rule_id]
                for flag in flags(f, params):
                    findings.append(r.finding(flag, params))
    state, since = _state(f)
    return CaseEvaluation(case.case_id, as_of_dt, state, since[1] if since else None,
                          tuple(f.obligations), f.hours, Report("case", findings, CASE_RULES),
                          f.ignored)


def _state(f: CaseFacts) -> tuple[CaseState, Pair | None]:
    if not f.events:
        return CaseState.EMPTY, None
    rx = f.first(PrescriptionReceived)
    if rx is None:
        return CaseState.NOT_PRESCRIBED, f.events[0]
    end = f.terminal
    if end is not None:
        e = end[1]
        if end is f.abandonment:
            return CaseState.ABANDONED, end
        if isinstance(e, ImpossibilityReported):
            return CaseState.NOT_TAKEN_ON, end
        if isinstance(e, CourseInterrupted) or (isinstance(e, ProgrammeEnded)
                                                and e.cause == "interruption"):
            return CaseState.INTERRUPTED, end
        return CaseState.ENDED, end
    if f.suspensions and f.suspensions[-1][1] is None:
        return CaseState.SUSPENDED, f.suspensions[-1][0]
    sessions = f.of(SessionHeld)
    if sessions and f.validations:
        return CaseState.RUNNING, sessions[0]
    if f.validations:
        return CaseState.VALIDATED, f.validations[0][0]
    last = max((p for p, _ in f.decisions if isinstance(p[1], ProposalSent)),
               key=lambda p: p[1].key, default=None)
    if last is not None:
        decision = next(d for p, d in f.decisions if p is last)
        if decision is None:
            return CaseState.PROPOSAL_PENDING, last
        return CaseState.PROPOSAL_REFUSED, decision
    meeting = f.first(FirstMeeting)
    if meeting is not None:
        return CaseState.FIRST_MEETING_HELD, meeting
    return CaseState.PRESCRIBED, rx


# --- the Monday-morning text ------------------------------------------------------------

def _format_evaluation(ev: CaseEvaluation) -> str:
    name = f"« {ev.case_id} »" if ev.case_id else "(sans identifiant)"
    lines = [f"Parcours {name} — situation au {format_datetime(ev.as_of)}",
             f"État : {ev.state.label}"
             + (f" (depuis le {_when(ev.state_since)})" if ev.state_since else "") + "."]
    h = ev.hours
    if h.validated_individual is not None or h.delivered_individual or h.delivered_collective:
        validated = ("aucune heure validée" if h.validated_individual is None else
                     f"validées {format_value(h.validated_individual)} h individuelles et "
                     f"{format_value(h.validated_collective)} h collectives")
        lines.append(f"Heures : {validated} ; réalisées "
                     f"{format_value(h.delivered_individual)} h individuelles et "
                     f"{format_value(h.delivered_collective)} h collectives.")
    if ev.ignored_after_as_of:
        lines.append(f"{plural(ev.ignored_after_as_of, 'événement')} postérieur(s) à la date "
                     f"de situation non pris en compte.")
    today = ev.as_of.date()
    _, sunday = week_bounds(today)
    overdue = ev.overdue
    this_week = ev.due_between(today, sunday)
    later = tuple(o for o in ev.pending if o.due is not None and _due_day(o.due) > sunday)
    open_ended = tuple(o for o in ev.pending if o.due is None)
    done = tuple(o for o in ev.obligations if o.status in (MET, MET_LATE))
    sections = (
        (f"EN RETARD ({len(overdue)})", overdue, True),
        (f"À FAIRE CETTE SEMAINE, jusqu'au {format_date(sunday)} ({len(this_week)})",
         this_week, False),
        (f"PLUS TARD ({len(later)})", later, False),
        (f"SANS ÉCHÉANCE CHIFFRÉE ({len(open_ended)})", open_ended, False),
    )
    for title, items, late in sections:
        lines.append("")
        lines.append(title)
        if not items:
            lines.append("  (rien)")
        for o in items:
            lines.append("  - " + _item(o, ev, late))
    unknown = tuple(o for o in ev.obligations if o.status is UNKNOWN)
    if unknown:  # acts whose recipients (or kind) are not recorded: neither done nor late
        lines.append("")
        lines.append(f"INFORMATION MANQUANTE ({len(unknown)})")
        for o in unknown:
            lines.append(f"  - {o.rule_id} — {o.what} : {o.act.LABEL.lower()} le "
                         f"{_when(o.act)}, destinataires ou nature non renseignés")
    lines.append("")
    late_count = sum(o.status is MET_LATE for o in done)
    lines.append(f"FAIT ({len(done)}, dont {late_count} en retard)")
    for o in done:
        lines.append("  - " + _item(o, ev, False))
    lines.append("")
    lines.append(ev.report.format())
    return "\n".join(lines)


def _item(o: Obligation, ev: CaseEvaluation, late: bool) -> str:
    origin = f"{o.trigger.LABEL.lower()} le {_when(o.trigger)}"
    if o.due is None:
        return f"{o.rule_id} — {o.what} ({o.due_text}, avant {o.due_label} ; {origin})"
    due = _due_text(o.due)
    if o.act is not None:
        suffix = "dans les délais" if o.status is MET else "EN RETARD"
        return f"{o.rule_id} — {o.what} le {_when(o.act)}, échéance {due} : {suffix}"
    text = f"{due} — {o.rule_id} — {o.what} ({origin})"
    if late and o.deadline is not None:
        text += f" : {o.deadline.lateness(ev.as_of)}"
    elif late:
        text += " : en retard"
    return text


# --- the "case" check kind ------------------------------------------------------------

def _run_case(data: Any, params: ContractParameters, as_of: Any = None, **_: Any) -> Report:
    if as_of is None:
        raise InputError("as_of", "la date et heure de la situation (option --as-of), ex. "
                                  "« 2025-06-30T08:00:00+02:00 » ; aucune horloge implicite",
                         "valeur manquante")
    return evaluate_case(data, as_of=as_of, params=params).report


register_kind("case", "Suivi d'un parcours (journal d'événements)", _run_case, case_schema,
              options=("as_of",))


__all__ = ["CaseEvaluation", "CaseFacts", "CaseState", "Hours", "Obligation",
           "ObligationStatus", "evaluate_case"]



# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
