"""Issue 12 §5: test cases written by a contract manager (TOML), run by ``ppaip-rules verifier``.

The case files shipped in ppaip_rules/examples/cas/ are run here, one by one, and through
the real command; a case that expects something else fails and says how; a wrong case file
is refused with the key named."""

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from ppaip_rules.cases import read_case, run_case

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
CASES = Path(str(resources.files("ppaip_rules") / "examples" / "cas"))
CASE_FILES = sorted(CASES.glob("*.toml"))


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *map(str, args)],
                          capture_output=True, text=True, env=ENV, timeout=120, cwd=cwd)


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_shipped_case_passes(path):
    outcome = run_case(read_case(path))
    assert outcome.passed, outcome.differences


def test_shipped_cases_cover_deadlines_programme_case_and_roster():
    kinds = {read_case(p).kind for p in CASE_FILES}
    assert {"deadline", "programme", "case", "roster"} <= kinds


def test_verifier_runs_the_shipped_cases_and_exits_0():
    out = run("verifier", CASES)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(CASE_FILES)} cas : {len(CASE_FILES)} réussi(s), 0 en échec." in out.stdout
    assert "RÉUSSI bilan-individuel-en-retard.toml" in out.stdout


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(CASES / name, target)
    return target


def test_a_case_expecting_another_due_date_and_verdict_fails_and_says_how(tmp_path):
    case = _copy(tmp_path, "bilan-individuel-le-dernier-jour.toml")
    text = case.read_text("utf-8").replace('verdict = "conforme"', 'verdict = "non conforme"')
    case.write_text(text.replace("2025-05-12 }", "2025-05-09 }"), "utf-8")
    out = run("verifier", case, CASES / "groupe-de-sept.toml")
    assert out.returncode == 1
    assert "ÉCHEC  bilan-individuel-le-dernier-jour.toml" in out.stdout
    assert "verdict attendu « non conforme », obtenu « conforme »" in out.stdout
    assert "échéance END-BILAN-IND attendue le 2025-05-09, obtenue : 2025-05-12" in out.stdout
    assert "RÉUSSI groupe-de-sept.toml" in out.stdout
    assert "2 cas : 1 réussi(s), 1 en échec." in out.stdout


def test_an_unexpected_finding_a_missing_one_and_wrong_hours_are_named(tmp_path):
    case = tmp_path / "groupe.toml"
    case.write_text((CASES / "groupe-de-sept.toml").read_text("utf-8").replace(
        'regle = "PROG-GROUP-SIZE"', 'regle = "PROG-IND-HOURS"'), "utf-8")
    out = run("verifier", case, "--format", "json")
    assert out.returncode == 1
    (result,) = json.loads(out.stdout)["results"]
    assert result["differences"] == [
        "constat attendu absent : PROG-IND-HOURS (violation) au champ "
        "workshops[0].participants",
        "constat non attendu : PROG-GROUP-SIZE (violation) au champ workshops[0].participants"]
    hours = _copy(tmp_path, "parcours-conforme.toml")
    hours.write_text(hours.read_text("utf-8").replace("collectives = 6", "collectives = 8")
                     .replace('"../case.conforme.json"', f'"{CASES.parent / "case.conforme.json"}"'),
                     "utf-8")
    out = run("verifier", hours)
    assert out.returncode == 1
    assert "heures collectives attendues : 8, obtenues : 6" in out.stdout


def test_a_policy_override_and_a_share_are_checked(tmp_path):
    case = tmp_path / "part.toml"
    case.write_text((CASES / "effectifs-part-par-tete.toml").read_text("utf-8").replace(
        '"../roster.conforme.csv"', f'"{CASES.parent / "roster.conforme.csv"}"').replace(
        "part_psychologues = 30", "part_psychologues = 40"), "utf-8")
    out = run("verifier", case)
    assert out.returncode == 1
    assert "part de psychologues attendue : 40 %, obtenue : 30 %" in out.stdout


@pytest.mark.parametrize(("change", "key"), [
    (lambda t: t.replace("[attendu]", "[attendu]\ncouleur = 1"), "attendu.couleur"),
    (lambda t: t.replace('regle = "END-BILAN-IND"', 'regle = "BILAN"'),
     "attendu.constats[0].regle"),
    (lambda t: t.replace('gravite = "violation"', 'gravite = "grave"'),
     "attendu.constats[0].gravite"),
    (lambda t: t.replace('controle = "deadline"', 'controle = "delai"'), "cas.controle"),
    (lambda t: t.replace('titre = ', 'title = '), "cas.title"),
    (lambda t: t.replace("[entree]", "[entree]\n[options]\nvitesse = true\n[entree2]"),
     "entree2"),
    (lambda t: t + '\n[options]\nbasis = 3\n', "options.basis"),
    (lambda t: t.replace("[cas]", "[cas"), "(fichier)"),
])
def test_a_bad_case_file_exits_2_naming_the_key(tmp_path, change, key):
    case = tmp_path / "cas.toml"
    case.write_text(change((CASES / "bilan-individuel-en-retard.toml").read_text("utf-8")),
                    "utf-8")
    out = run("verifier", case)
    assert out.returncode == 2, out.stdout
    assert f"« cas.toml : {key} »" in out.stderr
    assert out.stdout == ""


def test_the_guide_shows_a_shipped_case_file_as_it_is():
    guide = Path(__file__).resolve().parents[1] / "docs" / "guides" / "cas-de-test.md"
    shown = (CASES / "bilan-individuel-en-retard.toml").read_text("utf-8")
    assert f"```toml\n{shown}```" in guide.read_text("utf-8")
