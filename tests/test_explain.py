"""Every finding explains itself as data (issue 12 §2): structured steps, rendered in
French from their structure, never carrying a personal value; ``explain=True`` and
``--expliquer`` explain the rules that did not fire."""

import copy
import datetime as dt
import io
import json
import pickle
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from ppaip_rules import DIJON, rules, run_check
from ppaip_rules.checks import report_schema
from ppaip_rules.cli import main
from ppaip_rules.deadlines import deadline
from ppaip_rules.model import Finding, Flag, Step, get_rule
from ppaip_rules.parameters import parameters_from_dict

D = dt.date
EXAMPLES = Path(__file__).parent.parent / "ppaip_rules" / "examples"
MARKER = "ZQXPERSONNELQXZ"
#: Input fields holding personal or free text: a marker is planted in each of them.
PLANTED = ("first_name", "surname", "comment", "place", "title")
#: Input fields whose values are personal and cannot hold a marker: their values must
#: not show either.
PERSONAL_VALUES = ("birth_date", "registry_number")

FIRING = [(r, e) for r in rules() for e in r.examples if e.fires]


def _planted(data):
    """A copy of ``data`` with the marker in every free-text field, and the personal
    values it holds (birth dates, registry numbers)."""
    data = copy.deepcopy(data)
    personal = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in PLANTED and isinstance(value, str):
                    node[key] = f"{MARKER} {value}"
                elif key in PERSONAL_VALUES and isinstance(value, str):
                    personal.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return data, personal


def _step_text(step: Step) -> str:
    return json.dumps(step.to_dict(), ensure_ascii=False, default=str)


@pytest.mark.parametrize("rule, example", FIRING,
                         ids=[f"{r.id}:{i}" for i, (r, _) in enumerate(FIRING)])
def test_every_finding_of_every_rule_has_structured_steps(rule, example):
    data, personal = _planted(example.data)
    report = run_check(example.kind, data, **example.options)
    mine = report.by_rule(rule.id)
    assert mine, f"{rule.id}: the planted example should still fire"
    for finding in mine:
        trace = finding.trace
        assert trace and all(type(s) is Step and s.text for s in trace)
        # the clause of the rule (its own, or the clause of a step of its computation)
        assert any(s.clause == rule.clause for s in trace) or any(
            s.clause and s.clause in rule.clause for s in trace), rule.id
        # each parameter the rule declares, with its value in force
        for name in rule.parameters:
            steps = [s for s in trace if s.parameter == name
                     or (s.parameter or "").startswith(name + ".")]
            assert steps, f"{rule.id}: no step for parameter {name}"
            value = getattr(DIJON, name)
            if isinstance(value, (int, float, bool, str)):
                assert any(s.value == value for s in steps), (rule.id, name)
            assert all(s.value is not None for s in steps)
        # never a personal value
        for step in trace:
            text = _step_text(step)
            assert MARKER not in text, (rule.id, step)
            for value in personal:
                assert value not in text, (rule.id, step)
        json.dumps(finding.to_dict(), ensure_ascii=False)


def test_the_field_and_the_value_found_are_a_step():
    report = run_check("programme", {
        "individual_hours": 10,
        "workshops": [{"theme": "tre", "hours": 3, "participants": 7}]})
    (finding,) = report.by_rule("PROG-GROUP-SIZE")
    found = [s for s in finding.trace if s.path == "workshops[0].participants"]
    assert [s.computed for s in found] == [7]


# --- group size: the example ------------------------------------------------------

def test_group_of_seven_says_the_maximum_its_parameter_and_the_count():
    report = run_check("programme", {
        "individual_hours": 10,
        "workshops": [{"theme": "tre", "hours": 3, "participants": 7}]})
    (finding,) = report.by_rule("PROG-GROUP-SIZE")
    texts = [s.text for s in finding.trace]
    assert "6 participants au maximum (paramètre group_size_max = 6, CCTP 6.3)." in texts
    assert "7 inscrits (workshops[0].participants)." in texts
    (maximum,) = [s for s in finding.trace if s.parameter == "group_size_max"]
    assert (maximum.value, maximum.clause) == (6, "CCTP 6.3")


def test_group_size_steps_follow_a_variant_contract():
    variant = parameters_from_dict({"group_size_max": 8})
    report = run_check("programme", {
        "individual_hours": 10,
        "workshops": [{"theme": "tre", "hours": 3, "participants": 9}]}, variant)
    (finding,) = report.by_rule("PROG-GROUP-SIZE")
    assert "8 participants au maximum (paramètre group_size_max = 8, CCTP 6.3)." in finding.trace


