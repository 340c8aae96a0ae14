using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;
using SpatialGrid.Core.Grids;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Geo;

/// <summary>Limits every imported geometry must keep.</summary>
public sealed record GeometryLimits
{
    /// <summary>Vertices per feature; a million-vertex polygon is refused rather than slowing every lookup.</summary>
    public int MaxVertices { get; init; } = 100_000;

    /// <summary>The service area in WGS 84 (default: mainland China's extent); anything outside is reported, e.g. swapped lon/lat.</summary>
    public Envelope ServiceArea { get; init; } = new(73.0, 136.0, 3.0, 54.0);

    /// <summary>
    /// Area a repair (fix) may remove or add, in m², against what the polygon's rings enclose; a repair that changes
    /// more is refused, so a lobe is never dropped unseen. Removing a spike or a loop of zero width changes nothing.
    /// </summary>
    public double RepairToleranceM2 { get; init; } = 10;
}

/// <summary>
/// Turns a geometry read from a file into a valid 2-D WGS 84 MultiPolygon, or says precisely why it cannot.
/// With <c>fix</c>, invalid polygons are repaired (NTS GeometryFixer, the MakeValid of NTS) and Z/M dropped; each repair is
/// reported with the area it removed and added (<see cref="PolygonRepair"/>), and refused over the repair tolerance.
/// </summary>
public static class GeometryGuard
{
    public static MultiPolygon? ToGridPolygon(Geometry? geometry, Crs crs, GeometryLimits limits, bool fix, int feature, string? code, List<GridProblem> problems)
    {
        var checkedGeometry = ToWgs84(geometry, GeometryKind.Polygon, "a grid", crs, limits, fix, feature, code, problems);
        return checkedGeometry is null ? null
            : checkedGeometry as MultiPolygon ?? GeometryFactories.Wgs84.CreateMultiPolygon(PolygonExtracter.GetPolygons(checkedGeometry).Cast<Polygon>().ToArray());
    }

    /// <summary>Whether a geometry is of the kind a class asks for (Multi* forms included).</summary>
    public static bool IsOfKind(Geometry geometry, GeometryKind kind) => kind switch
    {
        GeometryKind.Point => geometry is Point or MultiPoint,
        GeometryKind.Line => geometry is LineString or MultiLineString,
        GeometryKind.Polygon => geometry is Polygon or MultiPolygon,
        _ => geometry is not GeometryCollection || geometry is MultiPoint or MultiLineString or MultiPolygon,
    };

