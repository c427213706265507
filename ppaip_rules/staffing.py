"""CCTP 6.7 — Les moyens humains: the provider's team, checked from its roster.

A roster (:class:`Roster`) describes one lot: its prison establishments (MF,
the list of annex 1 of the contract, which the CCTP does not reproduce: it is
input data), its reception places in the community (MO, see
:mod:`ppaip_rules.premises`), the facilitators, their access requests to each
establishment, and the staff movements (departures and absences).

:func:`check_roster` checks it on a given day (``as_of``: there is no hidden
clock) against every rule of CCTP 6.7 and 6.8:

- STAFF-PSY-SHARE: about 30 % work psychologists, subcontractors included, by
  headcount (default), weekly hours or full-time equivalent, among those in post
  and assigned to a site (ambiguity 12, policy ``share_counts``);
- STAFF-PSY-REGISTRY: each psychologist's ADELI or RPPS number has a valid form;
- STAFF-QUALIF: non-psychologists hold at least level 5 (old level III) and
  have experience in orientation or insertion services;
- STAFF-REPLACE (deadline, see :mod:`ppaip_rules.deadlines`): a departure or a
  planned or prolonged absence is notified to the DISP, the SPIP and the
  establishment, and the person is replaced within 10 jours ouvrables;
- STAFF-REPLACE-KIND: a psychologist is replaced by a psychologist only;
- STAFF-SUBSTITUTE: a substitute is designated, has filed access requests for
  every MF establishment of the lot by the start, and each change of the
  substitute list is followed by its transmission to the DISP (one finding per
  substitute, naming the establishments);
- STAFF-COORDINATOR: a facilitator-coordinator per establishment;
- STAFF-ACCESS (deadline): for the team at the start of the market, the access
  request is filed at least one month before the start (ambiguity 11, policy
  ``access_lead_from``), with an ID document; a clean criminal record is attested;
- STAFF-AUTH-BEFORE-WORK: no session in an establishment before the
  facilitator's authorisation for it is granted;
- STAFF-CONTACTS: the establishment's contact list is updated after each staff change;
- STAFF-TEAM-AT-START: the team is complete when the market starts;
- PREM-MO, PREM-MO-HOURS: a compliant reception place in each département of
  the lot, with its days and opening hours.

A fact the roster does not give is a missing fact (:func:`~ppaip_rules.model.missing_fact`):
never read as compliance nor as a breach. STAFF-PSY-SHARE always reports its
figures (as data in the finding's ``found``), compliant or not.

The roster is read from JSON-like data (:func:`read_roster`, schema
:func:`roster_schema`) or from a spreadsheet's CSV export
(:func:`ppaip_rules.roster_csv.read_roster_csv`). Facilitators are known by a
pseudonymous identifier only; no name is ever read or written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

import attrs

from ._roster_example import example_roster, with_facilitator
from .calendar import require_input_year, to_paris_date
from .deadlines import Deadline, deadline
from .errors import InputError
from .frenchtext import format_date, format_value, plural
from .model import (
    INFO,
    VIOLATION,
    WARNING,
    Example,
    Finding,
    Flag,
    Report,
    Step,
    get_rule,
    missing_fact,
    rule,
    run_rules,
    source_note,
)
from .parameters import DIJON, ContractParameters
from .parsing import (
    Fields,
    as_bool,
    as_choice,
    as_date,
    as_date_or_datetime,
    as_int,
    as_list,
    as_number,
    as_object,
)
from .premises import PREMISES_SCHEMA, Premises, as_departement, read_premises, yes_no_flag
from .spreadsheet import TabularInput

# --- vocabulary ----------------------------------------------------------------

PSYCHOLOGIST = "psychologue"
ADVISER = "cip"
ROLES = {PSYCHOLOGIST: "psychologue du travail", ADVISER: "conseiller en insertion professionnelle"}
EMPLOYMENTS = {"salarie": "salarié", "sous-traitant": "sous-traitant"}
REGISTRIES = ("ADELI", "RPPS")

DEPARTURE = "depart"
PLANNED_ABSENCE = "absence-programmee"
PROLONGED_ABSENCE = "absence-prolongee"
SHORT_ABSENCE = "absence-ponctuelle"
EVENT_KINDS = {
    DEPARTURE: "Départ",
    PLANNED_ABSENCE: "Absence programmée",
    PROLONGED_ABSENCE: "Absence prolongée",
    SHORT_ABSENCE: "Absence ponctuelle",
}
#: The movements CCTP 6.7 is about ("changement de personnel", "absence programmée ou prolongée").
REPLACEMENT_KINDS = (DEPARTURE, PLANNED_ABSENCE, PROLONGED_ABSENCE)

#: Bases for the psychologist share (English API name → French name, both accepted).
BASES = {"headcount": "effectif", "hours": "heures", "fte": "etp"}

#: Décret n° 2019-14 du 8 janvier 2019, art. 1: the 1969 nomenclature (V to I)
#: mapped to the national framework of certifications (levels 1 to 8). Old level I
#: became 7 or 8: it is read as 7, the lower of the two.
OLD_TO_NEW_LEVEL = {"V": 3, "IV": 4, "III": 5, "II": 6, "I": 7}
NEW_TO_OLD_LEVEL = {3: "V", 4: "IV", 5: "III", 6: "II", 7: "I", 8: "I"}

#: A pseudonymous identifier: never a name (no spaces), at most 40 characters.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$"
_ID = re.compile(ID_PATTERN)
_ID_EXPECTED = ("un identifiant pseudonyme : lettres sans accent, chiffres, « - », « _ » ou "
                "« . », sans espace, 40 caractères au plus (jamais un nom)")


# --- converters (JSON-like values → typed values) ---------------------------------

def as_id(value: Any, path: str) -> str:
    """A pseudonymous identifier (``PSY-1``, ``MA-DIJON``)."""
    if isinstance(value, str) and _ID.match(value):
        return value
    raise InputError(path, _ID_EXPECTED)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def as_roster_date(value: Any, path: str) -> dt.date:
    """A date (``AAAA-MM-JJ`` or ``JJ/MM/AAAA``) inside the calendar's years."""
    day = None
    if type(value) is str and _ISO_DATE.fullmatch(value):      # the common case, fast
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if day is None:
        day = as_date(value, path)
    require_input_year(day, path)
    return day


def as_of_day(value: Any, path: str = "as_of") -> dt.date:
    """The day of the check: a date or an instant (its Paris calendar day)."""
    if value is None:
        raise InputError(path, "la date du contrôle (AAAA-MM-JJ, JJ/MM/AAAA ou date et heure "
                               "ISO 8601 ; --as-of en ligne de commande)", "champ manquant")
    day = to_paris_date(as_date_or_datetime(value, path))
    require_input_year(day, path)
    return day


def as_qualification(value: Any, path: str) -> int:
    """A qualification level, new (1 to 8) or old (V to I) nomenclature → new level."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8:
        return value
    if isinstance(value, str):
        text = re.sub(r"^niveau\s*", "", value.strip(), flags=re.IGNORECASE).upper()
        if text in OLD_TO_NEW_LEVEL:
            return OLD_TO_NEW_LEVEL[text]
        if text in {str(n) for n in range(1, 9)}:
            return int(text)
    raise InputError(path, "un niveau de qualification : 3 à 8 (nouvelle nomenclature) ou "
                           "V, IV, III, II, I (ancienne)")


def as_registry_number(value: Any, path: str) -> str:
    """A registry number as text (a JSON number would lose a leading zero)."""
    if isinstance(value, str) and len(value) <= 40:
        return value
    raise InputError(path, "un numéro ADELI ou RPPS en texte (entre guillemets, pour garder "
                           "les zéros initiaux)")


def as_basis(value: Any, path: str = "basis") -> str:
    """``headcount``/``hours``/``fte`` or their French names ``effectif``/``heures``/``etp``."""
    if isinstance(value, str):
        text = value.strip().lower()
        for api, french in BASES.items():
            if text in (api, french):
                return api
    raise InputError(path, "une base de calcul parmi : headcount (effectif), hours (heures), "
                           "fte (etp)")


# --- the model -------------------------------------------------------------------

def _is(*types: type, optional: bool = False, expected: str):
    """An attrs validator raising :class:`InputError` (bool is never taken for int)."""
    def validate(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if value is None and optional:
            return
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            raise InputError(attribute.name, expected)
    return validate


def _tuple_of(*types: type, expected: str):
    def validate(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if not isinstance(value, tuple) or not all(isinstance(v, types) for v in value):
            raise InputError(attribute.name, expected)
    return validate


def _one_of(choices: Iterable[str], optional: bool = False):
    allowed = tuple(choices)

    def validate(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if value is None and optional:
            return
        if value not in allowed:
            raise InputError(attribute.name, "une valeur parmi : " + ", ".join(allowed))
    return validate


_DATE = "une date (datetime.date)"
_OPT_BOOL = _is(bool, optional=True, expected="True, False ou None")


@attrs.frozen
class Establishment:
    """A prison establishment (MF) of the lot, with its facilitator-coordinator."""

    id: str = attrs.field(validator=_is(str, expected="un identifiant"))
    departement: str = attrs.field(validator=_is(str, expected="un code de département"))
    coordinator: str | None = attrs.field(default=None, validator=_is(
        str, optional=True, expected="un identifiant d'intervenant"))
    #: Days the facilitators' contact details for this establishment were stated or
    #: updated (CCTP 6.7 « indiquera et actualisera en temps réel »); None: not recorded.
    contacts_updated_on: tuple[dt.date, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple),
        validator=attrs.validators.optional(_tuple_of(dt.date, expected="des dates")))


@attrs.frozen
class Facilitator:
    """One facilitator (intervenant), known by a pseudonymous identifier only."""

    id: str = attrs.field(validator=_is(str, expected="un identifiant"))
    role: str = attrs.field(validator=_one_of(ROLES))
    employment: str | None = attrs.field(default=None, validator=_one_of(EMPLOYMENTS, True))
    registry: str | None = attrs.field(default=None, validator=_one_of(REGISTRIES, True))
    registry_number: str | None = attrs.field(default=None, repr=False, validator=_is(
        str, optional=True, expected="un numéro en texte"))
    qualification: int | None = attrs.field(default=None, validator=_is(
        int, optional=True, expected="un niveau de 1 à 8 (nouvelle nomenclature)"))
    experience: bool | None = attrs.field(default=None, validator=_OPT_BOOL)
    weekly_hours: float | None = attrs.field(default=None, validator=_is(
        int, float, optional=True, expected="un nombre d'heures"))
    fte: float | None = attrs.field(default=None, validator=_is(
        int, float, optional=True, expected="un nombre d'ETP"))
    sites: tuple[str, ...] = attrs.field(default=(), converter=tuple, validator=_tuple_of(
        str, expected="des identifiants d'établissements ou de lieux MO"))
    start_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    substitute: bool = attrs.field(default=False, validator=_is(bool, expected="True ou False"))
    criminal_record_clean: bool | None = attrs.field(default=None, validator=_OPT_BOOL)
    cv_sent: bool | None = attrs.field(default=None, validator=_OPT_BOOL)

    @property
    def is_psychologist(self) -> bool:
        return self.role == PSYCHOLOGIST


@attrs.frozen
class AccessRequest:
    """A facilitator's access request to one establishment, and its grant."""

    facilitator: str = attrs.field(validator=_is(str, expected="un identifiant"))
    establishment: str = attrs.field(validator=_is(str, expected="un identifiant"))
    requested_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    granted_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    id_document: bool | None = attrs.field(default=None, validator=_OPT_BOOL)
    #: First session the facilitator delivered in this establishment (STAFF-AUTH-BEFORE-WORK).
    first_session_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))


