using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;

namespace SpatialGrid.Api.Security;

/// <summary>
/// The districts or sub-districts a caller's cases are limited to (claims from the API client's scopes). A
/// caller without scopes sees every case; a scoped dispatcher sees, lists and acts on only the cases under
/// them, and is answered 404 for the others, as if they did not exist.
/// </summary>
public static class CaseScope
{
    public const string ClaimType = "sg:scope";

    public static string[] Of(ClaimsPrincipal user) => user.FindAll(ClaimType).Select(c => c.Value).ToArray();

    public static bool Allows(ClaimsPrincipal user, string districtCode, string? gridCode)
    {
        var scopes = Of(user);
        var where = gridCode ?? districtCode;
        return scopes.Length == 0 || scopes.Any(s => where.StartsWith(s, StringComparison.Ordinal));
    }

    /// <summary>Limits a case query to the caller's scopes.</summary>
    public static IQueryable<Case> Filter(IQueryable<Case> query, ClaimsPrincipal user)
    {
        var scopes = Of(user);
        if (scopes.Length == 0) return query;
        // Codes are digits, so the patterns need no escaping. A case outside every grid is in its district
        // only: a sub-district scope does not reach it.
        var patterns = scopes.Select(s => s + "%").ToArray();
        return query.Where(c => patterns.Any(p => EF.Functions.Like(c.GridCode ?? c.DistrictCode, p)));
    }
}
