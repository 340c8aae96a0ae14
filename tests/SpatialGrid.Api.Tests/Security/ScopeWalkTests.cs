using System.Net;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using SpatialGrid.Api.Maps;
using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>
/// The proof of issue 23's rule, generated from what the service publishes: every GET of the OpenAPI document (path
/// parameters filled with district B's objects, filters probed with them), every layer of the tile catalogue, the
/// event stream and the MQTT topics, walked with a key of district A. Nothing of B is seen, and each of B's ids is
/// answered exactly as an id that never existed (404, never 403), so the walk cannot confirm that it exists.
/// </summary>
[Collection(ScopeFixture.Collection)]
public sealed class ScopeWalkTests(ScopeFixture api)
{
    /// <summary>
    /// Public by design for every caller: geography (grids, components, taxonomy, the map's style) and Open311's reads (GeoReport v2 shows requests to anyone in a public tracker's view, without reporters; a case reader sees more only within its scope: Open311ViewTests);
    /// and the hotspot models, which hold city-wide figures only (the back-test table, settings, features; no grid, case or person of any district: their scores are walked).
    /// </summary>
    private static readonly string[] Public = ["/api/grids", "/api/components", "/api/taxonomy", "/open311/", "/styles/", "/openapi/", "/health", "/api/hotspots/models"];

    /// <summary>OGC collections of public geography; any other collection must be decided here before the walk passes.</summary>
    private static readonly string[] PublicCollections = ["grids", "components", "components-points", "components-lines", "components-polygons"];

    /// <summary>Walked by their own tests below: the tiles (per layer) and the event stream (it never ends).</summary>
    private static readonly string[] WalkedApart = ["/tiles/", "/api/events", "/ogc"];

    /// <summary>A value of B's and a value of the same shape that never existed, per path or query parameter.</summary>
    private (string OfB, string Ghost)? Probe(string path, string parameter) => (path, parameter) switch
    {
        (_, "number" or "case") => (api.CaseB, "310104-20000101-9999"),
        (_, "gateway") or ("/api/gateways/{id}" or "/api/gateways/{id}/devices" or "/api/gateways/{id}/health", "id") => ("gw-south", "gw-ghost"),
        (_, "device") => ("mh-south", "mh-ghost"),
        (_, "worker") or ("/api/patrols/workers/{id}/day", "id") => (ScopeFixture.WorkerB, "w-ghost"),
        (_, "team") => (ScopeFixture.TeamB, "t-ghost"),
        (_, "grid") => (api.CityB.WestGrid, "310199002001001"),
        (_, "district") => (api.CityB.District, "310199"),
        _ => null,
    };

    /// <summary>Values for the other required parameters, so that a probe reaches the lookup it is about.</summary>
    private static string? Default(string parameter) => parameter switch
    {
        "date" => DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd"),
        "from" => DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
        "to" => DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
        _ => null,
    };

    /// <summary>B's objects, and (where geography is not what is shown) B's district code, which every code of B starts with.</summary>
    private string[] Secrets(bool geography) => [.. api.OfB, ScopeFixture.WorkerB, ScopeFixture.TeamB, .. geography ? Array.Empty<string>() : [api.CityB.District]];

    private void NothingOfB(string what, string body, params string[] asked) => NothingOfB(what, body, false, asked);

    private void NothingOfB(string what, string body, bool geography, params string[] asked)
    {
        foreach (var value in asked) body = body.Replace(value, "«asked»");
        foreach (var secret in Secrets(geography)) Assert.False(body.Contains(secret, StringComparison.Ordinal), $"{what} shows '{secret}' of district B: {Clip(body)}");
    }

    private static string Clip(string s) => s.Length > 400 ? s[..400] + "…" : s;

    private async Task<(HttpStatusCode Status, string Body, string? Type)> GetAsync(string url)
    {
        var response = await api.DeskA.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        string? type = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json") type = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString();
        return (response.StatusCode, body, type);
    }

