"""The roster CSV reader: spreadsheet exports in, a Roster or a line-and-column error out."""

import csv
import io
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppaip_rules import InputError, Roster, check_roster, read_roster_csv, report_schema
from ppaip_rules.roster_csv import (
    COLUMN_TABLE,
    COLUMNS,
    ROW_TYPES,
    read_roster_file,
    roster_dict_from_csv,
)
from ppaip_rules.staffing import roster_schema

EXAMPLES = Path(str(resources.files("ppaip_rules") / "examples"))
CONFORME = (EXAMPLES / "roster.conforme.csv").read_bytes()
NON_CONFORME = (EXAMPLES / "roster.non-conforme.csv").read_bytes()
TEMPLATE = (EXAMPLES / "roster.modele.csv").read_bytes()
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}


def table(raw: bytes) -> list[list[str]]:
    text = raw.decode("utf-8-sig")
    sep = ";" if text.splitlines()[0].count(";") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


def to_bytes(rows: list[list[str]], sep: str = ";", bom: bool = False,
             newline: str = "\r\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=newline).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def set_cell(raw: bytes, line: int, header: str, value: str) -> bytes:
    rows = table(raw)
    rows[line - 1][rows[0].index(header)] = value
    return to_bytes(rows)


def line_of(raw: bytes, type_: str, ident: str, column: str = "identifiant") -> int:
    rows = table(raw)
    t, c = rows[0].index("type de ligne"), rows[0].index(column)
    return next(i + 1 for i, r in enumerate(rows) if r[t] == type_ and r[c] == ident)


def error_of(raw: bytes) -> InputError:
    with pytest.raises(InputError) as error:
        read_roster_csv(raw)
    return error.value


# --- the shipped files ----------------------------------------------------------------

def test_the_examples_give_the_expected_verdicts():
    for raw in (CONFORME, TEMPLATE):
        report = check_roster(read_roster_csv(raw), as_of="2025-06-30")
        # Only the psychologist share's figures, given as information.
        assert [(f.rule_id, f.severity.value) for f in report.findings] == [
            ("STAFF-PSY-SHARE", "info")]
        assert report.verdict == "conforme"
    report = check_roster(read_roster_csv(NON_CONFORME), as_of="2025-06-30")
    assert not report.ok
    assert {f.rule_id for f in report.violations} == {
        "STAFF-PSY-SHARE", "STAFF-PSY-REGISTRY", "STAFF-QUALIF", "STAFF-REPLACE",
        "STAFF-REPLACE-KIND", "STAFF-SUBSTITUTE", "STAFF-COORDINATOR", "STAFF-ACCESS",
        "STAFF-AUTH-BEFORE-WORK", "STAFF-CONTACTS", "PREM-MO", "PREM-MO-HOURS"}


def test_the_examples_read_from_csv_are_valid_roster_documents():
    jsonschema = pytest.importorskip("jsonschema")
    for raw in (CONFORME, NON_CONFORME, TEMPLATE):
        data, _ = roster_dict_from_csv(raw)
        jsonschema.validate(data, roster_schema())


def test_the_documented_columns_are_exactly_the_ones_read():
    # The columns come from the models' description (their order too); the shipped files,
    # written before, keep theirs: a column is found by its header, in any order.
    assert sorted(c.header for c in COLUMNS) == sorted(table(CONFORME)[0])
    assert sorted(table(TEMPLATE)[0]) == sorted([h for h, _, _ in COLUMN_TABLE] + ["commentaire"])
    used = {t for c in COLUMNS for t in c.row_types}
    assert used == {t for t, _ in ROW_TYPES}
    assert all(meaning and example for _, meaning, example in COLUMN_TABLE)


def test_path_and_bytes_give_the_same_roster(tmp_path):
    path = tmp_path / "equipe.csv"
    path.write_bytes(CONFORME)
    assert read_roster_csv(path) == read_roster_csv(str(path)) == read_roster_csv(CONFORME)
    assert read_roster_file(path) == read_roster_csv(CONFORME)
    assert error_of(tmp_path / "absent.csv").path == "fichier CSV"


# --- what spreadsheets export ---------------------------------------------------------------

@pytest.mark.parametrize("sep, bom, newline", [
    (";", True, "\r\n"), (";", False, "\n"), (",", True, "\n"), (",", False, "\r\n"),
])
def test_separators_bom_and_line_ends(sep, bom, newline):
    raw = to_bytes(table(CONFORME), sep=sep, bom=bom, newline=newline)
    assert read_roster_csv(raw) == read_roster_csv(CONFORME)


def test_headers_ignore_case_accents_spaces_and_order():
    rows = table(CONFORME)
    rows[0] = [h.upper().replace("É", "E").replace("È", "E") + "  " for h in rows[0]]
    columns = list(zip(*rows, strict=True))
    columns.reverse()
    assert read_roster_csv(to_bytes([list(r) for r in zip(*columns, strict=True)])) == \
        read_roster_csv(CONFORME)


def test_dates_decimals_and_yes_no_in_their_french_forms():
    line = line_of(CONFORME, "intervenant", "PSY-2")
    raw = set_cell(CONFORME, line, "heures hebdomadaires", "17.5")
    raw = set_cell(raw, line, "casier judiciaire vierge", "VRAI")
    raw = set_cell(raw, line_of(raw, "lot", "5"), "date de début", "2025-03-03")
    assert read_roster_csv(raw) == read_roster_csv(CONFORME)
    roster = read_roster_csv(CONFORME)
    psy2 = next(f for f in roster.facilitators if f.id == "PSY-2")
    assert psy2.weekly_hours == 17.5 and psy2.fte == 0.5


def test_comment_columns_and_empty_trailing_columns_are_ignored():
    rows = [[*r, "", ""] for r in table(CONFORME)]
    assert read_roster_csv(to_bytes(rows)) == read_roster_csv(CONFORME)
    assert isinstance(read_roster_csv(TEMPLATE), Roster)


def test_a_column_no_line_uses_may_be_left_out():
    rows = table(CONFORME)
    i = rows[0].index("établissement informé le")
    rows = [r[:i] + r[i + 1:] for r in rows]
    roster = read_roster_csv(to_bytes(rows))
    assert all(ev.notified_establishment_on is None for ev in roster.events)


# --- errors name the line and the column, never the value ---------------------------------

SECRET = "Dupont"


@pytest.mark.parametrize("make, where", [
    (lambda r: set_cell(r, 17, "date de demande", "31/02/2025"),
     "ligne 17, colonne « date de demande »"),
    (lambda r: set_cell(r, 17, "date de demande", SECRET), "ligne 17, colonne « date de demande »"),
    (lambda r: set_cell(r, 6, "heures hebdomadaires", "35 h"),
     "ligne 6, colonne « heures hebdomadaires »"),
    (lambda r: set_cell(r, 6, "casier judiciaire vierge", "peut-être"),
     "ligne 6, colonne « casier judiciaire vierge »"),
    (lambda r: set_cell(r, 6, "fonction", "éducateur"), "ligne 6, colonne « fonction »"),
    (lambda r: set_cell(r, 6, "identifiant", "Jean " + SECRET), "ligne 6, colonne « identifiant »"),
    (lambda r: set_cell(r, 6, "niveau de qualification", "bac+2"),
     "ligne 6, colonne « niveau de qualification »"),
    (lambda r: set_cell(r, 6, "capacité", "6"), "ligne 6, colonne « capacité »"),
    (lambda r: set_cell(r, 6, "type de ligne", "personne"), "ligne 6, colonne « type de ligne »"),
    (lambda r: set_cell(r, 2, "identifiant", "cinq"), "ligne 2, colonne « identifiant »"),
    (lambda r: set_cell(r, 31, "remplacé par", "CIP-99"), "ligne 31, colonne « remplacé par »"),
    (lambda r: set_cell(r, 6, "sites", "MA-DIJON NULLE-PART"), "ligne 6, colonne « sites »"),
    (lambda r: set_cell(r, 3, "coordinateur", "PERSONNE"), "ligne 3, colonne « coordinateur »"),
    (lambda r: set_cell(r, 2, "date de début", "01/01/1990"), "ligne 2, colonne « date de début »"),
    (lambda r: set_cell(r, 17, "établissement", "MO-DIJON"), "ligne 17, colonne « établissement »"),
    (lambda r: set_cell(r, 3, "département", "99"), "ligne 3, colonne « département »"),
    (lambda r: set_cell(r, 3, "coordonnées des intervenants actualisées le",
                        "24/02/2025 " + SECRET),
     "ligne 3, colonne « coordonnées des intervenants actualisées le »"),
    (lambda r: set_cell(r, 17, "première séance le", SECRET),
     "ligne 17, colonne « première séance le »"),
    (lambda r: set_cell(r, 33, "jours d'ouverture", "mardi " + SECRET),
     "ligne 33, colonne « jours d'ouverture »"),
    (lambda r: set_cell(r, 33, "horaires d'ouverture", "12:00-09:00"),
     "ligne 33, colonne « horaires d'ouverture »"),
    (lambda r: set_cell(r, 33, "horaires d'ouverture", SECRET),
     "ligne 33, colonne « horaires d'ouverture »"),
])
def test_cell_errors_name_line_and_column(make, where):
    raw = make(CONFORME)
    error = error_of(raw)
    assert error.path == where
    assert SECRET not in str(error) and "NULLE-PART" not in str(error)


def test_line_numbers_are_those_the_spreadsheet_shows():
    # In the example, line 6 is PSY-1, line 17 its access, line 31 the departure of CIP-3.
    assert line_of(CONFORME, "intervenant", "PSY-1") == 6
    assert line_of(CONFORME, "accès", "PSY-1", "intervenant") == 17
    assert line_of(CONFORME, "mouvement", "CIP-3", "intervenant") == 31


@pytest.mark.parametrize("raw, path", [
    (b"", "fichier"),
    (b" \r\n\r\n ", "fichier"),
    ("type de ligne;identifiant\nlot;5\n".encode("utf-16"), "fichier"),
    ("type de ligne;identifiant;date de début\nlot;5;03/03/2025\nintervenant;Jérôme;\n"
     .encode("latin-1"), "ligne 3, colonne « identifiant »"),
    (b"type de ligne;identifiant\nlot;5\x81\n", "ligne 2"),
    (b"type de ligne;identifiant\nlot;5\x00\n", "ligne 2"),
    (b"type de ligne identifiant\n", "ligne 1"),
    (b"\n\ntype de ligne identifiant\n", "ligne 3"),
    (b"type de ligne;identifiant;identifiant\n", "ligne 1, colonne 3 (C)"),
    (b"identifiant;date de debut\n5;03/03/2025\n", "ligne 1"),
    (b"type de ligne;identifiant\nlot;5;x\n", "ligne 2, colonne 3 (C)"),
    (b"type de ligne;identifiant;\nlot;5;x\n", "ligne 2, colonne 3 (C)"),
    (b"type de ligne;identifiant;departement\netablissement;MA;21\n",
     "colonne « type de ligne »"),
    (b"type de ligne;identifiant;date de debut\nlot;5;03/03/2025\nlot;5;03/03/2025\n",
     "ligne 3, colonne « type de ligne »"),
    (b"type de ligne;identifiant;date de debut\nlot;5;03/03/2025\n;x;\n",
     "ligne 3, colonne « type de ligne »"),
    (b"type de ligne;identifiant;date de debut\nlot;5;03/03/2025\nintervenant;A;\n",
     "ligne 3, colonne « fonction »"),
    (b"type de ligne;identifiant;date de debut;capacite\nlot;5;03/03/2025;6\n",
     "ligne 2, colonne « capacité »"),
    (b'type de ligne;identifiant\nlot;"5\n', "ligne 2"),
    (b'type de ligne;identifiant\nlot;"5"x\n', "ligne 2"),
    (b"type de ligne;identifiant;date de debut\nlot;9;03/03/2025\n", None),
])
def test_file_errors(raw, path):
    if path is None:           # lot 9 is read, then refused by the check (unknown lot)
        with pytest.raises(InputError) as error:
            check_roster(read_roster_csv(raw), as_of="2025-06-30")
        assert error.value.path == "lot"
        return
    error = error_of(raw)
    assert error.path == path
    assert "Jérôme" not in str(error) and "nom" not in error.path


def test_a_minimal_roster_is_a_lot_line():
    roster = read_roster_csv(b"type de ligne,identifiant,date de debut\nlot,5,03/03/2025\n")
    assert roster.lot == 5 and roster.facilitators == ()


# --- hypothesis: nothing but InputError, never a value echoed -------------------------------

def _read(raw: bytes):
    try:
        return read_roster_csv(raw)
    except InputError as error:
        return error


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_roster_or_an_input_error(raw):
    assert isinstance(_read(raw), (Roster, InputError))


@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]))
def test_arbitrary_text_in_any_encoding(text, encoding):
    raw = ("type de ligne;identifiant;date de début\nlot;5;03/03/2025\n" + text).encode(
        encoding, errors="replace")
    assert isinstance(_read(raw), (Roster, InputError))


