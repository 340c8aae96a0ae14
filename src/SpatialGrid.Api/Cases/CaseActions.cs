using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// <c>POST /api/cases/{number}/actions</c>: one step of the loop. The request is checked, the case and what the decision
/// needs from the database are loaded, <see cref="CaseDecider"/> decides, and the step is saved and announced;
/// <c>version</c> (or If-Match) guards against two people acting at once.
/// </summary>
public static class CaseActions
{
    public sealed record ActionRequest(string? Action, string? Note, string? Unit, string? LeadUnit, string[]? CoUnits, DateOnly? ReviewDate,
        int? Satisfaction, double? Lon, double? Lat, string[]? Attachments, uint? Version, DateTimeOffset? At);

    public static async Task<Results<Ok<CaseViews.CaseDetail>, ProblemHttpResult>> Apply(string number, ActionRequest request, HttpRequest http, SpatialGridDb db,
        NpgsqlDataSource dataSource, CalendarProvider calendars, CaseNotifier notifier, IOptions<CasesOptions> options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var o = options.Value;
        var now = CaseHistory.Microseconds(clock.GetUtcNow().ToUniversalTime());
        if (!CaseNames.TryParse(request.Action, out CaseAction action))
            return Problems.BadRequest("bad-action", $"action is one of {string.Join(", ", Enum.GetValues<CaseAction>().Select(CaseNames.Name))}");
        if (request.Note is { } note && note.Length > o.MaxNoteLength)
            return Problems.BadRequest("too-long", $"the note has {note.Length:N0} characters; at most {o.MaxNoteLength:N0}");
        var at = CaseHistory.Microseconds(request.At ?? now);
        if (at > now.AddMinutes(1)) return Problems.BadRequest("future-time", $"at {at:O} is in the future (now {now:O})");
        var attachments = request.Attachments ?? [];
        if (attachments.Length > 20 || attachments.Any(a => string.IsNullOrWhiteSpace(a) || a.Length > 500))
            return Problems.BadRequest("bad-attachments", "at most 20 attachments, each a reference (URL or hash) of at most 500 characters");

        var c = await CallerScope.Of(user).Cases(db.Cases).FirstOrDefaultAsync(x => x.Number == number, ct);
        if (c is null) return Problems.NotFound("case-not-found", $"no case '{(number.Length > 40 ? number[..40] : number)}'");
        var expected = request.Version ?? (uint.TryParse(http.Headers.IfMatch.ToString().Trim('"'), out var v) ? v : null);
        var lastStepAt = c.EventCount > 0 ? await LastEventAt(db, c.Id, ct) : c.ReportedAt;
        var authority = user.IsInRole(Roles.Dispatcher) || user.IsInRole(Roles.Admin) ? Authority.Centre : Authority.Field;
        // Whether the verifier stands in the grid is asked of PostGIS only when a verification could turn on it.
        var inGrid = action == CaseAction.Verify && c.GridCode is not null && request.Lon is { } lon && request.Lat is { } lat && double.IsFinite(lon) && double.IsFinite(lat)
            && await InGrid(dataSource, c.GridCode, lon, lat, o.VerifyToleranceM, ct);
        // A worker's own key acts as that worker: the history names the worker, whose day counts the cases they verified.
        var command = new CaseCommand(action, at, WorkerBinding.Of(user) ?? user.Identity?.Name ?? "anonymous", authority)
        {
            Note = request.Note, Unit = request.Unit, LeadUnit = request.LeadUnit, CoUnits = request.CoUnits, ReviewDate = request.ReviewDate,
            Satisfaction = request.Satisfaction, Lon = request.Lon, Lat = request.Lat, PositionInGrid = inGrid, Attachments = attachments, ExpectedVersion = expected,
        };
        var (decision, problem) = CaseDecider.Decide(CaseSteps.Snapshot(c, lastStepAt), command, now, calendars.Calendar);
        if (problem is not null) return Problems.Of(problem.Status, problem.Kind, problem.Detail, problem.Extensions);
        db.CaseEvents.Add(CaseSteps.Record(c, decision!));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("version-conflict", $"case {c.Number} was changed by someone else at the same moment; reload it and try again");
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("version-conflict", $"case {c.Number} was changed by someone else at the same moment; reload it and try again");
        }
        // A verified case clears the alarm of the device that raised it.
        if (decision.ClearsDeviceAlarm) await db.Devices.Where(d => d.AlarmCaseId == c.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.AlarmCaseId, (long?)null), ct);
        var events = await db.CaseEvents.AsNoTracking().Where(x => x.CaseId == c.Id).ToListAsync(ct);
        var detail = CaseViews.Detail(c, events, now, calendars.Calendar);
        await notifier.SendAsync(new CaseNotification("transitioned", c.Number, c.DistrictCode, c.GridCode, detail.Case.State, detail.Case.Colour, now, CaseNames.Name(action)), ct);
        return TypedResults.Ok(detail);
    }

    private static async Task<DateTimeOffset> LastEventAt(SpatialGridDb db, long caseId, CancellationToken ct) =>
        await db.CaseEvents.Where(x => x.CaseId == caseId).MaxAsync(x => x.At, ct);

    private static async Task<bool> InGrid(NpgsqlDataSource dataSource, string grid, double lon, double lat, double metres, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/verifier_in_grid.sql"));
        cmd.Parameters.AddWithValue("grid", grid);
        cmd.Parameters.AddWithValue("lon", lon);
        cmd.Parameters.AddWithValue("lat", lat);
        cmd.Parameters.AddWithValue("metres", metres);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
