"""The ambiguities of the contract: clause texts side by side, default, switch, examples.

Each :class:`Ambiguity` quotes the CCTP, says what the library does by
default and names the policy switch that changes it. The switch names are
looked up in the code at build time (contract parameters, keyword arguments
of the public functions, options and input fields of the check kinds, command
line flags), so the page shows the names a caller can really use. Every
example is computed while the page is built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ppaip_rules.calendar import Unit, compute_period, get_calendar
from ppaip_rules.checks import CheckKind, kinds, load_json, run_check
from ppaip_rules.deadlines import deadline
from ppaip_rules.errors import InputError
from ppaip_rules.frenchtext import format_datetime, format_moment
from ppaip_rules.model import Example, Report
from ppaip_rules.parameters import DIJON, ContractParameters, parameters_from_dict

from .catalogue import param_value, rule_link
from .markdown import (
    admonition,
    as_json,
    code,
    finding_block,
    registered_rules,
    table,
    tabs,
    to_come,
)


@attrs.frozen
class Quote:
    source: str
    text: str


@attrs.frozen
class Choice:
    """One reading of the clause: its label, how to select it, and its computed example."""

    label: str
    how: str
    show: Callable[[str], str]


@attrs.frozen
class Ambiguity:
    slug: str
    title: str
    rules: tuple[str, ...]
    quotes: tuple[Quote, ...]
    question: str
    default: str
    #: Each entry lists the names a switch may have in the code; every name found is shown.
    switches: tuple[str, ...]
    choices: tuple[Choice, ...]
    no_switch: str | None = None
    #: The situation shared by the choices' examples, shown once above them.
    example: Callable[[], str] | None = None


# --- switches: where a name lives in the code ------------------------------------

#: Command-line flags whose destination is not the policy's name.
_CLI_ALIASES = {"extend_to_working_day": "no_extension",
                "suspension_stops_clock": "suspensions_count",
                "good_friday_holiday": "good_friday_worked"}


def _public_functions() -> list[tuple[str, Callable]]:
    import ppaip_rules

    out = []
    for name in ppaip_rules.__all__:
        obj = getattr(ppaip_rules, name, None)
        if inspect.isfunction(obj):
            out.append((name, obj))
    return out


def _cli_flags(name: str) -> list[str]:
    from ppaip_rules.cli import build_parser

    wanted = {name, _CLI_ALIASES.get(name, name)}
    found = []
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                for a in sub._actions:
                    if a.dest in wanted and a.option_strings:
                        found.append(f"`ppaip-rules {command} {a.option_strings[0]}`")
        elif action.dest in wanted and action.option_strings:
            found.append(f"`ppaip-rules {action.option_strings[0]}`")
    return found


def _schema_paths(kind: CheckKind, name: str) -> list[str]:
    try:
        props = kind.schema().get("properties", {})
    except Exception:
        return []
    paths = [name] if name in props else []
    for key, sub in props.items():
        if isinstance(sub, dict) and name in sub.get("properties", {}):
            paths.append(f"{key}.{name}")
    return paths


def switch_locations(name: str, rule_ids: tuple[str, ...] = ()) -> list[str]:
    """Every place a caller can set the switch ``name``, in French (empty: not in this version).

    For a per-rule parameter (the delays), only the values of ``rule_ids`` are shown.
    """
    out = []
    fields = attrs.fields_dict(ContractParameters)
    if name in fields:
        value = getattr(DIJON, name)
        if isinstance(value, Mapping) and rule_ids:
            value = {k: v for k, v in value.items() if k in rule_ids}
        value = param_value(name, value).replace("<br>", " ; ")
        out.append(f"paramètre du contrat `{name}`, dans un fichier de contrat variante "
                   f"(`ppaip-rules --parameters variante.toml …`) ; valeur pour Dijon : {value}")
    for fname, fn in _public_functions():
        param = inspect.signature(fn).parameters.get(name)
        if param is not None and param.kind is not param.VAR_KEYWORD:
            default = "" if param.default is param.empty else f" (défaut : `{param.default!r}`)"
            out.append(f"argument `{name}` de `ppaip_rules.{fname}()`{default}")
    for kind in kinds():
        if name in kind.options:
            out.append(f"option du contrôle « {kind.title} » (`{kind.name}`)")
        for path in _schema_paths(kind, name):
            out.append(f"champ `{path}` de l'entrée JSON du contrôle « {kind.title} » "
                       f"(`{kind.name}`)")
    out.extend(f"option {flag} en ligne de commande" for flag in _cli_flags(name))
    return out


def _variant(kind: CheckKind, name: str, value: Any) -> dict | None:
    """How to run a check of ``kind`` with the switch ``name`` set to ``value``."""
    if name in attrs.fields_dict(ContractParameters):
        return {"params": attrs.evolve(DIJON, **{name: value})}
    if name in kind.options:
        return {"options": {name: value}}
    if name in _schema_paths(kind, name):
        return {"data": {name: value}}
    # A keyword of the kind's own public function (``evaluate_case`` for ``case``).
    suffix = "_" + kind.name.replace("-", "_")
    for fname, fn in _public_functions():
        if fname.endswith(suffix) and name in inspect.signature(fn).parameters:
            return {"call": fn, "kwargs": {name: value}}
    return None


def _run_variant(example, data: Any, how: dict) -> Report:
    params = how.get("params", DIJON)
    options = {**example.options, **how.get("options", {})}
    if "call" in how:
        result = how["call"](data, params=params, **options, **how["kwargs"])
        return result if isinstance(result, Report) else result.report
    return run_check(example.kind, data, params, **options)


# --- computed examples ----------------------------------------------------------

def _deadline_example(rule_id: str, trigger: str, act: str | None = None,
                      params: ContractParameters = DIJON, **policy: Any) -> Callable[[str], str]:
    def show(page: str) -> str:
        d = deadline(rule_id, trigger, params=params, **policy)
        due = format_moment(d.due)
        out = [f"Échéance : **{due}**.\n", "\n".join(f"{i}. {s}" for i, s in
                                                      enumerate(d.trace, 1)) + "\n"]
        if act is not None:
            data = {"rule_id": rule_id, "trigger": trigger, "act": act, **policy}
            report = run_check("deadline", data, params)
            found = report.by_rule(rule_id)
            out.append(f"Acte le {_when(act)} :\n")
            out.append("\n".join(finding_block(f) for f in found) if found else
                       '!!! success "Délai respecté."\n')
        return "\n".join(out)
    return show


def _when(text: str) -> str:
    value = dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    return format_moment(value)


def _rule_examples(rule_ids: tuple[str, ...], switch: tuple[str, ...] = (),
                   value: Any = None) -> Callable[[str], str]:
    """The rules' own documented examples, run with a switch set (or by default)."""
    def show(page: str) -> str:
        registry = registered_rules()
        parts = []
        for rule_id in rule_ids:
            rule = registry.get(rule_id)
            if rule is None:
                parts.append(to_come(f"La règle {rule_id}"))
                continue
            for example in rule.examples:
                kind = next(k for k in kinds() if k.name == example.kind)
                how = {}
                if switch:
                    how = next((v for v in (_variant(kind, n, value) for n in switch) if v),
                               None)
                    if how is None:
                        continue
                data = example.data
                if "data" in how and isinstance(data, dict):
                    data = {**data, **how["data"]}
                parts.append(f"*{rule_id} — {example.title}*\n")
                try:
                    report = _run_variant(example, data, how)
                except InputError as error:
                    parts.append(f"Les données de cet exemple ne permettent pas ce calcul : "
                                 f"{error}.\n")
                    continue
                found = report.by_rule(rule_id)
                parts.append("\n".join(finding_block(f) for f in found) if found else
                             f'!!! success "Aucun constat de {rule_id}."\n')
        if not parts:
            names = " ou ".join(f"`{n}`" for n in switch)
            return to_come(f"Un exemple avec l'interrupteur {names}")
        return "\n".join(parts)
    return show


