using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using Npgsql;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Tests.Infrastructure;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// The in-memory point lookup (<see cref="GridIndex"/>, which answers the present) against PostGIS (<c>locate_at.sql</c>,
/// which answers the past, and the raw <c>ST_Covers</c>/<c>ST_Contains</c>), on the demo city's grids: random points,
/// every vertex of every grid, and points on the grids' edges.
/// <para>
/// The tie rule, as <see cref="GridIndex"/> documents it: the deepest level that covers the point (interior or border)
/// wins; within it an interior hit wins; among border hits the smallest code. Both sides must give the same grid for
/// every point; the per-grid predicates must agree too (covers ⇔ not exterior, contains ⇔ interior), which is what
/// makes the rule come out the same. The demo's generated grids overlap their neighbours in slivers along shared
/// borders (thin enough for the validator to let through), so points on an edge often lie inside two siblings: the
/// edge test is what found the in-memory index taking the first interior hit in its tree's order there.
/// </para>
/// </summary>
public class GridLookupAgreesWithPostgisTests(GridLookupAgreesWithPostgisTests.DemoGrids api) : IClassFixture<GridLookupAgreesWithPostgisTests.DemoGrids>
{
    /// <summary>The API with the demo city's grids imported and published.</summary>
    public sealed class DemoGrids : ApiFixture
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var file = Path.Combine(AppContext.BaseDirectory, "Fixtures", "shanghai-grids.geojson");
            var response = await Editor.PostAsync("/api/grids/imports", Upload.File(await File.ReadAllBytesAsync(file), "shanghai-grids.geojson", ("publish", "true")));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            await Factory.Services.GetRequiredService<GridRegistry>().ReloadAsync(CancellationToken.None);
        }
    }

    private GridSnapshot Snapshot => api.Factory.Services.GetRequiredService<GridRegistry>().Current;

    private IReadOnlyList<IndexedGridRow> Comprehensive => Snapshot.Rows.Where(r => r.Kind == GridKind.Comprehensive).ToList();

    [Fact]
    public async Task Random_points_in_and_around_the_city_get_the_same_grid_from_memory_and_from_postgis()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var finest = Comprehensive.Where(r => r.Code.Length == 15).Aggregate(new Envelope(), (e, r) => { e.ExpandToInclude(r.Geometry.EnvelopeInternal); return e; });
        var all = Snapshot.Extent;
        var points = Enumerable.Range(0, 1500).Select(_ => Within(random, finest))
            .Concat(Enumerable.Range(0, 500).Select(_ => Within(random, all)))
            .ToList();
        await AssertAgree(points, $"seed {seed}");
    }

    [Fact]
    public async Task Every_vertex_of_every_grid_including_the_shared_ones_gets_the_same_grid_and_the_smallest_code_among_equals()
    {
        var vertices = Comprehensive.SelectMany(r => r.Geometry.Coordinates).Select(c => (c.X, c.Y)).Distinct().ToList();
        // The demo's generated grids share their corners: the rule is exercised, not only stated.
        var shared = vertices.Count(v => Comprehensive.Count(r => r.Code.Length == 15 && Covers(r.Geometry, v)) > 1);
        Assert.True(shared > 100, $"only {shared} vertices are shared by two or more grids");
        await AssertAgree(vertices, "vertices");
        // The documented rule, checked directly on the shared corners: the smallest code of the deepest level that covers it.
        foreach (var v in vertices)
        {
            var covering = Comprehensive.Where(r => Covers(r.Geometry, v)).ToList();
            if (covering.Count == 0) continue;
            var deepest = covering.Max(r => r.Code.Length);
            var candidates = covering.Where(r => r.Code.Length == deepest).ToList();
            var interior = candidates.Where(r => Locate(r.Geometry, v) == Location.Interior).ToList();
            var expected = interior.Count > 0 ? interior[0].Code : candidates.Select(r => r.Code).Min(StringComparer.Ordinal);
            Assert.Equal(expected, Snapshot.Index.Locate(v.X, v.Y));
        }
    }

    [Fact]
    public async Task Points_on_the_edges_of_the_grids_get_the_same_grid_from_memory_and_from_postgis()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var points = new List<(double X, double Y)>();
        foreach (var row in Comprehensive.Where(r => r.Code.Length >= 12))
        {
            var c = row.Geometry.Coordinates;
            for (var i = 0; i + 1 < c.Length; i++)
            {
                if (c[i].Equals2D(c[i + 1])) continue;
                points.Add(((c[i].X + c[i + 1].X) / 2, (c[i].Y + c[i + 1].Y) / 2));
                var t = random.NextDouble();
                points.Add((c[i].X + t * (c[i + 1].X - c[i].X), c[i].Y + t * (c[i + 1].Y - c[i].Y)));
            }
        }
        // The rule's hard cases are there: points inside two siblings of the deepest level, or on the border of two.
        var ties = points.Count(p => Comprehensive.Count(r => r.Code.Length == 15 && Covers(r.Geometry, p)) > 1);
        Assert.True(ties > 100, $"only {ties} edge points are held by two or more grids");
        await AssertAgree(points.Distinct().ToList(), $"edges, seed {seed}");
    }

    private static (double X, double Y) Within(Random random, Envelope e) =>
        (e.MinX + random.NextDouble() * e.Width, e.MinY + random.NextDouble() * e.Height);

    private static Location Locate(Geometry g, (double X, double Y) p) => new IndexedPointInAreaLocator(g).Locate(new Coordinate(p.X, p.Y));

    private static bool Covers(Geometry g, (double X, double Y) p) => g.EnvelopeInternal.Covers(p.X, p.Y) && Locate(g, p) != Location.Exterior;

    /// <summary>Each point: the grid from memory equals the grid from locate_at.sql, and the per-grid predicates agree.</summary>
    private async Task AssertAgree(IReadOnlyList<(double X, double Y)> points, string what)
    {
        var store = api.Factory.Services.GetRequiredService<GridStore>();
        var index = Snapshot.Index;
        var now = DateTimeOffset.UtcNow;
        var lookups = new List<string>();
        foreach (var (x, y) in points)
        {
            var memory = index.Locate(x, y);
            var postgis = await store.LocateAtAsync(x, y, now, CancellationToken.None);
            if (memory != postgis) lookups.Add($"({x:R}, {y:R}): memory {memory ?? "none"}, PostGIS {postgis ?? "none"}");
        }

        var predicates = new List<string>();
        var fromPostgis = await PostgisPredicates(points);
        var grids = Comprehensive;
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var inMemory = grids.Select(g => (g.Code, Location: g.Geometry.EnvelopeInternal.Covers(p.X, p.Y) ? Locate(g.Geometry, p) : Location.Exterior))
                .Where(g => g.Location != Location.Exterior).ToDictionary(g => g.Code, g => g.Location == Location.Interior);
            fromPostgis.TryGetValue(i, out var inPostgis);
            inPostgis ??= [];
            foreach (var code in inMemory.Keys.Union(inPostgis.Keys))
            {
                var m = inMemory.TryGetValue(code, out var mi) ? mi ? "interior" : "border" : "exterior";
                var g = inPostgis.TryGetValue(code, out var gi) ? gi ? "interior" : "border" : "exterior";
                if (m != g) predicates.Add($"({p.X:R}, {p.Y:R}) in {code}: NTS {m}, PostGIS {g}");
            }
        }
        Assert.True(lookups.Count == 0 && predicates.Count == 0,
            $"{what}: {lookups.Count} of {points.Count} lookups and {predicates.Count} predicates differ:\n" +
            string.Join("\n", lookups.Take(10).Concat(predicates.Take(10))));
    }

    /// <summary>For each point (by index), the current comprehensive grids that ST_Covers it, and whether ST_Contains it too.</summary>
    private async Task<Dictionary<int, Dictionary<string, bool>>> PostgisPredicates(IReadOnlyList<(double X, double Y)> points)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT p.i - 1, g.code, ST_Contains(g.geometry, p.pt)
            FROM (SELECT i, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt FROM unnest(@lons, @lats) WITH ORDINALITY AS u(lon, lat, i)) p
            JOIN grids g ON g.kind = 1 AND g.valid_from IS NOT NULL AND g.valid_to IS NULL AND ST_Covers(g.geometry, p.pt)
            """, conn);
        cmd.Parameters.AddWithValue("lons", points.Select(p => p.X).ToArray());
        cmd.Parameters.AddWithValue("lats", points.Select(p => p.Y).ToArray());
        var result = new Dictionary<int, Dictionary<string, bool>>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var i = (int)r.GetInt64(0);
            if (!result.TryGetValue(i, out var codes)) result[i] = codes = [];
            codes[r.GetString(1)] = r.GetBoolean(2);
        }
        return result;
    }
}
