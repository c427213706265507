"""Lot report: hours against the forecast, permanences, target publics, synthesis, contract term.

:func:`lot_report` takes the cases of one lot (each a beneficiary's event log,
:mod:`ppaip_rules.events`), the lot number and a reporting period, and
returns a :class:`LotReport`:

- ``volumes``: hours delivered per type (individual, collective) against the
  lot's forecast (CCTP 1.5), the forecast being for ``forecast_months``
  (24) months and prorated to the period; over-consumption is a warning, since
  volumes "pourra être réajustée (à la hausse comme à la baisse)";
- billable sessions (CCTP 1.5, 6.5: "paiement à la séance", the sessions on
  signed attendance sheets); a collective session is one session whatever the
  number of participants (one per workshop and start time);
- ``permanences``: per site and calendar month with no prescription, the
  permanences held against ``permanences_per_month`` (CCTP 6.1-3, ambiguities
  4 and 9);
- ``target_public``: share of women and of young people without
  qualification among beneficiaries (CCTP 2 b), "young" meaning under
  ``young_age_limit`` (26) at the prescription;
- ``synthesis``: cases by state, obligations met, met late, pending, overdue
  (CCTP 6.10);
- ``term``: end dates of the initial period and of each renewal (CCTP 1.4).

The ``activity`` check kind reads the same data from one JSON document
(:func:`activity_schema`); ``ppaip-rules report ACTIVITY.json --lot N`` prints it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .calendar import (
    days_between,
    duration_end,
    month_end,
    month_starts,
    successive_durations,
    to_paris_date,
)
from .checks import register_kind
from .errors import InputError
from .events import (
    SETTINGS,
    Case,
    PrescriptionReceived,
    SessionHeld,
    as_event_instant,
    case_schema,
    read_case,
)
from .frenchtext import MONTHS, format_date, format_datetime, format_value, plural
from .model import INFO, VIOLATION, WARNING, Example, Finding, Flag, Report, Rule, get_rule, rule
from .parameters import DIJON, ContractParameters, Lot
from .parsing import Fields, as_choice, as_date, as_int, as_list, as_str, join
from .timeline import (
    CASE_RULES,
    CaseEvaluation,
    CaseState,
    ObligationStatus,
    emit,
    evaluate_case,
    read_as_of,
)

# --- inputs -------------------------------------------------------------------------


@attrs.frozen(slots=True)
class ReportPeriod:
    """The reporting period, first and last day included."""

    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InputError("period.end", "une date de fin postérieure ou égale au début",
                             "période inversée")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def describe(self) -> str:
        return f"du {format_date(self.start)} au {format_date(self.end)}"


@attrs.frozen(slots=True)
class Site:
    """A place where the provider holds permanences: an establishment (MF) or an MO site."""

    id: str
    spip: str | None = None
    setting: str | None = None


@attrs.frozen(slots=True)
class Permanence:
    site: str
    day: dt.date


PERMANENCE_READINGS = {
    "twice_a_month": "au moins « permanences_per_month » permanences par site et par mois "
                     "civil sans prescription (lecture par défaut de « bimensuelle »)",
    "every_two_months": "au moins une permanence par site et par période de deux mois civils "
                        "sans prescription (lecture « tous les deux mois »)",
}


# --- results -----------------------------------------------------------------------------

@attrs.frozen(slots=True)
class TermPeriod:
    label: str
    first: dt.date
    last: dt.date

    def to_dict(self) -> dict:
        return {"label": self.label, "first": self.first.isoformat(),
                "last": self.last.isoformat()}


@attrs.frozen(slots=True)
class ContractTerm:
    """The initial period and each tacit renewal (CCTP 1.4)."""

    start: dt.date
    periods: tuple[TermPeriod, ...]

    @property
    def last_day(self) -> dt.date:
        return self.periods[-1].last

    def to_dict(self) -> dict:
        return {"start": self.start.isoformat(), "last_day": self.last_day.isoformat(),
                "periods": [p.to_dict() for p in self.periods]}


def contract_term(start: dt.date, params: ContractParameters = DIJON) -> ContractTerm:
    """End dates of the initial period and of each renewal, from the start date.

    A duration of N months begins on (and includes) its first day and ends on
    the eve of the same date N months later
    (:func:`~ppaip_rules.calendar.duration_end`); each renewal begins the next day.
    """
    months = [params.initial_term_months] + [params.renewal_months] * params.renewals
    spans = successive_durations(start, months)
    labels = ["Période initiale"] + [f"Reconduction {i}" for i in range(1, params.renewals + 1)]
    return ContractTerm(start, tuple(TermPeriod(label, a, b)
                                     for label, (a, b) in zip(labels, spans, strict=True)))


MODE_LABELS = {"individual": "individuelles", "collective": "collectives"}
_SESSION_WORDS = {"individual": ("séance individuelle", "séances individuelles"),
                  "collective": ("séance collective", "séances collectives")}


@attrs.frozen(slots=True)
class Volume:
    """Hours of one type in the period against the lot's forecast (CCTP 1.5)."""

    mode: str
    forecast: float
    forecast_for_period: float
    delivered: float
    sessions: int
    billable_sessions: int
    billable_hours: float
    unsigned_sessions: int
    unknown_sheet_sessions: int

    def to_dict(self) -> dict:
        return attrs.asdict(self)


