"""The programme proposed to the CPIP (CCTP 6.1-3, 6.2 A, 6.2 B, 6.3, 6.6).

A :class:`Proposal` is what the provider sends on IPRO 360° after the first
interview: individual hours and actions, the collective workshops the person
would attend, the planned sessions, and — when the person also follows a
Region-funded training — the training slots. Once validated, the hours
recorded on IPRO 360° are compared with the validated hours.

Times: a session or a training slot is an ISO 8601 date and time, with an
offset (compared as instants, in UTC) or without one (read as Europe/Paris
wall time, then compared in UTC: see :func:`ppaip_rules.calendar.to_utc`).
Two intervals that only touch (a session ending at 9:00, training starting
at 9:00) do not overlap.

Workshop titles of "à la carte" workshops are free text typed by a provider:
they are never echoed; a workshop is named by its catalogue label, or as
"l'atelier à la carte n° N" (its rank in ``workshops``).

    >>> report = check_programme({"individual_hours": 12,
    ...     "individual_actions": ["guidance_assessment", "career_plan"],
    ...     "workshops": [{"theme": "job_search_techniques", "hours": 6, "participants": 7}]})
    >>> print(report.violations[0].message)
    l'atelier « Apprentissage des techniques de recherche d'emploi » compte 7 participants ; 6 au maximum. Retirer 1 participant ou dédoubler l'atelier.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import Any

import attrs

from ._inputs import SETTING_CODES, codes, hours_text, label_of, missing
from .calendar import PARIS, elapsed_interval, to_utc
from .checks import register_kind
from .describe import BOOL, CODE, ID, INSTANT, INT, NUMBER, TEXT, field, json_schema, read
from .errors import InputError
from .frenchtext import format_date, plural
from .model import (
    INFO,
    VIOLATION,
    WARNING,
    Example,
    Flag,
    Report,
    Step,
    rule,
    run_rules,
    source_note,
)
from .parameters import CATALOGUE_ALIASES, DIJON, ContractParameters

#: Theme code of a workshop outside the catalogue, agreed with the SPIP (CCTP 6.2 B).
A_LA_CARTE = "a_la_carte"
#: The old theme and action codes (0.2.0), read as the new ones for one version (issue 10).
THEME_ALIASES = {**CATALOGUE_ALIASES["collective_themes"], "a-la-carte": A_LA_CARTE}
ACTION_ALIASES = CATALOGUE_ALIASES["individual_actions"]


def theme_code(theme: str | None, params: ContractParameters = DIJON) -> str | None:
    """A workshop's theme as a code of the parameters: an old code is read as its new one
    (when the contract has it); any other text (a free title) is returned as it is."""
    new = THEME_ALIASES.get(theme) if theme is not None else None
    if new is None or theme in codes(params.collective_themes) or \
            theme in codes(params.tender_themes):
        return theme  # the usual case: one look-up
    return new if new == A_LA_CARTE or new in codes(params.collective_themes) else theme


def action_code(action: str, params: ContractParameters = DIJON) -> str:
    """An individual action as a code of the parameters (an old code read as its new one)."""
    new = ACTION_ALIASES.get(action)
    if new is None:
        return action
    known = codes(params.individual_actions)
    return new if action not in known and new in known else action
MAX_HOURS = 10_000
MAX_PARTICIPANTS = 10_000
MAX_ITEMS = 1_000
_WORKSHOP_INDEX = "l'indice (à partir de 0) d'un atelier de « workshops », ou null pour un " \
                  "entretien individuel"

# --- models ---------------------------------------------------------------------


_SETTING = SETTING_CODES
_ID_TEXT = "identifiant pseudonyme (jamais un nom)"
_UNKNOWN = "absent ou null : non renseigné"


@attrs.frozen
class Workshop:
    """Un atelier collectif du programme.

    ``theme``: a code of :attr:`ContractParameters.collective_themes` or
    ``a_la_carte``; ``title`` (free text, à la carte) is kept but never
    echoed; ``agreed_with_spip``: an à la carte workshop is set up at the
    SPIP's request (CCTP 6.2 B); ``participants``: the size of the group.
    """

    theme: str = field(TEXT, "thématique", "code du catalogue ou a_la_carte", required=True,
                       max_length=100)
    hours: float | None = field(NUMBER, "durée de l'atelier", unit="heures", minimum=0,
                                maximum=MAX_HOURS)
    participants: int | None = field(INT, "nombre de participants", minimum=0,
                                     maximum=MAX_PARTICIPANTS)
    agreed_with_spip: bool | None = field(BOOL, "mis en place à la demande du SPIP (à la "
                                                "carte)", _UNKNOWN)
    title: str | None = field(TEXT, "intitulé (atelier à la carte)", "jamais repris",
                              max_length=1_000, blank=True, personal=True)
    id: str | None = field(ID, _ID_TEXT)

    def __repr__(self) -> str:  # the title is free text: never shown
        return (f"Workshop(theme={self.theme!r}, hours={self.hours!r}, "
                f"participants={self.participants!r}, id={self.id!r})")


@attrs.frozen
class Session:
    """Une séance prévue : début, durée et atelier dont elle relève.

    ``workshop`` is the index (from 0) of the workshop in the proposal's
    ``workshops``; ``None`` for an individual interview. ``in_person``:
    individual interviews are face-to-face and in person (CCTP 6.2 A).
    """

    start: dt.datetime = field(INSTANT, "début de la séance", required=True)
    hours: float = field(NUMBER, "durée de la séance", unit="heures", required=True,
                         minimum=0, maximum=MAX_HOURS)
    workshop: int | None = field(INT, "atelier", _WORKSHOP_INDEX, minimum=0,
                                 maximum=MAX_PARTICIPANTS)
    in_person: bool | None = field(BOOL, "en présentiel", _UNKNOWN)


@attrs.frozen
class TrainingSlot:
    """Un créneau d'une formation financée par la Région (CCTP 6.1-3)."""

    start: dt.datetime = field(INSTANT, "début du créneau", required=True)
    end: dt.datetime = field(INSTANT, "fin du créneau", required=True)
    #: ``(start, end)`` as UTC instants (derived, computed once).
    utc: tuple[dt.datetime, dt.datetime] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        interval = (to_utc(self.start), to_utc(self.end))
        if interval[1] <= interval[0]:
            raise InputError("end", "une fin de créneau postérieure à son début")
        object.__setattr__(self, "utc", interval)


