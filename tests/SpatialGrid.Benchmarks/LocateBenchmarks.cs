using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;
using NetTopologySuite.Geometries;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// Point → grid lookup over the demo city: the in-memory GridIndex on one core against the same points through
/// PostGIS (ST_Covers with the GiST index, one batched query of all points, same border rule). One operation =
/// <see cref="Points"/> lookups. PostGIS needs SG_BENCH_PG (deploy/bench.sh sets it).
/// </summary>
[MemoryDiagnoser]
public class LocateBenchmarks
{
    public const int Points = 10_000;
    private GridIndex _index = null!;
    private double[] _lon = null!, _lat = null!;
    private NpgsqlDataSource? _db;

    [GlobalSetup]
    public void Setup()
    {
        var grids = DemoCity.Grids();
        _index = new GridIndex(grids);
        (_lon, _lat) = DemoCity.Points(Points);
        var connection = Environment.GetEnvironmentVariable("SG_BENCH_PG");
        if (string.IsNullOrEmpty(connection)) return;
        var builder = new NpgsqlDataSourceBuilder(connection);
        builder.UseNetTopologySuite();
        _db = builder.Build();
        using var conn = _db.OpenConnection();
        using (var cmd = new NpgsqlCommand("""
            CREATE EXTENSION IF NOT EXISTS postgis;
            DROP TABLE IF EXISTS bench_grids;
            CREATE TABLE bench_grids (code varchar(15) PRIMARY KEY, kind int NOT NULL, geometry geometry(MultiPolygon, 4326) NOT NULL);
            """, conn)) cmd.ExecuteNonQuery();
        conn.ReloadTypes();
        using (var copy = conn.BeginBinaryImport("COPY bench_grids (code, kind, geometry) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var g in grids)
            {
                copy.StartRow();
                copy.Write(g.Code, NpgsqlDbType.Varchar);
                copy.Write((int)g.Kind, NpgsqlDbType.Integer);
                copy.Write(g.Geometry is MultiPolygon ? g.Geometry : g.Geometry.Factory.CreateMultiPolygon([(Polygon)g.Geometry]), NpgsqlDbType.Geometry);
            }
            copy.Complete();
        }
        using (var cmd = new NpgsqlCommand("CREATE INDEX ON bench_grids USING gist (geometry); ANALYZE bench_grids;", conn)) cmd.ExecuteNonQuery();
    }

    [Benchmark(Baseline = true, Description = "in-memory GridIndex, 10,000 points")]
    public int InMemory()
    {
        var found = 0;
        for (var i = 0; i < _lon.Length; i++)
        {
            if (_index.Locate(_lon[i], _lat[i]) is not null) found++;
        }
        return found;
    }

    [Benchmark(Description = "PostGIS ST_Covers + GiST, 10,000 points in one query")]
    public int PostGis()
    {
        if (_db is null) throw new InvalidOperationException("set SG_BENCH_PG (deploy/bench.sh does)");
        using var cmd = _db.CreateCommand("""
            SELECT count(g.code)
            FROM unnest(@lon, @lat) AS p(lon, lat)
            CROSS JOIN LATERAL (
              SELECT b.code FROM bench_grids b
              WHERE b.kind = 1 AND ST_Covers(b.geometry, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
              ORDER BY length(b.code) DESC, ST_Contains(b.geometry, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) DESC, b.code
              LIMIT 1) g
            """);
        cmd.Parameters.AddWithValue("lon", _lon);
        cmd.Parameters.AddWithValue("lat", _lat);
        return Convert.ToInt32(cmd.ExecuteScalar());
    }

    [GlobalCleanup]
    public void Cleanup() => _db?.Dispose();
}
