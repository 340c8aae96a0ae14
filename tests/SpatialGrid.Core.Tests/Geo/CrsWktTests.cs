using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Tests.Geo;

/// <summary>.prj files as ArcGIS, QGIS and GDAL write them, read by datum and parameters, not by name.</summary>
public class CrsWktTests
{
    private const string Degree = """PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]""";
    private const string Cgcs2000 = $$"""GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],{{Degree}}]""";
    private const string Wgs84 = $$"""GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],{{Degree}}]""";
    private const string Xian1980 = $$"""GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],{{Degree}}]""";
    private const string Beijing1954 = $$"""GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],{{Degree}}]""";

    private static string Projected(string name, string geographic, string projection, double fe, double cm, double k, double fn = 0) =>
        FormattableString.Invariant($"""PROJCS["{name}",{geographic},PROJECTION["{projection}"],PARAMETER["False_Easting",{fe:0.0}],PARAMETER["False_Northing",{fn:0.0}],PARAMETER["Central_Meridian",{cm:0.0}],PARAMETER["Scale_Factor",{k}],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""");

    public static TheoryData<string, string> Supported => new()
    {
        { Wgs84, "EPSG:4326" },
        { Cgcs2000, "EPSG:4490" },
        { Projected("CGCS2000_3_Degree_GK_CM_120E", Cgcs2000, "Gauss_Kruger", 500_000, 120, 1), "EPSG:4549" },
        { Projected("CGCS2000_3_Degree_GK_Zone_40", Cgcs2000, "Gauss_Kruger", 40_500_000, 120, 1), "EPSG:4528" },
        { Projected("WGS_1984_UTM_Zone_50N", Wgs84, "Transverse_Mercator", 500_000, 117, 0.9996), "EPSG:32650" },
        // As GDAL and QGIS write EPSG:4549 in OGC WKT, with authorities.
        { """PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","4549"]]""", "EPSG:4549" },
    };

    [Theory]
    [MemberData(nameof(Supported))]
    public void A_prj_is_read_by_its_datum_and_parameters(string wkt, string expected)
    {
        Assert.True(CrsWkt.TryRead(wkt, out var crs, out var error), error);
        Assert.Equal(expected, crs.Name);
    }

    [Fact]
    public void Utm_keeps_its_scale_factor()
    {
        Assert.True(CrsWkt.TryRead(Projected("WGS_1984_UTM_Zone_50N", Wgs84, "Transverse_Mercator", 500_000, 117, 0.9996), out var utm, out _));
        var (x, y) = utm.FromWgs84(117.0, 31.0);
        Assert.Equal(500_000, x, 1e-3);
        Assert.Equal(0.9996 * 3_430_974.3, y, 0.5);
        // One degree east of the central meridian a Gauss-Krüger reading (scale 1) of the same metres is 1.4 km off.
        Assert.True(Crs.TryParse("EPSG:4548", out var gk, out _)); // CGCS2000 GK zone CM 117°E
        var (ux, uy) = utm.FromWgs84(118.0, 31.0);
        var (lon, lat) = gk.ToWgs84(ux, uy);
        var metres = Math.Sqrt(Math.Pow((lon - 118.0) * 95_400, 2) + Math.Pow((lat - 31.0) * 110_900, 2));
        Assert.InRange(metres, 1_300, 1_500);
    }

    [Theory]
    [InlineData("Xian_1980_3_Degree_GK_CM_120E", "Xian 1980")]
    [InlineData("Beijing_1954_3_Degree_GK_CM_120E", "Beijing 1954")]
    public void Datums_that_cannot_be_converted_exactly_are_refused_with_what_to_do(string name, string datum)
    {
        var geographic = datum == "Xian 1980" ? Xian1980 : Beijing1954;
        Assert.False(CrsWkt.TryRead(Projected(name, geographic, "Gauss_Kruger", 500_000, 120, 1), out _, out var error));
        Assert.Contains(datum, error);
        Assert.Contains("reproject the file to CGCS2000", error);
    }

    [Fact]
    public void A_false_easting_that_fits_no_zone_is_refused()
    {
        // Central meridian 120°E is zone 40; 41,500,000 m is zone 41's false easting.
        Assert.False(CrsWkt.TryRead(Projected("CGCS2000_3_Degree_GK_Zone_40", Cgcs2000, "Gauss_Kruger", 41_500_000, 120, 1), out _, out var error));
        Assert.Contains("false easting of 41500000 m", error);
    }

    [Theory]
    [InlineData(500_000, 117, 1.0, "not a UTM zone")]        // Gauss-Krüger parameters on WGS 84
    [InlineData(500_000, 118, 0.9996, "not a UTM zone")]     // no UTM zone has 118°E
    public void Transverse_mercator_on_wgs84_must_be_a_utm_zone(double fe, double cm, double k, string reason)
    {
        Assert.False(CrsWkt.TryRead(Projected("Custom", Wgs84, "Transverse_Mercator", fe, cm, k), out _, out var error));
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("not a projection")]
    [InlineData("""PROJCS["Asia_Lambert_Conformal_Conic",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Standard_Parallel_1",30.0],PARAMETER["Standard_Parallel_2",62.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""")]
    public void Anything_else_is_refused_with_a_reason(string wkt)
    {
        Assert.False(CrsWkt.TryRead(wkt, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Features_far_from_the_central_meridian_are_warned_about_once_with_the_zone_their_eastings_carry()
    {
        Assert.True(Crs.TryParse("EPSG:4529", out var zone41, out _)); // CGCS2000 GK zone 41 (123°E) with zone prefix
        var near = new WKTReader().Read("POLYGON((122.9 31, 123.1 31, 123.1 31.1, 122.9 31, 122.9 31))");
        Assert.Null(CrsZoneCheck.Check(zone41, [(0, "a", near)]));
        // Zone 40 metres read as zone 41 land ~10° west of 123°E.
        var far = new WKTReader().Read("POLYGON((112.5 31, 112.6 31, 112.6 31.1, 112.5 31, 112.5 31))");
        var warning = CrsZoneCheck.Check(zone41, [(0, "a", near), (1, "b", far), (2, "c", far)]);
        Assert.NotNull(warning);
        Assert.Equal(("outside-crs-zone", 1), (warning.Kind, warning.Feature));
        Assert.Contains("2 feature(s)", warning.Message);
        Assert.Contains("zone 40", warning.Message);
    }
}
