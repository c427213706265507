"""What a lot report needs from its cases, accumulated chunk by chunk (issue 13 §5).

A :class:`LotTally` is the contribution of a run of consecutive cases: counts, hour totals,
the per-case findings and reconciliation rows — never the cases nor their evaluations
(unless asked to keep them). Two tallies of consecutive chunks merge (:meth:`LotTally.merge`)
into the tally of both, so that a lot report computed chunk by chunk, in one process or
many, is identical to the one of a single pass.

Hour totals are kept exact (integers in units of 2⁻⁶⁰ h, a fraction for the rare value
finer than that): a sum does not depend on where the chunks were cut, which a float sum
would.

:class:`Setup` holds what does not come from the cases (the lot, the period, the as-of
instant, the contract term, the invoice lines…); :func:`context` turns a setup and a
finished tally into the :class:`Context` that the rules (:mod:`ppaip_rules.lot_rules`)
read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import attrs

from .calendar import days_between, duration_end, month_end, month_starts, to_paris_date
from .errors import InputError
from .events import FEMALE, Case, PrescriptionReceived, SessionHeld
from .frenchtext import format_date, plural
from .lot_inputs import (
    InvoiceLine,
    IproHours,
    Meeting,
    Permanence,
    ProviderSynthesis,
    ReportPeriod,
    SheetTransmission,
    Site,
    WorkshopPlan,
    shown_id,
)
from .lot_output import (
    ContractTerm,
    PermanenceCheck,
    Reconciliation,
    Synthesis,
    TargetPublic,
    Volume,
)
from .model import INFO, WARNING, Finding, Flag
from .parameters import ContractParameters, Lot
from .timeline import CaseEvaluation, CaseState, ObligationStatus, evaluate_case

MODES = ("individual", "collective")
_ENDED = (CaseState.NOT_TAKEN_ON, CaseState.ABANDONED, CaseState.INTERRUPTED, CaseState.ENDED)

# --- exact hour totals -------------------------------------------------------------------

_SCALE = 2 ** 60
_FSCALE = float(_SCALE)
Exact = Any  # int (units of 2**-60 h) or Fraction


def exact(hours: float) -> Exact:
    """``hours`` as an exact number of 2⁻⁶⁰ h (a fraction when finer)."""
    scaled = hours * _FSCALE  # a power of two: exact
    if float(scaled).is_integer():
        return int(scaled)
    return Fraction(hours) * _SCALE


def to_float(total: Exact) -> float:
    """The float nearest to an exact total (correctly rounded: the same for any split)."""
    if isinstance(total, int):
        return total / _SCALE
    return float(total / _SCALE)


# --- the fixed inputs ----------------------------------------------------------------------

def in_lot(lot: Lot, spip: str | None) -> bool:
    if spip is None:
        return True
    codes = {s.code for s in lot.spips} | set(lot.departements)
    return spip in codes or all(part in codes for part in spip.split("/"))


@attrs.frozen
class Setup:
    """What a lot report reads besides its cases (read and checked once)."""

    lot: Lot
    period: ReportPeriod
    as_of: dt.datetime
    as_of_when: Any  # the as-of argument given to evaluate_case
    last_full_day: dt.date
    contract_start: dt.date | None
    term: ContractTerm | None
    sites: tuple[Site, ...]
    permanences: tuple[Permanence, ...]
    reading: str
    params: ContractParameters
    history: Any
    suspension_stops_clock: bool
    invoice_lines: tuple[InvoiceLine, ...] | None = None
    meetings: tuple[Meeting, ...] | None = None
    workshop_plans: tuple[WorkshopPlan, ...] | None = None
    sheet_transmissions: tuple[SheetTransmission, ...] | None = None
    ipro_hours: tuple[IproHours, ...] | None = None
    syntheses: tuple[ProviderSynthesis, ...] | None = None
    #: The keys of the sessions that invoice lines name (CONTRACT-PAY looks them up).
    invoice_keys: frozenset[tuple[str, str, dt.date]] = frozenset()
    #: First days of the months wholly in the period and over at the as-of instant.
    full_months: frozenset[dt.date] = frozenset()
    #: Whether the cases' own findings are kept and listed in the report.
    case_findings: bool = True

    @property
    def as_of_day(self) -> dt.date:
        return self.as_of.date()

    @property
    def lot_spips(self) -> str:
        return ", ".join(f"SPIP {s.code}" for s in self.lot.spips)


def session_key(line: InvoiceLine) -> tuple[str, str, dt.date] | None:
    if line.workshop:
        return ("workshop", line.workshop, line.day)
    if line.case_id:
        return ("case", line.case_id, line.day)
    return None


def case_ref(case_id: str | None, i: int) -> str:
    """How a report names case ``i``: its ID in safe form, or « n° i+1 »."""
    return shown_id(case_id, f"n° {i + 1}")


# --- the accumulator ------------------------------------------------------------------------

@attrs.define
class LotTally:
    """The contribution of cases ``start`` … ``start + count - 1`` to a lot report.

    Small: counts and totals per mode, SPIP, month, site and rule; per case only its
    identifier, its findings and its reconciliation rows (what the report itself lists).
    """

    start: int = 0
    count: int = 0
    #: case_id → index of the case (duplicates refused), and whether it is in the lot
    ids: dict[str, tuple[int, bool]] = attrs.Factory(dict)
    no_spip: int = 0
    first_no_spip: int | None = None
    #: per mode: [delivered, sessions, billable, billable hours, unsigned, unknown] of the
    #: sessions counted once each (individual, or collective without a workshop)
    modes: dict[str, list[Any]] = attrs.Factory(
        lambda: {m: [0, 0, 0, 0, 0, 0] for m in MODES})
    #: a collective session (workshop, start) → [longest hours, signed sheet values seen]
    workshops: dict[Any, list[Any]] = attrs.Factory(dict)
    anonymous_workshop_sessions: int = 0
    #: (SPIP, mode) → exact hours of the sessions counted once each
    spip_hours: dict[tuple[str, str], Exact] = attrs.Factory(dict)
    #: (SPIP, workshop, start) → longest hours
    spip_workshops: dict[tuple[str, Any, Any], float] = attrs.Factory(dict)
    deadlines: dict[str, list[int]] = attrs.Factory(dict)
    prescriptions: Counter[tuple[str, dt.date]] = attrs.Factory(Counter)
    #: [beneficiaries, women, sex known, young without qualification, youth known]
    people: list[int] = attrs.Factory(lambda: [0, 0, 0, 0, 0])
    states: Counter[str] = attrs.Factory(Counter)
    obligations: dict[str, Counter[str]] = attrs.Factory(dict)
    #: (case index, month) → [signed-sheet hours, sessions without sheet information, ref]
    signed: dict[tuple[int, dt.date], list[Any]] = attrs.Factory(dict)
    sheet_facts: dict[tuple[str, str, dt.date], set[bool | None]] = attrs.Factory(dict)
    #: workshop → first day held in the period (in case order)
    held: dict[str, dt.date] = attrs.Factory(dict)
    sheets_wanted: set[tuple[str, dt.date]] = attrs.Factory(set)
    #: per-case flags of LOT-DEF and CONTRACT-TERM, in case order
    flags: dict[str, list[Flag]] = attrs.Factory(
        lambda: {"LOT-DEF": [], "CONTRACT-TERM": []})
    #: the cases' own findings, lifted into the report (paths ``cases[i]…``)
    findings: list[Finding] = attrs.Factory(list)
    evaluations: list[CaseEvaluation] | None = None

    def merge(self, other: LotTally) -> LotTally:
        """Add the tally of the chunk that follows this one (in place; returns self)."""
        if other.start != self.start + self.count:
            raise InputError("chunks", f"le morceau qui suit les parcours {self.start} à "
                                       f"{self.start + self.count - 1} (cases[{self.start + self.count}] "
                                       f"en premier)", "morceaux dans le désordre")
        for case_id, (i, inside) in other.ids.items():
            if case_id in self.ids:
                raise _duplicate(i, self.ids[case_id][0])
            self.ids[case_id] = (i, inside)
        self.count += other.count
        if self.first_no_spip is None:
            self.first_no_spip = other.first_no_spip
        self.no_spip += other.no_spip
        for mode in MODES:
            self.modes[mode] = [a + b for a, b in zip(self.modes[mode], other.modes[mode],
                                                      strict=True)]
        for key, (hours, signed) in other.workshops.items():
            unit = self.workshops.get(key)
            if unit is None:
                self.workshops[key] = [hours, set(signed)]
            else:
                unit[0] = max(unit[0], hours)
                unit[1] |= signed
        self.anonymous_workshop_sessions += other.anonymous_workshop_sessions
        for key, total in other.spip_hours.items():
            self.spip_hours[key] = self.spip_hours.get(key, 0) + total
        for key, hours in other.spip_workshops.items():
            self.spip_workshops[key] = max(self.spip_workshops.get(key, 0.0), hours)
        for month, (ok, late) in other.deadlines.items():
            tally = self.deadlines.setdefault(month, [0, 0])
            tally[0] += ok
            tally[1] += late
        self.prescriptions.update(other.prescriptions)
        self.people = [a + b for a, b in zip(self.people, other.people, strict=True)]
        self.states.update(other.states)
        for rule_id, counts in other.obligations.items():
            self.obligations.setdefault(rule_id, Counter()).update(counts)
        self.signed.update(other.signed)
        for key, values in other.sheet_facts.items():
            self.sheet_facts.setdefault(key, set()).update(values)
        for workshop, day in other.held.items():
            self.held.setdefault(workshop, day)
        self.sheets_wanted |= other.sheets_wanted
        for rule_id, flags in other.flags.items():
            self.flags[rule_id].extend(flags)
        self.findings.extend(other.findings)
        if self.evaluations is not None:
            self.evaluations.extend(other.evaluations or ())
        return self


def _duplicate(i: int, first: int) -> InputError:
    return InputError(f"cases[{i}].case_id", f"un identifiant de parcours unique dans le "
                                             f"lot (déjà donné à cases[{first}])",
                      "identifiant en double")


def tally(setup: Setup, cases: Iterable[Case], start: int = 0,
          keep_evaluations: bool = False) -> LotTally:
    """The tally of ``cases`` (read already), the first being ``cases[start]`` of the lot."""
    out = LotTally(start, evaluations=[] if keep_evaluations else None)
    for i, case in enumerate(cases, start):
        _add_case(setup, out, i, case)
        out.count += 1
    return out


def _add_case(setup: Setup, t: LotTally, i: int, case: Case) -> None:
    lot, period, as_of_day = setup.lot, setup.period, setup.as_of_day
    inside = in_lot(lot, case.spip)
    if case.case_id is not None:
        if case.case_id in t.ids:
            raise _duplicate(i, t.ids[case.case_id][0])
        t.ids[case.case_id] = (i, inside)
    ev = evaluate_case(case, as_of=setup.as_of_when, params=setup.history or setup.params,
                       suspension_stops_clock=setup.suspension_stops_clock)
    if t.evaluations is not None:
        t.evaluations.append(ev)
    ref = case_ref(case.case_id, i)
    events = case.events
    # LOT-DEF
    if case.spip is None:
        t.no_spip += 1
        if t.first_no_spip is None:
            t.first_no_spip = i
    if not inside:
        spips = setup.lot_spips
        spip = shown_id(case.spip, "hors du lot")
        t.flags["LOT-DEF"].append(Flag(
            f"le parcours {ref} relève du SPIP {spip}, qui n'appartient pas au lot "
            f"{lot.number} ({spips}) : le déclarer dans son lot ; il n'est pas compté ici.",
            expected=spips, found=f"SPIP {spip}", path=f"cases[{i}].spip"))
    # CONTRACT-TERM: every session of every case against the term
    term = setup.term
    if term is not None:
        first, last = term.start, term.last_day
        span = f"{format_date(first)} – {format_date(last)}"
        for j, event in enumerate(events):
            if not isinstance(event, SessionHeld):
                continue
            if event.day > last:
                t.flags["CONTRACT-TERM"].append(Flag(
                    f"séance du {format_date(event.day)} après la fin de la dernière période "
                    f"du marché ({span}) : aucune prestation n'est due ni payable au-delà.",
                    expected=f"au plus tard le {format_date(last)}",
                    found=event.day.isoformat(), path=f"cases[{i}].events[{j}]"))
            elif event.day < first:
                t.flags["CONTRACT-TERM"].append(Flag(
                    f"séance du {format_date(event.day)} avant le démarrage du marché "
                    f"({span}).", severity=WARNING, expected=f"à partir du {format_date(first)}",
                    found=event.day.isoformat(), path=f"cases[{i}].events[{j}]"))
    # RUN-PERMANENCE: prescriptions per site and month (every case)
    rx = next((e for e in events if isinstance(e, PrescriptionReceived)), None)
    if case.site is not None and rx is not None:
        t.prescriptions[(case.site, rx.day.replace(day=1))] += 1
    if not inside:
        return
    # the sessions of the period
    spip = case.spip or "non renseigné"
    for s in events:
        if not isinstance(s, SessionHeld):
            continue
        if setup.invoice_keys:
            for fact in (("case", case.case_id, s.day) if case.case_id is not None else None,
                         ("workshop", s.workshop, s.day) if s.workshop else None):
                if fact is not None and fact in setup.invoice_keys:
                    t.sheet_facts.setdefault(fact, set()).add(s.signed_sheet)
        if not (period.contains(s.day) and s.day <= as_of_day):
            continue
        mode = s.mode
        if mode == "collective" and s.workshop:
            key = (s.workshop, s.ts if s.ts is not None else s.day)
            unit = t.workshops.get(key)
            if unit is None:
                t.workshops[key] = [s.hours, {s.signed_sheet}]
            else:
                unit[0] = max(unit[0], s.hours)
                unit[1].add(s.signed_sheet)
            spip_key = (spip, s.workshop, key[1])
            t.spip_workshops[spip_key] = max(t.spip_workshops.get(spip_key, 0.0), s.hours)
            t.held.setdefault(s.workshop, s.day)
        else:
            if mode == "collective":
                t.anonymous_workshop_sessions += 1
            totals = t.modes[mode]
            hours = exact(s.hours)
            totals[0] += hours
            totals[1] += 1
            if s.signed_sheet is True:
                totals[2] += 1
                totals[3] += hours
            elif s.signed_sheet is False:
                totals[4] += 1
            else:
                totals[5] += 1
            t.spip_hours[(spip, mode)] = t.spip_hours.get((spip, mode), 0) + hours
        month = s.day.replace(day=1)
        if month in setup.full_months:
            row = t.signed.setdefault((i, month), [0.0, 0, ref])
            if s.signed_sheet is True:
                row[0] += s.hours
            elif s.signed_sheet is None:
                row[1] += 1
            if s.signed_sheet is not False:
                t.sheets_wanted.add((case.spip or "?", month))
    # beneficiaries: target public, synthesis, deadlines by month
    if _is_beneficiary(case, ev, period.start, min(period.end, as_of_day)):
        people, b = t.people, case.beneficiary
        people[0] += 1
        if b is not None and b.sex is not None:
            people[2] += 1
            people[1] += b.sex == FEMALE
        if b is not None and b.age_at_prescription is not None \
                and b.without_qualification is not None:
            people[4] += 1
            people[3] += b.age_at_prescription < setup.params.young_age_limit \
                and b.without_qualification
        t.states[ev.state.value] += 1
        last = min(period.end, as_of_day)
        for o in ev.obligations:
            t.obligations.setdefault(o.rule_id, Counter())[o.status.value] += 1
            if o.due is None or o.status is ObligationStatus.PENDING:
                continue
            day = to_paris_date(o.due)
            if period.start <= day <= last:
                counts = t.deadlines.setdefault(day.strftime("%Y-%m"), [0, 0])
                counts[0 if o.status is ObligationStatus.MET else 1] += 1
    # the case's own findings
    if not setup.case_findings:
        return
    for f in ev.report.findings:
        if f.severity is INFO:
            continue
        t.findings.append(attrs.evolve(
            f, message=f"parcours {ref} : {f.message}",
            path=f"cases[{i}]" + (f".{f.path}" if f.path else "")))


def _is_beneficiary(case: Case, ev: CaseEvaluation, start: dt.date, last: dt.date) -> bool:
    """Under support during the period: prescribed by its end and not ended (abandoned,
    interrupted, not taken on, ended) before it began; a case with no prescription counts
    when one of its events falls in the period."""
    rx_days = [e.day for e in case.events if isinstance(e, PrescriptionReceived)]
    if not rx_days:
        return any(start <= e.day <= last for e in case.events)
    ended = ev.state in _ENDED and ev.state_since is not None \
        and ev.state_since.day < start
    return min(rx_days) <= last and not ended


# --- from the finished tally to the figures ---------------------------------------------

@attrs.frozen
class Context:
    """What the activity rules read (``decide(context, params)``): the setup and the figures."""

    setup: Setup
    tally: LotTally
    volumes: tuple[Volume, ...]
    permanence_checks: tuple[PermanenceCheck, ...]
    target_public: TargetPublic
    synthesis: Synthesis
    reconciliation: tuple[Reconciliation, ...]
    ipro_unmatched: tuple[int, ...]
    spip_hours: tuple[tuple[str, float, float], ...]
    deadlines_by_month: tuple[tuple[str, int, int], ...]

    def __getattr__(self, name: str) -> Any:  # the setup's fields: ctx.lot, ctx.period…
        if name in ("setup", "__setstate__", "__getstate__"):
            raise AttributeError(name)
        return getattr(self.setup, name)


def context(setup: Setup, t: LotTally) -> Context:
    reconciliation, unmatched = _reconciliation(setup, t)
    return Context(setup, t, _volumes(setup, t), _permanence_checks(setup, t),
                   _target_public(setup, t), _synthesis(t), reconciliation, unmatched,
                   _spip_hours(t), tuple((m, ok, late) for m, (ok, late)
                                         in sorted(t.deadlines.items())))


def _volumes(setup: Setup, t: LotTally) -> tuple[Volume, ...]:
    lot, params, period = setup.lot, setup.params, setup.period
    window_start = setup.contract_start or period.start
    window = days_between(window_start, duration_end(window_start, params.forecast_months))
    share = days_between(period.start, period.end) / window
    forecasts = {"individual": lot.individual_hours, "collective": lot.collective_hours}
    totals = {m: list(t.modes[m]) for m in MODES}
    collective = totals["collective"]
    for hours, signed in t.workshops.values():
        h = exact(hours)
        collective[0] += h
        collective[1] += 1
        if True in signed:
            collective[2] += 1
            collective[3] += h
        elif False in signed:
            collective[4] += 1
        else:
            collective[5] += 1
    return tuple(Volume(mode, forecast, round(forecast * share, 1), to_float(totals[mode][0]),
                        totals[mode][1], totals[mode][2], to_float(totals[mode][3]),
                        totals[mode][4], totals[mode][5])
                 for mode, forecast in forecasts.items())


def _spip_hours(t: LotTally) -> tuple[tuple[str, float, float], ...]:
    """Hours delivered per SPIP and type, counted as the volumes count them."""
    totals = dict(t.spip_hours)
    for (spip, _, _), hours in t.spip_workshops.items():
        totals[(spip, "collective")] = totals.get((spip, "collective"), 0) + exact(hours)
    spips = sorted({spip for spip, _ in totals})
    return tuple((spip, to_float(totals.get((spip, "individual"), 0)),
                  to_float(totals.get((spip, "collective"), 0))) for spip in spips)


def _permanence_checks(setup: Setup, t: LotTally) -> tuple[PermanenceCheck, ...]:
    period = setup.period
    months = [m for m in month_starts(period.start, period.end)
              if m >= period.start and month_end(m) <= min(period.end, setup.as_of_day)]
    if setup.reading == "every_two_months":
        windows = [tuple(months[i:i + 2]) for i in range(0, len(months) - 1, 2)]
        required = 1
    else:
        windows = [(m,) for m in months]
        required = setup.params.permanences_per_month
    if setup.history is not None and setup.reading != "every_two_months":
        # each month reads the value in force in that month (avenants, issue 12 §3)
        per_month = {m: setup.history.at(m, "period").permanences_per_month for m in months}
    else:
        per_month = {}
    held = Counter((p.site, p.day.replace(day=1)) for p in setup.permanences)
    checks = []
    for site in setup.sites:
        for window in windows:
            checks.append(PermanenceCheck(
                site.id, window, sum(t.prescriptions[(site.id, m)] for m in window),
                sum(held[(site.id, m)] for m in window), per_month.get(window[0], required)))
    return tuple(checks)


def _target_public(setup: Setup, t: LotTally) -> TargetPublic:
    beneficiaries, women, sex_known, young, youth_known = t.people
    return TargetPublic(beneficiaries, women, sex_known, young, youth_known,
                        setup.params.young_age_limit)


def _synthesis(t: LotTally) -> Synthesis:
    ordered_states = tuple((s.value, t.states[s.value]) for s in CaseState if t.states[s.value])
    statuses = [s.value for s in ObligationStatus]
    obligations = tuple((rule_id, tuple((s, counts[s]) for s in statuses if counts[s]))
                        for rule_id, counts in sorted(t.obligations.items()))
    return Synthesis(t.people[0], ordered_states, obligations)


def _reconciliation(setup: Setup, t: LotTally
                    ) -> tuple[tuple[Reconciliation, ...], tuple[int, ...]]:
    months = setup.full_months
    ipro: dict[tuple[int, dt.date], tuple[int, float]] = {}
    unmatched = []
    for i, entry in enumerate(setup.ipro_hours or ()):
        if entry.month not in months:
            continue
        found = t.ids.get(entry.case_id)
        if found is None or not found[1]:
            unmatched.append(i)
            continue
        ci = found[0]
        previous = ipro.get((ci, entry.month), (i, 0.0))
        ipro[(ci, entry.month)] = (previous[0], previous[1] + entry.hours)
    rows = []
    by_index: dict[int, str] = {}
    for key in sorted(set(t.signed) | set(ipro), key=lambda k: (k[1], k[0])):
        ci, month = key
        hours = ipro.get(key)
        path = f"ipro_hours[{hours[0]}]" if hours else f"cases[{ci}]"
        signed = t.signed.get(key)
        if signed is None:
            if not by_index:
                by_index = {j: c for c, (j, _) in t.ids.items()}
            signed = [0.0, 0, case_ref(by_index[ci], ci)]
        rows.append(Reconciliation(signed[2], month, signed[0],
                                   hours[1] if hours else None, signed[1], path))
    return tuple(rows), tuple(unmatched)


def full_months(period: ReportPeriod, last_full_day: dt.date) -> frozenset[dt.date]:
    last = min(period.end, last_full_day)
    return frozenset(m for m in month_starts(period.start, period.end)
                     if m >= period.start and month_end(m) <= last)


def no_spip_fact(t: LotTally) -> tuple[str, str] | None:
    """(path, what) of the missing SPIP of some cases, or None."""
    if not t.no_spip:
        return None
    return (f"cases[{t.first_no_spip}].spip",
            f"SPIP de {plural(t.no_spip, 'parcours', 'parcours')} : compté(s) dans le lot "
            f"sans que son appartenance soit vérifiée")



# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
