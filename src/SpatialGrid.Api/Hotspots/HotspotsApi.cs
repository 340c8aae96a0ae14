using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Api.Hotspots;

/// <summary>Hotspot risk over HTTP: train on demand, the models with their back-tests, scores per grid with reasons, patrol redeployment.</summary>
public static class HotspotsApi
{
    public sealed record ModelSummary(long Version, DateTimeOffset TrainedAt, string TrainedBy, DateOnly ScoredDay, DateOnly HistoryFrom, DateOnly HistoryTo,
        int Cells, int Events, string Trainer, double? PaiRatioToBestBaseline, double? PaiRatioToIntensityCeiling, double? DevianceRatioToBestBaseline, string? BacktestNote);
    public sealed record ModelDetail(ModelSummary Model, JsonElement Settings, JsonElement? Backtest);
    public sealed record GridScore(string Grid, string Name, string District, double Expected, double PerKm2, int Rank, string[] Explanation);
    public sealed record Scores(DateOnly Date, long Model, string? Shift, double ShiftShare, IReadOnlyList<GridScore> Items, int Page, int PageSize, int Total);
    public sealed record TrainResult(long Version, DateOnly Date, int Cells, int Events, string Trainer, double Alpha, double Seconds, string? BacktestNote,
        double? PaiRatioToBestBaseline, double? PaiRatioToIntensityCeiling, double? DevianceRatioToBestBaseline);

    public static IServiceCollection AddHotspots(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HotspotsOptions>().Bind(configuration.GetSection("Hotspots"))
            .Validate(o => o.IsValid(), "Hotspots options are out of range (NightlyHourUtc 0..23, HistoryDays 60..2000, BacktestDays 0..365)")
            .ValidateOnStart();
        services.AddSingleton<HotspotSource>();
        services.AddSingleton<HotspotTraining>();
        services.AddTransient<HotspotNightly>();
        return services;
    }

    public static IEndpointRouteBuilder MapHotspots(this IEndpointRouteBuilder app)
    {
        var train = app.MapGroup("/api/hotspots").WithTags("Hotspots").RequireAuthorization(p => p.RequireRole(Roles.Planner, Roles.Admin));
        train.MapPost("/train", Train)
            .WithSummary("Train a model on the cases before a day (date=YYYY-MM-DD, default today in the city), back-test it (backtest=false to skip) and score every grid for that day")
            .Answers(409, "A training is running already (the nightly one or another planner's): try again when it ends.")
            .Answers(422, "The cases before the day cannot make a model (too little history, no event at all): the answer says what is needed.");

        var read = app.MapGroup("/api/hotspots").WithTags("Hotspots").RequireAuthorization(SecuritySetup.CaseReaderPolicy);
        read.MapGet("/models", Models).WithSummary("Trained models, newest first (paged: page, pageSize), with their headline back-test ratios");
        read.MapGet("/models/{version}", Model).WithSummary("One model: trainer, settings chosen on validation days, features and its back-test table with test days");
        read.MapGet("/scores", GetScores)
            .WithSummary("Expected cases per responsibility grid for a day (date, default today) and shift (shift=code: the day's forecast times the grid's share of cases in the shift's hours), with reasons; the caller's districts only (district=, grid= a code or its prefix); paged (page, pageSize), by rank")
            .Answers(404, "No grid was scored for the day, or no such shift in the caller's districts.");
        read.MapGet("/recommendations", Recommendations.Get)
            .WithSummary("For a team (team=id): the grids of its sub-district where predicted risk per patrol minute is highest and those patrolled with little risk, with a suggested move of minutes (greedy by marginal risk covered) and one sentence per grid")
            .Answers(404, "No grid was scored for the day, or no such team or shift in the caller's districts.");
        read.MapGet("/recommendations/evaluation", Recommendations.Evaluate)
            .WithSummary("How the grids recommended for more patrol fared from..to (cases reported there against the others, hit rate per area share) for a team or the caller's districts");
        return app;
    }

