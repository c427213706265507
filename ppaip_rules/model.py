"""The rule model: rules, findings and reports.

A rule is one declarative unit (Catala / OpenFisca style): a stable ID, the
clause of the CCTP it encodes, a French title and requirement, a severity,
the contract parameters it reads, and the function that decides it. Rules are
declared with the :func:`rule` decorator in the module of their area of the
contract, and registered here, in one registry, in declaration order.

A deciding function receives the parsed input and the contract parameters and
*yields* :class:`Flag` objects, one per problem; it never stops at the first.
:func:`run_rules` turns flags into :class:`Finding` objects carrying the rule's
ID, clause and severity, and gathers them into a :class:`Report`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from .errors import InputError
from .registry import RULES, add_rule, load, on_rule_added


class Severity(str, enum.Enum):
    """How serious a finding is; ``violation`` makes a report not ``ok``."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return _SEVERITY_LABELS[self]


_SEVERITY_LABELS = {
    Severity.VIOLATION: "violation",
    Severity.WARNING: "avertissement",
    Severity.INFO: "information",
}

VIOLATION = Severity.VIOLATION
WARNING = Severity.WARNING
INFO = Severity.INFO


@attrs.frozen
class Flag:
    """What a deciding function yields: one problem, before the rule is attached.

    ``severity`` overrides the rule's own (e.g. a warning band, or an info
    finding when a fact needed to decide is missing). ``path`` names the
    input field concerned; ``trace`` explains a computation (deadlines).
    """

    message: str
    expected: Any = None
    found: Any = None
    severity: Severity | None = None
    path: str | None = None
    trace: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    #: True when the flag says a fact needed to decide is missing from the input
    #: (RULES.md "Missing facts"): an information finding that makes the report
    #: incomplete, never read as compliance nor as a breach.
    missing: bool = False


def missing_fact(path: str, what: str, *, expected: Any = None) -> Flag:
    """The information finding of a rule that lacks a fact to decide ("do not guess").

    ``path`` names the input field that would carry the fact; ``what`` says in French
    what is missing. The report that holds it is incomplete.
    """
    return Flag(f"information manquante : {what} ; la règle n'a pas pu être vérifiée.",
                expected=expected, found="non renseigné", severity=Severity.INFO, path=path,
                missing=True)


@attrs.frozen
class Finding:
    """One result of a rule on one input, with everything needed to act on it."""

    rule_id: str
    clause: str
    severity: Severity
    title: str
    message: str
    expected: Any = None
    found: Any = None
    path: str | None = None
    trace: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    #: A fact needed to decide the rule is missing (see :func:`missing_fact`).
    missing: bool = False
    #: Where the finding's field is in a spreadsheet input: ``{"ligne", "colonne"}``,
    #: plus ``"feuille"`` for a workbook (see :mod:`ppaip_rules.spreadsheet`).
    source: dict | None = None

    def to_dict(self) -> dict:
        out = {
            "rule_id": self.rule_id,
            "clause": self.clause,
            "severity": self.severity.value,
            "title": self.title,
            "message": self.message,
            "expected": _plain(self.expected),
            "found": _plain(self.found),
            "path": self.path,
            "trace": list(self.trace),
            "missing": self.missing,
        }
        if self.source is not None:
            out["source"] = dict(self.source)
        return out

    def format(self) -> str:
        """The finding as a contract manager reads it (STYLE.md)."""
        head = f"{self.rule_id} ({self.clause}) — {self.severity.label} : {self.message}"
        lines = [head]
        if self.path:
            lines.append(f"    champ : {self.path}")
        if self.source:
            lines.append(f"    cellule : {source_text(self.source)}")
        if self.expected is not None:
            lines.append(f"    attendu : {_plain_text(self.expected)}")
        if self.found is not None:
            lines.append(f"    constaté : {_plain_text(self.found)}")
        lines.extend(f"    calcul : {step}" for step in self.trace)
        return "\n".join(lines)


