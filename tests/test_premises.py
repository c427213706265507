"""PREM-MO (CCTP 6.8): a compliant reception place in each département of the lot."""

import pytest

from ppaip_rules import InputError, Severity, check_roster, parameters_from_dict
from ppaip_rules._roster_example import example_roster

V, W, INFO = Severity.VIOLATION, Severity.WARNING, Severity.INFO


def places(*changes, departements=None):
    data = example_roster()
    for i, change in changes:
        if change is None:
            data["premises"].pop(i)
        else:
            data["premises"][i].update(change)
    known = {p["id"] for p in data["premises"]} | {"MA-DIJON"}
    for person in data["facilitators"]:
        person["sites"] = [s for s in person["sites"] if s in known]
    if departements:
        data["departements"] = departements
    return data


def prem(data, **kw):
    return [f.severity for f in check_roster(data, as_of="2025-06-30", **kw).by_rule("PREM-MO")]


@pytest.mark.parametrize("changes, expected", [
    ((), []),
    (((1, None),), [V]),                                    # no place in Saône-et-Loire (71)
    (((1, {"capacity": 6}),), []),                          # exactly 6
    (((1, {"capacity": 5}),), [V]),                         # one below
    (((0, {"public_transport": False}),), [V]),
    (((0, {"erp_compliant": False}),), [V]),
    (((0, {"sent_to_spip": False}), (1, {"sent_to_disp": False})), [V, V]),
    (((0, {"departement": "58"}),), [V, W]),                # 21 uncovered; 58 not in lot 5
])
def test_prem_mo_scenarios(changes, expected):
    assert prem(places(*changes)) == expected


@pytest.mark.parametrize("field", ["public_transport", "erp_compliant", "capacity",
                                   "sent_to_spip", "sent_to_disp"])
def test_prem_mo_unknown_criterion_is_a_missing_fact_not_a_warning(field):
    # Revised reading (RULES.md "Missing facts"): information, and the report is incomplete.
    data = places()
    del data["premises"][0][field]
    assert prem(data) == [INFO]
    report = check_roster(data, as_of="2025-06-30")
    [f] = report.by_rule("PREM-MO")
    assert f.missing and f.path == f"premises[0].{field}"
    assert report.verdict == "incomplet" and report.missing_facts == 1


def test_prem_mo_message_names_the_departement_and_its_spip():
    data = places((1, None))
    [f] = check_roster(data, as_of="2025-06-30").by_rule("PREM-MO")
    assert "département 71 (SPIP de Saône-et-Loire)" in f.message


def test_prem_mo_lot_6_has_four_departements():
    data = places()
    data["lot"] = 6
    data["establishments"][0]["departement"] = "25"
    for i, dep in enumerate(("25", "39")):
        data["premises"][i]["departement"] = dep
    severities = prem(data)
    assert severities == [V, V]                             # 70 and 90 uncovered


def test_prem_mo_departements_of_the_roster_override_the_lot():
    assert prem(places(departements=["21"])) == [W]        # 71 is now outside the lot
    assert prem(places((1, None), departements=["21"])) == []


def test_prem_mo_capacity_is_a_parameter():
    params = parameters_from_dict({"mo_premises_capacity": 7})
    assert prem(places(), params=params) == [V]             # Dijon holds 6


@pytest.mark.parametrize("change, path", [
    ({"departement": "96"}, "premises[0].departement"),
    ({"departement": 21}, "premises[0].departement"),
    ({"capacity": -1}, "premises[0].capacity"),
    ({"capacity": "6"}, "premises[0].capacity"),
    ({"erp_compliant": "oui"}, "premises[0].erp_compliant"),
    ({"adresse": "1 rue X"}, "premises[0].?"),
])
def test_prem_mo_bad_places_are_input_errors(change, path):
    with pytest.raises(InputError) as error:
        check_roster(places((0, change)), as_of="2025-06-30")
    assert error.value.path == path
    assert "rue X" not in str(error.value)


# --- PREM-MO-HOURS (CCTP 6.4) ------------------------------------------------------------

def hours(**change):
    data = places()
    for key, value in change.items():
        if value is None:
            del data["premises"][1][key]
        else:
            data["premises"][1][key] = value
    return [f.severity for f in check_roster(data, as_of="2025-06-30").by_rule("PREM-MO-HOURS")]


@pytest.mark.parametrize("change, expected", [
    ({}, []),
    ({"opening_days": ["samedi"], "opening_hours": ["08:00-08:01"]}, []),
    ({"opening_hours": []}, [V]),                        # stated: none
    ({"opening_days": []}, [V]),
    ({"opening_days": [], "opening_hours": []}, [V, V]),
    ({"opening_hours": None}, [INFO]),                   # not stated: missing fact
    ({"opening_days": None, "opening_hours": None}, [INFO, INFO]),
])
def test_prem_mo_hours_scenarios(change, expected):
    assert hours(**change) == expected


@pytest.mark.parametrize("change, path", [
    ({"opening_days": ["lundy"]}, "premises[1].opening_days[0]"),
    ({"opening_hours": ["12:00-09:00"]}, "premises[1].opening_hours[0]"),
    ({"opening_hours": ["09:00-09:00"]}, "premises[1].opening_hours[0]"),
    ({"opening_hours": ["9-12"]}, "premises[1].opening_hours[0]"),
    ({"opening_hours": ["24:00-25:00"]}, "premises[1].opening_hours[0]"),
    ({"opening_hours": "09:00-12:00"}, "premises[1].opening_hours"),
])
def test_prem_mo_hours_bad_values_are_input_errors(change, path):
    data = places()
    data["premises"][1].update(change)
    with pytest.raises(InputError) as error:
        check_roster(data, as_of="2025-06-30")
    assert error.value.path == path
