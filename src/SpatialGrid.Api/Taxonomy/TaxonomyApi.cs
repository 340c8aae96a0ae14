using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Taxonomy;

/// <summary>The event/component taxonomy: the tree, one class, and a district's overrides of unit and limits (audited).</summary>
public static class TaxonomyApi
{
    public sealed record Limit(int Value, string Clock);
    public sealed record Limits(Limit Dispatch, Limit Arrival, Limit Feedback, Limit Close);
    public sealed record ClassView(string Code, string Kind, string NameZh, string NameEn, string Geometry, string UnitZh, string UnitEn, Limits Limits, bool Overridden);
    public sealed record MajorView(string Code, string Kind, string NameZh, string NameEn, IReadOnlyList<ClassView> Classes);
    public sealed record OverrideRequest(string District, string? UnitZh, string? UnitEn, int? DispatchValue, string? DispatchClock, int? ArrivalValue, string? ArrivalClock,
        int? FeedbackValue, string? FeedbackClock, int? CloseValue, string? CloseClock);

    public static IEndpointRouteBuilder MapTaxonomy(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/taxonomy").WithTags("Taxonomy");
        group.MapGet("/", Tree).RequireAuthorization(SecuritySetup.ReadPolicy)
            .WithSummary("The taxonomy as a tree of major classes (kind=component|event), with a district's overrides applied (district=)");
        group.MapGet("/{code}", Get).RequireAuthorization(SecuritySetup.ReadPolicy).WithSummary("One class with its effective unit and limits");
        group.MapPut("/{code}", Override).RequireAuthorization(SecuritySetup.GisEditorPolicy)
            .WithSummary("Set a district's own handling unit and limits for a class (audited); null fields keep the seed's value");
        group.MapGet("/{code}/audit", Audit).RequireAuthorization(SecuritySetup.ReadPolicy).WithSummary("Every override change of a class");
        return app;
    }

    public static ClassView View(TaxonomyEntry t, TaxonomyOverride? o) => new(
        t.Code, t.Kind == ClassKind.Component ? "component" : "event", t.NameZh, t.NameEn, ClockNames.Name(t.Geometry),
        o?.UnitZh ?? t.UnitZh, o?.UnitEn ?? t.UnitEn,
        new Limits(L(Effective(t, o).Dispatch), L(Effective(t, o).Arrival), L(Effective(t, o).Feedback), L(Effective(t, o).Close)),
        o is not null);

    private static Limit L(TimeLimit l) => new(l.Value, ClockNames.Name(l.Clock));

    /// <summary>The limits a case of the class gets in a district: the override where one is set, else the seed's.</summary>
    public static SpatialGrid.Core.Cases.CaseLimits Effective(TaxonomyEntry t, TaxonomyOverride? o) => new(
        new TimeLimit(o?.DispatchValue ?? t.DispatchValue, o?.DispatchClock ?? t.DispatchClock),
        new TimeLimit(o?.ArrivalValue ?? t.ArrivalValue, o?.ArrivalClock ?? t.ArrivalClock),
        new TimeLimit(o?.FeedbackValue ?? t.FeedbackValue, o?.FeedbackClock ?? t.FeedbackClock),
        new TimeLimit(o?.CloseValue ?? t.CloseValue, o?.CloseClock ?? t.CloseClock));

    private static bool ValidDistrict(string? d) => d is { Length: 6 } && d.All(char.IsAsciiDigit);

    private static async Task<Results<Ok<List<MajorView>>, ProblemHttpResult>> Tree(SpatialGridDb db, string? kind, string? district, CancellationToken ct)
    {
        if (district is not null && !ValidDistrict(district)) return Problems.BadRequest("bad-district", "district must be a 6-digit county code");
        ClassKind? k = kind switch { null => null, "component" => ClassKind.Component, "event" => ClassKind.Event, _ => (ClassKind)0 };
        if (k == 0) return Problems.BadRequest("bad-kind", "kind is component or event");
        var classes = await db.Taxonomy.AsNoTracking().Where(t => k == null || t.Kind == k).OrderBy(t => t.Code).ToListAsync(ct);
        var overrides = district is null ? [] : await db.TaxonomyOverrides.AsNoTracking().Where(o => o.DistrictCode == district).ToListAsync(ct);
        var tree = classes.GroupBy(c => c.MajorCode).Select(g => new MajorView(g.Key, g.First().Kind == ClassKind.Component ? "component" : "event",
            g.First().MajorZh, g.First().MajorEn, g.Select(c => View(c, overrides.FirstOrDefault(o => o.ClassCode == c.Code))).ToList())).ToList();
        return TypedResults.Ok(tree);
    }

