"""Readers and small helpers shared by the eligibility, programme and document checks.

Everything here reads JSON-like values at the edge (raising
:class:`~ppaip_rules.errors.InputError` with the path) or words a finding;
nothing here decides a rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .calendar import require_input_year
from .describe import Codes
from .errors import InputError
from .frenchtext import format_value
from .model import Flag, missing_fact
from .parameters import CatalogueItem
from .parsing import paris_time

#: Settings of a programme: milieu fermé (in prison: ``custody``), milieu ouvert (under
#: supervision in the community: ``community``). Not "closed"/"open": an "open prison" is
#: a prison in English. The old codes ``MF``/``MO`` are read as aliases for one version.
CUSTODY, COMMUNITY = "custody", "community"
SETTINGS = (CUSTODY, COMMUNITY)
SETTING_LABELS = {CUSTODY: "milieu fermé", COMMUNITY: "milieu ouvert"}
SETTING_ALIASES = {"MF": CUSTODY, "MO": COMMUNITY}
#: The code list of a setting, in every input that names one (case ignored; old codes read).
SETTING_CODES = Codes(SETTING_LABELS, SETTING_ALIASES, fold=True)

#: Maximum length of a pseudonymous identifier.
ID_MAX = 64


#: The information finding of a rule that lacks a fact to decide ("do not guess").
missing = missing_fact


def yes_no(value: bool | None, path: str, unknown: str, message: str, wanted: bool = True):
    """The flags of a yes/no fact a rule needs: information when not known, a violation
    (``message``) when it is not ``wanted``, nothing when it is."""
    if value is None:
        yield missing(path, unknown)
    elif value is not wanted:
        yield Flag(message, expected=wanted, found=value, path=path)


def hours_text(hours: float) -> str:
    """``3 h``, ``2,5 h``."""
    return f"{format_value(float(hours))} h"


#: Catalogue tuple id -> (the tuple, its codes, code -> label). The tuple is kept so
#: that its id cannot be reused while the entry lives.
_CATALOGUES: dict[int, tuple[tuple[CatalogueItem, ...], frozenset[str], dict[str, str]]] = {}


def _catalogue(items: tuple[CatalogueItem, ...]):
    entry = _CATALOGUES.get(id(items))
    if entry is None or entry[0] is not items:
        items = tuple(items)
        entry = (items, frozenset(i.code for i in items), {i.code: i.label for i in items})
        if len(_CATALOGUES) > 256:  # variant contracts built in a loop: bounded
            _CATALOGUES.clear()
        _CATALOGUES[id(items)] = entry
    return entry


def codes(items: tuple[CatalogueItem, ...]) -> frozenset[str]:
    """The codes of a catalogue (cached per catalogue tuple: a hot path of the checks)."""
    return _catalogue(items)[1]


def label_of(items: tuple[CatalogueItem, ...], code: str) -> str | None:
    """The French label of a catalogue code, or ``None``."""
    return _catalogue(items)[2].get(code)


def as_setting(value: Any, path: str) -> str:
    """``custody`` or ``community`` (case-insensitive; the old ``MF``/``MO`` too)."""
    if isinstance(value, str):
        text = value.strip()
        code = SETTING_ALIASES.get(text.upper()) or (
            text.lower() if text.lower() in SETTINGS else None)
        if code is not None:
            return code
    raise InputError(path, "« custody » (milieu fermé) ou « community » (milieu ouvert)")


_fromisoformat = dt.datetime.fromisoformat
_INSTANT = ("une date et heure ISO 8601, ex. « 2025-05-13T09:00:00+02:00 » (sans fuseau : "
            "heure de Paris)")


def as_instant(value: Any, path: str) -> dt.datetime:
    """A date and time, ISO 8601, with or without offset (without: Paris wall time).

    The forms of :func:`ppaip_rules.parsing.as_datetime` (``Z`` for UTC
    included). Years outside the calendar's range are refused, so that no
    later arithmetic can overflow.
    """
    if isinstance(value, str) and 10 < len(value) <= 40 and value[:4].isdigit():
        try:
            value = _fromisoformat(value)
        except ValueError:
            try:  # surrounding blanks; "Z" before Python 3.11
                value = _fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise InputError(path, _INSTANT) from None
    if not isinstance(value, dt.datetime):
        raise InputError(path, _INSTANT)
    require_input_year(value, path, "une date et heure")
    return paris_time(value, path)


def as_id(value: Any, path: str) -> str:
    """A pseudonymous identifier (text or number); never echoed in a message."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(path, f"un identifiant pseudonyme (texte de {ID_MAX} caractères au plus)")
    text = str(value)
    if not text.strip() or len(text) > ID_MAX or _has_control(text):
        raise InputError(path, f"un identifiant pseudonyme (texte de {ID_MAX} caractères au plus)")
    return text


