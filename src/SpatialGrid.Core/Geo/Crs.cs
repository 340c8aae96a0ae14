using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace SpatialGrid.Core.Geo;

/// <summary>
/// The coordinate systems SpatialGrid accepts, by name: EPSG:4326 / CRS84 (WGS 84), EPSG:4490 (CGCS2000
/// geographic, treated as WGS 84: they differ by centimetres), the CGCS2000 3-degree Gauss-Krüger zones
/// (EPSG:4513–4533 with zone prefix, EPSG:4534–4554 without), the UTM zones on WGS 84 (EPSG:32601–32660 north,
/// 32701–32760 south), EPSG:3857, and GCJ-02 (handled by <see cref="Gcj02"/>).
/// </summary>
public sealed class Crs
{
    public static readonly Crs Wgs84 = new("EPSG:4326", CrsKind.Geographic, null);
    public static readonly Crs Gcj02 = new("GCJ-02", CrsKind.Gcj02, null);

    /// <summary>The codes this class knows, for messages that refuse another.</summary>
    public const string Known = "EPSG:4326, EPSG:4490, EPSG:4513-4554 (CGCS2000 Gauss-Krüger), EPSG:32601-32660 and 32701-32760 (UTM on WGS 84), EPSG:3857 or GCJ-02";

    private static readonly CoordinateSystemFactory Factory = new();
    private static readonly CoordinateTransformationFactory TransformFactory = new();

    public string Name { get; }
    public CrsKind Kind { get; }

    /// <summary>The zone a Transverse Mercator CRS is meant for: its central meridian and the longitudes either side of it (1.5° for a 3-degree Gauss-Krüger zone, 3° for UTM).</summary>
    public (double CentralMeridian, double HalfWidth)? Zone { get; }

    /// <summary>The zone number a Gauss-Krüger CRS with zone prefix writes before its eastings (40 for 40,500,000 m at 120°E).</summary>
    public int? EastingPrefix { get; }

    private readonly ProjectedCoordinateSystem? _projected;
    private MathTransform? _toWgs84, _fromWgs84;

    private Crs(string name, CrsKind kind, ProjectedCoordinateSystem? projected, (double, double)? zone = null, int? eastingPrefix = null)
    {
        Name = name;
        Kind = kind;
        _projected = projected;
        Zone = zone;
        EastingPrefix = eastingPrefix;
    }

    public bool IsGeographic => Kind is CrsKind.Geographic or CrsKind.Gcj02;

    /// <summary>Parses "EPSG:4549", "4549", "urn:ogc:def:crs:EPSG::4549", "http://www.opengis.net/def/crs/EPSG/0/4549", "CRS84", "GCJ-02".</summary>
    public static bool TryParse(string? text, out Crs crs, out string? error)
    {
        crs = Wgs84;
        error = null;
        var s = (text ?? "").Trim();
        if (s.Length == 0) return true;
        var upper = s.ToUpperInvariant();
        if (upper is "GCJ-02" or "GCJ02" or "GCJ") { crs = Gcj02; return true; }
        if (upper.EndsWith("CRS84") || upper.EndsWith("OGC:1.3:CRS84")) return true;
        var digits = upper;
        foreach (var prefix in new[] { "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", "URN:OGC:DEF:CRS:EPSG::", "URN:OGC:DEF:CRS:EPSG:", "EPSG::", "EPSG:" })
        {
            if (digits.StartsWith(prefix)) { digits = digits[prefix.Length..]; break; }
        }
        if (!int.TryParse(digits, out var code))
        {
            error = $"'{s}' is not a coordinate system SpatialGrid knows; use {Known}";
            return false;
        }
        if (!TryFromEpsg(code, out crs))
        {
            error = $"EPSG:{code} is not supported; use {Known}";
            return false;
        }
        return true;
    }

    public static bool TryFromEpsg(int code, out Crs crs)
    {
        crs = Wgs84;
        switch (code)
        {
            case 4326: return true;
            case 4490: crs = new("EPSG:4490", CrsKind.Geographic, null); return true;
            case 3857: crs = new("EPSG:3857", CrsKind.Projected, (ProjectedCoordinateSystem)ProjectedCoordinateSystem.WebMercator); return true;
            case >= 4534 and <= 4554:
                crs = GaussKruger(code, 75 + 3 * (code - 4534), zonePrefix: false); return true;
            case >= 4513 and <= 4533:
                crs = GaussKruger(code, 75 + 3 * (code - 4513), zonePrefix: true); return true;
            case >= 32601 and <= 32660:
                crs = Utm(code, code - 32600, south: false); return true;
            case >= 32701 and <= 32760:
                crs = Utm(code, code - 32700, south: true); return true;
            default: return false;
        }
    }

