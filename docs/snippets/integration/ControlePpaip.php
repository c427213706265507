<?php
// Contrôler des données avec ppaip-rules depuis PHP (7.4 ou plus) :
// JSON sur l'entrée standard, rapport JSON sur la sortie standard.
$donnees = ['rule_id' => 'END-BILAN-IND', 'trigger' => '2025-05-07', 'act' => '2025-05-16'];

$commande = ['ppaip-rules', 'check', 'deadline', '-', '--format', 'json'];
$tubes = [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
$process = proc_open($commande, $tubes, $pipes);
fwrite($pipes[0], json_encode($donnees));
fclose($pipes[0]);
$sortie = stream_get_contents($pipes[1]);
$erreur = stream_get_contents($pipes[2]);
fclose($pipes[1]);
fclose($pipes[2]);
$code = proc_close($process);

switch ($code) {
    case 0: // conforme
    case 1: // violations constatées : le rapport est sur la sortie standard
        $rapport = json_decode($sortie, true);
        foreach ($rapport['findings'] as $constat) {
            echo $constat['rule_id'], ' (', $constat['clause'], ') ', $constat['severity'],
                ' : ', $constat['message'], "\n";
        }
        break;
    case 2: // entrée invalide : un message d'une ligne qui nomme le champ
        fwrite(STDERR, 'Entrée invalide : ' . $erreur);
        break;
    default: // 3 : erreur interne de la bibliothèque
        fwrite(STDERR, 'Erreur interne de ppaip-rules : ' . $erreur);
}