@attrs.frozen(slots=True)
class PermanenceCheck:
    site: str
    months: tuple[dt.date, ...]
    prescriptions: int
    permanences: int
    required: int

    @property
    def ok(self) -> bool:
        return self.prescriptions > 0 or self.permanences >= self.required

    def to_dict(self) -> dict:
        return {"site": self.site, "months": [m.strftime("%Y-%m") for m in self.months],
                "prescriptions": self.prescriptions, "permanences": self.permanences,
                "required": self.required if not self.prescriptions else 0, "ok": self.ok}


@attrs.frozen(slots=True)
class TargetPublic:
    """Women and young people without qualification among beneficiaries (CCTP 2 b)."""

    beneficiaries: int
    women: int
    sex_known: int
    young_without_qualification: int
    youth_known: int
    young_age_limit: int

    @property
    def women_share(self) -> float | None:
        return self.women / self.sex_known if self.sex_known else None

    @property
    def young_share(self) -> float | None:
        return self.young_without_qualification / self.youth_known if self.youth_known else None

    def to_dict(self) -> dict:
        return {**attrs.asdict(self), "women_share": self.women_share,
                "young_share": self.young_share}


@attrs.frozen(slots=True)
class Synthesis:
    """Programmes and deadlines of the period's cases (CCTP 6.10)."""

    cases: int
    states: tuple[tuple[str, int], ...]
    obligations: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]

    def status_count(self, status: ObligationStatus) -> int:
        return sum(dict(counts).get(status.value, 0) for _, counts in self.obligations)

    def to_dict(self) -> dict:
        return {"cases": self.cases, "states": dict(self.states),
                "obligations": {rule_id: dict(counts) for rule_id, counts in self.obligations}}


@attrs.frozen
class LotReport:
    lot: int
    period: ReportPeriod
    as_of: dt.datetime
    term: ContractTerm | None
    volumes: tuple[Volume, ...]
    permanences: tuple[PermanenceCheck, ...]
    target_public: TargetPublic
    synthesis: Synthesis
    cases: tuple[CaseEvaluation, ...] = attrs.field(repr=False)
    report: Report
    forecast_months: int = 24

    def to_dict(self) -> dict:
        return {
            "lot": self.lot,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "as_of": self.as_of.isoformat(),
            "term": self.term.to_dict() if self.term else None,
            "volumes": [v.to_dict() for v in self.volumes],
            "permanences": [p.to_dict() for p in self.permanences],
            "target_public": self.target_public.to_dict(),
            "synthesis": self.synthesis.to_dict(),
            "report": self.report.to_dict(),
        }

    def format(self) -> str:
        return _format_lot(self)


# --- the computation ---------------------------------------------------------------------

@attrs.frozen(slots=True)
class _Context:
    """What the activity rules read (``decide(context, params)``)."""

    lot: Lot
    period: ReportPeriod
    as_of_day: dt.date
    contract_start: dt.date | None
    sites: tuple[Site, ...]
    permanences: tuple[Permanence, ...]
    cases: tuple[Case, ...]
    evaluations: tuple[CaseEvaluation, ...]
    reading: str
    params: ContractParameters
    results: dict = attrs.field(factory=dict)


def _in_lot(lot: Lot, spip: str | None) -> bool:
    if spip is None:
        return True
    codes = {s.code for s in lot.spips} | set(lot.departements)
    return spip in codes or all(part in codes for part in spip.split("/"))


def _period_sessions(ctx: _Context) -> Iterator[tuple[int, int, SessionHeld]]:
    for ci, case in enumerate(ctx.cases):
        if not _in_lot(ctx.lot, case.spip):
            continue
        for ei, event in enumerate(case.events):
            if isinstance(event, SessionHeld) and ctx.period.contains(event.day) \
                    and event.day <= ctx.as_of_day:
                yield ci, ei, event


def _volumes(ctx: _Context) -> tuple[Volume, ...]:
    lot, params = ctx.lot, ctx.params
    window_start = ctx.contract_start or ctx.period.start
    window = days_between(window_start, duration_end(window_start, params.forecast_months))
    share = days_between(ctx.period.start, ctx.period.end) / window
    forecasts = {"individual": lot.individual_hours, "collective": lot.collective_hours}
    # One unit per individual session; one per collective session (workshop, start).
    units: dict[str, dict[Any, list[SessionHeld]]] = {"individual": {}, "collective": {}}
    for ci, ei, s in _period_sessions(ctx):
        key = (s.workshop, s.ts if s.ts is not None else s.day) \
            if s.mode == "collective" and s.workshop else (ci, ei)
        units[s.mode].setdefault(key, []).append(s)
    volumes = []
    for mode, forecast in forecasts.items():
        delivered = billable_hours = 0.0
        billable = unsigned = unknown = 0
        for records in units[mode].values():
            hours = max(r.hours for r in records)
            delivered += hours
            signed = {r.signed_sheet for r in records}
            if True in signed:
                billable += 1
                billable_hours += hours
            elif False in signed:
                unsigned += 1
            else:
                unknown += 1
        volumes.append(Volume(mode, forecast, round(forecast * share, 1), delivered,
                              len(units[mode]), billable, billable_hours, unsigned, unknown))
    ctx.results["anonymous_workshop_sessions"] = sum(
        1 for _, _, s in _period_sessions(ctx) if s.mode == "collective" and not s.workshop)
    return tuple(volumes)