@attrs.frozen
class SubstituteListUpdate:
    """A change of the substitute list and the day the updated list was sent to the DISP."""

    changed_on: dt.date = attrs.field(validator=_is(dt.date, expected=_DATE))
    sent_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))


@attrs.frozen
class StaffEvent:
    """A staff movement: a departure or an absence, its replacement and notifications."""

    facilitator: str = attrs.field(validator=_is(str, expected="un identifiant"))
    kind: str = attrs.field(validator=_one_of(EVENT_KINDS))
    start: dt.date = attrs.field(validator=_is(dt.date, expected=_DATE))
    end: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    replaced_by: str | None = attrs.field(default=None, validator=_is(
        str, optional=True, expected="un identifiant"))
    replaced_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    notified_disp_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    notified_spip_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    notified_establishment_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))


@attrs.frozen
class Roster:
    """The team of one lot. ``departements`` defaults to those of the lot's SPIPs."""

    lot: int = attrs.field(validator=_is(int, expected="un numéro de lot"))
    market_start: dt.date = attrs.field(validator=_is(dt.date, expected=_DATE))
    establishments: tuple[Establishment, ...] = attrs.field(
        default=(), converter=tuple, validator=_tuple_of(Establishment, expected="des Establishment"))
    facilitators: tuple[Facilitator, ...] = attrs.field(
        default=(), converter=tuple, validator=_tuple_of(Facilitator, expected="des Facilitator"))
    access: tuple[AccessRequest, ...] = attrs.field(
        default=(), converter=tuple, validator=_tuple_of(AccessRequest, expected="des AccessRequest"))
    events: tuple[StaffEvent, ...] = attrs.field(
        default=(), converter=tuple, validator=_tuple_of(StaffEvent, expected="des StaffEvent"))
    premises: tuple[Premises, ...] = attrs.field(
        default=(), converter=tuple, validator=_tuple_of(Premises, expected="des Premises"))
    departements: tuple[str, ...] | None = attrs.field(default=None, validator=_is(
        tuple, optional=True, expected="des codes de département"))
    substitute_list_sent_on: dt.date | None = attrs.field(default=None, validator=_is(
        dt.date, optional=True, expected=_DATE))
    #: Later changes of the substitute list, each with its transmission to the DISP.
    substitute_list_updates: tuple[SubstituteListUpdate, ...] = attrs.field(
        default=(), converter=tuple,
        validator=_tuple_of(SubstituteListUpdate, expected="des SubstituteListUpdate"))

    def __attrs_post_init__(self) -> None:
        _check_references(self)


def _check_references(roster: Roster) -> None:
    """Identifiers are unique and every reference points to something declared."""
    sites: dict[str, str] = {}
    for section, items in (("establishments", roster.establishments),
                           ("premises", roster.premises)):
        for i, item in enumerate(items):
            if item.id in sites:
                raise InputError(f"{section}[{i}].id", "un identifiant de site unique "
                                 "(établissements et lieux MO)", "identifiant en double")
            sites[item.id] = section
    people: set[str] = set()
    for i, f in enumerate(roster.facilitators):
        if f.id in people:
            raise InputError(f"facilitators[{i}].id", "un identifiant d'intervenant unique",
                             "identifiant en double")
        people.add(f.id)
        for j, site in enumerate(f.sites):
            if site not in sites:
                raise InputError(f"facilitators[{i}].sites[{j}]", "l'identifiant d'un "
                                 "établissement ou d'un lieu MO du tableau", "site inconnu")
    for i, e in enumerate(roster.establishments):
        if e.coordinator is not None and e.coordinator not in people:
            raise InputError(f"establishments[{i}].coordinator",
                             "l'identifiant d'un intervenant du tableau", "intervenant inconnu")
    pairs: set[tuple[str, str]] = set()
    for i, a in enumerate(roster.access):
        if a.facilitator not in people:
            raise InputError(f"access[{i}].facilitator",
                             "l'identifiant d'un intervenant du tableau", "intervenant inconnu")
        if sites.get(a.establishment) != "establishments":
            raise InputError(f"access[{i}].establishment", "l'identifiant d'un établissement "
                             "(milieu fermé) du tableau", "établissement inconnu")
        if (a.facilitator, a.establishment) in pairs:
            raise InputError(f"access[{i}]", "une seule ligne d'accès par intervenant et par "
                             "établissement", "ligne en double")
        pairs.add((a.facilitator, a.establishment))
        if a.requested_on and a.granted_on and a.granted_on < a.requested_on:
            raise InputError(f"access[{i}].granted_on", "une date de délivrance postérieure "
                             "ou égale à la date de demande", "dates incohérentes")
    for i, ev in enumerate(roster.events):
        if ev.facilitator not in people:
            raise InputError(f"events[{i}].facilitator",
                             "l'identifiant d'un intervenant du tableau", "intervenant inconnu")
        if ev.replaced_by is not None and (ev.replaced_by not in people
                                           or ev.replaced_by == ev.facilitator):
            raise InputError(f"events[{i}].replaced_by", "l'identifiant d'un autre intervenant "
                             "du tableau", "intervenant inconnu")
        if ev.end is not None and ev.end < ev.start:
            raise InputError(f"events[{i}].end", "une date de fin postérieure ou égale à la "
                             "date de début", "dates incohérentes")


# --- reading JSON-like data ---------------------------------------------------------

def _read_establishment(f: Fields) -> Establishment:
    item = Establishment(f.required("id", as_id), f.required("departement", as_departement),
                         f.optional("coordinator", as_id),
                         f.optional("contacts_updated_on", as_list(as_roster_date, 10_000)))
    f.done()
    return item


_HOURS = as_number(minimum=0, maximum=168)
_FTE = as_number(minimum=0, maximum=10)


def _read_facilitator(f: Fields) -> Facilitator:
    item = Facilitator(
        id=f.required("id", as_id),
        role=f.required("role", as_choice(ROLES)),
        employment=f.optional("employment", as_choice(EMPLOYMENTS)),
        registry=f.optional("registry", as_choice(REGISTRIES)),
        registry_number=f.optional("registry_number", as_registry_number),
        qualification=f.optional("qualification", as_qualification),
        experience=f.optional("experience", as_bool),
        weekly_hours=f.optional("weekly_hours", _HOURS),
        fte=f.optional("fte", _FTE),
        sites=f.optional("sites", as_list(as_id, 1000), ()),
        start_on=f.optional("start_on", as_roster_date),
        substitute=f.optional("substitute", as_bool, False),
        criminal_record_clean=f.optional("criminal_record_clean", as_bool),
        cv_sent=f.optional("cv_sent", as_bool),
    )
    f.done()
    return item


def _read_access(f: Fields) -> AccessRequest:
    item = AccessRequest(f.required("facilitator", as_id), f.required("establishment", as_id),
                         f.optional("requested_on", as_roster_date),
                         f.optional("granted_on", as_roster_date),
                         f.optional("id_document", as_bool),
                         f.optional("first_session_on", as_roster_date))
    f.done()
    return item


def _read_list_update(f: Fields) -> SubstituteListUpdate:
    item = SubstituteListUpdate(f.required("changed_on", as_roster_date),
                                f.optional("sent_on", as_roster_date))
    f.done()
    return item


def _read_event(f: Fields) -> StaffEvent:
    item = StaffEvent(
        facilitator=f.required("facilitator", as_id),
        kind=f.required("kind", as_choice(EVENT_KINDS)),
        start=f.required("start", as_roster_date),
        end=f.optional("end", as_roster_date),
        replaced_by=f.optional("replaced_by", as_id),
        replaced_on=f.optional("replaced_on", as_roster_date),
        notified_disp_on=f.optional("notified_disp_on", as_roster_date),
        notified_spip_on=f.optional("notified_spip_on", as_roster_date),
        notified_establishment_on=f.optional("notified_establishment_on", as_roster_date),
    )
    f.done()
    return item


def read_roster(data: Any) -> Roster:
    """A :class:`Roster` as is, or one read from JSON-like data (see :func:`roster_schema`)."""
    if isinstance(data, Roster):
        return data
    if isinstance(data, TabularInput):          # read from a spreadsheet file
        return read_roster(data.data)
    f = Fields(data)
    roster = Roster(
        lot=f.required("lot", as_int(minimum=1, maximum=999)),
        market_start=f.required("market_start", as_roster_date),
        establishments=f.optional("establishments", as_list(as_object(_read_establishment)), ()),
        facilitators=f.optional("facilitators", as_list(as_object(_read_facilitator)), ()),
        access=f.optional("access", as_list(as_object(_read_access)), ()),
        events=f.optional("events", as_list(as_object(_read_event)), ()),
        premises=f.optional("premises", as_list(as_object(
            lambda fields: read_premises(fields, as_id))), ()),
        departements=f.optional("departements", as_list(as_departement, 200)),
        substitute_list_sent_on=f.optional("substitute_list_sent_on", as_roster_date),
        substitute_list_updates=f.optional("substitute_list_updates",
                                           as_list(as_object(_read_list_update), 10_000), ()),
    )
    f.done()
    return roster


