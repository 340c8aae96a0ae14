using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpatialGrid.Core.Alerts;

/// <summary>
/// An alert as a device or camera gateway sends it on <c>sg/v1/gw/{gatewayId}/alert</c>; the contract is
/// <c>sensors/schemas/alert.json</c>. Every field is nullable here so that a missing one is reported by name
/// instead of failing the whole parse.
/// </summary>
public sealed class AlertPayload
{
    public string? MsgId { get; set; }
    public string? DeviceId { get; set; }
    public string? Type { get; set; }
    public string? Severity { get; set; }
    /// <summary>RFC 3339: a date, a time and an offset (a bare date or a local time is refused).</summary>
    public string? ObservedAt { get; set; }
    public double? Lon { get; set; }
    public double? Lat { get; set; }
    public string? Crs { get; set; }
    public double? Confidence { get; set; }
    public string? Media { get; set; }
    public JsonElement? Props { get; set; }
}

/// <summary>Source-generated (de)serialisation of the device protocol: no reflection on the ingestion path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(AlertPayload))]
[JsonSerializable(typeof(AlertReject))]
public sealed partial class AlertJsonContext : JsonSerializerContext;

/// <summary>What the service publishes on <c>sg/v1/gw/{gatewayId}/rejects</c> for a refused message.</summary>
public sealed record AlertReject(string? MsgId, string Reason, string Detail, DateTimeOffset At);
