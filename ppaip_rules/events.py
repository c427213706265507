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

Every model is described once (:mod:`ppaip_rules.describe`): the events are the tagged
union :data:`EVENTS` on ``type``; the reader, the checks of direct construction, the
JSON Schema (:func:`case_schema`) and the docs' field table all derive from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

from ._inputs import SETTING_CODES
from .calendar import PARIS, day_end_us
from .describe import (
    BOOL,
    CODE,
    DAY_OR_INSTANT,
    ID,
    INT,
    NUMBER,
    PARIS_INSTANT,
    TEXT,
    Codes,
    FieldInfo,
    field,
    json_schema,
    read,
    tagged,
    union_schema,
    value_reader,
)
from .parsing import MAX_TEXT

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

#: The same, labelled for schemas and field tables (DOCUMENT_KINDS names them in messages).
_DOCUMENTS = Codes({**DOCUMENT_KINDS, "bilan": "un bilan (autre que « bilan_delivered »)"})

#: Causes of the end of a programme (CCTP 6.6, 6.9).
END_CAUSES = {
    "person_initiative": "à l'initiative de la personne",
    "hours_completed": "heures validées réalisées",
    "provider_completed": "accompagnement estimé terminé par le titulaire",
    "interruption": "interruption du parcours",
}

ID_MAX = 64
HOURS_MAX = 1000.0


# --- the fields shared by several events ---------------------------------------

_DAY_AT = "date de l'événement (ou date et heure)"
_TIMED_AT = "date et heure de l'événement (l'heure exacte compte pour les délais en heures)"
_HOURS = {"unit": "heures", "minimum": 0, "maximum": HOURS_MAX}
#: The codes' labels in schemas and field tables (MODES holds the adjectives of messages).
MODE_LABELS = {"individual": "en individuel (entretien)", "collective": "en collectif (atelier)"}
_MODES, _RECIPIENTS = Codes(MODE_LABELS), Codes(RECIPIENTS)
_NOT_RECORDED = "absent ou null : non renseigné"


def _hours(label: str, required: bool = False) -> Any:
    return field(NUMBER, label, "" if required else _NOT_RECORDED, required=required, **_HOURS)


def _comment(label: str) -> Any:
    return field(TEXT, label, "texte libre, jamais repris dans un message", personal=True,
                 max_length=MAX_TEXT, blank=True)


def _workshop() -> Any:
    return field(ID, "identifiant de l'atelier collectif", "jamais repris", personal=True)


def _recipients(label: str) -> Any:
    return field(CODE, label, _NOT_RECORDED + " (jamais « les deux » par défaut)",
                 codes=_RECIPIENTS, many=True, unique=True, min_items=1, empty=None)


def _flag(label: str) -> Any:
    return field(BOOL, label, _NOT_RECORDED)


# --- the events ------------------------------------------------------------------

@attrs.frozen(slots=True)
class Event:
    """Something that happened to one beneficiary, at a date or an aware instant.

    ``day`` (the Paris calendar day), ``ts`` (the POSIX timestamp, None for a
    date), ``instant_us`` (whole microseconds since the epoch; a date stands for
    the last microsecond of its Paris day, 24:00 less 1 µs) and ``sort_key`` are
    derived once, at construction. The order of events is that of :attr:`key`,
    ``(instant_us, date_only, RANK)``: a date after every instant of its day, then the
    workflow order. ``sort_key`` is that key as one integer, ``instant_us × 64 + 32 ×
    date_only + RANK`` (RANK < 32): the same order, compared faster (a batch sorts
    millions of logs).
    """

    #: The ``type`` of the event in JSON.
    TYPE: ClassVar[str] = ""
    #: French label, for the timeline.
    LABEL: ClassVar[str] = ""
    #: Position in the workflow: breaks ties between events at the same moment.
    RANK: ClassVar[int] = 0
    #: Whether ``at`` must be an aware datetime (the event starts or answers an hour period).
    TIMED: ClassVar[bool] = False

    at: dt.date | dt.datetime = field(DAY_OR_INSTANT, _DAY_AT, required=True)
    id: str | None = field(ID, "identifiant de l'événement", "dans le logiciel du titulaire ; "
                           "jamais repris", personal=True, kw_only=True)
    day: dt.date = attrs.field(init=False, eq=False, repr=False)
    ts: float | None = attrs.field(init=False, eq=False, repr=False)
    instant_us: int = attrs.field(init=False, eq=False, repr=False)
    sort_key: int = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # The slots set through their descriptors (faster than object.__setattr__).
        for setter, value in zip(_DERIVED_SETTERS, _derived(type(self), self.at), strict=True):
            setter(self, value)

    @property
    def timed(self) -> bool:
        return self.ts is not None

    @property
    def key(self) -> tuple[int, bool, int]:
        """The sort key, named: ``(instant_us, date_only, RANK)`` (``sort_key`` in order)."""
        return (self.instant_us, self.ts is None, self.RANK)

    def __reduce__(self) -> tuple:
        # A pickle (a worker's result) carries the fields given, not the derived ones:
        # they are derived again on loading.
        cls = type(self)
        return _restore, (cls, tuple(getattr(self, name) for name in _content_names(cls)))

    def to_dict(self) -> dict:
        """The JSON form read back by :func:`read_event`."""
        out = {"type": self.TYPE, "at": self.at.isoformat()}
        for attribute in attrs.fields(type(self)):
            if attribute.init and attribute.name != "at":
                value = getattr(self, attribute.name)
                if value is not None and value != attribute.default:
                    out[attribute.name] = sorted(value) if isinstance(value, frozenset) else value
        return out

    def content(self) -> tuple:
        """Every field as text: the last tie-breaker of the sort (see the module doc)."""
        # ``at`` first, then the other fields in their order (a timed event redefines
        # ``at``, which attrs then lists last).
        return tuple(repr(sorted(value) if isinstance(value, frozenset) else value)
                     for value in (getattr(self, name) for name in _content_names(type(self))))


