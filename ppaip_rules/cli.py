"""The ``ppaip-rules`` command: JSON in, JSON (or French text) out.

Exit codes: 0 success and no violation (an incomplete report too, unless ``--strict``);
1 the check found violations (or, under ``--strict``, the report is incomplete);
2 bad input or arguments (a one-line French message naming the argument or field, never
the value typed; under ``--format json`` a JSON object ``{"erreur": {...}}`` on stderr);
3 internal error, or a failure of the environment (output not writable, memory), the
one-line message saying which; 130 interrupted (Ctrl-C).
Output is UTF-8 whatever the terminal's or the locale's encoding.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import InputError

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

#: Largest parameters file read (a real one is a few kilobytes).
MAX_PARAMETERS_BYTES = 1024 * 1024


class _French(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups,
                                 "utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in French; usage errors are our InputError (exit 2, one line) naming the
    option or position, never the value typed."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", _French)
        kwargs["add_help"] = False
        kwargs["allow_abbrev"] = False  # an abbreviation error would repeat what was typed
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="afficher cette aide et quitter")

    def error(self, message: str):
        raise _usage_error(self, message)


_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<what>.*)", re.S)


def _usage_error(parser: argparse.ArgumentParser, message: str) -> InputError:
    """argparse's English message → a French InputError; only names of ours are kept."""
    m = _ARGUMENT.match(message)
    if m:
        names = m["name"].split("/")
        action = next((a for a in parser._actions if set(names) & {
            *a.option_strings, a.metavar, a.dest}), None)
        name = (action.option_strings[-1] if action and action.option_strings
                else (action.metavar or action.dest) if action else "ligne de commande")
        what = m["what"]
        if what.startswith("invalid choice") and action is not None and action.choices:
            return InputError(name, "une valeur parmi : " + ", ".join(action.choices),
                              "valeur non reconnue")
        if what.startswith("invalid") and "int value" in what:
            return InputError(name, "un nombre entier", "valeur invalide")
        if what.startswith("expected"):
            return InputError(name, "une valeur après l'option", "valeur manquante")
        if "not allowed with" in what:
            return InputError(name, "une seule des options incompatibles", "options incompatibles")
        return InputError(name, "une valeur valide (voir --help)", "valeur invalide")
    if message.startswith("the following arguments are required:"):
        missing = message.split(":", 1)[1].strip()
        return InputError("ligne de commande", "les arguments obligatoires : " + missing,
                          "argument manquant")
    if message.startswith("unrecognized arguments"):
        return InputError("ligne de commande", "les arguments et options de la commande "
                                               "(voir --help)",
                          "argument en trop ou option inconnue")
    return InputError("ligne de commande", "des arguments valides (voir --help)",
                      "arguments invalides")


def add_format_option(parser: argparse.ArgumentParser,
                      choices: Sequence[str] = ("text", "json")) -> None:
    """``--format text|json`` and its alias ``--json`` (every command has them)."""
    parser.add_argument("--format", choices=tuple(choices), default="text",
                        help="forme de la sortie (défaut : text)")
    parser.add_argument("--json", dest="format", action="store_const", const="json",
                        help="synonyme de --format json")


def add_input_options(parser: argparse.ArgumentParser, strict: bool = True) -> None:
    """``--max-bytes`` (the input size cap) and ``--strict`` for commands reading an input."""
    from .runner import DEFAULT_MAX_INPUT_BYTES

    parser.add_argument("--max-bytes", dest="max_bytes", type=int,
                        default=DEFAULT_MAX_INPUT_BYTES, metavar="OCTETS",
                        help="taille maximale de l'entrée (défaut : "
                             f"{DEFAULT_MAX_INPUT_BYTES} octets)")
    if strict:
        parser.add_argument("--strict", action="store_true",
                            help="un rapport incomplet (fait manquant) sort avec le code 1")


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# --- commands -------------------------------------------------------------