#: A case whose programme is suspended between its validation and its start (ambiguity 7).
_SUSPENDED_CASE = {"case_id": "EXEMPLE-SUSPENSION", "events": [
    {"type": "prescription_received", "at": "2025-05-02"},
    {"type": "first_meeting", "at": "2025-05-05T10:00:00+02:00", "duration_hours": 1},
    {"type": "calendar_sent", "at": "2025-05-05"},
    {"type": "proposal_sent", "at": "2025-05-05", "individual_hours": 10},
    {"type": "proposal_validated", "at": "2025-05-06"},
    {"type": "suspension_started", "at": "2025-05-07", "cause": "person_unavailable"},
    {"type": "suspension_ended", "at": "2025-05-13"},
    {"type": "session_held", "at": "2025-05-15T10:00:00+02:00", "mode": "individual",
     "hours": 2},
]}
_SUSPENDED_AS_OF = "2025-05-20T18:00:00+02:00"


def _case_example(rule_id: str, case: dict | None = None, as_of: str = _SUSPENDED_AS_OF,
                  **policy: Any) -> Callable[[str], str]:
    """One obligation of a case (:data:`_SUSPENDED_CASE` by default), with a policy."""
    def show(page: str) -> str:
        import ppaip_rules

        evaluate = getattr(ppaip_rules, "evaluate_case", None)
        if evaluate is None:
            return to_come("Le suivi de parcours (`evaluate_case`)")
        evaluation = evaluate(case or _SUSPENDED_CASE, as_of=as_of, **policy)
        parts = []
        for o in evaluation.obligations:
            if o.rule_id != rule_id:
                continue
            due = format_moment(o.due)
            parts.append(f"Échéance : **{due}** ; état : **{o.status.label}**.\n")
            parts.append("\n".join(f"{i}. {step}" for i, step in enumerate(o.trace, 1)) + "\n")
        found = evaluation.report.by_rule(rule_id)
        parts.append("\n".join(finding_block(f) for f in found) if found else
                     f'!!! success "Aucun constat de {rule_id}."\n')
        return "\n".join(parts)
    return show


