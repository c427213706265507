"""The ``ppaip-rules`` command: JSON in, JSON (or French text) out.

Exit codes: 0 success and no violation; 1 the check found violations;
2 bad input (a one-line French message naming the argument or field);
3 internal error (a one-line message, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as our InputError (exit 2, one line)."""

    def error(self, message: str):
        raise InputError("ligne de commande", "des arguments valides (voir --help)",
                         _french_usage(message))


def _french_usage(message: str) -> str:
    replacements = {
        "the following arguments are required": "arguments obligatoires manquants",
        "unrecognized arguments": "arguments non reconnus",
        "invalid choice": "choix invalide",
        "expected one argument": "une valeur est attendue",
    }
    for english, french in replacements.items():
        message = message.replace(english, french)
    return message


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# --- commands -------------------------------------------------------------

def cmd_rules(args: argparse.Namespace) -> int:
    from .model import rules

    registry = rules()
    if args.json:
        _print_json([r.to_dict() for r in registry])
        return EXIT_OK
    for r in registry:
        print(f"{r.id:<24} {r.clause:<22} {r.severity.label:<14} {r.title}")
    print(f"{len(registry)} règles.")
    return EXIT_OK


def cmd_deadline(args: argparse.Namespace) -> int:
    from .deadlines import deadline, deadline_finding

    policy = {
        "extend_to_working_day": not args.no_extension,
        "backward_to_working_day": args.backward_to_working_day,
        "whit_monday_worked": args.whit_monday_worked,
        "departement": args.departement,
        "good_friday_holiday": not args.good_friday_worked,
    }
    params = _params(args)
    d = deadline(args.rule_id, args.trigger, params=params, **policy)
    finding = deadline_finding(args.rule_id, args.trigger, args.act, params=params,
                               **policy) if args.act else None
    if args.json:
        out = d.to_dict()
        if args.act:
            out["act"] = args.act
            out["met"] = finding is None
            out["finding"] = finding.to_dict() if finding else None
        _print_json(out)
    else:
        print(f"{d.rule_id} ({d.spec.clause}) — {d.title}")
        for step in d.trace:
            print(f"  {step}")
        if args.act:
            print(finding.format() if finding else "Délai respecté.")
    return EXIT_VIOLATIONS if finding else EXIT_OK


def cmd_parameters(args: argparse.Namespace) -> int:
    """The parameters in force, with their history and references (issue 12 §3)."""
    from .avenants import ParameterHistory

    params = _params(args)
    history = params if isinstance(params, ParameterHistory) else ParameterHistory(params)
    if args.json:
        _print_json(history.to_dict(args.a_la_date))
    else:
        print(history.format(args.a_la_date))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import get_kind, load_json

    kind = get_kind(args.kind)
    raw, name = _read_input(args.file)
    data = (kind.load or load_json)(raw, name)
    options = {}
    for option in kind.options:
        value = getattr(args, option, None)
        if value is not None:
            options[option] = value
    params = _params(args)
    if hasattr(params, "period_of") and kind.name not in _DATED_KINDS:
        # avenants: a kind whose facts carry no date of their own reads the --as-of day
        if getattr(args, "as_of", None) is None:
            raise InputError("--as-of", "la date des faits, pour lire les paramètres en "
                                        "vigueur (avenants)", "option manquante")
        params = params.at(args.as_of, "--as-of")
    report = _explained(kind.run(data, params, **options), args)
    _emit(report, args.format, args)
    return EXIT_OK if report.ok else EXIT_VIOLATIONS


