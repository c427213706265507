"""Reading tabular inputs: a CSV export, an ``.xlsx`` or an ``.ods`` workbook.

Any tabular input (today the roster, :mod:`ppaip_rules.roster_csv`) is read in
two steps: :func:`read_tables` turns the file's bytes into :class:`Table` objects
(one per sheet; one for a CSV file) of text cells, each row with the line number
the spreadsheet shows; then the input's own reader turns the cells into its
JSON-like form, gathering every error of the file (:class:`Errors`, at most
:data:`MAX_ERRORS`) and recording where each item came from, so that its
findings can point to their row and column (:class:`TabularInput`).

- CSV: UTF-8 with or without BOM; when the bytes are not valid UTF-8,
  Windows-1252 (cp1252, French Excel's « CSV (séparateur : point-virgule) »);
  the report says which encoding was read. Separator ``;`` or ``,``.
- Workbooks are read with python-calamine (optional extra ``tableur``), which
  reads both ``.xlsx`` and ``.ods`` and is fast (Rust): dates become
  ``JJ/MM/AAAA`` (``JJ/MM/AAAA HH:MM`` with a time), yes/no cells ``oui``/``non``,
  whole numbers lose their ``.0``.

Nothing here keeps or echoes a cell's value; headers, which are not personal data,
are shown only through :func:`shown_header` (no control characters, capped length).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from typing import Any

import attrs

from .errors import InputError, InputErrors
from .model import Report

#: At most this many input errors of one file are gathered before the reading stops.
MAX_ERRORS = 50
#: A header longer than this is shown cut (its reading is not affected).
MAX_HEADER_SHOWN = 40
#: Workbook size limits: rows, columns and cells of one sheet.
MAX_ROWS, MAX_COLUMNS, MAX_CELLS = 200_000, 500, 5_000_000

FILE = "fichier"


@attrs.frozen
class Table:
    """One sheet: its name (None for a CSV file) and its non-blank rows.

    ``rows`` holds ``(line, cells)`` with ``line`` the row number the spreadsheet
    shows (1 for the first) and every cell as stripped text.
    """

    name: str | None
    rows: tuple[tuple[int, list[str]], ...] = attrs.field(converter=tuple, repr=False)


@attrs.frozen
class Tables:
    """A file read: its format (``csv``, ``xlsx``, ``ods``), its sheets, and notes."""

    format: str
    tables: tuple[Table, ...]
    encoding: str | None = None

    @property
    def is_workbook(self) -> bool:
        return self.format != "csv"

    def note(self) -> str:
        if self.format == "csv":
            return f"fichier CSV lu en {self.encoding}."
        names = ", ".join(f"« {shown_header(t.name or '')} »" for t in self.tables)
        return f"classeur .{self.format} lu (feuilles : {names})."


# --- errors -------------------------------------------------------------------------

class Errors:
    """The input errors of one file, gathered up to :data:`MAX_ERRORS`."""

    def __init__(self, cap: int = MAX_ERRORS):
        self.cap = cap
        self.items: list[InputError] = []

    def add(self, error: InputError) -> None:
        if isinstance(error, InputErrors):
            for item in error.errors:
                self.add(item)
            return
        self.items.append(error)
        if len(self.items) >= self.cap:
            raise InputErrors(self.items, truncated=True)

    def raise_any(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise InputErrors(self.items)


def source(line: int | None, column: str | None = None, sheet: str | None = None) -> dict:
    """The ``source`` of an error or finding: ``{feuille?, ligne?, colonne?}``."""
    out: dict[str, Any] = {}
    if sheet is not None:
        out["feuille"] = shown_header(sheet)
    if line is not None:
        out["ligne"] = line
    if column is not None:
        out["colonne"] = column
    return out


def where(line: int | None, column: str | None = None, sheet: str | None = None) -> str:
    """``feuille « Intervenants », ligne 12, colonne « fonction »`` (parts given only)."""
    from .model import source_text

    return source_text(source(line, column, sheet))


def letters(n: int) -> str:
    """Spreadsheet column letters: 1 → A, 27 → AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def position(index: int) -> str:
    """A column named by its position: ``3 (C)`` for index 2."""
    return f"{index + 1} ({letters(index + 1)})"


_SHOWN_OK = re.compile(r"[\w '’().,/°%#&+-]*")


def shown_header(text: str) -> str:
    """A header (or sheet name) fit to be shown: odd characters replaced, length capped."""
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in str(text))
    text = " ".join(text.split())
    if not _SHOWN_OK.fullmatch(text):
        text = "".join(c if _SHOWN_OK.fullmatch(c) else "?" for c in text)
    if len(text) > MAX_HEADER_SHOWN:
        text = text[:MAX_HEADER_SHOWN - 1] + "…"
    return text


# --- bytes → tables -----------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"