# --- deadlines: every day not counted, the calendar, the extension ------------------------

def test_bilan_deadline_names_every_day_not_counted_with_its_reason():
    trace = deadline("END-BILAN-IND", D(2025, 5, 2)).trace
    skipped = [s.text for s in trace if s.text.endswith("jour non compté.")]
    assert skipped == [
        "samedi 3 mai 2025 : samedi ; jour non compté.",
        "dimanche 4 mai 2025 : dimanche ; jour non compté.",
        "jeudi 8 mai 2025 : jour férié (Fête de la Victoire) ; jour non compté.",
        "samedi 10 mai 2025 : samedi ; jour non compté.",
        "dimanche 11 mai 2025 : dimanche ; jour non compté.",
    ]
    (holiday,) = [s for s in trace if "8 mai" in s and s.computed]
    assert holiday.computed == {"jour": D(2025, 5, 8), "motif": "jour férié (Fête de la Victoire)"}
    (delay,) = [s for s in trace if s.parameter]
    assert (delay.parameter, delay.value, delay.clause) == (
        "delays.END-BILAN-IND", "5 jours ouvrés", "CCTP 6.6, 6.9")
    assert any(s.startswith("Calendrier : jours fériés de métropole") for s in trace)
    assert trace[-1].computed == D(2025, 5, 12)


def test_jours_ouvrables_count_saturdays_so_only_sundays_and_holidays_are_named():
    trace = deadline("STAFF-REPLACE", D(2025, 4, 30)).trace
    skipped = [s for s in trace if s.endswith("jour non compté.")]
    assert skipped and not any("samedi" in s for s in skipped)
    assert any("jeudi 1er mai 2025 : jour férié" in s for s in skipped)


def test_an_extension_names_the_day_it_skips_after_the_raw_end():
    # Monday 12 May + 5 calendar days = Saturday 17 May → Monday 19 May.
    trace = deadline("PROG-START", D(2025, 5, 12)).trace
    assert any(s.startswith("samedi 17 mai 2025 : samedi ; délai prolongé") for s in trace)
    assert "dimanche 18 mai 2025 : dimanche ; prolongation, jour non compté." in trace


def test_the_alsace_moselle_calendar_variant_is_a_step():
    trace = deadline("END-BILAN-IND", D(2025, 4, 16), departement="57").trace
    assert "vendredi 18 avril 2025 : jour férié (Vendredi saint) ; jour non compté." in trace
    (cal,) = [s for s in trace if s.startswith("Calendrier")]
    assert "Alsace-Moselle (département 57)" in cal and "Vendredi saint férié" in cal
    assert cal.computed["departement"] == "57"


# --- the psychologists' share --------------------------------------------------------------

def test_share_steps_name_who_is_counted_who_is_left_out_and_the_computation():
    from ppaip_rules.roster_csv import load_roster

    raw = (EXAMPLES / "roster.non-conforme.csv").read_bytes()
    report = run_check("roster", load_roster(raw, "roster.csv"), as_of="2025-06-30")
    (finding,) = report.by_rule("STAFF-PSY-SHARE")
    texts = [s.text for s in finding.trace]
    assert "Part visée : 30 % (paramètre psychologist_share_percent = 30, CCTP 6.7)." in texts
    assert any(t.startswith("Tolérance « environ » : 5 points, soit un seuil de 25 %")
               for t in texts)
    (psy,) = [s for s in finding.trace if s.startswith("Psychologues du travail comptés")]
    assert psy.computed == ["PSY-3"]
    (not_psy,) = [s for s in finding.trace if s.startswith("Comptés dans le total")]
    assert not_psy.computed == ["PSY-2"]
    assert "Non compté : PSY-1 (parti le vendredi 30 mai 2025)." in texts
    assert "Calcul : 1 / 9 = 11,1 %." in texts


# --- Step: structure, compatibility, pickling ------------------------------------------------

def test_a_step_is_its_sentence_and_carries_its_structure():
    step = Step(parameter="group_size_max", value=6, clause="CCTP 6.3")
    assert step == "paramètre group_size_max = 6 ; CCTP 6.3."
    assert step.to_dict() == {"text": "paramètre group_size_max = 6 ; CCTP 6.3.",
                              "clause": "CCTP 6.3", "parameter": "group_size_max", "value": 6,
                              "path": None, "computed": None}
    back = pickle.loads(pickle.dumps(step))
    assert back.to_dict() == step.to_dict()


