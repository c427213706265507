"""A beneficiary's event log: typed, frozen events, the case that holds them, their JSON reader.

Provider software records what happens to each person (IPRO 360° workflow,
CCTP 6.1 to 6.6). Each event is a small frozen value with the instant it
happened, ``at``: a date (``2025-05-02``) or an aware datetime
(``2025-05-02T14:30:00+02:00``). Events that start or answer a period in
hours (the 48-hour rules) need the exact instant: a first meeting, a missed
session, a calendar change and its communication, an interruption and its
report, an impossibility report, the end of a programme (:attr:`Event.TIMED`).

Ordering (events may arrive in any order): by the Paris calendar day, then
the events of that day that carry a time, by instant, then the events of that
day given as a date only, then the workflow order (:attr:`Event.RANK`), then
the content — so the same log in any order gives the same result. When one of
two events is given as a date only, the library never says that one came
before the other on the same day: "le 2 mai" is simultaneous with "le 2 mai à
14 h" (:func:`before`).

In JSON an event is an object with a ``type`` (see :data:`EVENT_TYPES`), an
``at`` and the fields of its type; :func:`read_event` reads it, naming a bad
field by its path (``events[3].hours``). Free text (a refusal comment, the
reason of an impossibility) is kept, never echoed in a message.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

from .calendar import PARIS, day_end_us, require_input_year
from .errors import InputError
from .parsing import (
    MAX_TEXT,
    TIME_FOLD,
    TIME_GAP,
    Fields,
    as_bool,
    as_choice,
    as_date,
    as_datetime,
    as_str,
    join,
    paris_time,
)

#: How a session is delivered (CCTP 6.2 A and B).
MODES = {"individual": "individuelle", "collective": "collective"}

#: Who a communication or a bilan goes to (CCTP 6.4, 6.6).
RECIPIENTS = {"cpip": "CPIP référent", "person": "bénéficiaire"}

#: Causes of a suspension (CCTP 6.1-3); ``other`` is none of the contract's.
SUSPENSION_CAUSES = {
    "person_unavailable": "indisponibilité du bénéficiaire",
    "general_search": "fouille générale",
    "incident": "incident en détention",
    "staff_movements": "mouvements du personnel",
    "technical_incident": "incident technique",
    "weather_incident": "incident météorologique",
    "health_crisis": "suspension des interventions (crise sanitaire)",
    "other": "autre cause (non prévue par le CCTP)",
}

#: Causes of an absence at an appointment (CCTP 6.1-3). Only ``person`` ("du fait de la
#: personne") calls for a new convocation and can lead to an abandonment; the others are
#: the administration's or the provider's and call for rescheduling. An absence whose
#: cause is not recorded is read as the person's (RULES.md ambiguity 13).
ABSENCE_CAUSES = {
    "person": "du fait de la personne",
    "transfer": "transfert de la personne (administration)",
    "lockdown": "blocage ou confinement de l'établissement (administration)",
    "administration_other": "autre empêchement du fait de l'administration",
    "facilitator_absent": "absence de l'intervenant (titulaire)",
    "provider_other": "autre empêchement du fait du titulaire",
}

#: Documents of a programme to deposit on IPRO 360° (CCTP 6.9), besides the bilans.
DOCUMENT_KINDS = {
    "synthesis": "synthèse",
    "bilan": "bilan",
    "other": "autre document de l'accompagnement",
}

#: Causes of the end of a programme (CCTP 6.6, 6.9).
END_CAUSES = {
    "person_initiative": "à l'initiative de la personne",
    "hours_completed": "heures validées réalisées",
    "provider_completed": "accompagnement estimé terminé par le titulaire",
    "interruption": "interruption du parcours",
}

ID_MAX = 64
HOURS_MAX = 1000.0


# --- validators (the models validate themselves; the reader names the path) ------

def _check_instant(value: Any, path: str, timed: bool) -> None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InputError(path, _AT_EXPECTED[True], "fuseau horaire manquant")
    elif type(value) is not dt.date or timed:
        raise InputError(path, _AT_EXPECTED[timed])
    require_input_year(value, path)


_AT_EXPECTED = {
    True: "une date et heure ISO 8601, ex. « 2025-05-02T14:30:00+02:00 » (sans décalage : "
          "heure de Paris ; l'heure exacte compte pour les délais en heures)",
    False: "une date (AAAA-MM-JJ ou JJ/MM/AAAA) ou une date et heure ISO 8601 (sans décalage : "
           "heure de Paris)",
}


def _paris_at(value: Any) -> Any:
    """A datetime without offset is Paris wall time (:func:`~ppaip_rules.parsing.paris_time`)."""
    if type(value) is dt.datetime and value.tzinfo is None:
        return paris_time(value, "at")
    return value


def _hidden(value: Any) -> str:
    """How a personal or free-text value shows in a ``repr``: never itself."""
    return "None" if value is None else "'…'"


def _validate_at(instance: Event, attribute: Any, value: Any) -> None:
    _check_instant(value, "at", type(instance).TIMED)


def _hours(instance: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0 <= value <= HOURS_MAX and math.isfinite(value)):  # a huge int: no OverflowError
        raise InputError(attribute.name, f"un nombre d'heures entre 0 et {HOURS_MAX:g}")


def _optional_hours(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _hours(instance, attribute, value)


def _choice(table: dict[str, str], optional: bool = False):
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if (value is None and optional) or (isinstance(value, str) and value in table):
            return
        raise InputError(attribute.name, "une valeur parmi : " + ", ".join(table))
    return check


def _optional_bool(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise InputError(attribute.name, "true ou false")


def _optional_text(max_length: int):
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None and (not isinstance(value, str) or len(value) > max_length):
            raise InputError(attribute.name, f"un texte de {max_length} caractères au plus")
    return check


def _recipients(value: Any) -> frozenset[str] | None:
    if value is None:
        return None  # not recorded: a missing fact, never "both"
    if isinstance(value, (list, tuple, set, frozenset)) and value and all(
            isinstance(v, str) and v in RECIPIENTS for v in value):
        return frozenset(value)
    raise InputError("to", "une liste non vide parmi : " + ", ".join(RECIPIENTS))


_ID = _optional_text(ID_MAX)


# --- the events ------------------------------------------------------------------

@attrs.frozen(slots=True)
class Event:
    """Something that happened to one beneficiary, at a date or an aware instant.

    ``day`` (the Paris calendar day), ``ts`` (the POSIX timestamp, None for a
    date), ``instant_us`` (whole microseconds since the epoch; a date stands for
    the last microsecond of its Paris day, 24:00 less 1 µs) and ``key`` (the sort
    key: ``(instant_us, date_only, RANK)``, a date after every instant of its day,
    then the workflow order) are derived once, at construction.
    """

    #: The ``type`` of the event in JSON.
    TYPE: ClassVar[str] = ""
    #: French label, for the timeline.
    LABEL: ClassVar[str] = ""
    #: Position in the workflow: breaks ties between events at the same moment.
    RANK: ClassVar[int] = 0
    #: Whether ``at`` must be an aware datetime (the event starts or answers an hour period).
    TIMED: ClassVar[bool] = False

    at: dt.date | dt.datetime = attrs.field(converter=_paris_at, validator=_validate_at)
    id: str | None = attrs.field(default=None, kw_only=True, validator=_ID, repr=_hidden)
    day: dt.date = attrs.field(init=False, eq=False, repr=False)
    ts: float | None = attrs.field(init=False, eq=False, repr=False)
    instant_us: int = attrs.field(init=False, eq=False, repr=False)
    key: tuple[int, bool, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        at = self.at
        if type(at) is dt.date:
            day, ts = at, None
            instant_us = day_end_us(at)  # a date stands after every instant of its day
        else:
            ts = at.timestamp()
            day = at.astimezone(PARIS).date()
            # Exact: whole microseconds since the epoch stay below 2**53 until year 2255.
            instant_us = round(ts * 1_000_000)
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "instant_us", instant_us)
        object.__setattr__(self, "key", (instant_us, ts is None, self.RANK))

    @property
    def timed(self) -> bool:
        return self.ts is not None

    def to_dict(self) -> dict:
        """The JSON form read back by :func:`read_event`."""
        out = {"type": self.TYPE, "at": self.at.isoformat()}
        for field in attrs.fields(type(self)):
            if field.init and field.name != "at":
                value = getattr(self, field.name)
                if value is not None and value != field.default:
                    out[field.name] = sorted(value) if isinstance(value, frozenset) else value
        return out

    def content(self) -> tuple:
        """Every field as text: the last tie-breaker of the sort (see the module doc)."""
        return tuple(repr(sorted(value) if isinstance(value, frozenset) else value)
                     for value in (getattr(self, f.name) for f in attrs.fields(type(self))
                                   if f.init))


def before(a: Event, b: Event) -> bool:
    """Whether ``a`` happened strictly before ``b``.

    Two instants compare as instants; when either event is given as a date
    only, they compare by Paris calendar day (the same day is not "before").
    """
    if a.ts is not None and b.ts is not None:
        return a.ts < b.ts
    return a.day < b.day


@attrs.frozen(slots=True)
class PrescriptionReceived(Event):
    """The SPIP's prescription is received through IPRO 360° (CCTP 6.1-2)."""

    TYPE = "prescription_received"
    LABEL = "Prescription reçue"
    RANK = 0


