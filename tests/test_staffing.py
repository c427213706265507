"""CCTP 6.7 staffing rules on rosters: scenarios per rule, boundaries, dates next to holidays."""

import datetime as dt
import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ppaip_rules import (
    DIJON,
    InputError,
    Report,
    Roster,
    Severity,
    check_roster,
    parameters_from_dict,
    read_roster,
    rules,
    run_check,
)
from ppaip_rules._roster_example import example_roster, with_facilitator
from ppaip_rules.staffing import (
    RULE_ORDER,
    Facilitator,
    StaffEvent,
    as_qualification,
    check_registry_number,
    luhn_ok,
    roster_schema,
)

D = dt.date
V, W, INFO = Severity.VIOLATION, Severity.WARNING, Severity.INFO
AS_OF = "2025-06-30"


def check(data, as_of=AS_OF, **kw) -> Report:
    return check_roster(data, as_of=as_of, **kw)


def severities(report: Report, rule_id: str) -> list[Severity]:
    return [f.severity for f in report.by_rule(rule_id)]


def rpps(n: int) -> str:
    """A synthetic RPPS number with a consistent Luhn key."""
    body = f"1{n:09d}"
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def team(psychologists: int, advisers: int, hours=None, fte=None) -> dict:
    """A lot-5 roster of given composition (no sites: only the share rules matter)."""
    people = []
    for i in range(psychologists):
        people.append({"id": f"P{i}", "role": "psychologue", "registry_number": rpps(i),
                       "weekly_hours": hours[0] if hours else None,
                       "fte": fte[0] if fte else None})
    for i in range(advisers):
        people.append({"id": f"C{i}", "role": "cip", "qualification": 5, "experience": True,
                       "weekly_hours": hours[1] if hours else None,
                       "fte": fte[1] if fte else None})
    for p in people:
        for k in [k for k, v in p.items() if v is None]:
            del p[k]
    return {"lot": 5, "market_start": "2025-03-03", "facilitators": people}


def test_the_example_roster_is_conforming_and_every_rule_is_checked():
    report = check(example_roster())
    assert report.findings == ()
    assert report.checked == RULE_ORDER


def test_every_documented_example_is_a_valid_roster_document():
    jsonschema = pytest.importorskip("jsonschema")
    schema = roster_schema()
    for r in rules("roster"):
        for example in r.examples:
            jsonschema.validate(example.data, schema)


def test_as_of_is_required_and_named():
    with pytest.raises(InputError) as error:
        check_roster(example_roster())
    assert error.value.path == "as_of"
    with pytest.raises(InputError) as error:
        run_check("roster", example_roster())
    assert error.value.path == "as_of"


def test_as_of_instant_is_taken_in_paris():
    # CIP-1 starts on 1 July without an authorisation: a violation from that day on.
    data = with_facilitator(1, start_on="2025-07-01")
    data["access"][1].update(requested_on="2025-05-20", granted_on=None)
    del data["access"][1]["granted_on"]
    late_evening_in_new_york = "2025-06-30T20:00:00-04:00"      # 1 July, 2:00 in Paris
    assert severities(check(data, as_of=late_evening_in_new_york), "STAFF-ACCESS") == [V]
    assert severities(check(data, as_of="2025-06-30T12:00:00-04:00"), "STAFF-ACCESS") == []


# --- STAFF-PSY-SHARE ------------------------------------------------------------------

@pytest.mark.parametrize("psy, cip, expected", [
    (3, 7, []),          # exactly 30 %: conforming
    (30, 70, []),
    (3, 8, [W]),         # 27.3 %: inside the tolerance band
    (5, 15, [W]),        # exactly 25 %: still inside the band
    (29, 71, [W]),       # one below 30 %
    (2, 8, [V]),         # 20 %
    (24, 76, [V]),       # one below the band
    (0, 5, [V]),
    (1, 0, []),
])
def test_staff_psy_share_by_headcount(psy, cip, expected):
    assert severities(check(team(psy, cip)), "STAFF-PSY-SHARE") == expected


