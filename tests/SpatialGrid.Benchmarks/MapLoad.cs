using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// The command centre's two server-side targets (#21): the case list's filters at 100,000 cases (API p95 under
/// 100 ms) and the heat map of 1,000,000 cases over a year at city zoom (every tile of the city under 1 s). Cases are
/// written by a bulk COPY (not through the API: a million API calls would measure case creation, not the map) over
/// the demo city, most of them near its centre, each in the responsibility grid (or else the district) it lands in.
/// Each API figure is set beside the same work as raw SQL over Npgsql, measured in the same run.
/// </summary>
public static class MapLoad
{
    private static readonly string[] Classes = ["E0101", "E0104", "E0502", "E0504", "E0601", "E0103", "0101", "0107", "0201", "0305"];
    private static readonly string[] Words = ["占道经营", "暴露垃圾", "井盖破损", "乱张贴", "道路破损", "违章停车", "绿化带损坏", "路灯不亮", "积水", "噪声扰民", "overflowing bin", "broken lamp"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Adds <paramref name="n"/> cases reported over the past <paramref name="days"/> days by COPY, then VACUUM ANALYZE.</summary>
    public static async Task CopyCasesAsync(int n, int days, string connection)
    {
        var all = DemoCity.Grids();
        var grids = new GridIndex(all.Where(g => g.Code.Length == 15));
        var districts = new GridIndex(all.Where(g => g.Code.Length == 6).Select(g => g with { Kind = GridKind.Comprehensive }));
        var random = new Random(21);
        var now = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var conn = await dataSource.OpenConnectionAsync();
        await using (var copy = await conn.BeginTextImportAsync("""
            COPY cases (number, district_code, grid_code, outside, class_code, source, kind, state, description, location, unit, co_units, reported_by, reported_at,
              dispatch_value, dispatch_clock, arrival_value, arrival_clock, feedback_value, feedback_clock, close_value, close_clock, notified_colour, rework_count,
              return_count, alert_count, event_count, last_hash, dispatch_count, dispatch_due, close_due, yellow_at, red_at, closed_at) FROM STDIN
            """))
        {
            for (var i = 0; i < n; i++)
            {
                // Half the cases around the centre (People's Square, σ ≈ 5 km), half over the whole city (σ ≈ 25 km).
                string? grid, district;
                double lon, lat;
                do
                {
                    var sigma = random.Next(2) == 0 ? 0.05 : 0.25;
                    lon = 121.47 + Gauss(random) * sigma;
                    lat = 31.23 + Gauss(random) * sigma * 0.85;
                    grid = grids.Locate(lon, lat);
                    district = grid?[..6] ?? districts.Locate(lon, lat);
                } while (district is null);
                var reported = now.AddSeconds(-random.NextDouble() * days * 86400);
                var roll = random.NextDouble();
                // Older cases are mostly closed; the open ones are green, yellow or red now.
                var state = roll < 0.70 ? 7 : roll < 0.75 ? 8 : 1 + random.Next(6);
                var open = state is not (7 or 8);
                var colour = random.NextDouble();
                DateTimeOffset? yellow = open ? (colour < 0.2 ? now.AddMinutes(-90) : colour < 0.35 ? now.AddMinutes(-5) : now.AddHours(2)) : null;
                DateTimeOffset? red = open ? (colour < 0.2 ? now.AddMinutes(-30) : now.AddHours(3)) : null;
                string T(DateTimeOffset? t) => t?.ToString("O", Inv) ?? "\\N";
                await copy.WriteLineAsync(string.Join('\t',
                    FormattableString.Invariant($"MAP-{i:0000000}"), district, grid ?? "\\N", grid is null ? "t" : "f", Classes[random.Next(Classes.Length)], 1 + random.Next(6), "1",
                    state.ToString(Inv), $"{Words[random.Next(Words.Length)]} {i}", FormattableString.Invariant($"SRID=4326;POINT({lon:0.0000000} {lat:0.0000000})"),
                    "unit", "{}", "load", T(reported), "10", "5", "60", "5", "1", "3", "4", "2", "1", "0", "0", "1", "1", "x", "1",
                    T(reported.AddMinutes(10)), T(reported.AddDays(4)), T(yellow), T(red), T(state == 7 ? reported.AddHours(5) : null)));
            }
        }
        Console.WriteLine(FormattableString.Invariant($"copied {n:N0} cases over {days} days in {watch.Elapsed.TotalSeconds:0.0} s"));
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE cases", conn)) { vacuum.CommandTimeout = 0; await vacuum.ExecuteNonQueryAsync(); }
        Console.WriteLine(FormattableString.Invariant($"… and vacuumed and analysed by {watch.Elapsed.TotalSeconds:0.0} s"));
    }

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];

