using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Ogc;

/// <summary>
/// The collections of cases, patrol tracks and risk scores: read with a key (header, or Basic for QGIS), refused
/// without one, <c>datetime</c> applied, and read by GDAL and by QGIS (headless PyQGIS) with the counts the service gives.
/// </summary>
public class OgcCaseCollectionsTests(OgcApiTests.DemoCityApi api) : IClassFixture<OgcApiTests.DemoCityApi>
{
    private static readonly string[] Collections = ["cases", "patrol-tracks", "risk-scores"];

    private async Task<JsonElement> Get(string url)
    {
        await api.EnsureCaseData();
        var response = await api.WithKey(api.ReaderKey).GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<int> Matched(string collection, string query = "") =>
        (await Get($"/ogc/collections/{collection}/items?limit=1{query}")).GetProperty("numberMatched").GetInt32();

    [Fact]
    public async Task Without_a_key_the_collections_are_not_listed_and_their_items_ask_for_one()
    {
        await api.EnsureCaseData();
        var listed = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/ogc/collections")).RootElement.GetProperty("collections")
            .EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Contains("grids", listed);
        var withKey = (await Get("/ogc/collections")).GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        foreach (var c in Collections)
        {
            Assert.DoesNotContain(c, listed);
            Assert.Contains(c, withKey);
            await Problem.ExpectAsync(await api.Anonymous.GetAsync($"/ogc/collections/{c}/items"), HttpStatusCode.Unauthorized, "unauthenticated");
            // A key without a role that reads cases (a GIS editor's) is refused, as /api/cases refuses it.
            await Problem.ExpectAsync(await api.Editor.GetAsync($"/ogc/collections/{c}"), HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task The_key_as_the_password_of_basic_credentials_reads_as_the_header_does()
    {
        await api.EnsureCaseData();
        using var client = api.WithKey(api.ReaderKey);
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("qgis:" + api.ReaderKey)));
        var page = JsonDocument.Parse(await client.GetStringAsync("/ogc/collections/cases/items?limit=1")).RootElement;
        Assert.Equal(await Matched("cases"), page.GetProperty("numberMatched").GetInt32());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("qgis:sgk_wrong")));
        await Problem.ExpectAsync(await client.GetAsync("/ogc/collections/cases/items"), HttpStatusCode.Unauthorized, "unauthenticated");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "not base64!");
        await Problem.ExpectAsync(await client.GetAsync("/ogc/collections/cases/items"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Cases_datetime_selects_on_the_report_time_and_a_filter_on_state_class_and_grid_applies()
    {
        Assert.Equal(12, await Matched("cases"));
        var hourAgo = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ"));
        Assert.Equal(12, await Matched("cases", $"&datetime={hourAgo}/.."));
        Assert.Equal(0, await Matched("cases", $"&datetime=../{hourAgo}"));
        var filter = Uri.EscapeDataString("state = 'reported' AND class = 'E0502' AND colour = 'green' AND grid LIKE '31%'");
        Assert.Equal(12, await Matched("cases", $"&filter={filter}"));
        Assert.Equal(0, await Matched("cases", $"&filter={Uri.EscapeDataString("state IN ('closed', 'rejected')")}"));
        var sorted = await Get("/ogc/collections/cases/items?sortby=-grid&limit=12");
        var grids = sorted.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("grid").GetString()!).ToList();
        Assert.Equal(grids.OrderDescending(StringComparer.Ordinal), grids);
        var first = sorted.GetProperty("features")[0];
        var one = await Get($"/ogc/collections/cases/items/{first.GetProperty("id").GetString()}");
        Assert.Equal(first.GetProperty("properties").GetProperty("grid").GetString(), one.GetProperty("properties").GetProperty("grid").GetString());
    }

    private static string Interval(DateTimeOffset from, DateTimeOffset to) =>
        Uri.EscapeDataString($"{from.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}/{to.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");

    [Fact]
    public async Task A_walk_is_one_feature_of_the_day_with_a_line_for_each_stretch_between_silences()
    {
        var now = DateTimeOffset.UtcNow;
        var page = await Get($"/ogc/collections/patrol-tracks/items?datetime={Interval(now.AddHours(-1), now.AddMinutes(1))}");
        var walk = page.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("properties").GetProperty("worker").GetString() == "w-ogc").ToList();
        // The 40 minutes may straddle the local midnight: then each day holds its part, and a stretch walked across it is
        // a line in each day's feature. The two stretches (15 fixes each, 11 minutes apart): the local days each spans.
        Assert.Equal(30, walk.Sum(f => f.GetProperty("properties").GetProperty("fixes").GetInt32()));
        const string first = "(SELECT min(t) + interval '20 minutes' FROM gps_points WHERE worker_id = 'w-ogc')";
        var days = await api.ScalarAsync($"SELECT count(DISTINCT (t AT TIME ZONE 'Asia/Shanghai')::date) FROM gps_points WHERE worker_id = 'w-ogc' AND t < {first}")
            + await api.ScalarAsync($"SELECT count(DISTINCT (t AT TIME ZONE 'Asia/Shanghai')::date) FROM gps_points WHERE worker_id = 'w-ogc' AND t >= {first}");
        Assert.Equal(days, walk.Sum(f => f.GetProperty("properties").GetProperty("trips").GetInt32()));
        Assert.All(walk, f => Assert.Equal("MultiLineString", f.GetProperty("geometry").GetProperty("type").GetString()));
        Assert.Equal(0, await Matched("patrol-tracks", $"&datetime={Interval(now.AddHours(2), now.AddHours(3))}"));
        Assert.Equal(walk.Count, await Matched("patrol-tracks",
            $"&datetime={Interval(now.AddHours(-1), now.AddMinutes(1))}&filter={Uri.EscapeDataString("worker = 'w-ogc' AND fixes > 1")}"));
        var one = await Get($"/ogc/collections/patrol-tracks/items/{walk[0].GetProperty("id").GetString()}");
        Assert.Equal(walk[0].GetProperty("properties").GetProperty("fixes").GetInt32(), one.GetProperty("properties").GetProperty("fixes").GetInt32());
    }

