"""The generic layer (ppaip_rules.describe): one description per input, the same answers.

For every kind converted to it, on random documents: the published JSON Schema and the
reader accept and refuse the same documents; the reader's refusals name a field and
never carry the value; constructing the model directly refuses the same values with
InputError.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents, json_values, logs, mutated, values

from ppaip_rules import DIJON, InputError
from ppaip_rules.checks import DeadlineCheck, get_kind
from ppaip_rules.describe import FORMATS, described, field_table, read
from ppaip_rules.documents import (
    AttendanceSheet,
    Attendee,
    Bilan,
    Convocation,
    Deliverables,
    Invitee,
    Signatory,
)
from ppaip_rules.eligibility import Entry, OrientationRequest, Person, Prescription
from ppaip_rules.events import (
    EVENT_TYPES,
    Beneficiary,
    BilanDelivered,
    CalendarChangeCommunicated,
    Case,
    FirstMeeting,
    PrescriptionReceived,
    SessionHeld,
    SessionMissed,
)
from ppaip_rules.lot_inputs import (
    Activity,
    InvoiceLine,
    IproHours,
    Meeting,
    Permanence,
    ProviderSynthesis,
    ReportPeriod,
    SheetTransmission,
    Site,
    WorkshopPlan,
)
from ppaip_rules.programme import Proposal, RecordedHours, Session, TrainingSlot, Workshop
from ppaip_rules.roster_model import (
    REFERENCE_PROBLEMS,
    AccessRequest,
    Establishment,
    Facilitator,
    Premises,
    Roster,
    StaffEvent,
    SubstituteListUpdate,
)

jsonschema = pytest.importorskip("jsonschema")

#: kind → the model its input is read into.
CONVERTED = {"deadline": DeadlineCheck, "eligibility": Entry, "orientation": OrientationRequest,
             "attendance-sheet": AttendanceSheet, "convocation": Convocation, "bilan": Bilan,
             "deliverables": Deliverables, "case": Case, "roster": Roster,
             "activity": Activity, "programme": Proposal}

#: Refusals that a JSON Schema cannot say (two fields compared): (path, expected); a list's
#: index is written ``[]``.
CROSS_FIELD = {("person.birth_date", "une date de naissance antérieure à la date de la "
                                     "prescription"),
               *((name, "un champ de la feuille " + which) for which, names in (
                   ("individuelle", ("person",)),
                   ("collective", ("theme", "session_number", "participants")))
                 for name in names),
               ("period.end", "une date de fin postérieure ou égale au début"),
               ("sessions[].workshop", "l'indice (à partir de 0) d'un atelier de « workshops », "
                                       "ou null pour un entretien individuel"),
               ("training_slots[].end", "une fin de créneau postérieure à son début")}

#: A valid instance of each model, to change one field of.
BASES = {
    DeadlineCheck: DeadlineCheck("PROG-START", dt.date(2025, 5, 2), dt.date(2025, 5, 5)),
    Person: Person(), Prescription: Prescription(), OrientationRequest: OrientationRequest(),
    AttendanceSheet: AttendanceSheet("collective"), Convocation: Convocation(),
    Bilan: Bilan("final"), Deliverables: Deliverables(), Signatory: Signatory(),
    Attendee: Attendee(), Invitee: Invitee(),
    Case: Case(events=[PrescriptionReceived(dt.date(2025, 5, 2))]), Beneficiary: Beneficiary(),
    SessionHeld: SessionHeld(dt.date(2025, 5, 12), mode="individual", hours=2),
    SessionMissed: SessionMissed(dt.datetime(2025, 5, 12, 10, tzinfo=dt.timezone.utc)),
    FirstMeeting: FirstMeeting(dt.datetime(2025, 5, 6, 10, tzinfo=dt.timezone.utc)),
    CalendarChangeCommunicated: CalendarChangeCommunicated(
        dt.datetime(2025, 5, 6, 10, tzinfo=dt.timezone.utc), to=["cpip"]),
    BilanDelivered: BilanDelivered(dt.date(2025, 6, 2)),
    Roster: Roster(5, dt.date(2025, 3, 3)),
    Establishment: Establishment("MA-DIJON", "21"),
    Facilitator: Facilitator("PSY-1", "psychologist"),
    AccessRequest: AccessRequest("PSY-1", "MA-DIJON"),
    StaffEvent: StaffEvent("PSY-1", "departure", dt.date(2025, 5, 2)),
    SubstituteListUpdate: SubstituteListUpdate(dt.date(2025, 5, 5)),
    Premises: Premises("MO-DIJON", "21"),
    Activity: Activity(5, ReportPeriod(dt.date(2025, 4, 1), dt.date(2025, 6, 30)), ()),
    ReportPeriod: ReportPeriod(dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    Site: Site("MA-DIJON"), Permanence: Permanence("MA-DIJON", dt.date(2025, 5, 6)),
    InvoiceLine: InvoiceLine("session", dt.date(2025, 4, 8)),
    Meeting: Meeting("steering_committee", dt.date(2025, 5, 15)),
    WorkshopPlan: WorkshopPlan("CV-1"),
    SheetTransmission: SheetTransmission("21", dt.date(2025, 4, 1)),
    IproHours: IproHours("A", dt.date(2025, 4, 1), 4.0), ProviderSynthesis: ProviderSynthesis(1),
    Proposal: Proposal(), Workshop: Workshop("cv_and_cover_letter"),
    Session: Session(dt.datetime(2025, 5, 13, 9, tzinfo=dt.timezone.utc), 2),
    TrainingSlot: TrainingSlot(dt.datetime(2025, 5, 13, 9, tzinfo=dt.timezone.utc),
                               dt.datetime(2025, 5, 13, 12, tzinfo=dt.timezone.utc)),
    RecordedHours: RecordedHours(),
}


def _validator(kind: str):
    schema = get_kind(kind).schema()
    checker = jsonschema.FormatChecker()
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


VALIDATORS = {kind: _validator(kind) for kind in CONVERTED}


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _same_answer(kind: str, doc) -> None:
    by_schema = VALIDATORS[kind].is_valid(doc)
    try:
        read(CONVERTED[kind], doc, context=DIJON)
    except InputError as error:
        if by_schema:
            # a roster's references (an unknown site, a duplicate identifier…) are checked
            # across its items, which a JSON Schema cannot say
            assert (re.sub(r"\[[0-9]+\]", "[]", error.path), error.expected) in CROSS_FIELD or (
                kind == "roster" and error.problem in REFERENCE_PROBLEMS), (doc, str(error))
        # never the value sent (texts of 3 characters or more) outside the expected form,
        # which is written by the description (and lists the codes), and the path (the
        # library's own field names: ``individual_hours`` holds "individual")
        text = str(error).replace(error.expected, "").replace(error.path, "")
        for leaf in _leaves(doc):
            if isinstance(leaf, str) and len(leaf.strip()) >= 3:
                assert leaf not in text, (leaf, text)
        return
    assert by_schema, doc


@pytest.mark.parametrize("kind", sorted(CONVERTED))
def test_published_schema_is_the_generated_one_and_valid(kind):
    from ppaip_rules.describe import json_schema

    published = get_kind(kind).schema()
    assert published["properties"] == json_schema(CONVERTED[kind], context=DIJON)["properties"]


@settings(max_examples=300)
@given(st.data())
def test_schema_and_reader_accept_and_refuse_the_same_documents(data):
    kind = data.draw(st.sampled_from(sorted(CONVERTED)))
    _same_answer(kind, data.draw(documents(CONVERTED[kind])))


@given(st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.integers())))
def test_a_document_that_is_not_an_object_is_refused_by_both(doc):
    for kind in CONVERTED:
        _same_answer(kind, doc)


def _typed(info, value) -> bool:
    """A JSON value that the reader passes to the model as it is (no conversion)."""
    from ppaip_rules import describe as d

    if info.many:
        return isinstance(value, list) and all(_typed(info.item(), v) for v in value)
    if info.kind == d.PRESENCE:
        return isinstance(value, bool)
    if info.kind == d.TEXT:
        return isinstance(value, str)
    if info.kind == d.CODE:  # an old spelling is converted by the reader (never built)
        if not isinstance(value, str):
            return False
        code = info.codes.table(DIJON).get(value.lower() if info.codes.fold else value)
        return code is None or code == value
    if info.kind == d.BOOL:
        return True
    if info.kind == d.ID:
        return isinstance(value, str)
    if isinstance(info.kind, d.Custom):  # a safe identifier is read as it is
        return info.kind.name == "safe_id" and isinstance(value, str)
    return False


@settings(max_examples=300)
@given(st.data())
def test_constructing_a_model_refuses_what_the_reader_refuses(data):
    model = data.draw(st.sampled_from(list(BASES)))
    name, info = data.draw(st.sampled_from(described(model)))
    value = data.draw(documents(model).map(lambda d: d.get(name)).filter(
        lambda v: v is not None and _typed(info, v)))
    # (a month is given as its first day, a date: every date reader accepts a date)
    base = {k: v.isoformat() if isinstance(v, dt.date) and v.day != 1 else sorted(v)
            if isinstance(v, frozenset) else v
            for k, v in attrs.asdict(BASES[model], recurse=False,
                                     filter=lambda a, _: a.init).items() if v is not None}
    try:
        accepted = read(model, {**base, name: value}, context=DIJON)
    except InputError as error:
        assert error.path == name or error.path.startswith(name + "[")
        with pytest.raises(InputError) as direct:
            attrs.evolve(BASES[model], **{name: value})
        assert direct.value.path == error.path
        return
    assert attrs.evolve(BASES[model], **{name: getattr(accepted, name)}) == accepted


@pytest.mark.parametrize(("model", "changes", "path"), [
    (Person, {"status": "inconnu"}, "status"),
    (Person, {"status": "condamné"}, "status"),  # an old spelling is read, never built
    (Person, {"volunteer": 1}, "volunteer"),
    (Person, {"birth_date": "2007-05-16"}, "birth_date"),
    (Person, {"id": " "}, "id"),
    (Prescription, {"prescriber_role": "CPIP"}, "prescriber_role"),
    (OrientationRequest, {"channel": "fax"}, "channel"),
    (DeadlineCheck, {"rule_id": "PROG-NOWHERE"}, "rule_id"),
    (DeadlineCheck, {"departement": "6789"}, "departement"),
    (DeadlineCheck, {"act": "demain"}, "act"),
])
def test_direct_construction_raises_input_error_naming_the_field(model, changes, path):
    with pytest.raises(InputError) as error:
        attrs.evolve(BASES[model], **changes)
    assert error.value.path == path
    for value in changes.values():
        assert len(str(value).strip()) < 3 or str(value) not in str(error.value)


def test_entry_refuses_a_birth_after_the_prescription_both_ways():
    person, rx = {"birth_date": "2025-06-01"}, {"date": "2025-05-15"}
    with pytest.raises(InputError) as by_reader:
        read(Entry, {"person": person, "prescription": rx})
    with pytest.raises(InputError) as by_constructor:
        Entry(Person(birth_date=dt.date(2025, 6, 1)), Prescription(date=dt.date(2025, 5, 15)))
    assert by_reader.value.path == by_constructor.value.path == "person.birth_date"


_NINE = dt.datetime(2025, 5, 13, 9, tzinfo=dt.timezone.utc)


def test_programme_refuses_a_session_of_a_workshop_not_listed_both_ways():
    session = {"start": "2025-05-13T09:00:00+02:00", "hours": 2, "workshop": 1}
    with pytest.raises(InputError) as by_reader:
        read(Proposal, {"workshops": [{"theme": "cv_and_cover_letter"}],
                        "sessions": [{"start": "2025-05-13T08:00:00+02:00", "hours": 1},
                                     session]})
    with pytest.raises(InputError) as by_constructor:
        Proposal(workshops=[Workshop("cv_and_cover_letter")],
                 sessions=[Session(_NINE, 1), Session(_NINE, 2, workshop=1)])
    assert by_reader.value.path == by_constructor.value.path == "sessions[1].workshop"


def test_training_slot_refuses_an_end_before_its_start_both_ways():
    with pytest.raises(InputError) as by_reader:
        read(Proposal, {"training_slots": [{"start": "2025-05-13T11:00:00+02:00",
                                            "end": "2025-05-13T09:00:00+02:00"}]})
    with pytest.raises(InputError) as by_constructor:
        TrainingSlot(_NINE, _NINE)
    assert by_reader.value.path == "training_slots[0].end"
    assert by_constructor.value.path == "end"


@pytest.mark.parametrize("text", [
    "2025-05-13T09:00:00+02:00", " 2025-05-13T09:00:00Z ", "2025-05-13T09:00:00",
    "1990-05-13T09:00:00+02:00", "2025-02-30T09:00:00+02:00", "2025-05-13T09:00:00+24:00",
    "2025-03-30T02:30:00", "2025-W20-2T09:00:00+02:00", "2025-05-13T09+02:00"])
def test_a_session_start_is_read_as_the_instant_reader_reads_it(text):
    # the plan parses the plain form inline; the field's own reader is the reference
    from ppaip_rules.describe import INSTANT, FieldInfo, value_reader

    reference = value_reader(FieldInfo(INSTANT, "début"))
    try:
        expected = reference(text, "start")
    except InputError as error:
        with pytest.raises(InputError) as by_plan:
            read(Session, {"start": text, "hours": 1})
        assert (by_plan.value.path, by_plan.value.expected) == ("start", error.expected)
        return
    assert read(Session, {"start": text, "hours": 1}).start == expected


@pytest.mark.parametrize(("model", "changes", "path"), [
    (Facilitator, {"role": "psychologue"}, "role"),  # an old code is read, never built
    (Facilitator, {"id": "Jean Dupont"}, "id"),
    (Facilitator, {"qualification": 9}, "qualification"),
    (Facilitator, {"sites": ("MA-DIJON", "MA DIJON")}, "sites[1]"),
    (Establishment, {"departement": "99"}, "departement"),
    (StaffEvent, {"start": dt.date(1999, 1, 4)}, "start"),
    (Premises, {"opening_hours": ("12:00-09:00",)}, "opening_hours[0]"),
    (Premises, {"opening_days": ("lundi",)}, "opening_days[0]"),
    (Roster, {"facilitators": (Facilitator("A", "psychologist", sites=("NOWHERE",)),)},
     "facilitators[0].sites[0]"),
])
def test_roster_models_refuse_direct_construction_like_the_reader(model, changes, path):
    with pytest.raises(InputError) as error:
        attrs.evolve(BASES[model], **changes)
    assert error.value.path == path
    assert "Dupont" not in str(error.value)


def test_roster_reader_reads_french_level_and_blank_padded_codes():
    roster = read(Roster, {"lot": 5, "market_start": "03/03/2025", "departements": [" 21 "],
                           "facilitators": [{"id": "C", "role": "cip", "qualification":
                                             " Niveau III "}]})
    assert roster.facilitators[0].qualification == 5
    assert roster.facilitators[0].role == "insertion_adviser"
    assert roster.departements == ("21",)
    assert VALIDATORS["roster"].is_valid({"lot": 5, "market_start": "2025-03-03",
                                          "facilitators": [{"id": "C", "role": "cip",
                                                            "qualification": " Niveau III "}]})


def test_reader_errors_name_nested_paths_in_french():
    with pytest.raises(InputError) as error:
        read(Entry, {"person": {"status": "évadé"}}, context=DIJON)
    assert error.value.path == "person.status"
    assert "évadé" not in str(error.value)
    assert str(error.value).startswith("champ « person.status » : attendu une valeur parmi")


def test_field_table_lists_nested_fields_and_personal_data():
    table = field_table(Entry)
    assert "| `person.birth_date` | date de naissance (donnée personnelle) |" in table
    assert "| `prescription.channel` |" in table


@pytest.mark.parametrize(("model", "changes", "path"), [
    (Bilan, {"sections": ("programme_delivered", "rubrique-inventee")}, "sections[1]"),
    (Bilan, {"kind": "annuel"}, "kind"),
    (Deliverables, {"delivered": "poster"}, "delivered"),
    (AttendanceSheet, {"participants": [Attendee(), "ligne"]}, "participants[1]"),
    (AttendanceSheet, {"person": Attendee()}, "person"),  # on a collective sheet
    (AttendanceSheet, {"start_time": "09:00"}, "start_time"),  # read, never built
    (Convocation, {"dates": [dt.date(2025, 6, 3), "demain"]}, "dates[1]"),
    (Signatory, {"signature": "signé"}, "signature"),  # presence is a bool once read
])
def test_documents_refuse_direct_construction_like_the_reader(model, changes, path):
    with pytest.raises(InputError) as error:
        attrs.evolve(BASES[model], **changes)
    assert error.value.path == path


def test_a_list_longer_than_its_cap_is_refused_by_reader_and_schema():
    doc = {"delivered": ["poster"] * 1_001}
    assert not VALIDATORS["deliverables"].is_valid(doc)
    with pytest.raises(InputError) as error:
        read(Deliverables, doc)
    assert error.value.path == "delivered"
    assert "1000 éléments au plus" in error.value.expected
    assert len(read(Deliverables, {"delivered": ["poster"] * 1_000}).delivered) == 1_000


def test_list_elements_are_named_by_their_index_in_nested_paths():
    sheet = {"kind": "collective", "participants": [{}, {"signature": 3}]}
    with pytest.raises(InputError) as error:
        read(AttendanceSheet, sheet)
    assert error.value.path == "participants[1].signature"
    table = field_table(Convocation)
    assert "| `participants[].cpip.signature` |" in table


#: A value of some field of some event type: valid ones, near misses and junk.
_EVENT_VALUES = st.sampled_from(sorted(EVENT_TYPES)).flatmap(
    lambda code: st.sampled_from(described(EVENT_TYPES[code]))).flatmap(
    lambda named: values(named[1]))


@settings(max_examples=300)
@given(logs, st.data())
def test_case_schema_and_reader_agree_on_valid_and_mutated_logs(log, data):
    """Valid event logs (accepted by both), and the same with one to three nodes replaced,
    dropped or added (by values of event fields, or any JSON): the same answer."""
    doc = {"case_id": "C-1", "events": log}
    assert VALIDATORS["case"].is_valid(doc)
    read(Case, doc)
    _same_answer("case", data.draw(mutated(doc, st.one_of(_EVENT_VALUES, json_values).filter(
        _is_json))))


def _is_json(value) -> bool:
    """Whether the value is JSON (RFC 8259 has no NaN nor infinity: a schema cannot speak
    of them; the reader refuses them)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("model", "changes", "path"), [
    (SessionHeld, {"mode": "individuel"}, "mode"),
    (SessionHeld, {"hours": -1}, "hours"),
    (SessionHeld, {"hours": float("nan")}, "hours"),
    (SessionHeld, {"workshop": "W\n1"}, "workshop"),
    (FirstMeeting, {"at": dt.date(2025, 5, 6)}, "at"),  # a timed event needs its time
    (FirstMeeting, {"at": dt.datetime(2025, 3, 30, 2, 30)}, "at"),  # the spring gap
    (SessionHeld, {"at": dt.date(2101, 1, 1)}, "at"),
    (CalendarChangeCommunicated, {"to": []}, "to"),
    (CalendarChangeCommunicated, {"to": ["cpip", "spip"]}, "to[1]"),
    (SessionMissed, {"cause": "personne"}, "cause"),
    (Beneficiary, {"age_at_prescription": 131}, "age_at_prescription"),
    (Case, {"events": [PrescriptionReceived(dt.date(2025, 5, 2)), {"type": "x"}]},
     "events[1]"),
    (Case, {"setting": "fermé"}, "setting"),
])
def test_events_refuse_direct_construction_like_the_reader(model, changes, path):
    with pytest.raises(InputError) as error:
        attrs.evolve(BASES[model], **changes)
    assert error.value.path == path


