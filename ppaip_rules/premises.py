"""CCTP 6.8 — Les locaux: reception places in the community (milieu ouvert).

In prison (MF) the establishment provides the rooms; in the community (MO)
the provider has, in each département of the lot, a reception place that is
easy to reach by public transport, meets the rules for establishments open to
the public (ERP), holds 6 people, and whose address and phone number are sent
to the SPIP concerned and to the DISP de Dijon.

The places are part of a staffing roster (check kind ``roster``, see
:mod:`ppaip_rules.staffing`); their model is described in
:mod:`ppaip_rules.roster_model`; this module holds the rules PREM-MO and PREM-MO-HOURS (CCTP 6.4: the provider states the days and
opening hours of its MO reception).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._roster_example import example_roster
from .model import INFO, VIOLATION, WARNING, Example, Flag, missing_fact, rule
from .roster_check import yes_no_flag
from .roster_model import (  # noqa: F401 (the model of a place, described in roster_model)
    DEPARTEMENT_PATTERN,
    HOURS_PATTERN,
    WEEKDAYS,
    Premises,
)

# --- the rule ----------------------------------------------------------------

def _example(premises: list[dict]) -> dict:
    data = example_roster(premises=premises)
    known = {p["id"] for p in premises} | {e["id"] for e in data["establishments"]}
    for person in data["facilitators"]:
        person["sites"] = [site for site in person["sites"] if site in known]
    return data


_GOOD_PLACES = [
    {"id": "MO-DIJON", "departement": "21", "public_transport": True, "erp_compliant": True,
     "capacity": 6, "sent_to_spip": True, "sent_to_disp": True,
     "opening_days": ["tuesday", "thursday"], "opening_hours": ["09:00-12:00", "14:00-17:00"]},
    {"id": "MO-MACON", "departement": "71", "public_transport": True, "erp_compliant": True,
     "capacity": 8, "sent_to_spip": True, "sent_to_disp": True,
     "opening_days": ["monday"], "opening_hours": ["13:30-17:30"]},
]


def _examples() -> tuple[Example, ...]:
    small = [dict(_GOOD_PLACES[0]), dict(_GOOD_PLACES[1], capacity=4)]
    return (
        Example("Un lieu conforme dans chacun des deux départements du lot 5 (21 et 71)",
                "roster", _example(_GOOD_PLACES), fires=False,
                options={"as_of": "2025-06-30"}),
        Example("Lot 5 : aucun lieu d'accueil en Saône-et-Loire (71)", "roster",
                _example(_GOOD_PLACES[:1]), fires=True, severity=VIOLATION,
                options={"as_of": "2025-06-30"}),
        Example("Le lieu de Mâcon n'accueille que 4 personnes", "roster", _example(small),
                fires=True, severity=VIOLATION, options={"as_of": "2025-06-30"}),
    )


_CRITERIA = (  # field, what it says, the message when it is « non »
    ("public_transport", "accessible en transport en commun",
     "Le lieu {place} n'est pas facilement accessible en transport en commun."),
    ("erp_compliant", "conforme aux normes ERP",
     "Le lieu {place} n'est pas conforme aux normes des établissements recevant du public "
     "(ERP)."),
    ("sent_to_spip", "adresse et téléphone transmis au SPIP",
     "L'adresse et le téléphone du lieu {place} n'ont pas été transmis au SPIP."),
    ("sent_to_disp", "adresse et téléphone transmis à la DISP",
     "L'adresse et le téléphone du lieu {place} n'ont pas été transmis à la DISP de Dijon."),
)


@rule("PREM-MO", clause="CCTP 6.8", title="Un lieu d'accueil en milieu ouvert par département",
      severity=VIOLATION, subject="roster", parameters=("mo_premises_capacity", "lots"),
      requirement="En milieu ouvert, chaque département du lot dispose d'un lieu d'accueil "
                  "facilement accessible en transport en commun, conforme aux normes des "
                  "établissements recevant du public, d'une capacité de 6 personnes, dont "
                  "l'adresse et le téléphone sont transmis au SPIP concerné et à la DISP.",
      interpretation="Un critère non renseigné est une information manquante (constat "
                     "d'information, rapport incomplet), jamais lu comme conforme ni comme "
                     "manquement ; un critère renseigné « non » est une violation. Les départements du lot sont ceux de "
                     "ses SPIP (CCTP 1.2), sauf liste fournie dans le tableau.",
      examples=_examples())
def prem_mo(check, params) -> Iterator[Flag]:
    roster = check.roster
    covered = {p.departement for p in roster.premises}
    for dep in check.departements:
        if dep not in covered:
            yield Flag(f"Aucun lieu d'accueil en milieu ouvert dans le département {dep} "
                       f"({check.spip_name(dep)}). Déclarer un lieu dans ce département.",
                       expected=f"un lieu d'accueil dans le département {dep}",
                       found="aucun", path="premises")
    for i, place in enumerate(roster.premises):
        path = f"premises[{i}]"
        if place.departement not in check.departements:
            yield Flag(f"Le lieu {place.id} est dans le département {place.departement}, qui "
                       f"n'est pas un département du lot {roster.lot}.",
                       expected=", ".join(check.departements), found=place.departement,
                       severity=WARNING, path=f"{path}.departement")
        for field, label, no in _CRITERIA:
            flag = yes_no_flag(getattr(place, field), f"{path}.{field}",
                               no.format(place=place.id), f"lieu {place.id} : « {label} »")
            if flag:
                yield flag
        minimum = params.mo_premises_capacity
        if place.capacity is None:
            yield missing_fact(f"{path}.capacity", f"lieu {place.id} : capacité d'accueil "
                               f"({minimum} personnes au minimum)", expected=minimum)
        elif place.capacity < minimum:
            yield Flag(f"Le lieu {place.id} accueille {place.capacity} personnes ; "
                       f"{minimum} au minimum. Choisir un lieu plus grand.",
                       expected=minimum, found=place.capacity, path=f"{path}.capacity")


def _without(field: str, value: Any = None) -> dict:
    data = _example(_GOOD_PLACES)
    if value is None:
        del data["premises"][1][field]
    else:
        data["premises"][1][field] = value
    return data


@rule("PREM-MO-HOURS", clause="CCTP 6.4", title="Jours et horaires d'accueil en milieu ouvert",
      severity=VIOLATION, subject="roster",
      requirement="« Chaque établissement, chaque SPIP, ou encore le titulaire pour le volet "
                  "milieu ouvert (cf. article 6.7 du présent CCTP), précisera les locaux, les "
                  "jours et les horaires disponibles pour la mise en œuvre du programme. » En "
                  "milieu ouvert, le titulaire précise pour chacun de ses lieux d'accueil les "
                  "jours et les horaires.",
      interpretation="Les locaux sont les lieux d'accueil MO du tableau (leur présence par "
                     "département relève de PREM-MO). Pour chaque lieu : des jours ou des "
                     "horaires non renseignés sont une information manquante ; une liste "
                     "vide (aucun jour, aucune plage horaire) est une violation.",
      examples=(
          Example("Lieu de Mâcon ouvert le lundi de 13 h 30 à 17 h 30", "roster",
                  _example(_GOOD_PLACES), fires=False, options={"as_of": "2025-06-30"}),
          Example("Lieu de Mâcon sans aucune plage horaire", "roster",
                  _without("opening_hours", []), severity=VIOLATION,
                  options={"as_of": "2025-06-30"}),
          Example("Jours d'ouverture du lieu de Mâcon non renseignés", "roster",
                  _without("opening_days"), severity=INFO, options={"as_of": "2025-06-30"}),
      ))
def prem_mo_hours(check, params) -> Iterator[Flag]:
    for i, place in enumerate(check.roster.premises):
        for field, what in (("opening_days", "jours d'ouverture"),
                            ("opening_hours", "horaires d'ouverture")):
            value = getattr(place, field)
            path = f"premises[{i}].{field}"
            if value is None:
                yield missing_fact(path, f"lieu {place.id} : {what}")
            elif not value:
                yield Flag(f"Lieu {place.id} : aucun jour ou aucune plage horaire indiqué "
                           f"({what}) ; le titulaire précise les jours et les horaires de son "
                           f"accueil en milieu ouvert.", expected=f"des {what}", found="aucun",
                           path=path)