@attrs.frozen
class RecordedHours:
    """Heures réalisées, saisies sur IPRO 360° (CCTP 6.1-3)."""

    individual: float | None = field(NUMBER, "heures individuelles réalisées", unit="heures",
                                     minimum=0, maximum=MAX_HOURS)
    collective: float | None = field(NUMBER, "heures collectives réalisées", unit="heures",
                                     minimum=0, maximum=MAX_HOURS)


@attrs.frozen
class Proposal:
    """Proposition de programme (CCTP 6.1-3, 6.2, 6.3, 6.6).

    The validated programme when ``validated=True``. ``training_slots``: ``None`` when it
    is not known whether the person follows a Region-funded training; an empty tuple
    when they do not.
    """

    individual_hours: float | None = field(NUMBER, "heures d'accompagnement individuel",
                                           unit="heures", minimum=0, maximum=MAX_HOURS)
    individual_actions: tuple[str, ...] = field(
        TEXT, "actions individuelles", "codes du catalogue", max_length=100, many=True,
        max_items=MAX_ITEMS)
    workshops: tuple[Workshop, ...] = field(Workshop, "ateliers collectifs", many=True,
                                            max_items=MAX_ITEMS)
    sessions: tuple[Session, ...] = field(Session, "séances prévues", many=True,
                                          max_items=MAX_ITEMS)
    training_slots: tuple[TrainingSlot, ...] | None = field(
        TrainingSlot, "créneaux de formation Région", "absent ou null : non renseigné ; "
        "[] : aucune formation", many=True, max_items=MAX_ITEMS, empty=None)
    validated: bool | None = field(BOOL, "programme validé par le CPIP", _UNKNOWN)
    recorded_hours: RecordedHours | None = field(RecordedHours, "heures réalisées")
    setting: str | None = field(CODE, "milieu", codes=_SETTING)
    id: str | None = field(ID, _ID_TEXT)

    def __attrs_post_init__(self) -> None:
        count = len(self.workshops)
        for i, session in enumerate(self.sessions):
            if session.workshop is not None and session.workshop >= count:
                raise InputError(f"sessions[{i}].workshop", _WORKSHOP_INDEX)

    @property
    def has_individual_part(self) -> bool:
        return bool(self.individual_hours or self.individual_actions
                    or any(s.workshop is None for s in self.sessions))


# --- reading JSON-like input (describe.read: one description per model) ---------------

def read_proposal(data: Any, params: ContractParameters = DIJON) -> Proposal:
    """A :class:`Proposal` from a dict as parsed from JSON (or the model itself)."""
    return read(Proposal, data, context=params)


# --- wording ---------------------------------------------------------------------

def workshop_name(theme: str, index: int, params: ContractParameters = DIJON) -> str:
    """How a finding names a workshop: its catalogue label; never a free-text title."""
    theme = theme_code(theme, params) or ""
    label = label_of(params.collective_themes, theme) or label_of(params.tender_themes, theme)
    if label:
        return f"l'atelier « {label} »"
    if theme == A_LA_CARTE:
        return f"l'atelier à la carte n° {index + 1}"
    return f"l'atelier n° {index + 1}"


