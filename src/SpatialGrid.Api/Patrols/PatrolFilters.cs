using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// The team and shift filters of the patrol reports: an unknown one, or one of a district outside the caller's, is 404
/// (without saying which), not an empty report that reads as "nobody walked".
/// </summary>
public static class PatrolFilters
{
    /// <summary>The 404 for the first filter given that names no team or shift of the caller's districts; null when all do.</summary>
    public static async Task<ProblemHttpResult?> UnknownAsync(NpgsqlDataSource db, ClaimsPrincipal user, string? team, string? shift, CancellationToken ct)
    {
        if (team is not null && !await InScopeAsync(db, user, "SELECT district_code FROM patrol_teams WHERE id = @id", team, ct))
            return Problems.NotFound("team-not-found", $"there is no team '{PatrolOrganisation.Clip(team)}' in your districts (GET /api/patrols/teams lists them)");
        if (shift is not null && !await InScopeAsync(db, user, "SELECT district_code FROM patrol_shifts WHERE code = @id", shift, ct))
            return Problems.NotFound("shift-not-found", $"there is no shift '{PatrolOrganisation.Clip(shift)}' in your districts (GET /api/patrols/shifts lists them)");
        return null;
    }

    private static async Task<bool> InScopeAsync(NpgsqlDataSource db, ClaimsPrincipal user, string sql, string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(ct) is string district && CallerScope.Of(user).ReachesDistrict(district);
    }
}
