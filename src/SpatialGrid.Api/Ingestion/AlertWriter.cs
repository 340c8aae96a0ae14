using Microsoft.EntityFrameworkCore;
using MQTTnet.Protocol;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Core;
using SpatialGrid.Core.Geo;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Ingestion;

/// <summary>A case opened by a batch, announced once the batch has committed.</summary>
public sealed record OpenedCase(string Number, string DistrictCode, string GridCode, string ClassCode, string? TraceId = null, string? Device = null);

/// <summary>
/// Writes one batch of messages in one transaction (group commit): refused ones as dead letters; alerts once per
/// (gateway, msgId); each accepted alert opening a case or joining an open one. Writers of every instance take a
/// lock per district first, so the check for a stored alert and the match against open cases see each other's work.
/// </summary>
public sealed class AlertWriter([FromKeyedServices(DatabaseSetup.Prepared)] NpgsqlDataSource dataSource, IServiceScopeFactory scopes, CalendarProvider calendars, TimeProvider clock, Telemetry telemetry)
{
    /// <summary>Time spent in each step since start, in ticks (GET /api/ingestion shows it: where the writer's time goes).</summary>
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> StepTicks = new();

    private long _mark;

    private void Step(string name)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        telemetry.WriterStep(name, System.Diagnostics.Stopwatch.GetElapsedTime(_mark, now));
        StepTicks.AddOrUpdate(name, System.Diagnostics.Stopwatch.GetElapsedTime(_mark, now).Ticks, (_, t) => t + System.Diagnostics.Stopwatch.GetElapsedTime(_mark, now).Ticks);
        _mark = now;
    }

    /// <summary>
    /// The open case of each (device, alert type) this instance has seen, so that a device repeating itself does
    /// not cost a lookup per batch. Only this writer touches it. It is a hint, checked where it matters: the update
    /// that joins alerts to cases updates open cases only, and if one of them was closed meanwhile (here or in
    /// another instance) the batch is rolled back and written again without the hint.
    /// </summary>
    private readonly Dictionary<(string Device, string Type), long> _deviceCases = new();

    private sealed class StaleCaseHint : Exception;

    /// <summary>
    /// The (gateway, msgId) pairs this writer stored lately. Only those are looked up before the batch's COPY; any
    /// other repeat (stored by another instance, before a restart, or long ago) meets the unique key, and the batch
    /// is written again with every message looked up. Only this writer touches it, after each commit.
    /// </summary>
    private readonly RecentMessages _recent = new();

    /// <summary>Batches written a second time because a repeat was not remembered (GET /api/ingestion).</summary>
    public long UnrememberedRepeats => Interlocked.Read(ref _unremembered);
    private long _unremembered;

    private sealed class UnrememberedRepeat : Exception;

    public async Task<(InboundResult[] Results, List<OpenedCase> Opened)> WriteAsync(IReadOnlyList<Inbound> batch, CancellationToken ct)
    {
        // Hints are cheap to lose: keep them bounded.
        if (_deviceCases.Count > 1_000_000) _deviceCases.Clear();
        var written = await WriteCheckedAsync(batch, lookUpAll: false, ct);
        // Remembered only once committed: a rolled-back batch stored nothing.
        for (var i = 0; i < batch.Count; i++)
        {
            if (written.Results[i] is InboundResult.Stored or InboundResult.Duplicate) _recent.Add(batch[i].GatewayId, batch[i].Alert!.MsgId);
        }
        return written;
    }

    private async Task<(InboundResult[] Results, List<OpenedCase> Opened)> WriteCheckedAsync(IReadOnlyList<Inbound> batch, bool lookUpAll, CancellationToken ct)
    {
        try
        {
            try
            {
                return await WriteOnceAsync(batch, useHints: true, lookUpAll, ct);
            }
            catch (StaleCaseHint)
            {
                _deviceCases.Clear();
                return await WriteOnceAsync(batch, useHints: false, lookUpAll, ct);
            }
        }
        catch (UnrememberedRepeat) when (!lookUpAll)
        {
            // The rolled-back attempt may have left hints to cases it opened: drop them all.
            _deviceCases.Clear();
            Interlocked.Increment(ref _unremembered);
            return await WriteCheckedAsync(batch, lookUpAll: true, ct);
        }
    }

    private async Task<(InboundResult[] Results, List<OpenedCase> Opened)> WriteOnceAsync(IReadOnlyList<Inbound> batch, bool useHints, bool lookUpAll, CancellationToken ct)
    {
        var results = new InboundResult[batch.Count];
        var opened = new List<OpenedCase>();
        var now = CaseHistory.Microseconds(clock.GetUtcNow());
        _mark = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        Step("open");

        var accepted = new List<int>();
        var rejected = new List<int>();
        for (var i = 0; i < batch.Count; i++) (batch[i].Rejected ? rejected : accepted).Add(i);

        // One round trip before the alerts' COPY: the district locks, the lookup of repeats (which the locks guard)
        // and the dead letters. Redeliveries are stored already (another batch, another instance) or twice in this
        // batch; only the messages this writer may have stored lately are looked up: the unique key answers for
        // the others.
        var stored = new HashSet<(string, string)>();
        var lookUp = lookUpAll ? accepted : accepted.Where(i => _recent.MayContain(batch[i].GatewayId, batch[i].Alert!.MsgId)).ToList();
        await using (var first = new NpgsqlBatch(conn, tx))
        {
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
            if (first.BatchCommands.Count > 0)
            {
                await using var r = await first.ExecuteReaderAsync(ct);
                // The locks' result first, then the stored pairs.
                if (lookUp.Count > 0 && await r.NextResultAsync(ct))
                {
                    while (await r.ReadAsync(ct)) stored.Add((r.GetString(0), r.GetString(1)));
                }
            }
        }
        foreach (var i in rejected) results[i] = InboundResult.Rejected;
        Step("lock-existing-dead-letters");

        if (accepted.Count > 0)
        {
            var fresh = new List<int>();
            foreach (var i in accepted)
            {
                if (stored.Add((batch[i].GatewayId, batch[i].Alert!.MsgId))) fresh.Add(i);
                else results[i] = InboundResult.Duplicate;
            }

            try
            {
                if (fresh.Count > 0) await StoreAsync(batch, fresh, conn, tx, now, opened, useHints, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == AlertMessageKey && !lookUpAll)
            {
                throw new UnrememberedRepeat();
            }
            foreach (var i in fresh) results[i] = InboundResult.Stored;
        }

        await tx.CommitAsync(ct);
        Step("commit");
        return (results, opened);
    }

    private async Task StoreAsync(IReadOnlyList<Inbound> batch, List<int> fresh, NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now,
        List<OpenedCase> opened, bool useHints, CancellationToken ct)
    {
        // The open cases these alerts may join: first their devices' own; then, only for alerts still without one,
        // cases of their class in their grids (in a steady stream most alerts repeat a device and skip the second query).
        var open = new OpenCases();
        var wanting = fresh.Where(i => WantsCase(batch[i])).ToList();
        if (wanting.Count > 0)
        {
            if (useHints)
            {
                foreach (var i in wanting)
                {
                    var key = (batch[i].Device!.Id, batch[i].Alert!.Type);
                    if (_deviceCases.TryGetValue(key, out var hinted)) open.AddDeviceCase(key.Item1, key.Item2, hinted);
                }
            }
            var unknown = wanting.Where(i => !open.HasDevice(batch[i].Device!.Id, batch[i].Alert!.Type)).Select(i => batch[i].Device!.Id).Distinct().ToArray();
            if (unknown.Length > 0)
            {
                await using var byDevice = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/open_cases_by_device.sql"), conn, tx);
                byDevice.Parameters.AddWithValue("devices", unknown);
                await open.ReadAsync(byDevice, ct);
            }
            var rest = wanting.Where(i => !open.HasDevice(batch[i].Device!.Id, batch[i].Alert!.Type)).ToList();
            if (rest.Count > 0)
            {
                await using var byClass = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/open_cases.sql"), conn, tx);
                byClass.Parameters.AddWithValue("grids", rest.Select(i => batch[i].GridCode!).Distinct().ToArray());
                byClass.Parameters.AddWithValue("classes", rest.Select(i => batch[i].Type!.ClassCode).Distinct().ToArray());
                await open.ReadAsync(byClass, ct);
            }
        }
        Step("open-cases");
        foreach (var (key, id) in open.DeviceCases()) _deviceCases[key] = id;

        var outcome = new AlertOutcome[batch.Count];
        var caseOf = new long?[batch.Count];
        var joins = new Dictionary<long, (int Count, DateTimeOffset Last)>();
        // Cases this batch opens, written together after the loop; until then known by a placeholder id (-1, -2, …).
        var pending = new List<(Case Case, CaseCreation.CaseDraft Draft, string Device, string Type)>();
        SpatialGridDb? db = null;
        AsyncServiceScope? scope = null;
        var classes = new Dictionary<string, TaxonomyEntry>(StringComparer.Ordinal);
        var overrides = new Dictionary<(string, string), TaxonomyOverride?>();
        try
        {
            foreach (var i in fresh)
            {
                var m = batch[i];
                var a = m.Alert!;
                if (m.Type is null) { outcome[i] = AlertOutcome.Unmapped; continue; }
                if (a.Confidence is { } conf && conf < m.Type.MinConfidence) { outcome[i] = AlertOutcome.BelowThreshold; continue; }
                var match = open.Match(m.Device!.Id, a.Type, m.Type, m.GridCode!, m.Lon, m.Lat, a.ObservedAt);
                if (match is not null)
                {
                    outcome[i] = AlertOutcome.Joined;
                    caseOf[i] = match.Id;
                    var last = a.ObservedAt > match.LastAlertAt ? a.ObservedAt : match.LastAlertAt;
                    match.LastAlertAt = last;
                    if (match.Id < 0)
                    {
                        // A case this batch opens: it is written with its count.
                        var opening = pending[(int)(-match.Id - 1)].Case;
                        opening.AlertCount++;
                        if (opening.LastAlertAt is not { } l || last > l) opening.LastAlertAt = last;
                    }
                    else
                    {
                        joins[match.Id] = joins.TryGetValue(match.Id, out var j) ? (j.Count + 1, last > j.Last ? last : j.Last) : (1, last);
                        // The device's next alerts of this type go to the same case (also when it was joined by the class rule).
                        _deviceCases[(m.Device.Id, a.Type)] = match.Id;
                    }
                    continue;
                }
                if (db is null)
                {
                    scope = scopes.CreateAsyncScope();
                    db = scope.Value.ServiceProvider.GetRequiredService<SpatialGridDb>();
                    db.Database.SetDbConnection(conn);
                    await db.Database.UseTransactionAsync(tx, ct);
                }
                var draft = await DraftAsync(db, m, now, classes, overrides, ct);
                var placeholder = -(pending.Count + 1L);
                pending.Add((CaseCreation.Build(draft, calendars.Calendar), draft, m.Device.Id, a.Type));
                outcome[i] = AlertOutcome.Opened;
                caseOf[i] = placeholder;
                open.Add(new OpenAlertCase(placeholder, m.GridCode!, m.Type.ClassCode, m.Device.Id, a.Type, m.Lon, m.Lat, a.ObservedAt));
            }
            if (pending.Count > 0) await OpenCasesAsync(db!, conn, tx, pending, now, caseOf, opened, ct);
        }
        finally
        {
            if (scope is { } s) await s.DisposeAsync();
        }
        var alarms = pending.Select(p => (Device: p.Device, Case: p.Case.Id)).ToList();

        Step("match-and-new-cases");
        // Binary COPY under the district lock: a row already stored that was not looked up fails the unique key, and
        // the batch is written again with every message looked up (WriteCheckedAsync).
        // Synchronous writes into Npgsql's buffer (it flushes every 8 KiB): a million awaits a minute cost more than the rare blocking flush.
        await using (var copy = await conn.BeginBinaryImportAsync(CopyAlerts, ct))
        {
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
                copy.Write((int)outcome[i], NpgsqlDbType.Integer);
                WriteNullable(copy, caseOf[i], NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync(ct);
        }
        Step("insert-alerts");

        if (joins.Count > 0)
        {
            await using var jc = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/join_cases.sql"), conn, tx);
            jc.Parameters.AddWithValue("ids", joins.Keys.ToArray());
            jc.Parameters.AddWithValue("counts", joins.Values.Select(v => v.Count).ToArray());
            jc.Parameters.AddWithValue("lasts", joins.Values.Select(v => v.Last).ToArray());
            // Only open cases take alerts: a case closed since it was found (a stale hint) is not updated.
            if (await jc.ExecuteNonQueryAsync(ct) != joins.Count) throw new StaleCaseHint();
        }
        Step("join-cases");
        if (alarms.Count > 0)
        {
            await using var al = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/device_alarms.sql"), conn, tx);
            al.Parameters.AddWithValue("devices", alarms.Select(x => x.Device).ToArray());
            al.Parameters.AddWithValue("cases", alarms.Select(x => x.Case).ToArray());
            await al.ExecuteNonQueryAsync(ct);
        }
    }

    private const string AlertMessageKey = "ix_alerts_gateway_id_msg_id";

    private const string CopyAlerts = "COPY alerts (gateway_id, msg_id, device_id, type, severity, observed_at, received_at, stored_at, location, " +
        "district_code, grid_code, class_code, confidence, media, props, outcome, case_id) FROM STDIN (FORMAT BINARY)";

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

    private static bool WantsCase(Inbound m) => m.Type is { } t && !(m.Alert!.Confidence is { } c && c < t.MinConfidence);

    /// <summary>What a new case from this alert is made of (the taxonomy is read once per batch: a storm opens many cases of few classes).</summary>
    private static async Task<CaseCreation.CaseDraft> DraftAsync(SpatialGridDb db, Inbound m, DateTimeOffset now,
        Dictionary<string, TaxonomyEntry> classes, Dictionary<(string, string), TaxonomyOverride?> overrides, CancellationToken ct)
    {
        var a = m.Alert!;
        var type = m.Type!;
        var district = m.GridCode![..6];
        if (!classes.TryGetValue(type.ClassCode, out var cls))
            classes[type.ClassCode] = cls = await db.Taxonomy.AsNoTracking().FirstAsync(t => t.Code == type.ClassCode, ct);
        if (!overrides.TryGetValue((district, cls.Code), out var over))
            overrides[(district, cls.Code)] = over = await db.TaxonomyOverrides.AsNoTracking().FirstOrDefaultAsync(x => x.DistrictCode == district && x.ClassCode == cls.Code, ct);
        // A device clock a little ahead is accepted; the case is not reported in the future.
        var reportedAt = CaseHistory.Microseconds(a.ObservedAt < now ? a.ObservedAt : now);
        var source = m.Device!.Kind.StartsWith("camera", StringComparison.Ordinal) ? CaseSource.Camera : CaseSource.Device;
        var description = $"{type.Description} · device {a.DeviceId} · {a.Severity}" + (a.Confidence is { } conf ? $" · confidence {conf:0.00}" : "");
        return new CaseCreation.CaseDraft(cls, over, district, m.GridCode, source, description, m.Lon, m.Lat, m.Device.ComponentCode,
            $"gateway:{m.GatewayId}", reportedAt, DeviceId: a.DeviceId, AlertType: a.Type,
            ReportData: new { source = CaseViews.Name(source), lon = m.Lon, lat = m.Lat, grid = m.GridCode, gateway = m.GatewayId, device = a.DeviceId,
                type = a.Type, msgId = a.MsgId, severity = a.Severity, confidence = a.Confidence, media = a.Media, component = m.Device.ComponentCode }, TraceId: m.TraceId);
    }

    /// <summary>
    /// Writes the cases a batch opens together: their numbers taken as one range per district and day, the cases in
    /// one round trip, their first events (hash-chained) in another, their live events in one NOTIFY statement; then
    /// puts the real ids where the batch used placeholders.
    /// </summary>
    private async Task OpenCasesAsync(SpatialGridDb db, NpgsqlConnection conn, NpgsqlTransaction tx,
        List<(Case Case, CaseCreation.CaseDraft Draft, string Device, string Type)> pending, DateTimeOffset now, long?[] caseOf, List<OpenedCase> opened, CancellationToken ct)
    {
        var calendar = calendars.Calendar;
        foreach (var day in pending.GroupBy(p => (p.Draft.District, Day: CaseCreation.LocalDay(p.Draft.ReportedAt, calendar))))
        {
            var sequence = await CaseCreation.TakeNumbersAsync(new NpgsqlCommand(null, conn, tx), day.Key.District, day.Key.Day, day.Count(), ct);
            foreach (var p in day) p.Case.Number = CaseCreation.Number(p.Draft, calendar, sequence++);
        }
        db.Cases.AddRange(pending.Select(p => p.Case));
        await db.SaveChangesAsync(ct);
        foreach (var p in pending) db.CaseEvents.AddRange(CaseCreation.FirstEvents(p.Case, p.Draft, now, calendar));
        await db.SaveChangesAsync(ct);

        for (var i = 0; i < caseOf.Length; i++)
        {
            if (caseOf[i] is { } placeholder && placeholder < 0) caseOf[i] = pending[(int)(-placeholder - 1)].Case.Id;
        }
        foreach (var p in pending)
        {
            _deviceCases[(p.Device, p.Type)] = p.Case.Id;
            opened.Add(new OpenedCase(p.Case.Number, p.Case.DistrictCode, p.Case.GridCode!, p.Case.ClassCode, p.Draft.TraceId, p.Device));
        }
        await CaseNotifier.SendManyAsync(conn, tx, pending.Select(p => new CaseNotification("created", p.Case.Number, p.Case.DistrictCode, p.Case.GridCode,
            CaseNames.Name(p.Case.State), CaseViews.Name(p.Case.NotifiedColour), now)), ct);
    }

    private static string Clip(string s, int max) => s.Length > max ? s[..max] : s;
}
