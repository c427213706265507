"""Reading a roster from a spreadsheet (guide « Vérifier un tableau d'effectifs »).

The whole roster of a lot fits in one sheet: each line has a type (column
« type de ligne ») and fills the columns of that type; the other columns stay
empty. The line types are in :data:`ROW_TYPES`, the columns in :data:`COLUMNS`
(header, meaning, example, line types using it; :data:`COLUMN_TABLE` gives the
(header, meaning, example) triples for the documentation). A ready-to-fill
file is shipped as ``examples/roster.modele.csv``.

A workbook (``.xlsx``, ``.ods``, read by :mod:`ppaip_rules.spreadsheet`) may instead
hold one sheet per line type (:data:`SHEETS`: Lot, Établissements, Intervenants,
Accès, Mouvements, Lieux MO, Liste des suppléants), each with only its own columns
(:func:`columns_of`); :func:`ppaip_rules.roster_template.roster_template` writes that
workbook, empty, with drop-down lists (``ppaip-rules modele roster > effectifs.xlsx``).

What the file may look like:

- CSV encoded in UTF-8, with or without BOM (Excel: « CSV UTF-8 »), or in
  Windows-1252 when the bytes are not UTF-8 (the report's notes say which);
- separator ``;`` (French Excel) or ``,``, detected from the header line;
- headers in French, case, accents and extra spaces ignored
  (``Date de debut`` is ``date de début``); columns may come in any order, and a
  column no line uses may be left out; a column « commentaire » is never read; a
  column with another header (``Nom``, ``Prénom``) is never read either, and the
  report lists it by header;
- dates ``JJ/MM/AAAA`` or ``AAAA-MM-JJ``, optionally followed by a time
  (``03/03/2025 00:00``, as Excel exports them); decimals with a comma (``17,5``)
  or a point; yes/no as ``oui``/``non`` (also ``o``/``n``, ``vrai``/``faux``, ``x``);
- lists (sites, départements) separated by spaces, commas, ``/`` or ``|``;
- facilitators, establishments and places are named by pseudonymous
  identifiers (``PSY-1``, ``MA-DIJON``), never by a person's name.

Every error names the line and the column (``ligne 12, colonne « date de
demande »``, after ``feuille « Accès »`` in a workbook) and the expected form; it
never repeats what the cell contains. All the errors of a file are raised at once
(:class:`~ppaip_rules.errors.InputErrors`, at most
:data:`~ppaip_rules.spreadsheet.MAX_ERRORS`).

The rows are read by the same readers as the JSON-like form of
:func:`ppaip_rules.staffing.read_roster` (see :func:`roster_dict_from_csv`), so both
inputs obey the same rules; :func:`read_roster_table` also keeps where each row
came from, so that ``check_roster`` gives each finding its cell (``source``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from .checks import load_json, register_kind
from .describe import BOOL, CODE, DATE, INT, NUMBER, FieldInfo, described, read
from .errors import InputError
from .roster_model import (
    AccessRequest,
    Establishment,
    Facilitator,
    Premises,
    Roster,
    StaffEvent,
    SubstituteListUpdate,
    read_roster,
    roster_schema,
)
from .spreadsheet import (
    Errors,
    Table,
    Tables,
    TabularInput,
    letters,
    position,
    read_tables,
    shown_header,
    source,
    where,
)
from .staffing import _run as _run_roster


@attrs.frozen
class Column:
    """One column of the roster sheet, as the guide documents it."""

    header: str
    meaning: str
    example: str
    row_types: tuple[str, ...]


#: The line types (value of « type de ligne ») and what one line of each describes.
ROW_TYPES: tuple[tuple[str, str], ...] = (
    ("lot", "Le lot : une seule ligne, avec son numéro et la date de démarrage du marché."),
    ("établissement", "Un établissement pénitentiaire (milieu fermé) du lot, avec son "
                      "intervenant-coordinateur (la liste des établissements est celle de "
                      "l'annexe 1 du CCTP)."),
    ("intervenant", "Un intervenant (salarié ou sous-traitant), désigné par un identifiant "
                    "pseudonyme."),
    ("accès", "La demande d'autorisation d'accès d'un intervenant à un établissement."),
    ("mouvement", "Un départ ou une absence d'intervenant, son remplacement et qui en a été "
                  "informé."),
    ("lieu MO", "Un lieu d'accueil en milieu ouvert."),
    ("liste des suppléants", "Une modification de la liste des suppléants après le "
                             "démarrage, et sa transmission à la DISP."),
)

_LOT, _EST, _FAC, _ACC, _MOV, _MO, _SUB = (t for t, _ in ROW_TYPES)

#: Per line type: the JSON section its rows fill (None: the top level) and the model of a
#: row. Its columns are the model's fields that have a spreadsheet header (describe).
_MODELS: dict[str, tuple[str | None, type]] = {
    _LOT: (None, Roster), _EST: ("establishments", Establishment),
    _FAC: ("facilitators", Facilitator), _ACC: ("access", AccessRequest),
    _MOV: ("events", StaffEvent), _MO: ("premises", Premises),
    _SUB: ("substitute_list_updates", SubstituteListUpdate),
}

#: An example cell of each column, for the guide and the template's notes.
_EXAMPLES = {
    "identifiant": "PSY-1", "département": "21", "date de début": "03/03/2025",
    "liste des suppléants transmise le": "24/02/2025", "coordinateur": "PSY-1",
    "coordonnées des intervenants actualisées le": "24/02/2025 12/05/2025",
    "fonction": "psychologue du travail", "statut": "sous-traitant", "répertoire": "RPPS",
    "numéro ADELI ou RPPS": "10000000017", "niveau de qualification": "III",
    "expérience insertion": "oui", "heures hebdomadaires": "17,5", "ETP": "0,5",
    "sites": "MA-DIJON MO-DIJON", "suppléant": "non", "casier judiciaire vierge": "oui",
    "CV transmis": "oui", "intervenant": "CIP-2", "établissement": "MA-DIJON",
    "date de demande": "20/01/2025", "date de délivrance": "17/02/2025",
    "pièce d'identité jointe": "oui", "première séance le": "20/05/2025", "nature": "départ",
    "date de fin": "16/05/2025", "remplacé par": "PSY-2", "date de remplacement": "12/05/2025",
    "DISP informée le": "22/04/2025", "SPIP informé le": "22/04/2025",
    "établissement informé le": "22/04/2025", "transport en commun": "oui",
    "normes ERP": "oui", "capacité": "6", "coordonnées transmises au SPIP": "oui",
    "coordonnées transmises à la DISP": "oui", "jours d'ouverture": "mardi jeudi",
    "horaires d'ouverture": "09:00-12:00 14:00-17:00", "liste modifiée le": "05/05/2025",
}

#: Spellings of a coded value read in a spreadsheet besides its French label and its
#: codes (old and new): the words people type.
_SPELLINGS = {
    "role": {"CIP": "insertion_adviser", "conseiller en insertion": "insertion_adviser",
             "conseiller": "insertion_adviser"},
    "employment": {"sous-traitance": "subcontractor"},
    "kind": {"changement de personnel": "departure"},
}

#: Columns that may be present and are never read.
IGNORED_HEADERS = ("commentaire", "commentaires", "remarque", "remarques")


def _normalise(text: str) -> str:
    """Compare headers and words without case, accents, hyphens or extra spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("-", " ").lower()
    return " ".join(text.split())


