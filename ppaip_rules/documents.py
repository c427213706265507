"""Documents of the programme (CCTP 3, 6.5, 6.6, 6.9): attendance sheets, convocations,
final bilans and the provider's deliverables.

A document check reads what a document *carries*. A mandatory entry that is
absent from the input is absent from the document: a violation (unlike the
eligibility facts, where an absent fact is "not known"). Entries that carry
personal data (names, signatures) are checked for presence only — the input
may hold the text or ``true``/``false`` — and never kept nor echoed.

    >>> report = check_attendance_sheet({"kind": "individual", "date": "2025-05-13",
    ...     "place": "x", "start_time": "09:00", "duration_hours": 1.5,
    ...     "person": {"surname": "x", "first_name": "x", "signature": False},
    ...     "facilitator": {"surname": "x", "first_name": "x", "signature": True}})
    >>> [f.path for f in report.violations]
    ['person.signature']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ._inputs import COMMUNITY, SETTING_CODES, codes, missing, yes_no
from .checks import register_kind
from .describe import (
    BOOL,
    CODE,
    DATE,
    ID,
    INT,
    MOMENT,
    NUMBER,
    PRESENCE,
    TEXT,
    TIME,
    Codes,
    field,
    json_schema,
    read,
)
from .errors import InputError
from .model import VIOLATION, WARNING, Example, Flag, Report, get_rule, rule, run_rules
from .parameters import CATALOGUE_ALIASES, DIJON, ContractParameters
from .programme import (
    A_LA_CARTE,
    group_size_flags,
    theme_code,
    workshop_hours_flags,
    workshop_name,
)

#: Attendance sheets (annexes 3 and 4) and bilans: their kinds.
INDIVIDUAL, COLLECTIVE = "individual", "collective"
SHEET_KINDS = (INDIVIDUAL, COLLECTIVE)
FINAL, WORKSHOP = "final", "workshop"
BILAN_KINDS = (FINAL, WORKSHOP)
#: The old codes (0.2.0), read as the new ones for one version (issue 10).
SHEET_KIND_ALIASES = {"individuel": INDIVIDUAL, "collectif": COLLECTIVE}
BILAN_KIND_ALIASES = {"atelier": WORKSHOP}
MAX_ITEMS = 1_000




# --- models: one description each (ppaip_rules.describe) ------------------------------


def _sections(params: ContractParameters | None) -> dict[str, str]:
    p = params or DIJON
    return {i.code: i.label for i in (*p.bilan_required_sections, *p.bilan_optional_sections)}


def _deliverables(params: ContractParameters | None) -> dict[str, str]:
    return {i.code: i.label for i in (params or DIJON).deliverables}


_SHEET_KIND = Codes({INDIVIDUAL: "feuille individuelle (annexe 3)",
                     COLLECTIVE: "feuille collective (annexe 4)"}, SHEET_KIND_ALIASES, fold=True)
_BILAN_KIND = Codes({FINAL: "bilan final du parcours",
                     WORKSHOP: "bilan d'atelier collectif"}, BILAN_KIND_ALIASES, fold=True)
_SETTING = SETTING_CODES
_SECTION = Codes.dynamic(_sections, aliases={**CATALOGUE_ALIASES["bilan_required_sections"],
                                             **CATALOGUE_ALIASES["bilan_optional_sections"]})
_DELIVERABLE = Codes.dynamic(_deliverables, aliases=CATALOGUE_ALIASES["deliverables"])
_ID_TEXT = "identifiant pseudonyme (jamais un nom)"
_MENTION = "la mention (texte) ou true/false ; vérifiée par sa présence, jamais reprise"
_UNKNOWN = "absent ou null : non renseigné"
_THEME = ("code du catalogue, a_la_carte ou intitulé libre (jamais repris)")


def _mention(label: str, **kw: Any) -> Any:
    return field(PRESENCE, label, _MENTION, default=False, personal=True, **kw)


@attrs.frozen
class Signatory:
    """Présence du nom, du prénom et de la signature d'un animateur (ou du CPIP)."""

    surname: bool = _mention("nom")
    first_name: bool = _mention("prénom")
    signature: bool = _mention("signature")


