using System.Security.Claims;
using System.Text.Json;
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
/// <c>POST /api/cases/{number}/actions</c>: one step of the loop. The state machine decides whether it is allowed;
/// each action asks for what it needs (a unit to dispatch to, a reason to reject, the verifier's position inside
/// the grid, a review date to carry over); <c>version</c> (or If-Match) guards against two people acting at once.
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
        // Patrols work on the street: they report, arrive, give feedback and verify; the centre does the rest.
        if (!user.IsInRole(Roles.Dispatcher) && !user.IsInRole(Roles.Admin) && action is not (CaseAction.Arrive or CaseAction.Feedback or CaseAction.Verify))
            return Problems.Create(403, "forbidden", "Forbidden", $"only a dispatcher may {CaseNames.Name(action)} a case; a patrol may arrive, give feedback and verify");
        var expected = request.Version ?? (uint.TryParse(http.Headers.IfMatch.ToString().Trim('"'), out var v) ? v : null);
        if (expected is { } ev && ev != c.Version)
            return Problems.Conflict("version-conflict", $"case {c.Number} changed since version {ev} (now {c.Version}); reload it and try again");
        if (at < (c.EventCount > 0 ? await LastEventAt(db, c.Id, ct) : c.ReportedAt))
            return Problems.BadRequest("time-before-history", "at lies before the case's last recorded step");

        var from = c.State;
        if (!CaseStateMachine.TryApply(from, action, out var to, out var error))
            return Problems.Conflict("illegal-transition", error!, new Dictionary<string, object?>
            {
                ["state"] = CaseNames.Name(from),
                ["allowed"] = CaseStateMachine.Allowed(from).Select(CaseNames.Name).ToList(),
            });

        var by = user.Identity?.Name ?? "anonymous";
        object data = new { attachments };
        switch (action)
        {
            case CaseAction.Accept:
                c.AcceptedAt = at;
                c.AcceptedBy = by;
                break;
            case CaseAction.Reject:
                if (string.IsNullOrWhiteSpace(request.Note)) return Problems.BadRequest("missing-reason", "rejecting a case needs the reason in note");
                c.ClosedAt = at;
                break;
            case CaseAction.Dispatch:
                if (!string.IsNullOrWhiteSpace(request.Unit)) c.Unit = request.Unit.Trim();
                c.DispatchedAt = at;
                c.DispatchedBy ??= by;
                c.FirstDispatchedAt ??= at;
                c.DispatchCount++;
                data = new { unit = c.Unit, attachments };
                break;
            case CaseAction.Return:
                c.ReturnCount++;
                c.DispatchedAt = null;
                break;
            case CaseAction.Escalate:
                if (string.IsNullOrWhiteSpace(request.LeadUnit)) return Problems.BadRequest("missing-lead-unit", "escalating needs the lead unit (leadUnit) and may name co-units");
                c.LeadUnit = request.LeadUnit.Trim();
                c.CoUnits = request.CoUnits ?? [];
                c.Unit = c.LeadUnit;
                c.DispatchedAt = null;
                data = new { leadUnit = c.LeadUnit, coUnits = c.CoUnits, attachments };
                break;
            case CaseAction.Arrive:
                c.ArrivedAt = at;
                break;
            case CaseAction.Feedback:
                if (string.IsNullOrWhiteSpace(request.Note)) return Problems.BadRequest("missing-note", "the handling feedback needs a note saying what was done");
                c.HandledAt = at;
                break;
            case CaseAction.Verify:
                if (request.Lon is not { } lon || request.Lat is not { } lat || !double.IsFinite(lon) || !double.IsFinite(lat))
                    return Problems.BadRequest("missing-position", "verifying needs the verifier's position (lon, lat)");
                if (c.GridCode is not null && !await InGrid(dataSource, c.GridCode, lon, lat, o.VerifyToleranceM, ct))
                    return Problems.Unprocessable("verifier-outside-grid", $"the verifier at ({lon:0.######}, {lat:0.######}) is not inside grid {c.GridCode}; verification is done on site");
                c.VerifiedAt = at;
                data = new { lon, lat, attachments };
                break;
            case CaseAction.Rework:
                c.ReworkCount++;
                c.DispatchedAt = at;
                c.ArrivedAt = c.HandledAt = c.VerifiedAt = null;
                break;
            case CaseAction.Close:
                if (request.Satisfaction is < 1 or > 5) return Problems.BadRequest("bad-satisfaction", "satisfaction is a rating from 1 to 5");
                c.Satisfaction = request.Satisfaction;
                c.ClosedAt = at;
                c.ClosedBy = by;
                break;
            case CaseAction.CarryOver:
                if (request.ReviewDate is not { } review || review <= DateOnly.FromDateTime(now.ToOffset(calendars.Calendar.UtcOffset).DateTime))
                    return Problems.BadRequest("missing-review-date", "carrying a case over (挂账) needs a reviewDate in the future");
                c.ReviewDate = review;
                data = new { reviewDate = review, attachments };
                break;
            case CaseAction.Resume:
                c.ReviewDate = null;
                c.DispatchedAt = at;
                c.ArrivedAt = c.HandledAt = null;
                break;
        }
        c.State = to;
        c.Version++;
        var e = CaseHistory.Append(c, at, by, CaseNames.Name(action), from, to, request.Note, JsonSerializer.Serialize(data));
        CaseHistory.Recolour(c, now, calendars.Calendar);
        db.CaseEvents.Add(e);
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
        if (action == CaseAction.Verify) await db.Devices.Where(d => d.AlarmCaseId == c.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.AlarmCaseId, (long?)null), ct);
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