def cmd_rules(args: argparse.Namespace) -> int:
    from .model import rules
    from .parameters import DIJON
    from .runner import rule_document

    registry = rules()
    params = _params(args)
    if args.format == "json":
        _print_json([rule_document(r, params) for r in registry])
        return EXIT_OK
    for r in registry:
        print(f"{r.id:<24} {r.clause:<22} {r.severity.label:<14} {r.title}")
        if params is not DIJON:  # what the variant contract changes in this rule's figures
            mine, dijon = rule_document(r, params), rule_document(r, DIJON)
            for name, value in mine["parameter_values"].items():
                if value != dijon["parameter_values"][name]:
                    print(f"    contrat variante : {name} = "
                          f"{json.dumps(value, ensure_ascii=False)}")
    print(f"{len(registry)} règles.")
    return EXIT_OK


def cmd_deadline(args: argparse.Namespace) -> int:
    from .runner import deadline_answer, deadline_text

    policy = {
        "extend_to_working_day": not args.no_extension,
        "backward_to_working_day": args.backward_to_working_day,
        "whit_monday_worked": args.whit_monday_worked,
        "departement": args.departement,
        "good_friday_holiday": not args.good_friday_worked,
    }
    d, finding, out = deadline_answer(args.rule_id, args.trigger, args.act,
                                      params=_params(args), **policy)
    if args.format == "json":
        _print_json(out)
    else:
        from .stamp import Stamp

        print(deadline_text(d, finding, args.act))
        print(f"\n{Stamp.from_dict(out['stamp']).format()}")
    return EXIT_VIOLATIONS if finding else EXIT_OK


def cmd_parameters(args: argparse.Namespace) -> int:
    """The parameters in force, with their history and references (issue 12 §3)."""
    from .avenants import ParameterHistory

    params = _params(args)
    history = params if isinstance(params, ParameterHistory) else ParameterHistory(params)
    if args.format == "json":
        _print_json(history.to_dict(args.a_la_date))
    else:
        print(history.format(args.a_la_date))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import get_kind
    from .runner import check_bytes, check_options, exit_code, render

    kind = get_kind(args.kind)
    if (args.file is None) == (args.ndjson is None):
        raise InputError("ligne de commande", "FILE ou --ndjson FICHIER (un seul des deux)",
                         "entrée à contrôler absente ou donnée deux fois")
    options = check_options(kind.name, {o: getattr(args, o, None) for o in kind.options})
    params = _params(args)
    if hasattr(params, "period_of") and kind.name not in _DATED_KINDS:
        # avenants: a kind whose facts carry no date of their own reads the --as-of day
        if getattr(args, "as_of", None) is None:
            raise InputError("--as-of", "la date des faits, pour lire les paramètres en "
                                        "vigueur (avenants)", "option manquante")
        params = params.at(args.as_of, "--as-of")
    if args.ndjson is not None:
        return _check_ndjson(kind.name, args, params, options)
    raw, name = _read_input(args.file, args.max_bytes)
    report = _explained(check_bytes(kind.name, raw, name, params, options), args)
    if not emit_rendered(report, args.format, args):
        print(render(report, args.format))
    return exit_code(report, args.strict)


def _check_ndjson(kind: str, args: argparse.Namespace, params: Any, options: dict) -> int:
    """One input per line, one JSON answer per line, streamed in order."""
    from .runner import check_lines, iter_lines_capped

    stream, name = _open_input(args.ndjson)
    worst = EXIT_OK
    with stream as lines:
        for answer, code in check_lines(kind, iter_lines_capped(lines, args.max_bytes, name),
                                        params, options):
            if code == EXIT_VIOLATIONS or (args.strict and answer.get("complete") is False):
                code = EXIT_VIOLATIONS
            worst = max(worst, code)
            sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    return worst