@attrs.frozen
class Attendee:
    """Une ligne de la feuille d'émargement : présence des mentions de la personne.

    ``absent``: ``None`` when the sheet says neither present nor absent.
    """

    surname: bool = _mention("nom")
    first_name: bool = _mention("prénom")
    signature: bool = _mention("signature")
    absent: bool | None = field(BOOL, "absent(e)", "null : la feuille ne dit ni présent ni "
                                                   "absent")
    absence_reason: bool = _mention("motif de l'absence")


def _sheet_variant(instance: Any, attribute: Any, value: Any) -> None:
    """Individual sheets carry ``person``; collective ones the workshop's entries."""
    collective = instance.kind == COLLECTIVE
    for name in ("person",) if collective else ("theme", "session_number", "participants"):
        if getattr(instance, name) not in (None, ()):
            raise InputError(name, "un champ de la feuille " + (
                "individuelle" if collective else "collective"), "champ d'une autre feuille")


@attrs.frozen
class AttendanceSheet:
    """Feuille d'émargement individuelle ou collective (CCTP 6.5, annexes 3 et 4).

    Individual sheets have ``person``; collective ones ``theme`` (a catalogue
    code, ``a_la_carte`` or a free text, never echoed), ``session_number``
    and ``participants``.
    """

    kind: str = field(CODE, "type de feuille", codes=_SHEET_KIND, required=True)
    date: dt.date | None = field(DATE, "date de la séance")
    place: bool = _mention("lieu")
    start_time: dt.time | None = field(TIME, "heure de début")
    duration_hours: float | None = field(NUMBER, "durée", unit="heures", minimum=0,
                                         maximum=10_000)
    facilitator: Signatory = field(Signatory, "l'animateur", default=Signatory())
    person: Attendee | None = field(Attendee, "la personne (feuille individuelle)",
                                    "absent : aucune mention")
    theme: str | None = field(TEXT, "thème de l'atelier (feuille collective)", _THEME,
                              max_length=1_000, personal=True)
    session_number: int | None = field(INT, "numéro de la séance (feuille collective)",
                                       minimum=1, maximum=10_000)
    participants: tuple[Attendee, ...] = field(
        Attendee, "les participants (feuille collective)", many=True, max_items=MAX_ITEMS,
        validator=_sheet_variant)
    id: str | None = field(ID, _ID_TEXT)

    def __repr__(self) -> str:  # the theme may be free text: never shown
        return (f"AttendanceSheet(kind={self.kind!r}, date={self.date!r}, "
                f"participants={len(self.participants)}, id={self.id!r})")


@attrs.frozen
class Invitee:
    """Une personne convoquée à un atelier (CCTP 6.5, annexe 2)."""

    surname: bool = _mention("nom")
    first_name: bool = _mention("prénom")
    cpip: Signatory = field(Signatory, "le CPIP", default=Signatory())
    individual_followup: bool | None = field(BOOL, "suivi individuel en cours", _UNKNOWN)
    other_workshops: bool | None = field(BOOL, "inscrite à d'autres ateliers", _UNKNOWN)
    prescribed: bool | None = field(BOOL, "inscription validée par une prescription du SPIP",
                                    _UNKNOWN)


@attrs.frozen
class Convocation:
    """Convocation à un atelier collectif (CCTP 6.5, annexe 2).

    ``theme``: catalogue code, ``a_la_carte`` or free text.
    """

    spip: bool = _mention("SPIP")
    establishment: bool = _mention("établissement")
    setting: str | None = field(CODE, "milieu", codes=_SETTING)
    theme: str | None = field(TEXT, "thématique de l'atelier", _THEME, max_length=1_000,
                              personal=True)
    dates: tuple[dt.date | dt.datetime, ...] = field(MOMENT, "dates des séances", many=True,
                                                     max_items=MAX_ITEMS)
    duration_hours: float | None = field(NUMBER, "durée", unit="heures", minimum=0,
                                         maximum=10_000)
    participants: tuple[Invitee, ...] = field(Invitee, "les personnes convoquées", many=True,
                                              max_items=MAX_ITEMS)
    id: str | None = field(ID, _ID_TEXT)

    def __repr__(self) -> str:  # the theme may be free text: never shown
        return (f"Convocation(setting={self.setting!r}, dates={len(self.dates)}, "
                f"participants={len(self.participants)}, id={self.id!r})")


