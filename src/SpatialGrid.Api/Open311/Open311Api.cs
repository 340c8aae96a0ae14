using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Open311;

/// <summary>
/// Open311 GeoReport v2: residents' apps and 12345 hotline systems report problems and follow them. A service is a
/// taxonomy class; a service request is a case (source resident). Every resource is served as XML (the standard's
/// required format) and JSON, from the same documents (<see cref="Open311Answer"/>); errors are the standard's error
/// list in the format asked. Reads are public (what the public is shown: <see cref="Open311Views"/>); POST needs an
/// <c>api_key</c>. <c>jurisdiction_id</c> may be left out or name this service's own (<see cref="Open311Options"/>).
/// </summary>
public static class Open311Api
{
    public static IServiceCollection AddOpen311(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Open311Options>().Bind(configuration.GetSection("Open311"))
            .Validate(o => o.IsValid(), "Open311 options are not valid (JurisdictionId is required; PublicUrl an absolute URL or empty)").ValidateOnStart();
        services.AddScoped<AddressLocator>();
        return services.AddOpen311Errors();
    }

    public static IEndpointRouteBuilder MapOpen311(this IEndpointRouteBuilder app)
    {
        var root = app.MapGroup("/open311").WithTags("Open311").AllowAnonymous();
        var g = root.MapGroup("/v2");
        foreach (var f in Open311Format.All)
        {
            var x = f.Extension;
            root.MapGet($"/discovery.{x}", Discovery).WithMetadata(f).Answers<Discovery>(f)
                .WithSummary($"Open311 service discovery ({x}): where GeoReport v2 is served, in which formats, and how to get a key");
            g.MapGet($"/services.{x}", Services).WithMetadata(f).Answers<Service[]>(f)
                .WithSummary($"Open311: the services (taxonomy classes) residents can report ({x})");
            g.MapGet($"/services/{{code}}.{x}", ServiceDefinition).WithMetadata(f).Answers<ServiceDefinition>(f)
                .WithSummary($"Open311: a service's definition, no extra attributes ({x})");
            g.MapPost($"/requests.{x}", Open311Reports.Post).WithMetadata(f).Answers<Created[]>(f, StatusCodes.Status201Created).DisableAntiforgery()
                .WithSummary($"Open311: report a problem at lat/long or at an address of the city ({x})")
                .WithDescription(Open311Reports.Description)
                .AcceptsForm(["application/x-www-form-urlencoded", "multipart/form-data"], Open311Reports.Fields);
            g.MapGet($"/requests.{x}", Requests).WithMetadata(f).Answers<ServiceRequest[]>(f)
                .WithSummary($"Open311: service requests by id list, service_code, start_date, end_date, status (open, closed, or open,closed) ({x}); a start_date after the end_date is 400")
                .WithDescription(ViewPolicy);
            g.MapGet($"/requests/{{id}}.{x}", Request).WithMetadata(f).Answers<ServiceRequest[]>(f)
                .WithSummary($"Open311: one service request ({x})").WithDescription(ViewPolicy);
        }
        return app;
    }

    private const string ViewPolicy =
        "Anyone sees each request's service, status, public notes (the centre's answer on rejecting or closing), agency, dates and its position " +
        "rounded to 0.001° (about 100 m); the description, address and photo only of residents' own reports (source resident; other sources' " +
        "descriptions are replaced by what they are); never who reported. An API key of a case-reading role (X-Api-Key) sees the whole of the " +
        "requests within its scope: every description, address and photo, the exact position, and the handling unit's feedback among the notes.";