@attrs.frozen(slots=True)
class DiagnosticConsulted(Event):
    """The provider consults the person's diagnostic synthesis on IPRO 360° (CCTP 6.1-2)."""

    TYPE = "diagnostic_consulted"
    LABEL = "Synthèse du diagnostic consultée sur IPRO 360°"
    RANK = 1


@attrs.frozen(slots=True, kw_only=True)
class FirstMeeting(Event):
    """The first individual interview (CCTP 6.1-2); ``duration_hours`` gives its end.

    ``calendar_given``: whether the personalised calendar was proposed to the person
    at this interview (CCTP 6.4); None when not recorded.
    """

    TYPE = "first_meeting"
    LABEL = "Premier entretien individuel"
    RANK = 2
    TIMED = True
    duration_hours: float | None = attrs.field(default=None, validator=_optional_hours)
    calendar_given: bool | None = attrs.field(default=None, validator=_optional_bool)


@attrs.frozen(slots=True, kw_only=True)
class ImpossibilityReported(Event):
    """The provider reports to the CPIP that it cannot follow the person (CCTP 3)."""

    TYPE = "impossibility_reported"
    LABEL = "Impossibilité de suivi signalée au CPIP"
    RANK = 3
    TIMED = True
    reason: str | None = attrs.field(default=None, validator=_optional_text(MAX_TEXT),
                                     repr=_hidden)