def _span(start: dt.datetime, end: dt.datetime) -> str:
    """``le mardi 13 mai 2025 de 9 h 00 à 11 h 00`` (Paris time) from UTC instants."""
    a, b = start.astimezone(PARIS), end.astimezone(PARIS)
    if a.date() == b.date():
        return f"le {format_date(a.date())} de {a.hour} h {a.minute:02d} à {b.hour} h {b.minute:02d}"
    return (f"du {format_date(a.date())} à {a.hour} h {a.minute:02d} au "
            f"{format_date(b.date())} à {b.hour} h {b.minute:02d}")


# --- decisions shared with the document checks -------------------------------------

def group_size_flags(name: str, count: int | None, path: str,
                     params: ContractParameters = DIJON):
    """PROG-GROUP-SIZE on one group of ``count`` people (``name``: see :func:`workshop_name`)."""
    if count is None:
        yield missing(path, f"nombre de participants — {name}")
        return
    top, ideal = params.group_size_max, params.group_size_ideal_min
    if count > top:
        excess = count - top
        yield Flag(f"{name} compte {plural(count, 'participant')} ; {top} au maximum. "
                   f"Retirer {plural(excess, 'participant')} ou dédoubler l'atelier.",
                   expected=f"{top} au maximum", found=count, path=path,
                   trace=_group_steps(count, path, params, ideal=False))
    elif count < ideal:
        yield Flag(f"{name} compte {plural(count, 'participant')} ; idéalement "
                   f"{ideal} à {top}. Compléter le groupe si possible.",
                   severity=VIOLATION if params.group_under_ideal_is_violation else WARNING,
                   expected=f"{ideal} à {top}", found=count, path=path,
                   trace=_group_steps(count, path, params, ideal=True))


def _group_steps(count: int, path: str, params: ContractParameters, *,
                 ideal: bool) -> tuple[Step, ...]:
    """The steps of PROG-GROUP-SIZE (issue 12 §2): the bound read, with its parameter
    and clause, then the count found at its field."""
    top = params.group_size_max
    steps = [Step(f"{plural(top, 'participant')} au maximum (paramètre group_size_max = "
                  f"{top}, CCTP 6.3{source_note(params, 'group_size_max')}).",
                  clause="CCTP 6.3", parameter="group_size_max", value=top)]
    if ideal:
        low = params.group_size_ideal_min
        steps.append(Step(f"{low} participants au moins idéalement (paramètre "
                          f"group_size_ideal_min = {low}, CCTP 6.2 B"
                          f"{source_note(params, 'group_size_ideal_min')}).", clause="CCTP 6.2 B",
                          parameter="group_size_ideal_min", value=low))
    steps.append(Step(f"{plural(count, 'inscrit')} ({path}).", path=path, computed=count))
    return tuple(steps)


def workshop_hours_flags(name: str, hours: float | None, path: str,
                         params: ContractParameters = DIJON):
    """PROG-COLL-HOURS on one workshop of ``hours`` hours."""
    low, high = params.workshop_hours_min, params.workshop_hours_max
    if hours is None:
        yield missing(path, f"durée en heures — {name}")
    elif hours < low:
        yield Flag(f"{name} dure {hours_text(hours)} ; {hours_text(low)} au minimum. Allonger "
                   f"l'atelier ou le regrouper avec un autre.",
                   expected=f"{hours_text(low)} à {hours_text(high)}",
                   found=hours_text(hours), path=path)
    elif hours > high:
        yield Flag(f"{name} dure {hours_text(hours)} ; {hours_text(high)} au maximum. Le "
                   f"scinder en plusieurs ateliers.",
                   expected=f"{hours_text(low)} à {hours_text(high)}",
                   found=hours_text(hours), path=path)


def hours_realised_flags(kind: str, recorded: float, validated: float | None, path: str):
    """PROG-HOURS-REALISED for one kind of hours (``individuelles``/``collectives``).

    ``validated`` ``None``: the validated hours of that kind are not known — a
    missing fact, never read as 0 h (RULES.md "Missing facts").
    """
    if validated is None:
        if not recorded:
            return
        yield missing(path, f"heures {kind} du programme validé (les {hours_text(recorded)} "
                            f"réalisées ne peuvent pas leur être comparées)")
        return
    allowed = validated
    if recorded > allowed:
        yield Flag(f"heures {kind} réalisées : {hours_text(recorded)} ; "
                   f"{hours_text(allowed)} validées, soit {hours_text(recorded - allowed)} de "
                   f"trop. Soumettre une modification du programme au CPIP sur IPRO 360° : "
                   f"les heures au-delà du programme validé ne sont pas couvertes.",
                   expected=f"{hours_text(allowed)} au plus", found=hours_text(recorded),
                   path=path)


# --- the rules -------------------------------------------------------------------

