"""Reading a roster from a spreadsheet's CSV export (guide « Vérifier un tableau d'effectifs »).

The whole roster of a lot fits in one sheet: each line has a type (column
« type de ligne ») and fills the columns of that type; the other columns stay
empty. The line types are in :data:`ROW_TYPES`, the columns in :data:`COLUMNS`
(header, meaning, example, line types using it; :data:`COLUMN_TABLE` gives the
(header, meaning, example) triples for the documentation). A ready-to-fill
file is shipped as ``examples/roster.modele.csv``.

What the file may look like:

- encoding UTF-8, with or without BOM (Excel: « CSV UTF-8 ») — any other
  encoding is refused with a hint, never guessed;
- separator ``;`` (French Excel) or ``,``, detected from the header line;
- headers in French, case, accents and extra spaces ignored
  (``Date de debut`` is ``date de début``); a column « commentaire » is
  allowed and never read; columns may come in any order, and a column no line
  uses may be left out;
- dates ``JJ/MM/AAAA`` or ``AAAA-MM-JJ``; decimals with a comma (``17,5``) or
  a point; yes/no as ``oui``/``non`` (also ``o``/``n``, ``vrai``/``faux``, ``x``);
- lists (sites, départements) separated by spaces, commas, ``/`` or ``|``;
- facilitators, establishments and places are named by pseudonymous
  identifiers (``PSY-1``, ``MA-DIJON``), never by a person's name.

Every error names the line and the column (``ligne 12, colonne « date de
demande »``) and the expected form; it never repeats what the cell contains.

The file is turned into the JSON-like form of :func:`ppaip_rules.staffing.read_roster`
(see :func:`roster_dict_from_csv`), so both inputs obey the same rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from .checks import load_json, register_kind
from .errors import InputError
from .staffing import (
    ADVISER,
    DEPARTURE,
    PLANNED_ABSENCE,
    PROLONGED_ABSENCE,
    PSYCHOLOGIST,
    SHORT_ABSENCE,
    Roster,
    read_roster,
    roster_schema,
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

COLUMNS: tuple[Column, ...] = (
    Column("type de ligne", "Nature de la ligne : lot, établissement, intervenant, accès, "
           "mouvement, lieu MO ou liste des suppléants.", "intervenant", ()),
    Column("identifiant", "Lot : numéro du lot. Autres lignes : identifiant pseudonyme de "
           "l'établissement, de l'intervenant ou du lieu (lettres sans accent, chiffres, - _ .).",
           "PSY-1", (_LOT, _EST, _FAC, _MO)),
    Column("département", "Établissement, lieu MO : code du département. Lot (facultatif) : "
           "départements du lot, si ce ne sont pas ceux de ses SPIP.", "21", (_LOT, _EST, _MO)),
    Column("date de début", "Lot : démarrage du marché. Intervenant : début de son intervention "
           "(vide : dès le démarrage). Mouvement : jour du départ ou premier jour d'absence.",
           "03/03/2025", (_LOT, _FAC, _MOV)),
    Column("liste des suppléants transmise le", "Lot : date de transmission à la DISP de la "
           "liste des suppléants désignés en début de marché. Liste des suppléants : date de "
           "transmission de la liste modifiée.", "24/02/2025", (_LOT, _SUB)),
    Column("coordinateur", "Établissement : identifiant de l'intervenant-coordinateur.",
           "PSY-1", (_EST,)),
    Column("fonction", "Intervenant : psychologue du travail, ou conseiller en insertion "
           "professionnelle (CIP).", "psychologue du travail", (_FAC,)),
    Column("statut", "Intervenant : salarié ou sous-traitant.", "sous-traitant", (_FAC,)),
    Column("répertoire", "Psychologue : ADELI ou RPPS (vide : déduit du nombre de chiffres).",
           "RPPS", (_FAC,)),
    Column("numéro ADELI ou RPPS", "Psychologue : numéro d'inscription (9 chiffres ADELI, 11 "
           "RPPS) ; mettre la colonne au format texte pour garder les zéros initiaux.",
           "10000000017", (_FAC,)),
    Column("niveau de qualification", "Intervenant non psychologue : niveau 3 à 8, ou ancien "
           "niveau V à I (III = 5, bac+2).", "III", (_FAC,)),
    Column("expérience insertion", "Intervenant non psychologue : expérience dans l'animation "
           "de prestations d'orientation ou d'insertion (oui/non).", "oui", (_FAC,)),
    Column("heures hebdomadaires", "Intervenant : heures par semaine sur le marché (pour la "
           "part de psychologues calculée en heures).", "17,5", (_FAC,)),
    Column("ETP", "Intervenant : équivalent temps plein (pour la part calculée en ETP).",
           "0,5", (_FAC,)),
    Column("sites", "Intervenant : identifiants des établissements et lieux MO où il "
           "intervient, séparés par des espaces.", "MA-DIJON MO-DIJON", (_FAC,)),
    Column("suppléant", "Intervenant : désigné suppléant (oui/non).", "non", (_FAC,)),
    Column("casier judiciaire vierge", "Intervenant : casier judiciaire vierge attesté "
           "(oui/non).", "oui", (_FAC,)),
    Column("CV transmis", "Intervenant : CV détaillé transmis à la DISP avec le mémoire "
           "technique (oui/non).", "oui", (_FAC,)),
    Column("intervenant", "Accès, mouvement : identifiant de l'intervenant concerné.",
           "CIP-2", (_ACC, _MOV)),
    Column("établissement", "Accès : identifiant de l'établissement demandé.", "MA-DIJON",
           (_ACC,)),
    Column("date de demande", "Accès : dépôt de la demande d'autorisation d'accès.",
           "20/01/2025", (_ACC,)),
    Column("date de délivrance", "Accès : délivrance de l'autorisation (vide : pas encore).",
           "17/02/2025", (_ACC,)),
    Column("pièce d'identité jointe", "Accès : pièce d'identité jointe à la demande (oui/non).",
           "oui", (_ACC,)),
    Column("nature", "Mouvement : départ, absence programmée, absence prolongée ou absence "
           "ponctuelle.", "départ", (_MOV,)),
    Column("date de fin", "Mouvement : dernier jour d'absence (vide : départ ou absence sans "
           "date de retour).", "16/05/2025", (_MOV,)),
    Column("remplacé par", "Mouvement : identifiant de l'intervenant remplaçant.", "PSY-2",
           (_MOV,)),
    Column("date de remplacement", "Mouvement : premier jour d'intervention du remplaçant.",
           "12/05/2025", (_MOV,)),
    Column("DISP informée le", "Mouvement : date à laquelle la DISP a été informée.",
           "22/04/2025", (_MOV,)),
    Column("SPIP informé le", "Mouvement : date à laquelle le SPIP a été informé.",
           "22/04/2025", (_MOV,)),
    Column("établissement informé le", "Mouvement : date à laquelle l'établissement "
           "pénitentiaire a été informé.", "22/04/2025", (_MOV,)),
    Column("transport en commun", "Lieu MO : facilement accessible en transport en commun "
           "(oui/non).", "oui", (_MO,)),
    Column("normes ERP", "Lieu MO : conforme aux normes des établissements recevant du public "
           "(oui/non).", "oui", (_MO,)),
    Column("capacité", "Lieu MO : nombre de personnes accueillies.", "6", (_MO,)),
    Column("coordonnées transmises au SPIP", "Lieu MO : adresse et téléphone transmis au SPIP "
           "(oui/non).", "oui", (_MO,)),
    Column("coordonnées transmises à la DISP", "Lieu MO : adresse et téléphone transmis à la "
           "DISP (oui/non).", "oui", (_MO,)),
    Column("coordonnées des intervenants actualisées le", "Établissement : dates auxquelles "
           "les coordonnées des intervenants ont été indiquées puis actualisées, séparées par "
           "des espaces.", "24/02/2025 12/05/2025", (_EST,)),
    Column("première séance le", "Accès : première séance de l'intervenant dans "
           "l'établissement (utile quand l'autorisation est délivrée après son début "
           "d'intervention).", "20/05/2025", (_ACC,)),
    Column("jours d'ouverture", "Lieu MO : jours d'accueil pour le programme, séparés par des "
           "espaces (« aucun » : aucun jour indiqué ; vide : non renseigné).", "mardi jeudi",
           (_MO,)),
    Column("horaires d'ouverture", "Lieu MO : plages horaires HH:MM-HH:MM, séparées par des "
           "espaces (« aucune » : aucune plage indiquée ; vide : non renseigné).",
           "09:00-12:00 14:00-17:00", (_MO,)),
    Column("liste modifiée le", "Liste des suppléants : date de la modification (suppléant "
           "ajouté ou retiré).", "05/05/2025", (_SUB,)),
)

#: (header, meaning, example) of every column, for the guide.
COLUMN_TABLE: tuple[tuple[str, str, str], ...] = tuple(
    (c.header, c.meaning, c.example) for c in COLUMNS)

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
_FR_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _date(cell: str) -> str:
    """``JJ/MM/AAAA`` or ``AAAA-MM-JJ`` → ISO text."""
    french = _FR_DATE.fullmatch(cell)
    iso = None if french else _ISO_DATE.fullmatch(cell)
    try:
        if french:
            return dt.date(int(french[3]), int(french[2]), int(french[1])).isoformat()
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
    except ValueError:
        pass
    raise _Bad("une date JJ/MM/AAAA ou AAAA-MM-JJ, ex. « 03/03/2025 »")


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


def _choice(labels: dict[str, str]) -> Cell:
    _known(*labels)
    table = {_key(label): code for label, code in labels.items()}
    shown = ", ".join(dict.fromkeys(labels))

    def convert(cell: str) -> str:
        code = table.get(_key(cell))
        if code is None:
            raise _Bad(f"une valeur parmi : {shown}")
        return code
    return convert


_ROLE = _choice({"psychologue du travail": PSYCHOLOGIST, "psychologue": PSYCHOLOGIST,
                 "conseiller en insertion professionnelle": ADVISER, "CIP": ADVISER,
                 "conseiller en insertion": ADVISER, "conseiller": ADVISER})
_EMPLOYMENT = _choice({"salarié": "salarie", "sous-traitant": "sous-traitant",
                       "sous-traitance": "sous-traitant"})
_REGISTRY = _choice({"ADELI": "ADELI", "RPPS": "RPPS"})
_KIND = _choice({"départ": DEPARTURE, "changement de personnel": DEPARTURE,
                 "absence programmée": PLANNED_ABSENCE, "absence prolongée": PROLONGED_ABSENCE,
                 "absence ponctuelle": SHORT_ABSENCE})

#: Per line type: the JSON section it fills (None: the top level) and header → (field, cell).
_LAYOUT: dict[str, tuple[str | None, dict[str, tuple[str, Cell]]]] = {
    _LOT: (None, {
        "identifiant": ("lot", _int),
        "date de début": ("market_start", _date),
        "département": ("departements", _list),
        "liste des suppléants transmise le": ("substitute_list_sent_on", _date),
    }),
    _SUB: ("substitute_list_updates", {
        "liste modifiée le": ("changed_on", _date),
        "liste des suppléants transmise le": ("sent_on", _date),
    }),
    _EST: ("establishments", {
        "identifiant": ("id", _text),
        "département": ("departement", _text),
        "coordinateur": ("coordinator", _text),
        "coordonnées des intervenants actualisées le": ("contacts_updated_on", _dates),
    }),
    _FAC: ("facilitators", {
        "identifiant": ("id", _text),
        "fonction": ("role", _ROLE),
        "statut": ("employment", _EMPLOYMENT),
        "répertoire": ("registry", _REGISTRY),
        "numéro ADELI ou RPPS": ("registry_number", _text),
        "niveau de qualification": ("qualification", _text),
        "expérience insertion": ("experience", _bool),
        "heures hebdomadaires": ("weekly_hours", _number),
        "ETP": ("fte", _number),
        "sites": ("sites", _list),
        "date de début": ("start_on", _date),
        "suppléant": ("substitute", _bool),
        "casier judiciaire vierge": ("criminal_record_clean", _bool),
        "CV transmis": ("cv_sent", _bool),
    }),
    _ACC: ("access", {
        "intervenant": ("facilitator", _text),
        "établissement": ("establishment", _text),
        "date de demande": ("requested_on", _date),
        "date de délivrance": ("granted_on", _date),
        "pièce d'identité jointe": ("id_document", _bool),
        "première séance le": ("first_session_on", _date),
    }),
    _MOV: ("events", {
        "intervenant": ("facilitator", _text),
        "nature": ("kind", _KIND),
        "date de début": ("start", _date),
        "date de fin": ("end", _date),
        "remplacé par": ("replaced_by", _text),
        "date de remplacement": ("replaced_on", _date),
        "DISP informée le": ("notified_disp_on", _date),
        "SPIP informé le": ("notified_spip_on", _date),
        "établissement informé le": ("notified_establishment_on", _date),
    }),
    _MO: ("premises", {
        "identifiant": ("id", _text),
        "département": ("departement", _text),
        "transport en commun": ("public_transport", _bool),
        "normes ERP": ("erp_compliant", _bool),
        "capacité": ("capacity", _int),
        "coordonnées transmises au SPIP": ("sent_to_spip", _bool),
        "coordonnées transmises à la DISP": ("sent_to_disp", _bool),
        "jours d'ouverture": ("opening_days", _days),
        "horaires d'ouverture": ("opening_hours", _ranges),
    }),
}

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


def _letters(n: int) -> str:
    """Spreadsheet column letters: 1 → A, 27 → AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _at(line: int, header: str) -> str:
    return f"ligne {line}, colonne « {header} »"


