using Npgsql;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// What one write walked, for all its workers: the visits that closed, the pieces of the daily roll-up and each
/// tracker's new state (with the open visit); written with three set-based statements (unnest of arrays), not a row per round trip.
/// </summary>
public sealed class PatrolVisitBatch(TimeSpan utcOffset)
{
    private readonly List<(string Worker, string District, GridVisit Visit, DateTimeOffset Last)> _visits = [];
    private readonly Dictionary<(string District, string Worker, DateTimeOffset Entered), int> _visitAt = [];
    private readonly Dictionary<(DateOnly Day, string District, string Grid, string Worker), (double Seconds, double Metres, DateTimeOffset First, DateTimeOffset Last)> _daily = [];
    private readonly List<(string Worker, string District, VisitState State)> _trackers = [];
    private readonly HashSet<(DateOnly Day, string Grid, string Road, int Index)> _roads = [];
    private readonly Dictionary<string, DateTimeOffset> _storedUntil = new(StringComparer.Ordinal);

    /// <summary>A fix of the worker stored by this write: the tracker keeps the newest (the writer's fast path).</summary>
    public void Stored(string worker, DateTimeOffset t)
    {
        if (!_storedUntil.TryGetValue(worker, out var until) || t > until) _storedUntil[worker] = t;
    }

    /// <summary>The road stretches this batch stores as walked (for <see cref="PatrolRoadsCache.Committed"/> after commit).</summary>
    public IEnumerable<(DateOnly Day, string Road, int Index)> RoadsWalked => _roads.Select(r => (r.Day, r.Road, r.Index));

    /// <summary>
    /// The road stretches near the segments walked (Core's rule in <see cref="RoadSamples"/>), on the local day each
    /// segment ends, except those already stored that day.
    /// </summary>
    public void AddRoads(IReadOnlyList<WalkedSegment> segments, RoadSamples roads, double buffer, PatrolRoadsCache stored)
    {
        if (roads.Count == 0) return;
        var near = new List<int>();
        foreach (var s in segments)
        {
            near.Clear();
            roads.Near(s.From.Lon, s.From.Lat, s.To.Lon, s.To.Lat, buffer, near);
            if (near.Count == 0) continue;
            var day = DateOnly.FromDateTime(s.To.T.ToOffset(utcOffset).DateTime);
            stored.DropStored(day, roads, near);
            foreach (var i in near) _roads.Add((day, roads[i].Cell, roads[i].Road, roads[i].Index));
        }
    }

    /// <summary>
    /// One worker's walk of this write. Only closed visits become rows of patrol_visits: the open one is part of the
    /// tracker's state, which every write stores anyway (and a restart reads back), so it is written once, when it
    /// closes, instead of being rewritten by every write while the worker stays inside (1.3 M upserts for 565,000
    /// visits in the GPS benchmark). Readers take the open visits from patrol_trackers (Maps/Sql/patrols.sql).
    /// </summary>
    public void Add(string worker, string district, VisitStep step, VisitState? next)
    {
        foreach (var v in step.Closed)
        {
            // A visit closed at the instant the open one was entered shares its key: the open (later) one takes the row
            // when it closes, as it took it when open visits were written (AddVisit keeps the later of two).
            if (next?.Open is { } open && open.EnteredAt == v.EnteredAt) continue;
            AddVisit(worker, district, v, v.LeftAt ?? v.EnteredAt);
        }
        foreach (var p in step.Pieces)
        {
            var day = DateOnly.FromDateTime(p.From.ToOffset(utcOffset).DateTime);
            var key = (day, district, p.GridCode, worker);
            _daily[key] = _daily.TryGetValue(key, out var d)
                ? (d.Seconds + p.Seconds, d.Metres + p.Metres, p.From < d.First ? p.From : d.First, p.To > d.Last ? p.To : d.Last)
                : (p.Seconds, p.Metres, p.From, p.To);
        }
        if (next is not null) _trackers.Add((worker, district, next));
    }

    /// <summary>
    /// One row per key of patrol_visits (district, worker, entry time): a visit closed at the instant it began and the
    /// next one entered at that instant share it. Written one walk at a time, the later upsert replaced the earlier; in
    /// one statement PostgreSQL refuses the pair (21000, "cannot affect row a second time"), so the later one is kept here.
    /// </summary>
    private void AddVisit(string worker, string district, GridVisit visit, DateTimeOffset last)
    {
        var key = (district, worker, visit.EnteredAt);
        if (_visitAt.TryGetValue(key, out var i)) _visits[i] = (worker, district, visit, last);
        else
        {
            _visitAt[key] = _visits.Count;
            _visits.Add((worker, district, visit, last));
        }
    }

