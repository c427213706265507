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
from typing import TYPE_CHECKING, Any

from .calendar import PARIS, UTC, Period, Unit, compute_period, get_calendar, to_paris_date
from .dijon_delays import DIJON_DEADLINE_DELAYS
from .errors import InputError
from .frenchtext import format_date, format_moment, plural
from .parsing import as_date_or_datetime, check_instant

if TYPE_CHECKING:
    from .model import Finding, Flag, Report, Step
    from .parameters import ContractParameters

# Issue 13 (cold start): a deadline under the default contract imports neither attrs nor
# ppaip_rules.model nor ppaip_rules.parameters. Its delay comes from the plain table
# ppaip_rules.dijon_delays (proved equal to DIJON by a test); the French trace, the
# flags and the reports import the model when they are built; the deadline rules
# register from ppaip_rules.deadline_rules, when the registry loads its areas.


class _DefaultContract:
    """The default ``params`` of :func:`deadline` and :func:`due_dates`: the Dijon
    contract (:data:`ppaip_rules.DIJON`), without importing the parameters."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DIJON"


#: Stands for DIJON as a default argument; DIJON itself given is the same contract.
_DIJON: Any = _DefaultContract()
#: (DIJON, ContractParameters), once a call with ``params=`` has imported them.
_FULL: list = []


def _full() -> list:
    if not _FULL:
        from .parameters import DIJON, ContractParameters

        _FULL.extend((DIJON, ContractParameters))
    return _FULL


def _delay_of(rule_id: str, params: Any) -> tuple[int, Unit]:
    """(amount, unit) of the rule's delay under ``params`` (checked ContractParameters)."""
    if params is _DIJON:
        return DIJON_DEADLINE_DELAYS[rule_id]
    delay = params.delays.get(rule_id) or params.delay(rule_id)
    return delay.amount, delay.unit


def _checked_params(params: Any) -> Any:
    """``params`` as the deadline functions use it: _DIJON for the Dijon contract."""
    if params is _DIJON:
        return params
    dijon, contract_parameters = _full()
    if params is dijon:
        return _DIJON
    if not isinstance(params, contract_parameters):
        raise InputError("params", "des paramètres de contrat (ContractParameters)")
    return params


class DeadlineSpec:
    """What a contract deadline is about; its length is a contract parameter.

    Immutable, compared and hashed by value (a plain slotted class: see issue 13).
    """

    __slots__ = ("act", "backward", "clause", "interpretation", "rule_id", "title", "trigger")
    __match_args__ = ("rule_id", "clause", "title", "trigger", "act", "backward",
                      "interpretation")

    rule_id: str
    clause: str
    title: str          # French, "{delay}" stands for the contract's delay ("sous {delay}")
    trigger: str        # French: the event that starts the period ("Prescription reçue")
    act: str            # French: what must happen ("Premier entretien")
    backward: bool
    interpretation: str | None

    def __init__(self, rule_id: str, clause: str, title: str, trigger: str, act: str,
                 backward: bool = False, interpretation: str | None = None):
        setter = object.__setattr__
        setter(self, "rule_id", rule_id)
        setter(self, "clause", clause)
        setter(self, "title", title)
        setter(self, "trigger", trigger)
        setter(self, "act", act)
        setter(self, "backward", backward)
        setter(self, "interpretation", interpretation)

    def _fields(self) -> tuple:
        return (self.rule_id, self.clause, self.title, self.trigger, self.act, self.backward,
                self.interpretation)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"DeadlineSpec is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"DeadlineSpec is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((DeadlineSpec, *self._fields()))

    def __repr__(self) -> str:
        names = ("rule_id", "clause", "title", "trigger", "act", "backward", "interpretation")
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True))
        return f"DeadlineSpec({shown})"

    def __reduce__(self):
        # A registered spec travels as its rule ID (pickles stay small).
        if SPECS.get(self.rule_id) is self:
            return (_spec, (self.rule_id,))
        return (DeadlineSpec, self._fields())