@attrs.frozen
class Bilan:
    """Bilan final ou d'atelier (CCTP 3, 6.6, 6.9).

    ``kind``: ``final`` (end of a person's course) or ``workshop`` (collective workshop).
    ``sections``: codes of :attr:`ContractParameters.bilan_required_sections`
    and ``bilan_optional_sections``.
    """

    kind: str = field(CODE, "type de bilan", codes=_BILAN_KIND, required=True)
    sections: tuple[str, ...] = field(CODE, "rubriques présentes", codes=_SECTION, many=True,
                                      max_items=MAX_ITEMS)
    plain_language: bool | None = field(BOOL, "rédigé en langage clair", _UNKNOWN)
    person_copy_has_justice_logo: bool | None = field(
        BOOL, "l'exemplaire de la personne porte le logo de la Justice", _UNKNOWN)
    deposited_on_ipro360: bool | None = field(BOOL, "déposé sur IPRO 360°", _UNKNOWN)
    shared_with_partners: bool | None = field(BOOL, "transmis à des partenaires", _UNKNOWN)
    consent_to_share: bool | None = field(BOOL, "accord de la personne pour le transmettre",
                                          _UNKNOWN)
    id: str | None = field(ID, _ID_TEXT)


@attrs.frozen
class Deliverables:
    """Livrables du titulaire (CCTP 6.9).

    ``delivered``: codes delivered; ``not_applicable``: codes not applicable yet.
    """

    delivered: tuple[str, ...] = field(CODE, "livrables fournis", codes=_DELIVERABLE,
                                       many=True, max_items=MAX_ITEMS)
    not_applicable: tuple[str, ...] = field(CODE, "livrables sans objet à ce jour",
                                            codes=_DELIVERABLE, many=True, max_items=MAX_ITEMS)
    bilan_templates_validated_by_spip: bool | None = field(
        BOOL, "modèles de bilan validés par le SPIP", _UNKNOWN)
    bilan_templates_copied_to_disp: bool | None = field(
        BOOL, "modèles de bilan transmis en copie à la DISP", _UNKNOWN)


# --- reading JSON-like input (describe.read: one description per model) ---------------


def read_attendance_sheet(data: Any, params: ContractParameters = DIJON) -> AttendanceSheet:
    return read(AttendanceSheet, data, context=params)


def read_convocation(data: Any, params: ContractParameters = DIJON) -> Convocation:
    return read(Convocation, data, context=params)


def read_bilan(data: Any, params: ContractParameters = DIJON) -> Bilan:
    return read(Bilan, data, context=params)


def read_deliverables(data: Any, params: ContractParameters = DIJON) -> Deliverables:
    return read(Deliverables, data, context=params)


# --- example inputs (documentation, tests) --------------------------------------------

def example_sheet(kind: str = INDIVIDUAL, **changes: Any) -> dict:
    """A complete attendance sheet of a kind, with ``changes``. Names are placeholders."""
    signer = {"surname": "NOM", "first_name": "Prénom", "signature": True}
    line = {"surname": "NOM", "first_name": "Prénom", "signature": True, "absent": False}
    base = {"kind": kind, "date": "2025-05-13", "place": "CD d'Auxerre, salle 2",
            "start_time": "09:00", "duration_hours": 2, "facilitator": signer}
    if kind == INDIVIDUAL:
        base["person"] = line
    else:
        base.update(theme="job_search_techniques", session_number=1, participants=[line] * 5)
    return {**base, **changes}


def example_convocation(**participant: Any) -> dict:
    """A complete convocation; ``participant`` changes the last participant."""
    cpip = {"surname": "NOM", "first_name": "Prénom"}
    line = {"surname": "NOM", "first_name": "Prénom", "cpip": cpip,
            "individual_followup": True, "other_workshops": False, "prescribed": True}
    return {"spip": "SPIP de l'Yonne", "establishment": "Centre pénitentiaire d'Auxerre",
            "setting": "custody", "theme": "cv_and_cover_letter",
            "dates": ["2025-06-03T14:00:00+02:00", "2025-06-10T14:00:00+02:00"],
            "duration_hours": 4, "participants": [line] * 4 + [{**line, **participant}]}