_OK = {"individual_hours": 12,
       "individual_actions": ["guidance_assessment", "career_plan"],
       "workshops": [{"theme": "cv_and_cover_letter", "hours": 6, "participants": 5}],
       "training_slots": []}


def _prog(**changes: Any) -> dict:
    return {**_OK, **changes}


def _dijon_hours(kind: str) -> str:
    """``3 h à 30 h``: the bounds of the Dijon contract, for a rule's title."""
    low, high = getattr(DIJON, f"{kind}_hours_min"), getattr(DIJON, f"{kind}_hours_max")
    return f"{hours_text(low)} à {hours_text(high)}"


@rule("PROG-IND-HOURS", clause="CCTP 6.2 A", title=f"Durée d'un PPAIP individuel ({_dijon_hours('individual')})",
      severity=VIOLATION, subject="programme",
      parameters=("individual_hours_min", "individual_hours_max", "individual_meetings_min"),
      requirement=f"Un PPAIP individuel dure de {DIJON.individual_hours_min:g} heures minimum "
                  f"à {DIJON.individual_hours_max:g} heures maximum ; il est fait d'entretiens "
                  f"en face-à-face, en présentiel, en plusieurs rencontres à intervalle régulier.",
      interpretation="« Plusieurs rencontres » : au moins 2 entretiens individuels au calendrier "
                     "(avertissement sinon, seulement quand un calendrier est fourni). Une "
                     "séance individuelle dont le présentiel n'est pas indiqué est une "
                     "information manquante.",
      examples=(
          Example("3 h : le minimum", "programme", _prog(individual_hours=3), fires=False),
          Example("30 h : le maximum", "programme", _prog(individual_hours=30), fires=False),
          Example("2,5 h", "programme", _prog(individual_hours=2.5)),
          Example("31 h", "programme", _prog(individual_hours=31)),
          Example("Un seul entretien individuel au calendrier", "programme",
                  _prog(sessions=[{"start": "2025-05-13T09:00:00+02:00", "hours": 3}]),
                  severity=WARNING),
      ))
def prog_ind_hours(p: Proposal, params: ContractParameters):
    hours = p.individual_hours
    low, high = params.individual_hours_min, params.individual_hours_max
    if hours is None:
        if p.has_individual_part:
            yield missing("individual_hours", "nombre d'heures du PPAIP individuel")
        elif not p.workshops:
            yield missing("individual_hours", "contenu du programme : ni heures individuelles "
                                              "ni atelier collectif")
    elif hours < low:
        yield Flag(f"le PPAIP individuel prévoit {hours_text(hours)} ; {hours_text(low)} au "
                   f"minimum. Porter la durée à {hours_text(low)} au moins, ou ne proposer que "
                   f"des ateliers collectifs.", expected=f"{hours_text(low)} à {hours_text(high)}",
                   found=hours_text(hours), path="individual_hours",
                   trace=_ind_hours_steps(p, params, low - hours))
    elif hours > high:
        yield Flag(f"le PPAIP individuel prévoit {hours_text(hours)} ; {hours_text(high)} au "
                   f"maximum. Retirer {hours_text(hours - high)}.",
                   expected=f"{hours_text(low)} à {hours_text(high)}", found=hours_text(hours),
                   path="individual_hours", trace=_ind_hours_steps(p, params, high - hours))
    if not p.sessions:
        return
    individual = [i for i, s in enumerate(p.sessions) if s.workshop is None]
    if hours and len(individual) < params.individual_meetings_min:
        yield Flag(f"le calendrier prévoit {plural(len(individual), 'entretien individuel', 'entretiens individuels')} ; "
                   f"le PPAIP individuel est constitué de plusieurs rencontres fixées à "
                   f"intervalle régulier ({params.individual_meetings_min} au moins).",
                   severity=WARNING, expected=f"{params.individual_meetings_min} au moins",
                   found=len(individual), path="sessions")
    unknown = []
    for i in individual:
        if p.sessions[i].in_person is False:
            yield Flag(f"la séance n° {i + 1} n'est pas prévue en présentiel ; les entretiens "
                       f"individuels ont lieu en face-à-face, en présentiel.",
                       expected=True, found=False, path=f"sessions[{i}].in_person")
        elif p.sessions[i].in_person is None:
            unknown.append(i)
    if unknown:
        yield missing(f"sessions[{unknown[0]}].in_person",
                      f"présentiel (oui ou non) de "
                      f"{plural(len(unknown), 'entretien individuel', 'entretiens individuels')}")


