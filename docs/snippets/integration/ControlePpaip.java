// Contrôler des données avec ppaip-rules depuis Java (11 ou plus) :
// JSON sur l'entrée standard, rapport JSON sur la sortie standard.
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

public class ControlePpaip {
    public static void main(String[] args) throws Exception {
        String donnees = "{\"rule_id\": \"END-BILAN-IND\", \"trigger\": \"2025-05-07\", "
                + "\"act\": \"2025-05-16\"}";
        Process p = new ProcessBuilder("ppaip-rules", "check", "deadline", "-", "--format", "json")
                .start();
        try (OutputStream entree = p.getOutputStream()) {
            entree.write(donnees.getBytes(StandardCharsets.UTF_8));
        }
        String sortie = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String erreur = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        switch (code) {
            case 0: // conforme
            case 1: // violations constatées : lire "ok" et "findings" avec Jackson, Gson…
                System.out.println(sortie);
                break;
            case 2: // entrée invalide : un message d'une ligne qui nomme le champ
                System.err.println("Entrée invalide : " + erreur);
                break;
            default: // 3 : erreur interne de la bibliothèque
                System.err.println("Erreur interne de ppaip-rules : " + erreur);
        }
    }
}