def _at_position(line: int, index: int) -> str:
    return f"ligne {line}, colonne {index + 1} ({_letters(index + 1)})"


# --- bytes → rows ---------------------------------------------------------------------

def _decode(raw: bytes) -> str:
    if not isinstance(raw, (bytes, bytearray)):
        raise InputError(FILE, "le contenu du fichier en octets (bytes) ou un chemin")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(FILE, "un fichier encodé en UTF-8 (Excel : Enregistrer sous → « CSV "
                               "UTF-8 »)", "fichier encodé en UTF-16")
    try:
        text = bytes(raw).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise InputError(f"ligne {line}", "un fichier encodé en UTF-8 (Excel : Enregistrer "
                         "sous → « CSV UTF-8 »)", "caractère illisible en UTF-8") from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise InputError(f"ligne {line}", "un fichier texte CSV", "caractère nul")
    if not text.strip():
        raise InputError(FILE, "un en-tête de colonnes puis des lignes", "fichier vide")
    return text


def _separator(text: str) -> str:
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip())
    semicolons, commas = lines[number].count(";"), lines[number].count(",")
    if not semicolons and not commas:
        raise InputError(f"ligne {number + 1}", "des colonnes séparées par « ; » ou « , », la première "
                                    f"étant « {_TYPE_HEADER} »", "aucun séparateur trouvé")
    return ";" if semicolons >= commas else ","