def _term_example(reading: str) -> Callable[[str], str]:
    """The periods of the market from 1 March 2025 under a reading of ambiguity 14, then the
    examples of CONTRACT-TERM run with it."""
    def show(page: str) -> str:
        from ppaip_rules.frenchtext import format_date
        from ppaip_rules.lot import contract_term

        term = contract_term(dt.date(2025, 3, 1), term_end_reading=reading)
        lines = [f"- {p.label} : du {format_date(p.first)} au **{format_date(p.last)}**"
                 for p in term.periods]
        examples = _rule_examples(("CONTRACT-TERM",), ("term_end_reading",), reading)(page)
        return "Démarrage le 1er mars 2025 :\n\n" + "\n".join(lines) + "\n\n" + examples
    return show


_ABSENT_AT_START = {"case_id": "EX-DEMARRAGE", "events": [
    {"type": "prescription_received", "at": "2025-05-02"},
    {"type": "first_meeting", "at": "2025-05-05T10:00:00+02:00", "duration_hours": 1},
    {"type": "proposal_sent", "at": "2025-05-05", "individual_hours": 10},
    {"type": "proposal_validated", "at": "2025-05-06"},
    {"type": "session_missed", "at": "2025-05-09T10:00:00+02:00", "cause": "person",
     "justified": False},
    {"type": "reconvocation", "at": "2025-05-09T15:00:00+02:00"},
    {"type": "session_held", "at": "2025-05-16T10:00:00+02:00", "mode": "individual",
     "hours": 2},
]}


def _absent_at_start_text() -> str:
    return ("Programme validé le mardi 6 mai 2025 ; première séance fixée le vendredi 9 mai, "
            "la personne, convoquée, ne vient pas ; reconvoquée, elle vient le vendredi "
            "16 mai.\n\n"
            + admonition("example", "Le journal d'événements de ce parcours (JSON)",
                         code(as_json(_ABSENT_AT_START), "json"), "???"))


def _suspended_case_text() -> str:
    return ("Programme validé le mardi 6 mai 2025 ; la personne est indisponible du 7 au "
            "13 mai ; première séance le jeudi 15 mai.\n\n"
            + admonition("example", "Le journal d'événements de ce parcours (JSON)",
                         code(as_json(_SUSPENDED_CASE), "json"), "???"))


def _file_examples(kind_name: str, rule_id: str, switch: str, value: Any) -> Callable[[str], str]:
    """The kind's example files whose result for ``rule_id`` changes with the switch."""
    def show(page: str) -> str:
        from .guides import _demo_options, _kind_files

        kind = next((k for k in kinds() if k.name == kind_name), None)
        how = _variant(kind, switch, value) if kind else None
        if how is None:
            return to_come(f"L'interrupteur `{switch}`")
        parts = []
        for name, content in _kind_files(kind):
            data = (kind.load or load_json)(content, name)
            default = kind.run(data, DIJON, **_demo_options(kind)).by_rule(rule_id)
            example = attrs.evolve(_FILE_EXAMPLE, kind=kind.name, options=_demo_options(kind))
            found = _run_variant(example, data, how).by_rule(rule_id)
            if [f.message for f in found] == [f.message for f in default]:
                continue
            before = (f"{len(default)} constat(s)" if default else "aucun constat")
            parts.append(f"*Fichier d'exemple `{name}`* — par défaut : {before} de {rule_id} ; "
                         f"avec `{switch}` = `{value}` :\n")
            parts.append("\n".join(finding_block(f) for f in found) if found else
                         f'!!! success "Aucun constat de {rule_id}."\n')
        return "\n".join(parts) or to_come("Un exemple qui change avec cet interrupteur")
    return show


_FILE_EXAMPLE = Example("fichier d'exemple", "", None)


def _backward_hours_example(appointment: str, communicated: str) -> Callable[[str], str]:
    def show(page: str) -> str:
        start = dt.datetime.fromisoformat(appointment)
        period = compute_period(get_calendar(), start, 48, Unit.HOURS, backward=True)
        act = dt.datetime.fromisoformat(communicated)
        verdict = ("dans le délai" if act <= period.end else "**en retard**")
        return (f"Rendez-vous déplacé au {format_datetime(start)} : la modification devait être "
                f"communiquée au plus tard le **{format_datetime(period.end)}** "
                f"(48 heures avant, en temps réellement écoulé). Communiquée le "
                f"{format_datetime(act)} : {verdict}.\n")
    return show


# --- the nine ambiguities of the specification ---------------------------------

_TOML_BILAN = '[delays.END-BILAN-IND]\namount = 5\nunit = "jours"'
_TOML_FIRST = '[delays.PROG-FIRST-MEETING]\namount = 5\nunit = "jours ouvrés"'
_FIVE_DAYS = parameters_from_dict({"delays": {"END-BILAN-IND": {"amount": 5, "unit": "jours"}}})
_FIVE_OUVRES = parameters_from_dict(
    {"delays": {"PROG-FIRST-MEETING": {"amount": 5, "unit": "jours ouvrés"}}})

_PERMANENCE_QUOTE = Quote(
    "CCTP 6.1-3",
    "En l'absence de prescription par les Conseillers Pénitentiaires d'Insertion et de "
    "Probation (CPIP), le prescripteur est tenu d'assurer à minima une permanence bimensuelle "
    "/ site (milieu fermé et milieu ouvert), afin de rencontrer et mobiliser les prescripteurs.")

