"""The facts of a case, derived once from its event log: the layer under obligations and rules.

:class:`CaseFacts` holds a case's events sorted (:func:`~ppaip_rules.events.sort_events`'s
order), grouped by type, and what only an ordered walk of the log can tell
(:func:`walk`):

- each CPIP decision paired with the proposal it answers, the validations in force;
- the hours delivered, and each session that takes them past the validated hours;
- the absences of the person's doing, their reconvocations, the abandonment;
- the suspension intervals and their inconsistencies;
- the interruptions to report and the first event that ends the case.

Built once by :func:`~ppaip_rules.timeline.evaluate_case`; the obligations
(:mod:`ppaip_rules.obligations`) and every rule of the ``case`` subject
(:mod:`ppaip_rules.case_rules`) read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import islice
from operator import attrgetter

import attrs

from .events import (
    Case,
    ChangeProposed,
    ChangeRefused,
    ChangeValidated,
    CourseInterrupted,
    Event,
    ImpossibilityReported,
    InterruptionReported,
    LastIndividualInterview,
    ProgrammeEnded,
    ProposalRefused,
    ProposalSent,
    ProposalValidated,
    Reconvocation,
    SessionHeld,
    SessionMissed,
    SuspensionEnded,
    SuspensionStarted,
    before,
    sort_events,
)
from .parameters import ContractParameters
from .parsing import trusted


@attrs.frozen(slots=True)
class Hours:
    """Hours validated by the CPIP (programme in force) against hours delivered (sessions held)."""

    validated_individual: float | None
    validated_collective: float | None
    delivered_individual: float
    delivered_collective: float

    def to_dict(self) -> dict:
        return attrs.asdict(self)




Pair = tuple  # (input index, event)

#: A C getter, for the sort of every case of a batch.
_SORT_KEY = attrgetter("sort_key")


def _pair_sort_key(pair: Pair) -> int:
    return pair[1].sort_key


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
        "suspensions",
        "terminal",
        "uncaused",
        "validations",
    )

    def __init__(self, case: Case, as_of: dt.datetime, as_of_day: dt.date, as_of_ts: float,
                 params: ContractParameters, policy: dict, stops_clock: bool,
                 policy_key: tuple | None = None):
        self.case, self.params, self.policy, self.stops_clock = case, params, policy, stops_clock
        self.policy_key = tuple(policy.values()) if policy_key is None else policy_key
        self.as_of, self.as_of_day, self.as_of_ts = as_of, as_of_day, as_of_ts
        # Sorted as sort_events() does, inlined: this runs for every case of a batch.
        log = case.events
        keys = list(map(_SORT_KEY, log))  # (Event.key's order, as integers)
        order = sorted(range(len(log)), key=keys.__getitem__)  # equal keys: input order
        if order and log[order[-1]].instant_us > round(as_of_ts * 1e6):
            # Something may be after as_of (a date given alone counts until its 24:00).
            order = [i for i in order if ((log[i].ts <= as_of_ts) if log[i].ts is not None
                                          else (log[i].day <= as_of_day))]
        self.ignored = len(log) - len(order)
        if len(set(keys)) < len(keys):  # same moment, same type: order by content instead
            events = sort_events((i, log[i]) for i in order)
        else:
            events = [(i, log[i]) for i in order]
        # Grouped by type, in the log's order (a plain dict: a lookup never adds a group).
        by: dict[str, list[Pair]] = {}
        for pair in events:
            event_type = pair[1].TYPE
            if event_type in by:
                by[event_type].append(pair)
            else:
                by[event_type] = [pair]
        self.events, self.by = events, by
        self.obligations: list = []  # filled by obligations.build_obligations
        self.order: list[tuple] = []

    def of(self, cls: type[Event]) -> Sequence[Pair]:
        """The events of ``cls`` in the log's order (read-only: a group, or an empty tuple)."""
        return self.by.get(cls.TYPE, ())

    def first(self, cls: type[Event]) -> Pair | None:
        found = self.by.get(cls.TYPE)
        return found[0] if found else None

    def first_from(self, cls: type[Event], ref: Event) -> Pair | None:
        """The first event of ``cls`` that is not before ``ref`` (:func:`before`, inlined)."""
        group = self.by.get(cls.TYPE)
        if group:
            ts, day = ref.ts, ref.day
            if ts is None:
                for pair in group:
                    if pair[1].day >= day:
                        return pair
            else:
                for pair in group:
                    e = pair[1]
                    if (e.ts >= ts) if e.ts is not None else (e.day >= day):
                        return pair
        return None

    def only(self, *classes: type[Event]) -> list[Pair]:
        """The events of these types, in the log's order."""
        by = self.by
        groups = [by[cls.TYPE] for cls in classes if cls.TYPE in by]
        if len(groups) < 2:
            return groups[0] if groups else []
        # Each group is in the log's order, and events of two types never share a sort
        # key (one RANK per type): merged by it, they come in the log's order.
        merged = [pair for group in groups for pair in group]
        merged.sort(key=_pair_sort_key)
        return merged

    def mine(self, rule_id: str) -> list:
        """The obligations of ``rule_id`` (:class:`~ppaip_rules.obligations.Obligation`)."""
        return [o for o in self.obligations if o.rule_id == rule_id]