@attrs.frozen(slots=True)
class CalendarSent(Event):
    """The personalised calendar is sent to the CPIP (CCTP 6.4)."""

    TYPE = "calendar_sent"
    LABEL = "Calendrier personnalisé transmis au CPIP"
    RANK = 4


@attrs.frozen(slots=True, kw_only=True)
class ProposalSent(Event):
    """A proposed programme with its hours, sent to the CPIP (CCTP 6.1-2)."""

    TYPE = "proposal_sent"
    LABEL = "Proposition de programme envoyée au CPIP"
    RANK = 5
    individual_hours: float | None = attrs.field(default=None, validator=_optional_hours)
    collective_hours: float | None = attrs.field(default=None, validator=_optional_hours)


@attrs.frozen(slots=True, kw_only=True)
class ProposalRefused(Event):
    """The CPIP refuses the proposal, possibly with a comment (CCTP 6.1-3)."""

    TYPE = "proposal_refused"
    LABEL = "Proposition refusée par le CPIP"
    RANK = 6
    comment: str | None = attrs.field(default=None, validator=_optional_text(MAX_TEXT),
                                      repr=_hidden)


@attrs.frozen(slots=True)
class ProposalValidated(Event):
    """The CPIP validates the proposal (CCTP 6.1-3)."""

    TYPE = "proposal_validated"
    LABEL = "Proposition validée par le CPIP"
    RANK = 7


@attrs.frozen(slots=True, kw_only=True)
class ChangeProposed(Event):
    """A change of content or duration, proposed as a new programme (CCTP 6.1-3)."""

    TYPE = "change_proposed"
    LABEL = "Modification du programme proposée"
    RANK = 8
    individual_hours: float | None = attrs.field(default=None, validator=_optional_hours)
    collective_hours: float | None = attrs.field(default=None, validator=_optional_hours)


