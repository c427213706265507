"""The page on computing deadlines: one calendar table per contract deadline, holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ppaip_rules.calendar import ALSACE_MOSELLE, Unit, get_calendar
from ppaip_rules.deadlines import SPECS, Deadline, deadline
from ppaip_rules.frenchtext import WEEKDAYS, format_date
from ppaip_rules.model import rules
from ppaip_rules.parameters import DIJON

from .catalogue import rule_link
from .markdown import DocsError, registered_rules, table

#: The event chosen to show each deadline: next to a public holiday, a weekend or a
#: daylight-saving change. A deadline not listed here is shown from its first example.
SHOWCASE = {
    "PROG-FIRST-MEETING": "2025-05-06",
    "PROG-START": "2025-06-04",
    "PROG-CALENDAR-CHANGE": "2025-10-25T10:00:00+02:00",
    "REFUSAL-48H": "2025-05-02T16:00:00+02:00",
    "RUN-INTERRUPTION-48H": "2025-05-07T14:00:00+02:00",
    "END-BILAN-IND": "2025-05-02",
    "END-BILAN-COLL": "2025-12-19",
    "STAFF-REPLACE": "2025-04-30",
    "STAFF-ACCESS": "2025-03-31",
}

#: Longest period, in days, drawn as a day-by-day table.
MAX_TABLE_DAYS = 25

UNIT_TEXT = {
    Unit.CALENDAR_DAYS: "tous les jours du calendrier, samedis, dimanches et fériés compris",
    Unit.JOURS_OUVRES: "du lundi au vendredi, sauf les jours fériés",
    Unit.JOURS_OUVRABLES: "du lundi au samedi, sauf les jours fériés (sens du droit du "
                          "travail français)",
    Unit.HOURS: "heures réellement écoulées, à l'heure de Paris, changements d'heure compris",
    Unit.MONTHS: "de quantième à quantième : du 12 au 12 du mois suivant",
}


def _trigger(rule_id: str) -> str:
    if rule_id in SHOWCASE:
        return SHOWCASE[rule_id]
    rule = registered_rules().get(rule_id)
    for example in rule.examples if rule else ():
        if isinstance(example.data, dict) and "trigger" in example.data:
            return example.data["trigger"]
    raise DocsError(f"no example event to show the deadline {rule_id}")


def lower_first(text: str) -> str:
    """``Prescription reçue`` → ``prescription reçue``; ``CPIP …`` is left as is."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _nature(cal, d: dt.date, unit: Unit) -> str:
    reason = cal.why_not_working(d)
    if reason is None:
        return "jour ouvré"
    if reason == "samedi" and unit is Unit.JOURS_OUVRABLES:
        return "samedi (jour ouvrable)"
    return reason


def _count(cal, start: dt.date, d: dt.date, unit: Unit) -> str:
    if unit is Unit.CALENDAR_DAYS:
        return f"jour {d.toordinal() - start.toordinal()}"
    counted = cal.is_jour_ouvre(d) if unit is Unit.JOURS_OUVRES else cal.is_jour_ouvrable(d)
    if not counted:
        return "non compté"
    word = "ouvré" if unit is Unit.JOURS_OUVRES else "ouvrable"
    return f"jour {word} {cal.count_working_days(start, d, unit)}"


def day_table(d: Deadline) -> str | None:
    """The days from the event to the due date, with how each one counts (day periods)."""
    p = d.period
    if not p.unit.is_day_unit or p.backward:
        return None
    start, last = p.start, max(p.raw_end, p.end)
    if last.toordinal() - start.toordinal() > MAX_TABLE_DAYS:
        return None
    cal = p.calendar
    rows = []
    for o in range(start.toordinal(), last.toordinal() + 1):
        day = dt.date.fromordinal(o)
        if day == start:
            count = f"événement : {lower_first(d.spec.trigger)} (jour 0)"
        elif day <= p.raw_end:
            count = _count(cal, start, day, p.unit)
            if day == p.raw_end and p.moved:
                count += " — fin du délai, un jour non ouvré : prolongé"
            elif day == p.end:
                count = f"**{count} — échéance**"
        elif day == p.end:
            count = "**échéance après prolongation**"
        else:
            count = "prolongation"
        rows.append((WEEKDAYS[day.weekday()], format_date(day, weekday=False),
                     _nature(cal, day, p.unit), count))
    return table(("Jour", "Date", "Nature du jour", "Décompte"), rows)


def _instant_table(d: Deadline) -> str | None:
    p = d.period
    if p.unit is not Unit.HOURS:
        return None
    rows = [("Début", _clock(p.start), d.spec.trigger),
            ("Échéance", f"**{_clock(p.end)}**", f"{d.spec.act}, au plus tard")]
    return table(("", "Instant (heure de Paris)", ""), rows)


