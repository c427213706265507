"""The inputs of a lot report (the ``activity`` kind): one description per model.

Every model is declared with :func:`ppaip_rules.describe.field`: the JSON reader
(:func:`read_activity`), the refusals of direct construction, the JSON Schema
(:func:`activity_schema`) and the docs' field table all derive from it. The cases are
read by :func:`ppaip_rules.events.read_case` (a tagged union of events, which the generic
layer does not describe yet), wrapped as a :class:`~ppaip_rules.describe.Custom` kind.

Codes a caller sends are English snake_case identifiers with French labels; the French
codes of version 0.2 are read as aliases (:data:`INVOICE_ALIASES`, :data:`MEETING_ALIASES`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ._inputs import SETTING_CODES
from .calendar import FIRST_YEAR, LAST_YEAR, in_input_years, require_input_year, to_paris_date
from .describe import (
    BOOL,
    CODE,
    FORMATS,
    INT,
    NUMBER,
    TEXT,
    Codes,
    Custom,
    accepts,
    field,
    json_schema,
    read,
)
from .errors import InputError
from .events import Case, as_event_instant, case_schema, read_case
from .frenchtext import format_date
from .parsing import as_date

# --- codes ------------------------------------------------------------------------------

#: What an invoice line bills (CCTP 1.5): the session, and what its price already
#: includes ("sont inclus la phase de préparation et d'évaluation de la prestation, les
#: actions de communication et d'information, l'entretien, la coordination administrative et
#: pédagogique, les relations partenariales, les temps de réunion et de concertation …, la
#: participation à des évènements, la rédaction des comptes-rendus et des synthèses, les
#: frais de déplacement des intervenants").
SESSION_LINE = "session"
INVOICE_KINDS = {
    SESSION_LINE: "séance d'intervention",
    "preparation": "préparation ou évaluation de la prestation",
    "communication": "action de communication ou d'information",
    "coordination": "coordination administrative et pédagogique",
    "partnership": "relations partenariales",
    "meeting": "temps de réunion ou de concertation",
    "event": "participation à un évènement",
    "report_writing": "rédaction de comptes-rendus ou de synthèses",
    "travel": "frais de déplacement des intervenants",
}
#: The French codes of version 0.2, read for one version more.
INVOICE_ALIASES = {"seance": SESSION_LINE, "partenariat": "partnership", "reunion": "meeting",
                   "evenement": "event", "compte-rendu": "report_writing",
                   "deplacement": "travel"}

#: Meetings the provider takes part in (CCTP 2 d, 6.11).
MEETING_KINDS = {
    "integration_commission": "commission locale d'insertion professionnelle (CCTP 2 d)",
    "monitoring_committee": "comité de suivi (CCTP 6.11)",
    "steering_committee": "comité de pilotage annuel de la DISP (CCTP 6.11)",
}
MEETING_ALIASES = {"commission-insertion": "integration_commission",
                   "comite-suivi": "monitoring_committee", "copil": "steering_committee"}

#: End of a period of N months (RULES.md ambiguity 14).
TERM_END_READINGS = {
    "eve": "la veille du même quantième N mois plus tard (1er mars 2025 + 24 mois → "
           "28 février 2027), lecture par défaut",
    "same_date": "le même quantième N mois plus tard (1er mars 2025 + 24 mois → 1er mars "
                 "2027)",
}

PERMANENCE_READINGS = {
    "twice_a_month": "au moins « permanences_per_month » permanences par site et par mois "
                     "civil sans prescription (lecture par défaut de « bimensuelle »)",
    "every_two_months": "au moins une permanence par site et par période de deux mois civils "
                        "sans prescription (lecture « tous les deux mois »)",
}

# --- kinds of value the generic layer does not say --------------------------------------

#: A pseudonymous identifier that may be shown in a report: letters without accents,
#: digits, "-", "_", "."; it starts with a letter or a digit (never "=", "+", "-", "@",
#: which a spreadsheet reads as a formula), no space, 40 characters at most.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
_SAFE_ID_EXPECTED = ("un identifiant pseudonyme : lettres sans accent, chiffres, « - », « _ » ou "
                     "« . », commençant par une lettre ou un chiffre, sans espace, 40 caractères "
                     "au plus (jamais un nom)")


def shown_id(value: str | None, neutral: str) -> str:
    """``« ID »`` when ``value`` has the safe identifier form, else the neutral reference.

    Free text (a name, a formula, a control character) is never echoed in a report.
    """
    if value is not None and SAFE_ID.fullmatch(value):
        return f"« {value} »"
    return neutral


def _as_safe_id(value: Any, path: str) -> str:
    if isinstance(value, str) and SAFE_ID.fullmatch(value):
        return value
    raise InputError(path, _SAFE_ID_EXPECTED)


def _format(name: str, read: Any) -> dict[str, Any]:
    """A string format that is the reader itself (the schema's last word is the reader's)."""
    FORMATS[name] = accepts(read)
    return {"type": "string", "format": name}


def _check_safe_id(value: Any, path: str) -> None:
    _as_safe_id(value, path)


_SAFE_ID_FORMAT = _format("ppaip-safe-id", _as_safe_id)
SAFE_ID_KIND = Custom(
    "safe_id", _SAFE_ID_EXPECTED, _as_safe_id, _check_safe_id,
    lambda context: {**_SAFE_ID_FORMAT, "pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,39}$"},
    ("MA-DIJON", "A1", "x" * 40, "x" * 41, "-A", "=1+1", "A B", "A1\n", "é", ""))

_INPUT_DATE_EXPECTED = (f"une date AAAA-MM-JJ ou JJ/MM/AAAA, entre {FIRST_YEAR + 1} et "
                        f"{LAST_YEAR - 1}")


def _as_input_date(value: Any, path: str) -> dt.date:
    """A date (or its text) in the calendar's input years."""
    if type(value) is not dt.date:
        if isinstance(value, dt.datetime):
            raise InputError(path, _INPUT_DATE_EXPECTED)
        value = as_date(value, path)
    require_input_year(value, path)
    return value


