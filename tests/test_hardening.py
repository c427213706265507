"""Hostile input never gets anything but an InputError, and never echoes personal data.

Issue 16 ("Done when"): every public entry point (the functions of
``ppaip_rules.__all__``, ``run_check`` on every kind) and every model
constructor is fuzzed with JSON-like and Python-typed input carrying a planted
marker. Only :class:`InputError` may escape; the marker never appears in an
error message, a report (text or JSON) or a ``repr``.

A few thousand examples in all by default (under a minute); more with
``PPAIP_FUZZ_EXAMPLES=N`` (examples per test) or ``HYPOTHESIS_PROFILE=thorough``.
The regression tests of each class of the issue come after the fuzzers.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.resources
import inspect
import json
import os
import pkgutil
import subprocess
import sys

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    SECRET,
    example_inputs,
    hostile_texts,
    json_values,
    mutated,
    python_values,
    secrets,
)

import ppaip_rules
from ppaip_rules import DIJON, InputError, Report, parameters_from_dict, run_check
from ppaip_rules.checks import load_json

_DEFAULT = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "default")).max_examples
#: Examples per fuzz test: 300 each (1,500 in all) in CI, more for a long run.
EXAMPLES = int(os.environ.get("PPAIP_FUZZ_EXAMPLES", max(_DEFAULT, 300)))
fuzz = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

EXAMPLES_BY_KIND = example_inputs()
AS_OF = st.one_of(st.sampled_from(["2025-06-30T18:00:00+02:00", "2025-06-30", "2026-01-15"]),
                  python_values)


def _no_marker(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text, text


def outcome(call, *args, **kwargs):
    """Call; an InputError must not echo the marker; anything else but a result fails."""
    try:
        result = call(*args, **kwargs)
    except InputError as error:
        _no_marker(str(error), repr(error), error.path, error.expected, str(error.problem))
        json.dumps(error.to_dict(), ensure_ascii=False)
        return None
    if isinstance(result, Report):
        _no_marker(result.format(), result.to_json())
    return result


# --- run_check on every kind, JSON-like ------------------------------------------------

_KINDS = sorted(k.name for k in ppaip_rules.kinds())


def _base_documents(kind: str) -> list:
    if kind in EXAMPLES_BY_KIND:
        return EXAMPLES_BY_KIND[kind]
    if kind == "deadline":
        return [{"rule_id": "END-BILAN-IND", "trigger": "2025-05-07", "act": "2025-05-16"},
                {"rule_id": "REFUSAL-48H", "trigger": "2025-03-03T11:00:00+01:00",
                 "act": "2025-03-05T10:00:00+01:00", "extend_to_working_day": True}]
    return [{}]


def test_every_kind_is_fuzzed_from_a_document():
    assert {"deadline", "programme", "case", "activity", "roster"} <= set(_KINDS)


@fuzz
@given(st.sampled_from(_KINDS), st.data())
def test_run_check_on_every_kind_raises_only_input_error(kind, data):
    base = data.draw(st.sampled_from(_base_documents(kind)))
    document = data.draw(mutated(base) | json_values)
    options = {}
    if "as_of" in ppaip_rules.kinds() and kind in ("case", "activity", "roster"):
        options["as_of"] = data.draw(AS_OF)
    if kind == "roster" and data.draw(st.booleans()):
        options["basis"] = data.draw(st.sampled_from(["headcount", "hours", "fte"]) | hostile_texts)
    outcome(run_check, kind, document, **options)


@fuzz
@given(st.sampled_from(_KINDS), st.data())
def test_run_check_with_python_values_inside(kind, data):
    base = data.draw(st.sampled_from(_base_documents(kind)))
    document = data.draw(mutated(base, python_values))
    outcome(run_check, kind, document, as_of=data.draw(AS_OF)) if kind in (
        "case", "activity", "roster") else outcome(run_check, kind, document)


# --- every public function, Python-typed -----------------------------------------------

PUBLIC_FUNCTIONS = sorted(
    name for name in ppaip_rules.__all__
    if callable(getattr(ppaip_rules, name)) and not isinstance(getattr(ppaip_rules, name), type))

_GOOD = {
    "rule_id": st.sampled_from(["PROG-START", "REFUSAL-48H", "STAFF-ACCESS", "END-BILAN-IND"]),
    "trigger": st.sampled_from(["2025-05-02", "2025-03-03T11:00:00+01:00"]),
    "act": st.sampled_from(["2025-05-09", "2025-04-01", "2025-03-05T10:00:00+01:00"]),
    "params": st.just(DIJON),
    "as_of": st.sampled_from(["2025-06-30T18:00:00+02:00", "2025-06-30"]),
    "lot": st.integers(1, 6),
    "period": st.just({"start": "2025-01-01", "end": "2025-06-30"}),
    "kind": st.sampled_from(_KINDS),
    "departement": st.sampled_from([None, "57", "21"]),
}


def _argument(name: str, default):
    good = _GOOD.get(name)
    if good is None and type(default) is bool:
        good = st.booleans()
    if good is None and default is not inspect.Parameter.empty:
        good = st.just(default)
    # Mostly good values, so that the hostile one reaches past the first readers.
    return python_values if good is None else st.one_of(good, good, good, python_values)


def test_every_public_function_is_fuzzed():
    assert {"deadline", "check_deadline", "evaluate_case", "lot_report", "check_programme",
            "check_roster", "parameters_from_dict", "run_check"} <= set(PUBLIC_FUNCTIONS)


@fuzz
@given(st.sampled_from(PUBLIC_FUNCTIONS), st.data())
def test_public_functions_raise_only_input_error(name, data):
    function = getattr(ppaip_rules, name)
    args, kwargs = [], {}
    for pname, p in inspect.signature(function).parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is not p.empty and data.draw(st.integers(0, 3)) == 0:
            continue  # leave the default
        value = data.draw(_argument(pname, p.default))
        if p.kind is p.KEYWORD_ONLY or args is None:
            kwargs[pname] = value
        else:
            args.append(value)
    if data.draw(st.integers(0, 9)) == 0:
        kwargs[data.draw(st.sampled_from(["extra", "ZZSECRET", "as_of", "params"]))] = (
            data.draw(python_values))
    if name == "load_parameters":
        return  # a path: fuzzed through its contents below
    outcome(function, *args, **kwargs)


@fuzz
@given(st.data())
def test_parameter_sets_raise_only_input_error(data):
    base = {"forecast_months": 24, "renewals": 2, "psychologist_share_percent": 30,
            "individual_hours_min": 3, "individual_hours_max": 30,
            "delays": {"PROG-START": {"amount": 5, "unit": "jours"}},
            "lots": [{"number": 1, "spips": [{"code": "18", "name": "SPIP du Cher"}],
                      "individual_hours": 660, "collective_hours": 300}],
            "deliverables": [{"code": "affiche", "label": "Affiche"}]}
    document = data.draw(mutated(base) | mutated(base, python_values))
    outcome(parameters_from_dict, document)  # a contract's own texts may be shown


# --- every model constructor ---------------------------------------------------------

def _models() -> list[type]:
    found = {}
    for info in pkgutil.iter_modules(ppaip_rules.__path__):
        if info.name.startswith("_") or info.name in (
                "cli", "docsite", "integrations", "coverage", "checks", "deadlines",
                "describe", "describe_fields", "describe_reader", "describe_publish",
                "registry"):
            # internal tables (the coverage matrix, kinds, deadline specs) and the
            # machinery of field descriptions and of the registry, not inputs
            continue
        module = importlib.import_module(f"ppaip_rules.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and attrs.has(value) and (
                    value.__module__ == module.__name__):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


MODELS = _models()


def test_every_model_is_fuzzed():
    names = {m.__name__ for m in MODELS}
    assert {"Proposal", "Person", "ContractParameters", "Finding", "Roster"} <= names


@fuzz
@given(st.sampled_from(MODELS), st.data())
def test_model_constructors_raise_only_input_error(model, data):
    fields = [f for f in attrs.fields(model) if f.init]
    kwargs = {}
    for field in fields:
        if field.default is attrs.NOTHING or data.draw(st.integers(0, 2)) == 0:
            kwargs[field.alias or field.name] = data.draw(python_values | secrets)
    if data.draw(st.integers(0, 5)) == 0:
        kwargs[data.draw(st.text(max_size=8) | secrets)] = data.draw(python_values)
    try:
        model(**kwargs)
    except InputError as error:
        _no_marker(str(error), repr(error))


# --- regression tests, one per class of the issue ------------------------------------

def test_an_instant_that_overflows_in_paris_time_is_an_input_error():
    plus14 = dt.timezone(dt.timedelta(hours=14))
    for trigger in ("0001-01-01T00:00:00+14:00", dt.datetime(1, 1, 1, tzinfo=plus14)):
        with pytest.raises(InputError) as error:
            ppaip_rules.deadline("REFUSAL-48H", trigger)
        assert error.value.path == "trigger"
    with pytest.raises(InputError) as error:
        ppaip_rules.evaluate_case({"events": []}, as_of="9999-12-31T23:59:59-14:00")
    assert error.value.path == "as_of"


def test_as_of_outside_the_calendar_years_is_refused():
    with pytest.raises(InputError) as error:
        ppaip_rules.evaluate_case({"events": []}, as_of="1990-06-30")
    assert error.value.path == "as_of"


def test_a_report_period_outside_the_calendar_years_is_refused():
    with pytest.raises(InputError) as error:
        ppaip_rules.lot_report([], 1, {"start": "1990-01-01", "end": "1990-06-30"})
    assert error.value.path == "period.start"


def test_hours_of_four_hundred_digits_are_an_input_error():
    case = EXAMPLES_BY_KIND["case"][0]
    text = json.dumps(case)
    assert '"hours"' in text or '"duration_hours"' in text
    bad = json.loads(text.replace('"duration_hours": 1', '"duration_hours": ' + "9" * 400, 1)
                     .replace('"hours": 2', '"hours": ' + "9" * 400, 1))
    with pytest.raises(InputError):
        run_check("case", bad, as_of="2025-06-30")


@pytest.mark.parametrize("changes, path", [
    ({"forecast_months": 0}, "forecast_months"),
    ({"renewals": 10**9}, "renewals"),
    ({"psychologist_share_percent": float("inf")}, "psychologist_share_percent"),
    ({"psychologist_share_percent": 120}, "psychologist_share_percent"),
    ({"individual_hours_min": 40}, "individual_hours_min"),
    ({"delays": {"PROG-START": {"amount": 10**20, "unit": "jours"}}}, "delays.PROG-START.amount"),
    ({"delays": {"PROG-START": {"amount": 0, "unit": "jours"}}}, "delays.PROG-START.amount"),
    ({"delays": {"PROG-STRAT": {"amount": 5, "unit": "jours"}}}, "delays.?"),
    ({"individual_actions": []}, "individual_actions"),
    ({"collective_themes": [{"code": "vae", "label": "A"}, {"code": "vae", "label": "B"}]},
     "collective_themes[1].code"),
    ({"lots": []}, "lots"),
    ({"lots": [{"number": 1, "spips": [{"code": "18", "name": "SPIP"}], "individual_hours": 1,
                "collective_hours": 1}] * 2}, "lots[1].number"),
])
def test_a_parameter_set_that_makes_no_sense_is_refused_naming_the_key(changes, path):
    with pytest.raises(InputError) as error:
        parameters_from_dict(changes)
    assert error.value.path == path


def test_a_deeply_nested_parameter_file_is_an_input_error(tmp_path):
    file = tmp_path / "variante.json"
    file.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError):
        ppaip_rules.load_parameters(file)


def test_a_duplicate_json_key_is_refused_naming_its_path():
    raw = b'{"events": [], "case_id": "A", "nested": {"at": 1, "at": 2}, "events": []}'
    with pytest.raises(InputError) as error:
        load_json(raw)
    assert error.value.path in {"events", "nested.at"}
    with pytest.raises(InputError) as error:
        load_json(b'{"events": [{"at": 1, "at": 2}]}')
    assert error.value.path == "events[0].at"
    assert error.value.problem == "clé en double"


def _has_duplicate_key(text: str) -> bool:
    """The reference: a hook at every object (what load_json did for every document)."""
    seen: list[bool] = []

    def pairs(items):
        seen.append(len({k for k, _ in items}) < len(items))
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return any(seen)


_json_keys = st.sampled_from(["at", "a", 'a":b', "a\\", " ", "é", "at "])
_json_docs = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(['":', '" :', "x", ""]),
    lambda inner: st.lists(inner, max_size=4) | st.lists(
        st.tuples(_json_keys, inner), max_size=4),
    max_leaves=12)


def _written(doc, spaces) -> str:
    """A JSON text where a list of pairs is an object (keys may repeat), with whitespace
    drawn from ``spaces`` around each colon and comma."""
    if isinstance(doc, list) and doc and all(isinstance(x, tuple) for x in doc):
        items = [json.dumps(k) + next(spaces) + ":" + next(spaces) + _written(v, spaces)
                 for k, v in doc]
        return "{" + ("," + next(spaces)).join(items) + "}"
    if isinstance(doc, list):
        return "[" + ("," + next(spaces)).join(_written(x, spaces) for x in doc) + "]"
    return json.dumps(doc)


@settings(max_examples=300, deadline=None)
@given(_json_docs, st.lists(st.sampled_from(["", "", " ", "\n", "\t", "\r\n  "]),
                            min_size=1, max_size=8))
def test_property_load_json_refuses_a_duplicate_key_exactly_when_one_is_written(doc, spaces):
    """load_json checks duplicates by counting keys (the text's, the objects'): it refuses
    exactly the documents where some object has a key twice, whatever the whitespace and
    whatever quotes and colons the strings hold."""
    import itertools

    text = _written(doc, itertools.cycle(spaces))
    if _has_duplicate_key(text):
        with pytest.raises(InputError) as error:
            load_json(text.encode())
        assert error.value.problem == "clé en double"
    else:
        assert load_json(text.encode()) == json.loads(text)


def test_a_duplicate_key_in_a_parameter_file_is_refused(tmp_path):
    file = tmp_path / "variante.json"
    file.write_text('{"renewals": 1, "renewals": 3}', encoding="utf-8")
    with pytest.raises(InputError) as error:
        ppaip_rules.load_parameters(file)
    assert error.value.path == "renewals"


def test_a_policy_switch_given_as_text_false_is_not_true():
    with pytest.raises(InputError) as error:
        ppaip_rules.deadline("PROG-START", "2025-05-02", extend_to_working_day="false")
    assert error.value.path == "extend_to_working_day"
    # In a JSON document a switch is a JSON boolean: text ("false", "non", "0") is refused
    # naming the field, never read as True.
    data = {"rule_id": "PROG-FIRST-MEETING", "trigger": "2025-05-02", "act": "2025-05-07"}
    for text in ("false", "non", "0", "oui"):
        with pytest.raises(InputError) as error:
            run_check("deadline", {**data, "extend_to_working_day": text})
        assert error.value.path == "extend_to_working_day"
    # Friday 2 May + 5 calendar days = Wednesday 7 May; from Saturday 3 May, Thursday 8 May
    # (a holiday) is extended to Friday 9 only when the switch is on.
    late = {"rule_id": "PROG-FIRST-MEETING", "trigger": "2025-05-03", "act": "2025-05-09"}
    assert run_check("deadline", {**late, "extend_to_working_day": True}).ok
    assert not run_check("deadline", {**late, "extend_to_working_day": False}).ok


def test_an_act_before_its_trigger_is_not_reported_as_in_time():
    with pytest.raises(InputError) as error:
        ppaip_rules.check_deadline("END-BILAN-IND", "2025-05-07", "2025-05-01")
    assert error.value.path == "act"
    # A backward deadline expects the act before its trigger.
    assert not ppaip_rules.check_deadline("STAFF-ACCESS", "2025-03-31", "2025-02-01").findings


def test_direct_construction_raises_input_error_naming_the_argument():
    from ppaip_rules.programme import Proposal
    from ppaip_rules.staffing import Facilitator

    with pytest.raises(InputError) as error:
        Proposal(workshops=5)
    assert error.value.path == "workshops"
    with pytest.raises(InputError) as error:
        Proposal(ZZSECRET_field=1)
    assert SECRET not in str(error.value)
    assert "weekly_hours" in attrs.fields_dict(Facilitator)
    with pytest.raises(InputError) as error:
        attrs.evolve(_any_staff(), weekly_hours=float("nan"))
    assert error.value.path == "weekly_hours"


def _any_staff():
    roster = ppaip_rules.read_roster_csv(
        (importlib.resources.files("ppaip_rules") / "examples" / "roster.conforme.csv")
        .read_bytes())
    return roster.facilitators[0]


def test_a_datetime_where_a_date_is_expected_is_refused():
    from ppaip_rules.eligibility import Person

    with pytest.raises(InputError) as error:
        Person(birth_date=dt.datetime(1990, 1, 1, 12, 0))
    assert error.value.path == "birth_date"


def test_public_functions_check_params_and_argument_names():
    with pytest.raises(InputError) as error:
        ppaip_rules.check_programme({}, None)
    assert error.value.path == "params"
    with pytest.raises(InputError) as error:
        ppaip_rules.deadline("PROG-START", "2025-05-02", ZZSECRET=1)
    assert SECRET not in str(error.value)
    with pytest.raises(InputError):
        ppaip_rules.evaluate_case({"events": []})  # as_of is required


@pytest.mark.parametrize("key", ["Jean\n", "nom\x00", "a" * 41, "é"])
def test_an_unknown_key_is_echoed_only_when_it_is_a_plain_field_name(key):
    with pytest.raises(InputError) as error:
        run_check("deadline", {"rule_id": "PROG-START", "trigger": "2025-05-02",
                               "act": "2025-05-03", key: 1})
    assert error.value.path == "?"
    assert "\n" not in str(error.value)


# --- the same classes through the command line --------------------------------------

def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=60)


CASE_FILE = str(importlib.resources.files("ppaip_rules") / "examples" / "case.conforme.json")


@pytest.mark.parametrize("args", [
    ("deadline", "REFUSAL-48H", "0001-01-01T00:00:00+14:00"),
    ("timeline", CASE_FILE, "--as-of", "9999-12-31T23:59:59-14:00"),
    ("check", "case", CASE_FILE, "--as-of", "9999-12-31T23:59:59-14:00"),
    ("check", "case", CASE_FILE, "--as-of", "0001-01-01T00:00:00+14:00"),
    ("deadline", "END-BILAN-IND", "2025-05-07", "--act", "2025-05-01"),
])
def test_cli_overflowing_instants_and_inconsistent_acts_exit_2(args):
    out = _cli(*args)
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and "interne" not in out.stderr


def test_cli_refuses_a_duplicate_key_naming_its_path():
    out = _cli("check", "deadline", "-", stdin='{"rule_id": "PROG-START", "trigger": '
               '"2025-05-02", "act": "2025-05-03", "act": "2025-06-30"}')
    assert out.returncode == 2
    assert "« act »" in out.stderr and "clé en double" in out.stderr
    assert "2025-06-30" not in out.stderr


def test_cli_refuses_a_parameter_file_that_makes_no_sense(tmp_path):
    file = tmp_path / "variante.toml"
    file.write_text("forecast_months = 0\n", encoding="utf-8")
    out = _cli("--parameters", str(file), "deadline", "PROG-START", "2025-05-02")
    assert out.returncode == 2
    assert "« forecast_months »" in out.stderr


@pytest.mark.parametrize("bad_id", ["P-1\n", "P-1\r\nX", "\x00", "P\x1b[31m"])
def test_an_identifier_with_a_control_character_is_refused(bad_id):
    document = {**EXAMPLES_BY_KIND["bilan"][0], "id": bad_id}
    with pytest.raises(InputError) as error:
        run_check("bilan", document)
    assert error.value.path == "id"


def test_deadline_pauses_must_be_a_list_of_intervals():
    with pytest.raises(InputError) as error:
        ppaip_rules.deadline("PROG-START", "2025-05-02", pauses=5)
    assert error.value.path == "pauses"
