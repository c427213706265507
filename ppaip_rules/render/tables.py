"""Findings one per row, for a spreadsheet: CSV (standard library) and XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..errors import InputError
from ..frenchtext import format_value
from ..model import Finding, Report

HEADERS = ("règle", "clause", "gravité", "titre", "constat", "champ", "attendu", "constaté",
           "calcul", "information manquante")

#: First characters that make a spreadsheet read a cell as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def report_of(result: Any) -> Report:
    """The findings' report of any result (a Report, or an object carrying one)."""
    return result if isinstance(result, Report) else result.report


def finding_row(f: Finding) -> list[str]:
    def text(value: Any) -> str:
        return "" if value is None else format_value(value)

    cells = [f.rule_id, f.clause, f.severity.label, f.title, f.message, f.path or "",
             text(f.expected), text(f.found), " ; ".join(f.trace), "oui" if f.missing else ""]
    return [neutralise(c) for c in cells]


def rows(result: Any) -> list[list[str]]:
    return [finding_row(f) for f in report_of(result).findings]


def findings_csv(result: Any, stamp: Any) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows(result))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def findings_xlsx(result: Any, stamp: Any) -> bytes:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise InputError("--format", "un format disponible : le format xlsx demande le "
                                     "complément « xlsx » (pip install 'ppaip-rules[xlsx]')",
                         "openpyxl absent") from None
    report = report_of(result)
    data = rows(result)
    # Write-only: rows are streamed (a 2,000-finding report in a fraction of a second).
    # Every cell is text: a neutralised value never starts with "=", so openpyxl never
    # writes a formula.
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Constats")
    for i, width in enumerate((22, 14, 14, 40, 70, 24, 30, 30, 60, 12), 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(data) + 1}"
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in data:
        sheet.append(row)
    summary = book.create_sheet("Résumé")
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 90
    lines = [("Bibliothèque", f"ppaip-rules {stamp.version}"), ("Paramètres", stamp.parameters),
             ("Situation au", stamp.as_of or "—"), ("Contrôle", report.subject),
             ("Verdict", report.verdict),
             ("Violations", str(len(report.violations))),
             ("Avertissements", str(len(report.warnings))),
             ("Informations", str(len(report.findings) - len(report.violations)
                                  - len(report.warnings))),
             ("Règles vérifiées", ", ".join(report.checked))]
    lines.extend(report.figures)
    for label, value in lines:
        summary.append([neutralise(label), neutralise(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
