"""The staffing roster of one lot: its input models, described once (CCTP 6.7, 6.8).

A roster (:class:`Roster`) holds the lot's prison establishments (MF, the list of
annex 1 of the contract, which the CCTP does not reproduce: it is input data), its
reception places in the community (:class:`Premises`, MO), the facilitators, their
access requests to each establishment, the staff movements (departures and absences)
and the changes of the substitute list.

Every field is declared with :func:`ppaip_rules.describe.field`: from that one
description come the JSON reader (:func:`read_roster`), the checks of direct
construction (:class:`InputError` both ways), the JSON Schema (:func:`roster_schema`),
the docs' field table and the spreadsheet columns (French headers and values,
:mod:`ppaip_rules.roster_csv`). Codes are English snake_case identifiers with French
labels; the French codes of version 0.2 are read as aliases.

Facilitators are known by a pseudonymous identifier only; no name is ever read or written.
The rules live in :mod:`ppaip_rules.staffing_rules` and :mod:`ppaip_rules.premises`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from .calendar import require_input_year, to_paris_date
from .describe import (
    BOOL,
    CODE,
    DATE,
    FORMATS,
    INT,
    NUMBER,
    TEXT,
    Codes,
    field,
    json_schema,
    read,
)
from .errors import InputError
from .parsing import as_date_or_datetime
from .spreadsheet import TabularInput

# --- vocabulary ----------------------------------------------------------------

PSYCHOLOGIST = "psychologist"
ADVISER = "insertion_adviser"
ROLES = {PSYCHOLOGIST: "psychologue du travail", ADVISER: "conseiller en insertion professionnelle"}
EMPLOYEE, SUBCONTRACTOR = "employee", "subcontractor"
EMPLOYMENTS = {EMPLOYEE: "salarié", SUBCONTRACTOR: "sous-traitant"}
ADELI, RPPS = "adeli", "rpps"
REGISTRIES = {ADELI: "ADELI", RPPS: "RPPS"}

DEPARTURE = "departure"
PLANNED_ABSENCE = "planned_absence"
PROLONGED_ABSENCE = "prolonged_absence"
SHORT_ABSENCE = "short_absence"
EVENT_KINDS = {
    DEPARTURE: "départ",
    PLANNED_ABSENCE: "absence programmée",
    PROLONGED_ABSENCE: "absence prolongée",
    SHORT_ABSENCE: "absence ponctuelle",
}
#: The movements CCTP 6.7 is about ("changement de personnel", "absence programmée ou prolongée").
REPLACEMENT_KINDS = (DEPARTURE, PLANNED_ABSENCE, PROLONGED_ABSENCE)

#: Days of the week (CCTP 6.4: the days a MO place is open).
WEEKDAYS = {"monday": "lundi", "tuesday": "mardi", "wednesday": "mercredi",
            "thursday": "jeudi", "friday": "vendredi", "saturday": "samedi",
            "sunday": "dimanche"}

#: The codes of version 0.2 (French), read for one more version: old code → new code.
OLD_CODES: dict[str, dict[str, str]] = {
    "role": {"psychologue": PSYCHOLOGIST, "cip": ADVISER},
    "employment": {"salarie": EMPLOYEE, "sous-traitant": SUBCONTRACTOR},
    "registry": {"ADELI": ADELI, "RPPS": RPPS},
    "kind": {"depart": DEPARTURE, "absence-programmee": PLANNED_ABSENCE,
             "absence-prolongee": PROLONGED_ABSENCE, "absence-ponctuelle": SHORT_ABSENCE},
    "opening_days": {french: code for code, french in WEEKDAYS.items()},
}
_ROLE = Codes(ROLES, OLD_CODES["role"])
_EMPLOYMENT = Codes(EMPLOYMENTS, OLD_CODES["employment"])
_REGISTRY = Codes(REGISTRIES, OLD_CODES["registry"])
_EVENT_KIND = Codes(EVENT_KINDS, OLD_CODES["kind"])
_WEEKDAY = Codes(WEEKDAYS, OLD_CODES["opening_days"], fold=True)

#: Bases for the psychologist share (English API name → French name, both accepted).
BASES = {"headcount": "effectif", "hours": "heures", "fte": "etp"}

#: Décret n° 2019-14 du 8 janvier 2019, art. 1: the 1969 nomenclature (V to I)
#: mapped to the national framework of certifications (levels 1 to 8). Old level I
#: became 7 or 8: it is read as 7, the lower of the two.
OLD_TO_NEW_LEVEL = {"V": 3, "IV": 4, "III": 5, "II": 6, "I": 7}
NEW_TO_OLD_LEVEL = {3: "V", 4: "IV", 5: "III", 6: "II", 7: "I", 8: "I"}
#: The texts read as a level: ``III``, ``5``, ``niveau III``, ``niveau 5``, ``niveau5``.
_LEVEL_WORDS = {f"{prefix}{word}": level
                for word, level in {**OLD_TO_NEW_LEVEL, **{str(n): n for n in range(1, 9)}}.items()
                for prefix in ("", "niveau ", "niveau")}
_LEVELS = {word.lower(): level for word, level in _LEVEL_WORDS.items()}
_LEVEL_EXPECTED = ("un niveau de qualification : 3 à 8 (nouvelle nomenclature) ou V, IV, "
                   "III, II, I (ancienne)")

#: A pseudonymous identifier: never a name (no spaces), at most 40 characters.
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}"
_ID_EXPECTED = ("un identifiant pseudonyme : lettres sans accent, chiffres, « - », « _ » ou "
                "« . », sans espace, 40 caractères au plus (jamais un nom)")
#: Départements of metropolitan France and overseas (``21``, ``2A``, ``971``).
DEPARTEMENT_PATTERN = r"0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6]"
_DEPARTEMENT_EXPECTED = "un code de département en texte, ex. « 21 », « 2A », « 971 »"
#: An opening range of a MO place, ``HH:MM-HH:MM`` (its end after its start: the format).
HOURS_PATTERN = r"([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]"
HOURS_FORMAT = "ppaip-opening-hours"
FORMATS[HOURS_FORMAT] = lambda value: not isinstance(value, str) or value.strip()[:5] < (
    value.strip()[6:])

_MANY = 100_000  # the lists of a big roster (2,000 movements, 1,000 access lines…)


def _id(label: str, header: str | None = None, *, required: bool = False) -> Any:
    return field(TEXT, label, pattern=ID_PATTERN, expects=_ID_EXPECTED, header=header,
                 required=required)


def _departement(label: str, header: str | None = None, **options: Any) -> Any:
    return field(TEXT, label, pattern=DEPARTEMENT_PATTERN, expects=_DEPARTEMENT_EXPECTED,
                 header=header, **options)


def _day(label: str, header: str | None = None, *, required: bool = False) -> Any:
    return field(DATE, label, years=True, header=header, required=required)


def _yes_no(label: str, header: str | None = None, **options: Any) -> Any:
    return field(BOOL, label, "vide : non renseigné", header=header, **options)


# --- the models --------------------------------------------------------------------

@attrs.frozen
class Premises:
    """Un lieu d'accueil en milieu ouvert (MO), tel que le titulaire le déclare."""

    id: str = _id("identifiant du lieu, ex. « MO-DIJON »", "identifiant", required=True)
    departement: str = _departement("département du lieu", "département", required=True)
    public_transport: bool | None = _yes_no("facilement accessible en transport en commun",
                                            "transport en commun")
    erp_compliant: bool | None = _yes_no("conforme aux normes des établissements recevant "
                                         "du public (ERP)", "normes ERP")
    capacity: int | None = field(INT, "capacité d'accueil", unit="personnes", minimum=0,
                                 maximum=100_000, header="capacité")
    sent_to_spip: bool | None = _yes_no("adresse et téléphone transmis au SPIP",
                                        "coordonnées transmises au SPIP")
    sent_to_disp: bool | None = _yes_no("adresse et téléphone transmis à la DISP",
                                        "coordonnées transmises à la DISP")
    #: Days of the week the place is open for the programme (CCTP 6.4); None: not stated.
    opening_days: tuple[str, ...] | None = field(
        CODE, "jours d'ouverture du lieu pour le programme", "absent : non renseigné ; "
        "liste vide : aucun jour", codes=_WEEKDAY, many=True, max_items=7, empty=None,
        header="jours d'ouverture")
    #: Opening hours, ``HH:MM-HH:MM`` ranges (CCTP 6.4); None: not stated.
    opening_hours: tuple[str, ...] | None = field(
        TEXT, "horaires d'ouverture", "absent : non renseigné ; liste vide : aucune plage",
        pattern=HOURS_PATTERN, fmt=HOURS_FORMAT, many=True, max_items=50, empty=None,
        expects="une plage horaire HH:MM-HH:MM, la fin après le début, ex. « 09:00-12:30 »",
        header="horaires d'ouverture")


