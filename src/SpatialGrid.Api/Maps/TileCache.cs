using System.Collections.Concurrent;

namespace SpatialGrid.Api.Maps;

/// <summary>
/// Tiles already built, per layer and version: a change to a layer's data bumps its version, so every later
/// request builds a fresh tile (and gets a new ETag). Bounded: past the cap the cache starts over.
/// </summary>
public sealed class TileCache
{
    private const int Cap = 20_000;
    private readonly ConcurrentDictionary<(string Layer, int Z, int X, int Y, long Version), (byte[] Tile, string ETag)> _tiles = new();
    private readonly ConcurrentDictionary<string, long> _versions = new();

    public long Version(string layer) => _versions.GetOrAdd(layer, 0);

    public void Invalidate(string layer) => _versions.AddOrUpdate(layer, 1, (_, v) => v + 1);

    public bool TryGet(string layer, int z, int x, int y, out (byte[] Tile, string ETag) tile) => _tiles.TryGetValue((layer, z, x, y, Version(layer)), out tile);

    public void Put(string layer, int z, int x, int y, long version, byte[] tile, string etag)
    {
        if (_tiles.Count >= Cap) _tiles.Clear();
        _tiles[(layer, z, x, y, version)] = (tile, etag);
    }
}
