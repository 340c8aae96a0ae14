using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary>
/// <c>sgrid gateways create</c> registers a device gateway (admin key) and prints its MQTT credentials once;
/// <c>sgrid gateways health</c> shows what the service saw of it.
/// </summary>
public static class GatewaysCommands
{
    public static Command Create()
    {
        var gateways = new Command("gateways", "Device gateways: their MQTT credentials and health");
        gateways.Options.Add(ApiConnection.Api);
        gateways.Options.Add(ApiConnection.Key);

        var id = new Option<string?>("--id") { Description = "Gateway id: the MQTT user name and topic level (default: generated)" };
        var name = new Option<string>("--name") { Description = "What the gateway is (e.g. 'Huangpu manhole sensors, vendor X')", Required = true };
        var districts = new Option<string[]>("--district") { Description = "6-digit district its devices may report in (repeatable; default: any)", AllowMultipleArgumentsPerToken = true };
        var create = new Command("create", "Register a gateway and print its credentials (the secret is shown once)") { id, name, districts };
        create.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var response = await client.PostAsJsonAsync("api/gateways", new { id = parse.GetValue(id), name = parse.GetValue(name), districts = parse.GetValue(districts) ?? [] }, ct);
            if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var r = doc.RootElement;
            AnsiConsole.MarkupLineInterpolated($"[green]gateway {ApiConnection.Str(r, "id")} registered[/]. MQTT credentials (the secret is shown once; rotate with POST /api/gateways/{ApiConnection.Str(r, "id")}/secret):");
            var table = new Table().HideHeaders().AddColumns("", "");
            table.AddRow("user name", Markup.Escape(ApiConnection.Str(r, "username")));
            table.AddRow("secret", Markup.Escape(ApiConnection.Str(r, "secret")));
            table.AddRow("publish alerts on", Markup.Escape(ApiConnection.Str(r, "publishTopic")));
            table.AddRow("rejects arrive on", Markup.Escape(ApiConnection.Str(r, "rejectsTopic")));
            AnsiConsole.Write(table);
            // The secret alone on the last line, for scripts.
            Console.WriteLine(ApiConnection.Str(r, "secret"));
            return 0;
        });
        gateways.Subcommands.Add(create);

        var which = new Argument<string>("id") { Description = "Gateway id" };
        var health = new Command("health", "What the service saw of a gateway: connection, messages, refusals by reason") { which };
        health.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var response = await client.GetAsync($"api/gateways/{Uri.EscapeDataString(parse.GetValue(which)!)}/health", ct);
            if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            var r = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var table = new Table().AddColumns("", "this instance", "database");
            table.AddRow("connected", r.GetProperty("connected").GetBoolean() ? "yes" : "no", "");
            table.AddRow("last seen", r.GetProperty("lastSeenAt").ToString(), r.GetProperty("database").GetProperty("lastAlertAt").ToString());
            table.AddRow("messages", r.GetProperty("messages").ToString(), "");
            table.AddRow("stored alerts", r.GetProperty("stored").ToString(), r.GetProperty("database").GetProperty("alerts").ToString());
            table.AddRow("repeats absorbed", r.GetProperty("duplicates").ToString(), "");
            var dead = r.GetProperty("database").GetProperty("deadLettersByReason");
            foreach (var refused in r.GetProperty("refused").EnumerateObject())
                table.AddRow($"refused: {Markup.Escape(refused.Name)}", refused.Value.ToString(), dead.TryGetProperty(refused.Name, out var d) ? d.ToString() : "");
            AnsiConsole.Write(table);
            return 0;
        });
        gateways.Subcommands.Add(health);
        return gateways;
    }
}
