"""Issue 12 §1 and §4: the stamp of every result, ``rejouer`` and ``comparer``, through the
real ``ppaip-rules`` command (a subprocess), and the Python functions behind them."""

import hashlib
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import ppaip_rules
from ppaip_rules import DIJON, parameters_from_dict, run_check
from ppaip_rules.audit import diff_results
from ppaip_rules.stamp import (
    POLICY_DEFAULTS,
    SWITCHES,
    canonical_json,
    canonical_parameters,
    parameters_sha256,
)

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
EXAMPLES = Path(str(resources.files("ppaip_rules") / "examples"))
AS_OF = "2025-06-30T18:00:00+02:00"
BILAN_10 = '[delays.END-BILAN-IND]\namount = 10\nunit = "jours ouvrés"\n'


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *map(str, args)],
                          capture_output=True, text=True, env=ENV, timeout=120, cwd=cwd)


def command_for(path: Path) -> list[str]:
    """How the guides check an example file (the command a report comes from)."""
    kind = path.name.split(".", 1)[0]
    if kind == "case":
        return ["timeline", path, "--as-of", AS_OF]
    if kind == "activity":
        return ["report", path, "--lot", json.loads(path.read_text("utf-8"))["lot"]]
    if kind == "semaine":
        return ["semaine", path, "--as-of", AS_OF]
    if kind == "roster":
        return ["check", "roster", path, "--as-of", "2025-06-30"]
    return ["check", kind, path]


EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".csv", ".ndjson"))


# --- the stamp ---------------------------------------------------------------------------------

def test_text_report_ends_with_a_french_stamp_footer():
    out = run("check", "programme", EXAMPLES / "programme.non-conforme.json")
    assert out.returncode == 1
    footer = out.stdout.split("— Tampon : ", 1)[1]
    assert footer.startswith(f"ppaip-rules {ppaip_rules.__version__}, commande « check "
                             "programme »")
    assert f"empreinte SHA-256 {parameters_sha256(DIJON)}" in footer
    assert "avenants appliqués : aucun" in footer
    assert "good_friday_holiday = oui" in footer and "jours fériés : calcul de la " \
                                                     "bibliothèque" in footer
    assert "date de contrôle : sans date de contrôle" in footer
    raw = (EXAMPLES / "programme.non-conforme.json").read_bytes()
    digest = hashlib.sha256(canonical_json(json.loads(raw)).encode()).hexdigest()
    assert f"entrée (JSON canonique) : empreinte SHA-256 {digest}" in footer


def test_json_stamp_names_every_switch_as_of_and_input_hash():
    out = run("check", "roster", EXAMPLES / "roster.conforme.csv", "--as-of", "2025-06-30",
              "--basis", "hours", "--format", "json")
    stamp = json.loads(out.stdout)["stamp"]
    assert stamp["version"] == ppaip_rules.__version__
    assert stamp["command"] == "check roster"
    assert stamp["parameters"] == {"name": DIJON.name, "avenants": [],
                                   "sha256": parameters_sha256(DIJON)}
    assert set(stamp["calendar"]) == {"departement", "whit_monday_worked",
                                      "good_friday_holiday", "holidays"}
    assert stamp["policies"] == {**POLICY_DEFAULTS, "basis": "hours"}
    assert stamp["as_of"] == "2025-06-30"
    # A CSV is hashed as the bytes of the file.
    assert stamp["input"] == {"form": "octets", "sha256": hashlib.sha256(
        (EXAMPLES / "roster.conforme.csv").read_bytes()).hexdigest()}


def test_stamp_hash_ignores_key_order_and_indentation_of_the_input(tmp_path):
    data = json.loads((EXAMPLES / "bilan.conforme.json").read_text("utf-8"))
    shuffled = tmp_path / "bilan.json"
    shuffled.write_text("\ufeff" + json.dumps(dict(reversed(list(data.items()))), indent=7),
                        encoding="utf-8")
    one = json.loads(run("check", "bilan", EXAMPLES / "bilan.conforme.json", "--format",
                         "json").stdout)["stamp"]["input"]
    two = json.loads(run("check", "bilan", shuffled, "--format", "json").stdout)["stamp"]["input"]
    assert one == two