@attrs.frozen
class Establishment:
    """Un établissement pénitentiaire (MF) du lot, avec son intervenant-coordinateur."""

    id: str = _id("identifiant de l'établissement, ex. « MA-DIJON »", "identifiant",
                  required=True)
    departement: str = _departement("département de l'établissement", "département",
                                    required=True)
    coordinator: str | None = _id("intervenant-coordinateur (identifiant)", "coordinateur")
    #: Days the facilitators' contact details for this establishment were stated or
    #: updated (CCTP 6.7 « indiquera et actualisera en temps réel »); None: not recorded.
    contacts_updated_on: tuple[dt.date, ...] | None = field(
        DATE, "coordonnées des intervenants indiquées ou actualisées les", years=True,
        many=True, max_items=10_000, empty=None,
        header="coordonnées des intervenants actualisées le")


@attrs.frozen
class Facilitator:
    """Un intervenant, désigné par un identifiant pseudonyme seulement."""

    id: str = _id("identifiant pseudonyme de l'intervenant, ex. « PSY-1 »", "identifiant",
                  required=True)
    role: str = field(CODE, "fonction", codes=_ROLE, required=True, header="fonction")
    employment: str | None = field(CODE, "statut", codes=_EMPLOYMENT, header="statut")
    registry: str | None = field(CODE, "répertoire du numéro du psychologue", "absent : "
                                 "déduit du nombre de chiffres", codes=_REGISTRY,
                                 header="répertoire")
    registry_number: str | None = field(
        TEXT, "numéro ADELI ou RPPS", "en texte, pour garder les zéros initiaux",
        max_length=40, blank=True, personal=True, header="numéro ADELI ou RPPS",
        expects="un numéro ADELI ou RPPS en texte (entre guillemets, pour garder les zéros "
                "initiaux), 40 caractères au plus")
    qualification: int | None = field(
        INT, "niveau de qualification", "nouvelle nomenclature (3 à 8) ou ancienne "
        "(V à I : III = 5)", minimum=1, maximum=8, words=_LEVEL_WORDS,
        header="niveau de qualification", expects=_LEVEL_EXPECTED)
    experience: bool | None = _yes_no("expérience dans l'animation de prestations "
                                      "d'orientation ou d'insertion", "expérience insertion")
    weekly_hours: float | None = field(NUMBER, "heures hebdomadaires sur le marché",
                                       unit="heures", minimum=0, maximum=168,
                                       header="heures hebdomadaires")
    fte: float | None = field(NUMBER, "équivalent temps plein", minimum=0, maximum=10,
                              header="ETP")
    sites: tuple[str, ...] = field(
        TEXT, "établissements et lieux MO où il intervient (identifiants)",
        pattern=ID_PATTERN, expects=_ID_EXPECTED, many=True, header="sites")
    start_on: dt.date | None = _day("début d'intervention (absent : dès le démarrage)",
                                     "date de début")
    substitute: bool = field(BOOL, "désigné suppléant", default=False, header="suppléant")
    criminal_record_clean: bool | None = _yes_no("casier judiciaire vierge attesté",
                                                 "casier judiciaire vierge")
    cv_sent: bool | None = _yes_no("CV détaillé transmis à la DISP", "CV transmis")

    @property
    def is_psychologist(self) -> bool:
        return self.role == PSYCHOLOGIST


