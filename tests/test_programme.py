"""The programme proposal (CCTP 6.1-3, 6.2 A, 6.2 B, 6.3, 6.6): scenarios and boundaries."""

import datetime as dt

import pytest

from ppaip_rules import DIJON, InputError, Severity, check_programme, parameters_from_dict
from ppaip_rules.calendar import PARIS, elapsed_interval, to_utc
from ppaip_rules.programme import (
    Proposal,
    RecordedHours,
    Session,
    TrainingSlot,
    Workshop,
    _pairwise,
    _SlotIndex,
)

BASE = {"individual_hours": 12,
        "individual_actions": ["guidance_assessment", "career_plan"],
        "workshops": [{"theme": "cv_and_cover_letter", "hours": 6, "participants": 5}],
        "training_slots": []}


def check(**changes):
    return check_programme({**BASE, **changes})


def severities(report, rule_id):
    return [f.severity for f in report.by_rule(rule_id)]


def workshop(**changes):
    return {"theme": "job_search_techniques", "hours": 6, "participants": 5, **changes}


def test_the_base_proposal_is_compliant_and_every_rule_is_checked():
    report = check()
    assert report.ok and not report.findings
    assert set(report.checked) == {
        "PROG-IND-HOURS", "PROG-IND-ACTIONS", "PROG-COLL-HOURS", "PROG-GROUP-SIZE",
        "PROG-COLL-ACTIONS", "PROG-TRAINING-OVERLAP", "PROG-HOURS-REALISED"}


# --- PROG-IND-HOURS -----------------------------------------------------------------------

@pytest.mark.parametrize("hours, expected", [
    (3, []), (30, []), (3.0, []), (12.5, []),
    (2.99, [Severity.VIOLATION]), (0, [Severity.VIOLATION]),
    (30.01, [Severity.VIOLATION]), (31, [Severity.VIOLATION]),
])
def test_prog_ind_hours_bounds(hours, expected):
    assert severities(check(individual_hours=hours), "PROG-IND-HOURS") == expected


def test_prog_ind_hours_above_the_maximum_says_how_much_to_remove():
    finding = check(individual_hours=32).by_rule("PROG-IND-HOURS")[0]
    assert finding.message == "le PPAIP individuel prévoit 32 h ; 30 h au maximum. Retirer 2 h."
    assert finding.path == "individual_hours" and finding.found == "32 h"


def test_prog_ind_hours_french_decimal_comma_is_read():
    finding = check(individual_hours="2,5").by_rule("PROG-IND-HOURS")[0]
    assert "2,5 h" in finding.message


def test_collective_only_programme_needs_no_individual_hours():
    report = check(individual_hours=None, individual_actions=[])
    assert report.ok and not report.findings


def test_individual_actions_without_hours_is_information():
    assert severities(check(individual_hours=None), "PROG-IND-HOURS") == [Severity.INFO]


def test_prog_ind_hours_several_meetings_are_expected_in_the_calendar():
    one = [{"start": "2025-05-13T09:00:00+02:00", "hours": 3, "in_person": True}]
    two = [*one, {"start": "2025-05-20T09:00:00+02:00", "hours": 3, "in_person": True}]
    assert severities(check(sessions=one), "PROG-IND-HOURS") == [Severity.WARNING]
    assert severities(check(sessions=two), "PROG-IND-HOURS") == []


def test_prog_ind_hours_individual_sessions_are_in_person():
    sessions = [{"start": "2025-05-13T09:00:00+02:00", "hours": 3, "in_person": True},
                {"start": "2025-05-20T09:00:00+02:00", "hours": 3, "in_person": False}]
    findings = check(sessions=sessions).by_rule("PROG-IND-HOURS")
    assert [f.path for f in findings] == ["sessions[1].in_person"]


def test_prog_ind_hours_in_person_not_stated_is_a_missing_fact_not_compliance():
    sessions = [{"start": "2025-05-13T09:00:00+02:00", "hours": 3, "in_person": True},
                {"start": "2025-05-20T09:00:00+02:00", "hours": 3}]
    report = check(sessions=sessions)
    (finding,) = report.by_rule("PROG-IND-HOURS")
    assert finding.missing and finding.path == "sessions[1].in_person"
    assert report.verdict == "incomplet"


