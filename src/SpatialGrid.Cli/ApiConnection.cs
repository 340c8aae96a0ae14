using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary>The API address and key shared by every command that talks to the service.</summary>
public static class ApiConnection
{
    public static readonly Option<string> Api = new("--api")
    {
        Description = "The SpatialGrid API (default: $SGRID_API or http://127.0.0.1:5080)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SGRID_API") ?? "http://127.0.0.1:5080",
    };

    // No default value factory: --help prints defaults, and the key is a secret. SGRID_KEY is read when the key is used.
    public static readonly Option<string?> Key = new("--key")
    {
        Description = "API key (default: $SGRID_KEY)",
        Recursive = true,
    };

    public static HttpClient Client(ParseResult parse, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new RetryAfterHandler(new SocketsHttpHandler())) { BaseAddress = new Uri(parse.GetValue(Api)!.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromMinutes(10) };
        var key = parse.GetValue(Key) ?? Environment.GetEnvironmentVariable("SGRID_KEY");
        if (!string.IsNullOrWhiteSpace(key)) client.DefaultRequestHeaders.Add("X-Api-Key", key.Trim());
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Prints a problem+json answer (title, detail, and each error of an import) and returns exit code 1.</summary>
    public static async Task<int> ReportFailure(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            AnsiConsole.MarkupLineInterpolated($"[red]{(int)response.StatusCode} {Str(root, "title")}[/]: {Str(root, "detail")}");
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                Findings.Print(errors, "Errors");
            if (root.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array)
                Findings.Print(warnings, "Warnings");
        }
        catch (JsonException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{(int)response.StatusCode}[/] {body}");
        }
        return 1;
    }

    public static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.String => v.GetString() ?? "", JsonValueKind.Null => "", _ => v.GetRawText() } : "";
}

/// <summary>
/// Waits as the service asks when it answers 429 (its request limits per key and address: <c>Retry-After</c>) and sends
/// the request again, so that bulk commands (demo loads, imports of positions) slow down instead of failing. Bodies up
/// to 8 MiB are buffered so they can be sent again; a larger one (a file import) is not retried.
/// </summary>
public sealed class RetryAfterHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const long MaxBuffered = 8 * 1024 * 1024;
    private const int MaxAttempts = 20;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var resendable = true;
        if (request.Content is { } content)
        {
            if (content.Headers.ContentLength > MaxBuffered) resendable = false;
            else
            {
                try
                {
                    await content.LoadIntoBufferAsync(MaxBuffered, ct);
                }
                catch (HttpRequestException)
                {
                    resendable = false; // over the buffer limit: sent once, as it is
                }
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, ct);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || !resendable || attempt == MaxAttempts) return response;
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : wait > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : wait, ct);
        }
    }
}

/// <summary>Prints import findings as a table.</summary>
public static class Findings
{
    public const int ShownRows = 50;

    public static void Print(JsonElement list, string title)
    {
        if (list.GetArrayLength() == 0) return;
        if (list.EnumerateArray().All(f => f.ValueKind == JsonValueKind.String))
        {
            // Patrols name their problems as sentences.
            foreach (var f in list.EnumerateArray().Take(20)) AnsiConsole.MarkupLineInterpolated($"  {f.GetString()}");
            if (list.GetArrayLength() > 20) AnsiConsole.MarkupLineInterpolated($"  … and {list.GetArrayLength() - 20:N0} more");
            return;
        }
        // A table of the first ones and a count by kind of all: 400,000 rows of a table took a minute and gigabytes to print.
        var table = new Table().Title(title).AddColumns("feature", "code", "kind", "message", "m²");
        foreach (var f in list.EnumerateArray().Take(ShownRows))
        {
            table.AddRow(Markup.Escape(ApiConnection.Str(f, "feature")), Markup.Escape(ApiConnection.Str(f, "code")),
                Markup.Escape(ApiConnection.Str(f, "kind")), Markup.Escape(ApiConnection.Str(f, "message")), Markup.Escape(ApiConnection.Str(f, "areaM2")));
        }
        AnsiConsole.Write(table);
        var total = list.GetArrayLength();
        if (total <= ShownRows) return;
        var byKind = list.EnumerateArray().GroupBy(f => ApiConnection.Str(f, "kind")).OrderByDescending(g => g.Count())
            .Select(g => $"{(g.Key.Length == 0 ? "other" : g.Key)} × {g.Count():N0}");
        AnsiConsole.MarkupLineInterpolated($"{title}: {total:N0} in all ({string.Join(", ", byKind)}); the first {ShownRows} are shown above");
    }
}
