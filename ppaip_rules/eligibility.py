"""Eligibility and entry (CCTP 3, 5, 6.1-1, 6.1-2, 6.2 B).

The conditions of CCTP 5 are cumulative: :func:`check_eligibility` reports
every unmet criterion, each as its own finding, and ELIG-CUMULATIVE adds one
summary finding (severity *information*) naming all of them: the verdict.
A criterion whose fact is missing from the input is neither met nor unmet: it
gives an information finding ("information manquante : …").

Inputs are pseudonymous: a person is an identifier and facts (birth date,
penal status, setting…); no name is needed, and no value is ever echoed in a
finding (the age is never printed either: only "moins de 18 ans").

    >>> report = check_eligibility(
    ...     {"birth_date": "2007-05-16", "status": "convicted", "followed_by_spip": True,
    ...      "volunteer": True, "needs_support": True, "setting": "custody"},
    ...     {"date": "2025-05-15", "prescriber_role": "cpip", "channel": "ipro360"})
    >>> [f.rule_id for f in report.violations]
    ['ELIG-ADULT']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ._inputs import CUSTODY, SETTING_CODES, codes, missing, yes_no
from .calendar import age_on
from .checks import register_kind
from .describe import BOOL, CODE, DATE, ID, Codes, field, json_schema, read
from .errors import InputError
from .frenchtext import format_date, plural
from .model import INFO, VIOLATION, WARNING, Example, Flag, Report, get_rule, rule, run_rules
from .parameters import CATALOGUE_ALIASES, DIJON, ContractParameters

# --- models -------------------------------------------------------------------

#: Penal status of a person that is not eligible (any other situation), and any other
#: prescriber, source or channel.
OTHER = "other"
#: Prescriber roles that are never valid: the provider ("titulaire"), anyone else.
PROVIDER = "provider"
#: The channels of a prescription or an orientation request.
IPRO360, EMAIL = "ipro360", "email"
CHANNELS = (IPRO360, EMAIL, OTHER)

#: Old codes (0.2.0) and French spellings, read as the codes for one version (issue 10).
_STATUS_SPELLINGS = {"prévenu": "pre_trial", "prévenue": "pre_trial", "prevenue": "pre_trial",
                     "condamné": "convicted", "condamnée": "convicted", "condamnee": "convicted",
                     **CATALOGUE_ALIASES["eligible_statuses"], "autre": OTHER}
_ROLE_ALIASES = {**CATALOGUE_ALIASES["prescriber_roles"], "titulaire": PROVIDER,
                 "autre": OTHER}
_SOURCE_ALIASES = {**CATALOGUE_ALIASES["orientation_sources"], "autre": OTHER}
CHANNEL_ALIASES = {"mail": EMAIL, "autre": OTHER}


#: French labels of the channels of a prescription or an orientation request.
CHANNEL_LABELS = {IPRO360: "IPRO 360°", EMAIL: "courriel", OTHER: "autre canal"}


def _statuses(params: ContractParameters | None) -> dict[str, str]:
    items = (params or DIJON).eligible_statuses
    return {**{i.code: i.label for i in sorted(items, key=lambda i: i.code)},
            OTHER: "autre situation"}


def _roles(params: ContractParameters | None) -> dict[str, str]:
    items = (params or DIJON).prescriber_roles
    return {**{i.code: i.label for i in sorted(items, key=lambda i: i.code)},
            PROVIDER: "le titulaire du marché", OTHER: "autre prescripteur"}


def _sources(params: ContractParameters | None) -> dict[str, str]:
    return {**{i.code: i.label for i in (params or DIJON).orientation_sources},
            OTHER: "autre origine"}


_STATUS = Codes.dynamic(_statuses, aliases=_STATUS_SPELLINGS, fold=True)
_ROLE = Codes.dynamic(_roles, aliases=_ROLE_ALIASES, fold=True)
_SOURCE = Codes.dynamic(_sources, aliases=_SOURCE_ALIASES, fold=True)
_CHANNEL = Codes(CHANNEL_LABELS, CHANNEL_ALIASES, fold=True)
_SETTING = SETTING_CODES
_ID_TEXT = "identifiant pseudonyme (jamais un nom)"
_UNKNOWN = "absent ou null : non renseigné, la règle concernée le signale"


@attrs.frozen
class Person:
    """Une personne orientée vers le PPAIP (pseudonyme : un identifiant et des faits, aucun nom).

    ``status``: a code of :attr:`ContractParameters.eligible_statuses`
    (``pre_trial``, ``convicted``) or ``other``. ``global_support_association``:
    in the community (milieu ouvert), whether the person can be oriented to an association under
    convention with the SPIP for global support (CCTP 3). ``None`` means
    "not known": the rule concerned says so instead of guessing.
    """

    id: str | None = field(ID, _ID_TEXT, header="identifiant")
    birth_date: dt.date | None = field(DATE, "date de naissance",
                                       "jamais reprise dans un constat", personal=True,
                                       header="date de naissance")
    status: str | None = field(CODE, "situation pénale", _UNKNOWN, codes=_STATUS,
                               header="situation pénale")
    followed_by_spip: bool | None = field(BOOL, "suivie par le SPIP", _UNKNOWN,
                                          header="suivie par le SPIP")
    volunteer: bool | None = field(BOOL, "volontaire", _UNKNOWN, header="volontaire")
    needs_support: bool | None = field(BOOL, "besoin d'accompagnement vers un projet",
                                       _UNKNOWN, header="besoin d'accompagnement")
    setting: str | None = field(CODE, "milieu", codes=_SETTING, header="milieu")
    regular_residence: bool | None = field(BOOL, "situation régulière sur le territoire",
                                           "milieu ouvert", header="situation régulière")
    global_support_association: bool | None = field(
        BOOL, "orientation possible vers une association conventionnée par le SPIP pour un "
        "accompagnement global", "milieu ouvert", header="association conventionnée")

    def __repr__(self) -> str:  # never show the birth date in a debugger or a log
        return f"Person(id={self.id!r}, setting={self.setting!r})"


@attrs.frozen
class Prescription:
    """La fiche de prescription (null : aucune prescription).

    ``prescriber_role``: a code of :attr:`ContractParameters.prescriber_roles`
    (``cpip``, ``social_worker``), ``provider`` (the provider) or
    ``other``; ``channel``: ``ipro360``, ``email`` or ``other``.
    """

    date: dt.date | None = field(DATE, "date de la prescription", header="date de prescription")
    prescriber_role: str | None = field(CODE, "auteur de la prescription", _UNKNOWN,
                                        codes=_ROLE, header="prescripteur")
    channel: str | None = field(CODE, "canal de la prescription", codes=_CHANNEL,
                                header="canal")
    id: str | None = field(ID, _ID_TEXT, header="identifiant de la prescription")


def _birth_before_prescription(entry: Entry, attribute: Any, value: Any) -> None:
    person, rx = entry.person, entry.prescription
    if person.birth_date is not None and rx is not None and rx.date is not None \
            and person.birth_date > rx.date:
        raise InputError("person.birth_date", "une date de naissance antérieure à la date de "
                         "la prescription", "date de naissance postérieure à la prescription")


@attrs.frozen
class Entry:
    """Éligibilité d'une personne au PPAIP (CCTP 5) : la personne et la prescription."""

    person: Person = field(Person, "la personne", required=True)
    prescription: Prescription | None = field(
        Prescription, "la fiche de prescription", "null : aucune prescription",
        validator=_birth_before_prescription)


