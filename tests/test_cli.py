"""The real ``ppaip-rules`` command, run as a subprocess."""

import json
import os
import subprocess
import sys

import pytest

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}


def run(*args, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], input=stdin,
                          capture_output=True, text=True, env={**ENV, **(env or {})},
                          timeout=60)


def test_deadline_text_shows_the_trace():
    out = run("deadline", "PROG-FIRST-MEETING", "2025-05-02")
    assert out.returncode == 0, out.stderr
    assert "Prescription reçue le vendredi 2 mai 2025." in out.stdout
    assert "mercredi 7 mai 2025" in out.stdout


def test_deadline_json_with_a_late_act_exits_1():
    out = run("deadline", "END-BILAN-IND", "07/05/2025", "--act", "2025-05-16", "--json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert data["due"] == "2025-05-15"
    assert data["met"] is False
    assert data["finding"]["rule_id"] == "END-BILAN-IND"


def test_rules_json_lists_the_registry():
    out = run("rules", "--json")
    assert out.returncode == 0
    ids = {r["id"] for r in json.loads(out.stdout)}
    assert {"PROG-FIRST-MEETING", "STAFF-ACCESS"} <= ids


@pytest.mark.parametrize("args, field", [
    (("deadline", "NOPE", "2025-05-02"), "rule_id"),
    (("deadline", "REFUSAL-48H", "2025-05-02"), "trigger"),
    (("deadline", "PROG-START", "1700-01-01"), "trigger"),
    (("deadline", "PROG-START"), "ligne de commande"),
    (("check", "nope", "-"), "KIND"),
    (("check", "deadline", "/nonexistent/file.json"), "FILE"),
])
def test_bad_input_is_one_french_line_exit_2(args, field):
    out = run(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1
    assert f"« {field} »" in out.stderr


@pytest.mark.parametrize("payload", ["{", "[1, 2", "\xff", "[" * 100000, "null", "42"])
def test_unreadable_json_on_stdin_exits_2_without_traceback(payload):
    out = run("check", "deadline", "-", stdin=payload)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr


def test_check_deadline_kind_from_stdin():
    doc = {"rule_id": "PROG-START", "trigger": "2025-05-01", "act": "2025-05-07"}
    out = run("check", "deadline", "-", "--format", "json", stdin=json.dumps(doc))
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["ok"] is False
    assert report["findings"][0]["expected"] == "2025-05-06"


def test_schema_of_the_report():
    out = run("schema", "report")
    assert out.returncode == 0
    assert json.loads(out.stdout)["title"]


def test_demo_runs():
    out = run("demo")
    assert out.returncode == 0, out.stderr
    assert "PROG-FIRST-MEETING" in out.stdout


@pytest.mark.parametrize("env", [
    {"TZ": "UTC"}, {"TZ": "Pacific/Auckland"}, {"TZ": "America/Los_Angeles"},
    {"LANG": "C", "LC_ALL": "C"}, {"LC_ALL": "en_US.UTF-8", "TZ": "Asia/Tokyo"},
])
def test_results_do_not_depend_on_the_machine_time_zone_or_locale(env):
    args = [("deadline", "END-BILAN-COLL", "2025-12-19", "--json"),
            ("deadline", "REFUSAL-48H", "2025-10-25T23:30:00+02:00", "--json"),
            ("deadline", "STAFF-REPLACE", "2025-07-01")]
    for a in args:
        reference = run(*a)
        other = run(*a, env=env)
        assert reference.returncode == other.returncode == 0
        assert other.stdout == reference.stdout