def test_individual_meetings_minimum_is_a_parameter():
    variant = parameters_from_dict({"individual_meetings_min": 3})
    sessions = [{"start": f"2025-05-{d}T09:00:00+02:00", "hours": 2, "in_person": True}
                for d in (13, 20)]
    report = check_programme({**BASE, "sessions": sessions}, variant)
    assert severities(report, "PROG-IND-HOURS") == [Severity.WARNING]


# --- PROG-IND-ACTIONS -------------------------------------------------------------------------

def test_every_catalogue_action_is_accepted():
    codes = [a.code for a in DIJON.individual_actions]
    assert check(individual_actions=codes).ok


def test_prog_ind_actions_out_of_catalogue_names_the_position_not_the_text():
    finding = check(individual_actions=["guidance_assessment", "hypnose régressive"]).by_rule(
        "PROG-IND-ACTIONS")[0]
    assert finding.path == "individual_actions[1]"
    assert "hypnose" not in finding.format()


def test_prog_ind_actions_outside_the_indicative_list_is_information_not_a_violation():
    # CCTP 6.2 A: actions "peuvent être proposées", "par exemple", "etc.": the list is
    # indicative, the CPIP's validation is the control.
    report = check(individual_actions=["guidance_assessment", "sophrologie"])
    assert report.ok and report.complete
    assert severities(report, "PROG-IND-ACTIONS") == [Severity.INFO]
    assert "liste indicative" in report.by_rule("PROG-IND-ACTIONS")[0].message


def test_prog_ind_actions_only_listed_actions_give_nothing():
    assert not check(individual_actions=["skills_assessment"]).by_rule("PROG-IND-ACTIONS")


# --- PROG-COLL-HOURS ------------------------------------------------------------------------------

@pytest.mark.parametrize("hours, expected", [
    (2, []), (30, []), (1.99, [Severity.VIOLATION]), (30.5, [Severity.VIOLATION]),
    (None, [Severity.INFO]),
])
def test_prog_coll_hours_bounds(hours, expected):
    report = check(workshops=[workshop(hours=hours)])
    assert severities(report, "PROG-COLL-HOURS") == expected


def test_prog_coll_hours_path_names_the_workshop():
    report = check(workshops=[workshop(), workshop(hours=1)])
    assert [f.path for f in report.by_rule("PROG-COLL-HOURS")] == ["workshops[1].hours"]


# --- PROG-GROUP-SIZE ---------------------------------------------------------------------------------

@pytest.mark.parametrize("participants, expected", [
    (4, []), (5, []), (6, []),
    (7, [Severity.VIOLATION]), (12, [Severity.VIOLATION]),
    (3, [Severity.WARNING]), (1, [Severity.WARNING]), (0, [Severity.WARNING]),
    (None, [Severity.INFO]),
])
def test_prog_group_size_bounds(participants, expected):
    report = check(workshops=[workshop(participants=participants)])
    assert severities(report, "PROG-GROUP-SIZE") == expected


def test_prog_group_size_seven_participants_is_a_violation_worded_like_style_md():
    finding = check(workshops=[workshop(participants=7)]).by_rule("PROG-GROUP-SIZE")[0]
    assert finding.format().splitlines()[0] == (
        "PROG-GROUP-SIZE (CCTP 6.2 B, 6.3) — violation : l'atelier « Apprentissage des "
        "techniques de recherche d'emploi » compte 7 participants ; 6 au maximum. Retirer 1 "
        "participant ou dédoubler l'atelier.")
    assert finding.path == "workshops[0].participants"


def test_prog_group_size_nine_participants_says_retirer_3_participants():
    finding = check(workshops=[workshop(participants=9)]).by_rule("PROG-GROUP-SIZE")[0]
    assert "Retirer 3 participants ou dédoubler l'atelier." in finding.message


