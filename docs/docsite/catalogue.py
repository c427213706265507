"""The rule catalogue, the contract parameters and the CCTP coverage matrix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ppaip_rules.checks import get_kind, run_check
from ppaip_rules.coverage import AREAS, MATRIX, SECTIONS, Area, area_of, obligations
from ppaip_rules.errors import InputError
from ppaip_rules.frenchtext import format_value
from ppaip_rules.model import Example, Rule
from ppaip_rules.parameters import DIJON, CatalogueItem, ContractParameters, Delay, Lot

from .markdown import (
    DocsError,
    admonition,
    as_json,
    code,
    finding_block,
    link,
    registered_rules,
    rule_anchor,
    table,
    tabs,
)

CATALOGUE_INDEX = "regles/index.md"
INTERPRETATIONS = "interpretations.md"

#: Area of a rule the specification does not list, by the prefix of its ID.
_PREFIX_AREAS = {"LOT": "contrat", "CONTRACT": "contrat", "ELIG": "eligibilite",
                 "ORIENT": "eligibilite", "COLL": "eligibilite", "REFUSAL": "eligibilite",
                 "PROG": "programme", "RUN": "deroulement", "END": "fin-et-documents",
                 "DOC": "fin-et-documents", "STAFF": "effectifs", "PREM": "locaux",
                 "REP": "reporting"}


def area_page(slug: str) -> str:
    return f"regles/{slug}.md"


def rule_area(rule_id: str) -> Area | None:
    """The area whose page shows the rule: the spec's, else by ID prefix, else None."""
    area = area_of(rule_id)
    if area is None:
        slug = _PREFIX_AREAS.get(rule_id.split("-", 1)[0])
        area = next((a for a in AREAS if a.slug == slug), None)
    return area


def rule_page(rule_id: str) -> str:
    area = rule_area(rule_id)
    return area_page(area.slug) if area else CATALOGUE_INDEX


def rule_link(rule_id: str, page: str, registry: Mapping[str, Rule] | None = None) -> str:
    """``[ID](…#id)`` for a registered rule, ``ID (à venir)`` otherwise."""
    registry = registered_rules() if registry is None else registry
    if rule_id not in registry:
        return f"{rule_id} *(à venir)*"
    return f"[{rule_id}]({link(page, rule_page(rule_id), rule_anchor(rule_id))}){{ .rule-id }}"


def area_rules(area: Area, registry: Mapping[str, Rule]) -> list[Rule]:
    """Registered rules shown on an area's page: the spec's first, then by ID prefix."""
    listed = [registry[r] for r in area.rules if r in registry]
    extra = [r for r in registry.values()
             if area_of(r.id) is None and rule_area(r.id) is area]
    return listed + extra


def unclassified_rules(registry: Mapping[str, Rule]) -> list[Rule]:
    return [r for r in registry.values() if rule_area(r.id) is None]


# --- parameters --------------------------------------------------------------

def param_anchor(name: str) -> str:
    return f"param-{name.replace('_', '-')}"


def param_value(name: str, value: Any, rule_id: str | None = None) -> str:
    """A parameter's value as a French reader reads it (Markdown, one table cell)."""
    if isinstance(value, Mapping):
        if rule_id is not None and rule_id in value:
            return param_value(name, value[rule_id])
        return "<br>".join(f"{k} : {param_value(name, v)}" for k, v in value.items())
    if isinstance(value, Delay):
        return value.describe()
    if isinstance(value, Lot):
        spips = ", ".join(s.code for s in value.spips)
        return (f"Lot {value.number} (SPIP {spips}) : {value.individual_hours} h individuelles, "
                f"{value.collective_hours} h collectives")
    if isinstance(value, CatalogueItem):
        return value.label
    if isinstance(value, tuple):
        items = [param_value(name, v) for v in value]
        if value and all(isinstance(v, CatalogueItem) for v in value):
            return (f"<details><summary>{len(items)} entrées</summary>"
                    + "<br>".join(f"• {i}" for i in items) + "</details>")
        return "<br>".join(items)
    if isinstance(value, float) and value.is_integer():
        return format_value(int(value))
    if hasattr(value, "describe") and callable(value.describe):
        return str(value.describe())
    return format_value(value)


def _describe(params: ContractParameters, name: str) -> dict:
    try:
        return params.describe(name)
    except KeyError:
        raise DocsError(f"unknown contract parameter {name}") from None


