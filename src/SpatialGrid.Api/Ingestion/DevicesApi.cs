using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ingestion;

/// <summary>
/// <c>GET /api/devices?component=CODE</c>: the devices attached to a component (a manhole cover's tilt sensor, a
/// hydrant's pressure gauge) with their latest alerts and the cases those joined: what the command centre's
/// component panel shows. Devices are seen as their gateways are (every district the gateway serves is the
/// caller's), alerts by the rule of cases; what is not seen is left out, as if it did not exist.
/// </summary>
public static class DevicesApi
{
    public sealed record RecentAlert(long Id, string Type, string Severity, DateTimeOffset ObservedAt, string Outcome, string? CaseNumber);
    public sealed record ComponentDevice(string Id, string GatewayId, string Kind, string? Name, double? Lon, double? Lat, IReadOnlyList<RecentAlert> RecentAlerts);

    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/devices", ByComponent).WithTags("Gateways & devices").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("The devices attached to a component (component=CODE), each with its latest alerts (alerts=1–50, default 5) and the cases they joined");
        return app;
    }

    private static async Task<Results<Ok<List<ComponentDevice>>, ProblemHttpResult>> ByComponent(string? component, int? alerts, SpatialGridDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(component)) return Problems.BadRequest("missing-component", "component is the code of the component whose devices are listed");
        if (component.Length > 40) return Problems.BadRequest("bad-component", "component is a component code (at most 40 characters)");
        if (alerts is < 1 or > 50) return Problems.BadRequest("bad-alerts", $"alerts is how many recent alerts each device brings, 1–50, not {alerts}");
        var scope = CallerScope.Of(user);
        var seen = scope.Gateways(db.Gateways.AsNoTracking()).Select(g => g.Id);
        var devices = await db.Devices.AsNoTracking().Where(d => d.ComponentCode == component && seen.Contains(d.GatewayId)).OrderBy(d => d.Id).Take(100).ToListAsync(ct);
        var result = new List<ComponentDevice>(devices.Count);
        foreach (var d in devices)
        {
            var recent = await scope.Alerts(db.Alerts.AsNoTracking()).Where(a => a.DeviceId == d.Id && a.GatewayId == d.GatewayId)
                .OrderByDescending(a => a.ObservedAt).Take(alerts ?? 5)
                .Select(a => new { a.Id, a.Type, a.Severity, a.ObservedAt, a.Outcome, Number = db.Cases.Where(c => c.Id == a.CaseId).Select(c => c.Number).FirstOrDefault() })
                .ToListAsync(ct);
            result.Add(new ComponentDevice(d.Id, d.GatewayId, d.Kind, d.Name, d.Location?.X, d.Location?.Y,
                recent.Select(a => new RecentAlert(a.Id, a.Type, a.Severity, a.ObservedAt, GatewaysApi.Name(a.Outcome), a.Number)).ToList()));
        }
        return TypedResults.Ok(result);
    }
}