def _ind_hours_steps(p: Proposal, params: ContractParameters,
                     gap: float) -> tuple[Step, ...]:
    """The steps of PROG-IND-HOURS on the hours (issue 12 §2): both bounds with their
    parameters, the hours planned, the individual sessions on the calendar, the gap."""
    low, high = params.individual_hours_min, params.individual_hours_max
    steps = [
        Step(f"{hours_text(low)} au minimum (paramètre individual_hours_min = {low:g}, "
             f"CCTP 6.2 A{source_note(params, 'individual_hours_min')}).", clause="CCTP 6.2 A",
             parameter="individual_hours_min", value=low),
        Step(f"{hours_text(high)} au maximum (paramètre individual_hours_max = {high:g}, "
             f"CCTP 6.2 A{source_note(params, 'individual_hours_max')}).", clause="CCTP 6.2 A",
             parameter="individual_hours_max", value=high),
        Step(f"{hours_text(p.individual_hours)} prévues (individual_hours).",
             path="individual_hours", computed=p.individual_hours),
    ]
    if p.sessions:
        planned = [s.hours for s in p.sessions if s.workshop is None and s.hours is not None]
        steps.append(Step(f"Entretiens individuels au calendrier : {len(planned)}, soit "
                          f"{hours_text(sum(planned))} (sessions).", path="sessions",
                          computed=sum(planned)))
    steps.append(Step(f"Écart : {hours_text(abs(gap))} "
                      f"{'à ajouter' if gap > 0 else 'à retirer'}.", computed=gap))
    return tuple(steps)


@rule("PROG-IND-ACTIONS", clause="CCTP 6.2 A", title="Actions individuelles (liste indicative)",
      severity=INFO, subject="programme", parameters=("individual_actions",),
      requirement="Les actions d'un PPAIP individuel « peuvent être proposées » parmi la liste "
                  "du CCTP 6.2 A (bilans de positionnement, d'orientation, de compétences ; tests "
                  "psychotechniques ; définition d'un projet professionnel ; et, si opportun, "
                  "informations, dossiers, partenaires, bassin d'emploi, recherche d'offres et "
                  "TRE) ; la liste est indicative (« par exemple », « etc. »).",
      interpretation="Une action hors de la liste n'est pas une violation : elle est signalée "
                     "pour information, la validation du programme par le CPIP en étant le "
                     "contrôle.",
      examples=(
          Example("Actions de la liste", "programme", _prog(), fires=False),
          Example("Action hors de la liste indicative", "programme",
                  _prog(individual_actions=["guidance_assessment", "sophrologie"]),
                  severity=INFO),
          Example("Heures individuelles sans action", "programme",
                  _prog(individual_actions=[]), severity=INFO),
      ))
def prog_ind_actions(p: Proposal, params: ContractParameters):
    known = codes(params.individual_actions)
    for i, action in enumerate(p.individual_actions):
        if action_code(action, params) not in known:
            yield Flag(f"l'action individuelle n° {i + 1} ne figure pas dans la liste indicative "
                       f"du CCTP 6.2 A ; elle est admise, la validation du programme par le CPIP "
                       f"en est le contrôle.", severity=INFO,
                       expected="une action de la liste indicative, ou une autre action "
                                "validée par le CPIP", found="action hors de la liste",
                       path=f"individual_actions[{i}]")
    if p.individual_hours and not p.individual_actions:
        yield missing("individual_actions", "actions du PPAIP individuel")


@rule("PROG-COLL-HOURS", clause="CCTP 6.2 B", title=f"Durée d'un atelier collectif ({_dijon_hours('workshop')})",
      severity=VIOLATION, subject="programme",
      parameters=("workshop_hours_min", "workshop_hours_max"),
      requirement=f"Un atelier collectif dure de {DIJON.workshop_hours_min:g} heures minimum à "
                  f"{DIJON.workshop_hours_max:g} heures maximum.",
      examples=(
          Example("2 h : le minimum", "programme",
                  _prog(workshops=[{"theme": "vae", "hours": 2, "participants": 4}]), fires=False),
          Example("30 h : le maximum", "programme",
                  _prog(workshops=[{"theme": "vae", "hours": 30, "participants": 4}]),
                  fires=False),
          Example("1,5 h", "programme",
                  _prog(workshops=[{"theme": "vae", "hours": 1.5, "participants": 4}])),
          Example("32 h", "programme",
                  _prog(workshops=[{"theme": "coaching", "hours": 32, "participants": 4}])),
      ))
def prog_coll_hours(p: Proposal, params: ContractParameters):
    low, high = params.workshop_hours_min, params.workshop_hours_max
    for i, w in enumerate(p.workshops):
        if w.hours is None or not low <= w.hours <= high:
            yield from workshop_hours_flags(workshop_name(w.theme, i, params), w.hours,
                                            f"workshops[{i}].hours", params)


