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
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .calendar import (
    add_months,
    days_between,
    duration_end,
    in_input_years,
    month_end,
    month_starts,
    require_input_year,
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
from .model import (
    INFO,
    VIOLATION,
    WARNING,
    Example,
    Finding,
    Flag,
    Report,
    Rule,
    get_rule,
    missing_fact,
    rule,
)
from .parameters import DIJON, ContractParameters, Lot
from .parsing import (
    Fields,
    as_bool,
    as_choice,
    as_date,
    as_int,
    as_list,
    as_number,
    as_str,
    join,
)
from .timeline import (
    CASE_RULES,
    CaseEvaluation,
    CaseState,
    ObligationStatus,
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


#: What an invoice line bills (CCTP 1.5): the session, and what its price already
#: includes ("sont inclus la phase de préparation et d'évaluation de la prestation, les
#: actions de communication et d'information, l'entretien, la coordination administrative et
#: pédagogique, les relations partenariales, les temps de réunion et de concertation …, la
#: participation à des évènements, la rédaction des comptes-rendus et des synthèses, les
#: frais de déplacement des intervenants").
SESSION_LINE = "seance"
INVOICE_KINDS = {
    SESSION_LINE: "séance d'intervention",
    "preparation": "préparation ou évaluation de la prestation",
    "communication": "action de communication ou d'information",
    "coordination": "coordination administrative et pédagogique",
    "partenariat": "relations partenariales",
    "reunion": "temps de réunion ou de concertation",
    "evenement": "participation à un évènement",
    "compte-rendu": "rédaction de comptes-rendus ou de synthèses",
    "deplacement": "frais de déplacement des intervenants",
}

#: Meetings the provider takes part in (CCTP 2 d, 6.11).
MEETING_KINDS = {
    "commission-insertion": "commission locale d'insertion professionnelle (CCTP 2 d)",
    "comite-suivi": "comité de suivi (CCTP 6.11)",
    "copil": "comité de pilotage annuel de la DISP (CCTP 6.11)",
}

#: End of a period of N months (RULES.md ambiguity 14).
TERM_END_READINGS = {
    "eve": "la veille du même quantième N mois plus tard (1er mars 2025 + 24 mois → "
           "28 février 2027), lecture par défaut",
    "same_date": "le même quantième N mois plus tard (1er mars 2025 + 24 mois → 1er mars "
                 "2027)",
}


@attrs.frozen(slots=True)
class InvoiceLine:
    """One line of the provider's invoice (CCTP 1.5: "paiement à la séance").

    ``kind``: a key of :data:`INVOICE_KINDS`; a session line names the
    session by its day and ``case_id`` (individual) or ``workshop``
    (collective). ``signed_sheet``: the line's own statement; ``None`` to
    take it from the session held.
    """

    kind: str
    day: dt.date
    case_id: str | None = None
    workshop: str | None = None
    signed_sheet: bool | None = None


@attrs.frozen(slots=True)
class Meeting:
    """A commission or committee the provider was (or was not) invited to."""

    kind: str
    day: dt.date
    invited: bool | None = None
    attended: bool | None = None


@attrs.frozen(slots=True)
class WorkshopPlan:
    """A workshop of the list and calendar agreed with the SPIP (CCTP 6.2 B)."""

    id: str
    plan_agreed_with_spip: bool | None = None
    outside_speakers: bool | None = None
    speakers_agreed_with_spip: bool | None = None


@attrs.frozen(slots=True)
class SheetTransmission:
    """The attendance sheets of one SPIP for one calendar month, sent to the SPIP or not."""

    spip: str
    month: dt.date
    sent: bool | None = None


@attrs.frozen(slots=True)
class IproHours:
    """Hours recorded on IPRO 360° for one person (case) and one calendar month."""

    case_id: str
    month: dt.date
    hours: float


@attrs.frozen(slots=True)
class ProviderSynthesis:
    """The provider's synthesis for one period of the contract (CCTP 6.10).

    ``term_period``: 1 for the initial period, 2 for the first renewal, …
    """

    term_period: int
    covers_programmes: bool | None = None
    covers_objectives: bool | None = None


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


def contract_term(start: dt.date, params: ContractParameters = DIJON,
                  term_end_reading: str = "eve") -> ContractTerm:
    """End dates of the initial period and of each renewal, from the start date.

    A duration of N months begins on (and includes) its first day and ends, by
    default, on the eve of the same date N months later
    (:func:`~ppaip_rules.calendar.duration_end`); with ``term_end_reading=
    "same_date"``, on that same date (RULES.md ambiguity 14). Each renewal
    begins the next day. No extension to a working day: a duration is not a
    time limit for an act.
    """
    if not isinstance(term_end_reading, str) or term_end_reading not in TERM_END_READINGS:
        raise InputError("term_end_reading", "une valeur parmi : " + ", ".join(TERM_END_READINGS))
    if type(start) is not dt.date:  # issue 16: a date (or its text), in the calendar's years
        start = as_date(start, "start")
    require_input_year(start, "start")
    months = [params.initial_term_months] + [params.renewal_months] * params.renewals
    if term_end_reading == "eve":
        spans = successive_durations(start, months)
    else:
        spans, first = [], start
        for n in months:
            last = add_months(first, n)
            spans.append((first, last))
            first = last + dt.timedelta(days=1)
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
    #: Hours delivered in the period per SPIP: ``(spip, individual, collective)``
    #: (the contract's forecast is per lot, not per SPIP). A collective session
    #: shared by several SPIPs counts once for each.
    spip_hours: tuple[tuple[str, float, float], ...] = ()
    #: Deadlines falling due in the period per month, among the cases of the
    #: synthesis: ``("2025-05", met on time, met late or overdue)``.
    deadlines_by_month: tuple[tuple[str, int, int], ...] = ()
    #: DOC-HOURS-RECONCILE: hours on signed sheets against IPRO 360°, per case and month.
    reconciliation: tuple[Reconciliation, ...] = ()
    #: What produced it (:class:`ppaip_rules.stamp.Stamp`), set by the command line.
    stamp: Any = attrs.field(default=None, eq=False, kw_only=True)

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
            "hours_reconciliation": [r.to_dict() for r in self.reconciliation],
            "report": self.report.to_dict(),
            "spip_hours": [{"spip": spip, "individual": ind, "collective": coll}
                           for spip, ind, coll in self.spip_hours],
            "deadlines_by_month": [{"month": m, "on_time": ok, "late": late}
                                   for m, ok, late in self.deadlines_by_month],
            **({"stamp": self.stamp.to_dict()} if self.stamp is not None else {}),
        }

    def format(self) -> str:
        text = _format_lot(self)
        return text if self.stamp is None else f"{text}\n\n{self.stamp.format()}"


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
    #: Inputs of the activity document that may be absent (``None``: the input is silent).
    invoice_lines: tuple[InvoiceLine, ...] | None = None
    meetings: tuple[Meeting, ...] | None = None
    workshop_plans: tuple[WorkshopPlan, ...] | None = None
    sheet_transmissions: tuple[SheetTransmission, ...] | None = None
    ipro_hours: tuple[IproHours, ...] | None = None
    syntheses: tuple[ProviderSynthesis, ...] | None = None
    #: A history of avenants (issue 12 §3), when the report was asked with one: the
    #: month-by-month figures read the value in force in each month.
    history: Any = None


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


def _spip_hours(ctx: _Context) -> tuple[tuple[str, float, float], ...]:
    """Hours delivered per SPIP and type, counted as :func:`_volumes` counts them."""
    units: dict[tuple[str, str], dict[Any, float]] = {}
    for ci, ei, s in _period_sessions(ctx):
        spip = ctx.cases[ci].spip or "non renseigné"
        key = (s.workshop, s.ts if s.ts is not None else s.day) \
            if s.mode == "collective" and s.workshop else (ci, ei)
        per_unit = units.setdefault((spip, s.mode), {})
        per_unit[key] = max(per_unit.get(key, 0.0), s.hours)
    spips = sorted({spip for spip, _ in units})
    return tuple((spip, sum(units.get((spip, "individual"), {}).values()),
                  sum(units.get((spip, "collective"), {}).values())) for spip in spips)


def _deadlines_by_month(ctx: _Context) -> tuple[tuple[str, int, int], ...]:
    """Per month of the period: obligations due that month met on time, and late ones."""
    counts: dict[str, list[int]] = {}
    last = min(ctx.period.end, ctx.as_of_day)
    for _, ev in _beneficiaries(ctx):
        for o in ev.obligations:
            if o.due is None or o.status is ObligationStatus.PENDING:
                continue
            day = to_paris_date(o.due)
            if not ctx.period.start <= day <= last:
                continue
            tally = counts.setdefault(day.strftime("%Y-%m"), [0, 0])
            tally[0 if o.status is ObligationStatus.MET else 1] += 1
    return tuple((month, ok, late) for month, (ok, late) in sorted(counts.items()))


def _permanence_checks(ctx: _Context) -> tuple[PermanenceCheck, ...]:
    months = [m for m in month_starts(ctx.period.start, ctx.period.end)
              if m >= ctx.period.start and month_end(m) <= min(ctx.period.end, ctx.as_of_day)]
    if ctx.reading == "every_two_months":
        windows = [tuple(months[i:i + 2]) for i in range(0, len(months) - 1, 2)]
        required = 1
    else:
        windows = [(m,) for m in months]
        required = ctx.params.permanences_per_month
    if ctx.history is not None and ctx.reading != "every_two_months":
        # each month reads the value in force in that month (avenants, issue 12 §3)
        per_month = {m: ctx.history.at(m, "period").permanences_per_month for m in months}
    else:
        per_month = {}
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
                sum(held[(site.id, m)] for m in window), per_month.get(window[0], required)))
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