def parameters_table(*, page: str, **_: Any) -> str:
    """Every contract parameter with its Dijon value (anchors for links)."""
    rows = []
    for field in attrs.fields(ContractParameters):
        d = _describe(DIJON, field.name)
        rows.append((f'<span id="{param_anchor(field.name)}"></span>{d["label"]}',
                     param_value(field.name, d["value"]), d["clause"], f"`{field.name}`"))
    return table(("Paramètre", "Valeur pour le contrat de Dijon", "Clause", "Nom technique"),
                 rows)


def param_link(name: str, page: str) -> str:
    label = _describe(DIJON, name)["label"]
    return f"[{label}]({link(page, CATALOGUE_INDEX, param_anchor(name))})"


def _rule_parameters(rule: Rule, page: str) -> str:
    rows = []
    for name in rule.parameters:
        d = _describe(DIJON, name)
        label, clause, technical = d["label"], d["clause"], name
        if isinstance(d["value"], Mapping) and rule.id in d["value"]:
            # One entry of a per-rule table (the delays): this rule's own.
            label, clause, technical = "Délai de cette règle", rule.clause, f"{name}.{rule.id}"
        rows.append((label, param_value(name, d["value"], rule.id), clause, f"`{technical}`"))
    return table(("Paramètre", "Valeur pour le contrat de Dijon", "Clause", "Nom technique"),
                 rows)


# --- rule entries --------------------------------------------------------------

def kind_label(kind: str) -> str:
    try:
        return f"{get_kind(kind).title} (`{kind}`)"
    except InputError:  # a kind not in this version
        return f"`{kind}`"


def rule_kinds(rule: Rule) -> list[str]:
    """The check kinds that report this rule: its subject, then its examples' kinds."""
    out = [rule.subject]
    for e in rule.examples:
        if e.kind not in out:
            out.append(e.kind)
    return out


def example_result(rule: Rule, example: Example, params: ContractParameters = DIJON,
                   **options: Any):
    """This rule's findings on an example, checked against what the example declares."""
    report = run_check(example.kind, example.data, params, **{**example.options, **options})
    mine = report.by_rule(rule.id)
    if params is DIJON and not options:
        if rule.id not in report.checked:
            raise DocsError(f"{rule.id}: the kind {example.kind} does not check this rule")
        if bool(mine) != example.fires:
            raise DocsError(f"{rule.id}: example « {example.title} » no longer gives its "
                            f"documented result")
    return mine


def example_block(rule: Rule, example: Example, number: int | None = None) -> str:
    """A worked example: the result (findings, as Finding.format() writes them) and the input."""
    mine = example_result(rule, example)
    head = f"Exemple {number} — " if number else "Exemple — "
    verdict = ("la règle signale un problème" if example.fires
               else "conforme, la règle ne signale rien")
    if mine:
        result = "\n".join(finding_block(f) for f in mine)
    else:
        result = f'!!! success "Aucun constat de la règle {rule.id} : conforme."\n'
    data = code(as_json(example.data), "json")
    extra = [f"Contrôle : {kind_label(example.kind)}."]
    for key, value in example.options.items():
        label = "Date du contrôle" if key == "as_of" else f"Option `{key}`"
        extra.append(f"{label} : `{value}`.")
    data += "\n\n" + " ".join(extra)
    return (f"**{head}{example.title}** — *{verdict}.*\n\n"
            + tabs((("Résultat", result), ("Données d'entrée (JSON)", data))))


def rule_entry(rule: Rule, page: str, level: int = 2) -> str:
    """The catalogue entry of one rule."""
    hashes = "#" * level
    parts = [f"{hashes} {rule.id} — {rule.title} {{ #{rule_anchor(rule.id)} }}\n",
             f"**Clause :** {rule.clause} · **Gravité :** {rule.severity.label} · "
             f"**Contrôle :** {', '.join(kind_label(k) for k in rule_kinds(rule))}\n",
             f"{rule.requirement}\n"]
    if rule.interpretation:
        body = f"{rule.interpretation}\n\n" + _interpretation_links(rule.id, page)
        parts.append(admonition("abstract", "Interprétation retenue", body))
    if rule.parameters:
        parts.append("**Paramètres du contrat de Dijon**\n\n" + _rule_parameters(rule, page) + "\n")
    many = len(rule.examples) > 1
    for i, example in enumerate(rule.examples, 1):
        parts.append(example_block(rule, example, i if many else None))
    return "\n".join(parts)


def _interpretation_links(rule_id: str, page: str) -> str:
    from .interpretations import AMBIGUITIES

    links = [f"[Interprétation n° {i} : {a.title}]({link(page, INTERPRETATIONS, a.slug)})"
             for i, a in enumerate(AMBIGUITIES, 1) if rule_id in a.rules]
    return " · ".join(links) or f"[Toutes les interprétations]({link(page, INTERPRETATIONS)})"


