using System.Net;
using System.Text.Json;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>Open311 reports are accepted only from keys of a role that opens cases (#23).</summary>
[Collection(ScopeFixture.Collection)]
public sealed class Open311RoleTests(ScopeFixture api)
{
    [Theory]
    [InlineData("planner")]
    [InlineData("gis-editor")]
    public async Task Open311_reports_need_a_key_of_a_role_that_opens_cases(string role)
    {
        var (key, _) = await api.KeyAsync($"open311 {role}", role);
        var (lon, lat) = api.City.WestPoint;
        string Num(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var before = await api.ScalarAsync("SELECT count(*) FROM cases");
        var posted = await api.Anonymous.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = key, ["service_code"] = "E0601", ["lat"] = Num(lat), ["long"] = Num(lon), ["description"] = "opened by a key that may not",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        var error = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal(403, error.GetProperty("code").GetInt32());
        Assert.Contains("role", error.GetProperty("description").GetString());
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM cases"));
    }
}