#: Known spellings (headers, line types, yes/no words, choices) → their key. Only these
#: are kept: a cache of every cell seen would hold a rejected file's personal values
#: for the life of the process (issue 16). Filled by :func:`_known` at import.
_KNOWN_KEYS: dict[str, str] = {}


def _known(*texts: str) -> None:
    for text in texts:
        for spelling in (text, text.lower(), text.upper(), text.capitalize()):
            _KNOWN_KEYS[spelling] = _normalise(spelling)


def _key(text: str) -> str:
    """The comparison key of a cell: from the known spellings, else computed, never kept."""
    key = _KNOWN_KEYS.get(text)
    return key if key is not None else _normalise(text)


# --- cell converters: cell text → JSON-like value --------------------------------------

class _Bad(Exception):
    """A cell that does not have the expected form (placed at its line and column later)."""

    def __init__(self, expected: str):
        self.expected = expected


Cell = Callable[[str], Any]


def _text(cell: str) -> str:
    return cell


def _int(cell: str) -> int:
    if _INT.fullmatch(cell):
        return int(cell)
    raise _Bad("un nombre entier, ex. « 6 »")


def _number(cell: str) -> float:
    if _NUMBER.fullmatch(cell):
        return float(cell.replace(",", "."))
    raise _Bad("un nombre, virgule ou point décimal, ex. « 17,5 »")