def _permanence_checks(ctx: _Context) -> tuple[PermanenceCheck, ...]:
    months = [m for m in month_starts(ctx.period.start, ctx.period.end)
              if m >= ctx.period.start and month_end(m) <= min(ctx.period.end, ctx.as_of_day)]
    if ctx.reading == "every_two_months":
        windows = [tuple(months[i:i + 2]) for i in range(0, len(months) - 1, 2)]
        required = 1
    else:
        windows = [(m,) for m in months]
        required = ctx.params.permanences_per_month
    prescriptions = Counter()
    for case in ctx.cases:
        if case.site is None:
            continue
        rx = next((e for e in case.events if isinstance(e, PrescriptionReceived)), None)
        if rx is not None:
            prescriptions[(case.site, rx.day.replace(day=1))] += 1
    held = Counter((p.site, p.day.replace(day=1)) for p in ctx.permanences)
    checks = []
    for site in ctx.sites:
        for window in windows:
            checks.append(PermanenceCheck(
                site.id, window, sum(prescriptions[(site.id, m)] for m in window),
                sum(held[(site.id, m)] for m in window), required))
    return tuple(checks)


def _beneficiaries(ctx: _Context) -> list[tuple[Case, CaseEvaluation]]:
    """The lot's cases under support during the period.

    Prescribed by the end of the period and not ended (abandoned, interrupted,
    not taken on, ended) before it began; a case with no prescription counts
    when one of its events falls in the period.
    """
    chosen = []
    last = min(ctx.period.end, ctx.as_of_day)
    for case, ev in zip(ctx.cases, ctx.evaluations, strict=True):
        if not _in_lot(ctx.lot, case.spip):
            continue
        rx = next((e for e in case.events if isinstance(e, PrescriptionReceived)), None)
        if rx is None:
            if any(ctx.period.start <= e.day <= last for e in case.events):
                chosen.append((case, ev))
            continue
        ended = ev.state in _ENDED and ev.state_since is not None \
            and ev.state_since.day < ctx.period.start
        if min(e.day for e in case.events if isinstance(e, PrescriptionReceived)) <= last \
                and not ended:
            chosen.append((case, ev))
    return chosen


_ENDED = (CaseState.NOT_TAKEN_ON, CaseState.ABANDONED, CaseState.INTERRUPTED, CaseState.ENDED)


def _target_public(ctx: _Context) -> TargetPublic:
    people = [c.beneficiary for c, _ in _beneficiaries(ctx)]
    limit = ctx.params.young_age_limit
    sex = [b.sex for b in people if b is not None and b.sex is not None]
    youth = [b.age_at_prescription < limit and b.without_qualification for b in people
             if b is not None and b.age_at_prescription is not None
             and b.without_qualification is not None]
    return TargetPublic(len(people), sex.count("F"), len(sex), sum(youth), len(youth), limit)


def _synthesis(ctx: _Context) -> Synthesis:
    evaluations = [ev for _, ev in _beneficiaries(ctx)]
    states = Counter(ev.state.value for ev in evaluations)
    per_rule: dict[str, Counter] = {}
    for ev in evaluations:
        for o in ev.obligations:
            per_rule.setdefault(o.rule_id, Counter())[o.status.value] += 1
    ordered_states = tuple((s.value, states[s.value]) for s in CaseState if states[s.value])
    statuses = [s.value for s in ObligationStatus]
    obligations = tuple((rule_id, tuple((s, counts[s]) for s in statuses if counts[s]))
                        for rule_id, counts in sorted(per_rule.items()))
    return Synthesis(len(evaluations), ordered_states, obligations)