@attrs.frozen(slots=True, kw_only=True)
class ChangeRefused(Event):
    TYPE = "change_refused"
    LABEL = "Modification du programme refusée"
    RANK = 9
    comment: str | None = attrs.field(default=None, validator=_optional_text(MAX_TEXT),
                                      repr=_hidden)


@attrs.frozen(slots=True)
class ChangeValidated(Event):
    TYPE = "change_validated"
    LABEL = "Modification du programme validée"
    RANK = 10


@attrs.frozen(slots=True)
class CalendarChanged(Event):
    """A change of the calendar is decided (CCTP 6.4)."""

    TYPE = "calendar_changed"
    LABEL = "Modification du calendrier décidée"
    RANK = 11
    TIMED = True


@attrs.frozen(slots=True, kw_only=True)
class CalendarChangeCommunicated(Event):
    """The change is communicated to the CPIP and/or the person (CCTP 6.4)."""

    TYPE = "calendar_change_communicated"
    LABEL = "Modification du calendrier communiquée"
    RANK = 12
    TIMED = True
    to: frozenset[str] | None = attrs.field(default=None, converter=_recipients)


@attrs.frozen(slots=True)
class SuspensionEnded(Event):
    TYPE = "suspension_ended"
    LABEL = "Reprise après suspension"
    RANK = 13


@attrs.frozen(slots=True, kw_only=True)
class SessionHeld(Event):
    """A session held (individual interview or collective workshop session), with its duration.

    ``signed_sheet``: whether the attendance sheet is signed (CCTP 6.5: the
    billable unit); ``workshop``: the workshop's identifier, for collective ones.
    """

    TYPE = "session_held"
    LABEL = "Séance réalisée"
    RANK = 14
    mode: str = attrs.field(validator=_choice(MODES))
    hours: float = attrs.field(validator=_hours)
    workshop: str | None = attrs.field(default=None, validator=_ID, repr=_hidden)
    signed_sheet: bool | None = attrs.field(default=None, validator=_optional_bool)


@attrs.frozen(slots=True, kw_only=True)
class SessionMissed(Event):
    """The person missed an appointment to which they were convened (CCTP 6.1-3).

    ``cause``: whose doing the absence is (:data:`ABSENCE_CAUSES`; None: not
    recorded, read as the person's, RULES.md ambiguity 13); ``justified``:
    whether the absence is justified (None: not recorded).
    """

    TYPE = "session_missed"
    LABEL = "Absence à un rendez-vous"
    RANK = 15
    TIMED = True
    justified: bool | None = attrs.field(default=None, validator=_optional_bool)
    cause: str | None = attrs.field(default=None,
                                    validator=_choice(ABSENCE_CAUSES, optional=True))
    mode: str | None = attrs.field(default=None, validator=_choice(MODES, optional=True))
    workshop: str | None = attrs.field(default=None, validator=_ID, repr=_hidden)

    @property
    def by_person(self) -> bool:
        """Whether the absence is the person's doing (an unrecorded cause is, ambiguity 13)."""
        return self.cause is None or self.cause == "person"


@attrs.frozen(slots=True)
class Reconvocation(Event):
    """A new convocation after an absence (CCTP 6.1-3)."""

    TYPE = "reconvocation"
    LABEL = "Nouvelle convocation"
    RANK = 16


@attrs.frozen(slots=True, kw_only=True)
class SuspensionStarted(Event):
    """The programme is suspended, not ended (CCTP 6.1-3)."""

    TYPE = "suspension_started"
    LABEL = "Suspension du programme"
    RANK = 17
    cause: str = attrs.field(validator=_choice(SUSPENSION_CAUSES))


@attrs.frozen(slots=True)
class CourseInterrupted(Event):
    """The course (individual or collective) is interrupted (CCTP 6.2 B)."""

    TYPE = "course_interrupted"
    LABEL = "Parcours interrompu"
    RANK = 18
    TIMED = True


@attrs.frozen(slots=True)
class InterruptionReported(Event):
    TYPE = "interruption_reported"
    LABEL = "Interruption signalée au CPIP"
    RANK = 19
    TIMED = True


