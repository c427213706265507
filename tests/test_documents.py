"""Documents (CCTP 3, 6.5, 6.6, 6.9): attendance sheets, convocations, bilans, deliverables."""

import datetime as dt

import pytest

from ppaip_rules import (
    InputError,
    Severity,
    check_attendance_sheet,
    check_bilan,
    check_convocation,
    check_deliverables,
)
from ppaip_rules.documents import (
    AttendanceSheet,
    Attendee,
    Bilan,
    Signatory,
    example_convocation,
    example_sheet,
)

NAMES = ("Zoé Karadeniz-Ollivier", "KARADENIZ", "Ollivier")


def paths(report, rule_id, severity=Severity.VIOLATION):
    return [f.path for f in report.by_rule(rule_id) if f.severity is severity]


# --- DOC-SHEET-IND --------------------------------------------------------------------------

def test_complete_individual_sheet_is_compliant():
    report = check_attendance_sheet(example_sheet())
    assert report.ok and not report.findings
    assert set(report.checked) == {"DOC-SHEET-IND", "DOC-SHEET-COLL"}


@pytest.mark.parametrize("changes, expected", [
    ({"date": None}, ["date"]),
    ({"place": ""}, ["place"]),
    ({"place": "   "}, ["place"]),
    ({"start_time": None}, ["start_time"]),
    ({"duration_hours": None}, ["duration_hours"]),
    ({"duration_hours": 0}, ["duration_hours"]),
    ({"facilitator": {"surname": "X", "first_name": "Y"}}, ["facilitator.signature"]),
    ({"facilitator": {}}, ["facilitator.surname", "facilitator.first_name",
                           "facilitator.signature"]),
    ({"person": {"surname": "X", "first_name": "Y", "absent": False}}, ["person.signature"]),
    ({"person": {"surname": "X", "first_name": "Y"}}, ["person.signature"]),
    ({"person": {"first_name": "Y", "signature": True}}, ["person.surname"]),
    ({"person": {"surname": "X", "first_name": "Y", "absent": True}},
     ["person.absence_reason"]),
    ({"person": {"surname": "X", "first_name": "Y", "absent": True, "absence_reason": "santé"}},
     []),
    ({"place": None, "start_time": None}, ["place", "start_time"]),
])
def test_doc_sheet_ind_each_missing_mention(changes, expected):
    report = check_attendance_sheet(example_sheet(**changes))
    assert paths(report, "DOC-SHEET-IND") == expected


def test_sheet_names_and_signatures_are_checked_never_echoed():
    sheet = example_sheet(person={"surname": NAMES[1], "first_name": NAMES[2], "absent": True,
                                  "absence_reason": ""},
                          facilitator={"surname": NAMES[0], "first_name": "", "signature": ""})
    report = check_attendance_sheet(sheet)
    assert not report.ok
    text = report.to_json() + report.format()
    assert not any(name in text for name in NAMES)


@pytest.mark.parametrize("time, ok", [("09:00", True), ("9h", True), ("14h30", True),
                                      ("14 H 30", True)])
def test_start_time_forms(time, ok):
    assert check_attendance_sheet(example_sheet(start_time=time)).ok is ok


@pytest.mark.parametrize("time", ["25:00", "9h75", "neuf heures", 900])
def test_bad_start_time_is_an_input_error(time):
    with pytest.raises(InputError) as error:
        check_attendance_sheet(example_sheet(start_time=time))
    assert error.value.path == "start_time"


def test_sheet_date_next_to_a_holiday_is_read_in_french_form():
    # Thursday 8 May 2025 is a public holiday; the sheet is still a sheet (the date is a fact)
    assert check_attendance_sheet(example_sheet(date="08/05/2025")).ok


# --- DOC-SHEET-COLL ---------------------------------------------------------------------------

LINE = {"surname": "X", "first_name": "Y", "signature": True, "absent": False}


def test_complete_collective_sheet_is_compliant():
    report = check_attendance_sheet(example_sheet("collective"))
    assert report.ok and not report.findings
    assert "PROG-GROUP-SIZE" in report.checked


