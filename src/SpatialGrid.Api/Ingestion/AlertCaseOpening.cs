using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ingestion;

/// <summary>A case a batch opened, with the device and alert type whose next alerts go to it.</summary>
internal sealed record AlertOpenedCase(Case Case, string Device, string Type, string? TraceId);

/// <summary>
/// Opens the cases a batch's alerts call for through the <see cref="CaseOpener"/>, under each gateway's policy, in the
/// batch's transaction: the taxonomy is read once per batch (a storm opens many cases of few classes), the cases are
/// written together, and the batch's placeholders get the real ids.
/// </summary>
internal sealed class AlertCaseOpening(IServiceScopeFactory scopes, CalendarProvider calendars, DeviceRegistry registry)
{
    public async Task<List<AlertOpenedCase>> OpenAsync(IReadOnlyList<Inbound> batch, BatchCases cases, NpgsqlConnection conn, NpgsqlTransaction tx,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var opener = scope.ServiceProvider.GetRequiredService<CaseOpener>();
        await opener.UseAsync(conn, tx, ct);
        var taxonomy = new TaxonomyCache();
        var pending = new List<(Case Case, CaseDraft Draft)>(cases.NewCases.Count);
        foreach (var n in cases.NewCases)
        {
            var m = batch[n.Index];
            var (draft, problem) = await opener.DraftAsync(Opening(m, now), CaseCaller.Gateway(m.GatewayId, registry.Gateway(m.GatewayId)?.Districts ?? []), taxonomy, ct);
            // The pipeline refuses what a gateway may not report before it is queued: a refusal here is a fault, and the batch is tried again.
            if (draft is null) throw new InvalidOperationException($"a case from gateway {m.GatewayId} cannot be opened: {problem!.Kind}: {problem.Detail}");
            var c = NewCaseRows.Build(draft, calendars.Calendar);
            // Written with the batch's later alerts that joined it.
            c.AlertCount += n.Joined;
            if (n.LastJoinedAt is { } last && (c.LastAlertAt is not { } l || last > l)) c.LastAlertAt = last;
            pending.Add((c, draft));
        }
        await opener.OpenManyAsync(pending, conn, tx, now, ct);
        for (var i = 0; i < cases.CaseOf.Length; i++)
        {
            if (cases.CaseOf[i] is { } placeholder && placeholder < 0) cases.CaseOf[i] = pending[(int)(-placeholder - 1)].Case.Id;
        }
        return cases.NewCases.Select((n, k) => new AlertOpenedCase(pending[k].Case, batch[n.Index].Device!.Id, batch[n.Index].Alert!.Type, batch[n.Index].TraceId)).ToList();
    }

    /// <summary>A device whose alert opened a case is in alarm until that case is verified (after the joins: cases, then devices, as a verification locks them).</summary>
    public static async Task SetAlarmsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<AlertOpenedCase> opened, CancellationToken ct)
    {
        if (opened.Count == 0) return;
        await using var al = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/device_alarms.sql"), conn, tx);
        al.Parameters.AddWithValue("devices", opened.Select(x => x.Device).ToArray());
        al.Parameters.AddWithValue("cases", opened.Select(x => x.Case.Id).ToArray());
        await al.ExecuteNonQueryAsync(ct);
    }

    /// <summary>What a case from this alert is opened from: its class, a description naming the device, the report time (a device clock a little ahead is accepted; the case is not reported in the future).</summary>
    private static CaseOpening Opening(Inbound m, DateTimeOffset now)
    {
        var a = m.Alert!;
        var type = m.Type!;
        var reportedAt = CaseHistory.Microseconds(a.ObservedAt < now ? a.ObservedAt : now);
        var source = m.Device!.Kind.StartsWith("camera", StringComparison.Ordinal) ? CaseSource.Camera : CaseSource.Device;
        var description = $"{type.Description} · device {a.DeviceId} · {a.Severity}" + (a.Confidence is { } conf ? $" · confidence {conf:0.00}" : "");
        return new CaseOpening(CaseChannel.Device, type.ClassCode, description, m.Lon, m.Lat, source, reportedAt)
        {
            GridCode = m.GridCode, ComponentCode = m.Device.ComponentCode, DeviceId = a.DeviceId, AlertType = a.Type,
            ReportData = new { source = CaseViews.Name(source), lon = m.Lon, lat = m.Lat, grid = m.GridCode, gateway = m.GatewayId, device = a.DeviceId,
                type = a.Type, msgId = a.MsgId, severity = a.Severity, confidence = a.Confidence, media = a.Media, component = m.Device.ComponentCode },
            TraceId = m.TraceId,
        };
    }
}
