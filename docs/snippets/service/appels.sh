# Démarrer le service (extra « serveur ») ; il écoute sur 127.0.0.1:8000.
ppaip-rules serve &
# Un contrôle : le corps est le JSON de « ppaip-rules check deadline », la réponse son rapport.
curl -s -X POST http://127.0.0.1:8000/v1/controles/deadline -H 'Content-Type: application/json' -d '{"rule_id": "END-BILAN-IND", "trigger": "2025-05-07", "act": "2025-05-16"}'
# Un délai et son calcul.
curl -s -X POST http://127.0.0.1:8000/v1/delais/END-BILAN-IND -d '{"trigger": "07/05/2025"}'
# Un parcours, à une date donnée (les options de la ligne de commande en paramètres).
curl -s -X POST 'http://127.0.0.1:8000/v1/controles/case?as_of=2025-06-30T18:00:00%2B02:00' --data-binary @parcours.json
# Un lot : une entrée par ligne, un rapport (ou une erreur) par ligne, dans l'ordre.
curl -s -X POST http://127.0.0.1:8000/v1/controles/deadline/lot --data-binary @lot.ndjson