_DATE_SCHEMA = {"type": "string", "description": "date AAAA-MM-JJ ou JJ/MM/AAAA"}
_ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN}


def roster_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a roster."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Tableau des effectifs d'un lot (CCTP 6.7, 6.8)",
        "type": "object",
        "required": ["lot", "market_start"],
        "additionalProperties": False,
        "properties": {
            "lot": {"type": "integer", "minimum": 1},
            "market_start": dict(_DATE_SCHEMA, description="démarrage du marché (AAAA-MM-JJ "
                                 "ou JJ/MM/AAAA)"),
            "departements": {"type": "array", "items": PREMISES_SCHEMA["properties"][
                "departement"], "description": "départements du lot (défaut : ceux de ses SPIP)"},
            "substitute_list_sent_on": dict(_DATE_SCHEMA, description="liste des suppléants "
                                            "transmise à la DISP le"),
            "substitute_list_updates": {"type": "array", "items": {
                "type": "object", "required": ["changed_on"], "additionalProperties": False,
                "properties": {
                    "changed_on": dict(_DATE_SCHEMA, description="liste des suppléants "
                                       "modifiée le"),
                    "sent_on": dict(_DATE_SCHEMA, description="liste modifiée transmise à "
                                    "la DISP le")}}},
            "establishments": {"type": "array", "items": {
                "type": "object", "required": ["id", "departement"],
                "additionalProperties": False,
                "properties": {"id": _ID_SCHEMA,
                               "departement": PREMISES_SCHEMA["properties"]["departement"],
                               "coordinator": _ID_SCHEMA,
                               "contacts_updated_on": {
                                   "type": "array", "items": _DATE_SCHEMA,
                                   "description": "coordonnées des intervenants indiquées ou "
                                                  "actualisées les"}}}},
            "facilitators": {"type": "array", "items": {
                "type": "object", "required": ["id", "role"], "additionalProperties": False,
                "properties": {
                    "id": _ID_SCHEMA,
                    "role": {"enum": list(ROLES)},
                    "employment": {"enum": list(EMPLOYMENTS)},
                    "registry": {"enum": list(REGISTRIES)},
                    "registry_number": {"type": "string", "maxLength": 40},
                    "qualification": {"oneOf": [
                        {"type": "integer", "minimum": 1, "maximum": 8},
                        {"type": "string", "description": "« III », « niveau 5 »…"}]},
                    "experience": {"type": "boolean"},
                    "weekly_hours": {"type": "number", "minimum": 0, "maximum": 168},
                    "fte": {"type": "number", "minimum": 0, "maximum": 10},
                    "sites": {"type": "array", "items": _ID_SCHEMA},
                    "start_on": _DATE_SCHEMA,
                    "substitute": {"type": "boolean"},
                    "criminal_record_clean": {"type": "boolean"},
                    "cv_sent": {"type": "boolean"},
                }}},
            "access": {"type": "array", "items": {
                "type": "object", "required": ["facilitator", "establishment"],
                "additionalProperties": False,
                "properties": {"facilitator": _ID_SCHEMA, "establishment": _ID_SCHEMA,
                               "requested_on": _DATE_SCHEMA, "granted_on": _DATE_SCHEMA,
                               "id_document": {"type": "boolean"},
                               "first_session_on": dict(_DATE_SCHEMA, description=(
                                   "première séance de l'intervenant dans l'établissement"))}}},
            "events": {"type": "array", "items": {
                "type": "object", "required": ["facilitator", "kind", "start"],
                "additionalProperties": False,
                "properties": {"facilitator": _ID_SCHEMA, "kind": {"enum": list(EVENT_KINDS)},
                               "start": _DATE_SCHEMA, "end": _DATE_SCHEMA,
                               "replaced_by": _ID_SCHEMA, "replaced_on": _DATE_SCHEMA,
                               "notified_disp_on": _DATE_SCHEMA,
                               "notified_spip_on": _DATE_SCHEMA,
                               "notified_establishment_on": _DATE_SCHEMA}}},
            "premises": {"type": "array", "items": PREMISES_SCHEMA},
        },
    }


# --- registry numbers ----------------------------------------------------------------

@attrs.frozen
class RegistryCheck:
    """What was checked of a registry number, and what failed (French)."""

    kind: str | None
    valid_form: bool
    problems: tuple[str, ...] = ()
    doubts: tuple[str, ...] = ()
    checked: str = ""


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) key of a string of digits is consistent."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def check_registry_number(number: str | None, declared: str | None,
                          params: ContractParameters = DIJON) -> RegistryCheck:
    """The form of an ADELI or RPPS number; the kind is inferred from the length if not given."""
    adeli, rpps, code = params.adeli_digits, params.rpps_digits, params.adeli_psychologist_code
    what_adeli = (f"forme ADELI — {adeli} chiffres, dont le code profession « {code} » "
                  f"(psychologue) en 3e et 4e position ; département et clé finale non "
                  f"vérifiés (algorithme de clé non publié)")
    what_rpps = (f"forme RPPS — {rpps} chiffres et clé de contrôle (dernier chiffre, formule "
                 f"de Luhn)")
    if not number or not number.strip():
        return RegistryCheck(declared, False, ("aucun numéro ADELI ou RPPS renseigné",),
                             checked="présence d'un numéro")
    digits = re.sub(r"[\s.\-]", "", number)
    if not digits.isascii() or not digits.isdigit():
        return RegistryCheck(declared, False, (
            "le numéro contient d'autres caractères que des chiffres (espaces, points et "
            "tirets mis à part)",), checked="chiffres seulement")
    n = len(digits)
    kind = declared or {adeli: "ADELI", rpps: "RPPS"}.get(n)
    hint = (" (un tableur a pu supprimer un zéro initial : mettre la colonne au format texte)"
            if n + 1 in (adeli, rpps) else "")
    if kind is None:
        return RegistryCheck(None, False, (
            f"le numéro compte {n} chiffres : ni {adeli} (ADELI) ni {rpps} (RPPS){hint}",),
            checked=f"nombre de chiffres ({adeli} pour ADELI, {rpps} pour RPPS)")
    if kind == "ADELI":
        if n != adeli:
            return RegistryCheck(kind, False, (
                f"un numéro ADELI compte {adeli} chiffres ; celui-ci en compte {n}{hint}",),
                checked=what_adeli)
        if digits[2:4] != code:
            return RegistryCheck(kind, False, (
                f"le code profession (3e et 4e chiffres) n'est pas « {code} » : ce numéro "
                f"ADELI n'est pas celui d'un psychologue",), checked=what_adeli)
        return RegistryCheck(kind, True, checked=what_adeli)
    if n != rpps:
        return RegistryCheck(kind, False, (
            f"un numéro RPPS compte {rpps} chiffres ; celui-ci en compte {n}{hint}",),
            checked=what_rpps)
    if not luhn_ok(digits):
        return RegistryCheck(kind, True, doubts=(
            "la clé de contrôle (dernier chiffre, formule de Luhn) ne correspond pas aux "
            "autres chiffres : vérifier le numéro sur l'Annuaire santé",), checked=what_rpps)
    return RegistryCheck(kind, True, checked=what_rpps)


def level_label(level: int) -> str:
    """``niveau 5 (ancien niveau III)``."""
    old = NEW_TO_OLD_LEVEL.get(level)
    return (f"niveau {level} (ancien niveau {old})" if old else
            f"niveau {level} (sans équivalent dans l'ancienne nomenclature)")


# --- the check context ----------------------------------------------------------------

class RosterCheck:
    """A roster on the day of the check, with the indexes every rule needs (built once)."""

    __slots__ = ("access", "access_index", "access_lead_from", "active", "as_of", "basis", "by_id", "current",
                 "departed", "departements", "mf", "params", "position", "registry", "roster",
                 "share_counts", "standing", "started")

    def __init__(self, roster: Roster, as_of: dt.date, basis: str,
                 params: ContractParameters, access_lead_from: str = "market_start",
                 share_counts: str = "assigned"):
        self.roster = roster
        self.access_lead_from = access_lead_from
        self.share_counts = share_counts
        self.as_of = as_of
        self.basis = basis
        self.params = params
        lot = params.lot(roster.lot)
        self.departements = roster.departements or lot.departements
        self.by_id = {f.id: f for f in roster.facilitators}
        self.position = {f.id: i for i, f in enumerate(roster.facilitators)}
        departed: dict[str, dt.date] = {}
        for ev in roster.events:
            if ev.kind == DEPARTURE and ev.start <= as_of:
                if ev.facilitator not in departed or ev.start < departed[ev.facilitator]:
                    departed[ev.facilitator] = ev.start
        self.departed = departed
        self.started = as_of >= roster.market_start
        horizon = max(as_of, roster.market_start)
        #: Not gone at ``as_of`` (future arrivals included).
        self.current = tuple(f for f in roster.facilitators if f.id not in departed)
        #: In post at ``as_of`` (before the start: the team planned for the start).
        self.active = tuple(f for f in self.current if self.start_of(f) <= horizon)
        self.mf = {e.id: e for e in roster.establishments}
        self.access = {(a.facilitator, a.establishment): a for a in roster.access}
        self.access_index = {(a.facilitator, a.establishment): i
                             for i, a in enumerate(roster.access)}
        #: Substitute → the days it stands in for someone (replacement of an event).
        standing: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        for ev in roster.events:
            if ev.replaced_by is not None:
                since = ev.replaced_on or self.by_id[ev.replaced_by].start_on or ev.start
                standing.setdefault(ev.replaced_by, []).append((since, ev.end))
        self.standing = standing
        self.registry = {f.id: check_registry_number(f.registry_number, f.registry, params)
                         for f in roster.facilitators if f.is_psychologist}

    def start_of(self, f: Facilitator) -> dt.date:
        return f.start_on or self.roster.market_start

    def access_path(self, facilitator: str, establishment: str) -> str | None:
        """``access[i]`` of a facilitator's request to an establishment (None: no line)."""
        i = self.access_index.get((facilitator, establishment))
        return None if i is None else f"access[{i}]"

    def stands_in(self, f: Facilitator, day: dt.date) -> bool:
        """The facilitator replaces someone on ``day`` (a declared replacement)."""
        return any(since <= day and (end is None or day <= end)
                   for since, end in self.standing.get(f.id, ()))

    def spip_name(self, departement: str) -> str:
        for spip in self.params.lot(self.roster.lot).spips:
            if departement in spip.code.split("/"):
                return spip.name
        return "hors des SPIP du lot"

    def path_of(self, f: Facilitator) -> str:
        return f"facilitators[{self.position[f.id]}]"


