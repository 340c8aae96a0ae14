using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Open311;

/// <summary>
/// Open311 GeoReport v2 (JSON): residents' apps and 12345 hotline systems report problems and follow them.
/// A service is a taxonomy class; a service request is a case (source resident). Errors use Open311's own
/// format (<c>[{"code":400,"description":"…"}]</c>), which Open311 clients parse; reads are public as the
/// standard expects and show no reporter details; POST needs an <c>api_key</c>.
/// </summary>
public static class Open311Api
{
    public sealed record Service(string service_code, string service_name, string description, bool metadata, string type, string keywords, string group);
    public sealed record ServiceRequest(string service_request_id, string status, string? status_notes, string service_name, string service_code, string description,
        string agency_responsible, string? service_notice, DateTimeOffset requested_datetime, DateTimeOffset updated_datetime, DateTimeOffset? expected_datetime,
        string? address, double lat, double @long, string? media_url);
    public sealed record Created(string service_request_id, string? service_notice, string? account_id);
    public sealed record Error(int code, string description);

    public static IEndpointRouteBuilder MapOpen311(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/open311/v2").WithTags("Open311").AllowAnonymous();
        g.MapGet("/services.json", Services).WithSummary("Open311: the services (taxonomy classes) residents can report");
        g.MapGet("/services/{code}.json", ServiceDefinition).WithSummary("Open311: a service's definition (no extra attributes)");
        g.MapPost("/requests.json", Post).DisableAntiforgery().WithSummary("Open311: report a problem (form fields api_key, service_code, lat, long, description, media_url)")
            .AcceptsForm(["application/x-www-form-urlencoded", "multipart/form-data"],
                new("api_key", JsonSchemaType.String, "a key allowed to open cases (or the X-Api-Key header)"),
                new("service_code", JsonSchemaType.String, "an event class from services.json", Required: true),
                new("description", JsonSchemaType.String, "what is wrong (optional, as in GeoReport v2)"),
                new("lat", JsonSchemaType.Number, "WGS 84 latitude", Required: true),
                new("long", JsonSchemaType.Number, "WGS 84 longitude", Required: true),
                new("media_url", JsonSchemaType.String, "a photo's URL"));
        g.MapGet("/requests.json", Requests).WithSummary("Open311: service requests by id list, service_code, start_date, end_date, status (open, closed, or open,closed)");
        g.MapGet("/requests/{id}.json", Request).WithSummary("Open311: one service request");
        return app;
    }

    private static JsonHttpResult<Error[]> Fail(int code, string description) => TypedResults.Json(new[] { new Error(code, description) }, statusCode: code);

    private static async Task<IResult> Services(SpatialGridDb db, CancellationToken ct)
    {
        var classes = await db.Taxonomy.AsNoTracking().OrderBy(t => t.Code).ToListAsync(ct);
        return TypedResults.Json(classes.Select(t => new Service(t.Code, t.NameZh, t.NameEn, false, "realtime", $"{t.NameEn}, {t.MajorEn}", t.MajorZh)).ToList());
    }

    private static async Task<IResult> ServiceDefinition(string code, SpatialGridDb db, CancellationToken ct) =>
        await db.Taxonomy.AnyAsync(t => t.Code == code, ct)
            ? TypedResults.Json(new { service_code = code, attributes = Array.Empty<object>() })
            : Fail(404, $"service_code '{Clip(code)}' does not exist; GET /open311/v2/services.json lists them");

