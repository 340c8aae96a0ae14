using System.IO.Compression;
using System.Text;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;

namespace SpatialGrid.Fuzz;

/// <summary>
/// Seeds that have no file in the repository: small zipped Shapefiles (two grids with a code and a Chinese name, with
/// and without .prj and .cpg), written by NetTopologySuite's writer as a desktop GIS would leave them.
/// </summary>
public static class Seeds
{
    private const string Wgs84Prj =
        """GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]""";

    public static void Write(string dir)
    {
        var target = Directory.CreateDirectory(Path.Combine(dir, "shapefile")).FullName;
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        Polygon Square(double x, double y) => factory.CreatePolygon([new(x, y), new(x + 0.001, y), new(x + 0.001, y + 0.001), new(x, y + 0.001), new(x, y)]);
        var features = new List<IFeature>
        {
            new Feature(Square(121.47, 31.23), new AttributesTable { { "code", "310101002001001" }, { "name", "东区网格" } }),
            new Feature(Square(121.471, 31.23), new AttributesTable { { "code", "310101002001002" }, { "name", "西区" } }),
        };
        File.WriteAllBytes(Path.Combine(target, "two-grids.zip"), Zip(features, Wgs84Prj, "UTF-8"));
        File.WriteAllBytes(Path.Combine(target, "no-prj-no-cpg.zip"), Zip(features[..1], null, null));
    }

    private static byte[] Zip(List<IFeature> features, string? prj, string? cpg)
    {
        var dir = Directory.CreateTempSubdirectory("sg-fuzz-seed-");
        try
        {
            var shp = Path.Combine(dir.FullName, "grids.shp");
            Shapefile.WriteAllFeatures(features, shp, prj, new UTF8Encoding(false));
            if (prj is null) File.Delete(Path.ChangeExtension(shp, ".prj"));
            File.Delete(Path.ChangeExtension(shp, ".cpg"));
            if (cpg is not null) File.WriteAllText(Path.ChangeExtension(shp, ".cpg"), cpg);
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, true))
            {
                foreach (var file in Directory.GetFiles(dir.FullName).Order()) zip.CreateEntryFromFile(file, Path.GetFileName(file));
            }
            return buffer.ToArray();
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