def _month_name(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


# --- the rules of the lot (subject "activity") ---------------------------------------------

AS_OF = "2025-06-30T18:00:00+02:00"
_START = [
    {"type": "prescription_received", "at": "2025-04-02"},
    {"type": "first_meeting", "at": "2025-04-04T10:00:00+02:00", "duration_hours": 1},
    {"type": "calendar_sent", "at": "2025-04-04"},
    {"type": "proposal_sent", "at": "2025-04-04", "individual_hours": 30,
     "collective_hours": 10},
    {"type": "proposal_validated", "at": "2025-04-07"},
]


def _case(case_id: str, spip: str = "21", sex: str = "F", age: int = 24,
          without_qualification: bool = True, sessions: Iterable[dict] = (),
          site: str = "MA-DIJON") -> dict:
    """A case that started on time; without sessions, its start deadline is long past."""
    sessions = list(sessions) or [_held("2025-04-08T10:00:00+02:00")]
    return {"case_id": case_id, "spip": spip, "site": site, "setting": "MF",
            "beneficiary": {"sex": sex, "age_at_prescription": age,
                            "without_qualification": without_qualification},
            "events": [*_START, *sessions]}


def _held(at: str, hours: float = 2, mode: str = "individual", signed: bool = True,
          **fields: Any) -> dict:
    return {"type": "session_held", "at": at, "mode": mode, "hours": hours,
            "signed_sheet": signed, **fields}


def _activity(cases: list[dict], lot: int = 5, start: str = "2025-04-01",
              end: str = "2025-06-30", **extra: Any) -> dict:
    return {"lot": lot, "period": {"start": start, "end": end},
            "contract_start": "2025-03-01", "cases": cases, **extra}


def _ex(title: str, data: dict, fires: bool = True, severity=None) -> Example:
    return Example(title, "activity", data, fires=fires, severity=severity,
                   options={"as_of": AS_OF})


_SITES = [{"id": "MA-DIJON", "spip": "21", "setting": "MF"}]


@rule("LOT-DEF", clause="CCTP 1.2, 1.5", title="Lots, SPIP et établissements du marché",
      severity=VIOLATION, subject="activity", parameters=("lots",),
      requirement="Le marché compte 6 lots, chacun avec ses SPIP et ses volumes prévisionnels "
                  "(heures individuelles / collectives sur 24 mois) ; l'activité d'un lot ne "
                  "concerne que ses SPIP.",
      interpretation="Un SPIP commun à deux départements (« SPIP 25/39 ») est reconnu par son "
                     "code complet ou par l'un de ses départements.",
      examples=(
          _ex("Parcours du SPIP de Côte-d'Or dans le lot 5", _activity([_case("A")]),
              fires=False),
          _ex("Parcours du SPIP du Cher (lot 1) déclaré dans le lot 5",
              _activity([_case("A"), _case("B", spip="18")])),
          _ex("Site du SPIP du Doubs (« 25 ») dans le lot 6 (SPIP 25/39)", _activity(
              [_case("A", spip="25/39", site="MA-BESANCON")], lot=6,
              sites=[{"id": "MA-BESANCON", "spip": "25", "setting": "MF"}],
              permanences=[]), fires=False),
      ))
def lot_def(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    spips = ", ".join(f"SPIP {s.code}" for s in ctx.lot.spips)
    for i, case in enumerate(ctx.cases):
        if not _in_lot(ctx.lot, case.spip):
            yield Flag(f"le parcours « {case.case_id or i + 1} » relève du SPIP {case.spip}, qui "
                       f"n'appartient pas au lot {ctx.lot.number} ({spips}) : le déclarer dans "
                       f"son lot ; il n'est pas compté ici.", expected=spips,
                       found=f"SPIP {case.spip}", path=f"cases[{i}].spip")
    for i, site in enumerate(ctx.sites):
        if not _in_lot(ctx.lot, site.spip):
            yield Flag(f"le site « {site.id} » relève du SPIP {site.spip}, hors du lot "
                       f"{ctx.lot.number} ({spips}).", expected=spips,
                       found=f"SPIP {site.spip}", path=f"sites[{i}].spip")
    known = {s.id for s in ctx.sites}
    if known:
        for i, p in enumerate(ctx.permanences):
            if p.site not in known:
                yield Flag(f"permanence du {format_date(p.day)} sur un site non déclaré dans "
                           f"« sites ».", severity=WARNING, path=f"permanences[{i}].site")


@rule("LOT-VOLUME", clause="CCTP 1.5", title="Heures réalisées face aux volumes prévisionnels",
      severity=WARNING, subject="activity", parameters=("lots", "forecast_months"),
      requirement="Les heures consommées par lot et par type (entretiens individuels, ateliers "
                  "collectifs) sont suivies face à la volumétrie prévisionnelle sur 24 mois ; "
                  "elle peut être réajustée à la hausse comme à la baisse : un dépassement est "
                  "un avertissement, jamais une violation.",
      interpretation="Le prévisionnel sur 24 mois est ramené à la période au prorata des jours "
                     "(fenêtre de 24 mois à compter du démarrage du marché, ou du début de la "
                     "période s'il n'est pas donné). Une séance collective compte une fois "
                     "(atelier et heure de début), quel que soit le nombre de participants.",
      examples=(
          _ex("Lot 5 : 4 h individuelles en trois mois pour 1 200 h sur 24 mois",
              _activity([_case("A", sessions=[_held("2025-04-10T10:00:00+02:00"),
                                              _held("2025-04-17T10:00:00+02:00")])]),
              fires=False),
          _ex("Lot 5 : 150 h individuelles en trois mois, au-delà du prorata (149,6 h)",
              _activity([_case(f"A{i}", sessions=[_held(f"2025-{m:02d}-{d:02d}T10:00:00+02:00", 3)
                                                  for m in (4, 5) for d in (8, 15, 22, 29, 30)])
                         for i in range(5)])),
      ))
def lot_volume(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    for v in ctx.results["volumes"]:
        label = MODE_LABELS[v.mode]
        if v.delivered > v.forecast:
            yield Flag(f"heures {label} réalisées : {format_value(v.delivered)} h, au-delà du "
                       f"volume prévisionnel du lot {ctx.lot.number} sur "
                       f"{params.forecast_months} mois ({format_value(float(v.forecast))} h). "
                       f"Les volumes sont réajustables (CCTP 1.5) : en informer la DISP.",
                       expected=f"{format_value(float(v.forecast))} h",
                       found=f"{format_value(v.delivered)} h", path="cases")
        elif v.delivered > v.forecast_for_period:
            yield Flag(f"heures {label} réalisées sur la période : "
                       f"{format_value(v.delivered)} h, au-delà du prévisionnel ramené à la "
                       f"période ({format_value(v.forecast_for_period)} h sur "
                       f"{format_value(float(v.forecast))} h en {params.forecast_months} mois) : "
                       f"rythme de sur-consommation ; volumes réajustables (CCTP 1.5).",
                       expected=f"{format_value(v.forecast_for_period)} h",
                       found=f"{format_value(v.delivered)} h", path="cases")
    anonymous = ctx.results.get("anonymous_workshop_sessions", 0)
    if anonymous:
        yield Flag(f"{plural(anonymous, 'séance collective')} sans identifiant d'atelier "
                   f"(« workshop ») : comptée(s) une fois par participant.", severity=INFO,
                   path="cases")


@rule("CONTRACT-PAY", clause="CCTP 1.5, 6.5", title="Paiement à la séance émargée",
      severity=WARNING, subject="activity",
      requirement="Le paiement se fait à la séance d'intervention ; les feuilles d'émargement "
                  "signées, transmises au SPIP, servent à la facturation et au contrôle des "
                  "prestations.",
      interpretation="Une séance sans feuille d'émargement signée n'est pas facturable "
                     "(avertissement) ; une séance dont on ne sait pas si la feuille est signée "
                     "est signalée pour information.",
      examples=(
          _ex("Séances émargées", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00")])]), fires=False),
          _ex("Séance sans feuille d'émargement signée", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00", signed=False)])])),
      ))
def contract_pay(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    for v in ctx.results["volumes"]:
        one, many = _SESSION_WORDS[v.mode]
        if v.unsigned_sessions:
            yield Flag(f"{plural(v.unsigned_sessions, one, many)} sans feuille "
                       f"d'émargement signée : non facturable(s) (CCTP 6.5). Faire signer la "
                       f"feuille ou retirer la séance de la facture.",
                       expected="une feuille signée par séance",
                       found=f"{v.unsigned_sessions} sans signature", path="cases")
        if v.unknown_sheet_sessions:
            yield Flag(f"{plural(v.unknown_sheet_sessions, one, many)} sans information "
                       f"sur la feuille d'émargement (« signed_sheet ») : facturabilité non "
                       f"vérifiée.", severity=INFO, path="cases")


@rule("CONTRACT-TERM", clause="CCTP 1.4", title="Durée du marché et reconductions",
      severity=VIOLATION, subject="activity",
      parameters=("start_year", "initial_term_months", "renewals", "renewal_months"),
      requirement="Le marché est conclu pour 24 mois, reconductible tacitement 2 fois pour 12 "
                  "mois (48 mois au plus) ; les prestations débutent courant 2025.",
      interpretation="Une durée commence le jour du démarrage et finit la veille du même "
                     "quantième (1er mars 2025 + 24 mois → 28 février 2027), sans prolongation "
                     "au jour ouvré : c'est une durée, pas un délai pour agir.",
      examples=(
          _ex("Démarrage le 1er mars 2025, période dans la durée initiale",
              _activity([_case("A")]), fires=False),
          _ex("Démarrage en 2024", {**_activity([_case("A")]), "contract_start": "2024-12-01"}),
          _ex("Période au-delà de la dernière reconduction", {
              **_activity([], start="2029-01-01", end="2029-03-31")}),
      ))
def contract_term_rule(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    term = ctx.results.get("term")
    if term is None:
        yield Flag("date de démarrage du marché non renseignée (« contract_start ») : fin de "
                   "la période initiale et des reconductions non calculées.", severity=INFO,
                   path="contract_start")
        return
    if term.start.year != params.start_year:
        yield Flag(f"démarrage le {format_date(term.start)} : les prestations débutent courant "
                   f"{params.start_year} (CCTP 1.4).", expected=str(params.start_year),
                   found=str(term.start.year), path="contract_start")
    first, last = term.start, term.last_day
    if ctx.period.start < first or ctx.period.end > last:
        yield Flag(f"la période {ctx.period.describe()} sort de la durée du marché, du "
                   f"{format_date(first)} au {format_date(last)} (dernière reconduction "
                   f"comprise).", expected=f"{first.isoformat()} – {last.isoformat()}",
                   found=f"{ctx.period.start.isoformat()} – {ctx.period.end.isoformat()}",
                   path="period")
    for i, case in enumerate(ctx.cases):
        for j, event in enumerate(case.events):
            if isinstance(event, SessionHeld) and not first <= event.day <= last:
                yield Flag(f"séance du {format_date(event.day)} hors de la durée du marché "
                           f"({format_date(first)} – {format_date(last)}).",
                           path=f"cases[{i}].events[{j}]")


@rule("RUN-PERMANENCE", clause="CCTP 6.1-3", title="Permanence bimensuelle par site sans "
      "prescription", severity=VIOLATION, subject="activity",
      parameters=("permanences_per_month",),
      requirement="En l'absence de prescription par les CPIP, le titulaire assure au minimum "
                  "une permanence bimensuelle par site (milieu fermé et milieu ouvert), afin de "
                  "rencontrer et mobiliser les prescripteurs.",
      interpretation="« Bimensuelle » se lit « deux fois par mois » (ambiguïté 4) : au moins "
                     "2 permanences par site et par mois civil sans prescription reçue pour ce "
                     "site ; la lecture « tous les deux mois » est une politique "
                     "(permanence_reading=\"every_two_months\"). Le contrat écrit « le "
                     "prescripteur » là où il vise le titulaire (ambiguïté 9). Seuls les mois "
                     "entiers de la période, échus à la date d'évaluation, sont vérifiés.",
      examples=(
          _ex("Mai 2025 sans prescription : deux permanences", _activity(
              [_case("A")], start="2025-05-01", end="2025-05-31", sites=_SITES,
              permanences=[{"site": "MA-DIJON", "at": "2025-05-06"},
                           {"site": "MA-DIJON", "at": "2025-05-20"}]), fires=False),
          _ex("Mai 2025 sans prescription : une seule permanence", _activity(
              [_case("A")], start="2025-05-01", end="2025-05-31", sites=_SITES,
              permanences=[{"site": "MA-DIJON", "at": "2025-05-06"}])),
          _ex("Avril 2025 : une prescription reçue, aucune permanence exigée", _activity(
              [_case("A")], start="2025-04-01", end="2025-04-30", sites=_SITES,
              permanences=[]), fires=False),
      ))
def run_permanence(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    if not ctx.sites:
        yield Flag("aucun site déclaré (« sites ») : permanences non vérifiées.", severity=INFO,
                   path="sites")
        return
    for check in ctx.results["permanences"]:
        if check.ok:
            continue
        when = " et ".join(_month_name(m) for m in check.months)
        missing = check.required - check.permanences
        yield Flag(f"site « {check.site} », {when} : aucune prescription et "
                   f"{plural(check.permanences, 'permanence')} ; {check.required} au minimum. "
                   f"Tenir {plural(missing, 'permanence')} de plus pour rencontrer les "
                   f"prescripteurs.", expected=f"{check.required} permanence(s)",
                   found=f"{check.permanences}", path="permanences")


@rule("REP-TARGET-PUBLIC", clause="CCTP 2 b", title="Publics cibles : femmes et jeunes sans "
      "qualification", severity=INFO, subject="activity", parameters=("young_age_limit",),
      requirement="La couverture des besoins des publics cibles, les femmes et les jeunes sans "
                  "qualification, est suivie : leur part parmi les bénéficiaires est "
                  "rapportée.",
      interpretation="« Jeune » : moins de 26 ans à la prescription (paramètre "
                     "young_age_limit, le contrat ne le chiffre pas) ; les bénéficiaires de la "
                     "période sont les parcours du lot prescrits avant sa fin et non terminés "
                     "avant son début. Une donnée manquante est un avertissement.",
      examples=(
          _ex("Parts des publics cibles sur trois bénéficiaires", _activity([
              _case("A", sessions=[_held("2025-04-10T10:00:00+02:00")]),
              _case("B", sex="M", age=40, sessions=[_held("2025-04-11T10:00:00+02:00")]),
              _case("C", sex="M", age=22, without_qualification=False)])),
          _ex("Aucun bénéficiaire dans la période", _activity([]), fires=False),
      ))
def rep_target_public(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    t = ctx.results["target_public"]
    if not t.beneficiaries:
        return
    women = (f"{t.women} femme(s) sur {t.sex_known} ({_percent(t.women_share)})"
             if t.sex_known else "part des femmes non calculable")
    young = (f"{t.young_without_qualification} jeune(s) de moins de {t.young_age_limit} ans "
             f"sans qualification sur {t.youth_known} ({_percent(t.young_share)})"
             if t.youth_known else "part des jeunes sans qualification non calculable")
    yield Flag(f"{plural(t.beneficiaries, 'bénéficiaire')} sur la période : {women} ; "
               f"{young}.", path="cases")
    if t.sex_known < t.beneficiaries:
        yield Flag(f"sexe non renseigné pour {plural(t.beneficiaries - t.sex_known, 'bénéficiaire')}"
                   f" (« beneficiary.sex ») : la part des femmes en est faussée.",
                   severity=WARNING, path="cases")
    if t.youth_known < t.beneficiaries:
        yield Flag(f"âge à la prescription ou qualification non renseigné pour "
                   f"{plural(t.beneficiaries - t.youth_known, 'bénéficiaire')} : la part des "
                   f"jeunes sans qualification en est faussée.", severity=WARNING,
                   path="cases")


@rule("REP-SYNTHESIS", clause="CCTP 6.10", title="Synthèse des programmes et des délais",
      severity=INFO, subject="activity",
      requirement="Le titulaire réalise une synthèse des programmes et de l'atteinte des "
                  "objectifs de prescription et d'accompagnement des personnes suivies.",
      interpretation="La synthèse compte les parcours par état et, pour chaque délai, les "
                     "obligations respectées, respectées en retard, à venir et en retard, à la "
                     "date d'évaluation.",
      examples=(
          _ex("Synthèse d'un parcours", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00")])])),
          _ex("Aucun parcours dans le lot", _activity([]), fires=False),
      ))
def rep_synthesis(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    s = ctx.results["synthesis"]
    if not s.cases:
        return
    states = " ; ".join(f"{CaseState(state).label} : {n}" for state, n in s.states)
    met, late = s.status_count(ObligationStatus.MET), s.status_count(ObligationStatus.MET_LATE)
    overdue = s.status_count(ObligationStatus.OVERDUE)
    pending = s.status_count(ObligationStatus.PENDING)
    due = met + late + overdue
    rate = f" ({_percent(met / due)} dans les délais)" if due else ""
    yield Flag(f"{plural(s.cases, 'parcours', 'parcours')} — {states}. Obligations échues : "
               f"{due}, dont {met} respectée(s) dans les délais, {late} en retard et {overdue} "
               f"non faite(s){rate} ; {pending} à venir.", path="cases")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{format_value(round(share * 100, 1))} %"


ACTIVITY_RULES = ("LOT-DEF", "CONTRACT-TERM", "LOT-VOLUME", "CONTRACT-PAY", "RUN-PERMANENCE",
                  "REP-TARGET-PUBLIC", "REP-SYNTHESIS")
_resolved: list[Rule] = []


def _activity_rules() -> list[Rule]:
    if not _resolved:
        _resolved.extend(get_rule(r) for r in ACTIVITY_RULES)
    return _resolved


# --- the entry point ---------------------------------------------------------------------

def lot_report(cases: Iterable[Any], lot: int, period: Any,
               params: ContractParameters = DIJON, *, as_of: Any = None,
               contract_start: Any = None, sites: Iterable[Any] = (),
               permanences: Iterable[Any] = (), permanence_reading: str = "twice_a_month",
               suspension_stops_clock: bool = True) -> LotReport:
    """The report of lot ``lot`` over ``period`` (``(start, end)`` or ``{"start", "end"}``).

    ``cases``: :class:`~ppaip_rules.events.Case` objects or JSON-like case
    dicts. ``as_of`` (default: the end of the period's last day) is the
    instant at which deadlines are judged. ``contract_start`` gives the
    contract term; ``sites`` and ``permanences`` the permanence check;
    ``permanence_reading`` is ``"twice_a_month"`` (default) or
    ``"every_two_months"`` (RULES.md ambiguity 4).
    """
    if isinstance(lot, bool) or not isinstance(lot, int):
        raise InputError("lot", "un numéro de lot (nombre entier)")
    the_lot = params.lot(lot)
    span = _read_period(period)
    if permanence_reading not in PERMANENCE_READINGS:
        raise InputError("permanence_reading", "une valeur parmi : " +
                         ", ".join(PERMANENCE_READINGS))
    if isinstance(cases, (str, bytes)) or not isinstance(cases, Iterable):
        raise InputError("cases", "une liste de parcours")
    case_list = tuple(_read_indexed(cases, "cases", read_case))
    when = as_of if as_of is not None else span.end
    evaluations = tuple(evaluate_case(c, as_of=when, params=params,
                                      suspension_stops_clock=suspension_stops_clock)
                        for c in case_list)
    as_of_dt = read_as_of(when)[0]
    start = None if contract_start is None else as_date(contract_start, "contract_start")
    ctx = _Context(the_lot, span, as_of_dt.date(), start,
                   tuple(_read_indexed(sites, "sites", _read_site)),
                   tuple(_read_indexed(permanences, "permanences", _read_permanence)),
                   case_list, evaluations, permanence_reading, params)
    ctx.results["term"] = contract_term(start, params) if start else None
    ctx.results["volumes"] = _volumes(ctx)
    ctx.results["permanences"] = _permanence_checks(ctx)
    ctx.results["target_public"] = _target_public(ctx)
    ctx.results["synthesis"] = _synthesis(ctx)
    findings: list[Finding] = []
    checked = []
    for r in _activity_rules():
        checked.append(r.id)
        findings.extend(r.finding(flag) for flag in r.decide(ctx, params))
    for i, (case, ev) in enumerate(zip(case_list, evaluations, strict=True)):
        if not _in_lot(the_lot, case.spip):
            continue
        name = case.case_id or str(i + 1)
        for f in ev.report.findings:
            if f.severity is INFO:
                continue
            findings.append(attrs.evolve(
                f, message=f"parcours « {name} » : {f.message}",
                path=f"cases[{i}]" + (f".{f.path}" if f.path else "")))
    checked.extend(r for r in CASE_RULES if r not in checked)
    return LotReport(lot, span, as_of_dt, ctx.results["term"], ctx.results["volumes"],
                     ctx.results["permanences"], ctx.results["target_public"],
                     ctx.results["synthesis"], evaluations, Report("activity", findings, checked),
                     params.forecast_months)


def _read_indexed(values: Iterable[Any], path: str, read) -> Iterator[Any]:
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise InputError(path, "une liste")
    for i, value in enumerate(values):
        try:
            yield read(value, join(path, i))
        except InputError as error:
            if error.path.startswith(join(path, i)):
                raise
            raise error.at(join(path, i)) from None


def _read_period(value: Any) -> ReportPeriod:
    if isinstance(value, ReportPeriod):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return ReportPeriod(as_date(value[0], "period.start"), as_date(value[1], "period.end"))
    fields = Fields(value, "period")
    start = fields.required("start", as_date)
    end = fields.required("end", as_date)
    fields.done()
    return ReportPeriod(start, end)


_SITE_ID = as_str(64)


def _read_site(value: Any, path: str) -> Site:
    if isinstance(value, Site):
        return value
    fields = Fields(value, path)
    site = Site(fields.required("id", _SITE_ID), fields.optional("spip", as_str(8)),
                fields.optional("setting", as_choice(SETTINGS)))
    fields.done()
    return site


def _read_permanence(value: Any, path: str) -> Permanence:
    if isinstance(value, Permanence):
        return value
    fields = Fields(value, path)
    site = fields.required("site", _SITE_ID)
    day = fields.required("at", _as_day)
    fields.done()
    return Permanence(site, day)


_DAY_OR_INSTANT = as_event_instant(False)


def _as_day(value: Any, path: str) -> dt.date:
    return to_paris_date(_DAY_OR_INSTANT(value, path))


# --- the "activity" kind, its schema and the "report" command ---------------------------

def read_activity(data: Any) -> dict:
    """The arguments of :func:`lot_report` from an activity document (JSON-like)."""
    fields = Fields(data)
    out = {
        "lot": fields.required("lot", as_int(minimum=1)),
        "period": fields.required("period", lambda v, p: _read_period(v)),
        "contract_start": fields.optional("contract_start", as_date),
        "sites": fields.optional("sites", as_list(_read_site, 1000), ()),
        "permanences": fields.optional("permanences", as_list(_read_permanence), ()),
        "cases": fields.required("cases", lambda v, p: _list_of_cases(v, p)),
        "permanence_reading": fields.optional("permanence_reading",
                                              as_choice(PERMANENCE_READINGS), "twice_a_month"),
    }
    fields.done()
    return out


def _list_of_cases(value: Any, path: str) -> tuple[Case, ...]:
    if not isinstance(value, list) or len(value) > 1_000_000:
        raise InputError(path, "une liste de parcours")
    return tuple(_read_indexed(value, path, read_case))


def _run_activity(data: Any, params: ContractParameters, as_of: Any = None,
                  **_: Any) -> Report:
    return lot_report(params=params, as_of=as_of, **read_activity(data)).report


def activity_schema() -> dict:
    date = {"type": "string", "description": "date AAAA-MM-JJ ou JJ/MM/AAAA"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Activité d'un lot sur une période (rapport de lot)",
        "type": "object",
        "required": ["lot", "period", "cases"],
        "additionalProperties": False,
        "properties": {
            "lot": {"type": "integer", "minimum": 1},
            "period": {"type": "object", "required": ["start", "end"],
                       "additionalProperties": False,
                       "properties": {"start": date, "end": date}},
            "contract_start": date,
            "permanence_reading": {"enum": list(PERMANENCE_READINGS)},
            "sites": {"type": "array", "items": {
                "type": "object", "required": ["id"], "additionalProperties": False,
                "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 64},
                               "spip": {"type": "string", "maxLength": 8},
                               "setting": {"enum": list(SETTINGS)}}}},
            "permanences": {"type": "array", "items": {
                "type": "object", "required": ["site", "at"], "additionalProperties": False,
                "properties": {"site": {"type": "string", "minLength": 1, "maxLength": 64},
                               "at": {"type": "string"}}}},
            "cases": {"type": "array", "items": case_schema(standalone=False)},
        },
    }


register_kind("activity", "Rapport d'activité d'un lot", _run_activity, activity_schema,
              options=("as_of",))


def add_report_command(sub: Any) -> None:
    p = sub.add_parser("report", help="rapport d'un lot : heures face au prévisionnel, "
                                      "permanences, publics cibles, synthèse, durée du marché")
    p.add_argument("file", metavar="ACTIVITY.json", help="activité du lot, ou - pour l'entrée "
                                                         "standard")
    p.add_argument("--lot", type=int, required=True, metavar="N", help="numéro du lot (1 à 6)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE-HEURE",
                   help="date et heure d'évaluation des délais (par défaut : fin de la période)")
    from .cli import add_format_option, add_input_options

    add_format_option(p)
    add_input_options(p)
    p.set_defaults(func=_cmd_report)


def _cmd_report(args: Any) -> int:
    from .checks import load_json
    from .cli import _params, _read_input

    raw, name = _read_input(args.file, args.max_bytes)
    activity = read_activity(load_json(raw, name))
    if activity["lot"] != args.lot:
        raise InputError("--lot", f"le lot du fichier ({activity['lot']})",
                         "numéro de lot différent de celui du fichier")
    return emit(lot_report(params=_params(args), as_of=args.as_of, **activity), args.format,
                args.strict)



# --- text --------------------------------------------------------------------------------

def _format_lot(r: LotReport) -> str:
    lines = [f"Lot {r.lot} — rapport {r.period.describe()} (délais jugés au "
             f"{format_datetime(r.as_of)})"]
    if r.term:
        lines.append("")
        lines.append("DURÉE DU MARCHÉ (CCTP 1.4)")
        for p in r.term.periods:
            lines.append(f"  - {p.label} : du {format_date(p.first)} au {format_date(p.last)}")
    lines.append("")
    lines.append("HEURES FACE AU PRÉVISIONNEL (CCTP 1.5)")
    for v in r.volumes:
        lines.append(f"  - {MODE_LABELS[v.mode]} : {format_value(v.delivered)} h réalisées en "
                     f"{plural(v.sessions, 'séance')} ; prévisionnel "
                     f"{format_value(float(v.forecast))} h sur {r.forecast_months} mois, "
                     f"{format_value(v.forecast_for_period)} h au prorata de la période ; "
                     f"facturables : {plural(v.billable_sessions, 'séance')} émargée(s), "
                     f"{format_value(v.billable_hours)} h")
    if r.permanences:
        lines.append("")
        lines.append("PERMANENCES SANS PRESCRIPTION (CCTP 6.1-3)")
        for p in r.permanences:
            when = " et ".join(_month_name(m) for m in p.months)
            verdict = ("prescriptions reçues" if p.prescriptions else
                       f"{p.permanences} permanence(s) sur {p.required} : "
                       + ("conforme" if p.ok else "INSUFFISANT"))
            lines.append(f"  - {p.site}, {when} : {verdict}")
    t = r.target_public
    lines.append("")
    lines.append("PUBLICS CIBLES (CCTP 2 b)")
    lines.append(f"  - bénéficiaires : {t.beneficiaries} ; femmes : {t.women}/{t.sex_known} "
                 f"({_percent(t.women_share)}) ; jeunes (< {t.young_age_limit} ans) sans "
                 f"qualification : {t.young_without_qualification}/{t.youth_known} "
                 f"({_percent(t.young_share)})")
    s = r.synthesis
    lines.append("")
    lines.append("SYNTHÈSE DES PROGRAMMES ET DES DÉLAIS (CCTP 6.10)")
    for state, n in s.states:
        lines.append(f"  - {CaseState(state).label} : {n}")
    for rule_id, counts in s.obligations:
        shown = ", ".join(f"{ObligationStatus(k).label} {n}" for k, n in counts)
        lines.append(f"  - {rule_id} : {shown}")
    lines.append("")
    lines.append(r.report.format())
    return "\n".join(lines)
