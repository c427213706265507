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

:class:`LotAccumulator` computes the same report chunk by chunk (issue 13 §5): each
chunk of cases becomes a small :class:`~ppaip_rules.lot_tally.LotTally`, tallies of
consecutive chunks merge, and the report is identical to the one of a single pass.

The ``activity`` check kind reads the same data from one JSON document
(:func:`activity_schema`); ``ppaip-rules report ACTIVITY.json --lot N`` prints it.

The lot is written in layers, this module being their façade (every name below is
importable from ``ppaip_rules.lot``):

- :mod:`ppaip_rules.lot_inputs`: the input models, described once (reader, schema, docs);
- :mod:`ppaip_rules.lot_tally`: the mergeable accumulator and the figures computed from it;
- :mod:`ppaip_rules.lot_rules`: the rules (subject ``activity``);
- :mod:`ppaip_rules.lot_output`: the results, :class:`LotReport` and its French text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .calendar import require_input_year
from .checks import register_kind
from .describe import read as _read
from .errors import InputError
from .events import Case
from .lot_inputs import (
    INVOICE_ALIASES,
    INVOICE_KINDS,
    MEETING_ALIASES,
    MEETING_KINDS,
    PERMANENCE_READINGS,
    SAFE_ID,
    SESSION_LINE,
    TERM_END_READINGS,
    Activity,
    InvoiceLine,
    IproHours,
    Meeting,
    Permanence,
    ProviderSynthesis,
    ReportPeriod,
    SheetTransmission,
    Site,
    WorkshopPlan,
    _as_case,
    activity_schema,
    read_activity,
    read_period,
    shown_id,
)
from .lot_output import (
    MODE_LABELS,
    ContractTerm,
    LotReport,
    PermanenceCheck,
    Reconciliation,
    Synthesis,
    TargetPublic,
    TermPeriod,
    Volume,
    _month_name,
    _percent,
    contract_term,
)
from .lot_rules import ACTIVITY_RULES, _activity_rules
from .lot_tally import LotTally, Setup, context, full_months, session_key, tally
from .model import Finding, Report
from .parameters import DIJON, ContractParameters
from .parsing import as_date
from .timeline import CASE_RULES, read_as_of

__all__ = [
    "ACTIVITY_RULES", "INVOICE_ALIASES", "INVOICE_KINDS", "MEETING_ALIASES", "MEETING_KINDS",
    "MODE_LABELS", "PERMANENCE_READINGS", "SAFE_ID", "SESSION_LINE", "TERM_END_READINGS",
    "Activity", "ContractTerm", "InvoiceLine", "IproHours", "LotAccumulator", "LotReport",
    "LotTally", "Meeting", "Permanence", "PermanenceCheck", "ProviderSynthesis",
    "Reconciliation", "ReportPeriod", "SheetTransmission", "Site", "Synthesis",
    "TargetPublic", "TermPeriod", "Volume", "WorkshopPlan", "_month_name", "_percent",
    "activity_schema", "contract_term", "lot_report", "read_activity", "shown_id",
]


class LotAccumulator:
    """A lot report computed chunk by chunk, identical to :func:`lot_report` in one pass.

    Built with the arguments of :func:`lot_report` except ``cases``; then ``add(chunk)``
    for each chunk of cases in order, and ``report()``. Only a small
    :class:`~ppaip_rules.lot_tally.LotTally` is kept (counts, exact hour totals, the
    report's per-case findings and rows); the cases and their evaluations are dropped
    unless ``keep_evaluations`` (the report's ``cases`` is then empty).

    ``case_findings=False``: the cases' own findings are not kept nor listed (nor their
    rules among those checked): the report is then the lot's rules only, and what it
    keeps no longer grows with the findings of the cases (for a national run, whose
    per-case findings come from :func:`~ppaip_rules.evaluate_cases`). Every other
    figure is the same.

    Across processes: each worker builds the same accumulator and returns
    ``tally(chunk, start)`` (``start``: the index in the lot of the chunk's first case);
    the parent ``merge``\\ s the tallies in the order of the chunks.
    """

    def __init__(self, lot: int, period: Any, params: ContractParameters = DIJON, *,
                 keep_evaluations: bool = False, case_findings: bool = True,
                 **options: Any) -> None:
        for name, value in (("keep_evaluations", keep_evaluations),
                            ("case_findings", case_findings)):
            if not isinstance(value, bool):
                raise InputError(name, "true ou false")
        self.setup = attrs.evolve(_setup(lot, period, params, **options),
                                  case_findings=case_findings)
        self.keep_evaluations = keep_evaluations
        self.total = LotTally(0, evaluations=[] if keep_evaluations else None)

    def tally(self, cases: Iterable[Any], start: int = 0) -> LotTally:
        """The tally of one chunk whose first case is ``cases[start]`` of the lot."""
        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise InputError("start", "un indice de parcours (nombre entier positif ou nul)")
        return tally(self.setup, _read_cases(cases, start), start, self.keep_evaluations)

    def add(self, cases: Iterable[Any]) -> LotAccumulator:
        """Add the next chunk of cases (read, evaluated, tallied, then dropped)."""
        return self.merge(self.tally(cases, self.total.count))

    def merge(self, part: LotTally) -> LotAccumulator:
        """Add the tally of the next chunk (from :meth:`tally`, maybe in another process)."""
        if not isinstance(part, LotTally):
            raise InputError("part", "le décompte d'un morceau (LotTally)")
        self.total.merge(part)
        return self

    def report(self) -> LotReport:
        s, t = self.setup, self.total
        ctx = context(s, t)
        findings: list[Finding] = []
        checked: list[str] = []
        for r in _activity_rules():
            assert r.decide is not None  # every registered rule decides
            checked.append(r.id)
            findings.extend(r.finding(flag, s.params) for flag in r.decide(ctx, s.params))
        if s.case_findings:
            findings.extend(t.findings)
            checked.extend(r for r in CASE_RULES if r not in checked)
        return LotReport(s.lot.number, s.period, s.as_of, s.term, ctx.volumes,
                         ctx.permanence_checks, ctx.target_public, ctx.synthesis,
                         tuple(t.evaluations or ()), _report(findings, checked),
                         s.params.forecast_months, ctx.spip_hours, ctx.deadlines_by_month,
                         ctx.reconciliation)