def _spec(rule_id: str) -> DeadlineSpec:
    return SPECS[rule_id]


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
                 "Démarrage du dispositif", "Dépôt de la demande d'autorisation d'accès",
                 backward=True,
                 interpretation="Compté à rebours de quantième à quantième, jamais prolongé "
                                "vers l'avant. « Démarrage du dispositif » : le démarrage du "
                                "marché, pour l'équipe présente au démarrage (ambiguïté 11 ; "
                                "dans un tableau d'effectifs, l'option access_lead_from="
                                "\"facilitator_start\" compte depuis le premier jour de "
                                "chaque intervenant). Un remplaçant arrivé plus tard relève de "
                                "STAFF-REPLACE et STAFF-AUTH-BEFORE-WORK."),
)}

class Deadline:
    """A computed deadline: ``due`` and, on demand, the French ``trace`` of how."""

    __slots__ = ("_trace", "in_force", "period", "spec")

    def __init__(self, spec: DeadlineSpec, period: Period, in_force: Step | None = None):
        self.spec = spec
        self.period = period
        #: with a history of avenants: the step saying which parameters applied and why.
        self.in_force = in_force
        self._trace: tuple[Step, ...] | None = None

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
    def trace(self) -> tuple[Step, ...]:
        """The computation step by step (issue 12 §2): the trigger, the delay in force
        (parameter and clause), the count, every day not counted with its reason, the
        extension when there is one, the calendar variant, the due date."""
        if self._trace is None:
            from .model import Step

            p = self.period
            start, due = format_moment(p.start), format_moment(p.end)
            what = p.unit.describe(p.amount)
            clause, rule_id = self.spec.clause, self.spec.rule_id
            self._trace = (
                Step(f"{self.spec.trigger} le {start}.", computed=_paris(p.start)),
                *((self.in_force,) if self.in_force is not None else ()),
                Step(f"Délai : {what} (paramètre delays.{rule_id} = {what}, {clause}).",
                     clause=clause, parameter=f"delays.{rule_id}", value=what),
                *_count_steps(p),
                *_calendar_step(p),
                Step(f"{self.spec.act} au plus tard le {due}.", clause=clause,
                     computed=self.due),
            )
        return self._trace

    def __repr__(self) -> str:
        return f"Deadline({self.spec.rule_id!r}, due={self.due!r})"

    def __reduce__(self):
        # The French trace is rebuilt on demand; the calendar travels by its key.
        return (Deadline, (self.spec, self.period, self.in_force))

    def _key(self) -> tuple:
        p = self.period
        return (self.spec.rule_id, p.start, p.amount, p.unit, p.raw_end, p.end, p.moved,
                p.backward, p.calendar, getattr(p, "paused", ()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Deadline):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

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
        from .model import Flag

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
                "trace": [step.to_dict() for step in self.trace]}


def _count_steps(p: Period) -> list[Step]:
    """The period's own steps (count, pauses, extension), each day not counted placed
    after the count and each day the extension skips after the extension."""
    from .model import Step

    explained = [Step(text) for text in p.explain()]
    counted, extension = _days_not_counted(p)
    if not explained:
        return counted + extension
    return [explained[0], *counted, *explained[1:], *extension]


def _days_not_counted(p: Period) -> tuple[list[Step], list[Step]]:
    """One step per day not counted in a period of working days, with its reason
    ("jeudi 8 mai 2025 : jour férié (Victoire 1945)", "samedi"), then one per day the
    extension skips after the raw end (issue 12 §2)."""
    if p.backward or p.unit not in (Unit.JOURS_OUVRES, Unit.JOURS_OUVRABLES,
                                    Unit.CALENDAR_DAYS, Unit.MONTHS):
        return [], []
    from .model import Step

    cal, steps, extension = p.calendar, [], []
    if p.unit in (Unit.JOURS_OUVRES, Unit.JOURS_OUVRABLES):
        day = p.start + dt.timedelta(days=1)
        while day <= p.raw_end:
            if not cal.is_working_day(day, p.unit):
                reason = cal.why_not_working(day)
                steps.append(Step(f"{format_date(day)} : {reason} ; jour non compté.",
                                  computed={"jour": day, "motif": reason}))
            day += dt.timedelta(days=1)
    if p.moved:
        day = p.raw_end + dt.timedelta(days=1)
        while day < p.end:
            reason = cal.why_not_working(day)
            extension.append(Step(f"{format_date(day)} : {reason} ; prolongation, jour non "
                                  f"compté.", computed={"jour": day, "motif": reason}))
            day += dt.timedelta(days=1)
    return steps, extension


