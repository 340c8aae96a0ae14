using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>The component panel's devices: <c>GET /api/devices?component=</c> with each device's latest alerts and their cases, scoped.</summary>
public sealed class ComponentDevicesTests(IngestionFixture api) : IClassFixture<IngestionFixture>
{
    [Fact]
    public async Task A_components_device_comes_with_its_latest_alert_and_the_case_it_opened()
    {
        using var client = await api.ConnectA();
        var alert = IngestionFixture.Alert("mh-1", "manhole.tilt");
        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", alert);
        Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());

        var devices = await ComponentFiles.Json(await api.Dispatcher.GetAsync($"/api/devices?component={api.CoverCode}"));
        var device = Assert.Single(devices.EnumerateArray());
        Assert.Equal(("mh-1", "gw-a", "manhole-sensor"), (device.GetProperty("id").GetString(), device.GetProperty("gatewayId").GetString(), device.GetProperty("kind").GetString()));
        var recent = device.GetProperty("recentAlerts")[0];
        Assert.Equal(("manhole.tilt", "opened"), (recent.GetProperty("type").GetString(), recent.GetProperty("outcome").GetString()));
        Assert.Matches(@"^310101-\d{8}-\d+$", recent.GetProperty("caseNumber").GetString()!);
        // The other cover has its own device; a component without devices has none.
        Assert.Equal("mh-9", (await ComponentFiles.Json(await api.Dispatcher.GetAsync($"/api/devices?component={api.OtherCoverCode}")))[0].GetProperty("id").GetString());
        Assert.Equal(0, (await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/devices?component=31010101020099999"))).GetArrayLength());
    }

    [Fact]
    public async Task Another_districts_key_sees_no_device_and_bad_input_is_told()
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "xuhui desk", roles = new[] { "dispatcher" }, scopes = new[] { "310104" } });
        var xuhui = api.WithKey(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
        Assert.Equal(0, (await ComponentFiles.Json(await xuhui.GetAsync($"/api/devices?component={api.CoverCode}"))).GetArrayLength());

        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/devices"), HttpStatusCode.BadRequest, "missing-component");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync($"/api/devices?component={new string('9', 41)}"), HttpStatusCode.BadRequest, "bad-component");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync($"/api/devices?component={api.CoverCode}&alerts=0"), HttpStatusCode.BadRequest, "bad-alerts");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync($"/api/devices?component={api.CoverCode}&alerts=51"), HttpStatusCode.BadRequest, "bad-alerts");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.GetAsync($"/api/devices?component={api.CoverCode}")).StatusCode);
    }
}