def cmd_schema(args: argparse.Namespace) -> int:
    from .runner import kind_schema

    _print_json(kind_schema(args.kind, _params(args)))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Run every check on the example files shipped with the package."""
    from .checks import get_kind, load_json
    from .deadlines import deadline

    d = deadline("PROG-FIRST-MEETING", "2025-05-02")
    results = []
    for path in _example_files():
        kind_name = path.name.split(".", 1)[0]
        kind = get_kind(kind_name)
        data = (kind.load or load_json)(path.read_bytes(), path.name)
        options = {"as_of": _DEMO_AS_OF} if "as_of" in kind.options else {}
        results.append((path.name, kind, kind.run(data, _params(args), **options)))
    if args.format == "json":
        _print_json({"deadline": d.to_dict(),
                     "reports": [{"example": name, "kind": kind.name, "report": r.to_dict()}
                                 for name, kind, r in results]})
        return EXIT_OK
    print("ppaip-rules — démonstration sur les exemples fournis (CCTP PPAIP, DISP de Dijon)\n")
    print(f"== Délai {d.rule_id} ({d.spec.clause}) ==")
    print("\n".join(f"  {s}" for s in d.trace))
    print()
    for name, kind, report in results:
        print(f"== {kind.title} — exemple « {name} » ==")
        print(report.format())
        print()
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from .service import serve
    except ImportError:
        raise InputError("serve", "l'extra « serveur » installé : pip install "
                                  "'ppaip-rules[serveur]'", "module manquant") from None
    return serve(host=args.host, port=args.port, token_file=args.token_file,
                 params=_params(args), max_body=args.max_bytes, timeout=args.timeout)


def cmd_timeline(args: argparse.Namespace) -> int:
    """A case's situation as of a date: ``ppaip-rules timeline CASE.json --as-of …``."""
    from .checks import load_json
    from .timeline import evaluate_case

    if args.as_of is None:
        raise InputError("--as-of", "la date et heure de la situation, ex. "
                                    "2025-06-30T08:00:00+02:00 (aucune horloge implicite)",
                         "option manquante")
    from .runner import stamped

    raw, name = _read_input(args.file, args.max_bytes)
    data, params = load_json(raw, name), _params(args)
    policy = {"suspension_stops_clock": not args.suspensions_count,
              "start_needs_held_session": args.start_needs_held_session}
    evaluation = evaluate_case(data, as_of=args.as_of, params=params, **policy)
    return emit(_explained(stamped(evaluation, "timeline", data, params,
                                   {**policy, "as_of": args.as_of}), args), args.format, args)


def cmd_report(args: argparse.Namespace) -> int:
    """A lot's report: ``ppaip-rules report ACTIVITY.json --lot N``."""
    from .checks import load_json
    from .lot import lot_report, read_activity
    from .runner import stamped

    raw, name = _read_input(args.file, args.max_bytes)
    data, params = load_json(raw, name), _params(args)
    activity = read_activity(data)
    if activity["lot"] != args.lot:
        raise InputError("--lot", f"le lot du fichier ({activity['lot']})",
                         "numéro de lot différent de celui du fichier")
    return emit(_explained(stamped(lot_report(params=params, as_of=args.as_of, **activity),
                                   "report", data, params, {"as_of": args.as_of}), args),
                args.format, args)


def cmd_week(args: argparse.Namespace) -> int:
    """A coordinator's week (issue 15): ``ppaip-rules semaine DOSSIER --as-of DATE``."""
    from .week import read_cases, week_ics, week_view

    if args.as_of is None:
        raise InputError("--as-of", "la date (ou date et heure) de la situation, ex. "
                                    "2025-06-30 (aucune horloge implicite)", "option manquante")
    from .runner import stamped

    cases, params = read_cases(args.source), _params(args)
    week = stamped(week_view(cases, as_of=args.as_of, params=params), "semaine", cases, params,
                   {"as_of": args.as_of})
    if args.format == "ics":
        sys.stdout.flush()
        sys.stdout.buffer.write(week_ics(week))
        sys.stdout.buffer.flush()
        return EXIT_OK if week.ok else EXIT_VIOLATIONS
    return emit(week, args.format, args)


def cmd_replay(args: argparse.Namespace) -> int:
    """``ppaip-rules rejouer RAPPORT.json ENTREE``: recompute a stamped report (issue 12 §1)."""
    from .audit import CannotReplay, replay
    from .checks import load_json

    raw, name = _read_input(args.report)
    given = getattr(args, "parameters", None) or getattr(args, "avenant", None)
    try:
        outcome = replay(load_json(raw, name), args.source, _params(args) if given else None)
    except CannotReplay as error:
        print(f"ppaip-rules : rejeu impossible : {error}", file=sys.stderr)
        return EXIT_INPUT
    if args.format == "json":
        _print_json(outcome.to_dict())
    else:
        print(outcome.format())
    return EXIT_OK if outcome.identical else EXIT_VIOLATIONS


