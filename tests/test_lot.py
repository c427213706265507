"""Lot report: hours against the forecast, billable sessions, permanences, target publics,
synthesis, contract term (lot_report and the ``activity`` kind)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppaip_rules import DIJON, InputError, lot_report, parameters_from_dict, run_check
from ppaip_rules.lot import activity_schema, contract_term

D = dt.date
EXAMPLES = Path(__file__).parent.parent / "ppaip_rules" / "examples"
START = [
    {"type": "prescription_received", "at": "2025-04-02"},
    {"type": "first_meeting", "at": "2025-04-04T10:00:00+02:00", "duration_hours": 1},
    {"type": "calendar_sent", "at": "2025-04-04"},
    {"type": "proposal_sent", "at": "2025-04-04", "individual_hours": 30,
     "collective_hours": 10},
    {"type": "proposal_validated", "at": "2025-04-07"},
]
PERIOD = ("2025-04-01", "2025-06-30")


def held(at, hours=2, mode="individual", signed=True, **fields):
    out = {"type": "session_held", "at": at, "mode": mode, "hours": hours, **fields}
    if signed is not None:
        out["signed_sheet"] = signed
    return out


def case(case_id="A", spip="21", sessions=(), site="MA-DIJON", start=START, **beneficiary):
    return {"case_id": case_id, "spip": spip, "site": site,
            "beneficiary": beneficiary or {"sex": "F", "age_at_prescription": 30,
                                           "without_qualification": False},
            "events": [*start, *(sessions or [held("2025-04-08T10:00:00+02:00")])]}


def report(cases, lot=5, period=PERIOD, **kwargs):
    kwargs.setdefault("contract_start", "2025-03-01")
    return lot_report(cases, lot, period, **kwargs)


def by_rule(result, rule_id):
    return [f for f in result.report.findings if f.rule_id == rule_id]


# --- CONTRACT-TERM -------------------------------------------------------------------

def test_contract_term_initial_period_and_two_renewals():
    term = contract_term(D(2025, 3, 1))
    assert [(p.label, p.first, p.last) for p in term.periods] == [
        ("Période initiale", D(2025, 3, 1), D(2027, 2, 28)),
        ("Reconduction 1", D(2027, 3, 1), D(2028, 2, 29)),
        ("Reconduction 2", D(2028, 3, 1), D(2029, 2, 28))]
    assert term.last_day == D(2029, 2, 28)


def test_contract_term_from_the_31st_and_a_variant_contract():
    term = contract_term(D(2025, 1, 31))
    assert term.periods[0].last == D(2027, 1, 30)
    variant = parameters_from_dict({"initial_term_months": 12, "renewals": 3})
    assert [p.last for p in contract_term(D(2025, 9, 1), variant).periods] == [
        D(2026, 8, 31), D(2027, 8, 31), D(2028, 8, 31), D(2029, 8, 31)]


@pytest.mark.parametrize("start, period, fires", [
    ("2025-03-01", PERIOD, False),
    ("2024-12-31", PERIOD, True),                          # not "courant 2025"
    ("2025-03-01", ("2025-02-01", "2025-03-31"), True),     # before the start
    ("2025-03-01", ("2029-02-01", "2029-02-28"), False),    # last month of the 2nd renewal
    ("2025-03-01", ("2029-02-01", "2029-03-01"), True),     # one day past 48 months
])
def test_contract_term_rule(start, period, fires):
    result = report([], period=period, contract_start=start)
    assert bool([f for f in by_rule(result, "CONTRACT-TERM")
                 if f.severity.value == "violation"]) is fires


def test_without_a_start_date_the_term_is_not_computed_and_says_so():
    result = lot_report([], 5, PERIOD)
    assert result.term is None
    (finding,) = by_rule(result, "CONTRACT-TERM")
    assert finding.severity.value == "info" and finding.path == "contract_start"


# --- LOT-VOLUME and CONTRACT-PAY -----------------------------------------------------------

def test_forecast_is_prorated_to_the_period():
    result = report([case()])
    individual, collective = result.volumes
    # Lot 5: 1,200 h individual and 300 h collective over 24 months from 1 March 2025
    # (730 days); April to June 2025 is 91 days.
    assert individual.forecast == 1200 and collective.forecast == 300
    assert individual.forecast_for_period == round(1200 * 91 / 730, 1) == 149.6
    assert collective.forecast_for_period == round(300 * 91 / 730, 1)
    assert individual.delivered == 2 and not by_rule(result, "LOT-VOLUME")


def test_over_consumption_is_a_warning_never_a_violation():
    cases = [case(f"A{i}", sessions=[held(f"2025-{m:02d}-{d:02d}T10:00:00+02:00", 3)
                                     for m in (4, 5) for d in (8, 15, 22, 29, 30)])
             for i in range(5)]
    result = report(cases)
    (finding,) = by_rule(result, "LOT-VOLUME")
    assert finding.severity.value == "warning"
    assert "150 h" in finding.message and "149,6 h" in finding.message
    assert result.report.ok


def test_beyond_the_whole_forecast_the_warning_says_so():
    variant = parameters_from_dict({"lots": [{"number": 5, "spips": [{"code": "21",
                                                                      "name": "SPIP 21"}],
                                              "individual_hours": 3,
                                              "collective_hours": 0}]})
    result = report([case(sessions=[held("2025-04-08T10:00:00+02:00", 4)])], params=variant)
    (finding,) = by_rule(result, "LOT-VOLUME")
    assert "au-delà du volume prévisionnel du lot 5" in finding.message


def test_a_collective_session_counts_once_whatever_the_participants():
    cases = [case(f"P{i}", sessions=[held("2025-04-14T14:00:00+02:00", 2, "collective",
                                          workshop="CV-1", signed=(i == 2))])
             for i in range(5)]
    result = report(cases)
    collective = result.volumes[1]
    assert (collective.sessions, collective.delivered) == (1, 2)
    assert collective.billable_sessions == 1  # one participant's record shows the signed sheet


def test_collective_sessions_without_workshop_id_count_per_participant_and_say_so():
    cases = [case(f"P{i}", sessions=[held("2025-04-14T14:00:00+02:00", 2, "collective")])
             for i in range(3)]
    result = report(cases)
    assert result.volumes[1].sessions == 3
    assert any(f.severity.value == "info" for f in by_rule(result, "LOT-VOLUME"))


@pytest.mark.parametrize("signed, billable, severity", [
    (True, 1, None), (False, 0, "warning"), (None, 0, "info")])
def test_contract_pay_billable_sessions_are_the_signed_ones(signed, billable, severity):
    result = report([case(sessions=[held("2025-04-08T10:00:00+02:00", signed=signed)])])
    assert result.volumes[0].billable_sessions == billable
    found = by_rule(result, "CONTRACT-PAY")
    assert [f.severity.value for f in found] == ([severity] if severity else [])


def test_sessions_outside_the_period_or_after_as_of_are_not_counted():
    sessions = [held("2025-04-08T10:00:00+02:00"), held("2025-07-01T10:00:00+02:00"),
                held("2025-06-20T10:00:00+02:00")]
    assert report([case(sessions=sessions)]).volumes[0].delivered == 4
    assert report([case(sessions=sessions)],
                  as_of="2025-06-01T00:00:00+02:00").volumes[0].delivered == 2


# --- LOT-DEF ------------------------------------------------------------------------------

def test_a_case_of_another_lot_is_flagged_and_not_counted():
    result = report([case("A"), case("B", spip="18")])
    (finding,) = by_rule(result, "LOT-DEF")
    assert finding.path == "cases[1].spip"
    assert result.volumes[0].delivered == 2
    assert result.target_public.beneficiaries == 1


@pytest.mark.parametrize("spip, lot, inside", [
    ("25", 6, True), ("39", 6, True), ("25/39", 6, True), ("70/90", 6, True),
    ("21", 6, False), ("25/21", 6, False), ("71", 5, True), ("36", 1, True)])
def test_spip_codes_of_a_lot(spip, lot, inside):
    result = report([case(spip=spip)], lot=lot)
    assert bool(by_rule(result, "LOT-DEF")) is not inside


@pytest.mark.parametrize("lot", [0, 7, "5", True, None])
def test_an_unknown_lot_is_an_input_error(lot):
    with pytest.raises(InputError) as error:
        lot_report([], lot, PERIOD)
    assert error.value.path == "lot"


# --- RUN-PERMANENCE -------------------------------------------------------------------------

SITES = [{"id": "MA-DIJON", "spip": "21", "setting": "MF"},
         {"id": "MO-DIJON", "spip": "21", "setting": "MO"}]


def perm(site, day):
    return {"site": site, "at": day}


def test_two_permanences_per_month_per_site_without_prescriptions():
    # One case prescribed in April at MA-DIJON: April needs nothing there.
    permanences = [perm("MA-DIJON", "2025-05-06"), perm("MA-DIJON", "2025-05-20"),
                   perm("MA-DIJON", "2025-06-10"),
                   perm("MO-DIJON", "2025-04-03"), perm("MO-DIJON", "2025-04-17"),
                   perm("MO-DIJON", "2025-05-02"), perm("MO-DIJON", "2025-05-28"),
                   perm("MO-DIJON", "2025-06-02"), perm("MO-DIJON", "2025-06-30T16:00:00+02:00")]
    result = report([case()], sites=SITES, permanences=permanences)
    failing = [(p.site, p.months[0].month) for p in result.permanences if not p.ok]
    assert failing == [("MA-DIJON", 6)]
    (finding,) = by_rule(result, "RUN-PERMANENCE")
    assert "juin 2025" in finding.message and "1 permanence" in finding.message
    assert len(result.permanences) == 6


def test_only_whole_months_already_over_are_checked():
    result = report([], period=("2025-04-15", "2025-06-30"), sites=SITES[:1],
                    as_of="2025-06-15T12:00:00+02:00")
    assert [p.months for p in result.permanences] == [(D(2025, 5, 1),)]


def test_every_two_months_reading_is_a_policy():
    permanences = [perm("MA-DIJON", "2025-05-06")]
    default = report([], period=("2025-05-01", "2025-06-30"), sites=SITES[:1],
                     permanences=permanences)
    other = report([], period=("2025-05-01", "2025-06-30"), sites=SITES[:1],
                   permanences=permanences, permanence_reading="every_two_months")
    assert not default.report.ok
    assert other.report.ok and other.permanences[0].months == (D(2025, 5, 1), D(2025, 6, 1))
    with pytest.raises(InputError):
        report([], permanence_reading="monthly")


def test_without_sites_permanences_are_not_checked_and_it_says_so():
    (finding,) = by_rule(report([case()]), "RUN-PERMANENCE")
    assert finding.severity.value == "info"


def test_a_variant_contract_changes_the_number_of_permanences():
    variant = parameters_from_dict({"permanences_per_month": 1})
    result = report([], period=("2025-05-01", "2025-05-31"), sites=SITES[:1],
                    permanences=[perm("MA-DIJON", "2025-05-06")], params=variant)
    assert result.report.ok


# --- REP-TARGET-PUBLIC and REP-SYNTHESIS -------------------------------------------------

@pytest.mark.parametrize("age, young", [(25, 1), (26, 0)])
def test_young_means_under_26_at_prescription(age, young):
    result = report([case(sex="F", age_at_prescription=age, without_qualification=True)])
    assert result.target_public.young_without_qualification == young


def test_target_public_shares_and_missing_data():
    cases = [case("A", sex="F", age_at_prescription=20, without_qualification=True),
             case("B", sex="M", age_at_prescription=20, without_qualification=False),
             case("C", sex="M", age_at_prescription=40, without_qualification=True),
             case("D", age_at_prescription=19)]
    t = report(cases).target_public
    assert (t.beneficiaries, t.women, t.sex_known) == (4, 1, 3)
    assert (t.young_without_qualification, t.youth_known) == (1, 3)
    assert t.women_share == pytest.approx(1 / 3)
    findings = by_rule(report(cases), "REP-TARGET-PUBLIC")
    assert [f.severity.value for f in findings] == ["info", "warning", "warning"]
    assert "33,3 %" in findings[0].message


def test_the_young_age_limit_is_a_parameter():
    variant = parameters_from_dict({"young_age_limit": 30})
    result = report([case(sex="F", age_at_prescription=28, without_qualification=True)],
                    params=variant)
    assert result.target_public.young_without_qualification == 1


def test_beneficiaries_are_the_cases_under_support_during_the_period():
    ended = [*START, held("2025-04-08T10:00:00+02:00"),
             {"type": "course_interrupted", "at": "2025-04-20T10:00:00+02:00"}]
    later = [{"type": "prescription_received", "at": "2025-07-02"}]
    result = report([case("A"), case("B", start=ended, sessions=[held(
        "2025-04-09T10:00:00+02:00")]), case("C", start=later, sessions=[held(
            "2025-07-03T10:00:00+02:00")])], period=("2025-05-01", "2025-06-30"))
    assert result.target_public.beneficiaries == 1
    assert result.synthesis.cases == 1


def test_synthesis_counts_states_and_obligations():
    late = [*START[:4], {"type": "proposal_validated", "at": "2025-04-07"}]
    result = report([case("A"), case("B", start=late, sessions=[held(
        "2025-04-20T10:00:00+02:00")])])
    s = result.synthesis
    assert dict(s.states) == {"running": 2}
    assert dict(dict(s.obligations)["PROG-START"]) == {"met": 1, "met_late": 1}
    (finding,) = by_rule(result, "REP-SYNTHESIS")
    assert "2 parcours" in finding.message and "en retard" in finding.message


def test_case_breaches_appear_in_the_lot_report_under_their_case():
    result = report([case(sessions=[held("2025-04-20T10:00:00+02:00")])])
    (finding,) = by_rule(result, "PROG-START")
    assert finding.path.startswith("cases[0].events[")
    assert finding.message.startswith("parcours « A » : ")
    assert "PROG-START" in result.report.checked and "LOT-DEF" in result.report.checked


# --- examples, schema, activity kind ----------------------------------------------------------

def test_activity_example_files():
    for name, ok in (("activity.conforme.json", True), ("activity.non-conforme.json", False)):
        data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        rep = run_check("activity", data, as_of="2025-06-30T18:00:00+02:00")
        assert rep.ok is ok, rep.format()
        if ok:
            assert not rep.warnings
        else:
            rules = {f.rule_id for f in rep.findings}
            assert {"LOT-DEF", "CONTRACT-PAY", "RUN-PERMANENCE", "PROG-START"} <= rules


def test_activity_examples_follow_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(activity_schema())
    for name in ("activity.conforme.json", "activity.non-conforme.json"):
        jsonschema.validate(json.loads((EXAMPLES / name).read_text(encoding="utf-8")),
                            activity_schema())


@pytest.mark.parametrize("data, path", [
    ({"lot": 5, "period": {"start": "2025-06-30", "end": "2025-04-01"}, "cases": []},
     "period.end"),
    ({"lot": 5, "period": {"start": "2025-04-01"}, "cases": []}, "period.end"),
    ({"lot": 5, "period": {"start": "2025-04-01", "end": "2025-06-30"}, "cases": [{}]},
     "cases[0].events"),
    ({"lot": 5, "period": {"start": "2025-04-01", "end": "2025-06-30"}, "cases": [],
      "permanences": [{"site": "X", "at": "demain"}]}, "permanences[0].at"),
    ({"lot": 5, "period": {"start": "2025-04-01", "end": "2025-06-30"}, "cases": [],
      "sites": [{"id": "X", "setting": "ailleurs"}]}, "sites[0].setting"),
    ({"lot": 9, "period": {"start": "2025-04-01", "end": "2025-06-30"}, "cases": []}, "lot"),
    ({"lot": 5, "period": {"start": "2025-04-01", "end": "2025-06-30"}, "cases": [],
      "extra": 1}, "extra"),
])
def test_bad_activity_input_names_the_field(data, path):
    with pytest.raises(InputError) as error:
        run_check("activity", data)
    assert error.value.path == path


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["lot", "period", "cases", "sites", "permanences",
                                       "start", "end", "events", "id", "site", "at"]),
                      children, max_size=4), max_leaves=10)


@given(junk)
def test_property_junk_activity_is_an_input_error_or_a_report(data):
    try:
        rep = run_check("activity", data, as_of="2025-06-30T18:00:00+02:00")
    except InputError:
        return
    assert rep.checked


# --- the command line ------------------------------------------------------------------------

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], capture_output=True,
                          text=True, env={**ENV, **(env or {})}, timeout=60)


def test_cli_report_text_json_and_exit_codes():
    ok = run("report", str(EXAMPLES / "activity.conforme.json"), "--lot", "5")
    assert ok.returncode == 0, ok.stderr
    assert "HEURES FACE AU PRÉVISIONNEL" in ok.stdout
    assert "Reconduction 2 : du mercredi 1er mars 2028 au mercredi 28 février 2029" in ok.stdout
    bad = run("report", str(EXAMPLES / "activity.non-conforme.json"), "--lot", "5",
              "--format", "json")
    assert bad.returncode == 1
    data = json.loads(bad.stdout)
    assert data["lot"] == 5 and data["report"]["ok"] is False
    assert data["term"]["last_day"] == "2029-02-28"


@pytest.mark.parametrize("args, field", [
    (("--lot", "4"), "--lot"),
    ((), "ligne de commande"),
    (("--lot", "cinq"), "--lot"),  # the option is named, not the value
])
def test_cli_report_bad_lot_exits_2(args, field):
    out = run("report", str(EXAMPLES / "activity.conforme.json"), *args)
    assert out.returncode == 2
    assert f"« {field} »" in out.stderr and "Traceback" not in out.stderr


def test_cli_report_does_not_depend_on_the_time_zone():
    args = ("report", str(EXAMPLES / "activity.non-conforme.json"), "--lot", "5",
            "--format", "json")
    reference = run(*args)
    for env in ({"TZ": "Pacific/Kiritimati"}, {"TZ": "America/Anchorage", "LC_ALL": "C"}):
        assert run(*args, env=env).stdout == reference.stdout


def test_dijon_lots_are_the_contract_data():
    assert [lot.number for lot in DIJON.lots] == [1, 2, 3, 4, 5, 6]
    assert sum(lot.individual_hours for lot in DIJON.lots) == 7440
    assert sum(lot.collective_hours for lot in DIJON.lots) == 2460
