using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using static SpatialGrid.Api.Tests.Cases.Open311Client;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>GeoReport v2's required format (XML, in the wiki's shapes), service discovery, and jurisdiction_id.</summary>
public class Open311FormatTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private static string[] Children(XElement e) => e.Elements().Select(x => x.Name.LocalName).ToArray();

    [Fact]
    public async Task Every_resource_is_served_as_the_standards_xml_with_the_same_fields_as_its_json()
    {
        await api.Ready();
        var services = await XmlAsync(await api.Anonymous.GetAsync("/open311/v2/services.xml"));
        Assert.Equal("services", services.Name.LocalName);
        var noise = services.Elements("service").Single(s => s.Element("service_code")!.Value == "E0601");
        Assert.Equal(["service_code", "service_name", "description", "metadata", "type", "keywords", "group"], Children(noise));
        Assert.Equal(("false", "realtime"), (noise.Element("metadata")!.Value, noise.Element("type")!.Value));

        var definition = await XmlAsync(await api.Anonymous.GetAsync("/open311/v2/services/E0601.xml"));
        Assert.Equal(("service_definition", "E0601"), (definition.Name.LocalName, definition.Element("service_code")!.Value));
        Assert.NotNull(definition.Element("attributes"));

        var key = await AppKeyAsync(api);
        var posted = await api.Anonymous.PostAsync("/open311/v2/requests.xml",
            Form([("api_key", key), ("service_code", "E0601"), .. At(api.City.WestPoint), ("description", "夜间施工 <噪声> & 灯光"), ("media_url", "https://example.invalid/n.jpg")]));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var created = await XmlAsync(posted);
        Assert.Equal("service_requests", created.Name.LocalName);
        var request = created.Element("request")!;
        Assert.Equal(["service_request_id", "service_notice", "account_id"], Children(request));
        var id = request.Element("service_request_id")!.Value;

        // One request, as XML and as JSON: the same fields in the same order with the same values.
        var xml = (await XmlAsync(await api.Anonymous.GetAsync($"/open311/v2/requests/{id}.xml"))).Element("request")!;
        var json = (await JsonAsync(await api.Anonymous.GetAsync($"/open311/v2/requests/{id}.json")))[0];
        Assert.Equal(json.EnumerateObject().Select(p => p.Name).ToArray(), Children(xml));
        foreach (var field in json.EnumerateObject())
        {
            var expected = field.Value.ValueKind switch { JsonValueKind.Null => "", JsonValueKind.String => field.Value.GetString(), _ => field.Value.GetRawText() };
            Assert.True(expected == xml.Element(field.Name)!.Value, $"{field.Name}: JSON {field.Value.GetRawText()}, XML {xml.Element(field.Name)}");
        }
        Assert.Equal("夜间施工 <噪声> & 灯光", xml.Element("description")!.Value);
        Assert.True(xml.Element("status_notes")!.IsEmpty);

        var list = await XmlAsync(await api.Anonymous.GetAsync("/open311/v2/requests.xml?status=open&service_code=E0601"));
        Assert.Equal("service_requests", list.Name.LocalName);
        Assert.Contains(list.Elements("request"), r => r.Element("service_request_id")!.Value == id);
    }

    [Fact]
    public async Task Text_xml_cannot_carry_is_answered_as_a_replacement_character_and_the_json_keeps_it()
    {
        await api.Ready();
        var key = await AppKeyAsync(api);
        var id = await OpenedAsync(await api.Anonymous.PostAsync("/open311/v2/requests.json",
            Form([("api_key", key), ("service_code", "E0601"), .. At(api.City.EastPoint), ("description", "噪声\u0007响铃 😀")])));
        var xml = await XmlAsync(await api.Anonymous.GetAsync($"/open311/v2/requests/{id}.xml"));
        Assert.Equal("噪声\uFFFD响铃 😀", xml.Element("request")!.Element("description")!.Value);
        Assert.Equal("噪声\u0007响铃 😀", (await JsonAsync(await api.Anonymous.GetAsync($"/open311/v2/requests/{id}.json")))[0].GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("GET", "/open311/v2/requests/nope.xml", 404, "does not exist")]
    [InlineData("GET", "/open311/v2/services/Z9.xml", 404, "service_code 'Z9'")]
    [InlineData("GET", "/open311/v2/requests.xml?status=maybe", 400, "status")]
    [InlineData("GET", "/open311/v2/requests.xml?start_date=yesterday", 400, "start_date")]
    [InlineData("GET", "/open311/v2/requests.xml?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", 400, "is after end_date")]
    [InlineData("POST", "/open311/v2/requests.xml", 401, "api_key")]
    public async Task Errors_of_an_xml_resource_are_the_standards_xml_error_list(string method, string url, int code, string named)
    {
        await api.Ready();
        var response = await api.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method == "POST" ? Form(("service_code", "E0601"), ("lat", "31.23"), ("long", "121.465")) : null,
        });
        Assert.Equal(code, (int)response.StatusCode);
        var errors = await XmlAsync(response);
        Assert.Equal("errors", errors.Name.LocalName);
        var error = Assert.Single(errors.Elements("error"));
        Assert.Equal(["code", "description"], Children(error));
        Assert.Equal(code.ToString(), error.Element("code")!.Value);
        Assert.Contains(named, error.Element("description")!.Value);
    }

    [Fact]
    public async Task Service_discovery_names_the_geoReport_v2_endpoint_its_formats_and_how_to_get_a_key()
    {
        await api.Ready();
        var json = await JsonAsync(await api.Anonymous.GetAsync("/open311/discovery.json"));
        var endpoint = Assert.Single(json.GetProperty("endpoints").EnumerateArray());
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.GetProperty("specification").GetString());
        Assert.Equal("production", endpoint.GetProperty("type").GetString());
        Assert.Equal(["text/xml", "application/json"], endpoint.GetProperty("formats").EnumerateArray().Select(f => f.GetString()!).ToArray());
        var url = endpoint.GetProperty("url").GetString()!;
        // A client appends the resource to the URL, as the wiki's example (…/V2/) expects.
        Assert.EndsWith("/open311/v2/", url);
        Assert.Contains("api", json.GetProperty("key_service").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("contact").GetString()));
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("changeset").GetString(), out _));
        // The endpoint it names answers.
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync(new Uri(url).AbsolutePath + "services.xml")).StatusCode);

        var xml = await XmlAsync(await api.Anonymous.GetAsync("/open311/discovery.xml"));
        Assert.Equal(["changeset", "contact", "key_service", "endpoints"], Children(xml));
        var node = xml.Element("endpoints")!.Element("endpoint")!;
        Assert.Equal(["specification", "url", "changeset", "type", "formats"], Children(node));
        Assert.Equal(["text/xml", "application/json"], node.Element("formats")!.Elements("format").Select(f => f.Value).ToArray());
    }

    [Fact]
    public async Task Jurisdiction_id_may_be_left_out_or_name_this_service_and_any_other_is_refused()
    {
        await api.Ready();
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/open311/v2/services.json?jurisdiction_id=sh.gov.cn")).StatusCode);
        foreach (var url in new[] { "/open311/v2/services.json", "/open311/v2/services/E0601.json", "/open311/v2/requests.json", "/open311/v2/requests/x.json" })
        {
            var refused = await api.Anonymous.GetAsync(url + "?jurisdiction_id=sfgov.org");
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Contains("jurisdiction_id 'sfgov.org'", (await JsonAsync(refused))[0].GetProperty("description").GetString());
        }

        var key = await AppKeyAsync(api);
        var before = await api.ScalarAsync("SELECT count(*) FROM cases");
        var elsewhere = await api.Anonymous.PostAsync("/open311/v2/requests.xml",
            Form([("api_key", key), ("jurisdiction_id", "sfgov.org"), ("service_code", "E0601"), .. At(api.City.EastPoint), ("description", "x")]));
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Contains("sfgov.org", (await XmlAsync(elsewhere)).Element("error")!.Element("description")!.Value);
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM cases"));
        await OpenedAsync(await api.Anonymous.PostAsync("/open311/v2/requests.json",
            Form([("api_key", key), ("jurisdiction_id", "sh.gov.cn"), ("service_code", "E0601"), .. At(api.City.EastPoint), ("description", "x")])));
    }
}
