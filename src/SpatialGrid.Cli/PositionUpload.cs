using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary>
/// Posts fixes to <c>POST /api/patrols/positions</c> in batches the service takes (≤ 5,000), with a progress bar, and
/// sums the answers. Fixes come in lanes: a lane is posted in order, one batch after the other (the service walks a
/// worker's fixes in the order they arrive, so one worker's fixes stay in one lane); lanes run side by side.
/// </summary>
public static class PositionUpload
{
    public const int MaxFixesPerBatch = 5_000;

    public sealed class Summary
    {
        public long Sent, Stored, Flagged, Repeats;
        public ConcurrentDictionary<string, int> RefusedByReason { get; } = new();
        public ConcurrentQueue<string> Examples { get; } = new();
        public long Refused => RefusedByReason.Values.Sum();
    }

    /// <summary>Posts every lane; null (after printing the service's problem) when a request fails outright.</summary>
    public static async Task<Summary?> SendAsync(HttpClient client, IReadOnlyList<IReadOnlyList<PatrolFix>> lanes, string? crs, string label,
        int parallel, CancellationToken ct)
    {
        var summary = new Summary();
        var total = lanes.Sum(l => l.Count);
        HttpResponseMessage? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        var batchNumber = 0;
        await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{label}: {total:N0} fixes", maxValue: Math.Max(1, total));
                try
                {
                    await Parallel.ForEachAsync(lanes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = stop.Token },
                    async (lane, token) =>
                    {
                        foreach (var chunk in lane.Chunk(MaxFixesPerBatch))
                        {
                            var msgId = $"sgrid-{run}-{Interlocked.Increment(ref batchNumber)}";
                            var response = await client.PostAsync("api/patrols/positions",
                                new StringContent(Json(msgId, chunk, crs), Encoding.UTF8, "application/json"), token);
                            if (!Take(response, chunk, summary, await response.Content.ReadAsStringAsync(token)))
                            {
                                Interlocked.CompareExchange(ref failure, response, null);
                                await stop.CancelAsync();
                                return;
                            }
                            bar.Increment(chunk.Length);
                        }
                    });
                }
                catch (OperationCanceledException) when (failure is not null)
                {
                    // One batch was refused whole: the others stopped; the refusal is printed below.
                }
            });
        if (failure is not null) { await ApiConnection.ReportFailure(failure, ct); return null; }
        return summary;
    }

    /// <summary>Counts one answer; false when the batch was refused whole (the caller prints the problem).</summary>
    private static bool Take(HttpResponseMessage response, PatrolFix[] chunk, Summary summary, string body)
    {
        var allRefused = response.StatusCode == HttpStatusCode.UnprocessableEntity;
        if (!response.IsSuccessStatusCode && !allRefused)
        {
            response.Content = new StringContent(body, Encoding.UTF8, "application/problem+json");
            return false;
        }
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (allRefused && !root.TryGetProperty("refused", out _))
        {
            response.Content = new StringContent(body, Encoding.UTF8, "application/problem+json");
            return false;
        }
        Interlocked.Add(ref summary.Sent, chunk.Length);
        if (!allRefused)
        {
            Interlocked.Add(ref summary.Stored, root.GetProperty("stored").GetInt32());
            Interlocked.Add(ref summary.Flagged, root.GetProperty("flagged").GetInt32());
            Interlocked.Add(ref summary.Repeats, root.GetProperty("repeats").GetInt32());
        }
        foreach (var r in root.GetProperty("refused").EnumerateArray())
        {
            var reason = ApiConnection.Str(r, "reason");
            var count = summary.RefusedByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);
            if (count <= 3)
            {
                var index = r.GetProperty("index").GetInt32();
                var origin = index >= 0 && index < chunk.Length ? chunk[index].Origin ?? $"{chunk[index].Worker} at {chunk[index].T:O}" : $"fix {index}";
                summary.Examples.Enqueue($"{reason}\t{origin}: {ApiConnection.Str(r, "detail")}");
            }
        }
        return true;
    }

    /// <summary>The gps batch of <c>sensors/schemas/gps.json</c>; readings a file did not give are left out.</summary>
    public static string Json(string msgId, IEnumerable<PatrolFix> fixes, string? crs)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("msgId", msgId);
            w.WriteStartArray("fixes");
            foreach (var f in fixes)
            {
                w.WriteStartObject();
                w.WriteString("worker", f.Worker);
                w.WriteString("t", f.T.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFzzz", CultureInfo.InvariantCulture));
                w.WriteNumber("lon", Math.Round(f.Lon, 7));
                w.WriteNumber("lat", Math.Round(f.Lat, 7));
                if (f.Accuracy is { } a) w.WriteNumber("accuracy", a);
                if (f.Speed is { } s) w.WriteNumber("speed", s);
                if (f.Heading is { } h) w.WriteNumber("heading", h);
                if (f.Battery is { } b) w.WriteNumber("battery", b);
                if (crs is not null) w.WriteString("crs", crs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Prints the sums: stored, flagged, repeats, and the refusals by reason with the first few of each named.</summary>
    public static void Print(Summary s)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[green]{s.Stored:N0} stored[/] ({s.Flagged:N0} flagged: stored, not walked), {s.Repeats:N0} repeats absorbed, {(s.Refused > 0 ? "[red]" : "")}{s.Refused:N0} refused{(s.Refused > 0 ? "[/]" : "")} of {s.Sent:N0} sent");
        if (s.Refused == 0) return;
        var table = new Table().Title("Refused").AddColumns("reason", "fixes", "first ones");
        foreach (var (reason, count) in s.RefusedByReason.OrderByDescending(r => r.Value))
        {
            var examples = s.Examples.Where(e => e.StartsWith(reason + "\t")).Select(e => e[(reason.Length + 1)..]).Take(3);
            table.AddRow(Markup.Escape(reason), count.ToString("N0"), Markup.Escape(string.Join("\n", examples)));
        }
        AnsiConsole.Write(table);
    }

    /// <summary>Prints a file's problems, the first ten of them, and how many more.</summary>
    public static int PrintProblems(string what, List<string> problems, string outcome = "nothing was sent")
    {
        AnsiConsole.MarkupLineInterpolated($"[red]{what}[/]: {problems.Count:N0} problem(s); {outcome}");
        foreach (var p in problems.Take(10)) AnsiConsole.MarkupLineInterpolated($"  {p}");
        if (problems.Count > 10) AnsiConsole.MarkupLineInterpolated($"  … and {problems.Count - 10:N0} more");
        return 1;
    }
}
