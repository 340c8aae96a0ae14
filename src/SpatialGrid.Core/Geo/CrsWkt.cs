using System.Globalization;
using ProjNet.CoordinateSystems;
using ProjNet.IO.CoordinateSystems;

namespace SpatialGrid.Core.Geo;

/// <summary>
/// The coordinate system a .prj declares, read from its WKT (parsed by ProjNET) by datum, projection and parameters
/// rather than by its name: WGS 84 and CGCS2000 geographic, CGCS2000 3-degree Gauss-Krüger zones with or without
/// the zone number in the eastings, and UTM zones on WGS 84. A datum SpatialGrid cannot convert exactly (Xian 1980,
/// Beijing 1954: the shift to CGCS2000 needs the province's published parameters) is refused with what to do, and
/// so is a projection whose parameters are not one of those zones (scale factor, false easting, unit).
/// </summary>
public static class CrsWkt
{
    private enum Datum { Wgs84, Cgcs2000, Xian1980, Beijing1954, Other }

    public static bool TryRead(string wkt, out Crs crs, out string? error)
    {
        crs = Crs.Wgs84;
        error = null;
        object? parsed;
        try
        {
            parsed = CoordinateSystemWktReader.Parse(wkt.Trim());
        }
        catch (Exception e)
        {
            error = $"the .prj is not a coordinate system in WKT ({e.Message})";
            return false;
        }
        var name = parsed is CoordinateSystem named ? named.Name : "";
        switch (parsed)
        {
            case GeographicCoordinateSystem g:
                if (DatumError(g, name) is { } datumError) { error = datumError; return false; }
                if (Math.Abs(g.AngularUnit.RadiansPerUnit - Math.PI / 180) > 1e-12 || Math.Abs(g.PrimeMeridian.Longitude) > 1e-9)
                {
                    error = $"the .prj's {name} is not in degrees from Greenwich";
                    return false;
                }
                return Crs.TryFromEpsg(DatumOf(g) == Datum.Wgs84 ? 4326 : 4490, out crs);
            case ProjectedCoordinateSystem p:
                if (DatumError(p.GeographicCoordinateSystem, name) is { } projectedDatumError) { error = projectedDatumError; return false; }
                error = Projected(p, name, out var epsg);
                return error is null && Crs.TryFromEpsg(epsg, out crs);
            default:
                error = $"the .prj declares {Describe(parsed)}, which is neither a geographic nor a projected coordinate system";
                return false;
        }
    }

    /// <summary>The EPSG code of a Transverse Mercator zone SpatialGrid knows, or why the projection is not one.</summary>
    private static string? Projected(ProjectedCoordinateSystem p, string name, out int epsg)
    {
        epsg = 0;
        var projection = Key(p.Projection.ClassName);
        if (projection is not ("transversemercator" or "gausskruger"))
            return $"the .prj's {name} uses the {p.Projection.ClassName} projection; SpatialGrid reads Gauss-Krüger and UTM (Transverse Mercator) zones: reproject to {Crs.Known}";
        if (Math.Abs(p.LinearUnit.MetersPerUnit - 1) > 1e-12) return $"the .prj's {name} is in {p.LinearUnit.Name}, not metres";
        var parameters = Enumerable.Range(0, p.Projection.NumParameters).Select(p.Projection.GetParameter).ToDictionary(x => Key(x.Name), x => x.Value);
        double Parameter(string key) => parameters.TryGetValue(key, out var v) ? v : 0;
        double cm = Parameter("centralmeridian"), k = parameters.TryGetValue("scalefactor", out var sf) ? sf : 1, fe = Parameter("falseeasting"), fn = Parameter("falsenorthing");
        var found = string.Create(CultureInfo.InvariantCulture,
            $"central meridian {cm}°, scale factor {k}, false easting {fe:0.###} m, false northing {fn:0.###} m, latitude of origin {Parameter("latitudeoforigin")}°");
        if (Math.Abs(Parameter("latitudeoforigin")) > 1e-9) return $"the .prj's {name} has a latitude of origin other than the equator ({found})";
        if (DatumOf(p.GeographicCoordinateSystem) == Datum.Cgcs2000)
        {
            if (Math.Abs(k - 1) > 1e-9 || Math.Abs(fn) > 1e-3 || !IsWhole(cm / 3) || cm is < 75 or > 135)
                return $"the .prj's {name} is not a CGCS2000 3-degree Gauss-Krüger zone (scale factor 1, central meridian 75°E–135°E in steps of 3°): {found}";
            var zone = (int)Math.Round(cm / 3);
            var offset = ((int)Math.Round(cm) - 75) / 3;
            if (Math.Abs(fe - 500_000) < 1e-3) { epsg = 4534 + offset; return null; }
            if (Math.Abs(fe - (zone * 1_000_000 + 500_000)) < 1e-3) { epsg = 4513 + offset; return null; }
            return string.Create(CultureInfo.InvariantCulture,
                $"the .prj's {name} has a false easting of {fe:0.###} m, which fits neither zone {zone} ({cm}°E) without its number (500,000 m) nor with it ({zone},500,000 m)");
        }
        var utmZone = (cm + 183) / 6;
        if (Math.Abs(k - 0.9996) > 1e-9 || Math.Abs(fe - 500_000) > 1e-3 || !IsWhole(utmZone) || utmZone is < 1 or > 60 || (Math.Abs(fn) > 1e-3 && Math.Abs(fn - 10_000_000) > 1e-3))
            return $"the .prj's {name} is Transverse Mercator on WGS 84 but not a UTM zone (scale factor 0.9996, false easting 500,000 m, central meridian 6n−183°): {found}; reproject to {Crs.Known}";
        epsg = (fn > 1 ? 32700 : 32600) + (int)Math.Round(utmZone);
        return null;
    }

