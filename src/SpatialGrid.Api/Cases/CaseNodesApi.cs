using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Evaluation;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Api.Cases;

/// <summary><c>GET /api/cases/{number}/nodes</c>: the standard's seven nodes of one case with their times, its intake channel, and its confirm and check tasks.</summary>
public static class CaseNodesApi
{
    public sealed record NodeView(string Name, DateTimeOffset? At);
    public sealed record CaseNodesView(string Number, string Channel, string Source, IReadOnlyList<NodeView> Nodes, IReadOnlyList<TaskRows.TaskView> Tasks);

    /// <summary>The standard's four intake channels, from the case's source.</summary>
    public static IntakeChannel ChannelOf(CaseSource source) => source switch
    {
        CaseSource.Patrol or CaseSource.SelfHandled => IntakeChannel.Supervisor,
        CaseSource.Device or CaseSource.Camera => IntakeChannel.Video,
        CaseSource.Resident or CaseSource.Hotline => IntakeChannel.Public,
        _ => IntakeChannel.HigherAuthority,
    };

    public static async Task<Results<Ok<CaseNodesView>, ProblemHttpResult>> Get(string number, SpatialGridDb db, NpgsqlDataSource dataSource, CalendarProvider calendars,
        TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await CallerScope.Of(user).Cases(db.Cases.AsNoTracking()).FirstOrDefaultAsync(x => x.Number == number, ct);
        if (c is null) return Problems.NotFound("case-not-found", $"no case '{(number.Length > 40 ? number[..40] : number)}'");
        var now = clock.GetUtcNow().ToUniversalTime();
        var offset = calendars.Calendar.UtcOffset;
        var local = c.ReportedAt.ToOffset(offset);
        var month = EvaluationPeriod.Month(new DateOnly(local.Year, local.Month, 1), offset);
        var nodes = CaseNodes.Of(new NodeTimes(c.ReportedAt, c.AcceptedAt, c.FirstDispatchedAt, c.ArrivedAt, c.HandledAt, c.VerifiedAt, c.ClosedAt, c.State), month.To, now);
        var tasks = new List<TaskRows.TaskView>();
        await using (var cmd = dataSource.CreateCommand($"SELECT {TaskRows.Columns} FROM supervision_tasks WHERE case_id = @id ORDER BY id"))
        {
            cmd.Parameters.AddWithValue("id", c.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) tasks.Add(TaskRows.Read(r, now));
        }
        return TypedResults.Ok(new CaseNodesView(c.Number, CaseNodes.Name(ChannelOf(c.Source)), CaseViews.Name(c.Source),
            nodes.Select(n => new NodeView(n.Name, n.At)).ToList(), tasks));
    }
}