@rule("PROG-GROUP-SIZE", clause="CCTP 6.2 B, 6.3", title=f"Taille des groupes ({DIJON.group_size_max} au maximum)",
      severity=VIOLATION, subject="programme",
      parameters=("group_size_max", "group_size_ideal_min", "group_under_ideal_is_violation"),
      requirement=f"Un groupe compte {DIJON.group_size_max} personnes au maximum ; idéalement "
                  f"{DIJON.group_size_ideal_min} à {DIJON.group_size_max}.",
      interpretation="6.2 B dit « idéalement 4 à 6 personnes », 6.3 « 6 personnes maximum » : "
                     "au-delà de 6, violation ; en dessous de 4, avertissement. La politique "
                     "group_under_ideal_is_violation = true en fait une violation.",
      examples=(
          Example("6 participants", "programme",
                  _prog(workshops=[{"theme": "job_search_techniques", "hours": 6, "participants": 6}]),
                  fires=False),
          Example("4 participants", "programme",
                  _prog(workshops=[{"theme": "job_search_techniques", "hours": 6, "participants": 4}]),
                  fires=False),
          Example("7 participants", "programme",
                  _prog(workshops=[{"theme": "job_search_techniques", "hours": 6, "participants": 7}]),
                  severity=VIOLATION),
          Example("3 participants", "programme",
                  _prog(workshops=[{"theme": "job_search_techniques", "hours": 6, "participants": 3}]),
                  severity=WARNING),
      ))
def prog_group_size(p: Proposal, params: ContractParameters):
    low, high = params.group_size_ideal_min, params.group_size_max
    for i, w in enumerate(p.workshops):
        if w.participants is None or not low <= w.participants <= high:
            yield from group_size_flags(workshop_name(w.theme, i, params), w.participants,
                                        f"workshops[{i}].participants", params)


@rule("PROG-COLL-ACTIONS", clause="CCTP 6.2 B", title="Thèmes d'ateliers : liste, offre du "
      "titulaire ou « à la carte »", severity=WARNING, subject="programme",
      parameters=("collective_themes", "tender_themes"),
      requirement="Le thème d'un atelier collectif est pris dans la liste du CCTP 6.2 B, parmi "
                  "les thématiques présentées par le titulaire dans sa réponse, ou l'atelier "
                  "est « à la carte », mis en place à la demande du SPIP.",
      interpretation="« D'autres ateliers « à la carte » pourront être mis en place en fonction "
                     "des demandes formulées par le SPIP. Dans sa réponse, le prestataire pourra "
                     "également présenter toute thématique qu'il juge pertinente » : les "
                     "thématiques de l'offre sont le paramètre tender_themes (vide pour Dijon). "
                     "Un thème qui n'est dans aucune de ces listes, ou un atelier à la carte non "
                     "demandé par le SPIP, est un avertissement, jamais une violation ; "
                     "l'intitulé libre d'un atelier à la carte n'est jamais repris.",
      examples=(
          Example("Thème de la liste", "programme", _prog(), fires=False),
          Example("Atelier à la carte demandé par le SPIP", "programme",
                  _prog(workshops=[{"theme": "a_la_carte", "title": "Permis de conduire",
                                    "agreed_with_spip": True, "hours": 4, "participants": 5}]),
                  fires=False),
          Example("Atelier à la carte sans demande du SPIP", "programme",
                  _prog(workshops=[{"theme": "a_la_carte", "title": "Permis de conduire",
                                    "agreed_with_spip": False, "hours": 4, "participants": 5}]),
                  severity=WARNING),
          Example("Thème hors de la liste et de l'offre", "programme",
                  _prog(workshops=[{"theme": "yoga", "hours": 4, "participants": 5}]),
                  severity=WARNING),
      ))
def prog_coll_actions(p: Proposal, params: ContractParameters):
    known = codes(params.collective_themes)
    tender = codes(params.tender_themes)
    for i, w in enumerate(p.workshops):
        theme = theme_code(w.theme, params)
        if theme in known or theme in tender:
            continue
        path = f"workshops[{i}]"
        if theme != A_LA_CARTE:
            yield Flag(f"le thème de l'atelier n° {i + 1} n'est ni dans la liste du CCTP 6.2 B, "
                       f"ni parmi les thématiques de l'offre du titulaire. Le rattacher à l'une "
                       f"d'elles, ou le déclarer « à la carte » à la demande du SPIP.",
                       expected=f"un thème de la liste, de l'offre, ou « {A_LA_CARTE} »",
                       found="thème hors des listes", path=f"{path}.theme")
        elif w.agreed_with_spip is None:
            yield missing(f"{path}.agreed_with_spip",
                          f"demande du SPIP pour l'atelier à la carte n° {i + 1}")
        elif not w.agreed_with_spip:
            yield Flag(f"l'atelier à la carte n° {i + 1} n'a pas été demandé par le SPIP ; les "
                       f"ateliers « à la carte » sont mis en place en fonction des demandes du "
                       f"SPIP.", expected=True, found=False, path=f"{path}.agreed_with_spip")