def _rows(text: str) -> list[tuple[int, list[str]]]:
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


# --- rows → JSON-like roster ------------------------------------------------------------

def _header(line: int, cells: list[str]) -> list[str | None]:
    """The canonical header of each column (None: ignored column)."""
    columns: list[str | None] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells):
        key = _key(cell)
        if not key or key in IGNORED_HEADERS:
            columns.append(None if key else "")
            continue
        header = _HEADERS.get(key)
        if header is None:
            raise InputError(_at_position(line, i), "un en-tête parmi : " +
                             ", ".join(c.header for c in COLUMNS) + " (ou « commentaire »)",
                             "en-tête non reconnu")
        if header in seen:
            raise InputError(_at_position(line, i), "chaque en-tête une seule fois",
                             "en-tête en double")
        seen.add(header)
        columns.append(header)
    if _TYPE_HEADER not in seen:
        raise InputError(f"ligne {line}", f"une colonne « {_TYPE_HEADER} » dans l'en-tête "
                         "(première ligne non vide)", "colonne manquante")
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


@attrs.define
class _Sheet:
    """The JSON-like roster being built, and where each item came from."""

    data: dict = attrs.field(factory=dict)
    lines: dict[str, list[int]] = attrs.field(factory=dict)
    lot_line: int | None = None