@pytest.mark.parametrize("changes, expected", [
    ({"theme": None}, ["theme"]),
    ({"session_number": None}, ["session_number"]),
    ({"participants": []}, ["participants"]),
    ({"participants": [LINE] * 3 + [{**LINE, "signature": False}]},
     ["participants[3].signature"]),
    ({"participants": [LINE] * 3 + [{"surname": "X", "first_name": "Y", "absent": True}]}, []),
    ({"participants": [LINE] * 3 + [{"first_name": "Y", "signature": True}]},
     ["participants[3].surname"]),
])
def test_doc_sheet_coll_each_missing_mention(changes, expected):
    report = check_attendance_sheet(example_sheet("collective", **changes))
    assert paths(report, "DOC-SHEET-COLL") == expected


def test_collective_sheet_with_seven_participants_breaks_the_group_size():
    report = check_attendance_sheet(example_sheet("collective", participants=[LINE] * 7))
    finding = report.by_rule("PROG-GROUP-SIZE")[0]
    assert finding.severity is Severity.VIOLATION
    assert finding.message.startswith("l'atelier « Apprentissage des techniques de recherche "
                                      "d'emploi » compte 7 participants")


def test_collective_sheet_free_text_theme_is_not_echoed():
    report = check_attendance_sheet(example_sheet("collective", theme="Atelier chez Mme Ollivier",
                                                  participants=[LINE] * 8))
    assert report.by_rule("PROG-GROUP-SIZE")[0].message.startswith("l'atelier compte 8")
    assert "Ollivier" not in report.to_json()


def test_individual_sheet_ignores_collective_fields_and_vice_versa():
    with pytest.raises(InputError) as error:
        check_attendance_sheet(example_sheet(session_number=2))
    assert error.value.path == "session_number"
    with pytest.raises(InputError):
        check_attendance_sheet(example_sheet("collective", person=LINE))


def test_sheet_model_input():
    sheet = AttendanceSheet(kind="individual", date=dt.date(2025, 5, 13), place=True,
                            start_time=dt.time(9), duration_hours=2,
                            facilitator=Signatory(True, True, True),
                            person=Attendee(True, True, True, absent=False))
    assert check_attendance_sheet(sheet).ok
    with pytest.raises(InputError):
        AttendanceSheet(kind="mensuel")


# --- DOC-CONVOCATION ---------------------------------------------------------------------------

def test_complete_convocation_is_compliant():
    report = check_convocation(example_convocation())
    assert report.ok and not report.findings
    assert set(report.checked) == {"DOC-CONVOCATION", "COLL-ONLY-PRESCRIBED",
                                   "PROG-GROUP-SIZE", "PROG-COLL-HOURS"}


@pytest.mark.parametrize("changes, expected", [
    ({"spip": None}, ["spip"]),
    ({"establishment": None}, ["establishment"]),
    ({"theme": None}, ["theme"]),
    ({"dates": []}, ["dates"]),
    ({"duration_hours": None}, ["duration_hours"]),
    ({"participants": []}, ["participants"]),
])
def test_doc_convocation_each_missing_mention(changes, expected):
    report = check_convocation({**example_convocation(), **changes})
    assert paths(report, "DOC-CONVOCATION") == expected


@pytest.mark.parametrize("participant, expected", [
    ({"surname": None}, ["participants[4].surname"]),
    ({"cpip": {"surname": "X"}}, ["participants[4].cpip"]),
    ({"individual_followup": None}, ["participants[4].individual_followup"]),
    ({"other_workshops": None}, ["participants[4].other_workshops"]),
])
def test_doc_convocation_participant_mentions(participant, expected):
    report = check_convocation(example_convocation(**participant))
    assert paths(report, "DOC-CONVOCATION") == expected


def test_convocation_in_mo_needs_no_establishment():
    assert check_convocation({**example_convocation(), "setting": "community",
                              "establishment": None}).ok
    unknown = check_convocation({**example_convocation(), "setting": None, "establishment": None})
    assert unknown.ok and paths(unknown, "DOC-CONVOCATION", Severity.INFO) == ["setting"]


def test_convocation_workshop_size_and_duration():
    data = example_convocation()
    data["participants"] = data["participants"] * 2   # 10 participants
    data["duration_hours"] = 1.5
    report = check_convocation(data)
    assert report.by_rule("PROG-GROUP-SIZE")[0].found == 10
    assert report.by_rule("PROG-COLL-HOURS")[0].found == "1,5 h"


def test_convocation_dates_in_french_and_iso_forms():
    assert check_convocation({**example_convocation(),
                              "dates": ["03/06/2025", "2025-06-10T14:00:00+02:00"]}).ok


