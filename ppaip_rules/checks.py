"""The check kinds: one entry per kind of input a caller can have checked.

Each area module registers its kinds (``programme``, ``roster``, ``case``…)
with :func:`register_kind`: a function that takes JSON-like input (or the
models) and returns a :class:`~ppaip_rules.model.Report`, and the JSON Schema
of that input. The CLI (``ppaip-rules check KIND FILE``, ``ppaip-rules schema
KIND``), the documentation's worked examples and the tests all go through
:func:`run_check`, so an example in the docs is exactly what a caller gets.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import attrs

from .describe import BOOL, CODE, MOMENT, TEXT, Codes, field, json_schema, read
from .errors import InputError
from .model import Report
from .parameters import DIJON, ContractParameters
from .parsing import load_json as load_json  # re-exported: the readers of files use it
from .registry import KINDS, add_kind
from .registry import load as load_areas


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


_KINDS = KINDS  # the registry's store (ppaip_rules.registry, a leaf)


def register_kind(name: str, title: str, run: Callable[..., Report],
                  schema: Callable[[], dict], options: tuple[str, ...] = (),
                  load: Callable[[bytes, str], Any] | None = None) -> CheckKind:
    """Register a check kind. ``run(data, params, **options) -> Report``.

    ``options`` names the keyword options the CLI may pass (e.g. ``as_of``);
    ``load`` reads a file of another format than JSON (e.g. a CSV roster).
    """
    kind = CheckKind(name, title, run, schema, tuple(options), load)
    add_kind(name, kind, sys._getframe(1).f_globals.get("__name__"))  # the declaring module
    return kind


def kinds() -> tuple[CheckKind, ...]:
    load_areas()
    return tuple(_KINDS.values())


def get_kind(name: str) -> CheckKind:
    load_areas()
    if not isinstance(name, str) or name not in _KINDS:
        raise InputError("KIND", "un type de contrôle parmi : " + ", ".join(_KINDS),
                         "type de contrôle inconnu")
    kind: CheckKind = _KINDS[name]
    return kind


def run_check(kind: str, data: Any, params: ContractParameters = DIJON, *, stamp: bool = True,
              explain: bool = False, **options: Any) -> Report:
    """Check JSON-like ``data`` of a kind; bad input raises :class:`InputError`.

    The report carries its stamp (:mod:`ppaip_rules.stamp`): version, parameters, switches,
    ``as_of`` and the SHA-256 of the input. ``stamp=False`` leaves it out (the hash of a
    large input costs about a quarter of its check: benchmarks/bench_stamp.py). With
    ``explain=True`` the report also explains every checked rule that did not fire
    (``Report.explanations``; ``--expliquer`` on the command line).
    """
    report = get_kind(kind).run(data, params, **options)
    if explain:
        from .model import explain_report

        report = explain_report(report, params)
    if not stamp:
        return report
    from .stamp import SWITCHES, attach, make_stamp, switches_in

    switches = {**switches_in(data), **{k: v for k, v in options.items() if k in SWITCHES}}
    return attach(report, make_stamp(f"check {kind}", params, switches=switches,
                                     as_of=options.get("as_of"), data=data))


# --- the "deadline" kind: one act against one contract deadline ----------------

def _deadline_codes(_: Any) -> dict[str, str]:
    from .deadlines import SPECS

    return {rule_id: spec.trigger + " → " + spec.act for rule_id, spec in SPECS.items()}


@attrs.frozen
class DeadlineCheck:
    """Un acte face à un délai du contrat."""

    rule_id: str = field(CODE, "délai du contrat (identifiant de la règle)", required=True,
                         codes=Codes.dynamic(_deadline_codes))
    trigger: Any = field(
        MOMENT, "fait qui fait courir le délai", "date (AAAA-MM-JJ ou JJ/MM/AAAA) ou "
        "date et heure ISO 8601 avec fuseau pour les délais en heures", required=True)
    act: Any = field(MOMENT, "acte attendu", "même forme que trigger", required=True)
    extend_to_working_day: bool = field(
        BOOL, "prolonger au jour ouvré suivant (CCAG FCS art. 3.2)", default=True)
    backward_to_working_day: bool = field(
        BOOL, "délai à rebours : ramener au jour ouvré précédent", default=False)
    whit_monday_worked: bool = field(BOOL, "lundi de Pentecôte travaillé", default=False)
    departement: str | None = field(
        TEXT, "département (57, 67 ou 68 : jours fériés d'Alsace-Moselle)", max_length=3)
    good_friday_holiday: bool = field(
        BOOL, "Vendredi saint férié en Alsace-Moselle (ambiguïté 15)", default=True)


def _run_deadline(data: Any, params: ContractParameters, **_: Any) -> Report:
    from .deadlines import check_deadline

    c = read(DeadlineCheck, data, context=params)
    return check_deadline(c.rule_id, c.trigger, c.act, params=params,
                          extend_to_working_day=c.extend_to_working_day,
                          backward_to_working_day=c.backward_to_working_day,
                          whit_monday_worked=c.whit_monday_worked, departement=c.departement,
                          good_friday_holiday=c.good_friday_holiday)


def _deadline_schema() -> dict:
    return json_schema(DeadlineCheck, title="Un acte face à un délai du contrat")


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
            "trace": {"type": "array", "items": _STEP_SCHEMA,
                      "description": "l'explication, étape par étape"},
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
            "explanations": {
                "type": "array", "description": "avec --expliquer : pourquoi chaque règle "
                "sans constat est vérifiée, ou n'a pas pu être décidée (information)",
                "items": {"type": "object",
                          "required": ["rule_id", "clause", "status", "message", "trace"],
                          "properties": {
                              "rule_id": {"type": "string"}, "clause": {"type": "string"},
                              "title": {"type": "string"}, "severity": {"const": "info"},
                              "kind": {"const": "explication"},
                              "status": {"enum": ["vérifiée", "non décidée"]},
                              "message": {"type": "string"},
                              "trace": {"type": "array", "items": _STEP_SCHEMA}}}},
            "stamp": stamp_schema(),
        },
    }


def stamp_schema() -> dict:
    """The JSON Schema of a stamp (ppaip_rules.stamp): what produced a result."""
    text = {"type": "string"}
    return {
        "type": "object",
        "description": "tampon : version, paramètres, calendrier, interrupteurs, date de "
                       "contrôle et empreinte de l'entrée (aucune donnée personnelle)",
        "required": ["version", "command", "parameters", "calendar", "policies", "as_of",
                     "input"],
        "properties": {
            "library": text, "version": text, "command": text,
            "parameters": {"type": "object", "required": ["name", "avenants", "sha256"],
                           "properties": {"name": text, "avenants": {"type": "array",
                                                                     "items": text},
                                          "sha256": text}},
            "calendar": {"type": "object"},
            "policies": {"type": "object"},
            "as_of": {"type": ["string", "null"]},
            "input": {"type": "object", "properties": {
                "sha256": {"type": ["string", "null"]}, "form": {"enum": ["json", "octets"]}}},
        },
    }


#: One step of an explanation (issue 12 §2): the French sentence and its structure.
_STEP_SCHEMA = {
    "type": "object",
    "required": ["text", "clause", "parameter", "value", "path", "computed"],
    "properties": {
        "text": {"type": "string", "description": "la phrase en français"},
        "clause": {"type": ["string", "null"], "description": "clause du contrat"},
        "parameter": {"type": ["string", "null"], "description": "paramètre lu (nom)"},
        "value": {"description": "valeur du paramètre en vigueur"},
        "path": {"type": ["string", "null"], "description": "champ de l'entrée"},
        "computed": {"description": "valeur calculée ou constatée"},
    },
}
