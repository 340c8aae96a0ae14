using Microsoft.AspNetCore.Http.HttpResults;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// The case list's filters (state or <c>open</c>, colour now, grid code prefix, unit, class prefix, source, reported
/// time range, text), checked and applied in one place, so the list and its counts always mean the same cases.
/// </summary>
public sealed record CaseFilter(string? State, string? Colour, string? Grid, string? Unit, string? Class, string? Source,
    DateTimeOffset? From, DateTimeOffset? To, string? Q)
{
    /// <summary>The query narrowed by the filters, or the problem with the first bad one.</summary>
    public ProblemHttpResult? Apply(IQueryable<Case> query, DateTimeOffset now, out IQueryable<Case> filtered)
    {
        filtered = query;
        if (State is not null)
        {
            if (State == "open") query = query.Where(c => c.State != CaseState.Closed && c.State != CaseState.Rejected);
            else if (CaseNames.TryParse(State, out CaseState s)) query = query.Where(c => c.State == s);
            else return Problems.BadRequest("bad-state", $"state is open or one of {string.Join(", ", Enum.GetValues<CaseState>().Select(CaseNames.Name))}");
        }
        // The colour comes from the stored crossing instants compared with now, so it is never stale.
        switch (Colour)
        {
            case null: break;
            case "red": query = query.Where(c => c.RedAt != null && c.RedAt <= now); break;
            case "yellow": query = query.Where(c => c.YellowAt != null && c.YellowAt <= now && c.RedAt > now); break;
            case "green": query = query.Where(c => c.YellowAt == null || c.YellowAt > now); break;
            default: return Problems.BadRequest("bad-colour", "colour is green, yellow or red");
        }
        if (Grid is not null)
        {
            if (Grid.Length is 0 or > 15 || !Grid.All(char.IsAsciiDigit)) return Problems.BadRequest("bad-grid", "grid is a grid code prefix (digits)");
            var grid = Grid;
            query = query.Where(c => c.GridCode != null ? c.GridCode.StartsWith(grid) : c.DistrictCode.StartsWith(grid));
        }
        if (Unit is not null) { var unit = Unit; query = query.Where(c => c.Unit == unit); }
        if (Class is not null) { var cls = Class; query = query.Where(c => c.ClassCode.StartsWith(cls)); }
        if (Source is not null)
        {
            if (!CaseViews.TryParse(Source, out var src)) return Problems.BadRequest("bad-source", "source is one of patrol, device, camera, resident, hotline, self");
            query = query.Where(c => c.Source == src);
        }
        if (From is { } f0 && To is { } t0 && t0 < f0) return Problems.BadRequest("bad-range", $"to ({t0:O}) lies before from ({f0:O})");
        if (From?.ToUniversalTime() is { } f) query = query.Where(c => c.ReportedAt >= f);
        if (To?.ToUniversalTime() is { } t) query = query.Where(c => c.ReportedAt < t);
        if (!string.IsNullOrWhiteSpace(Q)) { var q = Q.Trim(); query = query.Where(c => c.Description.Contains(q) || c.Number.Contains(q)); }
        filtered = query;
        return null;
    }
}
