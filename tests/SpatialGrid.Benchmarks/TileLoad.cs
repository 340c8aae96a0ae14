using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// Tile latency over 1,000 seeded tiles of the demo city (layers grids, components, roads; zooms 12–18): through the
/// API with its cache empty (cold), the same SQL run directly with Npgsql (raw), and through the API again with
/// the cache warm, 16 clients at once (throughput).
/// </summary>
public static class TileLoad
{
    private static readonly string[] Layers = ["grids", "components", "roads"];

    private static List<(string Layer, int Z, int X, int Y)> Tiles()
    {
        var random = new Random(11);
        var tiles = new List<(string, int, int, int)>();
        while (tiles.Count < 1000)
        {
            var z = 12 + random.Next(7);
            var lon = 121.4611 + random.NextDouble() * (121.4863 - 121.4611);
            var lat = 31.2196 + random.NextDouble() * (31.2412 - 31.2196);
            var n = 1 << z;
            var rad = lat * Math.PI / 180;
            var x = (int)((lon + 180) / 360 * n);
            var y = (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
            var layer = Layers[random.Next(Layers.Length)];
            if (layer == "components" && z < 13) layer = "grids";
            var t = (layer, z, x, y);
            if (!tiles.Contains(t)) tiles.Add(t);
        }
        return tiles;
    }

    private static string Stats(string name, double[] ms)
    {
        Array.Sort(ms);
        double P(double q) => ms[Math.Min(ms.Length - 1, (int)(ms.Length * q))];
        return FormattableString.Invariant($"{name} p50 {P(0.5):0.00} ms, p95 {P(0.95):0.00} ms, p99 {P(0.99):0.00} ms");
    }

    private static async Task<double> RawAsync(NpgsqlDataSource dataSource, string sql, int z, int x, int y)
    {
        var t = Stopwatch.GetTimestamp();
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("z", z);
        cmd.Parameters.AddWithValue("x", x);
        cmd.Parameters.AddWithValue("y", y);
        cmd.Parameters.AddWithValue("tolerance", 360.0 / (1 << z) / 4096);
        cmd.Parameters.AddWithValue("cap", 5000);
        cmd.Parameters.AddWithValue("now", DateTimeOffset.UtcNow);
        await cmd.ExecuteScalarAsync();
        return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }

    private static async Task<double> ApiAsync(HttpClient client, string layer, int z, int x, int y)
    {
        var t = Stopwatch.GetTimestamp();
        using var r = await client.GetAsync($"/tiles/{layer}/{z}/{x}/{y}.mvt");
        await r.Content.ReadAsByteArrayAsync();
        return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }

    /// <summary>Each tile's query one after the other; with <paramref name="idleFirst"/>, after a millisecond's pause each.</summary>
    private static async Task<double[]> RawPassAsync(NpgsqlDataSource dataSource, Dictionary<string, string> sql, List<(string Layer, int Z, int X, int Y)> tiles, bool idleFirst = false)
    {
        var raw = new double[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            var (layer, z, x, y) = tiles[i];
            if (idleFirst) await Task.Delay(1);
            raw[i] = await RawAsync(dataSource, sql[layer], z, x, y);
        }
        return raw;
    }

    /// <summary>The API's code is compiled on first use: warm it on tiles outside the measured set (zooms 10–11).</summary>
    private static async Task WarmUpApiAsync(HttpClient client)
    {
        for (var z = 10; z <= 11; z++)
            foreach (var layer in Layers)
                (await client.GetAsync($"/tiles/{layer}/{z}/{(int)((121.47 + 180) / 360 * (1 << z))}/{(z == 10 ? 423 : 846)}.mvt")).Dispose();
    }

    private static string Ratio(string name, double[] a, double[] b)
    {
        var (x, y) = (a.Order().ToArray(), b.Order().ToArray());
        return FormattableString.Invariant($"{name}: p50 {x[x.Length / 2] / y[y.Length / 2]:0.00}, p95 {x[x.Length * 95 / 100] / y[y.Length * 95 / 100]:0.00}");
    }

    /// <summary>
    /// What every pass starts from: the tiles, a client of the API, each layer's SQL and a data source. PostgreSQL's
    /// own caches are warmed once by the raw queries, so that the measured passes find the data in memory and compare
    /// the service's work, not the disk's; the API's code is warmed outside the set, its tile cache stays empty.
    /// </summary>
    private sealed record Bench(List<(string Layer, int Z, int X, int Y)> Tiles, HttpClient Client, Dictionary<string, string> Sql, NpgsqlDataSource DataSource)
        : IAsyncDisposable
    {
        public static async Task<Bench> StartAsync(string api, string connection, string sqlFolder)
        {
            var bench = new Bench(TileLoad.Tiles(), new HttpClient { BaseAddress = new Uri(api) },
                Layers.ToDictionary(l => l, l => File.ReadAllText(Path.Combine(sqlFolder, l + ".sql"))), NpgsqlDataSource.Create(connection));
            await RawPassAsync(bench.DataSource, bench.Sql, bench.Tiles);
            await WarmUpApiAsync(bench.Client);
            return bench;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await DataSource.DisposeAsync();
        }
    }

    /// <summary>
    /// The cold and raw passes of <see cref="RunAsync"/> run one after the other, and this machine's speed drifts
    /// within a run. Here the same 1,000 tiles (against an API just started, its cache empty) are each asked of the
    /// API and run as raw SQL back to back, in alternating order, so that both see the machine in the same state.
    /// </summary>
    public static async Task RunInterleavedAsync(string api, string connection, string sqlFolder)
    {
        await using var bench = await Bench.StartAsync(api, connection, sqlFolder);
        var (tiles, client, sql, dataSource) = bench;
        var cold = new double[tiles.Count];
        var raw = new double[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            var (layer, z, x, y) = tiles[i];
            if (i % 2 == 0)
            {
                cold[i] = await ApiAsync(client, layer, z, x, y);
                raw[i] = await RawAsync(dataSource, sql[layer], z, x, y);
            }
            else
            {
                raw[i] = await RawAsync(dataSource, sql[layer], z, x, y);
                cold[i] = await ApiAsync(client, layer, z, x, y);
            }
        }
        Console.WriteLine(Stats("tile cold, interleaved with raw", cold));
        Console.WriteLine(Stats("tile raw SQL, interleaved with cold", raw));
        Console.WriteLine(Ratio("tile cold/raw ratio, interleaved", cold, raw));
    }

    public static async Task RunAsync(string api, string connection, string sqlFolder)
    {
        await using var bench = await Bench.StartAsync(api, connection, sqlFolder);
        var (tiles, client, sql, dataSource) = bench;

        // Cold: the API's tile cache is empty; one request at a time.
        var cold = new double[tiles.Count];
        var db = new List<double>();
        var app = new List<double>();
        for (var i = 0; i < tiles.Count; i++)
        {
            var (layer, z, x, y) = tiles[i];
            var t = Stopwatch.GetTimestamp();
            using var r = await client.GetAsync($"/tiles/{layer}/{z}/{x}/{y}.mvt");
            await r.Content.ReadAsByteArrayAsync();
            cold[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            // The service's own account of its database step (Server-Timing: db;dur=…).
            if (r.Headers.TryGetValues("Server-Timing", out var timing))
            {
                foreach (var entry in timing.SelectMany(v => v.Split(',')).Select(v => v.Trim()))
                {
                    if (entry.Split(";dur=") is not [var name, var dur] || !double.TryParse(dur, System.Globalization.CultureInfo.InvariantCulture, out var ms)) continue;
                    if (name == "db") db.Add(ms);
                    else if (name == "app") app.Add(ms);
                }
            }
        }

        // The same tiles again, one at a time, now from the cache: the floor of the client, the transport and the
        // API's request handling, without the database.
        var cached = new double[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            var (layer, z, x, y) = tiles[i];
            cached[i] = await ApiAsync(client, layer, z, x, y);
        }

        // Raw: the same SQL, same parameters, straight through Npgsql.
        var raw = await RawPassAsync(dataSource, sql, tiles);
        // And with the API's connection settings (prepared statements, no reset): the database's own floor.
        var tuned = new NpgsqlConnectionStringBuilder(connection) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2, NoResetOnClose = true };
        await using var preparedSource = NpgsqlDataSource.Create(tuned.ToString());
        await RawPassAsync(preparedSource, sql, tiles.Take(50).ToList());
        var prepared = await RawPassAsync(preparedSource, sql, tiles);
        // The same again, each query after a millisecond idle, as the API's queries are (the client and the transport
        // take their turn between two of them): back to back, a loop keeps the machine's caches and CPUs awake.
        var preparedAfterIdle = await RawPassAsync(preparedSource, sql, tiles, idleFirst: true);
        Console.WriteLine(Stats("tile cold", cold));
        if (app.Count > 0) Console.WriteLine(Stats("tile cold, inside the API from request to response (Server-Timing app)", app.ToArray()));
        if (db.Count > 0) Console.WriteLine(Stats("tile cold, database step inside the API (Server-Timing db)", db.ToArray()));
        Console.WriteLine(Stats("tile cached, one at a time", cached));
        Console.WriteLine(Stats("tile raw SQL", raw));
        Console.WriteLine(Stats("tile raw SQL prepared", prepared));
        Console.WriteLine(Stats("tile raw SQL prepared, 1 ms idle before each", preparedAfterIdle));
        Console.WriteLine(Ratio("tile cold/raw ratio", cold, raw));
        Console.WriteLine(Ratio("tile cold/raw-prepared ratio", cold, prepared));

        // Warm: every tile cached; 16 clients ask for them 20 times over.
        var next = -1;
        const int rounds = 20;
        var total = tiles.Count * rounds;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var c = new HttpClient { BaseAddress = new Uri(api) };
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var (layer, z, x, y) = tiles[i % tiles.Count];
                using var r = await c.GetAsync($"/tiles/{layer}/{z}/{x}/{y}.mvt");
                await r.Content.ReadAsByteArrayAsync();
            }
        }));
        watch.Stop();
        Console.WriteLine(FormattableString.Invariant($"tile warm tiles/s: {total / watch.Elapsed.TotalSeconds:0} ({total} requests, 16 clients, {watch.Elapsed.TotalSeconds:0.0} s)"));
    }
}
