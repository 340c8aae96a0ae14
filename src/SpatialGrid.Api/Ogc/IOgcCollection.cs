using System.Text.Json;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;

namespace SpatialGrid.Api.Ogc;

/// <summary>A parsed items request: bbox already a WGS 84 geometry, datetime as an interval, paging, output CRS, property filters.</summary>
public sealed record OgcQuery(Geometry? Bbox, bool HasDatetime, DateTimeOffset? From, DateTimeOffset? To, int Limit, int Offset, string Crs,
    IReadOnlyDictionary<string, string> Filters);

/// <summary>
/// One property of a collection's features as its schema states it (OGC API – Features Part 5 style): a JSON type,
/// an optional format (date, date-time), the values it may take, and its role (the feature's id).
/// </summary>
public sealed record OgcProperty(string Name, string Type, string Title, string? Format = null, IReadOnlyList<string>? Enum = null, string? Role = null);

/// <summary>Where a collection's features lie, and since when (null: the collection has no time).</summary>
public sealed record OgcExtent(Envelope Box, DateTimeOffset? Begin);

/// <summary>One feature collection of the OGC API: a new layer is one more implementation registered in DI.</summary>
public interface IOgcCollection
{
    string Id { get; }
    string Title { get; }
    string Description { get; }

    /// <summary>Property filters the items endpoint accepts for this collection.</summary>
    IReadOnlyCollection<string> Filters { get; }

    /// <summary>The properties every feature carries, for the collection's schema.</summary>
    IReadOnlyList<OgcProperty> Properties { get; }

    /// <summary>
    /// The geometry type in the words of OGC API – Features Part 5 (<c>geometry-multipolygon</c>,
    /// <c>geometry-point-or-multipoint</c>, … <c>geometry-any</c>).
    /// </summary>
    string GeometryFormat { get; }

    /// <summary>Whether the features have a time that <c>datetime</c> selects on; a collection without one refuses it.</summary>
    bool HasTime { get; }

    Task<OgcExtent> ExtentAsync(SpatialGridDb db, CancellationToken ct);

    /// <summary>The matched count and one page of features, each written by the returned writer, in the query's CRS.</summary>
    Task<(int Matched, IReadOnlyList<Action<Utf8JsonWriter>> Features)> ItemsAsync(SpatialGridDb db, OgcQuery query, CancellationToken ct);

    /// <summary>One feature by id, or null.</summary>
    Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CancellationToken ct);
}
