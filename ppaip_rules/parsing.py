"""Reading JSON-like input at the edge, naming every bad field by its path.

Each converter takes ``(value, path)`` and returns the typed value or raises
:class:`~ppaip_rules.errors.InputError` with the path (``workshops[1].participants``)
and the expected form in French. Messages never contain the value itself.

    >>> reader = Fields({"participants": 7}, "workshops[1]")
    >>> reader.required("participants", as_int(minimum=0))
    7
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from .errors import InputError

T = TypeVar("T")
Converter = Callable[[Any, str], T]

_FR_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_FR_DATETIME = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2})[:h](\d{2})\s*")
MAX_TEXT = 10_000
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,39}$")
_OWN_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def join(path: str, key: str | int) -> str:
    """``join("workshops", 1) == "workshops[1]"``; ``join("a", "b") == "a.b"``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def as_str(max_length: int = MAX_TEXT, allow_empty: bool = False) -> Converter[str]:
    def convert(value: Any, path: str) -> str:
        if not isinstance(value, str) or len(value) > max_length or (
                not allow_empty and not value.strip()):
            raise InputError(path, f"un texte non vide de {max_length} caractères au plus")
        return value
    return convert


def as_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(path, "true ou false")
    return value


def as_int(minimum: int | None = None, maximum: int | None = None) -> Converter[int]:
    def convert(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or (
                minimum is not None and value < minimum) or (
                maximum is not None and value > maximum):
            raise InputError(path, "un nombre entier" + _bounds(minimum, maximum))
        return value
    return convert


def as_number(minimum: float | None = None, maximum: float | None = None) -> Converter[float]:
    """A finite number (int or float; a French decimal comma in a string is accepted)."""
    def convert(value: Any, path: str) -> float:
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+([.,]\d+)?\s*", value):
            value = float(value.replace(",", "."))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not math.isfinite(value)) or (
                minimum is not None and value < minimum) or (
                maximum is not None and value > maximum):
            raise InputError(path, "un nombre" + _bounds(minimum, maximum))
        return value
    return convert


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" entre {minimum} et {maximum}"
    if minimum is not None:
        return f" supérieur ou égal à {minimum}"
    if maximum is not None:
        return f" inférieur ou égal à {maximum}"
    return ""


