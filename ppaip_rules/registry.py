"""The registry: every rule and every check kind, in declaration order.

A leaf module: it imports nothing of the package. Area modules register into it
(through :func:`ppaip_rules.model.rule` and :func:`ppaip_rules.checks.register_kind`);
the CLI, the documentation, the service and the catalogue read it. Reading it first
loads every area module, through the loader that the package root installs
(:func:`set_loader`): the registry never imports an area, so no area's import can
come back to it in a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: rule ID → rule (a :class:`ppaip_rules.model.Rule`), in declaration order.
RULES: dict[str, Any] = {}
#: kind name → check kind (a :class:`ppaip_rules.checks.CheckKind`), in declaration order.
KINDS: dict[str, Any] = {}

_loader: Callable[[], None] | None = None
_loaded = False
#: Called (without argument) whenever a rule is added: caches built from the rules drop.
_listeners: list[Callable[[], None]] = []


def set_loader(loader: Callable[[], None]) -> None:
    """Install the function that imports every area module (the package root does it)."""
    global _loader
    _loader = loader


def load() -> None:
    """Make sure every area module has registered its rules and kinds."""
    global _loaded
    if not _loaded and _loader is not None:
        _loaded = True
        _loader()


def add_rule(rule_id: str, rule: Any) -> None:
    """Add a rule under its ID; an ID is registered once."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} registered twice")
    RULES[rule_id] = rule
    for listener in _listeners:
        listener()


def add_kind(name: str, kind: Any) -> None:
    """Add a check kind under its name; a name is registered once."""
    if name in KINDS:
        raise ValueError(f"check kind {name} registered twice")
    KINDS[name] = kind


def on_rule_added(listener: Callable[[], None]) -> None:
    """Call ``listener()`` after each rule is added (to drop a cache)."""
    _listeners.append(listener)