    private static bool IsWhole(double v) => Math.Abs(v - Math.Round(v)) < 1e-9;

    /// <summary>Why the datum is refused, or null for WGS 84 and CGCS2000 (whose ellipsoids must also be theirs).</summary>
    private static string? DatumError(GeographicCoordinateSystem g, string name)
    {
        var datum = g.HorizontalDatum;
        string Refused(string which) =>
            $"the .prj's {name} is on the {which} datum, which SpatialGrid cannot convert exactly (the shift to CGCS2000 is tens of metres and needs " +
            "the province's published transformation parameters): reproject the file to CGCS2000 (geographic or a Gauss-Krüger zone) or WGS 84 first, " +
            "e.g. with those parameters in ArcGIS or QGIS, and import it again";
        switch (DatumOf(g))
        {
            case Datum.Xian1980: return Refused("Xian 1980");
            case Datum.Beijing1954: return Refused("Beijing 1954");
            case Datum.Other: return Refused($"'{datum.Name}'");
        }
        var (a, inverseF) = (datum.Ellipsoid.SemiMajorAxis, datum.Ellipsoid.InverseFlattening);
        var expected = DatumOf(g) == Datum.Wgs84 ? 298.257223563 : 298.257222101;
        if (Math.Abs(a - 6378137) > 1e-3 || Math.Abs(inverseF - expected) > 1e-6)
            return string.Create(CultureInfo.InvariantCulture, $"the .prj's {name} names the {datum.Name} datum on another ellipsoid (a = {a} m, 1/f = {inverseF}): the file is not what it says");
        return null;
    }

    private static Datum DatumOf(GeographicCoordinateSystem g)
    {
        var d = Key(g.HorizontalDatum.Name);
        if (d.Contains("xian")) return Datum.Xian1980;
        if (d.Contains("beijing")) return Datum.Beijing1954;
        if (d.Contains("2000") && (d.Contains("china") || d.Contains("cgcs"))) return Datum.Cgcs2000;
        if (d.Contains("wgs") && d.Contains("84") || d.Contains("worldgeodeticsystem1984")) return Datum.Wgs84;
        return Datum.Other;
    }

    /// <summary>A WKT name compared without case, spaces, underscores or dashes ("False_Easting" = "false easting").</summary>
    private static string Key(string s) => new(s.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

    private static string Describe(object? parsed) => parsed is CoordinateSystem cs ? $"{cs.Name} ({cs.GetType().Name})" : parsed?.GetType().Name ?? "nothing";
}