def _bilan(**changes: Any) -> dict:
    base = {"kind": "final", "sections": ["programme_delivered", "career_plan", "action_plan"],
            "plain_language": True, "person_copy_has_justice_logo": False,
            "deposited_on_ipro360": True, "shared_with_partners": False}
    return {**base, **changes}


# --- attendance sheets (CCTP 6.5) -----------------------------------------------------

def _absent_mention(what: str, path: str, annex: str) -> Flag:
    return Flag(f"la feuille d'émargement ne porte pas {what} ({annex}). Compléter la feuille.",
                expected="mention présente", found="absente", path=path)


def _sheet_common(sheet: AttendanceSheet, annex: str):
    if sheet.date is None:
        yield _absent_mention("la date de la séance", "date", annex)
    if not sheet.place:
        yield _absent_mention("le lieu d'intervention", "place", annex)
    if sheet.start_time is None:
        yield _absent_mention("l'heure de début", "start_time", annex)
    if sheet.duration_hours is None:
        yield _absent_mention("la durée", "duration_hours", annex)
    elif sheet.duration_hours <= 0:
        yield Flag(f"la durée portée sur la feuille est nulle ({annex}).",
                   expected="une durée positive", found=0, path="duration_hours")
    yield from _signatory(sheet.facilitator, "de l'intervenant", "facilitator", annex)


def _signatory(s: Signatory, whose: str, path: str, annex: str, sign: bool = True):
    if not s.surname:
        yield _absent_mention(f"le nom {whose}", f"{path}.surname", annex)
    if not s.first_name:
        yield _absent_mention(f"le prénom {whose}", f"{path}.first_name", annex)
    if sign and not s.signature:
        yield _absent_mention(f"la signature {whose}", f"{path}.signature", annex)


def _attendee(a: Attendee, whose: str, path: str, annex: str, reason_required: bool):
    yield from _signatory(a, whose, path, annex, sign=False)
    if a.absent:
        if reason_required and not a.absence_reason:
            yield Flag(f"absence {whose} sans motif ; la feuille indique le motif de l'absence "
                       f"({annex}).", expected="motif d'absence", found="absent",
                       path=f"{path}.absence_reason")
    elif not a.signature:
        state = "présent" if a.absent is False else "ni présence ni absence indiquée"
        yield Flag(f"signature {whose} manquante ({state}). Faire signer la feuille, ou "
                   f"indiquer l'absence{' et son motif' if reason_required else ''} ({annex}).",
                   expected="signature", found="absente", path=f"{path}.signature")


_SHEET_IND = "CCTP 6.5, annexe 3"
_SHEET_COLL = "CCTP 6.5, annexe 4"


@rule("DOC-SHEET-IND", clause="CCTP 6.5", title="Feuille d'émargement individuelle complète",
      severity=VIOLATION, subject="attendance-sheet",
      requirement="La feuille d'émargement individuelle porte : nom et prénom du bénéficiaire, "
                  "date de l'entretien, lieu, heure de début, durée, signature du bénéficiaire, "
                  "motif en cas d'absence, nom, prénom et signature de l'intervenant.",
      interpretation="Les noms et signatures ne sont vérifiés que par leur présence (texte non "
                     "vide ou true) ; ils ne sont jamais repris.",
      examples=(
          Example("Feuille complète", "attendance-sheet", example_sheet(), fires=False),
          Example("Absence avec motif, sans signature", "attendance-sheet", example_sheet(
              person={"surname": "NOM", "first_name": "Prénom", "absent": True,
                      "absence_reason": "parloir"}), fires=False),
          Example("Bénéficiaire présent, non signé", "attendance-sheet", example_sheet(
              person={"surname": "NOM", "first_name": "Prénom", "absent": False})),
          Example("Absence sans motif", "attendance-sheet", example_sheet(
              person={"surname": "NOM", "first_name": "Prénom", "absent": True})),
          Example("Sans lieu ni heure de début", "attendance-sheet",
                  example_sheet(place=None, start_time=None)),
      ))