def _check_input_date(value: Any, path: str) -> None:
    if type(value) is not dt.date:
        raise InputError(path, _INPUT_DATE_EXPECTED)
    require_input_year(value, path)


_INPUT_DATE_FORMAT = _format("ppaip-input-date", _as_input_date)
INPUT_DATE = Custom("input_date", _INPUT_DATE_EXPECTED, _as_input_date, _check_input_date,
                    lambda context: dict(_INPUT_DATE_FORMAT),
                    ("2025-04-01", "01/04/2025", "2025-02-30", "1990-01-01", "2101-01-01",
                     "2025-4-1", "demain"))

_DAY_OR_INSTANT = as_event_instant(False)
_DAY_EXPECTED = ("une date AAAA-MM-JJ ou une date et heure ISO 8601 (sans fuseau : heure de "
                 "Paris), dont on retient le jour à Paris")


def _as_day(value: Any, path: str) -> dt.date:
    """A day, or the Paris day of an instant."""
    if type(value) is dt.date:
        require_input_year(value, path)
        return value
    try:
        return to_paris_date(_DAY_OR_INSTANT(value, path))
    except InputError as error:
        raise InputError(path, _DAY_EXPECTED, error.problem) from None


def _check_day(value: Any, path: str) -> None:
    if type(value) is not dt.date or not in_input_years(value.year):
        raise InputError(path, _DAY_EXPECTED)


_DAY_FORMAT = _format("ppaip-lot-day", _as_day)
DAY = Custom("day", _DAY_EXPECTED, _as_day, _check_day, lambda context: dict(_DAY_FORMAT),
             ("2025-04-08", "2025-04-08T10:00:00+02:00", "2025-04-08T10:00:00",
              "2025-02-30", "1990-01-01", "08/04/2025", "demain"))

_MONTH_EXPECTED = "un mois « AAAA-MM »"
_MONTH_RE = re.compile(r"[0-9]{4}-[0-9]{2}")


def _as_month(value: Any, path: str) -> dt.date:
    """A calendar month, ``AAAA-MM`` (or its first day, a date): its first day."""
    if type(value) is dt.date:
        _check_month(value, path)
        return value
    if isinstance(value, str) and _MONTH_RE.fullmatch(value):
        year, month = int(value[:4]), int(value[5:])
        if 1 <= month <= 12 and in_input_years(year):
            return dt.date(year, month, 1)
    raise InputError(path, _MONTH_EXPECTED)


def _check_month(value: Any, path: str) -> None:
    if type(value) is not dt.date or value.day != 1 or not in_input_years(value.year):
        raise InputError(path, _MONTH_EXPECTED)


_MONTH_FORMAT = _format("ppaip-month", _as_month)
MONTH = Custom("month", _MONTH_EXPECTED, _as_month, _check_month,
               lambda context: {**_MONTH_FORMAT, "pattern": "^[0-9]{4}-[0-9]{2}$"},
               ("2025-04", "2025-13", "1990-01", "2025-4", "2025-04\n", "avril"))


