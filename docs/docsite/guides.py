"""Home page figures, the guides of each check kind, and the integration guide."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ppaip_rules.checks import CheckKind, kinds, load_json, report_schema
from ppaip_rules.coverage import MATRIX, specified_rule_ids
from ppaip_rules.frenchtext import format_date, format_value
from ppaip_rules.model import Rule, Severity, rules

from .catalogue import example_result, rule_link
from .markdown import (
    DocsError,
    admonition,
    as_json,
    code,
    finding_block,
    link,
    optional_module,
    registered_rules,
    table,
    to_come,
)

DOWNLOADS = "telechargements"
SCHEMAS = "schemas"


# --- files added to the site ---------------------------------------------------------

def example_files() -> list[tuple[str, bytes]]:
    """The example files shipped with the package: (name, content)."""
    folder = resources.files("ppaip_rules") / "examples"
    if not folder.is_dir():
        return []
    return sorted((p.name, p.read_bytes()) for p in folder.iterdir()
                  if p.name.endswith((".json", ".csv", ".ndjson")) and not p.name.startswith("."))


def schema_path(kind_name: str) -> str:
    return f"{SCHEMAS}/{kind_name}.schema.json"


def downloads() -> dict[str, bytes]:
    out = {f"{DOWNLOADS}/{name}": content for name, content in example_files()}
    for kind in kinds():
        out[schema_path(kind.name)] = (as_json(kind.schema()) + "\n").encode()
    out[schema_path("report")] = (as_json(report_schema()) + "\n").encode()
    return out


# --- home page -----------------------------------------------------------------------

def version(*, page: str, **_: Any) -> str:
    from ppaip_rules import __version__

    return __version__


def home_stats(*, page: str, **_: Any) -> str:
    registry = registered_rules()
    by_severity = {s: sum(r.severity is s for r in registry.values()) for s in Severity}
    spec = specified_rule_ids()
    rows = [
        ("Règles", f"{len(registry)} : gravité « violation » pour "
                   f"{by_severity[Severity.VIOLATION]}, « avertissement » pour "
                   f"{by_severity[Severity.WARNING]}, « information » pour "
                   f"{by_severity[Severity.INFO]}"),
        ("Règles prévues par la spécification et disponibles",
         f"{sum(r in registry for r in spec)} sur {len(spec)}"),
        ("Types de contrôle (entrées JSON ou CSV)", str(len(kinds()))),
        ("Obligations du CCTP recensées dans la matrice de couverture", str(len(MATRIX))),
    ]
    return table(("", "Dans cette version"), rows)


def _first_firing(preferred: tuple[str, ...]) -> tuple[Rule, Any] | None:
    registry = registered_rules()
    ordered = [registry[r] for r in preferred if r in registry] + list(registry.values())
    for rule in ordered:
        for example in rule.examples:
            if example.fires:
                return rule, example
    return None


def sample_finding(*args: str, page: str, **_: Any) -> str:
    """A real finding, computed now, to show how a finding reads."""
    found = _first_firing(args or ("PROG-GROUP-SIZE", "END-BILAN-IND"))
    if found is None:
        return to_come("Un exemple de constat")
    rule, example = found
    finding = example_result(rule, example)[0]
    return (f"*Exemple réel, calculé à la construction de ce site : « {example.title} » "
            f"({rule_link(rule.id, page)}).*\n\n" + finding_block(finding))


# --- guides of the check kinds ---------------------------------------------------------

_TYPES = {"string": "texte", "integer": "nombre entier", "number": "nombre",
          "boolean": "oui / non (`true` / `false`)", "array": "liste", "object": "objet",
          "null": "vide (`null`)"}


def _resolve(schema: dict, root: dict) -> dict:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        merged = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        return _resolve(merged, root) if "$ref" in node else merged
    return schema


def _form(schema: dict, root: dict) -> str:
    schema = _resolve(schema, root)
    if "x-expected" in schema:  # described by ppaip_rules.describe: its own French wording
        return schema["x-expected"]
    if "const" in schema:
        return f"`{json.dumps(schema['const'], ensure_ascii=False)}`"
    if "enum" in schema:
        return "une valeur parmi : " + ", ".join(
            f"`{json.dumps(v, ensure_ascii=False)}`" for v in schema["enum"])
    variants = _variants(schema, root)
    if variants:
        return f"un objet parmi {len(variants)} sortes (détail ci-dessous)"
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " ou ".join(_form(s, root) for s in schema[key] if isinstance(s, dict))
    kind = schema.get("type")
    if isinstance(kind, list):
        text = " ou ".join(_TYPES.get(k, k) for k in kind)
    else:
        text = _TYPES.get(kind, "valeur") if kind else "valeur"
    if kind == "array" and isinstance(schema.get("items"), dict):
        inner = _resolve(schema["items"], root)
        if _variants(inner, root):
            text = f"liste d'objets de {len(_variants(inner, root))} sortes (détail ci-dessous)"
        elif inner.get("type") != "object":
            text = f"liste de : {_form(inner, root)}"
    if schema.get("format") in ("date", "date-time"):
        text += " (date)" if schema["format"] == "date" else " (date et heure)"
    elif schema.get("format") in _FORMATS:  # the formats of ppaip_rules.describe
        text += f" ({_FORMATS[schema['format']]})"
    bounds = [f"{label} {_number(schema[k])}" for k, label in
              (("minimum", "min."), ("maximum", "max."), ("minLength", "longueur min."),
               ("maxLength", "longueur max."), ("minItems", "au moins"),
               ("maxItems", "au plus")) if k in schema]
    if bounds:
        text += " — " + ", ".join(bounds)
    if "pattern" in schema and not schema.get("description"):
        text += f" — forme `{schema['pattern']}`"
    return text


_FORMATS = {"ppaip-date": "date AAAA-MM-JJ ou JJ/MM/AAAA",
            "ppaip-moment": "date, ou date et heure ISO 8601",
            "ppaip-moment-tz": "date, ou date et heure ISO 8601 avec fuseau"}


def _variants(schema: dict, root: dict) -> list[tuple[str, Any, dict]] | None:
    """A ``oneOf`` of objects told apart by a constant field (``"type": "first_meeting"``):
    (field, constant, object schema) for each sort; None for any other schema."""
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if not isinstance(alternatives, list) or not alternatives:
        return None
    out = []
    for alt in alternatives:
        alt = _resolve(alt, root) if isinstance(alt, dict) else None
        if not alt or not isinstance(alt.get("properties"), dict):
            return None
        tag = next(((k, v["const"]) for k, v in alt["properties"].items()
                    if isinstance(v, dict) and "const" in v), None)
        if tag is None:
            return None
        out.append((tag[0], tag[1], alt))
    return out


def _variant_rows(path: str, variants: list[tuple[str, Any, dict]], root: dict,
                  depth: int) -> list[tuple[str, str, str, str]]:
    rows = []
    for field, value, alt in variants:
        shown = json.dumps(value, ensure_ascii=False)
        rows.append((f"`{path}` avec `\"{field}\": {shown}`", "", "objet",
                     f"**{alt.get('title', '')}**"))
        rows.extend(schema_rows(alt, root, f"{path[:-2]}[{value}].", depth + 1, skip=field))
    return rows


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_value(value)


def schema_rows(schema: dict, root: dict | None = None, prefix: str = "",
                depth: int = 0, skip: str | None = None) -> list[tuple[str, str, str, str]]:
    """(field path, required, expected form, description) for every field of a schema."""
    root = schema if root is None else root
    schema = _resolve(schema, root)
    rows: list[tuple[str, str, str, str]] = []
    if depth > 5:
        return rows
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        if not isinstance(sub, dict) or name == skip:
            continue
        sub = _resolve(sub, root)
        path = f"{prefix}{name}"
        text = sub.get("description") or sub.get("title") or ""
        if "default" in sub:
            default = json.dumps(sub["default"], ensure_ascii=False)
            text = (text + " " if text else "") + f"(défaut : `{default}`)"
        rows.append((f"`{path}`", "oui" if name in required else "non",
                     _form(sub, root), text))
        if sub.get("type") == "object" or "properties" in sub:
            rows.extend(schema_rows(sub, root, f"{path}.", depth + 1))
        items = sub.get("items")
        if isinstance(items, dict):
            items = _resolve(items, root)
            variants = _variants(items, root)
            if variants:
                rows.extend(_variant_rows(f"{path}[]", variants, root, depth))
            elif items.get("type") == "object" or "properties" in items:
                rows.extend(schema_rows(items, root, f"{path}[].", depth + 1))
    return rows


def find_kind(names: str) -> CheckKind | None:
    """The first registered kind among comma-separated names."""
    registered = {k.name: k for k in kinds()}
    return next((registered[n] for n in names.split(",") if n in registered), None)


def _demo_options(kind: CheckKind) -> dict:
    from ppaip_rules.cli import _DEMO_AS_OF

    return {"as_of": _DEMO_AS_OF} if "as_of" in kind.options else {}


def _kind_files(kind: CheckKind) -> list[tuple[str, bytes]]:
    return [(n, c) for n, c in example_files() if n.split(".", 1)[0] == kind.name]


def kind_report(kind: CheckKind, name: str, content: bytes):
    data = (kind.load or load_json)(content, name)
    from ppaip_rules.parameters import DIJON

    return kind.run(data, DIJON, **_demo_options(kind))


def kind_rules(kind: CheckKind) -> list[str]:
    """The rules a kind reports: those whose subject it is, and those its examples check."""
    ids = [r.id for r in rules() if r.subject == kind.name]
    for name, content in _kind_files(kind):
        for rule_id in kind_report(kind, name, content).checked:
            if rule_id not in ids:
                ids.append(rule_id)
    return ids


def kind_fields(names: str, *, page: str, **_: Any) -> str:
    """The input fields of a check kind (reference pages): the table and the schema link."""
    kind = find_kind(names)
    if kind is None:
        return to_come(f"Le contrôle « {names.split(',')[0]} »")
    rows = schema_rows(kind.schema())
    fields = (table(("Champ", "Obligatoire", "Forme attendue", "Signification"), rows) + "\n\n"
              if rows else "")
    return fields + (f"Le schéma JSON complet : [{kind.name}.schema.json]"
                     f"({link(page, schema_path(kind.name))}).\n")


def kind_guide(names: str, *options: str, page: str, **_: Any) -> str:
    """What a check verifies, its input fields, its example files and how to read its report.

    ``fields=PAGE`` (a page of docs/) links to the fields on that reference page instead
    of listing them (a guide written for coordinators rather than developers).
    """
    kind = find_kind(names)
    if kind is None:
        return to_come(f"Le contrôle « {names.split(',')[0]} »")
    registry = registered_rules()
    checked = kind_rules(kind)
    parts = [f"## Ce que vérifie ce contrôle\n\n"
             f"Le contrôle « {kind.title} » (`{kind.name}`) applique "
             f"{len(checked)} règle(s) du contrat :\n",
             table(("Règle", "Ce qu'elle vérifie", "Clause"),
                   [(rule_link(r, page, registry), registry[r].title, registry[r].clause)
                    for r in checked if r in registry]) + "\n"]
    rows = schema_rows(kind.schema())
    fields = (table(("Champ", "Obligatoire", "Forme attendue", "Signification"), rows) + "\n\n"
              if rows else "")
    fields += (f"Le schéma JSON complet : [{kind.name}.schema.json]"
               f"({link(page, schema_path(kind.name))}).\n")
    elsewhere = next((o.split("=", 1)[1] for o in options if o.startswith("fields=")), None)
    if elsewhere:
        parts.append(f"Le détail des données, champ par champ, est sur la page "
                     f"[{kind.title}]({link(page, elsewhere)}) "
                     f"de la référence.\n")
    elif kind.load is None:
        parts.append("## Les données à fournir\n\n" + fields)
    else:
        # A kind read from another format (a CSV roster): JSON is for software.
        parts.append(admonition("info", "Les mêmes données en JSON, pour les logiciels", fields,
                                "???"))
    files = _kind_files(kind)
    templates = [n for n, _ in files if ".modele." in n]
    if templates:
        parts.append("**Modèle à remplir** : " + ", ".join(
            f"[{n}]({link(page, f'{DOWNLOADS}/{n}')})" for n in templates) + ".\n")
    others = [n for n, _ in files if n not in templates]
    if others:
        parts.append("Fichiers d'exemple à télécharger : " + ", ".join(
            f"[{n}]({link(page, f'{DOWNLOADS}/{n}')})" for n in others) + ".\n")
    failing = [(n, c) for n, c in files if "non-conforme" in n]
    if failing:
        name, content = failing[0]
        report = kind_report(kind, name, content)
        as_of = _demo_options(kind).get("as_of")
        when = (f", contrôlé à la date du {format_date(dt.date.fromisoformat(as_of[:10]))}"
                if as_of else "")
        command = f"ppaip-rules check {kind.name} {name}" + (f" --as-of {as_of}" if as_of
                                                             else "")
        parts.append(f"## Lire le rapport\n\nLe rapport du fichier d'exemple `{name}`{when}, "
                     f"tel que l'affiche `{command}` :\n")
        parts.append(code(report.format()) + "\n")
        parts.append(_READING)
    return "\n".join(parts)


_READING = """\
La première ligne donne le verdict : **conforme** s'il n'y a aucune violation
(des avertissements peuvent rester), **NON CONFORME** sinon, puis le nombre de constats
de chaque gravité et le nombre de règles vérifiées. Chaque constat suit :

