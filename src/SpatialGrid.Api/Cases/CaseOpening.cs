using System.Security.Claims;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Cases;

/// <summary>How a case came in: a report over the API, an Open311 service request, a device's alert.</summary>
public enum CaseChannel
{
    Http = 1,
    Open311 = 2,
    Device = 3,
}

/// <summary>
/// Who opens a case: the name recorded as its reporter, the caller's roles, the districts it may act on and the patrol
/// worker its key is bound to (null: it may name any worker, <see cref="WorkerBinding"/>).
/// </summary>
public sealed record CaseCaller(string Name, IReadOnlyCollection<string> Roles, CallerScope Scope, string? Worker = null)
{
    public static CaseCaller Of(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "anonymous", Security.Roles.All.Where(user.IsInRole).ToArray(), CallerScope.Of(user), WorkerBinding.Of(user));

    /// <summary>A gateway opening cases from its devices' alerts, within the districts it serves (none: any).</summary>
    public static CaseCaller Gateway(string gatewayId, string[] districts) =>
        new($"gateway:{gatewayId}", [Security.Roles.Gateway], CallerScope.OfGateway(districts));
}

/// <summary>A person's report as it arrives (over the API or Open311), before it is checked.</summary>
public sealed record CaseReport(string? ClassCode, string? Description, double? Lon, double? Lat, string? Crs, string? Source,
    string? ComponentCode, DateTimeOffset? ReportedAt, string[]? Attachments, string? Kind = null, DateOnly? PromisedBy = null,
    string? LeadUnit = null, string[]? CoUnits = null, string? Worker = null)
{
    /// <summary>Where it is, in the reporter's words (Open311's address_string), kept with the report.</summary>
    public string? Address { get; init; }
}

/// <summary>
/// A case to open, once its report is read: the point in WGS 84, its class and source, when it was reported. What a
/// channel knows already comes with it (a device's grid, its component, the data of its first event).
/// </summary>
public sealed record CaseOpening(CaseChannel Channel, string ClassCode, string Description, double Lon, double Lat, CaseSource Source, DateTimeOffset ReportedAt)
{
    /// <summary>The grid the point lies in, when the channel located it already (a device's alert always lies in one).</summary>
    public string? GridCode { get; init; }

    public string? ComponentCode { get; init; }
    public string[] Attachments { get; init; } = [];

    /// <summary>Where it is, in the reporter's words, kept in the data of the report event.</summary>
    public string? Address { get; init; }
    public CaseKind Kind { get; init; } = CaseKind.Immediate;
    public DateOnly? PromisedBy { get; init; }
    public string? LeadUnit { get; init; }
    public string[] CoUnits { get; init; } = [];

    /// <summary>The patrol worker who reported it from the field (checked against the registered workers).</summary>
    public string? Worker { get; init; }

    public string? DeviceId { get; init; }
    public string? AlertType { get; init; }

    /// <summary>The data of the report event, when the channel has its own (a device's alert); null: the report's fields.</summary>
    public object? ReportData { get; init; }

    /// <summary>The correlation id of the request or message the case came from (kept with its first event).</summary>
    public string? TraceId { get; init; } = ServiceDefaults.Correlation.CurrentId;
}

/// <summary>Everything a new case is opened from, once checked and resolved.</summary>
public sealed record CaseDraft(TaxonomyEntry Class, TaxonomyOverride? Override, string District, string? GridCode, CaseSource Source, string Description,
    double Lon, double Lat, string? ComponentCode, string By, DateTimeOffset ReportedAt, CaseKind Kind = CaseKind.Immediate, DateOnly? PromisedBy = null,
    string? LeadUnit = null, string[]? CoUnits = null, string[]? Attachments = null, string? DeviceId = null, string? AlertType = null, object? ReportData = null,
    FieldReporter? Reporter = null, string? TraceId = null, string? Address = null);

/// <summary>The patrol worker a case was reported by, with their GPS fix nearest in time (none within 10 minutes: null).</summary>
public sealed record FieldReporter(string Worker, DateTimeOffset? FixAt, NetTopologySuite.Geometries.Point? Fix);

/// <summary>
/// The taxonomy rows an opener has read, kept for its caller's unit of work (a batch of alerts opens many cases of few
/// classes, so each class and each district's override is read once).
/// </summary>
public sealed class TaxonomyCache
{
    public Dictionary<string, TaxonomyEntry?> Classes { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string District, string Class), TaxonomyOverride?> Overrides { get; } = new();
}