@attrs.frozen(slots=True, kw_only=True)
class LastIndividualInterview(Event):
    """The last individual interview (CCTP 6.6); the CPIP is invited to it."""

    TYPE = "last_individual_interview"
    LABEL = "Dernier entretien individuel"
    RANK = 20
    cpip_invited: bool | None = attrs.field(default=None, validator=_optional_bool)


@attrs.frozen(slots=True, kw_only=True)
class WorkshopEnded(Event):
    TYPE = "workshop_ended"
    LABEL = "Fin de l'atelier collectif"
    RANK = 21
    workshop: str | None = attrs.field(default=None, validator=_ID, repr=_hidden)


@attrs.frozen(slots=True, kw_only=True)
class ProgrammeEnded(Event):
    """The end of the programme and its cause (CCTP 6.6, 6.9)."""

    TYPE = "programme_ended"
    LABEL = "Fin du programme"
    RANK = 22
    TIMED = True
    cause: str = attrs.field(validator=_choice(END_CAUSES))


@attrs.frozen(slots=True, kw_only=True)
class BilanDelivered(Event):
    """A bilan delivered (individual final bilan, or a workshop's bilan) (CCTP 6.6, 6.9).

    ``scope`` (individual or collective; a bilan naming a ``workshop`` is collective),
    ``to`` (its recipients) and ``ipro_deposited`` (deposited on IPRO 360°) are None
    when not recorded: a missing fact, never a default.
    """

    TYPE = "bilan_delivered"
    LABEL = "Bilan remis"
    RANK = 23
    scope: str | None = attrs.field(default=None, validator=_choice(MODES, optional=True))
    workshop: str | None = attrs.field(default=None, validator=_ID, repr=_hidden)
    to: frozenset[str] | None = attrs.field(default=None, converter=_recipients)
    ipro_deposited: bool | None = attrs.field(default=None, validator=_optional_bool)

    @property
    def kind(self) -> str | None:
        """``individual``, ``collective``, or None when neither is recorded."""
        if self.scope is not None:
            return self.scope
        return "collective" if self.workshop is not None else None


@attrs.frozen(slots=True)
class ConsentToShare(Event):
    """The person consents to share the bilan with other partners (CCTP 6.6)."""

    TYPE = "consent_to_share"
    LABEL = "Consentement au partage du bilan"
    RANK = 24


@attrs.frozen(slots=True, kw_only=True)
class DocumentProduced(Event):
    """A synthesis or another document of the programme, and whether it was deposited on
    IPRO 360° (CCTP 6.9); ``ipro_deposited`` None: not recorded."""

    TYPE = "document_produced"
    LABEL = "Document de l'accompagnement produit"
    RANK = 25
    document: str = attrs.field(validator=_choice(DOCUMENT_KINDS))
    ipro_deposited: bool | None = attrs.field(default=None, validator=_optional_bool)


#: Every event class by its JSON ``type``, in workflow order.
EVENT_TYPES: dict[str, type[Event]] = {cls.TYPE: cls for cls in sorted(
    (PrescriptionReceived, DiagnosticConsulted, FirstMeeting, ImpossibilityReported, CalendarSent, ProposalSent,
     ProposalRefused, ProposalValidated, ChangeProposed, ChangeRefused, ChangeValidated,
     CalendarChanged, CalendarChangeCommunicated, SuspensionEnded, SessionHeld, SessionMissed,
     Reconvocation, SuspensionStarted, CourseInterrupted, InterruptionReported,
     LastIndividualInterview, WorkshopEnded, ProgrammeEnded, BilanDelivered, ConsentToShare,
     DocumentProduced),
    key=lambda cls: cls.RANK)}


def sort_events(events: Iterable[tuple[int, Event]]) -> list[tuple[int, Event]]:
    """``(input index, event)`` pairs in the deterministic order of the module doc."""
    decorated = [(e.key, i, e) for i, e in events]
    decorated.sort()  # equal keys compare the indexes, never the events
    if len({item[0] for item in decorated}) < len(decorated):
        # Equal keys (same moment, same type) are rare: order them by content,
        # so that the input order never matters.
        decorated.sort(key=_full)
    return [(i, e) for _, i, e in decorated]


def _full(item: tuple) -> tuple:
    return item[0], item[2].content()


# --- the case ---------------------------------------------------------------------

