from ppaip_rules import evaluate_case
from ppaip_rules.integrations.durable import DurableAdapter


def rappel(avis):
    """Appelé par durable_rules à chaque avis : ici, une ligne de journal."""
    print(avis.describe())


journal = [
    {"type": "prescription_received", "at": "2025-05-02"},
    {"type": "first_meeting", "at": "2025-05-09T10:00:00+02:00", "duration_hours": 1},
]

with DurableAdapter(now="2025-05-02T09:00:00+02:00", on_due=rappel, on_late=rappel,
                    on_met=rappel, on_withdrawn=rappel) as moteur:
    # 1. La prescription arrive : le premier entretien est à tenir sous 5 jours.
    moteur.post("P-0042", journal[0])

    # 2. Le logiciel hôte fait avancer l'horloge (toutes les minutes, par exemple).
    moteur.advance("2025-05-07T18:00:00+02:00")   # rien : l'échéance n'est pas passée
    moteur.advance("2025-05-08T00:00:00+02:00")   # minuit : le premier entretien est en retard

    # 3. Le premier entretien a lieu le 9 mai ; il est enregistré à 11 h.
    moteur.advance("2025-05-09T11:00:00+02:00")
    moteur.post("P-0042", journal[1])

    # 4. Le moteur dit ce que dit evaluate_case à la même heure.
    attendu = evaluate_case(journal, as_of=moteur.clock)
    assert [(o.rule_id, o.due, o.status) for o in moteur.obligations("P-0042")] == [
        (o.rule_id, o.due, o.status) for o in attendu.obligations]
    for o in moteur.breaches("P-0042"):
        print("Manquement :", o.rule_id, o.due, o.status.value)