def test_staff_psy_share_states_the_smallest_fix():
    [finding] = check(team(2, 8)).by_rule("STAFF-PSY-SHARE")
    assert "il manque 1 psychologue du travail pour atteindre 30 %" in finding.message.lower()
    assert "ajouter 2 psychologues du travail" in finding.message
    assert "2 psychologues du travail sur 10 intervenants" in finding.message


@given(st.integers(0, 25), st.integers(0, 40))
def test_staff_psy_share_fix_is_the_smallest_that_works(psy, cip):
    assume(psy + cip > 0)
    findings = check(team(psy, cip)).by_rule("STAFF-PSY-SHARE")
    if not findings:
        assert psy * 10 >= 3 * (psy + cip)
        return
    message = findings[0].message
    same = int(message.split("Il manque ")[1].split(" ")[0])
    assert same <= cip
    assert not check(team(psy + same, cip - same)).by_rule("STAFF-PSY-SHARE")
    assert check(team(psy + same - 1, cip - same + 1)).by_rule("STAFF-PSY-SHARE")
    added = int(message.split("ajouter ")[1].split(" ")[0])
    assert not check(team(psy + added, cip)).by_rule("STAFF-PSY-SHARE")
    assert check(team(psy + added - 1, cip)).by_rule("STAFF-PSY-SHARE")


@pytest.mark.parametrize("basis, psy_value, cip_value, expected", [
    ("hours", 35, 35, []),                 # 105 h of 350 h: exactly 30 %
    ("hours", 35, 15, []),
    ("hours", 17.5, 35, [V]),
    ("heures", 17.5, 35, [V]),
    ("fte", 1.0, 0.3, []),
    ("fte", 0.5, 1.0, [V]),
    ("etp", 0.5, 1.0, [V]),
])
def test_staff_psy_share_by_hours_or_fte(basis, psy_value, cip_value, expected):
    if basis in ("hours", "heures"):
        data = team(3, 7, hours=(psy_value, cip_value))
    else:
        data = team(3, 7, fte=(psy_value, cip_value))
    assert severities(check(data, basis=basis), "STAFF-PSY-SHARE") == expected


def test_staff_psy_share_by_hours_exactly_30_percent_and_the_band():
    # 1 psychologist at 30 h, 1 adviser at 70 h: exactly 30 % — then 29.5 h: in the band.
    assert not check(team(1, 1, hours=(30, 70)), basis="hours").by_rule("STAFF-PSY-SHARE")
    [f] = check(team(1, 1, hours=(29.5, 70)), basis="hours").by_rule("STAFF-PSY-SHARE")
    assert f.severity is W
    assert "Il manque 0,35 h hebdomadaires" in f.message
    assert "ou 0,5 h hebdomadaires en plus du volume actuel" in f.message


def test_staff_psy_share_by_fte_counts_decimals_exactly():
    # 0.3 + 0.7: exactly 30 % (binary floats would say 29.999…).
    assert not check(team(1, 1, fte=(0.3, 0.7)), basis="fte").by_rule("STAFF-PSY-SHARE")


def test_staff_psy_share_basis_needs_the_values():
    data = team(1, 1, hours=(30, 70))
    del data["facilitators"][1]["weekly_hours"]
    with pytest.raises(InputError) as error:
        check(data, basis="hours")
    assert error.value.path == "facilitators[1].weekly_hours"
    with pytest.raises(InputError) as error:
        check(team(1, 1), basis="per-capita")
    assert error.value.path == "basis"


def test_staff_psy_share_threshold_and_tolerance_are_parameters():
    params = parameters_from_dict({"psychologist_share_percent": 40,
                                   "psychologist_tolerance_points": 0})
    assert severities(check(team(3, 7), params=params), "STAFF-PSY-SHARE") == [V]
    assert severities(check(team(4, 6), params=params), "STAFF-PSY-SHARE") == []


