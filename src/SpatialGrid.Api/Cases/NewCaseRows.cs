using System.Text.Json;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Api.Taxonomy;
using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// The rows of a new case: the case with the district's overrides frozen into its limits, its readable number, and the
/// first events of its hash-chained history (a self-handled case is closed at once).
/// </summary>
public static class NewCaseRows
{
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
    public static DateOnly LocalDay(DateTimeOffset at, WorkCalendar calendar) => DateOnly.FromDateTime(at.ToOffset(calendar.UtcOffset).DateTime);

    /// <summary>The case a draft opens, without its number yet (limits frozen, unit chosen, colour instants unset).</summary>
    public static Case Build(CaseDraft d, WorkCalendar calendar)
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
    public static string Number(CaseDraft d, WorkCalendar calendar, int sequence) =>
        $"{d.District}-{d.ReportedAt.ToOffset(calendar.UtcOffset):yyyyMMdd}-{sequence:0000}";

    /// <summary>What a person's report event records; the address in the reporter's words only when one was given.</summary>
    private static string ReportData(Case c, CaseDraft d, string[] attachments)
    {
        var report = JsonSerializer.SerializeToNode(new { source = CaseViews.Name(d.Source), lon = d.Lon, lat = d.Lat, grid = d.GridCode, unit = c.Unit,
            component = d.ComponentCode, attachments })!.AsObject();
        if (d.Address is not null) report["address"] = d.Address;
        return report.ToJsonString();
    }

    /// <summary>The first events of a stored case (its report; a self-handled one is closed at once), and its colour instants.</summary>
    public static List<CaseEvent> FirstEvents(Case c, CaseDraft d, DateTimeOffset now, WorkCalendar calendar)
    {
        var attachments = d.Attachments ?? [];
        var data = d.ReportData is not null ? JsonSerializer.Serialize(d.ReportData) : ReportData(c, d, attachments);
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
}