def _has_control(text: str) -> bool:
    """Whether an identifier holds a control character (a line break would split the
    one-line message or output it is shown in; issue 16)."""
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)


def as_presence(value: Any, path: str) -> bool:
    """Whether a mandatory entry of a document is filled in.

    ``true``/``false``, or the text itself (present when not blank). The
    text is only tested for presence, never kept nor echoed.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return bool(value.strip())
    raise InputError(path, "true ou false (mention présente ou non), ou le texte de la mention")


# --- validators of the attrs models (direct construction from Python) ----------------
# Cheap plain functions (the models are built on the hot path of every check) raising
# InputError, like the JSON readers: a caller never sees another exception type.

_KIND_NAMES = {str: "un texte", bool: "true ou false", int: "un nombre entier",
               dt.date: "une date", dt.datetime: "une date et heure", dt.time: "une heure"}


def _expected(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " ou ".join(_KIND_NAMES.get(k, f"un objet {k.__name__}") for k in kinds)


def v_opt(kind: type | tuple[type, ...]):
    """``None`` or an instance of ``kind`` (``bool`` is not an ``int`` here)."""
    expected = _expected(kind) + " (ou null)"

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None and (not isinstance(value, kind) or (
                type(value) is bool and kind is not bool)):
            raise InputError(attribute.name, expected)
    return check


def v_is(kind: type | tuple[type, ...]):
    expected = _expected(kind)

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, kind):
            raise InputError(attribute.name, expected)
    return check


def v_in(choices: tuple[str, ...], optional: bool = True):
    expected = "une valeur parmi : " + ", ".join(choices)

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if (value is not None or not optional) and value not in choices:
            raise InputError(attribute.name, expected)
    return check


def v_tuple_of(kind: type, item: Any = None):
    """A tuple of instances of ``kind``, each also checked by the validator ``item``."""
    expected = f"une liste de {_expected(kind)}"

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if type(value) is not tuple:
            raise InputError(attribute.name, expected)
        for element in value:
            if not isinstance(element, kind):
                raise InputError(attribute.name, expected)
            if item is not None:
                item(instance, attribute, element)
    return check


def v_number(maximum: float, integer: bool = False, optional: bool = True):
    """A finite number (an integer with ``integer``) between 0 and ``maximum``.

    Mirrors :func:`ppaip_rules.parsing.as_number` / ``as_int`` on numbers.
    """
    kinds = int if integer else (int, float)
    expected = f"un nombre{' entier' if integer else ''} entre 0 et {maximum}"

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is None and optional:
            return
        if type(value) is bool or not isinstance(value, kinds) or not 0 <= value <= maximum:
            raise InputError(attribute.name, expected)
    return check


def v_instant(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, dt.datetime):
        raise InputError(attribute.name, "une date et heure")
    require_input_year(value, attribute.name, "une date et heure")


def v_date(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise InputError(attribute.name, "une date sans heure (ou null)")


def v_text(max_length: int, allow_empty: bool = False, optional: bool = True):
    """Mirrors :func:`ppaip_rules.parsing.as_str` (same texts accepted)."""
    expected = f"un texte non vide de {max_length} caractères au plus"

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or len(value) > max_length or (
                not allow_empty and not value.strip()):
            raise InputError(attribute.name, expected)
    return check


def v_id(instance: Any, attribute: Any, value: Any) -> None:
    """Mirrors :func:`as_id` for texts (a number is turned into text by the reader)."""
    if value is not None and (not isinstance(value, str) or not value.strip()
                              or len(value) > ID_MAX or _has_control(value)):
        raise InputError(attribute.name, f"un identifiant pseudonyme (texte de {ID_MAX} "
                                         f"caractères au plus)")
