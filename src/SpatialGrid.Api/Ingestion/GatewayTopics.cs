using MQTTnet.Protocol;

namespace SpatialGrid.Api.Ingestion;

/// <summary>
/// A topic of the device protocol beside <c>alert</c> (e.g. <c>gps</c>), consumed by another capability: the brokers
/// hand it the message and acknowledge it with the code it returns, once it is committed. Capabilities register
/// their topics, so ingestion does not depend on them.
/// </summary>
public interface IGatewayTopic
{
    /// <summary>The last level of the topic: <c>sg/v1/gw/{gatewayId}/{Name}</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Takes a message (the payload is the caller's copy). Completes once it is queued (waiting while the queue is full
    /// slows the publisher down); the task it gives completes when the message is committed or refused.
    /// </summary>
    ValueTask<Task<MqttPubAckReasonCode>> SubmitAsync(string gatewayId, string topic, byte[] payload, int size, CancellationToken ct);
}
