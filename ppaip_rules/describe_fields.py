"""The declarations of the one-description layer: kinds of value, code lists, field
descriptions, and the checks of direct construction.

An input model is an attrs class whose fields are declared with :func:`field`: the kind of
value (:data:`TEXT`, :data:`ID`, :data:`BOOL`, :data:`INT`, :data:`NUMBER`, :data:`DATE`,
:data:`MOMENT`, :data:`CODE`, a nested model, a :class:`Tagged` union, a :class:`Custom`
kind), and its metadata (:class:`FieldInfo`: French label and description, unit, bounds,
code list with French labels and old spellings, whether the value is personal,
spreadsheet header). Every field's attrs validator is :func:`checker` of its description:
the check that the reader (:mod:`ppaip_rules.describe_reader`) runs too, so that
``Person(status="x")`` and ``read(Person, {"status": "x"})`` refuse alike, with
:class:`~ppaip_rules.errors.InputError` both ways. What is published from the
declarations (JSON Schema, field tables, columns) is in :mod:`ppaip_rules.describe_publish`;
:mod:`ppaip_rules.describe` is the public entry.

This module imports neither the reader nor the publication (no import circle): the named
string formats (:data:`FORMATS`) that a field's ``fmt=`` refers to are a registry here,
into which the publication adds the reader's own formats.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .calendar import FIRST_YEAR, LAST_YEAR, in_input_years
from .errors import InputError
from .parsing import bounds_text, paris_time

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
CONTROL = re.compile(r"[\x00-\x1f\x7f]").search
#: A numeric identifier has 15 digits at most (exact in a JSON number).
ID_INT_MAX = 999_999_999_999_999
_META, _CHECK, _EXTRA = "ppaip", "ppaip_check", "ppaip_extra"
#: The textual forms the kinds accept: regular expressions that the reader compiles and
#: that the JSON Schema's patterns say.
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
FR_DATE = r"\s*[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}\s*"
_TIME = r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{3}|\.[0-9]{6})?)?"
_OFFSET = r"(Z|[+-][0-9]{2}:[0-9]{2})"
INSTANT_FORM = ISO_DATE + _TIME + _OFFSET + "?"
INSTANT_AWARE_FORM = ISO_DATE + _TIME + _OFFSET
DECIMAL_FORM = r"\s*-?[0-9]+([.,][0-9]+)?\s*"
TIME_OF_DAY_FORM = r"\s*([01]?[0-9]|2[0-3])\s*[:hH]\s*([0-5][0-9])?\s*"
#: ``JJ/MM/AAAA HH:MM`` (or ``14h30``): a Paris wall time.
FR_DATETIME_FORM = r"\s*[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}[ T]+[0-9]{1,2}[:h][0-9]{2}\s*"
TIME_MAX = 10
#: The default cap on the length of a list (``many=True``): far beyond any real document
#: (a convocation of 1,000 people, a programme of 1,000 sessions) and small enough that a
#: hostile input costs little.
MAX_ITEMS = 1_000

#: ``check(value, path)``: refuses a value with :class:`InputError` naming ``path``.
Check = Callable[[Any, str], None]
#: ``step(value, path)``: a JSON value → the model's value, or :class:`InputError`.
Step = Callable[[Any, str], Any]
#: An attrs validator: ``validator(instance, attribute, value)``.
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

#: The context of the read in progress (the contract parameters): dynamic code lists use it.
CONTEXT: contextvars.ContextVar[Any] = contextvars.ContextVar("ppaip_describe_context",
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
        code: title_of(model) for code, model in models.items()}
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
            return ("un nombre entier" if kind == INT else "un nombre") + bounds_text(
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
        return f"un objet JSON ({{ … }}) : {title_of(kind)}"


def title_of(model: type) -> str:
    """A model's French title: the first line of its docstring."""
    doc = (model.__doc__ or model.__name__).strip().splitlines()[0]
    return doc.rstrip(".")


# --- declaring fields ---------------------------------------------------------------

