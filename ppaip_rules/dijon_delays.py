"""The delays of the Dijon contract's deadlines, as plain data (issue 13: cold start).

The one place where these figures are written (CCTP 3, 6.1-2, 6.1-3, 6.2 B, 6.4, 6.6,
6.7): :data:`ppaip_rules.parameters.DIJON` builds its ``delays`` from this table. A leaf
(it imports only the calendar's :class:`Unit`): the first :func:`~ppaip_rules.deadline`
of a process, under the default contract, reads its delay here and imports neither attrs
nor the contract parameters. A variant contract changes its delays in its parameter file,
not here.
"""

from __future__ import annotations

from .calendar import Unit

#: rule ID → (amount, unit): the delays of the Dijon contract (``DIJON.delays``).
DIJON_DEADLINE_DELAYS: dict[str, tuple[int, Unit]] = {
    "PROG-FIRST-MEETING": (5, Unit.CALENDAR_DAYS),
    "PROG-START": (5, Unit.CALENDAR_DAYS),
    "PROG-CALENDAR-CHANGE": (48, Unit.HOURS),
    "REFUSAL-48H": (48, Unit.HOURS),
    "RUN-INTERRUPTION-48H": (48, Unit.HOURS),
    "END-BILAN-IND": (5, Unit.JOURS_OUVRES),
    "END-BILAN-COLL": (10, Unit.JOURS_OUVRES),
    "STAFF-REPLACE": (10, Unit.JOURS_OUVRABLES),
    "STAFF-ACCESS": (1, Unit.MONTHS),
}
