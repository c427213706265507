// Contrôler des données avec ppaip-rules depuis .NET (6 ou plus) :
// JSON sur l'entrée standard, rapport JSON sur la sortie standard.
using System.Diagnostics;
using System.Text;
using System.Text.Json;

var donnees = JsonSerializer.Serialize(new Dictionary<string, string> {
    ["rule_id"] = "END-BILAN-IND", ["trigger"] = "2025-05-07", ["act"] = "2025-05-16" });

var info = new ProcessStartInfo("ppaip-rules") {
    RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
    StandardInputEncoding = new UTF8Encoding(false), StandardOutputEncoding = Encoding.UTF8,
    StandardErrorEncoding = Encoding.UTF8,
};
foreach (var argument in new[] { "check", "deadline", "-", "--format", "json" })
    info.ArgumentList.Add(argument);

using var p = Process.Start(info)!;
await p.StandardInput.WriteAsync(donnees);
p.StandardInput.Close();
var sortie = await p.StandardOutput.ReadToEndAsync();
var erreur = await p.StandardError.ReadToEndAsync();
await p.WaitForExitAsync();

switch (p.ExitCode) {
    case 0: // conforme
    case 1: // violations constatées : le rapport est sur la sortie standard
        using (var rapport = JsonDocument.Parse(sortie)) {
            foreach (var c in rapport.RootElement.GetProperty("findings").EnumerateArray())
                Console.WriteLine($"{c.GetProperty("rule_id")} ({c.GetProperty("clause")}) "
                                  + $"{c.GetProperty("severity")} : {c.GetProperty("message")}");
        }
        break;
    case 2: // entrée invalide : un message d'une ligne qui nomme le champ
        Console.Error.WriteLine("Entrée invalide : " + erreur);
        break;
    default: // 3 : erreur interne de la bibliothèque
        Console.Error.WriteLine("Erreur interne de ppaip-rules : " + erreur);
        break;
}
