"""The rules of a case (subject ``case``): each decides on the facts and obligations of one case.

Every rule is a declarative unit registered with :func:`~ppaip_rules.model.rule`, with
its worked examples (event logs in JSON form); its ``decide(facts, params)`` reads a
:class:`~ppaip_rules.case_facts.CaseFacts` whose obligations are built
(:mod:`ppaip_rules.obligations`). The rules that other areas register
(ELIG-PRESCRIBED, the deadline rules, PROG-HOURS-REALISED) are decided here on the
event-log side. :data:`CASE_RULES` lists them all in workflow order; :func:`speaking`
says which may say something about a case (a batch skips the silent ones).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from .case_facts import CaseFacts, Pair
from .events import (
    ABSENCE_CAUSES,
    DOCUMENT_KINDS,
    END_CAUSES,
    MODES,
    SUSPENSION_CAUSES,
    BilanDelivered,
    CalendarSent,
    ChangeRefused,
    ChangeValidated,
    DiagnosticConsulted,
    DocumentProduced,
    FirstMeeting,
    ImpossibilityReported,
    LastIndividualInterview,
    PrescriptionReceived,
    ProgrammeEnded,
    ProposalSent,
    ProposalValidated,
    SessionHeld,
    SuspensionStarted,
    before,
)
from .frenchtext import format_value, plural
from .model import INFO, VIOLATION, WARNING, Example, Flag, Rule, get_rule, missing_fact, rule
from .obligations import breach_flags, when
from .parameters import ContractParameters
from .registry import RULES


def _flag(message: str, pair: Pair | None = None, severity=None, **extra: Any) -> Flag:
    return Flag(message, severity=severity, path=f"events[{pair[0]}]" if pair else "events",
                **extra)


# --- the rules of the case (subject "case") ------------------------------------------

AS_OF = "2025-06-30T18:00:00+02:00"


def _ex(title: str, events: list[dict], fires: bool = True, severity=None,
        as_of: str = AS_OF) -> Example:
    return Example(title, "case", {"case_id": "EX-1", "events": events}, fires=fires,
                   severity=severity, options={"as_of": as_of})


def _e(type_: str, at: str, **fields: Any) -> dict:
    return {"type": type_, "at": at, **fields}


_RX = _e("prescription_received", "2025-05-02")
_MEETING = _e("first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1)
_PROPOSAL = _e("proposal_sent", "2025-05-06", individual_hours=12, collective_hours=6)
_VALID = _e("proposal_validated", "2025-05-09")
_CALENDAR = _e("calendar_sent", "2025-05-06")
_SESSION = _e("session_held", "2025-05-12T10:00:00+02:00", mode="individual", hours=2,
              signed_sheet=True)
_START = [_RX, _MEETING, _PROPOSAL, _CALENDAR, _VALID, _SESSION]


def _session(at: str, hours: float = 2, mode: str = "individual", **fields: Any) -> dict:
    return _e("session_held", at, mode=mode, hours=hours, signed_sheet=True, **fields)


def _missed(at: str, justified: bool = False, cause: str = "person") -> dict:
    return _e("session_missed", at, justified=justified, cause=cause)


@rule("PROG-PROPOSAL", clause="CCTP 6.1-2", title="Proposition de programme après le premier "
      "entretien", severity=VIOLATION, subject="case",
      requirement="À l'issue du premier entretien, le titulaire communique au CPIP, sur "
                  "IPRO 360°, le programme d'accompagnement proposé et le nombre d'heures "
                  "associé (individuelles et/ou collectives), décrit et justifié.",
      interpretation="Le contrat ne chiffre pas de délai (« à l'issue de l'entretien ») : la "
                     "proposition est due au plus tard avant la validation du programme ou la "
                     "première séance ; sinon elle reste « à venir », sans échéance.",
      examples=(
          _ex("Proposition envoyée le jour du premier entretien", _START, fires=False),
          _ex("Programme démarré sans proposition", [_RX, _MEETING, _CALENDAR, _SESSION]),
          _ex("Proposition sans aucune heure", [_RX, _MEETING, _e(
              "proposal_sent", "2025-05-06", individual_hours=0, collective_hours=0)]),
      ))
def prog_proposal(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    for pair in f.of(ProposalSent):
        p = pair[1]
        if meeting is None or before(p, meeting[1]):
            yield _flag("proposition de programme envoyée avant le premier entretien : la "
                        "proposition se construit avec la personne lors de ce premier "
                        "entretien (CCTP 6.1-2).", pair, expected="après le premier entretien",
                        found=p.at)
        if p.individual_hours is None and p.collective_hours is None:
            yield missing_fact(f"events[{pair[0]}].individual_hours",
                               "heures individuelles et/ou collectives de la proposition "
                               "(une proposition sans heures n'est pas une proposition de 0 h)")
        elif (p.individual_hours or 0) + (p.collective_hours or 0) <= 0:
            yield _flag("proposition de programme sans aucune heure : indiquer les heures "
                        "individuelles et/ou collectives proposées.", pair,
                        expected="un nombre d'heures", found="0 h")
    yield from breach_flags(f, "PROG-PROPOSAL")


@rule("PROG-VALIDATION", clause="CCTP 6.1-3", title="Validation du programme par le CPIP",
      severity=VIOLATION, subject="case",
      requirement="Le CPIP valide ou refuse la proposition ; après un refus, le titulaire peut "
                  "soumettre une nouvelle proposition ; toute modification ultérieure du "
                  "contenu ou de la durée est une nouvelle proposition à valider. Le programme "
                  "ne démarre qu'une fois validé.",
      interpretation="Une décision répond à la dernière proposition encore ouverte à sa date ; "
                     "une décision sans proposition ouverte (deux validations pour une "
                     "proposition) est signalée comme une incohérence du journal.",
      examples=(
          _ex("Proposition envoyée puis validée", _START, fires=False),
          _ex("Refus puis nouvelle proposition validée", [
              _RX, _MEETING, _PROPOSAL, _CALENDAR,
              _e("proposal_refused", "2025-05-07", comment="Réduire les heures collectives."),
              _e("proposal_sent", "2025-05-07", individual_hours=12),
              _e("proposal_validated", "2025-05-09"), _SESSION], fires=False),
          _ex("Deux validations pour une seule proposition", [*_START, _VALID]),
          _ex("Séance avant la validation", [_RX, _MEETING, _PROPOSAL, _CALENDAR, _session(
              "2025-05-07T10:00:00+02:00"), _VALID]),
      ))
def prog_validation(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    for pair in f.orphan_decisions:
        kind = "modification" if isinstance(pair[1], (ChangeValidated, ChangeRefused)) \
            else "proposition"
        verb = "validation" if isinstance(pair[1], (ProposalValidated, ChangeValidated)) \
            else "refus"
        yield _flag(f"{verb} du CPIP sans {kind} en attente : chaque décision répond à une "
                    f"{kind} envoyée sur IPRO 360° et pas encore tranchée. Vérifier le "
                    f"journal (décision en double ou {kind} non enregistrée).", pair,
                    expected=f"une {kind} en attente", found="aucune")
    first = next((v[0] for v in f.validations if isinstance(v[0][1], ProposalValidated)), None)
    for pair in f.of(SessionHeld):
        if first is not None and not before(pair[1], first[1]):
            break  # sessions are in order: the later ones are not before it either
        yield _flag(f"séance du {when(pair[1])} tenue avant la validation du programme "
                        f"par le CPIP : le programme ne démarre qu'une fois validé "
                        f"(CCTP 6.1-3).", pair, expected="une séance après la validation",
                        found=pair[1].at)


@rule("PROG-CALENDAR", clause="CCTP 6.4", title="Calendrier personnalisé transmis au CPIP",
      severity=VIOLATION, subject="case",
      requirement="Le titulaire propose un calendrier personnalisé lors du premier entretien "
                  "individuel et le transmet au CPIP référent.",
      interpretation="Le contrat ne chiffre pas le délai de transmission : le calendrier est dû "
                     "au plus tard à la première séance du programme.",
      examples=(
          _ex("Calendrier transmis le jour du premier entretien", _START, fires=False),
          _ex("Première séance sans calendrier transmis",
              [_RX, _MEETING, _PROPOSAL, _VALID, _SESSION]),
      ))
def prog_calendar(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    for pair in f.of(CalendarSent):
        if meeting is None or before(pair[1], meeting[1]):
            yield _flag("calendrier transmis avant le premier entretien : il se construit avec "
                        "la personne lors de cet entretien (CCTP 6.4).", pair, severity=WARNING,
                        expected="au premier entretien ou après", found=pair[1].at)
    yield from breach_flags(f, "PROG-CALENDAR")


@rule("RUN-ABSENCE", clause="CCTP 6.1-3", title="Absence : reconvocation, puis abandon",
      severity=VIOLATION, subject="case",
      requirement="En cas d'absence à un rendez-vous du fait de la personne, elle est "
                  "reconvoquée ; une absence non justifiée à ce nouveau rendez-vous vaut "
                  "abandon du dispositif.",
      interpretation="Toute absence du fait de la personne, justifiée ou non, appelle une "
                     "nouvelle convocation avant le rendez-vous suivant ; l'abandon n'est "
                     "constaté qu'à une absence non justifiée au rendez-vous qui suit cette "
                     "reconvocation (si la justification n'est pas renseignée : information "
                     "manquante, pas d'abandon). Une absence du fait de l'administration ou du "
                     "titulaire (transfert, blocage, intervenant absent) appelle une "
                     "reprogrammation et ne compte jamais pour l'abandon. Une absence dont la "
                     "cause n'est pas renseignée est lue comme du fait de la personne "
                     "(ambiguïté 13). L'abandon est un parcours interrompu "
                     "(RUN-INTERRUPTION-48H).",
      examples=(
          _ex("Absence non justifiée, reconvocation, séance suivante tenue", [
              *_START, _missed("2025-05-19T10:00:00+02:00"),
              _e("reconvocation", "2025-05-19T14:00:00+02:00"),
              _session("2025-05-26T10:00:00+02:00")], fires=False),
          _ex("Absence justifiée sans reconvocation avant le rendez-vous suivant", [
              *_START, _missed("2025-05-19T10:00:00+02:00", justified=True),
              _session("2025-05-26T10:00:00+02:00")]),
          _ex("Absence non justifiée sans reconvocation avant le rendez-vous suivant", [
              *_START, _missed("2025-05-19T10:00:00+02:00"),
              _session("2025-05-26T10:00:00+02:00")]),
          _ex("Intervenant absent : à reprogrammer, sans reconvocation ni abandon", [
              *_START, _missed("2025-05-19T10:00:00+02:00", cause="facilitator_absent"),
              _session("2025-05-26T10:00:00+02:00")], severity=INFO),
          _ex("Deuxième absence non justifiée après reconvocation : abandon", [
              *_START, _missed("2025-05-19T10:00:00+02:00"),
              _e("reconvocation", "2025-05-19T14:00:00+02:00"),
              _missed("2025-05-26T10:00:00+02:00"),
              _e("interruption_reported", "2025-05-27T09:00:00+02:00")], severity=INFO),
      ))
def run_absence(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    yield from breach_flags(f, "RUN-ABSENCE")
    for pair in f.uncaused:
        yield _flag(f"absence du {when(pair[1])} sans cause renseignée : lue comme du fait de "
                    f"la personne (ambiguïté 13), une nouvelle convocation est due avant le "
                    f"rendez-vous suivant. Renseigner la cause (« cause »).", pair,
                    severity=INFO, expected=", ".join(ABSENCE_CAUSES), found="non renseignée")
    for pair in f.other_absences:
        yield _flag(f"absence du {when(pair[1])} du fait de l'administration ou du titulaire "
                    f"({ABSENCE_CAUSES[pair[1].cause]}) : reprogrammer le rendez-vous ; elle "
                    f"ne compte pas pour l'abandon.", pair, severity=INFO)
    for pair in f.abandonment_unknown:
        yield missing_fact(f"events[{pair[0]}].justified",
                           f"absence du {when(pair[1])} au rendez-vous fixé après une "
                           f"reconvocation, justifiée ou non (une absence non justifiée à ce "
                           f"rendez-vous vaut abandon) : aucun abandon n'est conclu")
    if f.abandonment is not None:
        yield _flag(f"absence non justifiée le {when(f.abandonment[1])} au rendez-vous fixé "
                    f"après une reconvocation : la personne est considérée comme abandonnant "
                    f"le dispositif (CCTP 6.1-3) ; parcours interrompu à signaler au CPIP sous "
                    f"48 heures (RUN-INTERRUPTION-48H).", f.abandonment, severity=INFO)


@rule("RUN-SUSPENSION", clause="CCTP 6.1-3", title="Suspension du programme, puis reprise",
      severity=WARNING, subject="case",
      requirement="L'indisponibilité du bénéficiaire, ou un évènement exceptionnel dans "
                  "l'établissement (fouille générale, incident en détention, mouvements du "
                  "personnel, incident technique ou météorologique, crise sanitaire), suspend "
                  "le programme sans l'arrêter ; il reprend dès que possible.",
      interpretation="Par défaut, les jours de suspension ne comptent pas dans le délai de "
                     "démarrage (PROG-START) ; politique « suspension_stops_clock=False » pour "
                     "les compter (ambiguïté 7).",
      examples=(
          _ex("Suspension pour fouille générale puis reprise", [
              *_START, _e("suspension_started", "2025-05-13", cause="general_search"),
              _e("suspension_ended", "2025-05-15")], fires=False),
          _ex("Suspension pour une cause non prévue par le contrat", [
              *_START, _e("suspension_started", "2025-05-13", cause="other"),
              _e("suspension_ended", "2025-05-15")]),
          _ex("Programme toujours suspendu à la date d'évaluation", [
              *_START, _e("suspension_started", "2025-06-02", cause="person_unavailable")],
              severity=INFO),
      ))
def run_suspension(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    for pair in f.of(SuspensionStarted):
        if pair[1].cause == "other":
            yield _flag("suspension pour une cause que le contrat ne prévoit pas : seules "
                        "l'indisponibilité du bénéficiaire et les évènements exceptionnels de "
                        "l'établissement suspendent le programme ; sinon, c'est une "
                        "interruption à signaler sous 48 heures.", pair,
                        expected=", ".join(v for k, v in SUSPENSION_CAUSES.items()
                                           if k != "other"), found="autre cause")
    for pair in f.orphan_resumes:
        yield _flag("reprise enregistrée sans suspension en cours : vérifier le journal.", pair)
    for pair in f.nested_suspensions:
        yield _flag("suspension enregistrée alors que le programme est déjà suspendu : "
                    "vérifier le journal.", pair)
    for start, end in f.suspensions:
        for pair in f.of(SessionHeld):
            day = pair[1].day
            if start[1].day < day and (end is None or day < end[1].day):
                yield _flag(f"séance du {when(pair[1])} enregistrée pendant la suspension "
                            f"commencée le {when(start[1])} : enregistrer la reprise.", pair)
        if end is None:
            days = (f.as_of_day - start[1].day).days
            yield _flag(f"programme suspendu depuis le {when(start[1])} "
                        f"({SUSPENSION_CAUSES[start[1].cause]}), soit "
                        f"{plural(days, 'jour')} : il reprend dès que possible.", start,
                        severity=INFO)


@rule("END-CAUSE", clause="CCTP 6.6, 6.9", title="Fin du programme et sa cause",
      severity=WARNING, subject="case",
      requirement="Le programme se termine à l'initiative de la personne, à la fin des heures "
                  "prévues et validées par le SPIP, ou avant si le parcours s'interrompt ; "
                  "6.9 ajoute la fin estimée par le titulaire.",
      interpretation="Une fin « heures réalisées » alors que des heures validées restent est "
                     "un avertissement ; une séance après la fin du programme est une violation "
                     "(ses heures ne sont pas couvertes).",
      examples=(
          _ex("Fin après les 4 heures individuelles validées", [
              _RX, _MEETING, _e("proposal_sent", "2025-05-06", individual_hours=4), _CALENDAR,
              _VALID, _session("2025-05-12T10:00:00+02:00"),
              _session("2025-05-19T10:00:00+02:00"),
              _e("last_individual_interview", "2025-05-19", cpip_invited=True),
              _e("programme_ended", "2025-05-19T12:00:00+02:00", cause="hours_completed"),
              _e("bilan_delivered", "2025-05-23")], fires=False),
          _ex("Fin « heures réalisées » avec 16 heures validées non réalisées", [
              *_START, _e("programme_ended", "2025-05-19T12:00:00+02:00",
                          cause="hours_completed")]),
          _ex("Séance après la fin du programme", [
              *_START, _e("programme_ended", "2025-05-19T12:00:00+02:00",
                          cause="person_initiative"),
              _session("2025-05-26T10:00:00+02:00")], severity=VIOLATION),
      ))
def end_cause(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    ends = f.of(ProgrammeEnded)
    if not ends:
        return
    first = ends[0]
    for pair in ends[1:]:
        yield _flag("fin de programme enregistrée une seconde fois : vérifier le journal.", pair)
    e = first[1]
    if e.cause == "hours_completed" and f.validations:
        validated = f.validations[-1][1][1]
        done = {"individual": 0.0, "collective": 0.0}
        for _, s in f.of(SessionHeld):
            if not before(e, s):
                done[s.mode] += s.hours
        realised = done["individual"] + done["collective"]
        if validated.individual_hours is None or validated.collective_hours is None:
            planned = (validated.individual_hours or 0) + (validated.collective_hours or 0)
            if realised + 1e-9 < planned or not planned:
                yield missing_fact(f"events[{f.validations[-1][1][0]}].individual_hours",
                                   "heures individuelles et collectives du programme validé "
                                   "(pour vérifier que les heures validées sont réalisées)")
            planned = None
        else:
            planned = validated.individual_hours + validated.collective_hours
        if planned is not None and realised + 1e-9 < planned:
            yield _flag(f"fin pour « heures validées réalisées » alors que "
                        f"{format_value(realised)} h sur {format_value(planned)} h validées "
                        f"ont été réalisées : indiquer la vraie cause (initiative de la "
                        f"personne, interruption, fin estimée par le titulaire).", first,
                        expected=f"{format_value(planned)} h réalisées",
                        found=f"{format_value(realised)} h")
    for pair in f.of(SessionHeld):
        if before(e, pair[1]):
            yield _flag(f"séance du {when(pair[1])} après la fin du programme du {when(e)} "
                        f"({END_CAUSES[e.cause]}) : ces heures ne sont pas couvertes par le "
                        f"programme validé.", pair, severity=VIOLATION,
                        expected="aucune séance après la fin", found=pair[1].at)


_DIAG = _e("diagnostic_consulted", "2025-05-05")


@rule("PROG-DIAGNOSTIC", clause="CCTP 6.1-2",
      title="Synthèse du diagnostic consultée avant le premier entretien", severity=VIOLATION,
      subject="case",
      requirement="Avant l'entretien, le titulaire consulte depuis l'applicatif IPRO 360° la "
                  "synthèse du diagnostic socio-professionnel du bénéficiaire établie lors de "
                  "son entrée en détention.",
      interpretation="La consultation est un événement du journal (« diagnostic_consulted ») ; "
                     "non enregistrée : information manquante ; enregistrée après le premier "
                     "entretien : violation. Une consultation datée du jour du premier entretien "
                     "(date seule) n'est pas dite postérieure.",
      examples=(
          _ex("Synthèse consultée la veille du premier entretien", [_RX, _DIAG, _MEETING],
              fires=False),
          _ex("Synthèse consultée après le premier entretien", [
              _RX, _MEETING, _e("diagnostic_consulted", "2025-05-07")]),
          _ex("Consultation non enregistrée", [_RX, _MEETING], severity=INFO),
      ))
def prog_diagnostic(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    if meeting is None:
        return
    consulted = f.of(DiagnosticConsulted)
    if not consulted:
        yield missing_fact("events", "consultation de la synthèse du diagnostic sur IPRO 360° "
                                     "avant le premier entretien (événement "
                                     "« diagnostic_consulted »)")
        return
    first = consulted[0]
    if before(meeting[1], first[1]):
        yield _flag(f"synthèse du diagnostic consultée le {when(first[1])}, après le premier "
                    f"entretien du {when(meeting[1])} : elle se consulte avant l'entretien, "
                    f"dont elle est le point de départ (CCTP 6.1-2).", first,
                    expected=f"avant le {when(meeting[1])}", found=first[1].at)


@rule("PROG-CALENDAR-PERSON", clause="CCTP 6.4",
      title="Calendrier personnalisé proposé au bénéficiaire lors du premier entretien",
      severity=VIOLATION, subject="case",
      requirement="Le titulaire propose un calendrier personnalisé lors du premier entretien "
                  "individuel avec le bénéficiaire.",
      interpretation="Le fait est porté par le premier entretien (« calendar_given ») : faux, "
                     "violation ; non renseigné, information manquante. La transmission au "
                     "CPIP relève de PROG-CALENDAR.",
      examples=(
          _ex("Calendrier proposé lors du premier entretien", [_RX, _e(
              "first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1,
              calendar_given=True)], fires=False),
          _ex("Premier entretien sans calendrier", [_RX, _e(
              "first_meeting", "2025-05-06T10:00:00+02:00", duration_hours=1,
              calendar_given=False)]),
          _ex("Non renseigné", [_RX, _MEETING], severity=INFO),
      ))
def prog_calendar_person(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    meeting = f.first(FirstMeeting)
    if meeting is None:
        return
    given = meeting[1].calendar_given
    if given is None:
        yield missing_fact(f"events[{meeting[0]}].calendar_given",
                           "calendrier personnalisé proposé au bénéficiaire lors du premier "
                           "entretien")
    elif not given:
        yield _flag("aucun calendrier personnalisé proposé au bénéficiaire lors du premier "
                    "entretien individuel (CCTP 6.4).", meeting, expected=True, found=False)


@rule("DOC-IPRO-DEPOSIT", clause="CCTP 6.6, 6.9",
      title="Synthèses, bilans et documents déposés sur IPRO 360°", severity=VIOLATION,
      subject="case",
      requirement="À compter de 2025, les synthèses, bilans et documents réalisés pendant "
                  "l'accompagnement PPAIP sont déposés sur le dossier professionnel IPRO 360°.",
      interpretation="Chaque bilan remis (« bilan_delivered ») et chaque document produit "
                     "(« document_produced » : synthèse, bilan, autre) dit s'il est déposé sur "
                     "IPRO 360° (« ipro_deposited ») : faux, violation ; non renseigné, "
                     "information manquante.",
      examples=(
          _ex("Bilan et synthèse déposés", [
              *_START, _e("bilan_delivered", "2025-06-02", scope="individual",
                          to=["cpip", "person"], ipro_deposited=True),
              _e("document_produced", "2025-06-02", document="synthesis",
                 ipro_deposited=True)], fires=False),
          _ex("Synthèse non déposée", [
              *_START, _e("document_produced", "2025-06-02", document="synthesis",
                          ipro_deposited=False)]),
          _ex("Dépôt du bilan non renseigné", [
              *_START, _e("bilan_delivered", "2025-06-02", scope="individual",
                          to=["cpip", "person"])], severity=INFO),
      ))
def doc_ipro_deposit(f: CaseFacts, params: ContractParameters) -> Iterator[Flag]:
    for pair in f.only(BilanDelivered, DocumentProduced):
        e = pair[1]
        name = ("bilan" if isinstance(e, BilanDelivered)
                else DOCUMENT_KINDS[e.document])
        if e.ipro_deposited is None:
            yield missing_fact(f"events[{pair[0]}].ipro_deposited",
                               f"dépôt sur IPRO 360° du document ({name}) du {when(e)}")
        elif not e.ipro_deposited:
            yield _flag(f"{name} du {when(e)} non déposé sur le dossier professionnel "
                        f"IPRO 360° (CCTP 6.9).", pair, expected=True, found=False)


# --- rules decided here for other areas: the event-log side -------------------------

def elig_prescribed_flags(f: CaseFacts) -> Iterator[Flag]:
    """ELIG-PRESCRIBED (registered in eligibility.py): nothing before the SPIP's prescription."""
    rx = f.first(PrescriptionReceived)
    if rx is None:
        if f.events:
            yield _flag(f"aucune prescription reçue, mais {plural(len(f.events), 'événement')} "
                        f"enregistré(s) : la personne n'entre dans le dispositif qu'après une "
                        f"prescription du SPIP sur IPRO 360° (CCTP 5, 6.1-2).", None,
                        expected="une prescription avant tout événement", found="aucune")
        return
    early = []
    for p in f.events:  # the order is consistent with before(): stop at the prescription
        if p is rx:
            break
        if before(p[1], rx[1]):
            early.append(p)
    if early:
        yield _flag(f"{plural(len(early), 'événement')} antérieur(s) à la prescription du "
                    f"{when(rx[1])}, le premier : « {early[0][1].LABEL} » le "
                    f"{when(early[0][1])}. Un PPAIP ne peut commencer qu'après une "
                    f"prescription du SPIP (CCTP 6.1-2).", early[0],
                    expected=f"rien avant le {when(rx[1])}", found=early[0][1].at)


