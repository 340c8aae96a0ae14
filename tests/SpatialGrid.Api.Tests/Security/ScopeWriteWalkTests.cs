using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>
/// The second pass of the walk: every write operation of the OpenAPI document, with a key of district A of each role,
/// aimed at district B (and with a patrol key bound to a worker of A). Nothing of B changes, and an id of B's is answered
/// exactly as an id that never existed.
/// </summary>
[Collection(ScopeFixture.Collection)]
public sealed class ScopeWriteWalkTests(ScopeFixture api)
{
    /// <summary>Writes that are not about a district's objects: the city's geography (grids, components) is one for all.</summary>
    private static readonly string[] NotDistrictData =
    [
        "POST /api/grids/imports", "POST /api/grids/versions/{id}/publish", "DELETE /api/grids/versions/{id}",
        "POST /api/components/imports", "POST /api/components", "PATCH /api/components/{code}", "DELETE /api/components/{code}",
    ];

    /// <summary>A write aimed at B: its path with B's id (and with a ghost's, when it names one), and its body.</summary>
    private sealed record Write(string OfB, string? Ghost, JsonNode? Body);

    /// <summary>The id of an API key scoped to district B.</summary>
    private long _keyOfB;

    private Write? Aim(string operation)
    {
        var (lon, lat) = api.CityB.WestPoint;
        var district = api.CityB.District;
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd");
        return operation switch
        {
            "POST /api/keys" => new("/api/keys", null, new JsonObject { ["name"] = "walk", ["roles"] = new JsonArray("dispatcher"), ["scopes"] = new JsonArray(district) }),
            "DELETE /api/keys/{id}" => new($"/api/keys/{_keyOfB}", "/api/keys/987654321", null),
            "POST /api/cases" => new("/api/cases", null, new JsonObject { ["classCode"] = "E0502", ["description"] = "walk", ["lon"] = lon, ["lat"] = lat }),
            "POST /api/cases/{number}/actions" => new($"/api/cases/{api.CaseB}/actions", "/api/cases/310104-20000101-9999/actions", new JsonObject { ["action"] = "accept" }),
            "POST /api/cases/{number}/tasks" => new($"/api/cases/{api.CaseB}/tasks", "/api/cases/310104-20000101-9999/tasks", new JsonObject { ["kind"] = "confirm" }),
            "POST /api/tasks/{id}/answer" => new($"/api/tasks/{api.TaskB}/answer", "/api/tasks/987654321/answer",
                new JsonObject { ["worker"] = ScopeFixture.WorkerB, ["outcome"] = "confirmed", ["lon"] = lon, ["lat"] = lat }),
            "POST /api/gateways" => new("/api/gateways", null, new JsonObject { ["id"] = "gw-south-2", ["name"] = "walk", ["districts"] = new JsonArray(district) }),
            "POST /api/gateways/{id}/secret" => new("/api/gateways/gw-south/secret", "/api/gateways/gw-ghost/secret", null),
            "POST /api/gateways/{id}/devices" => new("/api/gateways/gw-south/devices", "/api/gateways/gw-ghost/devices",
                new JsonArray(new JsonObject { ["id"] = "mh-south", ["kind"] = "camera", ["lon"] = lon, ["lat"] = lat })),
            "PUT /api/taxonomy/{code}" => new("/api/taxonomy/E0502", null, new JsonObject { ["district"] = district, ["dispatchValue"] = 1, ["dispatchClock"] = "minutes" }),
            "POST /api/patrols/positions" => new("/api/patrols/positions", null, new JsonObject
            {
                ["fixes"] = new JsonArray(new JsonObject { ["worker"] = ScopeFixture.WorkerB, ["t"] = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("yyyy-MM-ddTHH:mm:ssK"), ["lon"] = lon, ["lat"] = lat }),
            }),
            "POST /api/patrols/teams" => new("/api/patrols/teams", null, new JsonObject { ["id"] = ScopeFixture.TeamB, ["name"] = "taken", ["district"] = district }),
            "POST /api/patrols/workers" => new("/api/patrols/workers", null,
                new JsonObject { ["id"] = ScopeFixture.WorkerB, ["name"] = "taken", ["team"] = ScopeFixture.TeamB, ["district"] = district }),
            "DELETE /api/patrols/workers/{id}" => new($"/api/patrols/workers/{ScopeFixture.WorkerB}", "/api/patrols/workers/w-ghost", null),
            "POST /api/patrols/shifts" => new("/api/patrols/shifts", null, new JsonObject
            {
                ["code"] = "s-south", ["name"] = "walk", ["district"] = district, ["starts"] = "08:00", ["ends"] = "17:00", ["grids"] = new JsonArray(api.CityB.WestGrid),
            }),
            "POST /api/patrols/roster" => new("/api/patrols/roster", null, new JsonArray(new JsonObject { ["day"] = today, ["worker"] = ScopeFixture.WorkerB, ["shift"] = "s-south" })),
            "POST /open311/v2/requests.json" => new("/open311/v2/requests.json", null, null),
            "POST /open311/v2/requests.xml" => new("/open311/v2/requests.xml", null, null),
            "POST /api/hotspots/train" => new("/api/hotspots/train", null, null),
            _ => null,
        };
    }

