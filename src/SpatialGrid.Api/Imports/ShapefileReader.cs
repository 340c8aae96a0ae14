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
    /// <summary>A zip bomb would expand far past the upload cap (Grids:MaxExpandedBytes).</summary>
    public const long DefaultMaxExpandedBytes = 2L * 1024 * 1024 * 1024;

    private static readonly string[] Parts = [".shp", ".shx", ".dbf", ".prj", ".cpg"];

    /// <param name="maxExpandedBytes">Bytes the layer's members may expand to, counted as they are read.</param>
    public static FeatureFile Read(string path, long maxExpandedBytes = DefaultMaxExpandedBytes)
    {
        var dir = Directory.CreateTempSubdirectory("sg-shp-");
        try
        {
            Extract(path, dir.FullName, maxExpandedBytes);
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

    /// <summary>
    /// Extracts the one layer of the zip as layer.shp, layer.dbf, … whatever its name and the case of its extensions:
    /// exactly the .shp's stem with each sidecar's extension (a.shp takes a.dbf, never ab.dbf or a.pdf), and only
    /// those members are read. The expansion cap counts the bytes they give as they are read, not the sizes the zip
    /// declares: a member never read costs nothing, and a declared size proves nothing either way.
    /// </summary>
    private static void Extract(string path, string dir, long maxExpandedBytes)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var shps = zip.Entries.Where(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)).ToList();
            if (shps.Count != 1)
                throw new FeatureFileException("bad-shapefile", $"the zip must hold exactly one .shp (with its .shx, .dbf and .prj); it holds {shps.Count}");
            var stem = shps[0].FullName[..^4];
            long left = maxExpandedBytes;
            foreach (var part in Parts)
            {
                var members = zip.Entries.Where(e => e.FullName.Equals(stem + part, StringComparison.OrdinalIgnoreCase)).ToList();
                if (members.Count > 1)
                    throw new FeatureFileException("bad-shapefile", $"the zip holds {members.Count} members named {Clip(stem)}{part} (in different cases); keep one");
                if (members.Count == 1) left -= CopyWithin(members[0], Path.Combine(dir, "layer" + part), left, maxExpandedBytes);
            }
        }
        catch (InvalidDataException e)
        {
            throw new FeatureFileException("bad-zip", $"the zip archive cannot be read: {e.Message}");
        }
    }

    /// <summary>Copies a member out, stopping as soon as it gives more than the bytes left; returns the bytes copied.</summary>
    private static long CopyWithin(ZipArchiveEntry entry, string target, long left, long max)
    {
        using var from = entry.Open();
        using var to = File.Create(target);
        var buffer = new byte[81920];
        long copied = 0;
        int n;
        while ((n = from.Read(buffer)) > 0)
        {
            copied += n;
            if (copied > left)
                throw new FeatureFileException("too-large", $"the Shapefile's members expand to more than {max:N0} bytes (Grids:MaxExpandedBytes); {Clip(entry.FullName)} alone gave {copied:N0} before it was stopped");
            to.Write(buffer, 0, n);
        }
        return copied;
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