def test_prog_group_size_a_la_carte_title_is_never_echoed():
    w = workshop(theme="a_la_carte", title="Atelier de Mme Dupont-Lefèvre", participants=8,
                 agreed_with_spip=True)
    report = check(workshops=[workshop(), w])
    finding = report.by_rule("PROG-GROUP-SIZE")[0]
    assert "l'atelier à la carte n° 2 compte 8 participants" in finding.message
    assert "Dupont" not in report.to_json()


def test_group_size_policy_makes_small_groups_a_violation():
    strict = parameters_from_dict({"group_under_ideal_is_violation": True})
    report = check_programme({**BASE, "workshops": [workshop(participants=3)]}, strict)
    assert severities(report, "PROG-GROUP-SIZE") == [Severity.VIOLATION]


def test_group_size_figures_are_parameters():
    variant = parameters_from_dict({"group_size_max": 8, "group_size_ideal_min": 2})
    report = check_programme({**BASE, "workshops": [workshop(participants=8)]}, variant)
    assert report.ok


@pytest.mark.parametrize("value", ["true", 1, None])
def test_boolean_policy_parameter_needs_a_boolean(value):
    with pytest.raises(InputError) as error:
        parameters_from_dict({"group_under_ideal_is_violation": value})
    assert error.value.path == "group_under_ideal_is_violation"


def test_issue_3_catalogues_can_be_replaced_in_a_variant_contract():
    variant = parameters_from_dict({"prescriber_roles": [{"code": "cpip", "label": "CPIP"}],
                                    "deliverables": []})
    assert [r.code for r in variant.prescriber_roles] == ["cpip"]
    assert variant.deliverables == ()


# --- PROG-COLL-ACTIONS -----------------------------------------------------------------------------

@pytest.mark.parametrize("w, expected", [
    (workshop(theme="vae"), []),
    (workshop(theme="a_la_carte", agreed_with_spip=True), []),
    (workshop(theme="a_la_carte", agreed_with_spip=False), [Severity.WARNING]),
    (workshop(theme="a_la_carte"), [Severity.INFO]),
    (workshop(theme="Cuisine du monde"), [Severity.WARNING]),
])
def test_prog_coll_actions(w, expected):
    report = check(workshops=[w])
    assert severities(report, "PROG-COLL-ACTIONS") == expected
    assert "Cuisine" not in report.to_json()


def test_prog_coll_actions_theme_outside_every_list_is_a_warning_never_a_violation():
    report = check(workshops=[workshop(theme="yoga")])
    assert report.ok
    assert severities(report, "PROG-COLL-ACTIONS") == [Severity.WARNING]


def test_prog_coll_actions_theme_of_the_providers_tender_is_accepted():
    # CCTP 6.2 B: "le prestataire pourra également présenter toute thématique qu'il juge
    # pertinente": the tender's themes are a contract parameter, empty for Dijon.
    assert DIJON.tender_themes == ()
    params = parameters_from_dict({"tender_themes": [
        {"code": "numerique", "label": "Usages du numérique pour la recherche d'emploi"}]})
    report = check_programme({**BASE, "workshops": [workshop(theme="numerique")]}, params)
    assert not report.by_rule("PROG-COLL-ACTIONS")
    # the tender's label names the workshop in the other rules' findings
    report = check_programme({**BASE, "workshops": [workshop(theme="numerique",
                                                             participants=7)]}, params)
    assert "Usages du numérique" in report.by_rule("PROG-GROUP-SIZE")[0].message
    # the same theme under Dijon, with no tender theme, is a warning
    assert severities(check(workshops=[workshop(theme="numerique")]),
                      "PROG-COLL-ACTIONS") == [Severity.WARNING]


def test_every_catalogue_theme_is_accepted():
    report = check(workshops=[workshop(theme=t.code) for t in DIJON.collective_themes])
    assert not report.by_rule("PROG-COLL-ACTIONS")


# --- PROG-TRAINING-OVERLAP -----------------------------------------------------------------------

def session(start, hours=2):
    return {"start": start, "hours": hours}


def slot(start, end):
    return {"start": start, "end": end}


TWO = [session("2025-05-13T09:00:00+02:00"), session("2025-05-20T09:00:00+02:00")]


