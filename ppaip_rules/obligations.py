"""The obligations of a case: what is due, after what, by when, and whether it was done.

:func:`build_obligations` reads the facts of a case (:class:`~ppaip_rules.case_facts.CaseFacts`)
and lists every :class:`Obligation` its log gives rise to — rule ID, triggering event,
due date or instant (a contract period computed by :func:`~ppaip_rules.deadlines.deadline`,
or "before" a later event), the event that fulfilled it, its
:class:`ObligationStatus` as of the evaluation — sorted by due instant, then by
trigger. :func:`breach_flags` turns each obligation met late or overdue into a flag
with its French trace. See :mod:`ppaip_rules.timeline` for the table of obligations.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterator
from typing import Any, NamedTuple

from .calendar import PARIS, UTC, day_end_us, elapsed_interval
from .case_facts import CaseFacts, Pair
from .deadlines import SPECS, Deadline, deadline
from .errors import InputError
from .events import (
    RECIPIENTS,
    BilanDelivered,
    CalendarChangeCommunicated,
    CalendarChanged,
    CalendarSent,
    Event,
    FirstMeeting,
    ImpossibilityReported,
    InterruptionReported,
    LastIndividualInterview,
    PrescriptionReceived,
    ProposalSent,
    ProposalValidated,
    Reconvocation,
    SessionHeld,
    SessionMissed,
    WorkshopEnded,
    before,
)
from .frenchtext import format_datetime, format_moment, plural
from .model import Deferred, Flag, missing_fact
from .parameters import ContractParameters
from .parsing import trusted


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
        steps = [f"{self.trigger.LABEL} le {when(self.trigger)}.",
                 f"Délai : {self.due_text} (le contrat ne chiffre pas de délai)."]
        if self.due_event is not None:
            steps.append(f"Échéance : avant {self.due_label}, le {when(self.due_event)}.")
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


#: Builds an :class:`Obligation` from all its fields in order, without the named tuple's
#: keyword handling (the hot path of a batch).
_new = tuple.__new__


def _event_ref(event: Event, index: int | None) -> dict:
    return {"index": index, "type": event.TYPE, "at": event.at.isoformat()}




def due_day(due: dt.date | dt.datetime) -> dt.date:
    """The Paris day of a due date or instant."""
    return due.astimezone(PARIS).date() if isinstance(due, dt.datetime) else due


def when(event: Event) -> str:
    """When an event happened, in French (« 2 mai 2025 à 14 h 30 »)."""
    return format_moment(event.at)


_due_text = format_moment


# --- the obligations of a case ----------------------------------------------------------

def _status(due: Any, due_us: int, act: Pair | None, f: CaseFacts) -> ObligationStatus:
    """As :meth:`Deadline.is_met` decides, on the event's precomputed day and instant."""
    if type(due) is not dt.date:  # whole microseconds: an act at the due instant is in time
        if act is None:
            return OVERDUE if f.as_of_ts * 1e6 > due_us else PENDING
        if act[1].ts is None:
            raise InputError(f"events[{act[0]}].at", "une date et heure avec fuseau : ce "
                                                      "délai se compte en heures")
        return MET if act[1].instant_us <= due_us else MET_LATE
    if act is None:
        return OVERDUE if f.as_of_day > due else PENDING
    return MET if act[1].day <= due else MET_LATE


#: Deadlines already computed, per parameters and policy, by rule, trigger and pauses: a
#: batch of cases shares most trigger days. Each entry keeps its parameters, whose
#: identity is checked (an ``id`` may be reused once an object is gone).
_DEADLINES: dict[tuple, tuple[ContractParameters, dict]] = {}


def _deadline_cache(params: ContractParameters, policy_key: tuple) -> dict:
    last = _LAST_CACHE[0]  # the cases of a batch share their parameters and policy
    if last[0] is params and last[1] == policy_key:
        return last[2]
    key = (id(params), policy_key)
    entry = _DEADLINES.get(key)
    if entry is None or entry[0] is not params:
        if len(_DEADLINES) > 64:
            _DEADLINES.clear()
        entry = _DEADLINES[key] = (params, {})
    _LAST_CACHE[0] = (params, policy_key, entry[1])  # one atomic replacement (threads)
    return entry[1]


_LAST_CACHE: list = [(None, None, None)]


def _start_key(start: Any) -> Any:
    """What the deadline cache knows a start by: a day, or an instant as whole microseconds
    since the epoch (an aware datetime compares slowly, and for Python two instants of
    the autumn fold with the same wall time are equal)."""
    return start if type(start) is dt.date else round(start.timestamp() * 1e6)


