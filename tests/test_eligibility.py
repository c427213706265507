"""Eligibility and entry (CCTP 3, 5, 6.1-1, 6.2 B): scenarios per rule, boundaries, verdict."""

import datetime as dt

import pytest

from ppaip_rules import (
    DIJON,
    InputError,
    Severity,
    check_convocation,
    check_eligibility,
    check_orientation,
    parameters_from_dict,
)
from ppaip_rules.calendar import age_on
from ppaip_rules.documents import example_convocation
from ppaip_rules.eligibility import CRITERIA, Person, Prescription, prescription_flags

PERSON = {"id": "P-1", "birth_date": "1990-03-01", "status": "convicted",
          "followed_by_spip": True, "volunteer": True, "needs_support": True, "setting": "custody"}
RX = {"date": "2025-05-15", "prescriber_role": "cpip", "channel": "ipro360"}


def check(person=None, prescription=RX, **changes):
    return check_eligibility({**PERSON, **(person or {}), **changes}, prescription)


def ids(report, severity=Severity.VIOLATION):
    return sorted({f.rule_id for f in report.findings if f.severity is severity})


# --- age_on (calendar) --------------------------------------------------------------

@pytest.mark.parametrize("birth, day, age", [
    ("2007-05-15", "2025-05-15", 18),   # the 18th birthday itself
    ("2007-05-16", "2025-05-15", 17),   # the day before
    ("2007-05-14", "2025-05-15", 18),
    ("2008-02-29", "2026-02-28", 17),   # born 29 February, non-leap year: not yet
    ("2008-02-29", "2026-03-01", 18),   # ... of age on 1 March
    ("2008-02-29", "2028-02-29", 20),   # leap year: on the day itself
    ("2007-12-31", "2026-01-01", 18),
    ("2025-05-15", "2025-05-15", 0),
])
def test_age_on_counts_completed_years(birth, day, age):
    assert age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(day)) == age


# --- ELIG-ADULT ------------------------------------------------------------------------

@pytest.mark.parametrize("birth, rx_date, fires", [
    ("2007-05-15", "2025-05-15", False),   # exactly 18 on the prescription date: eligible
    ("2007-05-16", "2025-05-15", True),    # 18 the next day
    ("2008-02-29", "2026-02-28", True),    # 29 February: 18 on 1 March in 2026
    ("2008-02-29", "2026-03-01", False),
    ("1950-01-01", "2025-01-02", False),   # 2 January: next to the New Year holiday
])
def test_elig_adult_on_the_prescription_date(birth, rx_date, fires):
    report = check({"birth_date": birth}, {**RX, "date": rx_date})
    assert bool(report.by_rule("ELIG-ADULT")) is fires


def test_elig_adult_minor_finding_names_the_field_never_the_birth_date_nor_the_age():
    finding = check({"birth_date": "2009-11-23"}).by_rule("ELIG-ADULT")[0]
    assert finding.path == "person.birth_date"
    assert finding.found == "moins de 18 ans"
    text = finding.format()
    assert "2009" not in text and "23" not in text and "15 ans" not in text


def test_elig_adult_age_of_majority_is_a_contract_parameter():
    variant = parameters_from_dict({"age_of_majority": 21})
    report = check_eligibility({**PERSON, "birth_date": "2005-01-01"}, RX, variant)
    assert report.by_rule("ELIG-ADULT")


def test_elig_adult_without_birth_date_or_prescription_date_is_information():
    no_birth = check(birth_date=None).by_rule("ELIG-ADULT")
    no_date = check(prescription={**RX, "date": None}).by_rule("ELIG-ADULT")
    for findings in (no_birth, no_date):
        assert [f.severity for f in findings] == [Severity.INFO]
        assert findings[0].message.startswith("information manquante")


def test_birth_date_after_the_prescription_is_an_input_error_without_the_date():
    with pytest.raises(InputError) as error:
        check({"birth_date": "2025-06-01"})
    assert error.value.path == "person.birth_date"
    assert "2025-06-01" not in str(error.value)


# --- ELIG-STATUS, VOLUNTEER, NEED ----------------------------------------------------------

@pytest.mark.parametrize("changes, rule_id, path", [
    ({"status": "other"}, "ELIG-STATUS", "person.status"),
    ({"followed_by_spip": False}, "ELIG-STATUS", "person.followed_by_spip"),
    ({"volunteer": False}, "ELIG-VOLUNTEER", "person.volunteer"),
    ({"needs_support": False}, "ELIG-NEED", "person.needs_support"),
])
def test_each_unmet_criterion_is_a_violation_on_its_field(changes, rule_id, path):
    report = check(changes)
    assert ids(report) == [rule_id]
    assert [f.path for f in report.by_rule(rule_id)] == [path]


