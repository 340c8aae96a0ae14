using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Ingestion;

/// <summary>The rows a batch writes about its messages: the district locks, the look-up of repeats and the dead letters in one round trip; the alerts by binary COPY.</summary>
internal static class AlertRows
{
    private const string AlertMessageKey = "ix_alerts_gateway_id_msg_id";

    private const string CopyAlerts = "COPY alerts (gateway_id, msg_id, device_id, type, severity, observed_at, received_at, stored_at, location, " +
        "district_code, grid_code, class_code, confidence, media, props, outcome, case_id) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// One round trip before the alerts' COPY: the locks of the accepted messages' districts, the look-up of the pairs
    /// stored already among <paramref name="lookUp"/> (which the locks guard), and the dead letters of the refused
    /// messages. Returns the stored pairs.
    /// </summary>
    public static async Task<HashSet<(string, string)>> LockLookUpAndRefuseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<Inbound> batch,
        List<int> accepted, List<int> lookUp, List<int> rejected, CancellationToken ct)
    {
        var stored = new HashSet<(string, string)>();
        await using var first = new NpgsqlBatch(conn, tx);
        if (accepted.Count > 0)
        {
            var lk = new NpgsqlBatchCommand(SqlFiles.Get("Ingestion/Sql/lock_districts.sql"));
            lk.Parameters.AddWithValue("districts", accepted.Select(i => batch[i].GridCode![..6]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
            first.BatchCommands.Add(lk);
        }
        if (lookUp.Count > 0)
        {
            var ex = new NpgsqlBatchCommand(SqlFiles.Get("Ingestion/Sql/existing_alerts.sql"));
            ex.Parameters.AddWithValue("gateways", lookUp.Select(i => batch[i].GatewayId).ToArray());
            ex.Parameters.AddWithValue("msgs", lookUp.Select(i => batch[i].Alert!.MsgId).ToArray());
            first.BatchCommands.Add(ex);
        }
        if (rejected.Count > 0)
        {
            var dl = new NpgsqlBatchCommand(SqlFiles.Get("Ingestion/Sql/insert_dead_letters.sql"));
            dl.Parameters.AddWithValue("gateway", rejected.Select(i => batch[i].GatewayId).ToArray());
            // Ids and details come from the refused payload: a NUL in them is kept as the text \u0000, not refused again.
            dl.Parameters.AddWithValue("topic", rejected.Select(i => Clip(StorableText.Escaped(batch[i].Topic)!, 300)).ToArray());
            dl.Parameters.AddWithValue("msg", rejected.Select(i => StorableText.Escaped(batch[i].MsgId)).ToArray());
            dl.Parameters.AddWithValue("reason", rejected.Select(i => batch[i].Reason!).ToArray());
            dl.Parameters.AddWithValue("detail", rejected.Select(i => Clip(StorableText.Escaped(batch[i].Detail)!, 1000)).ToArray());
            dl.Parameters.AddWithValue("payload", rejected.Select(i => batch[i].Payload).ToArray());
            dl.Parameters.AddWithValue("size", rejected.Select(i => batch[i].Size).ToArray());
            dl.Parameters.AddWithValue("received", rejected.Select(i => batch[i].ReceivedAt).ToArray());
            first.BatchCommands.Add(dl);
        }
        if (first.BatchCommands.Count == 0) return stored;
        await using var r = await first.ExecuteReaderAsync(ct);
        // The locks' result first, then the stored pairs.
        if (lookUp.Count > 0 && await r.NextResultAsync(ct))
        {
            while (await r.ReadAsync(ct)) stored.Add((r.GetString(0), r.GetString(1)));
        }
        return stored;
    }

    /// <summary>
    /// Writes the fresh alerts by binary COPY under the district lock. A row already stored that was not looked up fails
    /// the unique key: with <paramref name="absorbRepeats"/> that is answered false (the batch is written again with every
    /// message looked up), without it the database's error goes on.
    /// </summary>
    public static async Task<bool> CopyAsync(NpgsqlConnection conn, IReadOnlyList<Inbound> batch, List<int> fresh, DateTimeOffset now, BatchCases cases,
        bool absorbRepeats, CancellationToken ct)
    {
        try
        {
            // Synchronous writes into Npgsql's buffer (it flushes every 8 KiB): a million awaits a minute cost more than the rare blocking flush.
            await using var copy = await conn.BeginBinaryImportAsync(CopyAlerts, ct);
            foreach (var i in fresh)
            {
                var m = batch[i];
                var a = m.Alert!;
                copy.StartRow();
                copy.Write(m.GatewayId, NpgsqlDbType.Varchar);
                copy.Write(a.MsgId, NpgsqlDbType.Varchar);
                copy.Write(a.DeviceId, NpgsqlDbType.Varchar);
                copy.Write(a.Type, NpgsqlDbType.Varchar);
                copy.Write(a.Severity, NpgsqlDbType.Varchar);
                copy.Write(a.ObservedAt, NpgsqlDbType.TimestampTz);
                copy.Write(m.ReceivedAt, NpgsqlDbType.TimestampTz);
                copy.Write(now, NpgsqlDbType.TimestampTz);
                copy.Write(GeometryFactories.Wgs84.CreatePoint(new NetTopologySuite.Geometries.Coordinate(m.Lon, m.Lat)), NpgsqlDbType.Geometry);
                copy.Write(m.GridCode![..6], NpgsqlDbType.Varchar);
                copy.Write(m.GridCode, NpgsqlDbType.Varchar);
                WriteNullable(copy, m.Type?.ClassCode, NpgsqlDbType.Varchar);
                WriteNullable(copy, a.Confidence, NpgsqlDbType.Double);
                WriteNullable(copy, a.Media, NpgsqlDbType.Varchar);
                WriteNullable(copy, a.PropsJson, NpgsqlDbType.Jsonb);
                copy.Write((int)cases.Outcome[i], NpgsqlDbType.Integer);
                WriteNullable(copy, cases.CaseOf[i], NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == AlertMessageKey && absorbRepeats)
        {
            return false;
        }
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
    {
        if (value is null) copy.WriteNull();
        else copy.Write(value, type);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v) copy.Write(v, type);
        else copy.WriteNull();
    }

    private static string Clip(string s, int max) => s.Length > max ? s[..max] : s;
}
