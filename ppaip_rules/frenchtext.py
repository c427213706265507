"""French wording of dates, durations and values, independent of the locale.

The machine's locale never decides how a date is written: the names are here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

#: Paris time (the same object as ``calendar.PARIS``: ZoneInfo keeps one per key).
_PARIS = ZoneInfo("Europe/Paris")

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def day_of_month(day: int) -> str:
    return "1er" if day == 1 else str(day)


def format_date(d: dt.date, weekday: bool = True) -> str:
    """``vendredi 2 mai 2025`` (``1er`` for the first of the month)."""
    text = f"{day_of_month(d.day)} {MONTHS[d.month - 1]} {d.year}"
    return f"{WEEKDAYS[d.weekday()]} {text}" if weekday else text


def format_datetime(t: dt.datetime) -> str:
    """``vendredi 2 mai 2025 à 14 h 30 (heure de Paris)``.

    An aware ``t`` is shown in Paris time, whatever its offset; a naive one is
    taken as Paris wall time already.
    """
    if t.tzinfo is not None:
        t = t.astimezone(_PARIS)
    return f"{format_date(t.date())} à {t.hour} h {t.minute:02d} (heure de Paris)"


def format_moment(value: dt.date | dt.datetime) -> str:
    """A day (``vendredi 2 mai 2025``) or an instant (with its Paris time)."""
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    return format_date(value)


def format_value(value: Any) -> str:
    """A value in a finding (expected / found) written for a French reader."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return format_moment(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):        # figures given as data (e.g. STAFF-PSY-SHARE)
        text = " ; ".join(f"{k} = {format_value(v)}" for k, v in value.items())
        return f"({text})" if text else "aucun"
    return str(value)


def plural(n: int | float, singular: str, plural_form: str | None = None) -> str:
    """``1 jour``, ``2 jours``: French plural (0 and 1 are singular)."""
    word = singular if abs(n) < 2 else (plural_form or singular + "s")
    return f"{format_value(n)} {word}"
