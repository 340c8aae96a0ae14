using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using SpatialGrid.Api.Tests.Ingestion;
using static SpatialGrid.Api.Tests.Patrols.PatrolFixture;

namespace SpatialGrid.Api.Tests.Patrols;

/// <summary>A worker who stays out of their shift's grids is announced once, on the patrols topic beside the case topics.</summary>
public sealed class ShiftWatchTests(PatrolFixture api) : IClassFixture<PatrolFixture>
{
    [Fact]
    public async Task A_worker_outside_the_shift_grids_for_a_quarter_hour_is_announced_once()
    {
        Ok(await api.Dispatcher.PostAsJsonAsync("/api/patrols/shifts",
            new { code = "day-west", name = "白班 西", district = District, starts = "08:00", ends = "17:00", grids = new[] { West } }));
        Ok(await api.Dispatcher.PostAsJsonAsync("/api/patrols/roster", new[] { new { day = "2026-11-24", worker = "w-1", shift = "day-west" } }));

        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.MqttPort).WithCredentials("gw-p", api.GatewaySecret)
            .WithClientId($"centre-{Guid.NewGuid():N}").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        var received = new List<JsonElement>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            lock (received) received.Add(JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone());
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("sg/v1/patrols/310101/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        // Inside its grid first, then in the east grid for 20 minutes.
        await api.Post(Fix("w-1", 9, 50, CentreOf(West)));
        await api.Post(Fix("w-1", 10, 0, CentreOf(East)), Fix("w-1", 10, 4, CentreOf(East) + 0.001));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM patrol_trackers WHERE worker_id = 'w-1' AND outside_announced"));
        await api.Post(Fix("w-1", 10, 9, CentreOf(East)), Fix("w-1", 10, 14, CentreOf(East) + 0.001), Fix("w-1", 10, 19, CentreOf(East)));
        await api.Post(Fix("w-1", 10, 24, CentreOf(East) + 0.001));

        var events = await IngestionFixture.Eventually(() => Task.FromResult(Snapshot(received)), r => r.Count > 0);
        var e = Assert.Single(events);
        Assert.Equal("w-1", e.GetProperty("worker").GetString());
        Assert.Equal("day-west", e.GetProperty("shift").GetString());
        Assert.Equal(East, e.GetProperty("grid").GetString());
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM patrol_trackers WHERE worker_id = 'w-1' AND outside_announced"));

        // Back in the shift's grid, the watch starts over.
        await api.Post(Fix("w-1", 10, 28, CentreOf(Middle)), Fix("w-1", 10, 32, CentreOf(West)));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM patrol_trackers WHERE worker_id = 'w-1' AND (outside_announced OR outside_since IS NOT NULL)"));
        client.Dispose();
    }

    private static List<JsonElement> Snapshot(List<JsonElement> list)
    {
        lock (list) return list.ToList();
    }

    [Fact]
    public async Task Walking_a_night_shift_after_midnight_counts_as_in_the_shift_on_the_next_day()
    {
        // Fixture day is 2026-11-24; the night shift of the 23rd runs 17:00-01:00, into the 24th.
        Ok(await api.Dispatcher.PostAsJsonAsync("/api/patrols/shifts",
            new { code = "night-east", name = "夜班 东", district = District, starts = "17:00", ends = "01:00", grids = new[] { East } }));
        Ok(await api.Dispatcher.PostAsJsonAsync("/api/patrols/roster", new[] { new { day = "2026-11-23", worker = "w-2", shift = "night-east" } }));
        await api.Post(Fix("w-2", 0, 10, CentreOf(East)), Fix("w-2", 0, 13, CentreOf(East) + 0.001), Fix("w-2", 0, 16, CentreOf(East) + 0.002));
        var day = await Components.ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/patrols/workers/w-2/day?date=2026-11-24"));
        Assert.True(day.GetProperty("minutesInShiftGrids").GetDouble() > 5);
        Assert.True(day.GetProperty("grids").EnumerateArray().Single().GetProperty("inShift").GetBoolean());
    }
}
