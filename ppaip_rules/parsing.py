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
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from .errors import CalendarRangeError, InputError

T = TypeVar("T")
Converter = Callable[[Any, str], T]

_FR_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_FR_DATETIME = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2})[:h](\d{2})\s*")
MAX_TEXT = 10_000
#: What a field name looks like; only such a key is ever echoed (``fullmatch``: a
#: trailing newline or any control character makes it "?").
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,39}")


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
            raise InputError(path, "un nombre entier" + bounds_text(minimum, maximum))
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
            raise InputError(path, "un nombre" + bounds_text(minimum, maximum))
        return value
    return convert


def bounds_text(minimum: float | None, maximum: float | None) -> str:
    """The bounds of a number as an expected form says them: `` entre 0 et 2,5``,
    `` supérieur ou égal à 0``… (empty without bounds). Shared by these converters and
    the generic layer (:class:`ppaip_rules.describe.FieldInfo`)."""
    if minimum is not None and maximum is not None:
        return f" entre {_bound(minimum)} et {_bound(maximum)}"
    if minimum is not None:
        return f" supérieur ou égal à {_bound(minimum)}"
    if maximum is not None:
        return f" inférieur ou égal à {_bound(maximum)}"
    return ""


def _bound(x: float) -> str:
    """A bound for a French reader: ``10000``, ``2,5`` (a decimal comma, never an exponent)."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}".replace(".", ",")


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
        if isinstance(value, str) and len(value) <= 40 and _FR_DATETIME.fullmatch(value):
            return _french_datetime(value, path)
        if isinstance(value, str) and 10 < len(value) <= 40 and value[:4].isdigit():
            try:
                value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise InputError(path, expected) from None
        if not isinstance(value, dt.datetime):
            raise InputError(path, expected)
        if aware:
            value = paris_time(value, path)
        return check_instant(value, path)
    return convert


def _french_datetime(value: str, path: str) -> dt.datetime:
    """``JJ/MM/AAAA HH:MM``: a wall-clock time in Paris (refused in the spring gap and the
    autumn fold, where the offset must be given: :func:`paris_time`)."""
    day, month, year, hour, minute = (int(g) for g in _FR_DATETIME.fullmatch(value).groups())
    try:
        naive = dt.datetime(year, month, day, hour, minute)
    except ValueError:
        raise InputError(path, "une date et heure JJ/MM/AAAA HH:MM existante") from None
    return paris_time(naive, path)


def as_date_or_datetime(value: Any, path: str) -> dt.date | dt.datetime:
    """A date (``AAAA-MM-JJ``, ``JJ/MM/AAAA``) or an ISO instant, as sent."""
    if isinstance(value, dt.datetime):
        return check_instant(paris_time(value, path), path)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) <= 40 and _FR_DATETIME.fullmatch(value):
        return _french_datetime(value, path)
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
                               "(ISO 8601 avec fuseau, ou JJ/MM/AAAA HH:MM, heure de Paris)"
                         ) from None


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
                # A key is echoed only when it is one of the library's own field names,
                # never free text or a name ("Jean_DUPONT"); the nearest known field of
                # this object is named too, when there is one.
                import difflib

                plain = isinstance(key, str) and _FIELD_NAME.fullmatch(key) is not None
                near = difflib.get_close_matches(key, sorted(self._seen), n=1) if plain else []
                raise InputError(join(self.path, shown_key(key)),
                                 "un champ parmi : " + ", ".join(sorted(self._seen)),
                                 f"champ inconnu{f' (proche de « {near[0]} »)' if near else ''}")


def _expected_of(convert: Callable) -> str:
    """A short French description of what a converter expects (for 'missing' errors)."""
    try:
        convert(_MISSING, "")
    except InputError as error:
        return error.expected
    return "une valeur"


# --- hardening helpers shared by every reader (issue 16) ------------------------------

def shown_key(key: Any) -> str:
    """A key as it may appear in a message: itself when it is one of the library's own
    field names (of an input schema or of the contract parameters), else ``?``.

    An unknown key may be anything a caller typed (``Jean_DUPONT``): never echoed."""
    if isinstance(key, str) and _FIELD_NAME.fullmatch(key) and key in _vocabulary():
        return key
    return "?"


_VOCABULARY: list[frozenset[str]] = []
#: Computes the library's field names; set by the package root (``_api.vocabulary``) so
#: that this reader module imports no area (no import cycle).
_VOCABULARY_SOURCE: list[Callable[[], frozenset[str]]] = []


def set_vocabulary_source(source: Callable[[], frozenset[str]]) -> None:
    """Install the function that lists the library's own field names (see :func:`shown_key`)."""
    _VOCABULARY_SOURCE[:] = [source]
    _VOCABULARY.clear()


