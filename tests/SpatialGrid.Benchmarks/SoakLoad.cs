using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// The soak's HTTP side (deploy/soak.sh, issue 23), for a number of minutes at once: vector tiles at zooms 13–16 over the
/// demo city, case work (cases opened and some moved through accept → dispatch → arrive → feedback) and patrol GPS by
/// <c>POST /api/patrols/positions</c>. Counts every answer that is a 5xx or a 4xx the request did not expect, and at the
/// end reconciles the fixes the service acknowledged with the rows in gps_points.
/// </summary>
public static class SoakLoad
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Layers = ["grids", "components", "roads", "cases"];
    private static readonly string[] Classes = ["E0101", "E0104", "E0502", "E0504", "E0601", "E0103"];
    private static readonly string[] Steps = ["accept", "dispatch", "arrive", "feedback"];
    // The demo city's responsibility grids (central Huangpu).
    private const double West = 121.4611, East = 121.4863, South = 31.2196, North = 31.2412;

    private sealed class Counters
    {
        public long Tiles, Cases, Actions, GpsPosts, Requests, Errors5xx, Errors4xx, Failed, FixesAcked;
        public readonly List<string> Samples = [];

        public void Error(string what, HttpStatusCode status, string body)
        {
            if ((int)status >= 500) Interlocked.Increment(ref Errors5xx); else Interlocked.Increment(ref Errors4xx);
            lock (Samples) if (Samples.Count < 10) Samples.Add($"{what}: {(int)status} {(body.Length > 200 ? body[..200] : body)}");
        }
    }

    /// <summary>Runs the traffic for <paramref name="minutes"/> (tiles and GPS paced per second, cases one every interval).</summary>
    public static async Task RunAsync(string api, string key, string connection, string gpsState, double minutes, int tilesPerSecond, double casesPerSecond)
    {
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        var c = new Counters();
        var end = DateTime.UtcNow.AddMinutes(minutes);
        var watch = Stopwatch.StartNew();
        var workers = JsonDocument.Parse(File.ReadAllText(gpsState)).RootElement.GetProperty("Workers").GetInt32();
        await Task.WhenAll(
            Paced(end, 1.0 / tilesPerSecond, i => TileAsync(http, c, new Random(i))),
            Paced(end, 1.0 / casesPerSecond, i => CaseAsync(http, c, new Random(1_000_000 + i), i)),
            GpsAsync(http, c, workers, end));
        var seconds = watch.Elapsed.TotalSeconds;
        long stored;
        await using (var db = NpgsqlDataSource.Create(connection))
        await using (var count = db.CreateCommand("SELECT count(*) FROM gps_points"))
            stored = (long)(await count.ExecuteScalarAsync())!;
        Console.WriteLine(string.Create(Inv, $"soak http: {c.Requests:N0} requests in {seconds:0} s: {c.Tiles:N0} tiles ({c.Tiles / seconds:0.0}/s), " +
            $"{c.Cases:N0} cases opened, {c.Actions:N0} case actions, {c.GpsPosts:N0} GPS posts"));
        Console.WriteLine($"soak http errors: {c.Errors5xx + c.Errors4xx + c.Failed} (5xx {c.Errors5xx}, unexpected 4xx {c.Errors4xx}, no answer {c.Failed})");
        foreach (var s in c.Samples) Console.WriteLine($"  {s}");
        Console.WriteLine(string.Create(Inv, $"soak gps fixes acknowledged: {c.FixesAcked:N0}, stored: {stored:N0}, lost: {Math.Max(0, c.FixesAcked - stored):N0} ({c.FixesAcked / seconds:0.0} fixes/s)"));
    }

    /// <summary>Starts <paramref name="work"/> every <paramref name="interval"/> seconds until <paramref name="end"/>; at most 16 at once.</summary>
    private static async Task Paced(DateTime end, double interval, Func<int, Task> work)
    {
        var window = new SemaphoreSlim(16);
        var running = new List<Task>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; DateTime.UtcNow < end; i++)
        {
            var due = TimeSpan.FromSeconds(i * interval) - watch.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            await window.WaitAsync();
            running.Add(Task.Run(async () => { try { await work(i); } finally { window.Release(); } }));
            running.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(running);
    }

    private static async Task<HttpResponseMessage?> Send(Counters c, string what, Func<Task<HttpResponseMessage>> send)
    {
        Interlocked.Increment(ref c.Requests);
        try { return await send(); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref c.Failed);
            lock (c.Samples) if (c.Samples.Count < 10) c.Samples.Add($"{what}: {e.GetType().Name} {e.Message}");
            return null;
        }
    }

    private static async Task TileAsync(HttpClient http, Counters c, Random r)
    {
        var z = 13 + r.Next(4);
        var n = 1 << z;
        var lon = West + r.NextDouble() * (East - West);
        var lat = (South + r.NextDouble() * (North - South)) * Math.PI / 180;
        var x = (int)((lon + 180) / 360 * n);
        var y = (int)((1 - Math.Log(Math.Tan(lat) + 1 / Math.Cos(lat)) / Math.PI) / 2 * n);
        var url = $"/tiles/{Layers[r.Next(Layers.Length)]}/{z}/{x}/{y}.mvt";
        using var response = await Send(c, url, () => http.GetAsync(url));
        if (response is null) return;
        Interlocked.Increment(ref c.Tiles);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NoContent)) c.Error(url, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Opens a case; every other one is then taken through the first steps of its handling.</summary>
    private static async Task CaseAsync(HttpClient http, Counters c, Random r, int i)
    {
        var body = new { classCode = Classes[r.Next(Classes.Length)], description = $"soak case {i}", lon = West + r.NextDouble() * (East - West),
            lat = South + r.NextDouble() * (North - South), source = "patrol" };
        using var created = await Send(c, "POST /api/cases", () => http.PostAsJsonAsync("/api/cases", body));
        if (created is null) return;
        if (created.StatusCode != HttpStatusCode.Created && created.StatusCode != HttpStatusCode.OK)
        {
            c.Error("POST /api/cases", created.StatusCode, await created.Content.ReadAsStringAsync());
            return;
        }
        Interlocked.Increment(ref c.Cases);
        if (i % 2 == 1) return;
        var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("case").GetProperty("number").GetString()!;
        foreach (var step in Steps.Take(1 + r.Next(Steps.Length)))
        {
            var url = $"/api/cases/{number}/actions";
            using var done = await Send(c, url, () => http.PostAsJsonAsync(url, new { action = step, note = step == "feedback" ? "handled in the soak" : null }));
            if (done is null) return;
            if (!done.IsSuccessStatusCode) { c.Error($"{url} {step}", done.StatusCode, await done.Content.ReadAsStringAsync()); return; }
            Interlocked.Increment(ref c.Actions);
        }
    }

    /// <summary>Every worker a fix every 9 s (yesterday's day, as the GPS benchmark walks it), posted in batches of 100.</summary>
    private static async Task GpsAsync(HttpClient http, Counters c, int workers, DateTime end)
    {
        var steps = (int)Math.Ceiling((end - DateTime.UtcNow).TotalSeconds / 9) + 1;
        var day = new GpsLoad.Day(workers, workers * steps, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8).AddDays(-1)));
        var watch = Stopwatch.StartNew();
        for (var k = 0; k < steps && DateTime.UtcNow < end; k++)
        {
            var due = TimeSpan.FromSeconds(9 * k) - watch.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var fixes = Enumerable.Range(0, workers).Select(w => day.Next(w, k)).ToList();
            for (var b = 0; b < fixes.Count; b += 100)
            {
                var batch = fixes.Skip(b).Take(100).ToList();
                using var content = new ByteArrayContent(GpsLoad.Payload($"soak-{k}-{b}", batch));
                content.Headers.ContentType = new("application/json");
                using var response = await Send(c, "POST /api/patrols/positions", () => http.PostAsync("/api/patrols/positions", content));
                if (response is null) continue;
                Interlocked.Increment(ref c.GpsPosts);
                if (!response.IsSuccessStatusCode) { c.Error("POST /api/patrols/positions", response.StatusCode, await response.Content.ReadAsStringAsync()); continue; }
                var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
                Interlocked.Add(ref c.FixesAcked, accepted.GetProperty("stored").GetInt32() + accepted.GetProperty("repeats").GetInt32());
            }
        }
    }
}