_DECISIONS = ((ProposalSent, ProposalValidated, ProposalRefused),
              (ChangeProposed, ChangeValidated, ChangeRefused))


def walk(f: CaseFacts) -> None:
    """The sequences that depend on order: decisions, hours, absences, suspensions, ends."""
    by = f.by
    proposals, validated = by.get(ProposalSent.TYPE), by.get(ProposalValidated.TYPE)
    if (proposals and validated and len(proposals) == 1 and len(validated) == 1
            and ProposalRefused.TYPE not in by and before(proposals[0][1], validated[0][1])
            and not any(cls.TYPE in by for cls in _DECISIONS[1])):
        # The usual case: one proposal, then its validation (what _pair() concludes).
        f.decisions, f.orphan_decisions = [(proposals[0], validated[0])], []
        f.validations = [(validated[0], proposals[0])]
    else:
        _decisions(f)
    _hours_walk(f)
    _absence_walk(f)
    _suspension_walk(f)
    _ends_walk(f)


def _decisions(f: CaseFacts) -> None:
    """Each CPIP decision paired with the proposal it answers (:func:`_pair`), and the
    validations in force, in the log's order."""
    f.decisions, f.orphan_decisions = [], []
    validations = []
    by = f.by
    for proposal_cls, ok_cls, no_cls in _DECISIONS:
        proposals = by.get(proposal_cls.TYPE, ())
        if not proposals and ok_cls.TYPE not in by and no_cls.TYPE not in by:
            continue
        decisions = f.only(ok_cls, no_cls)
        for proposal, decision in _pair(proposals, decisions, f.orphan_decisions):
            f.decisions.append((proposal, decision))
            if decision is not None and isinstance(decision[1], (ProposalValidated,
                                                                 ChangeValidated)):
                validations.append((decision, proposal))
    if len(validations) > 1:
        validations.sort(key=lambda v: v[0][1].sort_key)
    f.validations = validations


def _pair(proposals: list[Pair], decisions: list[Pair], orphans: list[Pair]):
    """Each decision answers the latest proposal still open before it; older open ones lapse.

    A proposal simultaneous with the decision (the same day, one of them
    given as a date only) is answered only when no open proposal came
    strictly before: "refused on 7 May, new proposal on 7 May" pairs the
    refusal with the earlier proposal and leaves the new one open.
    """
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
    sessions = f.by.get(SessionHeld.TYPE, ())
    validations = f.validations
    last = validations[-1][1][1] if validations else None
    individual = collective = 0.0
    for _, s in sessions:
        if s.mode == "individual":
            individual += s.hours
        else:
            collective += s.hours
    f.hours = _new_hours(last.individual_hours if last else None,
                             last.collective_hours if last else None, individual, collective)
    if not validations or not sessions or (
            len(validations) == 1 and last.individual_hours is not None
            and last.collective_hours is not None
            and individual <= last.individual_hours + 1e-9
            and collective <= last.collective_hours + 1e-9):
        f.hour_excess = f.hour_unknown = ()  # (shared: read-only)
        return  # no hours in force, or within them all along (a session adds hours >= 0)
    individual = collective = 0.0
    excess, unknown = f.hour_excess, f.hour_unknown = [], []
    current = None
    vi, flagged = 0, set()
    pending = len(validations)
    for idx, s in sessions:
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
    f.abandonment = None
    missed = f.by.get(SessionMissed.TYPE)
    if not missed:
        f.absences = f.abandonment_unknown = f.uncaused = f.other_absences = ()  # (shared)
        return
    f.absences, f.abandonment_unknown, f.uncaused, f.other_absences = [], [], [], []
    held_type, missed_type, reconvocation_type = (SessionHeld.TYPE, SessionMissed.TYPE,
                                                  Reconvocation.TYPE)
    awaiting = None  # [absence pair, next appointment pair, reconvoked?, next absence]
    # Sessions and reconvocations before the first absence change nothing: from there on.
    events = f.events
    for pair in islice(events, events.index(missed[0]), None):
        e = pair[1]
        event_type = e.TYPE
        if event_type == reconvocation_type:
            if awaiting is not None:
                awaiting[2] = True
            continue
        if event_type == missed_type:
            if not e.by_person:
                f.other_absences.append(pair)  # to reschedule: not an appointment of the count
                continue
        elif event_type != held_type:
            continue
        if awaiting is not None and awaiting[1] is None:
            awaiting[1] = pair
        if event_type == held_type:
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
    by = f.by
    if SuspensionStarted.TYPE not in by and SuspensionEnded.TYPE not in by:
        f.suspensions = f.orphan_resumes = f.nested_suspensions = ()  # (shared: read-only)
        return
    f.suspensions, f.orphan_resumes, f.nested_suspensions = [], [], []
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


_TERMINALS = tuple(cls.TYPE for cls in (ImpossibilityReported, CourseInterrupted,
                                         ProgrammeEnded, LastIndividualInterview))


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
    for event_type in _TERMINALS:
        found = by.get(event_type)
        if found and (end is None or found[0][1].sort_key < end[1].sort_key):
            end = found[0]
    f.terminal = end



__all__ = ["CaseFacts", "Hours", "Pair", "walk"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
_new_hours = trusted(Hours)  # attrs' constructor, without the guard (values checked)
