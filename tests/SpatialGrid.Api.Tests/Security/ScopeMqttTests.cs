using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;
using SpatialGrid.Api.Tests.Ingestion;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>Gateways subscribe only to the case and patrol topics of their own districts (#23).</summary>
[Collection(ScopeFixture.Collection)]
public sealed class ScopeMqttTests(ScopeFixture api)
{
    [Fact]
    public async Task A_gateway_subscribes_only_to_the_case_and_patrol_topics_of_its_own_districts()
    {
        await api.RegisterDevices("gw-a", new JsonArray(new JsonObject { ["id"] = "mh-north-2", ["kind"] = "manhole-sensor", ["lon"] = api.City.EastPoint.Lon, ["lat"] = api.City.EastPoint.Lat }));
        await api.RegisterDevices("gw-south", new JsonArray(new JsonObject { ["id"] = "mh-south-2", ["kind"] = "manhole-sensor", ["lon"] = api.CityB.WestPoint.Lon, ["lat"] = api.CityB.WestPoint.Lat }));
        using var north = await api.ConnectA();
        var received = new List<string>();
        var ownCase = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        north.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString();
            lock (received) received.Add(message);
            if (message.Contains("\"district\":\"310101\"")) ownCase.TrySetResult();
            return Task.CompletedTask;
        };
        var filters = new[] { "sg/v1/cases/#", "sg/v1/cases/+/#", "sg/v1/cases/310104/#", "sg/v1/patrols/#", "sg/v1/patrols/310104/#", "sg/v1/gw/gw-south/rejects", "sg/v1/cases/310101/#", "sg/v1/patrols/310101/#" };
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var f in filters) builder.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
        var result = await north.SubscribeAsync(builder.Build());
        var codes = result.Items.ToDictionary(i => i.TopicFilter.Topic, i => i.ResultCode);
        foreach (var f in filters[..^2]) Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, codes[f]);
        foreach (var f in filters[^2..]) Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, codes[f]);

        using (var south = await api.ConnectAsync("gw-south", api.SecretSouth))
        {
            var ack = await IngestionFixture.PublishAsync(south, "sg/v1/gw/gw-south/alert", IngestionFixture.Alert("mh-south-2", "manhole.tilt"));
            Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());
        }
        var own = await IngestionFixture.PublishAsync(north, "sg/v1/gw/gw-a/alert", IngestionFixture.Alert("mh-north-2", "manhole.tilt"));
        Assert.True(own.IsSuccess, own.ReasonCode.ToString());
        // The case of its own district arrives; the other district's was announced before it.
        await ownCase.Task;
        var got = Snapshot(received);
        Assert.Contains(got, m => m.StartsWith("sg/v1/cases/310101/", StringComparison.Ordinal));
        Assert.DoesNotContain(got, m => m.Contains("310104"));
    }

    private static List<string> Snapshot(List<string> received)
    {
        lock (received) return [.. received];
    }
}
