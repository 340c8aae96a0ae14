using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// Writes batches of fixes in one transaction: workers checked, each worker's tracker locked, fixes cleaned (Core),
/// copied in binary (straight into gps_points when newer than the worker's newest stored fix, else through a staging
/// table and one insert per (worker, t)), the newly stored clean fixes walked into visits and the daily roll-up (Core),
/// the tracker moved on, refusals dead-lettered. Incremental: history is never
/// read again, and a redelivered batch changes nothing.
/// </summary>
public sealed class PositionWriter(NpgsqlDataSource dataSource, GpsPartitions partitions, PatrolCellsCache cells, PatrolRoadsCache roads, ShiftWatch shiftWatch,
    IOptions<PatrolsOptions> options, IOptions<CasesOptions> cases)
{
    private sealed record Worker(string Id, string District);

    // A value, not an object: a write holds one per fix (10 M allocations fewer over the GPS benchmark's day).
    private readonly record struct Row(int Batch, GpsFix Fix, string District, FixFlags Flags);

    /// <summary>Writes the batches in one transaction; returns what became of each, and the patrol events it raised (sent at commit).</summary>
    public async Task<(PositionOutcome[] Outcomes, IReadOnlyList<CaseNotification> Notices)> WriteAsync(IReadOnlyList<PositionBatch> batches, CancellationToken ct)
    {
        var o = options.Value;
        var refused = batches.Select(b => new List<GpsBatchParser.FixProblem>()).ToArray();
        var ids = batches.SelectMany(b => b.Parsed.Fixes.Select(f => f.Worker)).Distinct(StringComparer.Ordinal).ToArray();

        // The days' partitions first, each committed on its own, while this write holds no lock (CREATE … PARTITION OF
        // waits for every open write into gps_points).
        await partitions.EnsureAsync(dataSource, batches.SelectMany(b => b.Parsed.Fixes).Select(f => DateOnly.FromDateTime(f.T.UtcDateTime)), ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var workers = await WorkersAsync(conn, ids, ct);
        var locked = await PatrolTrackers.LockAsync(conn, workers.Keys.ToArray(), ct);
        var trackers = locked.States;

        // Checks that need the registry; fixes grouped by worker in arrival order.
        var byWorker = new Dictionary<string, List<(int Batch, GpsFix Fix)>>(StringComparer.Ordinal);
        for (var b = 0; b < batches.Count; b++)
        {
            var fixes = batches[b].Parsed.Fixes;
            for (var i = 0; i < fixes.Count; i++)
            {
                var f = fixes[i];
                if (!workers.TryGetValue(f.Worker, out var w))
                {
                    refused[b].Add(new(IndexOf(batches[b], i), f.Worker, PatrolRejects.UnknownWorker,
                        $"worker '{f.Worker}' is not registered (POST /api/patrols/workers)"));
                    continue;
                }
                if (batches[b].Districts is { Length: > 0 } allowed && Array.IndexOf(allowed, w.District) < 0)
                {
                    refused[b].Add(new(IndexOf(batches[b], i), f.Worker, RejectReasons.OutOfScope,
                        $"worker '{f.Worker}' belongs to district {w.District}, outside the districts of the sender"));
                    continue;
                }
                if (!byWorker.TryGetValue(f.Worker, out var list)) byWorker[f.Worker] = list = [];
                list.Add((b, f));
            }
        }

        // Cleaning (Core): flags per fix; only clean fixes are walked.
        var snapshot = cells.Current;
        var rules = new CleaningRules(o.MaxAccuracyM, o.MaxSpeedMps, o.FarOutsideM);
        var rows = new List<Row>();
        var walks = new Dictionary<string, (IReadOnlyList<TrackPoint> Track, TrackPoint? Last)>(StringComparer.Ordinal);
        foreach (var (worker, list) in byWorker)
        {
            trackers.TryGetValue(worker, out var state);
            var fixes = list.Select(x => x.Fix).ToList();
            var result = FixCleaning.Clean(fixes, state?.Last, rules, snapshot.Area);
            var repeats = new HashSet<int>(result.Repeats);
            for (var i = 0; i < list.Count; i++)
                if (!repeats.Contains(i)) rows.Add(new Row(list[i].Batch, list[i].Fix, workers[worker].District, result.Flags[i]));
            // The clean fixes in time order, a metro jump marked as a restart (not walked).
            walks[worker] = (result.Track(fixes), result.Last);
        }

        // Visits and the daily roll-up from the clean fixes that were stored now (a repeat was walked when it first came).
        var visitRules = new VisitRules(TimeSpan.FromMinutes(o.GapLimitMinutes), o.MinVisitMetres, TimeSpan.FromSeconds(o.MinDwellSeconds),
            TimeSpan.FromHours(cases.Value.UtcOffsetHours));
        var roadSamples = await roads.GetAsync(snapshot.Cells, ct);
        (PatrolVisitBatch Visits, List<ShiftWatch.Moved> Moved) Walk(HashSet<(string, DateTimeOffset)> stored)
        {
            var visits = new PatrolVisitBatch(visitRules.UtcOffset);
            foreach (var (worker, t) in stored) visits.Stored(worker, t);
            var moved = new List<ShiftWatch.Moved>();
            foreach (var (worker, (track, last)) in walks)
            {
                var district = workers[worker].District;
                trackers.TryGetValue(worker, out var state);
                var walk = track.Where(p => stored.Contains((worker, p.T))).ToList();
                var step = VisitTracker.Advance(snapshot.Cells, state, walk, visitRules);
                // The next cleaning starts from cleaning's own last point (it carries a teleport suspect), even when nothing new was walked.
                var next = step.State ?? state;
                if (last is not null) next = next is null ? new VisitState(last, null) : next with { Last = last };
                visits.Add(worker, district, step, next);
                visits.AddRoads(step.Segments, roadSamples, o.RoadBufferMetres, roads);
                if (walk.Count > 0 && next is not null) moved.Add(new(worker, district, next.Last, snapshot.Cells.Locate(next.Last.Lon, next.Last.Lat)));
            }
            return (visits, moved);
        }

        // Raw fixes: those newer than the worker's newest stored fix by binary COPY straight into gps_points, the rest
        // through the staging table and one insert that absorbs repeats. When every row takes the copy, they are walked
        // while PostgreSQL takes the copy in (what it was waiting for before: the walk needs only to know what is stored).
        var stored = new HashSet<(string, DateTimeOffset)>();
        var (fresh, rest) = Split(rows, locked.StoredUntil);
        (PatrolVisitBatch Visits, List<ShiftWatch.Moved> Moved)? walked = null;
        if (fresh.Count > 0)
        {
            await tx.SaveAsync("fresh_fixes", ct);
            var copied = fresh.Select(r => (r.Fix.Worker, r.Fix.T)).ToHashSet();
            var copy = CopyAsync(conn, "gps_points", fresh, batches, ct);
            if (rest.Count == 0) walked = WalkBeside(copy, () => Walk(copied));
            try
            {
                await copy;
                await tx.ReleaseAsync("fresh_fixes", ct);
                stored = copied;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // A fix stored before its tracker knew the time: the copy is undone and every row takes the staging path.
                await tx.RollbackAsync("fresh_fixes", ct);
                rest = rows;
                walked = null;
            }
        }
        if (rest.Count > 0) stored.UnionWith(await StageAsync(conn, rest, batches, ct));
        var (visits, moved) = walked ?? Walk(stored);
        await visits.WriteAsync(conn, snapshot.Cells, ct);
        var notices = await shiftWatch.StepAsync(conn, moved, ct);

        // Stored and flagged per batch in one pass over the rows (a pass per batch was batches × rows: 25 M steps for a
        // write of 500 batches of 100 fixes).
        var storedIn = new int[batches.Count];
        var flaggedIn = new int[batches.Count];
        foreach (var r in rows)
        {
            if (!stored.Contains((r.Fix.Worker, r.Fix.T))) continue;
            storedIn[r.Batch]++;
            if (r.Flags != FixFlags.None) flaggedIn[r.Batch]++;
        }
        var outcomes = new PositionOutcome[batches.Count];
        for (var b = 0; b < batches.Count; b++)
        {
            var parsed = batches[b].Parsed;
            var problems = parsed.Problems.Concat(refused[b]).OrderBy(p => p.Index).ToList();
            var accepted = parsed.Fixes.Count - refused[b].Count;
            outcomes[b] = new PositionOutcome(storedIn[b], flaggedIn[b], accepted - storedIn[b], problems, parsed.BatchReason, parsed.BatchDetail);
        }
        await PositionDeadLetters.WriteAsync(conn, batches, outcomes, ct);
        await tx.CommitAsync(ct);
        roads.Committed(visits.RoadsWalked);
        return (outcomes, notices);
    }

    /// <summary>Keeps a batch that cannot be stored in dead_letters, in a transaction of its own.</summary>
    public async Task DeadLetterAsync(PositionBatch batch, PositionOutcome outcome, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await PositionDeadLetters.WriteAsync(conn, [batch], [outcome], ct);
    }

    /// <summary>The index of a valid fix in its batch as sent: valid fixes keep their order, refused ones are skipped.</summary>
    private static int IndexOf(PositionBatch batch, int validIndex)
    {
        var refused = batch.Parsed.Problems.Select(p => p.Index).ToHashSet();
        var index = -1;
        for (var seen = -1; seen < validIndex;) if (!refused.Contains(++index)) seen++;
        return index;
    }

    private static async Task<Dictionary<string, Worker>> WorkersAsync(NpgsqlConnection conn, string[] ids, CancellationToken ct)
    {
        var result = new Dictionary<string, Worker>(StringComparer.Ordinal);
        if (ids.Length == 0) return result;
        await using var cmd = new NpgsqlCommand("SELECT id, district_code FROM patrol_workers WHERE id = ANY(@ids) AND active", conn);
        cmd.Parameters.AddWithValue("ids", ids);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result[r.GetString(0)] = new Worker(r.GetString(0), r.GetString(1));
        return result;
    }

    private const string Columns = "district_code, worker_id, t, lon, lat, accuracy, speed, heading, battery, flags, gateway_id, received_at";

    /// <summary>
    /// The rows newer than their worker's newest stored fix (read with the tracker, under its lock), which cannot be
    /// repeats and are copied straight into gps_points at what a plain COPY costs, and the rest. Should a fresh one still
    /// collide (a fix stored before its tracker knew the time), the copy is undone to its savepoint and every row takes
    /// the staging path, whose insert absorbs repeats.
    /// </summary>
    private static (List<Row> Fresh, List<Row> Others) Split(List<Row> rows, Dictionary<string, DateTimeOffset> storedUntil)
    {
        var fresh = new List<Row>(rows.Count);
        var rest = new List<Row>();
        foreach (var r in rows)
            (storedUntil.TryGetValue(r.Fix.Worker, out var until) && r.Fix.T > until ? fresh : rest).Add(r);
        return (fresh, rest);
    }

    /// <summary>Runs <paramref name="walk"/> while the copy is under way; a walk that fails waits for the copy before failing the write.</summary>
    private static T WalkBeside<T>(Task copy, Func<T> walk)
    {
        try
        {
            return walk();
        }
        catch
        {
            // The connection is still busy with the copy: let it finish (or fail) before the transaction is disposed.
            try { copy.Wait(); } catch (AggregateException) { }
            throw;
        }
    }

    /// <summary>The rows through the staging table and one insert that absorbs repeats; returns the (worker, t) stored now.</summary>
    private static async Task<HashSet<(string, DateTimeOffset)>> StageAsync(NpgsqlConnection conn, List<Row> rows, IReadOnlyList<PositionBatch> batches,
        CancellationToken ct)
    {
        var stored = new HashSet<(string, DateTimeOffset)>();
        await using (var create = new NpgsqlCommand(SqlFiles.Get("Patrols/Sql/gps_staging.sql"), conn))
            await create.ExecuteNonQueryAsync(ct);
        await CopyAsync(conn, "gps_in", rows, batches, ct);
        await using var insert = new NpgsqlCommand(SqlFiles.Get("Patrols/Sql/gps_insert.sql"), conn);
        await using var reader = await insert.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) stored.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        return stored;
    }

    /// <summary>Binary COPY of the rows into gps_points or its staging table (the same columns).</summary>
    private static async Task CopyAsync(NpgsqlConnection conn, string table, List<Row> rows, IReadOnlyList<PositionBatch> batches, CancellationToken ct)
    {
        // The table is one of two names fixed in this file: no caller's text reaches the statement.
        await using var copy = await conn.BeginBinaryImportAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var r in rows)
        {
            var f = r.Fix;
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(r.District, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Worker, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.T.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(f.Lon, NpgsqlDbType.Double, ct);
            await copy.WriteAsync(f.Lat, NpgsqlDbType.Double, ct);
            await WriteNullable(copy, f.Accuracy, ct);
            await WriteNullable(copy, f.Speed, ct);
            await WriteNullable(copy, f.Heading, ct);
            await WriteNullable(copy, f.Battery, ct);
            await copy.WriteAsync((short)r.Flags, NpgsqlDbType.Smallint, ct);
            var gw = batches[r.Batch].GatewayId;
            if (gw is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(gw, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(batches[r.Batch].ReceivedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private static Task WriteNullable(NpgsqlBinaryImporter copy, double? value, CancellationToken ct) =>
        value is { } v ? copy.WriteAsync((float)v, NpgsqlDbType.Real, ct) : copy.WriteNullAsync(ct);
}