def hours_realised_flags(f: CaseFacts) -> Iterator[Flag]:
    """PROG-HOURS-REALISED (registered in programme.py): hours delivered within validated hours."""
    for _, s, proposal_index in f.hour_unknown:
        kind = MODES[s.mode] + "s"
        field = "individual_hours" if s.mode == "individual" else "collective_hours"
        yield missing_fact(f"events[{proposal_index}].{field}",
                           f"heures {kind} du programme validé (séance {MODES[s.mode]} du "
                           f"{when(s)} : heures réalisées à comparer aux heures validées)")
    for idx, s, delivered, allowed, validation in f.hour_excess:
        kind = MODES[s.mode] + "s"
        yield Flag(f"heures {kind} réalisées : {format_value(delivered)} h à la séance du "
                   f"{when(s)}, pour {format_value(allowed)} h validées le "
                   f"{when(validation)}. Soumettre une modification du programme au CPIP "
                   f"sur IPRO 360° : les heures au-delà du programme validé ne sont pas "
                   f"couvertes.", expected=f"{format_value(allowed)} h au plus",
                   found=f"{format_value(delivered)} h", path=f"events[{idx}]")


def _refusal_flags(f: CaseFacts) -> Iterator[Flag]:
    yield from breach_flags(f, "REFUSAL-48H")
    meeting = f.first(FirstMeeting)
    for pair in f.of(ImpossibilityReported):
        if pair[1].reason is None:
            yield missing_fact(f"events[{pair[0]}].reason", "motif de l'impossibilité de suivi "
                               "signalée (obligatoire, CCTP 3)")
        elif not pair[1].reason.strip():
            yield _flag("impossibilité de suivi signalée sans motif : le motif est obligatoire "
                        "(CCTP 3).", pair, expected="un motif", found="aucun")
        if meeting is None or before(pair[1], meeting[1]):
            yield _flag("impossibilité de suivi signalée avant tout premier entretien : elle se "
                        "constate lors du premier entretien individuel (CCTP 3).", pair,
                        severity=WARNING)
    if meeting is not None and meeting[1].duration_hours is None and any(
            o.rule_id == "REFUSAL-48H" for o in f.obligations):
        yield _flag("durée du premier entretien non renseignée : les 48 heures sont comptées "
                    "depuis son début.", meeting, severity=INFO)