def roster_dict_from_csv(raw: bytes) -> tuple[dict, _Sheet]:
    """The JSON-like roster of a CSV file, and the line of each item (for error messages)."""
    rows = _rows(_decode(raw))
    if not rows:
        raise InputError(FILE, "un en-tête de colonnes puis des lignes", "aucune cellule remplie")
    header_line, header_cells = rows[0]
    columns = _header(header_line, header_cells)
    width = len(columns)
    type_index = columns.index(_TYPE_HEADER)
    plans = {row_type: _plan(columns, layout) for row_type, (_, layout) in _LAYOUT.items()}
    sheet = _Sheet()
    for line, cells in rows[1:]:
        if len(cells) > width:
            extra = [i for i in range(width, len(cells)) if cells[i]]
            if extra:
                raise InputError(_at_position(line, extra[0]), "des cellules sous un en-tête",
                                 "cellule au-delà de la dernière colonne")
        else:
            cells += [""] * (width - len(cells))
        row_type = _ROW_TYPE_KEYS.get(_key(cells[type_index]))
        if row_type is None:
            raise InputError(_at(line, _TYPE_HEADER), f"un type de ligne parmi : {_TYPES_SHOWN}",
                             "type de ligne manquant ou inconnu")
        section = _LAYOUT[row_type][0]
        used, unused = plans[row_type]
        for i in unused:
            if cells[i]:
                header = columns[i]
                where = _at(line, header) if header else _at_position(line, i)
                raise InputError(where, f"une cellule vide (cette colonne ne sert pas aux lignes "
                                 f"de type « {row_type} »)", "cellule remplie")
        item: dict[str, Any] = {}
        for i, header, field, convert in used:
            if cells[i]:
                try:
                    item[field] = convert(cells[i])
                except _Bad as bad:
                    raise InputError(_at(line, header), bad.expected) from None
        if section is None:
            if sheet.lot_line is not None:
                raise InputError(_at(line, _TYPE_HEADER), "une seule ligne de type « lot »",
                                 "ligne « lot » en double")
            sheet.lot_line = line
            sheet.data.update(item)
        else:
            sheet.data.setdefault(section, []).append(item)
            sheet.lines.setdefault(section, []).append(line)
    if sheet.lot_line is None:
        raise InputError(f"colonne « {_TYPE_HEADER} »", "une ligne de type « lot » (numéro du "
                         "lot, date de démarrage du marché)", "ligne « lot » manquante")
    return sheet.data, sheet