def _from_event(e: Event) -> tuple[Any, Any]:
    """A period that starts at an event's moment: the start and its cache key
    (:func:`_start_key`, already derived by the event)."""
    return e.at, (e.day if e.ts is None else e.instant_us)


def _deadline(f: CaseFacts, rule_id: str, start: Any, pauses: tuple,
              start_key: Any) -> tuple[Deadline, int, Any, str]:
    """The deadline, its end as whole microseconds since the epoch (a day ends at 24:00),
    its end (the due date or instant) and the act due (the rule's, in French)."""
    key = (rule_id, start_key, pauses)
    cache = f.deadlines
    hit = cache.get(key)
    if hit is None:
        d = deadline(rule_id, start, params=f.params, pauses=pauses, **f.policy)
        end = d.period.end
        end_us = day_end_us(end) if type(end) is dt.date else round(end.timestamp() * 1e6)
        if len(cache) >= 100_000:
            cache.clear()
        hit = cache[key] = (d, end_us, end, SPECS[rule_id].act)
    return hit


def _lapsed(f: CaseFacts, due: dt.date | dt.datetime, due_us: int) -> bool:
    """Whether the case ended (:attr:`CaseFacts.terminal`) before ``due``."""
    end = f.terminal
    if end is None:
        return False
    e = end[1]
    if type(due) is not dt.date:
        return e.ts * 1e6 <= due_us if e.ts is not None else e.day <= due_day(due)
    return e.day <= due


def _with_deadline(f: CaseFacts, rule_id: str, trigger: Pair, start: Any, start_key: Any,
                   act: Pair | None, lapses: bool = False, pauses: tuple = (),
                   unknown: Pair | None = None) -> None:
    """The obligation of a contract period from ``start`` (known to the deadline cache
    by ``start_key``) fulfilled by ``act``.

    ``unknown``: an act that may fulfil the obligation, but a fact that decides it is
    not recorded (its recipients…): when it came in time and the obligation would
    otherwise be breached, the status is UNKNOWN (a missing fact, never a breach)."""
    hit = f.deadlines.get((rule_id, start_key, pauses))  # (_deadline's cache, inline)
    d, due_us, due, what = hit if hit is not None else _deadline(f, rule_id, start, pauses,
                                                                 start_key)
    if act is None:
        if unknown is None and lapses and f.terminal is not None and _lapsed(f, due, due_us):
            return
        status = _status(due, due_us, None, f)
    elif type(due) is dt.date:  # (_status, inline: the usual case, an act)
        status = MET if act[1].day <= due else MET_LATE
    else:
        status = _status(due, due_us, act, f)
    if unknown is not None and (status is MET_LATE or status is OVERDUE) and (
            act is None or unknown[1].sort_key < act[1].sort_key) and _status(
            due, due_us, unknown, f) is MET:
        act, status = unknown, UNKNOWN
    if status is not MET and status is not PENDING:  # (UNKNOWN: the rule speaks too)
        f.breached.add(rule_id)
    order = f.order
    e = trigger[1]
    order.append((due_us, e.sort_key, rule_id, len(order)))
    act_index, act_event = act if act is not None else (None, None)
    f.obligations.append(_new(Obligation, (
        rule_id, what, e, trigger[0], due, act_event, act_index, status, d, None, None, None)))


def _tied(f: CaseFacts, rule_id: str, what: str, trigger: Pair, act: Pair | None,
          due_event: Pair | None, due_text: str, due_label: str) -> None:
    """An obligation with no contract period, due before a later event (``due_event``)."""
    due = due_event[1] if due_event is not None else None
    if act is not None:
        if due is None or not before(due, act[1]):
            status = MET
        else:
            status = MET_LATE
            f.breached.add(rule_id)
    elif due is not None:
        status = OVERDUE
        f.breached.add(rule_id)
    elif f.terminal is not None:  # the case ended before anything fixed the due date
        return
    else:
        status = PENDING
    order = f.order
    e = trigger[1]
    if due is None:
        order.append((_NO_DUE, e.sort_key, rule_id, len(order)))
        due_at = None
    else:
        order.append((due.instant_us, e.sort_key, rule_id, len(order)))
        due_at = due.at
    act_index, act_event = act if act is not None else (None, None)
    f.obligations.append(_new(Obligation, (
        rule_id, what, e, trigger[0], due_at, act_event, act_index, status, None, due,
        due_text, due_label)))


_WANTED = frozenset(RECIPIENTS)