@rule("PROG-TRAINING-OVERLAP", clause="CCTP 6.1-3",
      title="Pas de séance pendant une formation financée par la Région", severity=VIOLATION,
      subject="programme",
      requirement="Quand la personne suit aussi une formation financée par la Région, aucune "
                  "séance PPAIP n'a lieu pendant le temps de formation.",
      interpretation="Une séance qui se termine à l'heure où la formation commence (ou "
                     "l'inverse) ne chevauche pas. Les heures sans fuseau sont lues en heure de "
                     "Paris ; toutes les heures sont comparées en UTC.",
      examples=(
          Example("Séance de 9 h à 11 h, formation de 11 h à 12 h : bords qui se touchent",
                  "programme", _prog(
                      sessions=[{"start": "2025-05-13T09:00:00+02:00", "hours": 2},
                                {"start": "2025-05-20T09:00:00+02:00", "hours": 2}],
                      training_slots=[{"start": "2025-05-13T11:00:00+02:00",
                                       "end": "2025-05-13T12:00:00+02:00"}]), fires=False),
          Example("Séance de 9 h à 11 h, formation de 10 h 30 à 12 h", "programme", _prog(
              sessions=[{"start": "2025-05-13T09:00:00+02:00", "hours": 2},
                        {"start": "2025-05-20T09:00:00+02:00", "hours": 2}],
              training_slots=[{"start": "2025-05-13T10:30:00", "end": "2025-05-13T12:00:00"}])),
          Example("Séances prévues, formation régionale non renseignée", "programme",
                  _prog(sessions=[{"start": "2025-05-13T09:00:00+02:00", "hours": 2},
                                  {"start": "2025-05-20T09:00:00+02:00", "hours": 2}],
                        training_slots=None), severity=INFO),
      ))
def prog_training_overlap(p: Proposal, params: ContractParameters):
    if not p.sessions:
        return
    if p.training_slots is None:
        yield missing("training_slots", "créneaux de formation financée par la Région (liste "
                                        "vide si la personne n'en suit pas)")
        return
    if not p.training_slots:
        return
    slots = p.training_slots
    # A few slots (the usual proposal): compared directly; many: a sorted index.
    overlapping = _slot_index(slots).overlapping if len(slots) * len(p.sessions) > 64 \
        else _pairwise(slots)
    for i, s in enumerate(p.sessions):
        begin, end = elapsed_interval(s.start, s.hours)
        hit = overlapping(begin, end)
        if hit is None:
            continue
        count, j = hit
        t_begin, t_end = p.training_slots[j].utc
        others = f" (et {plural(count - 1, 'autre créneau', 'autres créneaux')})" \
            if count > 1 else ""
        yield Flag(f"la séance n° {i + 1} ({_span(begin, end)}) chevauche le créneau de "
                   f"formation financée par la Région n° {j + 1} ({_span(t_begin, t_end)})"
                   f"{others}. Déplacer la séance hors du temps de formation.",
                   expected="aucun chevauchement",
                   found=plural(count, "créneau chevauché", "créneaux chevauchés"),
                   path=f"sessions[{i}]")


class _SlotIndex:
    """Training slots sorted once, so that each session is checked in O(log n).

    A slot ``[a, b)`` overlaps a session ``[s, e)`` when ``a < e`` and ``b > s``.
    Every slot ending by ``s`` also starts before ``e``, so the number of
    overlapping slots is (slots starting before ``e``) − (slots ending by
    ``s``). The slot with the latest end among those starting before ``e``
    overlaps whenever any does: it is the one a finding names.
    """

    __slots__ = ("ends", "latest", "starts")

    def __init__(self, slots: tuple[TrainingSlot, ...]) -> None:
        order = sorted(range(len(slots)), key=lambda j: slots[j].utc[0])
        self.starts = [slots[j].utc[0] for j in order]
        self.ends = sorted(t.utc[1] for t in slots)
        self.latest: list[tuple[dt.datetime, int]] = []
        best: tuple[dt.datetime, int] | None = None
        for j in order:
            end = slots[j].utc[1]
            if best is None or end > best[0] or (end == best[0] and j < best[1]):
                best = (end, j)
            self.latest.append(best)

    def overlapping(self, begin: dt.datetime, end: dt.datetime) -> tuple[int, int] | None:
        """(how many slots overlap, the index of one of them), or ``None``."""
        started = bisect_left(self.starts, end)
        count = started - bisect_right(self.ends, begin)
        if count <= 0:
            return None
        return count, self.latest[started - 1][1]


def _slot_index(slots: tuple[TrainingSlot, ...]) -> _SlotIndex:
    return _SlotIndex(slots)


def _pairwise(slots: tuple[TrainingSlot, ...]):
    """:meth:`_SlotIndex.overlapping` by comparing every slot (same count, same slot named)."""
    intervals = [t.utc for t in slots]

    def overlapping(begin: dt.datetime, end: dt.datetime) -> tuple[int, int] | None:
        count, best = 0, None
        for j, (t_begin, t_end) in enumerate(intervals):
            if begin < t_end and t_begin < end:
                count += 1
                if best is None or t_end > intervals[best][1]:
                    best = j
        return None if best is None else (count, best)
    return overlapping


