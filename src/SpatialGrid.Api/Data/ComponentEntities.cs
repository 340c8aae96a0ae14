using NetTopologySuite.Geometries;

namespace SpatialGrid.Api.Data;

/// <summary>A fixed city asset (部件): a point, line or polygon with its class, status and departments.</summary>
public sealed class Component
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string DistrictCode { get; set; }
    public required string ClassCode { get; set; }
    public required string Name { get; set; }
    public ComponentStatus Status { get; set; }
    public string? DeptInCharge { get; set; }
    public string? Owner { get; set; }
    public string? Maintainer { get; set; }
    public DateOnly? InstallDate { get; set; }
    /// <summary>Free attributes, always a JSON object.</summary>
    public string Attributes { get; set; } = "{}";
    public required Geometry Geometry { get; set; }
    /// <summary>Lies in no current grid: kept, flagged, listed by <c>grid=none</c>.</summary>
    public bool Outside { get; set; }
    public bool Generated { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ComponentStatus
{
    Intact = 1,
    Damaged = 2,
    Lost = 3,
    Abandoned = 4,
    Removed = 5,
}

/// <summary>The link of a component to a grid it lies in, with the length (lines, m) or area (polygons, m²) inside it.</summary>
public sealed class ComponentGrid
{
    public long ComponentId { get; set; }
    public required string GridCode { get; set; }
    public required string DistrictCode { get; set; }
    public double? Measure { get; set; }
}

/// <summary>Every change of a component (who, when, before, after), append-only.</summary>
public sealed class ComponentHistory
{
    public long Id { get; set; }
    public long ComponentId { get; set; }
    public required string ComponentCode { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }
    public required string Change { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}