def _calendar_step(p: Period) -> list[Step]:
    """The calendar variant the count used (département, Whit Monday, Good Friday)."""
    if p.unit is Unit.HOURS:
        return []
    step = _CALENDAR_STEPS.get(p.calendar)
    if step is None:
        step = _CALENDAR_STEPS[p.calendar] = _calendar_variant_step(p.calendar)
    return [step]


#: calendar → the step naming its variant (one shared step per calendar).
_CALENDAR_STEPS: dict[Any, Step] = {}


def _calendar_variant_step(cal: Any) -> Step:
    from .model import Step

    where = (f"jours fériés d'Alsace-Moselle (département {cal.departement})"
             if cal.departement in ("57", "67", "68") else "jours fériés de métropole")
    whit = "lundi de Pentecôte travaillé" if cal.whit_monday_worked else \
        "lundi de Pentecôte férié"
    parts = [where, whit]
    if cal.departement in ("57", "67", "68"):
        parts.append("Vendredi saint férié" if cal.good_friday_holiday
                     else "Vendredi saint travaillé")
    return Step(f"Calendrier : {', '.join(parts)}.",
                computed={"departement": cal.departement,
                          "whit_monday_worked": cal.whit_monday_worked,
                          "good_friday_holiday": cal.good_friday_holiday})


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


def _policy_bool(value: Any, field: str) -> bool:
    if type(value) is not bool:
        raise InputError(field, "oui ou non (un booléen True/False)")
    return value


def _pauses_value(pauses: Any) -> tuple:
    if type(pauses) is tuple:
        return pauses
    if isinstance(pauses, list):
        return tuple(pauses)
    raise InputError("pauses", "une liste d'intervalles (premier jour, dernier jour)")


#: deadline() for the Dijon parameters and the default policies, memoised by rule and
#: trigger day: a Deadline is immutable (its trace is built once, on demand), so a batch
#: that meets the same trigger day again gets the same object back. At most one entry
#: per day of the calendar's range and rule.
_MEMO: dict[str, dict[dt.date, Deadline]] = {}


def deadline(
    rule_id: str,
    trigger: dt.date | dt.datetime | str,
    *,
    params: ContractParameters = _DIJON,
    extend_to_working_day: bool = True,
    backward_to_working_day: bool = False,
    whit_monday_worked: bool = False,
    departement: str | None = None,
    good_friday_holiday: bool = True,
    pauses: tuple = (),
) -> Deadline:
    """The deadline of ``rule_id`` for an event at ``trigger``.

    ``trigger`` is a date for day and month periods, an aware datetime for hour
    periods (ISO text is accepted); a datetime given for a day period stands for
    its day in Paris. Policy switches (booleans):

    - ``extend_to_working_day`` (default True): a period ending on a Saturday,
      Sunday or public holiday ends on the next jour ouvré (CCAG FCS 2021 art. 3.2);
    - ``backward_to_working_day`` (default False): a backward period (STAFF-ACCESS)
      whose date is not a jour ouvré moves back to the previous one;
    - ``whit_monday_worked`` (default False): treat Whit Monday as worked;
    - ``departement``: a département code; "57", "67" or "68" adds the
      Alsace-Moselle holidays; an unknown code is refused;
    - ``good_friday_holiday`` (default True, RULES.md ambiguity 15): Good Friday is
      a holiday in the whole of 57/67/68; False: it is not;
    - ``pauses``: ``(first day, last day)`` intervals during which the clock
      stops (suspensions, see :func:`~ppaip_rules.calendar.compute_period`).
    """
    if params is not _DIJON:
        dijon, contract_parameters = _full()
        if params is dijon:
            params = _DIJON
        elif type(params) is not contract_parameters and hasattr(params, "period_of"):
            return _deadline_in_force(rule_id, trigger, params, extend_to_working_day,
                                      backward_to_working_day, whit_monday_worked,
                                      departement, good_friday_holiday, pauses)
    if (params is _DIJON and extend_to_working_day is True and backward_to_working_day is False
            and whit_monday_worked is False and departement is None
            and good_friday_holiday is True and pauses == () and type(trigger) is dt.date):
        memo = _MEMO.get(rule_id)
        if memo is not None:
            hit = memo.get(trigger)
            if hit is not None:
                return hit
        elif rule_id in SPECS:
            memo = _MEMO[rule_id] = {}
        if memo is not None:
            d = _compute(rule_id, trigger, params, True, False, False, None, True, ())
            memo[trigger] = d
            return d
    return _compute(rule_id, trigger, params, extend_to_working_day, backward_to_working_day,
                    whit_monday_worked, departement, good_friday_holiday, pauses)


