"""The command line, consistent and French, through the real command: --format and --json on
every command, JSON errors, argparse in French without echo, UTF-8 output whatever the
encoding or locale, environment failures named, size caps, --strict, --ndjson, French
date-times, --parameters honoured by rules and schema, exit 130 on Ctrl-C."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ppaip_rules" / "examples"
VARIANT = ROOT / "docs" / "snippets" / "integration" / "variante.toml"
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ", "PYTHONIO"))}
MARKER = "Jean_DUPONT_ZQX"
AS_OF = "2025-06-30T18:00:00+02:00"
LATE_ACT = {"rule_id": "END-BILAN-IND", "trigger": "2025-05-07", "act": "2025-05-16"}


def run(*args, stdin=None, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args], input=stdin,
                          capture_output=True, env={**ENV, **(env or {})}, cwd=ROOT,
                          timeout=120, **kwargs)


def one_french_line(done) -> str:
    err = done.stderr.decode("utf-8")
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- --format everywhere, --json as its alias ----------------------------------------------

COMMANDS = [
    ("rules",),
    ("deadline", "PROG-START", "2025-05-02"),
    ("check", "programme", str(EXAMPLES / "programme.conforme.json")),
    ("schema", "programme"),
    ("demo",),
    ("timeline", str(EXAMPLES / "case.conforme.json"), "--as-of", AS_OF),
    ("report", str(EXAMPLES / "activity.conforme.json"), "--lot", "2"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[a[0] for a in COMMANDS])
def test_every_command_takes_format_json_and_its_json_alias(args):
    if args[0] == "report":
        lot = json.loads((EXAMPLES / "activity.conforme.json").read_text(encoding="utf-8"))["lot"]
        args = (*args[:-1], str(lot))
    formatted = run(*args, "--format", "json")
    alias = run(*args, "--json")
    assert formatted.returncode in (0, 1), formatted.stderr
    assert formatted.stdout == alias.stdout and formatted.returncode == alias.returncode
    json.loads(formatted.stdout)


# --- errors: JSON under --format json, French, the value never repeated --------------------

def test_input_error_under_format_json_is_a_json_object_on_stderr_exit_2():
    doc = json.dumps({**LATE_ACT, "trigger": "32/13/2025"}).encode()
    done = run("check", "deadline", "-", "--format", "json", stdin=doc)
    assert done.returncode == 2 and done.stdout == b""
    error = json.loads(done.stderr)["erreur"]
    assert error["champ"] == "trigger" and error["attendu"] and "constaté" in error
    assert b"32/13" not in done.stderr


def test_usage_error_under_json_is_json_too():
    done = run("check", "roster", "-", "--basis", MARKER, "--json", stdin=b"")
    assert done.returncode == 2
    assert json.loads(done.stderr)["erreur"]["champ"] == "--basis"
    assert MARKER.encode() not in done.stderr


@pytest.mark.parametrize("args, named", [
    (("check", "roster", "-", "--basis", MARKER), "« --basis »"),
    (("deadline", "PROG-START", "2025-05-02", MARKER), "« ligne de commande »"),
    (("rules", f"--{MARKER}"), "« ligne de commande »"),
    (("report", "-", "--lot", MARKER), "« --lot »"),
    (("timeline", "-", "--as-of", MARKER), "« as_of »"),
    ((MARKER,), "« COMMANDE »"),
    (("deadline", MARKER, "2025-05-02"), "« rule_id »"),
    (("check", MARKER, "-"), "« KIND »"),
    (("check", "roster", "--as"), "« ligne de commande »"),
])
def test_argument_errors_are_french_name_the_option_and_never_repeat_the_value(args, named):
    done = run(*args, stdin=b"{}")
    assert done.returncode == 2
    err = one_french_line(done)
    assert named in err and MARKER not in err and "Jean" not in err
    for english in ("invalid choice", "invalid int", "expected one", "usage", "unrecognized",
                    "required", "ambiguous"):
        assert english not in err


def test_help_is_in_french():
    for args in (("-h",), ("check", "-h"), ("deadline", "--help"), ("serve", "-h")):
        out = run(*args).stdout.decode("utf-8")
        assert out.startswith("utilisation : ") and "options:" in out
        for english in ("usage:", "show this help", "positional arguments"):
            assert english not in out


def test_a_file_name_is_never_used_as_a_field_name(tmp_path):
    path = tmp_path / f"{MARKER}.json"
    path.write_text("{ pas du JSON", encoding="utf-8")
    for fmt in ("text", "json"):
        done = run("check", "programme", str(path), "--format", fmt)
        assert done.returncode == 2 and MARKER.encode() not in done.stderr
        assert "FILE" in done.stderr.decode("utf-8")


def test_an_unknown_key_is_not_echoed_and_the_nearest_field_is_named():
    done = run("check", "deadline", "-", stdin=json.dumps({**LATE_ACT, MARKER: 1,
                                                             }).encode())
    err = one_french_line(done)
    assert done.returncode == 2 and MARKER not in err
    typo = run("check", "deadline", "-", stdin=json.dumps({"rule_id": "PROG-START",
                                                            "trigger": "2025-05-01",
                                                            "act": "2025-05-02",
                                                            "departemnt": "21"}).encode())
    # a key that is not one of the library's field names is never shown (it may be anything
    # typed); the nearest field of the object is named
    assert "« ? » : champ inconnu (proche de « departement »)" in typo.stderr.decode()


# --- output: UTF-8 whatever the encoding or the locale --------------------------------------

def latin9_locale(tmp_path_factory) -> dict:
    if sys.platform != "linux" or not shutil.which("localedef"):
        pytest.skip("localedef absent : pas de locale Latin-9 à générer ici")
    folder = tmp_path_factory.mktemp("locales")
    made = subprocess.run(["localedef", "-i", "fr_FR@euro", "-f", "ISO-8859-15",
                           str(folder / "fr_FR.ISO-8859-15")], capture_output=True, timeout=120)
    if not (folder / "fr_FR.ISO-8859-15").exists():
        pytest.skip("la locale fr_FR ISO-8859-15 ne se génère pas ici : "
                    + made.stderr.decode(errors="replace")[:200])
    env = {"LOCPATH": str(folder), "LC_ALL": "fr_FR.ISO-8859-15", "LANG": "fr_FR.ISO-8859-15"}
    probe = subprocess.run([sys.executable, "-c", "import sys; print(sys.stdout.encoding)"],
                           capture_output=True, text=True, env={**ENV, **env})
    assert probe.stdout.strip().lower() in ("iso8859-15", "iso-8859-15")
    return env


@pytest.fixture(scope="module", params=["cp1252", "latin-9"])
def legacy_encoding(request, tmp_path_factory):
    if request.param == "cp1252":
        return {"PYTHONIOENCODING": "cp1252"}
    return latin9_locale(tmp_path_factory)


@pytest.mark.parametrize("args", [
    ("rules", "--json"), ("rules",), *COMMANDS[1:5],
    ("deadline", "REFUSAL-48H", "07/05/2025 14:30", "--act", "10/05/2025 09:00"),
], ids=lambda a: " ".join(a[:2]))
def test_output_is_utf8_under_a_legacy_encoding(legacy_encoding, args):
    reference = run(*args)
    done = run(*args, env=legacy_encoding)
    assert done.returncode == reference.returncode and done.returncode in (0, 1), done.stderr
    assert done.stdout == reference.stdout
    done.stdout.decode("utf-8")  # strict UTF-8


def test_errors_are_utf8_under_a_legacy_encoding(legacy_encoding):
    done = run("deadline", "PROG-START", "1700-01-01", env=legacy_encoding)
    assert done.returncode == 2
    assert "« trigger »" in one_french_line(done)


def test_a_lone_surrogate_in_the_input_never_crashes_the_output():
    case = json.loads((EXAMPLES / "case.non-conforme.json").read_text(encoding="utf-8"))
    case["case_id"] = "\ud800"
    raw = json.dumps(case).encode()  # "\ud800" as a JSON escape
    for env in ({}, {"PYTHONIOENCODING": "cp1252"}):
        for fmt in ("text", "json"):
            done = run("check", "case", "-", "--as-of", AS_OF, "--format", fmt, stdin=raw,
                       env=env)
            assert done.returncode in (0, 1, 2), done.stderr
            done.stdout.decode("utf-8")
            assert b"erreur interne" not in done.stderr


# --- environment failures say what failed ---------------------------------------------------

def test_a_closed_stdin_is_named():
    done = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m ppaip_rules.cli check '
                                       'programme - <&-'], capture_output=True, cwd=ROOT,
                          env=ENV, timeout=120)
    assert done.returncode == 2
    assert "entrée standard fermée" in one_french_line(done)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="pas de /dev/full ici")
def test_a_full_output_device_is_named_not_reported_as_our_bug():
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "rules", "--json"],
                              stdout=full, stderr=subprocess.PIPE, cwd=ROOT, env=ENV,
                              timeout=120)
    assert done.returncode == 3
    err = one_french_line(done)
    assert "plus de place" in err and "signaler" not in err


# --- size caps --------------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="pas de /dev/zero ici")
@pytest.mark.parametrize("args", [
    ("check", "programme", "/dev/zero"),
    ("check", "programme", "/dev/zero", "--max-bytes", "1000000"),
    ("timeline", "/dev/zero", "--as-of", AS_OF, "--max-bytes", "1000000"),
    ("report", "/dev/zero", "--lot", "1", "--max-bytes", "1000000"),
])
def test_an_endless_input_exits_2_stating_the_limit(args):
    done = run(*args)
    assert done.returncode == 2
    err = one_french_line(done)
    limit = args[args.index("--max-bytes") + 1] if "--max-bytes" in args else "33554432"
    assert "trop volumineuse" in err and f"{limit} octets" in err


def test_stdin_over_the_cap_exits_2():
    done = run("check", "programme", "-", "--max-bytes", "100", stdin=b" " * 101)
    assert done.returncode == 2 and "100 octets" in one_french_line(done)
    assert run("check", "programme", "-", "--max-bytes", "100",
               stdin=b'{"individual_hours": 12}').returncode in (0, 1)


# --- --strict -------------------------------------------------------------------------------

def test_an_incomplete_report_without_violation_exits_0_and_1_under_strict():
    plain = run("check", "orientation", "-", "--format", "json", stdin=b"{}")
    report = json.loads(plain.stdout)
    assert report["ok"] is True and report["complete"] is False  # the situation tested
    assert plain.returncode == 0
    assert run("check", "orientation", "-", "--strict", stdin=b"{}").returncode == 1
    complete = run("check", "programme", str(EXAMPLES / "programme.conforme.json"), "--strict",
                   "--json")
    assert json.loads(complete.stdout)["complete"] is True and complete.returncode == 0


# --- batch ----------------------------------------------------------------------------------

def test_ndjson_checks_one_input_per_line_in_order(tmp_path):
    path = tmp_path / "lot.ndjson"
    lines = [json.dumps(LATE_ACT), json.dumps({**LATE_ACT, "act": "2025-05-09"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run("check", "deadline", "--ndjson", str(path))
    answers = [json.loads(x) for x in done.stdout.splitlines()]
    assert [a["ok"] for a in answers] == [False, True] and done.returncode == 1


def test_ndjson_a_bad_line_is_an_error_on_its_line_and_the_others_are_checked():
    body = "\n".join([json.dumps({**LATE_ACT, "act": "2025-05-09"}), "{" + MARKER, "",
                      json.dumps(LATE_ACT)]) + "\n"
    done = run("check", "deadline", "--ndjson", "-", stdin=body.encode())
    answers = [json.loads(x) for x in done.stdout.splitlines()]
    assert [a.get("ok") for a in answers] == [True, None, False]
    assert answers[1]["ligne"] == 2 and answers[1]["erreur"]["attendu"]
    assert MARKER.encode() not in done.stdout and done.returncode == 2


def test_ndjson_and_file_are_exclusive():
    done = run("check", "deadline", "-", "--ndjson", "-", stdin=b"")
    assert done.returncode == 2 and "--ndjson" in one_french_line(done)


def test_ndjson_a_line_over_the_cap_is_refused_on_its_line():
    body = json.dumps(LATE_ACT) + "\n" + " " * 500 + "\n" + json.dumps(LATE_ACT) + "\n"
    done = run("check", "deadline", "--ndjson", "-", "--max-bytes", "200", stdin=body.encode())
    answers = [json.loads(x) for x in done.stdout.splitlines()]
    assert [a.get("ok") for a in answers] == [False, None, False]
    assert "200 octets" in answers[1]["erreur"]["attendu"]


# --- dates: JJ/MM/AAAA and JJ/MM/AAAA HH:MM, as Paris time -----------------------------------

def test_french_date_time_is_paris_time_in_deadline_and_as_of():
    french = json.loads(run("deadline", "REFUSAL-48H", "07/05/2025 14:30", "--json").stdout)
    iso = json.loads(run("deadline", "REFUSAL-48H", "2025-05-07T14:30:00+02:00",
                         "--json").stdout)
    assert french["due"] == iso["due"]
    case = str(EXAMPLES / "case.non-conforme.json")
    a = run("timeline", case, "--as-of", "30/06/2025 18:00", "--json")
    b = run("timeline", case, "--as-of", AS_OF, "--json")
    assert a.returncode == b.returncode and a.stdout == b.stdout


@pytest.mark.parametrize("value, problem", [
    ("30/03/2025 02:30", "inexistante"),  # the spring gap
    ("26/10/2025 02:30", "ambiguë"),  # the autumn fold
])
def test_french_date_time_in_the_gap_or_the_fold_is_refused(value, problem):
    done = run("deadline", "REFUSAL-48H", value)
    assert done.returncode == 2 and problem in one_french_line(done)


# --- --parameters: honoured by rules and schema; a missing file exits 2 ---------------------

@pytest.mark.parametrize("command", [("rules",), ("rules", "--json"), ("schema", "bilan"),
                                     ("check", "programme", "-")])
def test_a_missing_parameters_file_exits_2(command):
    done = run("--parameters", "/nonexistent/variante.toml", *command, stdin=b"{}")
    assert done.returncode == 2
    assert "--parameters" in one_french_line(done)


def test_rules_show_the_variant_contract_figures():
    dijon = {r["id"]: r for r in json.loads(run("rules", "--json").stdout)}
    variant = {r["id"]: r for r in json.loads(run("--parameters", str(VARIANT), "rules",
                                                   "--json").stdout)}
    changed = [i for i in dijon if dijon[i]["parameter_values"] != variant[i]["parameter_values"]]
    assert changed
    text = run("--parameters", str(VARIANT), "rules").stdout.decode("utf-8")
    assert "contrat variante" in text


def test_schema_lists_the_variant_contract_codes(tmp_path):
    variant = tmp_path / "variante.json"
    variant.write_text(json.dumps({"deliverables": [
        {"code": "rapport-annuel", "label": "Rapport annuel"}]}), encoding="utf-8")
    schema = json.loads(run("--parameters", str(variant), "schema", "deliverables").stdout)
    assert schema["properties"]["delivered"]["items"]["enum"] == ["rapport-annuel"]


# --- Ctrl-C ---------------------------------------------------------------------------------

def test_ctrl_c_exits_130():
    process = subprocess.Popen([sys.executable, "-m", "ppaip_rules.cli", "check", "deadline",
                                "--ndjson", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    process.stdin.write(json.dumps(LATE_ACT).encode() + b"\n")
    process.stdin.flush()
    assert json.loads(process.stdout.readline())["ok"] is False  # running, waiting for more
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    process.stdin.close()
    assert "interrompu" in process.stderr.read().decode("utf-8")