@attrs.frozen
class OrientationRequest:
    """Demande d'orientation vers le SPIP (CCTP 6.1-1).

    ``source``: a code of :attr:`ContractParameters.orientation_sources` or
    ``other``; ``channel``: ``ipro360``, ``email`` or ``other``;
    ``ipro_unavailable``: for an e-mail, whether IPRO 360° was technically
    unavailable (the only reason the contract accepts).
    """

    source: str | None = field(CODE, "origine de la demande", codes=_SOURCE)
    channel: str | None = field(CODE, "canal de la demande", codes=_CHANNEL)
    ipro_unavailable: bool | None = field(BOOL, "IPRO 360° techniquement indisponible",
                                          "pour un courriel")
    id: str | None = field(ID, _ID_TEXT)


# --- reading JSON-like input (describe.read: one description per model) ---------------

def read_person(data: Any, params: ContractParameters = DIJON, path: str = "person") -> Person:
    """A :class:`Person` from a dict (or the model itself)."""
    return read(Person, data, path, params)


def read_prescription(data: Any, params: ContractParameters = DIJON,
                      path: str = "prescription") -> Prescription:
    return read(Prescription, data, path, params)


def read_entry(person: Any, prescription: Any, params: ContractParameters = DIJON) -> Entry:
    return read(Entry, {"person": person, "prescription": prescription}, context=params)


