"""Shared hypothesis strategies of the test suite (issue 10 item 5, issue 16).

Hostile input, JSON-like and Python-typed, with a planted marker standing for
personal data: a test asserts that the marker never comes back in a message,
an output or a ``repr``. Additive: each block serves its own tests.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from importlib import resources
from typing import Any

from hypothesis import strategies as st

# --- hardening (issue 16) ------------------------------------------------------------

#: Stands for a name, a birth date, a comment: it must never be echoed.
SECRET = "ZZSECRET"

#: Texts carrying the marker, some shaped like identifiers or field names.
secrets = st.one_of(
    st.integers(0, 999).map(lambda n: f"{SECRET}{n}"),
    st.sampled_from([SECRET, f"{SECRET}\n", f"={SECRET}", f"{SECRET}\x00", f"Jean_{SECRET}",
                     f"{SECRET} Dupont", f"{SECRET}\ud800"]),
)

#: Numbers at and beyond every limit: 400 digits, NaN, infinities, negative zero.
hostile_numbers = st.one_of(
    st.integers(-10, 10**6), st.just(10**400), st.just(-(10**20)), st.just(10**9),
    st.floats(allow_nan=True, allow_infinity=True), st.just(float("nan")),
    st.just(float("inf")), st.just(-0.0), st.just(1.5),
)

#: Texts a reader meets: dates in every form, switches, codes, blanks, controls.
hostile_texts = st.one_of(
    st.text(max_size=20), secrets,
    st.sampled_from(["", " ", "\n", "oui", "non", "true", "false", "True", "0", "1",
                     "2025-05-02", "02/05/2025", "2025-02-30", "0001-01-01",
                     "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                     "2025-03-30T02:30:00", "2025-10-26T02:30:00", "2025-05-02T14:30:00Z",
                     "2025-05-02T14:30:00+02:00", "1990-01-01", "2101-01-01", "MF", "MO",
                     "57", "057", "99", "2A", "PROG-START", "REFUSAL-48H", "individuel",
                     "collectif", "cpip", "condamne", "=1+1", "@SUM(A1)", "-2", "+33"]),
)

json_scalars = st.one_of(st.none(), st.booleans(), hostile_numbers, hostile_texts)

#: Any JSON document (small): what a file or a service body can hold.
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12) | secrets, children, max_size=4),
    max_leaves=10,
)

_OFFSETS = st.sampled_from([dt.timedelta(hours=h) for h in (-14, -5, 0, 1, 2, 14)]).map(
    dt.timezone)

#: Python values a caller of the library can pass where JSON would be expected.
python_scalars = st.one_of(
    json_scalars,
    st.dates(), st.sampled_from([dt.date.min, dt.date.max, dt.date(2025, 5, 2)]),
    st.datetimes(), st.datetimes(timezones=_OFFSETS),
    st.sampled_from([dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=14))),
                     dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-14))),
                     dt.datetime(2025, 5, 2, 14, 30),
                     dt.datetime(2025, 5, 2, 14, 30, tzinfo=dt.timezone.utc)]),
    st.times(), st.just(b"bytes"), st.just(object()), st.just(frozenset({1})),
    st.just({1, 2}), st.just(()),
)
python_values = st.recursive(
    python_scalars,
    lambda children: st.lists(children, max_size=3) | st.lists(children, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=12), children, max_size=3),
    max_leaves=8,
)


def example_inputs() -> dict[str, list[Any]]:
    """The JSON examples shipped with the package, by check kind."""
    found: dict[str, list[Any]] = {}
    for path in sorted(resources.files("ppaip_rules").joinpath("examples").iterdir(),
                       key=lambda p: p.name):
        if path.name.endswith(".json"):
            found.setdefault(path.name.split(".", 1)[0], []).append(
                json.loads(path.read_text(encoding="utf-8")))
    return found


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a node of a JSON document (root included)."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


@st.composite
def mutated(draw: Any, document: Any, values: st.SearchStrategy = json_values) -> Any:
    """``document`` with one to three nodes replaced, dropped or given a new key:
    hostile input that still gets past the first readers (unlike random JSON)."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if not path:
            if action == "replace":
                doc = draw(values)
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        if action == "replace":
            parent[last] = draw(values)
        elif action == "drop":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12) | secrets)] = draw(values)
        else:
            parent.append(draw(values))
    return doc