def _deadline_in_force(rule_id: Any, trigger: Any, params: Any, extend_to_working_day: Any,
                       backward_to_working_day: Any, whit_monday_worked: Any, departement: Any,
                       good_friday_holiday: Any, pauses: Any) -> Deadline:
    """A history of avenants (issue 12 §3): the delay in force on the trigger's day."""
    in_force = params.at(_trigger_value(trigger), "trigger")
    d = deadline(rule_id, trigger, params=in_force,
                 extend_to_working_day=extend_to_working_day,
                 backward_to_working_day=backward_to_working_day,
                 whit_monday_worked=whit_monday_worked, departement=departement,
                 good_friday_holiday=good_friday_holiday, pauses=pauses)
    return Deadline(d.spec, d.period, params.in_force_step(_trigger_value(trigger), "trigger"))


def _compute(rule_id: Any, trigger: Any, params: Any, extend_to_working_day: Any,
             backward_to_working_day: Any, whit_monday_worked: Any, departement: Any,
             good_friday_holiday: Any, pauses: Any) -> Deadline:
    spec = SPECS.get(rule_id) if isinstance(rule_id, str) else None
    if spec is None:
        raise InputError("rule_id", "une règle de délai parmi : " + ", ".join(SPECS),
                         "règle de délai inconnue")
    params = _checked_params(params)
    amount, unit = _delay_of(rule_id, params)
    calendar = get_calendar(departement, _policy_bool(whit_monday_worked, "whit_monday_worked"),
                            _policy_bool(good_friday_holiday, "good_friday_holiday"))
    period = compute_period(calendar, _trigger_value(trigger), amount, unit,
                            backward=spec.backward,
                            extend_to_working_day=_policy_bool(
                                extend_to_working_day, "extend_to_working_day"),
                            backward_to_working_day=_policy_bool(
                                backward_to_working_day, "backward_to_working_day"),
                            pauses=_pauses_value(pauses))
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
    return get_rule(rule_id).finding(flag, policy.get("params")) if flag else None


#: The keyword options of :func:`deadline` (``check_deadline`` passes them on).
_POLICY = ("params", "extend_to_working_day", "backward_to_working_day", "whit_monday_worked",
           "departement", "good_friday_holiday", "pauses")


def check_deadline(rule_id: str, trigger: Any, act: Any, **policy: Any) -> Report:
    """A report on one act against its deadline (the ``deadline`` check kind)."""
    unknown = [name for name in policy if name not in _POLICY]
    if unknown:
        from .parsing import shown_key

        raise InputError(shown_key(unknown[0]), "une option parmi : " + ", ".join(_POLICY),
                         "option inconnue")
    from .model import Report

    finding = deadline_finding(rule_id, trigger, act, **policy)
    return Report("deadline", (finding,) if finding else (), (rule_id,))


# --- batch: the due dates of many triggers -------------------------------------------------

#: Dense tables, per rule, parameters and policy: for every day of the calendar's range,
#: the due day of a trigger on that day (None when it falls outside the range). Built
#: on first use (a few tens of milliseconds), then each due date is one dict lookup.
_DENSE: dict[tuple, tuple[ContractParameters, dict, Any]] = {}
_NUMPY_EPOCH = dt.date(1970, 1, 1).toordinal()


