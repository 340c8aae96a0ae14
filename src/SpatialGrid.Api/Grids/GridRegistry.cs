using NetTopologySuite.Geometries;
using Npgsql;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>
/// A snapshot of the current grid version: the point index, the names of every current grid, and their extent (null
/// envelope when there are none), which the maps' TileJSON and tileset metadata give as bounds, and the rows themselves
/// for capabilities that build their own structures from the current grids (patrol visits).
/// </summary>
public sealed record GridSnapshot(GridIndex Index, IReadOnlyDictionary<string, (string Name, GridLevel Level)> Names, Envelope Extent,
    IReadOnlyList<IndexedGridRow> Rows)
{
    public static readonly GridSnapshot Empty = new(GridIndex.Empty, new Dictionary<string, (string, GridLevel)>(), new Envelope(), []);

    /// <summary>A point on the data for maps to open at: inside the deepest-level grid nearest the middle of that level (null: no grids).</summary>
    public Coordinate? Centre { get; init; }

    public static Coordinate? CentreOf(IReadOnlyList<IndexedGridRow> rows)
    {
        if (rows.Count == 0) return null;
        var deepest = rows.Max(r => r.Level);
        var finest = rows.Where(r => r.Level == deepest && !r.Geometry.IsEmpty).ToList();
        if (finest.Count == 0) return null;
        var middle = new Coordinate(finest.Average(r => r.Geometry.EnvelopeInternal.Centre.X), finest.Average(r => r.Geometry.EnvelopeInternal.Centre.Y));
        return finest.Select(r => r.Geometry.InteriorPoint.Coordinate).MinBy(c => c.Distance(middle));
    }
}

/// <summary>
/// Holds the in-memory snapshot of the current grids. Loaded at start, rebuilt after a publish in this instance
/// and, through LISTEN spatialgrid_grids, after a publish in any other instance. Readers take the reference once
/// (an immutable snapshot), so a rebuild never blocks a lookup.
/// </summary>
public sealed class GridRegistry(GridStore store, NpgsqlDataSource dataSource, Maps.TileCache tiles, ILogger<GridRegistry> log) : BackgroundService
{
    private volatile GridSnapshot _snapshot = GridSnapshot.Empty;
    private readonly SemaphoreSlim _reload = new(1, 1);

    public GridSnapshot Current => _snapshot;

    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var rows = await store.CurrentAsync(ct);
            var index = new GridIndex(rows.Select(r => new IndexedGrid(r.Code, r.Kind, r.Geometry)));
            var extent = new Envelope();
            foreach (var r in rows) extent.ExpandToInclude(r.Geometry.EnvelopeInternal);
            _snapshot = new GridSnapshot(index, rows.ToDictionary(r => r.Code, r => (r.Name, r.Level)), extent, rows) { Centre = GridSnapshot.CentreOf(rows) };
            // Every instance reloads on a publish, so each drops its own grid tiles; the grid layer changes as a whole.
            tiles.Apply(new Maps.TileCache.Change("grids", null));
            log.LogInformation("Grid index rebuilt: {Count} current grids", rows.Count);
        }
        finally
        {
            _reload.Release();
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    // A publish in any instance reloads every instance; after a reconnection, reload in case one was missed.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PostgresListener.RunAsync(dataSource, "spatialgrid_grids", _ => Task.Run(() => ReloadAsync(stoppingToken), stoppingToken), ReloadAsync, log, stoppingToken);
}
