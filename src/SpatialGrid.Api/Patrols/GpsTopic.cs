using MQTTnet.Protocol;
using SpatialGrid.Api.Ingestion;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// <c>sg/v1/gw/{gatewayId}/gps</c>: patrol phones' fixes through their gateway. Acknowledged after commit; a batch with
/// refused fixes is acknowledged too (its valid fixes are stored, the rest dead-lettered and answered on the rejects
/// topic), with an MQTT 5 reason code saying so, so that a gateway never resends what was refused.
/// </summary>
public sealed class GpsTopic(PositionPipeline pipeline, DeviceRegistry registry) : IGatewayTopic
{
    public string Name => "gps";

    public async ValueTask<Task<MqttPubAckReasonCode>> SubmitAsync(string gatewayId, string topic, byte[] payload, int size, CancellationToken ct)
    {
        var districts = registry.Gateway(gatewayId)?.Districts ?? [];
        var batch = pipeline.Prepare(gatewayId, gatewayId, topic, payload, size, districts);
        await pipeline.SubmitAsync(batch, ct);
        return Acknowledge(batch.Done.Task);
    }

    private static async Task<MqttPubAckReasonCode> Acknowledge(Task<PositionOutcome> done)
    {
        var o = await done;
        if (o.RefusedWhole)
            return AlertPipeline.RefusalCode(o.BatchReason!);
        // Some fixes stored: success; every fix refused: say so (the rejects topic has the detail).
        return o.Stored + o.Repeats > 0 || o.Refused.Count == 0 ? MqttPubAckReasonCode.Success : MqttPubAckReasonCode.ImplementationSpecificError;
    }
}
