"""``ppaip-rules modele KIND``: a ready-to-fill spreadsheet for a tabular input.

    ppaip-rules modele roster > effectifs.xlsx

The workbook is generated from the input's column definitions (for the roster,
:func:`ppaip_rules.roster_template.roster_template`): one sheet per kind of row,
French headers, drop-down lists for coded columns. It is written to standard
output (redirected to a file) or to ``--output FICHIER``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import InputError


def _roster() -> bytes:
    from .roster_template import roster_template

    return roster_template()


#: Input kind → the function that writes its ``.xlsx`` template.
TEMPLATES: dict[str, Callable[[], bytes]] = {"roster": _roster}


def template(kind: str) -> bytes:
    """The ``.xlsx`` template of an input kind (``roster``)."""
    build = TEMPLATES.get(kind) if isinstance(kind, str) else None
    if build is None:
        raise InputError("KIND", "un type d'entrée parmi : " + ", ".join(TEMPLATES),
                         "pas de modèle pour ce type")
    return build()


def cmd_template(args: argparse.Namespace) -> int:
    data = template(args.kind)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError:
            raise InputError("--output", "un fichier où écrire", "écriture impossible") \
                from None
        return 0
    if sys.stdout.isatty():
        raise InputError("sortie", "une redirection vers un fichier (ppaip-rules modele "
                                   f"{args.kind} > effectifs.xlsx) ou --output FICHIER",
                         "un classeur ne s'affiche pas dans le terminal")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


def add_template_command(sub) -> None:
    """``ppaip-rules modele KIND [--output FICHIER]``."""
    p = sub.add_parser("modele", help="modèle de tableur à remplir (.xlsx), ex. "
                                      "« ppaip-rules modele roster > effectifs.xlsx »")
    p.add_argument("kind", metavar="KIND", help="type d'entrée : " + ", ".join(TEMPLATES))
    p.add_argument("--output", "-o", metavar="FICHIER",
                   help="fichier .xlsx à écrire (défaut : la sortie standard)")
    p.set_defaults(func=cmd_template)

