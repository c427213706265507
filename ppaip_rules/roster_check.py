"""The day of a roster check: registry numbers, and the indexes every staffing rule needs.

:class:`RosterCheck` is a roster on the day of the check (``as_of``), with who has
left, who is in post, the access lines by facilitator and establishment, and each
psychologist's registry number checked once (:func:`check_registry_number`).
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from .model import Flag, missing_fact
from .parameters import DIJON, ContractParameters
from .roster_model import DEPARTURE, NEW_TO_OLD_LEVEL, REGISTRIES, Facilitator, Roster

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

    __slots__ = ("access", "access_index", "access_lead_from", "active", "as_of", "basis", "by_id", "current",
                 "departed", "departements", "mf", "params", "position", "registry", "roster",
                 "share_counts", "standing", "started")

    def __init__(self, roster: Roster, as_of: dt.date, basis: str,
                 params: ContractParameters, access_lead_from: str = "market_start",
                 share_counts: str = "assigned"):
        self.roster = roster
        self.access_lead_from = access_lead_from
        self.share_counts = share_counts
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
        self.access_index = {(a.facilitator, a.establishment): i
                             for i, a in enumerate(roster.access)}
        #: Substitute → the days it stands in for someone (replacement of an event).
        standing: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        for ev in roster.events:
            if ev.replaced_by is not None:
                since = ev.replaced_on or self.by_id[ev.replaced_by].start_on or ev.start
                standing.setdefault(ev.replaced_by, []).append((since, ev.end))
        self.standing = standing
        self.registry = {f.id: check_registry_number(
            f.registry_number, REGISTRIES.get(f.registry or ""), params)
                         for f in roster.facilitators if f.is_psychologist}

    def start_of(self, f: Facilitator) -> dt.date:
        return f.start_on or self.roster.market_start

    def access_path(self, facilitator: str, establishment: str) -> str | None:
        """``access[i]`` of a facilitator's request to an establishment (None: no line)."""
        i = self.access_index.get((facilitator, establishment))
        return None if i is None else f"access[{i}]"

    def stands_in(self, f: Facilitator, day: dt.date) -> bool:
        """The facilitator replaces someone on ``day`` (a declared replacement)."""
        return any(since <= day and (end is None or day <= end)
                   for since, end in self.standing.get(f.id, ()))

    def spip_name(self, departement: str) -> str:
        for spip in self.params.lot(self.roster.lot).spips:
            if departement in spip.code.split("/"):
                return spip.name
        return "hors des SPIP du lot"

    def path_of(self, f: Facilitator) -> str:
        return f"facilitators[{self.position[f.id]}]"


def yes_no_flag(value: bool | None, path: str, no: str, unknown: str) -> Flag | None:
    """A yes/no fact of a roster: « non » breaks the rule; not filled in is a missing fact
    (``unknown`` says what is missing: RULES.md "Missing facts", never a default)."""
    if value is False:
        return Flag(no, expected="oui", found="non", path=path)
    if value is None:
        return missing_fact(path, unknown, expected="oui")
    return None


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
