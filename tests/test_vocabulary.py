"""One vocabulary (issue 10 item 2): every code a caller sends is an English snake_case
identifier with a French label; the old codes of 0.2.0 are still read, to the same result,
for one version."""

from __future__ import annotations

import copy
import json
import re
import sys
from importlib import resources

import attrs
import pytest

from ppaip_rules.checks import get_kind, kinds, run_check
from ppaip_rules.describe import CODE, FORMATS, described, field_rows, json_schema
from ppaip_rules.errors import InputError
from ppaip_rules.parameters import CATALOGUE_ALIASES, DIJON, parameters_from_dict

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")

#: Code lists that are not vocabulary: the rule identifiers of the catalogue (RULES.md),
#: the same in reports, parameters, docs and the CLI (``DEADLINE RULE_ID``).
NOT_VOCABULARY = {("deadline", "/properties/rule_id")}

#: The kinds converted here, with the example document their old codes are put into.
EXAMPLES = ("eligibility", "orientation", "programme", "attendance-sheet", "convocation",
            "bilan", "deliverables")


def _code_lists(schema, path=""):
    """(path, codes, labels or None) of every code list of a schema."""
    if isinstance(schema, dict):
        if "x-labels" in schema:
            yield path, list(schema["x-labels"]), schema["x-labels"]
        elif "enum" in schema:
            yield path, [v for v in schema["enum"] if v is not None], None
        for key, value in schema.items():
            if key not in ("x-labels", "x-aliases", "enum"):
                yield from _code_lists(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for value in schema:
            yield from _code_lists(value, path)


def _vocabulary_problems(kind: str) -> list[str]:
    problems = []
    for path, codes, labels in _code_lists(get_kind(kind).schema()):
        if (kind, path) in NOT_VOCABULARY:
            continue
        if labels is None:
            problems.append(f"{path}: codes without French labels {codes}")
            continue
        for code in codes:
            if not isinstance(code, str) or not SNAKE.fullmatch(code):
                problems.append(f"{path}: {code!r} is not snake_case ASCII")
            label = labels.get(code)
            if not isinstance(label, str) or not label.strip() or label == code:
                problems.append(f"{path}: {code!r} has no French label")
    return problems


def _all_kinds() -> list[str]:
    return [k.name for k in kinds()]


@pytest.mark.parametrize("kind", _all_kinds())
def test_every_code_a_caller_sends_is_snake_case_with_a_french_label(kind):
    assert _vocabulary_problems(kind) == []


def _described_models():
    """Every described model of the package (an attrs class with ``describe.field``s)."""
    kinds()  # every area registered
    seen = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("ppaip_rules") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and attrs.has(value) and described(value):
                seen[f"{value.__module__}.{value.__qualname__}"] = value
    return sorted(seen.items())


def test_every_described_code_list_is_snake_case_with_a_french_label():
    models = _described_models()
    assert len(models) >= 10
    problems = []
    for name, model in models:
        for field_name, info in described(model):
            if info.kind != CODE or (name, field_name) == ("ppaip_rules.checks.DeadlineCheck",
                                                           "rule_id"):  # rule IDs
                continue
            for code, label in info.codes.of(DIJON).items():
                if not SNAKE.fullmatch(code) or not label.strip() or label == code:
                    problems.append((name, field_name, code))
            for old, code in info.codes.old(DIJON).items():
                if code not in info.codes.of(DIJON):
                    problems.append((name, field_name, old))
    assert problems == []


# --- every old code is still read, to the same result --------------------------------

def _example(kind: str) -> dict:
    name = f"{kind}.conforme.json"
    return json.loads((resources.files("ppaip_rules") / "examples" / name).read_text("utf-8"))


def _set(doc: dict, path: str, value) -> dict:
    """A copy of ``doc`` with the field at ``path`` (``person.setting``, ``sections[]``) set
    to ``value`` (a one-element list for ``[]``)."""
    doc = copy.deepcopy(doc)
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {}) if isinstance(node.get(part), dict) or \
            node.get(part) is None else node[part]
    last = parts[-1]
    if last.endswith("[]"):
        node[last[:-2]] = [value]
    else:
        node[last] = value
    return doc