def _vocabulary() -> frozenset[str]:
    """Every field name of every input schema and of the contract parameters (built once)."""
    if not _VOCABULARY:
        if not _VOCABULARY_SOURCE:
            return frozenset()
        _VOCABULARY.append(_VOCABULARY_SOURCE[0]())
    return _VOCABULARY[0]


#: Instants are converted to Paris time and UTC; one whose year is at datetime's
#: limits (``0001-01-01T00:00:00+14:00``) would overflow there.
_INSTANT_YEARS = (dt.MINYEAR + 1, dt.MAXYEAR - 1)


def check_instant(value: dt.datetime, path: str) -> dt.datetime:
    """``value`` when it can be converted to Paris time without overflow, else an
    :class:`CalendarRangeError` (an :class:`InputError`) naming ``path``. Every reader of
    an instant calls it before any ``astimezone``; the calendar's own range check comes
    after."""
    if not _INSTANT_YEARS[0] <= value.year <= _INSTANT_YEARS[1]:
        raise CalendarRangeError(path, "une date et heure d'une année plausible",
                                 "année hors limites")
    try:
        if value.utcoffset() is not None:
            value.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        raise CalendarRangeError(path, "une date et heure d'une année plausible",
                                 "année hors limites") from None
    return value


_SWITCH_WORDS = {"oui": True, "non": False, "true": True, "false": False}
_SWITCH = "true ou false (ou « oui » / « non »)"


def require_switch(value: Any, name: str) -> bool:
    """A policy switch given as a Python keyword argument: a ``bool`` and nothing else."""
    if type(value) is not bool:
        raise InputError(name, "True ou False (interrupteur de politique)")
    return value


# --- direct construction and keyword arguments (issue 16, item 14) ---------------------
# Two generic guards, so that a Python caller gets an InputError naming the argument
# whatever model or function it calls, and no TypeError, AttributeError, ValueError or
# OverflowError from inside: ``guard_models`` wraps the ``__init__`` of every attrs model
# of a module, ``guard_arguments`` every public function (``ppaip_rules.__init__``).

_ESCAPES = (TypeError, ValueError, AttributeError, OverflowError, RecursionError,
            IndexError, KeyError)
_DATE_TYPE = re.compile(r"(?:dt\.)?date(?: \| None)?")
_DATES_TYPE = re.compile(r"tuple\[(?:dt\.)?date, \.\.\.\](?: \| None)?")


def _type_text(field: Any) -> str:
    kind = field.type
    return kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))


def _plain_date(name: str, value: Any) -> None:
    if isinstance(value, dt.datetime):
        raise InputError(name, "une date sans heure (un objet date, pas datetime)")


_INFINITE = (math.inf, -math.inf)


def guard_models(namespace: dict[str, Any]) -> None:
    """Guard every attrs class defined in the module whose ``globals()`` is given.

    After construction, a float field must be finite, and a field typed ``date``
    refuses a ``datetime`` (a date subclass that would compare inconsistently)."""
    import attrs

    module = namespace.get("__name__")
    for cls in list(namespace.values()):
        if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == module:
            _guard_model(cls)


