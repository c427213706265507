"""The reader of the one-description layer: JSON-like data → a described model.

:func:`read` reads a model (or a :class:`~ppaip_rules.describe_fields.Tagged` union) by a
plan compiled once per model from its declarations (:mod:`ppaip_rules.describe_fields`):
one conversion step per field, then the field's own construction check, the two
generated into one Python function (as attrs generates ``__init__``) in which the common
accepted values are checked inline. Errors are :class:`~ppaip_rules.errors.InputError`
naming the field path (``person.birth_date``, ``sessions[3].duration``) and the expected
form in French, never the value; paths are built only when an error is raised.
:func:`value_reader` reads one value of a described field outside a model.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import types
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from .calendar import FIRST_YEAR, LAST_YEAR, in_input_years
from .describe_fields import (
    BOOL,
    CODE,
    CONTEXT,
    CONTROL,
    DATE,
    DAY_OR_INSTANT,
    DECIMAL_FORM,
    ID,
    ID_INT_MAX,
    ID_MAX,
    INSTANT,
    INSTANT_FORM,
    INT,
    ISO_DATE,
    MOMENT,
    NUMBER,
    PARIS_INSTANT,
    PRESENCE,
    TEXT,
    TIME,
    TIME_MAX,
    TIME_OF_DAY_FORM,
    Check,
    Custom,
    FieldInfo,
    Step,
    Tagged,
    Validator,
    check_of,
    checker,
    described,
    extra_of,
    info_of,
)
from .errors import InputError
from .parsing import _FIELD_NAME, paris_time, shown_key

T = TypeVar("T")

_ISO_DATE_RE = re.compile(ISO_DATE)
_FR_DATE_RE = re.compile(r"\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*")
_INSTANT_RE = re.compile(INSTANT_FORM)
_INSTANT_BLANKS_RE = re.compile(r"\s*(" + INSTANT_FORM + r")\s*")
_DECIMAL_RE = re.compile(DECIMAL_FORM)
_TIME_OF_DAY_RE = re.compile(TIME_OF_DAY_FORM)


# --- the conversion of one value (a step) ----------------------------------------------

def _step(info: FieldInfo) -> Step:
    """The conversion of one JSON value to the model's value (then checked by the model)."""
    kind = info.kind

    def fail(path: str, problem: str | None = None) -> InputError:
        return InputError(path, info.expected(CONTEXT.get()), problem)

    if info.many and (info.unique or info.min_items):
        inner = _step(attrs.evolve(info, unique=False, min_items=0))
        least, unique = info.min_items, info.unique
        # A list of codes from a fixed list (recipients…) is read once per spelling: the
        # same few lists come back in every log. Only what was read without error is kept.
        memo: dict[Any, Any] | None = {} if kind == CODE and info.codes is not None \
            and info.codes.source is None else None

        def read_bounded(value: Any, path: str) -> Any:
            key = None
            if memo is not None and type(value) is list:
                try:
                    found = memo.get(key := tuple(value))
                except TypeError:  # an element that cannot be a key: read below
                    found = key = None
                if found is not None:
                    return found
            if isinstance(value, (list, tuple)) and len(value) < least:
                raise fail(path)
            got = inner(value, path)
            got = frozenset(got) if unique else got
            if memo is not None and key is not None:
                _remember(memo, key, got)
            return got
        return read_bounded
    if info.many and isinstance(info.kind, Tagged):
        return _read_variants(info, fail)
    if info.many:
        item = info.item()
        read_item = _step(item)
        check_item = checker(item) if item.kind in _CHECKED_AFTER else None
        limit = info.max_items

        if isinstance(item.kind, type):
            nested = item.kind

            def read_models(value: Any, path: str) -> Any:
                if (type(value) is not list and not isinstance(value, tuple)) or \
                        len(value) > limit:
                    raise fail(path)
                if not value:
                    return ()
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
                            raise InputError("", item.expected(CONTEXT.get()), "élément vide")
                        else:
                            out.append(_read(nested, element))
                        i += 1
                except InputError as error:
                    raise error.at(f"[{i}]").at(path) from None
                return tuple(out)
            return read_models

        if read_item is _identity and check_item is not None:  # texts, flags
            only_check, blank = check_item, item.blank
            # An accepted text is checked inline (-1: not a list of texts, every element
            # goes to the check); the check for the others (it refuses what it must).
            text_limit = (item.max_length or 10_000) if item.kind == TEXT and \
                item.pattern is None else -1

            def check_many(value: Any, path: str) -> Any:
                if (type(value) is not list and not isinstance(value, tuple)) or \
                        len(value) > limit:
                    raise fail(path)
                i = 0
                try:
                    for element in value:
                        if type(element) is not str or len(element) > text_limit or not (
                                blank or element.strip()):
                            if element is None:
                                raise InputError("", item.expected(CONTEXT.get()),
                                                 "élément vide")
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
                        raise InputError("", item.expected(CONTEXT.get()), "élément vide")
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
        return _at_path(functools.partial(_read_tagged, kind))
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
                    CONTROL(value)):
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
                code = codes.table(CONTEXT.get()).get(value.strip().lower() if fold else value)
                if code is not None:
                    return code
            raise fail(path)
        return read_code
    if isinstance(kind, type):
        return _at_path(functools.partial(_read, kind))
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