AMBIGUITIES: tuple[Ambiguity, ...] = (
    Ambiguity(
        "bilan-individuel", "Bilan individuel : « 5 jours ouvrés » ou « sous 5 jours » ?",
        ("END-BILAN-IND", "END-BILAN-COLL"),
        (Quote("CCTP 6.6", "Le bilan est remis au bénéficiaire et au CPIP référent, dans les 5 "
                           "jours ouvrés suivant le dernier entretien individuel, dans les 10 "
                           "jours ouvrés pour le PPAIP collectif (art. 15.1 du CCAP)."),
         Quote("CCTP 6.9", "Bilan individuel : remis sous 5 jours après la fin de "
                           "l'accompagnement individuel ; Bilan atelier collectif : remis sous "
                           "10 jours après la fin de l'atelier collectif.")),
        "Le délai se compte-t-il en jours ouvrés ou en jours calendaires, et à partir du "
        "dernier entretien ou de la fin de l'accompagnement ?",
        "5 jours ouvrés après le dernier entretien individuel, et 10 jours ouvrés après la fin "
        "d'un atelier collectif : l'article 6.6 est le plus précis et renvoie au CCAP "
        "(art. 15.1).",
        ("delays",),
        (Choice("5 jours ouvrés (défaut)", "Rien à faire : c'est le contrat de Dijon.",
                _deadline_example("END-BILAN-IND", "2025-05-02")),
         Choice("5 jours calendaires (lecture de 6.9)",
                "Un fichier de contrat variante :\n\n" + code(_TOML_BILAN, "toml"),
                _deadline_example("END-BILAN-IND", "2025-05-02", params=_FIVE_DAYS))),
    ),
    Ambiguity(
        "taille-des-groupes", "Taille des groupes : « idéalement 4 à 6 » et « 6 maximum »",
        ("PROG-GROUP-SIZE",),
        (Quote("CCTP 6.2 B", "Le PPAIP collectif recouvre un programme d'ateliers en groupe "
                             "(idéalement 4 à 6 personnes)"),
         Quote("CCTP 6.3", "L'accompagnement peut concilier des temps individuels et des "
                           "temps collectifs qui comprendront un groupe de 6 personnes "
                           "maximum.")),
        "Un groupe de 3 personnes, ou de 7, est-il une faute ?",
        "Plus de 6 personnes est une violation (6.3 dit « maximum ») ; moins de 4 est un "
        "avertissement (6.2 B dit « idéalement »).",
        ("group_size_max", "group_size_ideal_min", "group_under_ideal_is_violation"),
        (Choice("Défaut : 7 interdit, 3 signalé", "Rien à faire : c'est le contrat de Dijon.",
                _rule_examples(("PROG-GROUP-SIZE",))),
         Choice("Moins de 4 : violation", "Un fichier de contrat variante : "
                "`group_under_ideal_is_violation = true`.",
                _rule_examples(("PROG-GROUP-SIZE",), ("group_under_ideal_is_violation",),
                               True)),
         Choice("Aucun avertissement sous 4", "Un fichier de contrat variante : "
                "`group_size_ideal_min = 0`.",
                _rule_examples(("PROG-GROUP-SIZE",), ("group_size_ideal_min",), 0))),
    ),
    Ambiguity(
        "part-de-psychologues", "« Environ 30 % » de psychologues du travail",
        ("STAFF-PSY-SHARE",),
        (Quote("CCTP 6.7", "Le titulaire garantit que l'ensemble des intervenants (sous-traitant "
                           "inclus) est composé d'un volume suffisant de psychologues du travail "
                           "(environ 30 %) inscrits au répertoire ADELI (Automatisation des "
                           "Listes, ministère des affaires sociales)."),
),
        "Quand la part de psychologues est-elle insuffisante ? « Environ » : jusqu'où ? Et "
        "30 % de quoi : des personnes, de leurs heures, de leurs équivalents temps plein ?",
        "30 % des intervenants comptés par tête (sous-traitants inclus). Entre 25 % et 30 % "
        "(tolérance de 5 points, pour « environ »), c'est un avertissement ; sous 25 %, une "
        "violation. La part peut aussi se calculer en heures ou en équivalents temps plein.",
        ("psychologist_share_percent", "psychologist_tolerance_points", "basis"),
        (Choice("Défaut : 30 % par tête, tolérance 5 points",
                "Rien à faire : c'est le contrat de Dijon.",
                _rule_examples(("STAFF-PSY-SHARE",))),
         Choice("30 % strict, sans tolérance", "Un fichier de contrat variante : "
                "`psychologist_tolerance_points = 0`.",
                _rule_examples(("STAFF-PSY-SHARE",), ("psychologist_tolerance_points",), 0)),
         Choice("Calcul en heures", "L'option `basis` à la valeur `hours` (ou `fte` pour les "
                "équivalents temps plein).",
                _file_examples("roster", "STAFF-PSY-SHARE", "basis", "hours"))),
    ),
    Ambiguity(
        "permanence-bimensuelle", "« Permanence bimensuelle » : deux fois par mois",
        ("RUN-PERMANENCE",),
        (_PERMANENCE_QUOTE,
         Quote("Le dictionnaire", "Bimensuel : qui a lieu deux fois par mois. Bimestriel : qui "
                                  "a lieu tous les deux mois.")),
        "Faut-il une permanence deux fois par mois, ou une tous les deux mois ?",
        "Au moins 2 permanences par mois civil et par site, en milieu fermé comme en milieu "
        "ouvert, les mois sans prescription. « Bimensuel » veut dire deux fois par mois ; "
        "« tous les deux mois » se dirait « bimestriel ».",
        ("permanences_per_month", "permanence_reading"),
        (Choice("Défaut : 2 par mois et par site", "Rien à faire : c'est le contrat de Dijon.",
                _rule_examples(("RUN-PERMANENCE",))),
         Choice("1 par mois", "Un fichier de contrat variante : `permanences_per_month = 1`.",
                _rule_examples(("RUN-PERMANENCE",), ("permanences_per_month",), 1)),
         Choice("Tous les deux mois (lecture « bimestrielle »)",
                "Champ `permanence_reading` du document d'activité, ou argument de "
                "`lot_report()`, à la valeur `\"every_two_months\"`. Cette lecture contredit "
                "le mot ; elle est proposée pour mesurer son effet, pas recommandée.",
                _rule_examples(("RUN-PERMANENCE",), ("permanence_reading",),
                               "every_two_months"))),
    ),
    Ambiguity(
        "signalement-48-heures", "« Dans les 48 heures suivant le premier entretien »",
        ("REFUSAL-48H",),
        (Quote("CCTP 3", "Une personne pour laquelle le suivi ne peut pas être réalisé devra "
                         "être signalée par le titulaire au CPIP référent dans les 48 heures "
                         "suivant le premier entretien individuel. L'impossibilité de prendre "
                         "en charge la personne sera obligatoirement motivée."),
),
        "Un entretien dure : les 48 heures partent-elles de son début ou de sa fin ?",
        "À partir de la fin du premier entretien : c'est seulement à la fin de l'entretien que "
        "l'impossibilité de suivre la personne est connue.",
        (),
        (Choice("Depuis la fin de l'entretien (défaut)",
                "Donner comme point de départ (`trigger`) l'heure de fin de l'entretien. "
                "Entretien de 10 h à 11 h 30 le lundi 3 mars 2025, signalement le mercredi "
                "5 mars à 11 h.",
                _deadline_example("REFUSAL-48H", "2025-03-03T11:30:00+01:00",
                                  act="2025-03-05T11:00:00+01:00")),
         Choice("Depuis le début de l'entretien",
                "Donner comme point de départ l'heure de début de l'entretien. Même entretien, "
                "même signalement.",
                _deadline_example("REFUSAL-48H", "2025-03-03T10:00:00+01:00",
                                  act="2025-03-05T11:00:00+01:00"))),
        no_switch="Pas d'interrupteur : le point de départ est l'instant que l'appelant donne "
                  "(`trigger`). La bibliothèque attend la fin de l'entretien.",
    ),
    Ambiguity(
        "modification-du-calendrier", "Modification du calendrier « dans un délai de 48 heures »",
        ("PROG-CALENDAR-CHANGE",),
        (Quote("CCTP 6.4", "Toute modification du calendrier devra être communiquée au CPIP "
                           "référent et au bénéficiaire dans un délai de 48 heures."),
),
        "Les 48 heures partent-elles de la décision de modifier, ou faut-il prévenir au moins "
        "48 heures avant le rendez-vous modifié ?",
        "48 heures après la décision de modifier le calendrier : le texte fixe un délai pour "
        "communiquer, pas un préavis.",
        (),
        (Choice("48 heures après la décision (défaut)",
                "Donner comme point de départ l'instant de la décision. Décision le mardi "
                "3 juin 2025 à 9 h pour un rendez-vous déplacé au jeudi 5 juin à 10 h, "
                "communiquée le mercredi 4 juin à 17 h.",
                _deadline_example("PROG-CALENDAR-CHANGE", "2025-06-03T09:00:00+02:00",
                                  act="2025-06-04T17:00:00+02:00")),
         Choice("48 heures avant le rendez-vous",
                "Lecture non retenue, montrée pour comparaison (même situation).",
                _backward_hours_example("2025-06-05T10:00:00+02:00",
                                        "2025-06-04T17:00:00+02:00"))),
        no_switch="Pas d'interrupteur : l'appelant donne l'instant de la décision comme point "
                  "de départ.",
    ),
    Ambiguity(
        "suspension-et-delais", "Une suspension arrête-t-elle le délai de démarrage ?",
        ("PROG-START", "RUN-SUSPENSION"),
        (Quote("CCTP 6.1-3", "En cas de validation, le partenaire doit démarrer le programme "
                             "dans un délai de 5 jours."),
         Quote("CCTP 6.1-3", "En cas d'indisponibilité du bénéficiaire en cours de prestation, "
                             "le dispositif est suspendu et non arrêté. Il pourra reprendre dès "
                             "que possible.")),
        "Si la personne devient indisponible (ou si l'établissement suspend les interventions) "
        "entre la validation et le démarrage, les 5 jours continuent-ils de courir ?",
        "Non : les jours de suspension ne comptent pas dans le délai de démarrage ; le délai "
        "reprend à la fin de la suspension.",
        ("suspension_stops_clock",),
        (Choice("Les jours suspendus ne comptent pas (défaut)",
                "Rien à faire : c'est le comportement par défaut.",
                _case_example("PROG-START")),
         Choice("Le délai court pendant la suspension",
                "`suspension_stops_clock=False` (ligne de commande : `--suspensions-count`).",
                _case_example("PROG-START", suspension_stops_clock=False))),
        example=_suspended_case_text,
    ),
    Ambiguity(
        "demarrage-et-absence", "Démarrer le programme quand la personne ne vient pas",
        ("PROG-START", "RUN-ABSENCE"),
        (Quote("CCTP 6.1-3", "En cas de validation, le partenaire doit démarrer le programme "
                             "dans un délai de 5 jours."),
         Quote("CCTP 6.1-3", "En cas d'absence à un rendez-vous, du fait de la personne "
                             "détenue, cette dernière sera reconvoquée")),
        "Si la première séance est fixée dans les 5 jours et que la personne, convoquée, ne "
        "vient pas de son fait, le titulaire a-t-il démarré le programme à temps ?",
        "Oui : une première séance fixée dans les 5 jours, à laquelle la personne était "
        "convoquée et qu'elle a manquée de son fait, vaut démarrage ; RUN-ABSENCE s'applique "
        "ensuite (nouvelle convocation).",
        ("start_needs_held_session",),
        (Choice("La séance manquée du fait de la personne vaut démarrage (défaut)",
                "Rien à faire : c'est le comportement par défaut.",
                _case_example("PROG-START", _ABSENT_AT_START, "2025-05-31T18:00:00+02:00")),
         Choice("Seule une séance tenue vaut démarrage",
                "`evaluate_case(…, start_needs_held_session=True)` (ligne de commande : "
                "`--start-needs-held-session`).",
                _case_example("PROG-START", _ABSENT_AT_START, "2025-05-31T18:00:00+02:00",
                              start_needs_held_session=True))),
        example=_absent_at_start_text,
    ),
    Ambiguity(
        "delai-de-5-jours", "« Dans un délai de 5 jours » : quels jours ?",
        ("PROG-FIRST-MEETING", "PROG-START"),
        (Quote("CCTP 6.1-2", "Dans un délai de 5 jours à compter de la réception de la "
                             "prescription du SPIP, le titulaire a l'obligation de rencontrer "
                             "une première fois le bénéficiaire"),
         Quote("CCTP 6.1-3", "En cas de validation, le partenaire doit démarrer le programme "
                             "dans un délai de 5 jours.")),
        "Des jours calendaires ou ouvrés ? Et si le 5e jour est un dimanche ?",
        "Des jours calendaires comptés à partir du lendemain ; si le dernier jour est un "
        "samedi, un dimanche ou un jour férié, le délai est prolongé jusqu'au premier jour "
        "ouvré suivant (CCAG FCS 2021, art. 3.2, auquel le marché renvoie).",
        ("extend_to_working_day", "delays"),
        (Choice("Jours calendaires prolongés (défaut)", "Rien à faire.",
                _deadline_example("PROG-FIRST-MEETING", "2025-05-06")),
         Choice("Sans prolongation", "Python : `deadline(…, extend_to_working_day=False)` ; "
                "ligne de commande : `--no-extension` ; JSON : "
                "`\"extend_to_working_day\": false`.",
                _deadline_example("PROG-FIRST-MEETING", "2025-05-06",
                                  extend_to_working_day=False)),
         Choice("5 jours ouvrés", "Un fichier de contrat variante :\n\n" +
                code(_TOML_FIRST, "toml"),
                _deadline_example("PROG-FIRST-MEETING", "2025-05-06", params=_FIVE_OUVRES))),
    ),
    Ambiguity(
        "le-prescripteur", "« Le prescripteur est tenu d'assurer … une permanence »",
        ("RUN-PERMANENCE",),
        (_PERMANENCE_QUOTE,
         Quote("CCTP 6.1-2", "Le titulaire n'est pas habilité à prescrire une entrée dans un "
                             "programme personnalisé d'accompagnement à l'insertion "
                             "professionnelle.")),
        "Qui doit tenir la permanence : le prescripteur (le CPIP) ou le titulaire ?",
        "Le titulaire : la permanence sert à « rencontrer et mobiliser les prescripteurs », "
        "elle ne peut donc pas être tenue par eux. Le mot « prescripteur » est lu comme "
        "« prestataire ».",
        (),
        (Choice("Le titulaire tient la permanence (défaut)", "Rien à faire.",
                _rule_examples(("RUN-PERMANENCE",))),),
        no_switch="Pas d'interrupteur : l'autre lecture n'a pas de sens dans le contrat.",
    ),
    Ambiguity(
        "vendredi-saint", "Le Vendredi saint en Alsace-Moselle",
        ("END-BILAN-IND", "END-BILAN-COLL", "STAFF-REPLACE"),
        (Quote("CCTP 6.6", "Le bilan est remis au bénéficiaire et au CPIP référent, dans les 5 "
                           "jours ouvrés suivant le dernier entretien individuel, dans les 10 "
                           "jours ouvrés pour le PPAIP collectif (art. 15.1 du CCAP)."),
         Quote("Code du travail, art. L3134-13", "[…] le Vendredi saint dans les communes ayant "
               "un temple protestant ou une église mixte […]")),
        "Dans les départements 57, 67 et 68, le Vendredi saint est-il férié partout, ou "
        "seulement dans les communes qui ont un temple protestant ou une église mixte ?",
        "Férié dans tout le département (57, 67, 68), comme les calendriers publiés : la "
        "bibliothèque ne connaît pas la commune du lieu d'intervention. Sans effet pour "
        "Dijon (département 21).",
        ("good_friday_holiday",),
        (Choice("Férié dans tout le département (défaut)",
                "Rien à faire (avec `departement=\"57\"`, `\"67\"` ou `\"68\"`).",
                _deadline_example("END-BILAN-IND", "2025-04-16", departement="57")),
         Choice("Non férié", "Python : `deadline(…, departement=\"57\", "
                "good_friday_holiday=False)` ; ligne de commande : `--good-friday-worked`.",
                _deadline_example("END-BILAN-IND", "2025-04-16", departement="57",
                                  good_friday_holiday=False))),
    ),
    Ambiguity(
        "fin-d-une-periode", "Fin d'une période de 24 ou de 12 mois",
        ("CONTRACT-TERM",),
        (Quote("CCTP 1.4", "Le marché est conclu pour une durée initiale de 24 mois et pourra "
                           "être reconduit 2 fois de manière tacite pour une durée de 12 mois. "
                           "Les prestations débuteront courant 2025."),),
        "Un marché qui démarre le 1er mars 2025 pour 24 mois finit-il le 28 février 2027 "
        "au soir, ou le 1er mars 2027 ?",
        "La veille du même quantième : 24 mois à compter du 1er mars 2025 finissent le "
        "28 février 2027 à 24 h, et chaque reconduction commence le lendemain. Une durée n'est "
        "pas un délai pour agir : pas de prolongation au jour ouvré (le 28 février 2027 est un "
        "dimanche). Une séance ou une ligne de facture après la dernière période est une "
        "violation ; un démarrage hors de 2025 n'est qu'une information (prévision de "
        "l'acheteur).",
        ("term_end_reading",),
        (Choice("La veille du même quantième (défaut)", "Rien à faire.",
                _term_example("eve")),
         Choice("Le même quantième", "`term_end_reading=\"same_date\"` (argument de "
                "`lot_report()`, ou champ `term_end_reading` du document d'activité).",
                _term_example("same_date"))),
    ),
)