@pytest.mark.parametrize("slots, overlapping", [
    # touching ends do not overlap: the session ends at 11:00, training starts at 11:00
    ([slot("2025-05-13T11:00:00+02:00", "2025-05-13T12:00:00+02:00")], []),
    ([slot("2025-05-13T07:00:00+02:00", "2025-05-13T09:00:00+02:00")], []),
    # one minute of overlap
    ([slot("2025-05-13T10:59:00+02:00", "2025-05-13T12:00:00+02:00")], ["sessions[0]"]),
    ([slot("2025-05-13T07:00:00+02:00", "2025-05-13T09:01:00+02:00")], ["sessions[0]"]),
    # the training slot contains the session; the session contains the slot
    ([slot("2025-05-20T08:00:00+02:00", "2025-05-20T17:00:00+02:00")], ["sessions[1]"]),
    ([slot("2025-05-20T09:30:00+02:00", "2025-05-20T10:00:00+02:00")], ["sessions[1]"]),
    # same instants written in UTC, and naive Paris wall time
    ([slot("2025-05-13T08:00:00Z", "2025-05-13T10:00:00Z")], ["sessions[0]"]),
    ([slot("2025-05-13T09:00:00Z", "2025-05-13T10:00:00Z")], []),
    ([slot("2025-05-13T10:00:00", "2025-05-13T12:00:00")], ["sessions[0]"]),
    ([slot("2025-05-13T11:00:00", "2025-05-13T12:00:00")], []),
])
def test_prog_training_overlap(slots, overlapping):
    report = check(sessions=TWO, training_slots=slots)
    assert [f.path for f in report.by_rule("PROG-TRAINING-OVERLAP")] == overlapping


def test_prog_training_overlap_one_finding_per_session_with_the_number_of_slots():
    slots = [slot("2025-05-13T08:00:00+02:00", "2025-05-13T10:00:00+02:00"),
             slot("2025-05-13T10:30:00+02:00", "2025-05-13T12:00:00+02:00")]
    findings = check(sessions=TWO, training_slots=slots).by_rule("PROG-TRAINING-OVERLAP")
    assert [f.path for f in findings] == ["sessions[0]"]
    assert findings[0].found == "2 créneaux chevauchés"
    assert "le mardi 13 mai 2025 de 9 h 00 à 11 h 00" in findings[0].message
    assert "et 1 autre créneau" in findings[0].message


def test_prog_training_overlap_names_a_slot_that_really_overlaps():
    # a long slot early in the day and a short one ending before the session: the
    # finding names the long one, which overlaps, not the last one to start.
    slots = [slot("2025-05-13T06:00:00+02:00", "2025-05-13T09:30:00+02:00"),
             slot("2025-05-13T07:00:00+02:00", "2025-05-13T08:00:00+02:00")]
    finding = check(sessions=TWO, training_slots=slots).by_rule("PROG-TRAINING-OVERLAP")[0]
    assert "créneau de formation financée par la Région n° 1 " in finding.message
    assert finding.found == "1 créneau chevauché"


def _many(n):
    day = dt.datetime(2025, 3, 3, 9, tzinfo=PARIS)
    sessions = [{"start": (day + dt.timedelta(hours=i)).isoformat(), "hours": 1}
                for i in range(n)]
    slots = [{"start": day.isoformat(), "end": (day + dt.timedelta(hours=n)).isoformat()}
             for _ in range(n)]
    return Proposal(individual_hours=12, workshops=(), training_slots=tuple(
        TrainingSlot(dt.datetime.fromisoformat(t["start"]), dt.datetime.fromisoformat(t["end"]))
        for t in slots), sessions=tuple(
        Session(dt.datetime.fromisoformat(s["start"]), 1) for s in sessions))


def test_prog_training_overlap_findings_grow_linearly_not_with_every_pair():
    # issue 13: 1,000 sessions x 1,000 slots gave a million findings. Every session
    # overlaps every slot here: one finding per session, at two sizes.
    small = check_programme(_many(50)).by_rule("PROG-TRAINING-OVERLAP")
    large = check_programme(_many(400)).by_rule("PROG-TRAINING-OVERLAP")
    assert len(small) == 50 and len(large) == 400
    assert large[-1].found == "400 créneaux chevauchés"