def test_deadline_command_stamps_its_calendar_variant():
    out = run("deadline", "END-BILAN-IND", "2025-04-16", "--departement", "67",
              "--good-friday-worked", "--json")
    stamp = json.loads(out.stdout)["stamp"]
    assert stamp["command"] == "deadline"
    assert stamp["calendar"]["departement"] == "67"
    assert stamp["calendar"]["good_friday_holiday"] is False
    text = run("deadline", "END-BILAN-IND", "2025-04-16", "--whit-monday-worked").stdout
    assert "whit_monday_worked = oui" in text


def test_timeline_lot_report_and_week_carry_the_stamp():
    for args, command in ((["timeline", EXAMPLES / "case.conforme.json", "--as-of", AS_OF,
                            "--suspensions-count"], "timeline"),
                          (["report", EXAMPLES / "activity.conforme.json", "--lot", "5"],
                           "report"),
                          (["semaine", EXAMPLES / "semaine.ndjson", "--as-of", AS_OF],
                           "semaine")):
        out = run(*args, "--format", "json")
        assert out.returncode in (0, 1), out.stderr
        stamp = json.loads(out.stdout)["stamp"]
        assert stamp["command"] == command
        assert "— Tampon : " in run(*args).stdout
    timeline = json.loads(run("timeline", EXAMPLES / "case.conforme.json", "--as-of", AS_OF,
                              "--suspensions-count", "--format", "json").stdout)
    assert timeline["stamp"]["policies"]["suspension_stops_clock"] is False
    assert timeline["stamp"]["as_of"] == AS_OF


def test_stamp_holds_no_personal_value():
    """Hashes only: the case's identifier, its site and dates are not in the stamp."""
    out = run("timeline", EXAMPLES / "case.non-conforme.json", "--as-of", AS_OF,
              "--format", "json")
    data = json.loads(out.stdout)
    stamp = json.dumps(data["stamp"], ensure_ascii=False)
    case = json.loads((EXAMPLES / "case.non-conforme.json").read_text("utf-8"))
    assert case["case_id"] not in stamp and case["site"] not in stamp
    assert case["events"][0]["at"] not in stamp


def test_run_check_stamps_and_equality_ignores_the_stamp():
    data = json.loads((EXAMPLES / "programme.conforme.json").read_text("utf-8"))
    report = run_check("programme", data)
    assert report.stamp.command == "check programme"
    assert report == ppaip_rules.check_programme(data)


def test_canonical_parameters_change_with_a_delay_and_not_with_key_order():
    variant = parameters_from_dict({"delays": {"END-BILAN-IND": {"amount": 10,
                                                                 "unit": "jours ouvrés"}}})
    assert parameters_sha256(variant) != parameters_sha256(DIJON)
    assert json.loads(canonical_parameters(variant))["delays"]["END-BILAN-IND"] == {
        "amount": 10, "unit": "jours ouvrés"}
    same = parameters_from_dict({"delays": {"END-BILAN-IND": {"unit": "jours ouvrés",
                                                              "amount": 5}}})
    assert parameters_sha256(same) == parameters_sha256(DIJON)


def test_every_policy_switch_of_the_interpretations_page_is_in_the_stamp():
    import attrs
    from docsite.interpretations import AMBIGUITIES

    from ppaip_rules.parameters import ContractParameters

    fields = attrs.fields_dict(ContractParameters)
    named = {s for a in AMBIGUITIES for s in a.switches if s not in fields}
    assert named <= set(SWITCHES), named - set(SWITCHES)


# --- rejouer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_rejouer_reproduces_every_example_report_exactly(path, tmp_path):
    out = run(*command_for(path), "--format", "json")
    assert out.returncode in (0, 1), out.stderr
    report = tmp_path / "rapport.json"
    report.write_text(out.stdout, encoding="utf-8")
    replayed = run("rejouer", report, path)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "résultat identique" in replayed.stdout


