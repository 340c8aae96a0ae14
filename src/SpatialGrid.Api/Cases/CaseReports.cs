using SpatialGrid.Api.Data;
using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// What a person's report (over the API or Open311) must hold, checked in a fixed order so that the first fault is the
/// one answered: a known class, a description, a point in a supported CRS, a source, a report time neither in the
/// future nor too old, attachments (a self-handled case's evidence), and what its kind asks for.
/// </summary>
public static class CaseReports
{
    public static async Task<(CaseOpening? Opening, CaseProblem? Problem)> ReadAsync(CaseReport r, CaseChannel channel, Func<string, Task<TaxonomyEntry?>> classOf,
        CasesOptions o, WorkCalendar calendar, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(r.ClassCode)) return Bad("missing-class", "classCode is required (GET /api/taxonomy lists the classes)");
        if (await classOf(r.ClassCode) is null) return Bad("unknown-class", $"class '{CaseOpener.Clip(r.ClassCode)}' is not in the taxonomy");
        if (string.IsNullOrWhiteSpace(r.Description)) return Bad("missing-description", "description is required");
        if (r.Description.Length > o.MaxNoteLength) return Bad("too-long", $"description has {r.Description.Length:N0} characters; at most {o.MaxNoteLength:N0}");
        if (r.Lon is not { } x || r.Lat is not { } y || !double.IsFinite(x) || !double.IsFinite(y)) return Bad("bad-coordinates", "lon and lat are required finite numbers");
        if (!Crs.TryParse(r.Crs, out var crs, out var crsError)) return Bad("unsupported-crs", crsError!);
        if (crs.IsGeographic && (x is < -180 or > 180 || y is < -90 or > 90))
            return Bad("bad-coordinates", $"({x}, {y}) is out of range" + (y is >= -180 and <= 180 && x is >= -90 and <= 90 ? "; are lon and lat swapped?" : ""));
        var (lon, lat) = crs.ToWgs84(x, y);
        if (!CaseViews.TryParse(r.Source ?? "patrol", out var source)) return Bad("bad-source", "source is one of patrol, device, camera, resident, hotline, self");
        var reportedAt = CaseHistory.Microseconds(r.ReportedAt ?? now);
        if (reportedAt > now.AddMinutes(1)) return Bad("future-time", $"reportedAt {reportedAt:O} is in the future (now {now:O})");
        if (reportedAt < now.AddDays(-o.MaxBackdateDays)) return Bad("too-old", $"reportedAt may be at most {o.MaxBackdateDays} days in the past");
        var attachments = r.Attachments ?? [];
        if (attachments.Length > 20 || attachments.Any(a => string.IsNullOrWhiteSpace(a) || a.Length > 500))
            return Bad("bad-attachments", "at most 20 attachments, each a reference (URL or hash) of at most 500 characters");
        if (source == CaseSource.SelfHandled && attachments.Length == 0)
            return Bad("missing-evidence", "a self-handled case must carry the evidence of the first response (attachments)");
        var kind = r.Kind switch { null or "immediate" => CaseKind.Immediate, "promised" => CaseKind.Promised, "coordination" => CaseKind.Coordination, _ => (CaseKind)0 };
        if (kind == 0) return Bad("bad-kind", "kind is immediate, promised or coordination");
        var reportedDay = NewCaseRows.LocalDay(reportedAt, calendar);
        if (kind == CaseKind.Promised && (r.PromisedBy is not { } promised || promised <= reportedDay || promised > reportedDay.AddDays(366)))
            return Bad("bad-promise", "a promised case needs promisedBy, a date after the report and within a year");
        if (kind == CaseKind.Coordination && string.IsNullOrWhiteSpace(r.LeadUnit))
            return Bad("missing-lead-unit", "a case that needs coordination names its lead unit (leadUnit) and may name co-units (coUnits)");
        return (new CaseOpening(channel, r.ClassCode, r.Description.Trim(), lon, lat, source, reportedAt)
        {
            ComponentCode = r.ComponentCode, Attachments = attachments, Kind = kind, PromisedBy = r.PromisedBy, LeadUnit = r.LeadUnit?.Trim(),
            CoUnits = r.CoUnits ?? [], Worker = r.Worker, Address = r.Address,
        }, null);
    }

    private static (CaseOpening?, CaseProblem?) Bad(string kind, string detail) => (null, new CaseProblem(kind, 400, detail));
}