    /// <summary>
    /// Checks a geometry of the expected kind and returns it valid, 2-D and in WGS 84, or null with the reasons
    /// added to <paramref name="problems"/>. <paramref name="what"/> names the thing in messages ("a grid").
    /// </summary>
    public static Geometry? ToWgs84(Geometry? geometry, GeometryKind expected, string what, Crs crs, GeometryLimits limits, bool fix, int feature, string? code, List<GridProblem> problems)
    {
        void Error(string kind, string message, Geometry? where = null) =>
            problems.Add(new GridProblem(Severity.Error, kind, message, feature, code, Where: where));

        if (geometry is null || geometry.IsEmpty)
        {
            Error(GridProblemKinds.MissingGeometry, "the feature has no geometry");
            return null;
        }
        if (!IsOfKind(geometry, expected))
        {
            var wanted = expected switch
            {
                GeometryKind.Point => "a Point or MultiPoint",
                GeometryKind.Line => "a LineString or MultiLineString",
                GeometryKind.Polygon => "a Polygon or MultiPolygon",
                _ => "a single geometry type (not a GeometryCollection)",
            };
            Error(GridProblemKinds.UnsupportedGeometry, $"{what} must be {wanted}, not a {geometry.GeometryType}");
            return null;
        }
        if (geometry.NumPoints > limits.MaxVertices)
        {
            Error(GridProblemKinds.TooManyVertices, $"the geometry has {geometry.NumPoints:N0} vertices; the limit is {limits.MaxVertices:N0} per feature (simplify it first)");
            return null;
        }
        if (HasZOrM(geometry))
        {
            if (!fix)
            {
                Error(GridProblemKinds.HasZOrM, "the geometry has Z or M values; grids are 2-D (import with fix to drop them)");
                return null;
            }
            problems.Add(new GridProblem(Severity.Warning, GridProblemKinds.Fixed, "dropped Z/M values", feature, code));
        }
        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y))
            {
                Error(GridProblemKinds.BadCoordinates, "the geometry has a coordinate that is NaN or infinite");
                return null;
            }
            if (crs.IsGeographic && (c.X is < -180 or > 180 || c.Y is < -90 or > 90))
            {
                var swapped = c.Y is >= -180 and <= 180 && c.X is >= -90 and <= 90;
                Error(GridProblemKinds.BadCoordinates,
                    $"coordinate ({c.X}, {c.Y}) is out of range for {crs.Name} (lon -180..180, lat -90..90)" + (swapped ? "; are lon and lat swapped?" : ""));
                return null;
            }
        }

        var source = geometry;
        if (crs.Kind == CrsKind.Gcj02)
        {
            // The cap holds for the vertices stored, counted before they are made: 201 vertices with long edges
            // became 4.9 million when the cap was checked on the file's vertices alone.
            var densified = Gcj02Densify.VertexCount(geometry);
            if (densified > limits.MaxVertices)
            {
                Error(GridProblemKinds.TooManyVertices,
                    $"the geometry's {geometry.NumPoints:N0} vertices become {densified:N0} when its GCJ-02 edges are given a vertex every " +
                    $"{Gcj02Densify.StepDegrees.ToString(System.Globalization.CultureInfo.InvariantCulture)}° (about 100 m) to convert them; the limit is {limits.MaxVertices:N0} per feature (split the feature)");
                return null;
            }
            source = Gcj02Densify.Densify(geometry);
        }
        var wgs = Reprojection.ToWgs84(source, crs);
        var env = wgs.EnvelopeInternal;
        if (!limits.ServiceArea.Contains(env))
        {
            var swapped = limits.ServiceArea.Contains(new Envelope(env.MinY, env.MaxY, env.MinX, env.MaxX));
            Error(GridProblemKinds.OutsideServiceArea,
                $"the geometry (extent {env.MinX:0.#####},{env.MinY:0.#####} – {env.MaxX:0.#####},{env.MaxY:0.#####}) lies outside the service area" +
                (swapped ? "; lon and lat look swapped" : "") + $" ({crs.Name} was assumed)");
            return null;
        }

        var validity = new IsValidOp(wgs);
        if (!validity.IsValid)
        {
            var err = validity.ValidationError;
            var at = err.Coordinate is null ? null : GeometryFactories.Wgs84.CreatePoint(err.Coordinate);
            if (!fix)
            {
                Error(GridProblemKinds.InvalidGeometry, $"invalid geometry: {err.Message}" + (err.Coordinate is null ? "" : $" at ({err.Coordinate.X:0.######}, {err.Coordinate.Y:0.######})"), at);
                return null;
            }
            if (expected == GeometryKind.Polygon) return RepairPolygon(wgs, err.Message, at, limits, feature, code, problems);
            var repaired = GeometryFixer.Fix(wgs);
            if (repaired.IsEmpty || !IsOfKind(repaired, expected))
            {
                Error(GridProblemKinds.InvalidGeometry, $"invalid geometry ({err.Message}) that repair cannot keep as {what}");
                return null;
            }
            problems.Add(new GridProblem(Severity.Warning, GridProblemKinds.Fixed, $"repaired invalid geometry ({err.Message})", feature, code, Where: at));
            return repaired;
        }
        return wgs;
    }

    /// <summary>Repairs an invalid polygon, reporting the area the repair removed and added, refused over the tolerance.</summary>
    private static Geometry? RepairPolygon(Geometry invalid, string reason, Point? at, GeometryLimits limits, int feature, string? code, List<GridProblem> problems)
    {
        var r = PolygonRepair.Repair(invalid);
        if (r.Repaired is null)
        {
            problems.Add(new GridProblem(Severity.Error, GridProblemKinds.InvalidGeometry, $"invalid geometry ({reason}) that repair turns into no area", feature, code, Where: at));
            return null;
        }
        var change = $"{r.RemovedM2:N0} m² removed and {r.AddedM2:N0} m² added to the {r.EnclosedM2:N0} m² its rings enclose";
        if (r.ChangedM2 > limits.RepairToleranceM2)
        {
            problems.Add(new GridProblem(Severity.Error, GridProblemKinds.RepairChangesArea,
                $"repairing the invalid geometry ({reason}) would change its area, {change}: more than the repair tolerance of {limits.RepairToleranceM2:N0} m²; " +
                "correct the polygon, or import again with a larger repair tolerance to accept the change",
                feature, code, Math.Round(r.ChangedM2, 1), at, Math.Round(r.RemovedM2, 1), Math.Round(r.AddedM2, 1)));
            return null;
        }
        problems.Add(new GridProblem(Severity.Warning, GridProblemKinds.Fixed, $"repaired invalid geometry ({reason}): {change}",
            feature, code, Math.Round(r.ChangedM2, 1), at, Math.Round(r.RemovedM2, 1), Math.Round(r.AddedM2, 1)));
        return r.Repaired;
    }

    private static bool HasZOrM(Geometry geometry)
    {
        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsNaN(c.Z) || !double.IsNaN(c.M)) return true;
        }
        return false;
    }

    /// <summary>The polygons of a repaired geometry (repair may also yield lines and points, which carry no area).</summary>
    public static Geometry? PolygonalPart(Geometry geometry)
    {
        var polygons = PolygonExtracter.GetPolygons(geometry).Cast<Polygon>().Where(p => !p.IsEmpty).ToArray();
        return polygons.Length == 0 ? null : GeometryFactories.Wgs84.CreateMultiPolygon(polygons);
    }
}
