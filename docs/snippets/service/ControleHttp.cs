// Contrôler des données avec le service ppaip-rules depuis C# (.NET 6 ou plus) :
// HttpClient, sans dépendance. Le service tourne sur la même machine (ppaip-rules serve).
using System;
using System.Net.Http;
using System.Text;
using System.Text.Json;

var donnees = "{\"rule_id\": \"END-BILAN-IND\", \"trigger\": \"2025-05-07\", \"act\": \"2025-05-16\"}";
using var client = new HttpClient();
var reponse = await client.PostAsync("http://127.0.0.1:8000/v1/controles/deadline",
    new StringContent(donnees, Encoding.UTF8, "application/json"));
var corps = await reponse.Content.ReadAsStringAsync();
using var json = JsonDocument.Parse(corps);
if ((int)reponse.StatusCode == 200)
{
    // Le rapport : "ok" faux si une violation est constatée.
    foreach (var constat in json.RootElement.GetProperty("findings").EnumerateArray())
        Console.WriteLine($"{constat.GetProperty("rule_id")} ({constat.GetProperty("clause")}) : "
            + constat.GetProperty("message"));
}
else
{
    // application/problem+json : "detail" nomme le champ, jamais la valeur.
    Console.Error.WriteLine($"Refusé ({(int)reponse.StatusCode}) : {json.RootElement.GetProperty("detail")}");
}