def as_date(value: Any, path: str) -> dt.date:
    """A date: ``date``, ISO ``AAAA-MM-JJ`` or French ``JJ/MM/AAAA``."""
    if isinstance(value, dt.datetime):
        raise InputError(path, "une date sans heure (AAAA-MM-JJ ou JJ/MM/AAAA)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) <= 40:
        m = _FR_DATE.match(value)
        try:
            if m:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(path, "une date AAAA-MM-JJ ou JJ/MM/AAAA")


def as_datetime(aware: bool = True) -> Converter[dt.datetime]:
    """An instant: ``datetime`` or ISO 8601 text; with ``aware``, an offset is required."""
    expected = ("une date et heure ISO 8601 avec fuseau, ex. « 2025-05-02T14:30:00+02:00 »"
                if aware else "une date et heure ISO 8601, ex. « 2025-05-02T14:30:00 »")

    def convert(value: Any, path: str) -> dt.datetime:
        if isinstance(value, str) and len(value) <= 40 and _FR_DATETIME.fullmatch(value):
            return _french_datetime(value, path)
        if isinstance(value, str) and 10 < len(value) <= 40 and value[:4].isdigit():
            try:
                value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise InputError(path, expected) from None
        if not isinstance(value, dt.datetime):
            raise InputError(path, expected)
        if aware and (value.tzinfo is None or value.utcoffset() is None):
            raise InputError(path, expected, "fuseau horaire manquant")
        return value
    return convert


def _french_datetime(value: str, path: str) -> dt.datetime:
    """``JJ/MM/AAAA HH:MM``: a wall-clock time in Paris (refused in the spring gap and the
    autumn fold, where the offset must be given)."""
    from zoneinfo import ZoneInfo

    day, month, year, hour, minute = (int(g) for g in _FR_DATETIME.fullmatch(value).groups())
    try:
        naive = dt.datetime(year, month, day, hour, minute)
    except ValueError:
        raise InputError(path, "une date et heure JJ/MM/AAAA HH:MM existante") from None
    paris = ZoneInfo("Europe/Paris")
    first, second = naive.replace(tzinfo=paris, fold=0), naive.replace(tzinfo=paris, fold=1)
    if first.astimezone(dt.timezone.utc).astimezone(paris).replace(tzinfo=None) != naive:
        raise InputError(path, "une heure qui existe à Paris",
                         "heure inexistante au passage à l'heure d'été")
    if first.utcoffset() != second.utcoffset():
        raise InputError(path, "une heure avec son décalage (ex. « 2025-10-26T02:30:00+02:00 »)",
                         "heure ambiguë au passage à l'heure d'hiver")
    return first


def as_date_or_datetime(value: Any, path: str) -> dt.date | dt.datetime:
    """A date (``AAAA-MM-JJ``, ``JJ/MM/AAAA``) or an ISO instant, as sent."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str) and len(value) <= 40 and _FR_DATETIME.fullmatch(value):
        return _french_datetime(value, path)
    if isinstance(value, str) and ("T" in value or " " in value.strip()) and len(value) > 10:
        try:
            return as_datetime(aware=False)(value, path)
        except InputError:
            pass
    try:
        return as_date(value, path)
    except InputError:
        raise InputError(path, "une date (AAAA-MM-JJ ou JJ/MM/AAAA) ou une date et heure "
                               "(ISO 8601 avec fuseau, ou JJ/MM/AAAA HH:MM, heure de Paris)"
                         ) from None


def as_choice(choices: Iterable[str]) -> Converter[str]:
    allowed = tuple(choices)

    def convert(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise InputError(path, "une valeur parmi : " + ", ".join(allowed))
        return value
    return convert


def as_list(item: Converter[T], max_items: int = 100_000) -> Converter[tuple[T, ...]]:
    def convert(value: Any, path: str) -> tuple[T, ...]:
        if not isinstance(value, (list, tuple)) or len(value) > max_items:
            raise InputError(path, f"une liste ({max_items} éléments au plus)")
        return tuple(item(v, join(path, i)) for i, v in enumerate(value))
    return convert


def as_object(build: Callable[[Fields], T], model: type | None = None) -> Converter[T]:
    """A nested object read by ``build(Fields)``; an instance of ``model`` passes as is."""
    def convert(value: Any, path: str) -> T:
        if model is not None and isinstance(value, model):
            return value
        return build(Fields(value, path))
    return convert


_MISSING = object()


class Fields:
    """One JSON object being read: fields are taken by name, unknown ones are errors."""

    def __init__(self, data: Any, path: str = "", strict: bool = True):
        if not isinstance(data, Mapping):
            raise InputError(path, "un objet JSON ({ … })")
        self.data = data
        self.path = path
        self.strict = strict
        self._seen: set[str] = set()

    def required(self, key: str, convert: Converter[T]) -> T:
        self._seen.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            raise InputError(join(self.path, key), _expected_of(convert), "champ manquant")
        return convert(value, join(self.path, key))

    def optional(self, key: str, convert: Converter[T], default: Any = None) -> T | Any:
        self._seen.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            return default
        return convert(value, join(self.path, key))

    def done(self) -> None:
        """Reject keys that were not read (a typo would otherwise be silently ignored)."""
        if not self.strict:
            return
        for key in self.data:
            if key not in self._seen:
                # An unknown key is echoed only in the form of the library's own field names
                # (lower-case snake_case), never a key that may be a name ("Jean_DUPONT"); the
                # nearest known field is named too, when there is one.
                import difflib

                plain = isinstance(key, str) and _FIELD_NAME.match(key) is not None
                near = difflib.get_close_matches(key, sorted(self._seen), n=1) if plain else []
                shown = key if plain and _OWN_FIELD_NAME.fullmatch(key) else "?"
                raise InputError(join(self.path, shown),
                                 "un champ parmi : " + ", ".join(sorted(self._seen)),
                                 f"champ inconnu{f' (proche de « {near[0]} »)' if near else ''}")


def _expected_of(convert: Callable) -> str:
    """A short French description of what a converter expects (for 'missing' errors)."""
    try:
        convert(_MISSING, "")
    except InputError as error:
        return error.expected
    return "une valeur"


def read_model(value: Any, model: type[T], build: Callable[[Fields], T], path: str = "") -> T:
    """A model instance as is, or one read from a JSON-like dict."""
    if isinstance(value, model):
        return value
    return build(Fields(value, path))
