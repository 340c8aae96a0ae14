using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// Builds a zipped Shapefile the way desktop GIS tools leave one: .shp/.shx/.dbf from NetTopologySuite's writer,
/// a .prj as ArcGIS writes it, and the DBF's code page declared by a .cpg, by the DBF's language-driver byte, or not
/// at all. Features are SmallCity's (GeoJSON objects in WGS 84), moved into the file's CRS by <see cref="Project"/>.
/// </summary>
public sealed record ShapefileZip(string Prj)
{
    public const string Wgs84 =
        """GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]""";

    public const string CgcsGkCm120 =
        """PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";

    /// <summary>Zone 41 with the zone number in the easting (central meridian 123°E, false easting 41,500,000 m).</summary>
    public const string CgcsGkZone41 =
        """PROJCS["CGCS2000_3_Degree_GK_Zone_41",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",41500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";

    public const string Utm50N =
        """PROJCS["WGS_1984_UTM_Zone_50N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";

    public const string XianGkCm120 =
        """PROJCS["Xian_1980_3_Degree_GK_CM_120E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";

    /// <summary>
    /// "东区网格" as its GBK bytes (B6 AB C7 F8 CD F8 B8 F1), to write with <see cref="Encoding.Latin1"/>, which copies
    /// bytes 0–255 as they are. The tests register no code-page provider: the service runs in their process, and
    /// must not depend on one that a test set up.
    /// </summary>
    public const string EastGridInGbk = "\u00B6\u00AB\u00C7\u00F8\u00CD\u00F8\u00B8\u00F1";

    /// <summary>The DBF's text encoding.</summary>
    public Encoding Encoding { get; init; } = new UTF8Encoding(false);

    /// <summary>The .cpg's text; null writes no .cpg.</summary>
    public string? Cpg { get; init; }

    /// <summary>Byte 29 of the DBF header (0 = not declared; 0x4D = code page 936).</summary>
    public byte LanguageDriver { get; init; }

    /// <summary>From WGS 84 longitude/latitude to the file's coordinates.</summary>
    public Func<double, double, (double X, double Y)> Project { get; init; } = (x, y) => (x, y);

    public byte[] Build(IEnumerable<JsonObject> features)
    {
        var dir = Directory.CreateTempSubdirectory("sg-shpw-");
        try
        {
            var shp = Path.Combine(dir.FullName, "grids.shp");
            var list = features.Select(f => (IFeature)new Feature(Polygon(f["geometry"]!),
                new AttributesTable { { "code", (string)f["properties"]!["code"]! }, { "name", (string)f["properties"]!["name"]! } })).ToList();
            Shapefile.WriteAllFeatures(list, shp, Prj, Encoding);
            // The writer declares its encoding in both places; keep only what the test asks for.
            File.Delete(Path.ChangeExtension(shp, ".cpg"));
            if (Cpg is not null) File.WriteAllText(Path.ChangeExtension(shp, ".cpg"), Cpg);
            var dbf = Path.ChangeExtension(shp, ".dbf");
            var bytes = File.ReadAllBytes(dbf);
            bytes[29] = LanguageDriver;
            File.WriteAllBytes(dbf, bytes);
            var zip = Path.Combine(Path.GetTempPath(), $"sg-{Guid.NewGuid():N}.zip");
            ZipFile.CreateFromDirectory(dir.FullName, zip);
            var content = File.ReadAllBytes(zip);
            File.Delete(zip);
            return content;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The zip with one more member.</summary>
    public static byte[] WithMember(byte[] zip, string name, byte[] content)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        stream.Position = 0;
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var member = archive.CreateEntry(name).Open();
            member.Write(content);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// The zip with a member's uncompressed size declared as <paramref name="size"/> in both its local and its central
    /// header, whatever the member really holds: a zip that lies about its size.
    /// </summary>
    public static byte[] DeclaringSize(byte[] zip, string name, uint size)
    {
        var bytes = (byte[])zip.Clone();
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var patched = 0;
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            if (bytes[i] != 0x50 || bytes[i + 1] != 0x4B) continue;
            // Local header PK\3\4: size at 22, name length at 26, name at 30. Central header PK\1\2: 24, 28, 46.
            var (sizeAt, nameLengthAt, nameAt) = (bytes[i + 2], bytes[i + 3]) switch
            {
                (3, 4) => (22, 26, 30),
                (1, 2) => (24, 28, 46),
                _ => (-1, 0, 0),
            };
            if (sizeAt < 0 || BitConverter.ToUInt16(bytes, i + nameLengthAt) != nameBytes.Length) continue;
            if (!bytes.AsSpan(i + nameAt, nameBytes.Length).SequenceEqual(nameBytes)) continue;
            BitConverter.GetBytes(size).CopyTo(bytes, i + sizeAt);
            patched++;
        }
        if (patched != 2) throw new InvalidOperationException($"{name}: {patched} headers found, expected 2");
        return bytes;
    }

    private Polygon Polygon(JsonNode geometry)
    {
        var ring = geometry["coordinates"]![0]!.AsArray()
            .Select(p => Project((double)p![0]!, (double)p[1]!))
            .Select(p => new Coordinate(p.X, p.Y)).ToArray();
        return new GeometryFactory().CreatePolygon(ring);
    }
}