def _derived(cls: type[Event], at: dt.date | dt.datetime) -> tuple:
    """``(day, ts, instant_us, sort_key)`` of an event of ``cls`` at ``at``."""
    if type(at) is dt.date:
        day, ts = at, None
        instant_us = day_end_us(at)  # a date stands after every instant of its day
    else:
        ts = at.timestamp()
        day = at.astimezone(PARIS).date()
        # Exact: whole microseconds since the epoch stay below 2**53 until year 2255.
        instant_us = round(ts * 1_000_000)
    return day, ts, instant_us, (instant_us << 6) + (32 if ts is None else 0) + cls.RANK


#: The derived slots (see :class:`Event`) and their setters (member descriptors: a frozen
#: class refuses ``setattr``, not a descriptor's ``__set__``).
_DERIVED_SLOTS = ("day", "ts", "instant_us", "sort_key")
_DERIVED_SETTERS = tuple(Event.__dict__[name].__set__ for name in _DERIVED_SLOTS)
#: How the reader derives them along with ``at`` (describe: one derivation per text read).
Event.__derived__ = ("at", _derived, _DERIVED_SLOTS)  # type: ignore[attr-defined]


def _restore(cls: type, values: tuple) -> Event:
    """An event rebuilt from its given fields (``_content_names`` order), then derived."""
    event = object.__new__(cls)
    for name, value in zip(_content_names(cls), values, strict=True):
        object.__setattr__(event, name, value)
    event.__attrs_post_init__()
    return event


_CONTENT: dict[type, tuple[str, ...]] = {}


def _content_names(cls: type) -> tuple[str, ...]:
    names = _CONTENT.get(cls)
    if names is None:
        names = _CONTENT[cls] = ("at", *(f.name for f in attrs.fields(cls)
                                         if f.init and f.name != "at"))
    return names


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
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)
    duration_hours: float | None = _hours("durée de l'entretien")
    calendar_given: bool | None = _flag("calendrier personnalisé proposé à l'entretien")


@attrs.frozen(slots=True, kw_only=True)
class ImpossibilityReported(Event):
    """The provider reports to the CPIP that it cannot follow the person (CCTP 3)."""

    TYPE = "impossibility_reported"
    LABEL = "Impossibilité de suivi signalée au CPIP"
    RANK = 3
    TIMED = True
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)
    reason: str | None = _comment("motif de l'impossibilité")


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
    individual_hours: float | None = _hours("heures individuelles proposées")
    collective_hours: float | None = _hours("heures collectives proposées")


@attrs.frozen(slots=True, kw_only=True)
class ProposalRefused(Event):
    """The CPIP refuses the proposal, possibly with a comment (CCTP 6.1-3)."""

    TYPE = "proposal_refused"
    LABEL = "Proposition refusée par le CPIP"
    RANK = 6
    comment: str | None = _comment("commentaire du CPIP")


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
    individual_hours: float | None = _hours("heures individuelles proposées")
    collective_hours: float | None = _hours("heures collectives proposées")


