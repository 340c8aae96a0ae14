using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// OGC collection <c>patrol-tracks</c>: one feature per worker and local day, the day's clean fixes as lines (split
/// where the phone was silent longer than the gap limit, as <c>/api/patrols/tracks</c> splits them), of the workers of
/// the caller's districts; <c>datetime</c> selects the days whose walk meets it. It needs a key that reads cases.
/// </summary>
public sealed class PatrolTracksOgcCollection(NpgsqlDataSource data, CalendarProvider calendar, IOptions<PatrolsOptions> options) : OgcSqlCollection(data)
{
    public override string Id => "patrol-tracks";
    public override string Title => "Patrol tracks";
    public override string Description => "Each patrol worker's walk of a day (local time) as lines; datetime selects the days whose walk meets it";
    public override string GeometryFormat => "geometry-multilinestring";
    protected override string Source => SqlFiles.Get("Patrols/Sql/ogc_tracks.sql");
    protected override string DefaultOrder => "f.day, f.worker";
    protected override string TimeColumn => "started";

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

    protected override IEnumerable<NpgsqlParameter> Parameters(CallerScope scope, bool timed, DateTimeOffset? from, DateTimeOffset? to)
    {
        var offset = calendar.Calendar.UtcOffset;
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
            w.WriteString("day", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            WriteInstant(w, "started", started);
            WriteInstant(w, "ended", ended);
            w.WriteNumber("fixes", fixes);
            w.WriteNumber("trips", trips);
            w.WriteNumber("metres", metres);
        };
    }
}
