using System.Text.Json;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;

namespace SpatialGrid.Api.Ogc;

/// <summary>A parsed items request: bbox already a WGS 84 geometry, datetime as an interval, paging, output CRS, property filters.</summary>
public sealed record OgcQuery(Geometry? Bbox, bool HasDatetime, DateTimeOffset? From, DateTimeOffset? To, int Limit, int Offset, string Crs,
    IReadOnlyDictionary<string, string> Filters);

/// <summary>One feature collection of the OGC API: a new layer is one more implementation registered in DI.</summary>
public interface IOgcCollection
{
    string Id { get; }
    string Title { get; }
    string Description { get; }

    /// <summary>Property filters the items endpoint accepts for this collection.</summary>
    IReadOnlyCollection<string> Filters { get; }

    Task<Envelope> ExtentAsync(SpatialGridDb db, CancellationToken ct);

    /// <summary>The matched count and one page of features, each written by the returned writer, in the query's CRS.</summary>
    Task<(int Matched, IReadOnlyList<Action<Utf8JsonWriter>> Features)> ItemsAsync(SpatialGridDb db, OgcQuery query, CancellationToken ct);

    /// <summary>One feature by id, or null.</summary>
    Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CancellationToken ct);
}