def doc_sheet_ind(sheet: AttendanceSheet, params: ContractParameters):
    if sheet.kind != INDIVIDUAL:
        return
    yield from _sheet_common(sheet, _SHEET_IND)
    yield from _attendee(sheet.person or Attendee(), "du bénéficiaire", "person", _SHEET_IND,
                         reason_required=True)


@rule("DOC-SHEET-COLL", clause="CCTP 6.5", title="Feuille d'émargement collective complète",
      severity=VIOLATION, subject="attendance-sheet",
      requirement="La feuille d'émargement collective porte : thème de l'atelier, nom, prénom et "
                  "signature de l'intervenant, date, heure de début, durée, numéro de la "
                  "séance, lieu, nom et prénom des bénéficiaires, motif en cas d'absence (si "
                  "connu), signature des bénéficiaires.",
      interpretation="Le motif d'absence n'est exigé que « si connu » : son absence n'est pas "
                     "une violation. La taille du groupe est contrôlée par PROG-GROUP-SIZE.",
      examples=(
          Example("Feuille complète", "attendance-sheet", example_sheet("collective"),
                  fires=False),
          Example("Sans numéro de séance", "attendance-sheet",
                  example_sheet("collective", session_number=None)),
          Example("Un participant présent non signé", "attendance-sheet", example_sheet(
              "collective", participants=[{"surname": "NOM", "first_name": "Prénom",
                                          "signature": False, "absent": False}] * 4)),
      ))
def doc_sheet_coll(sheet: AttendanceSheet, params: ContractParameters):
    if sheet.kind != COLLECTIVE:
        return
    if not sheet.theme or not sheet.theme.strip():
        yield _absent_mention("le thème de l'atelier", "theme", _SHEET_COLL)
    if sheet.session_number is None:
        yield _absent_mention("le numéro de la séance", "session_number", _SHEET_COLL)
    yield from _sheet_common(sheet, _SHEET_COLL)
    if not sheet.participants:
        yield _absent_mention("la liste des bénéficiaires", "participants", _SHEET_COLL)
    for i, a in enumerate(sheet.participants):
        yield from _attendee(a, f"du bénéficiaire n° {i + 1}", f"participants[{i}]",
                             _SHEET_COLL, reason_required=False)


def check_attendance_sheet(sheet: Any, params: ContractParameters = DIJON) -> Report:
    """DOC-SHEET-IND / DOC-SHEET-COLL, and PROG-GROUP-SIZE for a collective sheet."""
    sheet = read_attendance_sheet(sheet, params)
    report = run_rules("attendance-sheet", sheet, params)
    if sheet.kind == COLLECTIVE and sheet.participants:
        report = report.merged(_group_size(sheet.theme, len(sheet.participants),
                                           "participants", params))
    return report


def _group_size(theme: str | None, count: int, path: str, params: ContractParameters) -> Report:
    size = get_rule("PROG-GROUP-SIZE")
    theme = theme_code(theme, params)
    name = workshop_name(theme or "", 0, params) if theme in codes(params.collective_themes) \
        else "l'atelier"
    flags = group_size_flags(name, count, path, params)
    return Report("", tuple(size.finding(flag, params) for flag in flags), (size.id,))


# --- convocation (CCTP 6.5, annex 2) ----------------------------------------------------

_CONVOCATION = "CCTP 6.5, annexe 2"


def _absent_from_convocation(what: str, path: str) -> Flag:
    return Flag(f"la convocation ne mentionne pas {what} ({_CONVOCATION}). La compléter.",
                expected="mention présente", found="absente", path=path)