@attrs.frozen(slots=True)
class Reconciliation:
    """Hours on signed sheets against hours on IPRO 360°, for one case and one month."""

    case: str
    month: dt.date
    signed: float
    ipro: float | None
    unknown_sheets: int
    path: str

    @property
    def difference(self) -> float:
        """IPRO 360° hours minus signed-sheet hours (0 when IPRO hours are not known)."""
        return 0.0 if self.ipro is None else self.ipro - self.signed

    def to_dict(self) -> dict:
        return {"case": self.case, "month": self.month.strftime("%Y-%m"),
                "signed_sheet_hours": self.signed, "ipro_hours": self.ipro,
                "difference": None if self.ipro is None else round(self.difference, 6),
                "sessions_without_sheet_information": self.unknown_sheets}


def _reconciliation(ctx: _Context) -> tuple[Reconciliation, ...]:
    months = set(_full_months(ctx))
    signed: dict[tuple[int, dt.date], float] = {}
    unknown: Counter = Counter()
    for ci, _, e in _period_sessions(ctx):
        month = e.day.replace(day=1)
        if month not in months:
            continue
        key = (ci, month)
        signed.setdefault(key, 0.0)
        if e.signed_sheet is True:
            signed[key] += e.hours
        elif e.signed_sheet is None:
            unknown[key] += 1
    ipro: dict[tuple[int, dt.date], tuple[int, float]] = {}
    unmatched = []
    index = {c.case_id: ci for ci, c in enumerate(ctx.cases)
             if c.case_id is not None and _in_lot(ctx.lot, c.spip)}
    for i, entry in enumerate(ctx.ipro_hours or ()):
        if entry.month not in months:
            continue
        ci = index.get(entry.case_id)
        if ci is None:
            unmatched.append(i)
            continue
        previous = ipro.get((ci, entry.month), (i, 0.0))
        ipro[(ci, entry.month)] = (previous[0], previous[1] + entry.hours)
    ctx.results["ipro_unmatched"] = tuple(unmatched)
    rows = []
    for key in sorted(set(signed) | set(ipro), key=lambda k: (k[1], k[0])):
        ci, month = key
        hours = ipro.get(key)
        path = f"ipro_hours[{hours[0]}]" if hours else f"cases[{ci}]"
        rows.append(Reconciliation(_case_ref(ctx, ci), month, signed.get(key, 0.0),
                                   hours[1] if hours else None, unknown[key], path))
    return tuple(rows)


