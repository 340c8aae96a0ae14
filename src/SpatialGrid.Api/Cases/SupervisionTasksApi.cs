using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Supervision;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// The supervision centre's side of the loop: the acceptor sends a confirm (核实) or check (核查) task for a case; it goes to
/// the supervisor on shift for the case's grid, nearest first, or waits in the acceptor's queue; the supervisor answers
/// from the scene. Every step is an event of the case's hash-chained history and a notification on <c>/api/events</c>.
/// </summary>
public static class SupervisionTasksApi
{
    public sealed record NewTask(string? Kind, string? Note);
    public sealed record TaskAnswer(string? Worker, string? Outcome, double? Lon, double? Lat, string? Note);

    public static IEndpointRouteBuilder MapSupervisionTasks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/cases/{number}/tasks", Send).WithTags("Cases").RequireAuthorization(SecuritySetup.PatrolManagerPolicy)
            .WithSummary("The acceptor sends a confirm task (a reported case) or a check task (a handled case) to the supervisor on shift for its grid, nearest by live position; with nobody on shift it waits in the acceptor's queue");
        app.MapGet("/api/tasks", List).WithTags("Cases").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("Confirm and check tasks, newest first: a supervisor's (worker=), the acceptor's queue (state=queued), a case's (case=), a grid's (grid= prefix); with deadline and colour; paged");
        app.MapPost("/api/tasks/{id}/answer", Answer).WithTags("Cases").RequireAuthorization(SecuritySetup.CaseWorkerPolicy)
            .WithSummary("The assigned supervisor answers from the scene (position inside the grid): confirmed or not-confirmed; a check passed (the case is verified) or failed (sent back for rework)")
            .WithDescription("worker is the supervisor answering; a key bound to a patrol worker answers as that worker (worker may be left out, " +
                "another worker is 403 not-your-worker), an unbound key names the supervisor the task is assigned to.");
        app.MapGet("/api/cases/{number}/nodes", CaseNodesApi.Get).WithTags("Cases").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("The seven nodes of the standard (collect, open, dispatch, handle, feedback, check-and-close, evaluate) with their times, the intake channel (supervisor, video, public, higher-authority) and the case's confirm and check tasks");
        return app;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] : s;

    private static async Task<Results<Created<TaskRows.TaskView>, ProblemHttpResult>> Send(string number, NewTask request, SpatialGridDb db, CalendarProvider calendars,
        IOptions<CasesOptions> options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        if (!SupervisionTasks.TryParse(request.Kind, out TaskKind kind)) return Problems.BadRequest("bad-kind", "kind is confirm or check");
        if (request.Note is { Length: var n } && n > options.Value.MaxNoteLength)
            return Problems.BadRequest("too-long", $"the note has {n:N0} characters; at most {options.Value.MaxNoteLength:N0}");
        var now = CaseHistory.Microseconds(clock.GetUtcNow().ToUniversalTime());
        var c = await CallerScope.Of(user).Cases(db.Cases).FirstOrDefaultAsync(x => x.Number == number, ct);
        if (c is null) return Problems.NotFound("case-not-found", $"no case '{Clip(number)}'");
        if (SupervisionTasks.Refusal(kind, c.State) is { } why) return Problems.Conflict("task-not-allowed", why);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var ntx = (NpgsqlTransaction)tx.GetDbTransaction();
        await using (var running = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM supervision_tasks WHERE case_id = @c AND kind = @k AND state IN (1, 2))", conn, ntx))
        {
            running.Parameters.AddWithValue("c", c.Id);
            running.Parameters.AddWithValue("k", (short)kind);
            if ((bool)(await running.ExecuteScalarAsync(ct))!)
                return Problems.Conflict("task-running", $"case {c.Number} has a {SupervisionTasks.Name(kind)} task running; it is answered or rerouted, not sent twice");
        }
        var calendar = calendars.Calendar;
        var candidates = await TaskRouting.OnShiftAsync(conn, ntx, c.DistrictCode, c.GridCode, c.Location.X, c.Location.Y, now, calendar.UtcOffset, ct);
        var worker = SupervisionTasks.Choose(candidates);
        var limit = new TimeLimit(c.ArrivalValue, c.ArrivalClock);
        var due = SupervisionTasks.DueAt(now, limit, calendar);
        var yellow = CaseClock.YellowAtInstant(new StageLimit(Stage.Arrival, now, limit), calendar);
        var by = user.Identity?.Name ?? "anonymous";
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO supervision_tasks (case_id, case_number, district_code, grid_code, kind, state, worker_id, sent_by, sent_at, yellow_at, due_at, routed_at, note, sent_on_time)
            VALUES (@case, @number, @district, @grid, @kind, @state, @worker, @by, @now, @yellow, @due, @now, @note, @sent_on_time) RETURNING id
            """, conn, ntx))
        {
            insert.Parameters.AddWithValue("case", c.Id);
            insert.Parameters.AddWithValue("number", c.Number);
            insert.Parameters.AddWithValue("district", c.DistrictCode);
            insert.Parameters.AddWithValue("grid", (object?)c.GridCode ?? DBNull.Value);
            insert.Parameters.AddWithValue("kind", (short)kind);
            insert.Parameters.AddWithValue("state", (short)(worker is null ? TaskState.Queued : TaskState.Assigned));
            insert.Parameters.AddWithValue("worker", (object?)worker ?? DBNull.Value);
            insert.Parameters.AddWithValue("by", by);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("yellow", yellow);
            insert.Parameters.AddWithValue("due", due);
            insert.Parameters.AddWithValue("note", (object?)request.Note ?? DBNull.Value);
            insert.Parameters.AddWithValue("sent_on_time", SupervisionTasks.SentOnTime(kind, c.ReportedAt, c.HandledAt, new TimeLimit(c.DispatchValue, c.DispatchClock), now, calendar));
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        var data = JsonSerializer.Serialize(new { task = id, worker, queued = worker is null, due });
        db.CaseEvents.Add(CaseHistory.Append(c, now, by, SupervisionTasks.Name(kind) + "-task", c.State, c.State, request.Note, data));
        c.Version++;
        if (await Save(db, c, ct) is { } conflict) return conflict;
        var action = worker is null ? $"{SupervisionTasks.Name(kind)} task {id} waits in the acceptor's queue: nobody is on shift for grid {c.GridCode ?? "(outside every grid)"}"
            : $"{SupervisionTasks.Name(kind)} task {id} sent to {worker}";
        await CaseNotifier.SendAsync(conn, ntx, new CaseNotification(worker is null ? "task-queued" : "task-assigned", c.Number, c.DistrictCode, c.GridCode,
            CaseNames.Name(c.State), "green", now, action, worker), ct);
        var view = (await TaskRows.FindAsync(conn, ntx, id, ["%"], now, ct))!;
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/tasks?case={Uri.EscapeDataString(c.Number)}", view);
    }

    private static async Task<Results<Ok<PagedList<TaskRows.TaskView>>, ProblemHttpResult>> List(NpgsqlDataSource dataSource, ClaimsPrincipal user, TimeProvider clock,
        string? worker, string? state, string? kind, string? @case, string? grid, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        TaskState? s = state switch { null => null, "assigned" => TaskState.Assigned, "queued" => TaskState.Queued, "answered" => TaskState.Answered, _ => 0 };
        if (s == 0) return Problems.BadRequest("bad-state", "state is assigned, queued (the acceptor's queue) or answered");
        TaskKind? k = null;
        if (kind is not null)
        {
            if (!SupervisionTasks.TryParse(kind, out TaskKind parsed)) return Problems.BadRequest("bad-kind", "kind is confirm or check");
            k = parsed;
        }
        if (grid is not null && (grid.Length is 0 or > 15 || !grid.All(char.IsAsciiDigit))) return Problems.BadRequest("bad-grid", "grid is a grid code prefix (digits)");
        if (worker is { Length: > 64 } || @case is { Length: > 40 }) return Problems.BadRequest("bad-request", "worker is at most 64 characters and case at most 40");
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        var now = clock.GetUtcNow().ToUniversalTime();
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/task_list.sql"));
        cmd.Parameters.AddWithValue("scope", CallerScope.Of(user).Patterns);
        cmd.Parameters.Add(new NpgsqlParameter("worker", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)worker ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("state", NpgsqlTypes.NpgsqlDbType.Smallint) { Value = s is null ? DBNull.Value : (short)s });
        cmd.Parameters.Add(new NpgsqlParameter("kind", NpgsqlTypes.NpgsqlDbType.Smallint) { Value = k is null ? DBNull.Value : (short)k });
        cmd.Parameters.Add(new NpgsqlParameter("case", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)@case ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("grid", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)grid ?? DBNull.Value });
        cmd.Parameters.AddWithValue("limit", size);
        cmd.Parameters.AddWithValue("offset", (long)(p - 1) * size);
        var items = new List<TaskRows.TaskView>();
        var total = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                items.Add(TaskRows.Read(r, now));
                total = (int)r.GetInt64(16);
            }
        }
        // A page past the end has no row to carry the total.
        if (items.Count == 0 && p > 1) total = await CountAsync(cmd, ct);
        return TypedResults.Ok(new PagedList<TaskRows.TaskView>(items, p, size, total));
    }

    /// <summary>The total of a list from its first row (a page past the end has no row to carry it).</summary>
    private static async Task<int> CountAsync(NpgsqlCommand list, CancellationToken ct)
    {
        list.Parameters["limit"].Value = 1;
        list.Parameters["offset"].Value = 0L;
        await using var r = await list.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (int)r.GetInt64(16) : 0;
    }

    private static async Task<Results<Ok<TaskRows.TaskView>, ProblemHttpResult>> Answer(long id, TaskAnswer request, SpatialGridDb db, NpgsqlDataSource dataSource,
        CalendarProvider calendars, IOptions<CasesOptions> options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        // A supervisor's own key answers as that supervisor, named or not.
        var bound = WorkerBinding.Of(user);
        if (WorkerBinding.Refusal(bound, request.Worker) is { } notYours) return WorkerBinding.Forbidden(notYours);
        if (bound is not null) request = request with { Worker = bound };
        if (string.IsNullOrWhiteSpace(request.Worker) || request.Worker.Length > 64) return Problems.BadRequest("bad-worker", "worker is the id of the supervisor answering");
        if (!SupervisionTasks.TryParse(request.Outcome, out TaskOutcome outcome))
            return Problems.BadRequest("bad-outcome", "outcome is confirmed or not-confirmed (confirm task), passed or failed (check task)");
        if (request.Lon is not { } lon || request.Lat is not { } lat || !double.IsFinite(lon) || !double.IsFinite(lat) || Math.Abs(lon) > 180 || Math.Abs(lat) > 90)
            return Problems.BadRequest("missing-position", "answering needs the supervisor's position (lon, lat) on the scene");
        if (request.Note is { Length: var n } && n > options.Value.MaxNoteLength)
            return Problems.BadRequest("too-long", $"the note has {n:N0} characters; at most {options.Value.MaxNoteLength:N0}");
        var now = CaseHistory.Microseconds(clock.GetUtcNow().ToUniversalTime());
        var scope = CallerScope.Of(user);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var ntx = (NpgsqlTransaction)tx.GetDbTransaction();
        var task = await TaskRows.FindAsync(conn, ntx, id, scope.Patterns, now, ct);
        if (task is null) return Problems.NotFound("task-not-found", $"no task {id}");
        var inGrid = task.GridCode is null || await InGrid(conn, ntx, task.GridCode, lon, lat, options.Value.VerifyToleranceM, ct);
        TaskKind kind = task.Kind == "confirm" ? TaskKind.Confirm : TaskKind.Check;
        TaskState state = task.State switch { "assigned" => TaskState.Assigned, "queued" => TaskState.Queued, _ => TaskState.Answered };
        var (decision, problem) = SupervisionTasks.Answer(new TaskFacts(kind, state, task.Worker, task.SentAt, task.DueAt), request.Worker, outcome, inGrid, now);
        if (problem is not null)
            return Problems.Of(problem.Status, problem.Kind, problem.Detail + (problem.Kind == "answer-outside-grid" ? $" (({lon:0.######}, {lat:0.######}) is not inside grid {task.GridCode})" : ""));

        var c = await db.Cases.FirstAsync(x => x.Number == task.CaseNumber, ct);
        await using (var update = new NpgsqlCommand("""
            UPDATE supervision_tasks SET state = 3, answered_at = @now, answered_by = @worker, outcome = @outcome, on_time = @on_time, note = coalesce(@note, note)
            WHERE id = @id AND state = 1
            """, conn, ntx))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("worker", request.Worker);
            update.Parameters.AddWithValue("outcome", (short)decision!.Outcome);
            update.Parameters.AddWithValue("on_time", decision.OnTime);
            update.Parameters.Add(new NpgsqlParameter("note", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)request.Note ?? DBNull.Value });
            if (await update.ExecuteNonQueryAsync(ct) == 0) return Problems.Conflict("task-answered", "the task has been answered or rerouted at the same moment; reload it");
        }
        var key = user.Identity?.Name ?? "anonymous";
        var data = JsonSerializer.Serialize(new { task = id, outcome = SupervisionTasks.Name(decision.Outcome), onTime = decision.OnTime, lon, lat, key });
        var from = c.State;
        db.CaseEvents.Add(CaseHistory.Append(c, now, request.Worker, task.Kind + "-answer", from, from, request.Note, data));
        var followed = false;
        if (decision.CaseAction is { } follows)
        {
            // A passed check verifies the case, a failed one sends it back to the unit: the decisions of the verify and rework
            // actions, taken with the authority of the centre that sent the task.
            var step = new CaseCommand(follows, now, request.Worker) { Note = request.Note, Lon = lon, Lat = lat, PositionInGrid = inGrid, Task = id };
            var (next, refusal) = CaseDecider.Decide(CaseSteps.Snapshot(c, now), step, now, calendars.Calendar);
            if (refusal is not null) return Problems.Of(refusal.Status, refusal.Kind, refusal.Detail, refusal.Extensions);
            db.CaseEvents.Add(CaseSteps.Record(c, next!));
            followed = next!.ClearsDeviceAlarm;
        }
        else
        {
            c.Version++;
            CaseHistory.Recolour(c, now, calendars.Calendar);
        }
        if (await Save(db, c, ct) is { } conflict) return conflict;
        if (followed) await db.Devices.Where(d => d.AlarmCaseId == c.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.AlarmCaseId, (long?)null), ct);
        await CaseNotifier.SendAsync(conn, ntx, new CaseNotification("task-answered", c.Number, c.DistrictCode, c.GridCode, CaseNames.Name(c.State),
            CaseViews.Name(c.NotifiedColour), now, $"{task.Kind} task {id}: {SupervisionTasks.Name(decision.Outcome)}", request.Worker), ct);
        var view = (await TaskRows.FindAsync(conn, ntx, id, ["%"], now, ct))!;
        await tx.CommitAsync(ct);
        return TypedResults.Ok(view);
    }

    private static async Task<ProblemHttpResult?> Save(SpatialGridDb db, Case c, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException || e is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } })
        {
            return Problems.Conflict("version-conflict", $"case {c.Number} was changed by someone else at the same moment; reload it and try again");
        }
    }

    private static async Task<bool> InGrid(NpgsqlConnection conn, NpgsqlTransaction tx, string grid, double lon, double lat, double metres, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(SqlFiles.Get("Cases/Sql/verifier_in_grid.sql"), conn, tx);
        cmd.Parameters.AddWithValue("grid", grid);
        cmd.Parameters.AddWithValue("lon", lon);
        cmd.Parameters.AddWithValue("lat", lat);
        cmd.Parameters.AddWithValue("metres", metres);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