def test_staff_psy_share_ignores_unregistered_departed_and_future_people():
    data = team(3, 7)
    data["facilitators"][0]["registry_number"] = "123"           # not counted
    [f] = check(data).by_rule("STAFF-PSY-SHARE")
    assert "1 psychologue sans numéro ADELI ou RPPS de forme valide n'est pas compté" in f.message
    data = team(3, 7)
    data["events"] = [{"facilitator": "C0", "kind": "depart", "start": "2025-06-01",
                       "replaced_on": "2025-06-02", "notified_disp_on": "2025-06-01",
                       "notified_spip_on": "2025-06-01"}]
    assert not check(data).by_rule("STAFF-PSY-SHARE")             # 3 of 9
    data["facilitators"][3]["start_on"] = "2025-09-01"           # an adviser arriving later
    assert not check(data).by_rule("STAFF-PSY-SHARE")
    [f] = check(team(0, 0)).by_rule("STAFF-PSY-SHARE")
    assert f.severity is V and "Aucun intervenant en poste" in f.message


def test_staff_psy_share_fix_without_advisers_to_replace():
    data = team(2, 0)
    for person in data["facilitators"]:
        person["registry_number"] = "12"                          # neither is counted
    [f] = check(data).by_rule("STAFF-PSY-SHARE")
    assert "remplacer" not in f.message and "ajouter 1 psychologue du travail" in f.message


def test_staff_psy_share_subcontractors_are_counted():
    data = team(1, 3)
    data["facilitators"][0]["employment"] = "sous-traitant"
    [f] = check(data).by_rule("STAFF-PSY-SHARE")
    assert "1 psychologue du travail sur 4 intervenants (sous-traitants inclus)" in f.message


# --- STAFF-PSY-REGISTRY ---------------------------------------------------------------

@pytest.mark.parametrize("number, declared, kind, valid, doubt", [
    ("219300017", None, "ADELI", True, False),
    ("21 93 0001 7", None, "ADELI", True, False),
    ("21.93.0001.7", "ADELI", "ADELI", True, False),
    ("219400017", None, "ADELI", False, False),      # profession 94: not a psychologist
    ("10000000017", None, "RPPS", True, False),
    ("10000000018", None, "RPPS", True, True),       # Luhn key inconsistent: a doubt only
    ("10000000017", "ADELI", "ADELI", False, False),  # declared ADELI, 11 digits
    ("219300017", "RPPS", "RPPS", False, False),
    ("21930001", None, None, False, False),          # 8 digits: a leading zero lost?
    ("2193000171", None, None, False, False),
    ("2193OOO17", None, None, False, False),         # letters O, not zeros
    ("", None, None, False, False),
    (None, None, None, False, False),
])
def test_registry_number_forms(number, declared, kind, valid, doubt):
    result = check_registry_number(number, declared)
    assert result.valid_form is valid
    assert (result.kind == kind) or not valid
    assert bool(result.doubts) is doubt
    assert result.checked


def test_luhn_known_vectors():
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")
    assert all(luhn_ok(rpps(n)) for n in range(50))


def test_registry_findings_say_what_was_checked_and_never_show_the_number():
    data = with_facilitator(0, registry="ADELI", registry_number="219400017")
    [f] = check(data).by_rule("STAFF-PSY-REGISTRY")
    assert f.severity is V and "« 93 »" in f.message and "clé finale non vérifiés" in f.message
    assert "219400017" not in json.dumps(f.to_dict())
    data = with_facilitator(0, registry_number="10000000018")
    [f] = check(data).by_rule("STAFF-PSY-REGISTRY")
    assert f.severity is W and "Luhn" in f.message
    assert "10000000018" not in json.dumps(f.to_dict())


def test_registry_missing_number_is_a_violation_and_a_lost_zero_is_explained():
    [f] = check(with_facilitator(0, registry=None, registry_number=None)).by_rule(
        "STAFF-PSY-REGISTRY")
    assert f.severity is V and "aucun numéro" in f.message
    [f] = check(with_facilitator(0, registry=None, registry_number="19300017")).by_rule(
        "STAFF-PSY-REGISTRY")
    assert "zéro initial" in f.message


def test_registry_digit_counts_are_parameters():
    params = parameters_from_dict({"rpps_digits": 12})
    assert check(example_roster(), params=params).by_rule("STAFF-PSY-REGISTRY")


