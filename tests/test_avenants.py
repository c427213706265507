"""Contract parameters with dated values: avenants (issue 12 §3)."""

import datetime as dt
import io
import json
import pickle
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from ppaip_rules import (
    DIJON,
    InputError,
    ParameterHistory,
    due_dates,
    load_history,
    load_parameters,
    lot_report,
)
from ppaip_rules.cli import main
from ppaip_rules.deadlines import deadline
from ppaip_rules.staffing import _extra_advisers, check_roster
from ppaip_rules.timeline import evaluate_case

D = dt.date
DATA = Path(__file__).parent / "data" / "avenants"
EXAMPLES = Path(__file__).parent.parent / "ppaip_rules" / "examples"
AV1 = DATA / "avenant-1.toml"   # END-BILAN-IND 10 jours ouvrés from 1 September 2025
AV2 = DATA / "avenant-2.toml"   # 40 % of psychologists, 3 permanences from 1 January 2026


@pytest.fixture(scope="module")
def history():
    # given in reverse order: they apply in date order
    return load_parameters(None, AV2, AV1)


def test_avenants_apply_in_date_order(history):
    assert [a.name for a in history.avenants] == ["Avenant n° 1", "Avenant n° 2"]
    assert history.at(D(2025, 8, 31)).delays["END-BILAN-IND"].amount == 5
    assert history.at(D(2025, 9, 1)).delays["END-BILAN-IND"].amount == 10
    assert history.at(D(2025, 12, 31)).psychologist_share_percent == 30
    later = history.at(D(2026, 1, 1))
    assert (later.psychologist_share_percent, later.permanences_per_month) == (40, 3)
    assert later.delays["END-BILAN-IND"].amount == 10       # avenant 1 still in force
    assert history.at(D(2026, 3, 1)) is later               # one object per period


def test_history_of_a_parameter_gives_each_value_with_its_reference(history):
    assert history.history("delays.END-BILAN-IND") == [
        {"depuis": D(2025, 1, 1), "valeur": "5 jours ouvrés", "reference": "contrat initial"},
        {"depuis": D(2025, 9, 1), "valeur": "10 jours ouvrés",
         "reference": "avenant n° 1, art. 2"}]
    assert history.changed() == ["permanences_per_month", "psychologist_share_percent",
                                 "delays.END-BILAN-IND"]


# --- a deadline across the avenant's effective date -------------------------------------------

def test_bilan_deadline_reads_the_delay_in_force_on_its_trigger(history):
    before = deadline("END-BILAN-IND", D(2025, 8, 29), params=history)
    after = deadline("END-BILAN-IND", D(2025, 9, 1), params=history)
    assert before.due == D(2025, 9, 5)           # 5 jours ouvrés
    assert after.due == D(2025, 9, 15)           # 10 jours ouvrés
    assert "Délai : 10 jours ouvrés (paramètre delays.END-BILAN-IND = 10 jours ouvrés, " \
           "CCTP 6.6, 6.9)." in after.trace
    (why,) = [s for s in after.trace if s.startswith("Paramètres en vigueur")]
    assert why.clause == "avenant n° 1, art. 2" and why.path == "trigger"
    assert "Avenant n° 1, en vigueur depuis le lundi 1er septembre 2025" in why
    (why_before,) = [s for s in before.trace if s.startswith("Paramètres en vigueur")]
    assert "contrat initial" in why_before
    assert due_dates("END-BILAN-IND", [D(2025, 8, 29), D(2025, 9, 1)], params=history) == [
        D(2025, 9, 5), D(2025, 9, 15)]


def test_a_fact_before_the_contracts_first_value_is_an_error_naming_the_field(history):
    with pytest.raises(InputError) as error:
        deadline("END-BILAN-IND", D(2024, 12, 31), params=history)
    assert error.value.path == "trigger"
    assert "antérieure au contrat" in str(error.value)


def test_a_case_straddling_the_avenant_uses_each_value_in_its_own_period(history):
    base = json.loads((EXAMPLES / "case.non-conforme.json").read_text())
    as_of = "2025-12-01T00:00:00+01:00"
    plain = evaluate_case(base, as_of=as_of)
    dated = evaluate_case(base, as_of=as_of, params=history)
    # every trigger of the example is before 1 September 2025: the same result
    assert [(o.rule_id, o.due, o.status) for o in dated.obligations] == [
        (o.rule_id, o.due, o.status) for o in plain.obligations]


# --- a roster across the avenant: the check day decides ---------------------------------------

