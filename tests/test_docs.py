"""The documentation site: generated from the registry, faithful to the code, complete.

The site itself is built strictly by .ci/run (``mkdocs build --strict``); these tests
check the generator (docs/docsite/, documentation tooling outside the package), the CCTP coverage matrix
(ppaip_rules.coverage) and the integration snippets that the pages include.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs
import pytest
from docsite import (
    DocsError,
    catalogue,
    deadlines_page,
    downloads,
    expand,
    guides,
    interpretations,
)

from ppaip_rules import DIJON, get_rule, kinds, report_schema, rules, run_check
from ppaip_rules.coverage import (
    AREAS,
    MATRIX,
    SECTIONS,
    matrix_rule_ids,
    obligations,
    specified_rule_ids,
)
from ppaip_rules.deadlines import SPECS
from ppaip_rules.model import Example

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SNIPPETS = DOCS / "snippets" / "integration"
REGISTRY = {r.id: r for r in rules()}
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


@pytest.fixture(scope="module")
def site() -> dict[str, str]:
    """Every page of docs/, its markers expanded as the mkdocs hook does."""
    return {page: expand((DOCS / page).read_text(encoding="utf-8"), page, DOCS)
            for page in PAGES}


# --- the rule catalogue -----------------------------------------------------------------

def _area_pages() -> dict[str, str]:
    return {a.slug: catalogue.catalogue_area(a.slug, page=catalogue.area_page(a.slug))
            for a in AREAS}


def test_catalogue_has_exactly_one_entry_for_every_registered_rule():
    text = "\n".join(_area_pages().values()) + catalogue.catalogue_index(page="regles/index.md")
    for rule in rules():
        heading = re.compile(rf"^## {re.escape(rule.id)} — .* \{{ #{rule.id.lower()} \}}$",
                             re.MULTILINE)
        assert len(heading.findall(text)) == 1, rule.id


def test_every_registered_rule_id_appears_in_the_generated_site(site):
    text = "\n".join(site.values())
    missing = [r for r in REGISTRY if r not in text]
    assert not missing


def test_rule_entry_gives_clause_severity_requirement_and_dijon_parameter_values():
    rule = get_rule("END-BILAN-COLL")
    entry = catalogue.rule_entry(rule, "regles/fin-et-documents.md")
    assert "**Clause :** CCTP 6.6, 6.9" in entry
    assert "**Gravité :** violation" in entry
    assert rule.requirement in entry
    assert "| Délai de cette règle | 10 jours ouvrés | CCTP 6.6, 6.9 | " \
           "`delays.END-BILAN-COLL` |" in entry


def test_rule_entry_shows_each_finding_exactly_as_finding_format_writes_it():
    rule = get_rule("PROG-FIRST-MEETING")
    example = next(e for e in rule.examples if e.fires)
    entry = catalogue.rule_entry(rule, "regles/programme.md")
    finding = run_check(example.kind, example.data).by_rule(rule.id)[0]
    lines = [line.strip() for line in entry.splitlines()]
    for line in finding.format().splitlines():
        assert line.strip() in lines
    assert json.dumps(example.data, ensure_ascii=False, indent=2).splitlines()[1].strip() \
        in lines


def test_conforming_example_is_shown_as_conforming():
    rule = get_rule("END-BILAN-IND")
    example = next(e for e in rule.examples if not e.fires)
    block = catalogue.example_block(rule, example)
    assert "Aucun constat de la règle END-BILAN-IND : conforme." in block
    assert "conforme, la règle ne signale rien" in block


def test_an_example_that_no_longer_gives_its_documented_result_fails_the_build():
    rule = get_rule("END-BILAN-IND")
    wrong = Example("Bilan remis à temps, déclaré en retard", "deadline",
                    {"rule_id": "END-BILAN-IND", "trigger": "2025-05-07", "act": "2025-05-15"},
                    fires=True)
    with pytest.raises(DocsError):
        catalogue.rule_entry(attrs.evolve(rule, examples=(wrong,)), "regles/x.md")


def test_rule_entry_links_its_interpretation():
    entry = catalogue.rule_entry(get_rule("END-BILAN-IND"), "regles/fin-et-documents.md")
    assert "Interprétation retenue" in entry
    assert "(../interpretations.md#bilan-individuel)" in entry


def test_parameters_table_lists_every_contract_parameter_with_its_value():
    text = catalogue.parameters_table(page="regles/index.md")
    for field in attrs.fields(type(DIJON)):
        assert f"`{field.name}`" in text
        assert f'id="{catalogue.param_anchor(field.name)}"' in text
    assert "Lot 2 (SPIP 28, 45) : 1740 h individuelles, 780 h collectives" in text


def test_links_between_pages_are_relative_to_the_page():
    assert catalogue.rule_link("END-BILAN-IND", "couverture.md") == \
        "[END-BILAN-IND](regles/fin-et-documents.md#end-bilan-ind){ .rule-id }"
    assert catalogue.rule_link("END-BILAN-IND", "regles/index.md") == \
        "[END-BILAN-IND](fin-et-documents.md#end-bilan-ind){ .rule-id }"
    assert catalogue.rule_link("NOT-A-RULE", "couverture.md") == "NOT-A-RULE *(à venir)*"


def test_every_area_has_its_page_and_its_place_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for area in AREAS:
        page = DOCS / catalogue.area_page(area.slug)
        assert f"<!-- ppaip: catalogue-area {area.slug} -->" in page.read_text(encoding="utf-8")
        assert catalogue.area_page(area.slug) in nav


# --- the coverage matrix of the CCTP ------------------------------------------------------

def test_matrix_names_only_registered_rules():
    assert sorted(matrix_rule_ids() - set(REGISTRY)) == []


def test_every_registered_rule_appears_in_some_clause_of_the_matrix():
    assert sorted(set(REGISTRY) - matrix_rule_ids()) == []


def test_matrix_and_catalogue_areas_name_the_same_rules_of_the_spec():
    spec = specified_rule_ids()
    assert len(spec) == len(set(spec)) == 65  # 54 of revision 1 + 11 of revision 2
    assert set(spec) == matrix_rule_ids()


def test_every_obligation_is_covered_or_says_why_it_cannot_be():
    for o in MATRIX:
        assert o.rules or o.parameters or o.not_automatable, o.text
        assert not (o.rules and o.not_automatable), o.text
        assert o.not_automatable is None or len(o.not_automatable) > 15, o.text


def test_matrix_parameters_are_contract_parameters():
    fields = attrs.fields_dict(type(DIJON))
    assert {p for o in MATRIX for p in o.parameters} <= set(fields)


def test_matrix_goes_through_every_article_from_1_to_6_11():
    numbers = [s.number for s in SECTIONS]
    assert numbers[0] == "1.1" and numbers[-1] == "6.11"
    for needed in ("1.2", "1.4", "1.5", "2 b", "3", "4", "5", "6.1-1", "6.1-2", "6.1-3",
                   "6.2 A", "6.2 B", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "6.10"):
        assert needed in numbers
    for section in SECTIONS:
        assert obligations(section.number), section.number
    assert {o.section for o in MATRIX} <= set(numbers)


def test_coverage_page_marks_what_cannot_be_automated():
    text = catalogue.coverage_matrix(page="couverture.md")
    assert "### 6.11 — L'évaluation du programme" in text
    assert "| Non automatisable | Pourquoi : enquêtes menées par la DISP elle-même" in text
    for rule_id in matrix_rule_ids() & set(REGISTRY):
        assert f"[{rule_id}](" in text


# --- interpretations ----------------------------------------------------------------------

def test_the_ambiguities_each_quote_the_contract_and_give_a_default():
    assert len(interpretations.AMBIGUITIES) >= 13  # 9 of revision 1, then 10-15 of revision 2
    slugs = {a.slug for a in interpretations.AMBIGUITIES}
    assert {"demarrage-du-dispositif", "ensemble-des-intervenants", "vendredi-saint",
            "fin-d-une-periode", "demarrage-et-absence"} <= slugs
    text = interpretations.interpretations(page="interpretations.md")
    for a in interpretations.AMBIGUITIES:
        assert f"{{ #{a.slug} }}" in text
        assert a.default in text
        assert a.choices
        for quote in a.quotes:
            assert f'!!! quote "{quote.source}"\n\n    {interpretations.quote_text(quote)}' in text
        assert any(q.source.startswith("CCTP ") for q in a.quotes)


def test_each_ambiguity_names_a_switch_that_exists_in_the_code_or_says_there_is_none():
    for a in interpretations.AMBIGUITIES:
        found = [n for n in a.switches if interpretations.switch_locations(n)]
        assert found or a.no_switch, a.slug


@pytest.mark.parametrize("name, where", [
    ("extend_to_working_day", "`ppaip_rules.deadline()`"),
    ("whit_monday_worked", "`ppaip-rules deadline --whit-monday-worked`"),
    ("departement", "champ `departement` de l'entrée JSON"),
    ("delays", "paramètre du contrat `delays`"),
    ("group_size_ideal_min", "valeur pour Dijon : 4"),
])
def test_switch_locations_are_read_from_the_code(name, where):
    assert any(where in line for line in interpretations.switch_locations(name))


def test_unknown_switch_has_no_location():
    assert interpretations.switch_locations("no_such_switch") == []


def test_interpretation_examples_are_computed_for_each_choice():
    text = interpretations.interpretations(page="interpretations.md")
    # Bilan: 5 jours ouvrés from Friday 2 May 2025 (8 May is a holiday) vs 5 calendar days.
    assert "Échéance : **lundi 12 mai 2025**." in text
    assert "Échéance : **mercredi 7 mai 2025**." in text
    # "Dans un délai de 5 jours" from Tuesday 6 May 2025: extended, not extended, jours ouvrés.
    assert "Échéance : **dimanche 11 mai 2025**." in text
    assert "Échéance : **mercredi 14 mai 2025**." in text
    # A suspension between validation and start: days not counted (default), or counted.
    assert "Échéance : **lundi 19 mai 2025** ; état : **respectée**." in text
    assert "après l'échéance du lundi 12 mai 2025 (3 jours de retard)" in text
    # The psychologists' share by hours: an example file whose verdict changes.
    assert "*Fichier d'exemple `roster." in text
    # 48 hours from the end, or from the start, of the first interview.
    assert "Délai respecté." in text
    assert "REFUSAL-48H (CCTP 3) — violation" in text


# --- deadlines page ---------------------------------------------------------------------

def test_every_contract_deadline_has_its_section():
    text = deadlines_page.deadline_tables(page="delais.md")
    for rule_id in SPECS:
        assert f"{{ #delai-{rule_id.lower()} }}" in text


def test_day_table_counts_jours_ouvres_around_8_may():
    text = deadlines_page.deadline_section("END-BILAN-IND", "delais.md")
    assert "| vendredi | 2 mai 2025 | jour ouvré | événement : dernier entretien individuel " \
           "(jour 0) |" in text
    assert "| jeudi | 8 mai 2025 | jour férié (Fête de la Victoire) | non compté |" in text
    assert "| lundi | 12 mai 2025 | jour ouvré | **jour ouvré 5 — échéance** |" in text


def test_day_table_shows_an_extension_past_a_sunday():
    text = deadlines_page.deadline_section("PROG-FIRST-MEETING", "delais.md")
    assert "| dimanche | 11 mai 2025 | dimanche | jour 5 — fin du délai, un jour non ouvré : " \
           "prolongé |" in text
    assert "| lundi | 12 mai 2025 | jour ouvré | **échéance après prolongation** |" in text


def test_jours_ouvrables_count_saturdays():
    text = deadlines_page.deadline_section("STAFF-REPLACE", "delais.md")
    assert "| samedi | 3 mai 2025 | samedi (jour ouvrable) | jour ouvrable 2 |" in text
    assert "**jour ouvrable 10 — échéance**" in text


def test_hour_deadline_shows_the_daylight_saving_change():
    text = deadlines_page.deadline_section("PROG-CALENDAR-CHANGE", "delais.md")
    assert "samedi 25 octobre 2025 à 10 h 00 (UTC+2)" in text
    assert "**lundi 27 octobre 2025 à 9 h 00 (UTC+1)**" in text


def test_holidays_table_for_2025_to_2027():
    text = deadlines_page.holidays_table("2025", "2027", page="delais.md")
    assert "| Lundi de Pentecôte | lundi 9 juin 2025 | lundi 25 mai 2026 | lundi 17 mai 2027 |" \
        in text
    assert text.count("\n") == 1 + 11


def test_alsace_moselle_and_whit_monday_examples():
    text = deadlines_page.alsace_moselle(page="delais.md")
    assert "Vendredi saint" in text and "Saint-Étienne" in text
    assert "mardi 6 janvier 2026" in text and "mercredi 7 janvier 2026" in text
    text = deadlines_page.whit_monday(page="delais.md")
    assert "mardi 10 juin 2025" in text and "lundi 9 juin 2025" in text


# --- guides -----------------------------------------------------------------------------

def test_guide_of_a_kind_not_in_this_version_says_it_is_to_come():
    assert "À venir" in guides.kind_guide("no-such-kind", page="guides/x.md")


def test_guide_of_a_kind_lists_its_rules_and_input_fields():
    text = guides.kind_guide("deadline", page="guides/x.md")
    assert "[END-BILAN-IND](" in text
    assert "| `rule_id` | oui | une valeur parmi : " in text
    assert "| `whit_monday_worked` | non | true ou false ; ou null | lundi de Pentecôte travaillé " \
        "(défaut : `false`) |" \
        in text
    assert "(../schemas/deadline.schema.json)" in text


def test_roster_columns_say_to_come_when_no_module_declares_them(monkeypatch):
    monkeypatch.setattr(guides, "optional_module", lambda name: None)
    assert "À venir" in guides.roster_columns(page="guides/effectifs.md")


@attrs.frozen
class _Column:
    name: str
    required: bool
    description: str


@pytest.mark.parametrize("columns", [
    ("intervenant", "role"),
    [{"name": "intervenant", "required": True, "description": "identifiant"}],
    (_Column("intervenant", True, "identifiant"),),
    {"intervenant": "identifiant"},
])
def test_columns_table_renders_any_declaration_form(columns):
    text = guides.columns_table(columns)
    assert "| `intervenant` |" in text
    assert text.startswith("| Colonne")


def test_schema_rows_walk_nested_objects_and_lists():
    schema = {"type": "object", "required": ["a"], "$defs": {"w": {
        "type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}},
        "properties": {"a": {"type": "array", "items": {"$ref": "#/$defs/w"}},
                       "b": {"type": "string", "format": "date", "description": "Jour"}}}
    rows = guides.schema_rows(schema)
    assert ("`a[].n`", "non", "nombre entier — min. 1", "") in rows
    assert ("`b`", "non", "texte (date)", "Jour") in rows


def test_downloads_hold_every_kind_schema_and_every_example_file():
    files = downloads()
    for kind in kinds():
        assert json.loads(files[f"schemas/{kind.name}.schema.json"]) == kind.schema()
    assert json.loads(files["schemas/report.schema.json"]) == report_schema()
    for name, content in guides.example_files():
        assert files[f"telechargements/{name}"] == content


def test_exit_codes_table_reads_the_cli_constants():
    text = guides.exit_codes(page="guides/integration.md")
    for code in "0123":
        assert f"| `{code}` |" in text


# --- the pages as a whole ----------------------------------------------------------------

def test_every_marker_of_every_page_is_replaced(site):
    assert "guides/integration.md" in site and "interpretations.md" in site
    for page, text in site.items():
        assert "<!-- ppaip:" not in text, page


def test_an_unknown_marker_fails_the_build():
    with pytest.raises(DocsError):
        expand("<!-- ppaip: no-such-marker -->", "index.md", DOCS)


def test_every_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        if not page.startswith("snippets/"):
            assert page in nav, page


# --- the integration snippets: the files the docs include are the files run here ---------

def test_python_snippet_runs_and_prints_what_the_guide_says():
    done = guides.run_python(SNIPPETS / "exemple.py")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    lines = out.splitlines()
    assert lines[0] == "2025-05-12"
    assert "False" in lines
    assert "END-BILAN-IND CCTP 6.6, 6.9 violation" in lines
    assert any(line.startswith("champ « trigger »") for line in lines)
    assert lines[-1] == "2025-05-07"


CLI = guides.cli_commands(SNIPPETS / "commandes.sh")


def test_cli_snippet_shows_every_exit_code_a_caller_handles():
    assert {c.exit_code for c in CLI} >= {0, 1, 2}


@pytest.mark.parametrize("command", CLI, ids=[c.line for c in CLI])
def test_cli_snippet_command_exits_with_the_documented_code(command):
    jsonschema = pytest.importorskip("jsonschema")
    done = guides.run_cli(command, SNIPPETS)
    assert done.returncode == command.exit_code, done.stderr.decode()
    if command.exit_code == 2:
        err = done.stderr.decode().strip()
        assert len(err.splitlines()) == 1 and "champ « " in err
        return
    out = done.stdout.decode()
    if "json" in command.argv or "--json" in command.argv:
        data = json.loads(out)
        if command.argv[0] == "check":
            jsonschema.validate(data, report_schema())
    elif command.argv[0] == "schema":
        jsonschema.Draft202012Validator.check_schema(json.loads(out))


LANGUAGES = ("ControlePpaip.php", "ControlePpaip.java", "ControlePpaip.cs")


@pytest.mark.parametrize("name", LANGUAGES)
def test_language_snippet_runs_the_documented_command_on_the_documented_data(name):
    text = (SNIPPETS / name).read_text(encoding="utf-8")
    literal = r"'([^']*)'" if name.endswith(".php") else r'"((?:[^"\\]|\\.)*)"'
    strings = re.findall(literal, re.sub(r"//[^\n]*", "", text))
    argv = ["ppaip-rules", "check", "deadline", "-", "--format", "json"]
    positions = [strings.index(token) for token in argv]
    assert positions == sorted(positions), "the command's arguments, in order"
    payload = json.loads((SNIPPETS / "acte-en-retard.json").read_text(encoding="utf-8"))
    for key, value in payload.items():
        assert re.search(rf"{key}\\?[\"'][\]\s=>:]*\\?[\"']{value}", text), key
    for code in ("case 1", "case 2", "default"):
        assert code in text
    command = guides.CliCommand("", "", tuple(argv[1:]), "acte-en-retard.json", 1)
    done = guides.run_cli(command, SNIPPETS)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert [f["rule_id"] for f in report["findings"]] == ["END-BILAN-IND"]


def test_every_snippet_file_is_shown_or_linked_in_the_integration_guide():
    guide = (DOCS / "guides" / "integration.md").read_text(encoding="utf-8")
    for path in SNIPPETS.iterdir():
        assert f"integration/{path.name}" in guide, path.name