def read_orientation(data: Any, params: ContractParameters = DIJON) -> OrientationRequest:
    return read(OrientationRequest, data, context=params)


# --- the rules: CCTP 5 -----------------------------------------------------------

_OK_PERSON = {"birth_date": "1990-03-01", "status": "convicted", "followed_by_spip": True,
              "volunteer": True, "needs_support": True, "setting": "custody"}
_OK_RX = {"date": "2025-05-15", "prescriber_role": "cpip", "channel": "ipro360"}


def _elig(person: dict | None = None, prescription: Any = _OK_RX, **changes: Any) -> dict:
    """An example input for the eligibility kind: the compliant case, with changes."""
    data = {**_OK_PERSON, **(person or {}), **changes}
    return {"person": {k: v for k, v in data.items() if v is not None},
            "prescription": prescription}


@rule("ELIG-ADULT", clause="CCTP 5", title="Personne majeure à la date de la prescription",
      severity=VIOLATION, subject="eligibility", parameters=("age_of_majority",),
      requirement=f"La personne est majeure ({DIJON.age_of_majority} ans révolus) à la date de "
                  "la prescription.",
      interpretation="L'âge se calcule à la date de la prescription ; la personne a 18 ans le "
                     "jour anniversaire de sa naissance (éligible ce jour-là). Née un 29 février, "
                     "elle a 18 ans le 1er mars des années non bissextiles (lecture prudente : "
                     "jamais majeure avant que le jour anniversaire soit entièrement arrivé).",
      examples=(
          Example("18 ans le jour même de la prescription (15 mai 2025)", "eligibility",
                  _elig({"birth_date": "2007-05-15"}), fires=False),
          Example("18 ans le lendemain de la prescription", "eligibility",
                  _elig({"birth_date": "2007-05-16"})),
          Example("Née le 29 février 2008, prescription le 28 février 2026", "eligibility",
                  _elig({"birth_date": "2008-02-29"}, {**_OK_RX, "date": "2026-02-28"})),
          Example("Date de naissance non renseignée", "eligibility",
                  _elig(birth_date=None), severity=INFO),
      ))
def elig_adult(entry: Entry, params: ContractParameters):
    person, rx = entry.person, entry.prescription
    if person.birth_date is None:
        yield missing("person.birth_date", "date de naissance")
        return
    if rx is None or rx.date is None:
        yield missing("prescription.date", "date de la prescription (l'âge se calcule ce jour-là)")
        return
    majority = params.age_of_majority
    if age_on(person.birth_date, rx.date) < majority:
        yield Flag(f"la personne n'a pas {majority} ans révolus le jour de la prescription "
                   f"({format_date(rx.date)}) ; le PPAIP est réservé aux personnes majeures. "
                   f"Une prescription ne peut être faite qu'à compter de sa majorité.",
                   expected=f"{majority} ans au moins", found=f"moins de {majority} ans",
                   path="person.birth_date")


