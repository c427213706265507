# La liste des règles, en JSON (code de sortie 0)
ppaip-rules rules --json

# L'échéance d'un délai du contrat, avec son calcul (code de sortie 0)
ppaip-rules deadline END-BILAN-IND 2025-05-02

# Un acte face à son délai ; ici en retard, donc code de sortie 1
ppaip-rules deadline END-BILAN-IND 2025-05-07 --act 2025-05-16 --json

# Contrôler un fichier JSON, rapport en JSON (code de sortie 1 : une violation)
ppaip-rules check deadline acte-en-retard.json --format json

# Les mêmes données sur l'entrée standard (code de sortie 1)
ppaip-rules check deadline - --format json < acte-en-retard.json

# Une entrée invalide : un message d'une ligne qui nomme le champ (code de sortie 2)
ppaip-rules check deadline date-invalide.json

# Le schéma JSON des données d'un contrôle (code de sortie 0)
ppaip-rules schema deadline

# Un contrat variante, qui ne donne que ce qui change (code de sortie 0)
ppaip-rules --parameters variante.toml deadline END-BILAN-IND 2025-05-02