def _interruption_flags(f: CaseFacts) -> Iterator[Flag]:
    yield from breach_flags(f, "RUN-INTERRUPTION-48H")
    for pair in f.orphan_reports:
        yield _flag("signalement d'interruption sans parcours interrompu enregistré avant lui : "
                    "enregistrer l'interruption.", pair, severity=INFO)


def _bilan_ind_flags(f: CaseFacts) -> Iterator[Flag]:
    yield from breach_flags(f, "END-BILAN-IND")
    for pair in f.of(LastIndividualInterview):
        if pair[1].cpip_invited is False:
            yield _flag("le CPIP référent n'a pas été convié au dernier entretien individuel "
                        "(CCTP 6.6).", pair, expected=True, found=False)
        elif pair[1].cpip_invited is None:
            yield missing_fact(f"events[{pair[0]}].cpip_invited", "invitation du CPIP référent "
                               "au dernier entretien individuel (CCTP 6.6)")
    sessions = f.of(SessionHeld)
    lasts = f.of(LastIndividualInterview)
    for pair in f.of(BilanDelivered):
        b = pair[1]
        if b.kind != "individual":
            continue
        if not any(not before(b, s[1]) for s in sessions) and not any(
                not before(b, last[1]) for last in lasts):
            yield _flag("bilan final remis avant toute séance : vérifier le journal.", pair,
                        severity=WARNING)
        elif not any(not before(b, last[1]) for last in lasts):
            yield _flag("bilan final remis sans dernier entretien individuel enregistré : le "
                        "délai de 5 jours ouvrés ne peut pas être vérifié.", pair,
                        severity=WARNING)


