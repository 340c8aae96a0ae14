using NetTopologySuite.Densify;
using NetTopologySuite.Geometries;

namespace SpatialGrid.Core.Geo;

/// <summary>
/// Edges of GCJ-02 geometries get a vertex every <see cref="StepDegrees"/> before conversion. GCJ-02's offset wiggles
/// (periods of a third of a degree): a straight 1 km edge moved by its two end points alone drifts ~0.2 m from where
/// its middle belongs, enough to open gaps and overhangs between neighbours; at ~100 m the drift stays under a millimetre.
/// </summary>
public static class Gcj02Densify
{
    public const double StepDegrees = 0.001;

    /// <summary>
    /// The densified geometry. NTS's own validation is off: it buffers a polygon by zero, which silently drops the lobe of
    /// a self-intersecting ring that runs the other way; validity is checked (and repaired with fix) after conversion.
    /// </summary>
    public static Geometry Densify(Geometry geometry) =>
        new Densifier(geometry) { DistanceTolerance = StepDegrees, Validate = false }.GetResultGeometry();

    /// <summary>The vertices <see cref="Densify"/> makes at most, counted without making them.</summary>
    public static long VertexCount(Geometry geometry)
    {
        long total = 0;
        foreach (var line in LinesOf(geometry))
        {
            var c = line.CoordinateSequence;
            total += c.Count;
            for (var i = 0; i + 1 < c.Count; i++)
            {
                var length = Math.Sqrt(Math.Pow(c.GetX(i + 1) - c.GetX(i), 2) + Math.Pow(c.GetY(i + 1) - c.GetY(i), 2));
                if (length > StepDegrees) total += (long)Math.Ceiling(length / StepDegrees) - 1;
            }
        }
        return total + geometry.NumPoints - LinesOf(geometry).Sum(l => (long)l.NumPoints);
    }

    private static IEnumerable<LineString> LinesOf(Geometry geometry) =>
        NetTopologySuite.Geometries.Utilities.LinearComponentExtracter.GetLines(geometry).Cast<LineString>();
}