_INT = re.compile(r"[0-9]{1,9}")
_NUMBER = re.compile(r"[0-9]{1,9}([.,][0-9]{1,9})?")
#: A time after a date, as Excel exports a date cell (``03/03/2025 00:00``): the day is read.
_TIME = r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?"
_FR_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})" + _TIME)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + _TIME)


def _date(cell: str) -> str:
    """``JJ/MM/AAAA`` or ``AAAA-MM-JJ``, optionally followed by ``HH:MM`` → ISO date text."""
    french = _FR_DATE.fullmatch(cell)
    iso = None if french else _ISO_DATE.fullmatch(cell)
    match = french or iso
    try:
        if match and match[4] is not None:
            dt.time(int(match[4]), int(match[5]), int(match[6] or 0))
        if french:
            return dt.date(int(french[3]), int(french[2]), int(french[1])).isoformat()
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
    except ValueError:
        pass
    raise _Bad("une date JJ/MM/AAAA ou AAAA-MM-JJ (éventuellement suivie de l'heure HH:MM), "
               "ex. « 03/03/2025 »")


_YES = {"oui", "o", "vrai", "yes", "y", "true", "1", "x"}
_NO = {"non", "n", "faux", "no", "false", "0"}


def _bool(cell: str) -> bool:
    word = _key(cell)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _Bad("oui ou non")


def _list(cell: str) -> list[str]:
    return [item for item in re.split(r"[\s,;/|]+", cell) if item]


def _dates(cell: str) -> list[str]:
    """Dates separated by spaces, commas or semicolons (« / » belongs to a date)."""
    return [_date(item) for item in re.split(r"[\s,;|]+", cell) if item]


_RANGE = re.compile(r"([0-9]{1,2})[:hH]([0-9]{2})?-([0-9]{1,2})[:hH]([0-9]{2})?")


#: A cell that states an empty list (« aucun jour », « aucune plage »), not a missing fact.
_NONE_WORDS = ("aucun", "aucune")


def _days(cell: str) -> list[str]:
    return [] if _key(cell) in _NONE_WORDS else _list(cell)


def _ranges(cell: str) -> list[str]:
    """``09:00-12:00 14h-17h30`` → ``["09:00-12:00", "14:00-17:30"]`` (checked later);
    « aucune » states that there is none."""
    if _key(cell) in _NONE_WORDS:
        return []
    out = []
    for item in re.split(r"[\s,;|]+", cell):
        if not item:
            continue
        match = _RANGE.fullmatch(item)
        if match is None:
            raise _Bad("des plages horaires HH:MM-HH:MM séparées par des espaces, "
                       "ex. « 09:00-12:00 14:00-17:00 »")
        h1, m1, h2, m2 = match.groups()
        out.append(f"{int(h1):02d}:{m1 or '00'}-{int(h2):02d}:{m2 or '00'}")
    return out


def _choice(labels: dict[str, str], shown: tuple[str, ...]) -> Cell:
    _known(*labels)
    table = {_key(label): code for label, code in labels.items()}
    listed = ", ".join(shown)

    def convert(cell: str) -> str:
        code = table.get(_key(cell))
        if code is None:
            raise _Bad(f"une valeur parmi : {listed}")
        return code
    return convert