def _report(findings: list[Finding], checked: list[str]) -> Report:
    report: Report = Report("activity", findings, checked)  # type: ignore[arg-type]
    return report


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
    accumulator = LotAccumulator(
        lot, period, params, keep_evaluations=True, as_of=as_of,
        contract_start=contract_start, sites=sites, permanences=permanences,
        permanence_reading=permanence_reading, suspension_stops_clock=suspension_stops_clock,
        term_end_reading=term_end_reading, invoice_lines=invoice_lines, meetings=meetings,
        workshops=workshops, sheet_transmissions=sheet_transmissions, ipro_hours=ipro_hours,
        syntheses=syntheses)
    return accumulator.add(cases).report()


def _setup(lot: Any, period: Any, params: Any, *, as_of: Any = None,
           contract_start: Any = None, sites: Iterable[Any] = (),
           permanences: Iterable[Any] = (), permanence_reading: str = "twice_a_month",
           suspension_stops_clock: bool = True, term_end_reading: str = "eve",
           invoice_lines: Iterable[Any] | None = None, meetings: Iterable[Any] | None = None,
           workshops: Iterable[Any] | None = None,
           sheet_transmissions: Iterable[Any] | None = None,
           ipro_hours: Iterable[Any] | None = None,
           syntheses: Iterable[Any] | None = None) -> Setup:
    """Everything a lot report reads besides its cases, read and checked once."""
    if isinstance(lot, bool) or not isinstance(lot, int):
        raise InputError("lot", "un numéro de lot (nombre entier)")
    span = read_period(period)
    history = params if hasattr(params, "period_of") else None
    if history is not None:
        # avenants: the lot and its forecast as at the period's start; the cases' deadlines
        # by their triggers, the permanences by month (issue 12 §3)
        params = history.at(span.start, "period.start")
    the_lot = params.lot(lot)
    if not isinstance(permanence_reading, str) or permanence_reading not in PERMANENCE_READINGS:
        raise InputError("permanence_reading", "une valeur parmi : " +
                         ", ".join(PERMANENCE_READINGS))
    if not isinstance(term_end_reading, str) or term_end_reading not in TERM_END_READINGS:
        raise InputError("term_end_reading", "une valeur parmi : " + ", ".join(TERM_END_READINGS))
    when = as_of if as_of is not None else span.end
    as_of_dt = read_as_of(when)[0]
    start = None if contract_start is None else as_date(contract_start, "contract_start")
    if start is not None:
        require_input_year(start, "contract_start")
    # The last day wholly over at the as-of instant (a date as as_of means its end).
    day = as_of_dt.date()
    last_full_day = day if (as_of_dt + dt.timedelta(microseconds=1)).date() > day \
        else day - dt.timedelta(days=1)
    lines = _optional_list(invoice_lines, "invoice_lines", InvoiceLine)
    keys = frozenset(k for line in lines or () if line.kind == SESSION_LINE
                     for k in (session_key(line),) if k is not None)
    return Setup(
        the_lot, span, as_of_dt, when, last_full_day, start,
        contract_term(start, params, term_end_reading) if start else None,
        _read_list(sites, "sites", Site), _read_list(permanences, "permanences", Permanence),
        permanence_reading, params, history, suspension_stops_clock,
        invoice_lines=lines, meetings=_optional_list(meetings, "meetings", Meeting),
        workshop_plans=_optional_list(workshops, "workshops", WorkshopPlan),
        sheet_transmissions=_optional_list(sheet_transmissions, "sheet_transmissions",
                                           SheetTransmission),
        ipro_hours=_optional_list(ipro_hours, "ipro_hours", IproHours),
        syntheses=_optional_list(syntheses, "syntheses", ProviderSynthesis),
        invoice_keys=keys, full_months=full_months(span, last_full_day))


def _read_cases(cases: Any, start: int) -> Iterator[Case]:
    if isinstance(cases, (str, bytes, dict)) or not isinstance(cases, Iterable):
        raise InputError("cases", "une liste de parcours")
    for i, value in enumerate(cases, start):
        yield _as_case(value, f"cases[{i}]")


def _read_list(values: Any, path: str, model: type) -> tuple[Any, ...]:
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise InputError(path, "une liste")
    return tuple(_read(model, value, f"{path}[{i}]") for i, value in enumerate(values))


def _optional_list(values: Any, path: str, model: type) -> tuple[Any, ...] | None:
    return None if values is None else _read_list(values, path, model)


def _run_activity(data: Any, params: ContractParameters, as_of: Any = None,
                  **_: Any) -> Report:
    return lot_report(params=params, as_of=as_of, **read_activity(data, params)).report


register_kind("activity", "Rapport d'activité d'un lot", _run_activity, activity_schema,
              options=("as_of",))
