using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// The roads of the patrol cells as <see cref="RoadSamples"/> (Core), read from the road components when the cells
/// change or every <see cref="PatrolsOptions.RoadsRefreshMinutes"/>; and which stretches are already stored as walked
/// on each day, so that a walk along a road writes each stretch once a day, not once a batch.
/// </summary>
public sealed class PatrolRoadsCache(NpgsqlDataSource db, IOptions<PatrolsOptions> options, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (PatrolCells Cells, DateTimeOffset ReadAt, RoadSamples Roads)? _current;
    private readonly Dictionary<DateOnly, HashSet<(string Road, int Index)>> _stored = [];
    private readonly Lock _storedGate = new();

    /// <summary>The samples for these cells, read again when the cells change or they are older than the refresh time.</summary>
    public async Task<RoadSamples> GetAsync(PatrolCells cells, CancellationToken ct)
    {
        var o = options.Value;
        var c = _current;
        if (c is { } now && ReferenceEquals(now.Cells, cells) && clock.GetUtcNow() - now.ReadAt < TimeSpan.FromMinutes(o.RoadsRefreshMinutes))
            return now.Roads;
        await _gate.WaitAsync(ct);
        try
        {
            c = _current;
            if (c is { } again && ReferenceEquals(again.Cells, cells) && clock.GetUtcNow() - again.ReadAt < TimeSpan.FromMinutes(o.RoadsRefreshMinutes))
                return again.Roads;
            var roads = new List<(string, Geometry)>();
            await using (var cmd = db.CreateCommand("SELECT code, geometry FROM components WHERE class_code = @class AND status <> 5 ORDER BY code"))
            {
                cmd.Parameters.AddWithValue("class", o.RoadClass);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                    if (r.GetFieldValue<Geometry>(1) is { Dimension: Dimension.Curve } line) roads.Add((r.GetString(0), line));
            }
            var samples = new RoadSamples(roads, cells, o.RoadSampleMetres);
            _current = (cells, clock.GetUtcNow(), samples);
            return samples;
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Removes from <paramref name="near"/> the stretches known to be stored as walked on the day (by this instance,
    /// after commit), under one lock for the segment's stretches rather than one each.
    /// </summary>
    public void DropStored(DateOnly day, RoadSamples roads, List<int> near)
    {
        lock (_storedGate)
        {
            if (!_stored.TryGetValue(day, out var set)) return;
            var kept = 0;
            for (var k = 0; k < near.Count; k++)
                if (!set.Contains((roads[near[k]].Road, roads[near[k]].Index))) near[kept++] = near[k];
            near.RemoveRange(kept, near.Count - kept);
        }
    }

    /// <summary>After the transaction that stored them commits: remembers the stretches, and forgets days before yesterday.</summary>
    public void Committed(IEnumerable<(DateOnly Day, string Road, int Index)> walked)
    {
        lock (_storedGate)
        {
            foreach (var (day, road, index) in walked)
            {
                if (!_stored.TryGetValue(day, out var set)) _stored[day] = set = [];
                set.Add((road, index));
            }
            if (_stored.Count > 2)
                foreach (var old in _stored.Keys.Order().SkipLast(2).ToList()) _stored.Remove(old);
        }
    }
}
