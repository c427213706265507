"""One place for "read an input, run a check, render the answer", shared by the CLI and the
HTTP service (``ppaip-rules serve``): both call these functions, so a check answers the same
JSON whichever way it was asked.

Inputs are capped in size (:data:`DEFAULT_MAX_INPUT_BYTES`, a parameter of every call): a
real lot's yearly activity is a few megabytes; anything beyond the cap is refused as an
:class:`InputTooLarge` (CLI exit 2, HTTP 413) stating the limit, before it exhausts memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO

from .errors import InputError
from .parameters import DIJON, ContractParameters

#: 32 Mio: some ten times the yearly activity of the largest lot (about 20,000 sessions
#: and events of a few hundred bytes each); a parameter of every reading function.
DEFAULT_MAX_INPUT_BYTES = 32 * 1024 * 1024

#: Words accepted for a yes/no option in the CLI and in query parameters.
_BOOLEAN_WORDS = {"oui": True, "true": True, "non": False, "false": False}


class InputTooLarge(InputError):
    """An input beyond the size cap (CLI exit 2, HTTP 413)."""

    def __init__(self, path: str, limit: int):
        self.limit = limit
        super().__init__(path, f"une entrée de {format_bytes(limit)} au plus",
                         "entrée trop volumineuse")


def format_bytes(size: int) -> str:
    """``33554432`` → ``"32 Mio (33554432 octets)"``."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} Mio ({size} octets)"
    return f"{size} octets"


