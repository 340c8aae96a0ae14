using MQTTnet.Protocol;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>One message on its way from the broker to the database, checked against everything held in memory.</summary>
public sealed class Inbound
{
    public required string GatewayId { get; init; }
    public required string Topic { get; init; }
    public required byte[] Payload { get; init; }
    public int Size { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public ParsedAlert? Alert { get; init; }
    public string? MsgId { get; init; }
    public string? Reason { get; init; }
    public string? Detail { get; init; }
    /// <summary>The trace id of the message's activity, taken where the message is prepared (on its receiving thread).</summary>
    public string? TraceId { get; init; } = ServiceDefaults.Correlation.CurrentId;

    // Resolved for an accepted alert.
    public double Lon { get; init; }
    public double Lat { get; init; }
    public string? GridCode { get; init; }
    public DeviceInfo? Device { get; init; }
    public DeviceType? Type { get; init; }

    /// <summary>Completed once the message is committed (or refused and its dead letter committed): the moment to acknowledge.</summary>
    public TaskCompletionSource<MqttPubAckReasonCode> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Rejected => Reason is not null;
}

/// <summary>What happened to one message, for the acknowledgement and the counters.</summary>
public enum InboundResult
{
    Stored = 1,
    Duplicate = 2,
    Rejected = 3,
}