- l'identifiant de la règle et la clause du CCTP, puis la gravité (*violation*,
  *avertissement* ou *information*) et le message ;
- `champ` : l'endroit de la donnée concernée (`workshops[1].participants` : le
  2e atelier, car la numérotation commence à 0) ;
- `attendu` et `constaté` : ce que le contrat demande et ce qui a été trouvé ;
- `calcul` : pour un délai, chaque étape du calcul de l'échéance.
"""


def roster_columns(*, page: str, **_: Any) -> str:
    """The CSV columns of a roster (and its line types), as the roster module declares them."""
    for module_name in ("roster_csv", "staffing"):
        module = optional_module(module_name)
        if module is None:
            continue
        for attr in ("COLUMNS", "CSV_COLUMNS", "ROSTER_COLUMNS", "columns"):
            value = getattr(module, attr, None)
            if callable(value) and not isinstance(value, type):
                value = value()
            if value:
                row_types = getattr(module, "ROW_TYPES", None)
                head = ""
                if row_types:
                    head = ("Chaque ligne du tableau décrit une chose, dite dans sa colonne "
                            f"« {_plain(_first_field(value[0]))} » :\n\n"
                            + table(("Type de ligne", "Ce que la ligne décrit"),
                                    [(f"`{t}`", text) for t, text in row_types]) + "\n\n"
                            "Les colonnes :\n\n")
                return head + columns_table(value)
    return to_come("La liste des colonnes du tableau d'effectifs")


def _first_field(column: Any) -> Any:
    if isinstance(column, str):
        return column
    if attrs.has(type(column)):
        return getattr(column, attrs.fields(type(column))[0].name)
    if isinstance(column, dict):
        return next(iter(column.values()))
    return column[0]


_COLUMN_HEADERS = {"name": "Colonne", "header": "Colonne", "column": "Colonne",
                   "label": "Contenu", "description": "Contenu", "meaning": "Contenu",
                   "required": "Obligatoire", "example": "Exemple", "form": "Forme",
                   "format": "Forme", "kind": "Forme", "type": "Forme", "sheet": "Feuille",
                   "section": "Feuille", "table": "Feuille", "record": "Type de ligne",
                   "row_types": "Lignes concernées", "rows": "Lignes concernées"}


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ", ".join(_plain(v) for v in value) if value else "toutes"
    return str(value)


def columns_table(columns: Any) -> str:
    """A table of column declarations: strings, attrs instances, dicts or tuples."""
    if isinstance(columns, dict):
        columns = [{"name": k, "description": v} if not isinstance(v, dict) else {"name": k, **v}
                   for k, v in columns.items()]
    columns = list(columns)
    first = columns[0]
    if isinstance(first, str):
        return table(("Colonne",), [(f"`{c}`",) for c in columns])
    if attrs.has(type(first)):
        keys = [f.name for f in attrs.fields(type(first))]
        rows = [[getattr(c, k) for k in keys] for c in columns]
    elif isinstance(first, dict):
        keys = list(dict.fromkeys(k for c in columns for k in c))
        rows = [[c.get(k) for k in keys] for c in columns]
    elif isinstance(first, tuple) and hasattr(first, "_fields"):
        keys = list(first._fields)
        rows = [list(c) for c in columns]
    else:
        raise DocsError("roster columns: unknown declaration form")
    headers = [_COLUMN_HEADERS.get(k, k.replace("_", " ").capitalize()) for k in keys]
    cells = [[f"`{v}`" if i == 0 else _plain(v) for i, v in enumerate(row)] for row in rows]
    return table(headers, cells)


# --- integration guide ---------------------------------------------------------------

def kinds_table(*, page: str, **_: Any) -> str:
    rows = []
    for kind in kinds():
        files = ", ".join(f"[{n}]({link(page, f'{DOWNLOADS}/{n}')})" for n, _ in
                          _kind_files(kind)) or "—"
        options = ", ".join(f"`{o}`" for o in kind.options) or "—"
        rows.append((f"`{kind.name}`", kind.title, options,
                     f"[schéma]({link(page, schema_path(kind.name))})", files))
    return table(("KIND", "Contrôle", "Options", "Schéma JSON", "Exemples"), rows)


def schemas(*, page: str, **_: Any) -> str:
    parts = []
    for kind in kinds():
        body = (f"Télécharger : [{kind.name}.schema.json]({link(page, schema_path(kind.name))}) "
                f"— ou `ppaip-rules schema {kind.name}`.\n\n" + code(as_json(kind.schema()),
                                                                     "json"))
        parts.append(admonition("abstract", f"{kind.title} ({kind.name})", body, "???"))
    body = (f"Télécharger : [report.schema.json]({link(page, schema_path('report'))}) "
            f"— ou `ppaip-rules schema report`.\n\n" + code(as_json(report_schema()), "json"))
    parts.append(admonition("abstract", "Rapport de contrôle (report), en sortie", body, "???"))
    return "\n".join(parts)


_EXIT_MEANINGS = {
    "EXIT_OK": "Succès : aucune violation (des avertissements peuvent figurer dans le rapport ; "
               "un rapport incomplet aussi, sauf avec `--strict`).",
    "EXIT_VIOLATIONS": "Le contrôle a abouti et a constaté au moins une violation (ou un délai "
                       "non tenu) ; avec `--strict`, aussi un rapport incomplet (fait manquant).",
    "EXIT_INPUT": "Entrée ou arguments invalides : un message d'une ligne, en français, sur la "
                  "sortie d'erreur, qui nomme le champ ou l'option et la forme attendue (jamais "
                  "la valeur reçue) ; sous `--format json`, un objet JSON `{\"erreur\": "
                  "{\"champ\": …, \"attendu\": …, \"constaté\": …}}`. Une entrée au-delà "
                  "du plafond (`--max-bytes`, 32 Mio par défaut) est refusée ainsi, limite "
                  "indiquée.",
    "EXIT_INTERNAL": "Erreur interne de la bibliothèque (un message d'une ligne, sans trace ; à "
                     "signaler), ou de l'environnement : sortie impossible à écrire (disque "
                     "plein, sortie fermée), mémoire insuffisante ; le message dit laquelle.",
    "EXIT_INTERRUPTED": "Interrompu (Ctrl-C).",
}


def exit_codes(*, page: str, **_: Any) -> str:
    from ppaip_rules import cli

    rows = [(f"`{getattr(cli, name)}`", text) for name, text in _EXIT_MEANINGS.items()]
    return table(("Code de sortie", "Signification"), rows)


def cli_help(*, page: str, **_: Any) -> str:
    from ppaip_rules.cli import build_parser

    return code(build_parser().format_help())


def cli_usage(command: str, *, page: str, **_: Any) -> str:
    """The help of one sub-command of ``ppaip-rules``; nothing when it is not in this version."""
    import argparse

    from ppaip_rules import _areas  # noqa: F401  (area modules add their sub-commands)
    from ppaip_rules.cli import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return code(action.choices[command].format_help())
    return to_come(f"La commande « ppaip-rules {command} »")


def cli_example(*argv: str, page: str, **_: Any) -> str:
    """A command run now on the package's example files, with what it prints."""
    if not cli_usage(argv[0], page=page).startswith("```"):
        return to_come(f"La commande « ppaip-rules {argv[0]} »")
    folder = Path(str(resources.files("ppaip_rules") / "examples"))
    done = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *argv], cwd=folder,
                          capture_output=True, timeout=120, env=_env())
    if done.returncode not in (0, 1):
        raise DocsError(f"ppaip-rules {' '.join(argv)} exited {done.returncode}: "
                        f"{done.stderr.decode(errors='replace')[-300:]}")
    return code(f"$ ppaip-rules {' '.join(argv)}\n{done.stdout.decode()}")


