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
import sys
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


class Step(str):
    """One step of a finding's explanation, as data (issue 12 §2).

    A step *is* its French sentence (a ``str``: existing code that prints, joins or
    searches a trace keeps working), and carries the structure the sentence is rendered
    from: the ``clause`` of the contract, the ``parameter`` read (its name) and the
    ``value`` in force, the input field ``path`` and the value ``computed`` (or found).
    When ``text`` is not given it is rendered from the structure. A step never carries
    a personal value (names, birth dates, free text, registry numbers).
    """

    clause: str | None
    parameter: str | None
    value: Any
    path: str | None
    computed: Any

    def __new__(cls, text: str | None = None, *, clause: str | None = None,
                parameter: str | None = None, value: Any = None, path: str | None = None,
                computed: Any = None) -> Step:
        if text is None:
            text = _render_step(clause, parameter, value, path, computed)
        step = super().__new__(cls, text)
        step.clause, step.parameter, step.value = clause, parameter, value
        step.path, step.computed = path, computed
        return step

    @property
    def text(self) -> str:
        """The French sentence."""
        return str.__str__(self)

    def __reduce__(self):
        fields = (self.clause, self.parameter, self.value, self.path, self.computed)
        while fields and fields[-1] is None:
            fields = fields[:-1]
        return (_rebuild_step, (self.text, *fields)) if fields else (Step, (self.text,))

    def __repr__(self) -> str:
        return f"Step({self.text!r})"

    def to_dict(self) -> dict:
        return {"text": self.text, "clause": self.clause, "parameter": self.parameter,
                "value": _plain(self.value), "path": self.path,
                "computed": _plain(self.computed)}


def _rebuild_step(text, clause=None, parameter=None, value=None, path=None,
                  computed=None) -> Step:
    return Step(text, clause=clause, parameter=parameter, value=value, path=path,
                computed=computed)


def _render_step(clause: str | None, parameter: str | None, value: Any, path: str | None,
                 computed: Any) -> str:
    """The French sentence of a step given only as structure."""
    parts = []
    if parameter is not None:
        parts.append(f"paramètre {parameter} = {_plain_text(value)}")
    if path is not None:
        parts.append(f"{path} : {_plain_text(computed)}" if computed is not None else path)
    elif computed is not None:
        parts.append(f"résultat : {_plain_text(computed)}")
    if clause is not None:
        parts.append(clause)
    return " ; ".join(parts) + "." if parts else ""


def _steps(value: Any) -> tuple[Step, ...]:
    """A trace as steps: strings become ``Step(text)``; steps stay as they are."""
    if not value:
        return ()
    return tuple([v if type(v) is Step else Step(str(v)) for v in value])


class Deferred:
    """A value computed from its data on first read: ``render(*data)``.

    A finding's message (a French sentence) and a flag's trace (its steps) may be given
    so: they are rendered from what the finding says (issue 13: a batch of millions of
    cases reads few of them). ``data`` holds values already checked, never more than
    the rendering needs (not a whole case)."""

    __slots__ = ("data", "render")

    def __init__(self, render: Callable[..., Any], *data: Any):
        self.render, self.data = render, data

    def value(self) -> Any:
        return self.render(*self.data)

    def __repr__(self) -> str:
        return repr(self.value())


def _text(value: Any) -> str:
    """A message as given, or rendered (what equality compares)."""
    return value.value() if type(value) is Deferred else value


def _read_message(self: Any) -> str:
    """The French message (a :class:`Deferred` one is rendered once, on first read)."""
    value = self._message
    if type(value) is Deferred:
        value = value.value()
        object.__setattr__(self, "_message", value)
    return value


def _trace_value(value: Any) -> Any:
    """A trace as given: steps (strings become steps), or steps still to compute."""
    return value if type(value) is Deferred else _steps(value)


def _resolved_trace(value: Any) -> tuple[Step, ...]:
    """What equality compares: the trace's steps, computed if need be."""
    return _steps(value.value()) if type(value) is Deferred else value


def _read_trace(self: Any) -> tuple[Step, ...]:
    """The steps of a flag's or a finding's trace (computed once, on first read, when
    given as :class:`Deferred`)."""
    value = self._trace
    if type(value) is Deferred:
        value = _steps(value.value())
        object.__setattr__(self, "_trace", value)
    return value


