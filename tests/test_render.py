"""Reports to print, file and share: HTML, CSV and XLSX (ppaip_rules.render).

The HTML is also opened in a real browser by tests/test_browser.py.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ppaip_rules
from ppaip_rules import Report, Severity, evaluate_case, lot_report, run_check
from ppaip_rules.lot import read_activity
from ppaip_rules.model import Finding
from ppaip_rules.render import FORMATS, Stamp, charts, render
from ppaip_rules.render.tables import FORMULA_STARTS, HEADERS, neutralise

EXAMPLES = Path(ppaip_rules.__file__).parent / "examples"
AS_OF = "2025-06-30T18:00:00+02:00"
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}


def run(*args):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args],
                          capture_output=True, env=ENV, timeout=60)


def example(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def lot(name="activity.non-conforme.json"):
    return lot_report(**read_activity(example(name)))


def case(name="case.non-conforme.json"):
    return evaluate_case(example(name), as_of=AS_OF)


def html(result, **stamp):
    return render(result, "html", **stamp).decode("utf-8")


def visible(page):
    """The page's text as a reader sees it (tags removed, spaces collapsed)."""
    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# --- what the page holds ---------------------------------------------------------------

def test_html_report_shows_the_stamp_with_version_parameters_and_as_of():
    report = run_check("deadline", {"rule_id": "PROG-START", "trigger": "2025-05-01",
                                    "act": "2025-05-07"})
    text = visible(html(report, as_of="2025-06-30"))
    assert f"ppaip-rules {ppaip_rules.__version__}" in text
    assert "paramètres : CCTP PPAIP — DISP de Dijon" in text
    assert "situation au lundi 30 juin 2025" in text


def test_html_compliant_report_still_shows_its_summary_figures_and_rules():
    report = run_check("programme", example("programme.conforme.json"))
    assert report.ok
    text = visible(html(report))
    assert "CONFORME" in text
    assert f"Règles vérifiées {len(report.checked)}" in text
    assert f"Règles vérifiées ({len(report.checked)})" in text
    assert "Violations (0)" in text and "Aucune." in text
    for rule_id in report.checked:
        assert rule_id in text


def test_html_report_shows_the_figures_an_area_gives():
    report = Report("roster", (), ("STAFF-PSY-SHARE",),
                    figures=(("Psychologues du travail",
                              "6 psychologues du travail sur 14 intervenants comptés (42,9 %)"),))
    text = visible(html(report))
    assert "Psychologues du travail 6 psychologues du travail sur 14 intervenants comptés " \
           "(42,9 %)" in text
    assert report.to_dict()["figures"] == [["Psychologues du travail",
                                            "6 psychologues du travail sur 14 intervenants "
                                            "comptés (42,9 %)"]]
    assert "figures" not in Report("roster").to_dict()


def test_html_findings_come_violations_then_warnings_then_information():
    r = lot()
    page = html(r)
    positions = [page.index(f"<h2>{title} (") for title in
                 ("Violations", "Avertissements", "Informations", "Règles vérifiées")]
    assert positions == sorted(positions)
    violations = page[positions[0]:positions[1]]
    assert violations.count('class="finding violation"') == len(r.report.violations)
    warnings = page[positions[1]:positions[2]]
    assert warnings.count('class="finding warning"') == len(r.report.warnings)


def test_html_case_finding_shows_clause_expected_found_and_calculation():
    text = visible(html(case()))
    assert "PROG-FIRST-MEETING (CCTP 6.1-2) — Premier entretien sous 5 jours calendaires" in text
    assert "attendu mercredi 7 mai 2025" in text
    assert "constaté vendredi 9 mai 2025 à 14 h 00 (heure de Paris)" in text
    assert "calcul Prescription reçue le vendredi 2 mai 2025." in text
    assert "Parcours « DIJ-2025-0157 » — situation au lundi 30 juin 2025 à 18 h 00" in text
    assert "Échéances en retard 2" in text
    assert "Heures réalisées 5 h individuelles, 0 h collectives" in text


def test_html_lot_report_shows_key_figures_from_the_report():
    r = lot()
    text = visible(html(r))
    individual = r.volumes[0]
    assert individual.mode == "individual"
    assert ("Heures individuelles 11 h réalisées sur 100,3 h prévues au prorata "
            "(11 %)") in text
    assert "Échéances tenues 6 sur 12 (50 %)" in text
    assert "SPIP 21 5 0 SPIP 71 6 0" in text
    assert "mai 2025 1 3 juin 2025 5 3" in text
    assert r.spip_hours == (("21", 5, 0), ("71", 6, 0))
    assert r.deadlines_by_month == (("2025-05", 1, 3), ("2025-06", 5, 3))


def test_html_lot_report_draws_three_charts_with_matplotlib():
    pytest.importorskip("matplotlib")
    page = html(lot())
    assert page.count("<svg") == 3
    assert page.count('<figure class="chart">') == 3