#: Cells of a list column that say so (« aucun jour »): read by their own converter.
_SPECIAL: dict[str, Cell] = {"opening_days": _days, "opening_hours": _ranges}


def _cell(name: str, info: FieldInfo) -> Cell:
    """How a cell of a described field is read: its text → the JSON-like value the model's
    reader takes (French yes/no, decimal comma, dates JJ/MM/AAAA, French code labels)."""
    if name in _SPECIAL:
        return _SPECIAL[name]
    if info.many:
        return _dates if info.kind == DATE else _list
    if info.kind == CODE:
        assert info.codes is not None
        labels = info.codes.of(None)
        return _choice({**{label: code for code, label in labels.items()},
                        **{code: code for code in labels}, **info.codes.aliases,
                        **_SPELLINGS.get(name, {})}, shown=tuple(labels.values()))
    if info.kind == INT and info.words is None:
        return _int
    return {DATE: _date, BOOL: _bool, NUMBER: _number}.get(info.kind, _text)


def _columns_of_model(model: type) -> dict[str, tuple[str, Cell]]:
    return {info.header: (name, _cell(name, info)) for name, info in described(model)
            if info.header is not None}


#: Per line type: the JSON section it fills (None: the top level) and header → (field, cell).
_LAYOUT: dict[str, tuple[str | None, dict[str, tuple[str, Cell]]]] = {
    row_type: (section, _columns_of_model(model))
    for row_type, (section, model) in _MODELS.items()}


def _meaning(header: str) -> str:
    parts = []
    for row_type, (_, model) in _MODELS.items():
        for _name, info in described(model):
            if info.header == header:
                what = info.label + (f" ({info.description})" if info.description else "")
                parts.append(f"{row_type[:1].upper()}{row_type[1:]} : {what}.")
    return " ".join(parts)


#: The columns of the sheet, from the models' description: « type de ligne », then every
#: header in the order of the line types and of their fields.
COLUMNS: tuple[Column, ...] = (
    Column("type de ligne", "Nature de la ligne : " + ", ".join(t for t, _ in ROW_TYPES) + ".",
           "intervenant", ()),
    *(Column(header, _meaning(header), _EXAMPLES.get(header, ""),
             tuple(t for t, (_, cells) in _LAYOUT.items() if header in cells))
      for header in dict.fromkeys(h for _, cells in _LAYOUT.values() for h in cells)),
)

#: (header, meaning, example) of every column, for the guide.
COLUMN_TABLE: tuple[tuple[str, str, str], ...] = tuple(
    (c.header, c.meaning, c.example) for c in COLUMNS)

_known(*(c.header for c in COLUMNS), *IGNORED_HEADERS, *(t for t, _ in ROW_TYPES),
       *_YES, *_NO, *_NONE_WORDS)
_TYPE_HEADER = COLUMNS[0].header
_HEADERS = {_key(c.header): c.header for c in COLUMNS}
_ROW_TYPE_KEYS = {_key(t): t for t, _ in ROW_TYPES}
_TYPES_SHOWN = ", ".join(t for t, _ in ROW_TYPES)
#: JSON section → line type, and (line type, JSON field) → header, to place JSON errors.
_SECTION_TYPE = {section: row_type for row_type, (section, _) in _LAYOUT.items()}
_FIELD_HEADER = {(row_type, field): header for row_type, (_, cells) in _LAYOUT.items()
                 for header, (field, _) in cells.items()}

FILE = "fichier CSV"

#: The sheet of each line type in a workbook: one sheet per kind of row, each with only
#: its own columns (:func:`columns_of`). A sheet is also recognised by its line type's name.
SHEETS: dict[str, str] = {
    _LOT: "Lot", _EST: "Établissements", _FAC: "Intervenants", _ACC: "Accès",
    _MOV: "Mouvements", _MO: "Lieux MO", _SUB: "Liste des suppléants",
}
_known(*SHEETS.values())
_SHEET_TYPES = {**{_key(t): t for t in SHEETS}, **{_key(n): t for t, n in SHEETS.items()}}

