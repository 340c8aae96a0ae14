using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;

namespace SpatialGrid.Api.Security;

/// <summary>
/// Who sees what, decided in one place for every surface (REST, tiles, SSE, stats, MQTT subscriptions). A caller
/// (an API key's scopes, or a gateway's districts) is limited to code prefixes: 6-digit districts or 9-digit
/// sub-districts; none means the whole city. The rule: a case or an alert is seen when its grid code (its district's
/// code, for a case outside every grid) starts with one of the prefixes; a gateway, its devices and its dead letters
/// when every district the gateway serves is one of the caller's; patrol organisation (teams, workers, shifts,
/// tracks) is kept per district, so a sub-district prefix reaches its district's. What is not seen is answered 404,
/// as if it did not exist.
/// </summary>
public sealed class CallerScope
{
    public const string ClaimType = "sg:scope";

    /// <summary>The whole city: keys without scopes, gateways without districts, the service itself.</summary>
    public static readonly CallerScope CityWide = new([]);

    private readonly string[] _prefixes;

    private CallerScope(string[] prefixes) => _prefixes = prefixes.Distinct().Order(StringComparer.Ordinal).ToArray();

    public static CallerScope Of(ClaimsPrincipal user) => new(user.FindAll(ClaimType).Select(c => c.Value).ToArray());

    /// <summary>A gateway's scope: the districts its devices report in (none: any).</summary>
    public static CallerScope OfGateway(IEnumerable<string> districts) => new(districts.ToArray());

    public bool IsCityWide => _prefixes.Length == 0;

    /// <summary>A short key that differs between scopes (tile cache keys, ETags).</summary>
    public string Key => IsCityWide ? "*" : string.Join(',', _prefixes);

    /// <summary>
    /// The LIKE patterns of the rule for SQL, <c>code LIKE ANY (@scope::text[])</c>: the city-wide scope is <c>%</c>, so the
    /// predicate is the same text for every caller. Codes are digits: the patterns need no escaping.
    /// </summary>
    public string[] Patterns => IsCityWide ? ["%"] : _prefixes.Select(p => p + "%").ToArray();

    /// <summary>The districts (6 digits) the prefixes reach, for what is kept per district; empty: every district.</summary>
    public string[] Districts => _prefixes.Select(p => p[..Math.Min(6, p.Length)]).Distinct().ToArray();

    /// <summary>Whether a case or an alert in this district and grid (null: outside every grid) is seen.</summary>
    public bool Sees(string districtCode, string? gridCode)
    {
        var where = gridCode ?? districtCode;
        return IsCityWide || _prefixes.Any(p => where.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>Whether what is kept per district (patrol teams, workers, shifts) of this district is the caller's.</summary>
    public bool ReachesDistrict(string district) => IsCityWide || Districts.Contains(district);

    /// <summary>Whether the whole of a district is the caller's (a sub-district prefix is not the whole district).</summary>
    public bool SeesWholeDistrict(string district) => Covers([district]);

    /// <summary>
    /// Whether everything of these district or sub-district codes is the caller's: what a scoped caller sets up (a key's
    /// scopes, a gateway's districts, a district's overrides) stays within its own scope; none given means the whole city.
    /// </summary>
    public bool Covers(string[] codes) => IsCityWide || (codes.Length > 0 && codes.All(c => _prefixes.Any(p => c.StartsWith(p, StringComparison.Ordinal))));

    /// <summary>Limits a case query to the caller's scope.</summary>
    public IQueryable<Case> Cases(IQueryable<Case> query)
    {
        if (IsCityWide) return query;
        var patterns = Patterns;
        // A case outside every grid is in its district only: a sub-district scope does not reach it.
        return query.Where(c => patterns.Any(p => EF.Functions.Like(c.GridCode ?? c.DistrictCode, p)));
    }

    /// <summary>Limits an alert query to the caller's scope (an alert always lies in a grid).</summary>
    public IQueryable<Alert> Alerts(IQueryable<Alert> query)
    {
        if (IsCityWide) return query;
        var patterns = Patterns;
        return query.Where(a => patterns.Any(p => EF.Functions.Like(a.GridCode, p)));
    }

    /// <summary>Limits a gateway query to the gateways whose every district is the caller's.</summary>
    public IQueryable<Gateway> Gateways(IQueryable<Gateway> query)
    {
        if (IsCityWide) return query;
        var districts = _prefixes.Where(p => p.Length == 6).ToArray();
        return query.Where(g => g.Districts.Length > 0 && g.Districts.All(d => districts.Contains(d)));
    }

    /// <summary>Limits dead letters to those of the caller's gateways: a payload may name places of every district it serves.</summary>
    public IQueryable<DeadLetter> DeadLetters(IQueryable<DeadLetter> query, IQueryable<Gateway> gateways)
    {
        if (IsCityWide) return query;
        var mine = Gateways(gateways).Select(g => g.Id);
        return query.Where(d => mine.Contains(d.GatewayId));
    }

    /// <summary>
    /// Whether a gateway may subscribe to a topic filter: its own topics, and the live topics of cases and patrols
    /// (<c>sg/v1/cases/{district}/…</c>, <c>sg/v1/patrols/{district}/…</c>); a scoped gateway must name one of its
    /// districts at the fourth level, since a wildcard there reaches every district.
    /// </summary>
    public bool MaySubscribe(string gatewayId, string filter)
    {
        if (filter.StartsWith($"sg/v1/gw/{gatewayId}/", StringComparison.Ordinal)) return true;
        var levels = filter.Split('/');
        if (levels.Length < 4 || levels[0] != "sg" || levels[1] != "v1" || levels[2] is not ("cases" or "patrols")) return false;
        return IsCityWide || (levels[3] is { Length: 6 } d && d.All(char.IsAsciiDigit) && SeesWholeDistrict(d));
    }

    /// <summary>The live topics (cases, patrols) a gateway of this scope may read, as filters for a broker's ACL.</summary>
    public string[] LiveTopics => IsCityWide
        ? ["sg/v1/cases/#", "sg/v1/patrols/#"]
        : Districts.Where(SeesWholeDistrict).SelectMany(d => new[] { $"sg/v1/cases/{d}/#", $"sg/v1/patrols/{d}/#" }).ToArray();

    /// <summary>The topic a new case is announced on: the district first, so that subscriptions can be confined to it.</summary>
    public static string CaseTopic(string district, string? grid, string kind) => $"sg/v1/cases/{district}/{grid ?? "outside"}/{kind}";
}
