"""CCTP 6.7 — Les moyens humains: the provider's team, checked from its roster.

A roster (:class:`Roster`) describes one lot: its prison establishments (MF,
the list of annex 1 of the contract, which the CCTP does not reproduce: it is
input data), its reception places in the community (MO, see
:mod:`ppaip_rules.premises`), the facilitators, their access requests to each
establishment, and the staff movements (departures and absences).

:func:`check_roster` checks it on a given day (``as_of``: there is no hidden
clock) against every rule of CCTP 6.7 and 6.8:

- STAFF-PSY-SHARE: about 30 % work psychologists, subcontractors included, by
  headcount (default), weekly hours or full-time equivalent;
- STAFF-PSY-REGISTRY: each psychologist's ADELI or RPPS number has a valid form;
- STAFF-QUALIF: non-psychologists hold at least level 5 (old level III) and
  have experience in orientation or insertion services;
- STAFF-REPLACE (deadline, see :mod:`ppaip_rules.deadlines`): a departure or a
  planned or prolonged absence is notified to the DISP, the SPIP and the
  establishment, and the person is replaced within 10 jours ouvrables;
- STAFF-REPLACE-KIND: a psychologist is replaced by a psychologist only;
- STAFF-SUBSTITUTE: a substitute is designated, holds an access authorisation
  for every MF establishment of the lot, and the list sent to the DISP is up to date;
- STAFF-COORDINATOR: a facilitator-coordinator per establishment;
- STAFF-ACCESS (deadline): the access request is filed at least one month
  before the start, with an ID document; a clean criminal record is attested;
- STAFF-TEAM-AT-START: the team is complete when the market starts;
- PREM-MO: a compliant reception place in each département of the lot.

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
from pathlib import Path
from typing import Any

import attrs

from ._roster_example import example_roster, with_facilitator
from .calendar import require_input_year, to_paris_date
from .checks import load_json, register_kind
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
    get_rule,
    rule,
    run_rules,
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
                         f.optional("coordinator", as_id))
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
                         f.optional("id_document", as_bool))
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
            "establishments": {"type": "array", "items": {
                "type": "object", "required": ["id", "departement"],
                "additionalProperties": False,
                "properties": {"id": _ID_SCHEMA,
                               "departement": PREMISES_SCHEMA["properties"]["departement"],
                               "coordinator": _ID_SCHEMA}}},
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
                               "id_document": {"type": "boolean"}}}},
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

    __slots__ = ("access", "active", "as_of", "basis", "by_id", "current", "departed",
                 "departements", "mf", "params", "position", "registry", "roster", "started")

    def __init__(self, roster: Roster, as_of: dt.date, basis: str,
                 params: ContractParameters):
        self.roster = roster
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
        self.registry = {f.id: check_registry_number(f.registry_number, f.registry, params)
                         for f in roster.facilitators if f.is_psychologist}

    def start_of(self, f: Facilitator) -> dt.date:
        return f.start_on or self.roster.market_start

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


@rule("STAFF-PSY-SHARE", clause="CCTP 6.7", title=f"Environ {DIJON.psychologist_share_percent:g} % de psychologues du travail",
      severity=VIOLATION, subject="roster",
      parameters=("psychologist_share_percent", "psychologist_tolerance_points"),
      requirement="L'ensemble des intervenants (sous-traitants inclus) compte un volume "
                  "suffisant de psychologues du travail (environ 30 %) inscrits au répertoire "
                  "ADELI.",
      interpretation="« Environ 30 % » : part calculée par effectif (par défaut), par heures "
                     "hebdomadaires ou par ETP au choix ; sous 30 % moins la tolérance "
                     "(5 points) c'est une violation, dans la marge un avertissement. Ne sont "
                     "comptés que les psychologues dont le numéro ADELI ou RPPS a une forme "
                     "valide, et les intervenants en poste au jour du contrôle (avant le "
                     "démarrage : l'équipe prévue au démarrage), suppléants compris.",
      examples=(
          Example("2 psychologues sur 3 intervenants, dont un sous-traitant", "roster",
                  example_roster(), fires=False, options=_AS_OF),
          Example("2 psychologues sur 8 intervenants : 25 %, dans la marge de tolérance",
                  "roster", _extra_advisers(5), severity=WARNING, options=_AS_OF),
          Example("2 psychologues sur 10 intervenants : 20 %", "roster", _extra_advisers(7),
                  severity=VIOLATION, options=_AS_OF),
      ))
def staff_psy_share(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    team = check.active
    target = _exact(params.psychologist_share_percent) / 100
    floor = target - _exact(params.psychologist_tolerance_points) / 100
    if not team:
        yield Flag("Aucun intervenant en poste : la part de psychologues du travail est nulle.",
                   expected=f"au moins {_share_text(target)}", found="aucun intervenant",
                   path="facilitators")
        return
    basis = check.basis
    field = {"hours": "weekly_hours", "fte": "fte"}.get(basis)
    total = psy = Fraction(0)
    uncounted = advisers = 0
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
            else:
                uncounted += 1
        else:
            advisers += 1
    if total == 0:
        yield Flag("Le volume total des intervenants en poste est nul : la part de "
                   "psychologues du travail ne peut être atteinte.",
                   expected=f"au moins {_share_text(target)}", found="volume nul",
                   path="facilitators")
        return
    share = psy / total
    if share >= target:
        return
    if basis == "headcount":
        found = (f"{plural(int(psy), 'psychologue du travail', 'psychologues du travail')} sur "
                 f"{plural(int(total), 'intervenant')}")
    else:
        unit = "h hebdomadaires" if basis == "hours" else "ETP"
        found = (f"{_decimal_text(psy)} {unit} de psychologue du travail sur "
                 f"{_decimal_text(total)} {unit}")
    found += f" (sous-traitants inclus), soit {_share_text(share)}"
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
    note = ""
    if uncounted:
        verb = "n'est pas compté" if uncounted == 1 else "ne sont pas comptés"
        note = (f" {plural(uncounted, 'psychologue', 'psychologues')} sans numéro ADELI ou "
                f"RPPS de forme valide {verb} (voir STAFF-PSY-REGISTRY).")
    in_band = share >= floor
    band = (f"dans la marge de tolérance ({_share_text(floor)} à {_share_text(target)})"
            if in_band else f"sous le seuil de tolérance de {_share_text(floor)}")
    yield Flag(f"{found}, {band}. {fix[0].upper()}{fix[1:]}.{note}",
               expected=f"au moins {_share_text(target)} (tolérance jusqu'à {_share_text(floor)})",
               found=found, severity=WARNING if in_band else VIOLATION, path="facilitators")


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
                     "du répertoire lui-même.",
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
                     "expérience non renseignés donnent un avertissement.",
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
            yield Flag(f"Intervenant {f.id} : niveau de qualification non renseigné ; au moins "
                       f"le {level_label(minimum)} est exigé.", expected=level_label(minimum),
                       found="non renseigné", severity=WARNING, path=f"{path}.qualification")
        elif f.qualification < minimum:
            yield Flag(f"Intervenant {f.id} ({ROLES[f.role]}) : {level_label(f.qualification)} ; "
                       f"au moins le {level_label(minimum)} est exigé des non-psychologues.",
                       expected=level_label(minimum), found=level_label(f.qualification),
                       path=f"{path}.qualification")
        flag = yes_no_flag(
            f.experience, f"{path}.experience",
            f"Intervenant {f.id} : pas d'expérience dans l'animation de prestations "
            f"d'orientation ou d'insertion socioprofessionnelle.",
            f"Intervenant {f.id} : expérience en orientation ou insertion non renseignée ; "
            f"à vérifier.")
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


def _substitute_without_access() -> dict:
    data = example_roster()
    data["access"] = [a for a in data["access"] if a["facilitator"] != "SUP-1"]
    return data


@rule("STAFF-SUBSTITUTE", clause="CCTP 6.7",
      title="Un suppléant désigné, autorisé dans chaque établissement",
      severity=VIOLATION, subject="roster",
      requirement="Un suppléant est désigné par le titulaire du lot en début de marché ; il a "
                  "au préalable obtenu les autorisations d'accès à chaque établissement "
                  "pénitentiaire du lot ; la liste des suppléants est actualisée et transmise "
                  "à la DISP.",
      interpretation="Avant le démarrage du marché, ce qui manque est un avertissement (il "
                     "reste à faire) ; à partir du démarrage, une violation. Une autorisation "
                     "compte si sa date de délivrance est au plus tard le jour du contrôle.",
      examples=(
          Example("Un suppléant autorisé dans le seul établissement du lot", "roster",
                  example_roster(), fires=False, options=_AS_OF),
          Example("Aucun suppléant désigné", "roster", _no_substitute(), severity=VIOLATION,
                  options=_AS_OF),
          Example("Le suppléant n'a pas d'autorisation d'accès", "roster",
                  _substitute_without_access(), severity=VIOLATION, options=_AS_OF),
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
        yield Flag("La liste des suppléants n'a pas été transmise à la DISP.",
                   expected="liste transmise", found="non transmise",
                   path="substitute_list_sent_on")
    for f in subs:
        for e in roster.establishments:
            a = check.access.get((f.id, e.id))
            if a is not None and a.granted_on is not None and a.granted_on <= as_of:
                continue
            if a is None or a.requested_on is None:
                state = "aucune demande d'accès enregistrée"
            else:
                state = (f"demande déposée le {format_date(a.requested_on)}, autorisation non "
                         f"encore délivrée")
            yield Flag(f"Le suppléant {f.id} n'a pas d'autorisation d'accès à l'établissement "
                       f"{e.id} ({state}) ; il doit en détenir une pour chaque établissement "
                       f"du lot.", expected="autorisation d'accès délivrée", found=state,
                       severity=severity, path=check.path_of(f))
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
                     "est une violation ; non renseigné, il n'est pas signalé.",
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
        if f.cv_sent is False:
            yield Flag(f"Le CV détaillé de l'intervenant {f.id} n'a pas été transmis à la DISP.",
                       expected="CV transmis", found="non transmis",
                       path=f"{check.path_of(f)}.cv_sent")


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
                yield Flag(f"{label} : non signalé à {', '.join(missing)}. Le titulaire informe "
                           f"la DISP, le SPIP et l'établissement pénitentiaire.",
                           expected="DISP, SPIP et établissement informés",
                           found="non informé(s) : " + ", ".join(missing), path=path)
        due = deadline("STAFF-REPLACE", ev.start, params=check.params)
        act = ev.replaced_on
        if act is None and ev.replaced_by is not None:
            act = check.by_id[ev.replaced_by].start_on
            if act is None:
                yield Flag(f"{label} : remplacé par {ev.replaced_by}, date du remplacement non "
                           f"renseignée ; il devait avoir lieu au plus tard le "
                           f"{format_date(due.due)}.", expected=due.due, found="non renseignée",
                           severity=WARNING, path=f"{path}.replaced_on", trace=due.trace)
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


def _access_flags(check: RosterCheck) -> Iterator[Flag]:
    as_of = check.as_of
    deadlines: dict[dt.date, Deadline] = {}
    for f in check.current:
        needed = [site for site in f.sites if site in check.mf]
        if f.substitute:
            needed += [e for e in check.mf if e not in needed]
        if not needed:
            continue
        path = check.path_of(f)
        start = check.start_of(f)
        due = deadlines.get(start)
        if due is None:
            due = deadlines[start] = deadline("STAFF-ACCESS", start, params=check.params)
        for site in needed:
            a = check.access.get((f.id, site))
            where = f"Intervenant {f.id}, établissement {site}"
            if a is None or (a.requested_on is None and a.granted_on is None):
                if as_of > due.due:
                    yield Flag(f"{where} : aucune demande d'accès enregistrée ; elle devait être "
                               f"déposée au plus tard le {format_date(due.due)}.",
                               expected=due.due, found="aucune demande", path=path,
                               trace=due.trace)
                else:
                    yield Flag(f"{where} : demande d'accès à déposer au plus tard le "
                               f"{format_date(due.due)}.", expected=due.due, found="en attente",
                               severity=INFO, path=path, trace=due.trace)
            elif a.requested_on is not None:
                flag = due.flag(a.requested_on)
                if flag is not None:
                    yield _prefixed(where, flag, path)
            if a is not None and a.id_document is False:
                yield Flag(f"{where} : demande d'accès déposée sans pièce d'identité.",
                           expected="pièce d'identité jointe", found="non", path=path)
            if site in f.sites and as_of >= start:
                if a is None or a.granted_on is None or a.granted_on > as_of:
                    yield Flag(f"{where} : aucune autorisation d'accès délivrée, alors que "
                               f"l'intervention a commencé le {format_date(start)} ; un "
                               f"intervenant ne peut exercer en détention sans autorisation "
                               f"préalable.", expected="autorisation délivrée",
                               found="non délivrée", path=path)
                elif a.granted_on > start:
                    yield Flag(f"{where} : autorisation délivrée le {format_date(a.granted_on)}, "
                               f"après le début d'intervention du {format_date(start)} ; "
                               f"vérifier qu'il n'est pas intervenu avant.",
                               expected=start, found=a.granted_on, severity=WARNING, path=path)
        flag = yes_no_flag(
            f.criminal_record_clean, f"{path}.criminal_record_clean",
            f"Intervenant {f.id} : casier judiciaire non vierge ; l'accès en détention suppose "
            f"un casier judiciaire vierge.",
            f"Intervenant {f.id} : casier judiciaire vierge non attesté ; à vérifier avant la "
            f"demande d'accès.")
        if flag:
            yield flag


# --- the check -------------------------------------------------------------------------

#: The order of the rules in a report (that of RULES.md).
RULE_ORDER = ("STAFF-PSY-SHARE", "STAFF-PSY-REGISTRY", "STAFF-QUALIF", "STAFF-REPLACE",
              "STAFF-REPLACE-KIND", "STAFF-SUBSTITUTE", "STAFF-COORDINATOR", "STAFF-ACCESS",
              "STAFF-TEAM-AT-START", "PREM-MO")


def check_roster(roster: Roster | dict, as_of: Any = None, params: ContractParameters = DIJON,
                 basis: str = "headcount") -> Report:
    """Check a roster on the day ``as_of`` (required) against CCTP 6.7 and 6.8.

    ``roster`` is a :class:`Roster` or JSON-like data (see :func:`roster_schema`);
    ``basis`` is how the psychologist share is counted: ``headcount`` (default),
    ``hours`` (weekly hours) or ``fte`` (full-time equivalent).
    """
    day = as_of_day(as_of)
    basis = as_basis(basis)
    check = RosterCheck(read_roster(roster), day, basis, params)
    base = run_rules("roster", check, params)
    extra: list[Finding] = []
    for rule_id, flags in (("STAFF-REPLACE", _replace_flags(check)),
                           ("STAFF-ACCESS", _access_flags(check))):
        extra.extend(get_rule(rule_id).finding(flag) for flag in flags)
    rank = {rule_id: i for i, rule_id in enumerate(RULE_ORDER)}
    checked = sorted((*base.checked, "STAFF-REPLACE", "STAFF-ACCESS"),
                     key=lambda r: rank.get(r, len(rank)))
    findings = sorted((*base.findings, *extra), key=lambda f: rank.get(f.rule_id, len(rank)))
    return Report("roster", findings, checked)


def load_roster(raw: bytes, filename: str = "-") -> Any:
    """A roster file's content: CSV (``.csv``) or JSON (``.json``); sniffed otherwise."""
    name = filename.lower()
    if name.endswith(".json"):
        return load_json(raw, filename)
    if not name.endswith(".csv") and raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return load_json(raw, filename)
    from .roster_csv import read_roster_csv

    return read_roster_csv(raw)


def _run(data: Any, params: ContractParameters, as_of: Any = None,
         basis: str | None = None, **_: Any) -> Report:
    return check_roster(data, as_of=as_of, params=params, basis=basis or "headcount")


def read_roster_file(path: str | Path) -> Roster:
    """A roster from a ``.csv`` or ``.json`` file."""
    try:
        raw = Path(path).read_bytes()
    except (OSError, TypeError, ValueError):
        raise InputError("fichier", "un fichier lisible", "fichier introuvable ou illisible") \
            from None
    return read_roster(load_roster(raw, Path(path).name))


register_kind("roster", "Tableau des effectifs : moyens humains et locaux (CCTP 6.7, 6.8)",
              _run, roster_schema, options=("as_of", "basis"), load=load_roster)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
