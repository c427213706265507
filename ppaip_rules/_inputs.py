"""Small helpers shared by the eligibility, programme, document, case and lot checks: the
setting codes, catalogue lookups, and the flags of a yes/no fact. Nothing here decides a
rule; every input is read by the one description of its model (:mod:`ppaip_rules.describe`).
"""

from __future__ import annotations

from .describe import Codes
from .frenchtext import format_value
from .model import Flag, missing_fact
from .parameters import CatalogueItem

#: Settings of a programme: milieu fermé (in prison: ``custody``), milieu ouvert (under
#: supervision in the community: ``community``). Not "closed"/"open": an "open prison" is
#: a prison in English. The old codes ``MF``/``MO`` are read as aliases for one version.
CUSTODY, COMMUNITY = "custody", "community"
SETTINGS = (CUSTODY, COMMUNITY)
SETTING_LABELS = {CUSTODY: "milieu fermé", COMMUNITY: "milieu ouvert"}
SETTING_ALIASES = {"MF": CUSTODY, "MO": COMMUNITY}
#: The code list of a setting, in every input that names one (case ignored; old codes read).
SETTING_CODES = Codes(SETTING_LABELS, SETTING_ALIASES, fold=True)


#: The information finding of a rule that lacks a fact to decide ("do not guess").
missing = missing_fact


def yes_no(value: bool | None, path: str, unknown: str, message: str, wanted: bool = True):
    """The flags of a yes/no fact a rule needs: information when not known, a violation
    (``message``) when it is not ``wanted``, nothing when it is."""
    if value is None:
        yield missing(path, unknown)
    elif value is not wanted:
        yield Flag(message, expected=wanted, found=value, path=path)


def hours_text(hours: float) -> str:
    """``3 h``, ``2,5 h``."""
    return f"{format_value(float(hours))} h"


#: Catalogue tuple id -> (the tuple, its codes, code -> label). The tuple is kept so
#: that its id cannot be reused while the entry lives.
_CATALOGUES: dict[int, tuple[tuple[CatalogueItem, ...], frozenset[str], dict[str, str]]] = {}


def _catalogue(items: tuple[CatalogueItem, ...]):
    entry = _CATALOGUES.get(id(items))
    if entry is None or entry[0] is not items:
        items = tuple(items)
        entry = (items, frozenset(i.code for i in items), {i.code: i.label for i in items})
        if len(_CATALOGUES) > 256:  # variant contracts built in a loop: bounded
            _CATALOGUES.clear()
        _CATALOGUES[id(items)] = entry
    return entry


def codes(items: tuple[CatalogueItem, ...]) -> frozenset[str]:
    """The codes of a catalogue (cached per catalogue tuple: a hot path of the checks)."""
    return _catalogue(items)[1]


def label_of(items: tuple[CatalogueItem, ...], code: str) -> str | None:
    """The French label of a catalogue code, or ``None``."""
    return _catalogue(items)[2].get(code)