@pytest.mark.parametrize(("model", "changes", "path"), [
    (InvoiceLine, {"kind": "seance"}, "kind"),  # an old code is read, never built
    (InvoiceLine, {"kind": "frais"}, "kind"),
    (InvoiceLine, {"at": dt.datetime(2025, 4, 8, 10)}, "at"),
    (InvoiceLine, {"case_id": "=1+1"}, "case_id"),
    (Meeting, {"kind": "copil"}, "kind"),
    (Site, {"id": "Jean Dupont"}, "id"),
    (SheetTransmission, {"month": dt.date(2025, 4, 2)}, "month"),
    (IproHours, {"hours": -1}, "hours"),
    (ReportPeriod, {"end": dt.date(2025, 3, 1)}, "end"),
    (ReportPeriod, {"start": dt.date(1990, 1, 1)}, "start"),
    (Activity, {"cases": ({"events": []},)}, "cases[0]"),
])
def test_activity_models_refuse_direct_construction_like_the_reader(model, changes, path):
    with pytest.raises(InputError) as error:
        attrs.evolve(BASES[model], **changes)
    assert error.value.path == path


def test_an_unknown_event_type_is_named_with_the_accepted_types_in_french():
    events = [{"type": "prescription_received", "at": "2025-05-02"}] * 3 + [
        {"type": "seance_realisee", "at": "2025-05-06"}]
    with pytest.raises(InputError) as error:
        read(Case, {"events": events})
    assert error.value.path == "events[3].type"
    assert error.value.expected.startswith("une valeur parmi : prescription_received, ")
    assert "seance_realisee" not in str(error.value)
    with pytest.raises(InputError) as missing:
        read(Case, {"events": [{"at": "2025-05-02"}]})
    assert missing.value.path == "events[0].type"


