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
from zoneinfo import ZoneInfo

from .errors import InputError

T = TypeVar("T")
Converter = Callable[[Any, str], T]

_FR_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
MAX_TEXT = 10_000
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,39}$")


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


_PARIS = ZoneInfo("Europe/Paris")
_UTC = dt.timezone.utc
_GAP = ("une heure qui existe à Paris : au passage à l'heure d'été, les heures de 2 h à 3 h "
        "n'existent pas")
_FOLD = ("la date et heure avec son décalage (« +02:00 » pour la première fois, « +01:00 » "
         "pour la seconde) : au passage à l'heure d'hiver, cette heure existe deux fois à Paris")


#: The ``problem`` of the InputError of a wall time in the gap, or in the fold.
TIME_GAP = "heure inexistante (passage à l'heure d'été)"
TIME_FOLD = "heure ambiguë (passage à l'heure d'hiver)"


def paris_time(value: dt.datetime, path: str) -> dt.datetime:
    """An aware instant: a datetime with an offset as is; without one, Paris wall time.

    The one place where a time given without an offset is read (every input: events,
    programme sessions, ``as_of``…). A wall time that does not exist in Paris (the
    spring gap) or exists twice (the autumn fold) is an :class:`InputError` naming
    ``path``; the library never guesses which instant was meant.
    """
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    naive = value.replace(tzinfo=None)
    first = naive.replace(tzinfo=_PARIS)
    if first.utcoffset() == naive.replace(tzinfo=_PARIS, fold=1).utcoffset():
        return first
    if first.astimezone(_UTC).astimezone(_PARIS).replace(tzinfo=None) != naive:
        raise InputError(path, _GAP, TIME_GAP)
    raise InputError(path, _FOLD, TIME_FOLD)


def as_datetime(aware: bool = True) -> Converter[dt.datetime]:
    """An instant: ``datetime`` or ISO 8601 text; with ``aware``, a time without offset is
    read as Paris time (:func:`paris_time`), so that the result is always aware."""
    expected = ("une date et heure ISO 8601, ex. « 2025-05-02T14:30:00+02:00 » (sans "
                "décalage : heure de Paris)"
                if aware else "une date et heure ISO 8601, ex. « 2025-05-02T14:30:00 »")

    def convert(value: Any, path: str) -> dt.datetime:
        if isinstance(value, str) and 10 < len(value) <= 40 and value[:4].isdigit():
            try:
                value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise InputError(path, expected) from None
        if not isinstance(value, dt.datetime):
            raise InputError(path, expected)
        if aware:
            return paris_time(value, path)
        return value
    return convert


def as_date_or_datetime(value: Any, path: str) -> dt.date | dt.datetime:
    """A date (``AAAA-MM-JJ``, ``JJ/MM/AAAA``) or an ISO instant, as sent."""
    if isinstance(value, dt.datetime):
        return paris_time(value, path)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ("T" in value or " " in value.strip()) and len(value) > 10:
        try:
            instant = as_datetime(aware=False)(value, path)
        except InputError:
            pass
        else:
            return paris_time(instant, path)
    try:
        return as_date(value, path)
    except InputError:
        raise InputError(path, "une date (AAAA-MM-JJ ou JJ/MM/AAAA) ou une date et heure "
                               "ISO 8601 avec fuseau") from None


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
                # A key is echoed only when it looks like a field name, never free text.
                shown = key if isinstance(key, str) and _FIELD_NAME.match(key) else "?"
                raise InputError(join(self.path, shown),
                                 "un champ parmi : " + ", ".join(sorted(self._seen)),
                                 "champ inconnu")


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
