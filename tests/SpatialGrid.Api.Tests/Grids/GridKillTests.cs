using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SpatialGrid.Api.Components;
using SpatialGrid.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// SIGKILL of the API (a process of its own) in the middle of a grid import of the demo city, of a version publish and of
/// the components' re-link inside it (issue 23). Each operation is killed several times: after fixed delays (which phase
/// they hit depends on the machine: the test says which it was) and while a statement of a chosen phase waits on a lock
/// the test holds (that phase for certain). After each kill the API is started again as a supervisor would, and the
/// data must be whole: every version's feature count matches its rows, drafts have no current grid and published
/// versions no grid left out, no grid code is current twice, every component's links are exactly what a re-link now
/// would compute. The operation retried then succeeds and /health says Healthy.
/// </summary>
[Collection("Reliability")]
public sealed class GridKillTests(ITestOutputHelper output)
{
    private static readonly int[] DelaysMs = [0, 300, 1500, 5000];
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    private sealed class Target(TestDatabase db, ApiProcess api) : IAsyncDisposable
    {
        public readonly TestDatabase Db = db;
        public readonly ApiProcess Api = api;
        public readonly NpgsqlDataSource Sql = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ToString());

        public async Task<long> ScalarAsync(string sql)
        {
            await using var cmd = Sql.CreateCommand(sql);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await Sql.DisposeAsync();
            await Api.DisposeAsync();
            await Db.DisposeAsync();
        }
    }

    private static async Task<Target> StartAsync()
    {
        var db = await TestDatabase.CreateAsync();
        var api = new ApiProcess(db.ConnectionString);
        await api.StartAsync();
        return new Target(db, api);
    }

    private static Task<HttpResponseMessage> ImportAsync(ApiProcess api, bool publish) =>
        api.Client().PostAsync("/api/grids/imports", Upload.File(Fixture("shanghai-grids.geojson"), "shanghai-grids.geojson", ("publish", publish ? "true" : "false")));

    private static async Task<long> DraftAsync(ApiProcess api)
    {
        var r = await ImportAsync(api, publish: false);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
    }

    /// <summary>The demo city published with its components linked: what a publish re-links.</summary>
    private static async Task CityAsync(ApiProcess api)
    {
        var r = await ImportAsync(api, publish: true);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        using var http = api.Client();
        var c = await http.PostAsync("/api/components/imports", Upload.File(Fixture("shanghai-components.geojson"), "shanghai-components.geojson"));
        Assert.True(c.IsSuccessStatusCode, await c.Content.ReadAsStringAsync());
    }

    /// <summary>Sends the request and kills the API after <paramref name="delayMs"/>, the request still running or not.</summary>
    private static async Task KillAfterAsync(ApiProcess api, Func<Task<HttpResponseMessage>> request, int delayMs)
    {
        var sent = Task.Run(async () => { try { return (await request()).StatusCode; } catch (HttpRequestException) { return (HttpStatusCode)0; } });
        await Task.Delay(delayMs);
        api.Kill();
        await sent;
    }

    /// <summary>
    /// Holds <paramref name="lockSql"/> in a transaction of the test's own, sends the request, waits until one of the
    /// API's statements matching <paramref name="statement"/> waits on that lock, kills the API, then lets the lock go.
    /// </summary>
    private static async Task KillWhileBlockedAsync(Target t, Func<Task<HttpResponseMessage>> request, string lockSql, string statement)
    {
        await using var holder = await t.Sql.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand(lockSql, holder, tx)) await take.ExecuteNonQueryAsync();
        var sent = Task.Run(async () => { try { return (await request()).StatusCode; } catch (HttpRequestException) { return (HttpStatusCode)0; } });
        await using (var waiting = t.Sql.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE @statement"))
        {
            waiting.Parameters.AddWithValue("statement", $"%{statement}%");
            // Bounded only so that a broken setup fails rather than hangs: the operation reaches the lock in well under a minute.
            for (var i = 0; Convert.ToInt64(await waiting.ExecuteScalarAsync()) == 0; i++)
            {
                Assert.True(i < 6000 && !sent.IsCompleted, $"the API never waited on the lock in a statement like '{statement}' (request: {(sent.IsCompleted ? sent.Result : "running")})");
                await Task.Delay(20);
            }
        }
        t.Api.Kill();
        await sent;
        await tx.RollbackAsync();
    }

    /// <summary>Started again as a supervisor would; then the data must be whole and the service healthy.</summary>
    private async Task RestartAndCheckAsync(Target t, string what)
    {
        await t.Api.StartAsync();
        await AssertWholeAsync(t, what);
        using var http = t.Api.Client();
        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    private async Task AssertWholeAsync(Target t, string what)
    {
        // Versions whose feature count is not the number of their rows (a half-written draft).
        Assert.Equal(0, await t.ScalarAsync(
            "SELECT count(*) FROM grid_versions v WHERE v.feature_count <> (SELECT count(*) FROM grids g WHERE g.version_id = v.id)"));
        // Grid rows of no version (orphans).
        Assert.Equal(0, await t.ScalarAsync("SELECT count(*) FROM grids g WHERE NOT EXISTS (SELECT 1 FROM grid_versions v WHERE v.id = g.version_id)"));
        // A draft with a grid in effect, or a published version with a grid never put in effect (a half-done publish).
        Assert.Equal(0, await t.ScalarAsync(
            "SELECT count(*) FROM grids g JOIN grid_versions v ON v.id = g.version_id WHERE (v.status = 1) <> (g.valid_from IS NULL)"));
        // One current row per code.
        Assert.Equal(0, await t.ScalarAsync(
            "SELECT count(*) FROM (SELECT code FROM grids WHERE valid_from IS NOT NULL AND valid_to IS NULL GROUP BY code HAVING count(*) > 1) d"));
        // Links to grids no longer current, components flagged outside with links or linked without any.
        Assert.Equal(0, await t.ScalarAsync(
            "SELECT count(*) FROM component_grids cg WHERE NOT EXISTS (SELECT 1 FROM grids g WHERE g.code = cg.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL)"));
        Assert.Equal(0, await t.ScalarAsync(
            "SELECT count(*) FROM components c WHERE c.outside = EXISTS (SELECT 1 FROM component_grids cg WHERE cg.component_id = c.id)"));
        // The links are exactly what re-linking now computes (recomputed in a transaction that is rolled back).
        await using var conn = await t.Sql.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        const string links = "SELECT coalesce(string_agg(component_id || ':' || grid_code || ':' || coalesce(measure::text, ''), ',' ORDER BY component_id, grid_code), '') FROM component_grids";
        await using var before = new NpgsqlCommand(links, conn, tx);
        var stored = (string)(await before.ExecuteScalarAsync())!;
        await ComponentStore.AssignAsync(conn, tx, null, CancellationToken.None);
        await using var after = new NpgsqlCommand(links, conn, tx);
        Assert.Equal(stored, (string)(await after.ExecuteScalarAsync())!);
        await tx.RollbackAsync();
        var versions = await t.ScalarAsync("SELECT count(*) FROM grid_versions");
        var published = await t.ScalarAsync("SELECT count(*) FROM grid_versions WHERE status = 2");
        output.WriteLine($"{what}: whole after the restart ({versions} versions, {published} published, {await t.ScalarAsync("SELECT count(*) FROM component_grids")} component links)");
    }

    [Fact]
    public async Task Killing_the_API_during_a_grid_import_leaves_no_half_written_draft()
    {
        await using var t = await StartAsync();
        foreach (var delay in DelaysMs)
        {
            var before = await t.ScalarAsync("SELECT count(*) FROM grid_versions");
            await KillAfterAsync(t.Api, () => ImportAsync(t.Api, publish: false), delay);
            var stored = await t.ScalarAsync("SELECT count(*) FROM grid_versions") > before;
            await RestartAndCheckAsync(t, $"import killed after {delay} ms ({(stored ? "after the draft's commit" : "before the draft was stored: upload, parsing, validation or the COPY")})");
        }
        await KillWhileBlockedAsync(t, () => ImportAsync(t.Api, publish: false), "LOCK TABLE grids IN SHARE MODE", "COPY grids");
        await RestartAndCheckAsync(t, "import killed in the COPY of the draft's rows (the version row already inserted in the same transaction)");
        var retried = await ImportAsync(t.Api, publish: true);
        Assert.True(retried.StatusCode == HttpStatusCode.Created, await retried.Content.ReadAsStringAsync());
        await AssertWholeAsync(t, "import retried and published");
        Assert.True(await t.ScalarAsync("SELECT count(*) FROM grids WHERE valid_from IS NOT NULL AND valid_to IS NULL") > 100);
    }

    [Fact]
    public async Task Killing_the_API_during_a_publish_leaves_the_old_version_or_the_new_one_whole()
    {
        await using var t = await StartAsync();
        await CityAsync(t.Api);
        var draft = await DraftAsync(t.Api);
        Task<HttpResponseMessage> Publish() => t.Api.Client().PostAsync($"/api/grids/versions/{draft}/publish", null);
        foreach (var delay in DelaysMs)
        {
            await KillAfterAsync(t.Api, Publish, delay);
            var done = await t.ScalarAsync($"SELECT count(*) FROM grid_versions WHERE id = {draft} AND status = 2") == 1;
            await RestartAndCheckAsync(t, $"publish killed after {delay} ms ({(done ? "after the commit: the new version is current" : "before the commit: the old version is current")})");
            if (done) draft = await DraftAsync(t.Api);
        }
        // Blocked in publish.sql's first statement, retiring the current grids: nothing of it may show.
        var current = await t.ScalarAsync("SELECT max(version_id) FROM grids WHERE valid_from IS NOT NULL AND valid_to IS NULL");
        await KillWhileBlockedAsync(t, Publish, $"SELECT 1 FROM grids WHERE version_id = {current} AND valid_to IS NULL LIMIT 1 FOR UPDATE", "UPDATE grids g SET valid_to");
        Assert.Equal(current, await t.ScalarAsync("SELECT max(version_id) FROM grids WHERE valid_from IS NOT NULL AND valid_to IS NULL"));
        await RestartAndCheckAsync(t, "publish killed while retiring the current grids");
        var retried = await Publish();
        Assert.True(retried.StatusCode == HttpStatusCode.OK, await retried.Content.ReadAsStringAsync());
        await AssertWholeAsync(t, "publish retried");
        Assert.Equal(draft, await t.ScalarAsync("SELECT max(version_id) FROM grids WHERE valid_from IS NOT NULL AND valid_to IS NULL"));
    }

    [Fact]
    public async Task Killing_the_API_during_the_components_re_link_of_a_publish_leaves_every_link_as_it_was()
    {
        await using var t = await StartAsync();
        await CityAsync(t.Api);
        var linksBefore = await t.ScalarAsync("SELECT count(*) FROM component_grids");
        Assert.True(linksBefore > 1000, $"the demo city's components are linked ({linksBefore})");
        var draft = await DraftAsync(t.Api);
        Task<HttpResponseMessage> Publish() => t.Api.Client().PostAsync($"/api/grids/versions/{draft}/publish", null);
        // The re-link's two statements: the old links deleted (blocked on a link row), then the new ones inserted and the
        // components' outside flags set (blocked on a component row), each after publish.sql ran in the same transaction.
        (string Lock, string Statement, string Phase)[] phases =
        [
            ("SELECT 1 FROM component_grids LIMIT 1 FOR UPDATE", "DELETE FROM component_grids", "deleting the old links"),
            ("SELECT 1 FROM components WHERE id = (SELECT min(component_id) FROM component_grids) FOR UPDATE", "WITH point_links", "writing the new links"),
        ];
        foreach (var (lockSql, statement, phase) in phases)
        {
            await KillWhileBlockedAsync(t, Publish, lockSql, statement);
            await RestartAndCheckAsync(t, $"publish killed in the re-link, {phase}");
            Assert.Equal(0, await t.ScalarAsync($"SELECT count(*) FROM grid_versions WHERE id = {draft} AND status = 2"));
            Assert.Equal(linksBefore, await t.ScalarAsync("SELECT count(*) FROM component_grids"));
        }
        var retried = await Publish();
        Assert.True(retried.StatusCode == HttpStatusCode.OK, await retried.Content.ReadAsStringAsync());
        await AssertWholeAsync(t, "publish with its re-link retried");
        Assert.Equal(0, await t.ScalarAsync($"SELECT count(*) FROM component_grids cg JOIN grids g ON g.code = cg.grid_code AND g.valid_to IS NULL AND g.valid_from IS NOT NULL WHERE g.version_id <> {draft}"));
    }
}