def test_an_unknown_event_key_is_refused_before_the_field_it_likely_misspells():
    """A variant counts the keys it found: a misspelt field ("hour") is named as an
    unknown key near "hours", not as the missing "hours"; a key given as null is not
    unknown, and an unknown key is refused even when every field is valid."""
    held = {"type": "session_held", "at": "2025-05-06T10:00:00+02:00", "mode": "individual"}
    with pytest.raises(InputError) as typo:
        read(Case, {"events": [{**held, "hour": 2}]})
    assert typo.value.path == "events[0].?"  # (a key typed is never echoed)
    assert "proche de « hours »" in str(typo.value)
    assert read(Case, {"events": [{**held, "hours": 2, "workshop": None}]}).events[0].hours == 2
    with pytest.raises(InputError) as extra:
        read(Case, {"events": [{**held, "hours": 2, "workshop": None, "hour": 2}]})
    assert extra.value.path == "events[0].?"


def test_an_event_field_of_another_type_is_refused_with_its_path():
    with pytest.raises(InputError) as error:
        read(Case, {"events": [{"type": "calendar_sent", "at": "2025-05-02", "hours": 2}]})
    assert error.value.path == "events[0].hours"


def test_a_time_without_offset_is_paris_time_in_events_both_ways():
    read_at = read(Case, {"events": [{"type": "first_meeting", "at": "2025-05-06T10:00"}]})
    built = FirstMeeting(dt.datetime(2025, 5, 6, 10))
    assert read_at.events[0] == built
    assert built.at.utcoffset() == dt.timedelta(hours=2)


