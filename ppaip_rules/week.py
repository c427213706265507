"""A coordinator's week: what is overdue, due this week and due next week, over many cases.

:func:`week_view` evaluates every case (:func:`~ppaip_rules.timeline.evaluate_case`)
as of ``as_of`` and sorts its obligations into three lists — overdue, due from
``as_of`` to this Sunday, due next week (Monday to Sunday) — each grouped by
SPIP and by facilitator when the case names one (an optional ``facilitator``
field of the case: the facilitator's ID, as in the roster).

``ppaip-rules semaine DOSSIER|FICHIER.ndjson --as-of DATE`` prints it as text,
JSON or HTML, and ``--format ics`` writes the due dates as an iCalendar file
(RFC 5545, with the ``icalendar`` library of the ``ics`` extra) to import into
Outlook or Thunderbird. The events carry the case identifier, the rule and its
clause only: no name, no free text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from .calendar import PARIS, week_bounds
from .errors import InputError
from .events import read_case
from .frenchtext import format_date, format_datetime, format_moment, plural
from .model import get_rule
from .parameters import DIJON, ContractParameters
from .timeline import OVERDUE, PENDING, _due_day, evaluate_case, read_as_of

#: The sections of the week, in order: key → French title.
SECTIONS = {"overdue": "En retard", "this_week": "À faire cette semaine",
            "next_week": "À faire la semaine prochaine"}
NO_SPIP = "SPIP non renseigné"
NO_FACILITATOR = "intervenant non renseigné"


@attrs.frozen
class WeekItem:
    """One obligation due: which case, which rule, by when, and where it stands."""

    section: str
    case_id: str
    spip: str | None
    facilitator: str | None
    rule_id: str
    clause: str
    what: str
    due: dt.date | dt.datetime
    lateness: str | None = None

    @property
    def due_day(self) -> dt.date:
        return _due_day(self.due)

    def to_dict(self) -> dict:
        return {"case_id": self.case_id, "spip": self.spip, "facilitator": self.facilitator,
                "rule_id": self.rule_id, "clause": self.clause, "what": self.what,
                "due": self.due.isoformat(), "lateness": self.lateness}


@attrs.frozen
class Week:
    """Every obligation of the cases that is overdue or due this week or next week."""

    as_of: dt.datetime
    this_week: tuple[dt.date, dt.date]
    next_week: tuple[dt.date, dt.date]
    cases: int
    items: tuple[WeekItem, ...]
    #: What produced it (:class:`ppaip_rules.stamp.Stamp`), set by the command line.
    stamp: Any = attrs.field(default=None, eq=False, kw_only=True)

    def section(self, key: str) -> tuple[WeekItem, ...]:
        return tuple(i for i in self.items if i.section == key)

    @property
    def ok(self) -> bool:
        """True when nothing is overdue."""
        return not self.section("overdue")

    def grouped(self, key: str) -> list[tuple[str, list[tuple[str, list[WeekItem]]]]]:
        """The section's items by SPIP, then by facilitator (unknown ones last)."""
        by_spip: dict[str, dict[str, list[WeekItem]]] = {}
        for item in sorted(self.section(key), key=_order):
            spip = f"SPIP {item.spip}" if item.spip else NO_SPIP
            who = f"intervenant {item.facilitator}" if item.facilitator else NO_FACILITATOR
            by_spip.setdefault(spip, {}).setdefault(who, []).append(item)
        return [(spip, list(people.items())) for spip, people in by_spip.items()]

    def to_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "weeks": {"this_week": {"start": self.this_week[0].isoformat(),
                                    "end": self.this_week[1].isoformat()},
                      "next_week": {"start": self.next_week[0].isoformat(),
                                    "end": self.next_week[1].isoformat()}},
            "cases": self.cases,
            **{key: [i.to_dict() for i in sorted(self.section(key), key=_order)]
               for key in SECTIONS},
            **({"stamp": self.stamp.to_dict()} if self.stamp is not None else {}),
        }

    def titles(self) -> dict[str, str]:
        last = self.this_week[1]
        following = self.next_week
        return {
            "overdue": "En retard",
            "this_week": f"À faire cette semaine, jusqu'au {format_date(last)}",
            "next_week": f"À faire la semaine prochaine, du {format_date(following[0])} au "
                         f"{format_date(following[1])}",
        }

    def format(self) -> str:
        first, last = self.this_week
        lines = [f"Semaine du {format_date(first)} au {format_date(last)} — situation au "
                 f"{format_datetime(self.as_of)} ; {plural(self.cases, 'parcours', 'parcours')}."]
        for key, title in self.titles().items():
            items = self.section(key)
            lines += ["", f"{title.upper()} ({len(items)})"]
            if not items:
                lines.append("  (rien)")
            for spip, people in self.grouped(key):
                lines.append(f"  {spip}")
                for who, entries in people:
                    lines.append(f"    {who[0].upper()}{who[1:]}")
                    lines.extend(f"      - {_line(i)}" for i in entries)
        if self.stamp is not None:
            lines += ["", self.stamp.format()]
        return "\n".join(lines)

    def html_body(self) -> tuple[str, list[str]]:
        from .render.html import figures, table

        first, last = self.this_week
        body = ["<h2>Résumé</h2>", figures([
            ("Parcours", self.cases),
            *((title, len(self.section(key))) for key, title in SECTIONS.items())])]
        for key, title in self.titles().items():
            items = self.section(key)
            body.append(f"<h2>{_escape(title)} ({len(items)})</h2>")
            if not items:
                body.append('<p class="none">Rien.</p>')
            for spip, people in self.grouped(key):
                body.append(f"<h3>{_escape(spip)}</h3>")
                for who, entries in people:
                    body.append(f"<p><strong>{_escape(who[0].upper() + who[1:])}</strong></p>")
                    body.append(table(
                        ("Échéance", "Parcours", "Règle", "Clause", "Acte attendu", "Retard"),
                        [(format_moment(i.due), i.case_id, i.rule_id, i.clause, i.what,
                          i.lateness or "—") for i in entries]))
        return (f"Semaine du {format_date(first)} au {format_date(last)}", body)


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def _order(item: WeekItem) -> tuple:
    return (item.spip is None, item.spip or "", item.facilitator is None,
            item.facilitator or "", item.due_day, item.case_id, item.rule_id)