_SECRET = st.text(alphabet="QZXWJKqzxwjkéÀ ;,\"'\n", min_size=5, max_size=15).filter(
    lambda t: sum(c.isalpha() for c in t) >= 4)


@given(st.data())
def test_mutated_examples_never_crash_nor_echo(data):
    rows = table(data.draw(st.sampled_from([CONFORME, NON_CONFORME, TEMPLATE])))
    action = data.draw(st.sampled_from(["cell", "drop-column", "add-column", "drop-line"]))
    secret = data.draw(_SECRET)
    if action == "cell":
        r = data.draw(st.integers(0, len(rows) - 1))
        c = data.draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = secret
    elif action == "drop-column":
        c = data.draw(st.integers(0, len(rows[0]) - 1))
        rows = [row[:c] + row[c + 1:] for row in rows]
    elif action == "add-column":
        rows = [[*row, secret] for row in rows]
    else:
        rows.pop(data.draw(st.integers(1, len(rows) - 1)))
    sep = data.draw(st.sampled_from([";", ","]))
    result = _read(to_bytes(rows, sep=sep, bom=data.draw(st.booleans())))
    if isinstance(result, InputError):
        assert secret not in str(result) and secret.strip() not in str(result)
    else:
        report = check_roster(result, as_of="2025-06-30")      # and the check copes too
        assert report.checked