#: At most this many ignored headers are listed in a note (then « et N autres »).
MAX_IGNORED_LISTED = 20


def columns_of(row_type: str) -> tuple[Column, ...]:
    """The columns of one line type, in the order of :data:`COLUMNS` (a sheet's headers)."""
    return tuple(c for c in COLUMNS if row_type in c.row_types)


#: Per line type: the reader of one item (the model's own, from its description), to
#: report every bad row at once.
_ITEM_READERS: dict[str, Callable[[Any, str], Any]] = {
    row_type: (lambda item, _path, model=model: read(model, item))
    for row_type, (_, model) in _MODELS.items()}


def _at(line: int, header: str) -> str:
    return f"ligne {line}, colonne « {header} »"


@attrs.define
class _Sheet:
    """The JSON-like roster being built, where each item came from, and reading notes."""

    data: dict = attrs.field(factory=dict)
    #: JSON section → (sheet name or None, line) of each of its items.
    lines: dict[str, list[tuple[str | None, int]]] = attrs.field(factory=dict)
    lot: tuple[str | None, int] | None = None
    #: Line type → its sheet's name (workbook with one sheet per kind of row).
    sheets: dict[str, str] = attrs.field(factory=dict)
    notes: list[str] = attrs.field(factory=list)
    #: The rows read as models (the lot line as a Roster of its own fields), by section.
    models: dict[str | None, list[Any]] = attrs.field(factory=dict)

    def roster(self) -> Roster:
        """The roster of the rows read (its references checked), without reading them again.

        A reference error (an unknown site, a duplicate identifier…) is placed at its cell
        and set aside (the row, or the one reference, left out), so that the next ones are
        found too: all of them are raised at once.
        """
        lot = self.models[None][0]
        models = {section: list(items) for section, items in self.models.items()
                  if section is not None}
        current = attrs.evolve(self, lines={s: list(v) for s, v in self.lines.items()})
        errors = Errors()
        for _ in range(sum(map(len, models.values())) + 1):
            try:
                roster = attrs.evolve(lot, **{s: tuple(v) for s, v in models.items()})
            except InputError as error:
                errors.add(_place(error, current))
                if not _set_aside(error.path, models, current.lines):
                    break
            else:
                errors.raise_any()
                return roster
        errors.raise_any()
        raise AssertionError("unreachable: a reference error was recorded")

    @property
    def lot_line(self) -> int | None:
        return self.lot[1] if self.lot else None

    def locate(self, path: str | None) -> dict | None:
        """The spreadsheet cell (``{feuille?, ligne, colonne?}``) of a roster field path."""
        match = _JSON_PATH.match(path or "")
        if match is None:
            return None
        name, index, field = match.groups()
        row_type = _SECTION_TYPE.get(name)
        if row_type is None or row_type == _LOT:          # a top-level field: the lot line
            if self.lot is None:
                return None
            sheet, line = self.lot
            return source(line, _FIELD_HEADER.get((_LOT, name)), sheet)
        rows = self.lines.get(name, ())
        if index is None or int(index) >= len(rows):
            sheet = self.sheets.get(row_type)
            return source(None, None, sheet) if sheet else None
        sheet, line = rows[int(index)]
        return source(line, _FIELD_HEADER.get((row_type, field)) if field else None, sheet)


_ITEM_PATH = re.compile(r"^([a-z_]+)\[(\d+)\](?:\.([a-z_]+)(?:\[(\d+)\])?)?")


def _set_aside(path: str, models: dict, lines: dict) -> bool:
    """Leave out what a reference error names (one site of a facilitator, a coordinator,
    else the whole row) so that the roster can be checked for the next error."""
    match = _ITEM_PATH.match(path)
    if match is None:
        return False
    section, index, field, sub = match[1], int(match[2]), match[3], match[4]
    items = models.get(section)
    if items is None or index >= len(items):
        return False
    item = items[index]
    if section == "facilitators" and field == "sites" and sub is not None:
        items[index] = attrs.evolve(item, sites=tuple(
            site for k, site in enumerate(item.sites) if k != int(sub)))
    elif section == "establishments" and field == "coordinator":
        items[index] = attrs.evolve(item, coordinator=None)
    else:
        del items[index]
        del lines[section][index]
    return True


