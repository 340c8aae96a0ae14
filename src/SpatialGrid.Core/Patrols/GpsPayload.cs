using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpatialGrid.Core.Patrols;

/// <summary>
/// One fix as a phone or gateway sends it inside a batch on <c>sg/v1/gw/{gatewayId}/gps</c> or
/// <c>POST /api/patrols/positions</c>; the contract is <c>sensors/schemas/gps.json</c>. Every field is nullable here
/// so that a missing one is reported by name. The batch envelope (<c>msgId</c>, <c>fixes</c>) is read by
/// <see cref="GpsBatchParser"/> with a reader, so a huge batch is counted before any fix is materialised.
/// </summary>
public sealed class GpsFixPayload
{
    public string? Worker { get; set; }
    /// <summary>RFC 3339: a date, a time and an offset (a bare date or a local time is refused).</summary>
    public string? T { get; set; }
    public double? Lon { get; set; }
    public double? Lat { get; set; }
    public double? Accuracy { get; set; }
    public double? Speed { get; set; }
    public double? Heading { get; set; }
    public double? Battery { get; set; }
    public string? Crs { get; set; }
}

/// <summary>Source-generated deserialisation of a fix: no reflection on the ingestion path, unknown members refused.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(GpsFixPayload))]
public sealed partial class GpsJsonContext : JsonSerializerContext;