@attrs.frozen
class Example:
    """A worked example for the documentation, executed by the test suite.

    ``kind`` is a check kind (see :mod:`ppaip_rules.checks`), ``data`` the
    JSON-like input given to it; ``fires`` says whether the rule is expected to
    produce a finding on it, and ``severity`` which one.
    """

    title: str
    kind: str
    data: Any
    fires: bool = True
    severity: Severity | None = None
    options: dict = attrs.field(factory=dict)


@attrs.frozen
class Rule:
    """One rule of the contract."""

    id: str
    clause: str
    title: str
    severity: Severity
    requirement: str
    subject: str
    parameters: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    interpretation: str | None = None
    examples: tuple[Example, ...] = attrs.field(default=(), converter=tuple)
    decide: Callable[..., Iterable[Flag]] | None = attrs.field(default=None, eq=False, repr=False)

    def finding(self, flag: Flag) -> Finding:
        """Attach this rule's identity to a flag."""
        return Finding(
            rule_id=self.id,
            clause=self.clause,
            severity=flag.severity or self.severity,
            title=self.title,
            message=flag.message,
            expected=flag.expected,
            found=flag.found,
            path=flag.path,
            trace=flag.trace,
            missing=flag.missing,
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "clause": self.clause,
            "title": self.title,
            "severity": self.severity.value,
            "requirement": self.requirement,
            "subject": self.subject,
            "parameters": list(self.parameters),
            "interpretation": self.interpretation,
        }