def test_roster_share_reads_the_target_in_force_on_the_check_day(history):
    roster = _extra_advisers(1)          # 1 psychologist out of 3 facilitators: 33.3 %
    before = check_roster(roster, as_of="2025-12-31", params=history)
    after = check_roster(roster, as_of="2026-01-02", params=history)
    (ok,) = before.by_rule("STAFF-PSY-SHARE")
    (late,) = after.by_rule("STAFF-PSY-SHARE")
    assert ok.severity.value == "info" and late.severity.value == "violation"
    assert "Part visée : 40 % (paramètre psychologist_share_percent = 40, CCTP 6.7, avenant " \
        "n° 2, art. 1, en vigueur depuis le jeudi 1er janvier 2026)." in late.trace
    assert "Part visée : 30 % (paramètre psychologist_share_percent = 30, CCTP 6.7)." \
        in ok.trace
    assert late.trace[0].startswith("Paramètres en vigueur le vendredi 2 janvier 2026 : "
                                    "Avenant n° 2")
    assert ok.trace[0].startswith("Paramètres en vigueur le mercredi 31 décembre 2025 : "
                                  "Avenant n° 1")


# --- a lot report across the avenant: each month its own value --------------------------------

def test_lot_report_permanences_read_each_months_value(history):
    sites = [{"id": "MA-DIJON", "spip": "21", "setting": "MF"}]
    permanences = [{"site": "MA-DIJON", "at": day} for day in
                   ("2025-12-02", "2025-12-16", "2026-01-06", "2026-01-20")]
    result = lot_report([], 5, ("2025-12-01", "2026-01-31"), history,
                        contract_start="2025-03-01", sites=sites, permanences=permanences)
    assert [(p.months[0], p.required, p.ok) for p in result.permanences] == [
        (D(2025, 12, 1), 2, True), (D(2026, 1, 1), 3, False)]
    plain = lot_report([], 5, ("2025-12-01", "2026-01-31"), DIJON,
                       contract_start="2025-03-01", sites=sites, permanences=permanences)
    assert all(p.ok for p in plain.permanences)


# --- files, pickling, command line -----------------------------------------------------------

def test_an_avenant_without_its_header_is_refused_naming_the_field(tmp_path):
    bad = tmp_path / "sans-entete.toml"
    bad.write_text("[delays.END-BILAN-IND]\namount = 10\nunit = \"jours ouvrés\"\n")
    with pytest.raises(InputError) as error:
        load_parameters(None, bad)
    assert error.value.path == "avenants[0].avenant"  # a file name is never a field name


def test_an_avenant_dated_before_the_contract_is_refused(tmp_path):
    early = tmp_path / "tot.toml"
    early.write_text(AV1.read_text().replace("2025-09-01", "2024-06-01"))
    with pytest.raises(InputError) as error:
        load_parameters(None, early)
    assert error.value.path == "avenants[0].date_effet"


def test_a_wrong_key_in_an_avenant_is_refused_without_being_echoed(tmp_path):
    typo = tmp_path / "typo.toml"
    typo.write_text("group_size_maxi = 8\n" + AV1.read_text())
    with pytest.raises(InputError) as error:
        load_parameters(None, typo)
    # a key that is not one of the library's is never echoed (issue 16); the known keys are
    assert error.value.path == "?" and "group_size_max" in error.value.expected


def test_a_history_and_its_parameters_pickle(history):
    back = pickle.loads(pickle.dumps(history))
    assert isinstance(back, ParameterHistory)
    assert back.at(D(2026, 2, 1)) == history.at(D(2026, 2, 1))
    d = deadline("END-BILAN-IND", D(2025, 9, 1), params=history)
    assert pickle.loads(pickle.dumps(d)).trace == d.trace