def read_capped(stream: BinaryIO, limit: int, path: str) -> bytes:
    """At most ``limit`` bytes of ``stream``; more is an :class:`InputTooLarge`."""
    chunks, size = [], 0
    while True:
        chunk = stream.read(min(1024 * 1024, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise InputTooLarge(path, limit)


def iter_lines_capped(stream: BinaryIO, limit: int, path: str) -> Iterator[bytes | InputError]:
    """The lines of an NDJSON stream, each capped at ``limit`` bytes (a longer line is
    yielded as an :class:`InputTooLarge` and skipped), read one at a time."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = stream.readline(1024 * 1024)
            yield InputTooLarge(path, limit)
            continue
        yield line


def as_boolean_word(value: Any, path: str) -> bool:
    """``oui``/``non``/``true``/``false`` (a JSON boolean passes as is)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS:
        return _BOOLEAN_WORDS[value.strip().lower()]
    raise InputError(path, "oui, non, true ou false")


# --- checks ----------------------------------------------------------------------------

def load_input(kind_name: str, raw: bytes, path: str) -> Any:
    """The kind's input read from bytes (JSON; CSV too for a roster); ``path`` names it."""
    from .checks import get_kind, load_json

    kind = get_kind(kind_name)
    return (kind.load or load_json)(raw, path)


def check_options(kind_name: str, options: Mapping[str, Any], *, source: str = "option"
                  ) -> dict[str, Any]:
    """The options a kind takes (``as_of``, ``basis``…) from ``options``; an option the kind
    does not take is an error naming it (only names from the kind's list are echoed)."""
    from .checks import get_kind

    kind = get_kind(kind_name)
    chosen = {}
    for name, value in options.items():
        if value is None:
            continue
        if name not in kind.options:
            raise InputError(source, "une option parmi : " + (", ".join(kind.options) or
                                                              "(aucune pour ce contrôle)"),
                             "option inconnue pour ce contrôle")
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise InputError(name, "une valeur de 100 caractères au plus")
        chosen[name] = value
    return chosen


def run_check(kind_name: str, data: Any, params: ContractParameters = DIJON,
              options: Mapping[str, Any] | None = None, raw: bytes | None = None):
    """The report of a kind on JSON-like ``data``, stamped (issue 12: version, parameters,
    switches, ``as_of``, SHA-256 of the input — of ``raw`` for a file of another format
    than JSON, such as a CSV roster)."""
    from .checks import get_kind

    options = dict(options or {})
    report = get_kind(kind_name).run(data, params, **options)
    return stamped(report, f"check {kind_name}", data, params, options, raw)


def check_bytes(kind_name: str, raw: bytes, path: str, params: ContractParameters = DIJON,
                options: Mapping[str, Any] | None = None):
    """Read then check one input given as bytes (a file, stdin, a request body)."""
    from .checks import get_kind

    plain_json = get_kind(kind_name).load is None
    return run_check(kind_name, load_input(kind_name, raw, path), params, options,
                     None if plain_json else raw)


def stamp_of(command: str, data: Any, params: ContractParameters, options: Mapping[str, Any],
             raw: bytes | None = None) -> Any:
    """The stamp of a result (:mod:`ppaip_rules.stamp`): ``options`` holds ``as_of`` and the
    policy switches given; the switches written in the input are read from it."""
    from .stamp import SWITCHES, make_stamp, switches_in

    switches = {**switches_in(data), **{k: v for k, v in options.items()
                                        if k in SWITCHES and v is not None}}
    return make_stamp(command, params, switches=switches, as_of=options.get("as_of"),
                      data=None if raw is not None else data, raw=raw)


def stamped(result: Any, command: str, data: Any, params: ContractParameters,
            options: Mapping[str, Any], raw: bytes | None = None) -> Any:
    """``result`` (a report, an evaluation, a lot report, a week) with its stamp."""
    from .stamp import attach

    return attach(result, stamp_of(command, data, params, options, raw))


def exit_code(report: Any, strict: bool = False) -> int:
    """0 no violation; 1 violations, or (``strict``) a report that is not complete."""
    report = getattr(report, "report", report)
    if not report.ok:
        return 1
    return 1 if strict and not getattr(report, "complete", True) else 0


def render(result: Any, fmt: str = "json", indent: int | None = 2) -> str:
    """A report (or a result with ``to_dict``/``format``) as JSON or French text."""
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=indent)
    return result.format()


def error_object(error: InputError, line: int | None = None) -> dict:
    """An input error as the CLI's ``--format json`` prints it (and a batch line)."""
    body: dict[str, Any] = {"erreur": {"champ": error.path, "attendu": error.expected,
                                       "constaté": error.problem}}
    if error.source is not None:  # a spreadsheet's cell
        body["erreur"]["source"] = dict(error.source)
    errors = getattr(error, "errors", None)
    if errors:  # every error of a file (InputErrors)
        body["erreurs"] = [error_object(e)["erreur"] for e in errors]
        body["interrompu"] = bool(getattr(error, "truncated", False))
    if line is not None:
        body["ligne"] = line
    return body


def check_lines(kind_name: str, lines: Iterable[bytes | InputError],
                params: ContractParameters = DIJON, options: Mapping[str, Any] | None = None
                ) -> Iterator[tuple[dict, int]]:
    """Batch: one input per line (NDJSON) → one ``(answer, exit code)`` per non-blank line,
    in order. A bad line answers its error object (code 2); the others are still checked."""
    number = 0
    for item in lines:
        number += 1
        if not isinstance(item, InputError) and not item.strip():
            continue
        try:
            if isinstance(item, InputError):
                raise item
            report = check_bytes(kind_name, item, f"ligne {number}", params, options)
        except InputError as error:
            yield error_object(error, number), 2
            continue
        yield report.to_dict(), exit_code(report)


# --- deadlines -------------------------------------------------------------------------

#: The deadline policies, with their defaults (``ppaip-rules deadline`` and /v1/delais).
DEADLINE_POLICIES = {"extend_to_working_day": True, "backward_to_working_day": False,
                     "whit_monday_worked": False, "departement": None}


def deadline_answer(rule_id: str, trigger: Any, act: Any = None,
                    params: ContractParameters = DIJON, **policy: Any):
    """A deadline, and the act against it: ``(deadline, finding or None, JSON answer)``."""
    from .deadlines import deadline, deadline_finding

    d = deadline(rule_id, trigger, params=params, **policy)
    finding = (deadline_finding(rule_id, trigger, act, params=params, **policy)
               if act is not None else None)
    out = d.to_dict()
    if act is not None:
        out["act"] = act if isinstance(act, str) else str(act)
        out["met"] = finding is None
        out["finding"] = finding.to_dict() if finding else None
    document = {"rule_id": rule_id, "trigger": _plain(trigger),
                **({"act": _plain(act)} if act is not None else {})}
    out["stamp"] = stamp_of("deadline", document, params, policy).to_dict()
    return d, finding, out


def deadline_from_document(rule_id: str, data: Any, params: ContractParameters = DIJON):
    """``POST /v1/delais/{rule_id}``: ``{"trigger": …, "act": …}`` plus policies."""
    from .parsing import Fields, as_bool, as_str

    fields = Fields(data)
    trigger = fields.required("trigger", as_str(40))
    act = fields.optional("act", as_str(40))
    policy = {
        "extend_to_working_day": fields.optional("extend_to_working_day", as_bool, True),
        "backward_to_working_day": fields.optional("backward_to_working_day", as_bool, False),
        "whit_monday_worked": fields.optional("whit_monday_worked", as_bool, False),
        "departement": fields.optional("departement", as_str(3)),
    }
    fields.done()
    return deadline_answer(rule_id, trigger, act, params=params, **policy)


def deadline_text(d: Any, finding: Any, act: Any) -> str:
    """``ppaip-rules deadline`` in text."""
    lines = [f"{d.rule_id} ({d.spec.clause}) — {d.title}"]
    lines.extend(f"  {step}" for step in d.trace)
    if act is not None:
        lines.append(finding.format() if finding else "Délai respecté.")
    return "\n".join(lines)


# --- catalogue -------------------------------------------------------------------------

def rule_document(rule: Any, params: ContractParameters = DIJON) -> dict:
    """A rule as JSON, with the values the given contract gives to the parameters it reads."""
    out = rule.to_dict()
    values = {}
    for name in rule.parameters:
        value = getattr(params, name.split(".", 1)[0].split("[", 1)[0], None)
        if isinstance(value, (str, int, float, bool)) or value is None:
            values[name] = value
        else:
            values[name] = _plain(value)
    out["parameter_values"] = values
    return out


def _plain(value: Any) -> Any:
    import enum

    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    import attrs

    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    return str(value)


def parameters_document(params: ContractParameters = DIJON) -> dict:
    """The contract parameters as JSON (``GET /v1/parametres``)."""
    import attrs

    return {field.name: _plain(getattr(params, field.name))
            for field in attrs.fields(type(params))}


def kind_schema(kind_name: str, params: ContractParameters = DIJON) -> dict:
    """The JSON Schema of a kind's input (or of ``report``) under the given contract: a
    schema function that lists contract codes takes ``params``."""
    import inspect

    from .checks import get_kind, report_schema

    if kind_name == "report":
        return report_schema()
    schema = get_kind(kind_name).schema
    if "params" in inspect.signature(schema).parameters:
        return schema(params=params)
    return schema()