def _model(kind: str):
    from ppaip_rules.documents import AttendanceSheet, Bilan, Convocation, Deliverables
    from ppaip_rules.eligibility import Entry, OrientationRequest
    from ppaip_rules.programme import Proposal

    return {"eligibility": Entry, "orientation": OrientationRequest, "programme": Proposal,
            "attendance-sheet": AttendanceSheet, "convocation": Convocation, "bilan": Bilan,
            "deliverables": Deliverables}[kind]


def _code_fields(model, prefix=""):
    """(path, info) of every code field of a model, nested models included."""
    for name, info in described(model):
        path = f"{prefix}{name}" + ("[]" if info.many else "")
        if isinstance(info.kind, type):
            yield from _code_fields(info.kind, path + ".")
        elif info.kind == CODE:
            yield path, info


def _old_codes():
    """(kind, field path, old code, new code) for every old code of the converted kinds."""
    out = []
    for kind in EXAMPLES:
        for path, info in _code_fields(_model(kind)):
            for old, new in info.codes.old(DIJON).items():
                out.append((kind, path, old, new))
    return out


OLD_CODES = _old_codes()


def test_the_old_codes_of_every_list_are_listed():
    lists = {(kind, path) for kind, path, *_ in OLD_CODES}
    assert {("eligibility", "person.setting"), ("eligibility", "person.status"),
            ("eligibility", "prescription.prescriber_role"),
            ("eligibility", "prescription.channel"), ("orientation", "source"),
            ("orientation", "channel"), ("programme", "setting"), ("convocation", "setting"),
            ("attendance-sheet", "kind"), ("bilan", "kind"), ("bilan", "sections[]"),
            ("deliverables", "delivered[]"), ("deliverables", "not_applicable[]")} <= lists
    olds = {old for *_, old, _ in OLD_CODES}
    assert {"MF", "MO", "mail", "autre", "titulaire", "assistant-social", "individuel",
            "collectif", "atelier", "prevenu", "condamne", "affiche",
            "programme-realise"} <= olds


def _report(kind: str, doc: dict) -> dict:
    out = run_check(kind, doc, stamp=False).to_dict()
    return out


@pytest.mark.parametrize(("kind", "path", "old", "new"), OLD_CODES,
                         ids=[f"{k}:{p}:{o}" for k, p, o, _ in OLD_CODES])
def test_an_old_code_is_read_as_its_new_code_to_the_same_report(kind, path, old, new):
    base = _example(kind)
    if kind == "attendance-sheet" and new == "collective":
        base = json.loads((resources.files("ppaip_rules") / "examples" /
                           "attendance-sheet.non-conforme.json").read_text("utf-8"))
    assert _report(kind, _set(base, path, old)) == _report(kind, _set(base, path, new))
    # and the published JSON Schema accepts the old code too
    jsonschema = pytest.importorskip("jsonschema")
    checker = jsonschema.FormatChecker()
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    validator = jsonschema.Draft202012Validator(get_kind(kind).schema(), format_checker=checker)
    assert validator.is_valid(_set(base, path, old))


def test_the_settings_old_codes_are_read_in_any_case():
    from ppaip_rules.eligibility import read_person

    assert read_person({"setting": " mf "}).setting == "custody"
    assert read_person({"setting": "Mo"}).setting == "community"
    assert read_person({"setting": "COMMUNITY"}).setting == "community"


def test_an_old_code_is_shown_in_the_schema_and_the_field_table():
    from ppaip_rules.eligibility import Entry

    schema = json_schema(Entry, context=DIJON)
    setting = schema["properties"]["person"]["properties"]["setting"]
    assert setting["x-aliases"] == {"MF": "custody", "MO": "community"}
    assert setting["x-labels"] == {"custody": "milieu fermé", "community": "milieu ouvert"}
    assert "anciens codes encore lus : MF → custody, MO → community" in setting["x-expected"]
    row = next(r for r in field_rows(Entry, context=DIJON) if r.path == "person.setting")
    assert "custody « milieu fermé »" in row.expected and "MF → custody" in row.expected