def _switch_values(pairs: list[str], flag: str) -> dict[str, Any]:
    from .stamp import SWITCHES

    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or name not in SWITCHES:
            raise InputError(flag, "NOM=VALEUR, NOM parmi : " + ", ".join(SWITCHES),
                             "interrupteur inconnu ou mal écrit")
        lowered = value.strip().lower()
        out[name] = (True if lowered in ("true", "oui", "vrai") else
                     False if lowered in ("false", "non", "faux") else value.strip())
    return out


def cmd_compare(args: argparse.Namespace) -> int:
    """``ppaip-rules comparer --avant A.toml --apres B.toml KIND FICHIERS…`` (issue 12 §4)."""
    from .audit import compare
    from .parameters import load_parameters

    base = _params(args)
    before = load_parameters(args.avant) if args.avant else base
    after = load_parameters(args.apres) if args.apres else base
    result = compare(args.kind, args.files, before=before, after=after,
                     before_switches=_switch_values(args.avant_option, "--avant-option"),
                     after_switches=_switch_values(args.apres_option, "--apres-option"),
                     as_of=args.as_of, before_label=_label(args.avant),
                     after_label=_label(args.apres))
    if args.format == "json":
        _print_json(result.to_dict())
    else:
        print(result.format())
    return EXIT_OK if result.ok else EXIT_VIOLATIONS


def _label(path: str | None) -> str | None:
    return f"paramètres {Path(path).name}" if path else None


def cmd_verify(args: argparse.Namespace) -> int:
    """``ppaip-rules verifier CAS…``: run test case files (issue 12 §5)."""
    from .cases import verify

    result = verify(args.cases)
    if args.format == "json":
        _print_json(result.to_dict())
    else:
        print(result.format())
    return EXIT_OK if result.ok else EXIT_VIOLATIONS


def emit(result: Any, fmt: str, args: argparse.Namespace | None = None) -> int:
    """Print a result (a report, a case evaluation, a lot report, a week) as text, JSON or
    a rendered format (html, csv, xlsx); the exit code (``--strict``: an incomplete report
    exits 1)."""
    from .model import Report
    from .runner import exit_code, render

    if not emit_rendered(result, fmt, args):
        print(render(result, fmt))
        explained = getattr(getattr(result, "report", None), "explanations", ())
        if fmt == "text" and explained and not isinstance(result, Report):
            print("Explications des règles sans constat :")
            print("\n".join(x.format() for x in explained))
    return exit_code(result, bool(getattr(args, "strict", False)))


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


#: The "today" of the demo: fixed, so the demo prints the same thing every day.
_DEMO_AS_OF = "2025-06-30T18:00:00+02:00"


def _example_files() -> list[Path]:
    from importlib import resources  # not at the top: ``deadline`` starts fast (issue 13)

    folder = resources.files("ppaip_rules") / "examples"
    if not folder.is_dir():
        return []
    return sorted(Path(str(p)) for p in folder.iterdir()
                  if p.name.endswith((".json", ".csv")) and "." in p.name)


# --- helpers --------------------------------------------------------------

def _params(args: argparse.Namespace):
    """The contract's parameters: Dijon, a variant file (``--parameters``), and any avenants
    (``--avenant``, repeatable: a history whose values are read at the date of each fact)."""
    from .avenants import load_parameters
    from .parameters import DIJON

    path = getattr(args, "parameters", None)
    avenants = tuple(getattr(args, "avenant", None) or ())
    for option, file in [("--parameters", path)] * bool(path) + [("--avenant", a)
                                                                  for a in avenants]:
        _check_parameters_file(option, file)
    if avenants:
        return load_parameters(path, *avenants)
    return load_parameters(path) if path else DIJON