def test_prog_training_overlap_agrees_with_the_pairwise_definition():
    import random

    rng = random.Random(7)
    day = dt.datetime(2025, 5, 12, 8, tzinfo=PARIS)
    for _ in range(200):
        sessions = tuple(Session(day + dt.timedelta(minutes=15 * rng.randrange(40)),
                                 rng.choice((0.5, 1, 2))) for _ in range(rng.randrange(1, 6)))
        slots = []
        for _ in range(rng.randrange(0, 6)):
            a = day + dt.timedelta(minutes=15 * rng.randrange(40))
            slots.append(TrainingSlot(a, a + dt.timedelta(minutes=15 * rng.randrange(1, 12))))
        report = check_programme(Proposal(individual_hours=12, sessions=sessions,
                                          training_slots=tuple(slots)))
        got = {f.path: f.found for f in report.by_rule("PROG-TRAINING-OVERLAP")}
        want = {}
        for i, s in enumerate(sessions):
            b, e = elapsed_interval(s.start, s.hours)
            n = sum(1 for t in slots if b < t.utc[1] and t.utc[0] < e)
            if n:
                want[f"sessions[{i}]"] = n
        assert {k: int(v.split()[0]) for k, v in got.items()} == want
        # the sorted index (many slots) and the direct comparison (few) name the same slot
        index, direct = _SlotIndex(tuple(slots)).overlapping, _pairwise(tuple(slots))
        for s in sessions:
            b, e = elapsed_interval(s.start, s.hours)
            assert index(b, e) == direct(b, e)


def test_prog_training_overlap_across_the_autumn_clock_change():
    # Sunday 26 October 2025: 03:00 CEST becomes 02:00 CET. A 2-hour session starting at
    # 01:30 (+02:00) ends at 02:30 (+01:00): real elapsed time, compared in UTC.
    sessions = [session("2025-10-26T01:30:00+02:00"), session("2025-11-02T09:00:00+01:00")]
    touching = [slot("2025-10-26T02:30:00+01:00", "2025-10-26T05:00:00+01:00")]
    overlapping = [slot("2025-10-26T02:29:00+01:00", "2025-10-26T05:00:00+01:00")]
    assert not check(sessions=sessions, training_slots=touching).by_rule("PROG-TRAINING-OVERLAP")
    assert check(sessions=sessions, training_slots=overlapping).by_rule("PROG-TRAINING-OVERLAP")


@pytest.mark.parametrize("day, utc_end, overlaps", [
    ("2025-07-15", "07:00", False),   # 9:00 CEST = 07:00 UTC: a slot 05:00-07:00 UTC touches
    ("2025-07-15", "07:01", True),
    ("2025-01-14", "07:00", False),   # 9:00 CET = 08:00 UTC: a slot 05:00-08:00 UTC touches
    ("2025-01-14", "08:00", False),
    ("2025-01-14", "08:01", True),
])
def test_naive_times_are_paris_wall_time_in_winter_and_summer(day, utc_end, overlaps):
    sessions = [session(f"{day}T09:00:00"), session("2025-09-01T09:00:00")]
    slots = [slot(f"{day}T05:00:00Z", f"{day}T{utc_end}:00Z")]
    report = check(sessions=sessions, training_slots=slots)
    assert bool(report.by_rule("PROG-TRAINING-OVERLAP")) is overlaps


@pytest.mark.parametrize("slots, expected", [
    (None, [Severity.INFO]),   # not known whether the person follows a Region training
    ([], []),                  # known: no training
])
def test_prog_training_overlap_missing_fact(slots, expected):
    report = check(sessions=TWO, training_slots=slots)
    assert severities(report, "PROG-TRAINING-OVERLAP") == expected


def test_no_session_planned_no_overlap_question():
    assert not check(training_slots=None).by_rule("PROG-TRAINING-OVERLAP")