# --- snippets: the same files are shown, run at build time and run by the tests -------

CLI_PREFIX = "ppaip-rules"


@attrs.frozen
class CliCommand:
    """One command of a shell snippet: its comment, arguments, stdin file and exit code."""

    comment: str
    line: str
    argv: tuple[str, ...]
    stdin: str | None
    exit_code: int


def cli_commands(path: Path) -> list[CliCommand]:
    """The commands of a shell snippet; each is preceded by a comment that says
    « code de sortie N »."""
    commands = []
    comment: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            comment = []
        elif line.startswith("#"):
            comment.append(line.lstrip("# "))
        else:
            words = shlex.split(line)
            if not words or words[0] != CLI_PREFIX:
                raise DocsError(f"{path.name}: a command must start with {CLI_PREFIX}: {line}")
            stdin = None
            if "<" in words:
                i = words.index("<")
                stdin, words = words[i + 1], words[:i] + words[i + 2:]
            text = " ".join(comment)
            match = re.search(r"code de sortie (\d)", text)
            if match is None:
                raise DocsError(f"{path.name}: say « code de sortie N » before: {line}")
            commands.append(CliCommand(text, line, tuple(words[1:]), stdin,
                                       int(match.group(1))))
            comment = []
    return commands


def run_cli(command: CliCommand, cwd: Path) -> subprocess.CompletedProcess:
    stdin = (cwd / command.stdin).read_bytes() if command.stdin else None
    return subprocess.run([sys.executable, "-m", "ppaip_rules.cli", *command.argv],
                          input=stdin, capture_output=True, cwd=cwd, timeout=120,
                          env=_env())


