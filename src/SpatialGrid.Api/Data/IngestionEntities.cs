using NetTopologySuite.Geometries;

namespace SpatialGrid.Api.Data;

/// <summary>A device gateway: it connects to the broker with its id and secret and publishes under <c>sg/v1/gw/{Id}/</c>.</summary>
public sealed class Gateway
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    /// <summary>SHA-256 of the secret (secrets are 32 random bytes: a slow hash adds nothing).</summary>
    public required byte[] SecretHash { get; set; }
    /// <summary>The same secret in Mosquitto's password-file format, for an external broker (made when the secret is issued).</summary>
    public string? MosquittoHash { get; set; }
    /// <summary>The districts its devices may report in; empty: any.</summary>
    public string[] Districts { get; set; } = [];
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>A field device or camera behind a gateway; fixed devices carry their location, or their component's.</summary>
public sealed class Device
{
    public required string Id { get; set; }
    public required string GatewayId { get; set; }
    public required string Kind { get; set; }
    public string? ComponentCode { get; set; }
    public Point? Location { get; set; }
    public string? Name { get; set; }
    /// <summary>The open case its alarm raised, until that case is verified.</summary>
    public long? AlarmCaseId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What became of an alert.</summary>
public enum AlertOutcome
{
    /// <summary>Opened a new case.</summary>
    Opened = 1,
    /// <summary>Joined an open case (same device and type, or same class nearby).</summary>
    Joined = 2,
    /// <summary>A camera detection below its type's confidence threshold: kept, no case.</summary>
    BelowThreshold = 3,
    /// <summary>A type not in sensors/device-types.csv: kept, no case.</summary>
    Unmapped = 4,
}

/// <summary>One alert, stored once per (gateway, msgId).</summary>
public sealed class Alert
{
    public long Id { get; set; }
    public required string GatewayId { get; set; }
    public required string MsgId { get; set; }
    public required string DeviceId { get; set; }
    public required string Type { get; set; }
    public required string Severity { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>When the writer stored it (the transaction's clock); the alert-to-commit latency is measured by the sender.</summary>
    public DateTimeOffset StoredAt { get; set; }
    public required Point Location { get; set; }
    public required string DistrictCode { get; set; }
    public required string GridCode { get; set; }
    public string? ClassCode { get; set; }
    public double? Confidence { get; set; }
    public string? Media { get; set; }
    public string? Props { get; set; }
    public AlertOutcome Outcome { get; set; }
    public long? CaseId { get; set; }
}

/// <summary>A refused message, kept whole with the reason.</summary>
public sealed class DeadLetter
{
    public long Id { get; set; }
    public required string GatewayId { get; set; }
    public required string Topic { get; set; }
    public string? MsgId { get; set; }
    public required string Reason { get; set; }
    public required string Detail { get; set; }
    public required byte[] Payload { get; set; }
    public int Size { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