@attrs.frozen(slots=True, kw_only=True)
class ChangeRefused(Event):
    TYPE = "change_refused"
    LABEL = "Modification du programme refusée"
    RANK = 9
    comment: str | None = _comment("commentaire du CPIP")


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
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)


@attrs.frozen(slots=True, kw_only=True)
class CalendarChangeCommunicated(Event):
    """The change is communicated to the CPIP and/or the person (CCTP 6.4)."""

    TYPE = "calendar_change_communicated"
    LABEL = "Modification du calendrier communiquée"
    RANK = 12
    TIMED = True
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)
    to: frozenset[str] | None = _recipients("destinataires de la communication")


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
    mode: str = field(CODE, "modalité de la séance", codes=_MODES, required=True)
    hours: float = _hours("durée de la séance", required=True)
    workshop: str | None = _workshop()
    signed_sheet: bool | None = _flag("feuille d'émargement signée")


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
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)
    justified: bool | None = _flag("absence justifiée")
    cause: str | None = field(CODE, "du fait de qui est l'absence", _NOT_RECORDED + " (lu "
                              "comme du fait de la personne)", codes=Codes(ABSENCE_CAUSES))
    mode: str | None = field(CODE, "modalité du rendez-vous", _NOT_RECORDED, codes=_MODES)
    workshop: str | None = _workshop()

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
    cause: str = field(CODE, "cause de la suspension", codes=Codes(SUSPENSION_CAUSES),
                       required=True)


@attrs.frozen(slots=True)
class CourseInterrupted(Event):
    """The course (individual or collective) is interrupted (CCTP 6.2 B)."""

    TYPE = "course_interrupted"
    LABEL = "Parcours interrompu"
    RANK = 18
    TIMED = True
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)


@attrs.frozen(slots=True)
class InterruptionReported(Event):
    TYPE = "interruption_reported"
    LABEL = "Interruption signalée au CPIP"
    RANK = 19
    TIMED = True
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)


@attrs.frozen(slots=True, kw_only=True)
class LastIndividualInterview(Event):
    """The last individual interview (CCTP 6.6); the CPIP is invited to it."""

    TYPE = "last_individual_interview"
    LABEL = "Dernier entretien individuel"
    RANK = 20
    cpip_invited: bool | None = _flag("CPIP invité à l'entretien")


@attrs.frozen(slots=True, kw_only=True)
class WorkshopEnded(Event):
    TYPE = "workshop_ended"
    LABEL = "Fin de l'atelier collectif"
    RANK = 21
    workshop: str | None = _workshop()


@attrs.frozen(slots=True, kw_only=True)
class ProgrammeEnded(Event):
    """The end of the programme and its cause (CCTP 6.6, 6.9)."""

    TYPE = "programme_ended"
    LABEL = "Fin du programme"
    RANK = 22
    TIMED = True
    at: dt.datetime = field(PARIS_INSTANT, _TIMED_AT, required=True, kw_only=False)
    cause: str = field(CODE, "cause de la fin du programme", codes=Codes(END_CAUSES),
                       required=True)


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
    scope: str | None = field(CODE, "bilan individuel ou collectif", _NOT_RECORDED,
                              codes=_MODES)
    workshop: str | None = _workshop()
    to: frozenset[str] | None = _recipients("destinataires du bilan")
    ipro_deposited: bool | None = _flag("déposé sur IPRO 360°")

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
    document: str = field(CODE, "document", codes=_DOCUMENTS, required=True)
    ipro_deposited: bool | None = _flag("déposé sur IPRO 360°")


#: Every event class by its JSON ``type``, in workflow order.
EVENT_TYPES: dict[str, type[Event]] = {cls.TYPE: cls for cls in sorted(
    (PrescriptionReceived, DiagnosticConsulted, FirstMeeting, ImpossibilityReported, CalendarSent, ProposalSent,
     ProposalRefused, ProposalValidated, ChangeProposed, ChangeRefused, ChangeValidated,
     CalendarChanged, CalendarChangeCommunicated, SuspensionEnded, SessionHeld, SessionMissed,
     Reconvocation, SuspensionStarted, CourseInterrupted, InterruptionReported,
     LastIndividualInterview, WorkshopEnded, ProgrammeEnded, BilanDelivered, ConsentToShare,
     DocumentProduced),
    key=lambda cls: cls.RANK)}
