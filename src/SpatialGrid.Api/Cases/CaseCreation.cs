using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// <c>POST /api/cases</c>: a report over the API, opened by <see cref="CaseOpener"/> (grid, component, unit, limits and
/// number assigned; a self-handled case, source <c>self</c>, is closed at once and must carry its evidence).
/// </summary>
public static class CaseCreation
{
    public static async Task<Results<Created<CaseViews.CaseDetail>, ProblemHttpResult>> Create(CaseReport request, CaseOpener opener, ClaimsPrincipal user, CancellationToken ct)
    {
        var (detail, problem) = await opener.OpenAsync(request, CaseChannel.Http, CaseCaller.Of(user), ct);
        if (problem is not null) return Problems.Of(problem.Status, problem.Kind, problem.Detail, problem.Extensions);
        return TypedResults.Created($"/api/cases/{detail!.Case.Number}", detail);
    }
}