@attrs.frozen
class Flag:
    """What a deciding function yields: one problem, before the rule is attached.

    ``severity`` overrides the rule's own (e.g. a warning band, or an info
    finding when a fact needed to decide is missing). ``path`` names the
    input field concerned; ``trace`` explains the decision step by step (:class:`Step`,
    or plain French strings, converted to steps). ``message`` and ``trace`` may be given
    as :class:`Deferred` values, computed on first read.
    """

    _message: str | Deferred = attrs.field(eq=_text, alias="message")
    expected: Any = None
    found: Any = None
    severity: Severity | None = None
    path: str | None = None
    _trace: tuple[Step, ...] = attrs.field(default=(), converter=_trace_value,
                                           eq=_resolved_trace, alias="trace")
    #: True when the flag says a fact needed to decide is missing from the input
    #: (RULES.md "Missing facts"): an information finding that makes the report
    #: incomplete, never read as compliance nor as a breach.
    missing: bool = False

    message = property(_read_message)
    trace = property(_read_trace)

    def __repr__(self) -> str:  # as attrs writes it, the message under its public name
        return (f"Flag(message={self.message!r}, expected={self.expected!r}, "
                f"found={self.found!r}, severity={self.severity!r}, path={self.path!r}, "
                f"trace={self.trace!r}, missing={self.missing!r})")


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
    #: The French message (:attr:`message`; given as a :class:`Deferred`, rendered on
    #: first read).
    _message: str | Deferred = attrs.field(eq=_text, alias="message")
    expected: Any = None
    found: Any = None
    path: str | None = None
    #: The explanation, step by step (:class:`Step`): the rule's clause, each parameter
    #: it reads with its value in force, the field and value found, the computation.
    #: Read through :attr:`trace` (argument ``trace``): :meth:`Rule.finding` leaves it to
    #: build on first read (a :class:`Deferred` of :func:`_finding_steps`; a batch reads
    #: few traces).
    _trace: tuple[Step, ...] = attrs.field(default=(), converter=_trace_value,
                                           eq=_resolved_trace, alias="trace")
    #: A fact needed to decide the rule is missing (see :func:`missing_fact`).
    missing: bool = False
    #: Where the finding's field is in a spreadsheet input: ``{"ligne", "colonne"}``,
    #: plus ``"feuille"`` for a workbook (see :mod:`ppaip_rules.spreadsheet`).
    source: dict | None = None

    message = property(_read_message)
    trace = property(_read_trace, doc="The explanation, step by step (built once, on first "
                                      "read).")

    def __repr__(self) -> str:  # as attrs writes it, the trace under its public name
        return (f"Finding(rule_id={self.rule_id!r}, clause={self.clause!r}, "
                f"severity={self.severity!r}, title={self.title!r}, message={self.message!r}, "
                f"expected={self.expected!r}, found={self.found!r}, path={self.path!r}, "
                f"trace={self.trace!r}, missing={self.missing!r}, source={self.source!r})")

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
            "trace": [step.to_dict() for step in self.trace],
            "missing": self.missing,
        }
        if self.source is not None:
            out["source"] = dict(self.source)
        return out

    def __reduce__(self):
        # Issue 13: a pickle (a worker's result) stays small. What the rule says already
        # travels by the rule's ID: its title (None), the steps every finding gets from
        # its metadata under the Dijon contract (their positions), the closing step
        # naming the field (a flag); all are rebuilt on loading.
        rule = RULES.get(self.rule_id)
        title = None if rule is not None and self.title == rule.title else self.title
        return (_rebuild_finding, (self.rule_id, self.clause, self.severity, title,
                                   self.message, self.expected, self.found, self.path,
                                   *_packed_trace(self), self.missing, self.source))

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