def _at_path(read_one: Callable[[Any], Any]) -> Step:
    """The step of a nested object (a model, a tagged union): ``read_one(value)``, its
    errors' paths prefixed by the field's."""
    def read_at(value: Any, path: str) -> Any:
        try:
            return read_one(value)
        except InputError as error:
            raise error.at(path) from None
    return read_at


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


# --- the reading plan of a model, compiled once --------------------------------------

@attrs.frozen
class _Plan:
    #: field name, conversion, required, check after conversion (or None), default
    steps: tuple[tuple[str, Step | None, bool, Check | None, Any], ...]
    names: frozenset[str]
    #: checks on the whole instance (``field(validator=…)``), run once every field is set
    extras: tuple[tuple[attrs.Attribute[Any], Validator], ...]
    #: the model's ``__attrs_post_init__`` (derived fields, checks across fields), or None
    post_init: Callable[[Any], None] | None
    #: ``fill(instance, data.get)``: every field converted, checked and set (generated code)
    fill: Callable[[Any, Callable[[str], Any]], None]


_PLANS: dict[type, _Plan] = {}

#: The instants and days already read, by text and kind (PARIS_INSTANT, DAY_OR_INSTANT):
#: a batch's logs repeat their days and hours. Bounded, as every memo of the reader.
_MOMENTS: dict[Any, dict[str, Any]] = {PARIS_INSTANT: {}, DAY_OR_INSTANT: {}}
#: The size at which a memo of the reader is emptied (:func:`_remember`).
_MEMO_MAX = 65_536


