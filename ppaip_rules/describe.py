"""One declarative description per input: field metadata on attrs models, and what derives from it.

The public entry of the generic layer, in three modules, one per layer (each imports only
the ones before it):

- :mod:`ppaip_rules.describe_fields`, the declarations: an input model is an attrs class
  whose fields are declared with :func:`field`: the kind of value (:data:`TEXT`,
  :data:`ID`, :data:`BOOL`, :data:`INT`, :data:`NUMBER`, :data:`DATE`, :data:`MOMENT`,
  :data:`CODE`, a nested model, a :func:`tagged` union, a :class:`Custom` kind), and its
  metadata (:class:`FieldInfo`: French label and description, unit, bounds, code list
  (:class:`Codes`) with French labels and old spellings, whether the value is personal,
  spreadsheet header). Every field's attrs validator is the same check as the reader's,
  so that ``Person(status="x")`` and ``read(Person, {"status": "x"})`` refuse alike, with
  :class:`~ppaip_rules.errors.InputError` both ways;
- :mod:`ppaip_rules.describe_reader`, the reader: :func:`read` from JSON-like data, by a
  plan compiled once per model; errors name the field path (``person.birth_date``,
  ``sessions[3].duration``) and the expected form in French, never the value;
- :mod:`ppaip_rules.describe_publish`, what is published: :func:`json_schema` (draft
  2020-12, accepting exactly the documents the reader accepts: property-tested in
  tests/test_describe.py) and its :data:`FORMATS`; :func:`field_rows` /
  :func:`field_table`, the documentation's field table; :func:`columns`, the
  spreadsheet columns (French header, field path, French values).

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

from .describe_fields import (
    BOOL,
    CODE,
    DATE,
    DAY_OR_INSTANT,
    FORMATS,
    ID,
    ID_INT_MAX,
    ID_MAX,
    INSTANT,
    INT,
    MAX_ITEMS,
    MOMENT,
    NUMBER,
    PARIS_INSTANT,
    PRESENCE,
    TEXT,
    TIME,
    TIME_MAX,
    Check,
    Codes,
    Custom,
    FieldInfo,
    Step,
    Tagged,
    accepts,
    constructing,
    described,
    done_constructing,
    field,
    info_of,
    tagged,
)
from .describe_publish import (
    AWARE_MOMENT_FORMAT,
    DATE_FORMAT,
    DATE_IN_YEARS_FORMAT,
    DAY_OR_INSTANT_FORMAT,
    DRAFT,
    INSTANT_FORMAT,
    MOMENT_FORMAT,
    PARIS_INSTANT_FORMAT,
    FieldRow,
    columns,
    field_rows,
    field_table,
    json_schema,
    union_schema,
)
from .describe_reader import read, value_reader

__all__ = [
    "AWARE_MOMENT_FORMAT", "BOOL", "CODE", "DATE", "DATE_FORMAT", "DATE_IN_YEARS_FORMAT",
    "DAY_OR_INSTANT", "DAY_OR_INSTANT_FORMAT", "DRAFT", "FORMATS", "ID", "ID_INT_MAX",
    "ID_MAX", "INSTANT", "INSTANT_FORMAT", "INT", "MAX_ITEMS", "MOMENT", "MOMENT_FORMAT",
    "NUMBER", "PARIS_INSTANT", "PARIS_INSTANT_FORMAT", "PRESENCE", "TEXT", "TIME",
    "TIME_MAX", "Check", "Codes", "Custom", "FieldInfo", "FieldRow", "Step", "Tagged",
    "accepts", "columns", "constructing", "described", "done_constructing", "field",
    "field_rows", "field_table", "info_of", "json_schema", "read", "tagged",
    "union_schema", "value_reader",
]