    [Fact]
    public async Task Every_get_of_the_openapi_document_hides_district_B_from_a_key_of_district_A()
    {
        var document = JsonDocument.Parse(await api.Admin.GetStringAsync("/openapi/v1.json")).RootElement;
        var walked = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out var get)) continue;
            var template = path.Name;
            if (Public.Any(p => template.StartsWith(p, StringComparison.Ordinal)) || WalkedApart.Any(p => template.StartsWith(p, StringComparison.Ordinal))) continue;
            var parameters = get.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().ToList() : [];
            var inPath = parameters.Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).ToList();
            var inQuery = parameters.Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList();
            var defaults = string.Join("", inQuery.Select(q => Default(q) is { } v ? $"&{q}={Uri.EscapeDataString(v)}" : ""));

            // Path parameters: B's object and a ghost are answered alike, and not as 403.
            string Fill(Func<(string OfB, string Ghost), string> pick) => inPath.Aggregate(template, (url, name) =>
                url.Replace("{" + name + "}", Uri.EscapeDataString(pick(Probe(template, name) ?? throw new Xunit.Sdk.XunitException(
                    $"{template}: no object of district B for {{{name}}}; add one to the walk, or list the path as public with the reason")))));
            var ofB = await GetAsync(Fill(p => p.OfB) + "?" + defaults.TrimStart('&'));
            walked.Add(template);
            NothingOfB($"GET {template}", ofB.Body, inPath.Select(n => Probe(template, n)!.Value.OfB).ToArray());
            Assert.True(ofB.Status != HttpStatusCode.InternalServerError, $"GET {template}: {Clip(ofB.Body)}");
            if (inPath.Count > 0)
            {
                var ghost = await GetAsync(Fill(p => p.Ghost) + "?" + defaults.TrimStart('&'));
                Assert.True((ofB.Status, ofB.Type) == (ghost.Status, ghost.Type), $"GET {template}: B's object {ofB.Status} {ofB.Type}, a ghost {ghost.Status} {ghost.Type}");
                Assert.NotEqual(HttpStatusCode.Forbidden, ofB.Status);
            }

            // Query filters: naming B's object shows nothing and answers as a ghost does.
            foreach (var name in inQuery)
            {
                if (Probe(template, name) is not { } probe) continue;
                var prefix = Fill(p => p.OfB);
                var withB = await GetAsync($"{prefix}?{name}={Uri.EscapeDataString(probe.OfB)}{defaults}");
                var withGhost = await GetAsync($"{prefix}?{name}={Uri.EscapeDataString(probe.Ghost)}{defaults}");
                walked.Add($"{template}?{name}=");
                NothingOfB($"GET {template}?{name}={probe.OfB}", withB.Body, [probe.OfB, .. inPath.Select(n => Probe(template, n)!.Value.OfB)]);
                Assert.True((withB.Status, withB.Type) == (withGhost.Status, withGhost.Type),
                    $"GET {template}?{name}=: B's {withB.Status} {withB.Type} {Clip(withB.Body)}, a ghost's {withGhost.Status} {withGhost.Type}");
                if (withB.Status == HttpStatusCode.OK && withB.Body.StartsWith('{') && JsonDocument.Parse(withB.Body).RootElement.TryGetProperty("total", out var total))
                    Assert.Equal(0, total.GetInt32());
            }
        }
        // The walk reached the surfaces of the rule.
        foreach (var surface in new[] { "/api/cases/{number}", "/api/alerts?case=", "/api/dead-letters?gateway=", "/api/gateways/{id}/devices", "/api/patrols/workers/{id}/day", "/api/stats/cases" })
            Assert.Contains(surface, walked);
    }

    [Fact]
    public async Task Ogc_collections_are_public_geography_or_decided()
    {
        var collections = JsonDocument.Parse(await api.DeskA.GetStringAsync("/ogc/collections")).RootElement.GetProperty("collections");
        foreach (var id in collections.EnumerateArray().Select(c => c.GetProperty("id").GetString()!))
            Assert.True(PublicCollections.Contains(id) || ScopedCollections.Contains(id),
                $"OGC collection '{id}' is not known to the scope walk: decide who sees it (CallerScope) and walk it here");
    }

    /// <summary>OGC collections of what is kept per district (cases, patrols, risk per grid): walked below.</summary>
    private static readonly string[] ScopedCollections = ["cases", "patrol-tracks", "risk-scores"];

    [Fact]
    public async Task Ogc_collections_of_cases_tracks_and_risk_hide_district_B_from_a_key_of_district_A()
    {
        // Risk scores of a day for every grid of both districts (the fixture scores none).
        await api.ScalarAsync("""
            WITH m AS (INSERT INTO risk_models (trained_at, trained_by, scored_day, history_from, history_to, cells, events, settings, model)
                       VALUES (now(), 'walk', current_date, current_date - 70, current_date, 1, 1, '{}', '\x00') RETURNING version, scored_day)
            INSERT INTO risk_scores (model_version, day, grid_code, district_code, expected, per_km2, rank, explanation)
            SELECT m.version, m.scored_day, g.code, left(g.code, 6), 1, 1, row_number() OVER (ORDER BY g.code), '[]'
            FROM m, grids g WHERE g.level = 4 AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
            """);
        var ofB = new Dictionary<string, string>
        {
            ["cases"] = api.CaseB,
            ["patrol-tracks"] = $"{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}_{ScopeFixture.WorkerB}",
            ["risk-scores"] = $"{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}_{api.CityB.WestGrid}",
        };
        var (bLon, bLat) = api.CityB.WestPoint;
        foreach (var c in ScopedCollections)
        {
            // The whole city sees B's (so the walk below can fail).
            var all = await api.Admin.GetStringAsync($"/ogc/collections/{c}/items?limit=10000");
            Assert.Contains(c == "cases" ? api.CaseB : c == "patrol-tracks" ? ScopeFixture.WorkerB : api.CityB.WestGrid, all);

            var described = await GetAsync($"/ogc/collections/{c}");
            NothingOfB($"GET /ogc/collections/{c}", described.Body);
            var box = JsonDocument.Parse(described.Body).RootElement.GetProperty("extent").GetProperty("spatial").GetProperty("bbox");
            foreach (var b in box.EnumerateArray())
                Assert.False(b[0].GetDouble() <= bLon && bLon <= b[2].GetDouble() && b[1].GetDouble() <= bLat && bLat <= b[3].GetDouble(), $"{c}: the extent reaches B: {b}");

            var items = await GetAsync($"/ogc/collections/{c}/items?limit=10000");
            Assert.Equal(HttpStatusCode.OK, items.Status);
            NothingOfB($"GET /ogc/collections/{c}/items", items.Body);
            var page = JsonDocument.Parse(items.Body).RootElement;
            Assert.True(page.GetProperty("numberMatched").GetInt32() > 0, $"{c}: A sees nothing of its own");
            Assert.Equal(page.GetProperty("numberMatched").GetInt32(), page.GetProperty("features").GetArrayLength());

            foreach (var filter in new[] { $"district = '{api.CityB.District}'", $"district LIKE '{api.CityB.District[..5]}%'" })
            {
                var filtered = await GetAsync($"/ogc/collections/{c}/items?filter={Uri.EscapeDataString(filter)}");
                NothingOfB($"GET /ogc/collections/{c}/items?filter={filter}", filtered.Body, api.CityB.District);
                Assert.Equal(0, JsonDocument.Parse(filtered.Body).RootElement.GetProperty("features").EnumerateArray()
                    .Count(f => f.GetProperty("properties").GetProperty("district").GetString() == api.CityB.District));
            }

            var one = await GetAsync($"/ogc/collections/{c}/items/{Uri.EscapeDataString(ofB[c])}");
            var ghost = await GetAsync($"/ogc/collections/{c}/items/{Uri.EscapeDataString(ofB[c].Replace("south", "ghost").Replace(api.CityB.District, "310199"))}");
            NothingOfB($"GET /ogc/collections/{c}/items/{{B's}}", one.Body, ofB[c]);
            Assert.Equal(HttpStatusCode.NotFound, one.Status);
            Assert.Equal((ghost.Status, ghost.Type), (one.Status, one.Type));
        }
    }

    [Fact]
    public async Task Every_tile_layer_hides_district_B_from_a_key_of_district_A()
    {
        var (lon, lat) = api.CityB.WestPoint;
        foreach (var source in TileSources.All)
        {
            // Zoom 15: the cases layer shows each case by number from 15 on (below, the cases of a square are one cluster).
            var z = Math.Clamp(15, source.MinZoom, source.MaxZoom);
            var (x, y) = ScopeFixture.TileOf(lon, lat, z);
            var tile = await api.DeskA.GetAsync($"/tiles/{source.Name}/{z}/{x}/{y}.mvt");
            Assert.True(tile.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{source.Name}: {tile.StatusCode}");
            // The base layers draw B's geography (its grids and their codes) for everyone, never its objects.
            NothingOfB($"tile {source.Name}/{z}/{x}/{y}", Encoding.UTF8.GetString(await tile.Content.ReadAsByteArrayAsync()), !source.CaseData);
            foreach (var document in new[] { $"/tiles/{source.Name}.json", $"/tiles/{source.Name}/metadata.json" })
                NothingOfB(document, await api.DeskA.GetStringAsync(document));
        }
        // The tiles the walk read do hold B's objects for a key of the whole city.
        var (cx, cy) = ScopeFixture.TileOf(lon, lat, 15);
        Assert.Contains(api.CaseB, Encoding.UTF8.GetString(await api.Admin.GetByteArrayAsync($"/tiles/cases/15/{cx}/{cy}.mvt")));
        Assert.Contains(ScopeFixture.WorkerB, Encoding.UTF8.GetString(await api.Admin.GetByteArrayAsync($"/tiles/patrols/15/{cx}/{cy}.mvt")));
    }

    [Fact]
    public async Task The_event_stream_carries_no_event_of_district_B()
    {
        using var stream = await api.DeskA.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());
        var ofB = await api.OpenCaseAsync(api.CityB.EastPoint, "walk: B");
        var ofA = await api.OpenCaseAsync(api.City.EastPoint, "walk: A");
        // Events are delivered in the order they happened: once A's arrives, B's would have come before it.
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.Contains(ofA)) break;
        }
        NothingOfB("/api/events", string.Join('\n', lines));
        Assert.DoesNotContain(lines, l => l.Contains(ofB));
    }

    [Fact]
    public async Task Every_live_topic_of_district_B_is_refused_to_a_gateway_of_district_A()
    {
        var ofB = CallerScope.OfGateway([api.CityB.District]).LiveTopics;
        var ofA = CallerScope.OfGateway([api.City.District]).LiveTopics;
        var wildcards = CallerScope.CityWide.LiveTopics.SelectMany(t => new[] { t, t.Replace("#", "+/#"), t.Replace("#", "+/+/created") });
        string[] refused = [.. ofB, .. wildcards, "sg/v1/gw/gw-south/rejects", "sg/v1/gw/+/rejects", "#"];
        using var north = await api.ConnectA();
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var f in refused.Concat(ofA)) builder.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
        var codes = (await north.SubscribeAsync(builder.Build())).Items.ToDictionary(i => i.TopicFilter.Topic, i => i.ResultCode);
        foreach (var f in refused) Assert.True(codes[f] == MqttClientSubscribeResultCode.NotAuthorized, $"{f}: {codes[f]}");
        foreach (var f in ofA) Assert.True(codes[f] == MqttClientSubscribeResultCode.GrantedQoS1, $"{f}: {codes[f]}");
    }
}