@rule("ELIG-STATUS", clause="CCTP 5", title="Personne prévenue ou condamnée, suivie par le SPIP",
      severity=VIOLATION, subject="eligibility", parameters=("eligible_statuses",),
      requirement="La personne est prévenue ou condamnée, et suivie par le SPIP.",
      examples=(
          Example("Personne condamnée suivie par le SPIP", "eligibility", _elig(), fires=False),
          Example("Situation pénale « autre »", "eligibility", _elig(status="other")),
          Example("Personne prévenue non suivie par le SPIP", "eligibility",
                  _elig(status="pre_trial", followed_by_spip=False)),
      ))
def elig_status(entry: Entry, params: ContractParameters):
    person = entry.person
    allowed = " ou ".join(item.label.lower() for item in params.eligible_statuses)
    if person.status is None:
        yield missing("person.status", "situation pénale (prévenue, condamnée ou autre)")
    elif person.status not in codes(params.eligible_statuses):
        yield Flag(f"la personne n'est ni prévenue ni condamnée ; le PPAIP s'adresse à une "
                   f"{allowed}, suivie par le SPIP.", expected=allowed,
                   found="autre situation", path="person.status")
    yield from yes_no(person.followed_by_spip, "person.followed_by_spip",
                      "suivi par le SPIP (oui ou non)",
                      "la personne n'est pas suivie par le SPIP ; le PPAIP s'adresse aux "
                      "personnes suivies par le SPIP.")


@rule("ELIG-VOLUNTEER", clause="CCTP 5", title="Personne volontaire", severity=VIOLATION,
      subject="eligibility",
      requirement="La personne est volontaire pour s'inscrire dans un parcours d'insertion "
                  "socioprofessionnelle.",
      examples=(
          Example("Personne volontaire", "eligibility", _elig(), fires=False),
          Example("Personne non volontaire", "eligibility", _elig(volunteer=False)),
      ))
def elig_volunteer(entry: Entry, params: ContractParameters):
    yield from yes_no(entry.person.volunteer, "person.volunteer",
                      "volontariat de la personne (oui ou non)",
                      "la personne n'est pas volontaire ; le programme n'a pas de caractère "
                      "obligatoire (CCTP 3) et suppose son engagement.")


@rule("ELIG-NEED", clause="CCTP 5", title="Besoin d'accompagnement vers un projet",
      severity=VIOLATION, subject="eligibility",
      requirement="La personne a besoin d'être accompagnée pour identifier ou construire son "
                  "projet professionnel et/ou de formation.",
      examples=(
          Example("Besoin d'accompagnement établi", "eligibility", _elig(), fires=False),
          Example("Pas de besoin d'accompagnement", "eligibility", _elig(needs_support=False)),
      ))
def elig_need(entry: Entry, params: ContractParameters):
    yield from yes_no(entry.person.needs_support, "person.needs_support",
                      "besoin d'accompagnement (oui ou non)",
                      "la personne n'a pas besoin d'être accompagnée pour identifier ou "
                      "construire son projet professionnel ou de formation ; le PPAIP ne "
                      "s'applique pas.")


@rule("ELIG-PRESCRIBED", clause="CCTP 5, 6.1-2", title="Entrée sur prescription du SPIP",
      severity=VIOLATION, subject="eligibility", parameters=("prescriber_roles",),
      requirement="La personne n'entre dans le dispositif qu'après une prescription du SPIP, "
                  "faite par un CPIP ou un·e assistant·e de service social ; le titulaire n'est "
                  "jamais habilité à prescrire ; toute prescription passe par IPRO 360°. "
                  "(Ce contrôle lit la fiche de prescription ; l'ordre des événements — rien "
                  "avant la prescription — est vérifié par le suivi de parcours.)",
      examples=(
          Example("Prescription d'un CPIP sur IPRO 360°", "eligibility", _elig(), fires=False),
          Example("Prescription d'un·e assistant·e de service social du SPIP", "eligibility",
                  _elig(prescription={**_OK_RX, "prescriber_role": "social_worker"}),
                  fires=False),
          Example("Prescription faite par le titulaire", "eligibility",
                  _elig(prescription={**_OK_RX, "prescriber_role": "provider"})),
          Example("Prescription envoyée par courriel", "eligibility",
                  _elig(prescription={**_OK_RX, "channel": "email"})),
          Example("Aucune prescription", "eligibility", _elig(prescription=None)),
      ))
