using NetTopologySuite.Geometries;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Data;

/// <summary>One grid polygon of one version. Current grids have ValidFrom set and ValidTo null; drafts have neither.</summary>
public sealed class Grid
{
    public long Id { get; set; }
    public long VersionId { get; set; }
    public required string Code { get; set; }
    /// <summary>The 6-digit county code, the distribution key when the table is spread by district.</summary>
    public required string DistrictCode { get; set; }
    public required string Name { get; set; }
    public GridLevel Level { get; set; }
    public GridKind Kind { get; set; }
    public string? ParentCode { get; set; }
    public string? Leader { get; set; }
    public required MultiPolygon Geometry { get; set; }
    /// <summary>Generated geometry (the demo city's blocks) is marked so, never passed off as surveyed.</summary>
    public bool Generated { get; set; }
    public double AreaM2 { get; set; }
    public DateTimeOffset? ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
}

/// <summary>An import of grids: a draft until published, then the current version of the codes in its scope.</summary>
public sealed class GridVersion
{
    public long Id { get; set; }
    public GridVersionStatus Status { get; set; }
    /// <summary>The top codes the version replaces when published (every current grid under them is retired).</summary>
    public string[] Scope { get; set; } = [];
    public required string Source { get; set; }
    public int FeatureCount { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
    /// <summary>The warnings and repairs of the import, as JSON.</summary>
    public string? Report { get; set; }
}

public enum GridVersionStatus
{
    Draft = 1,
    Published = 2,
    Discarded = 3,
}

/// <summary>A caller of the API: a person's tool or a gateway, with a hashed key and roles.</summary>
public sealed class ApiClient
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The public part of the key, used to find the row; the secret is only stored hashed.</summary>
    public required string KeyPrefix { get; set; }
    public required byte[] KeyHash { get; set; }
    public string[] Roles { get; set; } = [];
    /// <summary>District (6-digit) or sub-district (9-digit) codes whose cases this client may see and act on; empty: all.</summary>
    public string[] Scopes { get; set; } = [];
    /// <summary>The patrol worker this key acts as (a worker's phone); null: the key may name any worker of its districts.</summary>
    public string? WorkerId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