def _as_case(value: Any, path: str) -> Case:
    """A case object (a bare list of events is a case of the ``case`` kind only)."""
    if isinstance(value, Case):
        return value
    if not isinstance(value, Mapping):
        raise InputError(path, "un objet JSON ({ … }) : un parcours")
    return read_case(value, path)


def _check_case(value: Any, path: str) -> None:
    if not isinstance(value, Case):
        raise InputError(path, "un parcours (Case)")


_SAMPLE_EVENTS = [{"type": "prescription_received", "at": "2025-04-02"}]
CASE = Custom("case", "un objet JSON ({ … }) : un parcours (voir le type « case »)", _as_case,
              _check_case, lambda context: case_schema(standalone=False),
              ({"case_id": "A", "spip": "21", "events": _SAMPLE_EVENTS},
               {"events": []}, {"case_id": "A"}, {"events": _SAMPLE_EVENTS, "age": 3},
               _SAMPLE_EVENTS, "A"))

_BIG = 1_000_000  # a year of a large lot is some 20,000 sessions


# --- the models ---------------------------------------------------------------------------

@attrs.frozen(slots=True)
class ReportPeriod:
    """Période du rapport, premier et dernier jour compris."""

    start: dt.date = field(INPUT_DATE, "premier jour de la période", required=True)
    end: dt.date = field(INPUT_DATE, "dernier jour de la période", required=True)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InputError("end", "une date de fin postérieure ou égale au début",
                             "période inversée")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def describe(self) -> str:
        return f"du {format_date(self.start)} au {format_date(self.end)}"


@attrs.frozen(slots=True)
class Site:
    """Un lieu de permanences : un établissement (milieu fermé) ou un site du milieu ouvert."""

    id: str = field(SAFE_ID_KIND, "identifiant du site", required=True)
    spip: str | None = field(TEXT, "code du SPIP (département), ex. « 21 »", max_length=8)
    setting: str | None = field(CODE, "milieu", codes=SETTING_CODES)


@attrs.frozen(slots=True)
class Permanence:
    """Une permanence tenue sur un site."""

    site: str = field(SAFE_ID_KIND, "identifiant du site (celui de « sites »)", required=True)
    at: dt.date = field(DAY, "jour de la permanence", required=True)

    @property
    def day(self) -> dt.date:
        return self.at


@attrs.frozen(slots=True)
class InvoiceLine:
    """Une ligne de la facture du titulaire (CCTP 1.5 : « paiement à la séance »).

    ``kind``: a code of :data:`INVOICE_KINDS`; a session line names the session by its day
    and ``case_id`` (individual) or ``workshop`` (collective). ``signed_sheet``: the line's
    own statement; ``None`` to take it from the session held.
    """

    kind: str = field(CODE, "poste facturé", required=True,
                      codes=Codes(INVOICE_KINDS, aliases=INVOICE_ALIASES))
    at: dt.date = field(DAY, "jour de la séance ou du poste facturé", required=True)
    case_id: str | None = field(SAFE_ID_KIND, "parcours (séance individuelle)")
    workshop: str | None = field(SAFE_ID_KIND, "atelier (séance collective)")
    signed_sheet: bool | None = field(BOOL, "feuille d'émargement signée")

    @property
    def day(self) -> dt.date:
        return self.at


@attrs.frozen(slots=True)
class Meeting:
    """Une commission ou un comité où le titulaire était (ou non) invité."""

    kind: str = field(CODE, "réunion", required=True,
                      codes=Codes(MEETING_KINDS, aliases=MEETING_ALIASES))
    at: dt.date = field(DAY, "jour de la réunion", required=True)
    invited: bool | None = field(BOOL, "titulaire invité")
    attended: bool | None = field(BOOL, "titulaire présent")

    @property
    def day(self) -> dt.date:
        return self.at


@attrs.frozen(slots=True)
class WorkshopPlan:
    """Un atelier de la liste et du calendrier arrêtés avec le SPIP (CCTP 6.2 B)."""

    id: str = field(TEXT, "identifiant « workshop » des séances", required=True, max_length=64)
    plan_agreed_with_spip: bool | None = field(BOOL, "liste et calendrier arrêtés avec le SPIP")
    outside_speakers: bool | None = field(BOOL, "intervenants extérieurs")
    speakers_agreed_with_spip: bool | None = field(BOOL, "intervenants extérieurs acceptés "
                                                         "par le SPIP")