SEXES = {"F": "femme", "M": "homme"}


@attrs.frozen(slots=True, kw_only=True)
class Beneficiary:
    """What the lot report needs about a person (CCTP 2 b); never a name or a birth date."""

    sex: str | None = attrs.field(default=None, validator=_choice(SEXES, optional=True),
                                  repr=_hidden)
    age_at_prescription: int | None = attrs.field(default=None, repr=_hidden)
    without_qualification: bool | None = attrs.field(default=None, validator=_optional_bool,
                                                     repr=_hidden)

    @age_at_prescription.validator
    def _age(self, attribute: Any, value: Any) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 0 <= value <= 130):
            raise InputError(attribute.name, "un âge en années entre 0 et 130")


SETTINGS = {"MF": "milieu fermé", "MO": "milieu ouvert"}


@attrs.frozen(slots=True, kw_only=True)
class Case:
    """One beneficiary's case: a pseudonymous ID, where it is followed, and its event log."""

    events: tuple[Event, ...] = attrs.field(converter=tuple)
    case_id: str | None = attrs.field(default=None, validator=_ID, repr=_hidden)
    spip: str | None = attrs.field(default=None, validator=_optional_text(8), repr=_hidden)
    site: str | None = attrs.field(default=None, validator=_ID, repr=_hidden)
    setting: str | None = attrs.field(default=None, validator=_choice(SETTINGS, optional=True))
    beneficiary: Beneficiary | None = attrs.field(default=None)
    #: The facilitator who follows the case (an ID of the roster), to group due dates.
    facilitator: str | None = attrs.field(default=None, validator=_ID)

    @events.validator
    def _events(self, attribute: Any, value: tuple) -> None:
        for i, event in enumerate(value):
            if not isinstance(event, Event):
                raise InputError(f"events[{i}]", "un événement (voir EVENT_TYPES)")


# --- reading JSON-like input ------------------------------------------------------------

_AWARE = as_datetime(aware=True)
_TIME_PROBLEMS = (TIME_GAP, TIME_FOLD)


def as_event_instant(timed: bool):
    """A converter for ``at``: an aware datetime, or (unless ``timed``) also a date."""
    def convert(value: Any, path: str) -> dt.date | dt.datetime:
        if isinstance(value, (dt.date, dt.datetime)):
            result = value
        elif isinstance(value, str) and len(value.strip()) > 10:
            try:
                result = _AWARE(value, path)
            except InputError as error:
                if error.problem in _TIME_PROBLEMS:  # the gap or the fold: say which
                    raise
                raise InputError(path, _AT_EXPECTED[timed]) from None
        elif not timed:
            try:
                result = as_date(value, path)
            except InputError:
                raise InputError(path, _AT_EXPECTED[timed]) from None
        else:
            raise InputError(path, _AT_EXPECTED[timed])
        _check_instant(result, path, timed)
        return result
    return convert


_AT = {True: as_event_instant(True), False: as_event_instant(False)}


def _as_hours(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0 <= value <= HOURS_MAX and math.isfinite(value)):  # a huge int: no OverflowError
        raise InputError(path, f"un nombre d'heures entre 0 et {HOURS_MAX:g}")
    return value


def _as_recipients(value: Any, path: str) -> frozenset[str]:
    try:
        return _recipients(value)
    except InputError as error:
        raise InputError(path, error.expected) from None


_as_id = as_str(ID_MAX)
_as_text = as_str(MAX_TEXT, allow_empty=True)

