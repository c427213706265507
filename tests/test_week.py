"""A coordinator's week (``ppaip-rules semaine``) and its iCalendar export.

The folder tests/data/semaine holds four cases, seen on Monday 30 June 2025:

- DIJ-B (SPIP 21, no facilitator): prescription received Monday 2 June, no first
  meeting; the 5 days end on Saturday 7 June, and the next working day is not
  Monday 9 June (Whit Monday) but Tuesday 10 June: overdue;
- DIJ-A (SPIP 21, CIP-1): prescription received Friday 27 June; first meeting due
  Wednesday 2 July: this week;
- DIJ-D (SPIP 21, CIP-1): calendar changed Monday 30 June at 10:00; to communicate
  within 48 hours, by Wednesday 2 July at 10:00 (Paris): this week;
- CHA-C (SPIP 71, PSY-2): last individual interview Monday 30 June; individual bilan
  due within 5 working days, Monday 7 July: next week.
"""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ppaip_rules.errors import InputError
from ppaip_rules.week import read_cases, week_ics, week_view

DATA = Path(__file__).parent / "data" / "semaine"
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
PARIS_2_JULY_10H_UTC = dt.datetime(2025, 7, 2, 8, 0, tzinfo=dt.timezone.utc)


def run(*args):
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *args],
                          capture_output=True, env=ENV, timeout=60)


@pytest.fixture(scope="module")
def week():
    return week_view(read_cases(str(DATA)), as_of="2025-06-30")


def _ids(items):
    return [(i.case_id, i.rule_id, i.due_day.isoformat()) for i in items]


def test_week_sorts_overdue_this_week_and_next_week(week):
    assert _ids(week.section("overdue")) == [("DIJ-B", "PROG-FIRST-MEETING", "2025-06-10")]
    assert sorted(_ids(week.section("this_week"))) == [
        ("DIJ-A", "PROG-FIRST-MEETING", "2025-07-02"),
        ("DIJ-D", "PROG-CALENDAR-CHANGE", "2025-07-02")]
    assert _ids(week.section("next_week")) == [("CHA-C", "END-BILAN-IND", "2025-07-07")]
    assert week.this_week == (dt.date(2025, 6, 30), dt.date(2025, 7, 6))
    assert week.next_week == (dt.date(2025, 7, 7), dt.date(2025, 7, 13))


def test_week_overdue_first_meeting_skips_whit_monday(week):
    (late,) = week.section("overdue")
    assert late.lateness == "20 jours de retard"
    assert not week.ok


def test_week_groups_by_spip_then_facilitator(week):
    groups = week.grouped("this_week")
    assert [spip for spip, _ in groups] == ["SPIP 21"]
    (_, people), = groups
    assert [who for who, _ in people] == ["intervenant CIP-1"]
    assert week.grouped("overdue")[0][1][0][0] == "intervenant non renseigné"


def test_week_text_json_and_exit_code_from_the_command():
    out = run("semaine", str(DATA), "--as-of", "2025-06-30")
    assert out.returncode == 1, out.stderr  # something is overdue
    text = out.stdout.decode("utf-8")
    assert "EN RETARD (1)" in text
    assert "mardi 10 juin 2025 — parcours DIJ-B — PROG-FIRST-MEETING (CCTP 6.1-2)" in text
    assert "Intervenant CIP-1" in text
    data = json.loads(run("semaine", str(DATA), "--as-of", "2025-06-30",
                          "--format", "json").stdout)
    assert data["weeks"]["next_week"] == {"start": "2025-07-07", "end": "2025-07-13"}
    assert [i["case_id"] for i in data["next_week"]] == ["CHA-C"]
    assert data["cases"] == 4


def test_week_reads_an_ndjson_file_like_the_folder(tmp_path, week):
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8")))
             for p in sorted(DATA.glob("*.json"))]
    path = tmp_path / "parcours.ndjson"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    again = week_view(read_cases(str(path)), as_of="2025-06-30")
    assert again.to_dict() == week.to_dict()


def test_week_bad_ndjson_line_names_the_line_not_the_content(tmp_path):
    path = tmp_path / "parcours.ndjson"
    path.write_text('{"events": []}\n{"case_id": "Martin Dupont"\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_cases(str(path))
    assert error.value.path == "ligne 2"
    assert "Dupont" not in str(error.value)


def test_week_without_as_of_is_refused():
    out = run("semaine", str(DATA))
    assert out.returncode == 2
    assert "--as-of" in out.stderr.decode("utf-8")


def test_week_html_lists_the_sections(tmp_path):
    out = run("semaine", str(DATA), "--as-of", "2025-06-30", "--format", "html")
    page = out.stdout.decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "À faire la semaine prochaine, du lundi 7 juillet 2025" in page
    assert "CHA-C" in page and "PSY-2" in page


def test_week_ics_parses_back_with_the_due_dates(week):
    icalendar = pytest.importorskip("icalendar")
    cal = icalendar.Calendar.from_ical(week_ics(week))
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"PROG-FIRST-MEETING — parcours DIJ-B",
                           "PROG-FIRST-MEETING — parcours DIJ-A",
                           "PROG-CALENDAR-CHANGE — parcours DIJ-D",
                           "END-BILAN-IND — parcours CHA-C"}
    whole_day = events["PROG-FIRST-MEETING — parcours DIJ-B"]
    assert whole_day.decoded("dtstart") == dt.date(2025, 6, 10)
    assert whole_day.decoded("dtend") == dt.date(2025, 6, 11)
    assert events["END-BILAN-IND — parcours CHA-C"].decoded("dtstart") == dt.date(2025, 7, 7)
    timed = events["PROG-CALENDAR-CHANGE — parcours DIJ-D"].decoded("dtstart")
    assert timed == PARIS_2_JULY_10H_UTC
    assert cal["version"] == "2.0" and cal["prodid"]
    assert all(e["uid"] and e["dtstamp"] for e in events.values())


def test_week_ics_holds_no_personal_data(tmp_path):
    pytest.importorskip("icalendar")
    case = json.loads((DATA / "b.json").read_text(encoding="utf-8"))
    case["beneficiary"] = {"sex": "F", "age_at_prescription": 24}
    case["site"] = "MA-DIJON"
    case["facilitator"] = "CIP-SECRET"
    ics = week_ics(week_view([case], as_of="2025-06-30")).decode("utf-8")
    for word in ("CIP-SECRET", "MA-DIJON", "SPIP"):
        assert word not in ics
    lines = [line.split(":", 1)[0].split(";", 1)[0] for line in ics.splitlines()]
    assert set(lines) <= {"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "SUMMARY",
                          "DTSTART", "DTEND", "DTSTAMP", "UID", "DESCRIPTION", "TRANSP"}


def test_week_ics_from_the_command_is_crlf_icalendar():
    pytest.importorskip("icalendar")
    out = run("semaine", str(DATA), "--as-of", "2025-06-30", "--format", "ics")
    assert out.returncode == 1
    assert out.stdout.startswith(b"BEGIN:VCALENDAR\r\n")
    assert out.stdout.rstrip().endswith(b"END:VCALENDAR")
