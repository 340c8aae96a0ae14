using System.Net.Http.Json;
using System.Text.Json;
using static SpatialGrid.Api.Tests.Cases.Open311Client;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>
/// What Open311's public <c>GET requests</c> shows (FixMyStreet's public tracker is the model), and what a key of a
/// case-reading role sees more, within its scope only.
/// </summary>
[Collection(ScopeFixture.Collection)]
public sealed class Open311ViewTests(ScopeFixture api)
{
    [Fact]
    public async Task The_public_sees_a_public_trackers_view_and_a_case_reader_sees_the_whole_of_its_own_districts_requests()
    {
        var (wx, wy) = api.City.WestPoint;
        var at = (Lon: wx + 0.0012345, Lat: wy + 0.0012345);
        const string internalText = "巡查员李四发现：12号店主占道，电话13800000000";
        const string feedback = "内部：已约谈店主王五";
        var patrol = await api.OpenCaseAsync(at, internalText);
        foreach (var step in new object[]
        {
            new { action = "accept" }, new { action = "dispatch", unit = "城管执法一中队" }, new { action = "arrive" },
            new { action = "feedback", note = feedback, attachments = new[] { "sha256:photo-after" } },
        })
        {
            var acted = await api.Admin.PostAsJsonAsync($"/api/cases/{patrol}/actions", step);
            Assert.True(acted.IsSuccessStatusCode, await acted.Content.ReadAsStringAsync());
        }
        var (appKey, _) = await api.KeyAsync("residents app 12345", "patrol");
        var resident = await OpenedAsync(await api.Anonymous.PostAsync("/open311/v2/requests.json", Form([("api_key", appKey), ("service_code", "E0601"), .. At(at),
            ("description", "楼下夜间施工"), ("address_string", "滨江小区3号楼"), ("media_url", "https://example.invalid/p.jpg")])));
        var url = $"/open311/v2/requests.json?service_request_id={patrol},{resident}";

        async Task<Dictionary<string, JsonElement>> AsSeenBy(HttpClient client)
        {
            var body = await client.GetStringAsync(url);
            // Nobody is shown who reported: neither the key that opened a case nor anyone named in its history.
            foreach (var who in new[] { "residents app 12345", "admin" }) Assert.DoesNotContain(who, body);
            return JsonDocument.Parse(body).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("service_request_id").GetString()!, r => r.Clone());
        }

        var (_, otherDistrict) = await api.KeyAsync("desk B", "dispatcher", api.CityB.District);
        var (_, editor) = await api.KeyAsync("gis desk", "gis-editor");
        foreach (var publicView in new[] { api.Anonymous, otherDistrict, editor })
        {
            var shown = await AsSeenBy(publicView);
            var p = shown[patrol];
            Assert.DoesNotContain("李四", p.GetProperty("description").GetString());
            Assert.Contains("patrol report", p.GetProperty("description").GetString());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("status_notes").ValueKind);
            Assert.Equal((Math.Round(at.Lat, 3), Math.Round(at.Lon, 3)), (p.GetProperty("lat").GetDouble(), p.GetProperty("long").GetDouble()));
            var r = shown[resident];
            Assert.Equal(("楼下夜间施工", "滨江小区3号楼", "https://example.invalid/p.jpg"),
                (r.GetProperty("description").GetString(), r.GetProperty("address").GetString(), r.GetProperty("media_url").GetString()));
            Assert.Equal(Math.Round(at.Lat, 3), r.GetProperty("lat").GetDouble());
        }

        // District A's desk sees the whole of A's requests: the patrol's words, the unit's feedback, the exact point.
        var whole = (await AsSeenBy(api.DeskA))[patrol];
        Assert.Equal((internalText, feedback), (whole.GetProperty("description").GetString(), whole.GetProperty("status_notes").GetString()));
        Assert.Equal((at.Lat, at.Lon), (whole.GetProperty("lat").GetDouble(), whole.GetProperty("long").GetDouble()));
    }
}
