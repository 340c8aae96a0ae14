using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;
using SpatialGrid.Api.Tests.Ingestion;
using static SpatialGrid.Api.Tests.Patrols.PatrolFixture;

namespace SpatialGrid.Api.Tests.Patrols;

/// <summary>The gps topic of the device protocol: acknowledged after commit, refusals answered on the rejects topic.</summary>
public sealed class PatrolMqttTests(PatrolFixture api) : IClassFixture<PatrolFixture>
{
    private async Task<IMqttClient> Connect()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.MqttPort).WithCredentials("gw-p", api.GatewaySecret)
            .WithClientId($"gw-p-{Guid.NewGuid():N}").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build();
        await client.ConnectAsync(options);
        return client;
    }

    private static byte[] Batch(params JsonNode[] fixes) => Encoding.UTF8.GetBytes(new JsonObject { ["msgId"] = "b-1", ["fixes"] = new JsonArray(fixes) }.ToJsonString());

    [Fact]
    public async Task A_batch_on_the_gps_topic_is_stored_before_it_is_acknowledged()
    {
        using var client = await Connect();
        var result = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-p/gps",
            Batch(Fix("w-8", 10, 0, CentreOf(West)), Fix("w-8", 10, 1, CentreOf(West) + 0.001)));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        // Acknowledged after commit: the rows are there the moment the PUBACK is.
        Assert.Equal(2, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'w-8' AND gateway_id = 'gw-p'"));
    }

    [Fact]
    public async Task A_malformed_batch_is_acknowledged_dead_lettered_and_answered_on_the_rejects_topic()
    {
        using var client = await Connect();
        var rejects = await IngestionFixture.SubscribeRejects(client, "gw-p");
        var result = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-p/gps", Encoding.UTF8.GetBytes("{\"fixes\":[{\"worker\":"));
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, result.ReasonCode);
        var reject = (await IngestionFixture.Eventually(() => Task.FromResult(rejects.ToList()), r => r.Count > 0)).First();
        Assert.Equal("malformed-json", reject.GetProperty("reason").GetString());
        Assert.True(await api.ScalarAsync("SELECT count(*) FROM dead_letters WHERE gateway_id = 'gw-p' AND topic = 'sg/v1/gw/gw-p/gps'") >= 1);
    }

    [Fact]
    public async Task A_batch_with_one_bad_fix_keeps_the_good_ones_and_names_the_bad_one()
    {
        using var client = await Connect();
        var rejects = await IngestionFixture.SubscribeRejects(client, "gw-p");
        var result = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-p/gps",
            Batch(Fix("w-9", 10, 0, CentreOf(East)), Fix("stranger", 10, 0, CentreOf(East))));
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'w-9'"));
        var reject = (await IngestionFixture.Eventually(() => Task.FromResult(rejects.ToList()), r => r.Count > 0)).First();
        var fix = Assert.Single(reject.GetProperty("fixes").EnumerateArray());
        Assert.Equal(1, fix.GetProperty("index").GetInt32());
        Assert.Equal("unknown-worker", fix.GetProperty("reason").GetString());
    }
}