def _packed_trace(f: Finding) -> tuple[tuple[int, ...], tuple[Step, ...], bool]:
    """``(head, own, tail)``: the positions among ``rule_steps()`` (the Dijon contract's,
    the very step objects) of the trace's first steps, the steps to store, and whether
    the last step is the one :func:`_field_step` rebuilds from the path and the value
    found."""
    trace = f.trace
    rule = RULES.get(f.rule_id)
    head: list[int] = []
    if rule is not None and trace:
        steps = rule.rule_steps()
        j = 0
        for step in trace:
            while j < len(steps) and steps[j] is not step:
                j += 1
            if j == len(steps):
                break
            head.append(j)
            j += 1
    own = trace[len(head):]
    tail = bool(own) and f.path is not None and _same_step(own[-1], _field_step(f.path,
                                                                                f.found))
    return tuple(head), own[:-1] if tail else own, tail


def _same_step(a: Step, b: Step) -> bool:
    """The same sentence and the same structure (values of the same types)."""
    return a.text == b.text and all(
        x is y or (type(x) is type(y) and x == y)
        for x, y in ((a.clause, b.clause), (a.parameter, b.parameter), (a.value, b.value),
                     (a.path, b.path), (a.computed, b.computed)))


def _rebuild_finding(rule_id: str, clause: str, severity: Severity, title: str | None,
                     message: str, expected: Any, found: Any, path: str | None,
                     head: tuple[int, ...], own: tuple[Step, ...], tail: bool, missing: bool,
                     source: dict | None) -> Finding:
    if title is None or head:
        if rule_id not in RULES:
            load()  # a process that only loads results: the rules register first
        rule = RULES[rule_id]
        title = rule.title if title is None else title
    steps = rule.rule_steps() if head else ()
    trace = (*(steps[i] for i in head), *own,
             *((_field_step(path, found),) if tail and path is not None else ()))
    return Finding(rule_id, clause, severity, title, message, expected, found, path, trace,
                   missing, source)


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

    def finding(self, flag: Flag, params: Any = None) -> Finding:
        """Attach this rule's identity to a flag.

        The finding's trace is the flag's, completed by the steps every finding gets
        from the rule's metadata (issue 12 §2): the rule and its clause, each parameter
        the rule declares with its value in ``params`` (the contract in force; the Dijon
        contract when not given), the field and the value found.
        """
        # Every field given in order, to attrs' own constructor: the values come from a
        # Flag and a Rule already built (the hot path of every check).
        return _new_finding(self.id, self.clause, flag.severity or self.severity, self.title,
                            flag._message, flag.expected, flag.found, flag.path,
                            Deferred(_finding_steps, self, flag, params),  # built on read
                            flag.missing, None)

    def rule_steps(self, params: Any = None) -> tuple[Step, ...]:
        """The steps of this rule's metadata: its requirement with its clause, then each
        parameter it declares with the value in force in ``params``."""
        if params is None:
            from .parameters import DIJON as params
        key = (self.id, id(params))
        cached = _RULE_STEPS.get(key)
        if cached is not None and cached[0] is params:
            return cached[1]
        steps = (Step(f"Règle {self.id} ({self.clause}) : {self.requirement}",
                      clause=self.clause),
                 *(step for name in self.parameters
                   for step in _parameter_steps(self.id, name, params)))
        if len(_RULE_STEPS) > 4096:
            _RULE_STEPS.clear()
        _RULE_STEPS[key] = (params, steps)
        return steps

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
    #: With ``explain=True`` (``--expliquer``): why each rule that did not fire was
    #: satisfied, or could not be decided (information only, never part of the verdict).
    explanations: tuple[Explanation, ...] = attrs.field(default=(), converter=tuple)

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
                      self.notes + tuple(n for n in other.notes if n not in self.notes),
                      self.explanations + other.explanations)

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
            **({"explanations": [x.to_dict() for x in self.explanations]}
               if self.explanations else {}),
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
        if self.explanations:
            lines.append("Explications des règles sans constat :")
            lines.extend(x.format() for x in self.explanations)
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