def _roster_example(data: Callable[[], dict], rule_id: str, **options: Any) -> Callable[[str], str]:
    """A roster checked on 30 June 2025 with a reading; the findings of one rule."""
    def show(page: str) -> str:
        report = run_check("roster", data(), DIJON, as_of="2025-06-30", **options)
        found = report.by_rule(rule_id)
        return ("\n".join(finding_block(f) for f in found) if found else
                f'!!! success "Aucun constat de {rule_id}."\n')
    return show


def _late_joiner() -> dict:
    """CIP-1 replaces someone from Monday 12 May 2025; request filed on 28 April."""
    from ppaip_rules._roster_example import with_facilitator

    data = with_facilitator(1, start_on="2025-05-12")
    data["access"][1].update(requested_on="2025-04-28", granted_on="2025-05-06")
    return data


def _late_joiner_text() -> str:
    return ("Marché démarré le lundi 3 mars 2025 ; l'intervenant CIP-1 rejoint l'équipe le "
            "lundi 12 mai 2025 (remplacement) ; sa demande d'accès à la maison d'arrêt est "
            "déposée le lundi 28 avril 2025 et délivrée le 6 mai. Contrôle au 30 juin 2025.\n")


_ACCESS_QUOTE = Quote(
    "CCTP 6.7", "Les intervenants ne peuvent exercer en milieu pénitentiaire sans autorisation "
    "préalable. La demande d'accès, accompagnée d'une pièce d'identité, doit être faite au "
    "moins un mois avant le démarrage du dispositif (nécessité d'avoir un casier judiciaire "
    "vierge).")
