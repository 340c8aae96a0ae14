using System.Globalization;
using NetTopologySuite.Geometries;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Core.Geo;

/// <summary>
/// Warns when features lie outside the zone their projected CRS is meant for: farther from its central meridian than
/// the zone's half width plus half a degree. Coordinates that far out most likely belong to another zone (metres of
/// Gauss-Krüger zone 40 under a .prj that says zone 41 land ~10° west, still inside China), yet the file may be
/// right, so the import goes on and says so.
/// </summary>
public static class CrsZoneCheck
{
    private const double MarginDegrees = 0.5;

    public static GridProblem? Check(Crs crs, IEnumerable<(int Feature, string? Code, Geometry Wgs84)> features)
    {
        if (crs.Zone is not { } zone) return null;
        var (centralMeridian, halfWidth) = zone;
        var limit = halfWidth + MarginDegrees;
        var outside = features
            .Select(f => (f.Feature, f.Code, f.Wgs84.EnvelopeInternal))
            .Select(f => (f.Feature, f.Code, f.EnvelopeInternal, Lon: Math.Abs(f.EnvelopeInternal.MinX - centralMeridian) > Math.Abs(f.EnvelopeInternal.MaxX - centralMeridian)
                ? f.EnvelopeInternal.MinX : f.EnvelopeInternal.MaxX))
            .Where(f => Math.Abs(f.Lon - centralMeridian) > limit)
            .ToList();
        if (outside.Count == 0) return null;
        var first = outside[0];
        var hint = "";
        if (crs.EastingPrefix is { } declared)
        {
            // The zone number a file writes before its eastings is the zone its metres were computed in.
            var centre = first.EnvelopeInternal.Centre;
            var carried = (int)Math.Floor(crs.FromWgs84(centre.X, centre.Y).X / 1_000_000);
            if (carried != declared) hint = $"; its eastings carry zone {carried} ({carried * 3}°E), not the declared zone {declared}";
        }
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{outside.Count} feature(s) lie more than {limit}° of longitude from the central meridian {centralMeridian}°E of {crs.Name} " +
            $"(feature {first.Feature} reaches {first.Lon:0.###}°E){hint}: the coordinates may belong to another zone; check the .prj or the crs given");
        return new GridProblem(Severity.Warning, GridProblemKinds.OutsideCrsZone, message, first.Feature, first.Code);
    }
}
