using Microsoft.EntityFrameworkCore;
using MQTTnet.Protocol;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Ingestion;

/// <summary>A case opened by a batch, announced once the batch has committed.</summary>
public sealed record OpenedCase(string Number, string DistrictCode, string GridCode, string ClassCode);

/// <summary>
/// Writes one batch of messages in one transaction (group commit): refused ones as dead letters; alerts once per
/// (gateway, msgId); each accepted alert opening a case or joining an open one. Writers of every instance take a
/// lock per district first, so the check for a stored alert and the match against open cases see each other's work.
/// </summary>
public sealed class AlertWriter(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, CalendarProvider calendars, TimeProvider clock)
{
    public async Task<(InboundResult[] Results, List<OpenedCase> Opened)> WriteAsync(IReadOnlyList<Inbound> batch, CancellationToken ct)
    {
        var results = new InboundResult[batch.Count];
        var opened = new List<OpenedCase>();
        var now = CaseHistory.Microseconds(clock.GetUtcNow());
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var accepted = new List<int>();
        var rejected = new List<int>();
        for (var i = 0; i < batch.Count; i++) (batch[i].Rejected ? rejected : accepted).Add(i);

        if (accepted.Count > 0)
        {
            var districts = accepted.Select(i => batch[i].GridCode![..6]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            await using (var lk = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/lock_districts.sql"), conn, tx))
            {
                lk.Parameters.AddWithValue("districts", districts);
                await lk.ExecuteScalarAsync(ct);
            }

            // Redeliveries: stored already (another batch, another instance), or twice in this batch.
            var stored = new HashSet<(string, string)>();
            await using (var ex = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/existing_alerts.sql"), conn, tx))
            {
                ex.Parameters.AddWithValue("gateways", accepted.Select(i => batch[i].GatewayId).ToArray());
                ex.Parameters.AddWithValue("msgs", accepted.Select(i => batch[i].Alert!.MsgId).ToArray());
                await using var r = await ex.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) stored.Add((r.GetString(0), r.GetString(1)));
            }
            var fresh = new List<int>();
            foreach (var i in accepted)
            {
                if (stored.Add((batch[i].GatewayId, batch[i].Alert!.MsgId))) fresh.Add(i);
                else results[i] = InboundResult.Duplicate;
            }

            if (fresh.Count > 0) await StoreAsync(batch, fresh, conn, tx, now, opened, ct);
            foreach (var i in fresh) results[i] = InboundResult.Stored;
        }

        if (rejected.Count > 0)
        {
            await using var dl = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/insert_dead_letters.sql"), conn, tx);
            dl.Parameters.AddWithValue("gateway", rejected.Select(i => batch[i].GatewayId).ToArray());
            dl.Parameters.AddWithValue("topic", rejected.Select(i => Clip(batch[i].Topic, 300)).ToArray());
            dl.Parameters.AddWithValue("msg", rejected.Select(i => batch[i].MsgId).ToArray());
            dl.Parameters.AddWithValue("reason", rejected.Select(i => batch[i].Reason!).ToArray());
            dl.Parameters.AddWithValue("detail", rejected.Select(i => Clip(batch[i].Detail!, 1000)).ToArray());
            dl.Parameters.AddWithValue("payload", rejected.Select(i => batch[i].Payload).ToArray());
            dl.Parameters.AddWithValue("size", rejected.Select(i => batch[i].Size).ToArray());
            dl.Parameters.AddWithValue("received", rejected.Select(i => batch[i].ReceivedAt).ToArray());
            await dl.ExecuteNonQueryAsync(ct);
            foreach (var i in rejected) results[i] = InboundResult.Rejected;
        }

        await tx.CommitAsync(ct);
        return (results, opened);
    }

    private async Task StoreAsync(IReadOnlyList<Inbound> batch, List<int> fresh, NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now,
        List<OpenedCase> opened, CancellationToken ct)
    {
        // The open cases these alerts may join.
        var open = new List<OpenAlertCase>();
        var wanting = fresh.Where(i => WantsCase(batch[i])).ToList();
        if (wanting.Count > 0)
        {
            await using var oc = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/open_cases.sql"), conn, tx);
            oc.Parameters.AddWithValue("devices", wanting.Select(i => batch[i].Device!.Id).Distinct().ToArray());
            oc.Parameters.AddWithValue("grids", wanting.Select(i => batch[i].GridCode!).Distinct().ToArray());
            oc.Parameters.AddWithValue("classes", wanting.Select(i => batch[i].Type!.ClassCode).Distinct().ToArray());
            await using var r = await oc.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                open.Add(new OpenAlertCase(r.GetInt64(0), r.IsDBNull(1) ? "" : r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                    r.IsDBNull(4) ? null : r.GetString(4), r.GetDouble(5), r.GetDouble(6), r.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        var outcome = new AlertOutcome[batch.Count];
        var caseOf = new long?[batch.Count];
        var joins = new Dictionary<long, (int Count, DateTimeOffset Last)>();
        SpatialGridDb? db = null;
        AsyncServiceScope? scope = null;
        var alarms = new List<(string Device, long Case)>();
        try
        {
            foreach (var i in fresh)
            {
                var m = batch[i];
                var a = m.Alert!;
                if (m.Type is null) { outcome[i] = AlertOutcome.Unmapped; continue; }
                if (a.Confidence is { } conf && conf < m.Type.MinConfidence) { outcome[i] = AlertOutcome.BelowThreshold; continue; }
                var match = AlertDeduplication.Match(open, m.Device!.Id, a.Type, m.Type, m.GridCode!, m.Lon, m.Lat, a.ObservedAt);
                if (match is not null)
                {
                    outcome[i] = AlertOutcome.Joined;
                    caseOf[i] = match.Id;
                    var last = a.ObservedAt > match.LastAlertAt ? a.ObservedAt : match.LastAlertAt;
                    match.LastAlertAt = last;
                    joins[match.Id] = joins.TryGetValue(match.Id, out var j) ? (j.Count + 1, last > j.Last ? last : j.Last) : (1, last);
                    continue;
                }
                if (db is null)
                {
                    scope = scopes.CreateAsyncScope();
                    db = scope.Value.ServiceProvider.GetRequiredService<SpatialGridDb>();
                    db.Database.SetDbConnection(conn);
                    await db.Database.UseTransactionAsync(tx, ct);
                }
                var c = await OpenCaseAsync(db, conn, tx, m, now, ct);
                outcome[i] = AlertOutcome.Opened;
                caseOf[i] = c.Id;
                open.Add(new OpenAlertCase(c.Id, m.GridCode!, m.Type.ClassCode, m.Device.Id, a.Type, m.Lon, m.Lat, a.ObservedAt));
                opened.Add(new OpenedCase(c.Number, c.DistrictCode, m.GridCode!, c.ClassCode));
                alarms.Add((m.Device.Id, c.Id));
                await CaseNotifier.SendAsync(conn, tx, new CaseNotification("created", c.Number, c.DistrictCode, c.GridCode, CaseNames.Name(c.State),
                    "green", now), ct);
            }
        }
        finally
        {
            if (scope is { } s) await s.DisposeAsync();
        }

        await using (var ins = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/insert_alerts.sql"), conn, tx))
        {
            var rows = fresh.Select(i => batch[i]).ToList();
            ins.Parameters.AddWithValue("gateway", rows.Select(m => m.GatewayId).ToArray());
            ins.Parameters.AddWithValue("msg", rows.Select(m => m.Alert!.MsgId).ToArray());
            ins.Parameters.AddWithValue("device", rows.Select(m => m.Alert!.DeviceId).ToArray());
            ins.Parameters.AddWithValue("type", rows.Select(m => m.Alert!.Type).ToArray());
            ins.Parameters.AddWithValue("severity", rows.Select(m => m.Alert!.Severity).ToArray());
            ins.Parameters.AddWithValue("observed", rows.Select(m => m.Alert!.ObservedAt).ToArray());
            ins.Parameters.AddWithValue("received", rows.Select(m => m.ReceivedAt).ToArray());
            ins.Parameters.AddWithValue("lon", rows.Select(m => m.Lon).ToArray());
            ins.Parameters.AddWithValue("lat", rows.Select(m => m.Lat).ToArray());
            ins.Parameters.AddWithValue("grid", rows.Select(m => m.GridCode!).ToArray());
            ins.Parameters.AddWithValue("class", rows.Select(m => m.Type?.ClassCode).ToArray());
            ins.Parameters.AddWithValue("confidence", rows.Select(m => m.Alert!.Confidence).ToArray());
            ins.Parameters.AddWithValue("media", rows.Select(m => m.Alert!.Media).ToArray());
            ins.Parameters.AddWithValue("props", rows.Select(m => m.Alert!.PropsJson).ToArray());
            ins.Parameters.AddWithValue("outcome", fresh.Select(i => (int)outcome[i]).ToArray());
            ins.Parameters.AddWithValue("case", fresh.Select(i => caseOf[i]).ToArray());
            await ins.ExecuteNonQueryAsync(ct);
        }

        if (joins.Count > 0)
        {
            await using var jc = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/join_cases.sql"), conn, tx);
            jc.Parameters.AddWithValue("ids", joins.Keys.ToArray());
            jc.Parameters.AddWithValue("counts", joins.Values.Select(v => v.Count).ToArray());
            jc.Parameters.AddWithValue("lasts", joins.Values.Select(v => v.Last).ToArray());
            await jc.ExecuteNonQueryAsync(ct);
        }
        if (alarms.Count > 0)
        {
            await using var al = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/device_alarms.sql"), conn, tx);
            al.Parameters.AddWithValue("devices", alarms.Select(x => x.Device).ToArray());
            al.Parameters.AddWithValue("cases", alarms.Select(x => x.Case).ToArray());
            await al.ExecuteNonQueryAsync(ct);
        }
    }

    private static bool WantsCase(Inbound m) => m.Type is { } t && !(m.Alert!.Confidence is { } c && c < t.MinConfidence);

    private async Task<Case> OpenCaseAsync(SpatialGridDb db, NpgsqlConnection conn, NpgsqlTransaction tx, Inbound m, DateTimeOffset now, CancellationToken ct)
    {
        var a = m.Alert!;
        var type = m.Type!;
        var district = m.GridCode![..6];
        var cls = await db.Taxonomy.AsNoTracking().FirstAsync(t => t.Code == type.ClassCode, ct);
        var over = await db.TaxonomyOverrides.AsNoTracking().FirstOrDefaultAsync(x => x.DistrictCode == district && x.ClassCode == cls.Code, ct);
        // A device clock a little ahead is accepted; the case is not reported in the future.
        var reportedAt = CaseHistory.Microseconds(a.ObservedAt < now ? a.ObservedAt : now);
        var source = m.Device!.Kind.StartsWith("camera", StringComparison.Ordinal) ? CaseSource.Camera : CaseSource.Device;
        var description = $"{type.Description} · device {a.DeviceId} · {a.Severity}" + (a.Confidence is { } conf ? $" · confidence {conf:0.00}" : "");
        var draft = new CaseCreation.CaseDraft(cls, over, district, m.GridCode, source, description, m.Lon, m.Lat, m.Device.ComponentCode,
            $"gateway:{m.GatewayId}", reportedAt, DeviceId: a.DeviceId, AlertType: a.Type,
            ReportData: new { source = CaseViews.Name(source), lon = m.Lon, lat = m.Lat, grid = m.GridCode, gateway = m.GatewayId, device = a.DeviceId,
                type = a.Type, msgId = a.MsgId, severity = a.Severity, confidence = a.Confidence, media = a.Media, component = m.Device.ComponentCode });
        var (c, _) = await CaseCreation.InsertAsync(draft, db, calendars.Calendar, now,
            token => CaseCreation.NextNumberAsync(null, conn, tx, district, reportedAt, calendars, token), ct);
        return c;
    }

    private static string Clip(string s, int max) => s.Length > max ? s[..max] : s;
}
