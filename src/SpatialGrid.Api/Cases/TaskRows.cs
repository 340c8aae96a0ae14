using Npgsql;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Api.Cases;

/// <summary>The stored confirm and check tasks: the view the API shows, and the statements that write them.</summary>
public static class TaskRows
{
    /// <summary>A task as shown: who has it (null: the acceptor's queue), its deadline and colour, and its answer.</summary>
    public sealed record TaskView(long Id, string Kind, string State, string CaseNumber, string DistrictCode, string? GridCode, string? Worker, bool InAcceptorQueue,
        string SentBy, DateTimeOffset SentAt, DateTimeOffset DueAt, string Colour, int Reroutes, DateTimeOffset? AnsweredAt, string? AnsweredBy, string? Outcome, bool? OnTime);

    /// <summary>The colour at <paramref name="at"/> (an answered task: when it was answered), from the stored yellow and due instants.</summary>
    public static string ColourAt(DateTimeOffset yellowAt, DateTimeOffset dueAt, DateTimeOffset at) =>
        CaseViews.Name(at >= dueAt ? Colour.Red : at >= yellowAt ? Colour.Yellow : Colour.Green);

    /// <summary>Reads a row of task_list.sql (or the same leading columns).</summary>
    public static TaskView Read(NpgsqlDataReader r, DateTimeOffset now)
    {
        var state = (TaskState)r.GetInt16(2);
        DateTimeOffset? answeredAt = r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12);
        return new TaskView(r.GetInt64(0), SupervisionTasks.Name((TaskKind)r.GetInt16(1)), SupervisionTasks.Name(state), r.GetString(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), state == TaskState.Queued, r.GetString(7), r.GetFieldValue<DateTimeOffset>(8),
            r.GetFieldValue<DateTimeOffset>(10), ColourAt(r.GetFieldValue<DateTimeOffset>(9), r.GetFieldValue<DateTimeOffset>(10), answeredAt ?? now), r.GetInt32(11),
            answeredAt, r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : SupervisionTasks.Name((TaskOutcome)r.GetInt16(14)), r.IsDBNull(15) ? null : r.GetBoolean(15));
    }

    public const string Columns = "id, kind, state, case_number, district_code, grid_code, worker_id, sent_by, sent_at, yellow_at, due_at, reroutes, answered_at, answered_by, outcome, on_time";

    public static async Task<TaskView?> FindAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long id, string[] scope, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM supervision_tasks WHERE id = @id AND coalesce(grid_code, district_code) LIKE ANY (@scope::text[])", conn, tx);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("scope", scope);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r, now) : null;
    }
}
