using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Api.Hotspots;

/// <summary>
/// Patrol redeployment: per team, its sub-district's grids with the day's (or shift's) expected cases against the
/// minutes the team walked there a day over the past four weeks, and where those minutes would find more
/// (<see cref="PatrolAllocation"/>). Afterwards, how the grids recommended for more patrol fared.
/// </summary>
public static class Recommendations
{
    public sealed record GridMove(string Grid, string Name, double Expected, double CurrentMinutes, double SuggestedMinutes, double RiskPerMinute, string Action, string Reason);
    public sealed record TeamPlan(string Team, string Name, string Area, double TotalMinutes, int MoreGrids, int LessGrids, string Summary, List<GridMove> Grids);
    public sealed record Plan(DateOnly Date, string? Shift, long Model, List<TeamPlan> Teams);
    public sealed record DayResult(DateOnly Date, int Cases, int CasesInRecommended, double AreaShareRecommended, double HitRate, double Pai);
    public sealed record Evaluation(DateOnly From, DateOnly To, string? Team, int Days, int Cases, int CasesInRecommended, double HitRate, double AreaShare, double Pai, string Summary, List<DayResult> PerDay);

    private sealed record TeamRow(string Id, string Name, string District, string Area);

    public static async Task<Results<Ok<Plan>, ProblemHttpResult>> Get(NpgsqlDataSource db, ClaimsPrincipal user, HotspotTraining training, CalendarProvider calendar,
        string? date, string? shift, string? team, double? minutes, CancellationToken ct)
    {
        DateOnly day = training.Today();
        if (date is not null)
        {
            if (HotspotsApi.ParseDay(date) is not { } d) return Problems.BadRequest("bad-request", $"date must be a date YYYY-MM-DD, not '{HotspotsApi.Clip(date)}'");
            day = d;
        }
        if (minutes is { } m && (!double.IsFinite(m) || m < 0 || m > 100_000))
            return Problems.BadRequest("bad-request", "minutes (the team's patrol minutes a day to hand out) must be 0 to 100000");
        // Patrol time is handed out in steps: a budget under one step would hand out nothing and read as "already where the risk is".
        if (minutes is { } b && b > 0 && b < PatrolAllocation.DefaultStepMinutes)
            return Problems.BadRequest("bad-request", $"minutes must be 0 or at least {PatrolAllocation.DefaultStepMinutes:0} (patrol time is handed out in {PatrolAllocation.DefaultStepMinutes:0}-minute steps), not {b}");
        var (plan, problem) = await ComputeAsync(db, user, day, training.Today(), shift, team, minutes, calendar.Calendar.UtcOffset, ct);
        return problem ?? (Results<Ok<Plan>, ProblemHttpResult>)TypedResults.Ok(plan!);
    }