def test_an_error_lists_the_new_codes_only():
    from ppaip_rules.eligibility import read_orientation

    with pytest.raises(InputError) as error:
        read_orientation({"channel": "fax"})
    assert error.value.expected == "une valeur parmi : ipro360, email, other"


def test_direct_construction_takes_the_new_codes_only():
    """The reader maps old spellings; a model holds codes (as for the French spellings of
    0.2.0): built directly, it refuses an old code."""
    from ppaip_rules.eligibility import Person

    assert Person(setting="custody").setting == "custody"
    with pytest.raises(InputError) as error:
        Person(setting="MF")
    assert error.value.path == "setting"


def test_a_variant_contract_file_with_old_catalogue_codes_is_read_with_the_new_codes():
    variant = parameters_from_dict({"prescriber_roles": [
        {"code": "cpip", "label": "CPIP"},
        {"code": "assistant-social", "label": "Assistant·e de service social"}]})
    assert [i.code for i in variant.prescriber_roles] == ["cpip", "social_worker"]
    for old, new in CATALOGUE_ALIASES["deliverables"].items():
        variant = parameters_from_dict({"deliverables": [{"code": old, "label": "x"}]})
        assert [i.code for i in variant.deliverables] == [new]


def test_an_old_code_whose_new_code_a_variant_contract_dropped_is_not_read():
    from ppaip_rules.eligibility import Prescription, read_prescription

    variant = parameters_from_dict({"prescriber_roles": [{"code": "cpip", "label": "CPIP"}]})
    assert read_prescription({"prescriber_role": "assistant-social"}).prescriber_role == \
        "social_worker"
    with pytest.raises(InputError) as error:
        read_prescription({"prescriber_role": "assistant-social"}, variant)
    assert error.value.path == "prescription.prescriber_role"
    schema = json.dumps(json_schema(Prescription, context=variant))
    assert "social_worker" not in schema and "assistant-social" not in schema


# --- the catalogue codes of themes and actions (texts matched against the catalogue) -------

def _themes():
    from ppaip_rules.programme import THEME_ALIASES

    return sorted(THEME_ALIASES.items())


@pytest.mark.parametrize(("old", "new"), _themes())
def test_an_old_theme_code_gives_the_same_reports_as_its_new_code(old, new):
    def programme(theme):
        doc = _example("programme")
        doc["workshops"] = [{"theme": theme, "hours": 1, "participants": 7,
                             "agreed_with_spip": False}]
        return doc

    assert _report("programme", programme(old)) == _report("programme", programme(new))
    assert _report("programme", programme(new))["findings"]  # the workshop is named
    convocation = {**_example("convocation"), "duration_hours": 1}
    assert _report("convocation", {**convocation, "theme": old}) == \
        _report("convocation", {**convocation, "theme": new})


def test_every_old_individual_action_code_is_in_the_catalogue():
    from ppaip_rules.programme import ACTION_ALIASES

    doc = _example("programme")
    report = _report("programme", {**doc, "individual_actions": list(ACTION_ALIASES)})
    assert not [f for f in report["findings"] if f["rule_id"] == "PROG-IND-ACTIONS"]
    assert _report("programme", {**doc, "individual_actions": ["sophrologie"]})["findings"]


def test_every_catalogue_code_is_snake_case_ascii():
    for name in ("individual_actions", "collective_themes", "orientation_sources",
                 "eligible_statuses", "prescriber_roles", "bilan_required_sections",
                 "bilan_optional_sections", "deliverables"):
        for item in getattr(DIJON, name):
            assert SNAKE.fullmatch(item.code), (name, item.code)
        for old, new in CATALOGUE_ALIASES.get(name, {}).items():
            assert new in {i.code for i in getattr(DIJON, name)}, (name, old)