# --- END-BILAN-* -------------------------------------------------------------------------------

BILAN = {"kind": "final", "sections": ["programme_delivered", "career_plan",
                                       "action_plan"],
         "plain_language": True, "person_copy_has_justice_logo": False,
         "deposited_on_ipro360": True, "shared_with_partners": False}


def bilan(**changes):
    return check_bilan({**BILAN, **changes})


def test_complete_bilan_is_compliant():
    report = bilan()
    assert report.ok and not report.findings
    assert set(report.checked) == {"END-BILAN-CONTENT", "END-BILAN-LOGO", "END-BILAN-SHARING"}


@pytest.mark.parametrize("sections, missing", [
    (["programme_delivered", "career_plan"], 1),
    ([], 3),
    (["programme_delivered", "career_plan", "action_plan", "recommendations",
      "midway_bilan", "achievements"], 0),
])
def test_end_bilan_content_required_sections(sections, missing):
    assert len(bilan(sections=sections).by_rule("END-BILAN-CONTENT")) == missing


def test_end_bilan_content_collective_bilan_has_no_required_sections():
    assert bilan(kind="workshop", sections=[]).ok


def test_end_bilan_content_unknown_section_is_an_input_error():
    with pytest.raises(InputError) as error:
        bilan(sections=["programme_delivered", "CV de Mme Ollivier"])
    assert error.value.path == "sections[1]" and "Ollivier" not in str(error.value)


@pytest.mark.parametrize("changes, rule_id, severity", [
    ({"plain_language": False}, "END-BILAN-CONTENT", Severity.VIOLATION),
    ({"plain_language": None}, "END-BILAN-CONTENT", Severity.INFO),
    ({"person_copy_has_justice_logo": True}, "END-BILAN-LOGO", Severity.VIOLATION),
    ({"person_copy_has_justice_logo": None}, "END-BILAN-LOGO", Severity.INFO),
    ({"deposited_on_ipro360": False}, "END-BILAN-SHARING", Severity.VIOLATION),
    ({"shared_with_partners": True, "consent_to_share": False}, "END-BILAN-SHARING",
     Severity.VIOLATION),
    ({"shared_with_partners": True}, "END-BILAN-SHARING", Severity.WARNING),
    ({"shared_with_partners": None}, "END-BILAN-SHARING", Severity.INFO),
])
def test_end_bilan_rules(changes, rule_id, severity):
    findings = bilan(**changes).findings
    assert [(f.rule_id, f.severity) for f in findings] == [(rule_id, severity)]


def test_bilan_shared_with_consent_is_compliant():
    assert bilan(shared_with_partners=True, consent_to_share=True).ok


def test_bilan_model_input():
    model = Bilan(kind="final", sections=("programme_delivered", "career_plan",
                                          "action_plan"), plain_language=True,
                  person_copy_has_justice_logo=False, deposited_on_ipro360=True,
                  shared_with_partners=False)
    assert check_bilan(model).to_dict() == bilan().to_dict()


# --- DOC-DELIVERABLES -----------------------------------------------------------------------

ALL = ["poster", "presentation_sheets", "individual_bilans", "workshop_bilans"]


@pytest.mark.parametrize("data, expected", [
    ({"delivered": ALL, "bilan_templates_validated_by_spip": True,
      "bilan_templates_copied_to_disp": True}, []),
    ({"delivered": ALL[:3], "not_applicable": ["workshop_bilans"],
      "bilan_templates_validated_by_spip": True, "bilan_templates_copied_to_disp": True}, []),
    ({"delivered": ALL[1:], "bilan_templates_validated_by_spip": True,
      "bilan_templates_copied_to_disp": True}, [Severity.VIOLATION]),
    ({"delivered": ALL, "bilan_templates_validated_by_spip": False}, [Severity.VIOLATION,
                                                                      Severity.INFO]),
    ({}, [Severity.VIOLATION] * 4 + [Severity.INFO] * 2),
])
def test_doc_deliverables(data, expected):
    report = check_deliverables(data)
    assert [f.severity for f in report.by_rule("DOC-DELIVERABLES")] == expected


def test_unknown_deliverable_code_is_an_input_error():
    with pytest.raises(InputError) as error:
        check_deliverables({"delivered": ["poster", "flyer"]})
    assert error.value.path == "delivered[1]"