def _month_name(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


# --- the rules of the lot (subject "activity") ---------------------------------------------

AS_OF = "2025-06-30T18:00:00+02:00"
_AS_OF_2027 = "2027-03-31T18:00:00+02:00"
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


def _ex(title: str, data: dict, fires: bool = True, severity=None,
        as_of: str = AS_OF) -> Example:
    return Example(title, "activity", data, fires=fires, severity=severity,
                   options={"as_of": as_of})


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
    no_spip = [i for i, case in enumerate(ctx.cases) if case.spip is None]
    if no_spip:
        yield missing_fact(f"cases[{no_spip[0]}].spip",
                           f"SPIP de {plural(len(no_spip), 'parcours', 'parcours')} : compté(s) "
                           f"dans le lot sans que son appartenance soit vérifiée")
    for i, case in enumerate(ctx.cases):
        if not _in_lot(ctx.lot, case.spip):
            spip = shown_id(case.spip, "hors du lot")
            yield Flag(f"le parcours {_case_ref(ctx, i)} relève du SPIP {spip}, qui "
                       f"n'appartient pas au lot {ctx.lot.number} ({spips}) : le déclarer dans "
                       f"son lot ; il n'est pas compté ici.", expected=spips,
                       found=f"SPIP {spip}", path=f"cases[{i}].spip")
    for i, site in enumerate(ctx.sites):
        if not _in_lot(ctx.lot, site.spip):
            spip = shown_id(site.spip, "hors du lot")
            yield Flag(f"le site « {site.id} » relève du SPIP {spip}, hors du lot "
                       f"{ctx.lot.number} ({spips}).", expected=spips,
                       found=f"SPIP {spip}", path=f"sites[{i}].spip")
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


def _case_ref(ctx: _Context, i: int) -> str:
    """How a report names case ``i``: its ID in safe form, or « parcours n° i+1 »."""
    return shown_id(ctx.cases[i].case_id, f"n° {i + 1}")


def _sheet_fact(ctx: _Context) -> dict[tuple[str, str, dt.date], bool | None]:
    """Whether the session(s) of (``"case"``, case ID, day) or (``"workshop"``, ID, day)
    have a signed attendance sheet: True if one is signed, False if all say unsigned."""
    seen: dict[tuple[str, str, dt.date], set[bool | None]] = {}
    for case in ctx.cases:
        if not _in_lot(ctx.lot, case.spip):
            continue
        for e in case.events:
            if not isinstance(e, SessionHeld):
                continue
            if case.case_id is not None:
                seen.setdefault(("case", case.case_id, e.day), set()).add(e.signed_sheet)
            if e.workshop:
                seen.setdefault(("workshop", e.workshop, e.day), set()).add(e.signed_sheet)
    return {key: True if True in values else (None if None in values else False)
            for key, values in seen.items()}


@rule("CONTRACT-PAY", clause="CCTP 1.5, 6.5", title="Paiement à la séance émargée",
      severity=VIOLATION, subject="activity",
      requirement="Le paiement se fait « à la séance d'intervention » ; les feuilles "
                  "d'émargement signées « serviront à la facturation et au contrôle des "
                  "prestations » : une séance facturée a sa feuille d'émargement signée.",
      interpretation="Une séance facturée (ligne de facture « seance », invoice_lines) sans "
                     "feuille signée est une violation ; une séance réalisée sans feuille signée, "
                     "non facturable, est un avertissement. Quand on ne sait pas si la feuille "
                     "est signée, l'information manque : ni conforme ni en faute.",
      examples=(
          _ex("Séance émargée et facturée", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00")])], invoice_lines=[
              {"kind": "seance", "at": "2025-04-10", "case_id": "A"}]), fires=False),
          _ex("Séance facturée sans feuille d'émargement signée", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00", signed=False)])], invoice_lines=[
              {"kind": "seance", "at": "2025-04-10", "case_id": "A"}]), severity=VIOLATION),
          _ex("Séance réalisée sans feuille signée, non facturée", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00", signed=False)])], invoice_lines=[]),
              severity=WARNING),
      ))
