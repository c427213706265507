"""Shared hypothesis strategies and input builders for the tests (one place; tests do not
import each other).

- ``e``, ``session``, ``missed``: one event of a beneficiary's log, as JSON-like data;
- ``events()``, ``workflow_logs()``, ``logs``: random event logs, valid by construction
  (used by the timeline's and the durable adapter's properties), judged as of ``AS_OF``.
"""

import copy
import datetime as dt
import importlib.util
import json
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from ppaip_rules.events import EVENT_TYPES

PARIS = ZoneInfo("Europe/Paris")


def e(type_, at, **fields):
    return {"type": type_, "at": at, **fields}


def session(at, hours=2, mode="individual", **fields):
    return e("session_held", at, mode=mode, hours=hours, **fields)


def missed(at, justified=False, cause="person"):
    return e("session_missed", at, justified=justified, cause=cause)



BASE = dt.datetime(2025, 3, 1, tzinfo=PARIS)
AS_OF = "2025-09-01T00:00:00+02:00"


@st.composite
def instants(draw, timed=False):
    minutes = draw(st.integers(0, 150 * 24 * 60))
    at = (BASE.astimezone(dt.timezone.utc) + dt.timedelta(minutes=minutes)).astimezone(PARIS)
    if not timed and draw(st.booleans()):
        return at.date().isoformat()
    return at.isoformat()


@st.composite
def events(draw):
    type_ = draw(st.sampled_from(sorted(EVENT_TYPES)))
    cls = EVENT_TYPES[type_]
    out = {"type": type_, "at": draw(instants(cls.TIMED))}
    hours = st.sampled_from([0, 1, 1.5, 2, 3, 6, 12])
    workshop = st.sampled_from(["A1", "B2"])
    if type_ in ("proposal_sent", "change_proposed"):
        out["individual_hours"] = draw(hours)
        out["collective_hours"] = draw(hours)
    elif type_ == "session_held":
        out.update(mode=draw(st.sampled_from(["individual", "collective"])), hours=draw(hours))
        if out["mode"] == "collective":
            out["workshop"] = draw(workshop)
    elif type_ == "session_missed":
        out["justified"] = draw(st.sampled_from([True, False, None]))
        out["cause"] = draw(st.sampled_from(["person", "transfer", "facilitator_absent", None]))
        out = {k: v for k, v in out.items() if v is not None}
    elif type_ == "document_produced":
        out["document"] = draw(st.sampled_from(["synthesis", "bilan", "other"]))
    elif type_ == "suspension_started":
        out["cause"] = draw(st.sampled_from(["person_unavailable", "general_search", "other"]))
    elif type_ == "programme_ended":
        out["cause"] = draw(st.sampled_from(["person_initiative", "hours_completed",
                                             "interruption"]))
    elif type_ == "first_meeting" and draw(st.booleans()):
        out["duration_hours"] = draw(hours)
    elif type_ == "bilan_delivered":
        out["scope"] = draw(st.sampled_from(["individual", "collective"]))
        out["to"] = draw(st.sampled_from([["cpip"], ["person"], ["cpip", "person"]]))
    elif type_ == "calendar_change_communicated":
        out["to"] = draw(st.sampled_from([["cpip"], ["person"], ["cpip", "person"]]))
    elif type_ in ("workshop_ended",):
        out["workshop"] = draw(workshop)
    elif type_ == "impossibility_reported" and draw(st.booleans()):
        out["reason"] = "motif"
    return out


def _at(day0, days, hour=10, minute=0):
    return (dt.datetime.combine(day0 + dt.timedelta(days), dt.time(hour, minute),
                                tzinfo=PARIS)).isoformat()


