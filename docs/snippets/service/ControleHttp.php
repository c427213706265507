<?php
// Contrôler des données avec le service ppaip-rules depuis PHP (7.4 ou plus, extension curl).
// Le service tourne sur la même machine : ppaip-rules serve (127.0.0.1:8000).
$donnees = ['rule_id' => 'END-BILAN-IND', 'trigger' => '2025-05-07', 'act' => '2025-05-16'];

$requete = curl_init('http://127.0.0.1:8000/v1/controles/deadline');
curl_setopt_array($requete, [
    CURLOPT_POST => true,
    CURLOPT_POSTFIELDS => json_encode($donnees),
    CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
    CURLOPT_RETURNTRANSFER => true,
]);
$corps = curl_exec($requete);
$statut = curl_getinfo($requete, CURLINFO_RESPONSE_CODE);
curl_close($requete);

$reponse = json_decode($corps, true);
if ($statut === 200) { // le rapport : "ok" faux si une violation est constatée
    foreach ($reponse['findings'] as $constat) {
        echo $constat['rule_id'], ' (', $constat['clause'], ') ', $constat['severity'],
            ' : ', $constat['message'], "\n";
    }
} else { // application/problem+json : "detail" nomme le champ, jamais la valeur
    fwrite(STDERR, 'Refusé (' . $statut . ') : ' . $reponse['detail'] . "\n");
}