def elig_prescribed(entry: Entry, params: ContractParameters):
    yield from prescription_flags(entry.prescription, params)


def prescription_flags(rx: Prescription | None, params: ContractParameters = DIJON,
                       path: str = "prescription"):
    """The ELIG-PRESCRIBED flags of one prescription record (``None``: there is none).

    Reusable by other checks: ``get_rule("ELIG-PRESCRIBED").finding(flag)``.
    """
    allowed = " ou ".join(item.label for item in params.prescriber_roles)
    if rx is None:
        yield Flag("aucune prescription : la personne ne peut entrer dans le dispositif qu'après "
                   f"une prescription du SPIP ({allowed}).",
                   expected="une prescription du SPIP", found="aucune", path=path)
        return
    role = rx.prescriber_role
    if role is None:
        yield missing(f"{path}.prescriber_role", "auteur de la prescription (CPIP, assistant·e "
                                                 "de service social, titulaire ou autre)")
    elif role == PROVIDER:
        yield Flag("la prescription émane du titulaire, qui n'est pas habilité à prescrire "
                   "(CCTP 6.1-2). La faire établir par le CPIP référent sur IPRO 360°.",
                   expected=allowed, found="le titulaire", path=f"{path}.prescriber_role")
    elif role not in codes(params.prescriber_roles):
        yield Flag(f"la prescription n'émane pas du SPIP ({allowed}). La faire établir par le "
                   f"CPIP référent sur IPRO 360°.", expected=allowed, found="autre prescripteur",
                   path=f"{path}.prescriber_role")
    if rx.channel is None:
        yield missing(f"{path}.channel", "canal de la prescription (IPRO 360°)")
    elif rx.channel != IPRO360:
        yield Flag("la prescription n'est pas passée par IPRO 360° ; toutes les prescriptions "
                   "PPAIP passent par le module prescription d'IPRO 360° (CCTP 6.1-2).",
                   expected="IPRO 360°", found=CHANNEL_LABELS.get(rx.channel, "autre canal"),
                   path=f"{path}.channel")


@rule("ELIG-RESIDENCE-MO", clause="CCTP 5", title="Situation régulière en milieu ouvert",
      severity=VIOLATION, subject="eligibility",
      requirement="Si la prestation vise un suivi en milieu ouvert, la personne est en "
                  "situation régulière sur le territoire national.",
      examples=(
          Example("Milieu ouvert, situation régulière", "eligibility",
                  _elig(setting="community", regular_residence=True,
                        global_support_association=False), fires=False),
          Example("Milieu fermé : la condition ne s'applique pas", "eligibility",
                  _elig(setting="custody", regular_residence=False), fires=False),
          Example("Milieu ouvert, situation irrégulière", "eligibility",
                  _elig(setting="community", regular_residence=False,
                        global_support_association=False)),
      ))
def elig_residence_mo(entry: Entry, params: ContractParameters):
    person = entry.person
    if person.regular_residence is True or person.setting == CUSTODY:
        return
    if person.setting is None:
        if person.regular_residence is False:
            yield missing("person.setting", "milieu (fermé ou ouvert) ; en milieu ouvert, une situation "
                                            "irrégulière exclut la prestation")
        return
    if person.regular_residence is None:
        yield missing("person.regular_residence", "situation régulière sur le territoire "
                                                  "(milieu ouvert)")
        return
    yield Flag("en milieu ouvert, la personne doit être en situation régulière sur le territoire "
               "national ; la prestation ne peut pas être engagée.", expected=True, found=False,
               path="person.regular_residence")