#: The fields of each type besides ``type``, ``at`` and ``id``: (name, converter, required).
_FIELDS: dict[str, tuple[tuple[str, Any, bool], ...]] = {
    "first_meeting": (("duration_hours", _as_hours, False), ("calendar_given", as_bool, False)),
    "impossibility_reported": (("reason", _as_text, False),),
    "proposal_sent": (("individual_hours", _as_hours, False),
                      ("collective_hours", _as_hours, False)),
    "change_proposed": (("individual_hours", _as_hours, False),
                        ("collective_hours", _as_hours, False)),
    "proposal_refused": (("comment", _as_text, False),),
    "change_refused": (("comment", _as_text, False),),
    "calendar_change_communicated": (("to", _as_recipients, False),),
    "session_held": (("mode", as_choice(MODES), True), ("hours", _as_hours, True),
                     ("workshop", _as_id, False), ("signed_sheet", as_bool, False)),
    "session_missed": (("justified", as_bool, False), ("cause", as_choice(ABSENCE_CAUSES), False),
                       ("mode", as_choice(MODES), False), ("workshop", _as_id, False)),
    "suspension_started": (("cause", as_choice(SUSPENSION_CAUSES), True),),
    "last_individual_interview": (("cpip_invited", as_bool, False),),
    "workshop_ended": (("workshop", _as_id, False),),
    "programme_ended": (("cause", as_choice(END_CAUSES), True),),
    "bilan_delivered": (("scope", as_choice(MODES), False), ("workshop", _as_id, False),
                        ("to", _as_recipients, False), ("ipro_deposited", as_bool, False)),
    "document_produced": (("document", as_choice(DOCUMENT_KINDS), True),
                          ("ipro_deposited", as_bool, False)),
}
_TYPE = as_choice(EVENT_TYPES)


def read_event(value: Any, path: str = "") -> Event:
    """An :class:`Event` as is, or one read from a JSON-like dict (errors name the path)."""
    if isinstance(value, Event):
        return value
    if type(value) is dict:
        event = _read_event_fast(value)
        if event is not None:
            return event
    fields = Fields(value, path)
    cls = EVENT_TYPES[fields.required("type", _TYPE)]
    kwargs = {"at": fields.required("at", _AT[cls.TIMED]),
              "id": fields.optional("id", _as_id)}
    for name, convert, required in _FIELDS.get(cls.TYPE, ()):
        got = fields.required(name, convert) if required else fields.optional(name, convert)
        if got is not None:
            kwargs[name] = got
    fields.done()
    try:
        return cls(**kwargs)
    except InputError as error:
        raise error.at(path) from None


_KEYS = {name: frozenset(("type", "at", "id", *(f for f, _, _ in _FIELDS.get(name, ()))))
         for name in EVENT_TYPES}


def _read_event_fast(value: dict) -> Event | None:
    """The same reading as the strict path (same converters, same models) without its
    bookkeeping; None on anything unusual, and the strict path then names the problem."""
    name = value.get("type")
    keys = _KEYS.get(name) if type(name) is str else None
    if keys is None or not keys.issuperset(value):
        return None
    cls = EVENT_TYPES[name]
    try:
        kwargs = {"at": _AT[cls.TIMED](value["at"], "at")}
        if "id" in value:
            kwargs["id"] = _as_id(value["id"], "id")
        for field, convert, required in _FIELDS.get(name, ()):
            got = value.get(field)
            if got is not None:
                kwargs[field] = convert(got, field)
            elif required:
                return None
        return cls(**kwargs)
    except (InputError, KeyError):
        return None


def read_events(value: Any, path: str = "events") -> tuple[Event, ...]:
    if not isinstance(value, (list, tuple)) or len(value) > 100_000:
        raise InputError(path, "une liste d'événements (100 000 au plus)")
    return tuple(read_event(v, join(path, i)) for i, v in enumerate(value))


