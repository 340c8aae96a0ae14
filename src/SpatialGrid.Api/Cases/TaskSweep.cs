using System.Text.Json;
using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// Each minute: moves the running confirm and check tasks whose supervisor is no longer on shift for the grid to the
/// nearest one who is (or to the acceptor's queue), and hands queued tasks to a supervisor who has come on shift. Each
/// move is an event of the case's history and a notification. One instance at a time (an advisory lock).
/// </summary>
public sealed class TaskSweep(IServiceScopeFactory scopes, CalendarProvider calendars, TimeProvider clock, ILogger<TaskSweep> log) : IInvocable
{
    public sealed record Move(long Task, string Case, string? From, string? To);

    public async Task Invoke() => await RunAsync(CancellationToken.None);

    public async Task<IReadOnlyList<Move>> RunAsync(CancellationToken ct)
    {
        var now = CaseHistory.Microseconds(clock.GetUtcNow().ToUniversalTime());
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpatialGridDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var ntx = (NpgsqlTransaction)tx.GetDbTransaction();
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtext('spatialgrid.cases.task-sweep'))", conn, ntx))
        {
            if (!(bool)(await lockCmd.ExecuteScalarAsync(ct))!) return [];
        }
        var running = new List<(long Id, long CaseId, TaskFacts Facts, string District, string? Grid)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT id, case_id, kind, state, worker_id, sent_at, due_at, district_code, grid_code FROM supervision_tasks WHERE state IN (1, 2) ORDER BY id
            """, conn, ntx))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                running.Add((r.GetInt64(0), r.GetInt64(1), new TaskFacts((TaskKind)r.GetInt16(2), (TaskState)r.GetInt16(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8)));
        }
        var moves = new List<Move>();
        var notices = new List<CaseNotification>();
        foreach (var t in running)
        {
            var c = await db.Cases.FirstAsync(x => x.Id == t.CaseId, ct);
            var onShift = await TaskRouting.OnShiftAsync(conn, ntx, t.District, t.Grid, c.Location.X, c.Location.Y, now, calendars.Calendar.UtcOffset, ct);
            if (!SupervisionTasks.NeedsRouting(t.Facts, onShift)) continue;
            var to = SupervisionTasks.Choose(onShift);
            // Still nobody for a queued task: nothing to record.
            if (to is null && t.Facts.State == TaskState.Queued) continue;
            await using (var update = new NpgsqlCommand("""
                UPDATE supervision_tasks SET worker_id = @to, state = @state, routed_at = @now, reroutes = reroutes + 1 WHERE id = @id
                """, conn, ntx))
            {
                update.Parameters.AddWithValue("id", t.Id);
                update.Parameters.AddWithValue("to", (object?)to ?? DBNull.Value);
                update.Parameters.AddWithValue("state", (short)(to is null ? TaskState.Queued : TaskState.Assigned));
                update.Parameters.AddWithValue("now", now);
                await update.ExecuteNonQueryAsync(ct);
            }
            var kind = SupervisionTasks.Name(t.Facts.Kind);
            var why = t.Facts.State == TaskState.Queued ? "a supervisor came on shift" : $"{t.Facts.Worker} is no longer on shift for the grid";
            db.CaseEvents.Add(CaseHistory.Append(c, now, "task-sweep", kind + "-task-rerouted", c.State, c.State, why,
                JsonSerializer.Serialize(new { task = t.Id, from = t.Facts.Worker, to, queued = to is null })));
            c.Version++;
            moves.Add(new Move(t.Id, c.Number, t.Facts.Worker, to));
            notices.Add(new CaseNotification(to is null ? "task-queued" : "task-assigned", c.Number, c.DistrictCode, c.GridCode, CaseNames.Name(c.State),
                "green", now, $"{kind} task {t.Id} rerouted: {why}", to));
        }
        if (moves.Count == 0) return moves;
        await db.SaveChangesAsync(ct);
        await CaseNotifier.SendManyAsync(conn, ntx, notices, ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Task sweep: {Count} task(s) rerouted", moves.Count);
        return moves;
    }
}