def test_a_history_from_a_base_file_and_mappings(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text("group_size_max = 8\n")
    h = load_history(base, [{"avenant": {"nom": "A1", "date_effet": "2025-06-01",
                                         "reference": "avenant n° 1"}, "group_size_max": 5}])
    assert [r["valeur"] for r in h.history("group_size_max")] == [8, 5]


def _cli(*argv):
    out = io.StringIO()
    with redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


def test_parametres_command_prints_the_values_in_force_and_their_history():
    code, text = _cli("--avenant", AV1, "--avenant", AV2, "parametres", "--a-la-date",
                      "2025-10-01")
    assert code == 0
    assert "Paramètres en vigueur le mercredi 1er octobre 2025 :" in text
    assert "  delays.END-BILAN-IND = 10 jours ouvrés" in text
    assert "      depuis le lundi 1er septembre 2025 : 10 jours ouvrés (avenant n° 1, art. 2)" \
        in text
    assert "  psychologist_share_percent = 30" in text
    code, out = _cli("--avenant", AV2, "parametres", "--json", "--a-la-date", "2026-02-01")
    data = json.loads(out)
    assert data["en_vigueur"]["psychologist_share_percent"] == 40
    assert data["avenants"][0]["reference"] == "avenant n° 2, art. 1"


def test_cli_deadline_and_check_with_an_avenant(tmp_path):
    code, text = _cli("--avenant", AV1, "deadline", "END-BILAN-IND", "2025-09-01")
    assert code == 0 and "au plus tard le lundi 15 septembre 2025" in text
    code, _ = _cli("--avenant", AV1, "deadline", "END-BILAN-IND", "2024-09-01")
    assert code == 2
    path = tmp_path / "bilan.json"
    path.write_text((EXAMPLES / "bilan.conforme.json").read_text())
    assert _cli("--avenant", AV2, "check", "bilan", path)[0] == 2   # needs --as-of
    assert _cli("--avenant", AV2, "check", "bilan", path, "--as-of", "2026-02-01")[0] == 0
    path = tmp_path / "programme.json"
    path.write_text((EXAMPLES / "programme.conforme.json").read_text())
    assert _cli("--avenant", AV2, "check", "programme", path)[0] == 0   # its sessions date it


# --- eligibility and programme: the prescription, the first session ---------------------------

MAJORITY_21 = {"avenant": {"nom": "Avenant n° 3", "date_effet": "2025-09-01",
                           "reference": "avenant n° 3, art. 1"},
               "age_of_majority": 21}


def test_eligibility_reads_the_values_in_force_on_the_prescription_date():
    from ppaip_rules import check_eligibility

    h = load_history(None, [MAJORITY_21])
    entry = json.loads((EXAMPLES / "eligibility.conforme.json").read_text())
    entry["person"]["birth_date"] = "2006-06-01"          # 19 in September 2025
    entry["prescription"]["date"] = "2025-08-29"
    assert not check_eligibility(entry["person"], entry["prescription"], h).violations
    entry["prescription"]["date"] = "2025-09-02"
    (finding,) = check_eligibility(entry["person"], entry["prescription"], h).violations
    assert finding.rule_id == "ELIG-ADULT"
    assert any(s.parameter == "age_of_majority" and s.value == 21 for s in finding.trace)
    del entry["prescription"]["date"]
    with pytest.raises(InputError) as error:
        check_eligibility(entry["person"], entry["prescription"], h)
    assert error.value.path == "prescription.date"


def test_programme_reads_the_hours_in_force_on_its_first_session():
    from ppaip_rules import check_programme

    h = load_history(None, [{"avenant": {"nom": "Avenant n° 4", "date_effet": "2025-09-01",
                                         "reference": "avenant n° 4"},
                             "individual_hours_max": 20}])
    proposal = {"individual_hours": 25, "sessions": [
        {"start": "2025-08-28T09:00:00+02:00", "hours": 2, "in_person": True},
        {"start": "2025-09-04T09:00:00+02:00", "hours": 2, "in_person": True}]}
    assert not check_programme(proposal, h).by_rule("PROG-IND-HOURS")
    proposal["sessions"][0]["start"] = "2025-09-02T09:00:00+02:00"
    (finding,) = check_programme(proposal, h).by_rule("PROG-IND-HOURS")
    assert any("avenant n° 4, en vigueur depuis le lundi 1er septembre 2025" in s
               for s in finding.trace if s.parameter == "individual_hours_max")


def test_the_docs_show_the_history_and_both_sides_of_the_avenant():
    from docsite import expand

    page = (Path(__file__).parent.parent / "docs" / "avenants.md").read_text(encoding="utf-8")
    text = expand(page, "avenants.md")
    assert "| `delays.END-BILAN-IND` | lundi 1er septembre 2025 | 10 jours ouvrés | " \
           "avenant n° 1, art. 2 |" in text
    assert "| lundi 1er septembre 2025 | 10 jours ouvrés | lundi 15 septembre 2025 |" in text
    index = expand("<!-- ppaip: dijon-history -->", "regles/index.md")
    assert "depuis le mercredi 1er janvier 2025 (contrat initial)" in index
    assert "(../avenants.md)" in index