@attrs.frozen
class AccessRequest:
    """La demande d'accès d'un intervenant à un établissement, et sa délivrance."""

    facilitator: str = _id("intervenant (identifiant)", "intervenant", required=True)
    establishment: str = _id("établissement demandé (identifiant)", "établissement",
                             required=True)
    requested_on: dt.date | None = _day("dépôt de la demande d'accès", "date de demande")
    granted_on: dt.date | None = _day("délivrance de l'autorisation", "date de délivrance")
    id_document: bool | None = _yes_no("pièce d'identité jointe à la demande",
                                       "pièce d'identité jointe")
    #: First session the facilitator delivered in this establishment (STAFF-AUTH-BEFORE-WORK).
    first_session_on: dt.date | None = _day("première séance de l'intervenant dans "
                                             "l'établissement", "première séance le")


@attrs.frozen
class SubstituteListUpdate:
    """Une modification de la liste des suppléants et sa transmission à la DISP."""

    changed_on: dt.date = _day("liste des suppléants modifiée le", "liste modifiée le",
                                required=True)
    sent_on: dt.date | None = _day("liste modifiée transmise à la DISP le",
                                    "liste des suppléants transmise le")


@attrs.frozen
class StaffEvent:
    """Un mouvement de personnel : départ ou absence, remplacement et information."""

    facilitator: str = _id("intervenant concerné (identifiant)", "intervenant", required=True)
    kind: str = field(CODE, "nature du mouvement", codes=_EVENT_KIND, required=True,
                      header="nature")
    start: dt.date = _day("jour du départ ou premier jour d'absence", "date de début",
                           required=True)
    end: dt.date | None = _day("dernier jour d'absence", "date de fin")
    replaced_by: str | None = _id("remplaçant (identifiant)", "remplacé par")
    replaced_on: dt.date | None = _day("premier jour d'intervention du remplaçant",
                                        "date de remplacement")
    notified_disp_on: dt.date | None = _day("DISP informée le", "DISP informée le")
    notified_spip_on: dt.date | None = _day("SPIP informé le", "SPIP informé le")
    notified_establishment_on: dt.date | None = _day("établissement pénitentiaire informé le",
                                                      "établissement informé le")


