"""Contract parameters with dated values: the avenants (issue 12 §3).

An avenant changes some figures of the contract from an effective date, under a
reference ("avenant n° 1, art. 2"). It is a file in the variant format (only the keys
that change) with a header table::

    [avenant]
    nom = "Avenant n° 1"
    date_effet = 2025-09-01
    reference = "avenant n° 1, art. 2"

    [delays.END-BILAN-IND]
    amount = 10
    unit = "jours ouvrés"

A :class:`ParameterHistory` is the base contract and its avenants in date order;
``history.at(day)`` is the plain :class:`~ppaip_rules.parameters.ContractParameters`
in force that day (one object per effective period, built once), so rules keep
reading plain parameters. The entry points pick the value in force at the date of the
fact: the trigger of a deadline, the check day of a roster, the prescription of an
eligibility check, the months of a lot report. A fact dated before the contract's
first value (1 January of ``start_year``) is an :class:`InputError` naming the field:
nothing is silent.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import InputError
from .frenchtext import format_date, format_value
from .parameters import DIJON, ContractParameters, parameters_from_dict


@attrs.frozen
class Avenant:
    """One avenant: its name, effective date, reference and the keys it changes."""

    name: str
    effective: dt.date
    reference: str
    #: the keys it changes, as given in its file (variant format).
    changes: Mapping[str, Any] = attrs.field(converter=dict, hash=False)

    def changed_parameters(self) -> tuple[str, ...]:
        """Names of the parameters it changes (``delays.END-BILAN-IND`` for a delay)."""
        names: list[str] = []
        for key, value in self.changes.items():
            if key == "delays" and isinstance(value, Mapping):
                names.extend(f"delays.{rule_id}" for rule_id in value)
            else:
                names.append(key)
        return tuple(names)

    def to_dict(self) -> dict:
        return {"nom": self.name, "date_effet": self.effective.isoformat(),
                "reference": self.reference, "parametres": list(self.changed_parameters())}


@attrs.frozen(eq=False)
class ParameterHistory:
    """A base contract and its avenants, in date order (equal dates: the order given)."""

    base: ContractParameters = DIJON
    avenants: tuple[Avenant, ...] = attrs.field(default=(), converter=tuple)
    #: (first day, parameters in force, avenant or None) per effective period.
    _periods: tuple = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        ordered = sorted(self.avenants, key=lambda a: a.effective)
        object.__setattr__(self, "avenants", tuple(ordered))
        first = self.first_day
        periods: list[tuple[dt.date, ContractParameters, Avenant | None]] = [
            (first, self.base, None)]
        current = self.base
        for i, a in enumerate(ordered):
            if a.effective <= first:
                raise InputError(f"avenants[{i}].date_effet", "une date d'effet postérieure au "
                                 f"premier jour du contrat ({format_date(first)})",
                                 "date antérieure au contrat")
            current = parameters_from_dict(a.changes, base=current)
            current = attrs.evolve(current, name=f"{self.base.name} — {a.name}")
            periods.append((a.effective, current, a))
            _PROVENANCE[id(current)] = (current, self._provenance(len(periods) - 1, periods))
        object.__setattr__(self, "_periods", tuple(periods))

    @property
    def first_day(self) -> dt.date:
        """The first day of the contract's values: 1 January of ``start_year``."""
        return dt.date(self.base.start_year, 1, 1)

    @property
    def name(self) -> str:
        return self.base.name

    def at(self, day: Any, path: str = "date") -> ContractParameters:
        """The parameters in force on ``day`` (a date or datetime; its Paris day).

        A day before the contract's first value is an :class:`InputError` naming
        ``path`` (the input field that dated the fact).
        """
        return self.period_of(day, path)[1]

    def period_of(self, day: Any, path: str = "date") -> tuple:
        """``(first day, parameters, avenant or None)`` of the period holding ``day``."""
        d = _day(day, path)
        if d < self.first_day:
            raise InputError(path, f"une date à partir du {format_date(self.first_day)} "
                                   "(premier jour des paramètres du contrat)",
                             "date antérieure au contrat")
        i = bisect_right([p[0] for p in self._periods], d) - 1
        return self._periods[i]

    def in_force_step(self, day: Any, path: str = "date"):
        """The explanation step saying which parameters apply to a fact and why."""
        from .model import Step

        _, _, avenant = self.period_of(day, path)
        shown = format_date(_day(day, path))
        if avenant is None:
            text = (f"Paramètres en vigueur le {shown} : contrat initial ({self.base.name}), "
                    "avant tout avenant" if self.avenants else
                    f"Paramètres en vigueur le {shown} : contrat initial ({self.base.name})")
            return Step(text + f" ({path}).", path=path, computed=_day(day, path))
        return Step(f"Paramètres en vigueur le {shown} : {avenant.name}, en vigueur depuis le "
                    f"{format_date(avenant.effective)} ({avenant.reference}) ({path}).",
                    clause=avenant.reference, path=path, computed=_day(day, path))

    def history(self, name: str) -> list[dict]:
        """The successive values of one parameter (``delays.RULE`` for a delay): from
        which day, the value, the reference."""
        rows = []
        previous = object()
        for start, params, avenant in self._periods:
            value = _value(params, name)
            if value != previous:
                rows.append({"depuis": start, "valeur": value,
                             "reference": avenant.reference if avenant else "contrat initial"})
                previous = value
        return rows

    def parameter_names(self) -> list[str]:
        names = [f.name for f in attrs.fields(ContractParameters)
                 if f.name not in ("delays", "name")]
        delays = sorted({rule_id for _, p, _ in self._periods for rule_id in p.delays})
        return names + [f"delays.{rule_id}" for rule_id in delays]

    def changed(self) -> list[str]:
        """Names of the parameters some avenant changes."""
        return [n for n in self.parameter_names() if len(self.history(n)) > 1]

    def to_dict(self, day: Any = None) -> dict:
        in_force = self.at(day, "--a-la-date") if day is not None else None
        out = {"contrat": self.base.name, "premier_jour": self.first_day.isoformat(),
               "avenants": [a.to_dict() for a in self.avenants],
               "historique": {n: [{"depuis": r["depuis"].isoformat(),
                                   "valeur": _plain(r["valeur"]), "reference": r["reference"]}
                                  for r in self.history(n)] for n in self.changed()}}
        if in_force is not None:
            out["a_la_date"] = _day(day, "--a-la-date").isoformat()
            out["en_vigueur"] = {n: _plain(_value(in_force, n)) for n in self.parameter_names()}
        return out

    def format(self, day: Any = None) -> str:
        """French text: the avenants, then each parameter in force with its history."""
        lines = [f"Contrat : {self.base.name} ; valeurs à partir du "
                 f"{format_date(self.first_day)}."]
        if self.avenants:
            lines.append("Avenants appliqués, par date d'effet :")
            lines.extend(f"  - {a.name}, en vigueur le {format_date(a.effective)} "
                         f"({a.reference}) : {', '.join(a.changed_parameters())}"
                         for a in self.avenants)
        else:
            lines.append("Aucun avenant.")
        in_force = self.at(day, "--a-la-date") if day is not None else self._periods[-1][1]
        head = (f"Paramètres en vigueur le {format_date(_day(day, '--a-la-date'))} :"
                if day is not None else "Paramètres (dernières valeurs) :")
        lines.append(head)
        changed = set(self.changed())
        for name in self.parameter_names():
            lines.append(f"  {name} = {_text(_value(in_force, name))}")
            if name in changed:
                lines.extend(f"      depuis le {format_date(r['depuis'])} : {_text(r['valeur'])} "
                             f"({r['reference']})" for r in self.history(name))
        return "\n".join(lines)

    def _provenance(self, index: int, periods: list) -> dict[str, tuple[str, dt.date]]:
        """For the parameters of period ``index``: name → (reference, since) of each value
        an avenant set."""
        out: dict[str, tuple[str, dt.date]] = {}
        for start, _, avenant in periods[1:index + 1]:
            for name in avenant.changed_parameters():
                out[name] = (avenant.reference, start)
        return out

    def __reduce__(self):
        return (ParameterHistory, (self.base, self.avenants))


