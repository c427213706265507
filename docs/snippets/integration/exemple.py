from datetime import date

import ppaip_rules

# 1. L'échéance d'un délai du contrat, avec l'explication du calcul.
d = ppaip_rules.deadline("END-BILAN-IND", date(2025, 5, 2))
print(d.due)                       # 2025-05-12
print("\n".join(d.trace))

# 2. Contrôler des données telles que lues dans un JSON (ici, un acte face à son délai).
report = ppaip_rules.run_check("deadline", {
    "rule_id": "END-BILAN-IND", "trigger": "2025-05-07", "act": "2025-05-16"})
print(report.ok)                   # False : une violation
print(report.format())             # le texte que lit un gestionnaire
for finding in report.findings:    # un constat par problème
    print(finding.rule_id, finding.clause, finding.severity.value)

# 3. Une entrée invalide : toujours InputError, message en français qui nomme le champ.
try:
    ppaip_rules.run_check("deadline", {"rule_id": "END-BILAN-IND", "trigger": "demain",
                                       "act": "2025-05-16"})
except ppaip_rules.InputError as error:
    print(error)

# 4. Un contrat variante : seules les valeurs qui changent.
variante = ppaip_rules.parameters_from_dict(
    {"delays": {"END-BILAN-IND": {"amount": 5, "unit": "jours"}}})
print(ppaip_rules.deadline("END-BILAN-IND", date(2025, 5, 2), params=variante).due)