def test_registry_number_must_be_text_in_json():
    with pytest.raises(InputError) as error:
        check(with_facilitator(0, registry_number=10000000017))
    assert error.value.path == "facilitators[0].registry_number"


# --- STAFF-QUALIF ---------------------------------------------------------------------

@pytest.mark.parametrize("given_level, level", [
    ("V", 3), ("IV", 4), ("III", 5), ("II", 6), ("I", 7), ("niveau III", 5), ("Niveau 5", 5),
    ("iii", 5), (5, 5), ("8", 8), ("2", 2),
])
def test_both_nomenclatures_map_to_the_new_levels(given_level, level):
    assert as_qualification(given_level, "q") == level


@pytest.mark.parametrize("bad", ["VI", "9", 0, 9, True, "bac+2", "", None, 5.0])
def test_unknown_qualification_level_is_an_input_error(bad):
    with pytest.raises(InputError):
        as_qualification(bad, "facilitators[1].qualification")


@pytest.mark.parametrize("level, experience, expected", [
    ("III", True, []),
    ("5", True, []),
    ("IV", True, [V]),
    ("4", True, [V]),
    ("II", False, [V]),
    ("III", None, [W]),
    (None, True, [W]),
    ("IV", False, [V, V]),
])
def test_staff_qualif(level, experience, expected):
    data = with_facilitator(1, qualification=level, experience=experience)  # None: removed
    assert severities(check(data), "STAFF-QUALIF") == expected


def test_staff_qualif_minimum_is_a_parameter_and_psychologists_are_exempt():
    params = parameters_from_dict({"min_qualification_level": 6})
    [f] = check(example_roster(), params=params).by_rule("STAFF-QUALIF")
    assert "CIP-1" in f.message and "niveau 6 (ancien niveau II)" in f.message
    assert not check(with_facilitator(0, qualification="IV")).by_rule("STAFF-QUALIF")


# --- STAFF-REPLACE (deadline) and STAFF-REPLACE-KIND -----------------------------------

def event_roster(start, replaced_on=None, *, kind="depart", end=None, notified=True,
                 replaced_by="CIP-2", role="cip", who="CIP-1", start_on=None):
    data = example_roster()
    data["facilitators"].append({"id": "CIP-2", "role": role, "qualification": 5,
                                 "experience": True, "registry_number": rpps(7),
                                 "sites": ["MA-DIJON"], **({"start_on": start_on}
                                                           if start_on else {})})
    data["access"].append({"facilitator": "CIP-2", "establishment": "MA-DIJON",
                           "requested_on": "2025-01-20", "granted_on": "2025-02-17"})
    event = {"facilitator": who, "kind": kind, "start": start}
    if end:
        event["end"] = end
    if replaced_by:
        event["replaced_by"] = replaced_by
    if replaced_on:
        event["replaced_on"] = replaced_on
    if notified:
        event.update(notified_disp_on=start, notified_spip_on=start,
                     notified_establishment_on=start)
    data["events"] = [event]
    return data


@pytest.mark.parametrize("start, replaced_on, expected", [
    ("2025-04-30", "2025-05-14", []),       # over 1 and 8 May: due Wed 14 May
    ("2025-04-30", "2025-05-15", [V]),
    ("2025-05-28", "2025-06-11", []),       # over Ascension (29 May) and Whit Monday (9 June)
    ("2025-05-28", "2025-06-12", [V]),
])
def test_staff_replace_within_10_jours_ouvrables(start, replaced_on, expected):
    report = check(event_roster(start, replaced_on), as_of="2025-07-31")
    assert severities(report, "STAFF-REPLACE") == expected


def test_staff_replace_tenth_jour_ouvrable_on_a_saturday():
    # Departure Tue 1 July 2025: the 10th jour ouvrable is Sat 12 July; extended past
    # Mon 14 July (holiday) to Tue 15 July.
    assert not check(event_roster("2025-07-01", "2025-07-15"),
                     as_of="2025-07-31").by_rule("STAFF-REPLACE")
    [f] = check(event_roster("2025-07-01", "2025-07-16"), as_of="2025-07-31").by_rule(
        "STAFF-REPLACE")
    assert f.expected == D(2025, 7, 15) and f.found == D(2025, 7, 16)
    assert any("samedi 12 juillet 2025 : samedi" in step for step in f.trace)
    assert "1 jour de retard" in f.message and f.message.startswith("Départ de l'intervenant")