    [Theory]
    [InlineData("2026-11-01T00:00:00Z/..")]
    [InlineData("../2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T00:00:00Z/2026-11-08T00:00:01Z")]
    public async Task Tracks_are_read_at_most_a_week_at_a_time_as_the_tracks_endpoint_reads_them(string datetime)
    {
        await api.EnsureCaseData();
        var response = await api.WithKey(api.ReaderKey).GetAsync($"/ogc/collections/patrol-tracks/items?datetime={Uri.EscapeDataString(datetime)}");
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.BadRequest, "bad-datetime");
        Assert.Contains("at most 7 days", problem.Detail);
    }

    [Fact]
    public async Task Risk_scores_are_the_newest_model_s_per_day_and_datetime_picks_the_forecast_day()
    {
        await api.EnsureCaseData();
        var grids = await api.ScalarAsync("SELECT count(*) FROM grids WHERE level = 4 AND valid_from IS NOT NULL AND valid_to IS NULL");
        var newest = await api.ScalarAsync("SELECT max(version) FROM risk_models");
        // Without datetime: the latest day scored, by its newest model only (an older model of the same day is not shown).
        var latest = await Get($"/ogc/collections/risk-scores/items?limit=1000");
        Assert.Equal(grids, latest.GetProperty("numberMatched").GetInt32());
        Assert.All(latest.GetProperty("features").EnumerateArray(), f => Assert.Equal(newest, f.GetProperty("properties").GetProperty("model").GetInt64()));
        var local = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var yesterday = Uri.EscapeDataString(local.AddDays(-1).ToString("yyyy-MM-dd") + "T12:00:00+08:00");
        Assert.Equal(grids, await Matched("risk-scores", $"&datetime={yesterday}"));
        Assert.Equal(2 * grids, await Matched("risk-scores", $"&datetime={yesterday}/.."));
        Assert.Equal(10, await Matched("risk-scores", $"&filter={Uri.EscapeDataString("rank <= 10")}"));
    }

    /// <summary>Values that must be refused as a client's error (never a 500), on every parameter of the new collections.</summary>
    public static TheoryData<string, string> Hostile() => new()
    {
        { "datetime", "2026-13-45T25:61:61Z" }, { "datetime", "a/b/c" }, { "datetime", "2026-02-01/2026-01-01" }, { "bbox", "1,2,3" }, { "limit", "-1" }, { "offset", "x" },
        { "filter", "'; DROP TABLE cases; --" }, { "filter", "colour = 1" }, { "filter", "nosuch = 1" },
        { "sortby", "description" }, { "sortby", "geometry" }, { "crs", "EPSG:0" }, { "status", "open" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_bad_parameter_is_a_precise_refusal_on_every_new_collection(string name, string value)
    {
        await api.EnsureCaseData();
        var reader = api.WithKey(api.ReaderKey);
        foreach (var c in Collections)
        {
            var response = await reader.GetAsync($"/ogc/collections/{c}/items?{name}={Uri.EscapeDataString(value)}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{c}?{name}={value}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(12, await Matched("cases"));
    }

    public static TheoryData<string, string> Filtered() => new()
    {
        { "cases", "state = 'reported'" },
        { "patrol-tracks", "fixes > 1" },
        { "risk-scores", "rank <= 20" },
    };

    [Theory]
    [MemberData(nameof(Filtered))]
    public async Task Gdal_reads_the_collection_with_the_key_and_a_filter_and_counts_what_the_service_matches(string collection, string where)
    {
        var expected = await Matched(collection, $"&filter={Uri.EscapeDataString(where)}");
        Assert.True(expected > 0, $"{collection}: the filter matches nothing");
        var url = $"OAPIF:{api.BaseAddress.ToString().TrimEnd('/')}/ogc";
        var (code, output, error) = Gdal.Run(["ogrinfo", "-ro", "-so", "-where", where, url, collection], ("GDAL_HTTP_HEADERS", $"X-Api-Key: {api.ReaderKey}"));
        Assert.True(code == 0, error);
        Assert.Contains($"Feature Count: {expected}", output);
    }

    /// <summary>What QGIS makes of each collection through its OAPIF provider, with a QGIS expression as the filter.</summary>
    public static readonly (string Collection, string QgisFilter, string CqlFilter)[] QgisReads =
    [
        ("grids", "\"level\" = 'grid'", "level = 'grid'"),
        ("components", "\"class\" LIKE '02%'", "class LIKE '02%'"),
        ("components-points", "\"status\" = 'intact'", "status = 'intact'"),
        ("components-lines", "\"name\" LIKE '%路%'", "name LIKE '%路%'"),
        ("components-polygons", "", ""),
        ("cases", "\"state\" = 'reported'", "state = 'reported'"),
        ("patrol-tracks", "\"fixes\" > 1", "fixes > 1"),
        ("risk-scores", "\"rank\" <= 20", "rank <= 20"),
    ];

    [Fact]
    public async Task Qgis_reads_every_collection_with_a_filter_and_counts_what_the_service_matches()
    {
        await api.EnsureCaseData();
        var requests = JsonSerializer.Serialize(QgisReads.Select(r => new { collection = r.Collection, filter = r.QgisFilter }));
        var script = Path.Combine(AppContext.BaseDirectory, "Ogc", "qgis_read.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { script, $"{api.BaseAddress.ToString().TrimEnd('/')}/ogc", api.ReaderKey, requests }) psi.ArgumentList.Add(a);
        psi.Environment["QT_QPA_PLATFORM"] = "offscreen";
        psi.Environment["XDG_RUNTIME_DIR"] = Path.GetTempPath();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"PyQGIS (apt python3-qgis, qgis-providers; deploy/test.sh installs them): {await stderr}");
        var read = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]).RootElement;
        foreach (var (collection, _, cql) in QgisReads)
        {
            var layer = read.GetProperty(collection);
            Assert.True(layer.GetProperty("valid").GetBoolean(), $"{collection}: {layer}");
            var expected = await Matched(collection, cql == "" ? "" : $"&filter={Uri.EscapeDataString(cql)}");
            Assert.True(expected > 0 || collection == "components-polygons", $"{collection}: the filter matches nothing");
            Assert.True(expected == layer.GetProperty("count").GetInt32(), $"{collection}: the service matches {expected}, QGIS read {layer}");
        }
        // QGIS types each per-geometry layer as its geometry, so no line is dropped from the lines (796 in the demo city).
        var lines = read.GetProperty("components-lines");
        Assert.Equal("Line", lines.GetProperty("layerGeometry").GetString());
        Assert.Equal(lines.GetProperty("count").GetInt32(), lines.GetProperty("kinds").GetProperty("line").GetInt32());
        Assert.Equal(796, await Matched("components-lines"));
        Assert.Equal("Line", read.GetProperty("patrol-tracks").GetProperty("layerGeometry").GetString());
        Assert.Equal("Point", read.GetProperty("cases").GetProperty("layerGeometry").GetString());
        Assert.Equal("Polygon", read.GetProperty("risk-scores").GetProperty("layerGeometry").GetString());
    }
}