def _clock(t: dt.datetime) -> str:
    offset = t.utcoffset() or dt.timedelta()
    hours = int(offset.total_seconds() // 3600)
    return f"{format_date(t.date())} à {t.hour} h {t.minute:02d} (UTC+{hours})"


def deadline_section(rule_id: str, page: str, **policy: Any) -> str:
    spec = SPECS[rule_id]
    d = deadline(rule_id, _trigger(rule_id), **policy)
    delay = DIJON.delay(rule_id)
    registry = registered_rules()
    head = (f"### {d.title} {{ #delai-{rule_id.lower()} }}\n\n"
            f"**Règle :** {rule_link(rule_id, page, registry)} ({spec.clause}) · "
            f"**Délai :** {delay.describe()}{', compté à rebours' if spec.backward else ''} · "
            f"**Point de départ :** {lower_first(spec.trigger)} · **Acte attendu :** "
            f"{lower_first(spec.act)}\n")
    picture = day_table(d) or _instant_table(d)
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(d.trace, 1))
    parts = [head]
    if picture:
        parts.append(picture + "\n")
    parts.append("Le calcul, tel que la bibliothèque l'explique :\n\n" + steps + "\n")
    return "\n".join(parts)


def deadline_tables(*, page: str, **_: Any) -> str:
    """One section per contract deadline, in the order of the registry."""
    ids = [r.id for r in rules() if r.id in SPECS]
    ids += [r for r in SPECS if r not in ids]
    return "\n".join(deadline_section(r, page) for r in ids)


def units_table(*, page: str, **_: Any) -> str:
    by_unit: dict[Unit, list[str]] = {}
    for rule_id, delay in DIJON.delays.items():
        by_unit.setdefault(delay.unit, []).append(f"{rule_link(rule_id, page)} "
                                                  f"({delay.describe()})")
    rows = [(f"« {u.value} »", UNIT_TEXT[u], ", ".join(by_unit.get(u, [])) or "—")
            for u in Unit]
    return table(("Unité", "Ce qui compte", "Délais du contrat de Dijon"), rows)


def _years(args: tuple[str, ...]) -> range:
    first, last = (int(args[0]), int(args[1])) if len(args) == 2 else (2025, 2027)
    return range(first, last + 1)


def _holiday_rows(cal, years: range, only: set[str] | None = None) -> list[tuple]:
    names: dict[str, dict[int, dt.date]] = {}
    for year in years:
        for day, name in cal.holidays(year).items():
            if only is None or name in only:
                names.setdefault(name, {})[year] = day
    ordered = sorted(names.items(), key=lambda kv: min((d.month, d.day) for d in kv[1].values()))
    return [(name, *(format_date(days[y]) if y in days else "—" for y in years))
            for name, days in ordered]


def holidays_table(*args: str, page: str, **_: Any) -> str:
    """The public holidays of metropolitan France for the given years (default 2025–2027)."""
    years = _years(args)
    return table(("Jour férié", *map(str, years)), _holiday_rows(get_calendar(), years))


def _last_count_step(d: Any) -> str:
    """The last step of the count itself (the extension, or why there is none): a step
    with no structure, before the days not counted, the calendar and the due date."""
    return [s for s in d.trace if s.computed is None and s.parameter is None
            and s.path is None][-1]


def _compare(rule_id: str, trigger: str, label_default: str, label_other: str,
             **policy: Any) -> str:
    base = {"departement": policy["departement"]} if "good_friday_holiday" in policy else {}
    default, other = deadline(rule_id, trigger, **base), deadline(rule_id, trigger, **policy)
    rows = [(label_default, format_date(default.due), _last_count_step(default)),
            (label_other, format_date(other.due), _last_count_step(other))]
    return (f"{default.trace[0]}\n\n"
            + table(("Calendrier", "Échéance", "Dernière étape du calcul"), rows))


def alsace_moselle(*args: str, page: str, **_: Any) -> str:
    years = _years(args)
    metro = get_calendar()
    local = get_calendar(sorted(ALSACE_MOSELLE)[0])
    extra = set()
    for year in years:
        extra |= set(local.holidays(year).values()) - set(metro.holidays(year).values())
    rows = _holiday_rows(local, years, extra)
    deps = ", ".join(sorted(ALSACE_MOSELLE))
    example = _compare("END-BILAN-COLL", "2025-12-19", "France métropolitaine (défaut)",
                       f"Alsace-Moselle (`departement=\"{sorted(ALSACE_MOSELLE)[0]}\"`)",
                       departement=sorted(ALSACE_MOSELLE)[0])
    return ("Jours fériés ajoutés dans les départements " + deps + " :\n\n"
            + table(("Jour férié", *map(str, years)), rows)
            + "\n\nExemple : le bilan d'un atelier collectif (" + rule_link("END-BILAN-COLL", page)
            + ").\n\n" + example + "\n")


def good_friday(*, page: str, **_: Any) -> str:
    return (_compare("END-BILAN-IND", "2025-04-16", "Vendredi saint férié en 57 (défaut)",
                     "Vendredi saint non férié (`good_friday_holiday=False`)",
                     departement="57", good_friday_holiday=False) + "\n")


def whit_monday(*, page: str, **_: Any) -> str:
    return (_compare("PROG-START", "2025-06-04", "Lundi de Pentecôte férié (défaut)",
                     "Lundi de Pentecôte travaillé (`whit_monday_worked=True`)",
                     whit_monday_worked=True) + "\n")