def sniff(raw: bytes) -> str:
    """``xlsx``, ``ods`` or ``csv`` from the file's first bytes (never from its name)."""
    if raw[:4] == _ZIP:
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "mimetype" in names and archive.read("mimetype").strip() == (
                        b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
        except Exception:       # a damaged, encrypted or unusual archive: not a workbook
            pass
        raise InputError(FILE, "un classeur .xlsx ou .ods, ou un fichier CSV",
                         "archive ZIP qui n'est pas un classeur")
    if raw[:4] == _OLE:
        raise InputError(FILE, "un classeur .xlsx ou .ods (Excel : Enregistrer sous → "
                               "« Classeur Excel (.xlsx) »), ou un fichier CSV",
                         "ancien format Excel .xls")
    return "csv"


def read_tables(raw: bytes) -> Tables:
    """The sheets of a CSV file, an ``.xlsx`` or an ``.ods`` workbook (sniffed)."""
    if not isinstance(raw, (bytes, bytearray)):
        raise InputError(FILE, "le contenu du fichier en octets (bytes) ou un chemin")
    raw = bytes(raw)
    kind = sniff(raw)
    if kind == "csv":
        text, encoding = decode(raw)
        return Tables("csv", (Table(None, csv_rows(text)),), encoding)
    return Tables(kind, _workbook_tables(raw, kind))


UTF8, CP1252 = "UTF-8", "Windows-1252 (cp1252)"


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding read: UTF-8 (BOM or not), else cp1252."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(FILE, "un fichier encodé en UTF-8 ou Windows-1252 (Excel : "
                               "Enregistrer sous → « CSV UTF-8 »)", "fichier encodé en UTF-16")
    try:
        text, encoding = raw.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError:
        try:
            text, encoding = raw.decode("cp1252"), CP1252
        except UnicodeDecodeError as error:
            line = raw[:error.start].count(b"\n") + 1
            raise InputError(f"ligne {line}", "un fichier encodé en UTF-8 ou Windows-1252 "
                             "(Excel : Enregistrer sous → « CSV UTF-8 »)",
                             "caractère illisible en UTF-8 comme en Windows-1252") from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise InputError(f"ligne {line}", "un fichier texte CSV", "caractère nul")
    if not text.strip():
        raise InputError(FILE, "un en-tête de colonnes puis des lignes", "fichier vide")
    return text, encoding


def _separator(text: str) -> str:
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip())
    semicolons, commas = lines[number].count(";"), lines[number].count(",")
    if not semicolons and not commas:
        raise InputError(f"ligne {number + 1}", "des colonnes séparées par « ; » ou « , »",
                         "aucun séparateur trouvé")
    return ";" if semicolons >= commas else ","


def csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank record; a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            cells = [cell.strip() if cell else cell for cell in cells]
            if any(cells):
                rows.append((start, cells))
    except csv.Error:
        raise InputError(f"ligne {last + 1}", "des cellules bien délimitées (guillemets "
                         "appariés, moins de 128 000 caractères)", "ligne CSV illisible") \
            from None
    return rows


def _calamine():
    try:
        import python_calamine
    except ImportError:
        raise InputError(FILE, "un fichier CSV, ou l'extension « tableur » installée pour "
                               "lire les classeurs (pip install 'ppaip-rules[tableur]')",
                         "lecture des classeurs .xlsx et .ods non installée") from None
    return python_calamine


def _workbook_tables(raw: bytes, kind: str) -> tuple[Table, ...]:
    calamine = _calamine()
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        tables = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            height, width = sheet.end or (0, 0)
            if height >= MAX_ROWS or width >= MAX_COLUMNS or (
                    (height + 1) * (width + 1) > MAX_CELLS):
                raise InputError(f"feuille « {shown_header(name)} »",
                                 f"au plus {MAX_ROWS} lignes, {MAX_COLUMNS} colonnes et "
                                 f"{MAX_CELLS} cellules", "feuille trop grande")
            rows = []
            for number, values in enumerate(sheet.to_python(skip_empty_area=False), 1):
                cells = [cell_text(v) for v in values]
                if any(cells):
                    rows.append((number, cells))
            tables.append(Table(str(name), rows))
    except (InputError, KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:   # calamine's own errors (a Rust panic is a BaseException): a
        # damaged or password-protected workbook
        raise InputError(FILE, f"un classeur .{kind} lisible (ni endommagé ni protégé par "
                               "mot de passe)", "classeur illisible") from None
    return tuple(tables)


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        text = value.strftime("%d/%m/%Y")
        return text if value.time() == dt.time() else f"{text} {value:%H:%M}"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return str(value).strip()


# --- a tabular input, read -------------------------------------------------------------

@attrs.frozen
class TabularInput:
    """A tabular input read: its data (JSON-like or a model), where its items came from,
    and notes on the reading (encoding, columns ignored).

    ``locate(path)`` gives the :func:`source` of a finding's field path, or None.
    :meth:`place` adds both to a report.
    """

    data: Any = attrs.field(repr=False)
    locate: Callable[[str], dict | None] = attrs.field(repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def place(self, report: Report) -> Report:
        findings = tuple(
            attrs.evolve(f, source=self.locate(f.path)) if f.path and f.source is None else f
            for f in report.findings)
        return attrs.evolve(report, findings=findings, notes=(*report.notes, *self.notes))


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
