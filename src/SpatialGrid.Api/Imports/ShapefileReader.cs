using System.IO.Compression;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Imports;

/// <summary>
/// Reads a zipped Shapefile: exactly one .shp with its .dbf (and .prj, .cpg) beside it. Polygons are built as the
/// file has them, invalid or not, so that an invalid ring is reported for its feature and <c>fix</c> repairs it as in
/// every other format, instead of the reader refusing the whole file; the DBF's code page is <see cref="DbfCodePage"/>'s.
/// </summary>
internal static class ShapefileReader
{
    /// <summary>A zip bomb would expand far past the upload cap.</summary>
    private const long MaxExpandedBytes = 2L * 1024 * 1024 * 1024;

    private static readonly string[] Parts = [".shp", ".shx", ".dbf", ".prj", ".cpg"];

    public static FeatureFile Read(string path)
    {
        var dir = Directory.CreateTempSubdirectory("sg-shp-");
        try
        {
            Extract(path, dir.FullName);
            string Part(string ext) => Path.Combine(dir.FullName, "layer" + ext);
            if (!File.Exists(Part(".dbf"))) throw new FeatureFileException("bad-shapefile", "the zip has a .shp but no .dbf beside it");
            var prj = File.Exists(Part(".prj")) ? File.ReadAllText(Part(".prj")) : "";
            string? declared = null;
            if (!string.IsNullOrWhiteSpace(prj))
                declared = CrsWkt.TryRead(prj, out var crs, out var crsError) ? crs.Name : throw new FeatureFileException("unsupported-crs", crsError!);
            ShapefileRecords.Check(Part(".shp"));
            var codePage = DbfCodePage.Of(Part(".dbf"), File.Exists(Part(".cpg")) ? File.ReadAllText(Part(".cpg")) : null);
            var options = new ShapefileReaderOptions
            {
                Encoding = codePage.Encoding,
                // Strict mode throws on the first invalid polygon ("Invalid polygon geometry.") and loses the whole file.
                GeometryBuilderMode = GeometryBuilderMode.IgnoreInvalidShapes,
            };
            var features = new List<RawFeature>();
            try
            {
                var i = 0;
                foreach (var f in NetTopologySuite.IO.Esri.Shapefile.ReadAllFeatures(Part(".shp"), options))
                {
                    var props = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                    foreach (var name in f.Attributes.GetNames()) props[name] = f.Attributes[name];
                    features.Add(new RawFeature(i++, props, f.Geometry, null, codePage.LostText(props)));
                }
            }
            catch (Exception e) when (e is not FeatureFileException)
            {
                throw new FeatureFileException("bad-shapefile", $"the Shapefile cannot be read: {e.Message}");
            }
            return new FeatureFile("shapefile", declared, features);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Extracts the one layer of the zip as layer.shp, layer.dbf, … whatever its name and the case of its extensions.</summary>
    private static void Extract(string path, string dir)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > MaxExpandedBytes) throw new FeatureFileException("too-large", "the zip expands to more than 2 GiB");
            }
            var shps = zip.Entries.Where(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)).ToList();
            if (shps.Count != 1)
                throw new FeatureFileException("bad-shapefile", $"the zip must hold exactly one .shp (with its .shx, .dbf and .prj); it holds {shps.Count}");
            var stem = shps[0].FullName[..^4];
            // Only the parts that are read: an entry named with a NUL (found by fuzzing) made ExtractToFile throw.
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(stem, StringComparison.OrdinalIgnoreCase) && !e.FullName.Contains("..")))
            {
                var part = Path.GetExtension(entry.FullName).ToLowerInvariant();
                if (Parts.Contains(part)) entry.ExtractToFile(Path.Combine(dir, "layer" + part));
            }
        }
        catch (InvalidDataException e)
        {
            throw new FeatureFileException("bad-zip", $"the zip archive cannot be read: {e.Message}");
        }
    }
}