@rule("PROG-HOURS-REALISED", clause="CCTP 6.1-3, 6.6",
      title="Heures réalisées dans la limite des heures validées", severity=VIOLATION,
      subject="programme",
      requirement="Les heures effectivement réalisées sont renseignées sur IPRO 360° ; elles ne "
                  "dépassent pas les heures du programme validé par le CPIP sans modification "
                  "validée.",
      interpretation="Une modification validée remplace le programme : on compare aux heures du "
                     "programme validé en vigueur, individuelles et collectives séparément.",
      examples=(
          Example("12 h individuelles réalisées sur 12 validées", "programme",
                  _prog(validated=True, recorded_hours={"individual": 12, "collective": 6}),
                  fires=False),
          Example("14 h individuelles réalisées sur 12 validées", "programme",
                  _prog(validated=True, recorded_hours={"individual": 14, "collective": 6})),
          Example("Heures réalisées sur une proposition non validée", "programme",
                  _prog(validated=None, recorded_hours={"individual": 2}), severity=INFO),
      ))
def prog_hours_realised(p: Proposal, params: ContractParameters):
    recorded = p.recorded_hours
    if recorded is None:
        return
    # A part of the programme that is not stated is known to be empty only when the
    # other part is stated (an individual-only or a collective-only programme);
    # otherwise its hours are a missing fact, never 0 h.
    individual = p.individual_hours
    if individual is None and p.workshops and not p.has_individual_part:
        individual = 0
    collective = None
    if p.workshops:
        if all(w.hours is not None for w in p.workshops):
            collective = sum(w.hours for w in p.workshops)
    elif p.individual_hours is not None:
        collective = 0
    if not p.validated:
        # Not known to be the programme in force: never silent about an excess.
        excess = [f"{hours_text(done)} {kind} réalisées pour {hours_text(planned)} proposées"
                  for kind, done, planned in (
                      ("individuelles", recorded.individual, individual),
                      ("collectives", recorded.collective, collective))
                  if done is not None and planned is not None and done > planned]
        state = "non renseignée" if p.validated is None else "refusée ou en attente"
        detail = f" ; dépassement si cette proposition est le programme en vigueur : " \
                 f"{', '.join(excess)}" if excess else ""
        yield missing("validated", f"programme validé en vigueur (validation de cette "
                                   f"proposition {state}){detail}")
        return
    if recorded.individual is not None:
        yield from hours_realised_flags("individuelles", recorded.individual, individual,
                                        "recorded_hours.individual")
    if recorded.collective is not None:
        if any(w.hours is None for w in p.workshops):
            yield missing("workshops", "durée de chaque atelier (heures collectives validées)")
            return
        yield from hours_realised_flags("collectives", recorded.collective, collective,
                                        "recorded_hours.collective")


# --- the check -------------------------------------------------------------------

def check_programme(proposal: Any, params: ContractParameters = DIJON) -> Report:
    """Every programme rule on a proposal (a :class:`Proposal` or a dict from JSON).

    With a history of avenants (issue 12 §3): the parameters in force on the date of
    the programme's first session (its start), which must then be given.
    """
    history = hasattr(params, "period_of")
    read = read_proposal(proposal, params.base if history else params)
    if history:
        starts = [(s.start, f"sessions[{i}].start") for i, s in enumerate(read.sessions)
                  if getattr(s, "start", None) is not None]
        if not starts:
            raise InputError("sessions[0].start", "la date de la première séance, pour lire "
                                                  "les paramètres en vigueur (avenants)",
                             "date manquante")
        first, path = min(starts, key=lambda pair: _utc_key(pair[0]))
        params = params.at(first, path)
    return run_rules("programme", read, params)


def _utc_key(value: Any) -> Any:
    """A session start as a comparable instant (naive: Paris wall time, its day)."""
    return value.timestamp() if getattr(value, "tzinfo", None) else \
        dt.datetime.combine(value.date() if isinstance(value, dt.datetime) else value,
                            dt.time(), tzinfo=dt.timezone.utc).timestamp()


def programme_schema(params: ContractParameters = DIJON) -> dict:
    return json_schema(Proposal, title="Proposition de programme PPAIP (CCTP 6.1-2, 6.2)",
                       context=params)


register_kind("programme", "Proposition de programme", lambda data, params, **_:
              check_programme(data, params), programme_schema)

__all__ = ["A_LA_CARTE", "Proposal", "RecordedHours", "Session", "TrainingSlot", "Workshop",
           "check_programme", "group_size_flags", "hours_realised_flags", "read_proposal",
           "workshop_hours_flags", "workshop_name"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
