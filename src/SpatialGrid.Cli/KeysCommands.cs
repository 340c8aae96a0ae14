using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary><c>sgrid keys create</c>: makes an API client (needs an admin key); the key is printed once.</summary>
public static class KeysCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "API clients and their keys");
        keys.Options.Add(ApiConnection.Api);
        keys.Options.Add(ApiConnection.Key);
        var name = new Option<string>("--name") { Description = "Who or what uses the key", Required = true };
        var roles = new Option<string[]>("--role") { Description = "admin, gis-editor, dispatcher, patrol, planner, gateway (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var worker = new Option<string?>("--worker") { Description = "Bind a patrol key to one patrol worker (a worker's phone): it acts only as that worker" };
        var create = new Command("create", "Create an API client and print its key once") { name, roles, worker };
        create.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var response = await client.PostAsJsonAsync("api/keys", new { name = parse.GetValue(name), roles = parse.GetValue(roles), worker = parse.GetValue(worker) }, ct);
            if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            AnsiConsole.MarkupLineInterpolated($"[green]created client {ApiConnection.Str(doc.RootElement, "id")}[/]; its key (shown once):");
            Console.WriteLine(ApiConnection.Str(doc.RootElement, "key"));
            return 0;
        });
        keys.Subcommands.Add(create);
        return keys;
    }
}