@rule("DOC-CONVOCATION", clause="CCTP 6.5", title="Convocation à un atelier collectif complète",
      severity=VIOLATION, subject="convocation",
      requirement="La convocation à un atelier collectif mentionne le SPIP compétent, "
                  "l'établissement, la thématique avec les dates prévues et la durée, les nom et "
                  "prénom des bénéficiaires et de leur CPIP référent, si un suivi individuel est "
                  "en cours et si la personne participe à d'autres ateliers.",
      interpretation="En milieu ouvert (setting = community), l'établissement de détention ne "
                     "s'applique pas.",
      examples=(
          Example("Convocation complète", "convocation", example_convocation(), fires=False),
          Example("Sans mention du suivi individuel", "convocation",
                  example_convocation(individual_followup=None)),
          Example("Sans nom du CPIP référent", "convocation",
                  example_convocation(cpip={"first_name": "Prénom"})),
      ))
def doc_convocation(c: Convocation, params: ContractParameters):
    if not c.spip:
        yield _absent_from_convocation("le SPIP compétent", "spip")
    if not c.establishment and c.setting != COMMUNITY:
        if c.setting is None:
            yield missing("setting", "milieu (fermé ou ouvert) : l'établissement de détention n'est "
                                     "exigé qu'en milieu fermé")
        else:
            yield _absent_from_convocation("l'établissement de détention", "establishment")
    if not c.theme or not c.theme.strip():
        yield _absent_from_convocation("la thématique de l'atelier", "theme")
    if not c.dates:
        yield _absent_from_convocation("les dates prévues", "dates")
    if c.duration_hours is None:
        yield _absent_from_convocation("la durée de l'atelier", "duration_hours")
    if not c.participants:
        yield _absent_from_convocation("les bénéficiaires", "participants")
    for i, p in enumerate(c.participants):
        path = f"participants[{i}]"
        if not p.surname:
            yield _absent_from_convocation(f"le nom du participant n° {i + 1}", f"{path}.surname")
        if not p.first_name:
            yield _absent_from_convocation(f"le prénom du participant n° {i + 1}",
                                           f"{path}.first_name")
        if not p.cpip.surname or not p.cpip.first_name:
            yield _absent_from_convocation(f"les nom et prénom du CPIP référent du participant "
                                           f"n° {i + 1}", f"{path}.cpip")
        if p.individual_followup is None:
            yield _absent_from_convocation(f"si un suivi individuel est en cours pour le "
                                           f"participant n° {i + 1}",
                                           f"{path}.individual_followup")
        if p.other_workshops is None:
            yield _absent_from_convocation(f"si le participant n° {i + 1} participe à "
                                           f"d'autres ateliers",
                                           f"{path}.other_workshops")


def check_convocation(convocation: Any, params: ContractParameters = DIJON) -> Report:
    """DOC-CONVOCATION, COLL-ONLY-PRESCRIBED, and the workshop's size and duration."""
    c = read_convocation(convocation, params)
    report = run_rules("convocation", c, params)
    if c.participants:
        report = report.merged(_group_size(c.theme, len(c.participants), "participants",
                                           params))
    if c.duration_hours is not None:
        hours = get_rule("PROG-COLL-HOURS")
        theme = theme_code(c.theme, params)
        name = workshop_name(theme or A_LA_CARTE, 0, params) \
            if theme in codes(params.collective_themes) else "l'atelier"
        flags = workshop_hours_flags(name, c.duration_hours, "duration_hours", params)
        report = report.merged(Report("", tuple(hours.finding(f, params) for f in flags), (hours.id,)))
    return report


# --- bilans (CCTP 3, 6.6, 6.9) -----------------------------------------------------------

@rule("END-BILAN-CONTENT", clause="CCTP 3, 6.6", title="Contenu du bilan final",
      severity=VIOLATION, subject="bilan",
      parameters=("bilan_required_sections", "bilan_optional_sections"),
      requirement="Le bilan final contient le programme d'accompagnement réalisé, le projet "
                  "professionnel de la personne et un plan d'action pour le mettre en œuvre ; "
                  "des recommandations et un bilan à mi-parcours sont facultatifs ; il est "
                  "rédigé pour des personnes non initiées au langage technique.",
      interpretation="Les rubriques obligatoires valent pour le bilan final d'un parcours "
                     "(kind = final) ; pour un bilan d'atelier, seule la lisibilité est vérifiée. "
                     "La lisibilité est une déclaration (plain_language) : le logiciel ne juge "
                     "pas un texte.",
      examples=(
          Example("Bilan final complet", "bilan", _bilan(), fires=False),
          Example("Bilan final sans plan d'action", "bilan",
                  _bilan(sections=["programme_delivered", "career_plan"])),
          Example("Bilan d'atelier sans rubriques", "bilan", _bilan(kind="workshop", sections=[]),
                  fires=False),
      ))