    private static async Task<IResult> Post(HttpRequest http, SpatialGridDb db, CaseOpener opener, IOptions<GridsOptions> gridOptions, CancellationToken ct)
    {
        if (!http.HasFormContentType) return Fail(400, "send the request as application/x-www-form-urlencoded (or multipart/form-data)");
        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Fail(400, $"the form cannot be read: {e.Message}");
        }
        if (form.FirstOrDefault(f => StorableText.HasNul(f.Key) || f.Value.Any(StorableText.HasNul)) is { Key: not null } bad)
            return Fail(400, $"field '{Clip(StorableText.Escaped(bad.Key)!)}' holds {StorableText.Why}");
        var key = form["api_key"].FirstOrDefault() ?? http.Headers["X-Api-Key"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(key)) return Fail(401, "api_key is required to report a problem");
        var (user, failure) = await ApiKeyAuthenticationHandler.PrincipalAsync(db, key);
        if (user is null) return Fail(403, failure!);
        // The opener's policy, asked before the form is read further: a planner's or GIS editor's key reads, it does not open cases.
        var caller = CaseCaller.Of(user);
        if (CaseOpener.MayOpen(caller) is { } refused) return Fail(refused.Status, refused.Detail);
        // GeoReport v2 makes description optional: a report without one says so in the case.
        var missing = new[] { "service_code" }.Where(f => string.IsNullOrWhiteSpace(form[f])).ToList();
        if (string.IsNullOrWhiteSpace(form["lat"]) || string.IsNullOrWhiteSpace(form["long"]))
        {
            missing.Add(string.IsNullOrWhiteSpace(form["address_string"]) ? "lat and long" : "lat and long (address_string alone cannot be located: no geocoder is configured)");
        }
        if (missing.Count > 0) return Fail(400, $"missing: {string.Join(", ", missing)}");
        if (!double.TryParse(form["lat"], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) ||
            !double.TryParse(form["long"], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon))
            return Fail(400, "lat and long must be decimal degrees (WGS 84)");
        // A point outside the service area (lat 0, long 0 from a phone without a fix) is refused, as over MQTT, instead of
        // being sent to the nearest district.
        var area = gridOptions.Value.Limits().ServiceArea;
        if (!area.Contains(lon, lat))
            return Fail(400, FormattableString.Invariant($"lat {lat}, long {lon} is outside the service area ({area.MinX}–{area.MaxX} E, {area.MinY}–{area.MaxY} N)"));
        var media = form["media_url"].FirstOrDefault();
        var description = string.IsNullOrWhiteSpace(form["description"]) ? $"Open311 report of {form["service_code"]} without a description" : form["description"].ToString();
        var report = new CaseReport(form["service_code"], description, lon, lat, null, "resident", null, null, string.IsNullOrWhiteSpace(media) ? null : [media]);
        var (detail, problem) = await opener.OpenAsync(report, CaseChannel.Open311, caller, ct);
        return problem is not null ? Fail(problem.Status, problem.Detail) : TypedResults.Json(new[] { new Created(detail!.Case.Number, null, null) }, statusCode: 201);
    }

    private static async Task<IResult> Requests(SpatialGridDb db, TimeProvider clock, CalendarProvider calendars, string? service_request_id, string? service_code,
        DateTimeOffset? start_date, DateTimeOffset? end_date, string? status, CancellationToken ct)
    {
        var query = db.Cases.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(service_request_id))
        {
            var ids = service_request_id.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 100) return Fail(400, "at most 100 service_request_id values");
            query = query.Where(c => ids.Contains(c.Number));
        }
        if (!string.IsNullOrWhiteSpace(service_code)) query = query.Where(c => c.ClassCode == service_code);
        if (start_date?.ToUniversalTime() is { } from) query = query.Where(c => c.ReportedAt >= from);
        if (end_date?.ToUniversalTime() is { } to) query = query.Where(c => c.ReportedAt < to);
        // status is one value or a comma-separated list of them (GeoReport v2), each open or closed.
        var statuses = (status ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        if (statuses.Any(s => s is not ("open" or "closed")))
            return Fail(400, $"status is open, closed or both (open,closed), not '{Clip(status!)}'");
        if (statuses.Count == 1 && statuses[0] == "open") query = query.Where(c => c.State != CaseState.Closed && c.State != CaseState.Rejected);
        if (statuses.Count == 1 && statuses[0] == "closed") query = query.Where(c => c.State == CaseState.Closed || c.State == CaseState.Rejected);
        // The standard's default window: the last 90 days, at most 1000 requests.
        if (string.IsNullOrWhiteSpace(service_request_id) && start_date is null)
        {
            var since = clock.GetUtcNow().ToUniversalTime().AddDays(-90);
            query = query.Where(c => c.ReportedAt >= since);
        }
        var cases = await query.OrderByDescending(c => c.ReportedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Json(await Views(db, cases, clock, calendars, ct));
    }

    private static async Task<IResult> Request(string id, SpatialGridDb db, TimeProvider clock, CalendarProvider calendars, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Number == id, ct);
        return c is null ? Fail(404, $"service request '{Clip(id)}' does not exist") : TypedResults.Json(await Views(db, [c], clock, calendars, ct));
    }

    private static async Task<List<ServiceRequest>> Views(SpatialGridDb db, List<Case> cases, TimeProvider clock, CalendarProvider calendars, CancellationToken ct)
    {
        var codes = cases.Select(c => c.ClassCode).Distinct().ToList();
        var names = await db.Taxonomy.AsNoTracking().Where(t => codes.Contains(t.Code)).ToDictionaryAsync(t => t.Code, t => t.NameZh, ct);
        var ids = cases.Select(c => c.Id).ToList();
        var last = await db.CaseEvents.AsNoTracking().Where(e => ids.Contains(e.CaseId)).GroupBy(e => e.CaseId).Select(g => new { g.Key, At = g.Max(e => e.At) }).ToDictionaryAsync(x => x.Key, x => x.At, ct);
        // What the public is told: the note given when the case was answered, rejected or closed (never internal notes
        // of the other steps), and the first photo the report came with.
        var answered = await db.CaseEvents.AsNoTracking()
            .Where(e => ids.Contains(e.CaseId) && e.Note != null && (e.Action == "reject" || e.Action == "feedback" || e.Action == "close"))
            .Select(e => new { e.CaseId, e.Sequence, e.Note }).ToListAsync(ct);
        var notes = answered.GroupBy(n => n.CaseId).ToDictionary(g => g.Key, g => g.MaxBy(n => n.Sequence)!.Note);
        var reports = await db.CaseEvents.AsNoTracking().Where(e => ids.Contains(e.CaseId) && e.Action == "report")
            .Select(e => new { e.CaseId, e.Data }).ToListAsync(ct);
        var media = reports.GroupBy(r => r.CaseId).ToDictionary(g => g.Key, g => FirstMediaUrl(g.First().Data));
        var now = clock.GetUtcNow().ToUniversalTime();
        return cases.Select(c =>
        {
            var closing = CaseTimeline.Stages(CaseViews.Times(c), CaseViews.Limits(c), now, calendars.Calendar).Single(s => s.Stage == Stage.Closing);
            var open = CaseStateMachine.IsOpen(c.State);
            return new ServiceRequest(c.Number, open ? "open" : "closed", notes.GetValueOrDefault(c.Id), names.GetValueOrDefault(c.ClassCode, c.ClassCode), c.ClassCode,
                c.Description, c.Unit, null, c.ReportedAt, last.GetValueOrDefault(c.Id, c.ReportedAt), open ? closing.Due : null, null, c.Location.Y, c.Location.X,
                media.GetValueOrDefault(c.Id));
        }).ToList();
    }

    /// <summary>The first http(s) URL among the report's attachments (media_url of GeoReport v2), or null.</summary>
    private static string? FirstMediaUrl(string? data)
    {
        if (string.IsNullOrEmpty(data)) return null;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(data);
            if (!doc.RootElement.TryGetProperty("attachments", out var list) || list.ValueKind != System.Text.Json.JsonValueKind.Array) return null;
            return list.EnumerateArray().Select(a => a.ValueKind == System.Text.Json.JsonValueKind.String ? a.GetString() : null)
                .FirstOrDefault(a => a is not null && (a.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