def _check_parameters_file(option: str, path: str) -> None:
    """A parameters or avenant file: a readable, ordinary file of a reasonable size."""
    import stat

    try:
        info = os.stat(path)
    except (OSError, ValueError):
        raise InputError(option, "un fichier de paramètres lisible (TOML ou JSON)",
                         "fichier introuvable ou illisible") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PARAMETERS_BYTES:
        raise InputError(option, "un fichier ordinaire de "
                                 f"{MAX_PARAMETERS_BYTES} octets au plus", "fichier refusé")


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


#: Check kinds that pick the parameters in force at the date of each fact themselves
#: (a history of avenants, issue 12 §3); the others read the --as-of day.
_DATED_KINDS = ("deadline", "case", "roster", "activity", "eligibility", "programme")


class _Borrowed:
    """Standard input for a ``with`` block that must not close it."""

    def __init__(self, stream: Any):
        self.stream = stream

    def __enter__(self) -> Any:
        return self.stream

    def __exit__(self, *_: Any) -> None:
        return None


def _open_input(file: str):
    """A binary stream on ``file`` (``-``: standard input) and the name of the argument."""
    if file == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise InputError("entrée standard", "une entrée standard ouverte",
                             "entrée standard fermée")
        return _Borrowed(sys.stdin.buffer), "entrée standard"
    try:
        return open(file, "rb"), "FILE"
    except (OSError, ValueError):
        raise InputError("FILE", "un fichier lisible (ou - pour l'entrée standard)",
                         "fichier introuvable ou illisible") from None


def _read_input(file: str, max_bytes: int | None = None) -> tuple[bytes, str]:
    """The bytes of ``file`` (``-``: standard input), at most ``max_bytes``; the name to
    give in errors is the argument's (``FILE``), never the file's own name."""
    from .runner import DEFAULT_MAX_INPUT_BYTES, read_capped

    limit = DEFAULT_MAX_INPUT_BYTES if max_bytes is None else max_bytes
    if limit < 1:
        raise InputError("--max-bytes", "un nombre d'octets positif", "valeur invalide")
    stream, name = _open_input(file)
    try:
        with stream as data:
            return read_capped(data, limit, name), name
    except OSError:
        raise InputError(name, "un fichier lisible (ou - pour l'entrée standard)",
                         "lecture impossible") from None


