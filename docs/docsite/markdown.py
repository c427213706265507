"""Small Markdown helpers shared by the generated pages (French text, relative links)."""

from __future__ import annotations

import importlib
import json
import posixpath
from collections.abc import Iterable, Sequence
from typing import Any

from ppaip_rules.model import Finding, Rule, Severity


class DocsError(RuntimeError):
    """The documentation cannot be generated faithfully (fails the build)."""


def link(page: str, target: str, anchor: str | None = None) -> str:
    """A relative link from the page ``page`` to the page ``target`` (paths in ``docs/``)."""
    rel = posixpath.relpath(target, posixpath.dirname(page) or ".")
    if target == page:
        rel = ""
    return f"{rel}#{anchor}" if anchor else rel


def cell(text: Any) -> str:
    """Text fit for one cell of a Markdown table."""
    return str(text).replace("|", "\\|").replace("\n", "<br>")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def code(text: str, lang: str = "text") -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def admonition(kind: str, title: str, body: str, collapsible: str | None = None) -> str:
    """A Material admonition; ``collapsible`` is ``"???"`` (closed) or ``"???+"`` (open)."""
    head = collapsible or "!!!"
    title = title.replace('"', "«")
    return f'{head} {kind} "{title}"\n\n{indent(body)}\n'


def tabs(items: Sequence[tuple[str, str]]) -> str:
    """pymdownx.tabbed blocks: (title, body) pairs."""
    out = []
    for title, body in items:
        out.append(f'=== "{title}"\n\n{indent(body)}\n')
    return "\n".join(out)


SEVERITY_ADMONITION = {
    Severity.VIOLATION: "failure",
    Severity.WARNING: "warning",
    Severity.INFO: "info",
}


def finding_block(finding: Finding) -> str:
    """One finding, exactly as :meth:`Finding.format` writes it, in a box of its severity."""
    title = finding.severity.label.capitalize()
    body = code(finding.format())
    return admonition(SEVERITY_ADMONITION[finding.severity], title, body)


def findings_block(findings: Sequence[Finding], none: str) -> str:
    if not findings:
        return f'!!! success "{none}"\n'
    return "\n".join(finding_block(f) for f in findings)


def rule_anchor(rule_id: str) -> str:
    return rule_id.lower()


def optional_module(name: str):
    """A module of the package, or None when it is not in this version."""
    try:
        return importlib.import_module(f"ppaip_rules.{name}")
    except ModuleNotFoundError as error:
        if error.name and (error.name == f"ppaip_rules.{name}" or
                           f"ppaip_rules.{name}".startswith(error.name + ".")):
            return None
        raise


def registered_rules() -> dict[str, Rule]:
    from ppaip_rules.model import rules

    return {r.id: r for r in rules()}


def to_come(what: str) -> str:
    """The note shown where a data source is not in this version yet."""
    return f'!!! note "À venir"\n\n    {what} n\'est pas encore disponible dans cette version.\n'
