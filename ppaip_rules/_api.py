"""The public API's guards (issue 16), installed by the package root.

Kept apart from :mod:`ppaip_rules.parsing` because they read the registry of check
kinds and the contract parameters, which themselves use the readers: only the package
root imports this module, so no import cycle forms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .errors import InputError
from .parsing import require_switch, shown_key

T = TypeVar("T")


def vocabulary() -> frozenset[str]:
    """Every field name of every input schema and of the contract parameters."""
    import attrs

    from .checks import kinds
    from .parameters import DIJON_DELAYS, ContractParameters

    names: set[str] = set(attrs.fields_dict(ContractParameters)) | set(DIJON_DELAYS) | {
        "amount", "unit", "code", "label", "number", "spips", "name", "individual_hours",
        "collective_hours"}  # the nested keys of a parameter file
    stack: list[Any] = [kind.schema() for kind in kinds()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(k for k in properties if isinstance(k, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


def guard_arguments(func: Callable[..., T]) -> Callable[..., T]:
    """``func`` checking its arguments first: ``params`` (and any argument whose default
    is a parameter set, such as ``compare``'s ``before``/``after``) is a ContractParameters,
    a keyword whose default is a boolean takes a ``bool`` (a policy switch), and a
    wrong number or name of arguments is an InputError, not a TypeError."""
    import functools
    import inspect

    from .avenants import ParameterHistory
    from .parameters import ContractParameters

    if getattr(func, "_ppaip_guarded", False):
        return func
    signature = inspect.signature(func)
    checks: list[tuple[str, int | None, Callable[[Any, str], Any]]] = []
    for index, (name, p) in enumerate(signature.parameters.items()):
        position = index if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) else None
        if name == "params" or isinstance(p.default, ContractParameters):
            checks.append((name, position, _require_params((ContractParameters,
                                                              ParameterHistory))))
        elif type(p.default) is bool:
            checks.append((name, position, _require_switch_at))

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> T:
        for name, position, check in checks:
            if position is not None and position < len(args):
                check(args[position], name)
            elif name in kwargs:
                check(kwargs[name], name)
        try:
            return func(*args, **kwargs)
        except TypeError:
            try:  # only on failure: binding costs microseconds on every call
                signature.bind(*args, **kwargs)
            except TypeError:
                raise _call_error(func.__name__, signature, args, kwargs) from None
            raise

    guarded._ppaip_guarded = True  # type: ignore[attr-defined]
    return _public(guarded)


def _require_switch_at(value: Any, name: str) -> None:
    require_switch(value, name)


def _require_params(kind: type | tuple[type, ...]) -> Callable[[Any, str], None]:
    def check(value: Any, name: str) -> None:
        if not isinstance(value, kind):
            raise InputError(name, "les paramètres d'un contrat (ContractParameters, ex. DIJON, "
                                   "ou un historique d'avenants ParameterHistory)")
    return check


def _call_error(name: str, signature: Any, args: tuple, kwargs: dict) -> InputError:
    known = [n for n, p in signature.parameters.items() if p.kind not in (p.VAR_POSITIONAL,
                                                                            p.VAR_KEYWORD)]
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    for key in kwargs:
        if key not in known and not accepts_any:
            return InputError(shown_key(key), f"un argument de {name} parmi : "
                              + ", ".join(known), "argument inconnu")
    return InputError(name, "les arguments de la signature : " + ", ".join(known),
                      "arguments manquants ou en trop")


def guard_call_errors(func: Callable[..., T]) -> Callable[..., T]:
    """``func`` with a wrong number or name of arguments raising InputError, not TypeError.

    The light guard of the hot path (``deadline``, ``due_dates``, ``get_calendar``): those
    functions check their own values, so only a failed call is examined (nothing is done
    on a call that succeeds; even the signature is read only then)."""
    import functools

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        except TypeError:
            import inspect

            signature = inspect.signature(func)
            try:
                signature.bind(*args, **kwargs)
            except TypeError:
                raise _call_error(func.__name__, signature, args, kwargs) from None
            raise

    return _public(guarded)


def _public(guarded: Callable[..., T]) -> Callable[..., T]:
    """Name a wrapper as the package's public function (``ppaip_rules.NAME``), so that
    pickle (a process pool) finds it there rather than the wrapped module function."""
    guarded.__module__ = "ppaip_rules"
    guarded.__qualname__ = guarded.__name__
    return guarded