def test_rejouer_lists_findings_removed_and_changed_by_rule_and_path(tmp_path):
    source = EXAMPLES / "programme.non-conforme.json"
    report = json.loads(run("check", "programme", source, "--format", "json").stdout)
    removed = report["findings"].pop(0)
    changed = dict(report["findings"][0])
    report["findings"][0]["severity"] = "info"
    (tmp_path / "r.json").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    out = run("rejouer", tmp_path / "r.json", source)
    assert out.returncode == 1
    assert "résultat DIFFÉRENT" in out.stdout
    assert f"constat ajouté : {removed['rule_id']} ({removed['severity']}) au champ " \
           f"{removed['path']}" in out.stdout
    assert f"constat modifié (gravité) : {changed['rule_id']} au champ {changed['path']} : " \
           f"info → {changed['severity']}" in out.stdout


def test_rejouer_refuses_another_library_version(tmp_path):
    source = EXAMPLES / "bilan.conforme.json"
    report = json.loads(run("check", "bilan", source, "--format", "json").stdout)
    report["stamp"]["version"] = "0.0.1"
    (tmp_path / "r.json").write_text(json.dumps(report), "utf-8")
    out = run("rejouer", tmp_path / "r.json", source)
    assert out.returncode == 2
    assert "rejeu impossible" in out.stderr and "ppaip-rules 0.0.1" in out.stderr
    assert f"version {ppaip_rules.__version__}" in out.stderr


def test_rejouer_needs_the_variant_parameters_and_checks_their_hash(tmp_path):
    variant = tmp_path / "bilan-10.toml"
    variant.write_text(BILAN_10, encoding="utf-8")
    other = tmp_path / "autre.toml"
    other.write_text("group_size_max = 8\n", encoding="utf-8")
    source = EXAMPLES / "case.conforme.json"
    out = run("--parameters", variant, "timeline", source, "--as-of", AS_OF, "--format", "json")
    (tmp_path / "r.json").write_text(out.stdout, "utf-8")
    missing = run("rejouer", tmp_path / "r.json", source)
    assert missing.returncode == 2 and "--parameters" in missing.stderr
    wrong = run("--parameters", other, "rejouer", tmp_path / "r.json", source)
    assert wrong.returncode == 2 and "ne sont pas ceux du rapport" in wrong.stderr
    right = run("--parameters", variant, "rejouer", tmp_path / "r.json", source)
    assert right.returncode == 0, right.stderr


def test_rejouer_refuses_another_input_and_a_report_without_stamp(tmp_path):
    report = run("check", "bilan", EXAMPLES / "bilan.conforme.json", "--format", "json").stdout
    (tmp_path / "r.json").write_text(report, "utf-8")
    out = run("rejouer", tmp_path / "r.json", EXAMPLES / "bilan.non-conforme.json")
    assert out.returncode == 2 and "l'entrée donnée n'est pas celle du rapport" in out.stderr
    bare = json.loads(report)
    del bare["stamp"]
    (tmp_path / "bare.json").write_text(json.dumps(bare), "utf-8")
    out = run("rejouer", tmp_path / "bare.json", EXAMPLES / "bilan.conforme.json")
    assert out.returncode == 2 and "ne porte pas de tampon" in out.stderr


def test_rejouer_a_deadline_from_its_input_file(tmp_path):
    out = run("deadline", "END-BILAN-IND", "2025-05-02", "--act", "2025-05-13", "--json")
    (tmp_path / "r.json").write_text(out.stdout, "utf-8")
    (tmp_path / "delai.json").write_text(json.dumps(
        {"rule_id": "END-BILAN-IND", "trigger": "2025-05-02", "act": "2025-05-13"}), "utf-8")
    assert run("rejouer", tmp_path / "r.json", tmp_path / "delai.json").returncode == 0


# --- comparer ---------------------------------------------------------------------------------

def test_comparer_moving_the_bilan_delay_to_10_working_days(tmp_path):
    (tmp_path / "bilan-10.toml").write_text(BILAN_10, encoding="utf-8")
    out = run("comparer", "--apres", tmp_path / "bilan-10.toml", "--as-of", AS_OF, "case",
              EXAMPLES / "case.conforme.json", EXAMPLES / "case.non-conforme.json")
    assert out.returncode == 1, out.stderr
    assert "2 entrée(s) comparée(s) ; 1 change(nt)." in out.stdout
    assert "obligations[END-BILAN-IND/Remise du bilan final].due : 2025-07-04 → 2025-07-11" \
        in out.stdout
    assert "trace" not in out.stdout  # only what changes: not the steps of the computation


