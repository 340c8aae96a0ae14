using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// After each write, steps <see cref="ShiftPresence"/> for every worker whose track moved: their rostered shifts around
/// the last clean fix, the grid of that fix, the stored watch state. A worker outside their shift's grids past
/// <c>Patrols:OutsideShiftMinutes</c> becomes one notification, sent with pg_notify inside the write's transaction (so
/// only what committed is announced) to every instance's <c>/api/events</c>.
/// </summary>
public sealed class ShiftWatch(IOptions<PatrolsOptions> options, IOptions<CasesOptions> cases)
{
    public sealed record Moved(string Worker, string District, TrackPoint Last, string? Grid);

    public async Task<List<CaseNotification>> StepAsync(NpgsqlConnection conn, IReadOnlyList<Moved> moved, CancellationToken ct)
    {
        var notices = new List<CaseNotification>();
        if (moved.Count == 0 || options.Value.OutsideShiftMinutes <= 0) return notices;
        var offset = TimeSpan.FromHours(cases.Value.UtcOffsetHours);
        var workers = moved.Select(m => m.Worker).ToArray();
        var days = moved.Select(m => DateOnly.FromDateTime(m.Last.T.ToOffset(offset).DateTime)).ToList();

        var shifts = new Dictionary<string, List<RosteredShift>>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("""
            SELECT r.worker_id, s.code, r.day, s.starts, s.ends, s.grids FROM patrol_roster r JOIN patrol_shifts s ON s.code = r.shift_code
            WHERE r.worker_id = ANY(@w) AND r.day BETWEEN @from AND @to
            """, conn))
        {
            cmd.Parameters.AddWithValue("w", workers);
            cmd.Parameters.AddWithValue("from", days.Min().AddDays(-1));
            cmd.Parameters.AddWithValue("to", days.Max());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                if (!shifts.TryGetValue(r.GetString(0), out var list)) shifts[r.GetString(0)] = list = [];
                list.Add(new RosteredShift(r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetFieldValue<TimeOnly>(3), r.GetFieldValue<TimeOnly>(4), r.GetFieldValue<string[]>(5)));
            }
        }
        var states = new Dictionary<string, PresenceState>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT worker_id, outside_since, outside_announced FROM patrol_trackers WHERE worker_id = ANY(@w)", conn))
        {
            cmd.Parameters.AddWithValue("w", workers);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                states[r.GetString(0)] = new PresenceState(r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1), r.GetBoolean(2));
        }

        var threshold = TimeSpan.FromMinutes(options.Value.OutsideShiftMinutes);
        var next = new List<(string Worker, PresenceState State)>();
        foreach (var m in moved)
        {
            var before = states.GetValueOrDefault(m.Worker) ?? new PresenceState(null, false);
            var step = ShiftPresence.Step(before, shifts.GetValueOrDefault(m.Worker) ?? [], m.Grid, m.Last.T, threshold, offset);
            if (step.State != before) next.Add((m.Worker, step.State));
            if (step.Announce is { } shift)
                notices.Add(new CaseNotification("patrol-outside-shift", "", m.District, m.Grid, "outside-shift", "yellow", m.Last.T.ToUniversalTime(),
                    Action: $"outside the grids of shift {shift.Code} since {step.State.OutsideSince:O}", Worker: m.Worker, Shift: shift.Code));
        }
        if (next.Count > 0)
        {
            await using var update = new NpgsqlCommand("""
                UPDATE patrol_trackers k SET outside_since = u.s, outside_announced = u.a
                FROM unnest(@w::text[], @s::timestamptz[], @a::bool[]) AS u(w, s, a) WHERE k.worker_id = u.w
                """, conn);
            update.Parameters.AddWithValue("w", next.Select(n => n.Worker).ToArray());
            update.Parameters.AddWithValue("s", next.Select(n => n.State.OutsideSince?.ToUniversalTime()).ToArray());
            update.Parameters.AddWithValue("a", next.Select(n => n.State.Announced).ToArray());
            await update.ExecuteNonQueryAsync(ct);
        }
        if (notices.Count > 0) await CaseNotifier.SendManyAsync(conn, null, notices, ct);
        return notices;
    }
}