#: id(parameters of a period) → (those parameters, name → (reference, since)): the
#: explanation steps say which avenant set a value (see model._parameter_steps).
_PROVENANCE: dict[int, tuple[ContractParameters, dict]] = {}


def provenance(params: Any, name: str) -> tuple[str, dt.date] | None:
    """``(reference, since)`` when an avenant set parameter ``name`` of ``params``."""
    entry = _PROVENANCE.get(id(params))
    if entry is None or entry[0] is not params:
        return None
    return entry[1].get(name)


def in_force(params: Any, day: Any, path: str) -> tuple[ContractParameters, Any]:
    """``(parameters, step or None)``: plain parameters pass through; a history gives
    the parameters in force on ``day`` and the step that says so."""
    if isinstance(params, ParameterHistory):
        return params.at(day, path), params.in_force_step(day, path)
    return params, None


# --- loading ----------------------------------------------------------------

def read_avenant(data: Any, where: str = "avenant") -> Avenant:
    """An avenant from its parsed file (``[avenant]`` header, then the keys it changes)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("avenant"), Mapping):
        raise InputError(f"{where}.avenant", "une table [avenant] : nom, date_effet, reference",
                         "en-tête manquant")
    head = data["avenant"]
    # In TOML, plain keys written after the [avenant] header belong to that table: the
    # keys that name a parameter are read as changes of the avenant.
    fields = attrs.fields_dict(ContractParameters)
    inline = {k: v for k, v in head.items() if k in fields}
    unknown = set(head) - {"nom", "date_effet", "reference"} - set(inline)
    if unknown:
        raise InputError(f"{where}.avenant.{sorted(unknown)[0]}",
                         "nom, date_effet, reference ou un paramètre du contrat", "clé inconnue")
    for key in ("nom", "reference"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise InputError(f"{where}.avenant.{key}", "un texte non vide")
    effective = head.get("date_effet")
    if isinstance(effective, str):
        try:
            effective = dt.date.fromisoformat(effective)
        except ValueError:
            effective = None
    if type(effective) is not dt.date:
        raise InputError(f"{where}.avenant.date_effet", "une date AAAA-MM-JJ")
    changes = {**inline, **{k: v for k, v in data.items() if k != "avenant"}}
    if not changes:
        raise InputError(where, "au moins un paramètre modifié", "avenant vide")
    parameters_from_dict(changes)  # the keys and types are checked now, naming the field
    return Avenant(head["nom"], effective, head["reference"], changes)


def load_parameters(path: str | Path | None = None, *avenants: str | Path) -> Any:
    """A contract from a file (keys that differ from Dijon), as
    :func:`ppaip_rules.parameters.load_parameters`; with avenant files, a
    :class:`ParameterHistory` of that base (``None``: Dijon) and its avenants, whose
    ``at(day)`` gives the parameters in force on a day. ``ppaip_rules.load_parameters``
    is this function."""
    from .parameters import load_parameters as load_base

    if avenants:
        return load_history(path, avenants)
    return DIJON if path is None else load_base(path)


def load_history(base: str | Path | ContractParameters | None,
                 avenants: Iterable[str | Path | Mapping]) -> ParameterHistory:
    """A history from a base (a file, parameters, or None for Dijon) and avenant files."""
    from .parameters import load_parameters as load_base

    if base is None:
        base_params = DIJON
    elif isinstance(base, ContractParameters):
        base_params = base
    else:
        base_params = load_base(base)
    if isinstance(avenants, (str, bytes, Path)) or not isinstance(avenants, Iterable):
        raise InputError("avenants", "une liste de fichiers d'avenants (ou de dictionnaires)")
    read = []
    for i, a in enumerate(avenants):
        if isinstance(a, Mapping):
            read.append(read_avenant(a, f"avenants[{i}]"))
        elif isinstance(a, (str, Path)) and str(a).strip() and "\0" not in str(a):
            read.append(read_avenant(_read_file(Path(a)), f"avenants[{i}]"))
        else:
            raise InputError(f"avenants[{i}]", "un fichier d'avenant (chemin) ou un dictionnaire")
    return ParameterHistory(base_params, tuple(read))  # type: ignore[arg-type]


def _read_file(path: Path) -> Any:
    import json

    try:
        raw = path.read_bytes()
    except OSError:
        raise InputError("--avenant", "un fichier lisible", "fichier illisible") from None
    try:
        if path.suffix.lower() == ".toml":
            try:
                import tomllib  # type: ignore[import-not-found, unused-ignore]
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib
            return tomllib.loads(raw.decode("utf-8"))
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise InputError("--avenant", "un document TOML ou JSON valide en UTF-8",
                         "contenu illisible") from None


# --- helpers ------------------------------------------------------------------

def _day(value: Any, path: str) -> dt.date:
    from .calendar import to_paris_date
    from .parsing import as_date_or_datetime

    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return to_paris_date(value) if value.tzinfo else value.date()
    return _day(as_date_or_datetime(value, path), path)


def _value(params: ContractParameters, name: str) -> Any:
    if name.startswith("delays."):
        d = params.delays.get(name.split(".", 1)[1])
        return d.describe() if d is not None else None
    return getattr(params, name)


def _plain(value: Any) -> Any:
    from .model import _plain as plain

    return plain(value)


def _text(value: Any) -> str:
    if isinstance(value, tuple) and value and hasattr(value[0], "code"):
        return ", ".join(item.code for item in value)
    if isinstance(value, tuple) and value and hasattr(value[0], "spips"):
        return " ; ".join(f"lot {lot.number} : {lot.individual_hours} h ind., "
                          f"{lot.collective_hours} h coll." for lot in value)
    if isinstance(value, tuple) and not value:
        return "(aucun)"
    return format_value(value)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
