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

The layers: :mod:`ppaip_rules.roster_model` (the input models, described once: reader,
schema, field table, spreadsheet columns), :mod:`ppaip_rules.roster_check` (the roster
on the check day, registry numbers), :mod:`ppaip_rules.staffing_rules` (the STAFF-*
rules), :mod:`ppaip_rules.premises` (PREM-MO*), and this module: the deadline rules
STAFF-REPLACE and STAFF-ACCESS, :func:`check_roster` and the report. The names other
modules import from ``ppaip_rules.staffing`` are kept here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs

from .deadlines import Deadline, deadline
from .errors import InputError
from .frenchtext import format_date
from .model import INFO, Finding, Flag, Report, get_rule, missing_fact, run_rules
from .parameters import DIJON, ContractParameters
from .roster_check import (  # noqa: F401 (the façade: names imported from staffing)
    RegistryCheck,
    RosterCheck,
    check_registry_number,
    level_label,
    luhn_ok,
    yes_no_flag,
)
from .roster_model import (  # noqa: F401 (the façade: names imported from staffing)
    ADVISER,
    BASES,
    DEPARTURE,
    EMPLOYMENTS,
    EVENT_KINDS,
    ID_PATTERN,
    NEW_TO_OLD_LEVEL,
    OLD_CODES,
    OLD_TO_NEW_LEVEL,
    PLANNED_ABSENCE,
    PROLONGED_ABSENCE,
    PSYCHOLOGIST,
    REGISTRIES,
    REPLACEMENT_KINDS,
    ROLES,
    SHORT_ABSENCE,
    AccessRequest,
    Establishment,
    Facilitator,
    Premises,
    Roster,
    StaffEvent,
    SubstituteListUpdate,
    as_basis,
    as_of_day,
    as_qualification,
    read_roster,
    roster_schema,
)
from .spreadsheet import TabularInput
from .staffing_rules import _event_label, _extra_advisers, _names  # noqa: F401

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
