"""The rules of a lot report (subject ``activity``): lots, contract term, volumes, payment,
permanences, workshops, attendance sheets, hours reconciliation, target publics, synthesis,
meetings (CCTP 1.2-1.5, 2 b, 2 d, 6.1-3, 6.2 B, 6.5, 6.10, 6.11).

Each rule reads the :class:`~ppaip_rules.lot_tally.Context` of the report: the fixed
inputs and the figures accumulated from the cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from .frenchtext import format_date, format_value, plural
from .lot_inputs import INVOICE_KINDS, MEETING_KINDS, SESSION_LINE, shown_id
from .lot_output import _SESSION_WORDS, MODE_LABELS, _month_name, _percent
from .lot_tally import Context, in_lot, no_spip_fact, session_key
from .model import INFO, VIOLATION, WARNING, Example, Flag, Rule, get_rule, missing_fact, rule
from .parameters import ContractParameters
from .timeline import CaseState, ObligationStatus

# --- the rules of the lot (subject "activity") ---------------------------------------------

AS_OF = "2025-06-30T18:00:00+02:00"
_AS_OF_2027 = "2027-03-31T18:00:00+02:00"
_START = [
    {"type": "prescription_received", "at": "2025-04-02"},
    {"type": "first_meeting", "at": "2025-04-04T10:00:00+02:00", "duration_hours": 1},
    {"type": "calendar_sent", "at": "2025-04-04"},
    {"type": "proposal_sent", "at": "2025-04-04", "individual_hours": 30,
     "collective_hours": 10},
    {"type": "proposal_validated", "at": "2025-04-07"},
]


def _case(case_id: str, spip: str = "21", sex: str = "female", age: int = 24,
          without_qualification: bool = True, sessions: Iterable[dict] = (),
          site: str = "MA-DIJON") -> dict:
    """A case that started on time; without sessions, its start deadline is long past."""
    sessions = list(sessions) or [_held("2025-04-08T10:00:00+02:00")]
    return {"case_id": case_id, "spip": spip, "site": site, "setting": "custody",
            "beneficiary": {"sex": sex, "age_at_prescription": age,
                            "without_qualification": without_qualification},
            "events": [*_START, *sessions]}


def _held(at: str, hours: float = 2, mode: str = "individual", signed: bool = True,
          **fields: Any) -> dict:
    return {"type": "session_held", "at": at, "mode": mode, "hours": hours,
            "signed_sheet": signed, **fields}


def _activity(cases: list[dict], lot: int = 5, start: str = "2025-04-01",
              end: str = "2025-06-30", **extra: Any) -> dict:
    return {"lot": lot, "period": {"start": start, "end": end},
            "contract_start": "2025-03-01", "cases": cases, **extra}


def _ex(title: str, data: dict, fires: bool = True, severity=None,
        as_of: str = AS_OF) -> Example:
    return Example(title, "activity", data, fires=fires, severity=severity,
                   options={"as_of": as_of})


_SITES = [{"id": "MA-DIJON", "spip": "21", "setting": "custody"}]


@rule("LOT-DEF", clause="CCTP 1.2, 1.5", title="Lots, SPIP et établissements du marché",
      severity=VIOLATION, subject="activity", parameters=("lots",),
      requirement="Le marché compte 6 lots, chacun avec ses SPIP et ses volumes prévisionnels "
                  "(heures individuelles / collectives sur 24 mois) ; l'activité d'un lot ne "
                  "concerne que ses SPIP.",
      interpretation="Un SPIP commun à deux départements (« SPIP 25/39 ») est reconnu par son "
                     "code complet ou par l'un de ses départements.",
      examples=(
          _ex("Parcours du SPIP de Côte-d'Or dans le lot 5", _activity([_case("A")]),
              fires=False),
          _ex("Parcours du SPIP du Cher (lot 1) déclaré dans le lot 5",
              _activity([_case("A"), _case("B", spip="18")])),
          _ex("Site du SPIP du Doubs (« 25 ») dans le lot 6 (SPIP 25/39)", _activity(
              [_case("A", spip="25/39", site="MA-BESANCON")], lot=6,
              sites=[{"id": "MA-BESANCON", "spip": "25", "setting": "custody"}],
              permanences=[]), fires=False),
      ))
def lot_def(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    spips = ctx.lot_spips
    fact = no_spip_fact(ctx.tally)
    if fact is not None:
        yield missing_fact(*fact)
    yield from ctx.tally.flags["LOT-DEF"]
    for i, site in enumerate(ctx.sites):
        if not in_lot(ctx.lot, site.spip):
            spip = shown_id(site.spip, "hors du lot")
            yield Flag(f"le site « {site.id} » relève du SPIP {spip}, hors du lot "
                       f"{ctx.lot.number} ({spips}).", expected=spips,
                       found=f"SPIP {spip}", path=f"sites[{i}].spip")
    known = {s.id for s in ctx.sites}
    if known:
        for i, p in enumerate(ctx.permanences):
            if p.site not in known:
                yield Flag(f"permanence du {format_date(p.day)} sur un site non déclaré dans "
                           f"« sites ».", severity=WARNING, path=f"permanences[{i}].site")


@rule("LOT-VOLUME", clause="CCTP 1.5", title="Heures réalisées face aux volumes prévisionnels",
      severity=WARNING, subject="activity", parameters=("lots", "forecast_months"),
      requirement="Les heures consommées par lot et par type (entretiens individuels, ateliers "
                  "collectifs) sont suivies face à la volumétrie prévisionnelle sur 24 mois ; "
                  "elle peut être réajustée à la hausse comme à la baisse : un dépassement est "
                  "un avertissement, jamais une violation.",
      interpretation="Le prévisionnel sur 24 mois est ramené à la période au prorata des jours "
                     "(fenêtre de 24 mois à compter du démarrage du marché, ou du début de la "
                     "période s'il n'est pas donné). Une séance collective compte une fois "
                     "(atelier et heure de début), quel que soit le nombre de participants.",
      examples=(
          _ex("Lot 5 : 4 h individuelles en trois mois pour 1 200 h sur 24 mois",
              _activity([_case("A", sessions=[_held("2025-04-10T10:00:00+02:00"),
                                              _held("2025-04-17T10:00:00+02:00")])]),
              fires=False),
          _ex("Lot 5 : 150 h individuelles en trois mois, au-delà du prorata (149,6 h)",
              _activity([_case(f"A{i}", sessions=[_held(f"2025-{m:02d}-{d:02d}T10:00:00+02:00", 3)
                                                  for m in (4, 5) for d in (8, 15, 22, 29, 30)])
                         for i in range(5)])),
      ))
def lot_volume(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    for v in ctx.volumes:
        label = MODE_LABELS[v.mode]
        if v.delivered > v.forecast:
            yield Flag(f"heures {label} réalisées : {format_value(v.delivered)} h, au-delà du "
                       f"volume prévisionnel du lot {ctx.lot.number} sur "
                       f"{params.forecast_months} mois ({format_value(float(v.forecast))} h). "
                       f"Les volumes sont réajustables (CCTP 1.5) : en informer la DISP.",
                       expected=f"{format_value(float(v.forecast))} h",
                       found=f"{format_value(v.delivered)} h", path="cases")
        elif v.delivered > v.forecast_for_period:
            yield Flag(f"heures {label} réalisées sur la période : "
                       f"{format_value(v.delivered)} h, au-delà du prévisionnel ramené à la "
                       f"période ({format_value(v.forecast_for_period)} h sur "
                       f"{format_value(float(v.forecast))} h en {params.forecast_months} mois) : "
                       f"rythme de sur-consommation ; volumes réajustables (CCTP 1.5).",
                       expected=f"{format_value(v.forecast_for_period)} h",
                       found=f"{format_value(v.delivered)} h", path="cases")
    anonymous = ctx.tally.anonymous_workshop_sessions
    if anonymous:
        yield Flag(f"{plural(anonymous, 'séance collective')} sans identifiant d'atelier "
                   f"(« workshop ») : comptée(s) une fois par participant.", severity=INFO,
                   path="cases")


@rule("CONTRACT-PAY", clause="CCTP 1.5, 6.5", title="Paiement à la séance émargée",
      severity=VIOLATION, subject="activity",
      requirement="Le paiement se fait « à la séance d'intervention » ; les feuilles "
                  "d'émargement signées « serviront à la facturation et au contrôle des "
                  "prestations » : une séance facturée a sa feuille d'émargement signée.",
      interpretation="Une séance facturée (ligne de facture « session », invoice_lines) sans "
                     "feuille signée est une violation ; une séance réalisée sans feuille signée, "
                     "non facturable, est un avertissement. Quand on ne sait pas si la feuille "
                     "est signée, l'information manque : ni conforme ni en faute.",
      examples=(
          _ex("Séance émargée et facturée", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00")])], invoice_lines=[
              {"kind": "session", "at": "2025-04-10", "case_id": "A"}]), fires=False),
          _ex("Séance facturée sans feuille d'émargement signée", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00", signed=False)])], invoice_lines=[
              {"kind": "session", "at": "2025-04-10", "case_id": "A"}]), severity=VIOLATION),
          _ex("Séance réalisée sans feuille signée, non facturée", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00", signed=False)])], invoice_lines=[]),
              severity=WARNING),
      ))
def contract_pay(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    for v in ctx.volumes:
        one, many = _SESSION_WORDS[v.mode]
        if v.unsigned_sessions:
            yield Flag(f"{plural(v.unsigned_sessions, one, many)} sans feuille "
                       f"d'émargement signée : non facturable(s) (CCTP 6.5). Faire signer la "
                       f"feuille ou ne pas la facturer.", severity=WARNING,
                       expected="une feuille signée par séance",
                       found=f"{v.unsigned_sessions} sans signature", path="cases")
        if v.unknown_sheet_sessions:
            yield missing_fact("cases", f"feuille d'émargement signée ou non (« signed_sheet ») "
                                        f"pour {plural(v.unknown_sheet_sessions, one, many)} : "
                                        f"facturabilité non vérifiée")
    if ctx.invoice_lines is None:
        return
    facts = ctx.tally.sheet_facts
    for i, line in enumerate(ctx.invoice_lines):
        if line.kind != SESSION_LINE:
            continue
        path = f"invoice_lines[{i}]"
        signed = line.signed_sheet
        if signed is None:
            key = session_key(line)
            seen = facts.get(key) if key else None
            signed = None if not seen else True if True in seen else (
                None if None in seen else False)
        if signed is None:
            yield missing_fact(f"{path}.signed_sheet",
                               f"feuille d'émargement signée de la séance facturée du "
                               f"{format_date(line.day)} (aucune séance réalisée ne la porte)")
        elif not signed:
            yield Flag(f"ligne de facture n° {i + 1} : séance du {format_date(line.day)} "
                       f"facturée sans feuille d'émargement signée ; le paiement est « à la "
                       f"séance » émargée (CCTP 1.5, 6.5). Retirer la ligne ou produire la "
                       f"feuille signée.", expected="une feuille d'émargement signée",
                       found="non signée", path=path)


@rule("CONTRACT-PRICE", clause="CCTP 1.5", title="Prix à la séance tout compris",
      severity=VIOLATION, subject="activity",
      requirement="Le prix de la séance inclut « la phase de préparation et d'évaluation de la "
                  "prestation, les actions de communication et d'information, l'entretien, la "
                  "coordination administrative et pédagogique, les relations partenariales, les "
                  "temps de réunion et de concertation …, la participation à des évènements, la "
                  "rédaction des comptes-rendus et des synthèses, les frais de déplacement des "
                  "intervenants » : aucun de ces postes n'est facturé à part.",
      examples=(
          _ex("Facture de séances seulement", _activity([_case("A")], invoice_lines=[
              {"kind": "session", "at": "2025-04-08", "case_id": "A"}]), fires=False),
          _ex("Frais de déplacement facturés à part", _activity([_case("A")], invoice_lines=[
              {"kind": "session", "at": "2025-04-08", "case_id": "A"},
              {"kind": "travel", "at": "2025-04-08"}])),
      ))
def contract_price(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    for i, line in enumerate(ctx.invoice_lines or ()):
        if line.kind != SESSION_LINE:
            yield Flag(f"ligne de facture n° {i + 1} ({format_date(line.day)}) : "
                       f"« {INVOICE_KINDS[line.kind]} » facturé à part ; ce poste est inclus "
                       f"dans le prix de la séance (CCTP 1.5). Retirer la ligne.",
                       expected="des séances seulement", found=INVOICE_KINDS[line.kind],
                       path=f"invoice_lines[{i}].kind")


@rule("CONTRACT-TERM", clause="CCTP 1.4", title="Durée du marché et reconductions",
      severity=VIOLATION, subject="activity",
      parameters=("start_year", "initial_term_months", "renewals", "renewal_months"),
      requirement="Le marché est conclu pour 24 mois, reconductible tacitement 2 fois pour 12 "
                  "mois (48 mois au plus) : aucune prestation après la fin de la dernière "
                  "période. « Les prestations débuteront courant 2025 » est une prévision de "
                  "l'acheteur, pas une obligation du titulaire.",
      interpretation="Une durée commence le jour du démarrage et finit la veille du même "
                     "quantième (1er mars 2025 + 24 mois → 28 février 2027), sans prolongation "
                     "au jour ouvré : c'est une durée, pas un délai pour agir (ambiguïté 14 ; "
                     "term_end_reading=\"same_date\" la fait finir le même quantième). Un "
                     "démarrage hors de 2025 est une information ; une séance ou une ligne de "
                     "facture après la dernière période est une violation.",
      examples=(
          _ex("Démarrage le 1er mars 2025, période dans la durée initiale",
              _activity([_case("A")]), fires=False),
          _ex("Démarrage en 2024 : prévision de l'acheteur, information",
              {**_activity([_case("A")]), "contract_start": "2024-12-01"}, severity=INFO),
          _ex("Séance après la dernière reconduction (fin le 28 février 2029)", {
              **_activity([_case("A", sessions=[_held("2029-03-01T10:00:00+01:00")])],
                          start="2029-01-01", end="2029-03-31")}, severity=VIOLATION),
      ))
def contract_term_rule(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    term = ctx.term
    if term is None:
        yield missing_fact("contract_start", "date de démarrage du marché (fin de la période "
                                             "initiale et des reconductions non calculée)")
        return
    if term.start.year != params.start_year:
        yield Flag(f"démarrage le {format_date(term.start)} : le CCTP prévoit que les "
                   f"prestations débuteront courant {params.start_year} ; c'est une prévision "
                   f"de l'acheteur, pas une obligation du titulaire.", severity=INFO,
                   expected=str(params.start_year), found=str(term.start.year),
                   path="contract_start")
    first, last = term.start, term.last_day
    span = f"{format_date(first)} – {format_date(last)}"
    yield from ctx.tally.flags["CONTRACT-TERM"]
    for i, line in enumerate(ctx.invoice_lines or ()):
        if line.day > last:
            yield Flag(f"ligne de facture n° {i + 1} du {format_date(line.day)} après la fin de "
                       f"la dernière période du marché ({span}).",
                       expected=f"au plus tard le {format_date(last)}",
                       found=line.day.isoformat(), path=f"invoice_lines[{i}]")
    if ctx.period.start > last:
        yield Flag(f"la période {ctx.period.describe()} commence après la fin de la dernière "
                   f"période du marché ({span}).", severity=INFO, path="period")


@rule("RUN-PERMANENCE", clause="CCTP 6.1-3", title="Permanence bimensuelle par site sans "
      "prescription", severity=VIOLATION, subject="activity",
      parameters=("permanences_per_month",),
      requirement="En l'absence de prescription par les CPIP, le titulaire assure au minimum "
                  "une permanence bimensuelle par site (milieu fermé et milieu ouvert), afin de "
                  "rencontrer et mobiliser les prescripteurs.",
      interpretation="« Bimensuelle » se lit « deux fois par mois » (ambiguïté 4) : au moins "
                     "2 permanences par site et par mois civil sans prescription reçue pour ce "
                     "site ; la lecture « tous les deux mois » est une politique "
                     "(permanence_reading=\"every_two_months\"). Le contrat écrit « le "
                     "prescripteur » là où il vise le titulaire (ambiguïté 9). Seuls les mois "
                     "entiers de la période, échus à la date d'évaluation, sont vérifiés.",
      examples=(
          _ex("Mai 2025 sans prescription : deux permanences", _activity(
              [_case("A")], start="2025-05-01", end="2025-05-31", sites=_SITES,
              permanences=[{"site": "MA-DIJON", "at": "2025-05-06"},
                           {"site": "MA-DIJON", "at": "2025-05-20"}]), fires=False),
          _ex("Mai 2025 sans prescription : une seule permanence", _activity(
              [_case("A")], start="2025-05-01", end="2025-05-31", sites=_SITES,
              permanences=[{"site": "MA-DIJON", "at": "2025-05-06"}])),
          _ex("Avril 2025 : une prescription reçue, aucune permanence exigée", _activity(
              [_case("A")], start="2025-04-01", end="2025-04-30", sites=_SITES,
              permanences=[]), fires=False),
      ))
def run_permanence(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    if not ctx.sites:
        yield missing_fact("sites", "sites du lot où tenir les permanences (permanences non "
                                    "vérifiées)")
        return
    for check in ctx.permanence_checks:
        if check.ok:
            continue
        when = " et ".join(_month_name(m) for m in check.months)
        missing = check.required - check.permanences
        yield Flag(f"site « {check.site} », {when} : aucune prescription et "
                   f"{plural(check.permanences, 'permanence')} ; {check.required} au minimum. "
                   f"Tenir {plural(missing, 'permanence')} de plus pour rencontrer les "
                   f"prescripteurs.", expected=f"{check.required} permanence(s)",
                   found=f"{check.permanences}", path="permanences")


@rule("REP-TARGET-PUBLIC", clause="CCTP 2 b", title="Publics cibles : femmes et jeunes sans "
      "qualification", severity=INFO, subject="activity", parameters=("young_age_limit",),
      requirement="La couverture des besoins des publics cibles, les femmes et les jeunes sans "
                  "qualification, est suivie : leur part parmi les bénéficiaires est "
                  "rapportée.",
      interpretation="« Jeune » : moins de 26 ans à la prescription (paramètre "
                     "young_age_limit, le contrat ne le chiffre pas) ; les bénéficiaires de la "
                     "période sont les parcours du lot prescrits avant sa fin et non terminés "
                     "avant son début. Une donnée manquante est une information manquante ; "
                     "les parts sont calculées sur les bénéficiaires renseignés.",
      examples=(
          _ex("Parts des publics cibles sur trois bénéficiaires", _activity([
              _case("A", sessions=[_held("2025-04-10T10:00:00+02:00")]),
              _case("B", sex="male", age=40, sessions=[_held("2025-04-11T10:00:00+02:00")]),
              _case("C", sex="male", age=22, without_qualification=False)])),
          _ex("Aucun bénéficiaire dans la période", _activity([]), fires=False),
      ))
def rep_target_public(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    t = ctx.target_public
    if not t.beneficiaries:
        return
    women = (f"{t.women} femme(s) sur {t.sex_known} ({_percent(t.women_share)})"
             if t.sex_known else "part des femmes non calculable")
    young = (f"{t.young_without_qualification} jeune(s) de moins de {t.young_age_limit} ans "
             f"sans qualification sur {t.youth_known} ({_percent(t.young_share)})"
             if t.youth_known else "part des jeunes sans qualification non calculable")
    yield Flag(f"{plural(t.beneficiaries, 'bénéficiaire')} sur la période : {women} ; "
               f"{young}.", path="cases")
    if t.sex_known < t.beneficiaries:
        yield missing_fact("cases", f"sexe (« beneficiary.sex ») de "
                                    f"{plural(t.beneficiaries - t.sex_known, 'bénéficiaire')} : "
                                    f"la part des femmes est calculée sans eux")
    if t.youth_known < t.beneficiaries:
        yield missing_fact("cases", f"âge à la prescription ou qualification de "
                                    f"{plural(t.beneficiaries - t.youth_known, 'bénéficiaire')}"
                                    f" : la part des jeunes sans qualification est calculée "
                                    f"sans eux")


@rule("REP-SYNTHESIS", clause="CCTP 6.10", title="Synthèse des programmes par le titulaire",
      severity=VIOLATION, subject="activity",
      requirement="« Une synthèse des programmes et de l'atteinte des objectifs de prescription "
                  "et d'accompagnement des personnes suivies sera réalisée par le "
                  "prestataire » : pour chaque période du marché achevée, la synthèse du "
                  "titulaire existe et couvre les programmes et les objectifs.",
      interpretation="La synthèse est due pour chaque période du marché (période initiale, "
                     "chaque reconduction) qui s'achève dans la période du rapport, à la date "
                     "d'évaluation ; elle est déclarée dans « syntheses ». Le décompte que "
                     "calcule la bibliothèque (parcours par état, délais tenus) est une aide "
                     "pour la rédiger, signalé pour information : ce n'est pas la synthèse.",
      examples=(
          _ex("Synthèse de la période initiale remise, complète", _activity(
              [], start="2027-01-01", end="2027-03-31",
              syntheses=[{"term_period": 1, "covers_programmes": True,
                          "covers_objectives": True}]), fires=False, as_of=_AS_OF_2027),
          _ex("Période initiale achevée sans synthèse du titulaire", _activity(
              [], start="2027-01-01", end="2027-03-31", syntheses=[]), severity=VIOLATION,
              as_of=_AS_OF_2027),
          _ex("Décompte de la bibliothèque (aide, pas la synthèse)", _activity([_case("A", sessions=[
              _held("2025-04-10T10:00:00+02:00")])]), severity=INFO),
      ))
def rep_synthesis(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    term = ctx.term
    due = [] if term is None else [
        (n, p) for n, p in enumerate(term.periods, 1)
        if ctx.period.start <= p.last <= ctx.period.end
        and p.last <= ctx.last_full_day]
    if term is None:
        yield missing_fact("contract_start", "date de démarrage du marché (les périodes dont "
                                             "la synthèse est due ne sont pas calculables)")
    elif due and ctx.syntheses is None:
        for _, p in due:
            yield missing_fact("syntheses", f"synthèse du titulaire pour la période "
                                            f"« {p.label} » achevée le {format_date(p.last)}")
    elif due:
        given: dict[int, tuple[int, Any]] = {}
        for i, synth in enumerate(ctx.syntheses):
            given.setdefault(synth.term_period, (i, synth))
        for n, p in due:
            if n not in given:
                yield Flag(f"aucune synthèse du titulaire pour la période « {p.label} » "
                           f"(du {format_date(p.first)} au {format_date(p.last)}) ; elle « sera "
                           f"réalisée par le prestataire » (CCTP 6.10).",
                           expected="une synthèse par période du marché", found="aucune",
                           path="syntheses")
                continue
            i, synth = given[n]
            for field, what in (("covers_programmes", "des programmes réalisés"),
                                ("covers_objectives", "de l'atteinte des objectifs de "
                                                      "prescription et d'accompagnement")):
                value = getattr(synth, field)
                if value is None:
                    yield missing_fact(f"syntheses[{i}].{field}",
                                       f"la synthèse de la période « {p.label} » traite-t-elle "
                                       f"{what} (oui ou non)")
                elif not value:
                    yield Flag(f"la synthèse de la période « {p.label} » ne traite pas {what} "
                               f"(CCTP 6.10). La compléter.", expected=True, found=False,
                               path=f"syntheses[{i}].{field}")
    s = ctx.synthesis
    if not s.cases:
        return
    states = " ; ".join(f"{CaseState(state).label} : {n}" for state, n in s.states)
    met, late = s.status_count(ObligationStatus.MET), s.status_count(ObligationStatus.MET_LATE)
    overdue = s.status_count(ObligationStatus.OVERDUE)
    pending = s.status_count(ObligationStatus.PENDING)
    due_count = met + late + overdue
    rate = f" ({_percent(met / due_count)} dans les délais)" if due_count else ""
    yield Flag(f"aide à la rédaction de la synthèse (décompte de la bibliothèque, qui n'est pas "
               f"la synthèse du titulaire) : {plural(s.cases, 'parcours', 'parcours')} — "
               f"{states}. Obligations échues : {due_count}, dont {met} respectée(s) dans les "
               f"délais, {late} en retard et {overdue} non faite(s){rate} ; {pending} à venir.",
               severity=INFO, path="cases")


@rule("PROG-WORKSHOP-PLAN", clause="CCTP 6.2 B", title="Liste et calendrier des ateliers "
      "arrêtés avec le SPIP", severity=VIOLATION, subject="activity",
      requirement="« La liste et le calendrier des ateliers proposés est arrêtée en concertation "
                  "entre le prestataire et le SPIP concerné » ; « des interventions de "
                  "professionnels extérieurs sont préconisées, en accord avec le SPIP ».",
      interpretation="Chaque atelier dont une séance a eu lieu dans la période est déclaré dans "
                     "« workshops » (par son identifiant, celui des séances). Atelier tenu sans "
                     "accord du SPIP sur la liste et le calendrier, ou intervenant extérieur sans "
                     "accord : violation. Accord non renseigné : information manquante.",
      examples=(
          _ex("Atelier arrêté avec le SPIP, sans intervenant extérieur", _activity(
              [_case("A", sessions=[_held("2025-04-10T14:00:00+02:00", mode="collective",
                                          workshop="CV-1")])],
              workshops=[{"id": "CV-1", "plan_agreed_with_spip": True,
                          "outside_speakers": False}]), fires=False),
          _ex("Atelier tenu sans accord du SPIP", _activity(
              [_case("A", sessions=[_held("2025-04-10T14:00:00+02:00", mode="collective",
                                          workshop="CV-1")])],
              workshops=[{"id": "CV-1", "plan_agreed_with_spip": False,
                          "outside_speakers": False}]), severity=VIOLATION),
          _ex("Accord non renseigné", _activity(
              [_case("A", sessions=[_held("2025-04-10T14:00:00+02:00", mode="collective",
                                          workshop="CV-1")])]), severity=INFO),
      ))
def prog_workshop_plan(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    held = ctx.tally.held
    anonymous = ctx.tally.anonymous_workshop_sessions
    if anonymous:
        yield missing_fact("cases", f"identifiant d'atelier (« workshop ») de "
                                    f"{plural(anonymous, 'séance collective')} : accord du SPIP "
                                    f"non vérifiable")
    plans = {w.id: (i, w) for i, w in enumerate(ctx.workshop_plans or ())}
    for n, (workshop, day) in enumerate(sorted(held.items(), key=lambda kv: (kv[1], kv[0]))):
        name = f"l'atelier {shown_id(workshop, f'n° {n + 1} de la période')}"
        if workshop not in plans:
            yield missing_fact("workshops", f"accord du SPIP sur la liste et le calendrier — "
                                            f"{name}, tenu le {format_date(day)}")
            continue
        i, w = plans[workshop]
        path = f"workshops[{i}]"
        if w.plan_agreed_with_spip is None:
            yield missing_fact(f"{path}.plan_agreed_with_spip",
                               f"accord du SPIP sur la liste et le calendrier — {name}")
        elif not w.plan_agreed_with_spip:
            yield Flag(f"{name} a été tenu (le {format_date(day)}) sans que la liste et le "
                       f"calendrier des ateliers aient été arrêtés avec le SPIP (CCTP 6.2 B).",
                       expected=True, found=False, path=f"{path}.plan_agreed_with_spip")
        if w.outside_speakers is None:
            yield missing_fact(f"{path}.outside_speakers",
                               f"intervention de professionnels extérieurs (oui ou non) — {name}")
        elif w.outside_speakers:
            if w.speakers_agreed_with_spip is None:
                yield missing_fact(f"{path}.speakers_agreed_with_spip",
                                   f"accord du SPIP sur les intervenants extérieurs — {name}")
            elif not w.speakers_agreed_with_spip:
                yield Flag(f"{name} a reçu des professionnels extérieurs sans l'accord du SPIP "
                           f"(CCTP 6.2 B : « en accord avec le SPIP »).", expected=True,
                           found=False, path=f"{path}.speakers_agreed_with_spip")


def _month_text(m: dt.date) -> str:
    return _month_name(m)


@rule("DOC-SHEETS-SPIP", clause="CCTP 6.5", title="Feuilles d'émargement transmises au SPIP",
      severity=VIOLATION, subject="activity",
      requirement="« Les feuilles d'émargement seront transmises au SPIP permettant le suivi de "
                  "l'accompagnement. »",
      interpretation="Vérifié par SPIP et par mois civil entier de la période où des séances ont "
                     "eu lieu : la transmission est déclarée dans « sheet_transmissions » "
                     "(sent = true ou false). Le contrat ne fixe pas de rythme : le mois est "
                     "l'unité de contrôle, celle du rapprochement des heures. Mois non déclaré : "
                     "information manquante.",
      examples=(
          _ex("Feuilles d'avril transmises au SPIP de Côte-d'Or", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              sheet_transmissions=[{"spip": "21", "month": "2025-04", "sent": True}]),
              fires=False),
          _ex("Feuilles d'avril non transmises", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              sheet_transmissions=[{"spip": "21", "month": "2025-04", "sent": False}]),
              severity=VIOLATION),
      ))
def doc_sheets_spip(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    wanted = ctx.tally.sheets_wanted
    if not wanted:
        return
    if ctx.sheet_transmissions is None:
        yield missing_fact("sheet_transmissions", "transmission des feuilles d'émargement au "
                                                  "SPIP (par SPIP et par mois)")
        return
    sent = {(t.spip, t.month): (i, t) for i, t in enumerate(ctx.sheet_transmissions)}
    for spip, month in sorted(wanted, key=lambda k: (k[1], k[0])):
        who = f"SPIP {spip}" if spip != "?" else "SPIP non renseigné"
        entry = sent.get((spip, month))
        if entry is None or entry[1].sent is None:
            yield missing_fact("sheet_transmissions" if entry is None
                               else f"sheet_transmissions[{entry[0]}].sent",
                               f"transmission au {who} des feuilles de {_month_text(month)}")
        elif not entry[1].sent:
            yield Flag(f"feuilles d'émargement de {_month_text(month)} non transmises au {who} "
                       f"(CCTP 6.5). Les lui transmettre.", expected=True, found=False,
                       path=f"sheet_transmissions[{entry[0]}].sent")


@rule("DOC-HOURS-RECONCILE", clause="CCTP 6.5, 6.1-3", title="Heures émargées et heures "
      "d'IPRO 360° concordantes", severity=VIOLATION, subject="activity",
      requirement="Les feuilles d'émargement « serviront à la facturation et au contrôle des "
                  "prestations, conjointement aux données extraites depuis IPRO 360° » : les "
                  "heures des feuilles signées et les heures renseignées sur IPRO 360° "
                  "concordent, par personne et par mois.",
      interpretation="Par parcours et par mois civil entier de la période : heures des séances "
                     "à feuille signée (une séance collective compte pour chaque participant) "
                     "contre heures d'IPRO 360° déclarées dans « ipro_hours ». Tout écart est "
                     "une violation, chiffré. Une séance dont on ne sait pas si la feuille est "
                     "signée, ou un mois sans heures IPRO déclarées : information manquante.",
      examples=(
          _ex("4 h émargées, 4 h sur IPRO 360°", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00"),
                                    _held("2025-04-17T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              ipro_hours=[{"case_id": "A", "month": "2025-04", "hours": 4}]), fires=False),
          _ex("4 h émargées, 6 h sur IPRO 360°", _activity(
              [_case("A", sessions=[_held("2025-04-10T10:00:00+02:00"),
                                    _held("2025-04-17T10:00:00+02:00")])],
              start="2025-04-01", end="2025-04-30",
              ipro_hours=[{"case_id": "A", "month": "2025-04", "hours": 6}]),
              severity=VIOLATION),
      ))
def doc_hours_reconcile(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    rows = ctx.reconciliation
    unmatched = ctx.ipro_unmatched
    if unmatched:
        yield missing_fact(f"ipro_hours[{unmatched[0]}].case_id",
                           f"parcours de {plural(len(unmatched), 'ligne')} d'heures IPRO 360° "
                           f"absent(s) de « cases » : feuilles d'émargement non fournies")
    if ctx.ipro_hours is None:
        if rows:
            yield missing_fact("ipro_hours", "heures renseignées sur IPRO 360° par personne et "
                                             "par mois (rapprochement avec les feuilles "
                                             "d'émargement)")
        return
    for row in rows:
        who = f"parcours {row.case}, {_month_text(row.month)}"
        if row.unknown_sheets:
            yield missing_fact(row.path, f"feuille signée ou non de "
                                         f"{plural(row.unknown_sheets, 'séance')} — {who}")
        elif row.ipro is None:
            yield missing_fact("ipro_hours", f"heures IPRO 360° — {who} "
                                             f"({format_value(row.signed)} h émargées)")
        elif abs(row.difference) > 1e-9:
            sign = "de plus" if row.difference > 0 else "de moins"
            yield Flag(f"{who} : {format_value(row.signed)} h sur feuilles signées, "
                       f"{format_value(row.ipro)} h sur IPRO 360°, soit "
                       f"{format_value(abs(row.difference))} h {sign} sur IPRO 360° ; les deux "
                       f"servent conjointement à la facturation (CCTP 6.5). Rectifier IPRO 360° "
                       f"ou produire les feuilles.", expected=f"{format_value(row.signed)} h",
                       found=f"{format_value(row.ipro)} h", path=row.path)


@rule("REP-MEETINGS", clause="CCTP 2 d, 6.11", title="Participation aux commissions et comités",
      severity=WARNING, subject="activity",
      requirement="« Le titulaire participe aux commissions locales d'insertion professionnelle "
                  "organisées par l'administration pénitentiaire » (2 d) ; les comités de suivi "
                  "réunissent « le titulaire du marché » ; la DISP organise un COPIL annuel "
                  "(6.11).",
      interpretation="Chaque réunion de la période déclarée dans « meetings » : une invitation "
                     "sans participation est un avertissement ; participation non renseignée : "
                     "information manquante. Une réunion sans invitation n'est pas reprochée.",
      examples=(
          _ex("Comité de suivi : invité, présent", _activity([_case("A")], meetings=[
              {"kind": "monitoring_committee", "at": "2025-05-15", "invited": True,
               "attended": True}]), fires=False),
          _ex("Commission locale d'insertion : invité, absent", _activity([_case("A")], meetings=[
              {"kind": "integration_commission", "at": "2025-05-15", "invited": True,
               "attended": False}]), severity=WARNING),
      ))
def rep_meetings(ctx: Context, params: ContractParameters) -> Iterator[Flag]:
    for i, m in enumerate(ctx.meetings or ()):
        if not ctx.period.contains(m.day) or m.day > ctx.as_of_day:
            continue
        what = f"{MEETING_KINDS[m.kind]} du {format_date(m.day)}"
        if m.invited is False:
            continue
        if m.attended is None:
            yield missing_fact(f"meetings[{i}].attended", f"participation du titulaire — {what}")
        elif m.invited is None and not m.attended:
            yield missing_fact(f"meetings[{i}].invited", f"invitation du titulaire — {what}")
        elif not m.attended:
            yield Flag(f"{what} : le titulaire, invité, n'y a pas participé. Le titulaire "
                       f"participe à ces réunions.", expected=True, found=False,
                       path=f"meetings[{i}].attended")


ACTIVITY_RULES = ("LOT-DEF", "CONTRACT-TERM", "LOT-VOLUME", "CONTRACT-PAY", "CONTRACT-PRICE",
                  "RUN-PERMANENCE", "PROG-WORKSHOP-PLAN", "DOC-SHEETS-SPIP",
                  "DOC-HOURS-RECONCILE", "REP-TARGET-PUBLIC", "REP-SYNTHESIS", "REP-MEETINGS")
_resolved: list[Rule] = []


def _activity_rules() -> list[Rule]:
    if not _resolved:
        _resolved.extend(get_rule(r) for r in ACTIVITY_RULES)
    return _resolved

