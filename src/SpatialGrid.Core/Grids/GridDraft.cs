using NetTopologySuite.Geometries;

namespace SpatialGrid.Core.Grids;

/// <summary>A grid as read from an import, already in WGS 84, before validation.</summary>
public sealed record GridDraft(
    int Feature,
    GridCode Code,
    string Name,
    GridKind Kind,
    string? Leader,
    MultiPolygon Geometry,
    bool Generated = false)
{
    public GridLevel Level => Code.Level;
    public string? ParentCode => Code.ParentValue;
}

/// <summary>A grid of the current registry that an import does not replace, seen by validation as a neighbour or parent.</summary>
public sealed record ExistingGrid(GridCode Code, GridKind Kind, Geometry Geometry);

/// <summary>Severity of an import finding: errors stop the import, warnings are reported with it.</summary>
public enum Severity
{
    Error,
    Warning,
}

/// <summary>
/// One finding of an import, tied to a feature (its 0-based index in the file) and its code where known.
/// <see cref="Kind"/> is a stable identifier (also the problem type's last segment over HTTP). A repair also says the
/// area it removed and added (<see cref="RemovedM2"/>, <see cref="AddedM2"/>; <see cref="AreaM2"/> is their sum).
/// </summary>
public sealed record GridProblem(
    Severity Severity,
    string Kind,
    string Message,
    int? Feature = null,
    string? Code = null,
    double? AreaM2 = null,
    Geometry? Where = null,
    double? RemovedM2 = null,
    double? AddedM2 = null);

/// <summary>Problem kinds, stable across versions.</summary>
public static class GridProblemKinds
{
    public const string BadCode = "bad-code";
    /// <summary>An attribute holds a character that cannot be stored (NUL), or text already lost in decoding (U+FFFD).</summary>
    public const string InvalidCharacter = "invalid-character";
    public const string DuplicateCode = "duplicate-code";
    public const string MissingParent = "missing-parent";
    public const string BadParent = "bad-parent";
    public const string BadLevel = "bad-level";
    public const string BadKind = "bad-kind";
    public const string MissingGeometry = "missing-geometry";
    public const string UnsupportedGeometry = "unsupported-geometry";
    public const string InvalidGeometry = "invalid-geometry";
    public const string BadCoordinates = "bad-coordinates";
    public const string OutsideServiceArea = "outside-service-area";
    public const string TooManyVertices = "too-many-vertices";
    public const string HasZOrM = "has-z-or-m";
    public const string WrongNesting = "wrong-nesting";
    public const string Overlap = "overlap";
    public const string Gap = "gap";
    /// <summary>Features lie outside the zone of their projected CRS (a warning: the coordinates may belong to another zone).</summary>
    public const string OutsideCrsZone = "outside-crs-zone";
    public const string Fixed = "fixed";
    /// <summary>A repair would remove or add more area than the repair tolerance allows.</summary>
    public const string RepairChangesArea = "repair-changes-area";
}
