"""Spreadsheets in (issue 15): a roster saved from Excel as .xlsx, as .ods, as cp1252 CSV and
as UTF-8 CSV gives the same findings, each pointing to its spreadsheet row.

The workbooks are built here from the shipped example CSV, as a spreadsheet program
saves them: dates as date cells, numbers as numbers, one sheet per kind of row.
"""

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppaip_rules import InputError, check_roster, read_roster_csv, report_schema
from ppaip_rules.errors import InputErrors
from ppaip_rules.roster_csv import (
    _LAYOUT,
    SHEETS,
    _date,
    _int,
    _number,
    columns_of,
    read_roster_table,
)
from ppaip_rules.roster_template import CHOICES
from ppaip_rules.spreadsheet import MAX_ERRORS, TabularInput, cell_text, shown_header

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("python_calamine")

EXAMPLES = Path(str(resources.files("ppaip_rules") / "examples"))
NON_CONFORME = (EXAMPLES / "roster.non-conforme.csv").read_bytes()
CONFORME = (EXAMPLES / "roster.conforme.csv").read_bytes()
AS_OF = "2025-06-30"
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
SECRET = "Dupont"


def csv_table(raw: bytes) -> list[list[str]]:
    text = raw.decode("utf-8-sig")
    sep = ";" if text.splitlines()[0].count(";") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