def run_python(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, path.name], capture_output=True, cwd=path.parent,
                          timeout=120, env=_env())


def _env() -> dict:
    import os

    import ppaip_rules

    env = dict(os.environ)
    env.update({"PYTHONIOENCODING": "utf-8", "TZ": "Europe/Paris"})
    # The snippets run the library being documented (this checkout, installed or not).
    root = str(Path(ppaip_rules.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def snippet_output(path: str, *, page: str, docs_dir: Path | None = None, **_: Any) -> str:
    """What a snippet prints, computed now: a Python file, or each command of a shell file."""
    if docs_dir is None:
        raise DocsError("snippet-output needs the docs folder")
    file = docs_dir / "snippets" / path
    if file.suffix == ".py":
        done = run_python(file)
        if done.returncode != 0:
            raise DocsError(f"{path} failed: {done.stderr.decode(errors='replace')[-500:]}")
        return code(done.stdout.decode())
    parts = []
    for command in cli_commands(file):
        done = run_cli(command, file.parent)
        if done.returncode != command.exit_code:
            raise DocsError(f"{path}: « {command.line} » exited {done.returncode}, "
                            f"the snippet says {command.exit_code}")
        out = (done.stdout + done.stderr).decode()
        lang = "json" if out.lstrip().startswith(("{", "[")) else "text"
        body = code(out, lang)
        parts.append(admonition("example", f"$ {command.line} → code de sortie "
                                           f"{done.returncode}", body, "???"))
    return "\n".join(parts)