def field(kind: Any, label: str, description: str = "", *, required: bool = False,
          default: Any = None, unit: str | None = None, minimum: float | None = None,
          maximum: float | None = None, max_length: int | None = None,
          codes: Codes | None = None, personal: bool = False, header: str | None = None,
          aware: bool = False, many: bool = False, max_items: int = MAX_ITEMS,
          blank: bool = False, empty: Any = (), pattern: str | None = None,
          fmt: str | None = None, expects: str | None = None,
          words: Mapping[str, int] | None = None, years: bool = False,
          validator: Validator | None = None,
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
    check = checker(info)

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and not required:
            return
        if value is None:
            raise InputError(attribute.name, info.expected(CONTEXT.get()), "champ manquant")
        check(value, attribute.name)

    validators: Any = validate if validator is None else [validate, validator]
    metadata = {_META: info, _CHECK: check, _EXTRA: validator}
    converter: Any = (_to_set(info) if unique else _to_tuple) if many else (
        _to_paris if kind in (PARIS_INSTANT, DAY_OR_INSTANT) else None)
    more: dict[str, Any] = {"repr": hidden_repr} if personal else {}
    if kw_only is not None:
        more["kw_only"] = kw_only
    if required:
        return attrs.field(validator=validators, metadata=metadata, converter=converter,
                           **more)
    return attrs.field(default=default, validator=validators, metadata=metadata,
                       converter=converter, **more)


def hidden_repr(value: Any) -> str:
    """How a personal value shows in a ``repr``: never itself."""
    return "None" if value is None else "'…'"


def _to_set(info: FieldInfo) -> Callable[[Any], Any]:
    """A list, tuple or set given to a constructor is kept as a frozenset; a list or tuple
    with a bad element is kept as a tuple, so that the check names it by its index."""
    check_item = checker(info.item())

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


def check_of(attribute: attrs.Attribute[Any]) -> Check:
    """The check of a described field (:func:`checker` of its description), computed when
    the field was declared."""
    found: Check = attribute.metadata[_CHECK]
    return found


def extra_of(attribute: attrs.Attribute[Any]) -> Validator | None:
    """The further check of a described field on the whole instance (``validator=``)."""
    found: Validator | None = attribute.metadata.get(_EXTRA)
    return found


# --- checks on typed values (direct construction) ------------------------------------


def checker(info: FieldInfo) -> Check:
    """The check of a value already of the model's type (what a constructor receives)."""
    kind = info.kind
    if info.many:
        check_item = checker(info.item())
        limit, least = info.max_items, info.min_items
        collection = frozenset if info.unique else tuple

        def check_many(value: Any, path: str) -> None:
            if info.unique and isinstance(value, tuple) and len(value) <= limit:
                for i, item in enumerate(value):  # a bad element, named by its index
                    check_item(item, f"{path}[{i}]")
            if not isinstance(value, collection) or not least <= len(value) <= limit:
                raise InputError(path, info.expected(CONTEXT.get()))
            for i, item in enumerate(value):
                check_item(item, f"{path}[{i}]")
        return check_many

    def fail(path: str) -> InputError:
        return InputError(path, info.expected(CONTEXT.get()))

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
                    blank or value.strip()) or (control and CONTROL(value)):
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
            if not isinstance(value, str) or value not in codes.of(CONTEXT.get()):
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


# --- the context of a read or a construction --------------------------------------------

def constructing(context: Any) -> contextvars.Token[Any]:
    """Set the context (parameters) that direct construction checks codes against."""
    return CONTEXT.set(context)


def done_constructing(token: contextvars.Token[Any]) -> None:
    CONTEXT.reset(token)


# --- named string formats ------------------------------------------------------------

#: Named checks of a text, each true when the text is accepted: a field's ``fmt=`` names
#: one (a further check its pattern cannot say), and the JSON Schema's ``format`` keywords
#: name them. The reader's own formats (a real day, a real time) are added by
#: :mod:`ppaip_rules.describe_publish`; an area registers its own before declaring a field
#: that uses it.
FORMATS: dict[str, Callable[[Any], bool]] = {}


def accepts(step: Step) -> Callable[[Any], bool]:
    """A format's check from a reader: true for a text that ``step`` reads without
    :class:`InputError`, and for any value that is not a text (a format speaks of strings
    only: JSON Schema 2020-12, 7.1)."""
    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        try:
            step(value, "")
        except InputError:
            return False
        return True
    return check