def test_a_slot_ending_before_it_starts_is_an_input_error():
    with pytest.raises(InputError) as error:
        check(sessions=TWO, training_slots=[slot("2025-05-13T12:00:00+02:00",
                                                 "2025-05-13T11:00:00+02:00")])
    assert error.value.path == "training_slots[0].end"


# --- PROG-HOURS-REALISED -------------------------------------------------------------------------

@pytest.mark.parametrize("recorded, validated, expected", [
    ({"individual": 12, "collective": 6}, True, []),
    ({"individual": 12.5}, True, [Severity.VIOLATION]),
    ({"collective": 6.5}, True, [Severity.VIOLATION]),
    ({"individual": 14, "collective": 8}, True, [Severity.VIOLATION, Severity.VIOLATION]),
    ({"individual": 2}, None, [Severity.INFO]),
    ({"individual": 2}, False, [Severity.INFO]),
    ({"individual": 12}, True, []),             # boundary: exactly the validated hours
    (None, True, []),
])
def test_prog_hours_realised(recorded, validated, expected):
    report = check(recorded_hours=recorded, validated=validated)
    assert severities(report, "PROG-HOURS-REALISED") == expected


def test_prog_hours_realised_collective_hours_on_an_individual_only_programme():
    # the programme states its individual hours and no workshop: 0 h collective validated
    report = check(workshops=[], recorded_hours={"collective": 2}, validated=True)
    finding = report.by_rule("PROG-HOURS-REALISED")[0]
    assert finding.expected == "0 h au plus" and "2 h de trop" in finding.message


def test_prog_hours_realised_proposal_without_hours_is_not_zero_hours():
    # RULES.md "Missing facts": a proposal without hours is not a proposal of 0 h.
    report = check_programme({"validated": True, "recorded_hours": {"individual": 6,
                                                                    "collective": 2}})
    findings = report.by_rule("PROG-HOURS-REALISED")
    assert report.ok and not report.complete
    assert [f.path for f in findings] == ["recorded_hours.individual",
                                          "recorded_hours.collective"]
    assert all(f.missing and f.severity is Severity.INFO for f in findings)


def test_prog_hours_realised_individual_hours_on_a_collective_only_programme():
    report = check(individual_hours=None, individual_actions=[], validated=True,
                   recorded_hours={"individual": 2})
    assert severities(report, "PROG-HOURS-REALISED") == [Severity.VIOLATION]


def test_prog_hours_realised_excess_is_stated_when_validation_is_unknown():
    # over-consumption is never silent: the excess is stated in the missing-fact finding
    report = check(validated=None, recorded_hours={"individual": 14})
    finding = report.by_rule("PROG-HOURS-REALISED")[0]
    assert finding.missing and "14 h individuelles réalisées pour 12 h proposées" \
        in finding.message


def test_empty_programme_is_incomplete_not_compliant():
    report = check_programme({})
    assert report.ok and not report.complete and report.verdict == "incomplet"
    assert report.by_rule("PROG-IND-HOURS")[0].path == "individual_hours"


def test_prog_hours_realised_needs_each_workshop_duration():
    report = check(workshops=[workshop(hours=None)], recorded_hours={"collective": 2},
                   validated=True)
    assert Severity.INFO in severities(report, "PROG-HOURS-REALISED")


# --- models and input ---------------------------------------------------------------------------------

def test_models_give_the_same_report_as_dicts():
    model = Proposal(individual_hours=12,
                     individual_actions=("guidance_assessment", "career_plan"),
                     workshops=(Workshop("cv_and_cover_letter", 6, 5),), training_slots=(),
                     sessions=(Session(dt.datetime(2025, 5, 13, 9, tzinfo=PARIS), 2),
                               Session(dt.datetime(2025, 5, 20, 9), 2, in_person=True)),
                     validated=True, recorded_hours=RecordedHours(14, 6))
    as_dict = {**BASE, "sessions": [session("2025-05-13T09:00:00+02:00"),
                                    {**session("2025-05-20T09:00:00"), "in_person": True}],
               "validated": True, "recorded_hours": {"individual": 14, "collective": 6}}
    assert check_programme(model).to_dict() == check_programme(as_dict).to_dict()


