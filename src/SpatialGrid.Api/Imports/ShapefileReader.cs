using System.Buffers.Binary;
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
            CheckRecords(Part(".shp"));
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

    /// <summary>
    /// Each record of the .shp must fit in the file. NetTopologySuite's reader trusts a record's claimed length: a
    /// .shp of 236 bytes whose record claimed 2.8 GB cost it 7 s and 900 MB before it gave up (found by fuzzing).
    /// Fewer than 8 bytes left after the last record (padding some writers leave) are not a record and are let be.
    /// </summary>
    private static void CheckRecords(string shp)
    {
        using var s = File.OpenRead(shp);
        if (s.Length < 100) throw new FeatureFileException("bad-shapefile", $"the .shp is {s.Length} bytes, shorter than its 100-byte header");
        Span<byte> header = stackalloc byte[8];
        long at = 100;
        for (var n = 1; s.Length - at >= 8; n++)
        {
            s.Position = at;
            s.ReadExactly(header);
            var content = BinaryPrimitives.ReadInt32BigEndian(header[4..]) * 2L;
            var left = s.Length - at - 8;
            if (content < 0 || content > left)
                throw new FeatureFileException("bad-shapefile", $"record {n} of the .shp claims {content} bytes but the file has {left} left: the file is cut off or damaged");
            at += 8 + content;
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
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(stem, StringComparison.OrdinalIgnoreCase) && !e.FullName.Contains("..")))
                entry.ExtractToFile(Path.Combine(dir, "layer" + Path.GetExtension(entry.FullName).ToLowerInvariant()));
        }
        catch (InvalidDataException e)
        {
            throw new FeatureFileException("bad-zip", $"the zip archive cannot be read: {e.Message}");
        }
    }
}