@attrs.frozen
class Roster:
    """Tableau des effectifs d'un lot (CCTP 6.7, 6.8)."""

    lot: int = field(INT, "numéro du lot", minimum=1, maximum=999, required=True,
                     header="identifiant")
    market_start: dt.date = _day("démarrage du marché", "date de début", required=True)
    establishments: tuple[Establishment, ...] = field(
        Establishment, "établissements pénitentiaires du lot", many=True, max_items=_MANY)
    facilitators: tuple[Facilitator, ...] = field(Facilitator, "intervenants", many=True,
                                                  max_items=_MANY)
    access: tuple[AccessRequest, ...] = field(AccessRequest, "demandes d'accès", many=True,
                                              max_items=_MANY)
    events: tuple[StaffEvent, ...] = field(StaffEvent, "mouvements de personnel", many=True,
                                           max_items=_MANY)
    premises: tuple[Premises, ...] = field(Premises, "lieux d'accueil en milieu ouvert",
                                           many=True, max_items=_MANY)
    departements: tuple[str, ...] | None = _departement(
        "départements du lot (absent : ceux de ses SPIP)", "département", many=True,
        max_items=200, empty=None)
    substitute_list_sent_on: dt.date | None = _day(
        "liste des suppléants transmise à la DISP le", "liste des suppléants transmise le")
    #: Later changes of the substitute list, each with its transmission to the DISP.
    substitute_list_updates: tuple[SubstituteListUpdate, ...] = field(
        SubstituteListUpdate, "modifications de la liste des suppléants", many=True,
        max_items=10_000)

    def __attrs_post_init__(self) -> None:
        _check_references(self)


def _check_references(roster: Roster) -> None:
    """Identifiers are unique and every reference points to something declared."""
    sites: dict[str, str] = {}
    places: tuple[tuple[str, tuple[Establishment | Premises, ...]], ...] = (
        ("establishments", roster.establishments), ("premises", roster.premises))
    for section, items in places:
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


#: The problems of :func:`_check_references`: refusals across fields or items, which a
#: JSON Schema cannot say (the property test of tests/test_describe.py knows them).
REFERENCE_PROBLEMS = ("identifiant en double", "site inconnu", "intervenant inconnu",
                      "établissement inconnu", "ligne en double", "dates incohérentes")


# --- reading -------------------------------------------------------------------------

def read_roster(data: Any) -> Roster:
    """A :class:`Roster` as is, or one read from JSON-like data (see :func:`roster_schema`).

    A roster read from a spreadsheet (a :class:`~ppaip_rules.spreadsheet.TabularInput`)
    gives its roster.
    """
    if isinstance(data, Roster):
        return data
    if isinstance(data, TabularInput):          # read from a spreadsheet file
        return read_roster(data.data)
    return read(Roster, data)


def roster_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a roster, from the models' description."""
    return json_schema(Roster)


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
        level = _LEVELS.get(value.strip().lower())
        if level is not None:
            return level
    raise InputError(path, _LEVEL_EXPECTED)


def as_basis(value: Any, path: str = "basis") -> str:
    """``headcount``/``hours``/``fte`` or their French names ``effectif``/``heures``/``etp``."""
    if isinstance(value, str):
        text = value.strip().lower()
        for api, french in BASES.items():
            if text in (api, french):
                return api
    raise InputError(path, "une base de calcul parmi : headcount (effectif), hours (heures), "
                           "fte (etp)")


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
