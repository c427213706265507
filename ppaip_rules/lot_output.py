"""The lot report's results and their French text: volumes, permanences, target publics,
synthesis, hours reconciliation, contract term (CCTP 1.4, 1.5, 2 b, 6.1-3, 6.5, 6.10).

:class:`LotReport` is what :func:`ppaip_rules.lot.lot_report` returns; its ``format()``
is the text of ``ppaip-rules report``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from .calendar import add_months, require_input_year, successive_durations
from .errors import InputError
from .frenchtext import MONTHS, format_date, format_datetime, format_value, plural
from .lot_inputs import TERM_END_READINGS, ReportPeriod
from .model import Report
from .parameters import DIJON, ContractParameters
from .parsing import as_date
from .timeline import CaseEvaluation, CaseState, ObligationStatus


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



def _month_name(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{format_value(round(share * 100, 1))} %"



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
        for check in r.permanences:
            when = " et ".join(_month_name(m) for m in check.months)
            verdict = ("prescriptions reçues" if check.prescriptions else
                       f"{check.permanences} permanence(s) sur {check.required} : "
                       + ("conforme" if check.ok else "INSUFFISANT"))
            lines.append(f"  - {check.site}, {when} : {verdict}")
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
