"""Every deadline of the contract, as data, and their computation.

Each deadline is a rule of the registry (subject ``deadline``): what triggers
it, what act must happen, in which direction it counts; its amount and unit
are contract parameters (:attr:`ContractParameters.delays`). The arithmetic
is the calendar's (:func:`ppaip_rules.calendar.compute_period`).

    >>> d = deadline("PROG-FIRST-MEETING", date(2025, 5, 2))
    >>> d.due
    datetime.date(2025, 5, 7)
    >>> print("\\n".join(d.trace))   # doctest: +SKIP
    Prescription reçue le vendredi 2 mai 2025.
    5 jours calendaires à compter du lendemain (CCAG FCS 2021, art. 3.2), soit du samedi 3 mai 2025 → mercredi 7 mai 2025
    mercredi 7 mai 2025, jour ouvré : pas de prolongation
    Premier entretien dû au plus tard le mercredi 7 mai 2025.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from .calendar import PARIS, UTC, Period, Unit, compute_period, get_calendar, to_paris_date
from .errors import InputError
from .frenchtext import format_date, format_moment, plural
from .model import VIOLATION, Example, Finding, Flag, Report, Rule, register
from .parameters import DIJON, ContractParameters
from .parsing import as_date_or_datetime, check_instant, require_switch


@attrs.frozen
class DeadlineSpec:
    """What a contract deadline is about; its length is a contract parameter."""

    rule_id: str
    clause: str
    title: str          # French, "{delay}" stands for the contract's delay ("sous {delay}")
    trigger: str        # French: the event that starts the period ("Prescription reçue")
    act: str            # French: what must happen ("Premier entretien")
    backward: bool = False
    interpretation: str | None = None


SPECS: dict[str, DeadlineSpec] = {s.rule_id: s for s in (
    DeadlineSpec("PROG-FIRST-MEETING", "CCTP 6.1-2", "Premier entretien sous {delay}",
                 "Prescription reçue", "Premier entretien",
                 interpretation="« Dans un délai de 5 jours » : jours calendaires à compter du "
                                "lendemain de la réception, prolongés au premier jour ouvré "
                                "suivant (CCAG FCS 2021, art. 3.2)."),
    DeadlineSpec("PROG-START", "CCTP 6.1-3", "Démarrage du programme sous {delay}",
                 "Programme validé par le CPIP", "Démarrage du programme",
                 interpretation="Jours calendaires prolongés au premier jour ouvré ; les jours "
                                "de suspension ne comptent pas (voir le suivi de parcours)."),
    DeadlineSpec("PROG-CALENDAR-CHANGE", "CCTP 6.4",
                 "Modification du calendrier communiquée sous {delay}",
                 "Modification du calendrier décidée",
                 "Communication au CPIP et au bénéficiaire",
                 interpretation="Les 48 heures courent à partir de la décision de modifier."),
    DeadlineSpec("REFUSAL-48H", "CCTP 3",
                 "Impossibilité de suivi signalée sous {delay}",
                 "Fin du premier entretien individuel",
                 "Signalement motivé au CPIP",
                 interpretation="Les 48 heures courent à partir de la fin du premier entretien."),
    DeadlineSpec("RUN-INTERRUPTION-48H", "CCTP 6.2 B",
                 "Parcours interrompu signalé sous {delay}",
                 "Parcours interrompu", "Signalement au CPIP"),
    DeadlineSpec("END-BILAN-IND", "CCTP 6.6, 6.9", "Bilan individuel sous {delay}",
                 "Dernier entretien individuel", "Remise du bilan final",
                 interpretation="6.6 (« 5 jours ouvrés suivant le dernier entretien "
                                "individuel ») prévaut sur 6.9 (« sous 5 jours »)."),
    DeadlineSpec("END-BILAN-COLL", "CCTP 6.6, 6.9", "Bilan d'atelier sous {delay}",
                 "Fin de l'atelier collectif", "Remise du bilan d'atelier"),
    DeadlineSpec("STAFF-REPLACE", "CCTP 6.7", "Remplacement sous {delay}",
                 "Départ ou absence de l'intervenant", "Remplacement de l'intervenant",
                 interpretation="Jours ouvrables au sens du droit du travail français : du "
                                "lundi au samedi, hors jours fériés."),
    DeadlineSpec("STAFF-ACCESS", "CCTP 6.7",
                 "Demande d'accès au moins {delay} avant le démarrage",
                 "Démarrage de l'intervention", "Dépôt de la demande d'autorisation d'accès",
                 backward=True,
                 interpretation="Compté à rebours de quantième à quantième, jamais prolongé "
                                "vers l'avant."),
)}

_REQUIREMENTS = {
    "PROG-FIRST-MEETING": "Le titulaire rencontre une première fois la personne dans un délai "
                          "de {delay} à compter de la réception de la prescription du SPIP.",
    "PROG-START": "Une fois la proposition validée par le CPIP, le programme démarre dans un "
                  "délai de {delay}.",
    "PROG-CALENDAR-CHANGE": "Toute modification du calendrier est communiquée au CPIP référent "
                            "et au bénéficiaire dans un délai de {delay}.",
    "REFUSAL-48H": "Une personne dont le suivi ne peut pas être réalisé est signalée, avec un "
                   "motif, au CPIP référent dans les {delay} suivant le premier entretien "
                   "individuel.",
    "RUN-INTERRUPTION-48H": "Tout parcours interrompu, individuel ou collectif, est signalé au "
                            "CPIP référent dans les {delay}.",
    "END-BILAN-IND": "Le bilan final est remis au bénéficiaire et au CPIP référent dans les "
                     "{delay} suivant le dernier entretien individuel.",
    "END-BILAN-COLL": "Le bilan d'un atelier collectif est remis dans les {delay} suivant la "
                      "fin de l'atelier.",
    "STAFF-REPLACE": "Tout changement de personnel ou absence programmée ou prolongée est "
                     "signalé à la DISP, au SPIP et à l'établissement, et l'intervenant est "
                     "remplacé dans un délai de {delay}.",
    "STAFF-ACCESS": "La demande d'accès d'un intervenant, avec une pièce d'identité, est faite "
                    "au moins {delay} avant le démarrage ; un casier judiciaire vierge est "
                    "nécessaire.",
}

_EXAMPLES = {
    "PROG-FIRST-MEETING": (
        ("Prescription reçue le vendredi 2 mai 2025, premier entretien le 7 mai",
         "2025-05-02", "2025-05-07", False),
        ("Prescription reçue le vendredi 2 mai 2025, premier entretien le 9 mai",
         "2025-05-02", "2025-05-09", True)),
    "PROG-START": (
        ("Validation le jeudi 1er mai 2025 : échéance le mardi 6 mai ; démarrage le 7 mai",
         "2025-05-01", "2025-05-07", True),),
    "PROG-CALENDAR-CHANGE": (
        ("Modification décidée le samedi 25 octobre 2025 à 10 h, communiquée le 27 à 10 h "
         "(changement d'heure dans la nuit du 25 au 26)",
         "2025-10-25T10:00:00+02:00", "2025-10-27T10:00:00+01:00", True),),
    "REFUSAL-48H": (
        ("Premier entretien terminé le lundi 3 mars 2025 à 11 h, signalement le 5 à 10 h",
         "2025-03-03T11:00:00+01:00", "2025-03-05T10:00:00+01:00", False),),
    "RUN-INTERRUPTION-48H": (
        ("Parcours interrompu le vendredi 4 juillet 2025 à 16 h, signalé le lundi 7 à 9 h",
         "2025-07-04T16:00:00+02:00", "2025-07-07T09:00:00+02:00", True),),
    "END-BILAN-IND": (
        ("Dernier entretien le mercredi 7 mai 2025 (8 mai férié) : bilan remis le jeudi "
         "15 mai, dernier jour", "2025-05-07", "2025-05-15", False),
        ("Dernier entretien le mercredi 7 mai 2025 : bilan remis le vendredi 16 mai",
         "2025-05-07", "2025-05-16", True)),
    "END-BILAN-COLL": (
        ("Atelier terminé le vendredi 19 décembre 2025, bilan le 5 janvier 2026",
         "2025-12-19", "2026-01-05", False),),
    "STAFF-REPLACE": (
        ("Départ le mercredi 30 avril 2025 ; remplacement le lundi 12 mai 2025",
         "2025-04-30", "2025-05-12", False),),
    "STAFF-ACCESS": (
        ("Démarrage le lundi 31 mars 2025 ; demande déposée le 1er mars 2025",
         "2025-03-31", "2025-03-01", True),),
}


def _register_specs() -> None:
    for spec in SPECS.values():
        delay = DIJON.delay(spec.rule_id)
        examples = tuple(
            Example(title, "deadline", {"rule_id": spec.rule_id, "trigger": trig, "act": act},
                    fires=fires)
            for title, trig, act, fires in _EXAMPLES[spec.rule_id])
        register(Rule(
            id=spec.rule_id, clause=spec.clause, severity=VIOLATION,
            title=spec.title.format(delay=delay.describe()),
            requirement=_REQUIREMENTS[spec.rule_id].format(delay=delay.describe()),
            subject="deadline", parameters=("delays",), interpretation=spec.interpretation,
            examples=examples))


_register_specs()


class Deadline:
    """A computed deadline: ``due`` and, on demand, the French ``trace`` of how."""

    __slots__ = ("_trace", "period", "spec")

    def __init__(self, spec: DeadlineSpec, period: Period):
        self.spec = spec
        self.period = period
        self._trace: tuple[str, ...] | None = None

    @property
    def rule_id(self) -> str:
        return self.spec.rule_id

    @property
    def title(self) -> str:
        """The rule's title with this contract's delay (``Premier entretien sous 5 jours …``)."""
        return self.spec.title.format(delay=self.period.unit.describe(self.period.amount))

    @property
    def due(self) -> dt.date | dt.datetime:
        """The last day (a date) or instant (an aware Paris datetime) for the act.

        For a backward period (STAFF-ACCESS), the latest date the act may happen.
        """
        return self.period.end

    @property
    def trace(self) -> tuple[str, ...]:
        if self._trace is None:
            p = self.period
            start, due = format_moment(p.start), format_moment(p.end)
            self._trace = (
                f"{self.spec.trigger} le {start}.",
                *p.explain(),
                f"{self.spec.act} au plus tard le {due}.",
            )
        return self._trace

    def __repr__(self) -> str:
        return f"Deadline({self.spec.rule_id!r}, due={self.due!r})"

    def is_met(self, act: Any) -> bool:
        """Whether an act on this date (day periods) or at this instant (hours) is in time."""
        act = _act_value(act, self.period.unit)
        if self.period.unit is Unit.HOURS:
            # In UTC: two datetimes sharing the Paris tzinfo compare by wall clock.
            return act.astimezone(UTC) <= self.period.end.astimezone(UTC)
        return to_paris_date(act) <= self.period.end

    def precedes_trigger(self, act: Any) -> bool:
        """Whether ``act`` comes before the trigger of a forward deadline (an
        inconsistent record); always False for a backward one (STAFF-ACCESS)."""
        if self.period.backward:
            return False
        act = _act_value(act, self.period.unit)
        start = self.period.start
        if self.period.unit is Unit.HOURS:
            return act.astimezone(UTC) < start.astimezone(UTC)
        return to_paris_date(act) < to_paris_date(start)

    def lateness(self, act: Any) -> str | None:
        """How late an act is, in French (``2 jours de retard``), or None when in time."""
        act = _act_value(act, self.period.unit)
        if self.is_met(act):
            return None
        if self.period.unit is Unit.HOURS:
            late = act.astimezone(UTC) - self.period.end.astimezone(UTC)
            minutes = int(late.total_seconds() // 60)
            hours, minutes = divmod(minutes, 60)
            return f"{hours} h {minutes:02d} de retard" if hours else f"{minutes} min de retard"
        days = (to_paris_date(act) - self.period.end).days
        return f"{plural(days, 'jour')} de retard"

    def flag(self, act: Any | None) -> Flag | None:
        """A flag when ``act`` is late (None: in time); ``act=None`` means not done."""
        if act is None:
            return None
        if self.is_met(act):
            return None
        act = _act_value(act, self.period.unit)
        shown = format_moment(act) if isinstance(act, dt.datetime) and act.tzinfo \
            else format_date(to_paris_date(act))
        due = format_moment(self.due)
        return Flag(
            message=f"{self.spec.act} le {shown}, après l'échéance du {due} "
                    f"({self.lateness(act)}).",
            expected=self.due, found=act, trace=self.trace)

    def to_dict(self) -> dict:
        due = self.due
        return {"rule_id": self.rule_id, "clause": self.spec.clause,
                "trigger": _paris(self.period.start).isoformat(), "due": due.isoformat(),
                "amount": self.period.amount, "unit": self.period.unit.value,
                "backward": self.period.backward, "extended": self.period.moved,
                "trace": list(self.trace)}


def _paris(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    return value.astimezone(PARIS) if isinstance(value, dt.datetime) and value.tzinfo else value


def _act_value(act: Any, unit: Unit) -> dt.date | dt.datetime:
    act = as_date_or_datetime(act, "act")
    if unit is Unit.HOURS and (not isinstance(act, dt.datetime) or act.tzinfo is None
                               or act.utcoffset() is None):
        raise InputError("act", "une date et heure avec fuseau horaire, ex. "
                                "« 2025-05-02T14:30:00+02:00 » (délai en heures)")
    return act


def _trigger_value(trigger: Any) -> dt.date | dt.datetime:
    if type(trigger) is dt.date:
        return trigger
    if isinstance(trigger, dt.datetime):
        return check_instant(trigger, "trigger")
    return as_date_or_datetime(trigger, "trigger")


def deadline(
    rule_id: str,
    trigger: dt.date | dt.datetime | str,
    *,
    params: ContractParameters = DIJON,
    extend_to_working_day: bool = True,
    backward_to_working_day: bool = False,
    whit_monday_worked: bool = False,
    departement: str | None = None,
    pauses: tuple = (),
) -> Deadline:
    """The deadline of ``rule_id`` for an event at ``trigger``.

    ``trigger`` is a date for day and month periods, an aware datetime for hour
    periods (ISO text is accepted). Policy switches:

    - ``extend_to_working_day`` (default True): a period ending on a Saturday,
      Sunday or public holiday ends on the next jour ouvré (CCAG FCS 2021 art. 3.2);
    - ``backward_to_working_day`` (default False): a backward period (STAFF-ACCESS)
      whose date is not a jour ouvré moves back to the previous one;
    - ``whit_monday_worked`` (default False): treat Whit Monday as worked;
    - ``departement``: "57", "67" or "68" adds the Alsace-Moselle holidays;
    - ``pauses``: ``(first day, last day)`` intervals during which the clock
      stops (suspensions, see :func:`~ppaip_rules.calendar.compute_period`).
    """
    spec = SPECS.get(rule_id) if isinstance(rule_id, str) else None
    if spec is None:
        raise InputError("rule_id", "une règle de délai parmi : " + ", ".join(SPECS),
                         "règle de délai inconnue")
    if not isinstance(params, ContractParameters):
        raise InputError("params", "les paramètres d'un contrat (ContractParameters, ex. DIJON)")
    require_switch(extend_to_working_day, "extend_to_working_day")
    require_switch(backward_to_working_day, "backward_to_working_day")
    require_switch(whit_monday_worked, "whit_monday_worked")
    if not isinstance(pauses, (list, tuple)):
        raise InputError("pauses", "une liste d'intervalles (premier jour, dernier jour)")
    delay = params.delays.get(rule_id) or params.delay(rule_id)
    calendar = get_calendar(departement, whit_monday_worked)
    period = compute_period(calendar, _trigger_value(trigger), delay.amount, delay.unit,
                            backward=spec.backward,
                            extend_to_working_day=extend_to_working_day,
                            backward_to_working_day=backward_to_working_day,
                            pauses=pauses)
    return Deadline(spec, period)


def deadline_finding(rule_id: str, trigger: Any, act: Any | None, **policy: Any) -> Finding | None:
    """The finding for an act against its deadline (None when in time or not yet done)."""
    from .model import get_rule

    d = deadline(rule_id, trigger, **policy)
    if act is not None and d.precedes_trigger(act):
        # An act answers its trigger (a bilan follows the last meeting): one dated
        # before it is a data-entry error, neither "in time" nor late (issue 16).
        raise InputError("act", "une date postérieure ou égale à celle de l'événement "
                                "déclencheur (trigger)", "acte antérieur au déclencheur")
    flag = d.flag(act)
    return get_rule(rule_id).finding(flag) if flag else None


#: The keyword options of :func:`deadline` (``check_deadline`` passes them on).
_POLICY = ("params", "extend_to_working_day", "backward_to_working_day", "whit_monday_worked",
           "departement", "pauses")


def check_deadline(rule_id: str, trigger: Any, act: Any, **policy: Any) -> Report:
    """A report on one act against its deadline (the ``deadline`` check kind)."""
    unknown = [name for name in policy if name not in _POLICY]
    if unknown:
        from .parsing import shown_key

        raise InputError(shown_key(unknown[0]), "une option parmi : " + ", ".join(_POLICY),
                         "option inconnue")
    finding = deadline_finding(rule_id, trigger, act, **policy)
    return Report("deadline", (finding,) if finding else (), (rule_id,))