@pytest.mark.parametrize("as_of, end, expected", [
    ("2025-07-16", None, [V]),              # no replacement, deadline passed
    ("2025-07-15", None, [INFO]),              # still in time: a reminder with the deadline
    ("2025-07-31", "2025-07-10", []),       # the absence ended before a replacement was due
    ("2025-07-31", "2025-07-20", [V]),
])
def test_staff_replace_without_replacement(as_of, end, expected):
    data = event_roster("2025-07-01", kind="absence-prolongee", end=end, replaced_by=None)
    report = check(data, as_of=as_of)
    assert severities(report, "STAFF-REPLACE") == expected
    assert all(f.trace for f in report.by_rule("STAFF-REPLACE"))


def test_staff_replace_short_absences_are_not_concerned():
    data = event_roster("2025-06-02", kind="absence-ponctuelle", replaced_by=None,
                        notified=False)
    assert not check(data).by_rule("STAFF-REPLACE")


def test_staff_replace_notifications_disp_spip_establishment():
    data = event_roster("2025-06-02", "2025-06-05", notified=False)
    [f] = check(data).by_rule("STAFF-REPLACE")
    assert "la DISP, le SPIP, l'établissement" in f.message
    data["events"][0]["notified_disp_on"] = "2025-06-01"
    data["events"][0]["notified_spip_on"] = "2025-06-01"
    [f] = check(data).by_rule("STAFF-REPLACE")
    assert "non signalé à l'établissement" in f.message
    # A facilitator working only in the community: no establishment to inform.
    data["facilitators"][1]["sites"] = ["MO-MACON"]
    data["access"] = [a for a in data["access"] if a["facilitator"] != "CIP-1"]
    assert not check(data).by_rule("STAFF-REPLACE")
    # A planned absence that has not begun yet: nothing to say about notifications.
    assert not check(event_roster("2025-07-07", "2025-07-08", notified=False),
                     as_of="2025-06-30").by_rule("STAFF-REPLACE")


def test_staff_replace_date_taken_from_the_replacements_start():
    data = event_roster("2025-04-30", start_on="2025-05-15")
    assert severities(check(data), "STAFF-REPLACE") == [V]
    data = event_roster("2025-04-30")                     # no date at all
    assert severities(check(data), "STAFF-REPLACE") == [W]


@pytest.mark.parametrize("gone, new, fires", [
    ("PSY-1", "cip", True),
    ("PSY-1", "psychologue", False),
    ("CIP-1", "psychologue", False),
    ("CIP-1", "cip", False),
])
def test_staff_replace_kind(gone, new, fires):
    data = event_roster("2025-04-30", "2025-05-12", who=gone, role=new)
    assert bool(check(data).by_rule("STAFF-REPLACE-KIND")) is fires


def test_staff_replace_kind_also_for_an_absence():
    data = event_roster("2025-04-30", "2025-05-12", who="PSY-1", kind="absence-programmee")
    assert check(data).by_rule("STAFF-REPLACE-KIND")


# --- STAFF-SUBSTITUTE -------------------------------------------------------------------

def test_staff_substitute_none_designated_before_and_after_the_start():
    data = with_facilitator(2, substitute=False)
    assert severities(check(data), "STAFF-SUBSTITUTE") == [V]
    assert severities(check(data, as_of="2025-02-01"), "STAFF-SUBSTITUTE") == [W]


