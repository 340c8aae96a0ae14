using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;
using SpatialGrid.Core;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Imports;

/// <summary>
/// One feature as read from a file: its attributes, its geometry in the file's CRS, or why the geometry could not
/// be read; <see cref="Unstorable"/> says why an attribute had to be left out (text that is not valid Unicode).
/// </summary>
public sealed record RawFeature(int Index, IReadOnlyDictionary<string, object?> Properties, Geometry? Geometry, string? Error, string? Unstorable = null);

/// <summary>A whole file: its detected format, the CRS it declares (null when it declares none) and its features.</summary>
public sealed record FeatureFile(string Format, string? DeclaredCrs, IReadOnlyList<RawFeature> Features);

/// <summary>The file as a whole cannot be read: wrong format, empty, several layers… <see cref="Kind"/> is stable.</summary>
public sealed class FeatureFileException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}

/// <summary>
/// Reads GeoJSON, zipped Shapefiles and GeoPackages by their content (not their name), one feature at a time,
/// so that one broken geometry is reported for its feature instead of failing the file.
/// </summary>
public static class FeatureFileReader
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };

    /// <param name="layer">The GeoPackage layer to read (a GeoPackage of several layers needs it; other formats refuse it).</param>
    /// <param name="maxExpandedBytes">Bytes a zipped Shapefile's layer may expand to, counted as it is read.</param>
    public static FeatureFile Read(string path, string? claimedName = null, string? layer = null, long maxExpandedBytes = ShapefileReader.DefaultMaxExpandedBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0) throw new FeatureFileException("empty-file", "the file is empty");
        var head = new byte[16];
        using (var s = File.OpenRead(path)) s.ReadExactly(head, 0, (int)Math.Min(16, info.Length));
        var claimed = Path.GetExtension(claimedName ?? "").ToLowerInvariant();
        FeatureFile file;
        var isGeoPackage = Encoding.ASCII.GetString(head).StartsWith("SQLite format 3");
        if (layer is not null && !isGeoPackage) throw new FeatureFileException("bad-layer", "layer names a GeoPackage layer; this file is not a GeoPackage");
        if (isGeoPackage) file = ReadGeoPackage(path, layer);
        else if (head[0] == (byte)'P' && head[1] == (byte)'K') file = ShapefileReader.Read(path, maxExpandedBytes);
        else if (LooksLikeJson(head)) file = ReadGeoJson(path);
        else
        {
            throw new FeatureFileException("unknown-format",
                $"the file{(claimedName is null ? "" : $" '{claimedName}'")} is not GeoJSON, a zipped Shapefile or a GeoPackage (its first bytes are {Convert.ToHexString(head, 0, Math.Min(8, (int)info.Length))})");
        }
        var expected = claimed switch
        {
            ".geojson" or ".json" => "geojson",
            ".zip" or ".shp" => "shapefile",
            ".gpkg" => "geopackage",
            _ => null,
        };
        if (expected is not null && expected != file.Format)
            throw new FeatureFileException("format-mismatch", $"the file '{claimedName}' is named as {expected} but its content is {file.Format}");
        if (file.Features.Count == 0) throw new FeatureFileException("no-features", $"the {file.Format} file holds no features");
        return file;
    }

    private static bool LooksLikeJson(byte[] head)
    {
        var i = head.Length >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
        for (; i < head.Length; i++)
        {
            if (head[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') continue;
            return head[i] == (byte)'{';
        }
        return false;
    }

    private static FeatureFile ReadGeoJson(string path)
    {
        JsonDocument doc;
        try
        {
            using var stream = File.OpenRead(path);
            doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new FeatureFileException("bad-json", $"the GeoJSON is not valid JSON: {e.Message}");
        }
        using (doc) return ReadGeoJson(doc.RootElement);
    }

    /// <summary>A structural member's text (type, crs name); one with an escaped surrogate without its pair refuses the file.</summary>
    private static string? Member(JsonElement e)
    {
        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new FeatureFileException("bad-geojson", $"a member of the GeoJSON's structure holds {StorableText.LoneSurrogate}");
        }
    }

    private static FeatureFile ReadGeoJson(JsonElement root)
    {
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? Member(t) : null;
        var declared = CrsName(root);
        var features = new List<RawFeature>();
        if (type == "Feature")
        {
            features.Add(ReadFeature(0, root, declared));
        }
        else if (type == "FeatureCollection")
        {
            if (!root.TryGetProperty("features", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new FeatureFileException("bad-geojson", "the FeatureCollection has no 'features' array");
            var i = 0;
            foreach (var f in list.EnumerateArray()) features.Add(ReadFeature(i++, f, declared));
        }
        else
        {
            throw new FeatureFileException("bad-geojson", $"a GeoJSON import must be a FeatureCollection or a Feature, not '{type ?? "(no type)"}'");
        }
        return new FeatureFile("geojson", declared, features);
    }

    private static RawFeature ReadFeature(int index, JsonElement f, string? collectionCrs)
    {
        var props = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (f.ValueKind != JsonValueKind.Object) return new RawFeature(index, props, null, "the feature is not a JSON object");
        string? unstorable = null;
        if (f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            foreach (var prop in p.EnumerateObject())
            {
                string? name = null;
                try
                {
                    name = prop.Name;
                    props[name] = Value(prop.Value);
                }
                catch (InvalidOperationException)
                {
                    // An escaped surrogate without its pair cannot be read as text; the feature is refused for it.
                    unstorable ??= $"{(name is null ? "an attribute's name" : $"attribute '{name}'")} holds {StorableText.LoneSurrogate}";
                }
            }
        }
        if (f.TryGetProperty("id", out var id) && !props.ContainsKey("id"))
        {
            try
            {
                props["id"] = Value(id);
            }
            catch (InvalidOperationException)
            {
                unstorable ??= $"the feature's id holds {StorableText.LoneSurrogate}";
            }
        }
        var featureCrs = CrsName(f);
        if (featureCrs is not null && collectionCrs is not null && !string.Equals(featureCrs, collectionCrs, StringComparison.OrdinalIgnoreCase))
            return new RawFeature(index, props, null, $"mixed CRSs: the feature declares {featureCrs}, the file {collectionCrs}", unstorable);
        if (!f.TryGetProperty("geometry", out var g) || g.ValueKind == JsonValueKind.Null) return new RawFeature(index, props, null, null, unstorable);
        try
        {
            var geometry = g.Deserialize<Geometry>(GeoJson);
            return new RawFeature(index, props, geometry, null, unstorable);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return new RawFeature(index, props, null, $"unreadable geometry: {Unwrap(e).Message}", unstorable);
        }
    }

    private static Exception Unwrap(Exception e) => e.InnerException is null ? e : Unwrap(e.InnerException);

    /// <summary>The legacy GeoJSON 2008 "crs" member, which many Chinese tools still write.</summary>
    private static string? CrsName(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("crs", out var crs) || crs.ValueKind != JsonValueKind.Object) return null;
        if (crs.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            return Member(n);
        return null;
    }

    private static object? Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.TryGetInt64(out var l) ? l : v.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => v.Clone(), // objects and arrays stay JSON, so callers can tell an object from a string

    };

    private static FeatureFile ReadGeoPackage(string path, string? layer)
    {
        try
        {
            using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
            conn.Open();
            var layers = new List<(string Table, string Column, int Srs)>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns";
                using var r = cmd.ExecuteReader();
                while (r.Read()) layers.Add((r.GetString(0), r.GetString(1), r.GetInt32(2)));
            }
            if (layers.Count == 0) throw new FeatureFileException("bad-geopackage", "the GeoPackage holds no feature layer");
            if (layer is not null && !layers.Any(l => l.Table == layer))
                throw new FeatureFileException("bad-layer", $"the GeoPackage has no layer '{(layer.Length > 60 ? layer[..60] + "…" : layer)}'; its layers are {string.Join(", ", layers.Select(l => l.Table))}");
            if (layer is null && layers.Count > 1)
                throw new FeatureFileException("bad-geopackage", $"the GeoPackage holds {layers.Count} feature layers ({string.Join(", ", layers.Select(l => l.Table))}): choose one with layer=");
            var (table, column, srs) = layer is null ? layers[0] : layers.First(l => l.Table == layer);
            string? declared = null;
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = $id";
                cmd.Parameters.AddWithValue("$id", srs);
                using var r = cmd.ExecuteReader();
                if (r.Read()) declared = $"{r.GetString(0).ToUpperInvariant()}:{r.GetInt32(1)}";
            }
            var reader = new GeoPackageGeoReader();
            var features = new List<RawFeature>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"")}\"";
                using var r = cmd.ExecuteReader();
                var i = 0;
                while (r.Read())
                {
                    var props = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                    Geometry? geometry = null;
                    string? error = null;
                    for (var c = 0; c < r.FieldCount; c++)
                    {
                        var name = r.GetName(c);
                        if (name.Equals(column, StringComparison.OrdinalIgnoreCase))
                        {
                            if (r.IsDBNull(c)) continue;
                            try { geometry = reader.Read((byte[])r.GetValue(c)); }
                            catch (Exception e) { error = $"unreadable geometry: {e.Message}"; }
                        }
                        else
                        {
                            props[name] = r.IsDBNull(c) ? null : r.GetValue(c);
                        }
                    }
                    features.Add(new RawFeature(i++, props, geometry, error));
                }
            }
            return new FeatureFile("geopackage", declared, features);
        }
        catch (SqliteException e)
        {
            throw new FeatureFileException("bad-geopackage", $"the GeoPackage cannot be read: {e.Message}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }
}