# --- the command line ----------------------------------------------------------------------

def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], input=stdin,
                          capture_output=True, env=ENV, timeout=60)


def test_cli_check_roster_csv_json_output():
    out = run("check", "roster", str(EXAMPLES / "roster.non-conforme.csv"), "--as-of",
              "2025-06-30", "--format", "json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(report, report_schema())
    replace = [f for f in report["findings"] if f["rule_id"] == "STAFF-REPLACE"]
    assert any("samedi 14 juin 2025 : samedi" in step["text"] for f in replace
               for step in f["trace"])
    assert report["checked_rules"][0] == "STAFF-PSY-SHARE"


def test_cli_conforming_roster_exits_0_and_basis_changes_the_share():
    path = str(EXAMPLES / "roster.conforme.csv")
    out = run("check", "roster", path, "--as-of", "30/06/2025")
    assert out.returncode == 0, out.stderr
    assert "conforme" in out.stdout.decode()
    out = run("check", "roster", path, "--as-of", "2025-06-30", "--basis", "heures")
    assert out.returncode == 1
    assert "h hebdomadaires de psychologue du travail" in out.stdout.decode()


@pytest.mark.parametrize("args, stdin, where", [
    (("check", "roster", str(EXAMPLES / "roster.conforme.csv")), None, "« as_of »"),
    (("check", "roster", "-", "--as-of", "2025-06-30"), b"type de ligne;nom\nlot;Dupont\n",
     "ligne 2, colonne « identifiant »"),
    (("check", "roster", "-", "--as-of", "2025-06-30"), b"\xff\xfe\x00", "fichier"),
    (("check", "roster", "-", "--as-of", "2025-06-30"), b'{"lot": 5}', "« market_start »"),
])
def test_cli_bad_input_is_one_french_line_exit_2(args, stdin, where):
    out = run(*args, stdin=stdin)
    err = out.stderr.decode()
    assert out.returncode == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert where in err and "Dupont" not in err


def test_cli_json_roster_on_stdin_and_schema():
    from ppaip_rules._roster_example import example_roster

    out = run("check", "roster", "-", "--as-of", "2025-06-30",
              stdin=json.dumps(example_roster()).encode())
    assert out.returncode == 0, out.stderr
    out = run("schema", "roster")
    assert json.loads(out.stdout)["title"].startswith("Tableau des effectifs")


def test_cli_demo_runs_the_roster_examples():
    out = run("demo")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    for name in ("roster.conforme.csv", "roster.modele.csv", "roster.non-conforme.csv"):
        assert name in text


# --- columns of revision 2 -------------------------------------------------------------------

def test_contact_updates_first_sessions_and_opening_hours_are_read():
    roster = read_roster_csv(CONFORME)
    dijon = next(e for e in roster.establishments if e.id == "MA-DIJON")
    assert [d.isoformat() for d in dijon.contacts_updated_on] == ["2025-02-24", "2025-05-12"]
    place = roster.premises[0]
    assert place.opening_days == ("tuesday", "thursday")
    assert place.opening_hours == ("09:00-12:00", "14:00-17:00")
    raw = set_cell(CONFORME, 33, "horaires d'ouverture", "9h-12h 14h00-17:30")
    assert read_roster_csv(raw).premises[0].opening_hours == ("09:00-12:00", "14:00-17:30")
    raw = set_cell(CONFORME, 33, "horaires d'ouverture", "aucune")
    assert read_roster_csv(raw).premises[0].opening_hours == ()
    raw = set_cell(CONFORME, 33, "horaires d'ouverture", "")
    assert read_roster_csv(raw).premises[0].opening_hours is None
    raw = set_cell(CONFORME, 17, "première séance le", "20/05/2025")
    assert read_roster_csv(raw).access[0].first_session_on.isoformat() == "2025-05-20"


def test_substitute_list_changes_are_lines_of_their_own():
    rows = table(CONFORME)
    header = rows[0]
    line = [""] * len(header)
    line[header.index("type de ligne")] = "liste des suppléants"
    line[header.index("liste modifiée le")] = "05/05/2025"
    line[header.index("liste des suppléants transmise le")] = "02/05/2025"
    raw = to_bytes([*rows, line])
    roster = read_roster_csv(raw)
    [update] = roster.substitute_list_updates
    assert update.changed_on.isoformat() == "2025-05-05"
    [f] = check_roster(roster, as_of="2025-06-30").by_rule("STAFF-SUBSTITUTE")
    assert f.severity.value == "violation"
    line[header.index("liste modifiée le")] = ""
    error = error_of(to_bytes([*rows, line]))
    assert error.path == f"ligne {len(rows) + 1}, colonne « liste modifiée le »"


def test_cell_cache_holds_only_known_codes():
    """Issue 16: no cell value of a rejected file is kept in memory by the reader."""
    from ppaip_rules import roster_csv

    marker = "Zorglub-Dupont-1987"
    raw = set_cell(CONFORME, 6, "casier judiciaire vierge", marker)
    error_of(raw)
    raw = set_cell(CONFORME, 6, "fonction", marker.upper())
    error_of(raw)
    assert not hasattr(roster_csv._key, "cache_info")         # no lru_cache of cells
    kept = " ".join(roster_csv._KNOWN_KEYS) + " ".join(roster_csv._KNOWN_KEYS.values())
    assert "zorglub" not in kept.lower()
    for name, value in vars(roster_csv).items():
        if hasattr(value, "cache_info"):
            raise AssertionError(f"{name} caches its arguments")


def test_cli_readings_of_ambiguities_11_and_12():
    from ppaip_rules._roster_example import example_roster, with_facilitator

    # 1 psychologist and 4 advisers on site (20 %), and a standby psychologist (SUP-1).
    data = example_roster()
    for i in range(2):
        data["facilitators"].append({"id": f"CIP-{i + 2}", "role": "insertion_adviser", "qualification": 5,
                                     "experience": True, "sites": ["MO-DIJON"],
                                     "cv_sent": True})
    data["facilitators"].append({"id": "CIP-9", "role": "insertion_adviser", "qualification": 5,
                                 "experience": True, "sites": ["MO-DIJON"], "cv_sent": True})
    stdin = json.dumps(data).encode()
    out = run("check", "roster", "-", "--as-of", "2025-06-30", "--format", "json", stdin=stdin)
    [share] = [f for f in json.loads(out.stdout)["findings"] if f["rule_id"] == "STAFF-PSY-SHARE"]
    assert (share["found"]["psychologists"], share["found"]["total"]) == (1, 5)
    out = run("check", "roster", "-", "--as-of", "2025-06-30", "--format", "json",
              "--share-counts", "designated", stdin=stdin)
    [share] = [f for f in json.loads(out.stdout)["findings"] if f["rule_id"] == "STAFF-PSY-SHARE"]
    assert (share["found"]["psychologists"], share["found"]["total"]) == (2, 6)
    assert share["severity"] == "info"

    late = with_facilitator(1, start_on="2025-05-12")
    late["access"][1].update(requested_on="2025-04-28", granted_on="2025-05-06")
    stdin = json.dumps(late).encode()
    args = ("check", "roster", "-", "--as-of", "2025-06-30", "--format", "json")
    default = json.loads(run(*args, stdin=stdin).stdout)
    per_person = json.loads(run(*args, "--access-lead-from", "facilitator_start",
                                stdin=stdin).stdout)
    assert not [f for f in default["findings"] if f["rule_id"] == "STAFF-ACCESS"]
    assert [f["severity"] for f in per_person["findings"] if f["rule_id"] == "STAFF-ACCESS"] \
        == ["violation"]