def _error(expected: str, problem: str | None, line: int | None, header: str | None,
           sheet: str | None) -> InputError:
    return InputError(where(line, header, sheet), expected, problem,
                      source=source(line, header, sheet))


def _position_error(expected: str, problem: str, line: int, index: int,
                    sheet: str | None) -> InputError:
    prefix = f"{where(None, None, sheet)}, " if sheet else ""
    return InputError(f"{prefix}ligne {line}, colonne {position(index)}", expected, problem,
                      source={**source(line, None, sheet), "colonne": letters(index + 1)})


def _close_header(header: str) -> str:
    """`` (en-tête voisin : « date de demande »)`` for a near miss of a known header."""
    close = difflib.get_close_matches(_key(header), list(_HEADERS), n=1, cutoff=0.85)
    return f" (en-tête voisin : « {_HEADERS[close[0]]} »)" if close else ""


def _ignored_note(headers: list[str], sheet: str | None) -> str:
    shown = [f"« {shown_header(h)} »{_close_header(h)}" for h in headers[:MAX_IGNORED_LISTED]]
    more = len(headers) - MAX_IGNORED_LISTED
    if more > 0:
        shown.append(f"et {more} autre(s)")
    where_ = f"feuille « {shown_header(sheet)} » : " if sheet else ""
    return f"{where_}colonne(s) ignorée(s), jamais lue(s) : {', '.join(shown)}."


def _header(line: int, cells: list[str], sheet: str | None, fixed: str | None,
            errors: Errors, notes: list[str]) -> list[str | None] | None:
    """The canonical header of each column: None for an ignored column, "" for a column
    without header; None for the whole when the header cannot be read."""
    layout = _LAYOUT[fixed][1] if fixed else None
    columns: list[str | None] = []
    seen: set[str] = set()
    ignored: list[str] = []
    for i, cell in enumerate(cells):
        key = _key(cell)
        if not key:
            columns.append("")
            continue
        header = _HEADERS.get(key)
        if key in IGNORED_HEADERS or (fixed and header == _TYPE_HEADER):
            columns.append(None)
            continue
        if header is None or (layout is not None and header not in layout):
            ignored.append(cell)
            columns.append(None)
            continue
        if header in seen:
            errors.add(_position_error("chaque en-tête une seule fois", "en-tête en double",
                                       line, i, sheet))
            columns.append(None)
            continue
        seen.add(header)
        columns.append(header)
    if ignored:
        notes.append(_ignored_note(ignored, sheet))
    if fixed is None and _TYPE_HEADER not in seen:
        errors.add(_error(f"une colonne « {_TYPE_HEADER} » dans l'en-tête (première ligne non "
                          "vide)" + (", ou une feuille par type de ligne : " + ", ".join(
                              SHEETS.values()) if sheet else ""),
                          "colonne manquante", line, None, sheet))
        return None
    return columns


def _plan(columns: list[str | None], layout: dict[str, tuple[str, Cell]]):
    """For one line type: the columns it reads, and those that must stay empty."""
    used, unused = [], []
    for i, header in enumerate(columns):
        if header is None or header == _TYPE_HEADER:
            continue
        if header in layout:
            used.append((i, header, *layout[header]))
        else:
            unused.append(i)
    return used, unused


def _item_error(error: InputError, row_type: str, line: int, sheet: str | None) -> InputError:
    """An error of one row's item (path relative to the item) placed at its cell."""
    match = _JSON_PATH.match(error.path)
    field = match[1] if match else None
    header = _FIELD_HEADER.get((row_type, field)) if field else None
    return _error(error.expected, error.problem, line, header, sheet)


