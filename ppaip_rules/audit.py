"""Replay a stamped report, and compare two parameter sets or readings on the same inputs.

- :func:`compute` runs one of the stamped commands (``check KIND``, ``timeline``,
  ``report``, ``semaine``, ``deadline``) on an input under parameters and switches, and
  returns a result that has ``to_dict``, ``format`` and a ``stamp`` slot;
- :func:`replay` (``ppaip-rules rejouer RAPPORT.json ENTREE``) recomputes a stamped JSON
  report and says whether it is identical, what differs, or why the stamp cannot be
  honoured;
- :func:`compare` (``ppaip-rules comparer``) runs the same inputs under two parameter sets
  or two sets of switches and keeps only what changes: verdicts, findings, due dates, hours;
- :func:`diff_results` is what both use to tell two results apart, finding by finding
  (rule and field path) and figure by figure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import InputError
from .model import Finding
from .parameters import DIJON, ContractParameters
from .stamp import (
    POLICY_DEFAULTS,
    SWITCHES,
    Stamp,
    attach,
    make_stamp,
    parameters_sha256,
    switches_in,
)

#: The switches of a deadline (and of evaluate_case, with suspension_stops_clock).
DEADLINE_SWITCHES = ("extend_to_working_day", "backward_to_working_day", "whit_monday_worked",
                     "departement", "good_friday_holiday")
_CASE_SWITCHES = ("extend_to_working_day", "whit_monday_worked", "departement",
                  "good_friday_holiday", "suspension_stops_clock", "start_needs_held_session")

#: Check kinds whose richer result (due dates, hours) is compared: kind → command.
KIND_COMMANDS = {"case": "timeline", "activity": "report", "deadline": "deadline"}


# --- a deadline computed for the command line ---------------------------------------------

@attrs.frozen
class DeadlineResult:
    """``ppaip-rules deadline``: the due date, its trace and, when an act is given, whether
    the deadline is met."""

    deadline: Any
    act: str | None = None
    finding: Finding | None = None
    stamp: Any = attrs.field(default=None, eq=False, kw_only=True)

    @property
    def ok(self) -> bool:
        return self.finding is None

    def to_dict(self) -> dict:
        out = self.deadline.to_dict()
        if self.act is not None:
            out["act"] = self.act
            out["met"] = self.finding is None
            out["finding"] = self.finding.to_dict() if self.finding else None
        if self.stamp is not None:
            out["stamp"] = self.stamp.to_dict()
        return out

    def format(self) -> str:
        d = self.deadline
        lines = [f"{d.rule_id} ({d.spec.clause}) — {d.title}", *(f"  {s}" for s in d.trace)]
        if self.act is not None:
            lines.append(self.finding.format() if self.finding else "Délai respecté.")
        if self.stamp is not None:
            lines += ["", self.stamp.format()]
        return "\n".join(lines)


def _deadline_input(data: Any) -> tuple[str, Any, Any, dict]:
    if not isinstance(data, Mapping):
        raise InputError("", "un objet {rule_id, trigger, act}", "autre chose qu'un objet")
    allowed = {"rule_id", "trigger", "act", *DEADLINE_SWITCHES}
    for key in data:
        if key not in allowed:
            raise InputError(str(key), "une clé parmi : " + ", ".join(sorted(allowed)),
                             "clé inconnue")
    for key in ("rule_id", "trigger"):
        if not isinstance(data.get(key), str):
            raise InputError(key, "un texte", "absent ou d'une autre forme")
    return data["rule_id"], data["trigger"], data.get("act"), {
        k: data[k] for k in DEADLINE_SWITCHES if k in data}


def compute_deadline(data: Any, params: ContractParameters, switches: Mapping[str, Any]
                     ) -> DeadlineResult:
    from .deadlines import deadline, deadline_finding

    rule_id, trigger, act, own = _deadline_input(data)
    policy = {**own, **{k: switches[k] for k in DEADLINE_SWITCHES if k in switches}}
    d = deadline(rule_id, trigger, params=params, **policy)
    finding = deadline_finding(rule_id, trigger, act, params=params, **policy) \
        if act is not None else None
    return DeadlineResult(d, act, finding)


# --- running a command -----------------------------------------------------------------------

def compute(command: str, data: Any, params: ContractParameters = DIJON,
            switches: Mapping[str, Any] | None = None, as_of: Any = None) -> Any:
    """The result of ``command`` on ``data`` (parsed input), unstamped.

    ``switches`` set policy switches (the others keep their default, or the value the
    input itself gives, e.g. a lot's ``term_end_reading``).
    """
    switches = {k: v for k, v in (switches or {}).items() if v is not None}
    if command.startswith("check "):
        from .checks import get_kind

        kind = get_kind(command[6:])
        options = {o: switches[o] for o in kind.options if o in switches}
        if "as_of" in kind.options and as_of is not None:
            options["as_of"] = as_of
        return kind.run(data, params, **options)
    if command == "timeline":
        from .timeline import evaluate_case

        if as_of is None:
            raise InputError("--as-of", "la date et heure de la situation", "option manquante")
        return evaluate_case(data, as_of=as_of, params=params,
                             **{k: switches[k] for k in _CASE_SWITCHES if k in switches})
    if command == "report":
        from .lot import lot_report, read_activity

        activity = read_activity(data)
        for key in ("permanence_reading", "term_end_reading"):
            if key in switches:
                activity[key] = switches[key]
        extra = {"suspension_stops_clock": switches["suspension_stops_clock"]} \
            if "suspension_stops_clock" in switches else {}
        return lot_report(params=params, as_of=as_of, **activity, **extra)
    if command == "semaine":
        from .week import week_view

        if as_of is None:
            raise InputError("--as-of", "la date de la situation", "option manquante")
        extra = {"suspension_stops_clock": switches["suspension_stops_clock"]} \
            if "suspension_stops_clock" in switches else {}
        return week_view(data, as_of=as_of, params=params, **extra)
    if command == "deadline":
        return compute_deadline(data, params, switches)
    raise InputError("commande", "check KIND, timeline, report, semaine ou deadline",
                     "commande inconnue")


def read_input(command: str, source: str | Path) -> tuple[Any, bytes | None]:
    """The input of ``command`` read from a file (a folder or NDJSON file for ``semaine``),
    as the command line reads it: ``(data, raw)``, ``raw`` the bytes when the stamp hashes
    the bytes (a CSV roster), else None."""
    from .checks import get_kind, load_json

    if command == "semaine":
        from .week import read_cases

        return read_cases(str(source)), None
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError:
        raise InputError("ENTREE", "un fichier lisible", "fichier introuvable ou illisible") \
            from None
    if command.startswith("check "):
        kind = get_kind(command[6:])
        if kind.load is not None:
            return kind.load(raw, path.name), raw
    return load_json(raw, path.name), None


def stamp_result(result: Any, command: str, data: Any, params: ContractParameters,
                 switches: Mapping[str, Any] | None = None, as_of: Any = None,
                 raw: bytes | None = None) -> Any:
    """``result`` with the stamp of its computation."""
    set_ = {**switches_in(data), **{k: v for k, v in (switches or {}).items()
                                    if k in SWITCHES and v is not None}}
    stamp = make_stamp(command, params, switches=set_, as_of=as_of,
                       data=None if raw is not None else data, raw=raw)
    return attach(result, stamp)


# --- telling two results apart ---------------------------------------------------------------

@attrs.frozen
class Change:
    """One difference between two results, in French: ``what`` at ``where``."""

    what: str
    where: str
    before: Any = None
    after: Any = None
    rule_id: str | None = None

    def to_dict(self) -> dict:
        return {"what": self.what, "where": self.where, "rule_id": self.rule_id,
                "before": self.before, "after": self.after}

    def format(self) -> str:
        if self.what in ("constat ajouté", "constat retiré"):
            return f"{self.what} : {self.where}"
        if self.before is None and self.after is None:
            return f"{self.what} : {self.where}"
        return f"{self.what} : {self.where} : {_short(self.before)} → {_short(self.after)}"


def _short(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                            sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "…"


_FINDING_FIELDS = {"severity": "gravité", "message": "message", "expected": "attendu",
                   "found": "constaté", "trace": "calcul", "missing": "information manquante",
                   "clause": "clause", "title": "titre"}
_IDENTITY = ("case_id", "rule_id", "month", "spip", "site", "id", "lot", "what")


def _finding_label(f: Mapping) -> str:
    where = f" au champ {f['path']}" if f.get("path") else ""
    return f"{f.get('rule_id')} ({f.get('severity')}){where}"


def _diff_findings(before: list, after: list, prefix: str, ignore: frozenset = frozenset()
                   ) -> list[Change]:
    def groups(items: list) -> dict[tuple, list]:
        out: dict[tuple, list] = {}
        for f in items:
            out.setdefault((f.get("rule_id"), f.get("path")), []).append(f)
        return out

    old, new = groups(before), groups(after)
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key, []), new.get(key, [])
        for x, y in zip(a, b, strict=False):
            fields = [name for name in _FINDING_FIELDS
                      if name not in ignore and x.get(name) != y.get(name)]
            for name in fields:
                where = f"{prefix}{key[0]}" + (f" au champ {key[1]}" if key[1] else "")
                if isinstance(x.get(name), Mapping) and isinstance(y.get(name), Mapping):
                    inner: list[Change] = []
                    _diff(x[name], y[name], "", inner, ignore)
                    changes += [attrs.evolve(c, what=f"constat modifié ({_FINDING_FIELDS[name]} "
                                                     f"{c.where})", where=where, rule_id=key[0])
                                for c in inner]
                    continue
                changes.append(Change(f"constat modifié ({_FINDING_FIELDS[name]})", where,
                                      x.get(name), y.get(name), key[0]))
        changes += [Change("constat retiré", prefix + _finding_label(x), x, None, key[0])
                    for x in a[len(b):]]
        changes += [Change("constat ajouté", prefix + _finding_label(y), None, y, key[0])
                    for y in b[len(a):]]
    return changes


def _item_key(item: Any, index: int) -> str:
    if isinstance(item, Mapping):
        parts = [str(item[k]) for k in _IDENTITY if isinstance(item.get(k), (str, int))]
        if parts:
            return "/".join(parts)
    return str(index)


def _diff(before: Any, after: Any, path: str, out: list[Change],
          ignore: frozenset = frozenset()) -> None:
    if before == after:
        return
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in [*before, *(k for k in after if k not in before)]:
            if key == "stamp" or key in ignore:
                continue
            sub = f"{path}.{key}" if path else str(key)
            if key == "findings" and isinstance(before.get(key), list) and isinstance(
                    after.get(key), list):
                out.extend(_diff_findings(before[key], after[key],
                                          f"{path} : " if path else "", ignore))
            elif key == "finding" and all(isinstance(side.get(key), (Mapping, type(None)))
                                          for side in (before, after)):
                # a deadline's one finding (or none)
                out.extend(_diff_findings([before[key]] if before.get(key) else [],
                                          [after[key]] if after.get(key) else [],
                                          f"{path} : " if path else "", ignore))
            elif key not in after:
                out.append(Change("valeur retirée", sub, before[key], None))
            elif key not in before:
                out.append(Change("valeur ajoutée", sub, None, after[key]))
            else:
                _diff(before[key], after[key], sub, out, ignore)
        return
    if isinstance(before, list) and isinstance(after, list) and (
            any(isinstance(x, Mapping) for x in before + after)):
        def keyed(items: list) -> dict[str, Any]:
            out_: dict[str, Any] = {}
            for i, item in enumerate(items):
                key = _item_key(item, i)
                n = 2
                while key in out_:
                    key, n = f"{_item_key(item, i)}#{n}", n + 1
                out_[key] = item
            return out_

        a, b = keyed(before), keyed(after)
        for key in [*a, *(k for k in b if k not in a)]:
            sub = f"{path}[{key}]"
            if key not in b:
                out.append(Change("élément retiré", sub, a[key], None))
            elif key not in a:
                out.append(Change("élément ajouté", sub, None, b[key]))
            else:
                _diff(a[key], b[key], sub, out, ignore)
        return
    out.append(Change("valeur modifiée", path or "résultat", before, after))


def diff_results(before: Mapping, after: Mapping, ignore: Iterable[str] = ()) -> list[Change]:
    """What changes from ``before`` to ``after`` (two results as JSON data; stamps ignored):
    findings added, removed or changed (by rule and field path), then every other value.
    ``ignore``: keys left out at any depth (``trace``: the computations' steps)."""
    out: list[Change] = []
    _diff(before, after, "", out, frozenset(ignore))
    return out


# --- replay ------------------------------------------------------------------------------------

class CannotReplay(Exception):
    """The stamp cannot be honoured (another version, other parameters, other input)."""


@attrs.frozen
class Replay:
    """The outcome of :func:`replay`: identical, or the list of what differs."""

    stamp: Stamp
    changes: tuple[Change, ...]

    @property
    def identical(self) -> bool:
        return not self.changes

    def to_dict(self) -> dict:
        return {"identical": self.identical, "stamp": self.stamp.to_dict(),
                "changes": [c.to_dict() for c in self.changes]}

    def format(self) -> str:
        head = f"Rapport rejoué (commande « {self.stamp.command} », ppaip-rules " \
               f"{self.stamp.version}, paramètres « {self.stamp.parameters_name} »)"
        if self.identical:
            return f"{head} : résultat identique."
        lines = [f"{head} : résultat DIFFÉRENT — {len(self.changes)} différence(s) :"]
        lines += [f"  - {c.format()}" for c in self.changes]
        return "\n".join(lines)


def replay(report: Any, source: str | Path, params: ContractParameters | None = None) -> Replay:
    """Recompute a stamped JSON report (``report``: its parsed JSON) from its input file.

    ``params``: the parameter set given by the caller (``--parameters``), DIJON by default;
    its hash must be the stamp's. Raises :class:`CannotReplay` (French message) when the
    stamp cannot be honoured, :class:`InputError` for a report without a readable stamp.
    """
    from ._version import __version__

    if not isinstance(report, Mapping) or "stamp" not in report:
        raise CannotReplay("le rapport ne porte pas de tampon (« stamp ») : il a été produit "
                           "par une version sans tampon, ou n'est pas la sortie JSON "
                           "(--format json) d'une commande ppaip-rules.")
    stamp = Stamp.from_dict(report["stamp"])
    if stamp.version != __version__:
        raise CannotReplay(f"le rapport a été produit par ppaip-rules {stamp.version} ; cette "
                           f"installation est la version {__version__}. Rejouez-le avec la "
                           f"version {stamp.version}.")
    given = params is not None
    params = DIJON if params is None else params
    if parameters_sha256(params) != stamp.parameters_sha256:
        if given:
            raise CannotReplay(
                f"les paramètres donnés (« {params.name} ») ne sont pas ceux du rapport "
                f"(« {stamp.parameters_name} », empreinte {stamp.parameters_sha256[:12]}…) : "
                "donnez le même fichier de paramètres et les mêmes avenants.")
        raise CannotReplay(
            f"le rapport a été produit avec des paramètres « {stamp.parameters_name} » "
            f"d'empreinte {stamp.parameters_sha256[:12]}…, qui ne sont pas les paramètres de "
            "Dijon de cette version : donnez leur fichier avec --parameters (et les avenants "
            "appliqués).")
    data, raw = read_input(stamp.command, source)
    digest = make_stamp(stamp.command, params, data=None if raw is not None else data,
                        raw=raw).input_sha256
    if digest != stamp.input_sha256:
        raise CannotReplay("l'entrée donnée n'est pas celle du rapport (son empreinte SHA-256 "
                           "diffère) : donnez le fichier exact qui a produit le rapport.")
    switches = {k: v for k, v in stamp.switches.items()}
    result = compute(stamp.command, data, params, switches, stamp.as_of)
    before = {k: v for k, v in report.items() if k != "stamp"}
    after = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    after.pop("stamp", None)
    return Replay(stamp, tuple(diff_results(before, after)))


# --- what-if -----------------------------------------------------------------------------------

@attrs.frozen
class Compared:
    """One input compared: its name and what changes (empty: nothing)."""

    name: str
    changes: tuple[Change, ...]
    verdicts: tuple[str | None, str | None] = (None, None)

    def to_dict(self) -> dict:
        return {"input": self.name, "verdict_before": self.verdicts[0],
                "verdict_after": self.verdicts[1],
                "changes": [c.to_dict() for c in self.changes]}


@attrs.frozen
class Comparison:
    """What changes, input by input, from the parameters/switches ``before`` to ``after``."""

    kind: str
    before: str
    after: str
    inputs: tuple[Compared, ...]

    @property
    def changed(self) -> tuple[Compared, ...]:
        return tuple(c for c in self.inputs if c.changes)

    @property
    def ok(self) -> bool:
        """True when nothing changes."""
        return not self.changed

    def to_dict(self) -> dict:
        return {"kind": self.kind, "before": self.before, "after": self.after,
                "inputs": len(self.inputs), "changed": len(self.changed),
                "results": [c.to_dict() for c in self.changed]}

    def format(self) -> str:
        lines = [f"Comparaison « {self.kind} » : avant = {self.before} ; après = {self.after}.",
                 f"{len(self.inputs)} entrée(s) comparée(s) ; {len(self.changed)} change(nt)."]
        for c in self.changed:
            verdict = ""
            if c.verdicts[0] != c.verdicts[1]:
                verdict = f" — verdict : {c.verdicts[0]} → {c.verdicts[1]}"
            lines += ["", f"{c.name}{verdict}"]
            lines += [f"  - {change.format()}" for change in c.changes]
        if not self.changed:
            lines.append("Rien ne change.")
        return "\n".join(lines)


#: Left out of a comparison: the computations' steps, and the counts and flags that the
#: verdict line and the findings already say.
_COMPARE_IGNORES = ("trace", "ok", "counts", "complete", "missing_facts", "verdict")


def _verdict(result: Any) -> str | None:
    report = getattr(result, "report", result)
    verdict = getattr(report, "verdict", None)
    if verdict is None and hasattr(result, "ok"):
        return "conforme" if result.ok else "non conforme"
    return verdict


def _describe(params: ContractParameters, switches: Mapping[str, Any],
              label: str | None = None) -> str:
    text = label or f"« {params.name} »"
    if switches:
        text += " avec " + ", ".join(f"{k} = {v}" for k, v in switches.items())
    return text


def expand_inputs(command: str, sources: Iterable[str | Path]) -> list[tuple[str, Any]]:
    """``(name, data)`` of every input: a file, each file of a folder, each line of an
    NDJSON file."""
    out: list[tuple[str, Any]] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file()
                           and p.suffix.lower() in (".json", ".csv"))
            out += [(str(p), read_input(command, p)[0]) for p in files]
        elif path.suffix.lower() == ".ndjson" and command != "semaine":
            from .week import read_cases

            out += [(f"{path}:{i}", data) for i, data in enumerate(read_cases(str(path)), 1)]
        else:
            out.append((str(path), read_input(command, path)[0]))
    return out


def compare(kind: str, inputs: Iterable[Any], *, before: ContractParameters = DIJON,
            after: ContractParameters = DIJON, before_switches: Mapping[str, Any] | None = None,
            after_switches: Mapping[str, Any] | None = None, as_of: Any = None,
            before_label: str | None = None, after_label: str | None = None) -> Comparison:
    """Run the same ``inputs`` of ``kind`` under ``before`` and ``after`` (parameter sets
    and switches) and keep what changes: verdicts, findings, due dates, hours.

    ``kind`` is a check kind (``case`` and ``activity`` compare the whole evaluation, with
    due dates and hours; ``deadline`` the due date) or ``semaine``. ``inputs``: file paths
    (a folder: its files; an ``.ndjson`` file: one input per line) or parsed inputs.
    Only what changes is kept; the steps of the computations (``trace``) and the counts
    that the verdict sums up are left out.
    ``before_label``/``after_label`` name the two sides (default: the parameters' names).
    """
    if not isinstance(kind, str):
        raise InputError("kind", "un type de contrôle (texte)")
    for name, switches in (("before_switches", before_switches),
                           ("after_switches", after_switches)):
        if switches is not None and not isinstance(switches, Mapping):
            raise InputError(name, "un dictionnaire { interrupteur : valeur }")
    if isinstance(inputs, (str, bytes, Path)) or not isinstance(inputs, Iterable):
        raise InputError("inputs", "une liste de fichiers ou d'entrées")
    before_switches = dict(before_switches or {})
    after_switches = dict(after_switches or {})
    for name in [*before_switches, *after_switches]:
        if not isinstance(name, str):
            raise InputError("before_switches", "des noms d'interrupteurs (texte)")
        if name not in SWITCHES:
            raise InputError(name, "un interrupteur parmi : " + ", ".join(SWITCHES),
                             "interrupteur inconnu")
    command = kind if kind == "semaine" else KIND_COMMANDS.get(kind, f"check {kind}")
    dated = command in ("timeline", "semaine")
    if command.startswith("check "):
        from .checks import get_kind

        dated = "as_of" in get_kind(kind).options
    if dated and as_of is None:
        raise InputError("--as-of", f"la date (ou date et heure) du contrôle : le contrôle "
                                    f"{kind} en a besoin", "option manquante")
    named: list[tuple[str, Any]] = []
    for i, value in enumerate(inputs, 1):
        if isinstance(value, (str, Path)):
            if isinstance(value, str) and ("\0" in value or not value.strip()):
                raise InputError(f"inputs[{i - 1}]", "un chemin de fichier", "chemin invalide")
            named += expand_inputs(command, [value])
        else:
            named.append((f"entrée n° {i}", value))
    results = []
    for name, data in named:
        try:
            a = compute(command, data, before, before_switches, as_of)
            b = compute(command, data, after, after_switches, as_of)
        except InputError as error:
            raise error.at(Path(name).name) from None
        changes = diff_results(json.loads(json.dumps(a.to_dict(), ensure_ascii=False)),
                               json.loads(json.dumps(b.to_dict(), ensure_ascii=False)),
                               ignore=_COMPARE_IGNORES)
        results.append(Compared(name, tuple(changes), (_verdict(a), _verdict(b))))
    return Comparison(kind, _describe(before, before_switches, before_label),
                      _describe(after, after_switches, after_label), tuple(results))


def default_switches() -> dict[str, Any]:
    """Every non-calendar switch and its default (for the docs and ``comparer --help``)."""
    return dict(POLICY_DEFAULTS)


__all__ = [
    "CannotReplay",
    "Change",
    "Compared",
    "Comparison",
    "DeadlineResult",
    "Replay",
    "compare",
    "compute",
    "diff_results",
    "read_input",
    "replay",
    "stamp_result",
]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