def _emit(report, fmt: str) -> None:
    from .runner import render

    print(render(report, fmt))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; ``only="deadline"``: with that command alone (a fast
    start: it imports no area module, no renderer, no service — issue 13)."""
    parser = _Parser(prog="ppaip-rules",
                     description="Règles du CCTP PPAIP (DISP de Dijon) : délais, contrôles, "
                                 "catalogue des règles.")
    parser.add_argument("--parameters", metavar="FICHIER",
                        help="paramètres d'un contrat variante (TOML ou JSON)")
    parser.add_argument("--avenant", metavar="FICHIER", action="append",
                        help="avenant (TOML ou JSON : table [avenant] nom, date_effet, "
                             "reference, puis les clés modifiées) ; répétable")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser,
                                title="commandes")

    if only == "deadline":
        _add_deadline_command(sub)
        return parser

    p = sub.add_parser("rules", help="lister les règles")
    add_format_option(p)
    p.set_defaults(func=cmd_rules)

    _add_deadline_command(sub)

    p = sub.add_parser("check", help="contrôler un fichier (JSON ; CSV pour roster)")
    p.add_argument("kind", metavar="KIND", help="type de contrôle (voir « ppaip-rules schema »)")
    p.add_argument("file", metavar="FILE", nargs="?",
                   help="fichier, ou - pour l'entrée standard")
    p.add_argument("--ndjson", metavar="FICHIER",
                   help="lot : une entrée JSON par ligne (fichier, ou - pour l'entrée "
                        "standard) ; un rapport JSON par ligne, dans l'ordre")
    add_format_option(p, output_formats())
    add_input_options(p)
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
    add_format_option(p)
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("demo", help="démonstration sur les exemples fournis")
    add_format_option(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="service HTTP local (extra « serveur »)")
    p.add_argument("--host", default="127.0.0.1",
                   help="adresse d'écoute (défaut : 127.0.0.1, la machine seule)")
    p.add_argument("--port", type=int, default=8000, help="port (défaut : 8000)")
    p.add_argument("--token-file", dest="token_file", metavar="FICHIER",
                   help="fichier contenant le jeton exigé (Authorization: Bearer …)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDES",
                   help="durée maximale d'une requête (défaut : 30 s)")
    add_input_options(p, strict=False)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("timeline", help="situation d'un parcours : retards, échéances de la "
                                        "semaine, manquements")
    p.add_argument("file", metavar="CASE.json", help="journal d'un parcours, ou - pour l'entrée "
                                                     "standard")
    p.add_argument("--as-of", dest="as_of", metavar="DATE-HEURE",
                   help="date et heure de la situation (obligatoire), ex. "
                        "2025-06-30T08:00:00+02:00")
    add_format_option(p, output_formats())
    add_input_options(p)
    p.add_argument("--suspensions-count", action="store_true",
                   help="compter les jours de suspension dans le délai de démarrage "
                        "(ambiguïté 7 ; par défaut ils ne comptent pas)")
    p.add_argument("--start-needs-held-session", dest="start_needs_held_session",
                   action="store_true",
                   help="seule une séance tenue vaut démarrage du programme (ambiguïté 10 ; "
                        "par défaut, une première séance manquée du fait de la personne "
                        "convoquée vaut démarrage)")
    _add_explain(p)
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("report", help="rapport d'un lot : heures face au prévisionnel, "
                                      "permanences, publics cibles, synthèse, durée du marché")
    p.add_argument("file", metavar="ACTIVITY.json", help="activité du lot, ou - pour l'entrée "
                                                         "standard")
    p.add_argument("--lot", type=int, required=True, metavar="N", help="numéro du lot (1 à 6)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE-HEURE",
                   help="date et heure d'évaluation des délais (par défaut : fin de la période)")
    add_format_option(p, output_formats())
    add_input_options(p)
    _add_explain(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("semaine", help="la semaine d'un coordinateur : échéances en retard, de "
                                       "la semaine et de la semaine prochaine, par SPIP")
    p.add_argument("source", metavar="DOSSIER|FICHIER.ndjson",
                   help="dossier de parcours (un fichier .json par parcours) ou fichier NDJSON "
                        "(un parcours par ligne)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE-HEURE",
                   help="date (ou date et heure) de la situation (obligatoire)")
    add_format_option(p, (*(f for f in output_formats() if f not in ("csv", "xlsx")), "ics"))
    p.set_defaults(func=cmd_week)

    p = sub.add_parser("rejouer", help="recalculer un rapport JSON tamponné depuis son entrée "
                                       "et dire s'il est identique")
    p.add_argument("report", metavar="RAPPORT.json", help="rapport produit avec --format json")
    p.add_argument("source", metavar="ENTREE", help="le fichier (ou dossier) d'entrée du rapport")
    add_format_option(p)
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("comparer", help="les mêmes entrées sous deux jeux de paramètres ou "
                                        "d'interrupteurs : ce qui change")
    p.add_argument("--avant", metavar="PARAMETRES", help="paramètres « avant » (TOML ou JSON ; "
                                                         "défaut : Dijon)")
    p.add_argument("--apres", metavar="PARAMETRES", help="paramètres « après » (TOML ou JSON ; "
                                                         "défaut : Dijon)")
    p.add_argument("--avant-option", dest="avant_option", action="append", default=[],
                   metavar="NOM=VALEUR", help="interrupteur « avant » (répétable)")
    p.add_argument("--apres-option", dest="apres_option", action="append", default=[],
                   metavar="NOM=VALEUR", help="interrupteur « après » (répétable)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="date (ou date et heure) du contrôle, pour les contrôles qui en ont "
                        "besoin")
    add_format_option(p)
    p.add_argument("kind", metavar="KIND", help="type de contrôle (case, activity, deadline, "
                                                "roster, programme…)")
    p.add_argument("files", metavar="FICHIERS", nargs="+",
                   help="fichiers d'entrée, dossiers, ou fichiers NDJSON (un par ligne)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("verifier", help="exécuter des cas de test écrits en TOML")
    p.add_argument("cases", metavar="CAS", nargs="+", help="fichiers de cas (.toml) ou dossiers")
    add_format_option(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("parametres", help="paramètres en vigueur, avec leur historique "
                                          "(avenants) et leurs références")
    p.add_argument("--a-la-date", dest="a_la_date", metavar="DATE",
                   help="date à laquelle lire les valeurs en vigueur (AAAA-MM-JJ)")
    add_format_option(p)
    p.set_defaults(func=cmd_parameters)

    from .templates import add_template_command

    add_template_command(sub)  # ppaip-rules modele roster > effectifs.xlsx

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _add_deadline_command(sub: Any) -> None:
    p = sub.add_parser("deadline", help="calculer un délai du contrat")
    p.add_argument("rule_id", metavar="RULE-ID", help="ex. PROG-FIRST-MEETING")
    p.add_argument("trigger", metavar="TRIGGER",
                   help="date (AAAA-MM-JJ, JJ/MM/AAAA), ou date et heure : ISO avec fuseau, "
                        "ou JJ/MM/AAAA HH:MM (heure de Paris)")
    p.add_argument("--act", metavar="DATE", help="date de l'acte, pour dire si le délai est tenu")
    add_format_option(p)
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


def _add_explain(p: argparse.ArgumentParser) -> None:
    p.add_argument("--expliquer", action="store_true",
                   help="expliquer aussi les règles sans constat : vérifiées (paramètres en "
                        "vigueur) ou non décidées")


#: Area modules add their own sub-commands here (``register(subparsers)``).
_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (errors are then a JSON object on stderr)."""
    argv = list(argv)
    return "--json" in argv or "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in itertools.pairwise(argv))