def _read_table(table: Table, fixed: str | None, state: _Sheet, errors: Errors) -> None:
    """Read the rows of one sheet (``fixed``: its line type; None: the « type de ligne »
    column gives each row's type) into ``state``; errors are gathered, not raised."""
    sheet = table.name
    if not table.rows:
        return
    header_line, header_cells = table.rows[0]
    columns = _header(header_line, header_cells, sheet, fixed, errors, state.notes)
    if columns is None:
        return
    width = len(columns)
    type_index = None if fixed else columns.index(_TYPE_HEADER)
    plans = {row_type: _plan(columns, layout) for row_type, (_, layout) in _LAYOUT.items()}
    for line, cells in table.rows[1:]:
        bad = False
        if len(cells) > width:
            extra = [i for i in range(width, len(cells)) if cells[i]]
            if extra:
                errors.add(_position_error("des cellules sous un en-tête", "cellule au-delà de "
                                           "la dernière colonne", line, extra[0], sheet))
                bad = True
        else:
            cells = cells + [""] * (width - len(cells))
        row_type = fixed or _ROW_TYPE_KEYS.get(_key(cells[type_index]))
        if row_type is None:
            errors.add(_error(f"un type de ligne parmi : {_TYPES_SHOWN}",
                              "type de ligne manquant ou inconnu", line, _TYPE_HEADER, sheet))
            continue
        used, unused = plans[row_type]
        for i in unused:
            if cells[i]:
                header = columns[i]
                expected = ("une cellule vide (cette colonne ne sert pas aux lignes de type "
                            f"« {row_type} »)")
                errors.add(_error(expected, "cellule remplie", line, header, sheet) if header
                           else _position_error(expected, "cellule remplie", line, i, sheet))
                bad = True
        item: dict[str, Any] = {}
        for i, header, field, convert in used:
            if cells[i]:
                try:
                    item[field] = convert(cells[i])
                except _Bad as wrong:
                    errors.add(_error(wrong.expected, None, line, header, sheet))
                    bad = True
        section = _LAYOUT[row_type][0]
        if section is None and state.lot is not None:
            errors.add(_error("une seule ligne de type « lot »", "ligne « lot » en double", line,
                              None if fixed else _TYPE_HEADER, sheet))
            continue
        if not bad:
            try:
                state.models.setdefault(section, []).append(_ITEM_READERS[row_type](item, ""))
            except InputError as error:
                errors.add(_item_error(error, row_type, line, sheet))
        if section is None:
            state.lot = (sheet, line)
            state.data.update(item)
        else:
            state.data.setdefault(section, []).append(item)
            state.lines.setdefault(section, []).append((sheet, line))


def _layout(tables: Tables, notes: list[str]) -> list[tuple[Table, str | None]]:
    """Which sheets to read, and the line type of each (None: the one-sheet layout)."""
    if not tables.is_workbook:
        return [(tables.tables[0], None)]
    typed = [(t, _SHEET_TYPES.get(_key(t.name or ""))) for t in tables.tables]
    chosen = [(t, row_type) for t, row_type in typed if row_type]
    if not chosen:                      # the one-sheet layout of the CSV file
        chosen = [next(((t, None) for t in tables.tables if t.rows), (tables.tables[0], None))]
    skipped = [t.name for t in tables.tables if t.rows and all(t is not c for c, _ in chosen)]
    if skipped:
        notes.append("feuille(s) ignorée(s), jamais lue(s) : " + ", ".join(
            f"« {shown_header(n or '')} »" for n in skipped) + ".")
    return chosen


def roster_dict_from_csv(raw: bytes) -> tuple[dict, _Sheet]:
    """The JSON-like roster of a CSV file or a workbook (``.xlsx``, ``.ods``), and where
    each item came from; every error of the file at once (:class:`InputErrors`)."""
    tables = read_tables(raw)
    state = _Sheet()
    state.notes.append(tables.note())
    chosen = _layout(tables, state.notes)
    if not any(t.rows for t, _ in chosen):
        raise InputError(FILE if not tables.is_workbook else "classeur",
                         "un en-tête de colonnes puis des lignes", "aucune cellule remplie")
    errors = Errors()
    for table, row_type in chosen:
        if row_type and table.name:
            state.sheets[row_type] = table.name
        _read_table(table, row_type, state, errors)
    if state.lot is None and not errors.items:
        if tables.is_workbook and any(row_type for _, row_type in chosen):
            errors.add(_error("une feuille « Lot » avec une ligne (numéro du lot, date de "
                              "démarrage du marché)", "ligne « lot » manquante", None, None,
                              SHEETS[_LOT]))
        else:
            errors.add(InputError(f"colonne « {_TYPE_HEADER} »", "une ligne de type « lot » "
                                  "(numéro du lot, date de démarrage du marché)",
                                  "ligne « lot » manquante"))
    errors.raise_any()
    return state.data, state


