// Contrôler des données avec le service ppaip-rules depuis Java (11 ou plus) :
// java.net.http, sans dépendance. Le service tourne sur la même machine (ppaip-rules serve).
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class ControleHttp {
    public static void main(String[] args) throws Exception {
        String donnees = "{\"rule_id\": \"END-BILAN-IND\", \"trigger\": \"2025-05-07\", "
                + "\"act\": \"2025-05-16\"}";
        HttpRequest requete = HttpRequest.newBuilder()
                .uri(URI.create("http://127.0.0.1:8000/v1/controles/deadline"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(donnees))
                .build();
        HttpResponse<String> reponse = HttpClient.newHttpClient()
                .send(requete, HttpResponse.BodyHandlers.ofString());
        if (reponse.statusCode() == 200) {
            // Le rapport JSON : "ok" faux si une violation est constatée ("findings").
            System.out.println(reponse.body());
        } else {
            // application/problem+json : "detail" nomme le champ, jamais la valeur.
            System.err.println("Refusé (" + reponse.statusCode() + ") : " + reponse.body());
        }
    }
}
