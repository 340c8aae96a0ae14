using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// N street lamps (class 0108) at seeded random points over the synthetic grid area of <see cref="SyntheticGrids"/>,
/// and the baseline: the same rows through one plain binary COPY into a bare table (no checks, no grid links).
/// </summary>
public static class SyntheticComponents
{
    public static void Write(string path, int n, int grids)
    {
        var rows = (grids + 999) / 1000; // sub-districts: rows of 0.01°
        var random = new Random(7);
        var sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[\n");
        for (var i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(",\n");
            var x = 121.0 + random.NextDouble() * 0.1;
            var y = 31.0 + random.NextDouble() * 0.01 * rows;
            sb.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"Feature\",\"properties\":{{\"class\":\"0108\",\"name\":\"lamp {i + 1}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x:0.0000000},{y:0.0000000}]}}}}");
        }
        sb.Append("\n]}\n");
        File.WriteAllText(path, sb.ToString());
        Console.WriteLine($"wrote {path}: {n} components");
    }

    /// <summary>Times one binary COPY of the file's points (code, class, name, geometry) into a fresh bare table.</summary>
    public static void CopyBaseline(string path, string connection)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var points = doc.RootElement.GetProperty("features").EnumerateArray().Select(f =>
        {
            var c = f.GetProperty("geometry").GetProperty("coordinates");
            return (Name: f.GetProperty("properties").GetProperty("name").GetString()!, X: c[0].GetDouble(), Y: c[1].GetDouble());
        }).ToList();
        var builder = new NpgsqlDataSourceBuilder(connection);
        builder.UseNetTopologySuite();
        using var db = builder.Build();
        using var conn = db.OpenConnection();
        using (var cmd = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS postgis; DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (id bigserial PRIMARY KEY, code varchar(17), class_code varchar(5), name varchar(200), geometry geometry(Geometry, 4326));", conn))
            cmd.ExecuteNonQuery();
        conn.ReloadTypes();
        var watch = Stopwatch.StartNew();
        using (var copy = conn.BeginBinaryImport("COPY bench_copy (code, class_code, name, geometry) FROM STDIN (FORMAT BINARY)"))
        {
            var i = 0;
            foreach (var p in points)
            {
                copy.StartRow();
                copy.Write($"3101510108{++i:000000}", NpgsqlDbType.Varchar);
                copy.Write("0108", NpgsqlDbType.Varchar);
                copy.Write(p.Name, NpgsqlDbType.Varchar);
                copy.Write((Geometry)GeometryFactories.Wgs84.CreatePoint(new Coordinate(p.X, p.Y)), NpgsqlDbType.Geometry);
            }
            copy.Complete();
        }
        using (var idx = new NpgsqlCommand("CREATE INDEX ON bench_copy USING gist (geometry)", conn)) idx.ExecuteNonQuery();
        watch.Stop();
        Console.WriteLine(FormattableString.Invariant($"plain binary COPY of {points.Count} rows (+ GiST index): {watch.Elapsed.TotalSeconds:0.00} s, {points.Count / watch.Elapsed.TotalSeconds:0} rows/s"));
    }
}