def cmd_schema(args: argparse.Namespace) -> int:
    from .checks import get_kind, report_schema

    _print_json(report_schema() if args.kind == "report" else get_kind(args.kind).schema())
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Run every check on the example files shipped with the package."""
    from .checks import get_kind, load_json
    from .deadlines import deadline

    print("ppaip-rules — démonstration sur les exemples fournis (CCTP PPAIP, DISP de Dijon)\n")
    d = deadline("PROG-FIRST-MEETING", "2025-05-02")
    print(f"== Délai {d.rule_id} ({d.spec.clause}) ==")
    print("\n".join(f"  {s}" for s in d.trace))
    print()
    for path in _example_files():
        kind_name = path.name.split(".", 1)[0]
        kind = get_kind(kind_name)
        data = (kind.load or load_json)(path.read_bytes(), path.name)
        options = {"as_of": _DEMO_AS_OF} if "as_of" in kind.options else {}
        report = kind.run(data, _params(args), **options)
        print(f"== {kind.title} — exemple « {path.name} » ==")
        print(report.format())
        print()
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    """A case's situation as of a date (issue 5): ``ppaip-rules timeline CASE.json --as-of …``."""
    from .checks import load_json
    from .timeline import evaluate_case

    if args.as_of is None:
        raise InputError("--as-of", "la date et heure de la situation, ex. "
                                    "2025-06-30T08:00:00+02:00 (aucune horloge implicite)",
                         "option manquante")
    raw, name = _read_input(args.file)
    evaluation = evaluate_case(load_json(raw, name), as_of=args.as_of, params=_params(args),
                               suspension_stops_clock=not args.suspensions_count)
    return emit(_explained(evaluation, args), args.format, args)


def cmd_report(args: argparse.Namespace) -> int:
    """A lot's report (issue 5): ``ppaip-rules report ACTIVITY.json --lot N``."""
    from .checks import load_json
    from .lot import lot_report, read_activity

    raw, name = _read_input(args.file)
    activity = read_activity(load_json(raw, name))
    if activity["lot"] != args.lot:
        raise InputError("--lot", f"le lot du fichier ({activity['lot']})",
                         "numéro de lot différent de celui du fichier")
    return emit(_explained(lot_report(params=_params(args), as_of=args.as_of, **activity), args),
                args.format, args)


def cmd_week(args: argparse.Namespace) -> int:
    """A coordinator's week (issue 15): ``ppaip-rules semaine DOSSIER --as-of DATE``."""
    from .week import read_cases, week_ics, week_view

    if args.as_of is None:
        raise InputError("--as-of", "la date (ou date et heure) de la situation, ex. "
                                    "2025-06-30 (aucune horloge implicite)", "option manquante")
    week = week_view(read_cases(args.source), as_of=args.as_of, params=_params(args))
    if args.format == "ics":
        sys.stdout.flush()
        sys.stdout.buffer.write(week_ics(week))
        sys.stdout.buffer.flush()
        return EXIT_OK if week.ok else EXIT_VIOLATIONS
    return emit(week, args.format, args)


def emit(result: Any, fmt: str, args: argparse.Namespace | None = None) -> int:
    """Print a result (``to_dict``/``format``/``report``) as JSON, text or a rendered format
    (html, csv, xlsx); the exit code."""
    if emit_rendered(result, fmt, args):
        pass
    elif fmt == "json":
        _print_json(result.to_dict())
    else:
        print(result.format())
        explained = getattr(getattr(result, "report", None), "explanations", ())
        if explained:
            print("Explications des règles sans constat :")
            print("\n".join(x.format() for x in explained))
    ok = result.report.ok if hasattr(result, "report") else result.ok
    return EXIT_OK if ok else EXIT_VIOLATIONS


#: The "today" of the demo: fixed, so the demo prints the same thing every day.
_DEMO_AS_OF = "2025-06-30T18:00:00+02:00"


def _example_files() -> list[Path]:
    folder = resources.files("ppaip_rules") / "examples"
    if not folder.is_dir():
        return []
    return sorted(Path(str(p)) for p in folder.iterdir()
                  if p.name.endswith((".json", ".csv")) and "." in p.name)


# --- helpers --------------------------------------------------------------

def _explained(result: Any, args: argparse.Namespace) -> Any:
    """With ``--expliquer``: ``result`` (a report, or a result carrying one) whose report
    explains every checked rule that did not fire (issue 12 §2)."""
    if not getattr(args, "expliquer", False):
        return result
    import attrs

    from .model import Report, explain_report

    if isinstance(result, Report):
        return explain_report(result, _params(args))
    return attrs.evolve(result, report=explain_report(result.report, _params(args)))