def rule_card(rule_id: str, *, page: str, **_: Any) -> str:
    """One rule's entry inside another page (level-3 heading, link to the catalogue)."""
    registry = registered_rules()
    if rule_id not in registry:
        return admonition("note", f"{rule_id} : à venir",
                          f"La règle {rule_id} n'est pas encore disponible dans cette version.")
    entry = rule_entry(registry[rule_id], page, level=3)
    return (entry + f"\n[Cette règle dans le catalogue]"
            f"({link(page, rule_page(rule_id), rule_anchor(rule_id))})\n")


# --- catalogue pages ---------------------------------------------------------

def _summary_rows(rules_: list[Rule], page: str, registry: Mapping[str, Rule]) -> list[tuple]:
    return [(rule_link(r.id, page, registry), r.title, r.clause, r.severity.label)
            for r in rules_]


def catalogue_index(*, page: str, **_: Any) -> str:
    """Every rule, area by area, in one table each; rules outside any area in full."""
    registry = registered_rules()
    parts = []
    for area in AREAS:
        shown = area_rules(area, registry)
        rows = _summary_rows(shown, page, registry)
        rows.extend((f"{r} *(à venir)*", "", "", "") for r in area.rules if r not in registry)
        parts.append(f"## [{area.title}]({link(page, area_page(area.slug))})\n\n"
                     f"{area.summary} *({area.clauses})*\n\n"
                     + table(("Règle", "Ce qu'elle vérifie", "Clause", "Gravité"), rows) + "\n")
    others = unclassified_rules(registry)
    if others:
        parts.append("## Autres règles\n")
        parts.extend(rule_entry(r, page) for r in others)
    return "\n".join(parts)


def catalogue_area(slug: str, *, page: str, **_: Any) -> str:
    area = next((a for a in AREAS if a.slug == slug), None)
    if area is None:
        raise DocsError(f"{page}: unknown area {slug}")
    registry = registered_rules()
    shown = area_rules(area, registry)
    parts = [f"{area.summary} *({area.clauses})*\n"]
    if shown:
        parts.append(table(("Règle", "Ce qu'elle vérifie", "Clause", "Gravité"),
                           _summary_rows(shown, page, registry)) + "\n")
    missing = [r for r in area.rules if r not in registry]
    if missing:
        parts.append(admonition("note", "À venir",
                                "Règles prévues, pas encore disponibles dans cette version : "
                                + ", ".join(missing) + "."))
    parts.extend(rule_entry(r, page) for r in shown)
    return "\n".join(parts)


# --- coverage matrix -----------------------------------------------------------

STATUS_LABELS = {"rules": "Règle", "parameter": "Paramètre", "not-automatable": "Non automatisable"}


def coverage_cell(obligation, page: str, registry: Mapping[str, Rule]) -> str:
    parts = []
    if obligation.rules:
        parts.append(", ".join(rule_link(r, page, registry) for r in obligation.rules))
    if obligation.parameters:
        parts.append("paramètre : " + ", ".join(param_link(p, page)
                                                 for p in obligation.parameters))
    if obligation.not_automatable:
        parts.append(f"Pourquoi : {obligation.not_automatable}")
    if obligation.note:
        parts.append(f"*{obligation.note}*")
    return "<br>".join(parts)


def coverage_matrix(*, page: str, **_: Any) -> str:
    registry = registered_rules()
    parts = []
    for section in SECTIONS:
        rows = [(o.text, STATUS_LABELS[o.status], coverage_cell(o, page, registry))
                for o in obligations(section.number)]
        parts.append(f"### {section.number} — {section.title}\n\n"
                     + table(("Obligation", "Couverture", "Règles, paramètres ou raison"), rows) + "\n")
    return "\n".join(parts)


def coverage_summary(*, page: str, **_: Any) -> str:
    registry = registered_rules()
    counts = {k: sum(o.status == k for o in MATRIX) for k in STATUS_LABELS}
    named = sorted({r for o in MATRIX for r in o.rules})
    ready = sum(r in registry for r in named)
    rows = [("Obligations recensées (§ 1 à § 6.11)", len(MATRIX)),
            ("… encodées par des règles", counts["rules"]),
            ("… portées par un paramètre du contrat", counts["parameter"]),
            ("… non automatisables (raison donnée)", counts["not-automatable"]),
            ("Règles citées par la matrice", len(named)),
            ("… disponibles dans cette version", ready)]
    return table(("", "Nombre"), rows)


__all__ = ["area_page", "catalogue_area", "catalogue_index", "coverage_matrix",
           "coverage_summary", "example_block", "parameters_table", "rule_card",
           "rule_entry", "rule_link", "rule_page"]
