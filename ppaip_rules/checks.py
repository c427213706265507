"""The check kinds: one entry per kind of input a caller can have checked.

Each area module registers its kinds (``programme``, ``roster``, ``case``…)
with :func:`register_kind`: a function that takes JSON-like input (or the
models) and returns a :class:`~ppaip_rules.model.Report`, and the JSON Schema
of that input. The CLI (``ppaip-rules check KIND FILE``, ``ppaip-rules schema
KIND``), the documentation's worked examples and the tests all go through
:func:`run_check`, so an example in the docs is exactly what a caller gets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs

from .errors import InputError
from .model import Report
from .parameters import DIJON, ContractParameters


@attrs.frozen
class CheckKind:
    """One kind of input: its name, French title, checking function and schema."""

    name: str
    title: str
    run: Callable[..., Report] = attrs.field(repr=False)
    schema: Callable[[], dict] = attrs.field(repr=False)
    options: tuple[str, ...] = ()
    #: Reads a file's bytes into the input (default: JSON). ``load(raw, filename)``.
    load: Callable[[bytes, str], Any] | None = attrs.field(default=None, repr=False)


_KINDS: dict[str, CheckKind] = {}


def register_kind(name: str, title: str, run: Callable[..., Report],
                  schema: Callable[[], dict], options: tuple[str, ...] = (),
                  load: Callable[[bytes, str], Any] | None = None) -> CheckKind:
    """Register a check kind. ``run(data, params, **options) -> Report``.

    ``options`` names the keyword options the CLI may pass (e.g. ``as_of``);
    ``load`` reads a file of another format than JSON (e.g. a CSV roster).
    """
    if name in _KINDS:
        raise ValueError(f"check kind {name} registered twice")
    kind = CheckKind(name, title, run, schema, tuple(options), load)
    _KINDS[name] = kind
    return kind


def kinds() -> tuple[CheckKind, ...]:
    from .model import _load_all

    _load_all()
    return tuple(_KINDS.values())


def get_kind(name: str) -> CheckKind:
    from .model import _load_all

    _load_all()
    if not isinstance(name, str) or name not in _KINDS:
        raise InputError("KIND", "un type de contrôle parmi : " + ", ".join(_KINDS),
                         "type de contrôle inconnu")
    return _KINDS[name]


def load_json(raw: bytes, filename: str = "-") -> Any:
    """JSON from bytes (UTF-8, with or without BOM); errors are :class:`InputError`."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(filename, "un fichier JSON encodé en UTF-8",
                         "encodage illisible") from None
    except (ValueError, RecursionError) as error:
        where = f"ligne {error.lineno}, colonne {error.colno}" if isinstance(
            error, json.JSONDecodeError) else None
        raise InputError(filename, "un document JSON valide",
                         f"JSON illisible{' (' + where + ')' if where else ''}") from None


def run_check(kind: str, data: Any, params: ContractParameters = DIJON, **options: Any) -> Report:
    """Check JSON-like ``data`` of a kind; bad input raises :class:`InputError`."""
    return get_kind(kind).run(data, params, **options)


# --- the "deadline" kind: one act against one contract deadline ----------------

def _run_deadline(data: Any, params: ContractParameters, **_: Any) -> Report:
    from .deadlines import SPECS, check_deadline
    from .parsing import Fields, as_bool, as_choice, as_date_or_datetime, as_str

    fields = Fields(data)
    rule_id = fields.required("rule_id", as_choice(SPECS))
    trigger = fields.required("trigger", as_date_or_datetime)
    act = fields.required("act", as_date_or_datetime)
    policy = {
        "extend_to_working_day": fields.optional("extend_to_working_day", as_bool, True),
        "backward_to_working_day": fields.optional("backward_to_working_day", as_bool, False),
        "whit_monday_worked": fields.optional("whit_monday_worked", as_bool, False),
        "departement": fields.optional("departement", as_str(3)),
    }
    fields.done()
    return check_deadline(rule_id, trigger, act, params=params, **policy)


def _deadline_schema() -> dict:
    from .deadlines import SPECS

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Un acte face à un délai du contrat",
        "type": "object",
        "required": ["rule_id", "trigger", "act"],
        "additionalProperties": False,
        "properties": {
            "rule_id": {"enum": list(SPECS)},
            "trigger": {"type": "string", "description": "date (AAAA-MM-JJ ou JJ/MM/AAAA) ou "
                        "date et heure ISO 8601 avec fuseau pour les délais en heures"},
            "act": {"type": "string", "description": "même forme que trigger"},
            "extend_to_working_day": {"type": "boolean", "default": True},
            "backward_to_working_day": {"type": "boolean", "default": False},
            "whit_monday_worked": {"type": "boolean", "default": False},
            "departement": {"type": "string", "maxLength": 3},
        },
    }


register_kind("deadline", "Respect d'un délai du contrat", _run_deadline, _deadline_schema)


def report_schema() -> dict:
    """The JSON Schema of a report (``ppaip-rules check … --format json``)."""
    finding = {
        "type": "object",
        "required": ["rule_id", "clause", "severity", "title", "message", "expected", "found",
                     "path", "trace"],
        "properties": {
            "rule_id": {"type": "string"},
            "clause": {"type": "string"},
            "severity": {"enum": ["violation", "warning", "info"]},
            "title": {"type": "string"},
            "message": {"type": "string"},
            "expected": {},
            "found": {},
            "path": {"type": ["string", "null"]},
            "trace": {"type": "array", "items": {"type": "string"}},
            "missing": {"type": "boolean",
                        "description": "un fait nécessaire pour décider manque à l'entrée"},
            "source": {"type": "object",
                       "description": "cellule du tableur d'entrée : feuille (classeur), ligne, "
                                      "colonne",
                       "properties": {"feuille": {"type": "string"},
                                      "ligne": {"type": "integer", "minimum": 1},
                                      "colonne": {"type": "string"}}},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Rapport de contrôle ppaip-rules",
        "type": "object",
        "required": ["subject", "ok", "counts", "checked_rules", "findings"],
        "properties": {
            "subject": {"type": "string"},
            "ok": {"type": "boolean"},
            "complete": {"type": "boolean",
                         "description": "faux si une règle n'a pas pu être vérifiée"},
            "missing_facts": {"type": "integer", "minimum": 0},
            "verdict": {"enum": ["conforme", "incomplet", "non conforme"]},
            "counts": {"type": "object",
                       "properties": {k: {"type": "integer"} for k in
                                      ("violation", "warning", "info")}},
            "checked_rules": {"type": "array", "items": {"type": "string"}},
            "findings": {"type": "array", "items": finding},
            "notes": {"type": "array", "items": {"type": "string"},
                      "description": "lecture de l'entrée : encodage, colonnes ignorées"},
        },
    }