    /// <summary>District B's state, as rows of text: cases and their events, its gateway and devices, its patrol organisation and fixes, its overrides.</summary>
    private async Task<string> StateOfB()
    {
        var parts = new List<string>();
        foreach (var sql in new[]
                 {
                     "SELECT string_agg(number || ':' || state || ':' || coalesce(accepted_by, ''), ',' ORDER BY number) FROM cases WHERE district_code = '310104'",
                     "SELECT count(*)::text FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.district_code = '310104'",
                     "SELECT string_agg(id || ':' || encode(secret_hash, 'hex') || ':' || array_to_string(districts, '+'), ',' ORDER BY id) FROM gateways WHERE NOT districts @> ARRAY['310101']",
                     "SELECT string_agg(id || ':' || gateway_id || ':' || kind, ',' ORDER BY id) FROM devices WHERE gateway_id = 'gw-south' OR id LIKE '%south%'",
                     "SELECT string_agg(id || ':' || name || ':' || active || ':' || coalesce(team_id, ''), ',' ORDER BY id) FROM patrol_workers WHERE district_code = '310104'",
                     "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM patrol_teams WHERE district_code = '310104'",
                     "SELECT count(*)::text FROM patrol_shifts WHERE district_code = '310104'",
                     "SELECT count(*)::text FROM patrol_roster r JOIN patrol_workers w ON w.id = r.worker_id WHERE w.district_code = '310104'",
                     "SELECT count(*)::text FROM gps_points WHERE district_code = '310104'",
                     "SELECT count(*)::text FROM taxonomy_overrides WHERE district_code = '310104'",
                     "SELECT count(*)::text FROM risk_scores WHERE district_code = '310104'",
                     "SELECT string_agg(id || ':' || state || ':' || coalesce(worker_id, ''), ',' ORDER BY id) FROM supervision_tasks WHERE district_code = '310104'",
                     "SELECT string_agg(id || ':' || coalesce(revoked_at::text, ''), ',' ORDER BY id) FROM api_clients WHERE cardinality(scopes) = 0 OR NOT scopes <@ ARRAY['310101']",
                 })
        {
            await using var conn = new Npgsql.NpgsqlConnection(api.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
            parts.Add((await cmd.ExecuteScalarAsync())?.ToString() ?? "");
        }
        return string.Join('\n', parts);
    }

    private static async Task<(HttpStatusCode Status, string? Type, string Body)> Send(HttpClient client, string method, string url, JsonNode? body, string key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (url.StartsWith("/open311/", StringComparison.Ordinal))
        {
            var (lon, lat) = (121.405, 31.16);
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = key, ["service_code"] = "E0601", ["description"] = "walk",
                ["lat"] = lat.ToString(System.Globalization.CultureInfo.InvariantCulture), ["long"] = lon.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        else if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var type = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonDocument.Parse(text).RootElement.GetProperty("type").GetString() : null;
        return (response.StatusCode, type, text);
    }

    [Fact]
    public async Task No_role_of_district_A_changes_or_confirms_anything_of_district_B()
    {
        var document = JsonDocument.Parse(await api.Admin.GetStringAsync("/openapi/v1.json")).RootElement;
        var operations = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "post" or "put" or "patch" or "delete"))
                operations.Add($"{method.Name.ToUpperInvariant()} {(path.Name.Length > 1 ? path.Name.TrimEnd('/') : path.Name)}");
        var aimed = operations.Where(o => !NotDistrictData.Contains(o)).ToList();
        foreach (var o in aimed) Assert.True(Aim(o) is not null, $"{o}: no write aimed at district B; add one to the walk, or list it as not district data with the reason");

        var created = await api.Admin.PostAsync("/api/keys", new StringContent("""{"name": "desk of B", "roles": ["dispatcher"], "scopes": ["310104"]}""", Encoding.UTF8, "application/json"));
        _keyOfB = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var before = await StateOfB();
        var keys = new List<(string Role, string Key, HttpClient Client)>();
        foreach (var role in Roles.All)
        {
            var (key, client) = await api.KeyAsync($"walk {role}", role, api.City.District);
            keys.Add((role, key, client));
        }
        // A worker's own phone key (bound to A's worker): bound or not, nothing of B is its to change.
        var phone = await api.Admin.PostAsync("/api/keys", System.Net.Http.Json.JsonContent.Create(new { name = "phone of w-north", roles = new[] { "patrol" }, worker = "w-north" }));
        var phoneKey = JsonDocument.Parse(await phone.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        keys.Add(("patrol bound to w-north", phoneKey, api.WithKey(phoneKey)));
        foreach (var operation in aimed)
        {
            var method = operation[..operation.IndexOf(' ')];
            var write = Aim(operation)!;
            foreach (var (role, key, client) in keys)
            {
                var ofB = await Send(client, method, write.OfB, write.Body, key);
                Assert.True(ofB.Status != HttpStatusCode.InternalServerError, $"{role}: {operation}: {ofB.Body}");
                if (operation != "POST /api/patrols/positions")
                    Assert.False((int)ofB.Status is >= 200 and < 300, $"{role}: {operation} on B was accepted: {ofB.Status} {ofB.Body}");
                if (write.Ghost is null) continue;
                var ghost = await Send(client, method, write.Ghost, write.Body, key);
                Assert.True((ofB.Status, ofB.Type) == (ghost.Status, ghost.Type), $"{role}: {operation}: B's {ofB.Status} {ofB.Type}, a ghost's {ghost.Status} {ghost.Type}");
            }
        }
        Assert.Equal(before, await StateOfB());
    }
}
