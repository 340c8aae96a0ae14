using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>One batch of fixes (an MQTT message on <c>sg/v1/gw/{id}/gps</c> or a POST) on its way to the database.</summary>
public sealed class PositionBatch
{
    /// <summary>The gateway that published it; null for a batch posted over HTTP.</summary>
    public string? GatewayId { get; init; }
    /// <summary>Who sent it, for dead letters: the gateway id, or <c>http:{client}</c>.</summary>
    public required string Sender { get; init; }
    public required string Topic { get; init; }
    public required byte[] Payload { get; init; }
    public int Size { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>The districts the sender may report in; empty: any.</summary>
    public string[] Districts { get; init; } = [];
    public required GpsBatchParser.Result Parsed { get; init; }

    /// <summary>Completed once the batch is committed (its valid fixes and its dead letter): the moment to acknowledge.</summary>
    public TaskCompletionSource<PositionOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What became of a batch: fixes stored (flagged ones among them), repeats absorbed, fixes refused and why.</summary>
public sealed record PositionOutcome(int Stored, int Flagged, int Repeats, IReadOnlyList<GpsBatchParser.FixProblem> Refused,
    string? BatchReason = null, string? BatchDetail = null)
{
    public bool RefusedWhole => BatchReason is not null;
}
