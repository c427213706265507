"""What the one-description layer publishes: the JSON Schema, the string formats, the
documentation's field tables and the spreadsheet columns.

Everything here is derived from the declarations (:mod:`ppaip_rules.describe_fields`):

- :func:`json_schema` (and :func:`union_schema` for a tagged union): the JSON Schema
  (draft 2020-12) that accepts exactly the documents the reader
  (:mod:`ppaip_rules.describe_reader`) accepts (property-tested: tests/test_describe.py);
  what a pattern cannot say (a real day, a real time, the bounds of a decimal text) is a
  named ``format`` whose check, in :data:`FORMATS`, is the reader itself;
- :func:`field_rows` / :func:`field_table`: the documentation's field table;
- :func:`columns`: the spreadsheet columns (French header, field path).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import attrs

from .describe_fields import (
    BOOL,
    CODE,
    DATE,
    DAY_OR_INSTANT,
    DECIMAL_FORM,
    FORMATS,
    FR_DATE,
    FR_DATETIME_FORM,
    ID,
    ID_INT_MAX,
    ID_MAX,
    INSTANT,
    INSTANT_AWARE_FORM,
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
    Custom,
    FieldInfo,
    Tagged,
    accepts,
    described,
    title_of,
)
from .describe_reader import value_reader

# --- the JSON Schema -------------------------------------------------------------------

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(model: type, *, title: str | None = None, context: Any = None,
                root: bool = True) -> dict[str, Any]:
    """The JSON Schema that accepts exactly the documents the reader accepts."""
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
    schema.update({"title": title or title_of(model), "type": "object",
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
        prop = {"type": "string", "pattern": f"^\\s*{INSTANT_FORM}\\s*$", "format": INSTANT_FORMAT}
    elif kind == PARIS_INSTANT:
        prop = {"type": "string", "pattern": f"^(\\s*{INSTANT_FORM}\\s*|{FR_DATETIME_FORM})$",
                "format": PARIS_INSTANT_FORMAT}
    elif kind == DAY_OR_INSTANT:
        prop = {"type": "string", "pattern": f"^(\\s*{INSTANT_FORM}\\s*|{FR_DATETIME_FORM}|"
                f"{ISO_DATE}|{FR_DATE})$", "format": DAY_OR_INSTANT_FORMAT}
    elif isinstance(kind, Tagged):
        prop = union_schema(kind, context)
    elif kind == TIME:
        prop = {"type": "string", "maxLength": TIME_MAX, "pattern": f"^{TIME_OF_DAY_FORM}$"}
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
                FORMATS[name] = accepts(value_reader(info))  # read, then checked
            prop = {"anyOf": [prop, {"type": "string", "pattern": f"^{DECIMAL_FORM}$",
                                     "format": name}]}
    elif kind == DATE:
        prop = {"type": "string", "pattern": f"^({ISO_DATE}|{FR_DATE})$",
                "format": DATE_IN_YEARS_FORMAT if info.years else DATE_FORMAT}
    elif kind == MOMENT:
        instant = INSTANT_AWARE_FORM if info.aware else INSTANT_FORM
        prop = {"type": "string", "pattern": f"^({ISO_DATE}|{FR_DATE}|{instant})$",
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


#: The string formats the schemas name (those of the bounds of decimal texts are added as
#: the schemas are generated), each the reader's own check (the pattern gives the
#: shape; the format adds what a pattern cannot say: a real day, a real time). A validator
#: that does not know them accepts the shape: the reader stays the judge.
DATE_FORMAT, MOMENT_FORMAT, AWARE_MOMENT_FORMAT = "ppaip-date", "ppaip-moment", "ppaip-moment-tz"
INSTANT_FORMAT = "ppaip-instant"
PARIS_INSTANT_FORMAT, DAY_OR_INSTANT_FORMAT = "ppaip-paris-instant", "ppaip-day-or-instant"
DATE_IN_YEARS_FORMAT = "ppaip-date-in-years"
FORMATS.update({
    INSTANT_FORMAT: accepts(value_reader(FieldInfo(INSTANT, "instant"))),
    PARIS_INSTANT_FORMAT: accepts(value_reader(FieldInfo(PARIS_INSTANT, "instant"))),
    DAY_OR_INSTANT_FORMAT: accepts(value_reader(FieldInfo(DAY_OR_INSTANT, "moment"))),
    DATE_FORMAT: accepts(value_reader(FieldInfo(DATE, "date"))),
    DATE_IN_YEARS_FORMAT: accepts(value_reader(FieldInfo(DATE, "date", years=True))),
    MOMENT_FORMAT: accepts(value_reader(FieldInfo(MOMENT, "moment"))),
    AWARE_MOMENT_FORMAT: accepts(value_reader(FieldInfo(MOMENT, "moment", aware=True))),
})


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


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


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

