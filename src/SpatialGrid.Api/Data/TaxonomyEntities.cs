using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Data;

/// <summary>One class of the taxonomy as seeded from gis-data/taxonomy/classes.csv (the seed wins on every start).</summary>
public sealed class TaxonomyEntry
{
    public required string Code { get; set; }
    public ClassKind Kind { get; set; }
    public required string MajorCode { get; set; }
    public required string MajorZh { get; set; }
    public required string MajorEn { get; set; }
    public required string NameZh { get; set; }
    public required string NameEn { get; set; }
    public GeometryKind Geometry { get; set; }
    public required string UnitZh { get; set; }
    public required string UnitEn { get; set; }
    public int DispatchValue { get; set; }
    public ClockKind DispatchClock { get; set; }
    public int ArrivalValue { get; set; }
    public ClockKind ArrivalClock { get; set; }
    public int FeedbackValue { get; set; }
    public ClockKind FeedbackClock { get; set; }
    public int CloseValue { get; set; }
    public ClockKind CloseClock { get; set; }
}

/// <summary>A district's own unit and limits for a class, set through the API without touching the seed.</summary>
public sealed class TaxonomyOverride
{
    public required string DistrictCode { get; set; }
    public required string ClassCode { get; set; }
    public string? UnitZh { get; set; }
    public string? UnitEn { get; set; }
    public int? DispatchValue { get; set; }
    public ClockKind? DispatchClock { get; set; }
    public int? ArrivalValue { get; set; }
    public ClockKind? ArrivalClock { get; set; }
    public int? FeedbackValue { get; set; }
    public ClockKind? FeedbackClock { get; set; }
    public int? CloseValue { get; set; }
    public ClockKind? CloseClock { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

/// <summary>Append-only record of every override change (who, when, before, after).</summary>
public sealed class TaxonomyAudit
{
    public long Id { get; set; }
    public required string DistrictCode { get; set; }
    public required string ClassCode { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }
    public string? Before { get; set; }
    public required string After { get; set; }
}
