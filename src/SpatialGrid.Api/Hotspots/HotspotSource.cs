using NetTopologySuite.Geometries;
using Npgsql;
using SpatialGrid.Core.Calendar;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Api.Hotspots;

/// <summary>One current responsibility grid as a hotspot cell.</summary>
public sealed record RiskGrid(string Code, string Name, string District);

/// <summary>
/// Reads what the hotspot engine needs from the database: the current comprehensive responsibility grids as cells,
/// the cases reported in them (rejected reports left out) as events by major class, device alerts and patrol minutes per
/// grid and day, and component density per major class. Days are the city's local days.
/// </summary>
public sealed class HotspotSource(NpgsqlDataSource db)
{
    public sealed record Loaded(HotspotData Data, IReadOnlyList<RiskGrid> Grids);

    /// <summary>The data for forecasting <paramref name="target"/>: history from <paramref name="historyDays"/> days before it to the day before.</summary>
    public async Task<Loaded> LoadAsync(DateOnly target, int historyDays, WorkCalendar calendar, CancellationToken ct)
    {
        var offset = calendar.UtcOffset;
        // The history starts at the first case (a city that began recording in March has no history in January) and
        // goes back at most historyDays.
        var first = target.AddDays(-historyDays);
        await using (var start = db.CreateCommand("SELECT min(reported_at) FROM cases WHERE state <> 8 AND reported_at >= @from AND reported_at < @to"))
        {
            start.Parameters.AddWithValue("from", Utc(first, offset));
            start.Parameters.AddWithValue("to", Utc(target, offset));
            if (await start.ExecuteScalarAsync(ct) is DateTime firstCase)
                first = DateOnly.FromDateTime(new DateTimeOffset(DateTime.SpecifyKind(firstCase, DateTimeKind.Utc)).ToOffset(offset).DateTime);
        }
        var last = target.AddDays(-1);
        var (grids, cells) = await CellsAsync(ct);
        if (grids.Count == 0) throw new HotspotInputException("there are no current responsibility grids to forecast: publish grids first");
        var cellSet = CellSet.FromPolygons(cells);

        var events = new List<HotspotEvent>();
        await using (var cmd = db.CreateCommand("""
            SELECT ST_X(c.location), ST_Y(c.location), c.reported_at, coalesce(t.major_en, c.class_code)
            FROM cases c LEFT JOIN taxonomy t ON t.code = c.class_code
            WHERE c.state <> 8 AND c.reported_at >= @from AND c.reported_at < @to
            """))
        {
            cmd.Parameters.AddWithValue("from", Utc(first, offset));
            cmd.Parameters.AddWithValue("to", Utc(target, offset));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var local = r.GetFieldValue<DateTimeOffset>(2).ToOffset(offset);
                events.Add(new HotspotEvent(DateOnly.FromDateTime(local.DateTime), r.GetDouble(0), r.GetDouble(1), r.GetString(3), TimeOnly.FromDateTime(local.DateTime)));
            }
        }
        if (events.Count == 0)
            throw new HotspotInputException($"no case was reported from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}: there is nothing to learn risk from");
        var table = EventTable.Locate(cellSet, events, first: first, last: last);
        var index = grids.Select((g, i) => (g.Code, i)).ToDictionary(p => p.Code, p => p.i);
        var days = table.Days;

        var alerts = await DailyAsync("""
            SELECT grid_code, (observed_at AT TIME ZONE 'UTC' + @offset)::date AS day, count(*)::double precision
            FROM alerts WHERE observed_at >= @from AND observed_at < @to GROUP BY 1, 2
            """, first, target, offset, index, days, ct);
        var patrol = await DailyAsync("""
            SELECT grid_code, day, sum(seconds) / 60.0 FROM patrol_daily WHERE day >= @first AND day < @target GROUP BY 1, 2
            """, first, target, offset, index, days, ct);

        var attributes = new Dictionary<string, double[]>();
        await using (var cmd = db.CreateCommand("""
            SELECT g.code, coalesce(t.major_en, c.class_code), count(*)::double precision
            FROM components c
            JOIN grids g ON g.valid_from IS NOT NULL AND g.valid_to IS NULL AND g.level = 4 AND g.kind = 1
                        AND ST_Intersects(g.geometry, ST_PointOnSurface(c.geometry))
            LEFT JOIN taxonomy t ON t.code = c.class_code
            GROUP BY 1, 2
            """))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                if (!index.TryGetValue(r.GetString(0), out var i)) continue;
                var name = $"{r.GetString(1)} components per km²";
                if (!attributes.TryGetValue(name, out var values)) attributes[name] = values = new double[grids.Count];
                values[i] = r.GetDouble(2) / (cellSet.AreaM2[i] / 1e6);
            }
        }

        var data = new HotspotData(cellSet, table, calendar)
        {
            Alerts = alerts,
            PatrolMinutes = patrol,
            Attributes = attributes,
        };
        return new Loaded(data, grids);
    }

    private async Task<(List<RiskGrid> Grids, List<HotspotCell> Cells)> CellsAsync(CancellationToken ct)
    {
        var grids = new List<RiskGrid>();
        var cells = new List<HotspotCell>();
        await using var cmd = db.CreateCommand("""
            SELECT code, name, district_code, geometry FROM grids
            WHERE valid_from IS NOT NULL AND valid_to IS NULL AND level = 4 AND kind = 1 AND NOT ST_IsEmpty(geometry)
            ORDER BY code
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var geometry = r.GetFieldValue<Geometry>(3);
            if (geometry is not (Polygon or MultiPolygon) || geometry.Area <= 0) continue;
            grids.Add(new RiskGrid(r.GetString(0), r.GetString(1), r.GetString(2)));
            cells.Add(new HotspotCell(r.GetString(0), geometry));
        }
        return (grids, cells);
    }

    private async Task<DailySeries> DailyAsync(string sql, DateOnly first, DateOnly target, TimeSpan offset, Dictionary<string, int> index, int days, CancellationToken ct)
    {
        var daily = new double[days * index.Count];
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("from", Utc(first, offset));
        cmd.Parameters.AddWithValue("to", Utc(target, offset));
        cmd.Parameters.AddWithValue("first", first);
        cmd.Parameters.AddWithValue("target", target);
        cmd.Parameters.AddWithValue("offset", offset);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (!index.TryGetValue(r.GetString(0), out var cell)) continue;
            var day = r.GetFieldValue<DateOnly>(1).DayNumber - first.DayNumber;
            if (day < 0 || day >= days) continue;
            daily[day * index.Count + cell] += r.GetDouble(2);
        }
        return DailySeries.FromDaily(days, index.Count, daily);
    }

    /// <summary>The UTC instant the local day starts.</summary>
    public static DateTimeOffset Utc(DateOnly day, TimeSpan offset) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), offset).ToUniversalTime();
}