def test_staff_substitute_needs_an_authorisation_for_every_establishment():
    data = example_roster()
    data["establishments"].append({"id": "CP-VARENNES", "departement": "71",
                                   "coordinator": "CIP-1"})
    data["facilitators"][1]["sites"].append("CP-VARENNES")
    data["access"].append({"facilitator": "CIP-1", "establishment": "CP-VARENNES",
                           "requested_on": "2025-01-20", "granted_on": "2025-02-17"})
    data["access"].append({"facilitator": "SUP-1", "establishment": "CP-VARENNES",
                           "requested_on": "2025-01-20"})
    [f] = check(data).by_rule("STAFF-SUBSTITUTE")
    assert "CP-VARENNES" in f.message and "demande déposée le lundi 20 janvier 2025" in f.message
    data["access"][-1]["granted_on"] = "2025-07-01"              # granted after the check day
    assert check(data).by_rule("STAFF-SUBSTITUTE")
    data["access"][-1]["granted_on"] = "2025-06-30"
    assert not check(data).by_rule("STAFF-SUBSTITUTE")


def test_staff_substitute_list_kept_up_to_date():
    data = example_roster(substitute_list_sent_on=None)
    del data["substitute_list_sent_on"]
    [f] = check(data).by_rule("STAFF-SUBSTITUTE")
    assert f.path == "substitute_list_sent_on"
    data = example_roster()
    data["events"] = [{"facilitator": "SUP-1", "kind": "depart", "start": "2025-05-02",
                       "replaced_on": "2025-05-05", "notified_disp_on": "2025-05-02",
                       "notified_spip_on": "2025-05-02"}]
    messages = [f.message for f in check(data).by_rule("STAFF-SUBSTITUTE")]
    assert any("a quitté l'équipe le vendredi 2 mai 2025" in m for m in messages)
    assert any("Aucun suppléant désigné" in m for m in messages)


def test_staff_substitute_without_a_psychologist_is_a_warning():
    data = with_facilitator(2, role="cip", registry=None, registry_number=None,
                            qualification=5, experience=True)
    assert severities(check(data), "STAFF-SUBSTITUTE") == [W]


# --- STAFF-COORDINATOR -------------------------------------------------------------------

def test_staff_coordinator_cases():
    data = example_roster()
    data["establishments"][0]["coordinator"] = "SUP-1"          # works elsewhere
    assert severities(check(data), "STAFF-COORDINATOR") == [W]
    data = example_roster()
    data["events"] = [{"facilitator": "PSY-1", "kind": "depart", "start": "2025-06-02",
                       "replaced_on": "2025-06-03", "notified_disp_on": "2025-06-02",
                       "notified_spip_on": "2025-06-02", "notified_establishment_on":
                       "2025-06-02"}]
    [f] = check(data).by_rule("STAFF-COORDINATOR")
    assert f.severity is V and "a quitté l'équipe le lundi 2 juin 2025" in f.message
    assert severities(check(data, as_of="2025-06-01"), "STAFF-COORDINATOR") == []
    data = example_roster(establishments=[], access=[])
    for person in data["facilitators"]:
        person["sites"] = [s for s in person["sites"] if s.startswith("MO-")]
    assert severities(check(data), "STAFF-COORDINATOR") == [W]


def test_staff_coordinator_must_be_a_known_facilitator():
    data = example_roster()
    data["establishments"][0]["coordinator"] = "NOBODY"
    with pytest.raises(InputError) as error:
        check(data)
    assert error.value.path == "establishments[0].coordinator"


# --- STAFF-ACCESS (deadline) ---------------------------------------------------------------

def start_roster(market_start, requested_on, granted_on=None):
    data = example_roster(market_start=market_start)
    for access in data["access"]:
        access["requested_on"] = requested_on
        access["granted_on"] = granted_on or market_start
    return data


@pytest.mark.parametrize("market_start, requested_on, late", [
    ("2025-03-31", "2025-02-28", False),    # a start on the 31st: one month before is 28 Feb
    ("2025-03-31", "2025-03-01", True),
    ("2024-03-31", "2024-02-29", False),    # leap year
    ("2024-03-31", "2024-03-01", True),
    ("2025-09-01", "2025-08-01", False),    # 1 August: a Friday; never moved forward
    ("2025-09-01", "2025-08-02", True),
    ("2025-06-01", "2025-05-01", False),    # 1 May (holiday) is still the latest date
])
def test_staff_access_one_month_before_the_start(market_start, requested_on, late):
    report = check(start_roster(market_start, requested_on), as_of="2025-12-31")
    findings = report.by_rule("STAFF-ACCESS")
    assert bool(findings) is late
    if late:
        assert len(findings) == 3 and all(f.severity is V for f in findings)
        assert any("à rebours" in step for step in findings[0].trace)
        assert "après l'échéance" in findings[0].message


