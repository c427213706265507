"""Lot report: hours against the forecast, billable sessions, permanences, target publics,
synthesis, contract term (lot_report and the ``activity`` kind)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import workflow_logs

from ppaip_rules import DIJON, InputError, lot_report, parameters_from_dict, run_check
from ppaip_rules.lot import ACTIVITY_RULES, LotAccumulator, activity_schema, contract_term

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


def test_contract_term_start_outside_2025_is_the_buyers_forecast_never_a_violation():
    # CCTP 1.4 "Les prestations débuteront courant 2025": a forecast, information.
    result = report([], contract_start="2024-12-31")
    (finding,) = by_rule(result, "CONTRACT-TERM")
    assert finding.severity.value == "info" and finding.path == "contract_start"
    assert result.report.ok
    assert not by_rule(report([], contract_start="2025-12-31",
                              period=("2026-01-01", "2026-01-31")), "CONTRACT-TERM")


@pytest.mark.parametrize("day, severity", [
    ("2029-02-28T10:00:00+01:00", None),          # last day of the 2nd renewal
    ("2029-03-01T10:00:00+01:00", "violation"),   # the day after 48 months
    ("2025-02-28T10:00:00+01:00", "warning"),     # before the start of the market
])
def test_contract_term_activity_after_the_last_period_is_a_violation(day, severity):
    result = report([case(sessions=[held(day)])], period=("2025-02-01", "2029-03-31"),
                    as_of="2029-03-31T18:00:00+02:00")
    found = [f.severity.value for f in by_rule(result, "CONTRACT-TERM")]
    assert found == ([severity] if severity else [])


def test_contract_term_a_report_period_past_the_term_without_activity_is_no_violation():
    result = report([], period=("2029-02-01", "2029-03-31"))
    assert result.report.ok


def test_contract_term_invoice_line_after_the_last_period_is_a_violation():
    result = report([], period=("2029-02-01", "2029-03-31"), invoice_lines=[
        {"kind": "seance", "at": "2029-03-01", "case_id": "A", "signed_sheet": True}])
    (finding,) = [f for f in by_rule(result, "CONTRACT-TERM") if f.severity.value != "info"]
    assert finding.severity.value == "violation" and finding.path == "invoice_lines[0]"


@pytest.mark.parametrize("reading, lasts", [
    ("eve", [D(2027, 2, 28), D(2028, 2, 29), D(2029, 2, 28)]),
    ("same_date", [D(2027, 3, 1), D(2028, 3, 2), D(2029, 3, 3)]),
])
def test_contract_term_end_of_period_reading_is_a_policy(reading, lasts):
    # RULES.md ambiguity 14: 1 March 2025 + 24 months ends on 28 February 2027 (default)
    # or on 1 March 2027; each renewal begins the next day; never extended to a working
    # day (28 February 2027 is a Sunday).
    assert [p.last for p in contract_term(D(2025, 3, 1),
                                          term_end_reading=reading).periods] == lasts
    result = report([], contract_start="2025-03-01", term_end_reading=reading)
    assert result.term.periods[0].last == lasts[0]


def test_contract_term_unknown_reading_is_an_input_error():
    with pytest.raises(InputError) as error:
        report([], term_end_reading="veille")
    assert error.value.path == "term_end_reading"


def test_without_a_start_date_the_term_is_not_computed_and_says_so():
    result = lot_report([], 5, PERIOD)
    assert result.term is None
    (finding,) = by_rule(result, "CONTRACT-TERM")
    assert finding.severity.value == "info" and finding.path == "contract_start"
    assert finding.missing and not result.report.complete


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
    assert all(f.missing for f in found if f.severity.value == "info")


def line(kind="seance", at="2025-04-08", **fields):
    return {"kind": kind, "at": at, **fields}


@pytest.mark.parametrize("signed, line_fields, expected", [
    (True, {"case_id": "A"}, []),
    (False, {"case_id": "A"}, ["warning", "violation"]),
    (None, {"case_id": "A"}, ["info", "info"]),
    # the line states it itself
    (None, {"case_id": "A", "signed_sheet": True}, ["info"]),
    # billed on the wrong day: no session held carries the sheet
    (True, {"case_id": "A", "at": "2025-04-09"}, ["info"]),
])
def test_contract_pay_billed_session_needs_a_signed_sheet(signed, line_fields, expected):
    result = report([case(sessions=[held("2025-04-08T10:00:00+02:00", signed=signed)])],
                    invoice_lines=[line(**line_fields)])
    assert [f.severity.value for f in by_rule(result, "CONTRACT-PAY")] == expected


def test_contract_pay_billed_collective_session_is_found_by_its_workshop():
    cases = [case(f"P{i}", sessions=[held("2025-04-14T14:00:00+02:00", 2, "collective",
                                          workshop="CV-1", signed=(i == 0))])
             for i in range(3)]
    result = report(cases, invoice_lines=[line(at="2025-04-14", workshop="CV-1")])
    assert not [f for f in by_rule(result, "CONTRACT-PAY") if f.severity.value == "violation"]
    unsigned = [case(sessions=[held("2025-04-14T14:00:00+02:00", 2, "collective",
                                    workshop="CV-1", signed=False)])]
    result = report(unsigned, invoice_lines=[line(at="2025-04-14", workshop="CV-1")])
    assert "violation" in [f.severity.value for f in by_rule(result, "CONTRACT-PAY")]


@pytest.mark.parametrize("kind", ["preparation", "deplacement", "reunion", "compte-rendu",
                                  "communication", "coordination", "partenariat",
                                  "evenement"])
def test_contract_price_separately_billed_item_is_a_violation(kind):
    result = report([case()], invoice_lines=[line(case_id="A"), line(kind)])
    (finding,) = by_rule(result, "CONTRACT-PRICE")
    assert finding.severity.value == "violation" and finding.path == "invoice_lines[1].kind"


def test_contract_price_sessions_only_is_compliant():
    result = report([case()], invoice_lines=[line(case_id="A")])
    assert not by_rule(result, "CONTRACT-PRICE") and not by_rule(result, "CONTRACT-PAY")


def test_invoice_line_of_an_unknown_kind_is_an_input_error():
    with pytest.raises(InputError) as error:
        report([case()], invoice_lines=[line("frais-divers")])
    assert error.value.path == "invoice_lines[0].kind"


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
    assert finding.severity.value == "info" and finding.missing


def test_a_case_without_spip_is_counted_but_its_lot_is_a_missing_fact():
    result = report([case(spip=None)])
    (finding,) = by_rule(result, "LOT-DEF")
    assert finding.missing and finding.path == "cases[0].spip"
    assert result.volumes[0].sessions == 1


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
    assert [f.severity.value for f in findings] == ["info", "info", "info"]
    assert [f.missing for f in findings] == [False, True, True]
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
    # the library's tally is labelled as an aid, not the provider's synthesis
    assert finding.severity.value == "info"
    assert finding.message.startswith("aide à la rédaction de la synthèse")


def test_case_breaches_appear_in_the_lot_report_under_their_case():
    result = report([case(sessions=[held("2025-04-20T10:00:00+02:00")])])
    (finding,) = by_rule(result, "PROG-START")
    assert finding.path.startswith("cases[0].events[")
    assert finding.message.startswith("parcours « A » : ")
    assert "PROG-START" in result.report.checked and "LOT-DEF" in result.report.checked


def test_a_free_text_case_id_is_never_echoed_in_the_lot_report():
    result = report([case("=Jean DUPONT", sessions=[held("2025-04-20T10:00:00+02:00")])])
    (finding,) = by_rule(result, "PROG-START")
    assert finding.message.startswith("parcours n° 1 : ")
    assert "DUPONT" not in result.report.to_json() and "DUPONT" not in result.format()


@pytest.mark.parametrize("site", ["Maison d'arrêt de Dijon", "=SUM(A1)", "-x", "MA\nDIJON", ""])
def test_a_site_name_that_is_not_a_safe_identifier_is_refused(site):
    with pytest.raises(InputError) as error:
        report([case()], sites=[{"id": site, "spip": "21", "setting": "MF"}])
    assert error.value.path == "sites[0].id"
    assert not site or site not in str(error.value)


def test_duplicate_case_ids_are_refused_naming_the_path():
    # issue 16 item 13: counted twice, they would distort the hours and the shares
    with pytest.raises(InputError) as error:
        report([case("A"), case("B"), case("A")])
    assert error.value.path == "cases[2].case_id" and "cases[0]" in error.value.expected


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
      "extra": 1}, "?"),
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


# --- REP-SYNTHESIS: the provider's synthesis for each period of the contract ----------------

Q1_2027 = ("2027-01-01", "2027-03-31")
AS_OF_2027 = "2027-03-31T18:00:00+02:00"


@pytest.mark.parametrize("syntheses, expected", [
    ([{"term_period": 1, "covers_programmes": True, "covers_objectives": True}], []),
    ([], ["violation"]),                                          # no synthesis at all
    ([{"term_period": 2, "covers_programmes": True, "covers_objectives": True}],
     ["violation"]),                                              # another period's
    ([{"term_period": 1, "covers_programmes": True, "covers_objectives": False}],
     ["violation"]),                                              # objectives not covered
    ([{"term_period": 1, "covers_programmes": True}], ["info"]),  # not known: missing fact
    (None, ["info"]),                                             # the input is silent
])
def test_rep_synthesis_exists_for_each_ended_period_and_covers_both(syntheses, expected):
    kwargs = {} if syntheses is None else {"syntheses": syntheses}
    result = report([], period=Q1_2027, as_of=AS_OF_2027, **kwargs)
    assert [f.severity.value for f in by_rule(result, "REP-SYNTHESIS")] == expected


def test_rep_synthesis_not_due_before_the_end_of_the_initial_period():
    # boundary: the initial period ends on Sunday 28 February 2027 (24:00); on that day
    # nothing is due yet, the next day the synthesis is.
    feb = ("2027-02-01", "2027-02-28")
    assert not by_rule(report([], period=feb, as_of="2027-02-28T18:00:00+01:00",
                              syntheses=[]), "REP-SYNTHESIS")
    assert by_rule(report([], period=feb, as_of="2027-03-01T09:00:00+01:00", syntheses=[]),
                   "REP-SYNTHESIS")


# --- PROG-WORKSHOP-PLAN -------------------------------------------------------------------------

def workshop_case(case_id="A", workshop="CV-1"):
    return case(case_id, sessions=[held("2025-04-14T14:00:00+02:00", 2, "collective",
                                        workshop=workshop)])


@pytest.mark.parametrize("plan, expected", [
    ({"plan_agreed_with_spip": True, "outside_speakers": False}, []),
    ({"plan_agreed_with_spip": True, "outside_speakers": True,
      "speakers_agreed_with_spip": True}, []),
    ({"plan_agreed_with_spip": False, "outside_speakers": False}, ["violation"]),
    ({"plan_agreed_with_spip": True, "outside_speakers": True,
      "speakers_agreed_with_spip": False}, ["violation"]),
    ({"outside_speakers": False}, ["info"]),                      # agreement not recorded
    ({"plan_agreed_with_spip": True, "outside_speakers": True}, ["info"]),
])
def test_prog_workshop_plan(plan, expected):
    result = report([workshop_case()], workshops=[{"id": "CV-1", **plan}])
    found = by_rule(result, "PROG-WORKSHOP-PLAN")
    assert [f.severity.value for f in found] == expected
    assert all(f.missing for f in found if f.severity.value == "info")


def test_prog_workshop_plan_unlisted_workshop_is_a_missing_fact_naming_it_safely():
    result = report([workshop_case(workshop="Atelier de Mme X")], workshops=[])
    (finding,) = by_rule(result, "PROG-WORKSHOP-PLAN")
    assert finding.missing and "Mme X" not in finding.message
    assert "l'atelier n° 1 de la période" in finding.message


def test_prog_workshop_plan_only_workshops_held_in_the_period():
    later = case(sessions=[held("2025-07-14T14:00:00+02:00", 2, "collective",
                                workshop="CV-1")])
    assert not by_rule(report([later], workshops=[]), "PROG-WORKSHOP-PLAN")


# --- DOC-SHEETS-SPIP --------------------------------------------------------------------------

APRIL = ("2025-04-01", "2025-04-30")


@pytest.mark.parametrize("transmissions, expected", [
    ([{"spip": "21", "month": "2025-04", "sent": True}], []),
    ([{"spip": "21", "month": "2025-04", "sent": False}], ["violation"]),
    ([{"spip": "21", "month": "2025-05", "sent": True}], ["info"]),   # April not declared
    (None, ["info"]),
])
def test_doc_sheets_spip(transmissions, expected):
    kwargs = {} if transmissions is None else {"sheet_transmissions": transmissions}
    result = report([case()], period=APRIL, **kwargs)
    assert [f.severity.value for f in by_rule(result, "DOC-SHEETS-SPIP")] == expected


def test_doc_sheets_spip_only_whole_months_already_over():
    # boundary: on 30 April at 18:00 April is not over; on 1 May it is
    result = report([case()], period=APRIL, as_of="2025-04-30T18:00:00+02:00",
                    sheet_transmissions=[])
    assert not by_rule(result, "DOC-SHEETS-SPIP")
    result = report([case()], period=APRIL, as_of="2025-05-01T09:00:00+02:00",
                    sheet_transmissions=[{"spip": "21", "month": "2025-04", "sent": False}])
    assert [f.severity.value for f in by_rule(result, "DOC-SHEETS-SPIP")] == ["violation"]


# --- DOC-HOURS-RECONCILE ------------------------------------------------------------------------

TWO_SESSIONS = [held("2025-04-10T10:00:00+02:00"), held("2025-04-17T10:00:00+02:00", 1.5)]


@pytest.mark.parametrize("ipro, expected, difference", [
    (3.5, [], 0),
    (5.5, ["violation"], 2),
    (3, ["violation"], -0.5),
])
def test_doc_hours_reconcile_per_person_and_month(ipro, expected, difference):
    result = report([case(sessions=TWO_SESSIONS)], period=APRIL,
                    ipro_hours=[{"case_id": "A", "month": "2025-04", "hours": ipro}])
    found = by_rule(result, "DOC-HOURS-RECONCILE")
    assert [f.severity.value for f in found] == expected
    (row,) = result.reconciliation
    assert (row.signed, row.ipro, row.difference) == (3.5, ipro, pytest.approx(difference))
    if found:
        assert f"{abs(difference):g}".replace(".", ",") + " h de" in found[0].message
    assert result.to_dict()["hours_reconciliation"][0]["signed_sheet_hours"] == 3.5


def test_doc_hours_reconcile_an_unsigned_session_is_not_on_a_signed_sheet():
    sessions = [held("2025-04-10T10:00:00+02:00"), held("2025-04-17T10:00:00+02:00",
                                                          signed=False)]
    result = report([case(sessions=sessions)], period=APRIL,
                    ipro_hours=[{"case_id": "A", "month": "2025-04", "hours": 4}])
    (finding,) = by_rule(result, "DOC-HOURS-RECONCILE")
    assert finding.severity.value == "violation" and "2 h sur feuilles signées" \
        in finding.message


@pytest.mark.parametrize("ipro, signed", [
    (None, True),                                          # no IPRO hours given at all
    ([], True),                                            # this person's month not given
    ([{"case_id": "A", "month": "2025-04", "hours": 4}], None),   # sheet not known
])
def test_doc_hours_reconcile_missing_facts(ipro, signed):
    sessions = [held("2025-04-10T10:00:00+02:00", signed=signed)]
    kwargs = {} if ipro is None else {"ipro_hours": ipro}
    result = report([case(sessions=sessions)], period=APRIL, **kwargs)
    found = by_rule(result, "DOC-HOURS-RECONCILE")
    assert found and all(f.missing for f in found)


def test_doc_hours_reconcile_ipro_hours_without_any_session_is_a_difference():
    result = report([case(sessions=[held("2025-05-10T10:00:00+02:00")])],
                    period=("2025-04-01", "2025-05-31"),
                    ipro_hours=[{"case_id": "A", "month": "2025-04", "hours": 2},
                                {"case_id": "A", "month": "2025-05", "hours": 2}])
    (finding,) = by_rule(result, "DOC-HOURS-RECONCILE")
    assert "avril 2025" in finding.message and "0 h sur feuilles signées" in finding.message


# --- REP-MEETINGS ---------------------------------------------------------------------------------

@pytest.mark.parametrize("meeting, expected", [
    ({"kind": "copil", "invited": True, "attended": True}, []),
    ({"kind": "comite-suivi", "invited": True, "attended": False}, ["warning"]),
    ({"kind": "commission-insertion", "invited": True, "attended": False}, ["warning"]),
    ({"kind": "comite-suivi", "invited": False, "attended": False}, []),   # not invited
    ({"kind": "comite-suivi", "invited": True}, ["info"]),                 # not recorded
])
def test_rep_meetings(meeting, expected):
    result = report([case()], meetings=[{"at": "2025-05-15", **meeting}])
    assert [f.severity.value for f in by_rule(result, "REP-MEETINGS")] == expected


def test_rep_meetings_outside_the_period_or_after_as_of_are_not_judged():
    meetings = [{"kind": "copil", "at": "2025-07-15", "invited": True, "attended": False},
                {"kind": "copil", "at": "2025-06-20", "invited": True, "attended": False}]
    assert not by_rule(report([case()], meetings=meetings[:1]), "REP-MEETINGS")
    assert not by_rule(report([case()], meetings=meetings[1:],
                              as_of="2025-06-19T18:00:00+02:00"), "REP-MEETINGS")


# --- chunk by chunk (issue 13 §5) ----------------------------------------------------

_CHUNK_PERIOD = ("2025-03-01", "2025-08-31")
_CHUNK_AS_OF = "2025-09-01T00:00:00+02:00"


@st.composite
def lot_cases(draw):
    """Cases of lot 5 and beyond it, with odd hours (0.1 h…), shared workshop sessions,
    missing SPIP, sites, beneficiaries; some without a case_id."""
    out = []
    for i in range(draw(st.integers(0, 7))):
        events = draw(workflow_logs())
        for _ in range(draw(st.integers(0, 4))):
            # few days: a workshop session is often shared by cases of different chunks
            day = draw(st.sampled_from(["05-14", "05-21", "06-14"]))
            mode = draw(st.sampled_from(["individual", "collective"]))
            events.append({"type": "session_held", "at": f"2025-{day}T14:00:00+02:00",
                           "mode": mode, "hours": draw(st.sampled_from([0.1, 0.7, 1.3, 2])),
                           **({"workshop": draw(st.sampled_from(["W1", "W2"]))}
                              if mode == "collective" and draw(st.integers(0, 3)) else {}),
                           **({"signed_sheet": draw(st.sampled_from([True, False]))}
                              if draw(st.integers(0, 3)) else {})})
        case = {"events": events, "spip": draw(st.sampled_from(["21", "71", "18", None])),
                "site": draw(st.sampled_from(["MA-DIJON", "CD-CHALON", None])),
                "beneficiary": {"sex": draw(st.sampled_from(["F", "M"])),
                                "age_at_prescription": draw(st.integers(18, 40)),
                                "without_qualification": draw(st.booleans())}}
        if draw(st.integers(0, 4)):
            case["case_id"] = f"C{i}"
        out.append({k: v for k, v in case.items() if v is not None})
    return out


_CHUNK_OPTIONS = {
    "as_of": _CHUNK_AS_OF, "contract_start": "2025-03-01",
    "sites": [{"id": "MA-DIJON", "spip": "21"}],
    "permanences": [{"site": "MA-DIJON", "at": "2025-05-06"}],
    "invoice_lines": [{"kind": "session", "at": "2025-05-14", "workshop": "W1"},
                      {"kind": "session", "at": "2025-04-10", "case_id": "C1"}],
    "ipro_hours": [{"case_id": "C0", "month": "2025-05", "hours": 2.3},
                   {"case_id": "C2", "month": "2025-06", "hours": 0.1},
                   {"case_id": "C9", "month": "2025-06", "hours": 1}],
    "sheet_transmissions": [], "workshops": [{"id": "W1", "plan_agreed_with_spip": True}],
}


def _chunks(items, cuts):
    bounds = sorted({min(c, len(items)) for c in cuts})
    out, start = [], 0
    for b in [*bounds, len(items)]:
        out.append(items[start:b])
        start = b
    return out


@settings(max_examples=60, deadline=None)
@given(lot_cases(), st.lists(st.integers(0, 7), min_size=1, max_size=4))
def test_lot_report_chunk_by_chunk_is_the_report_of_one_pass(cases, cuts):
    one = lot_report(cases, 5, _CHUNK_PERIOD, **_CHUNK_OPTIONS)
    chunks = _chunks(cases, cuts)
    kept = LotAccumulator(5, _CHUNK_PERIOD, keep_evaluations=True, **_CHUNK_OPTIONS)
    for chunk in chunks:
        kept.add(chunk)
    assert kept.report() == one
    assert kept.report().to_dict() == one.to_dict()
    # as workers would: each chunk tallied apart (its first index given), merged in order
    parent = LotAccumulator(5, _CHUNK_PERIOD, **_CHUNK_OPTIONS)
    worker = LotAccumulator(5, _CHUNK_PERIOD, **_CHUNK_OPTIONS)
    start = 0
    parts = []
    for chunk in chunks:
        parts.append(worker.tally(chunk, start))
        start += len(chunk)
    for part in parts:
        parent.merge(part)
    assert parent.report() == attrs.evolve(one, cases=())
    # without the cases' own findings: the lot's rules only, every figure the same
    lean = LotAccumulator(5, _CHUNK_PERIOD, case_findings=False, **_CHUNK_OPTIONS)
    for chunk in chunks:
        lean.add(chunk)
    slim = lean.report()
    assert slim.report.findings == tuple(f for f in one.report.findings
                                         if f.rule_id in ACTIVITY_RULES)
    assert slim.report.checked == ACTIVITY_RULES
    assert attrs.evolve(slim, report=one.report) == attrs.evolve(one, cases=())


def test_lot_report_chunks_merged_out_of_order_are_an_input_error():
    acc = LotAccumulator(5, PERIOD)
    later = acc.tally([case("B")], start=1)
    with pytest.raises(InputError) as error:
        acc.merge(later)
    assert error.value.path == "chunks"


def test_lot_report_a_case_id_repeated_in_a_later_chunk_is_an_input_error():
    acc = LotAccumulator(5, PERIOD).add([case("A"), case("B")])
    with pytest.raises(InputError) as error:
        acc.add([case("C"), case("A")])
    assert error.value.path == "cases[3].case_id"
    assert "cases[0]" in error.value.expected


def test_lot_report_hour_totals_do_not_depend_on_the_order_of_addition():
    # 0.1 + 0.2 + 0.7 in floats depends on the order; the report's total does not
    sessions = [held(f"2025-04-{d}T10:00:00+02:00", hours=h)
                for d, h in (("08", 0.1), ("09", 0.2), ("10", 0.7))]
    forward = report([case("A", sessions=sessions)])
    backward = report([case("A", sessions=sessions[::-1])])
    assert forward.volumes[0].delivered == backward.volumes[0].delivered == 1.0


def test_lot_report_a_chunk_tally_pickles_and_merges_as_a_workers_would():
    import pickle

    cases = [case("A"), case("B", spip="71"), case("C", spip="18")]
    one = report(cases)
    acc = LotAccumulator(5, PERIOD, contract_start="2025-03-01")
    for start in (0, 2):
        acc.merge(pickle.loads(pickle.dumps(acc.tally(cases[start:start + 2], start))))
    assert acc.report() == attrs.evolve(one, cases=())
