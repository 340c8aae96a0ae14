using System.Security.Claims;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core;

namespace SpatialGrid.Api.Security;

/// <summary>
/// A patrol key bound to one patrol worker (<c>worker</c> when the key is created: the key of that worker's phone) acts
/// only as that worker: the fixes it posts, the cases it reports from the field and the tasks it answers are that
/// worker's, and naming another worker is refused 403. An unbound key of a case-working role is a relay (a team's
/// gateway or app shared by its workers) and may name any worker of its districts, as before keys could be bound.
/// </summary>
public static class WorkerBinding
{
    public const string ClaimType = "sg:worker";

    /// <summary>The worker the caller's key is bound to; null for an unbound key.</summary>
    public static string? Of(ClaimsPrincipal user) => user.FindFirstValue(ClaimType);

    /// <summary>Why a key bound to <paramref name="bound"/> may not act as <paramref name="named"/> (null: it may).</summary>
    public static string? Refusal(string? bound, string? named) =>
        bound is null || named is null || string.Equals(bound, named, StringComparison.Ordinal) ? null
            : $"this key is bound to patrol worker '{bound}' and may not act as worker '{Clip(named)}'";

    /// <summary>The 403 answer for a bound key that names another worker.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Forbidden(string why) =>
        Problems.Create(StatusCodes.Status403Forbidden, Kind, "Forbidden", why);

    public const string Kind = "not-your-worker";

    private static string Clip(string s) => StorableText.Escaped(s.Length > 64 ? s[..64] + "…" : s)!;
}