def end_bilan_content(b: Bilan, params: ContractParameters):
    if b.kind == FINAL:
        present = set(b.sections)
        for item in params.bilan_required_sections:
            if item.code not in present:
                yield Flag(f"le bilan final ne contient pas la rubrique « {item.label} ». "
                           f"L'ajouter avant la remise.", expected="rubrique présente",
                           found="absente", path="sections")
    yield from yes_no(b.plain_language, "plain_language",
                      "bilan rédigé pour des non-initiés (oui ou non)",
                      "le bilan n'est pas rédigé pour des personnes non initiées au langage "
                      "technique ; le reformuler pour qu'il soit compréhensible par le "
                      "bénéficiaire.")


@rule("END-BILAN-LOGO", clause="CCTP 6.9", title="Pas de logo du ministère de la Justice sur "
      "la copie du bénéficiaire", severity=VIOLATION, subject="bilan",
      requirement="Le bilan remis au bénéficiaire ne porte pas le logo du ministère de la "
                  "Justice, afin qu'il puisse l'utiliser à sa sortie.",
      examples=(
          Example("Copie sans logo", "bilan", _bilan(), fires=False),
          Example("Copie avec le logo du ministère", "bilan",
                  _bilan(person_copy_has_justice_logo=True)),
      ))
def end_bilan_logo(b: Bilan, params: ContractParameters):
    yield from yes_no(b.person_copy_has_justice_logo, "person_copy_has_justice_logo",
                      "logo du ministère de la Justice sur la copie du bénéficiaire (oui ou non)",
                      "la copie remise au bénéficiaire porte le logo du ministère de la Justice ; "
                      "le retirer pour que la personne puisse utiliser son bilan à sa sortie.",
                      wanted=False)


@rule("END-BILAN-SHARING", clause="CCTP 6.6, 6.9", title="Dépôt sur IPRO 360° et partage avec "
      "consentement", severity=VIOLATION, subject="bilan",
      requirement="Le bilan est déposé dans le dossier professionnel IPRO 360° ; les autres "
                  "partenaires de l'insertion n'y ont accès qu'avec l'autorisation de la "
                  "personne.",
      interpretation="Un partage sans consentement renseigné (ni oui ni non) est un "
                     "avertissement : à vérifier avant tout nouveau partage.",
      examples=(
          Example("Déposé, non partagé", "bilan", _bilan(), fires=False),
          Example("Partagé avec consentement", "bilan",
                  _bilan(shared_with_partners=True, consent_to_share=True), fires=False),
          Example("Partagé sans consentement", "bilan",
                  _bilan(shared_with_partners=True, consent_to_share=False)),
          Example("Non déposé sur IPRO 360°", "bilan", _bilan(deposited_on_ipro360=False)),
      ))
def end_bilan_sharing(b: Bilan, params: ContractParameters):
    yield from yes_no(b.deposited_on_ipro360, "deposited_on_ipro360",
                      "dépôt du bilan sur IPRO 360° (oui ou non)",
                      "le bilan n'est pas déposé dans le dossier professionnel IPRO 360° ; l'y "
                      "déposer.")
    if b.shared_with_partners is None:
        yield missing("shared_with_partners", "partage du bilan avec d'autres partenaires (oui "
                                              "ou non)")
    elif b.shared_with_partners:
        if b.consent_to_share is None:
            yield Flag("le bilan est partagé avec d'autres partenaires sans que le consentement "
                       "de la personne soit renseigné ; le vérifier et l'enregistrer.",
                       severity=WARNING, expected=True, found="non renseigné",
                       path="consent_to_share")
        elif not b.consent_to_share:
            yield Flag("le bilan est partagé avec d'autres partenaires sans le consentement de "
                       "la personne ; retirer l'accès des partenaires.", expected=True,
                       found=False, path="consent_to_share")