def test_html_lot_report_without_matplotlib_keeps_the_tables(monkeypatch):
    monkeypatch.setattr(charts, "available", lambda: False)
    page = html(lot())
    assert "<svg" not in page and "Graphiques" not in page
    assert "Heures réalisées par SPIP" in page and "Échéances tenues par mois" in page


@pytest.mark.parametrize("result", [lot, case, lambda: run_check(
    "programme", example("programme.non-conforme.json"))])
def test_html_makes_no_network_request(result):
    page = html(result())
    assert not re.search(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""",
                         page, re.I)
    assert not re.search(r"<(?:script|link|iframe|img|object|embed)\b", page, re.I)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(?!#)", page)  # only url(#clip) inside the SVG
    assert "default-src 'none'" in page


def test_html_escapes_what_the_input_holds():
    finding = Finding("X-1", "CCTP 1", Severity.VIOLATION, "titre", "<script>alert(1)</script>",
                      expected="<b>", found='"&"')
    page = html(Report("x", (finding,), ("X-1",)))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;" in page and "&quot;&amp;&quot;" in page


# --- CSV and XLSX ------------------------------------------------------------------------

@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_cell_a_spreadsheet_would_run_is_neutralised(start):
    assert neutralise(f"{start}HYPERLINK(\"x\")") == f"'{start}HYPERLINK(\"x\")"


def test_plain_cells_are_left_as_they_are():
    assert neutralise("PROG-START") == "PROG-START"
    assert neutralise("mardi 6 mai 2025") == "mardi 6 mai 2025"


def _injected():
    finding = Finding("X-1", "CCTP 1", Severity.WARNING, "titre", "=1+1", expected="+33 6",
                      found="@SUM(A1)", path="-x", trace=("\tcalc",))
    return Report("x", (finding,), ("X-1",))


def test_csv_has_one_row_per_finding_readable_by_french_excel():
    r = case()
    data = render(r, "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == HEADERS
    assert len(rows) == 1 + len(r.report.findings)
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first["règle"] == "PROG-FIRST-MEETING" and first["gravité"] == "violation"
    assert first["attendu"] == "mercredi 7 mai 2025"
    assert first["calcul"].startswith("Prescription reçue le vendredi 2 mai 2025.")


def test_csv_neutralises_formulas():
    rows = list(csv.reader(io.StringIO(render(_injected(), "csv").decode("utf-8-sig")),
                           delimiter=";"))
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["constat"] == "'=1+1"
    assert row["attendu"] == "'+33 6"
    assert row["constaté"] == "'@SUM(A1)"
    assert row["champ"] == "'-x"
    assert row["calcul"] == "'\tcalc"


def test_xlsx_holds_the_findings_as_text_never_formulas():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(render(_injected(), "xlsx")))
    sheet = book["Constats"]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    cells = {h: c for h, c in zip(HEADERS, sheet[2], strict=True)}
    assert cells["constat"].value == "'=1+1"
    assert all(c.data_type == "s" for c in sheet[2] if c.value is not None)
    summary = {row[0].value: row[1].value for row in book["Résumé"].iter_rows()}
    assert summary["Verdict"] == "conforme"
    assert summary["Avertissements"] == "1"


def test_xlsx_of_a_lot_report_lists_every_finding():
    openpyxl = pytest.importorskip("openpyxl")
    r = lot()
    sheet = openpyxl.load_workbook(io.BytesIO(render(r, "xlsx")))["Constats"]
    assert sheet.max_row == 1 + len(r.report.findings)
    assert sheet["A2"].value == r.report.findings[0].rule_id


# --- the command line -------------------------------------------------------------------

def test_formats_of_the_render_package_are_offered_by_the_commands():
    assert set(FORMATS) == {"html", "csv", "xlsx"}
    for command in (("check", "deadline", "-"), ("timeline", "x"),
                    ("report", "x", "--lot", "5")):
        out = run(*command, "--format", "pdf")
        assert out.returncode == 2
        message = out.stderr.decode("utf-8")
        assert all(fmt in message for fmt in ("text", "json", *FORMATS)), message


def test_check_html_from_the_command_keeps_the_exit_code():
    out = run("check", "programme", str(EXAMPLES / "programme.non-conforme.json"),
              "--format", "html")
    assert out.returncode == 1
    assert out.stdout.decode("utf-8").startswith("<!DOCTYPE html>")


def test_timeline_csv_and_report_xlsx_from_the_command():
    out = run("timeline", str(EXAMPLES / "case.conforme.json"), "--as-of", AS_OF,
              "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode("utf-8-sig").startswith("règle;clause;gravité")
    out = run("report", str(EXAMPLES / "activity.non-conforme.json"), "--lot", "5",
              "--format", "xlsx")
    assert out.returncode == 1
    assert out.stdout[:2] == b"PK"


def test_stamp_names_a_variant_contract():
    stamp = Stamp.of(ppaip_rules.DIJON, "2025-06-30")
    assert stamp.as_of == "lundi 30 juin 2025"
    assert stamp.parameters == ppaip_rules.DIJON.name