_REPLACE_QUOTE = Quote(
    "CCTP 6.7", "Pour tout changement de personnel pendant la durée du marché comme pour toute "
    "absence programmée ou prolongée d'un intervenant, le titulaire doit informer la DISP, le "
    "SPIP et l'établissement pénitentiaire et procéder à son remplacement dans un délai de 10 "
    "jours ouvrables.")

AMBIGUITIES = (
    *AMBIGUITIES,
    Ambiguity(
        "demarrage-du-dispositif", "« Au moins un mois avant le démarrage du dispositif »",
        ("STAFF-ACCESS", "STAFF-AUTH-BEFORE-WORK", "STAFF-REPLACE"),
        (_ACCESS_QUOTE, _REPLACE_QUOTE),
        "Le mois d'avance se compte-t-il depuis le démarrage du marché, ou depuis le premier "
        "jour de chaque intervenant, remplaçants compris ? Un remplaçant doit arriver dans les "
        "10 jours ouvrables : un mois d'avance lui serait impossible.",
        "Le démarrage du dispositif est le démarrage du marché : le mois d'avance vaut pour "
        "l'équipe présente au démarrage. Un intervenant arrivé plus tard (un remplaçant) n'a "
        "pas de mois d'avance : il est remplacé dans les 10 jours ouvrables (STAFF-REPLACE) et "
        "n'anime aucune séance en détention avant son autorisation (STAFF-AUTH-BEFORE-WORK).",
        ("access_lead_from",),
        (Choice("Depuis le démarrage du marché (défaut)", "Rien à faire.",
                _roster_example(_late_joiner, "STAFF-ACCESS")),
         Choice("Depuis le premier jour de chaque intervenant",
                "`access_lead_from=\"facilitator_start\"` (ligne de commande : "
                "`--access-lead-from facilitator_start`).",
                _roster_example(_late_joiner, "STAFF-ACCESS",
                                access_lead_from="facilitator_start"))),
        example=_late_joiner_text,
    ),
    Ambiguity(
        "ensemble-des-intervenants", "Qui compte dans « l'ensemble des intervenants » ?",
        ("STAFF-PSY-SHARE",),
        (Quote("CCTP 6.7", "Le titulaire garantit que l'ensemble des intervenants (sous-traitant "
                           "inclus) est composé d'un volume suffisant de psychologues du travail "
                           "(environ 30 %) inscrits au répertoire ADELI."),
         Quote("CCTP 6.7", "Afin de maintenir l'accompagnement durant l'absence ou le "
                           "changement d'intervenant, un suppléant sera désigné par le titulaire "
                           "du lot en début de marché.")),
        "Un suppléant en attente, qui n'intervient nulle part, compte-t-il parmi les "
        "intervenants ? Sinon, ajouter un psychologue suppléant suffirait à atteindre les 30 % "
        "sans changer l'équipe qui intervient.",
        "Sont comptés les intervenants en poste au jour du contrôle et affectés à au moins un "
        "site ; un suppléant ne compte que s'il a ses propres sites ou remplace quelqu'un ce "
        "jour-là. Le rapport donne toujours les chiffres et la liste des personnes non "
        "comptées, avec le motif.",
        ("share_counts",),
        (Choice("En poste et affectés (défaut)", "Rien à faire.",
                _rule_examples(("STAFF-PSY-SHARE",))),
         Choice("Toutes les personnes désignées",
                "`share_counts=\"designated\"` (ligne de commande : "
                "`--share-counts designated`).",
                _rule_examples(("STAFF-PSY-SHARE",), ("share_counts",), "designated"))),
    ),
)