def _params(args: argparse.Namespace):
    from .avenants import load_parameters
    from .parameters import DIJON

    path = getattr(args, "parameters", None)
    avenants = getattr(args, "avenant", None) or ()
    if avenants:
        return load_parameters(path, *avenants)
    return load_parameters(path) if path else DIJON


#: Check kinds that pick the parameters in force at the date of each fact themselves
#: (a history of avenants, issue 12 §3); the others read the --as-of day.
_DATED_KINDS = ("deadline", "case", "roster", "activity", "eligibility", "programme")


def _read_input(file: str) -> tuple[bytes, str]:
    if file == "-":
        return sys.stdin.buffer.read(), "entrée standard"
    try:
        return Path(file).read_bytes(), Path(file).name
    except OSError:
        raise InputError("FILE", "un fichier lisible (ou - pour l'entrée standard)",
                         "fichier introuvable ou illisible") from None


def _emit(report, fmt: str, args: argparse.Namespace | None = None) -> None:
    if emit_rendered(report, fmt, args):
        pass
    elif fmt == "json":
        print(report.to_json())
    else:
        print(report.format())


def output_formats() -> tuple[str, ...]:
    """Every ``--format`` of check/timeline/report: text, json and the rendered ones."""
    from .render import FORMATS

    return ("text", "json", *FORMATS)


