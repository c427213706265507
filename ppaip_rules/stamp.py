"""The stamp of a result: which library, contract figures, calendar, policies, date and input.

Findings lead to penalties and disputes; the two sides may run different versions or
contract variants. Every report, evaluation and deadline result the command line (and
:func:`~ppaip_rules.checks.run_check`) produces carries a :class:`Stamp`: printed as a
French footer in text, written as an object ``stamp`` in JSON. ``ppaip-rules rejouer``
(:mod:`ppaip_rules.audit`) recomputes a stamped JSON report and says whether it is
identical.

A stamp holds no personal data: the input and the parameters are given by their SHA-256
only. The canonical forms hashed are defined here, once:

- the parameters: :func:`canonical_parameters` (every field of
  :class:`~ppaip_rules.parameters.ContractParameters`, sorted keys, no whitespace, UTF-8);
- a JSON input: the same canonical JSON of the parsed document (so indentation, key order
  and a byte-order mark do not change it); a CSV or other file read as bytes: its bytes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import fractions
import hashlib
import json
import types
from collections.abc import Mapping
from typing import Any

import attrs

#: Where the public holidays come from: computed by the library (ppaip_rules.calendar),
#: proved equal to the ``holidays`` package in the test suite; the package is not used
#: when a result is computed, so its version is not part of the stamp.
HOLIDAYS_SOURCE = "calcul de la bibliothèque (Code du travail L3133-1 ; L3134-13 en " \
                  "Alsace-Moselle)"

#: The calendar variant: switch → default.
CALENDAR_DEFAULTS: dict[str, Any] = {
    "departement": None,
    "whit_monday_worked": False,
    "good_friday_holiday": True,
}

#: Every other policy switch of the library (RULES.md ambiguities; the interpretations
#: page) that is not a contract parameter: switch → default. The parameters that act as
#: switches (``group_under_ideal_is_violation``, ``delays``…) are in the parameters' hash.
POLICY_DEFAULTS: dict[str, Any] = {
    "extend_to_working_day": True,
    "backward_to_working_day": False,
    "suspension_stops_clock": True,
    "basis": "headcount",
    "access_lead_from": "market_start",
    "share_counts": "assigned",
    "permanence_reading": "twice_a_month",
    "term_end_reading": "eve",
    "start_needs_held_session": False,
}

#: Every switch a stamp lists (calendar first).
SWITCHES = (*CALENDAR_DEFAULTS, *POLICY_DEFAULTS)


# --- canonical forms and their hashes ---------------------------------------------------

def _default(value: Any) -> Any:
    """What the JSON encoder calls for a value it does not know (the canonical forms)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, fractions.Fraction)):
        return str(value)
    if isinstance(value, (Mapping, types.MappingProxyType)):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=canonical_json)
    if attrs.has(type(value)):
        return {f.name: getattr(value, f.name) for f in attrs.fields(type(value)) if f.init}
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """The canonical JSON of a value: sorted keys, no whitespace, non-ASCII kept (UTF-8).

    Numbers are written as Python writes them (``3`` and ``3.0`` differ); dates in ISO
    8601; a model (attrs) as the object of its fields.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_default)


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def canonical_parameters(params: Any) -> str:
    """The canonical JSON of a parameter set: every field, values in force (the one place)."""
    return canonical_json(params)


#: id → (parameter set, its SHA-256): a parameter set is immutable, and the few a program
#: uses are hashed once (kept alive here, so an id is never reused while cached).
_PARAMETERS_SHA256: dict[int, tuple[Any, str]] = {}


def parameters_sha256(params: Any) -> str:
    """SHA-256 of :func:`canonical_parameters` (computed once per parameter set)."""
    cached = _PARAMETERS_SHA256.get(id(params))
    if cached is not None and cached[0] is params:
        return cached[1]
    digest = sha256(canonical_parameters(params))
    if len(_PARAMETERS_SHA256) >= 64:
        _PARAMETERS_SHA256.clear()
    _PARAMETERS_SHA256[id(params)] = (params, digest)
    return digest


def input_sha256(data: Any = None, *, raw: bytes | None = None) -> str | None:
    """SHA-256 of an input: of ``raw`` bytes when given (a CSV), else of the canonical JSON
    of ``data``; None when ``data`` has no canonical form (e.g. an arbitrary object)."""
    if raw is not None:
        return sha256(raw)
    if isinstance(data, (bytes, bytearray)):
        return sha256(bytes(data))
    try:
        return sha256(canonical_json(data))
    except (TypeError, ValueError):
        return None


# --- the stamp ------------------------------------------------------------------------------

@attrs.frozen
class Stamp:
    """Everything a result depends on besides the library's code, and that code's version.

    ``command`` says what computed the result (``check programme``, ``timeline``,
    ``report``, ``semaine``, ``deadline``): ``ppaip-rules rejouer`` runs it again.
    """

    version: str
    command: str
    parameters_name: str
    parameters_sha256: str
    avenants: tuple[str, ...] = ()
    calendar: tuple[tuple[str, Any], ...] = ()
    policies: tuple[tuple[str, Any], ...] = ()
    as_of: str | None = None
    input_sha256: str | None = None
    #: ``json`` (canonical JSON of the parsed input) or ``octets`` (the file's bytes).
    input_form: str = "json"
    holidays: str = HOLIDAYS_SOURCE

    @property
    def switches(self) -> dict[str, Any]:
        """Every switch (calendar and policies) and its value."""
        return {**dict(self.calendar), **dict(self.policies)}

    def to_dict(self) -> dict:
        return {
            "library": "ppaip-rules",
            "version": self.version,
            "command": self.command,
            "parameters": {"name": self.parameters_name, "avenants": list(self.avenants),
                           "sha256": self.parameters_sha256},
            "calendar": {**dict(self.calendar), "holidays": self.holidays},
            "policies": dict(self.policies),
            "as_of": self.as_of,
            "input": {"sha256": self.input_sha256, "form": self.input_form},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Stamp:
        """A stamp read back from a JSON report; :class:`InputError` naming the key."""
        from .errors import InputError

        def need(mapping: Any, key: str, path: str, kind: type | tuple = str) -> Any:
            if not isinstance(mapping, Mapping) or key not in mapping or not isinstance(
                    mapping[key], kind):
                raise InputError(f"{path}.{key}" if path else key, "le tampon d'un rapport "
                                 "ppaip-rules (sortie --format json)", "absent ou mal formé")
            return mapping[key]

        stamp = need({"stamp": data}, "stamp", "", dict)
        params = need(stamp, "parameters", "stamp", dict)
        calendar = dict(need(stamp, "calendar", "stamp", dict))
        holidays = calendar.pop("holidays", HOLIDAYS_SOURCE)
        given = need(stamp, "input", "stamp", dict)
        return cls(
            version=need(stamp, "version", "stamp"),
            command=need(stamp, "command", "stamp"),
            parameters_name=need(params, "name", "stamp.parameters"),
            parameters_sha256=need(params, "sha256", "stamp.parameters"),
            avenants=tuple(str(a) for a in need(params, "avenants", "stamp.parameters", list)),
            calendar=tuple(calendar.items()),
            policies=tuple(need(stamp, "policies", "stamp", dict).items()),
            as_of=stamp.get("as_of") if isinstance(stamp.get("as_of"), str) else None,
            input_sha256=given.get("sha256") if isinstance(given.get("sha256"), str) else None,
            input_form=str(given.get("form", "json")),
            holidays=str(holidays),
        )

    def format(self) -> str:
        """The French footer of a text report."""
        from .frenchtext import format_value

        def value(v: Any) -> str:
            if isinstance(v, bool):
                return "oui" if v else "non"
            return "non renseigné" if v is None else format_value(v)

        avenants = ", ".join(self.avenants) if self.avenants else "aucun"
        calendar = " ; ".join(f"{k} = {value(v)}" for k, v in self.calendar)
        policies = " ; ".join(f"{k} = {value(v)}" for k, v in self.policies)
        form = "JSON canonique" if self.input_form == "json" else "octets du fichier"
        return "\n".join([
            f"— Tampon : ppaip-rules {self.version}, commande « {self.command} »",
            f"  paramètres : {self.parameters_name} ; avenants appliqués : {avenants} ; "
            f"empreinte SHA-256 {self.parameters_sha256}",
            f"  calendrier : {calendar} ; jours fériés : {self.holidays}",
            f"  interrupteurs : {policies}",
            f"  date de contrôle : {self.as_of or 'sans date de contrôle'}",
            f"  entrée ({form}) : empreinte SHA-256 "
            f"{self.input_sha256 or 'non calculable (entrée sans forme canonique)'}",
        ])


def make_stamp(command: str, params: Any = None, *, switches: Mapping[str, Any] | None = None,
               as_of: Any = None, data: Any = None, raw: bytes | None = None) -> Stamp:
    """The stamp of a result computed by ``command`` on an input (``data`` parsed, or
    ``raw`` bytes), under ``params`` and the ``switches`` set (the others at their
    default)."""
    from ._version import __version__
    from .parameters import DIJON

    params = DIJON if params is None else params
    set_ = dict(switches or {})
    calendar = tuple((k, set_[k] if set_.get(k) is not None else d)
                     for k, d in CALENDAR_DEFAULTS.items())
    policies = tuple((k, set_[k] if set_.get(k) is not None else d)
                     for k, d in POLICY_DEFAULTS.items())
    avenants = tuple(_avenant_name(a) for a in getattr(params, "avenants", ()) or ())
    return Stamp(
        version=__version__, command=command, parameters_name=str(params.name),
        parameters_sha256=parameters_sha256(params), avenants=avenants,
        calendar=calendar, policies=policies,
        as_of=None if as_of is None else _as_of_text(as_of),
        input_sha256=input_sha256(data, raw=raw),
        input_form="octets" if raw is not None or isinstance(data, (bytes, bytearray))
        else "json")


def _avenant_name(avenant: Any) -> str:
    for attr in ("name", "nom", "reference"):
        value = getattr(avenant, attr, None)
        if isinstance(value, str):
            return value
    return str(avenant) if isinstance(avenant, str) else type(avenant).__name__


def _as_of_text(value: Any) -> str:
    """``as_of`` in one canonical form (ISO 8601), however it was written (``30/06/2025
    08:00`` and ``2025-06-30T08:00:00+02:00`` give the same stamp)."""
    if isinstance(value, str):
        from .errors import InputError
        from .parsing import as_date_or_datetime

        try:
            value = as_date_or_datetime(value, "as_of")
        except InputError:
            return value
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        from .parsing import paris_time

        value = paris_time(value, "as_of")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def switches_in(data: Any) -> dict[str, Any]:
    """The switches an input sets itself (a deadline check's calendar, a lot's readings)."""
    if not isinstance(data, Mapping):
        return {}
    return {k: data[k] for k in SWITCHES if k in data and isinstance(
        data[k], (bool, str)) and not isinstance(data[k], bytes)}


def attach(result: Any, stamp: Stamp) -> Any:
    """``result`` (a Report or an evaluation with a ``stamp`` field) carrying ``stamp``."""
    return attrs.evolve(result, stamp=stamp)


def with_footer(text: str, stamp: Stamp | None) -> str:
    """A text report followed by its stamp's footer (unchanged without a stamp)."""
    return text if stamp is None else f"{text}\n\n{stamp.format()}"


__all__ = ["CALENDAR_DEFAULTS", "HOLIDAYS_SOURCE", "POLICY_DEFAULTS", "SWITCHES", "Stamp",
           "attach", "canonical_json", "canonical_parameters", "input_sha256", "make_stamp",
           "parameters_sha256", "sha256", "switches_in", "with_footer"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
