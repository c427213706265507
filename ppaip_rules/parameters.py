"""Every figure of the contract, in one immutable object.

Rules never write a contract figure as a literal: they read it from a
:class:`ContractParameters`. :data:`DIJON` is the CCTP of the DISP de Dijon;
a variant contract is a TOML or JSON file loaded with :func:`load_parameters`
(only the keys that differ need to be given).

Each field cites its clause in its metadata, so the documentation can list
"the parameters a rule reads, with their values for the Dijon contract".
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .calendar import Unit
from .dijon_delays import DIJON_DEADLINE_DELAYS
from .errors import InputError


def _meta(clause: str, label: str) -> dict:
    return {"clause": clause, "label": label}


@attrs.frozen
class Delay:
    """A contract period: an amount and a unit (``5 jours ouvrés``)."""

    amount: int = attrs.field(validator=[attrs.validators.instance_of(int),
                                         attrs.validators.ge(0)])
    unit: Unit = attrs.field(converter=Unit)

    def describe(self) -> str:
        return self.unit.describe(self.amount)


@attrs.frozen
class CatalogueItem:
    """An entry of a catalogue of the contract: a stable code and its French label."""

    code: str
    label: str


@attrs.frozen
class Spip:
    code: str
    name: str


@attrs.frozen
class Lot:
    """A lot (CCTP 1.2, 1.5): its SPIPs and forecast hours over the forecast period."""

    number: int
    spips: tuple[Spip, ...] = attrs.field(converter=tuple)
    individual_hours: int
    collective_hours: int

    @property
    def departements(self) -> tuple[str, ...]:
        """Département codes served (``SPIP 25/39`` serves 25 and 39)."""
        return tuple(code for s in self.spips for code in s.code.split("/"))


def _cat(*items: tuple[str, str]) -> tuple[CatalogueItem, ...]:
    return tuple(CatalogueItem(code, label) for code, label in items)


DIJON_LOTS = (
    Lot(1, (Spip("18", "SPIP du Cher"), Spip("36", "SPIP de l'Indre")), 660, 300),
    Lot(2, (Spip("28", "SPIP d'Eure-et-Loir"), Spip("45", "SPIP du Loiret")), 1740, 780),
    Lot(3, (Spip("37", "SPIP d'Indre-et-Loire"), Spip("41", "SPIP de Loir-et-Cher")), 840, 480),
    Lot(4, (Spip("89", "SPIP de l'Yonne"), Spip("58", "SPIP de la Nièvre")), 1680, 300),
    Lot(5, (Spip("21", "SPIP de Côte-d'Or"), Spip("71", "SPIP de Saône-et-Loire")), 1200, 300),
    Lot(6, (Spip("25/39", "SPIP du Doubs et du Jura"),
            Spip("70/90", "SPIP de la Haute-Saône et du Territoire de Belfort")), 1320, 300),
)

# CCTP 6.2 A: actions of an individual programme (the last five "peuvent
# également être proposées sous forme d'actions individuelles").
INDIVIDUAL_ACTIONS = _cat(
    ("positioning_assessment", "Bilan de positionnement"),
    ("guidance_assessment", "Bilan d'orientation"),
    ("skills_assessment", "Bilan de compétences"),
    ("psychometric_tests", "Tests psychotechniques ou psychologiques (RIASEC, MBTI, "
                           "Holland, NEO-PI, NV7…)"),
    ("career_plan", "Définition d'un projet professionnel"),
    ("schemes_information", "Information sur les dispositifs régionaux et locaux autour du "
                            "projet"),
    ("partner_applications", "Accompagnement à la constitution de dossiers ou à la mise en "
                             "relation avec les partenaires"),
    ("employment_partners", "Information sur les partenaires emplois"),
    ("local_labour_market", "Connaissance des domaines d'activité et du bassin d'emploi"),
    ("job_search_and_cv", "Recherches d'offres d'emploi ou de formation, ateliers TRE "
                          "(CV et lettre de motivation)"),
)

# CCTP 6.2 B: themes of collective workshops ("à la carte" workshops are allowed too).
COLLECTIVE_THEMES = _cat(
    ("vae", "Information sur la validation des acquis de l'expérience (VAE)"),
    ("apprenticeship", "Information sur le dispositif d'apprentissage"),
    ("business_creation", "Information sur la création ou la reprise d'entreprises"),
    ("job_search_techniques", "Apprentissage des techniques de recherche d'emploi"),
    ("self_image", "Travail sur l'image de soi, la confiance en soi, la présentation de soi"),
    ("job_fair", "Forum emploi, job dating, découverte de métiers, rencontres avec des "
                 "professionnels"),
    ("schemes_information", "Information sur les dispositifs régionaux et locaux autour du "
                            "projet"),
    ("partner_applications", "Accompagnement à la constitution de dossiers ou à la mise en "
                             "relation avec les partenaires"),
    ("employment_partners", "Information sur les partenaires emplois"),
    ("iae", "Information sur les dispositifs IAE"),
    ("local_labour_market", "Connaissance des domaines d'activité et du bassin d'emploi"),
    ("job_search", "Recherches d'offres d'emploi ou de formation adaptées au projet"),
    ("cv_and_cover_letter", "Ateliers curriculum vitae et lettre de motivation"),
    ("soft_skills", "Ateliers sur les savoir-être (gestion du stress, de la colère…)"),
    ("coaching", "Coaching"),
    ("oral_communication", "Améliorer sa communication orale"),
    ("public_speaking", "Prendre la parole en public"),
)

# CCTP 6.1-1: who may ask for an orientation toward the SPIP.
ORIENTATION_SOURCES = _cat(
    ("person", "La personne elle-même"),
    ("prison_management", "L'équipe de direction de l'établissement"),
    ("rlfp", "Responsable local de formation professionnelle (RLFP)"),
    ("cpu", "Commission pluridisciplinaire unique (CPU)"),
    ("rle", "Responsable local d'enseignement (RLE)"),
    ("france_travail_justice", "Conseiller France Travail justice"),
    ("mission_locale", "Conseiller Mission locale"),
    ("pep_psychologist", "Psychologue du parcours d'exécution de peine (PEP)"),
    ("health_team", "Membre de l'équipe sanitaire"),
    ("training_body", "Organisme de formation"),
    ("employment_association", "Association d'accompagnement vers l'emploi"),
    ("sep", "Service de l'emploi pénitentiaire (SEP)"),
)

# --- eligibility, programme and documents (issue 3) ---------------------------

# CCTP 5: "être une personne prévenue ou condamnée, suivie par le SPIP".
ELIGIBLE_STATUSES = _cat(
    ("pre_trial", "Personne prévenue"),
    ("convicted", "Personne condamnée"),
)

# CCTP 5, 6.1-2: who may prescribe ("CPIP ou assistante sociale" of the SPIP).
PRESCRIBER_ROLES = _cat(
    ("cpip", "Conseiller pénitentiaire d'insertion et de probation (CPIP)"),
    ("social_worker", "Assistant·e de service social du SPIP"),
)

# CCTP 3, 6.6: what a final bilan contains ("notamment"), then what it may contain.
BILAN_REQUIRED_SECTIONS = _cat(
    ("programme_delivered", "Programme d'accompagnement réalisé"),
    ("career_plan", "Projet professionnel de la personne"),
    ("action_plan", "Plan d'action pour mettre en œuvre le projet"),
)
BILAN_OPTIONAL_SECTIONS = _cat(
    ("achievements", "Réalisations éventuelles"),
    ("recommendations", "Recommandations d'orientation vers des partenaires de l'insertion"),
    ("midway_bilan", "Bilan à mi-parcours"),
)

# CCTP 6.9: deliverables of the provider ("le titulaire s'engage à fournir").
DELIVERABLES = _cat(
    ("poster", "Affiche de présentation du dispositif à l'attention des personnes détenues"),
    ("presentation_sheets", "Fiches de présentation du dispositif à l'attention des SPIP et "
                            "partenaires"),
    ("individual_bilans", "Bilans individuels"),
    ("workshop_bilans", "Bilans d'ateliers collectifs"),
)

#: The codes of version 0.2.0 (French kebab-case), read as the new codes for one version
#: (issue 10: one vocabulary), per catalogue: in an input, and in a variant contract's
#: parameter file (:func:`parameters_from_dict`).
CATALOGUE_ALIASES: dict[str, dict[str, str]] = {
    "individual_actions": {
        "bilan-positionnement": "positioning_assessment",
        "bilan-orientation": "guidance_assessment", "bilan-competences": "skills_assessment",
        "tests-psychotechniques": "psychometric_tests", "projet-professionnel": "career_plan",
        "info-dispositifs": "schemes_information",
        "dossiers-partenaires": "partner_applications",
        "partenaires-emploi": "employment_partners", "bassin-emploi": "local_labour_market",
        "recherche-offres-tre": "job_search_and_cv"},
    "collective_themes": {
        "apprentissage": "apprenticeship", "creation-entreprise": "business_creation",
        "tre": "job_search_techniques", "image-de-soi": "self_image",
        "forum-emploi": "job_fair", "info-dispositifs": "schemes_information",
        "dossiers-partenaires": "partner_applications",
        "partenaires-emploi": "employment_partners", "bassin-emploi": "local_labour_market",
        "recherche-offres": "job_search", "cv-lettre": "cv_and_cover_letter",
        "savoir-etre": "soft_skills", "communication-orale": "oral_communication",
        "prise-de-parole": "public_speaking"},
    "orientation_sources": {
        "personne": "person", "direction-etablissement": "prison_management",
        "france-travail-justice": "france_travail_justice",
        "mission-locale": "mission_locale", "psychologue-pep": "pep_psychologist",
        "equipe-sanitaire": "health_team", "organisme-formation": "training_body",
        "association-emploi": "employment_association"},
    "eligible_statuses": {"prevenu": "pre_trial", "condamne": "convicted"},
    "prescriber_roles": {"assistant-social": "social_worker"},
    "bilan_required_sections": {
        "programme-realise": "programme_delivered", "projet-professionnel": "career_plan",
        "plan-action": "action_plan"},
    "bilan_optional_sections": {
        "realisations": "achievements", "recommandations": "recommendations",
        "bilan-mi-parcours": "midway_bilan"},
    "deliverables": {
        "affiche": "poster", "fiches-presentation": "presentation_sheets",
        "bilan-individuel": "individual_bilans", "bilan-atelier": "workshop_bilans"},
}

# --- end of the issue 3 block --------------------------------------------------

#: The Dijon delays (CCTP 3, 6.1-2, 6.1-3, 6.2 B, 6.4, 6.6, 6.7): written once, as plain data,
#: in :mod:`ppaip_rules.dijon_delays` (the first deadline of a process reads them there
#: without importing this module).
DIJON_DELAYS = {rule_id: Delay(amount, unit)
                for rule_id, (amount, unit) in DIJON_DEADLINE_DELAYS.items()}


def _frozen_mapping(value: Mapping) -> Mapping:
    return types.MappingProxyType(dict(value))


@attrs.frozen
class ContractParameters:
    """The figures of one contract. Defaults are those of the Dijon CCTP."""


    name: str = attrs.field(default="CCTP PPAIP — DISP de Dijon",
                            metadata=_meta("page de garde", "Nom du contrat"))
    # §1 Contract and lots
    start_year: int = attrs.field(default=2025, metadata=_meta(
        "CCTP 1.4", "Année de démarrage des prestations"))
    initial_term_months: int = attrs.field(default=24, metadata=_meta(
        "CCTP 1.4", "Durée initiale du marché (mois)"))
    renewals: int = attrs.field(default=2, metadata=_meta(
        "CCTP 1.4", "Nombre de reconductions tacites"))
    renewal_months: int = attrs.field(default=12, metadata=_meta(
        "CCTP 1.4", "Durée d'une reconduction (mois)"))
    forecast_months: int = attrs.field(default=24, metadata=_meta(
        "CCTP 1.5", "Période couverte par les volumes prévisionnels (mois)"))
    lots: tuple[Lot, ...] = attrs.field(default=DIJON_LOTS, converter=tuple, metadata=_meta(
        "CCTP 1.2, 1.5", "Lots, SPIP et volumes prévisionnels (heures individuelles / collectives)"))
    # §5 Eligibility
    age_of_majority: int = attrs.field(default=18, metadata=_meta(
        "CCTP 5", "Âge de la majorité (ans)"))
    # §6.1 Entry
    orientation_sources: tuple[CatalogueItem, ...] = attrs.field(
        default=ORIENTATION_SOURCES, converter=tuple,
        metadata=_meta("CCTP 6.1-1", "Origines possibles d'une demande d'orientation"))
    permanences_per_month: int = attrs.field(default=2, metadata=_meta(
        "CCTP 6.1-3", "Permanences minimales par site et par mois sans prescription"))
    # §6.2 Programme
    individual_hours_min: float = attrs.field(default=3, metadata=_meta(
        "CCTP 6.2 A", "Durée minimale d'un PPAIP individuel (heures)"))
    individual_hours_max: float = attrs.field(default=30, metadata=_meta(
        "CCTP 6.2 A", "Durée maximale d'un PPAIP individuel (heures)"))
    workshop_hours_min: float = attrs.field(default=2, metadata=_meta(
        "CCTP 6.2 B", "Durée minimale d'un atelier collectif (heures)"))
    workshop_hours_max: float = attrs.field(default=30, metadata=_meta(
        "CCTP 6.2 B", "Durée maximale d'un atelier collectif (heures)"))
    group_size_max: int = attrs.field(default=6, metadata=_meta(
        "CCTP 6.3", "Nombre maximal de personnes par groupe"))
    group_size_ideal_min: int = attrs.field(default=4, metadata=_meta(
        "CCTP 6.2 B", "Taille idéale minimale d'un groupe"))
    individual_actions: tuple[CatalogueItem, ...] = attrs.field(
        default=INDIVIDUAL_ACTIONS, converter=tuple,
        metadata=_meta("CCTP 6.2 A", "Catalogue des actions individuelles"))
    collective_themes: tuple[CatalogueItem, ...] = attrs.field(
        default=COLLECTIVE_THEMES, converter=tuple,
        metadata=_meta("CCTP 6.2 B", "Catalogue des thèmes d'ateliers collectifs"))
    tender_themes: tuple[CatalogueItem, ...] = attrs.field(
        default=(), converter=tuple,
        metadata=_meta("CCTP 6.2 B", "Thèmes d'ateliers présentés par le titulaire dans son "
                                     "offre (« toute thématique qu'il juge pertinente » ; "
                                     "vide par défaut)"))
    # Deadlines (amount and unit; what triggers them lives in deadlines.py)
    delays: Mapping[str, Delay] = attrs.field(
        default=DIJON_DELAYS, converter=_frozen_mapping, hash=False, metadata=_meta(
            "CCTP 3, 6.1-2, 6.1-3, 6.2 B, 6.4, 6.6, 6.7", "Délais du contrat, par règle"))
    # §6.7 Staffing
    psychologist_share_percent: float = attrs.field(default=30, metadata=_meta(
        "CCTP 6.7", "Part de psychologues du travail parmi les intervenants (%)"))
    psychologist_tolerance_points: float = attrs.field(default=5, metadata=_meta(
        "CCTP 6.7", "Tolérance sous la part visée (« environ ») en points"))
    min_qualification_level: int = attrs.field(default=5, metadata=_meta(
        "CCTP 6.7", "Niveau de qualification minimal des non-psychologues "
                    "(nouvelle nomenclature ; 5 = ancien niveau III)"))
    # §6.8 Premises
    mo_premises_capacity: int = attrs.field(default=6, metadata=_meta(
        "CCTP 6.8", "Capacité d'accueil minimale d'un lieu en milieu ouvert (personnes)"))
    # --- eligibility, programme and documents (issue 3) ---
    eligible_statuses: tuple[CatalogueItem, ...] = attrs.field(
        default=ELIGIBLE_STATUSES, converter=tuple,
        metadata=_meta("CCTP 5", "Situations pénales ouvrant droit au PPAIP"))
    prescriber_roles: tuple[CatalogueItem, ...] = attrs.field(
        default=PRESCRIBER_ROLES, converter=tuple,
        metadata=_meta("CCTP 5, 6.1-2", "Prescripteurs habilités (SPIP)"))
    individual_meetings_min: int = attrs.field(default=2, metadata=_meta(
        "CCTP 6.2 A", "Nombre minimal de rencontres d'un PPAIP individuel (« plusieurs "
                      "rencontres »)"))
    group_under_ideal_is_violation: bool = attrs.field(default=False, metadata=_meta(
        "CCTP 6.2 B, 6.3", "Politique : un groupe sous la taille idéale est une violation "
                           "(sinon un avertissement)"))
    bilan_required_sections: tuple[CatalogueItem, ...] = attrs.field(
        default=BILAN_REQUIRED_SECTIONS, converter=tuple,
        metadata=_meta("CCTP 3, 6.6", "Rubriques obligatoires du bilan final"))
    bilan_optional_sections: tuple[CatalogueItem, ...] = attrs.field(
        default=BILAN_OPTIONAL_SECTIONS, converter=tuple,
        metadata=_meta("CCTP 3, 6.6", "Rubriques facultatives du bilan final"))
    deliverables: tuple[CatalogueItem, ...] = attrs.field(
        default=DELIVERABLES, converter=tuple,
        metadata=_meta("CCTP 6.9", "Livrables du titulaire"))
    # --- end of the issue 3 block ---
    # --- staffing: registry numbers of psychologists (issue 4) ---
    adeli_digits: int = attrs.field(default=9, metadata=_meta(
        "CCTP 6.7", "Nombre de chiffres d'un numéro ADELI (département 2, profession 2, "
                    "ordre 4, clé 1)"))
    adeli_psychologist_code: str = attrs.field(default="93", metadata=_meta(
        "CCTP 6.7", "Code profession « psychologue » d'un numéro ADELI (3e et 4e chiffres)"))
    rpps_digits: int = attrs.field(default=11, metadata=_meta(
        "CCTP 6.7", "Nombre de chiffres d'un numéro RPPS (psychologues depuis 2024)"))
    # --- end of the issue 4 block ---
    # --- case timeline and lot report (issue 5) ---
    young_age_limit: int = attrs.field(default=26, metadata=_meta(
        "CCTP 2 b", "Âge à la prescription en dessous duquel un bénéficiaire compte parmi les "
                    "« jeunes » (interprétation : le contrat ne le chiffre pas)"))
    # --- end of the issue 5 block ---

    def __attrs_post_init__(self) -> None:
        _validate(self)

    def delay(self, rule_id: str) -> Delay:
        try:
            return self.delays[rule_id]
        except KeyError:
            raise InputError("rule_id", "une règle de délai du contrat",
                             "aucun délai pour cette règle") from None

    def lot(self, number: int) -> Lot:
        for lot in self.lots:
            if lot.number == number:
                return lot
        raise InputError("lot", f"un numéro de lot parmi {[lot.number for lot in self.lots]}",
                         "lot inconnu")

    def describe(self, name: str) -> dict:
        """Clause, French label and value of one parameter (for the docs)."""
        field = attrs.fields_dict(type(self))[name]
        return {"name": name, "clause": field.metadata["clause"],
                "label": field.metadata["label"], "value": getattr(self, name)}

    def __reduce__(self):
        # Picklable although its mappings are read-only proxies: rebuilt through the
        # constructor from plain dicts. DIJON unpickles as the module's DIJON itself.
        if self is globals().get("DIJON"):
            return "DIJON"
        values = {f.name: dict(v) if isinstance(v, types.MappingProxyType) else v
                  for f in attrs.fields(type(self)) if f.init
                  for v in (getattr(self, f.name),)}
        return (_rebuild_parameters, (values,))


# --- validation of a whole parameter set (issue 16) ---------------------------
# Run on every construction (DIJON, a loaded file, attrs.evolve): a figure that makes
# no sense (a minimum above its maximum, a share over 100 %, a zero delay, a typo in a
# rule ID, an empty or duplicated catalogue or lot) is an InputError naming the key.

#: Integer parameters: (smallest, largest) value that still makes sense.
_INT_BOUNDS = {
    "start_year": (2009, 2099),  # the calendar's input years (calendar.in_input_years)
    "initial_term_months": (1, 240), "renewals": (0, 20), "renewal_months": (1, 120),
    "forecast_months": (1, 240), "age_of_majority": (1, 120), "permanences_per_month": (0, 31),
    "group_size_max": (1, 1_000), "group_size_ideal_min": (0, 1_000),
    "individual_meetings_min": (1, 1_000), "min_qualification_level": (1, 8),
    "mo_premises_capacity": (1, 10_000), "adeli_digits": (1, 30), "rpps_digits": (1, 30),
    "young_age_limit": (1, 120),
}
#: Decimal parameters: (smallest, largest); the smallest is excluded for durations.
_DECIMAL_BOUNDS = {
    "individual_hours_min": (0, 10_000), "individual_hours_max": (0, 10_000),
    "workshop_hours_min": (0, 10_000), "workshop_hours_max": (0, 10_000),
    "psychologist_share_percent": (0, 100), "psychologist_tolerance_points": (0, 100),
}
_POSITIVE_DECIMALS = {"individual_hours_min", "individual_hours_max", "workshop_hours_min",
                      "workshop_hours_max"}
#: (smaller, larger) pairs that must be in order.
_ORDERED = (("individual_hours_min", "individual_hours_max"),
            ("workshop_hours_min", "workshop_hours_max"),
            ("group_size_ideal_min", "group_size_max"))
#: The longest delay that makes sense, per unit (a year).
_DELAY_MAX = {Unit.CALENDAR_DAYS: 366, Unit.JOURS_OUVRES: 262, Unit.JOURS_OUVRABLES: 314,
              Unit.HOURS: 8_784, Unit.MONTHS: 12}
#: Catalogues that may be empty: lists of what the provider owes (an empty one owes
#: nothing). The others list what is allowed: empty, every input would be a breach.
_MAY_BE_EMPTY = {"deliverables", "bilan_required_sections", "bilan_optional_sections"}
_LOT_HOURS_MAX = 1_000_000


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: Any, path: str, max_length: int = 500) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > max_length or any(
            ord(c) < 32 for c in value):
        raise InputError(path, f"un texte non vide d'une ligne ({max_length} caractères au plus)")


def _validate(p: ContractParameters) -> None:
    _text(p.name, "name")
    for key, (low, high) in _INT_BOUNDS.items():
        value = getattr(p, key)
        if not _is_int(value) or not low <= value <= high:
            raise InputError(key, f"un nombre entier entre {low} et {high}")
    for key, (low, high) in _DECIMAL_BOUNDS.items():
        value = getattr(p, key)
        # Comparisons first: a huge int is refused without OverflowError, NaN fails them.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                low <= value <= high) or (key in _POSITIVE_DECIMALS and not value > low):
            raise InputError(key, f"un nombre strictement supérieur à {low} et au plus {high}"
                             if key in _POSITIVE_DECIMALS else f"un nombre entre {low} et {high}")
    for smaller, larger in _ORDERED:
        if getattr(p, smaller) > getattr(p, larger):
            raise InputError(smaller, f"une valeur inférieure ou égale à « {larger} »",
                             "minimum supérieur au maximum")
    if type(p.group_under_ideal_is_violation) is not bool:
        raise InputError("group_under_ideal_is_violation", "true ou false")
    code = p.adeli_psychologist_code
    if not isinstance(code, str) or not code.isascii() or not code.isdigit() or len(code) > 4:
        raise InputError("adeli_psychologist_code", "un code de 1 à 4 chiffres")
    for key in _CATALOGUE_FIELDS:
        _validate_catalogue(getattr(p, key), key)
    _validate_lots(p.lots)
    _validate_delays(p.delays)


def _validate_catalogue(items: Any, key: str) -> None:
    if type(items) is not tuple or (not items and key not in _MAY_BE_EMPTY):
        raise InputError(key, "une liste non vide d'entrées { code, label }")
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = f"{key}[{i}]"
        if not isinstance(item, CatalogueItem):
            raise InputError(path, "{ code = \"…\", label = \"…\" }")
        _text(item.code, f"{path}.code", 64)
        _text(item.label, f"{path}.label")
        if item.code in seen:
            raise InputError(f"{path}.code", "un code présent une seule fois", "code en double")
        seen.add(item.code)


def _validate_lots(lots: Any) -> None:
    if type(lots) is not tuple or not lots:
        raise InputError("lots", "une liste non vide de lots")
    numbers: set[int] = set()
    for i, lot in enumerate(lots):
        path = f"lots[{i}]"
        if not isinstance(lot, Lot):
            raise InputError(path, "un lot { number, spips, individual_hours, collective_hours }")
        if not _is_int(lot.number) or not 1 <= lot.number <= 1_000:
            raise InputError(f"{path}.number", "un nombre entier entre 1 et 1000")
        if lot.number in numbers:
            raise InputError(f"{path}.number", "un numéro de lot présent une seule fois",
                             "lot en double")
        numbers.add(lot.number)
        for k in ("individual_hours", "collective_hours"):
            value = getattr(lot, k)
            if not _is_int(value) or not 0 <= value <= _LOT_HOURS_MAX:
                raise InputError(f"{path}.{k}", f"un nombre entier entre 0 et {_LOT_HOURS_MAX}")
        if type(lot.spips) is not tuple or not lot.spips:
            raise InputError(f"{path}.spips", "une liste non vide de SPIP { code, name }")
        for j, spip in enumerate(lot.spips):
            if not isinstance(spip, Spip):
                raise InputError(f"{path}.spips[{j}]", "{ code = \"18\", name = \"SPIP du Cher\" }")
            _text(spip.code, f"{path}.spips[{j}].code", 16)
            _text(spip.name, f"{path}.spips[{j}].name")


def _validate_delays(delays: Any) -> None:
    from .parsing import shown_key

    if not isinstance(delays, Mapping):
        raise InputError("delays", "une table règle = { amount = N, unit = \"…\" }")
    for rule_id, delay in delays.items():
        if rule_id not in DIJON_DELAYS:
            raise InputError(f"delays.{shown_key(rule_id)}",
                             "une règle de délai parmi : " + ", ".join(DIJON_DELAYS),
                             "règle de délai inconnue")
        path = f"delays.{rule_id}"
        if not isinstance(delay, Delay) or not isinstance(delay.unit, Unit):
            raise InputError(path, "{ amount = N, unit = \"…\" }")
        top = _DELAY_MAX[delay.unit]
        if not _is_int(delay.amount) or not 1 <= delay.amount <= top:
            raise InputError(f"{path}.amount", f"un nombre entier entre 1 et {top} "
                                               f"({delay.unit.value})", "délai hors limites")
    missing = [r for r in DIJON_DELAYS if r not in delays]
    if missing:
        raise InputError(f"delays.{missing[0]}", "un délai pour chaque règle de délai",
                         "délai manquant")


_CATALOGUE_FIELDS = ("orientation_sources", "individual_actions", "collective_themes",
                     "eligible_statuses", "prescriber_roles", "bilan_required_sections",
                     "bilan_optional_sections", "deliverables")


DIJON = ContractParameters()


# --- loading a variant contract --------------------------------------------

def load_parameters(path: str | Path) -> ContractParameters:
    """A variant contract from a TOML or JSON file (keys that differ from Dijon)."""
    if not isinstance(path, (str, Path)) or "\0" in str(path) or not str(path).strip():
        raise InputError("fichier de paramètres", "le chemin d'un fichier TOML ou JSON")
    path = Path(path)
    try:
        raw = path.read_bytes()
    except (OSError, ValueError):
        raise InputError("fichier de paramètres", "un fichier lisible", "fichier illisible") from None
    try:
        if path.suffix.lower() == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib
            data = tomllib.loads(raw.decode("utf-8"))
        else:
            from .parsing import load_json

            data = load_json(raw, "fichier de paramètres")  # duplicate keys refused
    except InputError:
        raise
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InputError("fichier de paramètres", "un document TOML ou JSON valide en UTF-8",
                         "contenu illisible") from None
    return parameters_from_dict(data)


def parameters_from_dict(data: Any, base: ContractParameters = DIJON) -> ContractParameters:
    """Override ``base`` with the keys of ``data``; unknown keys and wrong types are errors."""
    if not isinstance(data, Mapping):
        raise InputError("", "un objet de paramètres (clé = valeur)")
    fields = attrs.fields_dict(ContractParameters)
    changes: dict[str, Any] = {}
    from .parsing import shown_key

    if not isinstance(base, ContractParameters):
        raise InputError("base", "les paramètres d'un contrat (ContractParameters, ex. DIJON)")
    for key, value in data.items():
        if key not in fields:
            raise InputError(shown_key(key), f"une clé parmi : {', '.join(fields)}",
                             "clé inconnue")
        changes[key] = _convert_param(key, value, getattr(base, key))
    return attrs.evolve(base, **changes)


def _convert_param(key: str, value: Any, current: Any) -> Any:
    if key == "delays":
        if not isinstance(value, Mapping):
            raise InputError(key, "une table règle = { amount = N, unit = \"…\" }")
        from .parsing import shown_key

        merged = dict(current)
        for rule_id, spec in value.items():
            if rule_id not in DIJON_DELAYS:  # a typo would add a delay no rule reads
                raise InputError(f"{key}.{shown_key(rule_id)}",
                                 "une règle de délai parmi : " + ", ".join(DIJON_DELAYS),
                                 "règle de délai inconnue")
            merged[rule_id] = _delay(f"{key}.{rule_id}", spec)
        return merged
    if key == "lots":
        return tuple(_lot(f"lots[{i}]", v) for i, v in enumerate(_list(key, value)))
    if key in _CATALOGUE_KEYS:
        renamed = CATALOGUE_ALIASES.get(key, {})
        return tuple(_item(f"{key}[{i}]", v, renamed) for i, v in enumerate(_list(key, value)))
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise InputError(key, "true ou false")
        return value
    if isinstance(current, str):
        if not isinstance(value, str):
            raise InputError(key, "un texte")
        return value
    if isinstance(current, int) and key not in _DECIMAL_KEYS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(key, "un nombre entier positif ou nul")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise InputError(key, "un nombre positif ou nul")
    return value


_CATALOGUE_KEYS = {"individual_actions", "collective_themes", "orientation_sources",
                   "tender_themes",
                   # issue 3
                   "eligible_statuses", "prescriber_roles", "bilan_required_sections",
                   "bilan_optional_sections", "deliverables"}

_DECIMAL_KEYS = {"individual_hours_min", "individual_hours_max", "workshop_hours_min",
                 "workshop_hours_max", "psychologist_share_percent",
                 "psychologist_tolerance_points"}


def _list(path: str, value: Any) -> list:
    if not isinstance(value, list):
        raise InputError(path, "une liste")
    return value


def _delay(path: str, spec: Any) -> Delay:
    if not isinstance(spec, Mapping) or set(spec) != {"amount", "unit"}:
        raise InputError(path, "{ amount = N, unit = \"jours\" | \"jours ouvrés\" | "
                               "\"jours ouvrables\" | \"heures\" | \"mois\" }")
    amount = spec["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InputError(f"{path}.amount", "un nombre entier positif ou nul")
    try:
        unit = Unit(spec["unit"])
    except ValueError:
        raise InputError(f"{path}.unit", "une unité parmi : " +
                         ", ".join(u.value for u in Unit)) from None
    return Delay(amount, unit)


def _item(path: str, value: Any, renamed: Mapping[str, str] | None = None) -> CatalogueItem:
    """A catalogue entry; an old code of the catalogue (``renamed``) is read as its new one."""
    if not isinstance(value, Mapping) or set(value) != {"code", "label"} or not all(
            isinstance(v, str) for v in value.values()):
        raise InputError(path, "{ code = \"…\", label = \"…\" }")
    code = value["code"]
    return CatalogueItem((renamed or {}).get(code, code), value["label"])


def _lot(path: str, value: Any) -> Lot:
    keys = {"number", "spips", "individual_hours", "collective_hours"}
    if not isinstance(value, Mapping) or set(value) != keys:
        raise InputError(path, "{ number, spips = [{code, name}], individual_hours, "
                               "collective_hours }")
    for k in ("number", "individual_hours", "collective_hours"):
        v = value[k]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InputError(f"{path}.{k}", "un nombre entier positif ou nul")
    spips = []
    for i, s in enumerate(_list(f"{path}.spips", value["spips"])):
        if not isinstance(s, Mapping) or set(s) != {"code", "name"} or not all(
                isinstance(v, str) for v in s.values()):
            raise InputError(f"{path}.spips[{i}]", "{ code = \"18\", name = \"SPIP du Cher\" }")
        spips.append(Spip(s["code"], s["name"]))
    return Lot(value["number"], tuple(spips), value["individual_hours"], value["collective_hours"])


def _rebuild_parameters(values: dict) -> ContractParameters:
    """A :class:`ContractParameters` from its pickled field values."""
    return ContractParameters(**values)


# Issue 16: a model built directly from Python raises InputError naming the argument.
from .parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