    private static async Task<(Plan? Plan, ProblemHttpResult? Problem)> ComputeAsync(NpgsqlDataSource db, ClaimsPrincipal user, DateOnly day, DateOnly today, string? shift, string? team,
        double? minutes, TimeSpan offset, CancellationToken ct)
    {
        if (team is { Length: > 64 }) return (null, Problems.BadRequest("bad-request", "team must be a team id of at most 64 characters"));
        var model = await HotspotsApi.LatestModelAsync(db, day, ct);
        if (model is null)
            return (null, HotspotsApi.NoScores(day, today));
        var (shares, cityShare, shiftProblem) = await ShiftShares.ForAsync(db, user, shift, day, offset, ct);
        if (shiftProblem is not null) return (null, shiftProblem);

        var scope = CallerScope.Of(user).Patterns;
        var teams = new List<TeamRow>();
        await using (var cmd = db.CreateCommand("""
            SELECT id, name, district_code, coalesce(sub_district_code, district_code) FROM patrol_teams
            WHERE (@team::text IS NULL OR id = @team)
              AND coalesce(sub_district_code, district_code) LIKE ANY (@scope::text[])
            ORDER BY id LIMIT 200
            """))
        {
            cmd.Parameters.AddWithValue("team", (object?)team ?? DBNull.Value);
            cmd.Parameters.AddWithValue("scope", scope);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) teams.Add(new TeamRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        }
        if (team is not null && teams.Count == 0)
            return (null, Problems.NotFound("not-found", $"there is no team '{HotspotsApi.Clip(team)}' in your districts (GET /api/patrols/teams lists them)"));

        var plans = new List<TeamPlan>();
        foreach (var t in teams)
        {
            var grids = new List<(string Code, string Name, double Expected, double Minutes)>();
            await using (var cmd = db.CreateCommand("""
                SELECT s.grid_code, coalesce(g.name, ''), s.expected,
                       coalesce((SELECT sum(d.seconds) / 60.0 / 28 FROM patrol_daily d JOIN patrol_workers w ON w.id = d.worker_id
                                 WHERE d.grid_code = s.grid_code AND w.team_id = @team AND d.day >= @day - 28 AND d.day < @day), 0)
                FROM risk_scores s
                LEFT JOIN grids g ON g.code = s.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
                WHERE s.day = @day AND s.model_version = @model AND starts_with(s.grid_code, @area)
                  AND s.grid_code LIKE ANY (@scope::text[])
                ORDER BY s.grid_code
                """))
            {
                cmd.Parameters.AddWithValue("team", t.Id);
                cmd.Parameters.AddWithValue("day", day);
                cmd.Parameters.AddWithValue("model", model.Value);
                cmd.Parameters.AddWithValue("area", t.Area);
                cmd.Parameters.AddWithValue("scope", scope);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    var code = r.GetString(0);
                    var k = shares is null ? 1 : shares.TryGetValue(code, out var gs) ? gs : cityShare;
                    grids.Add((code, r.GetString(1), r.GetDouble(2) * k, r.GetDouble(3)));
                }
            }
            var total = minutes ?? grids.Sum(g => g.Minutes);
            var moves = PatrolAllocation.Suggest(grids.Select(g => new PatrolCell(g.Code, g.Expected, g.Minutes)).ToList(), total);
            var byGrid = grids.ToDictionary(g => g.Code);
            var list = moves.Select(mv => new GridMove(mv.Id, byGrid[mv.Id].Name, Math.Round(mv.Risk, 4), Math.Round(mv.CurrentMinutes, 1), mv.SuggestedMinutes,
                    Math.Round(mv.RiskPerMinute, 5), mv.Action, mv.Reason))
                .OrderBy(g => g.Action switch { "more" => 0, "less" => 1, _ => 2 })
                .ThenByDescending(g => g.Action == "less" ? -g.RiskPerMinute : g.RiskPerMinute).ThenBy(g => g.Grid, StringComparer.Ordinal).ToList();
            var more = list.Count(g => g.Action == "more");
            var less = list.Count(g => g.Action == "less");
            var summary = grids.Count == 0 ? $"no scored grid in {t.Area}"
                : total <= 0 && minutes is not null ? $"a budget of 0 min a day for {t.Name}: nothing to hand out ({Math.Round(grids.Sum(g => g.Minutes), MidpointRounding.AwayFromZero)} min a day patrolled now)"
                : total <= 0 ? $"no patrol minutes recorded for {t.Name} in the 28 days before {day:yyyy-MM-dd}: nothing to move (give minutes= to plan a budget)"
                : more == 0 && less > 0 && minutes is not null ? $"a budget of {Math.Round(total, MidpointRounding.AwayFromZero)} min a day for {t.Name} ({Math.Round(grids.Sum(g => g.Minutes), MidpointRounding.AwayFromZero)} now): keep patrol in the grids with the most risk per minute and take it from {less} grid(s) with little risk"
                : more == 0 ? $"{t.Name}'s {Math.Round(total, MidpointRounding.AwayFromZero)} min a day already go where the risk is"
                : $"move patrol time from {less} grid(s) with little risk to {more} grid(s) with more risk per patrol minute ({Math.Round(total, MidpointRounding.AwayFromZero)} min a day in all)";
            plans.Add(new TeamPlan(t.Id, t.Name, t.Area, Math.Round(total, 1), more, less, summary, list));
        }
        return (new Plan(day, shift, model.Value, plans), null);
    }

    private static async Task<bool> TeamVisibleAsync(NpgsqlDataSource db, ClaimsPrincipal user, string team, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM patrol_teams WHERE id = @team AND coalesce(sub_district_code, district_code) LIKE ANY (@scope::text[]))
            """);
        cmd.Parameters.AddWithValue("team", team);
        cmd.Parameters.AddWithValue("scope", CallerScope.Of(user).Patterns);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    public static async Task<Results<Ok<Evaluation>, ProblemHttpResult>> Evaluate(NpgsqlDataSource db, ClaimsPrincipal user, CalendarProvider calendar,
        HotspotTraining training, string? from, string? to, string? team, CancellationToken ct)
    {
        if (HotspotsApi.ParseDay(from) is not { } start) return Problems.BadRequest("bad-request", $"from must be a date YYYY-MM-DD, not '{HotspotsApi.Clip(from)}'");
        if (HotspotsApi.ParseDay(to) is not { } end) return Problems.BadRequest("bad-request", $"to must be a date YYYY-MM-DD, not '{HotspotsApi.Clip(to)}'");
        if (end < start) return Problems.BadRequest("bad-request", $"to ({end:yyyy-MM-dd}) is before from ({start:yyyy-MM-dd})");
        if (end > training.Today()) return Problems.BadRequest("bad-request", $"to ({end:yyyy-MM-dd}) is after today ({training.Today():yyyy-MM-dd}) in the city: its cases are not known yet");
        if (end.DayNumber - start.DayNumber > 92) return Problems.BadRequest("bad-request", "at most 93 days at a time");
        // The team is checked before the days: on days nobody scored it was never looked up, and any name answered 200.
        if (team is { Length: > 64 }) return Problems.BadRequest("bad-request", "team must be a team id of at most 64 characters");
        if (team is not null && !await TeamVisibleAsync(db, user, team, ct))
            return Problems.NotFound("not-found", $"there is no team '{HotspotsApi.Clip(team)}' in your districts (GET /api/patrols/teams lists them)");
        var offset = calendar.Calendar.UtcOffset;
        var perDay = new List<DayResult>();
        double areaShareSum = 0;
        for (var n = start.DayNumber; n <= end.DayNumber; n++)
        {
            var day = DateOnly.FromDayNumber(n);
            if (await HotspotsApi.LatestModelAsync(db, day, ct) is null) continue;
            var (plan, problem) = await ComputeAsync(db, user, day, training.Today(), null, team, null, offset, ct);
            if (problem is not null) return problem;
            var all = plan!.Teams.SelectMany(t => t.Grids).Select(g => g.Grid).Distinct().ToArray();
            var recommended = plan.Teams.SelectMany(t => t.Grids).Where(g => g.Action == "more").Select(g => g.Grid).Distinct().ToArray();
            await using var cmd = db.CreateCommand("""
                WITH areas AS (SELECT code, ST_Area(geometry::geography) AS m2 FROM grids WHERE valid_from IS NOT NULL AND valid_to IS NULL AND code = ANY(@all))
                SELECT (SELECT count(*) FROM cases WHERE state <> 8 AND grid_code = ANY(@all) AND reported_at >= @from AND reported_at < @to),
                       (SELECT count(*) FROM cases WHERE state <> 8 AND grid_code = ANY(@rec) AND reported_at >= @from AND reported_at < @to),
                       coalesce((SELECT sum(m2) FROM areas WHERE code = ANY(@rec)) / nullif((SELECT sum(m2) FROM areas), 0), 0)
                """);
            cmd.Parameters.AddWithValue("all", all);
            cmd.Parameters.AddWithValue("rec", recommended);
            cmd.Parameters.AddWithValue("from", HotspotSource.Utc(day, offset));
            cmd.Parameters.AddWithValue("to", HotspotSource.Utc(day.AddDays(1), offset));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var cases = (int)r.GetInt64(0); var inRec = (int)r.GetInt64(1); var share = r.GetDouble(2);
            var hit = cases == 0 ? 0 : (double)inRec / cases;
            perDay.Add(new DayResult(day, cases, inRec, Math.Round(share, 4), Math.Round(hit, 4), share > 0 ? Math.Round(hit / share, 3) : 0));
            areaShareSum += share;
        }
        var totalCases = perDay.Sum(d => d.Cases);
        var totalIn = perDay.Sum(d => d.CasesInRecommended);
        var hitRate = totalCases == 0 ? 0 : (double)totalIn / totalCases;
        var areaShare = perDay.Count == 0 ? 0 : areaShareSum / perDay.Count;
        var pai = areaShare > 0 ? hitRate / areaShare : 0;
        var summary = perDay.Count == 0 ? $"no day from {start:yyyy-MM-dd} to {end:yyyy-MM-dd} was scored"
            : $"the grids recommended for more patrol ({areaShare:P1} of the area) had {totalIn} of {totalCases} cases ({hitRate:P1}): {pai:0.00} times their share of the area";
        return TypedResults.Ok(new Evaluation(start, end, team, perDay.Count, totalCases, totalIn, Math.Round(hitRate, 4), Math.Round(areaShare, 4), Math.Round(pai, 3), summary, perDay));
    }
}