def emit_rendered(result: Any, fmt: str, args: argparse.Namespace | None) -> bool:
    """Write ``result`` as ``fmt`` when it is a rendered format (html, csv, xlsx: see
    ppaip_rules.render) to stdout, and say so; False for text and JSON."""
    from .render import FORMATS, render

    if fmt not in FORMATS:
        return False
    data = render(result, fmt, params=_params(args) if args is not None else None,
                  as_of=getattr(args, "as_of", None))
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ppaip-rules",
                     description="Règles du CCTP PPAIP (DISP de Dijon) : délais, contrôles, "
                                 "catalogue des règles.")
    parser.add_argument("--parameters", metavar="FICHIER",
                        help="paramètres d'un contrat variante (TOML ou JSON)")
    parser.add_argument("--avenant", metavar="FICHIER", action="append",
                        help="avenant (TOML ou JSON : table [avenant] nom, date_effet, "
                             "reference, puis les clés modifiées) ; répétable")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    p = sub.add_parser("rules", help="lister les règles")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("deadline", help="calculer un délai du contrat")
    p.add_argument("rule_id", metavar="RULE-ID", help="ex. PROG-FIRST-MEETING")
    p.add_argument("trigger", metavar="TRIGGER",
                   help="date (AAAA-MM-JJ, JJ/MM/AAAA) ou date et heure ISO avec fuseau")
    p.add_argument("--act", metavar="DATE", help="date de l'acte, pour dire si le délai est tenu")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.add_argument("--no-extension", action="store_true",
                   help="ne pas prolonger au jour ouvré suivant (CCAG FCS art. 3.2)")
    p.add_argument("--backward-to-working-day", action="store_true",
                   help="délai à rebours : ramener au jour ouvré précédent")
    p.add_argument("--whit-monday-worked", action="store_true",
                   help="traiter le lundi de Pentecôte comme travaillé")
    p.add_argument("--departement", metavar="DEP", help="57, 67 ou 68 : jours fériés d'Alsace-Moselle")
    p.add_argument("--good-friday-worked", action="store_true",
                   help="Alsace-Moselle : Vendredi saint non férié (ambiguïté 15)")
    p.set_defaults(func=cmd_deadline)

    p = sub.add_parser("check", help="contrôler un fichier (JSON ; CSV pour roster)")
    p.add_argument("kind", metavar="KIND", help="type de contrôle (voir « ppaip-rules schema »)")
    p.add_argument("file", metavar="FILE", help="fichier, ou - pour l'entrée standard")
    p.add_argument("--format", choices=output_formats(), default="text")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="date (ou date et heure) du contrôle ; obligatoire pour les contrôles "
                        "qui dépendent du jour")
    p.add_argument("--basis", choices=("headcount", "hours", "fte", "effectif", "heures", "etp"),
                   help="roster : base de calcul de la part de psychologues (défaut : effectif)")
    p.add_argument("--access-lead-from", dest="access_lead_from",
                   choices=("market_start", "facilitator_start"),
                   help="roster : délai d'un mois des demandes d'accès compté depuis le "
                        "démarrage du marché (défaut) ou le premier jour de chaque intervenant")
    p.add_argument("--share-counts", dest="share_counts", choices=("assigned", "designated"),
                   help="roster : intervenants comptés pour la part de psychologues : en poste "
                        "et affectés (défaut) ou toutes les personnes désignées")
    _add_explain(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("schema", help="schéma JSON d'une entrée (ou de « report »)")
    p.add_argument("kind", metavar="KIND")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("demo", help="démonstration sur les exemples fournis")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("timeline", help="situation d'un parcours : retards, échéances de la "
                                        "semaine, manquements")
    p.add_argument("file", metavar="CASE.json", help="journal d'un parcours, ou - pour l'entrée "
                                                     "standard")
    p.add_argument("--as-of", dest="as_of", metavar="DATE-HEURE",
                   help="date et heure de la situation (obligatoire), ex. "
                        "2025-06-30T08:00:00+02:00")
    p.add_argument("--format", choices=output_formats(), default="text")
    p.add_argument("--suspensions-count", action="store_true",
                   help="compter les jours de suspension dans le délai de démarrage "
                        "(ambiguïté 7 ; par défaut ils ne comptent pas)")
    _add_explain(p)
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("report", help="rapport d'un lot : heures face au prévisionnel, "
                                      "permanences, publics cibles, synthèse, durée du marché")
    p.add_argument("file", metavar="ACTIVITY.json", help="activité du lot, ou - pour l'entrée "
                                                         "standard")
    p.add_argument("--lot", type=int, required=True, metavar="N", help="numéro du lot (1 à 6)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE-HEURE",
                   help="date et heure d'évaluation des délais (par défaut : fin de la période)")
    p.add_argument("--format", choices=output_formats(), default="text")
    _add_explain(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("semaine", help="la semaine d'un coordinateur : échéances en retard, de "
                                       "la semaine et de la semaine prochaine, par SPIP")
    p.add_argument("source", metavar="DOSSIER|FICHIER.ndjson",
                   help="dossier de parcours (un fichier .json par parcours) ou fichier NDJSON "
                        "(un parcours par ligne)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE-HEURE",
                   help="date (ou date et heure) de la situation (obligatoire)")
    p.add_argument("--format", choices=(*(f for f in output_formats()
                                          if f not in ("csv", "xlsx")), "ics"),
                   default="text")
    p.set_defaults(func=cmd_week)

    p = sub.add_parser("parametres", help="paramètres en vigueur, avec leur historique "
                                          "(avenants) et leurs références")
    p.add_argument("--a-la-date", dest="a_la_date", metavar="DATE",
                   help="date à laquelle lire les valeurs en vigueur (AAAA-MM-JJ)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=cmd_parameters)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _add_explain(p: argparse.ArgumentParser) -> None:
    p.add_argument("--expliquer", action="store_true",
                   help="expliquer aussi les règles sans constat : vérifiées (paramètres en "
                        "vigueur) ou non décidées")


#: Area modules add their own sub-commands here (``register(subparsers)``).
_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    from . import _areas  # noqa: F401  (area modules register their commands)

    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_INPUT
        return args.func(args)
    except InputError as error:
        print(f"ppaip-rules : erreur : {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug of ours: one line, never a traceback
        print(f"ppaip-rules : erreur interne ({type(error).__name__}) ; merci de la signaler.",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