#: Every rule the case check decides, in workflow order, with how it is decided.
#: A rule registered here (subject "case") uses its own ``decide``; the others
#: are registered elsewhere (deadlines.py, eligibility.py, programme.py).
_DECIDED_HERE = ("PROG-PROPOSAL", "PROG-VALIDATION", "PROG-CALENDAR", "RUN-ABSENCE",
                 "RUN-SUSPENSION", "END-CAUSE", "PROG-DIAGNOSTIC", "PROG-CALENDAR-PERSON",
                 "DOC-IPRO-DEPOSIT")
_EXTERNAL = {  # each ``(facts, params) -> flags``, like a rule's decide
    "ELIG-PRESCRIBED": lambda f, _: elig_prescribed_flags(f),
    "PROG-FIRST-MEETING": lambda f, _: breach_flags(f, "PROG-FIRST-MEETING"),
    "REFUSAL-48H": lambda f, _: _refusal_flags(f),
    "PROG-START": lambda f, _: breach_flags(f, "PROG-START"),
    "PROG-CALENDAR-CHANGE": lambda f, _: breach_flags(f, "PROG-CALENDAR-CHANGE"),
    "PROG-HOURS-REALISED": lambda f, _: hours_realised_flags(f),
    "RUN-INTERRUPTION-48H": lambda f, _: _interruption_flags(f),
    "END-BILAN-IND": lambda f, _: _bilan_ind_flags(f),
    "END-BILAN-COLL": lambda f, _: breach_flags(f, "END-BILAN-COLL"),
}
CASE_RULES = ("ELIG-PRESCRIBED", "PROG-FIRST-MEETING", "PROG-DIAGNOSTIC", "REFUSAL-48H",
              "PROG-PROPOSAL", "PROG-VALIDATION", "PROG-CALENDAR", "PROG-CALENDAR-PERSON",
              "PROG-START", "PROG-CALENDAR-CHANGE", "PROG-HOURS-REALISED", "RUN-ABSENCE",
              "RUN-SUSPENSION", "RUN-INTERRUPTION-48H", "END-CAUSE", "END-BILAN-IND",
              "END-BILAN-COLL", "DOC-IPRO-DEPOSIT")

