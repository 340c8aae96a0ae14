using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Core.Grids;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// Patrol GPS ingestion end to end (issue 19): a day of fixes of a fleet of workers walking the demo city's grids,
/// published as batches on sg/v1/gw/{id}/gps with QoS 1 and timed from publish to PUBACK (sent after the commit);
/// the same rows by binary COPY as the baseline; the reports asked after the day.
/// </summary>
public static class GpsLoad
{
    public const string District = "310101";
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Gateway(string Id, string Secret);
    private sealed record State(int Workers, List<Gateway> Gateways);

    public static string WorkerId(int w) => $"w{w:0000}";

    /// <summary>Registers the workers (district 310101) and the gateways (scoped to it) and saves the gateways' secrets.</summary>
    public static async Task SetupAsync(string api, string key, int workers, int gateways, string statePath)
    {
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        for (var start = 0; start < workers; start += 500)
        {
            var body = Enumerable.Range(start, Math.Min(500, workers - start))
                .Select(w => new { id = WorkerId(w), name = $"Worker {w}", role = "grid-worker", district = District }).ToArray();
            var r = await http.PostAsJsonAsync("/api/patrols/workers", body);
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"workers: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
        var state = new State(workers, []);
        var run = DateTime.UtcNow.ToString("HHmmss", Inv);
        for (var g = 0; g < gateways; g++)
        {
            var id = $"gps{run}-gw{g:00}";
            var r = await http.PostAsJsonAsync("/api/gateways", new { id, name = $"GPS bench gateway {g}", districts = new[] { District } });
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"gateway {id}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            state.Gateways.Add(new Gateway(id, (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!));
        }
        File.WriteAllText(statePath, JsonSerializer.Serialize(state));
        Console.WriteLine($"registered {workers:N0} workers in district {District} and {gateways} gateways");
    }

    /// <summary>
    /// The day's fixes, step by step: every worker one fix per step, 9 s apart (each worker offset by 0–8 s), walking at
    /// 0.7–1.6 m/s and turning back at the edge of the grids, accuracy 4–15 m. Seeded: the COPY baseline gets the same rows.
    /// </summary>
    public sealed class Day
    {
        public readonly int Workers, Steps;
        public readonly DateTimeOffset Start;
        private readonly double[] _lon, _lat, _heading;
        private readonly Random[] _random;
        private readonly GridIndex _grids = new(DemoCity.Grids());

        public Day(int workers, int fixes, DateOnly date)
        {
            Workers = workers;
            Steps = fixes / workers;
            Start = new DateTimeOffset(date.ToDateTime(new TimeOnly(6, 0)), Offset);
            if (TimeSpan.FromSeconds(9) * Steps > TimeSpan.FromHours(18)) throw new ArgumentException("more than 18 h of fixes in one day");
            _lon = new double[workers]; _lat = new double[workers]; _heading = new double[workers];
            _random = new Random[workers];
            for (var w = 0; w < workers; w++)
            {
                var r = _random[w] = new Random(7919 * (w + 1));
                do
                {
                    _lon[w] = 121.4611 + r.NextDouble() * (121.4863 - 121.4611);
                    _lat[w] = 31.2196 + r.NextDouble() * (31.2412 - 31.2196);
                } while (!InGrid(_lon[w], _lat[w]));
                _heading[w] = r.NextDouble() * 360;
            }
        }

        private bool InGrid(double lon, double lat) => _grids.Locate(lon, lat) is { Length: 15 };

        /// <summary>Moves worker <paramref name="w"/> to step <paramref name="k"/> and returns the fix.</summary>
        public GpsFix Next(int w, int k)
        {
            var r = _random[w];
            var speed = 0.7 + r.NextDouble() * 0.9;
            var metres = speed * 9;
            for (var attempt = 0; attempt < 8; attempt++)
            {
                var heading = _heading[w] + (attempt == 0 ? (r.NextDouble() - 0.5) * 40 : 90 + r.NextDouble() * 180);
                var rad = heading * Math.PI / 180;
                var lon = Math.Round(_lon[w] + metres * Math.Sin(rad) / (111_320 * Math.Cos(_lat[w] * Math.PI / 180)), 7);
                var lat = Math.Round(_lat[w] + metres * Math.Cos(rad) / 110_540, 7);
                if (!InGrid(lon, lat)) continue;
                _lon[w] = lon; _lat[w] = lat; _heading[w] = (heading % 360 + 360) % 360;
                break;
            }
            var t = Start.AddSeconds(k * 9 + w % 9);
            return new GpsFix(WorkerId(w), t, _lon[w], _lat[w], 4 + r.Next(12), Math.Round(speed, 1), Math.Round(_heading[w]) % 360, 100 - k * 60 / Math.Max(Steps, 1));
        }
    }

    internal static byte[] Payload(string msgId, IReadOnlyList<GpsFix> fixes)
    {
        var buffer = new ArrayBufferWriter<byte>(2400);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("msgId", msgId);
            w.WriteStartArray("fixes");
            foreach (var f in fixes)
            {
                w.WriteStartObject();
                w.WriteString("worker", f.Worker);
                w.WriteString("t", f.T.ToString("yyyy-MM-dd'T'HH:mm:sszzz", Inv));
                w.WriteNumber("lon", f.Lon);
                w.WriteNumber("lat", f.Lat);
                w.WriteNumber("accuracy", f.Accuracy!.Value);
                w.WriteNumber("speed", f.Speed!.Value);
                w.WriteNumber("heading", f.Heading!.Value);
                w.WriteNumber("battery", f.Battery!.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Each gateway's messages in order: step by step, its workers (w % gateways) in batches of <paramref name="batch"/>.</summary>
    private static List<byte[]>[] Messages(Day day, int gateways, int batch)
    {
        var messages = Enumerable.Range(0, gateways).Select(_ => new List<byte[]>()).ToArray();
        var pending = Enumerable.Range(0, gateways).Select(_ => new List<GpsFix>(batch)).ToArray();
        for (var k = 0; k < day.Steps; k++)
        {
            for (var w = 0; w < day.Workers; w++)
            {
                var g = w % gateways;
                pending[g].Add(day.Next(w, k));
                if (pending[g].Count == batch) { messages[g].Add(Payload($"s{k}-g{g}-{messages[g].Count}", pending[g])); pending[g].Clear(); }
            }
            for (var g = 0; g < gateways; g++)
                if (pending[g].Count > 0) { messages[g].Add(Payload($"s{k}-g{g}-{messages[g].Count}", pending[g])); pending[g].Clear(); }
        }
        return messages;
    }

    /// <summary>Publishes the day over MQTT, every gateway with a window of messages in flight, and reports fixes stored per second.</summary>
    public static async Task RunAsync(string statePath, string broker, string connection, DateOnly date, int fixes, int batch, int inFlight)
    {
        var state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath))!;
        var gw = state.Gateways.Count;
        var prep = Stopwatch.StartNew();
        var day = new Day(state.Workers, fixes, date);
        var messages = Messages(day, gw, batch);
        var total = messages.Sum(m => m.Count);
        var fixCount = day.Steps * day.Workers;
        Console.WriteLine(string.Create(Inv,
            $"{fixCount:N0} fixes of {day.Workers:N0} workers ({day.Steps:N0} each, 9 s apart, {day.Start:yyyy-MM-dd HH:mm}–{day.Start.AddSeconds(9.0 * day.Steps):HH:mm} local) in {total:N0} messages of {batch} over {gw} gateways, {inFlight} in flight each ({messages.Sum(m => m.Sum(p => (long)p.Length)) / 1e6:0} MB, generated in {prep.Elapsed.TotalSeconds:0.0} s)"));

        var latency = new double[total];
        var refused = 0;
        var acked = 0;
        var host = broker.Split(':');
        var clients = new List<IMqttClient>();
        foreach (var g in state.Gateways)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder().WithTcpServer(host[0], int.Parse(host[1], Inv)).WithCredentials(g.Id, g.Secret)
                .WithClientId(g.Id).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanSession(true)
                .WithTimeout(TimeSpan.FromSeconds(60)).WithKeepAlivePeriod(TimeSpan.FromSeconds(60)).Build();
            var r = await client.ConnectAsync(options);
            if (r.ResultCode != MqttClientConnectResultCode.Success) throw new InvalidOperationException($"{g.Id}: {r.ResultCode}");
            clients.Add(client);
        }
        var offsets = new int[gw];
        for (var g = 1; g < gw; g++) offsets[g] = offsets[g - 1] + messages[g - 1].Count;

        using var progress = new Timer(_ => Console.Error.Write($"\r  acknowledged {Volatile.Read(ref acked):N0}/{total:N0} messages"), null, 10_000, 10_000);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, gw).Select(g => Task.Run(async () =>
        {
            var client = clients[g];
            var topic = $"sg/v1/gw/{state.Gateways[g].Id}/gps";
            var window = new SemaphoreSlim(inFlight, inFlight);
            var pending = new List<Task>(messages[g].Count);
            for (var i = 0; i < messages[g].Count; i++)
            {
                await window.WaitAsync();
                pending.Add(SendAsync(i));
            }
            await Task.WhenAll(pending);

            async Task SendAsync(int i)
            {
                try
                {
                    var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(messages[g][i])
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                    var t = Stopwatch.GetTimestamp();
                    var r = await client.PublishAsync(message);
                    latency[offsets[g] + i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    if (!r.IsSuccess) Interlocked.Increment(ref refused);
                    Interlocked.Increment(ref acked);
                }
                finally
                {
                    window.Release();
                }
            }
        })));
        watch.Stop();
        Console.Error.WriteLine();
        foreach (var c in clients) { try { await c.DisconnectAsync(); } catch (Exception) { } c.Dispose(); }

        await using var db = NpgsqlDataSource.Create(connection);
        await using var count = db.CreateCommand("SELECT count(*), count(*) FILTER (WHERE flags <> 0), min(received_at), max(received_at) FROM gps_points");
        await using var rd = await count.ExecuteReaderAsync();
        await rd.ReadAsync();
        var stored = rd.GetInt64(0);
        var flagged = rd.GetInt64(1);
        var sorted = latency.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];
        Console.WriteLine(string.Create(Inv,
            $"published {total:N0} messages ({fixCount:N0} fixes) in {watch.Elapsed.TotalSeconds:0.0} s, {total / watch.Elapsed.TotalSeconds:N0} messages/s; refused {refused:N0}"));
        Console.WriteLine(string.Create(Inv,
            $"stored {stored:N0} fixes ({flagged:N0} flagged by the cleaning); fix-to-commit (publish → PUBACK) p50 {P(0.5):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms, max {sorted[^1]:0.0} ms"));
        Console.WriteLine(string.Create(Inv,
            $"the loader's own CPU (this process, generation excluded): {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(Inv, $"gps ingest fixes/s: {stored / watch.Elapsed.TotalSeconds:0}"));
        Console.WriteLine(string.Create(Inv, $"gps ingest p99 ms: {P(0.99):0.0}"));
    }

    /// <summary>The baseline: the same rows by binary COPY, in batches of the pipeline's size, one transaction each, into a
    /// table like gps_points (same columns, key and daily partitions), empty at the start as gps_points was.</summary>
    public static async Task CopyAsync(string connection, DateOnly date, int workers, int fixes, int batch, string gatewayPrefix)
    {
        var day = new Day(workers, fixes, date);
        await using var db = NpgsqlDataSource.Create(connection);
        var first = DateOnly.FromDateTime(day.Start.UtcDateTime);
        var last = DateOnly.FromDateTime(day.Start.AddSeconds(9.0 * day.Steps + 9).UtcDateTime);
        var ddl = "DROP TABLE IF EXISTS bench_gps_points; CREATE TABLE bench_gps_points (LIKE gps_points INCLUDING ALL) PARTITION BY RANGE (t);";
        for (var d = first; d <= last; d = d.AddDays(1))
            ddl += $"CREATE TABLE bench_gps_points_p{d:yyyyMMdd} PARTITION OF bench_gps_points FOR VALUES FROM ('{d:yyyy-MM-dd} 00:00+00') TO ('{d.AddDays(1):yyyy-MM-dd} 00:00+00');";
        await using (var setup = db.CreateCommand(ddl)) await setup.ExecuteNonQueryAsync();

        // Generated before the clock starts, as the published messages were.
        var rows = new GpsFix[day.Steps * day.Workers];
        for (var k = 0; k < day.Steps; k++)
            for (var w = 0; w < day.Workers; w++) rows[k * day.Workers + w] = day.Next(w, k);
        var watch = Stopwatch.StartNew();
        await using var conn = await db.OpenConnectionAsync();
        var now = DateTimeOffset.UtcNow;
        for (var start = 0; start < rows.Length; start += batch)
        {
            await using var tx = await conn.BeginTransactionAsync();
            await using (var copy = await conn.BeginBinaryImportAsync(
                "COPY bench_gps_points (district_code, worker_id, t, lon, lat, accuracy, speed, heading, battery, flags, gateway_id, received_at) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = start; i < Math.Min(rows.Length, start + batch); i++)
                {
                    var f = rows[i];
                    await copy.StartRowAsync();
                    await copy.WriteAsync(District, NpgsqlDbType.Text);
                    await copy.WriteAsync(f.Worker, NpgsqlDbType.Text);
                    await copy.WriteAsync(f.T.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(f.Lon, NpgsqlDbType.Double);
                    await copy.WriteAsync(f.Lat, NpgsqlDbType.Double);
                    await copy.WriteAsync((float)f.Accuracy!.Value, NpgsqlDbType.Real);
                    await copy.WriteAsync((float)f.Speed!.Value, NpgsqlDbType.Real);
                    await copy.WriteAsync((float)f.Heading!.Value, NpgsqlDbType.Real);
                    await copy.WriteAsync((float)f.Battery!.Value, NpgsqlDbType.Real);
                    await copy.WriteAsync((short)0, NpgsqlDbType.Smallint);
                    await copy.WriteAsync($"{gatewayPrefix}{int.Parse(f.Worker.AsSpan(1), Inv) % 20:00}", NpgsqlDbType.Text);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }
                await copy.CompleteAsync();
            }
            await tx.CommitAsync();
        }
        watch.Stop();
        Console.WriteLine(string.Create(Inv,
            $"binary COPY of the same {rows.Length:N0} rows into a table like gps_points (its key, daily partitions), batches of {batch:N0}, one transaction each: {watch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(Inv, $"gps copy baseline fixes/s: {rows.Length / watch.Elapsed.TotalSeconds:0}"));
        await using var drop = db.CreateCommand("DROP TABLE bench_gps_points");
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// After the day: a worker's day and one worker-shift's track through the API, each against the same SQL run directly
    /// (same run, same workers), then the day's coverage.
    /// </summary>
    public static async Task ReportsAsync(string api, string key, string connection, string sqlFolder, DateOnly date, int workers, int n)
    {
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        await using var db = NpgsqlDataSource.Create(connection);
        var random = new Random(19);
        var picks = Enumerable.Range(0, n).Select(_ => WorkerId(random.Next(workers))).ToArray();
        var from = new DateTimeOffset(date.ToDateTime(new TimeOnly(6, 0)), Offset);
        var to = from.AddHours(13);
        string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", Inv));
        var dayUrl = (string w) => $"/api/patrols/workers/{w}/day?date={date:yyyy-MM-dd}";
        var trackUrl = (string w) => $"/api/patrols/tracks?worker={w}&from={Q(from)}&to={Q(to)}";
        var daySql = File.ReadAllText(Path.Combine(sqlFolder, "worker_day.sql"));
        const string trackSql = "SELECT t, lon, lat FROM gps_points WHERE worker_id = @w AND t >= @from AND t < @to AND flags = 0 ORDER BY t LIMIT @max";
        const string trackKeySql = "SELECT t, lon, lat FROM gps_points WHERE district_code = '310101' AND worker_id = @w AND t >= @from AND t < @to AND flags = 0 ORDER BY t LIMIT @max";
        var tracks = Math.Min(n, 20);

        async Task<double> Get(string url)
        {
            var t = Stopwatch.GetTimestamp();
            using var r = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead);
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            return ms;
        }
        async Task<double> Sql(string sql, string w)
        {
            var t = Stopwatch.GetTimestamp();
            await using var cmd = db.CreateCommand(sql);
            cmd.Parameters.AddWithValue("w", w);
            if (sql != daySql)
            {
                cmd.Parameters.AddWithValue("from", from.ToUniversalTime());
                cmd.Parameters.AddWithValue("to", to.ToUniversalTime());
                cmd.Parameters.AddWithValue("max", 100_001);
            }
            else cmd.Parameters.AddWithValue("day", date);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) { }
            return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        void Report(string what, List<double> ms)
        {
            var s = ms.Order().ToArray();
            double P(double q) => s[Math.Min(s.Length - 1, (int)(s.Length * q))];
            Console.WriteLine(string.Create(Inv, $"{what,-58} n={s.Length}: p50 {P(0.5):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms, max {s[^1]:0.0} ms"));
        }

        // Sizes, once: what one report and one track hold.
        using (var r = await http.GetAsync(dayUrl(picks[0]))) Console.WriteLine($"a worker's day ({picks[0]}): {(await r.Content.ReadAsStringAsync()).Length:N0} bytes of JSON");
        using (var r = await http.GetAsync(trackUrl(picks[0]))) Console.WriteLine($"a worker-shift's track ({picks[0]}, 06:00–19:00): {(await r.Content.ReadAsByteArrayAsync()).Length:N0} bytes of GeoJSON");
        for (var i = 0; i < 10; i++) { await Get(dayUrl(picks[i])); await Get(trackUrl(picks[i])); await Sql(daySql, picks[i]); await Sql(trackSql, picks[i]); }

        var apiDay = new List<double>(); var sqlDay = new List<double>(); var apiTrack = new List<double>(); var sqlTrack = new List<double>();
        var keyTrack = new List<double>();
        // Interleaved, one at a time: each worker through the API and as raw SQL back to back (the machine drifts within a run).
        foreach (var w in picks)
        {
            apiDay.Add(await Get(dayUrl(w))); sqlDay.Add(await Sql(daySql, w));
        }
        // Tracks through the API against the endpoint's SELECT (the key's leading column, district_code, given), for every
        // pick: a p99 of 200, not the max of 20; the SELECT without the district only for the first few (it reads each
        // partition's key index whole, ~1 s at 10,000,000 fixes, see RESULTS.md).
        foreach (var (w, i) in picks.Select((w, i) => (w, i)))
        {
            apiTrack.Add(await Get(trackUrl(w))); keyTrack.Add(await Sql(trackKeySql, w));
            if (i < tracks) sqlTrack.Add(await Sql(trackSql, w));
        }
        Report("GET /api/patrols/workers/{id}/day?date=", apiDay);
        Report("  worker_day.sql straight through Npgsql (baseline)", sqlDay);
        Report("GET /api/patrols/tracks (one worker, 06:00–19:00)", apiTrack);
        Report("  the endpoint's SELECT (district_code = the worker's) straight through Npgsql (baseline)", keyTrack);
        Report("  the SELECT without the district (before 2026-11-30)", sqlTrack);
        double P99(List<double> ms) => ms.Order().ElementAt(Math.Min(ms.Count - 1, (int)(ms.Count * 0.99)));
        Console.WriteLine(string.Create(Inv, $"patrol day report p99 ms: {P99(apiDay):0.0}"));
        Console.WriteLine(string.Create(Inv, $"patrol track p99 ms: {P99(apiTrack):0.0}"));
        var p99 = Math.Max(P99(apiDay), P99(apiTrack));
        Console.WriteLine(string.Create(Inv, $"patrol report p99 ms: {p99:0.0}"));

        // Coverage of the day: first request (the roll-up's pages possibly cold), then five more.
        var coverage = new List<double>();
        var covUrl = $"/api/patrols/coverage?date={date:yyyy-MM-dd}";
        using (var probe = await http.GetAsync(covUrl))
            if (!probe.IsSuccessStatusCode)
                Console.WriteLine($"GET {covUrl}: {(int)probe.StatusCode} (the API's log has the cause); timed below as SQL only");
            else
            {
                for (var i = 0; i < 6; i++) coverage.Add(await Get(covUrl));
                var json = await http.GetFromJsonAsync<JsonElement>(covUrl);
                Console.WriteLine(string.Create(Inv,
                    $"coverage of {date:yyyy-MM-dd}: {json.GetArrayLength()} grids visited, {json.EnumerateArray().Sum(g => g.GetProperty("minutes").GetDouble()) / 60:N0} worker-hours in grids"));
            }
        // coverage.sql's shift filter, ANY((SELECT grids …)), is read by PostgreSQL as ANY over a subquery's rows (text = text[]):
        // the cast makes it the array the filter means, the rest of the statement is the file's.
        var covSql = File.ReadAllText(Path.Combine(sqlFolder, "coverage.sql"))
            .Replace("ANY((SELECT grids FROM patrol_shifts WHERE code = @shift))", "ANY((SELECT grids FROM patrol_shifts WHERE code = @shift)::text[])");
        var raw = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await using var cmd = db.CreateCommand(covSql);
            cmd.Parameters.AddWithValue("day", date);
            cmd.Parameters.AddWithValue("grid", DBNull.Value);
            cmd.Parameters.AddWithValue("team", DBNull.Value);
            cmd.Parameters.AddWithValue("shift", DBNull.Value);
            cmd.Parameters.AddWithValue("scope", Array.Empty<string>());
            var (grids, seconds) = (0, 0.0);
            await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) { grids++; seconds += r.GetDouble(2); }
            raw.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (i == 0) Console.WriteLine(string.Create(Inv, $"coverage.sql (shift filter cast) for {date:yyyy-MM-dd}: {grids} grids visited, {seconds / 3600:N0} worker-hours in grids"));
        }
        Console.WriteLine(string.Create(Inv,
            $"coverage.sql straight through Npgsql: first {raw[0] / 1000:0.000} s, median of 5 {raw.Order().ElementAt(2) / 1000:0.000} s"));
        if (coverage.Count > 0)
        {
            Console.WriteLine(string.Create(Inv,
                $"GET /api/patrols/coverage first {coverage[0] / 1000:0.000} s, then median of 5 {coverage.Skip(1).Order().ElementAt(2) / 1000:0.000} s"));
            Console.WriteLine(string.Create(Inv, $"gps coverage s: {coverage[0] / 1000:0.000}"));
        }
        else Console.WriteLine(string.Create(Inv, $"gps coverage s (coverage.sql, the endpoint fails): {raw[0] / 1000:0.000}"));
    }

    /// <summary>
    /// The service's own C# work per fix, in this process on one core, as the writer does it for a group of batches: parse
    /// (GpsBatchParser), clean (FixCleaning) and walk into visits (VisitTracker), with the writer's default rules.
    /// </summary>
    public static void Cpu(DateOnly date, int workers, int fixes, int batch, int group)
    {
        var day = new Day(workers, fixes, date);
        var payloads = Messages(day, 1, batch)[0];
        var limits = new GpsLimits(5000, TimeSpan.FromMinutes(5), TimeSpan.FromDays(30), 73, 3, 136, 54);
        var now = DateTimeOffset.UtcNow;
        var parsed = new List<GpsBatchParser.Result>(payloads.Count);
        var watch = Stopwatch.StartNew();
        foreach (var p in payloads) parsed.Add(GpsBatchParser.Parse(p, now, limits));
        var parse = watch.Elapsed;
        var n = parsed.Sum(p => p.Fixes.Count);

        var polygons = DemoCity.Grids().Where(g => g.Code.Length == 15).Select(g => (g.Code, g.Geometry)).ToList();
        var cells = new PatrolCells(polygons);
        var env = new NetTopologySuite.Geometries.Envelope();
        foreach (var (_, geometry) in polygons) env.ExpandToInclude(geometry.EnvelopeInternal);
        var area = (env.MinX, env.MinY, env.MaxX, env.MaxY);
        var rules = new CleaningRules();
        var visitRules = new VisitRules(TimeSpan.FromMinutes(5), 20, TimeSpan.FromSeconds(30), Offset);
        var states = new Dictionary<string, VisitState?>(StringComparer.Ordinal);
        // The road stretches near each segment walked (PatrolVisitBatch.AddRoads: Core's RoadSamples.Near, each stretch
        // checked against those already stored that day under the cache's lock, once a segment, the new ones kept for the write).
        var roads = new RoadSamples(DemoCity.Roads(), cells, 10);
        var (roadGate, storedRoads, near) = (new Lock(), new HashSet<(DateOnly, string, int)>(), new List<int>());
        TimeSpan clean = TimeSpan.Zero, walk = TimeSpan.Zero, marking = TimeSpan.Zero;
        long marked = 0;
        long flagged = 0, closed = 0, pieces = 0, sameEntry = 0;
        for (var start = 0; start < parsed.Count; start += group)
        {
            var byWorker = new Dictionary<string, List<GpsFix>>(StringComparer.Ordinal);
            foreach (var p in parsed.Skip(start).Take(group))
                foreach (var f in p.Fixes)
                {
                    if (!byWorker.TryGetValue(f.Worker, out var list)) byWorker[f.Worker] = list = [];
                    list.Add(f);
                }
            foreach (var (worker, list) in byWorker)
            {
                states.TryGetValue(worker, out var state);
                var t0 = Stopwatch.GetTimestamp();
                var result = FixCleaning.Clean(list, state?.Last, rules, area);
                var track = result.Track(list);
                var t1 = Stopwatch.GetTimestamp();
                var step = VisitTracker.Advance(cells, state, track, visitRules);
                var t2 = Stopwatch.GetTimestamp();
                var written = new HashSet<(DateOnly, string, string, int)>();
                foreach (var seg in step.Segments)
                {
                    near.Clear();
                    roads.Near(seg.From.Lon, seg.From.Lat, seg.To.Lon, seg.To.Lat, 25, near);
                    var roadDay = DateOnly.FromDateTime(seg.To.T.ToOffset(Offset).DateTime);
                    lock (roadGate) near.RemoveAll(i => storedRoads.Contains((roadDay, roads[i].Road, roads[i].Index)));
                    foreach (var i in near)
                        if (written.Add((roadDay, roads[i].Cell, roads[i].Road, roads[i].Index)))
                            lock (roadGate) storedRoads.Add((roadDay, roads[i].Road, roads[i].Index));
                }
                marked += written.Count;
                var t3 = Stopwatch.GetTimestamp();
                clean += Stopwatch.GetElapsedTime(t0, t1);
                walk += Stopwatch.GetElapsedTime(t1, t2);
                marking += Stopwatch.GetElapsedTime(t2, t3);
                flagged += result.Flags.Count(f => f != FixFlags.None);
                closed += step.Closed.Count;
                pieces += step.Pieces.Count;
                var next = step.State ?? state;
                if (result.Last is not null) next = next is null ? new VisitState(result.Last, null) : next with { Last = result.Last };
                states[worker] = next;
                // Visits of one worker in one write that share an entry time (one key of patrol_visits): a visit closed
                // at the instant it began, the next one entered at that instant.
                var entries = step.Closed.Select(v => v.EnteredAt).Concat(next?.Open is { } o ? [o.EnteredAt] : []).ToList();
                sameEntry += entries.Count - entries.Distinct().Count();
            }
        }
        Console.WriteLine(string.Create(Inv,
            $"C# work of the writer per fix, one core, {n:N0} fixes ({payloads.Count:N0} batches of {batch}, written {group} batches at a time): parse {parse.TotalMilliseconds * 1000 / n:0.00} µs, clean {clean.TotalMilliseconds * 1000 / n:0.00} µs, walk into visits {walk.TotalMilliseconds * 1000 / n:0.00} µs, road stretches walked {marking.TotalMilliseconds * 1000 / n:0.00} µs ({roads.Count:N0} stretches of 10 m, {marked:N0} marked); {flagged:N0} flagged, {closed:N0} visits closed, {pieces:N0} roll-up pieces; {sameEntry:N0} visits sharing a worker and entry time with another of the same write"));
    }
}
