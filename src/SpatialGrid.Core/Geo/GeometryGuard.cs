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
}

/// <summary>
/// Turns a geometry read from a file into a valid 2-D WGS 84 MultiPolygon, or says precisely why it cannot.
/// With <c>fix</c>, invalid polygons are repaired (NTS GeometryFixer, the MakeValid of NTS) and Z/M dropped; each repair is reported.
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
            var repaired = GeometryFixer.Fix(wgs);
            if (expected == GeometryKind.Polygon)
            {
                var polygonal = PolygonalPart(repaired);
                if (polygonal is null)
                {
                    Error(GridProblemKinds.InvalidGeometry, $"invalid geometry ({err.Message}) that repair turns into no area");
                    return null;
                }
                problems.Add(new GridProblem(Severity.Warning, GridProblemKinds.Fixed,
                    $"repaired invalid geometry ({err.Message}): area {Measure.AreaM2(wgs):0} → {Measure.AreaM2(polygonal):0} m²", feature, code, Where: at));
                return polygonal;
            }
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
