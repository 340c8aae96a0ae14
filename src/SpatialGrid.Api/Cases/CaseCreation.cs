using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Api.Taxonomy;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// Opening a case: its grid from the point (outside every grid: the nearest district's centre, flagged), its
/// component (given, or the nearest of its class within a few metres), its unit and limits from the taxonomy
/// with the district's overrides, a readable number, and the first event of its history. A self-handled case
/// (source <c>self</c>) is closed at once and must carry its evidence.
/// </summary>
public static class CaseCreation
{
    public sealed record NewCase(string? ClassCode, string? Description, double? Lon, double? Lat, string? Crs, string? Source,
        string? ComponentCode, DateTimeOffset? ReportedAt, string[]? Attachments, string? Kind = null, DateOnly? PromisedBy = null,
        string? LeadUnit = null, string[]? CoUnits = null);

    public static async Task<Results<Created<CaseViews.CaseDetail>, ProblemHttpResult>> Create(NewCase request, SpatialGridDb db, NpgsqlDataSource dataSource,
        GridRegistry grids, CalendarProvider calendars, CaseNotifier notifier, IOptions<CasesOptions> options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var o = options.Value;
        var now = CaseHistory.Microseconds(clock.GetUtcNow().ToUniversalTime());
        if (string.IsNullOrWhiteSpace(request.ClassCode)) return Problems.BadRequest("missing-class", "classCode is required (GET /api/taxonomy lists the classes)");
        var cls = await db.Taxonomy.AsNoTracking().FirstOrDefaultAsync(t => t.Code == request.ClassCode, ct);
        if (cls is null) return Problems.BadRequest("unknown-class", $"class '{Clip(request.ClassCode)}' is not in the taxonomy");
        if (string.IsNullOrWhiteSpace(request.Description)) return Problems.BadRequest("missing-description", "description is required");
        if (request.Description.Length > o.MaxNoteLength) return Problems.BadRequest("too-long", $"description has {request.Description.Length:N0} characters; at most {o.MaxNoteLength:N0}");
        if (request.Lon is not { } x || request.Lat is not { } y || !double.IsFinite(x) || !double.IsFinite(y))
            return Problems.BadRequest("bad-coordinates", "lon and lat are required finite numbers");
        if (!Crs.TryParse(request.Crs, out var crs, out var crsError)) return Problems.BadRequest("unsupported-crs", crsError!);
        if (crs.IsGeographic && (x is < -180 or > 180 || y is < -90 or > 90))
            return Problems.BadRequest("bad-coordinates", $"({x}, {y}) is out of range" + (y is >= -180 and <= 180 && x is >= -90 and <= 90 ? "; are lon and lat swapped?" : ""));
        var (lon, lat) = crs.ToWgs84(x, y);
        if (!CaseViews.TryParse(request.Source ?? "patrol", out var source))
            return Problems.BadRequest("bad-source", "source is one of patrol, device, camera, resident, hotline, self");
        var reportedAt = CaseHistory.Microseconds(request.ReportedAt ?? now);
        if (reportedAt > now.AddMinutes(1)) return Problems.BadRequest("future-time", $"reportedAt {reportedAt:O} is in the future (now {now:O})");
        if (reportedAt < now.AddDays(-o.MaxBackdateDays)) return Problems.BadRequest("too-old", $"reportedAt may be at most {o.MaxBackdateDays} days in the past");
        var attachments = request.Attachments ?? [];
        if (attachments.Length > 20 || attachments.Any(a => string.IsNullOrWhiteSpace(a) || a.Length > 500))
            return Problems.BadRequest("bad-attachments", "at most 20 attachments, each a reference (URL or hash) of at most 500 characters");
        if (source == CaseSource.SelfHandled && attachments.Length == 0)
            return Problems.BadRequest("missing-evidence", "a self-handled case must carry the evidence of the first response (attachments)");
        var kind = request.Kind switch { null or "immediate" => CaseKind.Immediate, "promised" => CaseKind.Promised, "coordination" => CaseKind.Coordination, _ => (CaseKind)0 };
        if (kind == 0) return Problems.BadRequest("bad-kind", "kind is immediate, promised or coordination");
        var reportedDay = DateOnly.FromDateTime(reportedAt.ToOffset(calendars.Calendar.UtcOffset).DateTime);
        if (kind == CaseKind.Promised && (request.PromisedBy is not { } promised || promised <= reportedDay || promised > reportedDay.AddDays(366)))
            return Problems.BadRequest("bad-promise", "a promised case needs promisedBy, a date after the report and within a year");
        if (kind == CaseKind.Coordination && string.IsNullOrWhiteSpace(request.LeadUnit))
            return Problems.BadRequest("missing-lead-unit", "a case that needs coordination names its lead unit (leadUnit) and may name co-units (coUnits)");

        // Where: the grid, or the nearest district's centre for a point outside every grid.
        var gridCode = grids.Current.Index.Locate(lon, lat);
        string district;
        if (gridCode is not null) district = gridCode[..6];
        else
        {
            await using var near = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/nearest_district.sql"));
            near.Parameters.AddWithValue("lon", lon);
            near.Parameters.AddWithValue("lat", lat);
            if (await near.ExecuteScalarAsync(ct) is not string d) return Problems.Unprocessable("no-grids", "no grid version is published: import and publish the grids first");
            district = d;
        }

        // What it concerns: the component given, or the nearest one of a component class.
        var componentCode = request.ComponentCode;
        if (componentCode is not null)
        {
            if (!await db.Components.AnyAsync(c => c.Code == componentCode, ct)) return Problems.BadRequest("unknown-component", $"no component '{Clip(componentCode)}'");
        }
        else if (cls.Kind == ClassKind.Component)
        {
            await using var nearest = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/nearest_component.sql"));
            nearest.Parameters.AddWithValue("class", cls.Code);
            nearest.Parameters.AddWithValue("lon", lon);
            nearest.Parameters.AddWithValue("lat", lat);
            nearest.Parameters.AddWithValue("metres", o.ComponentSearchM);
            componentCode = await nearest.ExecuteScalarAsync(ct) as string;
        }

        if (!CaseScope.Allows(user, district, gridCode))
            return Problems.Create(403, "out-of-scope", "Forbidden", $"the point lies in {gridCode ?? district}, outside the districts this key may act on");
        var over = await db.TaxonomyOverrides.AsNoTracking().FirstOrDefaultAsync(x => x.DistrictCode == district && x.ClassCode == cls.Code, ct);
        var effective = TaxonomyApi.View(cls, over);
        var limits = TaxonomyApi.Effective(cls, over);
        if (kind == CaseKind.Promised)
        {
            // Closing is due on the promised date, at the hour of the report.
            limits = limits with { Close = new TimeLimit(request.PromisedBy!.Value.DayNumber - reportedDay.DayNumber, ClockKind.CalendarDays) };
        }
        var by = user.Identity?.Name ?? "anonymous";

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int sequence;
        await using (var next = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/next_number.sql")))
        {
            // Numbered by the local day of the report.
            next.Parameters.AddWithValue("district", district);
            next.Parameters.AddWithValue("day", DateOnly.FromDateTime(reportedAt.ToOffset(calendars.Calendar.UtcOffset).DateTime));
            sequence = Convert.ToInt32(await next.ExecuteScalarAsync(ct));
        }
        var c = new Case
        {
            Number = $"{district}-{reportedAt.ToOffset(calendars.Calendar.UtcOffset):yyyyMMdd}-{sequence:0000}",
            DistrictCode = district, GridCode = gridCode, Outside = gridCode is null, ClassCode = cls.Code, Source = source,
            State = CaseState.Reported, Description = request.Description.Trim(), Location = GeometryFactories.Wgs84.CreatePoint(new NetTopologySuite.Geometries.Coordinate(lon, lat)),
            ComponentCode = componentCode, ReportedBy = by, ReportedAt = reportedAt, Kind = kind, PromisedBy = request.PromisedBy,
            Unit = kind == CaseKind.Coordination ? request.LeadUnit!.Trim() : gridCode is null ? "区城运中心 District command centre" : effective.UnitZh,
            LeadUnit = kind == CaseKind.Coordination ? request.LeadUnit!.Trim() : null, CoUnits = kind == CaseKind.Coordination ? request.CoUnits ?? [] : [],
            DispatchValue = limits.Dispatch.Value, DispatchClock = limits.Dispatch.Clock, ArrivalValue = limits.Arrival.Value, ArrivalClock = limits.Arrival.Clock,
            FeedbackValue = limits.Feedback.Value, FeedbackClock = limits.Feedback.Clock, CloseValue = limits.Close.Value, CloseClock = limits.Close.Clock,
            LastHash = CaseHash.Genesis,
        };
        db.Cases.Add(c);
        await db.SaveChangesAsync(ct);
        var data = JsonSerializer.Serialize(new { source = CaseViews.Name(source), lon, lat, grid = gridCode, unit = c.Unit, component = componentCode, attachments });
        var events = new List<CaseEvent> { CaseHistory.Append(c, reportedAt, by, "report", CaseState.Reported, CaseState.Reported, c.Description, data) };
        if (source == CaseSource.SelfHandled)
        {
            // Settled on the spot: recorded, and closed at once with its evidence (自行处置).
            c.State = CaseState.Closed;
            c.ClosedAt = reportedAt;
            c.DispatchedAt = c.FirstDispatchedAt = c.ArrivedAt = c.HandledAt = c.VerifiedAt = c.AcceptedAt = reportedAt;
            events.Add(CaseHistory.Append(c, reportedAt, by, "self-handle", CaseState.Reported, CaseState.Closed, "handled on the spot", JsonSerializer.Serialize(new { attachments })));
        }
        CaseHistory.Recolour(c, now, calendars.Calendar);
        db.CaseEvents.AddRange(events);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var detail = CaseViews.Detail(c, events, now, calendars.Calendar);
        await notifier.SendAsync(new CaseNotification("created", c.Number, c.DistrictCode, c.GridCode, detail.Case.State, detail.Case.Colour, now), ct);
        return TypedResults.Created($"/api/cases/{c.Number}", detail);
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
