"""The deadline rules registered in the registry (one per :data:`~ppaip_rules.deadlines.SPECS`).

Kept apart from :mod:`ppaip_rules.deadlines` (issue 13): computing a deadline needs
neither the registry's rules nor the contract parameters, so the rules (their French
requirement with the contract's delay, their worked examples) register here, when the
registry loads its areas (:data:`ppaip_rules.registry.AREAS`).
"""

from __future__ import annotations

from .deadlines import SPECS
from .model import VIOLATION, Example, Rule, register
from .parameters import DIJON

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
    "STAFF-ACCESS": "La demande d'accès d'un intervenant de l'équipe de démarrage, avec une "
                    "pièce d'identité, est faite au moins {delay} avant le démarrage du "
                    "dispositif ; un casier judiciaire vierge est nécessaire.",
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
        # mypy cannot type attrs fields with converter=tuple (see pyproject.toml, [tool.mypy])
        register(Rule(
            id=spec.rule_id, clause=spec.clause, severity=VIOLATION,
            title=spec.title.format(delay=delay.describe()),
            requirement=_REQUIREMENTS[spec.rule_id].format(delay=delay.describe()),
            subject="deadline", interpretation=spec.interpretation,
            parameters=("delays",),  # type: ignore[arg-type]
            examples=examples))  # type: ignore[arg-type]


_register_specs()