def check_bilan(bilan: Any, params: ContractParameters = DIJON) -> Report:
    """END-BILAN-CONTENT, END-BILAN-LOGO and END-BILAN-SHARING on one bilan."""
    return run_rules("bilan", read_bilan(bilan, params), params)


# --- deliverables (CCTP 6.9) --------------------------------------------------------------

@rule("DOC-DELIVERABLES", clause="CCTP 6.9", title="Livrables du titulaire",
      severity=VIOLATION, subject="deliverables", parameters=("deliverables",),
      requirement="Le titulaire fournit : une affiche de présentation du dispositif pour les "
                  "personnes détenues, des fiches de présentation pour les SPIP et partenaires, "
                  "les bilans individuels et les bilans d'ateliers collectifs ; les modèles de "
                  "bilan sont soumis à la validation du SPIP, avec copie à la DISP.",
      interpretation="Un livrable peut être « sans objet » à la date du contrôle (aucun atelier "
                     "terminé, par exemple) : il est alors listé dans not_applicable.",
      examples=(
          Example("Tous les livrables fournis", "deliverables",
                  {"delivered": ["poster", "presentation_sheets", "individual_bilans"],
                   "not_applicable": ["workshop_bilans"],
                   "bilan_templates_validated_by_spip": True,
                   "bilan_templates_copied_to_disp": True}, fires=False),
          Example("Pas d'affiche pour les personnes détenues", "deliverables",
                  {"delivered": ["presentation_sheets", "individual_bilans", "workshop_bilans"],
                   "bilan_templates_validated_by_spip": True,
                   "bilan_templates_copied_to_disp": True}),
      ))
def doc_deliverables(d: Deliverables, params: ContractParameters):
    done = set(d.delivered) | set(d.not_applicable)
    for item in params.deliverables:
        if item.code not in done:
            yield Flag(f"livrable non fourni : {item.label}. Le fournir (CCTP 6.9).",
                       expected="fourni", found="non fourni", path="delivered")
    yield from yes_no(d.bilan_templates_validated_by_spip, "bilan_templates_validated_by_spip",
                      "validation des modèles de bilan par le SPIP",
                      "les modèles de bilan ne sont pas validés par le SPIP ; les lui soumettre, "
                      "avec copie à la DISP.")
    yield from yes_no(d.bilan_templates_copied_to_disp, "bilan_templates_copied_to_disp",
                      "copie des modèles de bilan à la DISP",
                      "les modèles de bilan n'ont pas été adressés en copie à la DISP.")


def check_deliverables(deliverables: Any, params: ContractParameters = DIJON) -> Report:
    """DOC-DELIVERABLES on the provider's list of deliverables."""
    return run_rules("deliverables", read_deliverables(deliverables, params), params)


# --- schemas and kinds ----------------------------------------------------------------------

def attendance_sheet_schema(params: ContractParameters = DIJON) -> dict:
    return json_schema(AttendanceSheet, context=params)


def convocation_schema(params: ContractParameters = DIJON) -> dict:
    return json_schema(Convocation, context=params)


def bilan_schema(params: ContractParameters = DIJON) -> dict:
    return json_schema(Bilan, context=params)


def deliverables_schema(params: ContractParameters = DIJON) -> dict:
    return json_schema(Deliverables, context=params)


register_kind("attendance-sheet", "Feuille d'émargement",
              lambda data, params, **_: check_attendance_sheet(data, params),
              attendance_sheet_schema)
register_kind("convocation", "Convocation à un atelier collectif",
              lambda data, params, **_: check_convocation(data, params), convocation_schema)
register_kind("bilan", "Bilan", lambda data, params, **_: check_bilan(data, params),
              bilan_schema)
register_kind("deliverables", "Livrables du titulaire",
              lambda data, params, **_: check_deliverables(data, params), deliverables_schema)

__all__ = ["AttendanceSheet", "Attendee", "Bilan", "Convocation", "Deliverables", "Invitee",
           "Signatory", "check_attendance_sheet", "check_bilan", "check_convocation",
           "check_deliverables", "read_attendance_sheet", "read_bilan", "read_convocation",
           "read_deliverables"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