    /// <summary>
    /// Typical filters of the dispatcher's queue, each asked <paramref name="rounds"/> times of <c>/api/cases</c> (page 1
    /// of 50) and as the same two statements (count, page) in raw SQL, alternately.
    /// </summary>
    public static async Task CaseListAsync(string api, string key, string connection, int rounds)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        string prefix, gridCode;
        await using (var cmd = dataSource.CreateCommand("SELECT grid_code FROM cases WHERE grid_code IS NOT NULL GROUP BY grid_code ORDER BY count(*) DESC LIMIT 1"))
            gridCode = (string)(await cmd.ExecuteScalarAsync())!;
        prefix = gridCode[..9];
        var week = DateTimeOffset.UtcNow.AddDays(-14);
        string day(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", Inv);
        (string Name, string Query, string Where, string Order)[] filters =
        [
            ("newest first", "", "true", "reported_at DESC, id DESC"),
            ("open", "state=open", "state NOT IN (7, 8)", "reported_at DESC, id DESC"),
            ("red, by deadline", "colour=red&sort=due", "red_at IS NOT NULL AND red_at <= now()", "red_at IS NULL, red_at, id"),
            ("yellow", "colour=yellow", "yellow_at IS NOT NULL AND yellow_at <= now() AND red_at > now()", "reported_at DESC, id DESC"),
            ("major class", "class=E05", "class_code LIKE 'E05%'", "reported_at DESC, id DESC"),
            ("class and state", "class=E0502&state=dispatched", "class_code LIKE 'E0502%' AND state = 3", "reported_at DESC, id DESC"),
            ("sub-district", $"grid={prefix}", $"CASE WHEN grid_code IS NOT NULL THEN grid_code LIKE '{prefix}%' ELSE district_code LIKE '{prefix}%' END", "reported_at DESC, id DESC"),
            ("one grid, open, by deadline", $"grid={gridCode}&state=open&sort=due", $"grid_code LIKE '{gridCode}%' AND state NOT IN (7, 8)", "red_at IS NULL, red_at, id"),
            ("text", "q=" + Uri.EscapeDataString("占道"), "(description LIKE '%占道%' OR number LIKE '%占道%')", "reported_at DESC, id DESC"),
            ("number", "q=MAP-00123", "(description LIKE '%MAP-00123%' OR number LIKE '%MAP-00123%')", "reported_at DESC, id DESC"),
            ("two weeks", $"from={day(week)}&to={day(week.AddDays(7))}", $"reported_at >= '{day(week)}' AND reported_at < '{day(week.AddDays(7))}'", "reported_at DESC, id DESC"),
            ("source, oldest first", "source=resident&sort=reported", "source = 4", "reported_at, id"),
            ("open, class, sub-district, by deadline", $"state=open&class=E05&grid={prefix}&sort=due",
                $"state NOT IN (7, 8) AND class_code LIKE 'E05%' AND CASE WHEN grid_code IS NOT NULL THEN grid_code LIKE '{prefix}%' ELSE district_code LIKE '{prefix}%' END", "red_at IS NULL, red_at, id"),
        ];
        using var client = new HttpClient { BaseAddress = new Uri(api) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        async Task<double> Api(string query)
        {
            var t = Stopwatch.GetTimestamp();
            using var r = await client.GetAsync("/api/cases?pageSize=50" + (query.Length > 0 ? "&" + query : ""));
            await r.Content.ReadAsByteArrayAsync();
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{query}: {r.StatusCode}");
            return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        async Task<double> Raw(string where, string order)
        {
            var t = Stopwatch.GetTimestamp();
            await using (var count = dataSource.CreateCommand($"SELECT count(*) FROM cases WHERE {where}")) await count.ExecuteScalarAsync();
            await using (var page = dataSource.CreateCommand($"SELECT * FROM cases WHERE {where} ORDER BY {order} LIMIT 50"))
            await using (var reader = await page.ExecuteReaderAsync()) while (await reader.ReadAsync()) { }
            return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        // Warm-up: the API's code and plans, PostgreSQL's caches.
        foreach (var f in filters) { await Api(f.Query); await Raw(f.Where, f.Order); }
        var allApi = new List<double>();
        var allRaw = new List<double>();
        foreach (var f in filters)
        {
            var (a, s) = (new double[rounds], new double[rounds]);
            for (var i = 0; i < rounds; i++)
            {
                if (i % 2 == 0) { a[i] = await Api(f.Query); s[i] = await Raw(f.Where, f.Order); }
                else { s[i] = await Raw(f.Where, f.Order); a[i] = await Api(f.Query); }
            }
            Array.Sort(a);
            Array.Sort(s);
            allApi.AddRange(a);
            allRaw.AddRange(s);
            Console.WriteLine(FormattableString.Invariant($"  {f.Name,-40} ?{f.Query,-60} API p50 {P(a, 0.5),7:0.0} p95 {P(a, 0.95),7:0.0} ms | raw SQL p50 {P(s, 0.5),7:0.0} p95 {P(s, 0.95),7:0.0} ms"));
        }
        var api95 = P([.. allApi.Order()], 0.95);
        var raw95 = P([.. allRaw.Order()], 0.95);
        await using (var total = dataSource.CreateCommand("SELECT count(*) FROM cases"))
            Console.WriteLine(FormattableString.Invariant($"{Convert.ToInt64(await total.ExecuteScalarAsync()):N0} cases, {filters.Length} filters × {rounds} rounds, page of 50"));
        Console.WriteLine(FormattableString.Invariant($"case list filter p95 ms: {api95:0.0}"));
        Console.WriteLine(FormattableString.Invariant($"raw SQL (count + page) p95 ms: {raw95:0.0}; ratio API / raw SQL: {api95 / raw95:0.00}"));
    }

    /// <summary>
    /// Every heat tile covering the demo city's districts at zooms 11 and 12, for the year up to today: fetched from the
    /// API by 6 clients at once (a browser's connections per host), and as heat.sql over 6 Npgsql connections; the wall
    /// time of the whole set, the median of <paramref name="runs"/> runs, alternating which goes first.
    /// </summary>
    public static async Task HeatAsync(string api, string key, string connection, string sqlFile, int runs)
    {
        // Without JIT, as the API's tile connections run (compiling a tile's plan cost more than running it).
        await using var dataSource = NpgsqlDataSource.Create(connection + ";Maximum Pool Size=12;Options=-c jit=off");
        double w, s, e, n;
        await using (var cmd = dataSource.CreateCommand(
            "SELECT ST_XMin(x), ST_YMin(x), ST_XMax(x), ST_YMax(x) FROM (SELECT ST_Extent(geometry) AS x FROM grids WHERE level = 1 AND valid_to IS NULL AND valid_from IS NOT NULL) e"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            (w, s, e, n) = (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3));
        }
        var offset = TimeSpan.FromHours(8);
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(offset).DateTime);
        var from = today.AddDays(-364);
        var query = FormattableString.Invariant($"from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var sql = File.ReadAllText(sqlFile);
        using var client = new HttpClient { BaseAddress = new Uri(api) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM cases WHERE reported_at >= @f"))
        {
            count.Parameters.AddWithValue("f", new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), offset).ToUniversalTime());
            Console.WriteLine(FormattableString.Invariant($"{Convert.ToInt64(await count.ExecuteScalarAsync()):N0} cases reported {from:yyyy-MM-dd}..{today:yyyy-MM-dd}; city {w:0.000},{s:0.000} – {e:0.000},{n:0.000}"));
        }

        List<(int Z, int X, int Y)> Tiles(int z)
        {
            var (x0, y0) = TileOf(w, n, z);
            var (x1, y1) = TileOf(e, s, z);
            return [.. Enumerable.Range(x0, x1 - x0 + 1).SelectMany(x => Enumerable.Range(y0, y1 - y0 + 1).Select(y => (z, x, y)))];
        }
        async Task<(double Ms, long Bytes, int Bins)> Set(List<(int Z, int X, int Y)> tiles, Func<(int Z, int X, int Y), Task<int>> one)
        {
            var next = -1;
            long bytes = 0;
            var t = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < tiles.Count) Interlocked.Add(ref bytes, await one(tiles[i]));
            }));
            return (Stopwatch.GetElapsedTime(t).TotalMilliseconds, bytes, 0);
        }
        async Task<int> Api((int Z, int X, int Y) tile)
        {
            using var r = await client.GetAsync($"/tiles/heat/{tile.Z}/{tile.X}/{tile.Y}.mvt?{query}");
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{tile}: {r.StatusCode}");
            return (await r.Content.ReadAsByteArrayAsync()).Length;
        }
        async Task<int> Raw((int Z, int X, int Y) tile)
        {
            await using var cmd = dataSource.CreateCommand(sql);
            cmd.Parameters.AddWithValue("z", tile.Z);
            cmd.Parameters.AddWithValue("x", tile.X);
            cmd.Parameters.AddWithValue("y", tile.Y);
            cmd.Parameters.AddWithValue("scope", new[] { "%" });
            cmd.Parameters.AddWithValue("from_at", new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), offset).ToUniversalTime());
            cmd.Parameters.AddWithValue("until_at", new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), offset).ToUniversalTime());
            cmd.Parameters.AddWithValue("class_like", "%");
            cmd.Parameters.AddWithValue("open_only", false);
            return ((byte[])(await cmd.ExecuteScalarAsync())!).Length;
        }
        // Warm-up outside the measured set (zoom 10): the API's code, PostgreSQL's caches.
        foreach (var tile in Tiles(10)) { await Api(tile); await Raw(tile); }
        var worst = 0.0;
        foreach (var z in new[] { 11, 12 })
        {
            var tiles = Tiles(z);
            var (a, r) = (new double[runs], new double[runs]);
            long bytes = 0;
            for (var i = 0; i < runs; i++)
            {
                if (i % 2 == 0) { (a[i], bytes, _) = await Set(tiles, Api); (r[i], _, _) = await Set(tiles, Raw); }
                else { (r[i], _, _) = await Set(tiles, Raw); (a[i], bytes, _) = await Set(tiles, Api); }
            }
            Array.Sort(a);
            Array.Sort(r);
            worst = Math.Max(worst, a[runs / 2]);
            Console.WriteLine(FormattableString.Invariant(
                $"zoom {z}: {tiles.Count} tiles, {bytes / 1024.0:0} KiB: API {a[runs / 2]:0} ms (runs {string.Join(", ", a.Select(v => v.ToString("0", Inv)))}), raw SQL {r[runs / 2]:0} ms; ratio {a[runs / 2] / r[runs / 2]:0.00}"));
        }
        Console.WriteLine(FormattableString.Invariant($"heat map 1M cases city zoom ms: {worst:0}"));
    }

    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var count = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * count), (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * count));
    }
}