def to_csv(rows, sep=";", encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def by_type(raw: bytes) -> dict[str, list[dict[str, str]]]:
    """The example's rows grouped by line type, each as header → cell."""
    rows = csv_table(raw)
    header = rows[0]
    out: dict[str, list[dict[str, str]]] = {t: [] for t in SHEETS}
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        out[cells["type de ligne"]].append(cells)
    return out


def typed(row_type: str, header: str, text: str):
    """A cell as a spreadsheet program stores it: a date, a number, or text."""
    if not text:
        return None
    convert = _LAYOUT[row_type][1][header][1]
    if convert is _date:
        return dt.datetime.strptime(text, "%d/%m/%Y")
    if convert is _int:
        return int(text)
    if convert is _number:
        return float(text.replace(",", "."))
    return text


def sheets_of(raw: bytes, extra: bool = False) -> dict[str, list[list]]:
    """One sheet per kind of row, each with only its own columns (+ Nom, Prénom)."""
    out = {}
    for row_type, rows in by_type(raw).items():
        headers = [c.header for c in columns_of(row_type)]
        if extra and row_type == "intervenant":
            headers += ["Nom", "Prénom"]
        body = [[typed(row_type, h, r.get(h, "")) if h in r else SECRET for h in headers]
                for r in rows]
        out[SHEETS[row_type]] = [headers, *body]
    return out


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(sheets: dict[str, list[list]]) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice writes its cells."""
    def cell(value) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, dt.datetime):
            return (f'<table:table-cell office:value-type="date" office:date-value='
                    f'"{value:%Y-%m-%dT%H:%M:%S}"><text:p>{value:%d/%m/%Y}</text:p>'
                    "</table:table-cell>")
        if isinstance(value, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(value)}'
                "</text:p></table:table-cell>")
    tables = "".join(
        f'<table:table table:name="{escape(name)}">' + "".join(
            "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
            for row in rows) + "</table:table>"
        for name, rows in sheets.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def excel_csv(raw: bytes, encoding: str) -> bytes:
    """The one-sheet CSV as French Excel saves it: « ; », dates with 00:00, cp1252."""
    rows = csv_table(raw)
    dated = {"date de début", "date de demande", "date de délivrance", "date de fin"}
    for row in rows[1:]:
        for i, header in enumerate(rows[0]):
            if header in dated and row[i]:
                row[i] += " 00:00"
    return to_csv(rows, ";", encoding)


def one_sheet_xlsx(raw: bytes) -> bytes:
    return xlsx({"Feuil1": csv_table(raw)})


FORMATS = {
    "csv-utf8": lambda raw: raw,
    "csv-cp1252": lambda raw: excel_csv(raw, "cp1252"),
    "csv-utf8-bom": lambda raw: b"\xef\xbb\xbf" + excel_csv(raw, "utf-8"),
    "xlsx": lambda raw: xlsx(sheets_of(raw, extra=True)),
    "ods": lambda raw: ods(sheets_of(raw, extra=True)),
    "xlsx-one-sheet": one_sheet_xlsx,
}


def logical_rows(raw: bytes) -> dict[tuple, tuple[str, int]]:
    """(sheet or None, line) → (line type, rank among the rows of that type), per layout."""
    rows = csv_table(raw)
    out, seen = {}, {}
    for line, row in enumerate(rows[1:], 2):
        t = row[0]
        out[(None, line)] = out[("Feuil1", line)] = (t, seen.get(t, 0))
        out[(SHEETS[t], seen.get(t, 0) + 2)] = (t, seen.get(t, 0))
        seen[t] = seen.get(t, 0) + 1
    return out


def findings_of(name: str, raw: bytes):
    source = read_roster_table(FORMATS[name](raw))
    assert isinstance(source, TabularInput)
    return check_roster(source, as_of=AS_OF)


# --- the "done when" -------------------------------------------------------------

@pytest.mark.parametrize("name", list(FORMATS))
def test_roster_saved_as_xlsx_ods_cp1252_or_utf8_gives_the_same_findings(name):
    reference = check_roster(read_roster_csv(NON_CONFORME), as_of=AS_OF)
    report = findings_of(name, NON_CONFORME)
    key = lambda f: (f.rule_id, f.severity, f.message, f.path, f.expected, f.found)  # noqa: E731
    assert [key(f) for f in report.findings] == [key(f) for f in reference.findings]
    assert report.verdict == reference.verdict == "non conforme"


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_finding_points_to_its_spreadsheet_row_and_column(name):
    report = findings_of(name, NON_CONFORME)
    baseline = findings_of("csv-utf8", NON_CONFORME)
    rows = logical_rows(NON_CONFORME)
    indexed = 0
    for finding, ref in zip(report.findings, baseline.findings, strict=True):
        if not re.match(r"^[a-z_]+\[\d+\]", finding.path or ""):
            continue
        indexed += 1
        at, ref_at = finding.source, ref.source
        assert at and "ligne" in at, finding.path
        # The same logical row (type and rank) and the same column in every format.
        assert rows[(at.get("feuille"), at["ligne"])] == rows[(None, ref_at["ligne"])]
        assert at.get("colonne") == ref_at.get("colonne")
        if name in ("xlsx", "ods"):
            assert at["feuille"] in SHEETS.values()
    assert indexed >= 10


def test_a_finding_points_to_the_row_holding_the_facilitator():
    report = findings_of("xlsx", NON_CONFORME)
    [qualif] = [f for f in report.by_rule("STAFF-QUALIF") if "CIP-3" in f.message]
    assert qualif.source == {"feuille": "Intervenants", "ligne": 8,
                             "colonne": "niveau de qualification"}
    rows = sheets_of(NON_CONFORME)["Intervenants"]
    assert rows[qualif.source["ligne"] - 1][0] == "CIP-3"
    text = qualif.format()
    assert "cellule : feuille « Intervenants », ligne 8, colonne « niveau de qualification »" \
        in text
    assert qualif.to_dict()["source"] == qualif.source
    # In the CSV file, the same finding points to the line of CIP-3.
    [csv_qualif] = [f for f in findings_of("csv-utf8", NON_CONFORME).by_rule("STAFF-QUALIF")
                    if "CIP-3" in f.message]
    assert csv_qualif.source == {"ligne": 12, "colonne": "niveau de qualification"}
    assert csv_table(NON_CONFORME)[11][1] == "CIP-3"


def test_section_findings_name_the_sheet_and_top_level_ones_the_lot_row():
    report = findings_of("xlsx", NON_CONFORME)
    [share] = report.by_rule("STAFF-PSY-SHARE")
    assert share.path == "facilitators" and share.source == {"feuille": "Intervenants"}
    [missing] = [f for f in report.by_rule("STAFF-SUBSTITUTE")
                 if f.path == "substitute_list_sent_on"]
    assert missing.source == {"feuille": "Lot", "ligne": 2,
                              "colonne": "liste des suppléants transmise le"}


def test_report_notes_say_the_encoding_and_the_columns_ignored_never_their_values():
    report = findings_of("csv-cp1252", NON_CONFORME)
    assert report.notes == ("fichier CSV lu en Windows-1252 (cp1252).",)
    assert "Lecture du fichier : fichier CSV lu en Windows-1252" in report.format()
    assert findings_of("csv-utf8", NON_CONFORME).notes == ("fichier CSV lu en UTF-8.",)
    report = findings_of("xlsx", NON_CONFORME)
    assert report.notes[0].startswith("classeur .xlsx lu (feuilles : « Lot », ")
    assert report.notes[1] == ("feuille « Intervenants » : colonne(s) ignorée(s), jamais "
                               "lue(s) : « Nom », « Prénom ».")
    out = report.to_json() + report.format()
    assert SECRET not in out
    assert json.loads(report.to_json())["notes"] == list(report.notes)


def test_unknown_csv_columns_are_ignored_and_listed_by_header():
    rows = csv_table(CONFORME)
    rows = [[*r, SECRET, "x"] for r in rows]
    rows[0][-2:] = ["Nom", "Prénom"]
    source = read_roster_table(to_csv(rows))
    assert source.data == read_roster_csv(CONFORME)
    assert source.notes[1] == "colonne(s) ignorée(s), jamais lue(s) : « Nom », « Prénom »."


def test_odd_headers_are_neutralised_before_being_shown():
    assert shown_header("No\x07m\u202e") == "No m"
    assert shown_header("=HYPERLINK(\"x\")") == "?HYPERLINK(?x?)"
    assert len(shown_header("a" * 500)) == 40
    rows = csv_table(CONFORME)
    rows = [[*r, ""] for r in rows]
    rows[0][-1] = "\x1b[31m" + "z" * 100
    note = read_roster_table(to_csv(rows)).notes[1]
    assert "\x1b" not in note and "z" * 40 not in note


def test_workbook_with_the_csv_one_sheet_layout_is_read():
    source = read_roster_table(one_sheet_xlsx(CONFORME))
    assert source.data == read_roster_csv(CONFORME)


def test_excel_date_and_time_cells_are_read_as_their_day():
    for text in ("03/03/2025 00:00", "03/03/2025 00:00:00", "2025-03-03 00:00", "3/3/2025"):
        assert _date(text) == "2025-03-03"
    assert _date("03/03/2025 14:30") == "2025-03-03"
    for text in ("03/03/2025 25:00", "03/03/2025 00", "03/03/2025 SECRET"):
        with pytest.raises(Exception) as error:
            _date(text)
        assert "JJ/MM/AAAA" in error.value.expected
    assert cell_text(dt.datetime(2025, 3, 3, 0, 0)) == "03/03/2025"
    assert cell_text(dt.datetime(2025, 3, 3, 14, 30)) == "03/03/2025 14:30"
    assert cell_text(dt.date(2025, 3, 3)) == "03/03/2025"
    assert cell_text(35.0) == "35" and cell_text(17.5) == "17.5" and cell_text(True) == "oui"
    assert cell_text(0.1 + 0.2) == "0.3"


def test_a_registry_number_typed_as_a_number_keeps_its_digits():
    sheets = sheets_of(CONFORME)
    header = sheets["Intervenants"][0].index("numéro ADELI ou RPPS")
    for row in sheets["Intervenants"][1:]:
        if row[header]:
            row[header] = int(row[header])
    assert read_roster_table(xlsx(sheets)).data == read_roster_csv(CONFORME)


# --- every input error of a file at once ------------------------------------------------------

def set_cells(raw: bytes, changes) -> bytes:
    rows = csv_table(raw)
    for line, header, value in changes:
        rows[line - 1][rows[0].index(header)] = value
    return to_csv(rows)


def test_every_bad_cell_of_a_file_is_reported_at_once():
    raw = set_cells(CONFORME, [(6, "heures hebdomadaires", "35 h"),
                               (7, "fonction", SECRET),
                               (17, "date de demande", "31/02/2025"),
                               (8, "identifiant", "Jean " + SECRET)])
    with pytest.raises(InputErrors) as caught:
        read_roster_csv(raw)
    error = caught.value
    assert isinstance(error, InputError)
    assert [e.path for e in error.errors] == [
        "ligne 6, colonne « heures hebdomadaires »", "ligne 7, colonne « fonction »",
        "ligne 8, colonne « identifiant »", "ligne 17, colonne « date de demande »"]
    assert error.path == "ligne 6, colonne « heures hebdomadaires »"      # the first
    assert [e.source for e in error.errors][1] == {"ligne": 7, "colonne": "fonction"}
    text = str(error)
    assert text.splitlines()[0] == "4 erreurs dans le fichier :"
    assert len(text.splitlines()) == 5 and SECRET not in text
    data = error.to_dict()
    assert [e["path"] for e in data["errors"]] == [e.path for e in error.errors]
    assert data["truncated"] is False and SECRET not in json.dumps(data)


def test_errors_are_capped():
    rows = csv_table(CONFORME)
    line = rows[5]
    bad = [[*line[:1], f"X{i}", *line[2:]] for i in range(MAX_ERRORS + 20)]
    i = rows[0].index("fonction")
    for row in bad:
        row[i] = "éducateur"
    with pytest.raises(InputErrors) as caught:
        read_roster_csv(to_csv([*rows, *bad]))
    assert len(caught.value.errors) == MAX_ERRORS and caught.value.truncated
    assert f"arrêt après {MAX_ERRORS} erreurs" in str(caught.value)


def test_workbook_errors_name_the_sheet_row_and_column():
    sheets = sheets_of(CONFORME)
    sheets["Intervenants"][3][sheets["Intervenants"][0].index("fonction")] = SECRET
    sheets["Accès"][2][sheets["Accès"][0].index("date de demande")] = "31/02/2025"
    with pytest.raises(InputErrors) as caught:
        read_roster_csv(xlsx(sheets))
    assert [e.path for e in caught.value.errors] == [
        "feuille « Intervenants », ligne 4, colonne « fonction »",
        "feuille « Accès », ligne 3, colonne « date de demande »"]
    assert caught.value.errors[0].source == {"feuille": "Intervenants", "ligne": 4,
                                             "colonne": "fonction"}


def test_a_workbook_without_lot_sheet_says_so():
    sheets = sheets_of(CONFORME)
    del sheets["Lot"]
    with pytest.raises(InputError) as caught:
        read_roster_csv(xlsx(sheets))
    assert caught.value.path == "feuille « Lot »"


def test_damaged_workbooks_and_old_xls_are_refused_plainly():
    for raw in (xlsx(sheets_of(CONFORME))[:500], b"PK\x03\x04garbage",
                b"\xd0\xcf\x11\xe0" + b"\x00" * 100):
        with pytest.raises(InputError) as caught:
            read_roster_csv(raw)
        assert caught.value.path == "fichier"


# --- the template -------------------------------------------------------------------------

def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], env=ENV,
                          capture_output=True, timeout=60, **kwargs)


def test_template_has_one_sheet_per_kind_of_row_drop_downs_and_text_registry_numbers(tmp_path):
    path = tmp_path / "effectifs.xlsx"
    with path.open("wb") as out:
        done = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "modele", "roster"],
                              env=ENV, stdout=out, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(SHEETS.values())
    for row_type, name in SHEETS.items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == [c.header for c in columns_of(row_type)]
        assert all(c.comment is not None for c in sheet[1])
    staff = book["Intervenants"]
    headers = [c.value for c in staff[1]]
    registry = openpyxl.utils.get_column_letter(headers.index("numéro ADELI ou RPPS") + 1)
    assert staff[f"{registry}2"].number_format == "@"
    lists = {tuple(dv.formula1.strip('"').split(",")): str(dv.sqref)
             for dv in staff.data_validations.dataValidation}
    assert CHOICES["fonction"] in lists and ("oui", "non") in lists
    moves = book["Mouvements"]
    assert any(dv.formula1.strip('"').split(",") == list(CHOICES["nature"])
               for dv in moves.data_validations.dataValidation)


def test_template_filled_in_is_read_as_the_csv(tmp_path):
    path = tmp_path / "effectifs.xlsx"
    assert run("modele", "roster", "--output", str(path)).returncode == 0
    book = openpyxl.load_workbook(path)
    for name, rows in sheets_of(CONFORME).items():
        for r, row in enumerate(rows[1:], 2):
            for c, value in enumerate(row, 1):
                book[name].cell(row=r, column=c, value=value)
    book.save(path)
    assert read_roster_csv(path) == read_roster_csv(CONFORME)
    out = run("check", "roster", str(path), "--as-of", AS_OF)
    assert out.returncode == 0, out.stderr
    assert "classeur .xlsx lu" in out.stdout.decode()


def test_template_of_an_unknown_kind_is_refused():
    out = run("modele", "case")
    assert out.returncode == 2 and "pas de modèle" in out.stderr.decode()


# --- the command line ---------------------------------------------------------------------

def test_cli_json_findings_carry_their_source(tmp_path):
    path = tmp_path / "equipe.xlsx"
    path.write_bytes(FORMATS["xlsx"](NON_CONFORME))
    out = run("check", "roster", str(path), "--as-of", AS_OF, "--format", "json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(report, report_schema())
    sources = [f["source"] for f in report["findings"] if "source" in f]
    assert {"feuille": "Intervenants", "ligne": 8, "colonne": "niveau de qualification"} \
        in sources
    assert SECRET not in out.stdout.decode()


def test_cli_prints_each_input_error_on_its_own_line(tmp_path):
    raw = set_cells(CONFORME, [(6, "heures hebdomadaires", "35 h"), (7, "fonction", SECRET)])
    out = run("check", "roster", "-", "--as-of", AS_OF, input=raw)
    err = out.stderr.decode()
    assert out.returncode == 2
    assert err.splitlines() == [
        "ppaip-rules : erreur : 2 erreurs dans le fichier :",
        "  champ « ligne 6, colonne « heures hebdomadaires » » : attendu un nombre, virgule "
        "ou point décimal, ex. « 17,5 »",
        "  champ « ligne 7, colonne « fonction » » : attendu une valeur parmi : psychologue du "
        "travail, conseiller en insertion professionnelle"]


def test_the_guide_names_every_sheet_and_the_error_cap():
    guide = (Path(__file__).parents[1] / "docs" / "guides" / "effectifs.md").read_text()
    for name in SHEETS.values():
        assert f"| {name} |" in guide
    assert f"après\n{MAX_ERRORS} erreurs" in guide or f"après {MAX_ERRORS} erreurs" in guide


_WORKBOOKS = [xlsx(sheets_of(CONFORME)), ods(sheets_of(CONFORME))]


@settings(max_examples=60)
@given(st.data())
def test_damaged_workbooks_give_a_roster_or_an_input_error(data):
    raw = bytearray(data.draw(st.sampled_from(_WORKBOOKS)))
    for _ in range(data.draw(st.integers(1, 12))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    try:
        read_roster_csv(bytes(raw))
    except InputError as error:
        assert SECRET not in str(error)


def test_a_sheet_too_large_is_refused_before_it_is_read():
    sheets = sheets_of(CONFORME)
    sheets["Intervenants"].append([None] * 600 + ["x"])
    with pytest.raises(InputError) as caught:
        read_roster_csv(xlsx(sheets))
    assert caught.value.path == "feuille « Intervenants »"
    assert caught.value.problem == "feuille trop grande"


def test_every_unknown_reference_is_reported_at_once():
    raw = set_cells(CONFORME, [(3, "coordinateur", "PERSONNE"),
                               (6, "sites", "MA-DIJON NULLE-PART"),
                               (17, "intervenant", "CIP-99"),
                               (31, "remplacé par", "CIP-98")])
    with pytest.raises(InputErrors) as caught:
        read_roster_csv(raw)
    assert sorted(e.path for e in caught.value.errors) == [
        "ligne 17, colonne « intervenant »", "ligne 3, colonne « coordinateur »",
        "ligne 31, colonne « remplacé par »", "ligne 6, colonne « sites »"]
    assert "NULLE-PART" not in str(caught.value) and "CIP-99" not in str(caught.value)


def test_a_duplicate_identifier_is_reported_with_the_next_errors():
    rows = csv_table(CONFORME)
    rows.append(list(rows[5]))                          # PSY-1 a second time
    rows[16][rows[0].index("intervenant")] = "CIP-99"   # and an unknown facilitator
    with pytest.raises(InputErrors) as caught:
        read_roster_csv(to_csv(rows))
    assert [e.path for e in caught.value.errors] == [
        f"ligne {len(rows)}, colonne « identifiant »", "ligne 17, colonne « intervenant »"]


def test_a_misspelt_header_is_ignored_and_the_note_names_the_near_header():
    rows = csv_table(CONFORME)
    rows[0][rows[0].index("date de demande")] = "Date de demand"
    source = read_roster_table(to_csv(rows))
    assert all(a.requested_on is None for a in source.data.access)
    assert source.notes[1] == ("colonne(s) ignorée(s), jamais lue(s) : « Date de demand » "
                               "(en-tête voisin : « date de demande »).")
    report = check_roster(source, as_of=AS_OF)
    assert not report.complete                  # the dates are missing facts, not breaches