#: A rule of the case runs only when it may say something: a breach of its obligations,
#: events in an order its checks may object to, or a fact that its flags read
#: (:func:`speaking`) — a batch evaluates millions of cases, most of them quiet. A
#: property test checks that running every rule every time gives the same report.
_resolved: dict[str, tuple[Rule, Any]] = {}


#: The modules that declare the rules of :data:`CASE_RULES` declared elsewhere: imported
#: alone, so that a process that only evaluates cases (a batch worker) does not import
#: every area (tests/test_structure.py checks the list).
CASE_RULE_MODULES = ("deadline_rules", "eligibility", "programme")


def case_checks() -> dict[str, tuple[Rule, Any]]:
    """``rule ID -> (rule, flags function)`` for :data:`CASE_RULES`, resolved once."""
    if not _resolved:
        for module in CASE_RULE_MODULES:
            importlib.import_module(f"{__package__}.{module}")
        for rule_id in CASE_RULES:
            r = RULES.get(rule_id) or get_rule(rule_id)
            _resolved[rule_id] = (r, r.decide if rule_id in _DECIDED_HERE
                                  else _EXTERNAL[rule_id])
    return _resolved


def speaking(f: CaseFacts) -> set[str]:
    """The rules of the case that may say something (see above): each test is a cheap,
    generous over-approximation of when the rule's flags fire (the rule decides).

    The order checks first: in the sorted log, an event can only be before another
    when it sorts first. Then the facts the flags read.
    """
    speak = set(f.breached)
    get = f.by.get
    events = f.events
    if events and events[0][1].TYPE != PrescriptionReceived.TYPE:
        speak.add("ELIG-PRESCRIBED")
    meeting = get(FirstMeeting.TYPE)
    meeting_key = meeting[0][1].sort_key if meeting else None
    proposals = get(ProposalSent.TYPE)
    if proposals:
        if meeting_key is None or proposals[0][1].sort_key < meeting_key:
            speak.add("PROG-PROPOSAL")
        else:
            for _, p in proposals:
                if not (p.individual_hours or 0) + (p.collective_hours or 0) > 0:
                    speak.add("PROG-PROPOSAL")  # no hours proposed, or none recorded
                    break
    calendars = get(CalendarSent.TYPE)
    if calendars and (meeting_key is None or calendars[0][1].sort_key < meeting_key):
        speak.add("PROG-CALENDAR")
    sessions = get(SessionHeld.TYPE)
    if f.orphan_decisions or (sessions and (
            not (validated := get(ProposalValidated.TYPE))
            or sessions[0][1].sort_key < validated[0][1].sort_key)):
        speak.add("PROG-VALIDATION")
    lasts, bilans = get(LastIndividualInterview.TYPE, ()), get(BilanDelivered.TYPE, ())
    for _, last in lasts:
        if last.cpip_invited is not True:
            speak.add("END-BILAN-IND")
            break
    else:
        for _, bilan in bilans:  # the first individual bilan: before the last interview?
            if bilan.scope == "individual":
                if not lasts or bilan.sort_key < lasts[0][1].sort_key:
                    speak.add("END-BILAN-IND")
                break
    ends = get(ProgrammeEnded.TYPE)
    if ends and (len(ends) > 1 or ends[0][1].cause == "hours_completed" or (
            sessions and sessions[-1][1].sort_key > ends[0][1].sort_key)):
        speak.add("END-CAUSE")
    if ImpossibilityReported.TYPE in f.by:
        speak.add("REFUSAL-48H")
    if f.hour_excess or f.hour_unknown:
        speak.add("PROG-HOURS-REALISED")
    if f.abandonment or f.abandonment_unknown or f.uncaused or f.other_absences:
        speak.add("RUN-ABSENCE")
    if f.orphan_reports:
        speak.add("RUN-INTERRUPTION-48H")
    if meeting:
        if meeting[0][1].calendar_given is not True:
            speak.add("PROG-CALENDAR-PERSON")
        consulted = get(DiagnosticConsulted.TYPE)
        if not consulted or before(meeting[0][1], consulted[0][1]):
            speak.add("PROG-DIAGNOSTIC")
    if f.suspensions or f.orphan_resumes:
        if _suspension_speaks(f):
            speak.add("RUN-SUSPENSION")
    documents = get(DocumentProduced.TYPE)
    for _, document in [*bilans, *documents] if documents else bilans:
        if document.ipro_deposited is not True:
            speak.add("DOC-IPRO-DEPOSIT")
            break
    return speak


def _suspension_speaks(f: CaseFacts) -> bool:
    """Whether :func:`run_suspension` may flag something."""
    if f.orphan_resumes or f.nested_suspensions:
        return True
    sessions = f.by.get(SessionHeld.TYPE, ())
    for start, end in f.suspensions:
        if end is None or start[1].cause == "other":
            return True
        first, last = start[1].day, end[1].day
        if (last - first).days > 1 and any(first < s[1].day < last for s in sessions):
            return True
    return False


__all__ = ["CASE_RULES", "case_checks", "speaking"]