@attrs.frozen
class Explanation:
    """Why a rule that did not fire was satisfied, or could not be decided
    (``--expliquer``): information, never a finding that changes the verdict."""

    rule_id: str
    clause: str
    title: str
    #: ``vérifiée`` (no finding) or ``non décidée`` (only missing facts).
    status: str
    message: str
    trace: tuple[Step, ...] = attrs.field(default=(), converter=_steps)

    def to_dict(self) -> dict:
        return {"rule_id": self.rule_id, "clause": self.clause, "title": self.title,
                "severity": "info", "kind": "explication", "status": self.status,
                "message": self.message, "trace": [s.to_dict() for s in self.trace]}

    def format(self) -> str:
        lines = [f"{self.rule_id} ({self.clause}) — explication : {self.message}"]
        lines.extend(f"    calcul : {step}" for step in self.trace)
        return "\n".join(lines)


def explain_report(report: Report, params: Any = None) -> Report:
    """``report`` with an explanation of every checked rule that did not fire: satisfied
    ("règle vérifiée : aucun écart", with the parameters in force), or not decided when
    its only findings are missing facts."""
    if not isinstance(report, Report):
        from .errors import InputError

        raise InputError("report", "un rapport (Report) d'un contrôle")
    fired: dict[str, list[Finding]] = {}
    for f in report.findings:
        fired.setdefault(f.rule_id, []).append(f)
    load()
    out = []
    for rule_id in report.checked:
        found = fired.get(rule_id)
        if found and not all(f.missing for f in found):
            continue
        r = RULES.get(rule_id)
        if r is None:
            continue
        if found:
            status = "non décidée"
            message = (f"règle non décidée : {len(found)} information(s) manquante(s) ; ni "
                       "conformité ni manquement n'en est déduit.")
        else:
            status = "vérifiée"
            message = "règle vérifiée : aucun écart."
        out.append(Explanation(r.id, r.clause, r.title, status, message,
                               r.rule_steps(params)))
    return attrs.evolve(report, explanations=tuple(out))


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

def register(rule_obj: Rule, module: str | None = None) -> Rule:
    """Add a rule to the registry; an ID is registered once. ``module``: the declaring
    module (default: the caller's), which places the rule in the registry's area order."""
    add_rule(rule_obj.id, rule_obj,
             module or sys._getframe(1).f_globals.get("__name__"))
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
                             examples=tuple(examples), decide=fn), fn.__module__)

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


def run_rules(subject: str, data: Any, params: Any, *, explain: bool = False) -> Report:
    """Run every rule of ``subject`` on ``data``; gather all their findings.

    With ``explain=True`` the report also explains every rule that did not fire
    (:func:`explain_report`).

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
            findings.extend([r.finding(flag, params) for flag in flags])
    report = Report(subject, findings, tuple(r.id for r in deciding))
    return explain_report(report, params) if explain else report


#: (rule ID, id(params)) → (params, the rule's metadata steps): built once per contract.
_RULE_STEPS: dict[tuple[str, int], tuple[Any, tuple[Step, ...]]] = {}


def _finding_steps(r: Rule, flag: Flag, params: Any) -> tuple[Step, ...]:
    """A flag's steps completed by the rule's: requirement and clause, each declared
    parameter with its value in force, the field and value found — each only when the
    flag's own steps do not already say it."""
    own = flag.trace
    steps = r.rule_steps(params)
    if own:
        clauses = {s.clause for s in own}
        named = {s.parameter.split(".", 1)[0] for s in own if s.parameter}
        head = [s for s in steps
                if (s.parameter.split(".", 1)[0] not in named if s.parameter is not None
                    else r.clause not in clauses)]
        has_path = any(s.path == flag.path for s in own)
    else:
        head, has_path = steps, False
    path = flag.path
    if not path or has_path:
        return (*head, *own) if head else own
    return (*head, *own, _field_step(path, flag.found))


def _field_step(path: str, found: Any) -> Step:
    """The closing step of a finding: the field concerned, and the value found there."""
    if found is None or not _shareable(found):
        return Step(f"Champ concerné : {path}.", path=path)
    return Step(f"Constaté au champ {path} : {_plain_text(found)}.", path=path,
                computed=found)


def _shareable(value: Any) -> bool:
    """Whether a found value may go into a step: figures, dates, yes/no and the short
    wording of the rules (a finding's ``found`` never holds personal data)."""
    if isinstance(value, str):
        return len(value) <= 120
    if isinstance(value, (list, tuple)):
        return all(_shareable(v) for v in value)
    if isinstance(value, dict):
        return all(_shareable(v) for v in value.values())
    return True