    public async Task WriteAsync(NpgsqlConnection conn, PatrolCells cells, CancellationToken ct)
    {
        var batch = new NpgsqlBatch(conn);
        if (_visits.Count > 0)
        {
            // One row per key already (AddVisit): one INSERT … ON CONFLICT may not touch a row twice (SQLSTATE 21000).
            var visits = _visits;
            var c = new NpgsqlBatchCommand(SqlFiles.Get("Patrols/Sql/upsert_visits.sql"));
            c.Parameters.AddWithValue("district", visits.Select(v => v.District).ToArray());
            c.Parameters.AddWithValue("worker", visits.Select(v => v.Worker).ToArray());
            c.Parameters.AddWithValue("grid", visits.Select(v => v.Visit.GridCode).ToArray());
            c.Parameters.AddWithValue("entered", visits.Select(v => v.Visit.EnteredAt.ToUniversalTime()).ToArray());
            c.Parameters.AddWithValue("left", visits.Select(v => v.Visit.LeftAt?.ToUniversalTime()).ToArray());
            c.Parameters.AddWithValue("last", visits.Select(v => v.Last.ToUniversalTime()).ToArray());
            c.Parameters.AddWithValue("seconds", visits.Select(v => v.Visit.Seconds).ToArray());
            c.Parameters.AddWithValue("metres", visits.Select(v => v.Visit.Metres).ToArray());
            batch.BatchCommands.Add(c);
        }
        if (_daily.Count > 0)
        {
            var rows = _daily.ToList();
            var c = new NpgsqlBatchCommand(SqlFiles.Get("Patrols/Sql/add_daily.sql"));
            c.Parameters.AddWithValue("day", rows.Select(r => r.Key.Day).ToArray());
            c.Parameters.AddWithValue("district", rows.Select(r => r.Key.District).ToArray());
            c.Parameters.AddWithValue("grid", rows.Select(r => r.Key.Grid).ToArray());
            c.Parameters.AddWithValue("worker", rows.Select(r => r.Key.Worker).ToArray());
            c.Parameters.AddWithValue("seconds", rows.Select(r => r.Value.Seconds).ToArray());
            c.Parameters.AddWithValue("metres", rows.Select(r => r.Value.Metres).ToArray());
            c.Parameters.AddWithValue("first", rows.Select(r => r.Value.First.ToUniversalTime()).ToArray());
            c.Parameters.AddWithValue("last", rows.Select(r => r.Value.Last.ToUniversalTime()).ToArray());
            batch.BatchCommands.Add(c);
        }
        if (_trackers.Count > 0)
        {
            var c = new NpgsqlBatchCommand(SqlFiles.Get("Patrols/Sql/upsert_trackers.sql"));
            c.Parameters.AddWithValue("worker", _trackers.Select(t => t.Worker).ToArray());
            c.Parameters.AddWithValue("district", _trackers.Select(t => t.District).ToArray());
            c.Parameters.AddWithValue("t", _trackers.Select(t => t.State.Last.T.ToUniversalTime()).ToArray());
            c.Parameters.AddWithValue("lon", _trackers.Select(t => t.State.Last.Lon).ToArray());
            c.Parameters.AddWithValue("lat", _trackers.Select(t => t.State.Last.Lat).ToArray());
            c.Parameters.AddWithValue("grid", _trackers.Select(t => cells.Locate(t.State.Last.Lon, t.State.Last.Lat)).ToArray());
            c.Parameters.AddWithValue("state", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb,
                _trackers.Select(t => System.Text.Json.JsonSerializer.Serialize(t.State, PatrolTrackers.Json)).ToArray());
            c.Parameters.AddWithValue("stored", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz,
                _trackers.Select(t => _storedUntil.TryGetValue(t.Worker, out var until) ? (object)until.ToUniversalTime() : DBNull.Value).ToArray());
            batch.BatchCommands.Add(c);
        }
        if (_roads.Count > 0)
        {
            // In key order: two writers marking overlapping stretches lock them in the same order (no deadlock).
            var rows = _roads.OrderBy(r => r.Day).ThenBy(r => r.Grid, StringComparer.Ordinal).ThenBy(r => r.Road, StringComparer.Ordinal)
                .ThenBy(r => r.Index).ToList();
            var c = new NpgsqlBatchCommand("""
                INSERT INTO patrol_road_walked (day, district_code, grid_code, road_code, sample)
                SELECT day, left(grid, 6), grid, road, sample FROM unnest(@day, @grid, @road, @sample) AS r(day, grid, road, sample)
                ON CONFLICT DO NOTHING
                """);
            c.Parameters.AddWithValue("day", rows.Select(r => r.Day).ToArray());
            c.Parameters.AddWithValue("grid", rows.Select(r => r.Grid).ToArray());
            c.Parameters.AddWithValue("road", rows.Select(r => r.Road).ToArray());
            c.Parameters.AddWithValue("sample", rows.Select(r => r.Index).ToArray());
            batch.BatchCommands.Add(c);
        }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }
}
