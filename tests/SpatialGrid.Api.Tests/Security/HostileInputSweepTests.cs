using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using SpatialGrid.Api.Tests.Cases;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>
/// Every operation of the OpenAPI document, asked with hostile path values, query values and bodies: none may end
/// in a server error, every refusal is problem+json (Open311's are the JSON or XML errors its standard prescribes),
/// nothing stored changes, and the service goes on answering. A new endpoint is swept as soon as it is documented.
/// </summary>
public sealed class HostileInputSweepTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    /// <summary>Values as they go into a URL, already percent-encoded; some of them are not valid UTF-8 on purpose.</summary>
    private static readonly string[] Values =
    [
        .. new[]
        {
            "'; DROP TABLE grids; --", "\0", "a\0b", new string('x', 5000), "-1", "0", "2147483647", "2147483648",
            "99999999999999999999999", "../../etc/passwd", "<script>alert(1)</script>", "NaN", "1e309", "网格", " ", "",
            "null", "[]", "{}", "😀", "1,2,3,4", "-181,-91,181,91", "2026-13-45T25:61:61Z",
        }.Select(Uri.EscapeDataString),
        "%E0%A4%A", "%FF%FE", "%C0%80", "%",
    ];

    private static readonly (string Type, string Body)[] Bodies =
    [
        ("application/json", "{"),
        ("application/json", "[]"),
        ("application/json", "null"),
        ("application/json", "{\"a\":"),
        ("application/json", new string('[', 5000) + new string(']', 5000)),
        ("application/json", """{"name":123,"roles":"x","code":[],"lon":"a","lat":1e999,"classCode":{},"description":false,"action":7,"version":"x"}"""),
        ("application/json", """{"name":"a\u0000","description":"\u0000","classCode":"E0502","lon":121.465,"lat":31.23,"attributes":{"k":"\u0000"},"district":"\u0000"}"""),
        ("application/json", "\"" + new string('x', 100_000) + "\""),
        ("text/plain", "hello"),
        ("multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.geojson\"\r\n\r\n{garbage\r\n--xyz--\r\n"),
        ("multipart/form-data; boundary=xyz", "garbage"),
        ("application/x-www-form-urlencoded", "service_code=%ZZ&lat=abc&long=1e999&description=%00"),
    ];

    /// <summary>What a path parameter is when another one is the hostile one.</summary>
    private static string Ordinary(string name) => name switch
    {
        "layer" or "collectionId" => "grids",
        "z" => "15",
        "x" => "27441",
        "y" => "13388.mvt",
        _ => "310101",
    };

    [Fact]
    public async Task Every_operation_refuses_hostile_input_with_a_client_error_and_changes_nothing()
    {
        await api.Ready();
        var (lon, lat) = api.City.WestPoint;
        (await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "sweep: 占道经营", lon, lat })).EnsureSuccessStatusCode();
        var stored = await CountsAsync();

        using var document = JsonDocument.Parse(await api.Admin.GetStringAsync("/openapi/v1.json"));
        var failures = new List<string>();
        var sent = 0;
        foreach (var (template, method, operation) in Operations(document.RootElement))
        {
            var parameters = operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
            var inPath = parameters.Where(x => x.GetProperty("in").GetString() == "path").Select(x => x.GetProperty("name").GetString()!).ToList();
            var inQuery = parameters.Where(x => x.GetProperty("in").GetString() == "query").Select(x => x.GetProperty("name").GetString()!).ToList();
            string Url(string? hostile, string? value) =>
                inPath.Aggregate(template, (url, name) => url.Replace("{" + name + "}", name == hostile ? value! : Ordinary(name)));

            var requests = new List<HttpRequestMessage>();
            // A NUL in the path itself is refused by Kestrel before the service (400); the in-process server cannot carry one.
            foreach (var name in inPath)
                requests.AddRange(Values.Where(v => !v.Contains("%00")).Select(v => new HttpRequestMessage(method, Url(name, v))));
            foreach (var name in inQuery)
                requests.AddRange(Values.Select(v => new HttpRequestMessage(method, $"{Url(null, null)}?{name}={v}")));
            if (method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch)
            {
                requests.AddRange(Bodies.Select(b => new HttpRequestMessage(method, Url(null, null))
                {
                    Content = new ByteArrayContent(Encoding.UTF8.GetBytes(b.Body)) { Headers = { { "Content-Type", b.Type } } },
                }));
            }

            foreach (var request in requests)
            {
                var url = request.RequestUri!.OriginalString;
                using var response = await api.Admin.SendAsync(request);
                sent++;
                if (await JudgeAsync(template, response) is { } wrong) failures.Add($"{method} {(url.Length > 120 ? url[..120] + "…" : url)}: {wrong}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile requests were mishandled:\n{string.Join("\n", failures.Take(40))}");
        Assert.True(sent > 1500, $"only {sent} requests: the document lists fewer operations than expected");
        Assert.Equal(stored, await CountsAsync());
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health")).StatusCode);
    }

    [Theory]
    [InlineData("/api/dead-letters?reason=")]
    [InlineData("/api/grids?q=")]
    [InlineData("/api/cases?q=")]
    public async Task A_nul_character_is_refused_before_the_database_and_the_requests_after_it_succeed(string url)
    {
        await api.Ready();
        // The first use of a statement, then a refused one (the use that would prepare it), then several more:
        // a value the database had refused there would have left the statement broken for the next request.
        Assert.Equal(HttpStatusCode.OK, (await api.Admin.GetAsync(url + "first")).StatusCode);
        var problem = await Problem.ExpectAsync(await api.Admin.GetAsync(url + "a%00b"), HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains("NUL character", problem.Detail);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await api.Admin.GetAsync(url + "after" + i)).StatusCode);
    }

    [Fact]
    public async Task A_nul_character_in_a_body_names_the_field()
    {
        await api.Ready();
        var (lon, lat) = api.City.EastPoint;
        var response = await api.Dispatcher.PostAsync("/api/cases",
            new StringContent($$"""{"classCode":"E0502","description":"a\u0000b","lon":{{lon}},"lat":{{lat}}}""", Encoding.UTF8, "application/json"));
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains("NUL character", problem.Detail);
        Assert.Contains("$.description", problem.Detail);
    }

    [Fact]
    public async Task A_nul_character_in_an_imported_file_is_an_error_of_its_feature_and_nothing_is_written()
    {
        await api.Ready();
        var stored = await CountsAsync();
        var (lon, lat) = api.City.EastPoint;
        var component = Components.ComponentFiles.Feature("0107", Components.ComponentFiles.Point(lon, lat), name: "hydrant\u0000");
        var components = await Problem.ReadAsync(await Components.ComponentFiles.Import(api, [component]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, components.Status);
        Assert.Contains(components.Errors, e => e is ("invalid-character", 0, var m) && m.Contains("'name'"));

        var grids = api.City.Features();
        grids[4]["properties"]!["name"] = "East\u0000grid";
        var imported = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(Grids.SmallCity.Collection(grids), ("publish", "true")));
        var problem = await Problem.ReadAsync(imported);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, problem.Status);
        Assert.Contains(problem.Errors, e => e is ("invalid-character", 4, var m) && m.Contains("'name'"));
        Assert.Equal(stored, await CountsAsync());
    }

    [Theory]
    [InlineData("""{"class":"0107","name":"hydrant \ud800"}""", "'name' holds an unpaired")]
    [InlineData("""{"class":"0107","attributes":{"note":["\udc00"]}}""", "surrogate")]
    [InlineData("""{"class":"0107","k\ud800":1}""", "an attribute's name holds an unpaired")]
    [InlineData("""{"class":"0107","attributes":{"note":"a\u0000"}}""", "NUL")]
    public async Task Text_that_cannot_be_stored_in_an_imported_file_is_an_error_of_its_feature(string properties, string why)
    {
        await api.Ready();
        var stored = await CountsAsync();
        var (lon, lat) = api.City.EastPoint;
        string Feature(string props) => $$$"""{"type":"Feature","properties":{{{props}}},"geometry":{"type":"Point","coordinates":[{{{lon}}},{{{lat}}}]}}""";
        var file = $$$"""{"type":"FeatureCollection","features":[{{{Feature("""{"class":"0107","name":"fine"}""")}}},{{{Feature(properties)}}}]}""";
        var problem = await Problem.ReadAsync(await api.Editor.PostAsync("/api/components/imports", Upload.GeoJson(file)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, problem.Status);
        var error = Assert.Single(problem.Errors);
        Assert.Equal(("invalid-character", (int?)1), (error.Kind, error.Feature));
        Assert.Contains(why, error.Message);
        Assert.Equal(stored, await CountsAsync());
    }

    private static IEnumerable<(string Template, HttpMethod Method, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            // The case event stream never ends by itself; its filters are plain strings compared in memory.
            if (path.Name == "/api/events") continue;
            foreach (var op in path.Value.EnumerateObject())
            {
                var method = op.Name switch { "get" => HttpMethod.Get, "post" => HttpMethod.Post, "put" => HttpMethod.Put, "patch" => HttpMethod.Patch, "delete" => HttpMethod.Delete, _ => null };
                if (method is not null) yield return (path.Name, method, op.Value);
            }
        }
    }

    /// <summary>Null when the answer is right for hostile input; otherwise what is wrong with it.</summary>
    private static async Task<string?> JudgeAsync(string template, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status < 400) return null;
        var body = await response.Content.ReadAsStringAsync();
        var clipped = body.Length > 200 ? body[..200] : body;
        if (status >= 500) return $"{status}: {clipped}";
        var type = response.Content.Headers.ContentType?.MediaType;
        if (template.StartsWith("/open311/", StringComparison.Ordinal) && template.EndsWith(".xml", StringComparison.Ordinal))
        {
            // GeoReport v2 errors of an XML resource: <errors><error><code>…</code><description>…</description></error></errors>.
            try
            {
                var errors = System.Xml.Linq.XDocument.Parse(body).Root!;
                return type == "text/xml" && errors.Name.LocalName == "errors" && errors.Element("error")?.Element("description") is not null
                    ? null : $"{status} without an Open311 XML error: {clipped}";
            }
            catch (System.Xml.XmlException)
            {
                return $"{status} without an Open311 XML error: {clipped}";
            }
        }
        if (template.StartsWith("/open311/", StringComparison.Ordinal))
        {
            // GeoReport v2 errors: [{"code": …, "description": …}].
            try
            {
                using var errors = JsonDocument.Parse(body);
                return errors.RootElement.ValueKind == JsonValueKind.Array && errors.RootElement[0].TryGetProperty("description", out _)
                    ? null : $"{status} without an Open311 error: {clipped}";
            }
            catch (JsonException)
            {
                return $"{status} without an Open311 error: {clipped}";
            }
        }
        return type == "application/problem+json" ? null : $"{status} as {type ?? "no content type"}, not problem+json: {clipped}";
    }

    private async Task<string> CountsAsync()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        var tables = new[] { "grids", "grid_versions", "components", "component_history", "cases", "case_events", "api_clients", "gateways", "devices", "taxonomy_overrides", "alerts", "dead_letters",
            "gps_points", "patrol_teams", "patrol_workers", "patrol_shifts", "patrol_roster", "patrol_visits", "patrol_daily", "patrol_trackers" };
        await using var command = new NpgsqlCommand("SELECT " + string.Join(" || ',' || ", tables.Select(t => $"'{t}=' || (SELECT count(*) FROM {t})")), connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