@st.composite
def workflow_logs(draw):
    """A plausible case (prescription, meeting, proposal, decision, sessions, absences,
    suspension, changes, end, bilans) with random delays, plus a few random events."""
    d0 = dt.date(2025, 3, 1) + dt.timedelta(draw(st.integers(0, 90)))
    day = st.integers(0, 9)
    out = [e("prescription_received", d0.isoformat())]
    t = draw(day)
    out.append(e("first_meeting", _at(d0, t, draw(st.integers(8, 17))),
                 duration_hours=draw(st.sampled_from([1, 1.5, 2]))))
    if draw(st.booleans()):
        out.append(e("calendar_sent", (d0 + dt.timedelta(t + draw(day))).isoformat()))
    if draw(st.integers(0, 9)) == 0:
        out.append(e("impossibility_reported", _at(d0, t + draw(st.integers(0, 4)), 16),
                     reason="motif"))
        return out + draw(st.lists(events(), max_size=3))
    t += draw(st.integers(0, 3))
    out.append(e("proposal_sent", (d0 + dt.timedelta(t)).isoformat(),
                 individual_hours=draw(st.sampled_from([4, 6, 12])),
                 collective_hours=draw(st.sampled_from([0, 4]))))
    t += draw(st.integers(0, 5))
    if draw(st.integers(0, 4)) == 0:
        out.append(e("proposal_refused", (d0 + dt.timedelta(t)).isoformat()))
        out.append(e("proposal_sent", (d0 + dt.timedelta(t)).isoformat(), individual_hours=6))
        t += draw(st.integers(0, 4))
    out.append(e("proposal_validated", (d0 + dt.timedelta(t)).isoformat()))
    if draw(st.integers(0, 3)) == 0:
        s = t + draw(st.integers(0, 6))
        out.append(e("suspension_started", (d0 + dt.timedelta(s)).isoformat(),
                     cause="person_unavailable"))
        if draw(st.booleans()):
            out.append(e("suspension_ended", (d0 + dt.timedelta(s + draw(day))).isoformat()))
    t += draw(st.integers(1, 9))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["held", "held", "held", "missed", "missed_j", "reconv"]))
        when = _at(d0, t, 10)
        if kind == "held":
            out.append(session(when, draw(st.sampled_from([1, 2, 3])),
                               draw(st.sampled_from(["individual", "individual", "collective"])),
                               workshop="A1"))
        elif kind == "reconv":
            out.append(e("reconvocation", _at(d0, t, 15)))
        else:
            out.append(missed(when, kind == "missed_j"))
        t += draw(st.integers(1, 8))
    if draw(st.booleans()):
        out.append(e("calendar_changed", _at(d0, t, 9)))
        out.append(e("calendar_change_communicated", _at(d0, t + draw(st.integers(0, 3)), 9,
                                                         draw(st.integers(0, 59)))))
    end = draw(st.sampled_from(["none", "last", "interrupted", "ended"]))
    if end == "last":
        out.append(e("last_individual_interview", (d0 + dt.timedelta(t)).isoformat()))
        if draw(st.booleans()):
            out.append(e("bilan_delivered", (d0 + dt.timedelta(t + draw(day))).isoformat()))
    elif end == "interrupted":
        out.append(e("course_interrupted", _at(d0, t, 11)))
        if draw(st.booleans()):
            out.append(e("interruption_reported", _at(d0, t + draw(st.integers(0, 4)), 10)))
    elif end == "ended":
        out.append(e("programme_ended", _at(d0, t, 12),
                     cause=draw(st.sampled_from(["hours_completed", "person_initiative"]))))
    if draw(st.booleans()):
        out.append(e("workshop_ended", (d0 + dt.timedelta(t)).isoformat(), workshop="A1"))
        out.append(e("bilan_delivered", (d0 + dt.timedelta(t + draw(day))).isoformat(),
                     scope="collective", workshop="A1"))
    return out + draw(st.lists(events(), max_size=3))


logs = st.one_of(st.lists(events(), max_size=25), workflow_logs())


# --- documents around a described model (ppaip_rules.describe) ---------------------------

def _spellings(code: str):
    """A code as a caller may type it: exact, another case, spaces around."""
    return st.tuples(st.sampled_from([code, code.upper(), code.lower(), code.title()]),
                     st.sampled_from(["", " ", "\t", "\xa0"]),
                     st.sampled_from(["", " ", "\n"])).map(lambda t: t[1] + t[0] + t[2])


_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True),
                  st.text(max_size=6), st.lists(st.integers(), max_size=1),
                  st.dictionaries(st.sampled_from(["a", "id"]), st.integers(), max_size=1))
_DAYS = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
_DATE_TEXTS = st.one_of(
    _DAYS.map(dt.date.isoformat),
    _DAYS.map(lambda d: f"{d.day}/{d.month:02d}/{d.year}"),
    _DAYS.map(lambda d: f" {d.day:02d}/{d.month}/{d.year} "),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\n?", fullmatch=True),
    st.from_regex(r"\s?[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}\s?", fullmatch=True),
    st.from_regex(r"[0-9٠-٩]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True))
_OFFSETS = st.one_of(st.none(), st.integers(-14 * 60, 14 * 60).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))))
_MOMENT_TEXTS = st.one_of(
    _DATE_TEXTS,
    st.builds(lambda d, tz: d.replace(tzinfo=tz).isoformat(),
              st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2060, 1, 1)), _OFFSETS),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?"
                  r"(Z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?", fullmatch=True))

_FR_DATETIMES = st.builds(
    lambda d, sep, h, m: f"{d.day}/{d.month:02d}/{d.year}{sep}{h}{m}",
    _DAYS, st.sampled_from([" ", "T", "  "]), st.integers(0, 25), st.sampled_from(
        [":00", "h30", ":7", ":60"]))
