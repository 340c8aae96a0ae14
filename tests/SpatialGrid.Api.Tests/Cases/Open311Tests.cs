using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>The calls an Open311 GeoReport v2 client makes: services, post a request, follow it.</summary>
public class Open311Tests(CaseFixture api) : IClassFixture<CaseFixture>
{
    [Fact]
    public async Task A_client_lists_services_reports_a_problem_and_follows_it()
    {
        await api.Ready();
        var services = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/open311/v2/services.json")).RootElement;
        Assert.Contains(services.EnumerateArray(), s => s.GetProperty("service_code").GetString() == "E0502" && s.GetProperty("type").GetString() == "realtime");

        var key = await Open311Client.AppKeyAsync(api);
        var (lon, lat) = api.City.WestPoint;
        var posted = await api.Anonymous.PostAsync("/open311/v2/requests.json", Open311Client.Form(("api_key", key), ("service_code", "E0601"),
            ("lat", lat.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("long", lon.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("description", "深夜装修噪声"), ("media_url", "https://example.invalid/noise.jpg")));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var id = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement[0].GetProperty("service_request_id").GetString()!;

        var one = JsonDocument.Parse(await api.Anonymous.GetStringAsync($"/open311/v2/requests/{id}.json")).RootElement[0];
        Assert.Equal(("open", "E0601", "生态环境局"), (one.GetProperty("status").GetString(), one.GetProperty("service_code").GetString(), one.GetProperty("agency_responsible").GetString()));
        Assert.Equal(lat, one.GetProperty("lat").GetDouble(), 6);

        // The case is a resident's report in the service's own workflow.
        var detail = JsonDocument.Parse(await api.Dispatcher.GetStringAsync($"/api/cases/{id}")).RootElement;
        Assert.Equal("resident", detail.GetProperty("case").GetProperty("source").GetString());

        var open = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/open311/v2/requests.json?status=open&service_code=E0601")).RootElement;
        Assert.Contains(open.EnumerateArray(), r => r.GetProperty("service_request_id").GetString() == id);
        // The photo it came with, and (once answered) what the public is told, not the state's name.
        Assert.Equal("https://example.invalid/noise.jpg", one.GetProperty("media_url").GetString());
        Assert.Equal(JsonValueKind.Null, one.GetProperty("status_notes").ValueKind);
        var rejected = await api.Dispatcher.PostAsJsonAsync($"/api/cases/{id}/actions", new { action = "reject", note = "已核实为正常施工，持有夜间施工许可" });
        Assert.True(rejected.IsSuccessStatusCode, await rejected.Content.ReadAsStringAsync());
        var answered = JsonDocument.Parse(await api.Anonymous.GetStringAsync($"/open311/v2/requests/{id}.json")).RootElement[0];
        Assert.Equal(("closed", "已核实为正常施工，持有夜间施工许可"), (answered.GetProperty("status").GetString(), answered.GetProperty("status_notes").GetString()));
    }

    [Theory]
    [InlineData("service_code", "service_code")]
    [InlineData("lat", "lat and long")]
    public async Task Requests_with_missing_fields_get_an_open311_error(string drop, string named)
    {
        await api.Ready();
        var key = await Open311Client.AppKeyAsync(api);
        var (lon, lat) = api.City.WestPoint;
        var fields = new List<(string, string)> { ("api_key", key), ("service_code", "E0601"), ("lat", lat.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("long", lon.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("description", "x") }.Where(f => f.Item1 != drop && !(drop == "service_code" && f.Item1 == "description")).ToArray();
        var response = await api.Anonymous.PostAsync("/open311/v2/requests.json", Open311Client.Form(fields));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Contains(named, error.GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_report_without_a_description_is_taken_one_at_lat_0_long_0_is_refused_and_status_takes_a_list()
    {
        await api.Ready();
        var key = await Open311Client.AppKeyAsync(api);
        var (lon, lat) = api.City.EastPoint;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var posted = await api.Anonymous.PostAsync("/open311/v2/requests.json", Open311Client.Form(("api_key", key), ("service_code", "E0502"),
            ("lat", lat.ToString(inv)), ("long", lon.ToString(inv))));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var id = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement[0].GetProperty("service_request_id").GetString()!;
        Assert.Contains("without a description", JsonDocument.Parse(await api.Anonymous.GetStringAsync($"/open311/v2/requests/{id}.json")).RootElement[0].GetProperty("description").GetString());

        var before = await api.ScalarAsync("SELECT count(*) FROM cases");
        var nowhere = await api.Anonymous.PostAsync("/open311/v2/requests.json", Open311Client.Form(("api_key", key), ("service_code", "E0502"), ("lat", "0"), ("long", "0"), ("description", "no fix")));
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        Assert.Contains("outside the service area", JsonDocument.Parse(await nowhere.Content.ReadAsStringAsync()).RootElement[0].GetProperty("description").GetString());
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM cases"));

        var both = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/open311/v2/requests.json?status=open,closed&service_code=E0502")).RootElement;
        Assert.Contains(both.EnumerateArray(), r => r.GetProperty("service_request_id").GetString() == id);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Anonymous.GetAsync("/open311/v2/requests.json?status=open,maybe")).StatusCode);
    }

    [Fact]
    public async Task Bad_keys_unknown_services_and_unknown_requests_are_refused_in_open311_form()
    {
        await api.Ready();
        var noKey = await api.Anonymous.PostAsync("/open311/v2/requests.json", Open311Client.Form(("service_code", "E0601"), ("lat", "31.2"), ("long", "121.4"), ("description", "x")));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        var badKey = await api.Anonymous.PostAsync("/open311/v2/requests.json", Open311Client.Form(("api_key", "sgk_00000000_nope"), ("service_code", "E0601"), ("lat", "31.2"), ("long", "121.4"), ("description", "x")));
        Assert.Equal(HttpStatusCode.Forbidden, badKey.StatusCode);
        var key = await Open311Client.AppKeyAsync(api);
        var unknown = await api.Anonymous.PostAsync("/open311/v2/requests.json", Open311Client.Form(("api_key", key), ("service_code", "Z9"), ("lat", "31.23"), ("long", "121.465"), ("description", "x")));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("taxonomy", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await api.Anonymous.GetAsync("/open311/v2/requests/nope.json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Anonymous.GetAsync("/open311/v2/requests.json?status=maybe")).StatusCode);
    }
}
