using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;
using SpatialGrid.DeviceSim;

namespace SpatialGrid.Api.Tests.Ingestion;

[CollectionDefinition("Reliability", DisableParallelization = true)]
public sealed class ReliabilityCollection;

/// <summary>
/// Streams of QoS 1 alerts from the simulator into an API running as a process of its own, interrupted: the
/// process is killed with SIGKILL and started again, or the database goes away and comes back. Every alert the
/// simulator got a PUBACK for must be stored exactly once, and every alert sent must end up stored.
/// </summary>
[Collection("Reliability")]
public sealed class ReliabilityTests
{
    private static readonly SmallCity City = new("310101", 121.46, 31.22);

    public static async Task<FleetState> SetUpAsync(ApiProcess api, int gateways, int devices)
    {
        using var http = api.Client();
        var imported = await http.PostAsync("/api/grids/imports", Upload.GeoJson(City.GeoJson(), ("publish", "true")));
        Assert.True(imported.StatusCode == HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        var fleet = new FleetState(Guid.NewGuid().ToString("N")[..8], []);
        var random = new Random(3);
        for (var g = 0; g < gateways; g++)
        {
            var id = $"gw-{g:00}";
            var created = await http.PostAsJsonAsync("/api/gateways", new { id, name = id });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
            var list = Enumerable.Range(0, devices).Select(d =>
            {
                var (kind, types) = d % 2 == 0 ? ("flood-sensor", new[] { "flood.depth" }) : ("manhole-sensor", new[] { "manhole.tilt", "manhole.gas" });
                return new SimDevice($"{id}-d{d}", kind, types, null, City.Lon + 0.001 + random.NextDouble() * 0.018, City.Lat + 0.001 + random.NextDouble() * 0.018, Moves: false);
            }).ToList();
            var registered = await http.PostAsJsonAsync($"/api/gateways/{id}/devices", list.Select(d => new { id = d.Id, kind = d.Kind, lon = d.Lon, lat = d.Lat }));
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
            fleet.Gateways.Add(new SimGateway(id, secret, list));
        }
        return fleet;
    }

    /// <summary>20,000 alerts at 4,000 a second: long enough for an interruption in the middle.</summary>
    private static RunOptions Paced(ApiProcess api) => new() { Port = api.MqttPort, Count = 20_000, Rate = 4_000, InFlight = 16, Bad = 0, Repeat = 0.01 };

    private static async Task AssertReconciled(ApiProcess api, RunResult run)
    {
        Assert.All(run.Outcome, o => Assert.NotEqual(Sent.NotYet, o));
        using var http = api.Client();
        var r = await Reconciler.RunAsync(http, run, TextWriter.Null, CancellationToken.None);
        Assert.True(r.Clean, r.ToString());
        Assert.Equal(run.Good, r.AckedGood);
        Assert.Equal(run.Good, r.Stored);
    }

    /// <summary>
    /// Streams the fleet's alerts and, once <paramref name="afterAcks"/> of them are acknowledged, runs the
    /// interruption (a kill, a restart, an outage) beside the stream; returns when both are over.
    /// </summary>
    public static async Task<RunResult> StreamInterruptedAsync(FleetState fleet, RunOptions options, int afterAcks, Func<Task> interruption)
    {
        Task? interrupted = null;
        var started = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var run = await Publisher.RunAsync(fleet, options, TextWriter.Null, timeout.Token, acked =>
        {
            if (acked < afterAcks || Interlocked.Exchange(ref started, 1) == 1) return;
            interrupted = Task.Run(interruption);
        });
        Assert.NotNull(interrupted);
        await interrupted;
        return run;
    }

    /// <summary>SIGKILL, a second's pause, and the same API started again.</summary>
    public static async Task KillAndRestart(ApiProcess api)
    {
        api.Kill();
        await Task.Delay(1000);
        await api.StartAsync();
    }

    [Fact]
    public async Task Killing_the_API_mid_stream_loses_and_duplicates_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var api = new ApiProcess(db.ConnectionString);
        await api.StartAsync();
        var fleet = await SetUpAsync(api, gateways: 10, devices: 6);
        var run = await StreamInterruptedAsync(fleet, new RunOptions { Port = api.MqttPort, Count = 50_000, Rate = 0, InFlight = 16, Bad = 0.01, Repeat = 0.01 },
            afterAcks: 15_000, () => KillAndRestart(api));
        Assert.True(run.Retries > 0, "the kill interrupted messages in flight, which were sent again");
        await AssertReconciled(api, run);
    }

    [Fact]
    public async Task Restarting_PostgreSQL_mid_stream_pauses_ingestion_which_then_recovers_without_loss()
    {
        var restartScript = Environment.GetEnvironmentVariable("SG_TEST_PG_RESTART")
            ?? throw new InvalidOperationException("SG_TEST_PG_RESTART is not set: run the tests with deploy/test.sh");
        await using var db = await TestDatabase.CreateAsync();
        await using var api = new ApiProcess(db.ConnectionString);
        await api.StartAsync();
        var fleet = await SetUpAsync(api, gateways: 5, devices: 4);
        var run = await StreamInterruptedAsync(fleet, Paced(api), afterAcks: 5_000, async () =>
        {
            // pg_ctl restart -m fast: every connection is cut, new ones are refused until the server is back.
            using var p = System.Diagnostics.Process.Start("bash", restartScript)!;
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
        });
        await AssertReconciled(api, run);
        Assert.Contains("Alert ingestion paused", await File.ReadAllTextAsync(api.Log));
    }

    [Fact]
    public async Task A_database_outage_pauses_ingestion_which_then_recovers_without_loss()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var api = new ApiProcess(db.ConnectionString);
        await api.StartAsync();
        var fleet = await SetUpAsync(api, gateways: 5, devices: 4);
        var name = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Database = "postgres", Pooling = false }.ToString();
        var run = await StreamInterruptedAsync(fleet, Paced(api), afterAcks: 5_000, async () =>
        {
            // Every connection dropped, new ones refused for a while.
            await using (var conn = new NpgsqlConnection(admin))
            {
                await conn.OpenAsync();
                await new NpgsqlCommand($"ALTER DATABASE {name} ALLOW_CONNECTIONS false", conn).ExecuteNonQueryAsync();
                await new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'", conn).ExecuteNonQueryAsync();
            }
            await Task.Delay(4000);
            await using (var conn = new NpgsqlConnection(admin))
            {
                await conn.OpenAsync();
                await new NpgsqlCommand($"ALTER DATABASE {name} ALLOW_CONNECTIONS true", conn).ExecuteNonQueryAsync();
            }
        });
        // The API key check needs the database too, so the pause is read from the service's log.
        Assert.Contains("Alert ingestion paused", await File.ReadAllTextAsync(api.Log));
        await AssertReconciled(api, run);
        using var client = api.Client();
        Assert.Contains("\"paused\":false", await client.GetStringAsync("/api/ingestion"));
    }
}