#: Instants at the edges: the spring gap and the autumn fold in Paris, blanks around, UTC,
#: forms that Python reads and the library does not (an hour alone, a week date).
_TRICKY_INSTANTS = ["2025-03-30T02:30:00", "2025-10-26T02:30:00", "2025-05-02T14:30:00Z",
                    " 2025-05-02T14:30:00+02:00 ", "2025-05-02T14", "2025-W18-5T10:00",
                    "2025-05-02T14:30:00.5+02:00", "2025-05-02 14:30", "2008-01-01",
                    "2009-01-01T00:00:00+14:00", "2099-12-31T23:59:59-14:00", "2100-01-01"]


def values(info, depth: int = 0):
    """JSON values for one described field: valid ones, near misses and junk."""
    from ppaip_rules import describe as d

    kind = info.kind
    if info.many:
        item = values(info.item(), depth)
        return st.one_of(st.lists(item, max_size=3), st.lists(st.one_of(item, st.none()),
                                                                max_size=2), _JUNK)
    if kind == d.PRESENCE:
        return st.one_of(st.booleans(), st.text(max_size=3), _JUNK)
    if kind == d.TIME:
        return st.one_of(
            st.from_regex(r"\s?[0-9]{1,2}\s?[:hH]\s?([0-9]{2})?\s?", fullmatch=True),
            st.sampled_from(["09:00", "9h", "14h30", "24:00", "9:60", "\u0663:00", "9h5",
                             "09:00\n", "  09:00    ", "1:2:3"]), _JUNK)
    if isinstance(kind, type):
        return st.one_of(documents(kind, depth + 1), _JUNK)
    if kind == d.TEXT:
        limit = info.max_length or 10_000
        return st.one_of(st.text(max_size=min(limit + 2, 12)), st.sampled_from(
            [" ", "x" * limit, "x" * (limit + 1), " \u2028", "\x1c"]), _JUNK)
    if kind == d.ID:
        return st.one_of(st.text(max_size=4), st.sampled_from(
            ["x" * 64, "x" * 65, "   ", "7.0"]), st.integers(-10 ** 16, 10 ** 16),
            st.sampled_from([7.0, -0.0, 1e15, 999_999_999_999_999.0, 1e300, 2.5]), _JUNK)
    if kind == d.BOOL:
        return st.one_of(st.booleans(), _JUNK)
    if kind in (d.INT, d.NUMBER):
        return st.one_of(st.integers(-5, 100), st.floats(allow_nan=True), _JUNK)
    if kind == d.DATE:
        return st.one_of(_DATE_TEXTS, _JUNK)
    if kind == d.MOMENT:
        return st.one_of(_MOMENT_TEXTS, _JUNK)
    if kind in (d.INSTANT, d.PARIS_INSTANT, d.DAY_OR_INSTANT):
        return st.one_of(_MOMENT_TEXTS, _FR_DATETIMES, st.sampled_from(_TRICKY_INSTANTS), _JUNK)
    if isinstance(kind, d.Tagged):
        variant = st.sampled_from(sorted(kind.models)).flatmap(
            lambda code: documents(kind.models[code], depth + 1).map(
                lambda doc: {kind.tag: code, **doc}))
        wrong = st.fixed_dictionaries({kind.tag: st.one_of(
            st.sampled_from(["session", "Session_held", "inconnu", ""]), _JUNK)})
        return st.one_of(variant, variant, wrong, _JUNK)
    if isinstance(kind, d.Custom):  # its own samples, accepted and refused
        return st.one_of(st.sampled_from(kind.samples), _JUNK) if kind.samples else _JUNK
    if kind == d.CODE:
        codes = [*info.codes.of(None), *info.codes.aliases]
        spelled = st.sampled_from(codes).flatmap(_spellings) if info.codes.fold \
            else st.sampled_from(codes)
        return st.one_of(spelled, spelled, st.sampled_from(codes).map(lambda c: c + "x"), _JUNK)
    raise AssertionError(kind)


def documents(model, depth: int = 0):
    """JSON-like documents for a described model: any field present or not, valid or not,
    sometimes an unknown key."""
    from ppaip_rules.describe import described

    fields = described(model)
    optional = {name: values(info, depth) for name, info in fields} if depth < 2 else {}
    extra = st.dictionaries(st.sampled_from(["comment", "Person", "x y"]), st.integers(),
                            max_size=1)
    return st.builds(lambda doc, more, drop: {**doc, **(more if drop == 0 else {})},
                     st.fixed_dictionaries({}, optional=optional), extra, st.integers(0, 4))


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
                     "collectif", "cpip", "condamne", "=1+1", "@SUM(A1)", "-2", "+33",
                     "custody", "community", "individual", "collective", "convicted",
                     "email", "other"]),
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


def bench_timeline():
    """The case generator of ``benchmarks/bench_timeline.py`` (plausible logs of about 20
    events), loaded from its file: the benchmarks folder is not a package."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_timeline.py"
    spec = importlib.util.spec_from_file_location("_bench_timeline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