def contract_pay(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    for v in ctx.results["volumes"]:
        one, many = _SESSION_WORDS[v.mode]
        if v.unsigned_sessions:
            yield Flag(f"{plural(v.unsigned_sessions, one, many)} sans feuille "
                       f"d'émargement signée : non facturable(s) (CCTP 6.5). Faire signer la "
                       f"feuille ou ne pas la facturer.", severity=WARNING,
                       expected="une feuille signée par séance",
                       found=f"{v.unsigned_sessions} sans signature", path="cases")
        if v.unknown_sheet_sessions:
            yield missing_fact("cases", f"feuille d'émargement signée ou non (« signed_sheet ») "
                                        f"pour {plural(v.unknown_sheet_sessions, one, many)} : "
                                        f"facturabilité non vérifiée")
    if ctx.invoice_lines is None:
        return
    facts = _sheet_fact(ctx)
    for i, line in enumerate(ctx.invoice_lines):
        if line.kind != SESSION_LINE:
            continue
        path = f"invoice_lines[{i}]"
        signed = line.signed_sheet
        if signed is None:
            key = ("workshop", line.workshop, line.day) if line.workshop else (
                ("case", line.case_id, line.day) if line.case_id else None)
            signed = facts.get(key) if key else None
        if signed is None:
            yield missing_fact(f"{path}.signed_sheet",
                               f"feuille d'émargement signée de la séance facturée du "
                               f"{format_date(line.day)} (aucune séance réalisée ne la porte)")
        elif not signed:
            yield Flag(f"ligne de facture n° {i + 1} : séance du {format_date(line.day)} "
                       f"facturée sans feuille d'émargement signée ; le paiement est « à la "
                       f"séance » émargée (CCTP 1.5, 6.5). Retirer la ligne ou produire la "
                       f"feuille signée.", expected="une feuille d'émargement signée",
                       found="non signée", path=path)


@rule("CONTRACT-PRICE", clause="CCTP 1.5", title="Prix à la séance tout compris",
      severity=VIOLATION, subject="activity",
      requirement="Le prix de la séance inclut « la phase de préparation et d'évaluation de la "
                  "prestation, les actions de communication et d'information, l'entretien, la "
                  "coordination administrative et pédagogique, les relations partenariales, les "
                  "temps de réunion et de concertation …, la participation à des évènements, la "
                  "rédaction des comptes-rendus et des synthèses, les frais de déplacement des "
                  "intervenants » : aucun de ces postes n'est facturé à part.",
      examples=(
          _ex("Facture de séances seulement", _activity([_case("A")], invoice_lines=[
              {"kind": "seance", "at": "2025-04-08", "case_id": "A"}]), fires=False),
          _ex("Frais de déplacement facturés à part", _activity([_case("A")], invoice_lines=[
              {"kind": "seance", "at": "2025-04-08", "case_id": "A"},
              {"kind": "deplacement", "at": "2025-04-08"}])),
      ))
def contract_price(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    for i, line in enumerate(ctx.invoice_lines or ()):
        if line.kind != SESSION_LINE:
            yield Flag(f"ligne de facture n° {i + 1} ({format_date(line.day)}) : "
                       f"« {INVOICE_KINDS[line.kind]} » facturé à part ; ce poste est inclus "
                       f"dans le prix de la séance (CCTP 1.5). Retirer la ligne.",
                       expected="des séances seulement", found=INVOICE_KINDS[line.kind],
                       path=f"invoice_lines[{i}].kind")


@rule("CONTRACT-TERM", clause="CCTP 1.4", title="Durée du marché et reconductions",
      severity=VIOLATION, subject="activity",
      parameters=("start_year", "initial_term_months", "renewals", "renewal_months"),
      requirement="Le marché est conclu pour 24 mois, reconductible tacitement 2 fois pour 12 "
                  "mois (48 mois au plus) : aucune prestation après la fin de la dernière "
                  "période. « Les prestations débuteront courant 2025 » est une prévision de "
                  "l'acheteur, pas une obligation du titulaire.",
      interpretation="Une durée commence le jour du démarrage et finit la veille du même "
                     "quantième (1er mars 2025 + 24 mois → 28 février 2027), sans prolongation "
                     "au jour ouvré : c'est une durée, pas un délai pour agir (ambiguïté 14 ; "
                     "term_end_reading=\"same_date\" la fait finir le même quantième). Un "
                     "démarrage hors de 2025 est une information ; une séance ou une ligne de "
                     "facture après la dernière période est une violation.",
      examples=(
          _ex("Démarrage le 1er mars 2025, période dans la durée initiale",
              _activity([_case("A")]), fires=False),
          _ex("Démarrage en 2024 : prévision de l'acheteur, information",
              {**_activity([_case("A")]), "contract_start": "2024-12-01"}, severity=INFO),
          _ex("Séance après la dernière reconduction (fin le 28 février 2029)", {
              **_activity([_case("A", sessions=[_held("2029-03-01T10:00:00+01:00")])],
                          start="2029-01-01", end="2029-03-31")}, severity=VIOLATION),
      ))
def contract_term_rule(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    term = ctx.results.get("term")
    if term is None:
        yield missing_fact("contract_start", "date de démarrage du marché (fin de la période "
                                             "initiale et des reconductions non calculée)")
        return
    if term.start.year != params.start_year:
        yield Flag(f"démarrage le {format_date(term.start)} : le CCTP prévoit que les "
                   f"prestations débuteront courant {params.start_year} ; c'est une prévision "
                   f"de l'acheteur, pas une obligation du titulaire.", severity=INFO,
                   expected=str(params.start_year), found=str(term.start.year),
                   path="contract_start")
    first, last = term.start, term.last_day
    span = f"{format_date(first)} – {format_date(last)}"
    for i, case in enumerate(ctx.cases):
        for j, event in enumerate(case.events):
            if not isinstance(event, SessionHeld):
                continue
            if event.day > last:
                yield Flag(f"séance du {format_date(event.day)} après la fin de la dernière "
                           f"période du marché ({span}) : aucune prestation n'est due ni "
                           f"payable au-delà.", expected=f"au plus tard le {format_date(last)}",
                           found=event.day.isoformat(), path=f"cases[{i}].events[{j}]")
            elif event.day < first:
                yield Flag(f"séance du {format_date(event.day)} avant le démarrage du marché "
                           f"({span}).", severity=WARNING,
                           expected=f"à partir du {format_date(first)}",
                           found=event.day.isoformat(), path=f"cases[{i}].events[{j}]")
    for i, line in enumerate(ctx.invoice_lines or ()):
        if line.day > last:
            yield Flag(f"ligne de facture n° {i + 1} du {format_date(line.day)} après la fin de "
                       f"la dernière période du marché ({span}).",
                       expected=f"au plus tard le {format_date(last)}",
                       found=line.day.isoformat(), path=f"invoice_lines[{i}]")
    if ctx.period.start > last:
        yield Flag(f"la période {ctx.period.describe()} commence après la fin de la dernière "
                   f"période du marché ({span}).", severity=INFO, path="period")


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
        yield missing_fact("sites", "sites du lot où tenir les permanences (permanences non "
                                    "vérifiées)")
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
                     "avant son début. Une donnée manquante est une information manquante ; "
                     "les parts sont calculées sur les bénéficiaires renseignés.",
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
        yield missing_fact("cases", f"sexe (« beneficiary.sex ») de "
                                    f"{plural(t.beneficiaries - t.sex_known, 'bénéficiaire')} : "
                                    f"la part des femmes est calculée sans eux")
    if t.youth_known < t.beneficiaries:
        yield missing_fact("cases", f"âge à la prescription ou qualification de "
                                    f"{plural(t.beneficiaries - t.youth_known, 'bénéficiaire')}"
                                    f" : la part des jeunes sans qualification est calculée "
                                    f"sans eux")


@rule("REP-SYNTHESIS", clause="CCTP 6.10", title="Synthèse des programmes par le titulaire",
      severity=VIOLATION, subject="activity",
      requirement="« Une synthèse des programmes et de l'atteinte des objectifs de prescription "
                  "et d'accompagnement des personnes suivies sera réalisée par le "
                  "prestataire » : pour chaque période du marché achevée, la synthèse du "
                  "titulaire existe et couvre les programmes et les objectifs.",
      interpretation="La synthèse est due pour chaque période du marché (période initiale, "
                     "chaque reconduction) qui s'achève dans la période du rapport, à la date "
                     "d'évaluation ; elle est déclarée dans « syntheses ». Le décompte que "
                     "calcule la bibliothèque (parcours par état, délais tenus) est une aide "
                     "pour la rédiger, signalé pour information : ce n'est pas la synthèse.",
      examples=(
          _ex("Synthèse de la période initiale remise, complète", _activity(
              [], start="2027-01-01", end="2027-03-31",
              syntheses=[{"term_period": 1, "covers_programmes": True,
                          "covers_objectives": True}]), fires=False, as_of=_AS_OF_2027),
          _ex("Période initiale achevée sans synthèse du titulaire", _activity(
              [], start="2027-01-01", end="2027-03-31", syntheses=[]), severity=VIOLATION,
              as_of=_AS_OF_2027),
          _ex("Décompte de la bibliothèque (aide, pas la synthèse)", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00")])]), severity=INFO),
      ))
def rep_synthesis(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    term = ctx.results.get("term")
    due = [] if term is None else [
        (n, p) for n, p in enumerate(term.periods, 1)
        if ctx.period.start <= p.last <= ctx.period.end
        and p.last <= ctx.results["last_full_day"]]
    if term is None:
        yield missing_fact("contract_start", "date de démarrage du marché (les périodes dont "
                                             "la synthèse est due ne sont pas calculables)")
    elif due and ctx.syntheses is None:
        for _, p in due:
            yield missing_fact("syntheses", f"synthèse du titulaire pour la période "
                                            f"« {p.label} » achevée le {format_date(p.last)}")
    elif due:
        given = {}
        for i, synth in enumerate(ctx.syntheses):
            given.setdefault(synth.term_period, (i, synth))
        for n, p in due:
            if n not in given:
                yield Flag(f"aucune synthèse du titulaire pour la période « {p.label} » "
                           f"(du {format_date(p.first)} au {format_date(p.last)}) ; elle « sera "
                           f"réalisée par le prestataire » (CCTP 6.10).",
                           expected="une synthèse par période du marché", found="aucune",
                           path="syntheses")
                continue
            i, synth = given[n]
            for field, what in (("covers_programmes", "des programmes réalisés"),
                                ("covers_objectives", "de l'atteinte des objectifs de "
                                                      "prescription et d'accompagnement")):
                value = getattr(synth, field)
                if value is None:
                    yield missing_fact(f"syntheses[{i}].{field}",
                                       f"la synthèse de la période « {p.label} » traite-t-elle "
                                       f"{what} (oui ou non)")
                elif not value:
                    yield Flag(f"la synthèse de la période « {p.label} » ne traite pas {what} "
                               f"(CCTP 6.10). La compléter.", expected=True, found=False,
                               path=f"syntheses[{i}].{field}")
    s = ctx.results["synthesis"]
    if not s.cases:
        return
    states = " ; ".join(f"{CaseState(state).label} : {n}" for state, n in s.states)
    met, late = s.status_count(ObligationStatus.MET), s.status_count(ObligationStatus.MET_LATE)
    overdue = s.status_count(ObligationStatus.OVERDUE)
    pending = s.status_count(ObligationStatus.PENDING)
    due_count = met + late + overdue
    rate = f" ({_percent(met / due_count)} dans les délais)" if due_count else ""
    yield Flag(f"aide à la rédaction de la synthèse (décompte de la bibliothèque, qui n'est pas "
               f"la synthèse du titulaire) : {plural(s.cases, 'parcours', 'parcours')} — "
               f"{states}. Obligations échues : {due_count}, dont {met} respectée(s) dans les "
               f"délais, {late} en retard et {overdue} non faite(s){rate} ; {pending} à venir.",
               severity=INFO, path="cases")


@rule("PROG-WORKSHOP-PLAN", clause="CCTP 6.2 B", title="Liste et calendrier des ateliers "
      "arrêtés avec le SPIP", severity=VIOLATION, subject="activity",
      requirement="« La liste et le calendrier des ateliers proposés est arrêtée en concertation "
                  "entre le prestataire et le SPIP concerné » ; « des interventions de "
                  "professionnels extérieurs sont préconisées, en accord avec le SPIP ».",
      interpretation="Chaque atelier dont une séance a eu lieu dans la période est déclaré dans "
                     "« workshops » (par son identifiant, celui des séances). Atelier tenu sans "
                     "accord du SPIP sur la liste et le calendrier, ou intervenant extérieur sans "
                     "accord : violation. Accord non renseigné : information manquante.",
      examples=(
          _ex("Atelier arrêté avec le SPIP, sans intervenant extérieur", _activity(
              [_case("A", sessions=[_held("2025-04-10T14:00:00+02:00", mode="collective",
                                          workshop="CV-1")])],
              workshops=[{"id": "CV-1", "plan_agreed_with_spip": True,
                          "outside_speakers": False}]), fires=False),
          _ex("Atelier tenu sans accord du SPIP", _activity(
              [_case("A", sessions=[_held("2025-04-10T14:00:00+02:00", mode="collective",
                                          workshop="CV-1")])],
              workshops=[{"id": "CV-1", "plan_agreed_with_spip": False,
                          "outside_speakers": False}]), severity=VIOLATION),
          _ex("Accord non renseigné", _activity(
              [_case("A", sessions=[_held("2025-04-10T14:00:00+02:00", mode="collective",
                                          workshop="CV-1")])]), severity=INFO),
      ))
def prog_workshop_plan(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    held: dict[str, dt.date] = {}
    anonymous = 0
    for _, _, e in _period_sessions(ctx):
        if e.mode != "collective":
            continue
        if e.workshop:
            held.setdefault(e.workshop, e.day)
        else:
            anonymous += 1
    if anonymous:
        yield missing_fact("cases", f"identifiant d'atelier (« workshop ») de "
                                    f"{plural(anonymous, 'séance collective')} : accord du SPIP "
                                    f"non vérifiable")
    plans = {w.id: (i, w) for i, w in enumerate(ctx.workshop_plans or ())}
    for n, (workshop, day) in enumerate(sorted(held.items(), key=lambda kv: (kv[1], kv[0]))):
        name = f"l'atelier {shown_id(workshop, f'n° {n + 1} de la période')}"
        if workshop not in plans:
            yield missing_fact("workshops", f"accord du SPIP sur la liste et le calendrier — "
                                            f"{name}, tenu le {format_date(day)}")
            continue
        i, w = plans[workshop]
        path = f"workshops[{i}]"
        if w.plan_agreed_with_spip is None:
            yield missing_fact(f"{path}.plan_agreed_with_spip",
                               f"accord du SPIP sur la liste et le calendrier — {name}")
        elif not w.plan_agreed_with_spip:
            yield Flag(f"{name} a été tenu (le {format_date(day)}) sans que la liste et le "
                       f"calendrier des ateliers aient été arrêtés avec le SPIP (CCTP 6.2 B).",
                       expected=True, found=False, path=f"{path}.plan_agreed_with_spip")
        if w.outside_speakers is None:
            yield missing_fact(f"{path}.outside_speakers",
                               f"intervention de professionnels extérieurs (oui ou non) — {name}")
        elif w.outside_speakers:
            if w.speakers_agreed_with_spip is None:
                yield missing_fact(f"{path}.speakers_agreed_with_spip",
                                   f"accord du SPIP sur les intervenants extérieurs — {name}")
            elif not w.speakers_agreed_with_spip:
                yield Flag(f"{name} a reçu des professionnels extérieurs sans l'accord du SPIP "
                           f"(CCTP 6.2 B : « en accord avec le SPIP »).", expected=True,
                           found=False, path=f"{path}.speakers_agreed_with_spip")


def _full_months(ctx: _Context) -> list[dt.date]:
    """First days of the calendar months wholly inside the period and over at the as-of instant."""
    last = min(ctx.period.end, ctx.results["last_full_day"])
    return [m for m in month_starts(ctx.period.start, ctx.period.end)
            if m >= ctx.period.start and month_end(m) <= last]


def _month_text(m: dt.date) -> str:
    return _month_name(m)


@rule("DOC-SHEETS-SPIP", clause="CCTP 6.5", title="Feuilles d'émargement transmises au SPIP",
      severity=VIOLATION, subject="activity",
      requirement="« Les feuilles d'émargement seront transmises au SPIP permettant le suivi de "
                  "l'accompagnement. »",
      interpretation="Vérifié par SPIP et par mois civil entier de la période où des séances ont "
                     "eu lieu : la transmission est déclarée dans « sheet_transmissions » "
                     "(sent = true ou false). Le contrat ne fixe pas de rythme : le mois est "
                     "l'unité de contrôle, celle du rapprochement des heures. Mois non déclaré : "
                     "information manquante.",
      examples=(
          _ex("Feuilles d'avril transmises au SPIP de Côte-d'Or", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              sheet_transmissions=[{"spip": "21", "month": "2025-04", "sent": True}]),
              fires=False),
          _ex("Feuilles d'avril non transmises", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              sheet_transmissions=[{"spip": "21", "month": "2025-04", "sent": False}]),
              severity=VIOLATION),
      ))
def doc_sheets_spip(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    months = set(_full_months(ctx))
    wanted: set[tuple[str, dt.date]] = set()
    for ci, _, e in _period_sessions(ctx):
        month = e.day.replace(day=1)
        if month in months and e.signed_sheet is not False:
            spip = ctx.cases[ci].spip
            wanted.add((spip or "?", month))
    if not wanted:
        return
    if ctx.sheet_transmissions is None:
        yield missing_fact("sheet_transmissions", "transmission des feuilles d'émargement au "
                                                  "SPIP (par SPIP et par mois)")
        return
    sent = {(t.spip, t.month): (i, t) for i, t in enumerate(ctx.sheet_transmissions)}
    for spip, month in sorted(wanted, key=lambda k: (k[1], k[0])):
        who = f"SPIP {spip}" if spip != "?" else "SPIP non renseigné"
        entry = sent.get((spip, month))
        if entry is None or entry[1].sent is None:
            yield missing_fact("sheet_transmissions" if entry is None
                               else f"sheet_transmissions[{entry[0]}].sent",
                               f"transmission au {who} des feuilles de {_month_text(month)}")
        elif not entry[1].sent:
            yield Flag(f"feuilles d'émargement de {_month_text(month)} non transmises au {who} "
                       f"(CCTP 6.5). Les lui transmettre.", expected=True, found=False,
                       path=f"sheet_transmissions[{entry[0]}].sent")


@rule("DOC-HOURS-RECONCILE", clause="CCTP 6.5, 6.1-3", title="Heures émargées et heures "
      "d'IPRO 360° concordantes", severity=VIOLATION, subject="activity",
      requirement="Les feuilles d'émargement « serviront à la facturation et au contrôle des "
                  "prestations, conjointement aux données extraites depuis IPRO 360° » : les "
                  "heures des feuilles signées et les heures renseignées sur IPRO 360° "
                  "concordent, par personne et par mois.",
      interpretation="Par parcours et par mois civil entier de la période : heures des séances "
                     "à feuille signée (une séance collective compte pour chaque participant) "
                     "contre heures d'IPRO 360° déclarées dans « ipro_hours ». Tout écart est "
                     "une violation, chiffré. Une séance dont on ne sait pas si la feuille est "
                     "signée, ou un mois sans heures IPRO déclarées : information manquante.",
      examples=(
          _ex("4 h émargées, 4 h sur IPRO 360°", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00"),
                                    _held("2025-04-17T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              ipro_hours=[{"case_id": "A", "month": "2025-04", "hours": 4}]), fires=False),
          _ex("4 h émargées, 6 h sur IPRO 360°", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00"),
                                    _held("2025-04-17T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              ipro_hours=[{"case_id": "A", "month": "2025-04", "hours": 6}]),
              severity=VIOLATION),
      ))
def doc_hours_reconcile(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    rows = ctx.results["reconciliation"]
    unmatched = ctx.results.get("ipro_unmatched", ())
    if unmatched:
        yield missing_fact(f"ipro_hours[{unmatched[0]}].case_id",
                           f"parcours de {plural(len(unmatched), 'ligne')} d'heures IPRO 360° "
                           f"absent(s) de « cases » : feuilles d'émargement non fournies")
    if ctx.ipro_hours is None:
        if rows:
            yield missing_fact("ipro_hours", "heures renseignées sur IPRO 360° par personne et "
                                             "par mois (rapprochement avec les feuilles "
                                             "d'émargement)")
        return
    for row in rows:
        who = f"parcours {row.case}, {_month_text(row.month)}"
        if row.unknown_sheets:
            yield missing_fact(row.path, f"feuille signée ou non de "
                                         f"{plural(row.unknown_sheets, 'séance')} — {who}")
        elif row.ipro is None:
            yield missing_fact("ipro_hours", f"heures IPRO 360° — {who} "
                                             f"({format_value(row.signed)} h émargées)")
        elif abs(row.difference) > 1e-9:
            sign = "de plus" if row.difference > 0 else "de moins"
            yield Flag(f"{who} : {format_value(row.signed)} h sur feuilles signées, "
                       f"{format_value(row.ipro)} h sur IPRO 360°, soit "
                       f"{format_value(abs(row.difference))} h {sign} sur IPRO 360° ; les deux "
                       f"servent conjointement à la facturation (CCTP 6.5). Rectifier IPRO 360° "
                       f"ou produire les feuilles.", expected=f"{format_value(row.signed)} h",
                       found=f"{format_value(row.ipro)} h", path=row.path)


@rule("REP-MEETINGS", clause="CCTP 2 d, 6.11", title="Participation aux commissions et comités",
      severity=WARNING, subject="activity",
      requirement="« Le titulaire participe aux commissions locales d'insertion professionnelle "
                  "organisées par l'administration pénitentiaire » (2 d) ; les comités de suivi "
                  "réunissent « le titulaire du marché » ; la DISP organise un COPIL annuel "
                  "(6.11).",
      interpretation="Chaque réunion de la période déclarée dans « meetings » : une invitation "
                     "sans participation est un avertissement ; participation non renseignée : "
                     "information manquante. Une réunion sans invitation n'est pas reprochée.",
      examples=(
          _ex("Comité de suivi : invité, présent", _activity([_case("A")], meetings=[
              {"kind": "comite-suivi", "at": "2025-05-15", "invited": True,
               "attended": True}]), fires=False),
          _ex("Commission locale d'insertion : invité, absent", _activity([_case("A")], meetings=[
              {"kind": "commission-insertion", "at": "2025-05-15", "invited": True,
               "attended": False}]), severity=WARNING),
      ))
def rep_meetings(ctx: _Context, params: ContractParameters) -> Iterator[Flag]:
    for i, m in enumerate(ctx.meetings or ()):
        if not ctx.period.contains(m.day) or m.day > ctx.as_of_day:
            continue
        what = f"{MEETING_KINDS[m.kind]} du {format_date(m.day)}"
        if m.invited is False:
            continue
        if m.attended is None:
            yield missing_fact(f"meetings[{i}].attended", f"participation du titulaire — {what}")
        elif m.invited is None and not m.attended:
            yield missing_fact(f"meetings[{i}].invited", f"invitation du titulaire — {what}")
        elif not m.attended:
            yield Flag(f"{what} : le titulaire, invité, n'y a pas participé. Le titulaire "
                       f"participe à ces réunions.", expected=True, found=False,
                       path=f"meetings[{i}].attended")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{format_value(round(share * 100, 1))} %"


ACTIVITY_RULES = ("LOT-DEF", "CONTRACT-TERM", "LOT-VOLUME", "CONTRACT-PAY", "CONTRACT-PRICE",
                  "RUN-PERMANENCE", "PROG-WORKSHOP-PLAN", "DOC-SHEETS-SPIP",
                  "DOC-HOURS-RECONCILE", "REP-TARGET-PUBLIC", "REP-SYNTHESIS", "REP-MEETINGS")
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
               suspension_stops_clock: bool = True, term_end_reading: str = "eve",
               invoice_lines: Iterable[Any] | None = None, meetings: Iterable[Any] | None = None,
               workshops: Iterable[Any] | None = None,
               sheet_transmissions: Iterable[Any] | None = None,
               ipro_hours: Iterable[Any] | None = None,
               syntheses: Iterable[Any] | None = None) -> LotReport:
    """The report of lot ``lot`` over ``period`` (``(start, end)`` or ``{"start", "end"}``).

    ``cases``: :class:`~ppaip_rules.events.Case` objects or JSON-like case
    dicts. ``as_of`` (default: the end of the period's last day) is the
    instant at which deadlines are judged. ``contract_start`` gives the
    contract term; ``sites`` and ``permanences`` the permanence check;
    ``permanence_reading`` is ``"twice_a_month"`` (default) or
    ``"every_two_months"`` (RULES.md ambiguity 4); ``term_end_reading`` is
    ``"eve"`` (default) or ``"same_date"`` (ambiguity 14).

    The other inputs are ``None`` when not given (the rules that need them then
    say that the fact is missing): ``invoice_lines`` (CONTRACT-PAY,
    CONTRACT-PRICE), ``meetings`` (REP-MEETINGS), ``workshops``
    (PROG-WORKSHOP-PLAN), ``sheet_transmissions`` (DOC-SHEETS-SPIP),
    ``ipro_hours`` (DOC-HOURS-RECONCILE), ``syntheses`` (REP-SYNTHESIS).
    Two cases with the same ``case_id`` are an :class:`InputError`: counted
    twice, they would distort hours and shares, and merging two event logs
    would be a guess.
    """
    if isinstance(lot, bool) or not isinstance(lot, int):
        raise InputError("lot", "un numéro de lot (nombre entier)")
    span = _read_period(period)
    history = params if hasattr(params, "period_of") else None
    if history is not None:
        # avenants: the lot and its forecast as at the period's start; the cases' deadlines
        # by their triggers, the permanences by month (issue 12 §3)
        params = history.at(span.start, "period.start")
    the_lot = params.lot(lot)
    if not isinstance(permanence_reading, str) or permanence_reading not in PERMANENCE_READINGS:
        raise InputError("permanence_reading", "une valeur parmi : " +
                         ", ".join(PERMANENCE_READINGS))
    if isinstance(cases, (str, bytes)) or not isinstance(cases, Iterable):
        raise InputError("cases", "une liste de parcours")
    case_list = tuple(_read_indexed(cases, "cases", read_case))
    _refuse_duplicate_ids(case_list)
    if not isinstance(term_end_reading, str) or term_end_reading not in TERM_END_READINGS:
        raise InputError("term_end_reading", "une valeur parmi : " + ", ".join(TERM_END_READINGS))
    when = as_of if as_of is not None else span.end
    evaluations = tuple(evaluate_case(c, as_of=when, params=history or params,
                                      suspension_stops_clock=suspension_stops_clock)
                        for c in case_list)
    as_of_dt = read_as_of(when)[0]
    start = None if contract_start is None else as_date(contract_start, "contract_start")
    if start is not None:
        require_input_year(start, "contract_start")
    ctx = _Context(the_lot, span, as_of_dt.date(), start,
                   tuple(_read_indexed(sites, "sites", _read_site)),
                   tuple(_read_indexed(permanences, "permanences", _read_permanence)),
                   case_list, evaluations, permanence_reading, params,
                   invoice_lines=_optional_list(invoice_lines, "invoice_lines", _read_invoice_line),
                   meetings=_optional_list(meetings, "meetings", _read_meeting),
                   workshop_plans=_optional_list(workshops, "workshops", _read_workshop_plan),
                   sheet_transmissions=_optional_list(sheet_transmissions, "sheet_transmissions",
                                                      _read_transmission),
                   ipro_hours=_optional_list(ipro_hours, "ipro_hours", _read_ipro_hours),
                   syntheses=_optional_list(syntheses, "syntheses", _read_synthesis),
                   history=history)
    ctx.results["term"] = contract_term(start, params, term_end_reading) if start else None
    # The last day wholly over at the as-of instant (a date as as_of means its end).
    day = as_of_dt.date()
    ctx.results["last_full_day"] = day if (as_of_dt + dt.timedelta(microseconds=1)).date() > day \
        else day - dt.timedelta(days=1)
    ctx.results["volumes"] = _volumes(ctx)
    ctx.results["permanences"] = _permanence_checks(ctx)
    ctx.results["target_public"] = _target_public(ctx)
    ctx.results["synthesis"] = _synthesis(ctx)
    ctx.results["reconciliation"] = _reconciliation(ctx)
    findings: list[Finding] = []
    checked = []
    for r in _activity_rules():
        checked.append(r.id)
        findings.extend(r.finding(flag, params) for flag in r.decide(ctx, params))
    for i, (case, ev) in enumerate(zip(case_list, evaluations, strict=True)):
        if not _in_lot(the_lot, case.spip):
            continue
        name = _case_ref(ctx, i)
        for f in ev.report.findings:
            if f.severity is INFO:
                continue
            findings.append(attrs.evolve(
                f, message=f"parcours {name} : {f.message}",
                path=f"cases[{i}]" + (f".{f.path}" if f.path else "")))
    checked.extend(r for r in CASE_RULES if r not in checked)
    return LotReport(lot, span, as_of_dt, ctx.results["term"], ctx.results["volumes"],
                     ctx.results["permanences"], ctx.results["target_public"],
                     ctx.results["synthesis"], evaluations, Report("activity", findings, checked),
                     params.forecast_months, _spip_hours(ctx), _deadlines_by_month(ctx),
                     ctx.results["reconciliation"])


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


def _refuse_duplicate_ids(cases: tuple[Case, ...]) -> None:
    first: dict[str, int] = {}
    for i, case in enumerate(cases):
        if case.case_id is None:
            continue
        if case.case_id in first:
            raise InputError(f"cases[{i}].case_id", f"un identifiant de parcours unique dans le "
                                                    f"lot (déjà donné à cases[{first[case.case_id]}])",
                             "identifiant en double")
        first[case.case_id] = i


def _optional_list(values: Iterable[Any] | None, path: str, read) -> tuple | None:
    if values is None:
        return None
    return tuple(_read_indexed(values, path, read))


def _as_month(value: Any, path: str) -> dt.date:
    """A calendar month, ``AAAA-MM``: its first day."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}", value):
        year, month = int(value[:4]), int(value[5:])
        if 1 <= month <= 12 and in_input_years(year):
            return dt.date(year, month, 1)
    raise InputError(path, "un mois « AAAA-MM »")


def _read_invoice_line(value: Any, path: str) -> InvoiceLine:
    if isinstance(value, InvoiceLine):
        return value
    f = Fields(value, path)
    line = InvoiceLine(f.required("kind", as_choice(INVOICE_KINDS)), f.required("at", _as_day),
                       f.optional("case_id", _as_safe_id), f.optional("workshop", _as_safe_id),
                       f.optional("signed_sheet", as_bool))
    f.done()
    return line


def _read_meeting(value: Any, path: str) -> Meeting:
    if isinstance(value, Meeting):
        return value
    f = Fields(value, path)
    meeting = Meeting(f.required("kind", as_choice(MEETING_KINDS)), f.required("at", _as_day),
                      f.optional("invited", as_bool), f.optional("attended", as_bool))
    f.done()
    return meeting


def _read_workshop_plan(value: Any, path: str) -> WorkshopPlan:
    if isinstance(value, WorkshopPlan):
        return value
    f = Fields(value, path)
    plan = WorkshopPlan(f.required("id", as_str(64)),
                        f.optional("plan_agreed_with_spip", as_bool),
                        f.optional("outside_speakers", as_bool),
                        f.optional("speakers_agreed_with_spip", as_bool))
    f.done()
    return plan


def _read_transmission(value: Any, path: str) -> SheetTransmission:
    if isinstance(value, SheetTransmission):
        return value
    f = Fields(value, path)
    entry = SheetTransmission(f.required("spip", as_str(8)), f.required("month", _as_month),
                              f.optional("sent", as_bool))
    f.done()
    return entry


def _read_ipro_hours(value: Any, path: str) -> IproHours:
    if isinstance(value, IproHours):
        return value
    f = Fields(value, path)
    entry = IproHours(f.required("case_id", as_str(64)), f.required("month", _as_month),
                      f.required("hours", as_number(minimum=0, maximum=100_000)))
    f.done()
    return entry


def _read_synthesis(value: Any, path: str) -> ProviderSynthesis:
    if isinstance(value, ProviderSynthesis):
        return value
    f = Fields(value, path)
    entry = ProviderSynthesis(f.required("term_period", as_int(minimum=1, maximum=100)),
                              f.optional("covers_programmes", as_bool),
                              f.optional("covers_objectives", as_bool))
    f.done()
    return entry


def _read_period(value: Any) -> ReportPeriod:
    period = _read_period_dates(value)
    for name, day in (("start", period.start), ("end", period.end)):
        require_input_year(day, f"period.{name}")  # issue 16: every period in the years
    return period


def _read_period_dates(value: Any) -> ReportPeriod:
    if isinstance(value, ReportPeriod):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return ReportPeriod(as_date(value[0], "period.start"), as_date(value[1], "period.end"))
    fields = Fields(value, "period")
    start = fields.required("start", as_date)
    end = fields.required("end", as_date)
    fields.done()
    return ReportPeriod(start, end)


_SITE_ID = _as_safe_id


def _read_site(value: Any, path: str) -> Site:
    if isinstance(value, Site):
        _as_safe_id(value.id, join(path, "id"))
        return value
    fields = Fields(value, path)
    site = Site(fields.required("id", _SITE_ID), fields.optional("spip", as_str(8)),
                fields.optional("setting", as_choice(SETTINGS)))
    fields.done()
    return site


def _read_permanence(value: Any, path: str) -> Permanence:
    if isinstance(value, Permanence):
        _as_safe_id(value.site, join(path, "site"))
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
        "term_end_reading": fields.optional("term_end_reading", as_choice(TERM_END_READINGS),
                                            "eve"),
    }
    for key, read in (("invoice_lines", _read_invoice_line), ("meetings", _read_meeting),
                      ("workshops", _read_workshop_plan),
                      ("sheet_transmissions", _read_transmission),
                      ("ipro_hours", _read_ipro_hours), ("syntheses", _read_synthesis)):
        out[key] = fields.optional(key, _list_reader(read))
    fields.done()
    return out


def _list_reader(read):
    def convert(value: Any, path: str) -> tuple:
        if not isinstance(value, list) or len(value) > 1_000_000:
            raise InputError(path, "une liste")
        return tuple(_read_indexed(value, path, read))
    return convert


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
                "properties": {"id": _SAFE_ID_SCHEMA,
                               "spip": {"type": "string", "maxLength": 8},
                               "setting": {"enum": list(SETTINGS)}}}},
            "permanences": {"type": "array", "items": {
                "type": "object", "required": ["site", "at"], "additionalProperties": False,
                "properties": {"site": _SAFE_ID_SCHEMA,
                               "at": {"type": "string"}}}},
            "cases": {"type": "array", "items": case_schema(standalone=False)},
            "term_end_reading": {"enum": list(TERM_END_READINGS),
                                 "description": "fin d'une période de N mois (ambiguïté 14)"},
            "invoice_lines": {"type": "array", "description": "lignes de facture (CCTP 1.5)",
                              "items": {
                "type": "object", "required": ["kind", "at"], "additionalProperties": False,
                "properties": {
                    "kind": {"enum": list(INVOICE_KINDS), "description": "; ".join(
                        f"{k} : {v}" for k, v in INVOICE_KINDS.items())},
                    "at": {**date, "description": "jour de la séance ou du poste facturé"},
                    "case_id": {**_SAFE_ID_SCHEMA, "description": "parcours (séance "
                                                                  "individuelle)"},
                    "workshop": {**_SAFE_ID_SCHEMA, "description": "atelier (séance "
                                                                   "collective)"},
                    "signed_sheet": {"type": ["boolean", "null"]}}}},
            "meetings": {"type": "array", "description": "commissions et comités (CCTP 2 d, "
                                                         "6.11)", "items": {
                "type": "object", "required": ["kind", "at"], "additionalProperties": False,
                "properties": {"kind": {"enum": list(MEETING_KINDS)}, "at": date,
                               "invited": {"type": ["boolean", "null"]},
                               "attended": {"type": ["boolean", "null"]}}}},
            "workshops": {"type": "array", "description": "ateliers : accord du SPIP sur la "
                                                          "liste et le calendrier (CCTP 6.2 B)",
                          "items": {
                "type": "object", "required": ["id"], "additionalProperties": False,
                "properties": {"id": {"type": "string", "maxLength": 64,
                                      "description": "identifiant « workshop » des séances"},
                               "plan_agreed_with_spip": {"type": ["boolean", "null"]},
                               "outside_speakers": {"type": ["boolean", "null"]},
                               "speakers_agreed_with_spip": {"type": ["boolean", "null"]}}}},
            "sheet_transmissions": {"type": "array", "description": "feuilles d'émargement "
                                    "transmises au SPIP, par SPIP et par mois (CCTP 6.5)",
                                    "items": {
                "type": "object", "required": ["spip", "month"], "additionalProperties": False,
                "properties": {"spip": {"type": "string", "maxLength": 8},
                               "month": _MONTH_SCHEMA,
                               "sent": {"type": ["boolean", "null"]}}}},
            "ipro_hours": {"type": "array", "description": "heures renseignées sur IPRO 360°, "
                           "par parcours et par mois (CCTP 6.5)", "items": {
                "type": "object", "required": ["case_id", "month", "hours"],
                "additionalProperties": False,
                "properties": {"case_id": {"type": "string", "maxLength": 64},
                               "month": _MONTH_SCHEMA,
                               "hours": {"type": "number", "minimum": 0}}}},
            "syntheses": {"type": "array", "description": "synthèses du titulaire (CCTP 6.10)",
                          "items": {
                "type": "object", "required": ["term_period"], "additionalProperties": False,
                "properties": {"term_period": {"type": "integer", "minimum": 1,
                                               "description": "1 : période initiale ; 2 : "
                                                              "1re reconduction…"},
                               "covers_programmes": {"type": ["boolean", "null"]},
                               "covers_objectives": {"type": ["boolean", "null"]}}}},
        },
    }


_SAFE_ID_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,39}$"}
_MONTH_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "AAAA-MM"}


register_kind("activity", "Rapport d'activité d'un lot", _run_activity, activity_schema,
              options=("as_of",))


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
    if r.reconciliation:
        lines.append("")
        lines.append("HEURES ÉMARGÉES ET HEURES IPRO 360° (CCTP 6.5)")
        for row in r.reconciliation:
            ipro = "non renseignées" if row.ipro is None else \
                f"{format_value(row.ipro)} h (écart {format_value(round(row.difference, 2))} h)"
            lines.append(f"  - parcours {row.case}, {_month_name(row.month)} : "
                         f"{format_value(row.signed)} h émargées ; IPRO 360° : {ipro}")
    s = r.synthesis
    lines.append("")
    lines.append("AIDE À LA SYNTHÈSE : PROGRAMMES ET DÉLAIS (CCTP 6.10 ; décompte de la "
                 "bibliothèque, pas la synthèse du titulaire)")
    for state, n in s.states:
        lines.append(f"  - {CaseState(state).label} : {n}")
    for rule_id, counts in s.obligations:
        shown = ", ".join(f"{ObligationStatus(k).label} {n}" for k, n in counts)
        lines.append(f"  - {rule_id} : {shown}")
    lines.append("")
    lines.append(r.report.format())
    return "\n".join(lines)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