def test_the_event_field_table_lists_each_type_s_fields():
    table = field_table(Case)
    assert "| `events[].type` |" in table
    assert "| `events[](type=session_held).hours` |" in table


@pytest.mark.parametrize(("old", "new"), [
    ("seance", "session"), ("partenariat", "partnership"), ("reunion", "meeting"),
    ("evenement", "event"), ("compte-rendu", "report_writing"), ("deplacement", "travel")])
def test_activity_old_invoice_codes_are_read_as_the_new_ones(old, new):
    line = read(InvoiceLine, {"kind": old, "at": "2025-04-08"})
    assert line.kind == new
    assert VALIDATORS["activity"].is_valid({"lot": 5, "period": {"start": "2025-04-01",
                                                                 "end": "2025-06-30"},
                                            "cases": [], "invoice_lines": [
                                                {"kind": old, "at": "2025-04-08"}]})


@pytest.mark.parametrize(("low", "high", "said"), [
    (0, 10_000, " entre 0 et 10000"), (0.5, 2.5, " entre 0,5 et 2,5"),
    (0, 1_000_000.0, " entre 0 et 1000000"), (None, 8, " inférieur ou égal à 8")])
def test_number_bounds_are_worded_alike_by_a_described_field_and_a_hand_converter(
        low, high, said):
    from ppaip_rules.describe import NUMBER, FieldInfo
    from ppaip_rules.parsing import as_number

    described_form = FieldInfo(NUMBER, "nombre", minimum=low, maximum=high).expected()
    with pytest.raises(InputError) as by_hand:
        as_number(low, high)("x", "n")
    assert described_form == by_hand.value.expected == "un nombre" + said
