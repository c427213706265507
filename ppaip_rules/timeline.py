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

The layers, each reading only the ones above it:

- :mod:`ppaip_rules.events`: the event log (models and reading);
- :mod:`ppaip_rules.case_facts`: the facts derived from it (:class:`CaseFacts`);
- :mod:`ppaip_rules.obligations`: the obligations and their statuses;
- :mod:`ppaip_rules.case_rules`: the rules of the case and their examples;
- this module: the case state, :func:`evaluate_case`, the coordinator's text and the
  ``case`` check kind. It is also the public façade: the names above are importable
  from ``ppaip_rules.timeline`` as before.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from .calendar import (
    PARIS,
    check_departement,
    end_of_paris_day,
    require_input_year,
    week_bounds,
)
from .case_facts import CaseFacts, Hours, Pair, walk
from .case_rules import CASE_RULES, case_checks, speaking
from .checks import register_kind
from .describe_fields import hidden_repr
from .errors import InputError
from .events import (
    Case,
    CourseInterrupted,
    Event,
    FirstMeeting,
    ImpossibilityReported,
    PrescriptionReceived,
    ProgrammeEnded,
    ProposalSent,
    SessionHeld,
    case_schema,
    read_case,
)
from .frenchtext import format_date, format_datetime, format_moment, format_value, plural
from .model import Report
from .obligations import (
    MET,
    MET_LATE,
    OVERDUE,
    PENDING,
    UNKNOWN,
    Obligation,
    ObligationStatus,
    build_obligations,
    due_day,
    when,
)
from .parameters import DIJON, ContractParameters
from .parsing import TIME_FOLD, TIME_GAP, as_date, as_datetime, check_instant, trusted

# --- where a case stands, and what the evaluation says ------------------------------


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



@attrs.frozen
class CaseEvaluation:
    """Everything :func:`evaluate_case` says about one case as of ``as_of``."""

    case_id: str | None = attrs.field(repr=hidden_repr)
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
                     and first <= due_day(o.due) <= last)

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
    if departement is not None:
        check_departement(departement)
    case = events if type(events) is Case else read_case(events)
    switches = (bool(extend_to_working_day), bool(whit_monday_worked), departement,
                bool(good_friday_holiday))
    policy, policy_key = _POLICIES.get(switches) or _policy(switches)
    f = CaseFacts(case, as_of_dt, as_of_day, as_of_ts, params, policy,
                  bool(suspension_stops_clock), policy_key)
    f.policy_start_held = bool(start_needs_held_session)
    walk(f)
    build_obligations(f)
    speak = speaking(f)
    if speak:
        findings = []
        checks = case_checks()
        for rule_id in sorted(speak, key=_RULE_ORDER.__getitem__) if len(speak) > 1 else speak:
            r, flags = checks[rule_id]
            for flag in flags(f, params):
                findings.append(r.finding(flag, params))
        report = _new_report("case", tuple(findings), CASE_RULES) if findings else _QUIET
    else:
        report = _QUIET
    state, since = _state(f)
    return _new_evaluation(case.case_id, as_of_dt, state, since[1] if since else None,
                           tuple(f.obligations), f.hours, report, f.ignored)


#: The policy switches as :func:`~ppaip_rules.deadlines.deadline` takes them, and their
#: values as a key, by their values (read-only: shared by the cases of a batch).
_POLICIES: dict[tuple, tuple[dict, tuple]] = {}


def _policy(switches: tuple) -> tuple[dict, tuple]:
    policy = dict(zip(_POLICY_KEYS, switches, strict=True))
    entry = _POLICIES[switches] = (policy, tuple(policy.values()))
    return entry


#: The rules of the case by position in :data:`CASE_RULES` (findings come in that order).
_RULE_ORDER = {rule_id: i for i, rule_id in enumerate(CASE_RULES)}

_new_evaluation = trusted(CaseEvaluation)
_new_report = trusted(Report)
#: The report of a case on which no rule has anything to say (immutable: shared).
_QUIET = _new_report("case", (), CASE_RULES)


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
               key=lambda p: p[1].sort_key, default=None)
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
             + (f" (depuis le {when(ev.state_since)})" if ev.state_since else "") + "."]
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
    later = tuple(o for o in ev.pending if o.due is not None and due_day(o.due) > sunday)
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
                         f"{when(o.act)}, destinataires ou nature non renseignés")
    lines.append("")
    late_count = sum(o.status is MET_LATE for o in done)
    lines.append(f"FAIT ({len(done)}, dont {late_count} en retard)")
    for o in done:
        lines.append("  - " + _item(o, ev, False))
    lines.append("")
    lines.append(ev.report.format())
    return "\n".join(lines)


def _item(o: Obligation, ev: CaseEvaluation, late: bool) -> str:
    origin = f"{o.trigger.LABEL.lower()} le {when(o.trigger)}"
    if o.due is None:
        return f"{o.rule_id} — {o.what} ({o.due_text}, avant {o.due_label} ; {origin})"
    due = _due_text(o.due)
    if o.act is not None:
        suffix = "dans les délais" if o.status is MET else "EN RETARD"
        return f"{o.rule_id} — {o.what} le {when(o.act)}, échéance {due} : {suffix}"
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

#: The names other modules imported from here before the split (kept for them).
_due_day = due_day
_due_text = format_moment

__all__ = ["CASE_RULES", "MET", "MET_LATE", "OVERDUE", "PENDING", "UNKNOWN", "CaseEvaluation",
           "CaseFacts", "CaseState", "Hours", "Obligation", "ObligationStatus",
           "evaluate_case", "read_as_of"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
