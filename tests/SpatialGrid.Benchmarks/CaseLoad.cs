using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Npgsql;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// End-to-end case creation under load: N cases posted by C concurrent clients (each its own connection), with
/// latencies, against the same rows inserted by C concurrent connections as plain single-row INSERT transactions
/// (the database work alone). And the colour sweep over a million open cases.
/// </summary>
public static class CaseLoad
{
    private static readonly string[] Classes = ["E0101", "E0104", "E0502", "E0504", "E0601", "E0103"];

    private static (double Lon, double Lat) Point(int i)
    {
        var random = new Random(i);
        return (121.0 + random.NextDouble() * 0.1, 31.0 + random.NextDouble() * 0.1);
    }

    public static async Task ApiAsync(int n, int concurrency, string api, string key)
    {
        var latencies = new double[n];
        var next = -1;
        var failures = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            using var client = new HttpClient { BaseAddress = new Uri(api) };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                var (lon, lat) = Point(i);
                var t = Stopwatch.GetTimestamp();
                using var r = await client.PostAsJsonAsync("/api/cases", new { classCode = Classes[i % Classes.Length], description = $"load case {i}", lon, lat, source = "patrol" });
                latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (!r.IsSuccessStatusCode) Interlocked.Increment(ref failures);
            }
        }));
        watch.Stop();
        Array.Sort(latencies);
        Console.WriteLine(FormattableString.Invariant(
            $"API: {n} cases, {concurrency} clients: {watch.Elapsed.TotalSeconds:0.0} s, {n / watch.Elapsed.TotalSeconds:0} cases/s, p50 {latencies[n / 2]:0.0} ms, p99 {latencies[(int)(n * 0.99)]:0.0} ms, failures {failures}"));
    }

    public static async Task SqlAsync(int n, int concurrency, string connection)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using (var setup = dataSource.CreateCommand("DROP TABLE IF EXISTS bench_cases; CREATE TABLE bench_cases (LIKE cases INCLUDING ALL); DROP TABLE IF EXISTS bench_case_events; CREATE TABLE bench_case_events (LIKE case_events INCLUDING ALL);"))
            await setup.ExecuteNonQueryAsync();
        var latencies = new double[n];
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                var (lon, lat) = Point(i);
                var t = Stopwatch.GetTimestamp();
                await using var conn = await dataSource.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                await using (var cmd = new NpgsqlCommand("""
                    WITH c AS (
                      INSERT INTO bench_cases (number, district_code, grid_code, outside, class_code, source, kind, state, description, location, unit, co_units, reported_by, reported_at,
                        dispatch_value, dispatch_clock, arrival_value, arrival_clock, feedback_value, feedback_clock, close_value, close_clock, notified_colour, rework_count, return_count, alert_count,
                        event_count, last_hash, dispatch_count, dispatch_due, close_due, yellow_at, red_at)
                      VALUES (@number, '310151', NULL, false, @class, 1, 1, 1, @description, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326), 'unit', '{}', 'load', now(),
                        10, 5, 60, 5, 1, 3, 5, 3, 1, 0, 0, 1, 1, 'x', 0, now() + interval '10 minutes', now() + interval '5 days', now() + interval '8 minutes', now() + interval '10 minutes')
                      RETURNING id)
                    INSERT INTO bench_case_events (case_id, case_number, sequence, at, by, action, from_state, to_state, note, data, previous_hash, hash)
                    SELECT id, @number, 1, now(), 'load', 'report', 'none', 'reported', @description, '{}', 'x', 'y' FROM c
                    """, conn, tx))
                {
                    cmd.Parameters.AddWithValue("number", $"310151-sql-{i:000000}");
                    cmd.Parameters.AddWithValue("class", Classes[i % Classes.Length]);
                    cmd.Parameters.AddWithValue("description", $"load case {i}");
                    cmd.Parameters.AddWithValue("lon", lon);
                    cmd.Parameters.AddWithValue("lat", lat);
                    await cmd.ExecuteNonQueryAsync();
                }
                await tx.CommitAsync();
                latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        }));
        watch.Stop();
        Array.Sort(latencies);
        Console.WriteLine(FormattableString.Invariant(
            $"raw SQL: {n} cases, {concurrency} connections: {watch.Elapsed.TotalSeconds:0.0} s, {n / watch.Elapsed.TotalSeconds:0} cases/s, p50 {latencies[n / 2]:0.0} ms, p99 {latencies[(int)(n * 0.99)]:0.0} ms"));
    }

    /// <summary>Adds open cases by COPY until the table holds <paramref name="total"/>, 1% of them crossing into yellow or red now, then times the sweep statement.</summary>
    public static async Task SweepAsync(int total, string connection, string sweepSql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM cases"))
        {
            var have = Convert.ToInt32(await count.ExecuteScalarAsync());
            await using var conn = await dataSource.OpenConnectionAsync();
            var now = DateTimeOffset.UtcNow;
            await using (var copy = await conn.BeginTextImportAsync("COPY cases (number, district_code, outside, class_code, source, kind, state, description, location, unit, co_units, reported_by, reported_at, dispatch_value, dispatch_clock, arrival_value, arrival_clock, feedback_value, feedback_clock, close_value, close_clock, notified_colour, rework_count, return_count, alert_count, event_count, last_hash, dispatch_count, dispatch_due, close_due, yellow_at, red_at) FROM STDIN"))
            {
                for (var i = have; i < total; i++)
                {
                    // One case in a hundred has crossed into yellow (half of those into red too); the rest are still green.
                    var crossed = i % 100 == 0;
                    var yellow = crossed ? now.AddMinutes(-5) : now.AddHours(1 + i % 48);
                    var red = crossed && i % 200 == 0 ? now.AddMinutes(-1) : yellow.AddMinutes(30);
                    await copy.WriteLineAsync(string.Join('\t', $"310151-sweep-{i:0000000}", "310151", "f", "E0502", "1", "1", "2", "sweep", "SRID=4326;POINT(121.05 31.05)", "unit", "{}", "load",
                        now.AddHours(-1).ToString("O"), "10", "5", "60", "5", "1", "3", "4", "2", "1", "0", "0", "1", "1", "x", "0", now.ToString("O"), now.AddHours(4).ToString("O"),
                        yellow.ToString("O", CultureInfo.InvariantCulture), red.ToString("O", CultureInfo.InvariantCulture)));
                }
            }
            await using var analyze = new NpgsqlCommand("ANALYZE cases", conn);
            await analyze.ExecuteNonQueryAsync();
        }
        await using var c2 = await dataSource.OpenConnectionAsync();
        await using (var explain = new NpgsqlCommand("BEGIN; EXPLAIN (ANALYZE, COSTS OFF) " + sweepSql.Replace("@now", "now()") + " ROLLBACK;", c2))
        {
            await using var r = await explain.ExecuteReaderAsync();
            Console.WriteLine("plan of the sweep:");
            while (await r.ReadAsync()) Console.WriteLine("  " + r.GetString(0));
        }
        var watch = Stopwatch.StartNew();
        int crossings;
        await using (var sweep = new NpgsqlCommand(sweepSql.Replace("@now", "now()"), c2))
        {
            await using var r = await sweep.ExecuteReaderAsync();
            crossings = 0;
            while (await r.ReadAsync()) crossings++;
        }
        watch.Stop();
        await using var open = new NpgsqlCommand("SELECT count(*) FROM cases WHERE state NOT IN (7, 8)", c2);
        Console.WriteLine(FormattableString.Invariant($"sweep over {Convert.ToInt64(await open.ExecuteScalarAsync()):N0} open cases: {crossings:N0} crossings announced in {watch.Elapsed.TotalSeconds:0.000} s"));
    }
}