def _guard_model(cls: type) -> None:
    import attrs

    init = cls.__init__
    if getattr(init, "_ppaip_guarded", False):
        return
    fields = [f for f in attrs.fields(cls) if f.init]  # computed fields are the model's
    floats = tuple(f.name for f in fields if "float" in _type_text(f))
    dates = tuple(f.name for f in fields if _DATE_TYPE.fullmatch(_type_text(f)))
    date_tuples = tuple(f.name for f in fields if _DATES_TYPE.fullmatch(_type_text(f)))
    checked = bool(floats or dates or date_tuples)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except InputError:
            raise
        except _ESCAPES:
            raise _init_error(cls, args, kwargs) from None
        if checked:
            for name in floats:
                value = getattr(self, name)
                if value.__class__ is float and (value != value or value in _INFINITE):
                    raise InputError(name, "un nombre fini")
            for name in dates:
                _plain_date(name, getattr(self, name))
            for name in date_tuples:
                values = getattr(self, name)
                if isinstance(values, tuple):
                    for value in values:
                        _plain_date(name, value)

    __init__._ppaip_guarded = True  # type: ignore[attr-defined]
    __init__.__doc__ = init.__doc__
    __init__.__wrapped__ = init  # type: ignore[attr-defined]  (inspect.signature)
    cls.__init__ = __init__  # type: ignore[method-assign]


def trusted(cls: type) -> Any:
    """The attrs constructor of ``cls`` without the guard that :func:`guard_models` puts
    on direct construction (issue 16): for results the library builds from values it has
    already checked. Resolved once per class."""
    build = _TRUSTED.get(cls)
    if build is None:
        build = _slot_builder(cls)
        if build is None:
            init = getattr(cls.__init__, "__wrapped__", cls.__init__)
            new = object.__new__

            def build(*args: Any) -> Any:
                obj = new(cls)
                init(obj, *args)
                return obj

        _TRUSTED[cls] = build
    return build


_TRUSTED: dict[type, Any] = {}


def _slot_builder(cls: type) -> Any:
    """For a slotted attrs class whose fields are all given to ``__init__`` and have no
    validator: a generated function that does what attrs' ``__init__`` does (the same
    parameters, defaults and converters, then ``__attrs_post_init__``), each slot set
    through its descriptor (faster than the frozen class's ``object.__setattr__``).
    None for any other class (attrs' own constructor is used)."""
    import attrs

    fields = attrs.fields(cls)
    if "__slots__" not in cls.__dict__ or any(
            not f.init or f.validator is not None or isinstance(f.default, attrs.Factory)
            or (f.converter is not None and not callable(f.converter))
            or isinstance(f.converter, attrs.Converter) for f in fields):
        return None
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    positional, keywords, body = [], [], []
    for i, f in enumerate(fields):
        parameter = f"a{i}" if f.default is attrs.NOTHING else f"a{i}=d{i}"
        namespace[f"d{i}"] = f.default
        (keywords if f.kw_only else positional).append(parameter)
        slot = cls.__dict__.get(f.name)
        if slot is None or not hasattr(slot, "__set__"):
            return None
        namespace[f"s{i}"] = slot.__set__
        if f.converter is not None:
            namespace[f"c{i}"] = f.converter
            body.append(f"    s{i}(obj, c{i}(a{i}))")
        else:
            body.append(f"    s{i}(obj, a{i})")
    if hasattr(cls, "__attrs_post_init__"):
        body.append("    obj.__attrs_post_init__()")
    signature = ", ".join([*positional, *(["*", *keywords] if keywords else [])])
    source = "\n".join([f"def build({signature}):", "    obj = new(cls)", *body,
                        "    return obj"])
    exec(compile(source, f"<trusted constructor of {cls.__name__}>", "exec"), namespace)
    return namespace["build"]


