"""CCTP 6.7 — the staffing rules on a roster (STAFF-*), each a declarative unit.

Each rule reads a :class:`~ppaip_rules.roster_check.RosterCheck` (the roster on the
day of the check) and yields its flags; :func:`ppaip_rules.staffing.check_roster` runs
them, with the deadline rules STAFF-REPLACE and STAFF-ACCESS, and orders the report.
The worked examples are variations of :mod:`ppaip_rules._roster_example`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from fractions import Fraction

from ._roster_example import example_roster, with_facilitator
from .errors import InputError
from .frenchtext import format_date, format_value, plural
from .model import (
    INFO,
    VIOLATION,
    WARNING,
    Example,
    Flag,
    Step,
    missing_fact,
    rule,
    source_note,
)
from .parameters import DIJON, ContractParameters
from .roster_check import RosterCheck, level_label, yes_no_flag
from .roster_model import (
    ADVISER,
    BASES,
    DEPARTURE,
    EVENT_KINDS,
    PSYCHOLOGIST,
    ROLES,
    AccessRequest,
    Establishment,
    Facilitator,
    Premises,
    StaffEvent,
)

# --- the rules -------------------------------------------------------------------------

_AS_OF = {"as_of": "2025-06-30"}


def _extra_advisers(n: int) -> dict:
    data = example_roster()
    for i in range(n):
        data["facilitators"].append({"id": f"CIP-{i + 2}", "role": ADVISER, "qualification": 5,
                                     "experience": True, "sites": ["MA-DIJON"]})
    return data


def _share_text(value: Fraction) -> str:
    """A share as a French percentage, rounded down to 0.1 (29.96 % is never shown as 30 %)."""
    tenths = math.floor(value * 1000)
    return f"{format_value(tenths / 10)} %"


def _decimal_text(value: Fraction, up: bool = False) -> str:
    """Hours or FTE in French, to 0.01 (rounded up for an amount still missing)."""
    hundredths = math.ceil(value * 100) if up else round(value * 100)
    return format_value(hundredths / 100)


def _exact(value: float) -> Fraction:
    return Fraction(str(value))


#: How many identifiers a message names before « et N autre(s) » (the data has them all).
_SHOWN = 10


def _no_number(f: Facilitator) -> bool:
    """A psychologist whose registry number is not given (a missing fact, not a bad number)."""
    return f.registry_number is None or not f.registry_number.strip()


def _share_team(check: RosterCheck) -> tuple[list[Facilitator], list[dict]]:
    """Who counts for the share on the check day (ambiguity 12), and who is left out, why."""
    day = max(check.as_of, check.roster.market_start)
    counted: list[Facilitator] = []
    left_out: list[dict] = []
    designated = check.share_counts == "designated"
    active = {f.id for f in check.active}
    for f in check.roster.facilitators:
        if f.id in check.departed:
            reason = f"parti le {format_date(check.departed[f.id])}"
        elif f.id not in active:
            reason = f"pas encore en poste (arrivée le {format_date(check.start_of(f))})"
        elif designated or f.sites or (f.substitute and check.stands_in(f, day)):
            counted.append(f)
            continue
        elif f.substitute:
            reason = "suppléant qui ne remplace personne au jour du contrôle"
        else:
            reason = "aucun site d'intervention"
        left_out.append({"id": f.id, "reason": reason})
    return counted, left_out


def _band(share: Fraction, target: Fraction, floor: Fraction) -> int:
    return 0 if share >= target else 1 if share >= floor else 2


def _share_figures(psy: Fraction, total: Fraction, basis: str, target: Fraction,
                   left_out: list[dict], unregistered: list[str], reading: str) -> dict:
    number = (lambda v: int(v)) if basis == "headcount" else (lambda v: round(float(v), 2))
    return {
        "basis": basis,
        "reading": reading,
        "psychologists": number(psy),
        "total": number(total),
        "share": round(float(psy / total), 4) if total else None,
        "target": float(target),
        "left_out": left_out,
        "psychologists_not_counted": unregistered,
    }


@rule("STAFF-PSY-SHARE", clause="CCTP 6.7", title=f"Environ {DIJON.psychologist_share_percent:g} % de psychologues du travail",
      severity=VIOLATION, subject="roster",
      parameters=("psychologist_share_percent", "psychologist_tolerance_points"),
      requirement="L'ensemble des intervenants (sous-traitants inclus) compte un volume "
                  "suffisant de psychologues du travail (environ 30 %) inscrits au répertoire "
                  "ADELI.",
      interpretation="« Environ 30 % » : part calculée par effectif (par défaut), par heures "
                     "hebdomadaires ou par ETP au choix ; sous 30 % moins la tolérance "
                     "(5 points) c'est une violation, dans la marge un avertissement. "
                     "« L'ensemble des intervenants » (ambiguïté 12) : par défaut, les "
                     "intervenants en poste au jour du contrôle (avant le démarrage : l'équipe "
                     "prévue au démarrage) et affectés à au moins un site ; un suppléant n'est "
                     "compté que s'il a ses propres sites ou remplace quelqu'un ce jour-là "
                     "(share_counts=\"assigned\"). Autre lecture : toutes les personnes "
                     "désignées, suppléants en attente compris (share_counts=\"designated\"). "
                     "Seuls les psychologues au numéro ADELI ou RPPS de forme valide comptent "
                     "comme psychologues ; quand un numéro n'est pas renseigné et que le "
                     "verdict en dépend, c'est une information manquante. Le rapport donne toujours les chiffres (constat "
                     "d'information quand la part est atteinte) : psychologues comptés, total, "
                     "part, et les intervenants non comptés avec le motif.",
      examples=(
          Example("1 psychologue sur 2 intervenants affectés : 50 % (le suppléant en attente "
                  "n'est pas compté) ; les chiffres sont donnés en information", "roster",
                  example_roster(), fires=True, severity=INFO, options=_AS_OF),
          Example("1 psychologue sur 4 intervenants : 25 %, dans la marge de tolérance",
                  "roster", _extra_advisers(2), severity=WARNING, options=_AS_OF),
          Example("1 psychologue sur 5 intervenants affectés : 20 % ; le suppléant "
                  "psychologue en attente ne compte pas", "roster", _extra_advisers(3),
                  severity=VIOLATION, options=_AS_OF),
      ))
def staff_psy_share(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    team, left_out = _share_team(check)
    target = _exact(params.psychologist_share_percent) / 100
    floor = target - _exact(params.psychologist_tolerance_points) / 100
    basis = check.basis
    field = {"hours": "weekly_hours", "fte": "fte"}.get(basis)
    total = psy = Fraction(0)
    advisers = 0
    counted_psy: list[str] = []
    counted_others: list[str] = []
    unregistered: list[str] = []
    no_number: list[str] = []
    unknown = Fraction(0)                   # psychologists whose number is not given
    for f in team:
        if field is None:
            weight = Fraction(1)
        else:
            value = getattr(f, field)
            if value is None:
                what = "heures hebdomadaires" if basis == "hours" else "ETP"
                raise InputError(f"{check.path_of(f)}.{field}", f"les {what} de chaque "
                                 f"intervenant en poste (base de calcul « {BASES[basis]} »)",
                                 "valeur manquante")
            weight = _exact(value)
        total += weight
        if f.is_psychologist:
            if check.registry[f.id].valid_form:
                psy += weight
                counted_psy.append(f.id)
            elif _no_number(f):
                unknown += weight
                no_number.append(f.id)
            else:
                unregistered.append(f.id)
        else:
            advisers += 1
            counted_others.append(f.id)
    uncounted = len(unregistered)
    steps = _share_steps(params, basis, check.share_counts, target, floor, counted_psy,
                         counted_others, unregistered, no_number, left_out, psy, total)
    figures = _share_figures(psy, total, basis, target, left_out, unregistered,
                             check.share_counts)
    figures["psychologists_without_number"] = no_number
    outside = ""
    if left_out:
        shown = ", ".join(f"{x['id']} ({x['reason']})" for x in left_out[:_SHOWN])
        more = f" et {len(left_out) - _SHOWN} autre(s)" if len(left_out) > _SHOWN else ""
        outside = f" Non comptés : {shown}{more}."
    if not team:
        yield Flag("Aucun intervenant en poste et affecté à un site au jour du contrôle : la "
                   "part de psychologues du travail est nulle." + outside,
                   expected=f"au moins {_share_text(target)}", found=figures,
                   path="facilitators", trace=steps)
        return
    if total == 0:
        yield Flag("Le volume total des intervenants en poste est nul : la part de "
                   "psychologues du travail ne peut être atteinte." + outside,
                   expected=f"au moins {_share_text(target)}", found=figures,
                   path="facilitators", trace=steps)
        return
    share = psy / total
    if unknown and _band(share, target, floor) != _band((psy + unknown) / total, target, floor):
        yield Flag(f"La part de psychologues du travail est entre {_share_text(share)} et "
                   f"{_share_text((psy + unknown) / total)} selon l'inscription de "
                   f"{_names(no_number)}, dont le numéro ADELI ou RPPS n'est pas renseigné ; "
                   f"la règle n'a pas pu être vérifiée.{outside}",
                   expected=f"au moins {_share_text(target)}", found=figures, severity=INFO,
                   path="facilitators", missing=True, trace=steps)
        return
    if basis == "headcount":
        counted = (f"{plural(int(psy), 'psychologue du travail', 'psychologues du travail')} "
                   f"sur {plural(int(total), 'intervenant')}")
    else:
        unit = "h hebdomadaires" if basis == "hours" else "ETP"
        counted = (f"{_decimal_text(psy)} {unit} de psychologue du travail sur "
                   f"{_decimal_text(total)} {unit}")
    counted += f" (sous-traitants inclus), soit {_share_text(share)}"
    note = ""
    if uncounted:
        verb = "n'est pas compté" if uncounted == 1 else "ne sont pas comptés"
        note = (f" {plural(uncounted, 'psychologue', 'psychologues')} sans numéro ADELI ou "
                f"RPPS de forme valide {verb} (voir STAFF-PSY-REGISTRY).")
    if share >= target:
        yield Flag(f"Part de psychologues du travail : {counted} ; au moins "
                   f"{_share_text(target)} attendus.{note}{outside}",
                   expected=f"au moins {_share_text(target)}", found=figures, severity=INFO,
                   path="facilitators", trace=steps)
        return
    missing_same = target * total - psy            # advisers' part turned into psychologists'
    missing_added = missing_same / (1 - target) if target < 1 else None
    if basis == "headcount":
        same = math.ceil(missing_same)
        ways = []
        if same <= advisers:
            ways.append("remplacer " + ("1 conseiller par un psychologue du travail" if same == 1
                                        else f"{same} conseillers par des psychologues du travail"))
        if missing_added is not None:
            added = math.ceil(missing_added)
            ways.append(f"ajouter {plural(added, 'psychologue du travail', 'psychologues du travail')}"
                        f" à l'équipe")
        fix = (f"il manque {plural(same, 'psychologue du travail', 'psychologues du travail')} "
               f"pour atteindre {_share_text(target)}" + (" : " + ", ou ".join(ways) if ways
                                                           else ""))
    else:
        fix = (f"il manque {_decimal_text(missing_same, up=True)} {unit} de psychologue du "
               f"travail pour atteindre {_share_text(target)} à volume constant")
        if missing_added is not None:
            fix += f" (ou {_decimal_text(missing_added, up=True)} {unit} en plus du volume actuel)"
    in_band = share >= floor
    band = (f"dans la marge de tolérance ({_share_text(floor)} à {_share_text(target)})"
            if in_band else f"sous le seuil de tolérance de {_share_text(floor)}")
    yield Flag(f"{counted}, {band}. {fix[0].upper()}{fix[1:]}.{note}{outside}",
               expected=f"au moins {_share_text(target)} (tolérance jusqu'à {_share_text(floor)})",
               found=figures, severity=WARNING if in_band else VIOLATION, path="facilitators", trace=steps)


def _share_steps(params: ContractParameters, basis: str, reading: str, target: Fraction,
                 floor: Fraction, counted_psy: list[str], counted_others: list[str],
                 unregistered: list[str], no_number: list[str], left_out: list[dict],
                 psy: Fraction, total: Fraction) -> tuple[Step, ...]:
    """The steps of STAFF-PSY-SHARE (issue 12 §2): the share aimed at and its tolerance
    (parameters), the basis and reading, the people counted by roster identifier, those
    left out and why, the computation. Identifiers only: never a name nor a number."""
    share = params.psychologist_share_percent
    points = params.psychologist_tolerance_points
    steps = [
        Step(f"Part visée : {format_value(share)} % (paramètre psychologist_share_percent = "
             f"{format_value(share)}, CCTP 6.7"
             f"{source_note(params, 'psychologist_share_percent')}).", clause="CCTP 6.7",
             parameter="psychologist_share_percent", value=share),
        Step(f"Tolérance « environ » : {format_value(points)} points, soit un seuil de "
             f"{_share_text(floor)} (paramètre psychologist_tolerance_points = "
             f"{format_value(points)}, CCTP 6.7"
             f"{source_note(params, 'psychologist_tolerance_points')}).", clause="CCTP 6.7",
             parameter="psychologist_tolerance_points", value=points, computed=float(floor)),
        Step(f"Base de calcul : {BASES.get(basis, basis)} ; intervenants comptés : lecture "
             f"« {reading} » (ambiguïté 12).", computed={"basis": basis, "reading": reading}),
        Step(f"Psychologues du travail comptés (numéro ADELI ou RPPS de forme valide) : "
             f"{_names(counted_psy) or 'aucun'}.", path="facilitators", computed=counted_psy),
        Step(f"Autres intervenants comptés : {_names(counted_others) or 'aucun'}.",
             path="facilitators", computed=counted_others),
    ]
    if unregistered:
        steps.append(Step(f"Comptés dans le total mais pas comme psychologues (numéro de forme "
                          f"non valide) : {_names(unregistered)}.", path="facilitators",
                          computed=unregistered))
    if no_number:
        steps.append(Step(f"Psychologues dont le numéro n'est pas renseigné : "
                          f"{_names(no_number)}.", path="facilitators", computed=no_number))
    for x in left_out[:_SHOWN]:
        steps.append(Step(f"Non compté : {x['id']} ({x['reason']}).", path="facilitators",
                          computed={"id": x["id"], "motif": x["reason"]}))
    if len(left_out) > _SHOWN:
        steps.append(Step(f"Et {len(left_out) - _SHOWN} autre(s) non compté(s) (voir les "
                          f"chiffres du constat).", computed=len(left_out) - _SHOWN))
    if total:
        steps.append(Step(f"Calcul : {_decimal_text(psy)} / {_decimal_text(total)} = "
                          f"{_share_text(psy / total)}.", computed=round(float(psy / total), 4)))
    return tuple(steps)


@rule("STAFF-PSY-REGISTRY", clause="CCTP 6.7",
      title="Numéro ADELI ou RPPS de forme valide pour chaque psychologue",
      severity=VIOLATION, subject="roster",
      parameters=("adeli_digits", "adeli_psychologist_code", "rpps_digits"),
      requirement="Les psychologues du travail sont inscrits au répertoire ADELI ; depuis 2024 "
                  "les psychologues ont un numéro RPPS, lié à leur ancien numéro ADELI. Le "
                  "numéro de chaque psychologue a une forme valide.",
      interpretation="ADELI : 9 chiffres (département 2, profession 2 — « 93 » pour un "
                     "psychologue —, ordre 4, clé 1) ; la clé n'est pas contrôlée, son "
                     "algorithme n'étant pas publié. RPPS : 11 chiffres ; la clé finale est "
                     "contrôlée par la formule de Luhn, employée par les logiciels de santé "
                     "mais sans spécification publique de l'ANS : une clé incohérente donne "
                     "un avertissement, pas une violation. Aucun numéro n'est vérifié auprès "
                     "du répertoire lui-même. Un numéro non renseigné est une information "
                     "manquante.",
      examples=(
          Example("Numéro RPPS de 11 chiffres, clé cohérente", "roster", example_roster(),
                  fires=False, options=_AS_OF),
          Example("Numéro ADELI dont le code profession est « 94 »", "roster",
                  with_facilitator(0, registry="ADELI", registry_number="219400017"),
                  severity=VIOLATION, options=_AS_OF),
          Example("Numéro RPPS dont la clé de Luhn ne correspond pas", "roster",
                  with_facilitator(0, registry_number="10000000018"), severity=WARNING,
                  options=_AS_OF),
      ))
def staff_psy_registry(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    for i, f in enumerate(check.roster.facilitators):
        if not f.is_psychologist or f.id in check.departed:
            continue
        result = check.registry[f.id]
        kind = result.kind or "ADELI ou RPPS"
        path = f"facilitators[{i}].registry_number"
        if _no_number(f):
            yield missing_fact(path, f"psychologue {f.id} : numéro d'inscription ADELI ou RPPS")
            continue
        for problem in result.problems:
            yield Flag(f"Psychologue {f.id} : {problem}. Contrôle effectué : {result.checked}.",
                       expected=f"un numéro {kind} de forme valide", found="forme non valide",
                       path=path)
        for doubt in result.doubts:
            yield Flag(f"Psychologue {f.id} : {doubt}. Contrôle effectué : {result.checked}.",
                       expected="une clé de contrôle cohérente", found="clé incohérente",
                       severity=WARNING, path=path)


@rule("STAFF-QUALIF", clause="CCTP 6.7",
      title="Niveau III (niveau 5) et expérience pour les non-psychologues",
      severity=VIOLATION, subject="roster", parameters=("min_qualification_level",),
      requirement="Les intervenants qui ne sont pas psychologues du travail ont au moins le "
                  "niveau III, de type Conseiller en Insertion Professionnelle, et une "
                  "expérience dans l'animation de prestations d'orientation et/ou d'insertion "
                  "socioprofessionnelle.",
      interpretation="Le niveau III de la nomenclature de 1969 est le niveau 5 du cadre "
                     "national des certifications (décret n° 2019-14 : V→3, IV→4, III→5, "
                     "II→6, I→7 ou 8) ; les deux nomenclatures sont acceptées. Un niveau ou une "
                     "expérience non renseignés sont des informations manquantes (rapport "
                     "incomplet).",
      examples=(
          Example("Conseiller de niveau III avec expérience", "roster",
                  example_roster(), fires=False, options=_AS_OF),
          Example("Conseiller de niveau IV (bac)", "roster",
                  with_facilitator(1, qualification="IV"), severity=VIOLATION, options=_AS_OF),
          Example("Conseiller sans expérience en orientation ou insertion", "roster",
                  with_facilitator(1, experience=False), severity=VIOLATION, options=_AS_OF),
      ))
def staff_qualif(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    minimum = params.min_qualification_level
    for i, f in enumerate(check.roster.facilitators):
        if f.is_psychologist or f.id in check.departed:
            continue
        path = f"facilitators[{i}]"
        if f.qualification is None:
            yield missing_fact(f"{path}.qualification", f"intervenant {f.id} : niveau de "
                               f"qualification (au moins le {level_label(minimum)})",
                               expected=level_label(minimum))
        elif f.qualification < minimum:
            yield Flag(f"Intervenant {f.id} ({ROLES[f.role]}) : {level_label(f.qualification)} ; "
                       f"au moins le {level_label(minimum)} est exigé des non-psychologues.",
                       expected=level_label(minimum), found=level_label(f.qualification),
                       path=f"{path}.qualification")
        flag = yes_no_flag(
            f.experience, f"{path}.experience",
            f"Intervenant {f.id} : pas d'expérience dans l'animation de prestations "
            f"d'orientation ou d'insertion socioprofessionnelle.",
            f"intervenant {f.id} : expérience dans l'animation de prestations d'orientation "
            f"ou d'insertion")
        if flag:
            yield flag


def _replacement(replaced_by: str, role: str) -> dict:
    data = example_roster()
    data["facilitators"].append({"id": replaced_by, "role": role, "qualification": 5,
                                 "experience": True, "registry_number": "10000000025",
                                 "sites": ["MA-DIJON"], "start_on": "2025-05-12"})
    data["events"] = [{"facilitator": "PSY-1", "kind": DEPARTURE, "start": "2025-04-30",
                       "replaced_by": replaced_by, "replaced_on": "2025-05-12",
                       "notified_disp_on": "2025-04-22", "notified_spip_on": "2025-04-22",
                       "notified_establishment_on": "2025-04-22"}]
    return data


def _event_label(ev: StaffEvent) -> str:
    if ev.kind == DEPARTURE:
        return f"Départ de l'intervenant {ev.facilitator} le {format_date(ev.start)}"
    return (f"{EVENT_KINDS[ev.kind].capitalize()} de l'intervenant {ev.facilitator} à compter du "
            f"{format_date(ev.start)}")


@rule("STAFF-REPLACE-KIND", clause="CCTP 6.7",
      title="Un psychologue n'est remplacé que par un psychologue",
      severity=VIOLATION, subject="roster",
      requirement="En cas de changement de personnel, un conseiller en insertion "
                  "professionnelle ne peut pas remplacer un psychologue du travail ou assimilé.",
      interpretation="Appliqué à tout remplacement déclaré, départ ou absence.",
      examples=(
          Example("Psychologue parti le 30 avril 2025, remplacé par un psychologue", "roster",
                  _replacement("PSY-2", PSYCHOLOGIST), fires=False, options=_AS_OF),
          Example("Psychologue parti le 30 avril 2025, remplacé par un conseiller", "roster",
                  _replacement("CIP-2", ADVISER), severity=VIOLATION, options=_AS_OF),
      ))
def staff_replace_kind(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    for i, ev in enumerate(check.roster.events):
        if ev.replaced_by is None:
            continue
        gone, new = check.by_id[ev.facilitator], check.by_id[ev.replaced_by]
        if gone.is_psychologist and not new.is_psychologist:
            yield Flag(f"{_event_label(ev)} : remplacé par {new.id}, {ROLES[new.role]} ; un "
                       f"psychologue du travail ne peut être remplacé que par un psychologue "
                       f"du travail.", expected=ROLES[PSYCHOLOGIST], found=ROLES[new.role],
                       path=f"events[{i}].replaced_by")


def _no_substitute() -> dict:
    return with_facilitator(2, substitute=False)


def _substitute_late_request() -> dict:
    data = example_roster()
    for a in data["access"]:
        if a["facilitator"] == "SUP-1":
            a.update(requested_on="2025-03-04", granted_on="2025-04-01")
    return data


def _substitute_list_not_sent() -> dict:
    return example_roster(substitute_list_updates=[{"changed_on": "2025-05-05"}])


@rule("STAFF-SUBSTITUTE", clause="CCTP 6.7",
      title="Un suppléant désigné, démarches d'accès faites pour chaque établissement",
      severity=VIOLATION, subject="roster",
      requirement="Un suppléant est désigné par le titulaire du lot en début de marché ; il a "
                  "au préalable « réalisé les démarches d'autorisations d'accès auprès de "
                  "chaque établissement pénitentiaire » ; « la liste du ou des suppléant(s) "
                  "sera actualisée et transmise à la DISP ».",
      interpretation="Ce qui est dû au démarrage du marché (ou au premier jour d'un suppléant "
                     "désigné plus tard) est le dépôt des demandes d'accès, pas leur "
                     "délivrance. Une demande déposée après cette date, ou sans pièce "
                     "d'identité, est une violation ; une date de dépôt non renseignée est une "
                     "information manquante. Un seul constat par suppléant, qui nomme les "
                     "établissements concernés. Chaque modification de la liste "
                     "(substitute_list_updates) est suivie de sa transmission à la DISP : une "
                     "transmission antérieure à la modification est une violation, une date "
                     "non renseignée une information manquante. Avant le démarrage, l'absence "
                     "de suppléant est un avertissement.",
      examples=(
          Example("Un suppléant, demande d'accès déposée le 20 janvier 2025 pour le démarrage "
                  "du 3 mars", "roster", example_roster(), fires=False, options=_AS_OF),
          Example("Aucun suppléant désigné", "roster", _no_substitute(), severity=VIOLATION,
                  options=_AS_OF),
          Example("Demande d'accès du suppléant déposée le 4 mars 2025, après le démarrage",
                  "roster", _substitute_late_request(), severity=VIOLATION, options=_AS_OF),
          Example("Liste des suppléants modifiée le 5 mai 2025, transmission non renseignée",
                  "roster", _substitute_list_not_sent(), severity=INFO, options=_AS_OF),
      ))
def staff_substitute(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    roster, as_of = check.roster, check.as_of
    severity = VIOLATION if check.started else WARNING
    start = format_date(roster.market_start)
    subs = [f for f in check.current if f.substitute]
    if not subs:
        yield Flag(f"Aucun suppléant désigné (démarrage du marché le {start}). Désigner un "
                   f"suppléant et transmettre la liste à la DISP.", expected="au moins un "
                   "suppléant", found="aucun", severity=severity, path="facilitators")
    for i, f in enumerate(roster.facilitators):
        if f.substitute and f.id in check.departed:
            yield Flag(f"Le suppléant {f.id} a quitté l'équipe le "
                       f"{format_date(check.departed[f.id])} et figure encore sur la liste des "
                       f"suppléants : actualiser la liste et la transmettre à la DISP.",
                       expected="une liste des suppléants à jour", found="suppléant parti",
                       path=f"facilitators[{i}].substitute")
    if subs and check.started and roster.substitute_list_sent_on is None:
        yield missing_fact("substitute_list_sent_on",
                           "date de transmission à la DISP de la liste des suppléants")
    for i, u in enumerate(roster.substitute_list_updates):
        if u.changed_on > as_of:
            continue
        path = f"substitute_list_updates[{i}].sent_on"
        if u.sent_on is None:
            yield missing_fact(path, f"transmission à la DISP de la liste des suppléants "
                               f"modifiée le {format_date(u.changed_on)}")
        elif u.sent_on < u.changed_on:
            yield Flag(f"La liste des suppléants modifiée le {format_date(u.changed_on)} n'a "
                       f"pas été transmise à la DISP après sa modification (dernière "
                       f"transmission le {format_date(u.sent_on)}).",
                       expected=f"une transmission le {format_date(u.changed_on)} ou après",
                       found=u.sent_on, path=path)
    establishments = [e.id for e in roster.establishments]
    by_person: dict[str, list[AccessRequest]] = {}
    for a in roster.access:
        by_person.setdefault(a.facilitator, []).append(a)
    for f in subs:
        # Linear in the substitute's own access lines: one finding per substitute, never
        # one per (substitute, establishment) pair (issue 11 item 5, issue 16 item 15).
        due = check.start_of(f)
        late: list[str] = []
        without_id: list[str] = []
        filed: set[str] = set()
        for a in by_person.get(f.id, ()):
            if a.requested_on is not None:
                filed.add(a.establishment)
                if a.requested_on > due:
                    late.append(f"{a.establishment} (demande du {format_date(a.requested_on)})")
            elif a.granted_on is not None and a.granted_on <= due:
                filed.add(a.establishment)
            if a.id_document is False:
                without_id.append(a.establishment)
        count = len(establishments) - len(filed)
        unknown: list[str] = []
        if count:
            for e in establishments:
                if e not in filed:
                    unknown.append(e)
                    if len(unknown) == _SHOWN:
                        break
        path = check.path_of(f)
        if late or without_id:
            parts = []
            if late:
                parts.append(f"demande d'accès déposée après le {format_date(due)} pour "
                             f"{plural(len(late), 'établissement')} : {_names(late)}")
            if without_id:
                parts.append(f"demande sans pièce d'identité pour "
                             f"{plural(len(without_id), 'établissement')} : "
                             f"{_names(without_id)}")
            yield Flag(f"Le suppléant {f.id} n'avait pas réalisé au préalable les démarches "
                       f"d'autorisation d'accès : {' ; '.join(parts)}. Les demandes sont dues "
                       f"au plus tard le {format_date(due)}.",
                       expected=f"demandes déposées au plus tard le {format_date(due)}, avec "
                                f"une pièce d'identité",
                       found=f"{len(late) + len(without_id)} demande(s) en défaut",
                       path=path)
        if count:
            where = f"{plural(count, 'établissement')} : {_names(unknown, count)}"
            if as_of < due:
                yield Flag(f"Le suppléant {f.id} doit avoir déposé ses demandes d'accès au plus "
                           f"tard le {format_date(due)} ({where}).", expected=due,
                           found="en attente", severity=INFO, path=path)
            else:
                yield missing_fact(path, f"date de dépôt des demandes d'accès du suppléant "
                                   f"{f.id} ({where})", expected=due)
    if subs and not any(f.is_psychologist for f in subs) and any(
            f.is_psychologist for f in check.current):
        yield Flag("Aucun suppléant n'est psychologue du travail : un psychologue absent ne "
                   "pourrait pas être remplacé par un suppléant (un conseiller ne peut pas "
                   "remplacer un psychologue).", expected="au moins un suppléant psychologue",
                   found="suppléants conseillers seulement", severity=WARNING,
                   path="facilitators")


def _no_coordinator() -> dict:
    data = example_roster()
    del data["establishments"][0]["coordinator"]
    return data


@rule("STAFF-COORDINATOR", clause="CCTP 6.7",
      title="Un intervenant-coordinateur par établissement",
      severity=VIOLATION, subject="roster",
      requirement="Le titulaire désigne un intervenant-coordinateur du dispositif dans chaque "
                  "établissement, pour faire le lien avec le SPIP, la direction de "
                  "l'établissement et la DISP de Dijon.",
      interpretation="Un coordinateur qui n'intervient pas dans l'établissement (selon la "
                     "colonne des sites) donne un avertissement.",
      examples=(
          Example("Le psychologue PSY-1 coordonne la maison d'arrêt", "roster",
                  example_roster(), fires=False, options=_AS_OF),
          Example("Aucun coordinateur pour la maison d'arrêt", "roster", _no_coordinator(),
                  severity=VIOLATION, options=_AS_OF),
      ))
def staff_coordinator(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    if not check.roster.establishments:
        yield Flag("Aucun établissement pénitentiaire déclaré : saisir les établissements du "
                   "lot (annexe 1 du CCTP) avec leur coordinateur.",
                   expected="les établissements du lot", found="aucun", severity=WARNING,
                   path="establishments")
    for i, e in enumerate(check.roster.establishments):
        path = f"establishments[{i}].coordinator"
        if e.coordinator is None:
            yield Flag(f"Aucun intervenant-coordinateur désigné pour l'établissement {e.id}.",
                       expected="un coordinateur", found="aucun", path=path)
        elif e.coordinator in check.departed:
            yield Flag(f"Le coordinateur de l'établissement {e.id}, {e.coordinator}, a quitté "
                       f"l'équipe le {format_date(check.departed[e.coordinator])} : désigner "
                       f"un nouveau coordinateur.", expected="un coordinateur en poste",
                       found="coordinateur parti", path=path)
        elif e.id not in check.by_id[e.coordinator].sites:
            yield Flag(f"Le coordinateur de l'établissement {e.id}, {e.coordinator}, n'y "
                       f"intervient pas selon le tableau.", expected="un intervenant de "
                       "l'établissement", found="intervient ailleurs", severity=WARNING,
                       path=path)


def _session_before_grant() -> dict:
    data = with_facilitator(1, start_on="2025-05-12")
    data["access"][1].update(requested_on="2025-04-14", granted_on="2025-05-19",
                             first_session_on="2025-05-13")
    return data


def _session_after_grant() -> dict:
    data = _session_before_grant()
    data["access"][1]["first_session_on"] = "2025-05-20"
    return data


@rule("STAFF-AUTH-BEFORE-WORK", clause="CCTP 6.7",
      title="Aucune séance en détention avant l'autorisation d'accès",
      severity=VIOLATION, subject="roster",
      requirement="« Les intervenants ne peuvent exercer en milieu pénitentiaire sans "
                  "autorisation préalable. » Aucune séance n'est animée dans un établissement "
                  "pénitentiaire par un intervenant avant que son autorisation d'accès à cet "
                  "établissement soit délivrée.",
      interpretation="Jugé sur la date de première séance de l'intervenant dans "
                     "l'établissement (first_session_on de la ligne d'accès). Une autorisation "
                     "délivrée au plus tard le premier jour d'intervention suffit sans autre "
                     "date ; sinon, une date de première séance non renseignée est une "
                     "information manquante. Une séance le jour même de la délivrance est "
                     "admise.",
      examples=(
          Example("Autorisation délivrée le 19 mai 2025, première séance le 20 mai", "roster",
                  _session_after_grant(), fires=False, options=_AS_OF),
          Example("Première séance le 13 mai 2025, autorisation délivrée le 19 mai", "roster",
                  _session_before_grant(), severity=VIOLATION, options=_AS_OF),
      ))
def staff_auth_before_work(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    as_of = check.as_of
    for f in check.roster.facilitators:
        start = check.start_of(f)
        if start > as_of:
            continue
        for site in f.sites:
            if site not in check.mf:
                continue
            a = check.access.get((f.id, site))
            at = check.access_path(f.id, site)
            where = f"Intervenant {f.id}, établissement {site}"
            granted = a.granted_on if a is not None else None
            if granted is not None and granted > as_of:
                granted = None                          # not granted on the check day
            first = a.first_session_on if a is not None else None
            if first is not None and first <= as_of:
                if granted is None or first < granted:
                    state = (f"autorisation délivrée le {format_date(granted)}"
                             if granted else "aucune autorisation délivrée au jour du contrôle")
                    yield Flag(f"{where} : première séance le {format_date(first)}, {state} ; "
                               f"un intervenant ne peut exercer en milieu pénitentiaire sans "
                               f"autorisation préalable.",
                               expected="une séance à partir de la délivrance de l'autorisation",
                               found=first, path=f"{at}.first_session_on")
            elif granted is None or granted > start:
                state = (f"autorisation délivrée le {format_date(granted)}, après le début "
                         f"d'intervention du {format_date(start)}" if granted else
                         "aucune autorisation délivrée au jour du contrôle")
                yield missing_fact(f"{at}.first_session_on" if at else
                                   f"{check.path_of(f)}.sites",
                                   f"{where} : date de la première séance ({state})")


def _contacts_late() -> dict:
    data = _replacement("PSY-2", PSYCHOLOGIST)
    data["establishments"][0]["contacts_updated_on"] = ["2025-02-24", "2025-04-30"]
    data["access"].append({"facilitator": "PSY-2", "establishment": "MA-DIJON",
                           "requested_on": "2025-04-22", "granted_on": "2025-05-09",
                           "id_document": True})
    data["facilitators"][-1].update(criminal_record_clean=True, cv_sent=True)
    data["establishments"][0]["coordinator"] = "CIP-1"
    return data


def _contacts_updated() -> dict:
    data = _contacts_late()
    data["establishments"][0]["contacts_updated_on"].append("2025-05-12")
    return data


def _staff_changes(check: RosterCheck) -> dict[str, list[tuple[dt.date, str]]]:
    """Establishment → its staff changes up to the check day (day, what), in input order."""
    changes: dict[str, list[tuple[dt.date, str]]] = {}
    as_of, market = check.as_of, check.roster.market_start

    def add(who: Facilitator, day: dt.date, what: str) -> None:
        if day <= as_of:
            for site in who.sites:
                if site in check.mf:
                    changes.setdefault(site, []).append((day, what))

    replacers = set()
    for ev in check.roster.events:
        if ev.kind == DEPARTURE:
            add(check.by_id[ev.facilitator], ev.start,
                f"départ de {ev.facilitator} le {format_date(ev.start)}")
        if ev.replaced_by is not None:
            new = check.by_id[ev.replaced_by]
            day = ev.replaced_on or new.start_on
            if day is not None:
                replacers.add(new.id)
                add(new, day, f"arrivée de {new.id} le {format_date(day)}")
    for f in check.roster.facilitators:
        if f.id not in replacers and f.start_on is not None and f.start_on > market:
            add(f, f.start_on, f"arrivée de {f.id} le {format_date(f.start_on)}")
    return changes


@rule("STAFF-CONTACTS", clause="CCTP 6.7",
      title="Coordonnées des intervenants actualisées en temps réel",
      severity=VIOLATION, subject="roster",
      requirement="« Pour chaque établissement, le titulaire indiquera et actualisera en temps "
                  "réel les coordonnées de ses intervenants. » Après chaque changement de "
                  "personnel, la liste des coordonnées de l'établissement est actualisée.",
      interpretation="Un changement de personnel est un départ, ou l'arrivée d'un intervenant "
                     "après le démarrage (remplaçant compris), dans un établissement où il "
                     "intervient. « En temps réel » : une actualisation datée du jour du "
                     "changement ou après (contacts_updated_on de l'établissement). Une "
                     "absence sans remplaçant ne change pas la liste. Aucune date "
                     "d'actualisation renseignée : information manquante.",
      examples=(
          Example("PSY-1 part le 30 avril 2025, PSY-2 arrive le 12 mai ; coordonnées "
                  "actualisées le 12 mai", "roster", _contacts_updated(), fires=False,
                  options=_AS_OF),
          Example("Coordonnées actualisées le 30 avril, pas après l'arrivée de PSY-2 le 12 mai",
                  "roster", _contacts_late(), severity=VIOLATION, options=_AS_OF),
      ))
def staff_contacts(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    changes = _staff_changes(check)
    for i, e in enumerate(check.roster.establishments):
        path = f"establishments[{i}].contacts_updated_on"
        if e.contacts_updated_on is None or not e.contacts_updated_on:
            if check.started:
                yield missing_fact(path, f"établissement {e.id} : dates auxquelles les "
                                   f"coordonnées des intervenants ont été indiquées et "
                                   f"actualisées")
            continue
        last = max(e.contacts_updated_on)
        after = [what for day, what in changes.get(e.id, ()) if day > last]
        if after:
            yield Flag(f"Établissement {e.id} : coordonnées des intervenants actualisées en "
                       f"dernier le {format_date(last)}, avant {plural(len(after), 'changement')} "
                       f"de personnel : {_names(after)}. Actualiser les coordonnées à chaque "
                       f"changement.", expected="une actualisation le jour du changement ou après",
                       found=last, path=path)


def _late_starter() -> dict:
    return with_facilitator(1, start_on="2025-04-01")


@rule("STAFF-TEAM-AT-START", clause="CCTP 6.7",
      title="Équipe complète dès le démarrage du marché",
      severity=VIOLATION, subject="roster",
      requirement="Le titulaire garantit qu'il dispose de son équipe constituée dès le "
                  "démarrage du marché ; un curriculum vitae détaillé des intervenants est "
                  "transmis à la DISP en annexe du mémoire technique.",
      interpretation="L'équipe est complète quand chaque établissement et chaque lieu d'accueil "
                     "MO du tableau a au moins un intervenant en poste au démarrage. Avant le "
                     "démarrage, un manque est un avertissement. Un CV marqué « non transmis » "
                     "est une violation ; non renseigné, une information manquante.",
      examples=(
          Example("Chaque site a un intervenant dès le 3 mars 2025", "roster", example_roster(),
                  fires=False, options=_AS_OF),
          Example("Le seul intervenant du lieu de Mâcon n'arrive que le 1er avril 2025",
                  "roster", _late_starter(), severity=VIOLATION, options=_AS_OF),
      ))
def staff_team_at_start(check: RosterCheck, params: ContractParameters) -> Iterator[Flag]:
    roster = check.roster
    start = roster.market_start
    severity = VIOLATION if check.started else WARNING
    initial = [f for f in roster.facilitators if check.start_of(f) <= start]
    if not initial:
        yield Flag(f"Aucun intervenant en poste au démarrage du marché le {format_date(start)}.",
                   expected="une équipe constituée", found="aucun intervenant",
                   severity=severity, path="facilitators")
    covered = {site for f in initial for site in f.sites}
    places: tuple[tuple[str, tuple[Establishment | Premises, ...], str], ...] = (
        ("establishments", roster.establishments, "l'établissement"),
        ("premises", roster.premises, "le lieu d'accueil MO"))
    for section, items, what in places:
        for i, site in enumerate(items):
            if site.id not in covered:
                yield Flag(f"Aucun intervenant n'est en poste pour {what} {site.id} au "
                           f"démarrage du marché le {format_date(start)}.",
                           expected="au moins un intervenant au démarrage", found="aucun",
                           severity=severity, path=f"{section}[{i}]")
    for f in initial:
        flag = yes_no_flag(f.cv_sent, f"{check.path_of(f)}.cv_sent",
                           f"Le CV détaillé de l'intervenant {f.id} n'a pas été transmis à la "
                           f"DISP.", f"intervenant {f.id} : CV détaillé transmis à la DISP")
        if flag:
            yield flag


def _names(items: list[str], total: int | None = None) -> str:
    """Identifiers for a message: the first ones, then « et N autre(s) » (kept linear)."""
    total = len(items) if total is None else total
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" et {total - _SHOWN} autre(s)" if total > _SHOWN else "")