def _dense_key(rule_id: Any, params: Any, policy: dict) -> tuple:
    unknown = set(policy) - set(_BATCH_POLICY)
    if unknown:
        raise InputError(sorted(unknown)[0], "une politique de délai parmi : "
                         + ", ".join(_BATCH_POLICY), "option inconnue")
    values = {**_BATCH_POLICY, **policy}
    for name in ("extend_to_working_day", "backward_to_working_day", "whit_monday_worked",
                 "good_friday_holiday"):
        _policy_bool(values[name], name)
    return (rule_id, id(params), *(values[k] for k in _BATCH_POLICY))


_BATCH_POLICY = {"extend_to_working_day": True, "backward_to_working_day": False,
                 "whit_monday_worked": False, "departement": None, "good_friday_holiday": True}


def _dense(rule_id: str, params: ContractParameters, policy: dict) -> dict:
    """{trigger day: due day} over the whole calendar range, for a day or month rule."""
    from itertools import accumulate

    from .calendar import _BASE, _LAST, _OUVRE, add_months

    key = _dense_key(rule_id, params, policy)
    entry = _DENSE.get(key)
    if entry is not None and entry[0] is params:
        return entry[1]
    values = {**_BATCH_POLICY, **policy}
    spec = SPECS[rule_id]
    n, unit = _delay_of(rule_id, params)
    cal = get_calendar(values["departement"], values["whit_monday_worked"],
                       values["good_friday_holiday"])
    cal.is_jour_ouvre(dt.date(2025, 1, 1))  # builds the tables
    flags, size, back = cal._flags, _LAST - _BASE + 1, spec.backward
    ordinals = range(_BASE, _LAST + 1)
    if unit is Unit.CALENDAR_DAYS:
        raw = [o - n for o in ordinals] if back else [o + n for o in ordinals]
    elif unit is Unit.MONTHS:
        fo = dt.date.fromordinal
        raw = [add_months(fo(o), -n if back else n).toordinal() for o in ordinals]
    elif n == 0:
        raw = list(ordinals)
    else:
        table = cal._table(unit)
        member = flags.translate(bytes(int(bool(b & (_OUVRE if unit is Unit.JOURS_OUVRES
                                                     else 2))) for b in range(256)))
        rank = list(accumulate(member))  # days of the table up to and including each day
        last = len(table)
        if back:
            idx = [r - m - n for r, m in zip(rank, member, strict=True)]
        else:
            idx = [r + n - 1 for r in rank]
        raw = [table[i] if 0 <= i < last else 0 for i in idx]
    # The next (previous) jour ouvré on or after (before) each day, for the extension.
    ouvre = [bool(f & _OUVRE) for f in flags]
    nxt = [0] * size
    following = 0
    for i in range(size - 1, -1, -1):
        if ouvre[i]:
            following = _BASE + i
        nxt[i] = following
    prv = [0] * size
    preceding = 0
    for i in range(size):
        if ouvre[i]:
            preceding = _BASE + i
        prv[i] = preceding
    extend = values["extend_to_working_day"]
    back_wd = values["backward_to_working_day"]
    fo = dt.date.fromordinal
    days = _all_days()
    out = {}
    for day, ro in zip(days, raw, strict=True):
        if not _BASE <= ro <= _LAST:
            continue
        i = ro - _BASE
        eo = ro
        if not ouvre[i]:
            if back:
                if back_wd:
                    eo = prv[i]
            elif extend:
                eo = nxt[i]
        if eo:
            out[day] = fo(eo)
    if len(_DENSE) > 32:
        _DENSE.clear()
    _DENSE[key] = (params, out, None)
    return out


_ALL_DAYS: list = []


def _all_days() -> list:
    """Every day of the calendar's range, as dates (shared by the dense tables)."""
    if not _ALL_DAYS:
        from .calendar import _BASE, _LAST

        _ALL_DAYS.extend(map(dt.date.fromordinal, range(_BASE, _LAST + 1)))
    return _ALL_DAYS


def _dense_numpy(rule_id: str, params: ContractParameters, policy: dict):
    """The dense table as a numpy array of due days (days since 1970), -1 outside the range."""
    import numpy as np

    from .calendar import _BASE

    table = _dense(rule_id, params, policy)
    key = _dense_key(rule_id, params, policy)
    entry = _DENSE[key]
    if entry[2] is None:
        arr = np.full(len(_all_days()), -1, dtype=np.int64)
        for day, due in table.items():
            arr[day.toordinal() - _BASE] = due.toordinal() - _NUMPY_EPOCH
        _DENSE[key] = entry = (entry[0], entry[1], arr)
    return entry[2]