def _init_error(cls: type, args: tuple, kwargs: dict) -> InputError:
    """The argument of a failed construction: an unknown or missing one, or the first
    whose converter fails. Names only, never values."""
    import attrs

    fields = [f for f in attrs.fields(cls) if f.init]
    aliases = {f.alias or f.name: f for f in fields}
    for key in kwargs:
        if key not in aliases:
            return InputError(shown_key(key), "un champ parmi : " + ", ".join(aliases),
                              "champ inconnu")
    positional = [f for f in fields if not f.kw_only]
    if len(args) > len(positional):
        return InputError(cls.__name__, f"au plus {len(positional)} argument(s) positionnel(s)",
                          "trop d'arguments")
    given = dict(zip((f.alias or f.name for f in positional), args, strict=False))
    given.update(kwargs)
    for alias, field in aliases.items():
        if alias not in given and field.default is attrs.NOTHING:
            return InputError(field.name, "une valeur", "champ manquant")
    for alias, value in given.items():
        converter = aliases[alias].converter
        if converter is None:
            continue
        try:
            convert = getattr(converter, "converter", converter)  # attrs.Converter
            convert(value)
        except _ESCAPES:
            return InputError(aliases[alias].name, "une valeur du type attendu (une liste pour "
                                                   "une suite d'éléments)")
    return InputError(cls.__name__, "des arguments du type attendu")


# --- JSON documents (issue 16: a key given twice is refused) ---------------------------

class _Duplicated(dict):
    """A JSON object in which a key appeared twice (found by :func:`_refuse_duplicates`)."""

    duplicate: Any = None


def _object_pairs(pairs: list[tuple[str, Any]], found: list) -> dict:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked = _Duplicated(obj)
            marked.duplicate = key
            found.append(marked)
            return marked
        seen.add(key)
    return obj  # pragma: no cover


def _refuse_duplicates(data: Any) -> None:
    """Raise for the first object holding a key twice, naming the key's path.

    The JSON decoder builds objects innermost first, without their paths: the
    duplicated ones are marked there and found here (an iterative walk)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _Duplicated):
            raise InputError(join(path, shown_key(value.duplicate)),
                             "une clé présente une seule fois par objet", "clé en double")
        if isinstance(value, dict):
            stack.extend((v, join(path, shown_key(k))) for k, v in value.items()
                         if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, join(path, i)) for i, v in enumerate(value)
                         if isinstance(v, (dict, list)))


class _KeyTwice(Exception):
    """Raised by :func:`_unique_pairs`: the document is read again to name the key's path."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _KeyTwice
    return obj


#: The decoder of :func:`load_json`, built once (``json.loads`` with a hook builds one per
#: call): it stops at the first key given twice, which is then found with its path.
_DECODER: list = []


def load_json(raw: bytes, filename: str = "-") -> Any:
    """JSON from bytes (UTF-8, with or without BOM); errors are :class:`InputError`.

    A key given twice in one object is refused (the last would silently win)."""
    import json  # here: a deadline alone never reads JSON (issue 13, cold start)

    if not _DECODER:
        _DECODER.append(json.JSONDecoder(object_pairs_hook=_unique_pairs))
    found: list = []
    try:
        text = raw.decode("utf-8-sig")
        try:
            return _DECODER[0].decode(text)
        except _KeyTwice:
            data = json.loads(text, object_pairs_hook=lambda pairs: _object_pairs(pairs, found))
    except UnicodeDecodeError:
        raise InputError(filename, "un fichier JSON encodé en UTF-8",
                         "encodage illisible") from None
    except (ValueError, RecursionError) as error:
        where = f"ligne {error.lineno}, colonne {error.colno}" if isinstance(
            error, json.JSONDecodeError) else None
        raise InputError(filename, "un document JSON valide",
                         f"JSON illisible{' (' + where + ')' if where else ''}") from None
    if found:
        _refuse_duplicates(data)
    return data