def test_a_flag_still_accepts_plain_strings_as_its_trace():
    flag = Flag("message", trace=["première étape", Step("deuxième", computed=2)])
    assert [type(s) for s in flag.trace] == [Step, Step]
    finding = get_rule("PROG-GROUP-SIZE").finding(flag)
    assert "première étape" in finding.trace
    assert finding.to_dict()["trace"][0]["text"].startswith("Règle PROG-GROUP-SIZE")
    assert isinstance(Finding("X", "CCTP 1", get_rule("PROG-GROUP-SIZE").severity, "t", "m",
                              trace=("a",)).trace[0], Step)


# --- explain=True and --expliquer ------------------------------------------------------------

def _conforme(kind):
    return json.loads((EXAMPLES / f"{kind}.conforme.json").read_text())


def test_explain_says_why_each_rule_that_did_not_fire_was_satisfied():
    plain = run_check("programme", _conforme("programme"))
    report = run_check("programme", _conforme("programme"), explain=True)
    assert report.verdict == plain.verdict and report.findings == plain.findings
    fired = {f.rule_id for f in report.findings}
    explained = {x.rule_id for x in report.explanations}
    assert explained == set(report.checked) - fired
    size = next(x for x in report.explanations if x.rule_id == "PROG-GROUP-SIZE")
    assert size.status == "vérifiée" and size.message == "règle vérifiée : aucun écart."
    assert any(s.parameter == "group_size_max" and s.value == 6 for s in size.trace)
    assert not plain.explanations and "explanations" not in plain.to_dict()


def test_explain_says_a_rule_with_only_missing_facts_was_not_decided():
    report = run_check("programme", {"individual_hours": 10,
                                     "workshops": [{"theme": "tre", "hours": 3}]},
                       explain=True)
    (size,) = [x for x in report.explanations if x.rule_id == "PROG-GROUP-SIZE"]
    assert size.status == "non décidée"


def test_explained_report_follows_the_report_schema():
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(run_check("programme", _conforme("programme"), explain=True).to_json())
    assert data["explanations"][0]["kind"] == "explication"
    jsonschema.validate(data, report_schema())
    violating = run_check("programme", {"individual_hours": 10,
                                        "workshops": [{"theme": "tre", "hours": 3,
                                                       "participants": 7}]})
    jsonschema.validate(json.loads(violating.to_json()), report_schema())


def _cli(*argv):
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_cli_expliquer_on_check_prints_the_explanations(tmp_path):
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(_conforme("programme")))
    code, text = _cli("check", "programme", str(path), "--expliquer")
    assert code == 0 and "Explications des règles sans constat :" in text
    assert "PROG-GROUP-SIZE (CCTP 6.2 B, 6.3) — explication : règle vérifiée : aucun écart." \
        in text
    code, out = _cli("check", "programme", str(path), "--expliquer", "--format", "json")
    assert json.loads(out)["explanations"]
    _, plain = _cli("check", "programme", str(path))
    assert "explication" not in plain


def test_cli_expliquer_on_timeline_and_report(tmp_path):
    examples = EXAMPLES
    _, out = _cli("timeline", str(examples / "case.conforme.json"), "--as-of",
                     "2025-06-30T18:00:00+02:00", "--expliquer", "--format", "json")
    assert json.loads(out)["report"]["explanations"]
    _, text = _cli("report", str(examples / "activity.conforme.json"), "--lot", "5",
                      "--expliquer")
    assert "explication : règle vérifiée" in text


def test_the_explanations_page_shows_computed_steps():
    from docsite import expand

    page = (Path(__file__).parent.parent / "docs" / "explications.md").read_text(
        encoding="utf-8")
    text = expand(page, "explications.md")
    assert "7 inscrits (workshops[0].participants)." in text
    assert "jeudi 8 mai 2025 : jour férié (Fête de la Victoire) ; jour non compté." in text
    assert "explication : règle vérifiée : aucun écart." in text


def test_the_html_report_shows_the_explanations():
    from ppaip_rules.render import render

    report = run_check("programme", _conforme("programme"), explain=True)
    page = render(report, "html").decode("utf-8")
    assert "Explications des règles sans constat" in page
    assert "règle vérifiée : aucun écart." in page
    assert "Explications" not in render(run_check("programme", _conforme("programme")),
                                        "html").decode("utf-8")