@attrs.frozen
class Report:
    """Every finding of one check; ``ok`` when none is a violation."""

    subject: str
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=tuple)
    checked: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    #: Key figures of the check, shown even when everything is compliant (printable
    #: reports): ``(label, value)`` pairs in French, e.g. ``("Psychologues du
    #: travail", "6 sur 14 intervenants comptés (42,9 %)")``. Filled by the areas.
    figures: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=tuple)
    #: How the input was read (e.g. a CSV file's encoding, columns ignored): French
    #: information notes, not findings; they change neither ``ok`` nor ``complete``.
    notes: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    #: What produced the report (:class:`ppaip_rules.stamp.Stamp`): set by run_check and
    #: the command line; not part of equality (the same findings are the same report).
    stamp: Any = attrs.field(default=None, eq=False, kw_only=True)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    @property
    def missing_facts(self) -> int:
        """How many findings say a fact needed to decide is missing."""
        return sum(f.missing for f in self.findings)

    @property
    def complete(self) -> bool:
        """False when some rule could not be decided for lack of a fact."""
        return not any(f.missing for f in self.findings)

    @property
    def verdict(self) -> str:
        """``non conforme`` (a violation), ``incomplet`` (no violation, facts
        missing) or ``conforme``."""
        if not self.ok:
            return "non conforme"
        return "conforme" if self.complete else "incomplet"

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.VIOLATION)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def by_rule(self, rule_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule_id == rule_id)

    def merged(self, other: Report) -> Report:
        return Report(self.subject, self.findings + other.findings,
                      self.checked + tuple(r for r in other.checked if r not in self.checked),
                      self.figures + other.figures,
                      self.notes + tuple(n for n in other.notes if n not in self.notes))

    def to_dict(self) -> dict:
        out = {
            "subject": self.subject,
            "ok": self.ok,
            "complete": self.complete,
            "missing_facts": self.missing_facts,
            "verdict": self.verdict,
            "counts": {s.value: sum(f.severity is s for f in self.findings) for s in Severity},
            "checked_rules": list(self.checked),
            "findings": [f.to_dict() for f in self.findings],
            **({"figures": [list(pair) for pair in self.figures]} if self.figures else {}),
            **({"stamp": self.stamp.to_dict()} if self.stamp is not None else {}),
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def format(self) -> str:
        """French text: a verdict line, then every finding."""
        counts = {s: sum(f.severity is s for f in self.findings) for s in Severity}
        verdict = "NON CONFORME" if not self.ok else self.verdict
        missing = self.missing_facts
        lines = [
            f"Contrôle « {self.subject} » : {verdict} — {counts[VIOLATION]} violation(s), "
            f"{counts[WARNING]} avertissement(s), {counts[INFO]} information(s) ; "
            f"{len(self.checked)} règle(s) vérifiée(s)."
        ]
        if missing:
            lines.append(f"Rapport incomplet : {missing} information(s) manquante(s) ; les "
                         "règles concernées n'ont pas pu être vérifiées.")
        lines.extend(f"Lecture du fichier : {note}" for note in self.notes)
        lines.extend(f.format() for f in self.findings)
        if self.stamp is not None:
            lines += ["", self.stamp.format()]
        return "\n".join(lines)


def source_text(source: dict) -> str:
    """``feuille « Intervenants », ligne 12, colonne « fonction »`` (parts present only)."""
    parts = []
    if source.get("feuille"):
        parts.append(f"feuille « {source['feuille']} »")
    if source.get("ligne"):
        parts.append(f"ligne {source['ligne']}")
    if source.get("colonne"):
        parts.append(f"colonne « {source['colonne']} »")
    return ", ".join(parts)


def _plain(value: Any) -> Any:
    """A JSON-ready form of an expected/found value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _plain_text(value: Any) -> str:
    from .frenchtext import format_value

    return format_value(value)


# --- the registry (stored in ppaip_rules.registry, a leaf) -----------------------

def register(rule_obj: Rule) -> Rule:
    """Add a rule to the registry; an ID is registered once."""
    add_rule(rule_obj.id, rule_obj)
    return rule_obj


def rule(
    id: str,
    *,
    clause: str,
    title: str,
    severity: Severity,
    requirement: str,
    subject: str,
    parameters: Iterable[str] = (),
    interpretation: str | None = None,
    examples: Iterable[Example] = (),
) -> Callable[[Callable[..., Iterable[Flag]]], Rule]:
    """Declare a rule whose decision is the decorated function.

    The function takes ``(subject_input, params)`` and yields :class:`Flag`.
    The decorator returns the registered :class:`Rule`.
    """

    def wrap(fn: Callable[..., Iterable[Flag]]) -> Rule:
        return register(Rule(id=id, clause=clause, title=title, severity=severity,
                             requirement=requirement, subject=subject,
                             parameters=tuple(parameters), interpretation=interpretation,
                             examples=tuple(examples), decide=fn))

    return wrap


def rules(subject: str | None = None) -> tuple[Rule, ...]:
    """Every registered rule (of one subject when given), in declaration order."""
    load()
    return tuple(r for r in RULES.values() if subject is None or r.subject == subject)


def get_rule(rule_id: str) -> Rule:
    """The rule with this ID, or an :class:`InputError` naming it as unknown."""
    load()
    try:
        return RULES[rule_id]
    except (KeyError, TypeError):
        raise InputError("rule_id", "un identifiant de règle connu (voir « ppaip-rules rules »)",
                         "règle inconnue") from None


def run_rules(subject: str, data: Any, params: Any) -> Report:
    """Run every rule of ``subject`` on ``data``; gather all their findings.

    The hot path of every check: the deciding rules of a subject are looked up
    once, then each rule's flags are gathered with no intermediate generator.
    """
    deciding = _DECIDING.get(subject)
    if deciding is None:
        deciding = _DECIDING[subject] = tuple(r for r in rules(subject) if r.decide is not None)
    findings: list[Finding] = []
    for r in deciding:
        flags = r.decide(data, params)  # type: ignore[misc]
        if flags:
            findings.extend([r.finding(flag) for flag in flags])
    return Report(subject, findings, tuple(r.id for r in deciding))


#: subject → its rules that have a deciding function (filled on first use, after
#: every area module is loaded; cleared when a rule is registered).
_DECIDING: dict[str, tuple[Rule, ...]] = {}
on_rule_added(_DECIDING.clear)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
