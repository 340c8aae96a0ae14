using System.Collections.Concurrent;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Maps;

/// <summary>
/// Tiles already built. A change removes only the cached tiles its area touches (or a whole layer, after a grid
/// version is published), in every API instance: changes are announced with pg_notify on
/// <c>spatialgrid_tiles</c> and each instance's listener applies them. Bounded: past the cap it starts over.
/// Tiles are kept per caller scope (<see cref="Security.CallerScope.Key"/>): a tile built for one district's key is
/// never handed to another's.
/// </summary>
public sealed class TileCache(NpgsqlDataSource dataSource, ILogger<TileCache> log) : BackgroundService
{
    public const string Channel = "spatialgrid_tiles";
    private const int Cap = 20_000;
    private readonly ConcurrentDictionary<(string Layer, string Scope, int Z, int X, int Y), (byte[] Tile, string ETag)> _tiles = new();

    /// <summary>A change of a layer's data, within an area (null: the whole layer).</summary>
    public sealed record Change(string Layer, double[]? Bounds);

    private readonly ConcurrentDictionary<(string Layer, string Scope, int Z, int X, int Y), Lazy<Task<(byte[] Tile, string ETag)>>> _building = new();

    /// <summary>Builds a tile once however many requests ask for it at the same moment (case tiles too, though they are not kept).</summary>
    public async Task<(byte[] Tile, string ETag)> BuildOnceAsync(string layer, string scope, int z, int x, int y, Func<Task<(byte[] Tile, string ETag)>> build)
    {
        var key = (layer, scope, z, x, y);
        // A request that missed the cache just before another's build finished finds the tile cached here.
        var lazy = _building.GetOrAdd(key, _ => new Lazy<Task<(byte[], string)>>(() => TryGet(layer, scope, z, x, y, out var done) ? Task.FromResult(done) : build()));
        try
        {
            return await lazy.Value;
        }
        finally
        {
            _building.TryRemove(new KeyValuePair<(string, string, int, int, int), Lazy<Task<(byte[], string)>>>(key, lazy));
        }
    }

    /// <summary>How many tiles have been built from the database since start (for tests and metrics).</summary>
    public long Built => Interlocked.Read(ref _built);
    private long _built;

    internal void CountBuild() => Interlocked.Increment(ref _built);

    public bool TryGet(string layer, string scope, int z, int x, int y, out (byte[] Tile, string ETag) tile) => _tiles.TryGetValue((layer, scope, z, x, y), out tile);

    public void Put(string layer, string scope, int z, int x, int y, byte[] tile, string etag)
    {
        if (_tiles.Count >= Cap) _tiles.Clear();
        _tiles[(layer, scope, z, x, y)] = (tile, etag);
    }

    /// <summary>Applies a change in this instance: drops the layer's cached tiles that the area touches.</summary>
    public void Apply(Change change)
    {
        foreach (var key in _tiles.Keys)
        {
            if (key.Layer != change.Layer) continue;
            if (change.Bounds is { } b && !Intersects(key.Z, key.X, key.Y, b)) continue;
            _tiles.TryRemove(key, out _);
        }
    }

    /// <summary>Announces a change to every instance (this one included, through its own listener) and applies it here at once.</summary>
    public async Task InvalidateAsync(string layer, Envelope? area, CancellationToken ct)
    {
        var change = new Change(layer, area is null || area.IsNull ? null : [area.MinX, area.MinY, area.MaxX, area.MaxY]);
        Apply(change);
        await using var cmd = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        cmd.Parameters.AddWithValue("channel", Channel);
        cmd.Parameters.AddWithValue("payload", JsonSerializer.Serialize(change));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether tile z/x/y (with the 64-unit buffer ST_AsMVTGeom draws) overlaps a lon/lat box.</summary>
    public static bool Intersects(int z, int x, int y, double[] b)
    {
        var n = 1 << z;
        var buffer = 64.0 / 4096;
        double west = (x - buffer) / n * 360 - 180, east = (x + 1 + buffer) / n * 360 - 180;
        double north = Lat(y - buffer, n), south = Lat(y + 1 + buffer, n);
        return b[0] <= east && b[2] >= west && b[1] <= north && b[3] >= south;
    }

    private static double Lat(double y, int n) => Math.Atan(Math.Sinh(Math.PI * (1 - 2 * y / n))) * 180 / Math.PI;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PostgresListener.RunAsync(dataSource, Channel, payload =>
        {
            if (JsonSerializer.Deserialize<Change>(payload) is { } change) Apply(change);
        }, _ => { _tiles.Clear(); return Task.CompletedTask; }, log, stoppingToken);
}