assert all(0 <= cls.RANK < 32 for cls in EVENT_TYPES.values()), "sort_key holds RANK in 5 bits"
# One RANK per type: events of two types never share a sort_key (CaseFacts.only merges
# groups by it).
assert len({cls.RANK for cls in EVENT_TYPES.values()}) == len(EVENT_TYPES), "RANK per type"


def sort_events(events: Iterable[tuple[int, Event]]) -> list[tuple[int, Event]]:
    """``(input index, event)`` pairs in the deterministic order of the module doc."""
    decorated = [(e.sort_key, i, e) for i, e in events]
    decorated.sort()  # equal keys compare the indexes, never the events
    if len({item[0] for item in decorated}) < len(decorated):
        # Equal keys (same moment, same type) are rare: order them by content,
        # so that the input order never matters.
        decorated.sort(key=_full)
    return [(i, e) for _, i, e in decorated]


def _full(item: tuple) -> tuple:
    return item[0], item[2].content()


# --- the case ---------------------------------------------------------------------

FEMALE, MALE = "female", "male"
SEXES = {FEMALE: "femme", MALE: "homme"}
#: The codes of version 0.2.0, read for one more version.
SEX_ALIASES = {"F": FEMALE, "M": MALE}


@attrs.frozen(slots=True, kw_only=True)
class Beneficiary:
    """What the lot report needs about a person (CCTP 2 b); never a name or a birth date."""

    sex: str | None = field(CODE, "sexe", codes=Codes(SEXES, SEX_ALIASES, fold=True),
                            personal=True)
    age_at_prescription: int | None = field(INT, "âge à la prescription", unit="ans",
                                            minimum=0, maximum=130, personal=True)
    without_qualification: bool | None = field(BOOL, "sans qualification", personal=True)


#: The events: a tagged union on ``type`` (one model per type, in workflow order).
EVENTS = tagged("type", EVENT_TYPES, title="un événement du parcours",
                labels={code: cls.LABEL for code, cls in EVENT_TYPES.items()})
#: The most events a case may hold.
EVENTS_MAX = 100_000


@attrs.frozen(slots=True, kw_only=True)
class Case:
    """One beneficiary's case: a pseudonymous ID, where it is followed, and its event log."""

    events: tuple[Event, ...] = field(EVENTS, "événements du parcours", "dans n'importe quel "
                                      "ordre", required=True, many=True, max_items=EVENTS_MAX)
    case_id: str | None = field(ID, "identifiant pseudonyme du parcours", "jamais repris",
                                personal=True)
    spip: str | None = field(TEXT, "code du SPIP (département), ex. « 21 »", personal=True,
                             max_length=8)
    site: str | None = field(ID, "site (établissement ou antenne)", personal=True)
    setting: str | None = field(CODE, "milieu", codes=SETTING_CODES)
    beneficiary: Beneficiary | None = field(Beneficiary, "faits sur la personne (rapport du "
                                            "lot)")
    #: The facilitator who follows the case (an ID of the roster), to group due dates.
    facilitator: str | None = field(ID, "identifiant de l'intervenant qui suit le parcours",
                                    "celui du tableau d'effectifs")


# --- reading JSON-like input (describe.read: one description per model) ---------------

def read_event(value: Any, path: str = "") -> Event:
    """An :class:`Event` as is, or one read from a JSON-like dict (errors name the path)."""
    return read(EVENTS, value, path)


def read_case(value: Any, path: str = "") -> Case:
    """A :class:`Case` as is, a bare list of events, or a case object from JSON."""
    if isinstance(value, Case):
        return value
    if isinstance(value, (list, tuple)):
        return read(Case, {"events": value}, path)
    return read(Case, value, path)


_AT_READERS = {timed: value_reader(FieldInfo(PARIS_INSTANT if timed else DAY_OR_INSTANT,
                                             "at", required=True)) for timed in (True, False)}


def as_event_instant(timed: bool) -> Any:
    """The reader of an event's ``at`` (``timed``: a date and time), for a field read by
    hand: an aware datetime (without offset: Paris wall time), or (unless ``timed``) a date."""
    return _AT_READERS[bool(timed)]


# --- JSON Schema (draft 2020-12), derived from the description -----------------------

def event_schema() -> dict:
    """One event: a ``oneOf`` over the types, each with its own fields."""
    return union_schema(EVENTS)


def case_schema(standalone: bool = True) -> dict:
    """A case: its pseudonymous ID, SPIP, site, setting, beneficiary facts and events."""
    return json_schema(Case, title="Journal d'événements d'un parcours PPAIP",
                       root=standalone)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
