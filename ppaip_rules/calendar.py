"""French working-day calendar and the computation of periods (CCAG FCS 2021 art. 3.2).

All date arithmetic of the library lives here.

Public holidays are the 11 days of Code du travail art. L3133-1, computed
here (Gregorian Easter by the anonymous algorithm, fixed days by date) with
the French names of the ``holidays`` package, which stays the reference: a
test proves the two equal for every year and variant (``tests/test_calendar_reference.py``).
1 January, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July,
15 August, 1 November, 11 November, 25 December. In départements 57, 67 and
68 (Alsace-Moselle) 26 December and Good Friday are added (Good Friday by a
policy switch, RULES.md ambiguity 15). Whit Monday can be treated as worked
(``journée de solidarité``) by a policy switch.

Units:

- ``jours``: calendar days;
- ``jours ouvrés``: Monday to Friday, less public holidays;
- ``jours ouvrables``: Monday to Saturday, less public holidays (the French
  labour-law meaning; regulation 1182/71 uses the word for Monday–Friday);
- ``heures``: real elapsed hours in Europe/Paris, across daylight-saving changes;
- ``mois``: from date to same date (``de quantième à quantième``).

Working-day arithmetic is precomputed once per calendar variant, on first
use (a few milliseconds: sorted tables of working days from 2008 to 2100) and
answered by bisection: adding N working days never loops day by day.

A ``datetime`` given where a day is meant stands for its day in Paris (a naive
one is Paris wall time), in every method of :class:`WorkingCalendar`, as in
:func:`compute_period`.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import compress
from zoneinfo import ZoneInfo

from .errors import CalendarRangeError, InputError
from .frenchtext import plural

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.timezone.utc

#: Years for which the calendar is trusted. Outside them it raises rather than
#: compute a date with missing or anachronistic holidays. 2008: the first year
#: of the current regime (from 2005 to 2007 Whit Monday was by law the
#: "journée de solidarité", and ``holidays`` leaves it out of those years).
FIRST_YEAR = 2008
LAST_YEAR = 2100

#: Départements with the Alsace-Moselle local law, and the ``holidays`` subdivision of each.
ALSACE_MOSELLE = {"57": "57", "67": "6AE", "68": "6AE"}

#: Every département code accepted by the calendar: metropolitan ``01``–``95`` with
#: ``2A``/``2B`` (no ``20``), and overseas ``971``–``976``. Anything else is refused.
DEPARTEMENTS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    + [str(n) for n in range(971, 977)])

_DEPARTEMENT_EXPECTED = ("un code de département en texte, ex. « 21 », « 57 », « 2A », "
                         "« 971 » (57, 67 et 68 : jours fériés d'Alsace-Moselle)")


def check_departement(value: object, field: str = "departement") -> str | None:
    """``value`` if it is None or a known département code, else an :class:`InputError`."""
    if value is None or (type(value) is str and value in DEPARTEMENTS):
        return value
    raise InputError(field, _DEPARTEMENT_EXPECTED, "code de département inconnu")


def _require_bool(value: object, field: str) -> bool:
    if type(value) is not bool:
        raise InputError(field, "oui ou non (un booléen True/False)")
    return value


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    h = (19 * a + b - b // 4 - (b - (b + 8) // 25 + 1) // 3 + 15) % 30
    l_ = (32 + 2 * (b % 4) + 2 * (c // 4) - h - c % 4) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


#: Fixed public holidays (month, day, French name as in ``holidays``).
_FIXED = ((1, 1, "Jour de l'an"), (5, 1, "Fête du Travail"), (5, 8, "Fête de la Victoire"),
          (7, 14, "Fête nationale"), (8, 15, "Assomption"), (11, 1, "Toussaint"),
          (11, 11, "Armistice"), (12, 25, "Noël"))


def french_holidays(year: int, *, alsace_moselle: bool = False, whit_monday_worked: bool = False,
                    good_friday_holiday: bool = True) -> dict[dt.date, str]:
    """The public holidays of one year, date → French name (L3133-1, and L3134-13 in 57/67/68)."""
    days = {dt.date(year, m, d): name for m, d, name in _FIXED}
    e = easter_sunday(year).toordinal()
    movable = [(e + 1, "Lundi de Pâques"), (e + 39, "Ascension")]
    if not whit_monday_worked:
        movable.append((e + 50, "Lundi de Pentecôte"))
    if alsace_moselle:
        days[dt.date(year, 12, 26)] = "Saint-Étienne"
        if good_friday_holiday:
            movable.append((e - 2, "Vendredi saint"))
    for o, name in movable:
        d = dt.date.fromordinal(o)
        other = days.get(d)  # Ascension on 1 or 8 May: both names, as ``holidays`` gives them
        days[d] = "; ".join(sorted((other, name))) if other else name
    return dict(sorted(days.items()))


class Unit(str, enum.Enum):
    """The unit of a contract period, named as the contract names it."""

    CALENDAR_DAYS = "jours"
    JOURS_OUVRES = "jours ouvrés"
    JOURS_OUVRABLES = "jours ouvrables"
    HOURS = "heures"
    MONTHS = "mois"

    def describe(self, amount: int) -> str:
        """``5 jours calendaires``, ``1 jour ouvré``, ``48 heures``, ``1 mois``."""
        if self is Unit.CALENDAR_DAYS:
            return plural(amount, "jour calendaire", "jours calendaires")
        if self is Unit.JOURS_OUVRES:
            return plural(amount, "jour ouvré", "jours ouvrés")
        if self is Unit.JOURS_OUVRABLES:
            return plural(amount, "jour ouvrable", "jours ouvrables")
        if self is Unit.HOURS:
            return plural(amount, "heure")
        return f"{amount} mois"

    @property
    def is_day_unit(self) -> bool:
        return self in (Unit.CALENDAR_DAYS, Unit.JOURS_OUVRES, Unit.JOURS_OUVRABLES)


def in_input_years(year: int) -> bool:
    """Whether a date of this year is accepted as input.

    Input dates keep one year of margin inside the calendar's range, so that
    every deadline computed from them (a month, 10 jours ouvrables…) stays inside it.
    """
    return FIRST_YEAR < year < LAST_YEAR


def require_input_year(value: dt.date, path: str, what: str = "une date") -> None:
    """Raise an :class:`InputError` naming ``path`` when ``value`` is outside the input years."""
    if not FIRST_YEAR < value.year < LAST_YEAR:
        raise InputError(path, f"{what} entre {FIRST_YEAR + 1} et {LAST_YEAR - 1}",
                         "année hors limites")


_BASE = dt.date(FIRST_YEAR, 1, 1).toordinal()
_LAST = dt.date(LAST_YEAR, 12, 31).toordinal()
_OUVRE = 1
_OUVRABLE = 2
_OUVRE_ONLY = bytes(b & _OUVRE for b in range(256))  # flags → 1 for a jour ouvré, else 0


def _day_of(value: object, field: str) -> dt.date:
    """The day a calendar method works on: a date, or the Paris date of a datetime."""
    if isinstance(value, dt.datetime):
        try:
            return to_paris_date(value)
        except (OverflowError, ValueError):
            raise _range_error(field) from None
    if isinstance(value, dt.date):
        return value
    raise InputError(field, "une date (ou une date et heure : son jour à Paris)")


def _range_error(field: str) -> CalendarRangeError:
    return CalendarRangeError(
        field, f"une date entre le 1er janvier {FIRST_YEAR} et le 31 décembre {LAST_YEAR}",
        "date hors des années couvertes par le calendrier des jours fériés")


class WorkingCalendar:
    """Public holidays and working days of metropolitan France (one policy variant).

    Get one with :func:`get_calendar`; its tables are built on first use.
    """

    def __init__(self, departement: str | None = None, whit_monday_worked: bool = False,
                 good_friday_holiday: bool = True):
        self.departement = check_departement(departement)
        self.whit_monday_worked = _require_bool(whit_monday_worked, "whit_monday_worked")
        self.good_friday_holiday = _require_bool(good_friday_holiday, "good_friday_holiday")
        self._holidays: dict[dt.date, str] | None = None
        self._flags = bytearray()
        self._ouvres: list[int] = []
        self._ouvrables: list[int] = []

    def __repr__(self) -> str:
        return (f"WorkingCalendar(departement={self.departement!r}, "
                f"whit_monday_worked={self.whit_monday_worked}, "
                f"good_friday_holiday={self.good_friday_holiday})")

    def __reduce__(self):
        # Pickled by its key, never by its tables: a Deadline or a CaseEvaluation that
        # refers to a calendar stays small, and unpickles to the shared cached calendar.
        return (get_calendar, (self.departement, self.whit_monday_worked,
                               self.good_friday_holiday))

    # -- tables -------------------------------------------------------------

    def _build(self) -> None:
        alsace = self.departement in ALSACE_MOSELLE
        days: dict[dt.date, str] = {}
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            days.update(french_holidays(year, alsace_moselle=alsace,
                                        whit_monday_worked=self.whit_monday_worked,
                                        good_friday_holiday=self.good_friday_holiday))
        size = _LAST - _BASE + 1
        first = (_BASE - 1) % 7  # weekday of the first day (date.fromordinal(1) is a Monday)
        week = bytes((3, 3, 3, 3, 3, 2, 0))  # _OUVRE | _OUVRABLE Monday–Friday, Saturday ouvrable
        flags = bytearray((week[first:] + week[:first]) * (size // 7 + 1))[:size]
        for d in days:
            flags[d.toordinal() - _BASE] = 0
        days_range = range(_BASE, _LAST + 1)
        self._ouvres = list(compress(days_range, flags.translate(_OUVRE_ONLY)))
        self._ouvrables = []  # on the first need of jours ouvrables (issue 13: cold start)
        self._flags = flags
        self._holidays = days

    def _ordinal(self, d: dt.date, field: str = "date") -> int:
        if self._holidays is None:
            self._build()
        if type(d) is not dt.date:
            d = _day_of(d, field)
        o = d.toordinal()
        if not _BASE <= o <= _LAST:
            raise _range_error(field)
        return o

    def _table(self, unit: Unit) -> list[int]:
        if unit is Unit.JOURS_OUVRES:
            return self._ouvres
        if unit is Unit.JOURS_OUVRABLES:
            return self._ouvrables or self._build_ouvrables()
        raise InputError("unit", "« jours ouvrés » ou « jours ouvrables »")

    def _build_ouvrables(self) -> list[int]:
        if self._holidays is None:
            self._build()
        self._ouvrables = list(compress(range(_BASE, _LAST + 1), self._flags))
        return self._ouvrables

    # -- questions about one day ---------------------------------------------

    def holidays(self, year: int) -> dict[dt.date, str]:
        """The public holidays of a year, date → French name."""
        if isinstance(year, bool) or not isinstance(year, int) or \
                not FIRST_YEAR <= year <= LAST_YEAR:
            raise _range_error("year")
        if self._holidays is None:
            self._build()
        return {d: n for d, n in sorted(self._holidays.items()) if d.year == year}

    def holiday_name(self, d: dt.date) -> str | None:
        """The French name of the public holiday on ``d``, or None."""
        o = self._ordinal(d)
        if self._flags[o - _BASE]:
            return None  # a working day (ouvrable) is no holiday
        assert self._holidays is not None
        return self._holidays.get(dt.date.fromordinal(o))

    def is_holiday(self, d: dt.date) -> bool:
        return self.holiday_name(d) is not None

    def is_jour_ouvre(self, d: dt.date) -> bool:
        """Monday–Friday and not a public holiday."""
        o = self._ordinal(d)  # first: builds the tables
        return bool(self._flags[o - _BASE] & _OUVRE)

    def is_jour_ouvrable(self, d: dt.date) -> bool:
        """Monday–Saturday and not a public holiday."""
        o = self._ordinal(d)  # first: builds the tables
        return bool(self._flags[o - _BASE] & _OUVRABLE)

    def is_working_day(self, d: dt.date, unit: Unit = Unit.JOURS_OUVRES) -> bool:
        self._table(unit)
        if unit is Unit.JOURS_OUVRABLES:
            return self.is_jour_ouvrable(d)
        return self.is_jour_ouvre(d)

    def why_not_working(self, d: dt.date) -> str | None:
        """Why ``d`` is not a jour ouvré (``samedi``, ``dimanche``, ``férié : Noël``)."""
        name = self.holiday_name(d)
        if name:
            return f"jour férié ({name})"
        weekday = (self._ordinal(d) - 1) % 7
        if weekday == 5:
            return "samedi"
        if weekday == 6:
            return "dimanche"
        return None

    # -- arithmetic -----------------------------------------------------------

    def add_working_days(self, d: dt.date, n: int, unit: Unit = Unit.JOURS_OUVRES,
                         field: str = "date") -> dt.date:
        """The ``n``-th working day after ``d`` (``d`` itself is not counted).

        A negative ``n`` counts backward: the ``|n|``-th working day before ``d``.
        ``n == 0`` returns the day ``d`` (the Paris date of a datetime).
        """
        # Inlined _ordinal/_table: this is the hot path of every working-day deadline.
        if self._holidays is None:
            self._build()
        if type(d) is not dt.date:
            d = _day_of(d, field)
        if type(n) is not int:
            raise InputError("n", "un nombre entier de jours")
        o = d.toordinal()
        if not _BASE <= o <= _LAST:
            raise _range_error(field)
        if unit is Unit.JOURS_OUVRES:
            table = self._ouvres
        elif unit is Unit.JOURS_OUVRABLES:
            table = self._ouvrables or self._build_ouvrables()
        else:
            table = self._table(unit)
        if n > 0:
            i = bisect_right(table, o) + n - 1
        elif n < 0:
            i = bisect_left(table, o) + n
        else:
            return d
        if not 0 <= i < len(table):
            raise _range_error(field)
        return dt.date.fromordinal(table[i])

    def count_working_days(self, start: dt.date, end: dt.date,
                           unit: Unit = Unit.JOURS_OUVRES) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        a, b = self._ordinal(start, "start"), self._ordinal(end, "end")  # builds the tables
        table = self._table(unit)
        return bisect_right(table, b) - bisect_right(table, a)

    def next_working_day(self, d: dt.date, unit: Unit = Unit.JOURS_OUVRES,
                         inclusive: bool = False) -> dt.date:
        """The first working day after ``d`` (or ``d`` itself when ``inclusive`` and it is one)."""
        o = self._ordinal(d)
        table = self._table(unit)
        i = bisect_left(table, o) if _require_bool(inclusive, "inclusive") \
            else bisect_right(table, o)
        if i >= len(table):
            raise _range_error("date")
        return dt.date.fromordinal(table[i])

    def previous_working_day(self, d: dt.date, unit: Unit = Unit.JOURS_OUVRES,
                             inclusive: bool = False) -> dt.date:
        """The last working day before ``d`` (or ``d`` itself when ``inclusive`` and it is one)."""
        o = self._ordinal(d)
        table = self._table(unit)
        i = (bisect_right(table, o) if _require_bool(inclusive, "inclusive")
             else bisect_left(table, o)) - 1
        if i < 0:
            raise _range_error("date")
        return dt.date.fromordinal(table[i])


@functools.cache
def _cached_calendar(departement: str | None, whit_monday_worked: bool,
                     good_friday_holiday: bool) -> WorkingCalendar:
    return WorkingCalendar(departement, whit_monday_worked, good_friday_holiday)


def get_calendar(departement: str | None = None, whit_monday_worked: bool = False,
                 good_friday_holiday: bool = True) -> WorkingCalendar:
    """The (shared, cached) calendar for a département and the holiday policies.

    Only Alsace-Moselle (57, 67, 68) changes the holidays; every other known
    département shares the metropolitan calendar, and an unknown or malformed
    code (``057``, ``99``, free text) is refused with an :class:`InputError`.
    ``whit_monday_worked`` (default False) treats Whit Monday as worked;
    ``good_friday_holiday`` (default True, RULES.md ambiguity 15) makes Good
    Friday a holiday in the whole of 57/67/68 (Code du travail L3134-13 limits it
    to communes with a Protestant temple or a mixed church); False: not a holiday.
    """
    if departement is None and whit_monday_worked is False and good_friday_holiday is True:
        return _METROPOLITAN  # the common case, on every deadline() call
    check_departement(departement)
    _require_bool(whit_monday_worked, "whit_monday_worked")
    _require_bool(good_friday_holiday, "good_friday_holiday")
    if departement in ALSACE_MOSELLE:
        return _cached_calendar(departement, whit_monday_worked, good_friday_holiday)
    return _cached_calendar(None, whit_monday_worked, True)


#: The metropolitan calendar (its tables are built on first use, not at import).
_METROPOLITAN = _cached_calendar(None, False, True)


# --- periods (CCAG FCS 2021 art. 3.2) ----------------------------------------

class Period:
    """The end of one period, with the facts needed to explain it.

    Built by :func:`compute_period`; ``end`` is a date for day and month
    periods and an aware Europe/Paris datetime for hour periods.
    """

    __slots__ = ("amount", "backward", "calendar", "end", "moved", "raw_end", "start", "unit")

    def __init__(self, start, amount, unit, raw_end, end, moved, backward, calendar):
        self.start = start
        self.amount = amount
        self.unit = unit
        self.raw_end = raw_end
        self.end = end
        self.moved = moved
        self.backward = backward
        self.calendar = calendar

    def explain(self) -> list[str]:
        """The French steps of the computation (built only when asked for)."""
        from .frenchtext import format_date, format_datetime

        cal = self.calendar
        what = self.unit.describe(self.amount)
        if self.unit is Unit.HOURS:
            sign = "avant" if self.backward else "à compter de"
            steps = [f"{what} {sign} l'instant exact, en heure de Paris, en temps réellement "
                     f"écoulé (changements d'heure compris), sans prolongation "
                     f"(règlement 1182/71, art. 3 § 4) → {format_datetime(self.end)}"]
            offset_start = self.start.astimezone(PARIS).utcoffset()
            offset_end = self.end.utcoffset()
            if offset_start != offset_end:
                steps.append("un changement d'heure a lieu pendant le délai : l'heure légale "
                             "de l'échéance en tient compte")
            return steps
        if self.backward:
            steps = [f"{what} avant le {format_date(self.start)}, de quantième à quantième "
                     f"(CPC art. 641) → {format_date(self.raw_end)}"
                     if self.unit is Unit.MONTHS else
                     f"{what} avant le {format_date(self.start)} → {format_date(self.raw_end)}"]
            if self.moved:
                steps.append(f"{format_date(self.raw_end)} : {cal.why_not_working(self.raw_end)}, "
                             f"ramené au jour ouvré précédent → {format_date(self.end)}")
            else:
                steps.append("délai compté à rebours : jamais prolongé vers l'avant")
            return steps
        if self.unit is Unit.MONTHS:
            counted = self._counted_end()
            first = (f"{what} de quantième à quantième (CPC art. 641) à compter du "
                     f"{format_date(self.start)} → {format_date(counted)}")
            if counted.day != self.start.day:
                first += " (pas de même quantième dans ce mois : dernier jour du mois)"
        else:
            first = (f"{what} à compter du lendemain (CCAG FCS 2021, art. 3.2), soit du "
                     f"{format_date(self.start + dt.timedelta(days=1))} → "
                     f"{format_date(self._counted_end())}")
        steps = [first, *self._pause_steps()]
        reason = cal.why_not_working(self.raw_end)
        if self.moved:
            steps.append(f"{format_date(self.raw_end)} : {reason} ; délai prolongé au premier "
                         f"jour ouvré suivant (CCAG FCS 2021, art. 3.2) → {format_date(self.end)}")
        elif reason:
            steps.append(f"{format_date(self.raw_end)} : {reason} ; prolongation désactivée "
                         f"par la politique choisie")
        else:
            steps.append(f"{format_date(self.end)}, jour ouvré : pas de prolongation")
        return steps

    def _counted_end(self) -> dt.date:
        """The last day of the count before any pause (see :class:`PausedPeriod`)."""
        return self.raw_end

    def _pause_steps(self) -> list[str]:
        return []


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` plus ``months`` months, "de quantième à quantième" (CPC art. 641).

    With no such day in the final month, the last day of that month
    (31 January + 1 month = 28 or 29 February).
    """
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _DAYS_IN_MONTH[month - 1] + (
        month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    return dt.date(year, month, min(d.day, last))


def to_paris_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar day of a date or instant, in Paris (naive datetimes are taken as Paris time)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(PARIS).date()
        return value.date()
    return value


def compute_period(
    calendar: WorkingCalendar,
    start: dt.date | dt.datetime,
    amount: int,
    unit: Unit,
    *,
    backward: bool = False,
    extend_to_working_day: bool = True,
    backward_to_working_day: bool = False,
    field: str = "trigger",
    pauses: Sequence[tuple[dt.date, dt.date]] = (),
) -> Period:
    """The end of a period of ``amount`` ``unit`` from ``start``, per CCAG FCS 2021 art. 3.2.

    - days: counted from the day after ``start``; a last day that is a
      Saturday, Sunday or public holiday is extended to the next jour ouvré
      (``extend_to_working_day``);
    - months: from date to same date, or the last day of a shorter month;
      extended like days;
    - hours: from the exact instant (an aware datetime), in real elapsed time,
      never extended;
    - ``backward`` (``au moins un mois avant``): never extended forward; with
      ``backward_to_working_day`` the date moves back to the previous jour ouvré;
    - ``pauses``: inclusive ``(first day, last day)`` intervals during which the
      clock stops (a suspension): the days of the period's unit that fall in a
      pause are not counted, so the end moves later by as many days of that
      unit (calendar days for months); then the working-day extension applies.
      Forward periods in days or months only. See :func:`_push_by_pauses`.
    """
    if unit is Unit.HOURS:
        if pauses:
            raise InputError("pauses", "aucune suspension pour un délai en heures")
        if not isinstance(start, dt.datetime) or start.tzinfo is None or start.utcoffset() is None:
            raise InputError(field, "une date et heure avec fuseau horaire, ex. "
                                    "« 2025-05-02T14:30:00+02:00 » (délai en heures)")
        delta = dt.timedelta(hours=-amount if backward else amount)
        utc = start.astimezone(UTC)
        end = (utc + delta).astimezone(PARIS)
        if not FIRST_YEAR <= end.year <= LAST_YEAR or not FIRST_YEAR <= utc.year <= LAST_YEAR:
            raise _range_error(field)
        # ``start`` is kept as sent; explain() and callers convert it to Paris time.
        return Period(start, amount, unit, end, end, False, backward, calendar)

    # Hot path of every deadline(): ordinals and the precomputed tables, no day loop.
    day = start if type(start) is dt.date else _day_of(start, field)
    if calendar._holidays is None:
        calendar._build()
    o = day.toordinal()
    if not _BASE <= o <= _LAST:
        raise _range_error(field)
    if unit is Unit.CALENDAR_DAYS:
        ro = o - amount if backward else o + amount
    elif unit is Unit.MONTHS:
        ro = add_months(day, -amount if backward else amount).toordinal()
    elif amount == 0:
        ro = o
    else:
        table = calendar._table(unit)
        i = bisect_left(table, o) - amount if backward else bisect_right(table, o) + amount - 1
        if not 0 <= i < len(table):
            raise _range_error(field)
        ro = table[i]
    if pauses:
        if backward:
            raise InputError("pauses", "aucune suspension pour un délai compté à rebours")
        counted = ro
        ro, applied = _push_by_pauses(calendar, o, ro, unit, pauses)
    if not _BASE <= ro <= _LAST:
        raise _range_error(field)
    eo = ro
    if not calendar._flags[ro - _BASE] & _OUVRE:
        ouvres = calendar._ouvres
        if backward:
            if backward_to_working_day:
                i = bisect_left(ouvres, ro) - 1
                if i < 0:
                    raise _range_error(field)
                eo = ouvres[i]
        elif extend_to_working_day:
            i = bisect_left(ouvres, ro)
            if i >= len(ouvres):
                raise _range_error(field)
            eo = ouvres[i]
    raw = dt.date.fromordinal(ro)
    end = raw if eo == ro else dt.date.fromordinal(eo)
    if pauses:
        return PausedPeriod(day, amount, unit, raw, end, end != raw, backward, calendar,
                            dt.date.fromordinal(counted), applied)
    return Period(day, amount, unit, raw, end, end != raw, backward, calendar)


# --- pauses, weeks, months and contract durations (case timeline and lot report, issue 5) ---

class PausedPeriod(Period):
    """A period whose clock stopped during pauses (suspensions); see :func:`compute_period`.

    ``counted_end`` is the last day of the count without pauses; ``paused``
    lists, for each pause that moved the end, ``(first day, last day, days of
    the unit not counted, end after this pause)``.
    """

    __slots__ = ("counted_end", "paused")

    def __init__(self, start, amount, unit, raw_end, end, moved, backward, calendar,
                 counted_end, paused):
        super().__init__(start, amount, unit, raw_end, end, moved, backward, calendar)
        self.counted_end = counted_end
        self.paused = tuple(paused)

    def _counted_end(self) -> dt.date:
        return self.counted_end

    def _pause_steps(self) -> list[str]:
        from .frenchtext import format_date

        unit = Unit.CALENDAR_DAYS if self.unit is Unit.MONTHS else self.unit
        return [f"suspension du {format_date(first)} au {format_date(last)} : "
                f"{unit.describe(skipped)} non décompté{'s' if skipped > 1 else ''} "
                f"→ {format_date(after)}"
                for first, last, skipped, after in self.paused]


def _merge_pauses(pauses: Sequence[tuple[dt.date, dt.date]]) -> list[tuple[int, int]]:
    """Pauses as sorted, disjoint ``(first, last)`` ordinals; overlapping or touching ones merge."""
    spans = []
    for i, pause in enumerate(pauses):
        try:
            first, last = pause
        except (TypeError, ValueError):
            raise InputError(f"pauses[{i}]", "un couple (premier jour, dernier jour)") from None
        if type(first) is not dt.date or type(last) is not dt.date:
            raise InputError(f"pauses[{i}]", "deux dates (premier jour, dernier jour)")
        if last < first:
            raise InputError(f"pauses[{i}]", "un dernier jour postérieur ou égal au premier",
                             "intervalle inversé")
        a, b = first.toordinal(), last.toordinal()
        if not (_BASE <= a <= _LAST and _BASE <= b <= _LAST):
            raise _range_error(f"pauses[{i}]")
        spans.append((a, b))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + 1:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _push_by_pauses(calendar: WorkingCalendar, o: int, ro: int, unit: Unit,
                    pauses: Sequence[tuple[dt.date, dt.date]]) -> tuple[int, list]:
    """Move the last counted day ``ro`` of a period starting after day ``o`` past the pauses.

    The period counts days of ``unit`` from the day after ``o``. Walking the
    pauses in order, the days of the unit that a pause hides inside the
    current reach (from the day after ``o`` up to the current end) are counted
    again after the later of the pause's last day and the current end. A pause
    that begins after the current end does not matter; a pause that the move
    brings inside the reach does, as the walk goes on. Months count their
    pauses in calendar days.
    """
    applied = []
    by_days = unit in (Unit.CALENDAR_DAYS, Unit.MONTHS)
    table = None if by_days else calendar._table(unit)
    for a, b in _merge_pauses(pauses):
        if b <= o:
            continue
        a = max(a, o + 1)
        if a > ro:
            break
        if by_days:
            skipped = min(b, ro) - a + 1
            new = max(ro, b) + skipped
        else:
            skipped = bisect_right(table, min(b, ro)) - bisect_left(table, a)
            if not skipped:
                continue
            i = bisect_right(table, max(ro, b)) + skipped - 1
            if i >= len(table):
                raise _range_error("pauses")
            new = table[i]
        if new > _LAST:
            raise _range_error("pauses")
        applied.append((dt.date.fromordinal(a), dt.date.fromordinal(b), skipped,
                        dt.date.fromordinal(new)))
        ro = new
    return ro, applied


def week_bounds(d: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of the week (ISO, Monday first) containing ``d``."""
    monday = d - dt.timedelta(days=d.weekday())
    return monday, monday + dt.timedelta(days=6)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every calendar month that ``[first, last]`` touches, in order."""
    months: list[dt.date] = []
    if last < first:
        return months
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def month_end(d: dt.date) -> dt.date:
    """The last day of the calendar month of ``d``."""
    return add_months(d.replace(day=1), 1) - dt.timedelta(days=1)


def duration_end(start: dt.date, months: int) -> dt.date:
    """The last day of a duration of ``months`` months that begins on (and includes) ``start``.

    Counted "de quantième à quantième" (CPC art. 641): the duration ends at
    24:00 on the eve of the same date ``months`` months later — 24 months from
    1 March 2025 end on 28 February 2027, 12 months from 1 March 2027 on
    29 February 2028 —; when the final month has no such date, on its last
    day (one month from 31 January ends on 28 or 29 February). No working-day
    extension: this is the length of a contract, not a time limit for an act.
    """
    same_date = add_months(start, months)
    if same_date.day != start.day:
        return same_date
    return same_date - dt.timedelta(days=1)


def successive_durations(start: dt.date, months: Sequence[int]) -> list[tuple[dt.date, dt.date]]:
    """Back-to-back durations of ``months[i]`` months, each beginning the day after the last.

    ``(first day, last day)`` of each, both included (see :func:`duration_end`): an
    initial term of 24 months from 1 March 2025 then two renewals of 12 months give
    1 March 2025 – 28 February 2027, 1 March 2027 – 29 February 2028, 1 March 2028 –
    28 February 2029.
    """
    spans = []
    first = start
    for n in months:
        last = duration_end(first, n)
        spans.append((first, last))
        first = last + dt.timedelta(days=1)
    return spans


def paris_midnight(d: dt.date) -> dt.datetime:
    """0:00 in Paris at the start of ``d`` (an aware datetime)."""
    return dt.datetime(d.year, d.month, d.day, tzinfo=PARIS)


def next_paris_midnight(d: dt.date) -> dt.datetime:
    """0:00 in Paris at the start of the day after ``d``: the end (24:00) of ``d``."""
    return paris_midnight(d + dt.timedelta(days=1))


def end_of_paris_day(d: dt.date) -> dt.datetime:
    """The last instant of ``d`` in Paris (23:59:59.999999): "as of that day"."""
    return next_paris_midnight(d) - dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_DAY_END_US: dict[dt.date, int] = {}


def day_end_us(d: dt.date) -> int:
    """The last microsecond of ``d`` in Paris, as whole microseconds since the epoch (cached)."""
    end = _DAY_END_US.get(d)
    if end is None:
        end = _DAY_END_US[d] = (next_paris_midnight(d) - _EPOCH) // dt.timedelta(
            microseconds=1) - 1
    return end


def days_between(first: dt.date, last: dt.date) -> int:
    """The number of days from ``first`` to ``last``, both included (0 if ``last < first``)."""
    return max(0, (last - first).days + 1)


# --- ages and instants (eligibility and programme checks, issue 3) ----------

def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` of a person born on ``birth``.

    A year is completed on the anniversary of the birth date. A person born
    on 29 February completes a year on 1 March in a non-leap year: 28 February
    is still before the anniversary (the prudent reading: nobody is counted as
    of age before the whole day of birth has come round).

    >>> age_on(dt.date(2007, 5, 15), dt.date(2025, 5, 15))
    18
    >>> age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28))
    17
    """
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def to_utc(value: dt.datetime) -> dt.datetime:
    """An instant in UTC; a naive datetime is read as Europe/Paris wall time.

    An ambiguous wall time (the repeated hour of the autumn change) is taken
    at its first occurrence; a wall time skipped in spring is read with the
    winter offset (``zoneinfo`` with ``fold=0``).
    """
    tz = value.tzinfo
    if type(tz) is not dt.timezone and (tz is None or value.utcoffset() is None):
        value = value.replace(tzinfo=PARIS, fold=0)
    return value.astimezone(UTC)


def elapsed_interval(start: dt.datetime, hours: float) -> tuple[dt.datetime, dt.datetime]:
    """``(start, end)`` in UTC of something lasting ``hours`` real hours from ``start``."""
    begin = to_utc(start)
    return begin, begin + _ONE_HOUR * hours


_ONE_HOUR = dt.timedelta(hours=1)
