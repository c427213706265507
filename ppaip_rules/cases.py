"""Test cases a contract manager writes: one TOML file per case, run by ``ppaip-rules verifier``.

A case file says, without Python, what the contract expects of one situation::

    [cas]
    titre = "Bilan individuel remis le 6e jour ouvré"
    clause = "CCTP 6.6"
    controle = "deadline"             # a check kind, as in « ppaip-rules check KIND »
    date_de_controle = 2025-06-30     # when the check needs one (TOML date, or text)

    [entree]                          # the input, field by field (or cas.fichier = "x.json")
    rule_id = "END-BILAN-IND"
    trigger = "2025-05-02"
    act = "2025-05-12"

    [parametres]                      # optional: keys of a variant contract (--parameters)
    [options]                         # optional: policy switches, e.g. basis = "hours"

    [attendu]
    verdict = "non conforme"
    constats = [{ regle = "END-BILAN-IND", gravite = "violation" }]
    absents = ["PROG-FIRST-MEETING"]  # rules that must not produce any finding
    echeances = { END-BILAN-IND = 2025-05-09 }
    heures = { individuelles = 6, collectives = 0 }   # hours delivered (controle = "case")
    part_psychologues = 42.9          # percent, to 0.1 (controle = "roster")

``constats`` lists findings that must be there (``gravite`` and ``champ`` optional); unless
``exhaustif = false``, no other violation or warning may appear (information findings may).
TOML is read with :mod:`tomllib`: a date is a date only when written as one, and text stays
text. A mistake in a case file is an :class:`~ppaip_rules.errors.InputError` naming the key.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import InputError

_SEVERITIES = {"violation": "violation", "avertissement": "warning", "warning": "warning",
               "information": "info", "info": "info"}
_SEVERITY_LABELS = {"violation": "violation", "warning": "avertissement", "info": "information"}
_VERDICTS = ("conforme", "incomplet", "non conforme")
_SECTIONS = {"cas", "entree", "parametres", "options", "attendu"}
_CAS_KEYS = {"titre", "clause", "controle", "date_de_controle", "fichier"}
_EXPECT_KEYS = {"verdict", "constats", "absents", "exhaustif", "echeances", "heures",
                "part_psychologues"}


@attrs.frozen
class TestCase:
    """One case file, read and checked."""

    __test__ = False  # not a pytest class

    name: str
    title: str
    clause: str | None
    kind: str
    data: Any = attrs.field(repr=False)
    as_of: Any = None
    parameters: Mapping = attrs.field(factory=dict, repr=False)
    options: Mapping = attrs.field(factory=dict)
    expected: Mapping = attrs.field(factory=dict, repr=False)


@attrs.frozen
class Outcome:
    """A case run: passed, or the differences between what was expected and what came."""

    case: TestCase
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict:
        return {"case": self.case.name, "title": self.case.title, "clause": self.case.clause,
                "passed": self.passed, "differences": list(self.differences)}

    def format(self) -> str:
        head = f"{'RÉUSSI' if self.passed else 'ÉCHEC '} {self.case.name} — {self.case.title}"
        return "\n".join([head, *(f"    - {d}" for d in self.differences)])


@attrs.frozen
class Verification:
    outcomes: tuple[Outcome, ...]

    @property
    def ok(self) -> bool:
        return all(o.passed for o in self.outcomes)

    def to_dict(self) -> dict:
        return {"cases": len(self.outcomes),
                "passed": sum(o.passed for o in self.outcomes),
                "failed": sum(not o.passed for o in self.outcomes),
                "results": [o.to_dict() for o in self.outcomes]}

    def format(self) -> str:
        passed = sum(o.passed for o in self.outcomes)
        lines = [o.format() for o in self.outcomes]
        lines.append(f"{len(self.outcomes)} cas : {passed} réussi(s), "
                     f"{len(self.outcomes) - passed} en échec.")
        return "\n".join(lines)


# --- reading a case file --------------------------------------------------------------------

def _need(table: Mapping, key: str, where: str, kinds: type | tuple, expected: str,
          required: bool = True) -> Any:
    if key not in table:
        if required:
            raise InputError(f"{where}.{key}", expected, "clé manquante")
        return None
    value = table[key]
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise InputError(f"{where}.{key}", expected, "valeur d'une autre forme")
    if not isinstance(value, kinds):
        raise InputError(f"{where}.{key}", expected, "valeur d'une autre forme")
    return value


def _unknown(table: Mapping, allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(f"{where}.{key}" if where else str(key),
                             "une clé parmi : " + ", ".join(sorted(allowed)), "clé inconnue")


def _as_of_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _jsonable(value: Any) -> Any:
    """TOML values as the JSON input would hold them (dates as ISO text)."""
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def read_case(path: str | Path) -> TestCase:
    """A case file; :class:`InputError` naming the file and the key when it is wrong."""
    path = Path(path)
    try:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # Python 3.10
            import tomli as tomllib
        try:
            doc = tomllib.loads(path.read_bytes().decode("utf-8"))
        except OSError:
            raise InputError("CAS", "un fichier de cas lisible", "introuvable ou illisible") \
                from None
        except (ValueError, UnicodeDecodeError) as error:
            found = re.search(r"line (\d+), column (\d+)", str(error))
            where = f" (ligne {found[1]}, colonne {found[2]})" if found else ""
            raise InputError("(fichier)", "un document TOML valide en UTF-8",
                             f"TOML illisible{where}") from None
        return _read(doc, path)
    except InputError as error:
        raise InputError(f"{path.name} : {error.path}", error.expected, error.problem) from None


def _read(doc: Mapping, path: Path) -> TestCase:
    from .checks import get_kind
    from .stamp import SWITCHES

    _unknown(doc, _SECTIONS, "")
    cas = _need(doc, "cas", "", dict, "une table [cas]")
    cas = {k: v for k, v in cas.items()}
    _unknown(cas, _CAS_KEYS, "cas")
    title = _need(cas, "titre", "cas", str, "un texte")
    clause = _need(cas, "clause", "cas", str, "un texte (ex. « CCTP 6.6 »)", required=False)
    kind = _need(cas, "controle", "cas", str, "un type de contrôle (voir « ppaip-rules "
                                              "schema »)")
    try:
        get_kind(kind)
    except InputError as error:
        raise InputError("cas.controle", error.expected, "type de contrôle inconnu") from None
    as_of = _need(cas, "date_de_controle", "cas", (str, dt.date, dt.datetime),
                  "une date ou une date et heure", required=False)
    file = _need(cas, "fichier", "cas", str, "le chemin d'un fichier d'entrée", required=False)
    if file is not None and "entree" in doc:
        raise InputError("cas.fichier", "soit cas.fichier, soit une table [entree]",
                         "les deux sont donnés")
    if file is not None:
        from .audit import KIND_COMMANDS, read_input

        target = (path.parent / file)
        if not target.is_file():
            raise InputError("cas.fichier", "un fichier existant, à côté du fichier de cas",
                             "fichier introuvable")
        data = read_input(KIND_COMMANDS.get(kind, f"check {kind}"), target)[0]
    else:
        data = _jsonable(_need(doc, "entree", "", dict, "une table [entree] (l'entrée du "
                                                        "contrôle) ou cas.fichier"))
    parameters = _need(doc, "parametres", "", dict, "une table de paramètres", required=False)
    if parameters:
        from .parameters import parameters_from_dict

        try:
            parameters_from_dict(parameters)
        except InputError as error:
            raise error.at("parametres") from None
    options = _need(doc, "options", "", dict, "une table d'interrupteurs", required=False) or {}
    for key, value in options.items():
        if key not in SWITCHES:
            raise InputError(f"options.{key}", "un interrupteur parmi : " + ", ".join(SWITCHES),
                             "interrupteur inconnu")
        if not isinstance(value, (bool, str)):
            raise InputError(f"options.{key}", "true, false ou un texte")
    expected = _need(doc, "attendu", "", dict, "une table [attendu]")
    _unknown(expected, _EXPECT_KEYS, "attendu")
    _check_expected(expected, kind)
    return TestCase(path.name, title, clause, kind, data, _as_of_value(as_of),
                    parameters or {}, options, expected)


def _check_expected(expected: Mapping, kind: str) -> None:
    verdict = _need(expected, "verdict", "attendu", str, "conforme, incomplet ou non conforme",
                    required=False)
    if verdict is not None and verdict not in _VERDICTS:
        raise InputError("attendu.verdict", "conforme, incomplet ou non conforme",
                         "verdict inconnu")
    _need(expected, "exhaustif", "attendu", bool, "true ou false", required=False)
    findings: list = _need(expected, "constats", "attendu", list, "une liste de { regle, "
                                                                  "gravite, champ }",
                           required=False) or []
    from .model import get_rule

    for i, item in enumerate(findings):
        where = f"attendu.constats[{i}]"
        if not isinstance(item, dict):
            raise InputError(where, "{ regle = \"…\", gravite = \"violation\" }")
        _unknown(item, {"regle", "gravite", "champ"}, where)
        rule_id = _need(item, "regle", where, str, "un identifiant de règle")
        try:
            get_rule(rule_id)
        except InputError:
            raise InputError(f"{where}.regle", "un identifiant de règle connu (voir "
                                               "« ppaip-rules rules »)", "règle inconnue") from None
        severity = _need(item, "gravite", where, str, "violation, avertissement ou information",
                         required=False)
        if severity is not None and severity not in _SEVERITIES:
            raise InputError(f"{where}.gravite", "violation, avertissement ou information",
                             "gravité inconnue")
        _need(item, "champ", where, str, "le chemin d'un champ (ex. workshops[0].participants)",
              required=False)
    for i, rule_id in enumerate(_need(expected, "absents", "attendu", list,
                                      "une liste d'identifiants de règles", required=False)
                                or []):
        if not isinstance(rule_id, str):
            raise InputError(f"attendu.absents[{i}]", "un identifiant de règle")
    dues = _need(expected, "echeances", "attendu", dict, "une table règle = date",
                 required=False) or {}
    if dues and kind not in ("deadline", "case"):
        raise InputError("attendu.echeances", "des échéances pour un contrôle deadline ou case",
                         f"pas d'échéance pour le contrôle {kind}")
    for key, value in dues.items():
        if not isinstance(value, (str, dt.date, dt.datetime)):
            raise InputError(f"attendu.echeances.{key}", "une date ou une date et heure")
    hours = _need(expected, "heures", "attendu", dict, "{ individuelles = N, collectives = N }",
                  required=False) or {}
    if hours and kind != "case":
        raise InputError("attendu.heures", "des heures pour un contrôle case",
                         f"pas d'heures pour le contrôle {kind}")
    _unknown(hours, {"individuelles", "collectives"}, "attendu.heures")
    for key, value in hours.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"attendu.heures.{key}", "un nombre d'heures")
    share = expected.get("part_psychologues")
    if share is not None:
        if kind != "roster":
            raise InputError("attendu.part_psychologues", "une part pour un contrôle roster",
                             f"pas de part de psychologues pour le contrôle {kind}")
        if isinstance(share, bool) or not isinstance(share, (int, float)):
            raise InputError("attendu.part_psychologues", "un pourcentage (ex. 42.9)")


# --- running a case --------------------------------------------------------------------------

def run_case(case: TestCase) -> Outcome:
    """Run one case and compare what comes with what it expects."""
    from .audit import KIND_COMMANDS, compute
    from .parameters import DIJON, parameters_from_dict

    params = parameters_from_dict(case.parameters) if case.parameters else DIJON
    command = KIND_COMMANDS.get(case.kind, f"check {case.kind}")
    try:
        result = compute(command, case.data, params, dict(case.options), case.as_of)
    except InputError as error:
        return Outcome(case, (f"l'entrée est refusée : {error}",))
    report = getattr(result, "report", result)
    findings = list(report.findings) if hasattr(report, "findings") else (
        [result.finding] if getattr(result, "finding", None) else [])
    verdict = report.verdict if hasattr(report, "verdict") else (
        "conforme" if result.ok else "non conforme")
    e = case.expected
    out: list[str] = []
    if "verdict" in e and e["verdict"] != verdict:
        out.append(f"verdict attendu « {e['verdict']} », obtenu « {verdict} »")
    matched: set[int] = set()
    for want in e.get("constats", []):
        severity = _SEVERITIES.get(want.get("gravite", ""), None)
        hit = next((i for i, f in enumerate(findings) if i not in matched
                    and f.rule_id == want["regle"]
                    and (severity is None or f.severity.value == severity)
                    and ("champ" not in want or f.path == want["champ"])), None)
        if hit is None:
            got = [f for f in findings if f.rule_id == want["regle"]]
            text = _want_text(want)
            out.append(f"constat attendu absent : {text}" + (
                " (obtenu : " + ", ".join(_got_text(f) for f in got) + ")" if got else ""))
        else:
            matched.add(hit)
    if e.get("exhaustif", True):
        for i, f in enumerate(findings):
            if i not in matched and f.severity.value in ("violation", "warning"):
                out.append(f"constat non attendu : {_got_text(f)}")
    for rule_id in e.get("absents", []):
        for f in findings:
            if f.rule_id == rule_id:
                out.append(f"constat qui ne devait pas apparaître : {_got_text(f)}")
    for rule_id, want in e.get("echeances", {}).items():
        dues = _dues(result, rule_id)
        wanted = _as_of_value(want)
        if not any(_same_moment(d, wanted) for d in dues):
            out.append(f"échéance {rule_id} attendue le {wanted}, obtenue : "
                       + (", ".join(dues) if dues else "aucune"))
    for key, want in e.get("heures", {}).items():
        got = getattr(result.hours, f"delivered_{_HOURS[key]}")
        if abs(got - want) > 1e-9:
            out.append(f"heures {key} attendues : {want:g}, obtenues : {got:g}")
    if "part_psychologues" in e:
        share = next((f.found.get("share") for f in findings if f.rule_id == "STAFF-PSY-SHARE"
                      and isinstance(f.found, Mapping)), None)
        wanted_share = round(float(e["part_psychologues"]), 1)
        got_share = None if share is None else round(share * 100, 1)
        if got_share != wanted_share:
            out.append(f"part de psychologues attendue : {wanted_share:g} %, obtenue : "
                       + ("non calculée" if got_share is None else f"{got_share:g} %"))
    return Outcome(case, tuple(out))


_HOURS = {"individuelles": "individual", "collectives": "collective"}


def _want_text(want: Mapping) -> str:
    text = want["regle"]
    if "gravite" in want:
        text += f" ({want['gravite']})"
    if "champ" in want:
        text += f" au champ {want['champ']}"
    return text


def _got_text(f: Any) -> str:
    return f"{f.rule_id} ({_SEVERITY_LABELS[f.severity.value]})" + (
        f" au champ {f.path}" if f.path else "")


def _dues(result: Any, rule_id: str) -> list[str]:
    if hasattr(result, "deadline"):
        d = result.deadline
        return [d.due.isoformat()] if d.rule_id == rule_id else []
    return [o.due.isoformat() for o in getattr(result, "obligations", ())
            if o.rule_id == rule_id and o.due is not None]


def _same_moment(got: str, wanted: str) -> bool:
    if got == wanted:
        return True
    try:
        a = dt.datetime.fromisoformat(got) if "T" in got else dt.date.fromisoformat(got)
        b = dt.datetime.fromisoformat(wanted) if "T" in wanted else dt.date.fromisoformat(wanted)
    except ValueError:
        return False
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a == b
    if isinstance(a, dt.datetime):
        from .calendar import PARIS

        return a.astimezone(PARIS).date() == b
    return False


def verify(paths: list[str | Path]) -> Verification:
    """Read every case file (a folder: its ``*.toml``), then run them. A bad case file
    raises :class:`InputError` before any case runs."""
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.toml")) if p.is_dir() else [p]
    cases = [read_case(f) for f in files]
    return Verification(tuple(run_case(c) for c in cases))


__all__ = ["Outcome", "TestCase", "Verification", "read_case", "run_case", "verify"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
