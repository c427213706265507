"""One declarative description per input: field metadata on attrs models, and what derives from it.

An input model is an attrs class whose fields are declared with :func:`field`: the kind of
value (:data:`TEXT`, :data:`ID`, :data:`BOOL`, :data:`INT`, :data:`NUMBER`, :data:`DATE`,
:data:`MOMENT`, :data:`CODE`, a nested model), and its metadata (French label and
description, unit, bounds, code list with French labels and old spellings, whether the
value is personal, spreadsheet header). From that one description come:

- :func:`read`: the reader from JSON-like data. A plan is compiled once per model (a tuple
  of per-field steps); errors are :class:`~ppaip_rules.errors.InputError` naming the field
  path (``person.birth_date``, ``sessions[3].duration``) and the expected form in French,
  never the value;
- the validation of direct construction: every field's attrs validator is the same check
  as the reader's, so ``Person(status="x")`` and ``read(Person, {"status": "x"})`` refuse
  alike, with :class:`InputError` both ways;
- :func:`json_schema`: the JSON Schema (draft 2020-12) that accepts exactly the documents
  the reader accepts (property-tested: tests/test_describe.py);
- :func:`field_rows` / :func:`field_table`: the documentation's field table;
- :func:`columns`: the spreadsheet columns (French header, field path, French values).

A code list may depend on the contract parameters (:meth:`Codes.dynamic`): the reader is
given them (``read(..., context=params)``) and direct construction uses the default the
list itself gives for ``None``.

cattrs was evaluated and not used: its structuring hooks would still need every check and
French message written here, its errors (``ClassValidationError`` groups, English notes)
would have to be translated back into one French :class:`InputError` with a path, and
its generated code does not refuse unknown keys with a path without the same work. The
plan here is plain Python, typed, and as fast as the hand-written readers it replaces.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import functools
import math
import re
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from .calendar import FIRST_YEAR, LAST_YEAR, in_input_years
from .errors import InputError
from .parsing import _FIELD_NAME, paris_time, shown_key

T = TypeVar("T")

#: Kinds of value a field holds.
TEXT, ID, BOOL, INT, NUMBER, DATE, MOMENT, CODE = (
    "text", "id", "bool", "int", "number", "date", "moment", "code")
#: A document's entry checked for presence only (``true``/``false`` or its text, never
#: kept), and a time of day (``09:00``, ``9h``, ``14h30``).
PRESENCE, TIME = "presence", "time"
#: A date and time (ISO 8601; without an offset: Paris wall time), in the calendar's years.
INSTANT = "instant"
#: An instant made aware: with an offset as given, without one Paris wall time (refused in
#: the spring gap and the autumn fold); and a date, or such an instant (an event's ``at``).
PARIS_INSTANT, DAY_OR_INSTANT = "paris_instant", "day_or_instant"

ID_MAX = 64
#: A control character (a line break, an escape sequence…): never part of an identifier,
#: which is echoed in reports (issue 16).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]").search
#: A numeric identifier has 15 digits at most (exact in a JSON number).
ID_INT_MAX = 999_999_999_999_999
_META, _CHECK, _EXTRA = "ppaip", "ppaip_check", "ppaip_extra"
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_FR_DATE = r"\s*[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}\s*"
_TIME = r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{3}|\.[0-9]{6})?)?"
_OFFSET = r"(Z|[+-][0-9]{2}:[0-9]{2})"
_INSTANT = _ISO_DATE + _TIME + _OFFSET + "?"
_INSTANT_AWARE = _ISO_DATE + _TIME + _OFFSET
_ISO_DATE_RE = re.compile(_ISO_DATE)
_FR_DATE_RE = re.compile(r"\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*")
_INSTANT_RE = re.compile(_INSTANT)
_INSTANT_BLANKS_RE = re.compile(r"\s*(" + _INSTANT + r")\s*")
_DECIMAL = r"\s*-?[0-9]+([.,][0-9]+)?\s*"
_DECIMAL_RE = re.compile(_DECIMAL)
_TIME_OF_DAY = r"\s*([01]?[0-9]|2[0-3])\s*[:hH]\s*([0-5][0-9])?\s*"
_TIME_OF_DAY_RE = re.compile(_TIME_OF_DAY)
TIME_MAX = 10
#: The default cap on the length of a list (``many=True``): far beyond any real document
#: (a convocation of 1,000 people, a programme of 1,000 sessions) and small enough that a
#: hostile input costs little.
MAX_ITEMS = 1_000

#: The context of the read in progress (the contract parameters): dynamic code lists use it.
_CONTEXT: contextvars.ContextVar[Any] = contextvars.ContextVar("ppaip_describe_context",
                                                               default=None)


@attrs.frozen
class Codes:
    """A list of codes, each with its French label, and old spellings read as a code.

    ``fold``: the reader ignores case and surrounding spaces (the JSON Schema says so with
    a pattern). ``source``: for a list that depends on the contract parameters, a function
    of them (``None``: the default parameters) giving the codes and labels.
    """

    labels: Mapping[str, str] = attrs.field(factory=dict)
    aliases: Mapping[str, str] = attrs.field(factory=dict)
    fold: bool = False
    source: Callable[[Any], Mapping[str, str]] | None = attrs.field(default=None, eq=False)

    @classmethod
    def dynamic(cls, source: Callable[[Any], Mapping[str, str]], *,
                aliases: Mapping[str, str] | None = None, fold: bool = False) -> Codes:
        return cls({}, aliases or {}, fold, source)

    def of(self, context: Any) -> Mapping[str, str]:
        """code → French label, for these parameters."""
        return _resolve(self, context)[0]

    def table(self, context: Any) -> Mapping[str, str]:
        """Every accepted spelling (folded when ``fold``) → its code."""
        return _resolve(self, context)[1]

    def old(self, context: Any) -> Mapping[str, str]:
        """The old spellings still read (for one version), each → its code."""
        labels = self.of(context)
        return {old: code for old, code in self.aliases.items()
                if code in labels and old not in labels}

    def shown(self, context: Any) -> str:
        """The codes with their French labels: ``custody « milieu fermé », …``."""
        return ", ".join(f"{code} « {label} »" if label and label != code else code
                         for code, label in self.of(context).items())


#: (id of the code list, id of the context) → (list, context, labels, spellings): the lists
#: of a context are computed once (a context is a frozen parameter set; few exist).
_RESOLVED: dict[tuple[int, int], tuple[Codes, Any, Mapping[str, str], Mapping[str, str]]] = {}


def _resolve(codes: Codes, context: Any) -> tuple[Mapping[str, str], Mapping[str, str]]:
    key = (id(codes), id(context))
    hit = _RESOLVED.get(key)
    if hit is not None and hit[0] is codes and hit[1] is context:
        return hit[2], hit[3]
    labels = dict(codes.source(context)) if codes.source is not None else dict(codes.labels)
    table = {code: code for code in labels}
    # An old spelling is read as its code only when that code is in the list (a variant
    # contract may have dropped it) and the spelling is not itself a code of the list.
    table.update({old: code for old, code in codes.aliases.items()
                  if code in labels and old not in labels})
    if codes.fold:
        table = {spelling.lower(): code for spelling, code in table.items()}
    if len(_RESOLVED) > 1024:
        _RESOLVED.clear()
    _RESOLVED[key] = (codes, context, labels, table)
    return labels, table


@attrs.frozen(eq=False)
class Tagged:
    """A tagged union: a JSON object whose ``tag`` field (e.g. ``type``) says which model
    reads the rest of it. Declared with :func:`tagged`; used as the kind of a field
    (``field(EVENTS, "événements", many=True)``) or read on its own (``read(EVENTS, …)``).

    ``models``: tag code → model; ``codes``: the codes with their French labels and the
    old spellings (aliases) read as a code. The JSON Schema is a ``oneOf`` whose variants
    each fix the tag (``enum`` of the code and its aliases), so that exactly one applies.
    """

    tag: str
    models: Mapping[str, type]
    codes: Codes
    title: str
    #: Every model of the union (an instance of one passes as is).
    classes: tuple[type, ...] = attrs.field(init=False)
    #: Every accepted spelling of the tag → its model.
    table: Mapping[str, type] = attrs.field(init=False)
    #: Spelling of the tag → its variant's generated ``make(data)`` (keys checked, instance
    #: created, filled and post-initialised), compiled on first use.
    makers: dict[str, Callable[[Any], Any]] = attrs.field(init=False, factory=dict,
                                                           repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "classes", tuple(dict.fromkeys(self.models.values())))
        object.__setattr__(self, "table", {spelling: self.models[code] for spelling, code
                                           in self.codes.table(None).items()})

    def tag_expected(self) -> str:
        return "une valeur parmi : " + ", ".join(self.codes.of(None))

    def expected(self, context: Any = None) -> str:
        return (f"un objet JSON ({{ … }}) : {self.title}, dont le champ « {self.tag} » est "
                + self.tag_expected())


def tagged(tag: str, models: Mapping[str, type], *, title: str,
           labels: Mapping[str, str] | None = None,
           aliases: Mapping[str, str] | None = None) -> Tagged:
    """A tagged union on the field ``tag``: ``models`` maps each code to its model;
    ``labels`` gives the French label of each code (default: the model's title);
    ``aliases``: old spelling → code, read as the code."""
    labels = dict(labels) if labels is not None else {
        code: _title(model) for code, model in models.items()}
    if set(labels) != set(models) or not set((aliases or {}).values()) <= set(models):
        raise ValueError("the labels and aliases of a tagged union name its codes")
    return Tagged(tag, dict(models), Codes(labels, dict(aliases or {})), title)


@attrs.frozen
class Custom:
    """A kind of value that the generic kinds do not say, with its own reader, check, schema
    and expected form: a pattern (a safe identifier), a calendar month, or a value read by a
    reader written elsewhere (a case's tagged union of events).

    ``read(value, path)``: the JSON value → the model's value, or :class:`InputError`;
    ``check(value, path)``: a model value, refused with :class:`InputError`;
    ``schema(context)``: its JSON Schema (accepting what ``read`` accepts); ``samples``:
    JSON values, accepted and refused, that property tests draw from.
    """

    name: str
    expected: str
    read: Callable[[Any, str], Any] = attrs.field(eq=False)
    check: Callable[[Any, str], None] = attrs.field(eq=False)
    schema: Callable[[Any], dict[str, Any]] = attrs.field(eq=False)
    samples: tuple[Any, ...] = attrs.field(default=(), eq=False)


@attrs.frozen
class FieldInfo:
    """The description of one input field (attached to the attrs field's metadata)."""

    kind: Any  # a kind name, or a nested model class
    label: str
    description: str = ""
    required: bool = False
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    codes: Codes | None = None
    personal: bool = False
    header: str | None = None
    aware: bool = False  # MOMENT: an offset is required
    default: Any = None
    many: bool = False  # a list of values of ``kind`` (a tuple in the model)
    max_items: int = MAX_ITEMS
    blank: bool = False  # TEXT: an empty or blank text is accepted
    #: TEXT: a regular expression the text (surrounding blanks removed by the reader)
    #: matches whole; ``fmt``: the name of a further check in :data:`FORMATS`.
    pattern: str | None = None
    fmt: str | None = None
    #: The French expected form, when the kind's own wording does not say enough.
    expects: str | None = None
    #: INT: texts read as a number (case and surrounding blanks ignored), e.g. old levels.
    words: Mapping[str, int] | None = None
    #: DATE: inside the calendar's input years (deadlines computed from it stay inside).
    years: bool = False
    min_items: int = 0  # many: the fewest elements
    unique: bool = False  # many: a set (a frozenset in the model; duplicates merged)

    def item(self) -> FieldInfo:
        """The description of one element of a list field."""
        return attrs.evolve(self, many=False, required=True, default=None, min_items=0,
                            unique=False)

    def expected(self, context: Any = None, labelled: bool = False) -> str:
        """What the field expects, in French (the ``attendu`` of an error).

        ``labelled``: codes with their French labels (the docs; an error lists the codes
        only, so that no label can be mistaken for an echo of the value sent).
        """
        kind = self.kind
        if self.expects is not None and not self.many:
            return self.expects
        if self.many:
            size = (f"de {self.min_items} à {self.max_items} éléments" if self.min_items else
                    f"{self.max_items} éléments au plus")
            return (f"une liste ({size}) dont chaque élément est "
                    + self.item().expected(context, labelled))
        if isinstance(kind, Tagged):
            return kind.expected(context)
        if isinstance(kind, Custom):
            return kind.expected
        if kind == PRESENCE:
            return "true ou false (mention présente ou non), ou le texte de la mention"
        if kind == TIME:
            return "une heure « HH:MM » ou « 14h30 »"
        if kind == TEXT:
            return (f"un texte de {self.max_length} caractères au plus" if self.blank else
                    f"un texte non vide de {self.max_length} caractères au plus")
        if kind == INSTANT:
            return ("une date et heure ISO 8601, ex. « 2025-05-13T09:00:00+02:00 » (sans "
                    "fuseau : heure de Paris)")
        if kind == PARIS_INSTANT:
            return ("une date et heure ISO 8601, ex. « 2025-05-02T14:30:00+02:00 » (sans "
                    "décalage : heure de Paris ; l'heure exacte compte pour les délais en heures)")
        if kind == DAY_OR_INSTANT:
            return ("une date (AAAA-MM-JJ ou JJ/MM/AAAA) ou une date et heure ISO 8601 (sans "
                    "décalage : heure de Paris)")
        if kind == ID:
            return f"un identifiant pseudonyme (texte de {ID_MAX} caractères au plus)"
        if kind == BOOL:
            return "true ou false"
        if kind in (INT, NUMBER):
            return ("un nombre entier" if kind == INT else "un nombre") + _bounds(
                self.minimum, self.maximum)
        if kind == DATE:
            return "une date AAAA-MM-JJ ou JJ/MM/AAAA" + (
                f" entre {FIRST_YEAR + 1} et {LAST_YEAR - 1}" if self.years else "")
        if kind == MOMENT:
            return ("une date (AAAA-MM-JJ ou JJ/MM/AAAA) ou une date et heure ISO 8601"
                    + (" avec fuseau" if self.aware else ""))
        if kind == CODE:
            assert self.codes is not None
            return "une valeur parmi : " + (self.codes.shown(context) if labelled else
                                            ", ".join(self.codes.of(context)))
        return f"un objet JSON ({{ … }}) : {_title(kind)}"


def _title(model: type) -> str:
    doc = (model.__doc__ or model.__name__).strip().splitlines()[0]
    return doc.rstrip(".")


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" entre {_num(minimum)} et {_num(maximum)}"
    if minimum is not None:
        return f" supérieur ou égal à {_num(minimum)}"
    if maximum is not None:
        return f" inférieur ou égal à {_num(maximum)}"
    return ""


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


# --- declaring fields ---------------------------------------------------------------

def field(kind: Any, label: str, description: str = "", *, required: bool = False,
          default: Any = None, unit: str | None = None, minimum: float | None = None,
          maximum: float | None = None, max_length: int | None = None,
          codes: Codes | None = None, personal: bool = False, header: str | None = None,
          aware: bool = False, many: bool = False, max_items: int = MAX_ITEMS,
          blank: bool = False, empty: Any = (), pattern: str | None = None,
          fmt: str | None = None, expects: str | None = None,
          words: Mapping[str, int] | None = None, years: bool = False,
          validator: Callable[[Any, attrs.Attribute[Any], Any], None] | None = None,
          min_items: int = 0, unique: bool = False, kw_only: bool | None = None) -> Any:
    """An attrs field described for the generic layer (its validator included).

    An optional field defaults to ``default`` (``None``: "not known"); ``null`` in the
    input reads as that default too. ``many``: a list of ``max_items`` values at most, a
    tuple in the model (default ``empty``: ``()``, or ``None`` when an absent list means
    "not known"); its elements' paths are ``name[i]``. ``blank``: a text may be blank.
    ``validator``: a further check, on the whole instance (e.g. two fields that must
    agree), raising :class:`InputError`. ``pattern``, ``fmt``, ``expects``, ``words``,
    ``years``: see :class:`FieldInfo`. ``min_items``: the fewest elements of a list;
    ``unique``: a list read as a set (a ``frozenset`` in the model). ``kw_only``: as attrs'
    (``False`` keeps a field positional in a ``kw_only`` class that redefines it). A
    ``personal`` value never shows in the model's ``repr``.
    """
    if many and default is None:
        default = empty
    info = FieldInfo(kind, label, description, required, unit, minimum, maximum,
                     max_length or (10_000 if kind == TEXT else None), codes, personal,
                     header, aware, default, many, max_items, blank, pattern, fmt, expects,
                     words, years, min_items, unique)
    check = _checker(info)

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and not required:
            return
        if value is None:
            raise InputError(attribute.name, info.expected(_CONTEXT.get()), "champ manquant")
        check(value, attribute.name)

    validators: Any = validate if validator is None else [validate, validator]
    metadata = {_META: info, _CHECK: check, _EXTRA: validator}
    converter: Any = (_to_set(info) if unique else _to_tuple) if many else (
        _to_paris if kind in (PARIS_INSTANT, DAY_OR_INSTANT) else None)
    more: dict[str, Any] = {"repr": _hidden} if personal else {}
    if kw_only is not None:
        more["kw_only"] = kw_only
    if required:
        return attrs.field(validator=validators, metadata=metadata, converter=converter,
                           **more)
    return attrs.field(default=default, validator=validators, metadata=metadata,
                       converter=converter, **more)


def _hidden(value: Any) -> str:
    """How a personal value shows in a ``repr``: never itself."""
    return "None" if value is None else "'…'"


def _to_set(info: FieldInfo) -> Callable[[Any], Any]:
    """A list, tuple or set given to a constructor is kept as a frozenset; a list or tuple
    with a bad element is kept as a tuple, so that the check names it by its index."""
    check_item = _checker(info.item())

    def to_set(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            try:
                for item in value:
                    check_item(item, "")
            except InputError:
                return tuple(value)
            return frozenset(value)
        return frozenset(value) if isinstance(value, set) else value
    return to_set


def _to_paris(value: Any) -> Any:
    """A datetime without offset given to a constructor is Paris wall time (left as is when
    it does not exist once in Paris: the check then names the field and the problem)."""
    if type(value) is dt.datetime and value.tzinfo is None:
        try:
            return paris_time(value, "")
        except InputError:
            return value
    return value


def _to_tuple(value: Any) -> Any:
    """A list given to a constructor is kept as a tuple (anything else is checked as is)."""
    return tuple(value) if isinstance(value, list) else value


def info_of(attribute: attrs.Attribute[Any]) -> FieldInfo | None:
    found = attribute.metadata.get(_META)
    return found if isinstance(found, FieldInfo) else None


def described(model: type) -> list[tuple[str, FieldInfo]]:
    """The model's described fields, in declaration order."""
    out = []
    for attribute in attrs.fields(model):
        info = info_of(attribute)
        if info is not None:
            out.append((attribute.name, info))
    return out


# --- checks on typed values (direct construction) ------------------------------------

Check = Callable[[Any, str], None]


def _checker(info: FieldInfo) -> Check:
    """The check of a value already of the model's type (what a constructor receives)."""
    kind = info.kind
    if info.many:
        check_item = _checker(info.item())
        limit, least = info.max_items, info.min_items
        collection = frozenset if info.unique else tuple

        def check_many(value: Any, path: str) -> None:
            if info.unique and isinstance(value, tuple) and len(value) <= limit:
                for i, item in enumerate(value):  # a bad element, named by its index
                    check_item(item, f"{path}[{i}]")
            if not isinstance(value, collection) or not least <= len(value) <= limit:
                raise InputError(path, info.expected(_CONTEXT.get()))
            for i, item in enumerate(value):
                check_item(item, f"{path}[{i}]")
        return check_many

    def fail(path: str) -> InputError:
        return InputError(path, info.expected(_CONTEXT.get()))

    if isinstance(kind, Custom):
        return kind.check
    if kind in (TEXT, ID):
        limit = ID_MAX if kind == ID else (info.max_length or 10_000)
        blank = info.blank

        control = kind == ID
        if info.pattern is not None:
            match = re.compile(info.pattern).fullmatch
            further = FORMATS[info.fmt] if info.fmt is not None else None

            def check_pattern(value: Any, path: str) -> None:
                if not isinstance(value, str) or len(value) > limit or not match(value) or (
                        further is not None and not further(value)):
                    raise fail(path)
            return check_pattern

        def check(value: Any, path: str) -> None:
            if not isinstance(value, str) or len(value) > limit or not (
                    blank or value.strip()) or (control and _CONTROL(value)):
                raise fail(path)
        return check
    if kind in (PARIS_INSTANT, DAY_OR_INSTANT):
        day_too = kind == DAY_OR_INSTANT

        def check_paris(value: Any, path: str) -> None:
            if isinstance(value, dt.datetime):
                if value.utcoffset() is None:
                    paris_time(value, path)  # the gap or the fold: says which
                    raise fail(path)
            elif type(value) is not dt.date or not day_too:
                raise fail(path)
            if not in_input_years(value.year):
                raise InputError(path, info.expected(), "année hors limites")
        return check_paris
    if kind == INSTANT:
        def check_instant(value: Any, path: str) -> None:
            if not isinstance(value, dt.datetime) or not in_input_years(value.year):
                raise fail(path)
            if value.tzinfo is None:
                paris_time(value, path)  # a wall time in the spring gap or the autumn fold
        return check_instant
    if kind in (BOOL, PRESENCE):
        def check_bool(value: Any, path: str) -> None:
            if not isinstance(value, bool):
                raise fail(path)
        return check_bool
    if kind in (INT, NUMBER):
        integer = kind == INT
        low, high = info.minimum, info.maximum

        def check_number(value: Any, path: str) -> None:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                    integer and not isinstance(value, int)):
                raise fail(path)
            if (isinstance(value, float) and not math.isfinite(value)) or (
                    low is not None and value < low) or (high is not None and value > high):
                raise fail(path)
        return check_number
    if kind == DATE:
        years = info.years

        def check_date(value: Any, path: str) -> None:
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or (
                    years and not in_input_years(value.year)):
                raise fail(path)
        return check_date
    if kind == TIME:
        def check_time(value: Any, path: str) -> None:
            if not isinstance(value, dt.time):
                raise fail(path)
        return check_time
    if kind == MOMENT:
        def check_moment(value: Any, path: str) -> None:
            if not isinstance(value, dt.date):
                raise fail(path)
            if info.aware and isinstance(value, dt.datetime) and value.utcoffset() is None:
                raise InputError(path, info.expected(), "fuseau horaire manquant")
        return check_moment
    if kind == CODE:
        codes = info.codes
        assert codes is not None

        if codes.source is None:
            labels = codes.labels

            def check_static_code(value: Any, path: str) -> None:
                if not isinstance(value, str) or value not in labels:
                    raise fail(path)
            return check_static_code

        def check_code(value: Any, path: str) -> None:
            if not isinstance(value, str) or value not in codes.of(_CONTEXT.get()):
                raise fail(path)
        return check_code
    if isinstance(kind, Tagged):
        kinds = kind.classes

        def check_variant(value: Any, path: str) -> None:
            if not isinstance(value, kinds):
                raise fail(path)
        return check_variant
    model = kind

    def check_model(value: Any, path: str) -> None:
        if not isinstance(value, model):
            raise fail(path)
    return check_model


# --- the reader: a plan compiled once per model ------------------------------------------

Step = Callable[[Any, str], Any]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _step(info: FieldInfo) -> Step:
    """The conversion of one JSON value to the model's value (then checked by the model)."""
    kind = info.kind

    def fail(path: str, problem: str | None = None) -> InputError:
        return InputError(path, info.expected(_CONTEXT.get()), problem)

    if info.many and (info.unique or info.min_items):
        inner = _step(attrs.evolve(info, unique=False, min_items=0))
        least, unique = info.min_items, info.unique

        def read_bounded(value: Any, path: str) -> Any:
            if isinstance(value, (list, tuple)) and len(value) < least:
                raise fail(path)
            got = inner(value, path)
            return frozenset(got) if unique else got
        return read_bounded
    if info.many and isinstance(info.kind, Tagged):
        return _read_variants(info, fail)
    if info.many:
        item = info.item()
        read_item = _step(item)
        check_item = _checker(item) if item.kind in _CHECKED_AFTER else None
        limit = info.max_items

        if isinstance(item.kind, type):
            nested = item.kind

            def read_models(value: Any, path: str) -> Any:
                if (type(value) is not list and not isinstance(value, tuple)) or \
                        len(value) > limit:
                    raise fail(path)
                i = 0
                out: list[Any] = []
                plan = _PLANS.get(nested) or _plan(nested)
                names, fill, new = plan.names, plan.fill, object.__new__
                plain, post = not plan.extras, plan.post_init
                try:
                    for element in value:
                        # the plain case inline (a dict of known keys); any other through _read
                        if plain and type(element) is dict and element.keys() <= names:
                            instance: Any = new(nested)
                            fill(instance, element.get)
                            if post is not None:
                                post(instance)
                            out.append(instance)
                        elif element is None:
                            raise InputError("", item.expected(_CONTEXT.get()), "élément vide")
                        else:
                            out.append(_read(nested, element))
                        i += 1
                except InputError as error:
                    raise error.at(f"[{i}]").at(path) from None
                return tuple(out)
            return read_models

        if read_item is _identity and check_item is not None:  # texts, numbers, flags
            only_check = check_item

            def check_many(value: Any, path: str) -> Any:
                if (type(value) is not list and not isinstance(value, tuple)) or \
                        len(value) > limit:
                    raise fail(path)
                i = 0
                try:
                    for element in value:
                        if element is None:
                            raise InputError("", item.expected(_CONTEXT.get()), "élément vide")
                        only_check(element, "")
                        i += 1
                except InputError as error:
                    raise error.at(f"[{i}]").at(path) from None
                return tuple(value)
            return check_many

        def read_many(value: Any, path: str) -> Any:
            if not isinstance(value, (list, tuple)) or len(value) > limit:
                raise fail(path)
            # Elements are read with a relative path; the index is added on error only.
            i = 0
            out = []
            try:
                for i, element in enumerate(value):  # noqa: B007 (i: on error)
                    if element is None:
                        raise InputError("", item.expected(_CONTEXT.get()), "élément vide")
                    element = read_item(element, "")
                    if check_item is not None:
                        check_item(element, "")
                    out.append(element)
            except InputError as error:
                raise error.at(f"[{i}]").at(path) from None
            return tuple(out)
        return read_many
    if isinstance(kind, Custom):
        return kind.read
    if kind == PRESENCE:
        def read_presence(value: Any, path: str) -> Any:
            if isinstance(value, bool):
                return value
            if isinstance(value, str):
                return bool(value.strip())
            raise fail(path)
        return read_presence
    if kind == INSTANT:
        def read_instant(value: Any, path: str) -> Any:
            if type(value) is str:
                try:  # the plain form first: the hot path of the programme
                    moment = _fromisoformat(value)
                except ValueError:
                    moment = None
                if moment is None or not _INSTANT_RE.fullmatch(value):
                    match = _INSTANT_BLANKS_RE.fullmatch(value)
                    if not match:
                        raise fail(path)
                    try:
                        moment = _fromisoformat(match.group(1).replace("Z", "+00:00"))
                    except ValueError:
                        raise fail(path) from None
                value = moment
            if not isinstance(value, dt.datetime) or not in_input_years(value.year):
                raise fail(path)
            if value.tzinfo is None:
                paris_time(value, path)  # a wall time in the spring gap or the autumn fold
            return value
        return read_instant
    if kind in (PARIS_INSTANT, DAY_OR_INSTANT):
        return _read_paris(kind == DAY_OR_INSTANT, fail)
    if isinstance(kind, Tagged):
        union = kind

        def read_variant(value: Any, path: str) -> Any:
            try:
                return _read_tagged(union, value)
            except InputError as error:
                raise error.at(path) from None
        return read_variant
    if kind == TIME:
        def read_time(value: Any, path: str) -> Any:
            if isinstance(value, dt.time):
                return value
            if isinstance(value, str) and len(value) <= TIME_MAX:
                match = _TIME_OF_DAY_RE.fullmatch(value)
                if match:
                    return dt.time(int(match.group(1)), int(match.group(2) or 0))
            raise fail(path)
        return read_time
    if kind == ID:
        def read_id(value: Any, path: str) -> Any:
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # JSON's 7.0 is the integer 7
            if isinstance(value, int) and not isinstance(value, bool):
                if abs(value) > ID_INT_MAX:
                    raise fail(path)
                value = str(value)
            if not isinstance(value, str) or not value.strip() or len(value) > ID_MAX or (
                    _CONTROL(value)):
                raise fail(path)
            return value
        return read_id
    if kind == DATE:
        if info.years:
            read_any_date = _read_date(fail)

            def read_date_in_years(value: Any, path: str) -> Any:
                day = read_any_date(value, path)
                if not in_input_years(day.year):
                    raise fail(path, "année hors limites")
                return day
            return read_date_in_years
        return _read_date(fail)
    if kind == TEXT and info.pattern is not None:
        def read_patterned(value: Any, path: str) -> Any:
            return value.strip() if isinstance(value, str) else value  # checked after
        return read_patterned
    if kind == MOMENT:
        read_day = _read_date(fail)

        def read_moment(value: Any, path: str) -> Any:
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str) and _INSTANT_RE.fullmatch(value):
                try:
                    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    raise fail(path) from None
                if info.aware and moment.utcoffset() is None:
                    raise fail(path, "fuseau horaire manquant")
                return moment
            return read_day(value, path)
        return read_moment
    if kind == CODE:
        codes = info.codes
        assert codes is not None
        fold = codes.fold
        if codes.source is None:  # a fixed list: its spellings computed once
            table = codes.table(None)

            def read_static_code(value: Any, path: str) -> Any:
                if type(value) is str or isinstance(value, str):
                    code = table.get(value) or (table.get(value.strip().lower())
                                                if fold else None)
                    if code is not None:
                        return code
                raise fail(path)
            return read_static_code

        def read_code(value: Any, path: str) -> Any:
            if isinstance(value, str):
                code = codes.table(_CONTEXT.get()).get(value.strip().lower() if fold else value)
                if code is not None:
                    return code
            raise fail(path)
        return read_code
    if isinstance(kind, type):
        model = kind

        def read_nested(value: Any, path: str) -> Any:
            try:
                return _read(model, value)
            except InputError as error:
                raise error.at(path) from None
        return read_nested
    if kind == NUMBER:
        def read_number(value: Any, path: str) -> Any:
            if type(value) is str:  # a French decimal comma: "2,5"
                if not _DECIMAL_RE.fullmatch(value):
                    raise fail(path)
                return float(value.replace(",", "."))
            return value
        return read_number
    if kind == INT and info.words is not None:
        words = {word.lower(): number for word, number in info.words.items()}

        def read_int_or_word(value: Any, path: str) -> Any:
            if isinstance(value, str):
                number = words.get(value.strip().lower())
                if number is None:
                    raise fail(path)
                return number
            if isinstance(value, float) and value.is_integer():
                return int(value)
            return value
        return read_int_or_word
    if kind == INT:
        def read_int(value: Any, path: str) -> Any:
            if isinstance(value, float) and value.is_integer():
                return int(value)  # JSON's 7.0 is the integer 7
            return value
        return read_int
    return _identity


_fromisoformat = dt.datetime.fromisoformat
_date_fromisoformat = dt.date.fromisoformat
_FR_DATETIME_RE = re.compile(r"\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})[ T]+([0-9]{1,2})[:h]"
                             r"([0-9]{2})\s*")
#: The most common form of an instant (checked first: a simpler pattern is faster).
_PLAIN_INSTANT_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                               r"[+-][0-9]{2}:[0-9]{2}").fullmatch
_FR_DATETIME = r"\s*[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}[ T]+[0-9]{1,2}[:h][0-9]{2}\s*"


def _read_paris(day_too: bool, fail: Callable[..., InputError]) -> Step:
    """The reading of PARIS_INSTANT (``day_too``: DAY_OR_INSTANT): each text parsed once,
    its year checked once, a wall time made aware once (:func:`paris_time`)."""
    read_day = _read_date(fail)

    def slow(value: Any, path: str) -> Any:
        """The forms other than the plain ISO one: blanks around, ``JJ/MM/AAAA HH:MM``
        (Paris wall time), a date (``day_too``), a Python date or datetime."""
        if isinstance(value, str):
            match = _INSTANT_BLANKS_RE.fullmatch(value)
            if match:
                try:
                    return _fromisoformat(match.group(1).replace("Z", "+00:00"))
                except ValueError:
                    raise fail(path) from None
            match = _FR_DATETIME_RE.fullmatch(value)
            if match:
                day, month, year, hour, minute = (int(g) for g in match.groups())
                try:
                    return dt.datetime(year, month, day, hour, minute)
                except ValueError:
                    raise fail(path) from None
            if day_too:
                return read_day(value, path)
            raise fail(path)
        if isinstance(value, dt.datetime) or (day_too and type(value) is dt.date):
            return value
        raise fail(path)

    def read_paris(value: Any, path: str) -> Any:
        moment: Any = None
        if type(value) is str:
            if day_too and len(value) == 10 and _ISO_DATE_RE.fullmatch(value):
                try:
                    moment = _date_fromisoformat(value)
                except ValueError:
                    raise fail(path) from None
            elif _PLAIN_INSTANT_RE(value) or _INSTANT_RE.fullmatch(value):
                try:
                    moment = _fromisoformat(value)
                except ValueError:
                    raise fail(path) from None
        if moment is None:
            moment = slow(value, path)
        if not FIRST_YEAR < moment.year < LAST_YEAR:
            raise InputError(path, fail(path).expected, "année hors limites")
        if type(moment) is not dt.date and moment.tzinfo is None:
            return paris_time(moment, path)
        if type(moment) is not dt.date and moment.utcoffset() is None:
            raise fail(path)
        return moment
    return read_paris


def _identity(value: Any, path: str) -> Any:
    return value


def _read_date(fail: Callable[..., InputError]) -> Step:
    def read_date(value: Any, path: str) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                if _ISO_DATE_RE.fullmatch(value):
                    return dt.date.fromisoformat(value)
                match = _FR_DATE_RE.fullmatch(value)
                if match:
                    day, month, year = (int(g) for g in match.groups())
                    return dt.date(year, month, day)
            except ValueError:
                pass
        raise fail(path)
    return read_date


@attrs.frozen
class _Plan:
    #: field name, conversion, required, check after conversion (or None), default
    steps: tuple[tuple[str, Step | None, bool, Check | None, Any], ...]
    names: frozenset[str]
    #: checks on the whole instance (``field(validator=…)``), run once every field is set
    extras: tuple[tuple[attrs.Attribute[Any], Callable[[Any, attrs.Attribute[Any], Any], None]],
                  ...]
    #: the model's ``__attrs_post_init__`` (derived fields, checks across fields), or None
    post_init: Callable[[Any], None] | None
    #: ``fill(instance, data.get)``: every field converted, checked and set (generated code)
    fill: Callable[[Any, Callable[[str], Any]], None]


_PLANS: dict[type, _Plan] = {}
#: The kinds whose reading step does not check: the model's check follows it.
_CHECKED_AFTER = (TEXT, BOOL, INT, NUMBER)


def _plan(model: type) -> _Plan:
    """The model's reading plan, compiled on first use."""
    plan = _PLANS.get(model)
    if plan is None:
        steps = []
        extras = []
        for attribute in attrs.fields(model):
            if not attribute.init:
                continue  # derived (set by __attrs_post_init__)
            info = info_of(attribute)
            if info is None:
                raise TypeError(f"{model.__name__}.{attribute.name} is not described")
            # The conversions of ID, DATE, MOMENT, CODE, PRESENCE, TIME, lists and nested
            # models check as they go; the others are the constructor's own check.
            check = attribute.metadata[_CHECK] \
                if info.kind in _CHECKED_AFTER and not info.many else None
            step: Step | None = _step(info)
            steps.append((attribute.name, None if step is _identity else step, info.required,
                          check, attribute.default))
            if attribute.metadata.get(_EXTRA) is not None:
                extras.append((attribute, attribute.metadata[_EXTRA]))
        plan = _PLANS[model] = _Plan(tuple(steps), frozenset(n for n, *_ in steps),
                                     tuple(extras), getattr(model, "__attrs_post_init__", None),
                                     _compile(model, steps))
    return plan


def _compile(model: type, steps: list[tuple[str, Step | None, bool, Check | None, Any]],
             whole: frozenset[str] | None = None) -> Any:
    """The plan as one generated function (as attrs generates ``__init__``): no loop, no
    tuple unpacking, and the common accepted values checked inline, the full check (which
    raises with the French message) called only for the others.

    ``fill(instance, data.get)``; with ``whole`` (the keys the data may have),
    ``make(data)``: the keys checked, the instance created, filled, checked as a whole and
    post-initialised (a tagged union's variants)."""
    infos = dict(described(model))
    namespace: dict[str, Any] = {"InputError": InputError, "set_": _set, "read": _read,
                                 "missing": _missing, "model": model, "control": _CONTROL,
                                 "new": object.__new__, "names": whole, "unknown": _unknown}
    lines = ["def make(data):", "    if not data.keys() <= names:",
             "        raise unknown(data, names)", "    get = data.get",
             "    inst = new(model)"] if whole is not None else ["def fill(inst, get):"]
    lines += ["    n = ''", "    try:"]
    namespace.update(plain_instant=_PLAIN_INSTANT_RE, iso_date=_ISO_DATE_RE.fullmatch,
                     from_iso=_fromisoformat, from_iso_date=_date_fromisoformat,
                     low=FIRST_YEAR, high=LAST_YEAR)
    for i, (name, step, required, check, default) in enumerate(steps):
        info = infos[name]
        namespace[f"s{i}"], namespace[f"c{i}"], namespace[f"d{i}"] = step, check, default
        # A slot is set through its descriptor (faster than object.__setattr__).
        slot = getattr(model, name, None)
        if isinstance(slot, types.MemberDescriptorType):
            namespace[f"w{i}"] = slot.__set__
            setter = f"w{i}(inst, "
        else:
            setter = f"set_(inst, {name!r}, "
        lines += [f"        n = {name!r}", f"        v = get({name!r})", "        if v is None:",
                  f"            raise missing(model, {name!r})" if required else
                  f"            {setter}d{i})", "        else:"]
        if isinstance(info.kind, type) and not info.many:
            namespace[f"m{i}"] = info.kind
            lines.append(f"            v = read(m{i}, v)")  # the error's path: at(n)
        elif info.kind in (PARIS_INSTANT, DAY_OR_INSTANT) and not info.many:
            # The plain ISO forms parsed inline (each text once, its year checked once);
            # the step for the others, and to refuse with the French message.
            shape = "plain_instant(v)" if info.kind == PARIS_INSTANT else \
                "(plain_instant(v) or (len(v) == 10 and iso_date(v)))"
            lines += [f"            if type(v) is str and {shape}:",
                      "                try:",
                      "                    w = (from_iso if len(v) > 10 else from_iso_date)(v)",
                      "                except ValueError:",
                      f"                    w = s{i}(v, '')",
                      f"                v = w if low < w.year < high else s{i}(w, '')",
                      "            else:",
                      f"                v = s{i}(v, '')"]
        elif info.kind == CODE and not info.many and info.codes is not None and \
                info.codes.source is None:
            # A fixed list: the exact spelling looked up inline, the step for the others.
            namespace[f"t{i}"] = info.codes.table(None)
            lines.append(f"            w = t{i}.get(v) if type(v) is str else None")
            lines.append(f"            v = s{i}(v, '') if w is None else w")
        elif step is not None:
            # The step only for the values it changes (or refuses): the plain JSON form
            # passes as is.
            plain = {NUMBER: "type(v) is str", INT: "type(v) is float" if info.words is None
                     else "type(v) is float or type(v) is str",
                     ID: f"not (type(v) is str and len(v) <= {ID_MAX} and v.strip() "
                         "and not control(v))"}.get(
                         info.kind) if not info.many else None
            lines.append(f"            if {plain}: v = s{i}(v, '')" if plain else
                         f"            v = s{i}(v, '')")
        if check is not None:
            fast = _fast_accept(info)
            lines.append(f"            if not ({fast}): c{i}(v, '')" if fast else
                         f"            c{i}(v, '')")
        lines.append(f"            {setter}v)")
    lines += ["    except InputError as error:", "        raise error.at(n) from None"]
    if whole is not None:
        extras = [(attribute, attribute.metadata[_EXTRA]) for attribute in attrs.fields(model)
                  if attribute.init and attribute.metadata.get(_EXTRA) is not None]
        for i, (attribute, extra) in enumerate(extras):
            namespace[f"a{i}"], namespace[f"x{i}"] = attribute, extra
            lines.append(f"    x{i}(inst, a{i}, inst.{attribute.name})")
        namespace["post"] = getattr(model, "__attrs_post_init__", None)
        if namespace["post"] is not None:
            lines.append("    post(inst)")
        lines.append("    return inst")
    exec(compile("\n".join(lines), f"<describe plan of {model.__name__}>", "exec"), namespace)
    return namespace["fill" if whole is None else "make"]


def _fast_accept(info: FieldInfo) -> str | None:
    """An expression true only for values the field's check accepts (None: no shortcut)."""
    if info.kind == BOOL:
        return "type(v) is bool"
    if info.kind == TEXT and info.pattern is None:
        return f"type(v) is str and len(v) <= {info.max_length}" + (
            "" if info.blank else " and v.strip()")
    if info.kind in (INT, NUMBER) and info.minimum is not None and info.maximum is not None:
        typed = "type(v) is int" if info.kind == INT else "(type(v) is int or type(v) is float)"
        return f"{typed} and {info.minimum!r} <= v <= {info.maximum!r}"
    return None


def _missing(model: type, name: str) -> InputError:
    info = dict(described(model))[name]
    return InputError("", info.expected(_CONTEXT.get()), "champ manquant")


def _read(model: type[T], data: Any) -> T:
    """The instance read from ``data``; errors name paths relative to it (prefixed by the
    callers on the way up: paths are built only when an error is raised)."""
    if type(data) is not dict:
        if isinstance(data, model):
            return data
        if not isinstance(data, Mapping):
            raise InputError("", "un objet JSON ({ … })")
    plan = _PLANS.get(model) or _plan(model)
    if not data.keys() <= plan.names:
        raise _unknown(data, plan.names)
    # The instance is filled field by field: each value is converted and checked once, by
    # the same checks as the constructor's validators (not run a second time).
    instance = object.__new__(model)
    plan.fill(instance, data.get)
    for attribute, extra in plan.extras:
        extra(instance, attribute, getattr(instance, attribute.name))
    if plan.post_init is not None:
        plan.post_init(instance)
    return instance


def _unknown(data: Mapping[Any, Any], names: frozenset[str]) -> InputError:
    """The refusal of the first key of ``data`` that is not in ``names``."""
    key = next(key for key in data if key not in names)
    # Echoed only when it is one of the library's own field names; the nearest field of
    # this object is named, when there is one.
    near = difflib.get_close_matches(key, sorted(names), n=1) if isinstance(
        key, str) and _FIELD_NAME.fullmatch(key) else []
    return InputError(shown_key(key), "un champ parmi : " + ", ".join(sorted(names)),
                      "champ inconnu" + (f" (proche de « {near[0]} »)" if near else ""))


def _maker(union: Tagged, spelling: str) -> Callable[[Any], Any]:
    """The generated ``make(data)`` of the variant that ``spelling`` names."""
    found = union.makers.get(spelling)
    if found is None:
        model = union.table[spelling]
        plan = _PLANS.get(model) or _plan(model)
        found = union.makers[spelling] = _compile(model, list(plan.steps),
                                                  whole=plan.names | {union.tag})
    return found


def _read_tagged(union: Tagged, data: Any) -> Any:
    """One object of a tagged union (an instance of one of its models passes as is)."""
    if type(data) is not dict:
        if isinstance(data, union.classes):
            return data
        if not isinstance(data, Mapping):
            raise InputError("", union.expected())
    tag = data.get(union.tag)
    if tag is None:
        raise InputError(union.tag, union.tag_expected(), "champ manquant")
    if not isinstance(tag, str) or tag not in union.table:
        raise InputError(union.tag, union.tag_expected())
    return (union.makers.get(tag) or _maker(union, tag))(data)


def _read_variants(info: FieldInfo, fail: Callable[..., InputError]) -> Step:
    """A list of objects of a tagged union: the plain ones (a dict, a known tag, known
    keys) read inline; any other by :func:`_read_tagged`, which names the problem."""
    union: Tagged = info.kind
    limit, tag_name, makers = info.max_items, union.tag, union.makers

    def read_variants(value: Any, path: str) -> Any:
        if (type(value) is not list and not isinstance(value, tuple)) or len(value) > limit:
            raise fail(path)
        i = 0
        out: list[Any] = []
        append = out.append
        try:
            for element in value:
                if type(element) is dict:
                    try:
                        make = makers[element[tag_name]]
                    except (KeyError, TypeError):  # no tag, unknown, unhashable, not seen yet
                        make = None
                    if make is not None:
                        append(make(element))
                        i += 1
                        continue
                elif element is None:
                    raise InputError("", union.expected(), "élément vide")
                append(_read_tagged(union, element))
                i += 1
        except InputError as error:
            raise error.at(f"[{i}]").at(path) from None
        return tuple(out)
    return read_variants


_set = object.__setattr__  # how attrs' own __init__ fills a frozen instance


def read(model: type[T] | Tagged, data: Any, path: str = "", context: Any = None) -> T:
    """A ``model`` from JSON-like ``data`` (an instance passes as is), read by its plan;
    or, for a :class:`Tagged` union, the model its tag names.

    ``context``: the contract parameters, for the code lists that depend on them.
    """
    token = _CONTEXT.set(context)
    try:
        if isinstance(model, Tagged):
            found: T = _read_tagged(model, data)
            return found
        return _read(model, data)
    except InputError as error:
        raise error.at(path) from None
    finally:
        _CONTEXT.reset(token)


def constructing(context: Any) -> contextvars.Token[Any]:
    """Set the context (parameters) that direct construction checks codes against."""
    return _CONTEXT.set(context)


def done_constructing(token: contextvars.Token[Any]) -> None:
    _CONTEXT.reset(token)


# --- the JSON Schema -------------------------------------------------------------------

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(model: type, *, title: str | None = None, context: Any = None,
                root: bool = True) -> dict[str, Any]:
    """The JSON Schema that accepts exactly the documents :func:`read` accepts."""
    properties: dict[str, Any] = {}
    required = []
    for name, info in described(model):
        prop = _property(info, context)
        properties[name] = prop
        if info.required:
            required.append(name)
    schema: dict[str, Any] = {}
    if root:
        schema["$schema"] = DRAFT
    schema.update({"title": title or _title(model), "type": "object",
                   "additionalProperties": False, "properties": properties})
    if required:
        schema["required"] = required
    return schema


def _property(info: FieldInfo, context: Any) -> dict[str, Any]:
    kind = info.kind
    prop: dict[str, Any]
    if info.many:
        prop = {"type": "array", "maxItems": info.max_items,
                "items": _property(info.item(), context)}
        if info.min_items:
            prop["minItems"] = info.min_items
    elif isinstance(kind, Custom):
        prop = dict(kind.schema(context))
    elif kind == PRESENCE:
        prop = {"type": ["string", "boolean"]}
    elif kind == INSTANT:
        prop = {"type": "string", "pattern": f"^\\s*{_INSTANT}\\s*$", "format": INSTANT_FORMAT}
    elif kind == PARIS_INSTANT:
        prop = {"type": "string", "pattern": f"^(\\s*{_INSTANT}\\s*|{_FR_DATETIME})$",
                "format": PARIS_INSTANT_FORMAT}
    elif kind == DAY_OR_INSTANT:
        prop = {"type": "string", "pattern": f"^(\\s*{_INSTANT}\\s*|{_FR_DATETIME}|"
                f"{_ISO_DATE}|{_FR_DATE})$", "format": DAY_OR_INSTANT_FORMAT}
    elif isinstance(kind, Tagged):
        prop = union_schema(kind, context)
    elif kind == TIME:
        prop = {"type": "string", "maxLength": TIME_MAX, "pattern": f"^{_TIME_OF_DAY}$"}
    elif kind == TEXT and info.pattern is not None:
        prop = {"type": "string", "pattern": f"^\\s*(?:{info.pattern})\\s*$"}
        if info.fmt is not None:
            prop["format"] = info.fmt
    elif kind == TEXT:
        prop = {"type": "string", "maxLength": info.max_length}
        if not info.blank:
            prop["pattern"] = r"\S"
    elif kind == ID:
        prop = {"anyOf": [{"type": "string", "maxLength": ID_MAX, "pattern": r"\S",
                           "not": {"pattern": "[\u0000-\u001f\u007f]"}},
                          {"type": "integer", "minimum": -ID_INT_MAX, "maximum": ID_INT_MAX}]}
    elif kind == BOOL:
        prop = {"type": "boolean"}
    elif kind in (INT, NUMBER):
        prop = {"type": "integer" if kind == INT else "number"}
        if info.minimum is not None:
            prop["minimum"] = info.minimum
        if info.maximum is not None:
            prop["maximum"] = info.maximum
        if info.words is not None:  # or one of its texts, case and blanks ignored
            prop = {"anyOf": [prop, {"type": "string", "pattern": "^\\s*(?:" + "|".join(
                _folded(word) for word in info.words) + ")\\s*$"}]}
        if kind == NUMBER:  # or a text with a decimal comma, its bounds checked by a format
            name = f"ppaip-decimal:{info.minimum}:{info.maximum}"
            if name not in FORMATS:
                step, check = _step(info), _checker(info)

                def read_and_check(value: Any, path: str) -> None:
                    check(step(value, path), path)
                FORMATS[name] = _accepts(read_and_check)
            prop = {"anyOf": [prop, {"type": "string", "pattern": f"^{_DECIMAL}$",
                                     "format": name}]}
    elif kind == DATE:
        prop = {"type": "string", "pattern": f"^({_ISO_DATE}|{_FR_DATE})$",
                "format": DATE_IN_YEARS_FORMAT if info.years else DATE_FORMAT}
    elif kind == MOMENT:
        instant = _INSTANT_AWARE if info.aware else _INSTANT
        prop = {"type": "string", "pattern": f"^({_ISO_DATE}|{_FR_DATE}|{instant})$",
                "format": AWARE_MOMENT_FORMAT if info.aware else MOMENT_FORMAT}
    elif kind == CODE:
        assert info.codes is not None
        labels = info.codes.of(context)
        old = info.codes.old(context)
        spellings = [*labels, *old]
        if info.codes.fold:
            prop = {"type": "string", "pattern": "^\\s*(?:" + "|".join(
                _folded(s) for s in spellings) + ")\\s*$"}
        else:
            prop = {"enum": spellings}
        prop["x-labels"] = dict(labels)
        if old:  # the old spellings, still read for one version (issue 10)
            prop["x-aliases"] = dict(old)
    else:
        prop = json_schema(kind, context=context, root=False)
    if not info.required:  # null: "not known" (or the default)
        prop = _or_null(prop)
        if isinstance(info.default, (str, int, float)):  # bool is an int
            prop["default"] = info.default
    description = info.label + (f" — {info.description}" if info.description else "")
    if info.unit:
        description += f" (en {info.unit})"
    prop = {"description": description, **prop}
    if info.many or not isinstance(kind, (type, Tagged)):
        # The French expected form, as the reader's errors say it (the docs' field tables).
        prop["x-expected"] = info.expected(context, labelled=True) + (
            "" if info.required else " ; ou null") + _old_codes(info, context)
    if info.personal:
        prop["x-personal"] = True
    return prop


def union_schema(union: Tagged, context: Any = None) -> dict[str, Any]:
    """The JSON Schema of one object of a tagged union: a ``oneOf`` of its variants, each
    fixing the tag to its code (or an old spelling of it), so that exactly one applies."""
    spellings: dict[str, list[str]] = {code: [code] for code in union.models}
    for alias, code in union.codes.aliases.items():
        spellings[code].append(alias)
    labels = union.codes.of(context)
    variants = []
    for code, model in union.models.items():
        schema = json_schema(model, context=context, root=False, title=labels[code])
        tag: dict[str, Any] = {"description": f"type : {labels[code]}"}
        if len(spellings[code]) == 1:
            tag["const"] = code  # (the docs' generator tells the variants apart by it)
        else:
            tag["enum"] = spellings[code]
        schema["properties"] = {union.tag: tag, **schema["properties"]}
        schema["required"] = [union.tag, *schema.get("required", ())]
        variants.append(schema)
    return {"title": union.title, "x-tag": union.tag, "x-labels": dict(labels),
            "oneOf": variants}


def _or_null(prop: dict[str, Any]) -> dict[str, Any]:
    """The same property, null also accepted (keywords of a type do not apply to null)."""
    if "enum" in prop:
        return {**prop, "enum": [*prop["enum"], None]}
    if "anyOf" in prop and "type" not in prop:
        return {**prop, "anyOf": [*prop["anyOf"], {"type": "null"}]}
    if isinstance(prop.get("type"), str):
        return {**prop, "type": [prop["type"], "null"]}
    if isinstance(prop.get("type"), list):
        return {**prop, "type": [*prop["type"], "null"]}
    return {"anyOf": [prop, {"type": "null"}]}


@functools.cache
def _lower_to() -> dict[str, str]:
    """Every character whose ``lower()`` is one character, grouped by that character."""
    groups: dict[str, list[str]] = {}
    for point in range(0x110000):
        ch = chr(point)
        low = ch.lower()
        if len(low) == 1 and low != ch:
            groups.setdefault(low, []).append(ch)
    return {low: "".join(chars) for low, chars in groups.items()}


def _accepts(step: Step) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return True  # a format speaks of strings only (JSON Schema 2020-12, 7.1)
        try:
            step(value, "")
        except InputError:
            return False
        return True
    return check


#: The string formats the schemas name (those of the bounds of decimal texts are added as
#: the schemas are generated), each the reader's own check (the pattern gives the
#: shape; the format adds what a pattern cannot say: a real day, a real time). A validator
#: that does not know them accepts the shape: the reader stays the judge.
DATE_FORMAT, MOMENT_FORMAT, AWARE_MOMENT_FORMAT = "ppaip-date", "ppaip-moment", "ppaip-moment-tz"
INSTANT_FORMAT = "ppaip-instant"
PARIS_INSTANT_FORMAT, DAY_OR_INSTANT_FORMAT = "ppaip-paris-instant", "ppaip-day-or-instant"
DATE_IN_YEARS_FORMAT = "ppaip-date-in-years"
FORMATS: dict[str, Callable[[Any], bool]] = {
    INSTANT_FORMAT: _accepts(_step(FieldInfo(INSTANT, "instant"))),
    PARIS_INSTANT_FORMAT: _accepts(_step(FieldInfo(PARIS_INSTANT, "instant"))),
    DAY_OR_INSTANT_FORMAT: _accepts(_step(FieldInfo(DAY_OR_INSTANT, "moment"))),
    DATE_FORMAT: _accepts(_step(FieldInfo(DATE, "date"))),
    DATE_IN_YEARS_FORMAT: _accepts(_step(FieldInfo(DATE, "date", years=True))),
    MOMENT_FORMAT: _accepts(_step(FieldInfo(MOMENT, "moment"))),
    AWARE_MOMENT_FORMAT: _accepts(_step(FieldInfo(MOMENT, "moment", aware=True))),
}


def _folded(spelling: str) -> str:
    """A regular expression matching the spellings whose ``lower()`` is ``spelling.lower()``."""
    out = []
    for ch in spelling.lower():
        variants = ch + _lower_to().get(ch, "")
        if ch.lower() != ch or len(variants) == 1:
            out.append(re.escape(ch))
        else:
            out.append("[" + "".join(re.escape(v) for v in variants) + "]")
    return "".join(out)


# --- documentation and spreadsheet ---------------------------------------------------

@attrs.frozen
class FieldRow:
    """One line of a field table: path, label, expected form, required, personal."""

    path: str
    label: str
    expected: str
    required: bool
    personal: bool
    header: str | None


def field_rows(model: type, prefix: str = "", context: Any = None) -> Iterator[FieldRow]:
    """Every field of the model, nested models flattened (``person.birth_date``)."""
    for name, info in described(model):
        path = _join(prefix, name) + ("[]" if info.many else "")
        if isinstance(info.kind, Tagged):
            union = info.kind
            yield FieldRow(_join(path, union.tag), info.label, union.tag_expected(), True,
                           False, None)
            for code, model in union.models.items():
                yield from field_rows(model, f"{path}({union.tag}={code})", context)
            continue
        if isinstance(info.kind, type):
            yield from field_rows(info.kind, path, context)
            continue
        expected = info.expected(context, labelled=True)
        if info.unit:
            expected += f" (en {info.unit})"
        expected += _old_codes(info, context)
        yield FieldRow(path, info.label, expected, info.required, info.personal, info.header)


def _old_codes(info: FieldInfo, context: Any) -> str:
    """`` ; anciens codes encore lus : MF → custody, …`` (empty without old codes)."""
    old = info.codes.old(context) if info.codes is not None else {}
    return " ; anciens codes encore lus : " + ", ".join(
        f"{spelling} → {code}" for spelling, code in old.items()) if old else ""


def field_table(model: type, context: Any = None) -> str:
    """The documentation's field table (Markdown, French)."""
    lines = ["| Champ | Signification | Forme attendue | Obligatoire |",
             "| --- | --- | --- | --- |"]
    for row in field_rows(model, context=context):
        personal = " (donnée personnelle)" if row.personal else ""
        lines.append(f"| `{row.path}` | {row.label}{personal} | {row.expected} | "
                     f"{'oui' if row.required else 'non'} |")
    return "\n".join(lines)


def columns(model: type, context: Any = None) -> list[tuple[str, str]]:
    """The spreadsheet columns: (French header, field path), for fields that have one."""
    return [(row.header, row.path) for row in field_rows(model, context=context)
            if row.header is not None]


def value_reader(info: FieldInfo) -> Callable[[Any, str], Any]:
    """The reader of one value of a described field: ``reader(value, path)`` returns the
    model's value or raises :class:`InputError` naming ``path`` (for a reader outside a
    model, e.g. a field read by hand)."""
    step, check = _step(info), (_checker(info) if info.kind in _CHECKED_AFTER else None)

    def read_value(value: Any, path: str) -> Any:
        value = step(value, path)
        if check is not None:
            check(value, path)
        return value
    return read_value
