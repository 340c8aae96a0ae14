using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Npgsql;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// Issue 22's figure "evaluation month p95 ms": a month (October 2026) of N generated cases in district 310151 (1,000 grids,
/// 30 units, 200 rostered supervisors, 40 people at the desks, confirm tasks for a third of the cases), then R rounds of
/// the evaluation of every area tier, unit, person and role through the API; the p95 of a round, and the ratio to a raw-SQL
/// baseline that only counts the same cases per grid in PostgreSQL (no rules, no ranks, no people).
/// </summary>
public static class EvaluationLoad
{
    private const string District = "310151";
    private static readonly string[] Queries =
        ["by=area&level=district", "by=area&level=street", "by=area&level=community", "by=area&level=grid", "by=unit", "by=person", "by=role"];

    public static async Task RunAsync(int n, string api, string key, string connection, int rounds)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await SeedAsync(dataSource, n);
        using var http = new HttpClient { BaseAddress = new Uri(api.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // Rounds to warm up (plans, caches, and the JIT: the read's code runs 200,000 times a round, and .NET's tiered
        // compilation takes two cold rounds to reach its optimised code), printed, not counted: the figure is a running
        // service's; the warm-up rounds say what the first reviews after a start cost.
        var perQuery = Queries.ToDictionary(q => q, _ => new List<double>());
        for (var w = 0; w < WarmUpRounds; w++)
            Console.WriteLine(FormattableString.Invariant($"  warm-up {w + 1} (after the start, cold): {await RoundAsync(http, dataSource, []):0} ms"));
        var totals = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var total = await RoundAsync(http, dataSource, perQuery);
            totals.Add(total);
            Console.WriteLine(FormattableString.Invariant($"  round {r + 1}: {total:0} ms ({string.Join(" + ", Queries.Select(q => perQuery[q][^1].ToString("0")))})"));
        }
        var baseline = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            await using var cmd = dataSource.CreateCommand("""
                SELECT coalesce(grid_code, district_code), count(*), count(*) FILTER (WHERE accepted_at IS NOT NULL), count(*) FILTER (WHERE state = 7),
                       count(*) FILTER (WHERE state = 7 AND closed_at <= close_due), count(*) FILTER (WHERE rework_count > 0),
                       count(*) FILTER (WHERE handled_at <= feedback_due)
                FROM cases WHERE reported_at >= '2026-09-30T16:00:00Z' AND reported_at < '2026-10-31T16:00:00Z' GROUP BY 1
                """);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) { }
            baseline.Add(watch.Elapsed.TotalMilliseconds);
        }
        foreach (var q in Queries) Console.WriteLine(FormattableString.Invariant($"  {q,-26} p50 {P(perQuery[q], 0.5),8:0.0} ms  p95 {P(perQuery[q], 0.95),8:0.0} ms"));
        Console.WriteLine(FormattableString.Invariant($"evaluation month p95 ms: {P(totals, 0.95):0} ({n:N0} cases, every tier, unit, person and role, {rounds} rounds)"));
        Console.WriteLine(FormattableString.Invariant($"raw-SQL baseline (counts per grid) p95 ms: {P(baseline, 0.95):0}; ratio {P(totals, 0.95) / P(baseline, 0.95):0.0}"));
    }

    private const int WarmUpRounds = 3;

    /// <summary>
    /// One cold round of the 7 requests: a case event of the month first (as a change to one of its cases sends) ends the
    /// service's snapshots of it, so the round pays for reading the month's facts, as the first review after a change does.
    /// </summary>
    private static async Task<double> RoundAsync(HttpClient http, NpgsqlDataSource dataSource, Dictionary<string, List<double>> perQuery)
    {
        await using (var notify = dataSource.CreateCommand("SELECT pg_notify('spatialgrid_cases', @n)"))
        {
            notify.Parameters.AddWithValue("n", """{"Kind":"transitioned","Number":"310151-20261015-0001","DistrictCode":"310151","GridCode":null,"State":"dispatched","Colour":"green","At":"2026-10-15T02:00:00Z"}""");
            await notify.ExecuteNonQueryAsync();
        }
        await Task.Delay(300);
        var round = Stopwatch.StartNew();
        foreach (var q in Queries)
        {
            var watch = Stopwatch.StartNew();
            var response = await http.GetAsync($"api/evaluation?period=2026-10&{q}&pageSize=1000");
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            if (perQuery.TryGetValue(q, out var times)) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return round.Elapsed.TotalMilliseconds;
    }

    private static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The month's cases by COPY, the supervisors, their shifts and roster, and the confirm tasks; skipped when the cases are there.</summary>
    private static async Task SeedAsync(NpgsqlDataSource dataSource, int n)
    {
        await using var conn = await dataSource.OpenConnectionAsync();
        await using (var have = new NpgsqlCommand($"SELECT count(*) FROM cases WHERE district_code = '{District}'", conn))
            if (Convert.ToInt64(await have.ExecuteScalarAsync()) >= n) return;
        var inv = CultureInfo.InvariantCulture;
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8));
        string Grid(int g) => $"{District}{1 + g / 100:000}{1 + g / 20 % 5:000}{1 + g % 20:000}";
        string T(DateTimeOffset t) => t.ToUniversalTime().ToString("O", inv);
        await using (var copy = await conn.BeginTextImportAsync("""
            COPY cases (number, district_code, grid_code, outside, class_code, source, kind, state, description, location, unit, co_units, reported_by, reported_at,
                        reporter_worker, accepted_at, accepted_by, first_dispatched_at, dispatched_at, dispatched_by, handled_at, closed_at, closed_by,
                        dispatch_value, dispatch_clock, arrival_value, arrival_clock, feedback_value, feedback_clock, close_value, close_clock, notified_colour,
                        rework_count, return_count, alert_count, event_count, last_hash, dispatch_count, dispatch_due, feedback_due, close_due) FROM STDIN
            """))
        {
            for (var i = 0; i < n; i++)
            {
                var reported = start.AddSeconds((long)i * 31 * 86400 / n);
                var g = i * 7919 % 1000;
                var source = (i % 10) switch { < 6 => 1, 6 => 2, 7 => 4, 8 => 5, _ => 6 };
                // 70 % closed, 10 % handled, 10 % dispatched, 5 % accepted, 5 % rejected.
                var state = (i % 20) switch { < 14 => 7, < 16 => 5, < 18 => 3, 18 => 2, _ => 8 };
                var opened = state != 8;
                var accepted = reported.AddMinutes(2 + i % 15);
                var dispatched = accepted.AddMinutes(3 + i % 9);
                var handled = dispatched.AddHours(1 + i % 30);
                var closed = handled.AddHours(1 + i % 7);
                string Opt(bool on, DateTimeOffset t) => on ? T(t) : @"\N";
                var worker = source is 1 or 6 ? $"ev-w-{g % 200:000}" : @"\N";
                await copy.WriteLineAsync(string.Join('\t', $"{District}-{reported:yyyyMMdd}-{i:000000}", District, Grid(g), "f", "E0502", source.ToString(inv), "1",
                    state.ToString(inv), "evaluation load", "SRID=4326;POINT(121.05 31.05)", $"单位{i % 30:00}", "{}", source is 4 or 5 ? $"desk-{i % 20:00}" : "phone",
                    T(reported), worker, Opt(opened, accepted), opened ? $"leader-{i % 10}" : @"\N", Opt(state is 3 or 5 or 7, dispatched), Opt(state is 3 or 5 or 7, dispatched),
                    state is 3 or 5 or 7 ? $"dispatcher-{i % 10}" : @"\N", Opt(state is 5 or 7, handled), Opt(state is 7 or 8, state == 8 ? accepted : closed),
                    state == 7 ? $"leader-{i % 10}" : @"\N", "10", "5", "60", "5", "1", "3", "4", "2", "1", (i % 9 == 0 ? 1 : 0).ToString(inv), (i % 13 == 0 ? 1 : 0).ToString(inv),
                    "1", "1", "x", (state is 3 or 5 or 7 ? 1 + (i % 13 == 0 ? 1 : 0) : 0).ToString(inv), T(reported.AddMinutes(10)), Opt(state is 3 or 5 or 7, dispatched.AddHours(24)),
                    T(reported.AddHours(30))));
            }
        }
        await using var setup = new NpgsqlCommand($"""
            INSERT INTO patrol_workers (id, name, role, district_code)
              SELECT format('ev-w-%s', lpad(k::text, 3, '0')), format('监督员 %s', k), 'grid-worker', '{District}' FROM generate_series(0, 199) k ON CONFLICT DO NOTHING;
            INSERT INTO patrol_shifts (code, name, district_code, starts, ends, grids)
              SELECT format('ev-s-%s', k), '白班', '{District}', '08:00', '20:00',
                     ARRAY(SELECT format('{District}%s%s%s', lpad((1 + g / 100)::text, 3, '0'), lpad((1 + g / 20 % 5)::text, 3, '0'), lpad((1 + g % 20)::text, 3, '0'))
                           FROM generate_series(k * 5, k * 5 + 4) g)
              FROM generate_series(0, 199) k ON CONFLICT DO NOTHING;
            INSERT INTO patrol_roster (day, worker_id, shift_code)
              SELECT d::date, format('ev-w-%s', lpad(k::text, 3, '0')), format('ev-s-%s', k) FROM generate_series(0, 199) k, generate_series('2026-10-01'::date, '2026-10-31', '1 day') d
              ON CONFLICT DO NOTHING;
            INSERT INTO supervision_tasks (case_id, case_number, district_code, grid_code, kind, state, worker_id, sent_by, sent_at, yellow_at, due_at, routed_at,
                                           answered_at, answered_by, outcome, on_time, sent_on_time)
              SELECT id, number, district_code, grid_code, 1, 3, reporter_worker, reported_by, reported_at + interval '3 minutes', reported_at + interval '51 minutes',
                     reported_at + interval '63 minutes', reported_at, reported_at + interval '40 minutes', reporter_worker, 1, id % 5 <> 0, id % 7 <> 0
              FROM cases WHERE district_code = '{District}' AND reporter_worker IS NOT NULL AND id % 3 = 0;
            """, conn) { CommandTimeout = 600 };
        await setup.ExecuteNonQueryAsync();
        // A month's cases arrive over a month, and autovacuum has been through them long before the review: the rows just
        // generated are vacuumed (hint bits, visibility map) and analysed before measuring, for the service and the baseline alike.
        await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) cases, case_events, supervision_tasks, patrol_roster", conn) { CommandTimeout = 600 };
        await vacuum.ExecuteNonQueryAsync();
    }
}