# --- the rules -------------------------------------------------------------------------

_AS_OF = {"as_of": "2025-06-30"}


def _extra_advisers(n: int) -> dict:
    data = example_roster()
    for i in range(n):
        data["facilitators"].append({"id": f"CIP-{i + 2}", "role": ADVISER, "qualification": 5,
                                     "experience": True, "sites": ["MA-DIJON"]})
    return data


def _share_text(value: Fraction) -> str:
    """A share as a French percentage, rounded down to 0.1 (29.96 % is never shown as 30 %)."""
    tenths = math.floor(value * 1000)
    return f"{format_value(tenths / 10)} %"


def _decimal_text(value: Fraction, up: bool = False) -> str:
    """Hours or FTE in French, to 0.01 (rounded up for an amount still missing)."""
    hundredths = math.ceil(value * 100) if up else round(value * 100)
    return format_value(hundredths / 100)


def _exact(value: float) -> Fraction:
    return Fraction(str(value))


#: How many identifiers a message names before « et N autre(s) » (the data has them all).
_SHOWN = 10


def _no_number(f: Facilitator) -> bool:
    """A psychologist whose registry number is not given (a missing fact, not a bad number)."""
    return f.registry_number is None or not f.registry_number.strip()


def _share_team(check: RosterCheck) -> tuple[list[Facilitator], list[dict]]:
    """Who counts for the share on the check day (ambiguity 12), and who is left out, why."""
    day = max(check.as_of, check.roster.market_start)
    counted: list[Facilitator] = []
    left_out: list[dict] = []
    designated = check.share_counts == "designated"
    active = {f.id for f in check.active}
    for f in check.roster.facilitators:
        if f.id in check.departed:
            reason = f"parti le {format_date(check.departed[f.id])}"
        elif f.id not in active:
            reason = f"pas encore en poste (arrivée le {format_date(check.start_of(f))})"
        elif designated or f.sites or (f.substitute and check.stands_in(f, day)):
            counted.append(f)
            continue
        elif f.substitute:
            reason = "suppléant qui ne remplace personne au jour du contrôle"
        else:
            reason = "aucun site d'intervention"
        left_out.append({"id": f.id, "reason": reason})
    return counted, left_out


def _band(share: Fraction, target: Fraction, floor: Fraction) -> int:
    return 0 if share >= target else 1 if share >= floor else 2


def _share_figures(psy: Fraction, total: Fraction, basis: str, target: Fraction,
                   left_out: list[dict], unregistered: list[str], reading: str) -> dict:
    number = (lambda v: int(v)) if basis == "headcount" else (lambda v: round(float(v), 2))
    return {
        "basis": basis,
        "reading": reading,
        "psychologists": number(psy),
        "total": number(total),
        "share": round(float(psy / total), 4) if total else None,
        "target": float(target),
        "left_out": left_out,
        "psychologists_not_counted": unregistered,
    }


@rule("STAFF-PSY-SHARE", clause="CCTP 6.7", title=f"Environ {DIJON.psychologist_share_percent:g} % de psychologues du travail",
      severity=VIOLATION, subject="roster",
      parameters=("psychologist_share_percent", "psychologist_tolerance_points"),
      requirement="L'ensemble des intervenants (sous-traitants inclus) compte un volume "
                  "suffisant de psychologues du travail (environ 30 %) inscrits au répertoire "
                  "ADELI.",
      interpretation="« Environ 30 % » : part calculée par effectif (par défaut), par heures "
                     "hebdomadaires ou par ETP au choix ; sous 30 % moins la tolérance "
                     "(5 points) c'est une violation, dans la marge un avertissement. "
                     "« L'ensemble des intervenants » (ambiguïté 12) : par défaut, les "
                     "intervenants en poste au jour du contrôle (avant le démarrage : l'équipe "
                     "prévue au démarrage) et affectés à au moins un site ; un suppléant n'est "
                     "compté que s'il a ses propres sites ou remplace quelqu'un ce jour-là "
                     "(share_counts=\"assigned\"). Autre lecture : toutes les personnes "
                     "désignées, suppléants en attente compris (share_counts=\"designated\"). "
                     "Seuls les psychologues au numéro ADELI ou RPPS de forme valide comptent "
                     "comme psychologues ; quand un numéro n'est pas renseigné et que le "
                     "verdict en dépend, c'est une information manquante. Le rapport donne toujours les chiffres (constat "
                     "d'information quand la part est atteinte) : psychologues comptés, total, "
                     "part, et les intervenants non comptés avec le motif.",
      examples=(
          Example("1 psychologue sur 2 intervenants affectés : 50 % (le suppléant en attente "
                  "n'est pas compté) ; les chiffres sont donnés en information", "roster",
                  example_roster(), fires=True, severity=INFO, options=_AS_OF),
          Example("1 psychologue sur 4 intervenants : 25 %, dans la marge de tolérance",
                  "roster", _extra_advisers(2), severity=WARNING, options=_AS_OF),
          Example("1 psychologue sur 5 intervenants affectés : 20 % ; le suppléant "
                  "psychologue en attente ne compte pas", "roster", _extra_advisers(3),
                  severity=VIOLATION, options=_AS_OF),
      ))