def test_staff_access_start_on_the_31st_trace_names_the_shorter_month():
    [f, *_] = check(start_roster("2025-03-31", "2025-03-01"), as_of="2025-12-31").by_rule(
        "STAFF-ACCESS")
    assert f.expected == D(2025, 2, 28)
    assert any("vendredi 28 février 2025" in step for step in f.trace)


def test_staff_access_uses_the_facilitators_own_start():
    data = with_facilitator(1, start_on="2025-05-12")
    data["access"][1].update(requested_on="2025-04-14", granted_on="2025-05-06")
    [f] = check(data).by_rule("STAFF-ACCESS")
    assert f.expected == D(2025, 4, 12) and "2 jours de retard" in f.message


@pytest.mark.parametrize("as_of, expected", [
    ("2025-02-03", [INFO]),                    # still in time: reminder
    ("2025-02-04", [V]),                    # deadline passed
])
def test_staff_access_missing_request(as_of, expected):
    data = example_roster()
    data["access"][1] = {"facilitator": "CIP-1", "establishment": "MA-DIJON"}
    assert severities(check(data, as_of=as_of), "STAFF-ACCESS") == expected


def test_staff_access_id_document_grant_and_criminal_record():
    data = example_roster()
    data["access"][1]["id_document"] = False
    assert severities(check(data), "STAFF-ACCESS") == [V]
    data = example_roster()
    del data["access"][1]["granted_on"]
    [f] = check(data).by_rule("STAFF-ACCESS")
    assert "sans autorisation préalable" in f.message
    data = example_roster()
    data["access"][1]["granted_on"] = "2025-03-10"
    assert severities(check(data), "STAFF-ACCESS") == [W]
    assert severities(check(with_facilitator(1, criminal_record_clean=False)),
                      "STAFF-ACCESS") == [V]
    assert severities(check(with_facilitator(1, criminal_record_clean=None)),
                      "STAFF-ACCESS") == [W]


def test_staff_access_substitute_for_every_establishment_and_mo_only_people_exempt():
    data = example_roster()
    data["access"] = [a for a in data["access"] if a["facilitator"] != "SUP-1"]
    [f] = check(data).by_rule("STAFF-ACCESS")
    assert "SUP-1" in f.message and f.severity is V
    data = with_facilitator(1, sites=["MO-MACON"], criminal_record_clean=None)
    data["access"] = [a for a in data["access"] if a["facilitator"] != "CIP-1"]
    assert not check(data).by_rule("STAFF-ACCESS")


def test_access_grant_before_request_is_an_input_error():
    data = example_roster()
    data["access"][0]["granted_on"] = "2025-01-01"
    with pytest.raises(InputError) as error:
        check(data)
    assert error.value.path == "access[0].granted_on"


# --- STAFF-TEAM-AT-START ----------------------------------------------------------------

def test_staff_team_at_start():
    data = with_facilitator(1, start_on="2025-04-01")
    data["access"][1]["granted_on"] = "2025-03-20"
    assert severities(check(data), "STAFF-TEAM-AT-START") == [V]
    assert severities(check(data, as_of="2025-02-15"), "STAFF-TEAM-AT-START") == [W]
    assert severities(check(with_facilitator(1, cv_sent=False)), "STAFF-TEAM-AT-START") == [V]
    assert severities(check(with_facilitator(1, cv_sent=None)), "STAFF-TEAM-AT-START") == []
    empty = example_roster(facilitators=[], access=[])
    del empty["establishments"][0]["coordinator"]
    messages = [f.message for f in check(empty).by_rule("STAFF-TEAM-AT-START")]
    assert messages[0].startswith("Aucun intervenant en poste au démarrage")
    assert len(messages) == 4