    /// <summary>The CGCS2000 3-degree Gauss-Krüger zone (without zone prefix) whose central meridian is nearest to the longitude.</summary>
    public static Crs GaussKrugerFor(double lon)
    {
        var cm = Math.Clamp((int)Math.Round(lon / 3.0) * 3, 75, 135);
        return GaussKruger(4534 + (cm - 75) / 3, cm, zonePrefix: false);
    }

    private static Crs GaussKruger(int epsg, int centralMeridian, bool zonePrefix)
    {
        var zone = centralMeridian / 3;
        var falseEasting = zonePrefix ? zone * 1_000_000.0 + 500_000.0 : 500_000.0;
        // CGCS2000 uses the GRS 80 ellipsoid, which differs from WGS 84's by 0.1 mm in the semi-minor axis;
        // building the zone on WGS 84 keeps ProjNET from attempting a datum shift that has no parameters.
        var projected = TransverseMercator($"CGCS2000 / 3-degree Gauss-Kruger CM {centralMeridian}E", centralMeridian, 1.0, falseEasting, 0);
        return new Crs($"EPSG:{epsg}", CrsKind.Projected, projected, (centralMeridian, 1.5), zonePrefix ? zone : null);
    }

    /// <summary>A UTM zone on WGS 84: Transverse Mercator with scale 0.9996 (a Gauss-Krüger reading of it is off by 1.4 km at 31°N).</summary>
    private static Crs Utm(int epsg, int zone, bool south)
    {
        var centralMeridian = zone * 6 - 183;
        var projected = TransverseMercator($"WGS 84 / UTM zone {zone}{(south ? "S" : "N")}", centralMeridian, 0.9996, 500_000, south ? 10_000_000 : 0);
        return new Crs($"EPSG:{epsg}", CrsKind.Projected, projected, (centralMeridian, 3.0));
    }

    private static ProjectedCoordinateSystem TransverseMercator(string name, double centralMeridian, double scale, double falseEasting, double falseNorthing)
    {
        var parameters = new List<ProjectionParameter>
        {
            new("latitude_of_origin", 0),
            new("central_meridian", centralMeridian),
            new("scale_factor", scale),
            new("false_easting", falseEasting),
            new("false_northing", falseNorthing),
        };
        var projection = Factory.CreateProjection("Transverse_Mercator", "Transverse_Mercator", parameters);
        return Factory.CreateProjectedCoordinateSystem(name, GeographicCoordinateSystem.WGS84, projection,
            LinearUnit.Metre, new AxisInfo("East", AxisOrientationEnum.East), new AxisInfo("North", AxisOrientationEnum.North));
    }

    /// <summary>Converts one coordinate of this CRS to WGS 84 longitude/latitude.</summary>
    public (double Lon, double Lat) ToWgs84(double x, double y)
    {
        switch (Kind)
        {
            case CrsKind.Geographic: return (x, y);
            case CrsKind.Gcj02: return Geo.Gcj02.ToWgs84(x, y);
            default:
                _toWgs84 ??= TransformFactory.CreateFromCoordinateSystems(_projected!, GeographicCoordinateSystem.WGS84).MathTransform;
                return _toWgs84.Transform(x, y);
        }
    }

    /// <summary>Converts WGS 84 longitude/latitude to this CRS.</summary>
    public (double X, double Y) FromWgs84(double lon, double lat)
    {
        switch (Kind)
        {
            case CrsKind.Geographic: return (lon, lat);
            case CrsKind.Gcj02: return Geo.Gcj02.FromWgs84(lon, lat);
            default:
                _fromWgs84 ??= TransformFactory.CreateFromCoordinateSystems(GeographicCoordinateSystem.WGS84, _projected!).MathTransform;
                return _fromWgs84.Transform(lon, lat);
        }
    }

    public override string ToString() => Name;
}

public enum CrsKind
{
    Geographic,
    Gcj02,
    Projected,
}