    private static async Task<Results<Created<TrainResult>, ProblemHttpResult>> Train(HotspotTraining training, ClaimsPrincipal user, string? date, bool? backtest, CancellationToken ct)
    {
        // A model is trained on every district's cases and scores every district's grids: only a key of the whole city.
        if (!CallerScope.Of(user).IsCityWide)
            return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden",
                "training covers every district's cases and grids: it needs a planner or admin key of the whole city (no scopes)");
        var today = training.Today();
        DateOnly day = today;
        if (date is not null && ParseDay(date) is not { } d) return Problems.BadRequest("bad-request", $"date must be a date YYYY-MM-DD, not '{Clip(date)}'");
        else if (date is not null) day = ParseDay(date)!.Value;
        if (day > today) return Problems.BadRequest("bad-request", $"date {day:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}) in the city: its history is not known yet");
        if (day < today.AddYears(-20)) return Problems.BadRequest("bad-request", $"date {day:yyyy-MM-dd} is more than 20 years ago");
        try
        {
            var t = await training.TrainAsync(day, user.Identity?.Name ?? "unknown", backtest ?? true, ct);
            var r = t.Backtest;
            return TypedResults.Created($"/api/hotspots/models/{t.Version}", new TrainResult(t.Version, t.Day, t.Cells, t.Events, t.Setting, t.Alpha, t.Seconds, t.BacktestNote,
                r?.PaiRatioToBest, r?.PaiRatioToCeiling, r?.DevianceRatioToBest));
        }
        catch (HotspotInputException e)
        {
            return Problems.Unprocessable("cannot-train", e.Message);
        }
        catch (HotspotTraining.BusyException e)
        {
            return Problems.Conflict("training-running", e.Message + "; try again when it ends");
        }
    }

    private const string ModelColumns = """
        version, trained_at, trained_by, scored_day, history_from, history_to, cells, events, settings->>'trainer',
        (backtest->>'paiRatioToBestBaseline')::double precision, (backtest->>'paiRatioToIntensityCeiling')::double precision,
        (backtest->>'devianceRatioToBestBaseline')::double precision, backtest_note
        """;

    private static ModelSummary ReadSummary(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetFieldValue<DateOnly>(3),
        r.GetFieldValue<DateOnly>(4), r.GetFieldValue<DateOnly>(5), r.GetInt32(6), r.GetInt32(7), r.GetString(8),
        r.IsDBNull(9) ? null : r.GetDouble(9), r.IsDBNull(10) ? null : r.GetDouble(10), r.IsDBNull(11) ? null : r.GetDouble(11), r.IsDBNull(12) ? null : r.GetString(12));

    private static async Task<Results<Ok<PagedList<ModelSummary>>, ProblemHttpResult>> Models(NpgsqlDataSource db, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } error) return Problems.BadRequest("bad-paging", error);
        var (p, size) = (page ?? 1, pageSize ?? Paging.DefaultPageSize);
        var (l, o) = (size, (p - 1) * size);
        await using var cmd = db.CreateCommand($"SELECT {ModelColumns}, count(*) OVER () FROM risk_models ORDER BY version DESC LIMIT @l OFFSET @o");
        cmd.Parameters.AddWithValue("l", l);
        cmd.Parameters.AddWithValue("o", o);
        var items = new List<ModelSummary>();
        var total = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) { items.Add(ReadSummary(r)); total = (int)r.GetInt64(13); }
        if (items.Count == 0 && o > 0)
        {
            await r.CloseAsync();
            await using var count = db.CreateCommand("SELECT count(*) FROM risk_models");
            total = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        }
        return TypedResults.Ok(new PagedList<ModelSummary>(items, p, size, total));
    }

    private static async Task<Results<Ok<ModelDetail>, ProblemHttpResult>> Model(NpgsqlDataSource db, string version, CancellationToken ct)
    {
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v <= 0)
            return Problems.BadRequest("bad-request", $"version must be a positive whole number, not '{Clip(version)}'");
        await using var cmd = db.CreateCommand($"SELECT {ModelColumns}, settings::text, backtest::text FROM risk_models WHERE version = @v");
        cmd.Parameters.AddWithValue("v", v);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return Problems.NotFound("not-found", $"there is no hotspot model {v}");
        var summary = ReadSummary(r);
        var settings = JsonDocument.Parse(r.GetString(13)).RootElement.Clone();
        JsonElement? backtest = r.IsDBNull(14) ? null : JsonDocument.Parse(r.GetString(14)).RootElement.Clone();
        return TypedResults.Ok(new ModelDetail(summary, settings, backtest));
    }

    private static async Task<Results<Ok<Scores>, ProblemHttpResult>> GetScores(NpgsqlDataSource db, ClaimsPrincipal user, HotspotTraining training,
        CalendarProvider calendar, string? date, string? shift, string? district, string? grid, int? page, int? pageSize, CancellationToken ct)
    {
        DateOnly day = training.Today();
        if (date is not null)
        {
            if (ParseDay(date) is not { } d) return Problems.BadRequest("bad-request", $"date must be a date YYYY-MM-DD, not '{Clip(date)}'");
            day = d;
        }
        if (district is not null && (district.Length != 6 || !district.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-request", $"district must be a 6-digit district code, not '{Clip(district)}'");
        if (grid is not null && (grid.Length is 0 or > 15 || !grid.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-request", $"grid must be a grid code or its prefix (digits, at most 15), not '{Clip(grid)}'");
        if (Paging.Check(page, pageSize) is { } error) return Problems.BadRequest("bad-paging", error);
        var (p, size) = (page ?? 1, pageSize ?? Paging.DefaultPageSize);
        var (l, o) = (size, (p - 1) * size);
        var model = await LatestModelAsync(db, day, ct);
        if (model is null)
            return NoScores(day, training.Today());
        var (shares, share, problemShift) = await ShiftShares.ForAsync(db, user, shift, day, calendar.Calendar.UtcOffset, ct);
        if (problemShift is not null) return problemShift;

        // With a shift, each grid's forecast is the day's times its share of cases in the shift's hours, so the order and
        // the ranks are the shift's own (over every scored grid, as the day's are), not the day's.
        await using var cmd = db.CreateCommand("""
            WITH k AS (SELECT unnest(@codes::text[]) AS code, unnest(@shares::float8[]) AS k),
            ranked AS (
                SELECT s.grid_code, s.district_code, s.expected * coalesce(k.k, @city) AS expected, s.per_km2 * coalesce(k.k, @city) AS per_km2,
                       CASE WHEN @shifted THEN row_number() OVER (ORDER BY s.per_km2 * coalesce(k.k, @city) DESC, s.rank)::int ELSE s.rank END AS rank,
                       s.explanation
                FROM risk_scores s LEFT JOIN k ON k.code = s.grid_code
                WHERE s.day = @day AND s.model_version = @model)
            SELECT r.grid_code, coalesce(g.name, ''), r.district_code, r.expected, r.per_km2, r.rank, r.explanation::text, count(*) OVER ()
            FROM ranked r
            LEFT JOIN grids g ON g.code = r.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
            WHERE r.grid_code LIKE ANY (@scope::text[])
              AND (@district::text IS NULL OR r.district_code = @district)
              AND (@grid::text IS NULL OR starts_with(r.grid_code, @grid))
            ORDER BY r.rank LIMIT @l OFFSET @o
            """);
        cmd.Parameters.AddWithValue("day", day);
        cmd.Parameters.AddWithValue("model", model.Value);
        cmd.Parameters.AddWithValue("shifted", shares is not null);
        cmd.Parameters.AddWithValue("codes", shares?.Keys.ToArray() ?? []);
        cmd.Parameters.AddWithValue("shares", shares?.Values.ToArray() ?? []);
        cmd.Parameters.AddWithValue("city", share);
        cmd.Parameters.AddWithValue("scope", CallerScope.Of(user).Patterns);
        cmd.Parameters.AddWithValue("district", (object?)district ?? DBNull.Value);
        cmd.Parameters.AddWithValue("grid", (object?)grid ?? DBNull.Value);
        cmd.Parameters.AddWithValue("l", l);
        cmd.Parameters.AddWithValue("o", o);
        var items = new List<GridScore>();
        var total = -1;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                items.Add(new GridScore(r.GetString(0), r.GetString(1), r.GetString(2), Math.Round(r.GetDouble(3), 4), Math.Round(r.GetDouble(4), 4), r.GetInt32(5),
                    JsonSerializer.Deserialize<string[]>(r.GetString(6))!));
                total = (int)r.GetInt64(7);
            }
        // A page past the last one has no rows to carry the count: counted on its own, so that total stays what it is.
        if (total < 0) total = o == 0 ? 0 : await CountScoresAsync(db, day, model.Value, CallerScope.Of(user).Patterns, district, grid, ct);
        return TypedResults.Ok(new Scores(day, model.Value, shift, Math.Round(share, 4), items, p, size, total));
    }

    private static async Task<int> CountScoresAsync(NpgsqlDataSource db, DateOnly day, long model, string[] scope, string? district, string? grid, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT count(*) FROM risk_scores s
            WHERE s.day = @day AND s.model_version = @model AND s.grid_code LIKE ANY (@scope::text[])
              AND (@district::text IS NULL OR s.district_code = @district) AND (@grid::text IS NULL OR starts_with(s.grid_code, @grid))
            """);
        cmd.Parameters.AddWithValue("day", day);
        cmd.Parameters.AddWithValue("model", model);
        cmd.Parameters.AddWithValue("scope", scope);
        cmd.Parameters.AddWithValue("district", (object?)district ?? DBNull.Value);
        cmd.Parameters.AddWithValue("grid", (object?)grid ?? DBNull.Value);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>No scores for the day: what a planner can do about it, if anything (a day after today cannot be trained for yet, nor one over 20 years ago).</summary>
    internal static ProblemHttpResult NoScores(DateOnly day, DateOnly today) => Problems.NotFound("no-scores",
        day > today ? $"no grid has been scored for {day:yyyy-MM-dd}: it is after today ({today:yyyy-MM-dd}) in the city, and a day is scored on its own morning"
        : day < today.AddYears(-20) ? $"no grid has been scored for {day:yyyy-MM-dd}, and a day more than 20 years ago cannot be trained for"
        : $"no grid has been scored for {day:yyyy-MM-dd}; a planner can train and score it with POST /api/hotspots/train?date={day:yyyy-MM-dd}");

    /// <summary>The newest model that scored the day.</summary>
    internal static async Task<long?> LatestModelAsync(NpgsqlDataSource db, DateOnly day, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT max(version) FROM risk_models WHERE scored_day = @day");
        cmd.Parameters.AddWithValue("day", day);
        return await cmd.ExecuteScalarAsync(ct) is long v ? v : null;
    }

    internal static DateOnly? ParseDay(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    internal static string Clip(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "…";
}
