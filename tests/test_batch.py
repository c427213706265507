"""Many cases across processes: pickling, evaluate_cases() rows, bad input in a worker."""

import datetime as dt
import io
import json
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import bench_timeline

import ppaip_rules
from ppaip_rules import DIJON, CalendarRangeError, InputError, deadline, evaluate_case
from ppaip_rules.batch import (
    CASE_COLUMNS,
    FINDING_COLUMNS,
    OBLIGATION_COLUMNS,
    CaseRows,
    evaluate_cases,
)

AS_OF = "2025-09-30T12:00:00+02:00"
EXAMPLES = resources.files("ppaip_rules") / "examples"
BREACHING = json.loads((EXAMPLES / "case.non-conforme.json").read_text(encoding="utf-8"))
COMPLIANT = json.loads((EXAMPLES / "case.conforme.json").read_text(encoding="utf-8"))
BAD = {"case_id": "X-1", "events": [{"type": "prescription_received", "at": "pas une date"}]}


def test_contract_parameters_pickle_and_dijon_stays_itself():
    assert pickle.loads(pickle.dumps(DIJON)) is DIJON
    variant = attrs.evolve(DIJON, name="Autre contrat")
    back = pickle.loads(pickle.dumps(variant))
    assert back == variant and back.delays == variant.delays


@pytest.mark.parametrize("error", [InputError("sessions[3].duration", "un nombre", "négatif"),
                                   CalendarRangeError("trigger", "une date entre 2008 et 2100")])