def _remember(memo: dict[Any, Any], text: Any, value: Any) -> Any:
    """``memo[text] = value`` (a full memo is emptied first), and the value."""
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[text] = value
    return value


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
            check = check_of(attribute) \
                if info.kind in _CHECKED_AFTER and not info.many else None
            step: Step | None = _step(info)
            steps.append((attribute.name, None if step is _identity else step, info.required,
                          check, attribute.default))
            extra = extra_of(attribute)
            if extra is not None:
                extras.append((attribute, extra))
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
                                 "missing": _missing, "model": model, "control": CONTROL,
                                 "new": object.__new__, "names": whole, "unknown": _unknown}
    # make() counts the keys it found (the tag, and each field given a value): when the
    # data has more, it may have an unknown key, checked then (and first when a field is
    # refused: an unknown key is likely a misspelt field).
    lines = ["def make(data):", "    get = data.get", "    inst = new(model)",
             "    found = 1"] if whole is not None else ["def fill(inst, get):"]
    lines += ["    n = ''", "    try:"]
    namespace.update(plain_instant=_PLAIN_INSTANT_RE, iso_date=_ISO_DATE_RE.fullmatch,
                     from_iso=_fromisoformat, from_iso_date=_date_fromisoformat,
                     low=FIRST_YEAR, high=LAST_YEAR, remember=_remember)
    # A variant whose post-initialisation only derives slots from one field (``__derived__
    # = (field, derive, slots)``, ``derive(model, value)`` giving the slots' values) has
    # them derived once per text read, with the field's value, and set here.
    derived = getattr(model, "__derived__", None) if whole is not None else None
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
        if whole is not None:
            lines.append("            found += 1")
        if isinstance(info.kind, type) and not info.many:
            namespace[f"m{i}"] = info.kind
            lines.append(f"            v = read(m{i}, v)")  # the error's path: at(n)
        elif info.kind == INSTANT and not info.many:
            # The plain ISO form (with its offset) parsed inline, its year checked inline;
            # the step for the others (blanks, no offset: a Paris wall time checked against
            # the spring gap and the autumn fold), and to refuse with the French message.
            lines += ["            if type(v) is str and plain_instant(v):",
                      "                try:",
                      "                    w = from_iso(v)",
                      "                except ValueError:",
                      f"                    w = s{i}(v, '')",
                      f"                v = w if low < w.year < high else s{i}(v, '')",
                      "            else:",
                      f"                v = s{i}(v, '')"]
        elif info.kind in (PARIS_INSTANT, DAY_OR_INSTANT) and not info.many:
            # A text read before is taken from the memo (a log repeats its days and hours;
            # the value is immutable). Otherwise the plain ISO forms are parsed inline (each
            # text once, its year checked once), the step reads the others, and refuses
            # with the French message; what it accepted is remembered.
            shape = "plain_instant(v)" if info.kind == PARIS_INSTANT else \
                "(plain_instant(v) or (len(v) == 10 and iso_date(v)))"
            parse = [f"                    if {shape}:",
                     "                        try:",
                     "                            w = (from_iso if len(v) > 10 else "
                     "from_iso_date)(v)",
                     "                        except ValueError:",
                     f"                            w = s{i}(v, '')",
                     "                        if not low < w.year < high:",
                     f"                            w = s{i}(w, '')",
                     "                    else:",
                     f"                        w = s{i}(v, '')"]
            if derived is not None and derived[0] == name:
                # The memo of this variant: text -> (value, *derived slots).
                namespace.update(dmemo={}, derive=derived[1])
                lines += ["            if type(v) is str:",
                          "                h = dmemo.get(v)",
                          "                if h is None:", *parse,
                          "                    h = remember(dmemo, v, (w, *derive(model, w)))",
                          "                v = h[0]",
                          "            else:",
                          f"                v = s{i}(v, '')",
                          "                h = (v, *derive(model, v))"]
            else:
                namespace[f"memo{i}"] = _MOMENTS[info.kind]
                lines += ["            if type(v) is str:",
                          f"                w = memo{i}.get(v)",
                          "                if w is None:", *parse,
                          f"                    remember(memo{i}, v, w)",
                          "                v = w",
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
                     # (printable text has no control character: the regex only
                     # for the others)
                     ID: f"not (type(v) is str and len(v) <= {ID_MAX} and v.strip() "
                         "and (v.isprintable() or not control(v)))"}.get(
                         info.kind) if not info.many else None
            lines.append(f"            if {plain}: v = s{i}(v, '')" if plain else
                         f"            v = s{i}(v, '')")
        if check is not None:
            fast = _fast_accept(info)
            lines.append(f"            if not ({fast}): c{i}(v, '')" if fast else
                         f"            c{i}(v, '')")
        lines.append(f"            {setter}v)")
    lines += ["    except InputError as error:"]
    if whole is not None:
        lines += ["        if not data.keys() <= names:", "            raise unknown(data, names)"]
    lines += ["        raise error.at(n) from None"]
    if whole is not None:
        lines += ["    if len(data) != found and not data.keys() <= names:",
                  "        raise unknown(data, names)"]
        extras = [(attribute, extra) for attribute in attrs.fields(model)
                  if attribute.init and (extra := extra_of(attribute)) is not None]
        for i, (attribute, extra) in enumerate(extras):
            namespace[f"a{i}"], namespace[f"x{i}"] = attribute, extra
            lines.append(f"    x{i}(inst, a{i}, inst.{attribute.name})")
        namespace["post"] = getattr(model, "__attrs_post_init__", None)
        if derived is not None and "dmemo" in namespace:  # derived slots, not the post-init
            for j, slot in enumerate(derived[2], 1):
                namespace[f"dw{j}"] = getattr(model, slot).__set__
                lines.append(f"    dw{j}(inst, h[{j}])")
        elif namespace["post"] is not None:
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
    return InputError("", info.expected(CONTEXT.get()), "champ manquant")


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
        try:  # the plain case: objects whose makers are compiled, read in one go
            return tuple([makers[element[tag_name]](element) for element in value])
        except Exception:  # anything else: read again below, one by one, and refused
            pass  # there with the path of the faulty element
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


# --- reading ---------------------------------------------------------------------------

def read(model: type[T] | Tagged, data: Any, path: str = "", context: Any = None) -> T:
    """A ``model`` from JSON-like ``data`` (an instance passes as is), read by its plan;
    or, for a :class:`Tagged` union, the model its tag names.

    ``context``: the contract parameters, for the code lists that depend on them.
    """
    token = CONTEXT.set(context)
    try:
        if isinstance(model, Tagged):
            found: T = _read_tagged(model, data)
            return found
        return _read(model, data)
    except InputError as error:
        raise error.at(path) from None
    finally:
        CONTEXT.reset(token)


def value_reader(info: FieldInfo) -> Callable[[Any, str], Any]:
    """The reader of one value of a described field: ``reader(value, path)`` returns the
    model's value or raises :class:`InputError` naming ``path`` (for a reader outside a
    model, e.g. a field read by hand)."""
    step, check = _step(info), (checker(info) if info.kind in _CHECKED_AFTER else None)

    def read_value(value: Any, path: str) -> Any:
        value = step(value, path)
        if check is not None:
            check(value, path)
        return value
    return read_value