def quote_text(q: Quote) -> str:
    """A clause of the contract in guillemets; a question or a definition as is."""
    return f"« {q.text} »" if q.source.startswith("CCTP") else q.text


def _quotes(quotes: tuple[Quote, ...]) -> str:
    blocks = [admonition("quote", q.source, quote_text(q)) for q in quotes]
    return '<div class="grid" markdown>\n\n' + "\n".join(blocks) + "\n</div>\n"


def _switches(a: Ambiguity) -> str:
    lines = []
    for name in a.switches:
        for where in switch_locations(name, a.rules):
            lines.append(f"- {where}")
    if a.no_switch:
        lines.append(f"- {a.no_switch}")
    if not lines:
        names = ", ".join(f"`{n}`" for n in a.switches)
        return to_come(f"L'interrupteur ({names})")
    return "\n".join(lines) + "\n"


def _library_texts(a: Ambiguity, page: str) -> str:
    registry = registered_rules()
    rows = [(rule_link(r, page, registry), registry[r].interpretation)
            for r in a.rules if r in registry and registry[r].interpretation]
    if not rows:
        return ""
    return ("Ce que disent les règles elles-mêmes :\n\n"
            + table(("Règle", "Interprétation déclarée"), rows) + "\n")


def render_ambiguity(number: int, a: Ambiguity, page: str) -> str:
    registry = registered_rules()
    links = ", ".join(rule_link(r, page, registry) for r in a.rules)
    choice_tabs = tabs([(c.label, c.how + "\n\n" + c.show(page)) for c in a.choices])
    return "\n".join((
        f"## {number}. {a.title} {{ #{a.slug} }}\n",
        f"**Règles concernées :** {links}\n",
        _quotes(a.quotes),
        f"**La question.** {a.question}\n",
        admonition("tip", "Ce que fait la bibliothèque par défaut", a.default),
        _library_texts(a, page),
        "**Comment choisir une autre lecture**\n",
        _switches(a),
        "**Exemples, calculés à la construction de ce site**\n",
        a.example() + "\n" if a.example else "",
        choice_tabs,
    ))


def interpretations(*, page: str, **_: Any) -> str:
    return "\n".join(render_ambiguity(i, a, page) for i, a in enumerate(AMBIGUITIES, 1))


__all__ = ["AMBIGUITIES", "Ambiguity", "interpretations", "switch_locations"]