@rule("ELIG-NO-DUPLICATE-MO", clause="CCTP 3",
      title="Pas de PPAIP en doublon d'un accompagnement global (milieu ouvert)",
      severity=VIOLATION, subject="eligibility",
      requirement="En milieu ouvert, lorsque la personne peut être orientée vers une association "
                  "conventionnée par le SPIP pour un accompagnement global, le PPAIP n'a pas "
                  "lieu d'être actionné en doublon.",
      examples=(
          Example("Milieu ouvert, pas d'association conventionnée possible", "eligibility",
                  _elig(setting="community", regular_residence=True,
                        global_support_association=False), fires=False),
          Example("Milieu ouvert, association conventionnée possible", "eligibility",
                  _elig(setting="community", regular_residence=True,
                        global_support_association=True)),
      ))
def elig_no_duplicate_mo(entry: Entry, params: ContractParameters):
    person = entry.person
    if person.setting == CUSTODY or person.global_support_association is False:
        return
    if person.setting is None:
        if person.global_support_association:
            yield missing("person.setting", "milieu (fermé ou ouvert) ; en milieu ouvert, "
                                            "l'accompagnement global par une association "
                                            "conventionnée exclut le PPAIP")
        return
    if person.global_support_association is None:
        yield missing("person.global_support_association",
                      "possibilité d'orientation vers une association conventionnée par le SPIP "
                      "pour un accompagnement global (milieu ouvert)")
        return
    yield Flag("en milieu ouvert, la personne peut être orientée vers une association "
               "conventionnée par le SPIP pour un accompagnement global : le PPAIP n'a pas lieu "
               "d'être actionné en doublon. Orienter la personne vers cette association.",
               expected=False, found=True, path="person.global_support_association")


#: The cumulative criteria of CCTP 5 (and 3), in the order of the contract.
CRITERIA = ("ELIG-ADULT", "ELIG-STATUS", "ELIG-VOLUNTEER", "ELIG-NEED", "ELIG-PRESCRIBED",
            "ELIG-RESIDENCE-MO", "ELIG-NO-DUPLICATE-MO")


@rule("ELIG-CUMULATIVE", clause="CCTP 5", title="Conditions cumulatives : le verdict",
      severity=INFO, subject="eligibility",
      requirement="Les conditions d'accès sont cumulatives : le verdict nomme chaque critère "
                  "non rempli, pas seulement le premier.",
      interpretation="Chaque critère non rempli est une violation de sa propre règle ; cette "
                     "règle ajoute une seule information de synthèse (le verdict) qui les "
                     "nomme tous, ou, à défaut, les critères restés indécidables faute "
                     "d'information. Aucune synthèse quand tous les critères sont remplis.",
      examples=(
          Example("Tous les critères remplis", "eligibility", _elig(), fires=False),
          Example("Mineure, non volontaire et sans prescription : trois critères nommés",
                  "eligibility", _elig({"birth_date": "2008-01-01", "volunteer": False},
                                       prescription=None), severity=INFO),
      ))
def elig_cumulative(entry: Entry, params: ContractParameters):
    unmet: list[str] = []
    unknown: list[str] = []
    for rule_id in CRITERIA:
        criterion = get_rule(rule_id)
        severities = {flag.severity or criterion.severity
                      for flag in criterion.decide(entry, params)}
        if VIOLATION in severities:
            unmet.append(rule_id)
        elif severities:
            unknown.append(rule_id)
    if unmet:
        titles = " ; ".join(f"{i} ({_lower_first(get_rule(i).title)})" for i in unmet)
        count = plural(len(unmet), "critère non rempli", "critères non remplis")
        yield Flag(f"verdict : la personne ne remplit pas les conditions cumulatives d'accès au "
                   f"PPAIP ; {count} sur {len(CRITERIA)} : {titles}.",
                   expected="tous les critères remplis", found=unmet)
    elif unknown:
        yield Flag(f"verdict : éligibilité non établie ; aucun critère n'est contredit, mais "
                   f"l'information manque pour : {', '.join(unknown)}.",
                   expected="tous les critères renseignés", found=unknown)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- CCTP 6.1-1: orientation ------------------------------------------------------