@pytest.mark.parametrize("status", ["pre_trial", "prévenue", "Condamné", "condamnee"])
def test_elig_status_accepts_french_spellings(status):
    assert check(status=status).ok


def test_elig_status_unknown_code_is_an_input_error_naming_the_choices():
    with pytest.raises(InputError) as error:
        check(status="Jean Dupont")
    assert error.value.path == "person.status"
    assert "Jean" not in str(error.value) and "pre_trial" in error.value.expected


@pytest.mark.parametrize("field, rule_id", [
    ("status", "ELIG-STATUS"), ("followed_by_spip", "ELIG-STATUS"),
    ("volunteer", "ELIG-VOLUNTEER"), ("needs_support", "ELIG-NEED"),
])
def test_a_missing_fact_is_information_not_a_guess(field, rule_id):
    report = check(**{field: None})
    assert report.ok
    assert [f.severity for f in report.by_rule(rule_id)] == [Severity.INFO]


# --- ELIG-PRESCRIBED -------------------------------------------------------------------------

@pytest.mark.parametrize("prescription, found", [
    ({**RX, "prescriber_role": "provider"}, ["le titulaire"]),
    ({**RX, "prescriber_role": "other"}, ["autre prescripteur"]),
    ({**RX, "channel": "email"}, ["courriel"]),
    ({**RX, "prescriber_role": "provider", "channel": "other"}, ["le titulaire", "autre canal"]),
    (None, ["aucune"]),
])
def test_elig_prescribed_violations(prescription, found):
    findings = check(prescription=prescription).by_rule("ELIG-PRESCRIBED")
    assert [f.found for f in findings] == found
    assert all(f.severity is Severity.VIOLATION for f in findings)


@pytest.mark.parametrize("role", ["cpip", "social_worker", "CPIP"])
def test_elig_prescribed_by_the_spip_on_ipro360(role):
    assert not check(prescription={**RX, "prescriber_role": role}).by_rule("ELIG-PRESCRIBED")


def test_elig_prescribed_is_reusable_by_other_checks():
    from ppaip_rules import get_rule

    flags = list(prescription_flags(Prescription(dt.date(2025, 5, 2), "provider", "ipro360")))
    finding = get_rule("ELIG-PRESCRIBED").finding(flags[0])
    assert finding.rule_id == "ELIG-PRESCRIBED" and finding.clause == "CCTP 5, 6.1-2"


# --- ELIG-RESIDENCE-MO, ELIG-NO-DUPLICATE-MO ---------------------------------------------------

@pytest.mark.parametrize("setting, regular, duplicate, expected", [
    ("custody", False, True, []),                      # neither applies in prison
    ("community", True, False, []),
    ("community", False, False, ["ELIG-RESIDENCE-MO"]),
    ("community", True, True, ["ELIG-NO-DUPLICATE-MO"]),
    ("community", False, True, ["ELIG-NO-DUPLICATE-MO", "ELIG-RESIDENCE-MO"]),
])
def test_mo_conditions(setting, regular, duplicate, expected):
    report = check(setting=setting, regular_residence=regular,
                   global_support_association=duplicate)
    assert ids(report) == expected


def test_mo_conditions_with_unknown_setting_are_information():
    report = check(setting=None, regular_residence=False, global_support_association=True)
    assert report.ok
    assert {f.rule_id for f in report.findings if f.severity is Severity.INFO} >= {
        "ELIG-RESIDENCE-MO", "ELIG-NO-DUPLICATE-MO"}


def test_mo_facts_missing_in_mo_are_information():
    report = check(setting="community")
    assert report.ok
    assert ids(report, Severity.INFO) == ["ELIG-CUMULATIVE", "ELIG-NO-DUPLICATE-MO",
                                          "ELIG-RESIDENCE-MO"]


# --- ELIG-CUMULATIVE --------------------------------------------------------------------------