# --- the model and the input ---------------------------------------------------------------

@pytest.mark.parametrize("change, path", [
    (lambda d: d["facilitators"][0]["sites"].append("NOWHERE"), "facilitators[0].sites[2]"),
    (lambda d: d["facilitators"].append(dict(d["facilitators"][0])), "facilitators[3].id"),
    (lambda d: d["premises"].append({"id": "MA-DIJON", "departement": "21"}), "premises[2].id"),
    (lambda d: d["access"].append(dict(d["access"][0])), "access[3]"),
    (lambda d: d["access"].append({"facilitator": "PSY-1", "establishment": "MO-DIJON"}),
     "access[3].establishment"),
    (lambda d: d["events"].append({"facilitator": "PSY-1", "kind": "depart",
                                   "start": "2025-05-02", "replaced_by": "PSY-1"}),
     "events[0].replaced_by"),
    (lambda d: d["events"].append({"facilitator": "PSY-1", "kind": "absence-programmee",
                                   "start": "2025-05-02", "end": "2025-05-01"}),
     "events[0].end"),
    (lambda d: d["events"].append({"facilitator": "PSY-1", "kind": "conge",
                                   "start": "2025-05-02"}), "events[0].kind"),
    (lambda d: d["facilitators"][0].update(id="Jean Dupont"), "facilitators[0].id"),
    (lambda d: d["facilitators"][0].update(nom="Dupont"), "facilitators[0].?"),
    (lambda d: d.update(lot=9), "lot"),
    (lambda d: d.update(market_start="1999-01-01"), "market_start"),
    (lambda d: d.update(departements=["99"]), "departements[0]"),
    (lambda d: d["facilitators"][0].update(weekly_hours=-1), "facilitators[0].weekly_hours"),
])
def test_bad_rosters_are_input_errors_naming_the_field(change, path):
    data = example_roster()
    change(data)
    with pytest.raises(InputError) as error:
        check(data)
    assert error.value.path == path
    assert "Dupont" not in str(error.value)


def test_the_attrs_model_is_accepted_and_validated():
    roster = read_roster(example_roster())
    assert isinstance(roster, Roster)
    assert check(roster).to_dict() == check(example_roster()).to_dict()
    with pytest.raises(InputError) as error:
        Facilitator(id="X", role="medecin")
    assert error.value.path == "role"
    with pytest.raises(InputError):
        StaffEvent(facilitator="X", kind="depart", start="2025-05-02")
    with pytest.raises(InputError) as error:
        Roster(lot=5, market_start=D(2025, 3, 3),
               facilitators=[Facilitator(id="A", role="cip", sites=("NOWHERE",))])
    assert error.value.path == "facilitators[0].sites[0]"


def test_parameters_of_another_contract_are_used():
    params = parameters_from_dict({"mo_premises_capacity": 10})
    assert check(example_roster(), params=params).by_rule("PREM-MO")
    assert not check(example_roster(), params=DIJON).by_rule("PREM-MO")


_TEXT = st.text(alphabet="QZXWJKqzxwjk é;,\"'", min_size=5, max_size=12).filter(
    lambda t: sum(c.isalpha() for c in t) >= 4)


def _places(data):
    for key in ("lot", "market_start", "substitute_list_sent_on"):
        yield data, key
    for section in ("establishments", "facilitators", "access", "events", "premises"):
        for item in data[section]:
            for key in list(item):
                yield item, key


@given(st.data())
def test_any_bad_value_gives_an_input_error_or_a_report_and_is_never_echoed(data):
    roster = event_roster("2025-05-02", "2025-05-12")
    places = list(_places(roster))
    target, key = data.draw(st.sampled_from(places))
    value = data.draw(st.one_of(_TEXT, st.integers(-10**20, 10**20), st.floats(),
                                st.booleans(), st.none(), st.lists(_TEXT, max_size=2),
                                st.dictionaries(_TEXT, st.integers(), max_size=1)))
    target[key] = value
    try:
        report = check(roster)
    except InputError as error:
        if isinstance(value, str):
            assert value not in str(error)
    else:
        assert isinstance(report, Report)