def _utf8_streams() -> None:
    """UTF-8 output whatever PYTHONIOENCODING or the locale say; a lone surrogate is
    written as its escape (``\\ud800``, valid in JSON) rather than crashing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


def _silence_stdout() -> None:
    """After a failed write, stop the interpreter's final flush from failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


def _command(argv: Sequence[str]) -> str | None:
    """The command named on the line (after the global options), or None."""
    values = iter(argv)
    for arg in values:
        if arg in ("--parameters", "--avenant"):
            next(values, None)
        elif not arg.startswith("-"):
            return arg
        elif not arg.startswith(("--parameters=", "--avenant=")):
            return None  # --help, or an error that the full parser words
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    only = "deadline" if _command(argv) == "deadline" else None
    if only is None:
        from .registry import load

        load()  # area modules register their rules, kinds and commands
    as_json = _wants_json(argv)
    if sys.stdout is None:
        _say("ppaip-rules : erreur de l'environnement : sortie standard fermée.")
        return EXIT_INTERNAL
    _utf8_streams()
    try:
        parser = build_parser(only)
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_INPUT
        code = args.func(args)
        sys.stdout.flush()
        return code
    except InputError as error:
        if as_json:
            from .runner import error_object

            _say(json.dumps(error_object(error), ensure_ascii=False))
        else:
            _say(f"ppaip-rules : erreur : {error}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        _say("ppaip-rules : interrompu.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except MemoryError:
        _say("ppaip-rules : erreur de l'environnement : mémoire insuffisante.")
        return EXIT_INTERNAL
    except OSError as error:  # the output or the system failed, not the input
        _silence_stdout()
        import errno

        what = {errno.ENOSPC: "plus de place sur le périphérique",
                errno.EACCES: "permission refusée", errno.EIO: "erreur d'entrée-sortie",
                errno.EBADF: "sortie fermée", errno.EPIPE: "sortie fermée"}.get(
                    error.errno, "erreur du système")
        _say(f"ppaip-rules : erreur de l'environnement : écriture de la sortie impossible "
             f"({what}).")
        return EXIT_INTERNAL
    except Exception as error:  # a bug of ours: one line, never a traceback
        _say(f"ppaip-rules : erreur interne ({type(error).__name__}) ; merci de la signaler.")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