_JSON_PATH = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?")


def _place(error: InputError, sheet: _Sheet) -> InputError:
    """A JSON-path error (``events[3].replaced_by``) placed at its line and column."""
    match = _JSON_PATH.match(error.path)
    if match is None:
        return error
    name, index, field = match.groups()
    row_type = _SECTION_TYPE.get(name)
    if row_type is None or row_type == _LOT:           # a top-level field: the lot line
        header = _FIELD_HEADER.get((_LOT, name))
        line = sheet.lot_line
    elif index is None or int(index) >= len(sheet.lines.get(name, ())):
        return InputError(f"lignes de type « {row_type} »", error.expected, error.problem)
    else:
        line = sheet.lines[name][int(index)]
        header = _FIELD_HEADER.get((row_type, field)) if field else None
    where = _at(line, header) if header else f"ligne {line}"
    return InputError(where, error.expected, error.problem)


def read_roster_csv(source: bytes | str | Path) -> Roster:
    """A :class:`~ppaip_rules.staffing.Roster` from a CSV file's bytes or its path.

    Any problem is an :class:`InputError` naming the line and the column.
    """
    if isinstance(source, (str, Path)):
        try:
            source = Path(source).read_bytes()
        except (OSError, ValueError):
            raise InputError(FILE, "un fichier lisible", "fichier introuvable ou illisible") \
                from None
    data, sheet = roster_dict_from_csv(source)
    try:
        return read_roster(data)
    except InputError as error:
        raise _place(error, sheet) from None


# --- the "roster" check kind: a roster file, CSV or JSON ---------------------------
# Registered here, above staffing (the models and rules) and this module (the CSV
# format), so that staffing never imports the spreadsheet layer.

def load_roster(raw: bytes, filename: str = "-") -> Any:
    """A roster file's content: CSV (``.csv``) or JSON (``.json``); sniffed otherwise."""
    name = filename.lower()
    if name.endswith(".json"):
        return load_json(raw, filename)
    if not name.endswith(".csv") and raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return load_json(raw, filename)
    return read_roster_csv(raw)


def read_roster_file(path: str | Path) -> Roster:
    """A roster from a ``.csv`` or ``.json`` file."""
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