    private static async Task<Results<Ok<ClassView>, ProblemHttpResult>> Get(string code, string? district, SpatialGridDb db, CancellationToken ct)
    {
        if (district is not null && !ValidDistrict(district)) return Problems.BadRequest("bad-district", "district must be a 6-digit county code");
        var t = await db.Taxonomy.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
        if (t is null) return Problems.NotFound("class-not-found", $"no taxonomy class '{Clip(code)}'");
        var o = district is null ? null : await db.TaxonomyOverrides.AsNoTracking().FirstOrDefaultAsync(x => x.DistrictCode == district && x.ClassCode == code, ct);
        return TypedResults.Ok(View(t, o));
    }

    private static async Task<Results<Ok<ClassView>, ProblemHttpResult>> Override(string code, OverrideRequest request, SpatialGridDb db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        if (!ValidDistrict(request.District)) return Problems.BadRequest("bad-district", "district must be a 6-digit county code");
        if (!CallerScope.Of(user).Covers([request.District]))
            return Problems.Create(403, "out-of-scope", "Forbidden", $"district {request.District} is outside the districts this key may set up");
        var t = await db.Taxonomy.FirstOrDefaultAsync(x => x.Code == code, ct);
        if (t is null) return Problems.NotFound("class-not-found", $"no taxonomy class '{Clip(code)}'");
        int?[] values = [request.DispatchValue, request.ArrivalValue, request.FeedbackValue, request.CloseValue];
        if (values.Any(m => m is <= 0 or > 100_000)) return Problems.BadRequest("bad-limit", "limits must be whole numbers from 1 to 100000");
        var clocks = new ClockKind?[4];
        string?[] clockTexts = [request.DispatchClock, request.ArrivalClock, request.FeedbackClock, request.CloseClock];
        for (var i = 0; i < 4; i++)
        {
            if (clockTexts[i] is null) continue;
            if (!ClockNames.TryParse(clockTexts[i], out ClockKind c))
                return Problems.BadRequest("bad-clock", $"'{clockTexts[i]}' is not a clock: minutes, round-the-clock-hours, working-hours, working-days or calendar-days");
            clocks[i] = c;
        }
        if (request.UnitZh is { Length: > 100 } || request.UnitEn is { Length: > 100 }) return Problems.BadRequest("bad-unit", "a unit name has at most 100 characters");

        var existing = await db.TaxonomyOverrides.FirstOrDefaultAsync(o => o.DistrictCode == request.District && o.ClassCode == code, ct);
        var before = existing is null ? null : JsonSerializer.Serialize(View(t, existing));
        var o = existing ?? new TaxonomyOverride { DistrictCode = request.District, ClassCode = code, UpdatedBy = "" };
        o.UnitZh = request.UnitZh; o.UnitEn = request.UnitEn;
        (o.DispatchValue, o.DispatchClock) = (request.DispatchValue, clocks[0]);
        (o.ArrivalValue, o.ArrivalClock) = (request.ArrivalValue, clocks[1]);
        (o.FeedbackValue, o.FeedbackClock) = (request.FeedbackValue, clocks[2]);
        (o.CloseValue, o.CloseClock) = (request.CloseValue, clocks[3]);
        o.UpdatedAt = clock.GetUtcNow().ToUniversalTime();
        o.UpdatedBy = user.Identity?.Name ?? "anonymous";
        if (existing is null) db.TaxonomyOverrides.Add(o);
        var view = View(t, o);
        db.TaxonomyAudits.Add(new TaxonomyAudit { DistrictCode = request.District, ClassCode = code, At = o.UpdatedAt, By = o.UpdatedBy, Before = before, After = JsonSerializer.Serialize(view) });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<List<TaxonomyAudit>>> Audit(string code, SpatialGridDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.TaxonomyAudits.AsNoTracking().Where(a => a.ClassCode == code).OrderBy(a => a.Id).ToListAsync(ct));

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
