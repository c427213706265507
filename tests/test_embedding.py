"""The embedding API of the entry, programme and document checks (issue 3).

Plain dicts and models, JSON Schemas tested against the example files, the real
``ppaip-rules`` command, and hypothesis fuzzing: for any JSON-like input, every
public check returns a report or raises the library's InputError, and never
repeats an input value (a name, a birth date, free text).
"""

import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ppaip_rules
from ppaip_rules import InputError, Report, report_schema, run_check
from ppaip_rules.checks import get_kind
from ppaip_rules.frenchtext import format_date
from ppaip_rules.programme import Proposal, read_proposal

EXAMPLES = Path(ppaip_rules.__file__).parent / "examples"
KINDS = ("eligibility", "orientation", "programme", "attendance-sheet", "convocation", "bilan",
         "deliverables")
CHECKS = {
    "eligibility": lambda d: ppaip_rules.check_eligibility(
        d.get("person") if isinstance(d, dict) else d,
        d.get("prescription") if isinstance(d, dict) else None),
    "orientation": ppaip_rules.check_orientation,
    "programme": ppaip_rules.check_programme,
    "attendance-sheet": ppaip_rules.check_attendance_sheet,
    "convocation": ppaip_rules.check_convocation,
    "bilan": ppaip_rules.check_bilan,
    "deliverables": ppaip_rules.check_deliverables,
}
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}


def example(kind, compliant=True):
    name = f"{kind}.{'conforme' if compliant else 'non-conforme'}.json"
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], input=stdin,
                          capture_output=True, text=True, env=ENV, timeout=60)


# --- every kind: examples, public functions, run_check ----------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_a_compliant_and_a_non_compliant_example(kind):
    assert run_check(kind, example(kind)).ok
    report = run_check(kind, example(kind, compliant=False))
    assert not report.ok and len(report.findings) >= 2


@pytest.mark.parametrize("kind", KINDS)
def test_public_function_and_run_check_agree(kind):
    for compliant in (True, False):
        data = example(kind, compliant)
        checked = run_check(kind, data).to_dict()
        assert checked.pop("stamp")["command"] == f"check {kind}"  # run_check stamps
        assert CHECKS[kind](data).to_dict() == checked


def test_public_functions_are_exported():
    for name in ("check_eligibility", "check_orientation", "check_programme",
                 "check_attendance_sheet", "check_convocation", "check_bilan",
                 "check_deliverables"):
        assert name in ppaip_rules.__all__ and callable(getattr(ppaip_rules, name))


# --- JSON Schemas -----------------------------------------------------------------------------

jsonschema = pytest.importorskip("jsonschema")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12_and_accepts_both_examples(kind):
    schema = get_kind(kind).schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for compliant in (True, False):
        validator.validate(example(kind, compliant))


@pytest.mark.parametrize("kind", KINDS)
def test_reports_of_the_examples_match_the_report_schema(kind):
    validator = jsonschema.Draft202012Validator(report_schema())
    for compliant in (True, False):
        validator.validate(run_check(kind, example(kind, compliant)).to_dict())


@pytest.mark.parametrize("kind", KINDS)
def test_schema_and_reader_both_refuse_an_unknown_field(kind):
    data = example(kind)
    data["commentaire_libre"] = "x"
    assert not jsonschema.Draft202012Validator(get_kind(kind).schema()).is_valid(data)
    with pytest.raises(InputError):
        run_check(kind, data)


# --- the real command ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_cli_check_examples_exit_0_and_1(kind):
    ok = cli("check", kind, str(EXAMPLES / f"{kind}.conforme.json"))
    bad = cli("check", kind, str(EXAMPLES / f"{kind}.non-conforme.json"), "--format", "json")
    assert (ok.returncode, bad.returncode) == (0, 1), ok.stderr + bad.stderr
    assert "conforme" in ok.stdout
    report = json.loads(bad.stdout)
    assert report["ok"] is False and report["subject"] == kind