@rule("ORIENT-SOURCE", clause="CCTP 6.1-1", title="Origine et transmission d'une demande "
      "d'orientation", severity=VIOLATION, subject="orientation",
      parameters=("orientation_sources",),
      requirement="Une demande d'orientation vers le SPIP émane de l'une des sources listées "
                  "(la personne, l'équipe de direction, le RLFP, la CPU, le RLE, France Travail "
                  "justice, la Mission locale, le psychologue PEP, l'équipe sanitaire, un "
                  "organisme de formation, une association d'accompagnement vers l'emploi, le "
                  "SEP) ; elle est transmise au SPIP sur IPRO 360°, par courriel seulement en "
                  "cas d'impossibilité technique.",
      interpretation="La liste du CCTP 6.1-1 se termine par des points de suspension : une "
                     "source hors liste (« autre ») est un avertissement, pas une violation.",
      examples=(
          Example("Demande du RLFP sur IPRO 360°", "orientation",
                  {"source": "rlfp", "channel": "ipro360"}, fires=False),
          Example("Demande par courriel, IPRO 360° indisponible", "orientation",
                  {"source": "cpu", "channel": "email", "ipro_unavailable": True}, fires=False),
          Example("Demande par courriel alors qu'IPRO 360° était disponible", "orientation",
                  {"source": "cpu", "channel": "email", "ipro_unavailable": False}),
          Example("Source hors de la liste", "orientation",
                  {"source": "other", "channel": "ipro360"}, severity=WARNING),
      ))
def orient_source(request: OrientationRequest, params: ContractParameters):
    if request.source is None:
        yield missing("source", "origine de la demande d'orientation")
    elif request.source == OTHER:
        yield Flag("la demande émane d'une source hors de la liste du CCTP 6.1-1 ; cette liste "
                   "n'est pas limitative, mais vérifier que la demande est bien adressée au SPIP, "
                   "seul prescripteur.", severity=WARNING, expected="une source de la liste",
                   found="autre source", path="source")
    if request.channel is None:
        yield missing("channel", "canal de transmission au SPIP (IPRO 360° ou courriel)")
    elif request.channel == IPRO360:
        return
    elif request.channel == EMAIL:
        if request.ipro_unavailable is None:
            yield missing("ipro_unavailable", "motif de l'envoi par courriel (IPRO 360° "
                                              "techniquement indisponible ?)")
        elif not request.ipro_unavailable:
            yield Flag("la demande a été transmise par courriel alors qu'IPRO 360° était "
                       "disponible ; les demandes passent par le module prescription d'IPRO "
                       "360°, le courriel seulement en cas d'impossibilité technique.",
                       expected="IPRO 360°", found="courriel", path="channel")
    else:
        yield Flag("la demande n'a été transmise ni par IPRO 360° ni par courriel (en cas "
                   "d'impossibilité technique) ; la transmettre au SPIP sur IPRO 360°.",
                   expected="IPRO 360°", found="autre canal", path="channel")


# --- CCTP 6.2 B: collective workshops without an individual PPAIP -----------------

def _convocation(**participant: Any) -> dict:
    from .documents import example_convocation

    return example_convocation(**participant)