def _line(i: WeekItem) -> str:
    text = f"{format_moment(i.due)} — parcours {i.case_id} — {i.rule_id} ({i.clause}) — {i.what}"
    return text + (f" : {i.lateness}" if i.lateness else "")


def week_view(cases: Iterable[Any], *, as_of: Any, params: ContractParameters = DIJON,
              suspension_stops_clock: bool = True) -> Week:
    """The week of every case in ``cases`` (case objects, JSON-like or :class:`Case`)."""
    as_of_dt = read_as_of(as_of)[0]
    today = as_of_dt.astimezone(PARIS).date()
    monday, sunday = week_bounds(today)
    next_week = (sunday + dt.timedelta(days=1), sunday + dt.timedelta(days=7))
    items: list[WeekItem] = []
    count = 0
    for index, value in enumerate(cases):
        count += 1
        try:
            case = read_case(value)
            ev = evaluate_case(case, as_of=as_of_dt, params=params,
                               suspension_stops_clock=suspension_stops_clock)
        except InputError as error:
            raise error.at(f"cases[{index}]") from None
        spip, facilitator = case.spip, case.facilitator
        case_id = ev.case_id or f"n° {index + 1}"
        for o in ev.obligations:
            if o.due is None or o.status not in (OVERDUE, PENDING):
                continue
            day = _due_day(o.due)
            if o.status is OVERDUE:
                section = "overdue"
                lateness = o.deadline.lateness(as_of_dt) if o.deadline is not None \
                    else "en retard"
            elif day <= sunday:
                section, lateness = "this_week", None
            elif day <= next_week[1]:
                section, lateness = "next_week", None
            else:
                continue
            items.append(WeekItem(section, case_id, spip, facilitator, o.rule_id,
                                  get_rule(o.rule_id).clause, o.what, o.due, lateness))
    return Week(as_of_dt, (monday, sunday), next_week, count, tuple(items))


# --- reading a folder or an NDJSON file ---------------------------------------------------

def read_cases(source: str) -> list[Any]:
    """The case objects of a folder (every ``*.json``) or of an NDJSON file (one per line)."""
    from .checks import load_json

    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
        if not files:
            raise InputError("DOSSIER", "un dossier contenant des fichiers .json (un parcours "
                                        "par fichier)", "aucun fichier .json")
        return [load_json(p.read_bytes(), f"fichier n° {i}") for i, p in enumerate(files, 1)]
    try:
        raw = path.read_bytes()
    except OSError:
        raise InputError("DOSSIER|FICHIER.ndjson", "un dossier ou un fichier NDJSON lisible",
                         "introuvable ou illisible") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("FICHIER.ndjson", "un fichier encodé en UTF-8",
                         "encodage illisible") from None
    cases = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(json.loads(line))
        except (ValueError, RecursionError):
            raise InputError(f"ligne {number}", "un parcours en JSON sur une ligne",
                             "JSON illisible") from None
    return cases


# --- iCalendar ---------------------------------------------------------------------------

def week_ics(week: Week) -> bytes:
    """The due dates as an iCalendar file (RFC 5545): case identifier, rule and clause only."""
    try:
        import icalendar
    except ImportError:
        raise InputError("--format", "un format disponible : le format ics demande le "
                                     "complément « ics » (pip install 'ppaip-rules[ics]')",
                         "icalendar absent") from None
    from ._version import __version__

    cal = icalendar.Calendar()
    cal.add("prodid", f"-//ppaip-rules {__version__}//semaine//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    stamp = week.as_of.astimezone(dt.timezone.utc)
    for i in sorted(week.items, key=_order):
        event = icalendar.Event()
        event.add("uid", f"{i.case_id}-{i.rule_id}-{i.due.isoformat()}@ppaip-rules")
        event.add("dtstamp", stamp)
        event.add("summary", f"{i.rule_id} — parcours {i.case_id}")
        event.add("description", f"Parcours {i.case_id} : règle {i.rule_id} ({i.clause}).")
        if isinstance(i.due, dt.datetime):
            event.add("dtstart", i.due.astimezone(dt.timezone.utc))
        else:
            event.add("dtstart", i.due)
            event.add("dtend", i.due + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


__all__ = ["Week", "WeekItem", "read_cases", "week_ics", "week_view"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