def test_cli_check_from_stdin_prints_the_style_md_finding():
    doc = {"individual_hours": 12, "individual_actions": ["bilan-orientation"],
           "workshops": [{"theme": "tre", "hours": 6, "participants": 7}],
           "training_slots": []}
    out = cli("check", "programme", "-", stdin=json.dumps(doc))
    assert out.returncode == 1
    assert ("PROG-GROUP-SIZE (CCTP 6.2 B, 6.3) — violation : l'atelier « Apprentissage des "
            "techniques de recherche d'emploi » compte 7 participants ; 6 au maximum. Retirer "
            "1 participant ou dédoubler l'atelier.") in out.stdout


@pytest.mark.parametrize("kind, doc, path", [
    ("programme", {"workshops": [{"theme": "tre"}, {"theme": "tre", "participants": "sept"}]},
     "workshops[1].participants"),
    ("eligibility", {"person": {"birth_date": "Jean Dupont"}}, "person.birth_date"),
    # an unknown key is never echoed (issue 16: it may be a name), only its place
    ("attendance-sheet", {"kind": "individuel", "nom": "Jean Dupont"}, "?"),
    ("bilan", [], "(racine)"),
])
def test_cli_bad_input_is_one_french_line_with_the_path_and_no_value(kind, doc, path):
    out = cli("check", kind, "-", stdin=json.dumps(doc))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1
    assert f"« {path} »" in out.stderr
    assert "Dupont" not in out.stderr and "sept" not in out.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_cli_schema_prints_the_schema(kind):
    out = cli("schema", kind)
    assert out.returncode == 0
    assert json.loads(out.stdout) == json.loads(json.dumps(get_kind(kind).schema()))


def test_cli_demo_shows_the_issue_3_examples():
    out = cli("demo")
    assert out.returncode == 0, out.stderr
    for kind in KINDS:
        assert f"« {kind}.non-conforme.json »" in out.stdout
    assert "ELIG-CUMULATIVE" in out.stdout and "PROG-TRAINING-OVERLAP" in out.stdout


# --- hypothesis: arbitrary JSON-like input ------------------------------------------------------

FIELDS = sorted({key for kind in KINDS for compliant in (True, False)
                 for key in json.dumps(example(kind, compliant)).split('"')[1::2]
                 if key.isidentifier() or "-" in key})

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["2025-05-13", "13/05/2025", "2025-05-13T09:00:00+02:00",
                     "2025-05-13T09:00:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59Z",
                     "MF", "mo", "3,5", "-1", "1e309", "tre", "a-la-carte", "cpip",
                     "titulaire", "mail", "individuel", "collectif", "final", "\u0000", "é" * 5]),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=6),
                            st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)),
                                            inner, max_size=6)),
    max_leaves=25)


def mutate(data, document):
    """The document with one random subtree replaced, removed or added."""
    doc = copy.deepcopy(document)
    parent, key = None, None
    node = doc
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, data.draw(st.sampled_from(keys))
        node = node[key]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if parent is None:
        return data.draw(json_like) if action == "replace" else doc
    if action == "delete":
        del parent[key]
    elif action == "add" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from(FIELDS))] = data.draw(json_like)
    else:
        parent[key] = data.draw(json_like)
    return doc


def outcome(kind, data):
    """A report, or the library's InputError; anything else fails the test."""
    try:
        report = CHECKS[kind](data)
    except InputError as error:
        return error
    assert isinstance(report, Report)
    return report


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), value=json_like)
def test_any_json_like_value_gives_a_report_or_an_input_error(kind, value):
    result = outcome(kind, value)
    if isinstance(result, Report):
        json.dumps(result.to_dict())
        result.format()


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), compliant=st.booleans(), data=st.data())
def test_any_mutation_of_an_example_gives_a_report_or_an_input_error(kind, compliant, data):
    outcome(kind, mutate(data, example(kind, compliant)))


def test_deep_nesting_is_an_input_error_not_a_recursion_error():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    for kind in KINDS:
        with pytest.raises(InputError):
            CHECKS[kind]({"person": deep} if kind == "eligibility" else deep)
    with pytest.raises(InputError):
        ppaip_rules.check_programme({"workshops": [{"theme": "tre", "title": deep}]})


MARK = "ZQX"   # a marker no French message contains
secrets = st.text(min_size=1, max_size=12).map(lambda s: MARK + s)


