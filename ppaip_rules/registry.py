"""The registry: every rule and every check kind, in declaration order.

A leaf module: it imports nothing of the package statically. Area modules register
into it (through :func:`ppaip_rules.model.rule` and
:func:`ppaip_rules.checks.register_kind`); the CLI, the documentation, the service and
the catalogue read it. Reading it (``rules()``, ``get_rule()``, ``kinds()``…) first
loads every area module listed in :data:`AREAS`, by name (:func:`load`): nothing
imports the areas before a rule or a kind is looked up, so that ``import ppaip_rules``
and a first ``deadline()`` stay fast (issue 13), and no area's import can come back
to the registry in a circle.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: THE list of the modules that register rules or check kinds, in the order of the
#: contract (the registry orders rules and kinds by the module that declares them, in
#: this order, then by declaration: the order of ``ppaip-rules rules`` and of the
#: catalogue, whichever module a caller imported first): the generic kinds, the deadlines, entry
#: (§3, §5, §6.1), programme (§6.2–6.4), course and end of a case (§6.1-3, §6.6),
#: documents (§6.5, §6.6, §6.9), staffing (§6.7), premises (§6.8), lots, contract term
#: and reporting (§1, §2, §6.10). A new module that declares a rule or a kind is added
#: here (tests/test_structure.py checks that every declaring module is listed and that a
#: fresh process sees every rule).
AREAS: tuple[str, ...] = (
    "checks",
    "deadline_rules",
    "eligibility",
    "programme",
    "case_rules",
    "timeline",  # the case kind
    "documents",
    "staffing_rules",
    "staffing",
    "roster_csv",  # the roster kind: CSV or JSON
    "premises",
    "lot_rules",
    "lot",
)

#: rule ID → rule (a :class:`ppaip_rules.model.Rule`), in declaration order.
RULES: dict[str, Any] = {}
#: kind name → check kind (a :class:`ppaip_rules.checks.CheckKind`), in declaration order.
KINDS: dict[str, Any] = {}

#: rule ID / kind name → the module that registered it (its rank in AREAS orders them).
_RULE_ORIGIN: dict[str, str | None] = {}
_KIND_ORIGIN: dict[str, str | None] = {}

_loaded = False
#: Called (without argument) whenever a rule is added: caches built from the rules drop.
_listeners: list[Callable[[], None]] = []


def load() -> None:
    """Make sure every area module (:data:`AREAS`) has registered its rules and kinds."""
    global _loaded
    if not _loaded:
        _loaded = True
        package = __name__.rpartition(".")[0]
        try:
            for name in AREAS:
                importlib.import_module(f"{package}.{name}")
        except BaseException:
            _loaded = False  # a failed import is retried on the next lookup
            raise
        # The order of AREAS, whichever module was imported first (a caller may import
        # an area directly before any lookup): by registering module, then declaration.
        _in_area_order(RULES, _RULE_ORIGIN)
        _in_area_order(KINDS, _KIND_ORIGIN)
        for listener in _listeners:
            listener()


def _in_area_order(store: dict[str, Any], origin: dict[str, str | None]) -> None:
    rank = {f"{__name__.rpartition('.')[0]}.{name}": i for i, name in enumerate(AREAS)}
    ordered = sorted(store.items(), key=lambda item: rank.get(origin.get(item[0]) or "",
                                                              len(AREAS)))
    store.clear()
    store.update(ordered)


def add_rule(rule_id: str, rule: Any, module: str | None = None) -> None:
    """Add a rule under its ID; an ID is registered once. ``module``: the module that
    declares it (a module of :data:`AREAS`)."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} registered twice")
    RULES[rule_id] = rule
    _RULE_ORIGIN[rule_id] = module
    for listener in _listeners:
        listener()


def add_kind(name: str, kind: Any, module: str | None = None) -> None:
    """Add a check kind under its name; a name is registered once. ``module``: the module
    that declares it (a module of :data:`AREAS`)."""
    if name in KINDS:
        raise ValueError(f"check kind {name} registered twice")
    KINDS[name] = kind
    _KIND_ORIGIN[name] = module


def on_rule_added(listener: Callable[[], None]) -> None:
    """Call ``listener()`` after each rule is added (to drop a cache)."""
    _listeners.append(listener)