def _covering(candidates: list[Pair], trigger: Event, kind: str | None = None,
              workshop: str | None = None) -> tuple[Pair | None, Pair | None]:
    """The event from which every recipient has been served, from ``trigger`` on, and the
    first candidate before it that may count but lacks a fact (recipients, or kind of
    bilan, not recorded).

    ``kind``: None, every candidate counts (communications); otherwise the kind of bilan
    that counts (``individual``; ``collective``: of ``workshop``, or of any workshop when
    None; a bilan naming no workshop may be the workshop's)."""
    served: set[str] = set()
    unknown = None
    for pair in candidates:
        e = pair[1]
        if before(e, trigger):
            continue
        if kind is not None:
            found = e.kind
            if found is None:  # not recorded: may count
                if unknown is None:
                    unknown = pair
                continue
            if found != kind or (workshop is not None and e.workshop is not None
                                 and e.workshop != workshop):
                continue
        if e.to is None:
            if unknown is None:
                unknown = pair
            continue
        served |= e.to
        if served >= _WANTED:
            return pair, unknown
    return None, unknown


class _Coverage:
    """Communications of calendar changes, indexed once: for each change, what
    :func:`_covering` finds, in linear time overall (the changes are visited in order;
    each scan restarts from a pointer, never from 0: changes and communications are
    instants, so the sorted communications before a change come first)."""

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
        n = len(items)
        while i < n and before(items[i][1], trigger):
            i += 1
        self.start = i  # the triggers come in order: the next scan starts here
        cover = max(table[i] for table in self.next_of.values())
        unknown = self.next_unknown[i]
        return (items[cover] if cover < n else None,
                items[unknown] if unknown < n and unknown < cover else None)