def test_input_errors_unpickle_with_their_class_path_and_message(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert (back.path, back.expected, back.problem, str(back)) == (
        error.path, error.expected, error.problem, str(error))


def test_a_deadline_pickles_small_keeps_its_calendar_by_key_and_rebuilds_its_trace():
    d = deadline("END-BILAN-IND", dt.date(2025, 5, 7), departement="57",
                 good_friday_holiday=False)
    assert d.trace  # built, but not pickled
    data = pickle.dumps(d)
    assert len(data) < 1_000
    back = pickle.loads(data)
    assert back == d and back.due == dt.date(2025, 5, 15) and back.trace == d.trace
    assert back.period.calendar is d.period.calendar


def test_a_case_evaluation_its_report_and_findings_pickle_under_10_kb():
    # Issue 13: what a finding's rule already says (title, the steps of its metadata,
    # the closing step naming the field) travels by the rule's ID.
    ev = evaluate_case(BREACHING, as_of=AS_OF)
    assert ev.report.findings
    data = pickle.dumps(ev)
    assert len(data) < 10_000
    back = pickle.loads(data)
    assert back == ev and back.report == ev.report
    assert back.report.to_dict() == ev.report.to_dict()  # every step, with its structure
    assert all(pickle.loads(pickle.dumps(f)) == f for f in ev.report.findings)


def _same_findings(findings):
    back = pickle.loads(pickle.dumps(findings))
    assert [f.to_dict() for f in back] == [f.to_dict() for f in findings]
    assert [[(type(s), s.text, s.clause, s.parameter, type(s.value), s.path, type(s.computed))
             for s in f.trace] for f in back] == [
        [(type(s), s.text, s.clause, s.parameter, type(s.value), s.path, type(s.computed))
         for s in f.trace] for f in findings]
    return back


def test_a_finding_keeps_every_step_of_its_trace_through_pickle():
    findings = evaluate_case(BREACHING, as_of=AS_OF).report.findings
    back = _same_findings(findings)
    # the steps of the rule's metadata are rebuilt as the registry's own (shared) steps
    shared = [f for f in back if f.trace and f.trace[0] is ppaip_rules.get_rule(
        f.rule_id).rule_steps()[0]]
    assert shared


def test_findings_of_every_rule_keep_their_steps_through_pickle_under_dijon_or_a_variant():
    variant = attrs.evolve(DIJON, individual_hours_max=31)  # its steps are not Dijon's
    for params in (DIJON, variant):
        findings = [f for r in ppaip_rules.rules() for e in r.examples if e.fires
                    for f in ppaip_rules.run_check(e.kind, e.data, params, stamp=False,
                                                   **e.options).by_rule(r.id)]
        assert len({f.rule_id for f in findings}) > 50
        back = _same_findings(findings)
    assert any("individual_hours_max = 31" in s for f in back for s in f.trace)


def test_a_finding_unpickles_in_a_process_that_loaded_no_area():
    import base64
    import subprocess
    import sys

    findings = evaluate_case(BREACHING, as_of=AS_OF).report.findings
    code = ("import base64, json, pickle, sys; findings = pickle.loads(base64.b64decode("
            "sys.stdin.read())); print(json.dumps([f.to_dict() for f in findings], "
            "default=str))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, input=base64.b64encode(pickle.dumps(findings)).decode(),
                         cwd=Path(__file__).resolve().parent.parent)
    assert json.loads(out.stdout) == json.loads(json.dumps([f.to_dict() for f in findings],
                                                           default=str))


def test_evaluate_cases_gives_flat_rows_in_input_order_equal_to_evaluate_case():
    cases = [BREACHING, COMPLIANT, {**BREACHING, "case_id": "DIJ-2025-0999"}]
    rows = list(evaluate_cases(cases, as_of=AS_OF, chunk_size=2))
    assert [r.case["index"] for r in rows] == [0, 1, 2]
    assert [r.case["case_id"] for r in rows] == ["DIJ-2025-0157", COMPLIANT.get("case_id"),
                                                "DIJ-2025-0999"]
    for case, row in zip(cases, rows, strict=True):
        ev = evaluate_case(case, as_of=AS_OF)
        assert row.case["verdict"] == ev.report.verdict
        assert [f["rule_id"] for f in row.findings] == [f.rule_id for f in ev.report.findings]
        assert [o["due"] for o in row.obligations] == [
            o.due.isoformat() if o.due else None for o in ev.obligations]
        assert tuple(row.case) == CASE_COLUMNS
        assert all(tuple(o) == OBLIGATION_COLUMNS for o in row.obligations)
        assert all(tuple(f) == FINDING_COLUMNS for f in row.findings)
        flat = [*row.case.values(), *(v for o in row.obligations for v in o.values()),
                *(v for f in row.findings for v in f.values())]
        assert all(v is None or type(v) in (str, int, float, bool) for v in flat)


def test_evaluate_cases_reads_ndjson_text_bytes_and_files_skipping_blank_lines(tmp_path):
    lines = [json.dumps(BREACHING), "", json.dumps(COMPLIANT)]
    expected = [r.case for r in evaluate_cases([BREACHING, COMPLIANT], as_of=AS_OF)]
    assert [r.case for r in evaluate_cases(lines, as_of=AS_OF)] == expected
    assert [r.case for r in evaluate_cases([x.encode() for x in lines], as_of=AS_OF)] == expected
    assert [r.case for r in evaluate_cases(io.StringIO("\n".join(lines)), as_of=AS_OF)] == expected
    path = tmp_path / "cases.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [r.case for r in evaluate_cases(path, as_of=AS_OF)] == expected


def test_a_bad_case_is_an_input_error_naming_its_position_or_an_error_row():
    cases = [COMPLIANT, BAD, "{pas du json"]
    with pytest.raises(InputError) as err:
        list(evaluate_cases(cases, as_of=AS_OF))
    assert err.value.path.startswith("[1].events[0]")
    assert "pas une date" not in str(err.value)
    rows = list(evaluate_cases(cases, as_of=AS_OF, errors="row"))
    assert [r.case["error_path"] is not None for r in rows] == [False, True, True]
    assert rows[2].case["error_path"] == "[2]" and rows[2].findings == ()


@pytest.mark.parametrize("kwargs, path", [
    ({"workers": 0}, "workers"), ({"workers": 1.5}, "workers"), ({"chunk_size": 0}, "chunk_size"),
    ({"errors": "ignore"}, "errors"), ({"departement": "057"}, "departement"),
    ({"as_of": None}, "as_of"), ({"extend": True}, "extend"),
])
def test_evaluate_cases_refuses_bad_options_naming_them(kwargs, path):
    options = {"as_of": AS_OF, **kwargs}
    with pytest.raises(InputError) as err:
        list(evaluate_cases([COMPLIANT], **options))
    assert err.value.path == path


def test_evaluate_cases_does_not_read_ahead_of_what_is_consumed():
    read = []

    def source():
        for i in range(10_000):
            read.append(i)
            yield COMPLIANT

    rows = evaluate_cases(source(), as_of=AS_OF, chunk_size=10)
    first = next(rows)
    assert isinstance(first, CaseRows) and len(read) <= 10


def _spawn_pool():
    return ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn"))


def test_a_spawned_worker_meeting_bad_input_returns_an_input_error_and_nothing_hangs():
    with _spawn_pool() as pool:
        good = pool.submit(evaluate_case, BREACHING, as_of=AS_OF)
        bad = pool.submit(evaluate_case, BAD, as_of=AS_OF)
        assert good.result(timeout=120) == evaluate_case(BREACHING, as_of=AS_OF)
        with pytest.raises(InputError) as err:
            bad.result(timeout=120)
        assert err.value.path.startswith("events[0]")
        variant = attrs.evolve(DIJON, name="Autre contrat")
        again = pool.submit(deadline, "END-BILAN-COLL", dt.date(2025, 12, 19), params=variant)
        assert again.result(timeout=120) == deadline("END-BILAN-COLL", dt.date(2025, 12, 19))


def test_evaluate_cases_on_two_spawned_workers_equals_one_and_raises_bad_input():
    cases = [BREACHING, COMPLIANT] * 20
    one = list(evaluate_cases(cases, as_of=AS_OF))
    two = list(evaluate_cases(cases, as_of=AS_OF, workers=2, chunk_size=7))
    assert two == one
    with pytest.raises(InputError) as err:
        list(evaluate_cases([*cases, BAD, *cases], as_of=AS_OF, workers=2, chunk_size=7))
    assert err.value.path.startswith("[40].events[0]")


def test_evaluate_cases_is_public():
    # the public name is the module function behind the argument guard (issue 16)
    assert getattr(ppaip_rules.evaluate_cases, "__wrapped__", None) is evaluate_cases


# --- The rows of many cases: the same values, in one process or two ------------------------

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    return bench_timeline()


def _generated_lines(n: int, seed: int) -> list[str]:
    """NDJSON lines of generated cases; one in seven leaves a fact unrecorded."""
    import random

    bench = _generator()
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        case = bench.as_dict(bench.generate_case(rng, i))
        if i % 7 == 3:
            for event in case["events"]:
                event.pop(("to", "ipro_deposited", "cpip_invited", "justified")[i % 4], None)
        lines.append(json.dumps(case, ensure_ascii=False))
    return lines


def _reference_rows(ev, index):
    """The rows as version 0.3.0 wrote them (one dict literal per row, counts by sums)."""
    from ppaip_rules.model import Severity

    def iso(value):
        return None if value is None else value.isoformat()

    report, hours, case_id = ev.report, ev.hours, ev.case_id
    findings = report.findings
    statuses = [o.status.value for o in ev.obligations]
    case = {
        "index": index, "case_id": case_id, "as_of": ev.as_of.isoformat(),
        "state": ev.state.value,
        "state_since": iso(ev.state_since.at) if ev.state_since is not None else None,
        "verdict": report.verdict, "complete": report.complete,
        "obligations": len(statuses), "overdue": statuses.count("overdue"),
        "pending": statuses.count("pending"),
        "violations": sum(f.severity is Severity.VIOLATION for f in findings),
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
        "informations": sum(f.severity is Severity.INFO for f in findings),
        "missing_facts": report.missing_facts,
        "validated_individual": hours.validated_individual,
        "validated_collective": hours.validated_collective,
        "delivered_individual": hours.delivered_individual,
        "delivered_collective": hours.delivered_collective,
        "ignored_after_as_of": ev.ignored_after_as_of, "error_path": None, "error": None,
    }
    obligations = tuple({
        "index": index, "case_id": case_id, "rule_id": o.rule_id,
        "trigger_type": o.trigger.TYPE, "trigger_at": o.trigger.at.isoformat(),
        "trigger_index": o.trigger_index, "due": iso(o.due), "status": o.status.value,
        "act_type": o.act.TYPE if o.act is not None else None,
        "act_at": o.act.at.isoformat() if o.act is not None else None,
        "act_index": o.act_index,
    } for o in ev.obligations)
    finding_rows = tuple({
        "index": index, "case_id": case_id, "rule_id": f.rule_id, "clause": f.clause,
        "severity": f.severity.value, "path": f.path, "message": f.message,
        "missing": f.missing,
    } for f in findings)
    return CaseRows(case, obligations, finding_rows)


def _typed_rows(rows):
    """Rows with each value's type beside it (True == 1 and 1.0 == 1 must not pass)."""
    return [[(k, type(v), v) for k, v in row.items()]
            for r in rows for row in (r.case, *r.obligations, *r.findings)]


@pytest.mark.parametrize("options", [
    {"as_of": "2026-03-01T12:00:00+01:00"},
    {"as_of": "2025-09-15T08:00:00+02:00", "suspension_stops_clock": False},
    {"as_of": "2025-12-24T18:00:00+01:00", "extend_to_working_day": False,
     "departement": "67", "good_friday_holiday": False, "start_needs_held_session": True},
], ids=["after", "mid-course", "policies"])
def test_rows_of_many_cases_equal_the_rows_written_one_dict_at_a_time(options):
    lines = _generated_lines(300, seed=13)
    cases = [*(json.loads(line) for line in lines), BREACHING, COMPLIANT]
    rows = list(evaluate_cases([*lines, json.dumps(BREACHING), json.dumps(COMPLIANT)],
                               **options))
    expected = [_reference_rows(evaluate_case(c, **options), i) for i, c in enumerate(cases)]
    assert rows == expected
    assert _typed_rows(rows) == _typed_rows(expected)
    assert {o["status"] for r in rows for o in r.obligations} >= {"met", "pending"}
    assert any(r.findings for r in rows) and any(r.case["missing_facts"] for r in rows)
    assert all(tuple(r.case) == CASE_COLUMNS for r in rows)


def test_two_workers_give_the_rows_of_one_on_generated_cases_and_bad_lines():
    lines = _generated_lines(240, seed=5)
    lines[17] = "{pas du json"
    lines[101] = json.dumps(BAD)
    lines[150] = lines[150].replace('"case_id"', '"case_id": "double", "case_id"', 1)
    one = list(evaluate_cases(lines, as_of=AS_OF, errors="row"))
    two = list(evaluate_cases(lines, as_of=AS_OF, errors="row", workers=2, chunk_size=32))
    assert two == one and _typed_rows(two) == _typed_rows(one)
    assert [r.case["index"] for r in two] == list(range(240))
    assert [r.case["error_path"] for r in two if r.case["error_path"]] == [
        "[17]", "[101].events[0].at", "[150].case_id"]
    with pytest.raises(InputError) as err:
        list(evaluate_cases(lines[20:], as_of=AS_OF, workers=2, chunk_size=32))
    assert err.value.path == "[81].events[0].at"


# --- Reading NDJSON lines: a key given twice is refused anywhere, naming its path -----------

def test_load_json_reads_generated_lines_as_json_does():
    from ppaip_rules.parsing import load_json

    for line in _generated_lines(50, seed=2):
        assert load_json(line.encode()) == json.loads(line)
    assert load_json('\ufeff{"a": [1, 2.5, null, true, "é"]}'.encode()) == {
        "a": [1, 2.5, None, True, "é"]}


@pytest.mark.parametrize("raw, path", [
    (b'{"case_id": "A", "events": [{"type": "x"}, {"at": 1, "at": 2}]}', "events[1].at"),
    (b'{"events": [{"to": ["cpip"]}], "case_id": "A", "case_id": "B"}', "case_id"),
    (b'[{"at": 1}, {"events": [{"at": 1}, {"to": [], "at": 1, "at": 1}]}]', "[1].events[1].at"),
])
def test_load_json_refuses_a_key_given_twice_at_any_depth_naming_its_path(raw, path):
    from ppaip_rules.parsing import load_json

    with pytest.raises(InputError) as err:
        load_json(raw, "cas.json")
    assert (err.value.path, err.value.problem) == (path, "clé en double")


def test_load_json_a_document_unreadable_after_a_key_given_twice_is_unreadable_json():
    from ppaip_rules.parsing import load_json

    with pytest.raises(InputError) as err:
        load_json(b'{"a": 1, "a": 2, "b": [1,', "cas.json")
    assert err.value.path == "cas.json" and "JSON illisible" in err.value.problem


def test_rows_write_each_instant_as_given_equal_instants_and_autumn_folds_included():
    """The rows' instants are remembered across cases; two equal instants written with
    different offsets, and the two 02:30 of the autumn change, keep their own text."""
    from zoneinfo import ZoneInfo

    from ppaip_rules.batch import _iso

    paris = ZoneInfo("Europe/Paris")
    first = dt.datetime(2025, 10, 26, 2, 30, tzinfo=paris)
    second = first.replace(fold=1)
    utc = dt.datetime(2025, 5, 2, 10, tzinfo=dt.timezone.utc)
    local = utc.astimezone(paris)
    assert first == second and utc == local  # equal for Python, not written alike
    for moment in (first, second, utc, local, dt.date(2025, 5, 2), first, utc):
        assert _iso(moment) == moment.isoformat()


def test_a_file_read_by_its_path_on_two_processes_gives_the_rows_of_one(tmp_path):
    """Given a path, the started processes read their chunks' bytes in the file: blank
    lines, CRLF endings, a last line without its newline and a bad line give the rows
    (errors and their texts included) that one process gives."""
    lines = _generated_lines(90, seed=11)
    lines[30] = '{"case_id": "cassé", '  # unreadable JSON: its error names line and column
    text = "\n".join(lines[:40]) + "\n\n   \n" + "\r\n".join(lines[40:])
    path = tmp_path / "cases.ndjson"
    path.write_bytes(text.encode("utf-8"))
    one = list(evaluate_cases(path, as_of=AS_OF, errors="row"))
    two = list(evaluate_cases(path, as_of=AS_OF, errors="row", workers=2, chunk_size=8))
    assert two == one and len(one) == 90
    assert [r.case["error_path"] for r in one if r.case["error_path"]] == ["[30]"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([b'{"a": 1}\n', b"\n", b"  \n", b'{"b": 2}\r\n', b"\r\n",
                                 b'{"c":\r3}\n', b'{"d": 4}']), max_size=30),
       st.integers(min_value=1, max_value=5))
def test_property_file_chunks_locate_the_lines_they_hold(pieces, size):
    """Each chunk of a file says where its bytes are: read there, they give the chunk's
    lines, as reading the file line by line gives them (blank ones skipped)."""
    import tempfile

    from ppaip_rules.batch import _chunks, _lines

    data = b"".join(pieces)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.ndjson"
        path.write_bytes(data)
        chunks = list(_chunks(path, size))
    starts = [start for start, _, _ in chunks]
    assert [line for _, lines, _ in chunks for line in lines] == [
        line for line in io.BytesIO(data) if not line.isspace()]
    for (start, lines, (_, offset, length)), following in zip(
            chunks, [*starts[1:], None], strict=False):  # (no chunk: no pair)
        assert _lines(data[offset:offset + length]) == lines
        assert following is None or following == start + len(lines)