def _parameter_steps(rule_id: str, name: str, params: Any) -> tuple[Step, ...]:
    """The step of one parameter a rule declares, with its value in ``params``."""
    if hasattr(params, "period_of"):  # a ParameterHistory: every dated value
        return _history_steps(rule_id, name, params)
    fields = attrs.fields_dict(type(params)) if attrs.has(type(params)) else {}
    if name not in fields:
        return ()
    meta = fields[name].metadata
    label, clause = meta.get("label", name), meta.get("clause")
    value = getattr(params, name)
    source = ""
    avenants = sys.modules.get("ppaip_rules.avenants")
    if name == "delays" and rule_id in value:
        delay = value[rule_id]
        shown = delay.describe()
        set_by = avenants.provenance(params, f"delays.{rule_id}") if avenants else None
        if set_by:
            source = f", {set_by[0]}, en vigueur depuis le {_plain_text(set_by[1])}"
        return (Step(f"Délai du contrat pour {rule_id} : {shown} (paramètre delays.{rule_id} = "
                     f"{shown}, {clause}{source}).", clause=clause, parameter=f"delays.{rule_id}",
                     value=shown),)
    set_by = avenants.provenance(params, name) if avenants else None
    if set_by:
        source = f", {set_by[0]}, en vigueur depuis le {_plain_text(set_by[1])}"
    if isinstance(value, tuple) and value and hasattr(value[0], "code"):
        shown = f"{len(value)} entrée(s)"
        value = [item.code for item in value]
    elif isinstance(value, tuple) and value and hasattr(value[0], "spips"):
        shown = f"{len(value)} lot(s)"
        value = [{"lot": lot.number, "heures individuelles": lot.individual_hours,
                  "heures collectives": lot.collective_hours} for lot in value]
    elif hasattr(value, "items"):
        value = {k: v.describe() if hasattr(v, "describe") else v for k, v in value.items()}
        shown = f"{len(value)} valeur(s)"
    elif isinstance(value, tuple):
        shown = "aucune entrée" if not value else _plain_text(value)
        value = list(value)
    else:
        shown = _plain_text(value)
    return (Step(f"{label} (paramètre {name} = {shown}, {clause}{source}).", clause=clause,
                 parameter=name, value=value),)


def source_note(params: Any, name: str) -> str:
    """``", avenant n° 1, art. 2, en vigueur depuis le …"`` when an avenant set parameter
    ``name`` of ``params`` (issue 12 §3); empty for a value of the base contract."""
    avenants = sys.modules.get("ppaip_rules.avenants")
    set_by = avenants.provenance(params, name) if avenants else None
    return f", {set_by[0]}, en vigueur depuis le {_plain_text(set_by[1])}" if set_by else ""


def _history_steps(rule_id: str, name: str, history: Any) -> tuple[Step, ...]:
    """A parameter read through a history of avenants: each dated value and its reference
    (the value in force for each fact is the one of the fact's date)."""
    key = f"delays.{rule_id}" if name == "delays" and rule_id in history.base.delays else name
    if key == name and name == "delays":
        return _parameter_steps(rule_id, name, history.base)
    rows = history.history(key)
    if len(rows) == 1:
        return _parameter_steps(rule_id, name, history.base)
    shown = " ; ".join(f"{_plain_text(r['valeur'])} depuis le {_plain_text(r['depuis'])} "
                       f"({r['reference']})" for r in rows)
    return (Step(f"Valeurs datées du paramètre {key} : {shown} ; chaque fait lit la valeur en "
                 f"vigueur à sa date.", parameter=key,
                 value=[{"depuis": r["depuis"], "valeur": r["valeur"],
                         "reference": r["reference"]} for r in rows]),)


#: subject → its rules that have a deciding function (filled on first use, after
#: every area module is loaded; cleared when a rule is registered).
_DECIDING: dict[str, tuple[Rule, ...]] = {}
on_rule_added(_DECIDING.clear)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402
from .parsing import trusted as _trusted  # noqa: E402

_guard_models(globals())

#: Finding's attrs constructor without the guard (every field in order: Rule.finding).
_new_finding = _trusted(Finding)