def build_obligations(f: CaseFacts) -> None:
    """Every obligation of the case, its status, sorted by due instant; then by rule."""
    f.deadlines = _deadline_cache(f.params, f.policy_key)
    f.breached = set()  # the rules with an obligation breached (or unknown)
    rx = f.first(PrescriptionReceived)
    if rx is not None:
        start, start_key = _from_event(rx[1])
        _with_deadline(f, "PROG-FIRST-MEETING", rx, start, start_key,
                       f.first_from(FirstMeeting, rx[1]), lapses=True)
    # The first meeting starts its obligations even when it came too early (before the
    # prescription, which ELIG-PRESCRIBED reports): a later event never removes them.
    meeting = f.first(FirstMeeting)
    if meeting is not None:
        m = meeting[1]
        impossibility = f.first_from(ImpossibilityReported, m)
        if impossibility is not None:
            end = elapsed_interval(m.at, m.duration_hours)[1] if m.duration_hours else m.at
            _with_deadline(f, "REFUSAL-48H", meeting, end, _start_key(end), impossibility)
        validated, session = f.first_from(ProposalValidated, m), f.first_from(SessionHeld, m)
        first_step = validated if session is None or (
            validated is not None and validated[1].sort_key < session[1].sort_key) else session
        _tied(f, "PROG-PROPOSAL", "Envoi de la proposition de programme au CPIP", meeting,
              f.first_from(ProposalSent, m), first_step,
              "à l'issue du premier entretien", "la validation du programme" if first_step
              and isinstance(first_step[1], ProposalValidated) else "la première séance")
        _tied(f, "PROG-CALENDAR", "Transmission du calendrier personnalisé au CPIP", meeting,
              f.first_from(CalendarSent, m), session,
              "proposé lors du premier entretien puis transmis", "la première séance")
    for first, _ in f.validations:  # the first validation of a programme (not a change)
        if isinstance(first[1], ProposalValidated):
            pauses = _pauses(f) if f.stops_clock and f.suspensions else ()
            _with_deadline(f, "PROG-START", first, first[1].day, first[1].day,
                           _start_act(f, first[1]), lapses=True, pauses=pauses)
            break
    changes = f.of(CalendarChanged)
    if changes:
        communications = f.of(CalendarChangeCommunicated)
        # One change: one scan. Several: the communications indexed once.
        covering = (_Coverage(communications).of if len(changes) > 1 else
                    lambda change: _covering(communications, change))
        for change in changes:
            act, unknown = covering(change[1])
            start, start_key = _from_event(change[1])
            _with_deadline(f, "PROG-CALENDAR-CHANGE", change, start, start_key, act,
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
        start, start_key = _from_event(trigger[1])
        _with_deadline(f, "RUN-INTERRUPTION-48H", trigger, start, start_key,
                       f.first_from(InterruptionReported, trigger[1]))
    bilans = f.of(BilanDelivered)
    for last in f.of(LastIndividualInterview):
        act, unknown = _covering(bilans, last[1], "individual")
        _with_deadline(f, "END-BILAN-IND", last, last[1].day, last[1].day, act,
                       unknown=unknown)
    for ended in f.of(WorkshopEnded):
        act, unknown = _covering(bilans, ended[1], "collective", ended[1].workshop)
        _with_deadline(f, "END-BILAN-COLL", ended, ended[1].day, ended[1].day, act,
                       unknown=unknown)
    if len(f.obligations) > 1:  # by due instant (a due day ends at 24:00), then trigger
        obligations = f.obligations
        f.obligations = [obligations[k[3]] for k in sorted(f.order)]


def _start_act(f: CaseFacts, validation: Event) -> Pair | None:
    """What starts the programme (RULES.md ambiguity 10): the first session held from the
    validation on, or (default) the first appointment of the person's doing missed from
    then on (the person was convened to a session scheduled then: RUN-ABSENCE applies)."""
    held = f.first_from(SessionHeld, validation)
    if f.policy_start_held:
        return held
    for pair in f.of(SessionMissed):
        e = pair[1]
        if held is not None and held[1].sort_key < e.sort_key:
            break
        if e.by_person and not before(e, validation):
            return pair
    return held


_NO_DUE = math.inf  # sorts after every due instant



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


def _lateness(due: dt.date | dt.datetime, at: dt.date | dt.datetime, day: dt.date) -> str:
    """What :meth:`Deadline.lateness <ppaip_rules.deadlines.Deadline.lateness>` says of an
    act (or ``as_of``) after ``due``, from its already checked instant ``at`` and Paris
    ``day`` (a due date: days late; a due instant: hours and minutes late)."""
    if type(due) is dt.date:
        return f"{plural((day - due).days, 'jour')} de retard"
    late = at.astimezone(UTC) - due.astimezone(UTC)
    minutes = int(late.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} de retard" if hours else f"{minutes} min de retard"


_new_flag = trusted(Flag)


def breach_flags(f: CaseFacts, rule_id: str) -> Iterator[Flag]:
    """A flag for each obligation of ``rule_id`` met late or overdue, with its trace."""
    # Flags built from values already checked: attrs' constructor, every field in order
    # (message, expected, found, severity, path, trace, missing), without the guard.
    _flag = _new_flag
    for o in f.obligations:
        if o.rule_id != rule_id:
            continue
        if o.status is UNKNOWN:
            field, what = _UNKNOWN_FACTS[rule_id]
            yield missing_fact(f"events[{o.act_index}].{field}", f"{what} ({o.act.LABEL.lower()} "
                               f"le {when(o.act)}, dans le délai)")
            continue
        if o.status is not MET_LATE and o.status is not OVERDUE:
            continue
        # The messages and traces are rendered from the obligation on first read.
        if o.deadline is not None:
            trace = Deferred(_deadline_trace, o.deadline)
            if o.status is MET_LATE:  # what Deadline.flag says, built once
                yield _flag(Deferred(_late_text, o), o.due, o.act.at, None,
                            f"events[{o.act_index}]", trace, False)
            else:
                yield _flag(Deferred(_overdue_text, o, f.as_of, f.as_of_day), o.due, None,
                            None, f"events[{o.trigger_index}]", trace, False)
        elif o.status is MET_LATE:
            yield _flag(Deferred(_too_late_text, o), o.due, o.act.at, None,
                        f"events[{o.act_index}]", Deferred(_obligation_trace, o), False)
        else:
            yield _flag(Deferred(_not_before_text, o), o.due, None, None,
                        f"events[{o.trigger_index}]", Deferred(_obligation_trace, o), False)


def _deadline_trace(d: Deadline) -> tuple:
    return d.trace


def _obligation_trace(o: Obligation) -> tuple:
    return o.trace


def _late_text(o: Obligation) -> str:
    return (f"{o.what} le {when(o.act)}, après l'échéance du {_due_text(o.due)} "
            f"({_lateness(o.due, o.act.at, o.act.day)}).")


def _overdue_text(o: Obligation, as_of: dt.datetime, as_of_day: dt.date) -> str:
    return (f"{o.what} : aucun enregistrement au {format_datetime(as_of)}, échéance du "
            f"{_due_text(o.due)} dépassée ({_lateness(o.due, as_of, as_of_day)}). "
            f"{_ACTIONS[o.rule_id]}")


def _too_late_text(o: Obligation) -> str:
    return (f"{o.what} le {when(o.act)}, après {o.due_label} du {when(o.due_event)} : "
            f"trop tard.")


def _not_before_text(o: Obligation) -> str:
    return (f"{o.what} : aucun enregistrement avant {o.due_label} du {when(o.due_event)}. "
            f"{_ACTIONS[o.rule_id]}")


__all__ = ["MET", "MET_LATE", "OVERDUE", "PENDING", "UNKNOWN", "Obligation",
           "ObligationStatus", "breach_flags", "build_obligations", "due_day", "when"]