@attrs.frozen(slots=True)
class SheetTransmission:
    """Les feuilles d'émargement d'un SPIP pour un mois civil, transmises au SPIP ou non."""

    spip: str = field(TEXT, "code du SPIP", required=True, max_length=8)
    month: dt.date = field(MONTH, "mois", required=True)
    sent: bool | None = field(BOOL, "feuilles transmises")


@attrs.frozen(slots=True)
class IproHours:
    """Heures renseignées sur IPRO 360° pour un parcours et un mois civil."""

    case_id: str = field(TEXT, "parcours (son « case_id »)", required=True, max_length=64)
    month: dt.date = field(MONTH, "mois", required=True)
    hours: float = field(NUMBER, "heures renseignées", required=True, minimum=0,
                         maximum=100_000, unit="heures")


@attrs.frozen(slots=True)
class ProviderSynthesis:
    """La synthèse du titulaire pour une période du marché (CCTP 6.10)."""

    term_period: int = field(INT, "période du marché", "1 : période initiale ; 2 : "
                             "1re reconduction…", required=True, minimum=1, maximum=100)
    covers_programmes: bool | None = field(BOOL, "traite des programmes réalisés")
    covers_objectives: bool | None = field(BOOL, "traite de l'atteinte des objectifs")


@attrs.frozen(slots=True)
class Activity:
    """Activité d'un lot sur une période (rapport de lot).

    ``None`` for a list that may be absent: the rules that need it then say that the fact
    is missing (an empty list says "none").
    """

    lot: int = field(INT, "numéro du lot", required=True, minimum=1, maximum=1000)
    period: ReportPeriod = field(ReportPeriod, "période du rapport", required=True)
    cases: tuple[Case, ...] = field(CASE, "parcours du lot", required=True, many=True,
                                    max_items=_BIG)
    contract_start: dt.date | None = field(INPUT_DATE, "démarrage du marché")
    sites: tuple[Site, ...] = field(Site, "sites du lot (permanences)", many=True)
    permanences: tuple[Permanence, ...] = field(Permanence, "permanences tenues", many=True,
                                                max_items=_BIG)
    permanence_reading: str = field(CODE, "lecture de « bimensuelle » (ambiguïté 4)",
                                    codes=Codes(PERMANENCE_READINGS), default="twice_a_month")
    term_end_reading: str = field(CODE, "fin d'une période de N mois (ambiguïté 14)",
                                  codes=Codes(TERM_END_READINGS), default="eve")
    invoice_lines: tuple[InvoiceLine, ...] | None = field(
        InvoiceLine, "lignes de facture (CCTP 1.5)", many=True, empty=None, max_items=_BIG)
    meetings: tuple[Meeting, ...] | None = field(
        Meeting, "commissions et comités (CCTP 2 d, 6.11)", many=True, empty=None,
        max_items=_BIG)
    workshops: tuple[WorkshopPlan, ...] | None = field(
        WorkshopPlan, "ateliers : accord du SPIP sur la liste et le calendrier (CCTP 6.2 B)",
        many=True, empty=None, max_items=_BIG)
    sheet_transmissions: tuple[SheetTransmission, ...] | None = field(
        SheetTransmission, "feuilles d'émargement transmises au SPIP, par SPIP et par mois "
        "(CCTP 6.5)", many=True, empty=None, max_items=_BIG)
    ipro_hours: tuple[IproHours, ...] | None = field(
        IproHours, "heures renseignées sur IPRO 360°, par parcours et par mois (CCTP 6.5)",
        many=True, empty=None, max_items=_BIG)
    syntheses: tuple[ProviderSynthesis, ...] | None = field(
        ProviderSynthesis, "synthèses du titulaire (CCTP 6.10)", many=True, empty=None,
        max_items=_BIG)


ACTIVITY_TITLE = "Activité d'un lot sur une période (rapport de lot)"


def read_activity(data: Any, params: Any = None) -> dict[str, Any]:
    """The arguments of :func:`~ppaip_rules.lot.lot_report` from an activity document."""
    activity = read(Activity, data, context=params)
    return {a.name: getattr(activity, a.name) for a in attrs.fields(Activity)}


def activity_schema() -> dict[str, Any]:
    return json_schema(Activity, title=ACTIVITY_TITLE)


def read_period(value: Any) -> ReportPeriod:
    """The period of :func:`lot_report`: a model, ``{"start", "end"}`` or ``(start, end)``."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        value = {"start": value[0], "end": value[1]}
    return read(ReportPeriod, value, "period")


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