def test_comparer_a_reading_turns_a_roster_non_compliant():
    out = run("comparer", "--apres-option", "basis=hours", "--as-of", "2025-06-30", "--format",
              "json", "roster", EXAMPLES / "roster.conforme.csv")
    assert out.returncode == 1
    result = json.loads(out.stdout)["results"][0]
    assert (result["verdict_before"], result["verdict_after"]) == ("conforme", "non conforme")
    assert {"what": "constat modifié (gravité)", "where": "STAFF-PSY-SHARE au champ "
            "facilitators", "rule_id": "STAFF-PSY-SHARE", "before": "info",
            "after": "violation"} in result["changes"]


def test_comparer_with_nothing_changed_exits_0_and_says_so():
    out = run("comparer", "--avant-option", "basis=headcount", "programme",
              EXAMPLES / "programme.non-conforme.json")
    assert out.returncode == 0
    assert "Rien ne change." in out.stdout


def test_comparer_refuses_an_unknown_switch():
    out = run("comparer", "--apres-option", "vitesse=grande", "programme",
              EXAMPLES / "programme.conforme.json")
    assert out.returncode == 2 and "--apres-option" in out.stderr


def test_compare_function_returns_data_for_each_changed_input():
    variant = parameters_from_dict({"delays": {"END-BILAN-IND": {"amount": 10,
                                                                 "unit": "jours ouvrés"}}})
    deadline = {"rule_id": "END-BILAN-IND", "trigger": "2025-05-02", "act": "2025-05-13"}
    result = ppaip_rules.compare("deadline", [deadline], after=variant)
    assert not result.ok
    (only,) = result.changed
    assert only.verdicts == ("non conforme", "conforme")
    assert [c.where for c in only.changes if c.what == "constat retiré"] == [
        "END-BILAN-IND (violation)"]
    assert any(c.where == "due" and (c.before, c.after) == ("2025-05-12", "2025-05-19")
               for c in only.changes)


def test_diff_matches_list_items_by_identity_not_position():
    before = {"items": [{"case_id": "A", "rule_id": "R", "due": "1"},
                        {"case_id": "B", "rule_id": "R", "due": "2"}]}
    after = {"items": [{"case_id": "B", "rule_id": "R", "due": "3"}]}
    changes = [(c.what, c.where) for c in diff_results(before, after)]
    assert changes == [("élément retiré", "items[A/R]"), ("valeur modifiée", "items[B/R].due")]


def test_stamped_json_report_follows_the_report_schema():
    jsonschema = pytest.importorskip("jsonschema")
    out = run("check", "roster", EXAMPLES / "roster.non-conforme.csv", "--as-of", "2025-06-30",
              "--format", "json")
    jsonschema.validate(json.loads(out.stdout), ppaip_rules.report_schema())
    bad = json.loads(out.stdout)
    del bad["stamp"]["input"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, ppaip_rules.report_schema())


def test_html_report_ends_with_the_full_stamp():
    out = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "check", "programme",
                          str(EXAMPLES / "programme.conforme.json"), "--format", "html"],
                         capture_output=True, env=ENV, timeout=120)
    page = out.stdout.decode("utf-8")
    footer = page.split('<footer class="stamp">', 1)[1].split("</footer>", 1)[0]
    assert f"empreinte SHA-256 {parameters_sha256(DIJON)}" in footer
    assert footer.startswith("— Tampon : ppaip-rules")


def test_run_check_without_stamp_for_throughput():
    data = json.loads((EXAMPLES / "bilan.conforme.json").read_text("utf-8"))
    assert run_check("bilan", data, stamp=False).stamp is None


def test_comparer_needs_the_date_of_a_dated_check():
    out = run("comparer", "case", EXAMPLES / "case.conforme.json")
    assert out.returncode == 2
    assert "« --as-of » : option manquante" in out.stderr