def test_elig_cumulative_verdict_names_every_unmet_criterion():
    report = check({"birth_date": "2010-01-01", "volunteer": False, "needs_support": False,
                    "setting": "community", "regular_residence": False,
                    "global_support_association": True},
                   prescription={**RX, "prescriber_role": "provider"})
    unmet = ["ELIG-ADULT", "ELIG-VOLUNTEER", "ELIG-NEED", "ELIG-PRESCRIBED",
             "ELIG-RESIDENCE-MO", "ELIG-NO-DUPLICATE-MO"]
    assert ids(report) == sorted(unmet)
    verdict = report.by_rule("ELIG-CUMULATIVE")
    assert len(verdict) == 1 and verdict[0].severity is Severity.INFO
    assert verdict[0].found == unmet   # in the order of the contract
    assert "6 critères non remplis sur 7" in verdict[0].message
    assert report.findings[-1] is verdict[0]


def test_elig_cumulative_says_nothing_when_every_criterion_is_met():
    report = check()
    assert report.ok and not report.findings
    assert set(CRITERIA) | {"ELIG-CUMULATIVE"} == set(report.checked)


def test_elig_cumulative_when_only_facts_are_missing():
    verdict = check(volunteer=None).by_rule("ELIG-CUMULATIVE")
    assert verdict[0].found == ["ELIG-VOLUNTEER"]
    assert "non établie" in verdict[0].message


# --- models --------------------------------------------------------------------------------

def test_models_are_accepted_as_well_as_dicts():
    person = Person(id="P-1", birth_date=dt.date(1990, 3, 1), status="convicted",
                    followed_by_spip=True, volunteer=True, needs_support=True, setting="custody")
    rx = Prescription(dt.date(2025, 5, 15), "cpip", "ipro360")
    assert check_eligibility(person, rx).to_dict() == check().to_dict()


def test_person_repr_hides_the_birth_date():
    person = Person(id="P-1", birth_date=dt.date(1990, 3, 1))
    assert "1990" not in repr(person)


@pytest.mark.parametrize("kwargs, field", [
    ({"birth_date": "1990-03-01"}, "birth_date"),
    ({"birth_date": dt.datetime(1990, 3, 1)}, "birth_date"),
    ({"volunteer": "yes"}, "volunteer"),
    ({"setting": "XX"}, "setting"),
])
def test_a_bad_model_raises_the_library_input_error(kwargs, field):
    with pytest.raises(InputError) as error:
        Person(**kwargs)
    assert error.value.path == field


@pytest.mark.parametrize("person, path", [
    ({**PERSON, "birth_date": "31/02/1990"}, "person.birth_date"),
    ({**PERSON, "volunteer": "oui"}, "person.volunteer"),
    ({**PERSON, "nom": "Dupont"}, "person.?"),
    ("Dupont", "person"),
])
def test_dict_errors_name_the_path(person, path):
    with pytest.raises(InputError) as error:
        check_eligibility(person, RX)
    assert error.value.path == path
    assert "Dupont" not in str(error.value)


# --- ORIENT-SOURCE ------------------------------------------------------------------------

@pytest.mark.parametrize("request_, expected", [
    ({"source": "person", "channel": "ipro360"}, []),
    ({"source": "sep", "channel": "email", "ipro_unavailable": True}, []),
    ({"source": "sep", "channel": "email", "ipro_unavailable": False}, [Severity.VIOLATION]),
    ({"source": "sep", "channel": "email"}, [Severity.INFO]),
    ({"source": "sep", "channel": "other"}, [Severity.VIOLATION]),
    ({"source": "other", "channel": "ipro360"}, [Severity.WARNING]),
    ({}, [Severity.INFO, Severity.INFO]),
])
def test_orient_source(request_, expected):
    report = check_orientation(request_)
    assert [f.severity for f in report.by_rule("ORIENT-SOURCE")] == expected


def test_every_source_of_the_contract_list_is_accepted():
    for item in DIJON.orientation_sources:
        assert check_orientation({"source": item.code, "channel": "ipro360"}).ok


# --- COLL-ONLY-PRESCRIBED ------------------------------------------------------------------

@pytest.mark.parametrize("participant, expected", [
    ({}, []),
    ({"individual_followup": False, "prescribed": True}, []),
    ({"individual_followup": False, "prescribed": False}, [Severity.VIOLATION]),
    ({"individual_followup": True, "prescribed": False}, [Severity.VIOLATION]),
    ({"prescribed": None}, [Severity.INFO]),
])
def test_coll_only_prescribed(participant, expected):
    report = check_convocation(example_convocation(**participant))
    findings = report.by_rule("COLL-ONLY-PRESCRIBED")
    assert [f.severity for f in findings] == expected
    if expected == [Severity.VIOLATION]:
        assert findings[0].path == "participants[4].prescribed"
        alone = participant["individual_followup"] is False
        assert ("pas de PPAIP individuel" in findings[0].message) is alone