#: Reading a roster from any spreadsheet file (CSV, .xlsx, .ods) is the same function.
roster_dict_from_table = roster_dict_from_csv

_JSON_PATH = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?")


def _place(error: InputError, sheet: _Sheet) -> InputError:
    """A JSON-path error (``events[3].replaced_by``) placed at its line and column."""
    match = _JSON_PATH.match(error.path)
    if match is None:
        return error
    name, index, _ = match.groups()
    row_type = _SECTION_TYPE.get(name)
    at = sheet.locate(error.path)
    if row_type not in (None, _LOT) and (index is None or not at or "ligne" not in at):
        return InputError(f"lignes de type « {row_type} »", error.expected, error.problem,
                          source=at)
    if not at:
        return error
    return InputError(where(at.get("ligne"), at.get("colonne"), at.get("feuille")),
                      error.expected, error.problem, source=at)


def _bytes(source: bytes | str | Path) -> bytes:
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except (OSError, ValueError):
            raise InputError(FILE, "un fichier lisible", "fichier introuvable ou illisible") \
                from None
    return source


def read_roster_table(source: bytes | str | Path) -> TabularInput:
    """A roster read from a spreadsheet file (CSV, ``.xlsx``, ``.ods``; bytes or path),
    with where each item came from and notes on the reading.

    ``check_roster`` takes it as is: each finding then carries its ``source`` (sheet,
    line, column) and the report its notes (encoding read, columns ignored).
    """
    _, sheet = roster_dict_from_csv(_bytes(source))
    return TabularInput(sheet.roster(), sheet.locate, sheet.notes)


def read_roster_csv(source: bytes | str | Path) -> Roster:
    """A :class:`~ppaip_rules.staffing.Roster` from a spreadsheet file's bytes or path:
    CSV (UTF-8 or Windows-1252), ``.xlsx`` or ``.ods``.

    Any problem is an :class:`InputError` naming the line and the column; several
    problems, an :class:`~ppaip_rules.errors.InputErrors` listing them all (at most
    :data:`~ppaip_rules.spreadsheet.MAX_ERRORS`).
    """
    return read_roster_table(source).data


# --- the "roster" check kind: a roster file, JSON or a spreadsheet --------------------
# Registered here, above staffing (the models and rules) and this module (the
# spreadsheet format), so that staffing never imports the spreadsheet layer.

def load_roster(raw: bytes, filename: str = "-") -> Any:
    """A roster file's content: JSON (``.json``), else a spreadsheet (CSV, ``.xlsx``, ``.ods``)."""
    name = filename.lower()
    if name.endswith(".json"):
        return load_json(raw, filename)
    if not name.endswith(".csv") and raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return load_json(raw, filename)
    return read_roster_table(raw)


def read_roster_file(path: str | Path) -> Roster:
    """A roster from a ``.json`` file or a spreadsheet (``.csv``, ``.xlsx``, ``.ods``)."""
    try:
        raw = Path(path).read_bytes()
    except (OSError, TypeError, ValueError):
        raise InputError("fichier", "un fichier lisible", "fichier introuvable ou illisible") \
            from None
    return read_roster(load_roster(raw, Path(path).name))


register_kind("roster", "Tableau des effectifs : moyens humains et locaux (CCTP 6.7, 6.8)",
              _run_roster, roster_schema,
              options=("as_of", "basis", "access_lead_from", "share_counts"), load=load_roster)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
