using System.Text.Json;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Api.Ogc;

/// <summary>
/// A parsed items request: bbox already a WGS 84 geometry, datetime as an interval, paging, output CRS, property
/// filters, a CQL2 filter already SQL over the collection's queryables (<see cref="Where"/>), and the sort keys.
/// </summary>
public sealed record OgcQuery(Geometry? Bbox, bool HasDatetime, DateTimeOffset? From, DateTimeOffset? To, int Limit, int Offset, string Crs,
    IReadOnlyDictionary<string, string> Filters, Cql2Where? Where = null, IReadOnlyList<SortKey>? SortBy = null)
{
    /// <summary>Who asks: a collection of cases or patrols answers only what this scope sees (geography ignores it).</summary>
    public CallerScope Scope { get; init; } = CallerScope.CityWide;
}

/// <summary>
/// One property of a collection's features as its schema states it (OGC API – Features Part 5 style): a JSON type,
/// an optional format (date, date-time), the values it may take, and its role (the feature's id). A property with
/// <see cref="Sql"/> is a queryable: a CQL2 filter names it and gets that SQL (written here, never by a caller);
/// one with <see cref="Sort"/> (the entity's member) may be a <c>sortby</c> key.
/// </summary>
public sealed record OgcProperty(string Name, string Type, string Title, string? Format = null, IReadOnlyList<string>? Enum = null, string? Role = null,
    string? Sql = null, string? Sort = null)
{
    /// <summary>The queryable's type for CQL2, from the JSON type and format.</summary>
    public Cql2Type Cql2Type => (Type, Format) switch
    {
        ("string", "date-time") => Cql2Type.Timestamp,
        ("string", "date") => Cql2Type.Date,
        ("number", _) => Cql2Type.Number,
        ("integer", _) => Cql2Type.Integer,
        ("boolean", _) => Cql2Type.Boolean,
        _ => Cql2Type.String,
    };
}

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

    /// <summary>
    /// The authorization policy a caller must meet to read the collection, beyond the OGC API's read policy (null: none);
    /// a collection the caller may not read is left out of <c>/collections</c> and answered 401 or 403.
    /// </summary>
    string? Policy => null;

    /// <summary>The SQL of the features' geometry, which a filter's spatial functions (<c>S_INTERSECTS</c>) compare.</summary>
    string GeometrySql => "geometry";

    /// <summary>Where the features the caller sees lie, and since when.</summary>
    Task<OgcExtent> ExtentAsync(SpatialGridDb db, CallerScope scope, CancellationToken ct);

    /// <summary>The matched count and one page of features, each written by the returned writer, in the query's CRS.</summary>
    Task<(int Matched, IReadOnlyList<Action<Utf8JsonWriter>> Features)> ItemsAsync(SpatialGridDb db, OgcQuery query, CancellationToken ct);

    /// <summary>One feature by id, or null (also when the caller's scope does not see it, as if it did not exist).</summary>
    Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CallerScope scope, CancellationToken ct);
}
