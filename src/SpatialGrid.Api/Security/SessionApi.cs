using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SpatialGrid.Api.Cases;

namespace SpatialGrid.Api.Security;

/// <summary>
/// <c>GET /api/session</c>: who the key belongs to, as the command centre needs it to sign in: the client's name, roles,
/// district scope and the patrol worker it is bound to, and the city's clock (its UTC offset and working hours), so that dates and deadlines are shown
/// in the city's time zone, not the browser's. It needs a key, whatever Security:AnonymousReads says: a missing,
/// wrong or revoked key gets 401 with the reason, which the sign-in form shows.
/// </summary>
public static class SessionApi
{
    public sealed record Session(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Scopes, bool CityWide, double UtcOffsetHours, string WorkingHours,
        string? Worker = null);

    public static IEndpointRouteBuilder MapSession(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/session", Get).WithTags("Security").RequireAuthorization()
            .WithSummary("The caller's name, roles and district scope, and the city's UTC offset and working hours (what the command centre signs in with)");
        return app;
    }

    private static Ok<Session> Get(ClaimsPrincipal user, IOptions<CasesOptions> cases)
    {
        var scope = CallerScope.Of(user);
        return TypedResults.Ok(new Session(user.Identity?.Name ?? "anonymous",
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToList(),
            user.FindAll(CallerScope.ClaimType).Select(c => c.Value).Order(StringComparer.Ordinal).ToList(),
            scope.IsCityWide, cases.Value.UtcOffsetHours, cases.Value.WorkingHours, WorkerBinding.Of(user)));
    }
}