@rule("COLL-ONLY-PRESCRIBED", clause="CCTP 6.2 B",
      title="Ateliers collectifs : inscription validée par une prescription du SPIP",
      severity=VIOLATION, subject="convocation",
      requirement="Une personne peut suivre des ateliers collectifs sans PPAIP individuel, mais "
                  "le SPIP valide la liste des inscrits de chaque atelier par une prescription.",
      interpretation="La validation de la liste vaut pour chaque participant ; le constat "
                     "précise quand le participant n'a pas de PPAIP individuel en cours.",
      examples=(
          Example("Participants tous prescrits", "convocation", _convocation(), fires=False),
          Example("Participant sans PPAIP individuel ni prescription", "convocation",
                  _convocation(individual_followup=False, prescribed=False)),
      ))
def coll_only_prescribed(convocation: Any, params: ContractParameters):
    for i, participant in enumerate(convocation.participants):
        path = f"participants[{i}].prescribed"
        if participant.prescribed is None:
            yield missing(path, f"prescription du SPIP pour le participant n° {i + 1}")
        elif not participant.prescribed:
            alone = (" (pas de PPAIP individuel en cours)"
                     if participant.individual_followup is False else "")
            yield Flag(f"le participant n° {i + 1}{alone} n'a pas de prescription du SPIP pour "
                       f"cet atelier ; le SPIP valide la liste des inscrits de chaque atelier "
                       f"par une prescription. Obtenir la prescription avant l'atelier ou "
                       f"retirer le participant.", expected=True, found=False, path=path)


# --- the checks --------------------------------------------------------------------

def check_eligibility(person: Any, prescription: Any = None,
                      params: ContractParameters = DIJON) -> Report:
    """Every eligibility criterion of CCTP 5 on a person and a prescription.

    ``person`` and ``prescription`` are :class:`Person` / :class:`Prescription`
    or dicts as parsed from JSON; ``prescription`` may be ``None`` (then
    ELIG-PRESCRIBED is a violation). Bad input raises :class:`InputError`.
    With a history of avenants, the parameters in force on the prescription's date.
    """
    params = _at_prescription(prescription, params, "prescription.date")
    return run_rules("eligibility", read_entry(person, prescription, params), params)


def _at_prescription(prescription: Any, params: Any, path: str) -> Any:
    """Plain parameters pass through; a history of avenants (issue 12 §3) gives the
    parameters in force on the prescription's date, which must then be given."""
    if not hasattr(params, "period_of"):
        return params
    day = prescription.get("date") if isinstance(prescription, dict) else \
        getattr(prescription, "date", None)
    if day is None:
        raise InputError(path, "la date de la prescription, pour lire les paramètres en "
                               "vigueur (avenants)", "date manquante")
    return params.at(day, path)


def check_orientation(request: Any, params: ContractParameters = DIJON) -> Report:
    """ORIENT-SOURCE on an orientation request (model or dict)."""
    return run_rules("orientation", read_orientation(request, params), params)


def _run_eligibility(data: Any, params: ContractParameters, **_: Any) -> Report:
    if hasattr(params, "period_of"):
        prescription = data.get("prescription") if isinstance(data, dict) else None
        params = _at_prescription(prescription, params, "prescription.date")
    return run_rules("eligibility", read(Entry, data, context=params), params)


def person_schema(params: ContractParameters = DIJON) -> dict:
    return json_schema(Person, context=params, root=False)


def prescription_schema(params: ContractParameters = DIJON) -> dict:
    return json_schema(Prescription, context=params, root=False)


def eligibility_schema() -> dict:
    return json_schema(Entry, title="Éligibilité d'une personne au PPAIP (CCTP 5)")


def orientation_schema() -> dict:
    return json_schema(OrientationRequest,
                       title="Demande d'orientation vers le SPIP (CCTP 6.1-1)")


register_kind("eligibility", "Éligibilité et prescription", _run_eligibility, eligibility_schema)
register_kind("orientation", "Demande d'orientation", lambda data, params, **_:
              check_orientation(data, params), orientation_schema)

__all__ = ["CRITERIA", "Entry", "OrientationRequest", "Person", "Prescription",
           "check_eligibility", "check_orientation", "prescription_flags",
           "read_entry", "read_orientation", "read_person", "read_prescription"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
