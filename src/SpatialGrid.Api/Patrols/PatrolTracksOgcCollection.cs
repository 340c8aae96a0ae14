using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// OGC collection <c>patrol-tracks</c>: one feature per worker and local day, the day's clean fixes as lines (split
/// where the phone was silent longer than the gap limit, as <c>/api/patrols/tracks</c> splits them), of the workers of
/// the caller's districts; <c>datetime</c> (at most a week) selects the days whose walk meets it, and without it today's
/// walks are shown. It needs a key that reads cases.
/// </summary>
public sealed class PatrolTracksOgcCollection(NpgsqlDataSource data, CalendarProvider calendar, IOptions<PatrolsOptions> options, TimeProvider clock) : OgcSqlCollection(data, Definition)
{
    private static readonly OgcSqlSource Definition = new("patrol-tracks", "Patrol tracks",
        "Each patrol worker's walk of a day (local time) as lines; datetime (at most 7 days) selects the days whose walk meets it, without it today's", "geometry-multilinestring",
        "Patrols/Sql/ogc_tracks.sql", "f.day, f.worker", "started");

    public override IReadOnlyList<OgcProperty> Properties { get; } =
    [
        new("worker", "string", "Worker id", Sql: "worker", Sort: "worker"),
        new("worker_name", "string", "Worker's name", Sql: "worker_name", Sort: "worker_name"),
        new("district", "string", "District code", Sql: "district", Sort: "district"),
        new("day", "string", "Local day", Format: "date", Sql: "day", Sort: "day"),
        new("started", "string", "First fix of the day", Format: "date-time", Sql: "started", Sort: "started"),
        new("ended", "string", "Last fix of the day", Format: "date-time", Sql: "ended", Sort: "ended"),
        new("fixes", "integer", "Clean fixes", Sql: "fixes", Sort: "fixes"),
        new("trips", "integer", "Lines (a new one after each gap)", Sql: "trips", Sort: "trips"),
        new("metres", "integer", "Length walked in metres", Sql: "metres", Sort: "metres"),
    ];

    /// <summary>
    /// The extent without building every day's lines (every listing of the collections asks for it): the districts the
    /// caller's workers walk, since the first day walked (patrol_daily, whose key begins with the day).
    /// </summary>
    public override async Task<OgcExtent> ExtentAsync(SpatialGridDb db, CallerScope scope, CancellationToken ct)
    {
        await using var cmd = Data.CreateCommand("""
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e),
                   (SELECT min(first_at) FROM patrol_daily WHERE cardinality(@districts::text[]) = 0 OR district_code = ANY (@districts::text[]))
            FROM (SELECT ST_Extent(geometry) AS e FROM grids WHERE level = 1 AND valid_from IS NOT NULL AND valid_to IS NULL
                  AND (cardinality(@districts::text[]) = 0 OR code = ANY (@districts::text[]))) x
            """);
        cmd.Parameters.AddWithValue("districts", scope.Districts);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new(r.IsDBNull(0) ? new Envelope() : new Envelope(r.GetDouble(0), r.GetDouble(2), r.GetDouble(1), r.GetDouble(3)),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4));
    }

    // A feature's id begins with its day: only that day's fixes are read.
    public override Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CallerScope scope, CancellationToken ct)
    {
        if (id.Length < 12 || id[10] != '_' || !DateOnly.TryParseExact(id[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Task.FromResult<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?>(null);
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), calendar.Calendar.UtcOffset).ToUniversalTime();
        return ItemWithinAsync(id, crs, scope, start, start.AddDays(1).AddTicks(-1), ct);
    }

    /// <summary>
    /// Without <c>datetime</c>, the walks of today (local); with it, at most <see cref="PatrolReports.MaxTrackDays"/> days
    /// with both ends given, as <c>/api/patrols/tracks</c> reads them: the lines are built from every fix of the days read.
    /// </summary>
    protected override IEnumerable<NpgsqlParameter> Parameters(CallerScope scope, bool timed, DateTimeOffset? from, DateTimeOffset? to)
    {
        var offset = calendar.Calendar.UtcOffset;
        if (!timed) (timed, from) = (true, new DateTimeOffset(clock.GetUtcNow().ToOffset(offset).Date, offset).ToUniversalTime());
        else if (from is null || to is null || to - from > TimeSpan.FromDays(PatrolReports.MaxTrackDays))
            throw new OgcException("bad-datetime",
                $"patrol tracks are read at most {PatrolReports.MaxTrackDays} days at a time: give datetime as an instant or as a/b with both ends, " +
                $"at most {PatrolReports.MaxTrackDays} days apart (without datetime: today's)");
        // The fixes of the local days that hold the ends (a day's walk meets the interval only if its day does).
        DateTimeOffset? DayStart(DateTimeOffset? t, int days) =>
            t is { } x ? new DateTimeOffset(x.ToOffset(offset).Date.AddDays(days), offset).ToUniversalTime() : null;
        return
        [
            new("districts", scope.Districts), new("timed", timed), new("utc_offset", offset), new("gap", TimeSpan.FromMinutes(options.Value.GapLimitMinutes)),
            Typed("from", from, NpgsqlDbType.TimestampTz), Typed("to", to, NpgsqlDbType.TimestampTz),
            Typed("scan_from", DayStart(from, 0), NpgsqlDbType.TimestampTz), Typed("scan_to", DayStart(to, 1), NpgsqlDbType.TimestampTz),
        ];
    }

    protected override Action<Utf8JsonWriter> ReadProperties(NpgsqlDataReader r)
    {
        var (worker, name, district, day) = (r.GetString(1), Value<string>(r, "worker_name"), r.GetString(3), r.GetFieldValue<DateOnly>(4));
        var (started, ended, fixes, trips, metres) = (r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9));
        return w =>
        {
            w.WriteString("worker", worker);
            if (name is null) w.WriteNull("worker_name"); else w.WriteString("worker_name", name);
            w.WriteString("district", district);
            w.WriteString("day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            WriteInstant(w, "started", started);
            WriteInstant(w, "ended", ended);
            w.WriteNumber("fixes", fixes);
            w.WriteNumber("trips", trips);
            w.WriteNumber("metres", metres);
        };
    }
}
