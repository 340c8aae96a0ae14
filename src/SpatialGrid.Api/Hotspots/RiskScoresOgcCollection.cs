using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Hotspots;

/// <summary>
/// OGC collection <c>risk-scores</c>: the current model's forecast per responsibility grid (the newest model that
/// scored the day, as <c>/api/hotspots/scores</c> reads it), on the grid's polygon; <c>datetime</c> selects forecast
/// days (local), and without it the latest day scored is shown, as on the map. Only the grids the caller's scope sees.
/// </summary>
public sealed class RiskScoresOgcCollection(NpgsqlDataSource data, CalendarProvider calendar) : OgcSqlCollection(data, Definition)
{
    private static readonly OgcSqlSource Definition = new("risk-scores", "Risk scores (hotspot forecast)",
        "Expected cases per responsibility grid and forecast day; without datetime, the latest day scored", "geometry-multipolygon",
        "Hotspots/Sql/ogc_risk.sql", "f.day DESC, f.rank", "day");

    public override IReadOnlyList<OgcProperty> Properties { get; } =
    [
        new("grid", "string", "Grid code", Sql: "grid", Sort: "grid"),
        new("name", "string", "Grid name", Sql: "name", Sort: "name"),
        new("district", "string", "District code", Sql: "district", Sort: "district"),
        new("day", "string", "Forecast day (local)", Format: "date", Sql: "day", Sort: "day"),
        new("model", "integer", "Model version that scored it", Sql: "model", Sort: "model"),
        new("expected", "number", "Expected cases that day", Sql: "expected", Sort: "expected"),
        new("per_km2", "number", "Expected cases per km² (what the map colours)", Sql: "per_km2", Sort: "per_km2"),
        new("rank", "integer", "Rank among all grids that day (1: highest)", Sql: "rank", Sort: "rank"),
        new("explanation", "array", "Why: the features that weigh most"),
    ];

    protected override IEnumerable<NpgsqlParameter> Parameters(CallerScope scope, bool timed, DateTimeOffset? from, DateTimeOffset? to)
    {
        var offset = calendar.Calendar.UtcOffset;
        DateOnly? Day(DateTimeOffset? t) => t is { } x ? DateOnly.FromDateTime(x.ToOffset(offset).DateTime) : null;
        return [new("scope", scope.Patterns), new("timed", timed), Typed("from_day", Day(from), NpgsqlDbType.Date), Typed("to_day", Day(to), NpgsqlDbType.Date)];
    }

    protected override Action<Utf8JsonWriter> ReadProperties(NpgsqlDataReader r)
    {
        var (grid, name, district, day, model) = (r.GetString(1), Value<string>(r, "name"), r.GetString(3), r.GetFieldValue<DateOnly>(4), r.GetInt64(5));
        var (expected, perKm2, rank, explanation) = (r.GetDouble(6), r.GetDouble(7), r.GetInt32(8), r.GetString(9));
        return w =>
        {
            w.WriteString("grid", grid);
            if (name is null) w.WriteNull("name"); else w.WriteString("name", name);
            w.WriteString("district", district);
            w.WriteString("day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteNumber("model", model);
            w.WriteNumber("expected", Math.Round(expected, 4));
            w.WriteNumber("per_km2", Math.Round(perKm2, 4));
            w.WriteNumber("rank", rank);
            w.WritePropertyName("explanation");
            w.WriteRawValue(explanation);
        };
    }
}
