using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using NetTopologySuite.Geometries;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// The ceiling for alert ingestion: the same rows the pipeline writes (copied from the alerts the run stored, with
/// their indexes), written by binary COPY in batches of the pipeline's mean size, one transaction per batch.
/// </summary>
public static class AlertLoad
{
    public static async Task CopyCeilingAsync(string connection, int batch)
    {
        var builder = new NpgsqlDataSourceBuilder(connection);
        builder.UseNetTopologySuite();
        await using var dataSource = builder.Build();
        await using (var setup = dataSource.CreateCommand(
            "DROP TABLE IF EXISTS bench_alerts; CREATE TABLE bench_alerts (LIKE alerts INCLUDING ALL); " +
            "DROP TABLE IF EXISTS bench_alert_source; CREATE TABLE bench_alert_source AS SELECT * FROM alerts ORDER BY id;"))
            await setup.ExecuteNonQueryAsync();
        var rows = new List<object?[]>();
        await using (var read = dataSource.CreateCommand("SELECT gateway_id, msg_id, device_id, type, severity, observed_at, received_at, stored_at, location, district_code, grid_code, class_code, confidence, media, props::text, outcome, case_id FROM bench_alert_source"))
        await using (var r = await read.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                var row = new object?[17];
                for (var i = 0; i < 17; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
                rows.Add(row);
            }
        }
        var types = new[]
        {
            NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.TimestampTz,
            NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Geometry, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar,
            NpgsqlDbType.Double, NpgsqlDbType.Varchar, NpgsqlDbType.Jsonb, NpgsqlDbType.Integer, NpgsqlDbType.Bigint,
        };
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < rows.Count; start += batch)
        {
            await using var conn = await dataSource.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await using (var copy = await conn.BeginBinaryImportAsync("COPY bench_alerts (gateway_id, msg_id, device_id, type, severity, observed_at, received_at, stored_at, location, district_code, grid_code, class_code, confidence, media, props, outcome, case_id) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in rows.Skip(start).Take(batch))
                {
                    await copy.StartRowAsync();
                    for (var i = 0; i < 17; i++)
                    {
                        if (row[i] is null) await copy.WriteNullAsync();
                        else await copy.WriteAsync(row[i], types[i]);
                    }
                }
                await copy.CompleteAsync();
            }
            await tx.CommitAsync();
        }
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"binary COPY of the same {rows.Count:N0} alert rows (all indexes, batches of {batch:N0}, one transaction each): {watch.Elapsed.TotalSeconds:0.00} s, {rows.Count / watch.Elapsed.TotalSeconds:N0} rows/s"));
        await using var drop = dataSource.CreateCommand("DROP TABLE bench_alerts; DROP TABLE bench_alert_source;");
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The pipeline's own latency (received by the API → stored) from the rows, for the external-broker run.</summary>
    public static async Task StoredLatencyAsync(string connection, string since)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var cmd = dataSource.CreateCommand(
            "SELECT count(*), percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY stored_at - received_at), max(stored_at) - min(received_at) " +
            "FROM alerts WHERE received_at >= @since::timestamptz");
        cmd.Parameters.AddWithValue("since", since);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var n = r.GetInt64(0);
        var p = r.GetFieldValue<TimeSpan[]>(1);
        var span = r.GetFieldValue<TimeSpan>(2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stored: {n:N0} alerts from the first receipt to the last commit in {span.TotalSeconds:0.0} s = {n / span.TotalSeconds:N0} alerts/s into the database; in the API, receipt → its batch written (stored_at) p50 {p[0].TotalMilliseconds:0} ms, p95 {p[1].TotalMilliseconds:0} ms, p99 {p[2].TotalMilliseconds:0} ms"));
    }
}
