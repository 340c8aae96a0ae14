using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Maps;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Api.Hotspots;

/// <summary>
/// Trains a model on the history before a day, back-tests it on the last days of that history, scores every grid for
/// the day with an explanation, and stores the model, its back-test and the scores in one transaction. One training at
/// a time in this instance, and one across instances (an advisory lock held while it stores).
/// </summary>
public sealed class HotspotTraining(NpgsqlDataSource db, HotspotSource source, CalendarProvider calendar, IOptions<HotspotsOptions> options,
    TimeProvider clock, TileCache tiles, ILogger<HotspotTraining> log)
{
    private const long LockKey = 0x5347_4853_5452; // "SGHSTR"
    private readonly SemaphoreSlim gate = new(1, 1);

    public sealed record Trained(long Version, DateOnly Day, int Cells, int Events, string Setting, double Alpha, BacktestReport? Backtest, string? BacktestNote, double Seconds);

    /// <summary>Thrown when a training is already running: the caller may try again when it ends.</summary>
    public sealed class BusyException() : Exception("a training is already running");

    public DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(calendar.Calendar.UtcOffset).DateTime);

    public async Task<Trained> TrainAsync(DateOnly day, string trainedBy, bool backtest, CancellationToken ct)
    {
        if (!await gate.WaitAsync(0, ct)) throw new BusyException();
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var o = options.Value;
            var loaded = await source.LoadAsync(day, o.HistoryDays, calendar.Calendar, ct);
            var data = loaded.Data;
            var model = new BoostedForecaster(new BoostedOptions());
            // The model is fitted on every day before the one scored; too short a history is refused by the engine.
            model.Fit(data, data.Days, 1);
            var expected = new double[data.Cells.Count];
            model.Predict(data, data.Days, 1, expected);
            var explanations = model.Explain(data, data.Days);

            BacktestReport? report = null;
            string? note = null;
            var room = data.Days - model.MinimumOrigin(1);
            if (!backtest) note = "back-test not asked for";
            else if (o.BacktestDays == 0) note = "back-test switched off (Hotspots:BacktestDays = 0)";
            else if (room < 14) note = $"too little history for a back-test: {data.Days} days, {model.MinimumOrigin(1) + 14} needed for 14 test days";
            else
            {
                var testDays = Math.Min(o.BacktestDays, room);
                report = Backtest.Run(data, new BacktestOptions { TestDays = testDays, PatrolAblation = data.HasPatrolEffort });
                if (testDays < 60) note = $"only {testDays} test days (fewer than 60): a first look, not a verdict";
            }

            var version = await StoreAsync(day, trainedBy, loaded, model, expected, explanations, report, note, ct);
            await tiles.InvalidateAsync("risk", null, ct);
            log.LogInformation("Hotspot model {Version} trained for {Day} on {Events} cases in {Cells} grids ({Setting}, α {Alpha}) in {Seconds:0.0} s",
                version, day, data.Events.Count, data.Cells.Count, model.Chosen.Name, model.Alpha, started.Elapsed.TotalSeconds);
            return new Trained(version, day, data.Cells.Count, data.Events.Count, model.Chosen.Name, model.Alpha, report, note, Math.Round(started.Elapsed.TotalSeconds, 1));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<long> StoreAsync(DateOnly day, string trainedBy, HotspotSource.Loaded loaded, BoostedForecaster model, double[] expected,
        List<Contribution>[] explanations, BacktestReport? report, string? note, CancellationToken ct)
    {
        var data = loaded.Data;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@k)", conn, tx))
        {
            lockCmd.Parameters.AddWithValue("k", LockKey);
            if (await lockCmd.ExecuteScalarAsync(ct) is not true) throw new BusyException();
        }
        var settings = new
        {
            trainer = model.Chosen.Name,
            description = model.Chosen.ToString(),
            alpha = model.Alpha,
            blend = $"{model.Alpha:0.00} × model + {1 - model.Alpha:0.00} × {model.Baseline.Name} ({model.Baseline.Description})",
            choices = model.Choices.Select(c => new { origin = data.Events.DateOf(c.Origin), setting = c.Setting, validationDeviance = c.ValidationDeviance }),
            classes = data.Events.Classes,
            features = model.Features.Select(f => new { f.Name, f.Group, f.Sentence }),
            eventsOutsideGrids = data.Events.Outside,
        };
        long version;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO risk_models (trained_at, trained_by, scored_day, history_from, history_to, cells, events, settings, backtest, backtest_note, model)
            VALUES (@at, @by, @day, @from, @to, @cells, @events, @settings, @backtest, @note, @model) RETURNING version
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("at", clock.GetUtcNow().ToUniversalTime());
            cmd.Parameters.AddWithValue("by", trainedBy);
            cmd.Parameters.AddWithValue("day", day);
            cmd.Parameters.AddWithValue("from", data.Events.FirstDay);
            cmd.Parameters.AddWithValue("to", data.Events.DateOf(data.Days - 1));
            cmd.Parameters.AddWithValue("cells", data.Cells.Count);
            cmd.Parameters.AddWithValue("events", data.Events.Count);
            cmd.Parameters.Add(new NpgsqlParameter("settings", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(settings, Json) });
            cmd.Parameters.Add(new NpgsqlParameter("backtest", NpgsqlDbType.Jsonb) { Value = report is null ? DBNull.Value : JsonSerializer.Serialize(BacktestJson.Of(report), Json) });
            cmd.Parameters.AddWithValue("note", (object?)note ?? DBNull.Value);
            cmd.Parameters.AddWithValue("model", model.Save());
            version = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }

        // Medians of each feature over the cells, for "high"/"low" in the explanations.
        var medians = Medians(data, model, data.Days);
        var order = Metrics.Rank(data.Cells, data.Days, expected);
        var rank = new int[order.Length];
        for (var i = 0; i < order.Length; i++) rank[order[i]] = i + 1;
        var baseline = new double[expected.Length];
        model.PredictBaseline(data, data.Days, 1, baseline);
        var baselineMedian = Explanation.Median(baseline);
        var baselineSays = model.Baseline is WindowMean window ? window.DescribeAt(data.Days) : model.Baseline.Description;
        await using (var writer = await conn.BeginBinaryImportAsync(
            "COPY risk_scores (model_version, day, grid_code, district_code, expected, per_km2, rank, explanation) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var c = 0; c < expected.Length; c++)
            {
                var why = Explanation.Compose(explanations[c].Select(x => x.Describe(medians[x.Feature.Name])).ToList(), model.Alpha,
                    baselineSays, baseline[c], baselineMedian);
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(version, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(day, NpgsqlDbType.Date, ct);
                await writer.WriteAsync(loaded.Grids[c].Code, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(loaded.Grids[c].District, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(expected[c], NpgsqlDbType.Double, ct);
                await writer.WriteAsync(expected[c] / (data.Cells.AreaM2[c] / 1e6), NpgsqlDbType.Double, ct);
                await writer.WriteAsync(rank[c], NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(JsonSerializer.Serialize(why, Json), NpgsqlDbType.Jsonb, ct);
            }
            await writer.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return version;
    }

    private static Dictionary<string, double> Medians(HotspotData data, BoostedForecaster model, int day)
    {
        var fb = new FeatureBuilder(data);
        var values = new float[data.Cells.Count][];
        for (var c = 0; c < values.Length; c++) { values[c] = new float[fb.Count]; fb.Fill(day, c, values[c]); }
        var result = new Dictionary<string, double>();
        for (var k = 0; k < fb.Count; k++)
        {
            var column = values.Select(v => (double)v[k]).Order().ToArray();
            result[fb.Features[k].Name] = column[column.Length / 2];
        }
        foreach (var f in model.Features) result.TryAdd(f.Name, 0);
        return result;
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };
}

/// <summary>The back-test as stored and served: the table, the ratios the issue names, the test days and notes.</summary>
public static class BacktestJson
{
    public static object Of(BacktestReport r) => new
    {
        horizonDays = r.Horizon,
        cells = r.Cells,
        eventsInCells = r.EventsInCells,
        eventsOutside = r.EventsOutside,
        coverages = Metrics.Coverages,
        methods = r.Methods.Select(m => new { m.Name, m.Description, m.Causal, hitRate = m.HitRate, pai = m.Pai, pei = m.Pei, deviancePerCellDay = m.Deviance }),
        bestBaseline = r.BestBaseline,
        bestDevianceBaseline = r.BestDevianceBaseline,
        paiRatioToBestBaseline = r.PaiRatioToBest,
        paiRatioInterval95 = r.PaiRatioInterval is { } i && double.IsFinite(i.Low) && double.IsFinite(i.High) ? new[] { i.Low, i.High } : null,
        paiRatioToIntensityCeiling = r.PaiRatioToCeiling,
        devianceRatioToBestBaseline = r.DevianceRatioToBest,
        patrolEffort = new
        {
            patrolDataGiven = r.PatrolEffort.PatrolDataGiven,
            note = r.PatrolEffort.Note,
            paiWithoutPatrol = r.PatrolEffort.PaiWithoutPatrol,
            paiShareOfGain = r.PatrolEffort.PaiShareOfGain,
            devianceWithoutPatrol = r.PatrolEffort.DevianceWithoutPatrol,
            devianceShareOfGain = r.PatrolEffort.DevianceShareOfGain,
            paiChangeFromPatrol = r.PatrolEffort.PaiChange,
            devianceChangeFromPatrol = r.PatrolEffort.DevianceChange,
        },
        calibration = r.Calibration.Select(t => new
        {
            method = t.Method,
            predicted = t.Predicted,
            observed = t.Observed,
            error = t.Error,
            tenths = t.Bins.Select(b => new { b.CellDays, b.MinPredicted, b.MaxPredicted, b.MeanPredicted, b.MeanObserved, b.ObservedOverPredicted }),
        }),
        testDays = r.TestDays,
        notes = r.Notes,
    };
}
