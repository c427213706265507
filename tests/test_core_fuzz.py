"""Bad input to the core never crashes: a Report or the library's own InputError."""

import datetime as dt
import json
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from ppaip_rules import InputError, Report, deadline, run_check
from ppaip_rules.deadlines import SPECS

#: A stand-in for personal data (a name, a birth date): it must never be echoed.
SECRET = "Zorglub"
secrets = st.integers(0, 10**6).map(lambda n: f"{SECRET}{n}")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | secrets,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
rule_ids = st.sampled_from([*SPECS, "NOPE", ""]) | st.text(max_size=12)
triggers = (json_values | st.dates() | st.datetimes()
            | st.datetimes(timezones=st.timezones())
            | st.dates().map(dt.date.isoformat)
            | st.datetimes(timezones=st.timezones()).map(dt.datetime.isoformat))


@given(rule_ids, triggers, st.booleans(), st.booleans(),
       st.none() | st.sampled_from(["57", "21"]) | st.integers())
def test_deadline_raises_only_input_error(rule_id, trigger, extend, whit, departement):
    try:
        d = deadline(rule_id, trigger, extend_to_working_day=extend, whit_monday_worked=whit,
                     departement=departement)
    except InputError as error:
        assert error.path in {"rule_id", "trigger", "departement"}
        return
    assert d.trace and d.due


@given(st.dictionaries(st.sampled_from(["rule_id", "trigger", "act", "departement",
                                        "extend_to_working_day", "other"]),
                       json_values | triggers.filter(lambda v: isinstance(v, str)),
                       max_size=6) | json_values)
def test_deadline_check_kind_returns_a_report_or_input_error(data):
    try:
        report = run_check("deadline", data)
    except InputError as error:
        assert SECRET not in str(error)
        return
    assert isinstance(report, Report)


@settings(max_examples=15)
@given(json_values)
def test_cli_never_shows_a_traceback(data):
    out = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "check", "deadline", "-"],
                         input=json.dumps(data), capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 1, 2)
    assert "Traceback" not in out.stderr
    assert SECRET not in out.stderr