def staff_psy_share(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    team, left_out = _share_team(check)
    target = _exact(params.psychologist_share_percent) / 100
    floor = target - _exact(params.psychologist_tolerance_points) / 100
    basis = check.basis
    field = {"hours": "weekly_hours", "fte": "fte"}.get(basis)
    total = psy = Fraction(0)
    advisers = 0
    counted_psy: list[str] = []
    counted_others: list[str] = []
    unregistered: list[str] = []
    no_number: list[str] = []
    unknown = Fraction(0)                   # psychologists whose number is not given
    for f in team:
        if field is None:
            weight = Fraction(1)
        else:
            value = getattr(f, field)
            if value is None:
                what = "heures hebdomadaires" if basis == "hours" else "ETP"
                raise InputError(f"{check.path_of(f)}.{field}", f"les {what} de chaque "
                                 f"intervenant en poste (base de calcul « {BASES[basis]} »)",
                                 "valeur manquante")
            weight = _exact(value)
        total += weight
        if f.is_psychologist:
            if check.registry[f.id].valid_form:
                psy += weight
                counted_psy.append(f.id)
            elif _no_number(f):
                unknown += weight
                no_number.append(f.id)
            else:
                unregistered.append(f.id)
        else:
            advisers += 1
            counted_others.append(f.id)
    uncounted = len(unregistered)
    steps = _share_steps(params, basis, check.share_counts, target, floor, counted_psy,
                         counted_others, unregistered, no_number, left_out, psy, total)
    figures = _share_figures(psy, total, basis, target, left_out, unregistered,
                             check.share_counts)
    figures["psychologists_without_number"] = no_number
    outside = ""
    if left_out:
        shown = ", ".join(f"{x['id']} ({x['reason']})" for x in left_out[:_SHOWN])
        more = f" et {len(left_out) - _SHOWN} autre(s)" if len(left_out) > _SHOWN else ""
        outside = f" Non comptés : {shown}{more}."
    if not team:
        yield Flag("Aucun intervenant en poste et affecté à un site au jour du contrôle : la "
                   "part de psychologues du travail est nulle." + outside,
                   expected=f"au moins {_share_text(target)}", found=figures,
                   path="facilitators", trace=steps)
        return
    if total == 0:
        yield Flag("Le volume total des intervenants en poste est nul : la part de "
                   "psychologues du travail ne peut être atteinte." + outside,
                   expected=f"au moins {_share_text(target)}", found=figures,
                   path="facilitators", trace=steps)
        return
    share = psy / total
    if unknown and _band(share, target, floor) != _band((psy + unknown) / total, target, floor):
        yield Flag(f"La part de psychologues du travail est entre {_share_text(share)} et "
                   f"{_share_text((psy + unknown) / total)} selon l'inscription de "
                   f"{_names(no_number)}, dont le numéro ADELI ou RPPS n'est pas renseigné ; "
                   f"la règle n'a pas pu être vérifiée.{outside}",
                   expected=f"au moins {_share_text(target)}", found=figures, severity=INFO,
                   path="facilitators", missing=True, trace=steps)
        return
    if basis == "headcount":
        counted = (f"{plural(int(psy), 'psychologue du travail', 'psychologues du travail')} "
                   f"sur {plural(int(total), 'intervenant')}")
    else:
        unit = "h hebdomadaires" if basis == "hours" else "ETP"
        counted = (f"{_decimal_text(psy)} {unit} de psychologue du travail sur "
                   f"{_decimal_text(total)} {unit}")
    counted += f" (sous-traitants inclus), soit {_share_text(share)}"
    note = ""
    if uncounted:
        verb = "n'est pas compté" if uncounted == 1 else "ne sont pas comptés"
        note = (f" {plural(uncounted, 'psychologue', 'psychologues')} sans numéro ADELI ou "
                f"RPPS de forme valide {verb} (voir STAFF-PSY-REGISTRY).")
    if share >= target:
        yield Flag(f"Part de psychologues du travail : {counted} ; au moins "
                   f"{_share_text(target)} attendus.{note}{outside}",
                   expected=f"au moins {_share_text(target)}", found=figures, severity=INFO,
                   path="facilitators", trace=steps)
        return
    missing_same = target * total - psy            # advisers' part turned into psychologists'
    missing_added = missing_same / (1 - target) if target < 1 else None
    if basis == "headcount":
        same = math.ceil(missing_same)
        ways = []
        if same <= advisers:
            ways.append("remplacer " + ("1 conseiller par un psychologue du travail" if same == 1
                                        else f"{same} conseillers par des psychologues du travail"))
        if missing_added is not None:
            added = math.ceil(missing_added)
            ways.append(f"ajouter {plural(added, 'psychologue du travail', 'psychologues du travail')}"
                        f" à l'équipe")
        fix = (f"il manque {plural(same, 'psychologue du travail', 'psychologues du travail')} "
               f"pour atteindre {_share_text(target)}" + (" : " + ", ou ".join(ways) if ways
                                                           else ""))
    else:
        fix = (f"il manque {_decimal_text(missing_same, up=True)} {unit} de psychologue du "
               f"travail pour atteindre {_share_text(target)} à volume constant")
        if missing_added is not None:
            fix += f" (ou {_decimal_text(missing_added, up=True)} {unit} en plus du volume actuel)"
    in_band = share >= floor
    band = (f"dans la marge de tolérance ({_share_text(floor)} à {_share_text(target)})"
            if in_band else f"sous le seuil de tolérance de {_share_text(floor)}")
    yield Flag(f"{counted}, {band}. {fix[0].upper()}{fix[1:]}.{note}{outside}",
               expected=f"au moins {_share_text(target)} (tolérance jusqu'à {_share_text(floor)})",
               found=figures, severity=WARNING if in_band else VIOLATION, path="facilitators", trace=steps)


def _share_steps(params: ContractParameters, basis: str, reading: str, target: Fraction,
                 floor: Fraction, counted_psy: list[str], counted_others: list[str],
                 unregistered: list[str], no_number: list[str], left_out: list[dict],
                 psy: Fraction, total: Fraction) -> tuple[Step, ...]:
    """The steps of STAFF-PSY-SHARE (issue 12 §2): the share aimed at and its tolerance
    (parameters), the basis and reading, the people counted by roster identifier, those
    left out and why, the computation. Identifiers only: never a name nor a number."""
    share = params.psychologist_share_percent
    points = params.psychologist_tolerance_points
    steps = [
        Step(f"Part visée : {format_value(share)} % (paramètre psychologist_share_percent = "
             f"{format_value(share)}, CCTP 6.7"
             f"{source_note(params, 'psychologist_share_percent')}).", clause="CCTP 6.7",
             parameter="psychologist_share_percent", value=share),
        Step(f"Tolérance « environ » : {format_value(points)} points, soit un seuil de "
             f"{_share_text(floor)} (paramètre psychologist_tolerance_points = "
             f"{format_value(points)}, CCTP 6.7"
             f"{source_note(params, 'psychologist_tolerance_points')}).", clause="CCTP 6.7",
             parameter="psychologist_tolerance_points", value=points, computed=float(floor)),
        Step(f"Base de calcul : {BASES.get(basis, basis)} ; intervenants comptés : lecture "
             f"« {reading} » (ambiguïté 12).", computed={"basis": basis, "reading": reading}),
        Step(f"Psychologues du travail comptés (numéro ADELI ou RPPS de forme valide) : "
             f"{_names(counted_psy) or 'aucun'}.", path="facilitators", computed=counted_psy),
        Step(f"Autres intervenants comptés : {_names(counted_others) or 'aucun'}.",
             path="facilitators", computed=counted_others),
    ]
    if unregistered:
        steps.append(Step(f"Comptés dans le total mais pas comme psychologues (numéro de forme "
                          f"non valide) : {_names(unregistered)}.", path="facilitators",
                          computed=unregistered))
    if no_number:
        steps.append(Step(f"Psychologues dont le numéro n'est pas renseigné : "
                          f"{_names(no_number)}.", path="facilitators", computed=no_number))
    for x in left_out[:_SHOWN]:
        steps.append(Step(f"Non compté : {x['id']} ({x['reason']}).", path="facilitators",
                          computed={"id": x["id"], "motif": x["reason"]}))
    if len(left_out) > _SHOWN:
        steps.append(Step(f"Et {len(left_out) - _SHOWN} autre(s) non compté(s) (voir les "
                          f"chiffres du constat).", computed=len(left_out) - _SHOWN))
    if total:
        steps.append(Step(f"Calcul : {_decimal_text(psy)} / {_decimal_text(total)} = "
                          f"{_share_text(psy / total)}.", computed=round(float(psy / total), 4)))
    return tuple(steps)


@rule("STAFF-PSY-REGISTRY", clause="CCTP 6.7",
      title="Numéro ADELI ou RPPS de forme valide pour chaque psychologue",
      severity=VIOLATION, subject="roster",
      parameters=("adeli_digits", "adeli_psychologist_code", "rpps_digits"),
      requirement="Les psychologues du travail sont inscrits au répertoire ADELI ; depuis 2024 "
                  "les psychologues ont un numéro RPPS, lié à leur ancien numéro ADELI. Le "
                  "numéro de chaque psychologue a une forme valide.",
      interpretation="ADELI : 9 chiffres (département 2, profession 2 — « 93 » pour un "
                     "psychologue —, ordre 4, clé 1) ; la clé n'est pas contrôlée, son "
                     "algorithme n'étant pas publié. RPPS : 11 chiffres ; la clé finale est "
                     "contrôlée par la formule de Luhn, employée par les logiciels de santé "
                     "mais sans spécification publique de l'ANS : une clé incohérente donne "
                     "un avertissement, pas une violation. Aucun numéro n'est vérifié auprès "
                     "du répertoire lui-même. Un numéro non renseigné est une information "
                     "manquante.",
      examples=(
          Example("Numéro RPPS de 11 chiffres, clé cohérente", "roster", example_roster(),
                  fires=False, options=_AS_OF),
          Example("Numéro ADELI dont le code profession est « 94 »", "roster",
                  with_facilitator(0, registry="ADELI", registry_number="219400017"),
                  severity=VIOLATION, options=_AS_OF),
          Example("Numéro RPPS dont la clé de Luhn ne correspond pas", "roster",
                  with_facilitator(0, registry_number="10000000018"), severity=WARNING,
                  options=_AS_OF),
      ))
def staff_psy_registry(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    for i, f in enumerate(check.roster.facilitators):
        if not f.is_psychologist or f.id in check.departed:
            continue
        result = check.registry[f.id]
        kind = result.kind or "ADELI ou RPPS"
        path = f"facilitators[{i}].registry_number"
        if _no_number(f):
            yield missing_fact(path, f"psychologue {f.id} : numéro d'inscription ADELI ou RPPS")
            continue
        for problem in result.problems:
            yield Flag(f"Psychologue {f.id} : {problem}. Contrôle effectué : {result.checked}.",
                       expected=f"un numéro {kind} de forme valide", found="forme non valide",
                       path=path)
        for doubt in result.doubts:
            yield Flag(f"Psychologue {f.id} : {doubt}. Contrôle effectué : {result.checked}.",
                       expected="une clé de contrôle cohérente", found="clé incohérente",
                       severity=WARNING, path=path)


@rule("STAFF-QUALIF", clause="CCTP 6.7",
      title="Niveau III (niveau 5) et expérience pour les non-psychologues",
      severity=VIOLATION, subject="roster", parameters=("min_qualification_level",),
      requirement="Les intervenants qui ne sont pas psychologues du travail ont au moins le "
                  "niveau III, de type Conseiller en Insertion Professionnelle, et une "
                  "expérience dans l'animation de prestations d'orientation et/ou d'insertion "
                  "socioprofessionnelle.",
      interpretation="Le niveau III de la nomenclature de 1969 est le niveau 5 du cadre "
                     "national des certifications (décret n° 2019-14 : V→3, IV→4, III→5, "
                     "II→6, I→7 ou 8) ; les deux nomenclatures sont acceptées. Un niveau ou une "
                     "expérience non renseignés sont des informations manquantes (rapport "
                     "incomplet).",
      examples=(
          Example("Conseiller de niveau III avec expérience", "roster",
                  example_roster(), fires=False, options=_AS_OF),
          Example("Conseiller de niveau IV (bac)", "roster",
                  with_facilitator(1, qualification="IV"), severity=VIOLATION, options=_AS_OF),
          Example("Conseiller sans expérience en orientation ou insertion", "roster",
                  with_facilitator(1, experience=False), severity=VIOLATION, options=_AS_OF),
      ))
def staff_qualif(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    minimum = params.min_qualification_level
    for i, f in enumerate(check.roster.facilitators):
        if f.is_psychologist or f.id in check.departed:
            continue
        path = f"facilitators[{i}]"
        if f.qualification is None:
            yield missing_fact(f"{path}.qualification", f"intervenant {f.id} : niveau de "
                               f"qualification (au moins le {level_label(minimum)})",
                               expected=level_label(minimum))
        elif f.qualification < minimum:
            yield Flag(f"Intervenant {f.id} ({ROLES[f.role]}) : {level_label(f.qualification)} ; "
                       f"au moins le {level_label(minimum)} est exigé des non-psychologues.",
                       expected=level_label(minimum), found=level_label(f.qualification),
                       path=f"{path}.qualification")
        flag = yes_no_flag(
            f.experience, f"{path}.experience",
            f"Intervenant {f.id} : pas d'expérience dans l'animation de prestations "
            f"d'orientation ou d'insertion socioprofessionnelle.",
            f"intervenant {f.id} : expérience dans l'animation de prestations d'orientation "
            f"ou d'insertion")
        if flag:
            yield flag


def _replacement(replaced_by: str, role: str) -> dict:
    data = example_roster()
    data["facilitators"].append({"id": replaced_by, "role": role, "qualification": 5,
                                 "experience": True, "registry_number": "10000000025",
                                 "sites": ["MA-DIJON"], "start_on": "2025-05-12"})
    data["events"] = [{"facilitator": "PSY-1", "kind": DEPARTURE, "start": "2025-04-30",
                       "replaced_by": replaced_by, "replaced_on": "2025-05-12",
                       "notified_disp_on": "2025-04-22", "notified_spip_on": "2025-04-22",
                       "notified_establishment_on": "2025-04-22"}]
    return data


def _event_label(ev: StaffEvent) -> str:
    if ev.kind == DEPARTURE:
        return f"Départ de l'intervenant {ev.facilitator} le {format_date(ev.start)}"
    return (f"{EVENT_KINDS[ev.kind]} de l'intervenant {ev.facilitator} à compter du "
            f"{format_date(ev.start)}")


@rule("STAFF-REPLACE-KIND", clause="CCTP 6.7",
      title="Un psychologue n'est remplacé que par un psychologue",
      severity=VIOLATION, subject="roster",
      requirement="En cas de changement de personnel, un conseiller en insertion "
                  "professionnelle ne peut pas remplacer un psychologue du travail ou assimilé.",
      interpretation="Appliqué à tout remplacement déclaré, départ ou absence.",
      examples=(
          Example("Psychologue parti le 30 avril 2025, remplacé par un psychologue", "roster",
                  _replacement("PSY-2", PSYCHOLOGIST), fires=False, options=_AS_OF),
          Example("Psychologue parti le 30 avril 2025, remplacé par un conseiller", "roster",
                  _replacement("CIP-2", ADVISER), severity=VIOLATION, options=_AS_OF),
      ))
def staff_replace_kind(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    for i, ev in enumerate(check.roster.events):
        if ev.replaced_by is None:
            continue
        gone, new = check.by_id[ev.facilitator], check.by_id[ev.replaced_by]
        if gone.is_psychologist and not new.is_psychologist:
            yield Flag(f"{_event_label(ev)} : remplacé par {new.id}, {ROLES[new.role]} ; un "
                       f"psychologue du travail ne peut être remplacé que par un psychologue "
                       f"du travail.", expected=ROLES[PSYCHOLOGIST], found=ROLES[new.role],
                       path=f"events[{i}].replaced_by")


def _no_substitute() -> dict:
    return with_facilitator(2, substitute=False)


def _substitute_late_request() -> dict:
    data = example_roster()
    for a in data["access"]:
        if a["facilitator"] == "SUP-1":
            a.update(requested_on="2025-03-04", granted_on="2025-04-01")
    return data


def _substitute_list_not_sent() -> dict:
    return example_roster(substitute_list_updates=[{"changed_on": "2025-05-05"}])


@rule("STAFF-SUBSTITUTE", clause="CCTP 6.7",
      title="Un suppléant désigné, démarches d'accès faites pour chaque établissement",
      severity=VIOLATION, subject="roster",
      requirement="Un suppléant est désigné par le titulaire du lot en début de marché ; il a "
                  "au préalable « réalisé les démarches d'autorisations d'accès auprès de "
                  "chaque établissement pénitentiaire » ; « la liste du ou des suppléant(s) "
                  "sera actualisée et transmise à la DISP ».",
      interpretation="Ce qui est dû au démarrage du marché (ou au premier jour d'un suppléant "
                     "désigné plus tard) est le dépôt des demandes d'accès, pas leur "
                     "délivrance. Une demande déposée après cette date, ou sans pièce "
                     "d'identité, est une violation ; une date de dépôt non renseignée est une "
                     "information manquante. Un seul constat par suppléant, qui nomme les "
                     "établissements concernés. Chaque modification de la liste "
                     "(substitute_list_updates) est suivie de sa transmission à la DISP : une "
                     "transmission antérieure à la modification est une violation, une date "
                     "non renseignée une information manquante. Avant le démarrage, l'absence "
                     "de suppléant est un avertissement.",
      examples=(
          Example("Un suppléant, demande d'accès déposée le 20 janvier 2025 pour le démarrage "
                  "du 3 mars", "roster", example_roster(), fires=False, options=_AS_OF),
          Example("Aucun suppléant désigné", "roster", _no_substitute(), severity=VIOLATION,
                  options=_AS_OF),
          Example("Demande d'accès du suppléant déposée le 4 mars 2025, après le démarrage",
                  "roster", _substitute_late_request(), severity=VIOLATION, options=_AS_OF),
          Example("Liste des suppléants modifiée le 5 mai 2025, transmission non renseignée",
                  "roster", _substitute_list_not_sent(), severity=INFO, options=_AS_OF),
      ))
def staff_substitute(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    roster, as_of = check.roster, check.as_of
    severity = VIOLATION if check.started else WARNING
    start = format_date(roster.market_start)
    subs = [f for f in check.current if f.substitute]
    if not subs:
        yield Flag(f"Aucun suppléant désigné (démarrage du marché le {start}). Désigner un "
                   f"suppléant et transmettre la liste à la DISP.", expected="au moins un "
                   "suppléant", found="aucun", severity=severity, path="facilitators")
    for i, f in enumerate(roster.facilitators):
        if f.substitute and f.id in check.departed:
            yield Flag(f"Le suppléant {f.id} a quitté l'équipe le "
                       f"{format_date(check.departed[f.id])} et figure encore sur la liste des "
                       f"suppléants : actualiser la liste et la transmettre à la DISP.",
                       expected="une liste des suppléants à jour", found="suppléant parti",
                       path=f"facilitators[{i}].substitute")
    if subs and check.started and roster.substitute_list_sent_on is None:
        yield missing_fact("substitute_list_sent_on",
                           "date de transmission à la DISP de la liste des suppléants")
    for i, u in enumerate(roster.substitute_list_updates):
        if u.changed_on > as_of:
            continue
        path = f"substitute_list_updates[{i}].sent_on"
        if u.sent_on is None:
            yield missing_fact(path, f"transmission à la DISP de la liste des suppléants "
                               f"modifiée le {format_date(u.changed_on)}")
        elif u.sent_on < u.changed_on:
            yield Flag(f"La liste des suppléants modifiée le {format_date(u.changed_on)} n'a "
                       f"pas été transmise à la DISP après sa modification (dernière "
                       f"transmission le {format_date(u.sent_on)}).",
                       expected=f"une transmission le {format_date(u.changed_on)} ou après",
                       found=u.sent_on, path=path)
    establishments = [e.id for e in roster.establishments]
    by_person: dict[str, list[AccessRequest]] = {}
    for a in roster.access:
        by_person.setdefault(a.facilitator, []).append(a)
    for f in subs:
        # Linear in the substitute's own access lines: one finding per substitute, never
        # one per (substitute, establishment) pair (issue 11 item 5, issue 16 item 15).
        due = check.start_of(f)
        late: list[str] = []
        without_id: list[str] = []
        filed: set[str] = set()
        for a in by_person.get(f.id, ()):
            if a.requested_on is not None:
                filed.add(a.establishment)
                if a.requested_on > due:
                    late.append(f"{a.establishment} (demande du {format_date(a.requested_on)})")
            elif a.granted_on is not None and a.granted_on <= due:
                filed.add(a.establishment)
            if a.id_document is False:
                without_id.append(a.establishment)
        count = len(establishments) - len(filed)
        unknown: list[str] = []
        if count:
            for e in establishments:
                if e not in filed:
                    unknown.append(e)
                    if len(unknown) == _SHOWN:
                        break
        path = check.path_of(f)
        if late or without_id:
            parts = []
            if late:
                parts.append(f"demande d'accès déposée après le {format_date(due)} pour "
                             f"{plural(len(late), 'établissement')} : {_names(late)}")
            if without_id:
                parts.append(f"demande sans pièce d'identité pour "
                             f"{plural(len(without_id), 'établissement')} : "
                             f"{_names(without_id)}")
            yield Flag(f"Le suppléant {f.id} n'avait pas réalisé au préalable les démarches "
                       f"d'autorisation d'accès : {' ; '.join(parts)}. Les demandes sont dues "
                       f"au plus tard le {format_date(due)}.",
                       expected=f"demandes déposées au plus tard le {format_date(due)}, avec "
                                f"une pièce d'identité",
                       found=f"{len(late) + len(without_id)} demande(s) en défaut",
                       path=path)
        if count:
            where = f"{plural(count, 'établissement')} : {_names(unknown, count)}"
            if as_of < due:
                yield Flag(f"Le suppléant {f.id} doit avoir déposé ses demandes d'accès au plus "
                           f"tard le {format_date(due)} ({where}).", expected=due,
                           found="en attente", severity=INFO, path=path)
            else:
                yield missing_fact(path, f"date de dépôt des demandes d'accès du suppléant "
                                   f"{f.id} ({where})", expected=due)
    if subs and not any(f.is_psychologist for f in subs) and any(
            f.is_psychologist for f in check.current):
        yield Flag("Aucun suppléant n'est psychologue du travail : un psychologue absent ne "
                   "pourrait pas être remplacé par un suppléant (un conseiller ne peut pas "
                   "remplacer un psychologue).", expected="au moins un suppléant psychologue",
                   found="suppléants conseillers seulement", severity=WARNING,
                   path="facilitators")


def _no_coordinator() -> dict:
    data = example_roster()
    del data["establishments"][0]["coordinator"]
    return data


@rule("STAFF-COORDINATOR", clause="CCTP 6.7",
      title="Un intervenant-coordinateur par établissement",
      severity=VIOLATION, subject="roster",
      requirement="Le titulaire désigne un intervenant-coordinateur du dispositif dans chaque "
                  "établissement, pour faire le lien avec le SPIP, la direction de "
                  "l'établissement et la DISP de Dijon.",
      interpretation="Un coordinateur qui n'intervient pas dans l'établissement (selon la "
                     "colonne des sites) donne un avertissement.",
      examples=(
          Example("Le psychologue PSY-1 coordonne la maison d'arrêt", "roster",
                  example_roster(), fires=False, options=_AS_OF),
          Example("Aucun coordinateur pour la maison d'arrêt", "roster", _no_coordinator(),
                  severity=VIOLATION, options=_AS_OF),
      ))
def staff_coordinator(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    if not check.roster.establishments:
        yield Flag("Aucun établissement pénitentiaire déclaré : saisir les établissements du "
                   "lot (annexe 1 du CCTP) avec leur coordinateur.",
                   expected="les établissements du lot", found="aucun", severity=WARNING,
                   path="establishments")
    for i, e in enumerate(check.roster.establishments):
        path = f"establishments[{i}].coordinator"
        if e.coordinator is None:
            yield Flag(f"Aucun intervenant-coordinateur désigné pour l'établissement {e.id}.",
                       expected="un coordinateur", found="aucun", path=path)
        elif e.coordinator in check.departed:
            yield Flag(f"Le coordinateur de l'établissement {e.id}, {e.coordinator}, a quitté "
                       f"l'équipe le {format_date(check.departed[e.coordinator])} : désigner "
                       f"un nouveau coordinateur.", expected="un coordinateur en poste",
                       found="coordinateur parti", path=path)
        elif e.id not in check.by_id[e.coordinator].sites:
            yield Flag(f"Le coordinateur de l'établissement {e.id}, {e.coordinator}, n'y "
                       f"intervient pas selon le tableau.", expected="un intervenant de "
                       "l'établissement", found="intervient ailleurs", severity=WARNING,
                       path=path)


def _session_before_grant() -> dict:
    data = with_facilitator(1, start_on="2025-05-12")
    data["access"][1].update(requested_on="2025-04-14", granted_on="2025-05-19",
                             first_session_on="2025-05-13")
    return data


def _session_after_grant() -> dict:
    data = _session_before_grant()
    data["access"][1]["first_session_on"] = "2025-05-20"
    return data


@rule("STAFF-AUTH-BEFORE-WORK", clause="CCTP 6.7",
      title="Aucune séance en détention avant l'autorisation d'accès",
      severity=VIOLATION, subject="roster",
      requirement="« Les intervenants ne peuvent exercer en milieu pénitentiaire sans "
                  "autorisation préalable. » Aucune séance n'est animée dans un établissement "
                  "pénitentiaire par un intervenant avant que son autorisation d'accès à cet "
                  "établissement soit délivrée.",
      interpretation="Jugé sur la date de première séance de l'intervenant dans "
                     "l'établissement (first_session_on de la ligne d'accès). Une autorisation "
                     "délivrée au plus tard le premier jour d'intervention suffit sans autre "
                     "date ; sinon, une date de première séance non renseignée est une "
                     "information manquante. Une séance le jour même de la délivrance est "
                     "admise.",
      examples=(
          Example("Autorisation délivrée le 19 mai 2025, première séance le 20 mai", "roster",
                  _session_after_grant(), fires=False, options=_AS_OF),
          Example("Première séance le 13 mai 2025, autorisation délivrée le 19 mai", "roster",
                  _session_before_grant(), severity=VIOLATION, options=_AS_OF),
      ))
def staff_auth_before_work(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    as_of = check.as_of
    for f in check.roster.facilitators:
        start = check.start_of(f)
        if start > as_of:
            continue
        for site in f.sites:
            if site not in check.mf:
                continue
            a = check.access.get((f.id, site))
            at = check.access_path(f.id, site)
            where = f"Intervenant {f.id}, établissement {site}"
            granted = a.granted_on if a is not None else None
            if granted is not None and granted > as_of:
                granted = None                          # not granted on the check day
            first = a.first_session_on if a is not None else None
            if first is not None and first <= as_of:
                if granted is None or first < granted:
                    state = (f"autorisation délivrée le {format_date(granted)}"
                             if granted else "aucune autorisation délivrée au jour du contrôle")
                    yield Flag(f"{where} : première séance le {format_date(first)}, {state} ; "
                               f"un intervenant ne peut exercer en milieu pénitentiaire sans "
                               f"autorisation préalable.",
                               expected="une séance à partir de la délivrance de l'autorisation",
                               found=first, path=f"{at}.first_session_on")
            elif granted is None or granted > start:
                state = (f"autorisation délivrée le {format_date(granted)}, après le début "
                         f"d'intervention du {format_date(start)}" if granted else
                         "aucune autorisation délivrée au jour du contrôle")
                yield missing_fact(f"{at}.first_session_on" if at else
                                   f"{check.path_of(f)}.sites",
                                   f"{where} : date de la première séance ({state})")


def _contacts_late() -> dict:
    data = _replacement("PSY-2", PSYCHOLOGIST)
    data["establishments"][0]["contacts_updated_on"] = ["2025-02-24", "2025-04-30"]
    data["access"].append({"facilitator": "PSY-2", "establishment": "MA-DIJON",
                           "requested_on": "2025-04-22", "granted_on": "2025-05-09",
                           "id_document": True})
    data["facilitators"][-1].update(criminal_record_clean=True, cv_sent=True)
    data["establishments"][0]["coordinator"] = "CIP-1"
    return data


def _contacts_updated() -> dict:
    data = _contacts_late()
    data["establishments"][0]["contacts_updated_on"].append("2025-05-12")
    return data


def _staff_changes(check: RosterCheck) -> dict[str, list[tuple[dt.date, str]]]:
    """Establishment → its staff changes up to the check day (day, what), in input order."""
    changes: dict[str, list[tuple[dt.date, str]]] = {}
    as_of, market = check.as_of, check.roster.market_start

    def add(who: Facilitator, day: dt.date, what: str) -> None:
        if day <= as_of:
            for site in who.sites:
                if site in check.mf:
                    changes.setdefault(site, []).append((day, what))

    replacers = set()
    for ev in check.roster.events:
        if ev.kind == DEPARTURE:
            add(check.by_id[ev.facilitator], ev.start,
                f"départ de {ev.facilitator} le {format_date(ev.start)}")
        if ev.replaced_by is not None:
            new = check.by_id[ev.replaced_by]
            day = ev.replaced_on or new.start_on
            if day is not None:
                replacers.add(new.id)
                add(new, day, f"arrivée de {new.id} le {format_date(day)}")
    for f in check.roster.facilitators:
        if f.id not in replacers and f.start_on is not None and f.start_on > market:
            add(f, f.start_on, f"arrivée de {f.id} le {format_date(f.start_on)}")
    return changes


@rule("STAFF-CONTACTS", clause="CCTP 6.7",
      title="Coordonnées des intervenants actualisées en temps réel",
      severity=VIOLATION, subject="roster",
      requirement="« Pour chaque établissement, le titulaire indiquera et actualisera en temps "
                  "réel les coordonnées de ses intervenants. » Après chaque changement de "
                  "personnel, la liste des coordonnées de l'établissement est actualisée.",
      interpretation="Un changement de personnel est un départ, ou l'arrivée d'un intervenant "
                     "après le démarrage (remplaçant compris), dans un établissement où il "
                     "intervient. « En temps réel » : une actualisation datée du jour du "
                     "changement ou après (contacts_updated_on de l'établissement). Une "
                     "absence sans remplaçant ne change pas la liste. Aucune date "
                     "d'actualisation renseignée : information manquante.",
      examples=(
          Example("PSY-1 part le 30 avril 2025, PSY-2 arrive le 12 mai ; coordonnées "
                  "actualisées le 12 mai", "roster", _contacts_updated(), fires=False,
                  options=_AS_OF),
          Example("Coordonnées actualisées le 30 avril, pas après l'arrivée de PSY-2 le 12 mai",
                  "roster", _contacts_late(), severity=VIOLATION, options=_AS_OF),
      ))
def staff_contacts(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    changes = _staff_changes(check)
    for i, e in enumerate(check.roster.establishments):
        path = f"establishments[{i}].contacts_updated_on"
        if e.contacts_updated_on is None or not e.contacts_updated_on:
            if check.started:
                yield missing_fact(path, f"établissement {e.id} : dates auxquelles les "
                                   f"coordonnées des intervenants ont été indiquées et "
                                   f"actualisées")
            continue
        last = max(e.contacts_updated_on)
        after = [what for day, what in changes.get(e.id, ()) if day > last]
        if after:
            yield Flag(f"Établissement {e.id} : coordonnées des intervenants actualisées en "
                       f"dernier le {format_date(last)}, avant {plural(len(after), 'changement')} "
                       f"de personnel : {_names(after)}. Actualiser les coordonnées à chaque "
                       f"changement.", expected="une actualisation le jour du changement ou après",
                       found=last, path=path)


def _late_starter() -> dict:
    return with_facilitator(1, start_on="2025-04-01")


@rule("STAFF-TEAM-AT-START", clause="CCTP 6.7",
      title="Équipe complète dès le démarrage du marché",
      severity=VIOLATION, subject="roster",
      requirement="Le titulaire garantit qu'il dispose de son équipe constituée dès le "
                  "démarrage du marché ; un curriculum vitae détaillé des intervenants est "
                  "transmis à la DISP en annexe du mémoire technique.",
      interpretation="L'équipe est complète quand chaque établissement et chaque lieu d'accueil "
                     "MO du tableau a au moins un intervenant en poste au démarrage. Avant le "
                     "démarrage, un manque est un avertissement. Un CV marqué « non transmis » "
                     "est une violation ; non renseigné, une information manquante.",
      examples=(
          Example("Chaque site a un intervenant dès le 3 mars 2025", "roster", example_roster(),
                  fires=False, options=_AS_OF),
          Example("Le seul intervenant du lieu de Mâcon n'arrive que le 1er avril 2025",
                  "roster", _late_starter(), severity=VIOLATION, options=_AS_OF),
      ))
def staff_team_at_start(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    roster = check.roster
    start = roster.market_start
    severity = VIOLATION if check.started else WARNING
    initial = [f for f in roster.facilitators if check.start_of(f) <= start]
    if not initial:
        yield Flag(f"Aucun intervenant en poste au démarrage du marché le {format_date(start)}.",
                   expected="une équipe constituée", found="aucun intervenant",
                   severity=severity, path="facilitators")
    covered = {site for f in initial for site in f.sites}
    for section, items, what in (("establishments", roster.establishments, "l'établissement"),
                                 ("premises", roster.premises, "le lieu d'accueil MO")):
        for i, site in enumerate(items):
            if site.id not in covered:
                yield Flag(f"Aucun intervenant n'est en poste pour {what} {site.id} au "
                           f"démarrage du marché le {format_date(start)}.",
                           expected="au moins un intervenant au démarrage", found="aucun",
                           severity=severity, path=f"{section}[{i}]")
    for f in initial:
        flag = yes_no_flag(f.cv_sent, f"{check.path_of(f)}.cv_sent",
                           f"Le CV détaillé de l'intervenant {f.id} n'a pas été transmis à la "
                           f"DISP.", f"intervenant {f.id} : CV détaillé transmis à la DISP")
        if flag:
            yield flag


# --- the deadline rules STAFF-REPLACE and STAFF-ACCESS ---------------------------------

def _notified(ev: StaffEvent, in_prison: bool) -> list[str]:
    missing = []
    if ev.notified_disp_on is None:
        missing.append("la DISP")
    if ev.notified_spip_on is None:
        missing.append("le SPIP")
    if in_prison and ev.notified_establishment_on is None:
        missing.append("l'établissement")
    return missing


def _prefixed(label: str, flag: Flag, path: str) -> Flag:
    """A deadline's flag, its message placed after the label of what it is about."""
    message = flag.message[:1].lower() + flag.message[1:]
    return attrs.evolve(flag, message=f"{label} : {message}", path=path)


def _replace_flags(check: RosterCheck) -> Iterator[Flag]:
    as_of = check.as_of
    for i, ev in enumerate(check.roster.events):
        if ev.kind not in REPLACEMENT_KINDS:
            continue
        label = _event_label(ev)
        path = f"events[{i}]"
        who = check.by_id[ev.facilitator]
        if ev.start <= as_of:
            missing = _notified(ev, any(site in check.mf for site in who.sites))
            if missing:
                # A date not recorded is a missing fact, not proof of silence (RULES.md).
                yield missing_fact(path, f"{label} : date à laquelle ont été informés "
                                   f"{', '.join(missing)} (le titulaire informe la DISP, le "
                                   f"SPIP et l'établissement pénitentiaire)",
                                   expected="DISP, SPIP et établissement informés")
        due = deadline("STAFF-REPLACE", ev.start, params=check.params)
        act = ev.replaced_on
        if act is None and ev.replaced_by is not None:
            act = check.by_id[ev.replaced_by].start_on
            if act is None:
                yield _missing_with_trace(missing_fact(
                    f"{path}.replaced_on", f"{label} : date du remplacement par "
                    f"{ev.replaced_by} (dû au plus tard le {format_date(due.due)})",
                    expected=due.due), due.trace)
                continue
        if act is not None:
            flag = due.flag(act)
            if flag is not None:
                yield _prefixed(label, flag, f"{path}.replaced_on")
        elif ev.end is not None and ev.end <= due.due:
            continue                      # back before the replacement was due
        elif as_of > due.due:
            yield Flag(f"{label} : aucun remplacement au {format_date(as_of)} ; il devait avoir "
                       f"lieu au plus tard le {format_date(due.due)}. Remplacer l'intervenant "
                       f"sans attendre.", expected=due.due, found="aucun remplacement",
                       path=f"{path}.replaced_on", trace=due.trace)
        else:
            yield Flag(f"{label} : remplacement à faire au plus tard le "
                       f"{format_date(due.due)}.", expected=due.due, found="en attente",
                       severity=INFO, path=f"{path}.replaced_on", trace=due.trace)


def _names(items: list[str], total: int | None = None) -> str:
    """Identifiers for a message: the first ones, then « et N autre(s) » (kept linear)."""
    total = len(items) if total is None else total
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" et {total - _SHOWN} autre(s)" if total > _SHOWN else "")


def _access_flags(check: RosterCheck) -> Iterator[Flag]:
    """STAFF-ACCESS: the one-month lead (ambiguity 11), the ID document, the criminal record."""
    as_of = check.as_of
    market = check.roster.market_start
    per_person = check.access_lead_from == "facilitator_start"
    deadlines: dict[dt.date, Deadline] = {}
    for f in check.current:
        needed = [site for site in f.sites if site in check.mf]
        if not needed and not (f.substitute and check.mf):
            continue
        path = check.path_of(f)
        start = check.start_of(f)
        if per_person or start <= market:
            trigger = start if per_person else market
            due = deadlines.get(trigger)
            if due is None:
                due = deadlines[trigger] = deadline("STAFF-ACCESS", trigger, params=check.params)
            for site in needed:
                a = check.access.get((f.id, site))
                where = f"Intervenant {f.id}, établissement {site}"
                at = check.access_path(f.id, site) or path
                if a is not None and a.requested_on is not None:
                    flag = due.flag(a.requested_on)
                    if flag is not None:
                        yield _prefixed(where, flag, f"{at}.requested_on")
                elif a is not None and a.granted_on is not None and a.granted_on <= due.due:
                    continue                  # granted in time: the request was earlier still
                elif as_of > due.due:
                    yield _missing_with_trace(
                        missing_fact(f"{at}.requested_on" if a else at,
                                     f"{where} : date de dépôt de la demande d'accès (due au "
                                     f"plus tard le {format_date(due.due)})", expected=due.due),
                        due.trace)
                else:
                    yield Flag(f"{where} : demande d'accès à déposer au plus tard le "
                               f"{format_date(due.due)}.", expected=due.due, found="en attente",
                               severity=INFO, path=at, trace=due.trace)
        for site in needed:
            a = check.access.get((f.id, site))
            if a is None or a.requested_on is None:
                continue
            at = check.access_path(f.id, site)
            where = f"Intervenant {f.id}, établissement {site}"
            if a.id_document is False:
                yield Flag(f"{where} : demande d'accès déposée sans pièce d'identité.",
                           expected="pièce d'identité jointe", found="non",
                           path=f"{at}.id_document")
            elif a.id_document is None:
                yield missing_fact(f"{at}.id_document",
                                   f"{where} : pièce d'identité jointe à la demande d'accès")
        flag = yes_no_flag(
            f.criminal_record_clean, f"{path}.criminal_record_clean",
            f"Intervenant {f.id} : casier judiciaire non vierge ; l'accès en détention suppose "
            f"un casier judiciaire vierge.",
            f"Intervenant {f.id} : casier judiciaire vierge (condition de l'accès en détention)")
        if flag:
            yield flag


def _missing_with_trace(flag: Flag, trace: tuple[str, ...]) -> Flag:
    return attrs.evolve(flag, trace=trace)


# --- the check -------------------------------------------------------------------------

#: The order of the rules in a report (that of RULES.md).
RULE_ORDER = ("STAFF-PSY-SHARE", "STAFF-PSY-REGISTRY", "STAFF-QUALIF", "STAFF-REPLACE",
              "STAFF-REPLACE-KIND", "STAFF-SUBSTITUTE", "STAFF-COORDINATOR", "STAFF-ACCESS",
              "STAFF-AUTH-BEFORE-WORK", "STAFF-CONTACTS", "STAFF-TEAM-AT-START", "PREM-MO",
              "PREM-MO-HOURS")


#: Ambiguity 11: from which day the one-month lead of an access request is counted.
ACCESS_LEAD_READINGS = {
    "market_start": "le démarrage du marché, pour l'équipe présente au démarrage (défaut)",
    "facilitator_start": "le premier jour d'intervention de chaque intervenant, arrivées "
                         "ultérieures comprises",
}
#: Ambiguity 12: who counts in « l'ensemble des intervenants » for the psychologist share.
SHARE_COUNTS = {
    "assigned": "les intervenants en poste et affectés à un site, suppléants seulement quand "
                "ils remplacent (défaut)",
    "designated": "toutes les personnes désignées, suppléants en attente compris",
}


def _reading(table: dict[str, str], name: str):
    def convert(value: Any, path: str = name) -> str:
        if isinstance(value, str) and value in table:
            return value
        raise InputError(path, "une valeur parmi : " + ", ".join(table))
    return convert


def check_roster(roster: Roster | dict, as_of: Any = None, params: ContractParameters = DIJON,
                 basis: str = "headcount", access_lead_from: str = "market_start",
                 share_counts: str = "assigned") -> Report:
    """Check a roster on the day ``as_of`` (required) against CCTP 6.7 and 6.8.

    ``roster`` is a :class:`Roster` or JSON-like data (see :func:`roster_schema`);
    ``basis`` is how the psychologist share is counted: ``headcount`` (default),
    ``hours`` (weekly hours) or ``fte`` (full-time equivalent). Policy switches:
    ``access_lead_from`` (ambiguity 11, :data:`ACCESS_LEAD_READINGS`) and
    ``share_counts`` (ambiguity 12, :data:`SHARE_COUNTS`).
    """
    if isinstance(roster, TabularInput):        # findings point to their spreadsheet cells
        return roster.place(check_roster(roster.data, as_of, params, basis, access_lead_from,
                                         share_counts))
    day = as_of_day(as_of)
    in_force = None
    if hasattr(params, "period_of"):  # avenants (issue 12 §3): the values of the check day
        params, in_force = params.at(day, "as_of"), params.in_force_step(day, "as_of")
    basis = as_basis(basis)
    lead = _reading(ACCESS_LEAD_READINGS, "access_lead_from")(access_lead_from)
    counts = _reading(SHARE_COUNTS, "share_counts")(share_counts)
    check = RosterCheck(read_roster(roster), day, basis, params, lead, counts)
    base = run_rules("roster", check, params)
    extra: list[Finding] = []
    for rule_id, flags in (("STAFF-REPLACE", _replace_flags(check)),
                           ("STAFF-ACCESS", _access_flags(check))):
        extra.extend(get_rule(rule_id).finding(flag, params) for flag in flags)
    rank = {rule_id: i for i, rule_id in enumerate(RULE_ORDER)}
    checked = sorted((*base.checked, "STAFF-REPLACE", "STAFF-ACCESS"),
                     key=lambda r: rank.get(r, len(rank)))
    findings = sorted((*base.findings, *extra), key=lambda f: rank.get(f.rule_id, len(rank)))
    if in_force is not None:  # which values applied, and why (the check day)
        findings = [attrs.evolve(f, trace=(in_force, *f.trace)) for f in findings]
    return Report("roster", findings, checked)


def _run(data: Any, params: ContractParameters, as_of: Any = None,
         basis: str | None = None, access_lead_from: str | None = None,
         share_counts: str | None = None, **_: Any) -> Report:
    return check_roster(data, as_of=as_of, params=params, basis=basis or "headcount",
                        access_lead_from=access_lead_from or "market_start",
                        share_counts=share_counts or "assigned")


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