def plant(data, document, secret):
    """The document with ``secret`` placed as the value of one random leaf or new field."""
    doc = copy.deepcopy(document)
    node = doc
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, (dict, list)) and child and data.draw(st.booleans()):
            node = child
            continue
        node[key] = secret
        return doc


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), compliant=st.booleans(), secret=secrets, data=st.data())
def test_no_input_text_is_ever_echoed(kind, compliant, secret, data):
    result = outcome(kind, plant(data, example(kind, compliant), secret))
    text = str(result) if isinstance(result, InputError) else result.to_json() + result.format()
    assert MARK not in text


@given(birth=st.dates(min_value=__import__("datetime").date(1925, 1, 1),
                      max_value=__import__("datetime").date(2025, 5, 14)))
def test_no_birth_date_is_ever_echoed(birth):
    doc = example("eligibility", compliant=False)
    doc["person"]["birth_date"] = birth.isoformat()
    report = run_check("eligibility", doc)
    text = report.to_json() + report.format()
    for form in (birth.isoformat(), birth.strftime("%d/%m/%Y"), format_date(birth),
                 format_date(birth, weekday=False)):
        # not preceded by a digit: "5 mai 2025" is inside the prescription's "15 mai 2025"
        assert not re.search(rf"(?<!\d){re.escape(form)}", text)


# --- the programme's one reader (describe's plan) agrees with direct construction -----------------

@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(compliant=st.booleans(), data=st.data())
def test_programme_reader_and_direct_construction_agree(compliant, data):
    doc = mutate(data, example("programme", compliant))
    try:
        read = read_proposal(doc)
    except InputError:
        return
    rebuilt = Proposal(**{a.name: getattr(read, a.name) for a in attrs.fields(Proposal)
                          if a.init})
    assert rebuilt == read
    assert [t.utc for t in rebuilt.training_slots or ()] == \
        [t.utc for t in read.training_slots or ()]


# --- hypothesis: the command never shows a traceback ------------------------------------------------

def run_main(args, payload):
    """``ppaip-rules`` in-process with ``payload`` on stdin: (exit code, stdout, stderr)."""
    from ppaip_rules.cli import main

    stdin = io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), fmt=st.sampled_from(["text", "json"]), data=st.data())
def test_cli_any_document_exits_0_1_or_2_never_3(kind, fmt, data):
    doc = mutate(data, example(kind, data.draw(st.booleans())))
    payload = json.dumps(doc, allow_nan=True).encode()
    if data.draw(st.booleans()):
        payload = data.draw(st.binary(max_size=40)) + payload[: data.draw(
            st.integers(0, len(payload)))]
    code, out, err = run_main(["check", kind, "-", "--format", fmt], payload)
    assert code in (0, 1, 2), err
    if code == 2:
        assert err.count("\n") == 1 and "Traceback" not in err and not out
    else:
        assert not err
        if fmt == "json":
            json.loads(out)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), data=st.data())
def test_cli_subprocess_on_random_documents_never_tracebacks(kind, data):
    doc = mutate(data, example(kind, compliant=False))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(doc, f)
    try:
        out = cli("check", kind, f.name)
    finally:
        os.unlink(f.name)
    assume(out.returncode != 0 or out.stdout)
    assert out.returncode in (0, 1, 2) and "Traceback" not in out.stderr


@pytest.mark.parametrize("env", [{"TZ": "Pacific/Auckland"}, {"TZ": "America/Los_Angeles"},
                                 {"LANG": "C", "LC_ALL": "C", "TZ": "UTC"}])
def test_reports_do_not_depend_on_the_machine_time_zone_or_locale(env):
    # the non-compliant programme mixes naive (Paris) and offset times in its overlap finding
    args = ("check", "programme", str(EXAMPLES / "programme.non-conforme.json"))
    reference = cli(*args)
    other = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args],
                           capture_output=True, text=True, env={**ENV, **env}, timeout=60)
    assert reference.returncode == other.returncode == 1
    assert other.stdout == reference.stdout
    assert "le mardi 20 mai 2025 de 10 h 00 à 12 h 00" in other.stdout