def _as_age(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 130:
        raise InputError(path, "un âge en années entre 0 et 130")
    return value


def read_beneficiary(value: Any, path: str = "beneficiary") -> Beneficiary:
    if isinstance(value, Beneficiary):
        return value
    fields = Fields(value, path)
    result = Beneficiary(
        sex=fields.optional("sex", as_choice(SEXES)),
        age_at_prescription=fields.optional("age_at_prescription", _as_age),
        without_qualification=fields.optional("without_qualification", as_bool))
    fields.done()
    return result


def read_case(value: Any, path: str = "") -> Case:
    """A :class:`Case` as is, a bare list of events, or a case object from JSON."""
    if isinstance(value, Case):
        return value
    if isinstance(value, (list, tuple)):
        return Case(events=read_events(value, join(path, "events") if path else "events"))
    fields = Fields(value, path)
    case = Case(
        case_id=fields.optional("case_id", _as_id),
        spip=fields.optional("spip", as_str(8)),
        site=fields.optional("site", _as_id),
        setting=fields.optional("setting", as_choice(SETTINGS)),
        beneficiary=fields.optional("beneficiary",
                                    lambda v, p: read_beneficiary(v, p)),
        events=fields.required("events", read_events),
        facilitator=fields.optional("facilitator", _as_id),
    )
    fields.done()
    return case


# --- JSON Schema (draft 2020-12), written next to the reader ---------------------------

_INSTANT = {"type": "string", "description": _AT_EXPECTED[True]}
_DAY_OR_INSTANT = {"type": "string", "description": _AT_EXPECTED[False]}
_HOURS = {"type": "number", "minimum": 0, "maximum": HOURS_MAX}
_ID_SCHEMA = {"type": "string", "minLength": 1, "maxLength": ID_MAX}
_TO = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(RECIPIENTS)}}
_SCHEMA_FIELDS = {
    "first_meeting": {"duration_hours": _HOURS, "calendar_given": {"type": "boolean"}},
    "impossibility_reported": {"reason": {"type": "string", "maxLength": MAX_TEXT}},
    "proposal_sent": {"individual_hours": _HOURS, "collective_hours": _HOURS},
    "change_proposed": {"individual_hours": _HOURS, "collective_hours": _HOURS},
    "proposal_refused": {"comment": {"type": "string", "maxLength": MAX_TEXT}},
    "change_refused": {"comment": {"type": "string", "maxLength": MAX_TEXT}},
    "calendar_change_communicated": {"to": _TO},
    "session_held": {"mode": {"enum": list(MODES)}, "hours": _HOURS, "workshop": _ID_SCHEMA,
                     "signed_sheet": {"type": "boolean"}},
    "session_missed": {"justified": {"type": "boolean"}, "cause": {"enum": list(ABSENCE_CAUSES)},
                       "mode": {"enum": list(MODES)}, "workshop": _ID_SCHEMA},
    "suspension_started": {"cause": {"enum": list(SUSPENSION_CAUSES)}},
    "last_individual_interview": {"cpip_invited": {"type": "boolean"}},
    "workshop_ended": {"workshop": _ID_SCHEMA},
    "programme_ended": {"cause": {"enum": list(END_CAUSES)}},
    "bilan_delivered": {"scope": {"enum": list(MODES)}, "workshop": _ID_SCHEMA, "to": _TO,
                        "ipro_deposited": {"type": "boolean"}},
    "document_produced": {"document": {"enum": list(DOCUMENT_KINDS)},
                          "ipro_deposited": {"type": "boolean"}},
}


def event_schema() -> dict:
    """One event: a ``oneOf`` over the types, each with its own fields."""
    variants = []
    for name, cls in EVENT_TYPES.items():
        extra = _SCHEMA_FIELDS.get(name, {})
        required = ["type", "at", *(f for f, _, req in _FIELDS.get(name, ()) if req)]
        variants.append({
            "title": cls.LABEL,
            "type": "object",
            "required": required,
            "additionalProperties": False,
            "properties": {"type": {"const": name},
                           "at": _INSTANT if cls.TIMED else _DAY_OR_INSTANT,
                           "id": _ID_SCHEMA, **extra},
        })
    return {"oneOf": variants}


def case_schema(standalone: bool = True) -> dict:
    """A case: its pseudonymous ID, SPIP, site, setting, beneficiary facts and events."""
    schema = {
        "title": "Journal d'événements d'un parcours PPAIP",
        "type": "object",
        "required": ["events"],
        "additionalProperties": False,
        "properties": {
            "case_id": _ID_SCHEMA,
            "spip": {"type": "string", "maxLength": 8,
                     "description": "code du SPIP (département), ex. « 21 »"},
            "site": _ID_SCHEMA,
            "setting": {"enum": list(SETTINGS)},
            "facilitator": {**_ID_SCHEMA, "description": "identifiant de l'intervenant qui "
                            "suit le parcours (celui du tableau d'effectifs)"},
            "beneficiary": {
                "type": "object", "additionalProperties": False,
                "properties": {
                    "sex": {"enum": list(SEXES)},
                    "age_at_prescription": {"type": "integer", "minimum": 0, "maximum": 130},
                    "without_qualification": {"type": "boolean"}}},
            "events": {"type": "array", "maxItems": 100_000, "items": event_schema()},
        },
    }
    if standalone:
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return schema


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
