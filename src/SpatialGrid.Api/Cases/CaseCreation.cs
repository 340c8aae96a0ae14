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
        string? LeadUnit = null, string[]? CoUnits = null, string? Worker = null);

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

        if (!CallerScope.Of(user).Sees(district, gridCode))
            return Problems.Create(403, "out-of-scope", "Forbidden", $"the point lies in {gridCode ?? district}, outside the districts this key may act on");

        // Who reported it from the field: a registered patrol worker, and their fix nearest in time to the report.
        FieldReporter? reporter = null;
        if (request.Worker is { } worker)
        {
            await using var find = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/reporter_fix.sql"));
            find.Parameters.AddWithValue("worker", worker);
            find.Parameters.AddWithValue("at", reportedAt);
            await using var r = await find.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return Problems.BadRequest("unknown-worker", $"worker '{Clip(worker)}' is not an active patrol worker (POST /api/patrols/workers)");
            reporter = new FieldReporter(worker, r.IsDBNull(0) ? null : r.GetFieldValue<DateTimeOffset>(0),
                r.IsDBNull(1) ? null : GeometryFactories.Wgs84.CreatePoint(new NetTopologySuite.Geometries.Coordinate(r.GetDouble(1), r.GetDouble(2))));
        }
        var over = await db.TaxonomyOverrides.AsNoTracking().FirstOrDefaultAsync(x => x.DistrictCode == district && x.ClassCode == cls.Code, ct);
        var by = user.Identity?.Name ?? "anonymous";

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var draft = new CaseDraft(cls, over, district, gridCode, source, request.Description.Trim(), lon, lat, componentCode, by, reportedAt, kind,
            request.PromisedBy, request.LeadUnit?.Trim(), request.CoUnits ?? [], attachments);
        // The number is taken outside the case's transaction: the counter row is not held locked while the case is written.
        var (c, events) = await InsertAsync(draft with { Reporter = reporter, TraceId = Correlation.CurrentId }, db, calendars.Calendar, now,
            async token => await TakeNumbersAsync(dataSource.CreateCommand(), district, LocalDay(reportedAt, calendars.Calendar), 1, token), ct);
        await tx.CommitAsync(ct);
        var detail = CaseViews.Detail(c, events, now, calendars.Calendar);
        await notifier.SendAsync(new CaseNotification("created", c.Number, c.DistrictCode, c.GridCode, detail.Case.State, detail.Case.Colour, now), ct);
        return TypedResults.Created($"/api/cases/{c.Number}", detail);
    }

    /// <summary>Everything a new case is opened from, once checked and resolved.</summary>
    public sealed record CaseDraft(TaxonomyEntry Class, TaxonomyOverride? Override, string District, string? GridCode, CaseSource Source, string Description,
        double Lon, double Lat, string? ComponentCode, string By, DateTimeOffset ReportedAt, CaseKind Kind = CaseKind.Immediate, DateOnly? PromisedBy = null,
        string? LeadUnit = null, string[]? CoUnits = null, string[]? Attachments = null, string? DeviceId = null, string? AlertType = null, object? ReportData = null,
        FieldReporter? Reporter = null, string? TraceId = null);

    /// <summary>The patrol worker a case was reported by, with their GPS fix nearest in time (none within 10 minutes: null).</summary>
    public sealed record FieldReporter(string Worker, DateTimeOffset? FixAt, NetTopologySuite.Geometries.Point? Fix);

    /// <summary>
    /// Takes <paramref name="n"/> consecutive numbers of a district and local day and returns the first, with the
    /// command given (a data source's, or one on a connection and transaction).
    /// </summary>
    public static async Task<int> TakeNumbersAsync(NpgsqlCommand command, string district, DateOnly day, int n, CancellationToken ct)
    {
        await using var next = command;
        next.CommandText = SqlFiles.Get("Cases/Sql/next_numbers.sql");
        next.Parameters.AddWithValue("district", district);
        next.Parameters.AddWithValue("day", day);
        next.Parameters.AddWithValue("n", n);
        return Convert.ToInt32(await next.ExecuteScalarAsync(ct)) - n + 1;
    }

    /// <summary>The local day a case is numbered by.</summary>
    public static DateOnly LocalDay(DateTimeOffset at, SpatialGrid.Core.Calendar.WorkCalendar calendar) => DateOnly.FromDateTime(at.ToOffset(calendar.UtcOffset).DateTime);

    /// <summary>
    /// Writes a new case and the first event of its history (with the district's overrides frozen into its limits),
    /// in the caller's transaction; a self-handled case is closed at once. Shared by reports over HTTP and device alerts.
    /// </summary>
    public static async Task<(Case Case, List<CaseEvent> Events)> InsertAsync(CaseDraft d, SpatialGridDb db, SpatialGrid.Core.Calendar.WorkCalendar calendar,
        DateTimeOffset now, Func<CancellationToken, Task<int>> nextNumber, CancellationToken ct)
    {
        var c = Build(d, calendar);
        c.Number = Number(d, calendar, await nextNumber(ct));
        db.Cases.Add(c);
        await db.SaveChangesAsync(ct);
        var events = FirstEvents(c, d, now, calendar);
        db.CaseEvents.AddRange(events);
        await db.SaveChangesAsync(ct);
        return (c, events);
    }

    /// <summary>The case a draft opens, without its number yet (limits frozen, unit chosen, colour instants unset).</summary>
    public static Case Build(CaseDraft d, SpatialGrid.Core.Calendar.WorkCalendar calendar)
    {
        var effective = TaxonomyApi.View(d.Class, d.Override);
        var limits = TaxonomyApi.Effective(d.Class, d.Override);
        if (d.Kind == CaseKind.Promised)
        {
            // Closing is due on the promised date, at the hour of the report.
            var reportedDay = DateOnly.FromDateTime(d.ReportedAt.ToOffset(calendar.UtcOffset).DateTime);
            limits = limits with { Close = new TimeLimit(d.PromisedBy!.Value.DayNumber - reportedDay.DayNumber, ClockKind.CalendarDays) };
        }
        return new Case
        {
            Number = "",
            DistrictCode = d.District, GridCode = d.GridCode, Outside = d.GridCode is null, ClassCode = d.Class.Code, Source = d.Source,
            State = CaseState.Reported, Description = d.Description, Location = GeometryFactories.Wgs84.CreatePoint(new NetTopologySuite.Geometries.Coordinate(d.Lon, d.Lat)),
            ComponentCode = d.ComponentCode, ReportedBy = d.By, ReportedAt = d.ReportedAt, Kind = d.Kind, PromisedBy = d.PromisedBy,
            Unit = d.Kind == CaseKind.Coordination ? d.LeadUnit! : d.GridCode is null ? "区城运中心 District command centre" : effective.UnitZh,
            LeadUnit = d.Kind == CaseKind.Coordination ? d.LeadUnit : null, CoUnits = d.Kind == CaseKind.Coordination ? d.CoUnits ?? [] : [],
            DispatchValue = limits.Dispatch.Value, DispatchClock = limits.Dispatch.Clock, ArrivalValue = limits.Arrival.Value, ArrivalClock = limits.Arrival.Clock,
            FeedbackValue = limits.Feedback.Value, FeedbackClock = limits.Feedback.Clock, CloseValue = limits.Close.Value, CloseClock = limits.Close.Clock,
            DeviceId = d.DeviceId, AlertType = d.AlertType, LastAlertAt = d.DeviceId is null ? null : d.ReportedAt,
            ReporterWorker = d.Reporter?.Worker, ReporterFixAt = d.Reporter?.FixAt?.ToUniversalTime(), ReporterFix = d.Reporter?.Fix,
            LastHash = CaseHash.Genesis,
        };
    }

    /// <summary>A case's number: district, local day of the report, and the day's sequence.</summary>
    public static string Number(CaseDraft d, SpatialGrid.Core.Calendar.WorkCalendar calendar, int sequence) =>
        $"{d.District}-{d.ReportedAt.ToOffset(calendar.UtcOffset):yyyyMMdd}-{sequence:0000}";

    /// <summary>The first events of a stored case (its report; a self-handled one is closed at once), and its colour instants.</summary>
    public static List<CaseEvent> FirstEvents(Case c, CaseDraft d, DateTimeOffset now, SpatialGrid.Core.Calendar.WorkCalendar calendar)
    {
        var attachments = d.Attachments ?? [];
        var data = JsonSerializer.Serialize(d.ReportData ?? new { source = CaseViews.Name(d.Source), lon = d.Lon, lat = d.Lat, grid = d.GridCode, unit = c.Unit, component = d.ComponentCode, attachments });
        var events = new List<CaseEvent> { CaseHistory.Append(c, d.ReportedAt, d.By, "report", CaseState.Reported, CaseState.Reported, c.Description, data) };
        events[0].TraceId = d.TraceId;
        if (d.Source == CaseSource.SelfHandled)
        {
            // Settled on the spot: recorded, and closed at once with its evidence (自行处置).
            c.State = CaseState.Closed;
            c.ClosedAt = d.ReportedAt;
            c.DispatchedAt = c.FirstDispatchedAt = c.ArrivedAt = c.HandledAt = c.VerifiedAt = c.AcceptedAt = d.ReportedAt;
            events.Add(CaseHistory.Append(c, d.ReportedAt, d.By, "self-handle", CaseState.Reported, CaseState.Closed, "handled on the spot", JsonSerializer.Serialize(new { attachments })));
        }
        CaseHistory.Recolour(c, now, calendar);
        return events;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