def due_dates(rule_id: str, triggers: Any, *, params: ContractParameters = _DIJON,
              **policy: Any) -> Any:
    """The due dates of a sequence of triggers, in order: ``deadline(rule_id, t).due`` for each.

    ``triggers``: any iterable of dates (day and month rules) or aware datetimes
    (hour rules); ISO text is accepted, one item at a time. With numpy installed
    (the ``numpy`` extra), a ``datetime64`` array of a day or month rule gives a
    ``datetime64[D]`` array. ``policy``: the switches of :func:`deadline`
    (``extend_to_working_day``, ``backward_to_working_day``, ``whit_monday_worked``,
    ``departement``, ``good_friday_holiday``); no pauses. A bad item raises an
    :class:`InputError` naming it (``triggers[3]``).
    """
    if params is not _DIJON:
        contract_parameters = _full()[1]
        if type(params) is not contract_parameters and hasattr(params, "period_of"):
            # avenants (issue 12 §3): each trigger reads the delay in force on its own day
            return [deadline(rule_id, t, params=params, **policy).due for t in triggers]
    spec = SPECS.get(rule_id) if isinstance(rule_id, str) else None
    if spec is None:
        raise InputError("rule_id", "une règle de délai parmi : " + ", ".join(SPECS),
                         "règle de délai inconnue")
    params = _checked_params(params)
    if type(triggers).__module__ == "numpy" and type(triggers).__name__ == "ndarray":
        return _due_dates_numpy(rule_id, triggers, params, policy)
    if isinstance(triggers, (str, bytes)) or not hasattr(triggers, "__iter__"):
        raise InputError("triggers", "une suite de dates (liste, tuple, itérable ou tableau numpy)")
    if _delay_of(rule_id, params)[1] is Unit.HOURS:
        _dense_key(rule_id, params, policy)  # checks the policy
        return [_one(rule_id, t, i, params, policy) for i, t in enumerate(triggers)]
    table = _dense(rule_id, params, policy)
    if not isinstance(triggers, (list, tuple)):
        triggers = list(triggers)
    try:
        return list(map(table.__getitem__, triggers))
    except (KeyError, TypeError):
        pass  # a datetime, ISO text or a bad item somewhere: one item at a time
    get = table.get
    out = []
    for i, t in enumerate(triggers):
        due = get(t) if type(t) is dt.date else None
        out.append(due if due is not None else _one(rule_id, t, i, params, policy))
    return out


def _one(rule_id: str, trigger: Any, i: int, params: ContractParameters, policy: dict) -> Any:
    try:
        return deadline(rule_id, trigger, params=params, **policy).due
    except InputError as e:
        if e.path in ("trigger", "date"):
            raise type(e)(f"triggers[{i}]", e.expected, e.problem) from None
        raise


def _due_dates_numpy(rule_id: str, triggers: Any, params: ContractParameters, policy: dict):
    import numpy as np

    from .calendar import _BASE

    if triggers.dtype.kind != "M" or _delay_of(rule_id, params)[1] is Unit.HOURS:
        raise InputError("triggers", "un tableau numpy de dates (datetime64) pour un délai en "
                                     "jours ou en mois")
    table = _dense_numpy(rule_id, params, policy)
    if triggers.dtype != np.dtype("datetime64[D]"):
        triggers = triggers.astype("datetime64[D]")
    idx = triggers.view(np.int64) - (_BASE - _NUMPY_EPOCH)
    if idx.size and (idx.min() < 0 or idx.max() >= len(table)):  # NaT is the minimum int64
        raise _batch_range_error(int(np.flatnonzero((idx < 0) | (idx >= len(table)))[0]))
    out = table.take(idx)
    if out.size and out.min() < 0:
        raise _batch_range_error(int(np.flatnonzero(out < 0)[0]))
    return out.view("datetime64[D]")


def _batch_range_error(i: int) -> InputError:
    from .calendar import _range_error

    return _range_error(f"triggers[{i}]")