@pytest.mark.parametrize("changes, path", [
    ({"workshops": [workshop(), workshop(participants=-1)]}, "workshops[1].participants"),
    ({"workshops": [workshop(), workshop(participants="sept")]}, "workshops[1].participants"),
    ({"workshops": [workshop(), workshop(participants=6.5)]}, "workshops[1].participants"),
    ({"workshops": [{"hours": 2}]}, "workshops[0].theme"),
    ({"workshops": [workshop(animateur="M. Martin")]}, "workshops[0].?"),
    ({"individual_hours": float("nan")}, "individual_hours"),
    ({"individual_hours": 1e300}, "individual_hours"),
    ({"individual_hours": True}, "individual_hours"),
    ({"sessions": [{"start": "13/05/2025 9h", "hours": 2}]}, "sessions[0].start"),
    ({"sessions": [{"start": "0001-01-01T00:00:00", "hours": 2}]}, "sessions[0].start"),
    ({"sessions": [{"start": "2025-05-13T09:00:00", "hours": 2, "workshop": 3}]},
     "sessions[0].workshop"),
    ({"sessions": [{"start": "2025-05-13T09:00:00"}]}, "sessions[0].hours"),
    ({"setting": "prison"}, "setting"),
    ({"individual_actions": "bilan-orientation"}, "individual_actions"),
    ({"recorded_hours": {"individual": -2}}, "recorded_hours.individual"),
])
def test_bad_input_names_the_path_in_french(changes, path):
    with pytest.raises(InputError) as error:
        check(**changes)
    assert error.value.path == path
    assert "Martin" not in str(error.value)


@pytest.mark.parametrize("kwargs, field", [
    ({"theme": "job_search_techniques", "participants": -1}, "participants"),
    ({"theme": "job_search_techniques", "hours": "6"}, "hours"),
    ({"theme": ""}, "theme"),
    ({"theme": "job_search_techniques", "agreed_with_spip": 1}, "agreed_with_spip"),
])
def test_bad_workshop_model_raises_the_library_input_error(kwargs, field):
    with pytest.raises(InputError) as error:
        Workshop(**kwargs)
    assert error.value.path == field


def test_bad_proposal_models_raise_the_library_input_error():
    with pytest.raises(InputError):
        Proposal(workshops=("tre",))
    with pytest.raises(InputError):
        Proposal(sessions=(Session(dt.datetime(2025, 5, 13, 9), 2, workshop=0),))
    with pytest.raises(InputError):
        TrainingSlot(dt.datetime(2025, 5, 13, 9), dt.datetime(2025, 5, 13, 9))


# --- calendar helpers used here ------------------------------------------------------------------------

def test_to_utc_reads_naive_times_as_paris_wall_time():
    assert to_utc(dt.datetime(2025, 7, 1, 9)) == dt.datetime(2025, 7, 1, 7, tzinfo=dt.timezone.utc)
    assert to_utc(dt.datetime(2025, 1, 1, 9)) == dt.datetime(2025, 1, 1, 8, tzinfo=dt.timezone.utc)
    # the repeated hour of 26 October 2025 is taken at its first occurrence (CEST)
    assert to_utc(dt.datetime(2025, 10, 26, 2, 30)).hour == 0


def test_elapsed_interval_counts_real_hours_across_the_spring_change():
    # 30 March 2025: 02:00 CET becomes 03:00 CEST
    begin, end = elapsed_interval(dt.datetime(2025, 3, 30, 1, 0), 2)
    assert end - begin == dt.timedelta(hours=2)
    assert end.astimezone(PARIS).hour == 4


def test_check_programme_gives_exactly_the_report_of_the_generic_runner():
    from ppaip_rules.model import run_rules
    from ppaip_rules.programme import read_proposal

    for data in (BASE, {**BASE, "individual_hours": 40, "workshops": [workshop(participants=9)],
                        "sessions": TWO, "training_slots": None}):
        assert check_programme(data) == run_rules("programme", read_proposal(data), DIJON)