    /// <summary>
    /// Documents the answer of an Open311 resource in its format (its errors, the standard's error list, are documented
    /// with every other operation's in one place).
    /// </summary>
    private static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder builder, Open311Format format, int status = StatusCodes.Status200OK) =>
        builder.Produces<T>(status, format.MediaType);

    /// <summary>Null when the request may go on: no jurisdiction_id, or this service's own.</summary>
    internal static Open311Answer? Jurisdiction(string? given, Open311Options options) =>
        string.IsNullOrEmpty(given) || string.Equals(given, options.JurisdictionId, StringComparison.OrdinalIgnoreCase)
            ? null
            : Open311Answer.Fail(404, $"jurisdiction_id '{Clip(given)}' was not found: this service answers for '{options.JurisdictionId}' only");

    private static Open311Answer Discovery(HttpRequest http, IOptions<Open311Options> options)
    {
        var o = options.Value;
        var baseUrl = string.IsNullOrEmpty(o.PublicUrl) ? $"{http.Scheme}://{http.Host}{http.PathBase}" : o.PublicUrl.TrimEnd('/');
        return new Open311Answer(new Discovery(o.Changeset, o.Contact, o.KeyService,
            [new DiscoveryEndpoint("http://wiki.open311.org/GeoReport_v2", $"{baseUrl}/open311/v2/", o.Changeset, "production", [.. Open311Format.All.Select(f => f.MediaType)])]));
    }

    private static async Task<Open311Answer> Services(string? jurisdiction_id, IOptions<Open311Options> options, SpatialGridDb db, CancellationToken ct)
    {
        if (Jurisdiction(jurisdiction_id, options.Value) is { } refused) return refused;
        var classes = await db.Taxonomy.AsNoTracking().OrderBy(t => t.Code).ToListAsync(ct);
        return new Open311Answer(classes.Select(t => new Service(t.Code, t.NameZh, t.NameEn, false, "realtime", $"{t.NameEn}, {t.MajorEn}", t.MajorZh)).ToList());
    }

    private static async Task<Open311Answer> ServiceDefinition(string code, string? jurisdiction_id, IOptions<Open311Options> options, SpatialGridDb db, CancellationToken ct)
    {
        if (Jurisdiction(jurisdiction_id, options.Value) is { } refused) return refused;
        return await db.Taxonomy.AnyAsync(t => t.Code == code, ct)
            ? new Open311Answer(new ServiceDefinition(code, []))
            : Open311Answer.Fail(404, $"service_code '{Clip(code)}' does not exist; GET /open311/v2/services.xml (or .json) lists them");
    }

    private static async Task<Open311Answer> Requests(HttpContext http, IAuthorizationService authorization, SpatialGridDb db, TimeProvider clock,
        CalendarProvider calendars, IOptions<Open311Options> options, string? jurisdiction_id, string? service_request_id, string? service_code,
        DateTimeOffset? start_date, DateTimeOffset? end_date, string? status, CancellationToken ct)
    {
        if (Jurisdiction(jurisdiction_id, options.Value) is { } refused) return refused;
        var query = db.Cases.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(service_request_id))
        {
            var ids = service_request_id.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 100) return Open311Answer.Fail(400, "at most 100 service_request_id values");
            query = query.Where(c => ids.Contains(c.Number));
        }
        if (!string.IsNullOrWhiteSpace(service_code)) query = query.Where(c => c.ClassCode == service_code);
        if (start_date > end_date)
            return Open311Answer.Fail(400, $"start_date {start_date:O} is after end_date {end_date:O}: the window ends before it starts");
        if (start_date?.ToUniversalTime() is { } from) query = query.Where(c => c.ReportedAt >= from);
        if (end_date?.ToUniversalTime() is { } to) query = query.Where(c => c.ReportedAt < to);
        // status is one value or a comma-separated list of them (GeoReport v2), each open or closed.
        var statuses = (status ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        if (statuses.Any(s => s is not ("open" or "closed")))
            return Open311Answer.Fail(400, $"status is open, closed or both (open,closed), not '{Clip(status!)}'");
        if (statuses.Count == 1 && statuses[0] == "open") query = query.Where(c => c.State != CaseState.Closed && c.State != CaseState.Rejected);
        if (statuses.Count == 1 && statuses[0] == "closed") query = query.Where(c => c.State == CaseState.Closed || c.State == CaseState.Rejected);
        // The standard's default window: the last 90 days, at most 1000 requests.
        var now = clock.GetUtcNow().ToUniversalTime();
        if (string.IsNullOrWhiteSpace(service_request_id) && start_date is null) query = query.Where(c => c.ReportedAt >= now.AddDays(-90));
        var cases = await query.OrderByDescending(c => c.ReportedAt).Take(1000).ToListAsync(ct);
        return new Open311Answer(await Open311Views.ShowAsync(db, cases, await Open311Views.ViewerAsync(http, authorization), now, calendars, ct));
    }

    private static async Task<Open311Answer> Request(string id, string? jurisdiction_id, HttpContext http, IAuthorizationService authorization, SpatialGridDb db,
        TimeProvider clock, CalendarProvider calendars, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (Jurisdiction(jurisdiction_id, options.Value) is { } refused) return refused;
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Number == id, ct);
        if (c is null) return Open311Answer.Fail(404, $"service request '{Clip(id)}' does not exist");
        var now = clock.GetUtcNow().ToUniversalTime();
        return new Open311Answer(await Open311Views.ShowAsync(db, [c], await Open311Views.ViewerAsync(http, authorization), now, calendars, ct));
    }

    internal static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
